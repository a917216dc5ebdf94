"""Production settings: `check --deploy` is clean, and a missing secret stops start-up."""

import os
import subprocess
import sys

from django.conf import settings

from gridgov.people.crypto import new_key_entry

MANAGE = [sys.executable, str(settings.BASE_DIR / "manage.py")]


FIELD_KEYS = new_key_entry("k1")
INDEX_KEY = new_key_entry("")


def production_env(tmp_path, *, keys: bool = True, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDGOV_")}
    env.update(GRIDGOV_DATA_DIR=str(tmp_path), GRIDGOV_ALLOWED_HOSTS="grid.example.gov.cn")
    if keys:
        env.update(GRIDGOV_FIELD_KEYS=FIELD_KEYS, GRIDGOV_INDEX_KEY=INDEX_KEY)
    env.update(extra)
    return env


def test_check_deploy_is_clean(tmp_path):
    env = production_env(tmp_path, GRIDGOV_SECRET_KEY="k" * 20 + "-Xq9!vT3#pL8@wZ5$mN2%rB7^yF4&hJ6*")
    result = subprocess.run(
        [*MANAGE, "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_secret_key_refuses_to_start(tmp_path):
    result = subprocess.run(
        [*MANAGE, "check"], env=production_env(tmp_path), capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "GRIDGOV_SECRET_KEY" in result.stderr


def test_bad_boolean_names_the_variable(tmp_path):
    env = production_env(tmp_path, GRIDGOV_DEMO="maybe")
    result = subprocess.run([*MANAGE, "check"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "GRIDGOV_DEMO" in result.stderr


def test_production_requires_second_factor_and_argon2(tmp_path):
    env = production_env(tmp_path, GRIDGOV_SECRET_KEY="x" * 60)
    code = (
        "from django.conf import settings as s; "
        "print(s.REQUIRE_2FA, s.PASSWORD_HASHERS[0].rsplit('.', 1)[-1], s.SESSION_COOKIE_AGE, s.DEBUG)"
    )
    result = subprocess.run(
        [*MANAGE, "shell", "--no-imports", "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.stdout.split() == ["True", "Argon2PasswordHasher", "1800", "False"], result.stderr


def test_production_without_field_keys_refuses_to_start(tmp_path):
    env = production_env(tmp_path, keys=False, GRIDGOV_SECRET_KEY="x" * 60)
    result = subprocess.run([*MANAGE, "check"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "GRIDGOV_FIELD_KEYS is empty" in result.stderr
    assert not list(tmp_path.iterdir()), "production must not generate keys"


def test_production_refuses_the_same_key_for_both_purposes(tmp_path):
    env = production_env(tmp_path, GRIDGOV_SECRET_KEY="x" * 60, GRIDGOV_INDEX_KEY=FIELD_KEYS.split(":", 1)[1])
    result = subprocess.run([*MANAGE, "check"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "GRIDGOV_INDEX_KEY must differ" in result.stderr
