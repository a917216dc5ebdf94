"""Submissions are limited per API key, reads per client address: over the limit is a 429."""

from __future__ import annotations

import pytest

from gridgov.cases.models import Case
from gridgov.cases.testing import HOME_POINT
from gridgov.open311 import ratelimit
from gridgov.open311.tests.conftest import BASE, error_of

pytestmark = pytest.mark.django_db


def submit(client, clear_key: str, fmt: str = "json"):
    return client.post(
        f"{BASE}requests.{fmt}",
        {
            "api_key": clear_key,
            "service_code": "0201",
            "lat": HOME_POINT[1],
            "long": HOME_POINT[0],
            "description": "坑",
        },
    )


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_key_over_its_limit_gets_429_and_creates_nothing(client, world, api_key, fmt):
    api_key.requests_per_minute = 2
    api_key.save(update_fields=["requests_per_minute"])
    assert [submit(client, api_key.clear, fmt).status_code for _ in range(3)] == [201, 201, 429]
    assert error_of(submit(client, api_key.clear, fmt))[0] == 429
    assert Case.objects.count() == 2


def test_keys_are_limited_separately(client, world, api_key):
    from gridgov.open311.keys import issue_key

    api_key.requests_per_minute = 1
    api_key.save(update_fields=["requests_per_minute"])
    _other, other_clear = issue_key(name="other", requests_per_minute=1, actor=None)
    assert submit(client, api_key.clear).status_code == 201
    assert submit(client, api_key.clear).status_code == 429
    assert submit(client, other_clear).status_code == 201


def test_reads_are_limited_per_address(client, world, settings):
    settings.OPEN311_READS_PER_MINUTE = 3
    statuses = [client.get(f"{BASE}services.xml").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    other = client.get(f"{BASE}services.json", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_the_window_starts_again_each_minute():
    assert ratelimit.allow("t", 1, now=120.0)
    assert not ratelimit.allow("t", 1, now=150.0)
    assert ratelimit.allow("t", 1, now=180.0)
