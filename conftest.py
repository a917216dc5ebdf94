"""Test-wide settings: fast password hashing (argon2 is checked in its own test)."""

import os

import pytest

os.environ.setdefault("GRIDGOV_DEMO", "1")


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
