"""The public map: a page anyone may open, and a GeoJSON feed of public cases without personal data."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from gridgov.cases.models import State
from gridgov.cases.testing import report
from gridgov.open311.tests.conftest import bulk_cases

pytestmark = pytest.mark.django_db

FEED = "/open311/map/cases.geojson"


def features(client, **params) -> list[dict]:
    response = client.get(FEED, params)
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["type"] == "FeatureCollection"
    return body["features"]


def test_the_page_opens_without_login_and_has_no_tab_bar(client, world):
    response = client.get("/open311/map/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="gg-pm-map"' in page
    assert "public_map.js" in page
    assert "gg-portal-tabs" not in page
    assert "Pothole" in page  # the category filter
    assert "Neighbours" not in page  # non-public categories are not offered


def test_feed_shows_public_cases_without_personal_data(client, world):
    pothole = report(
        world, description="路面有坑，电话 13800138000", caller_name="", hide_reporter=True, address="和平路"
    )
    report(world, category="0301", description="邻居吵架")
    [feature] = features(client)
    props = feature["properties"]
    assert props["number"] == pothole.number
    assert feature["geometry"]["coordinates"] == [pytest.approx(pothole.lon), pytest.approx(pothole.lat)]
    assert "13800138000" not in props["description"]
    assert set(props) == {"number", "category", "status", "state", "state_label", "reported", "description"}
    assert "grid_worker" not in json.dumps(feature)


def test_feed_filters_by_category_status_and_period(client, world):
    now = timezone.now()
    bulk_cases(world, 2, reported_at=now - timedelta(days=1), prefix="A")
    bulk_cases(world, 1, reported_at=now - timedelta(days=1), state=State.CLOSED, prefix="C")
    bulk_cases(world, 1, reported_at=now - timedelta(days=60), prefix="O")
    assert len(features(client)) == 3  # the default period is 30 days
    assert len(features(client, period="90")) == 4
    assert {f["properties"]["status"] for f in features(client, status="closed")} == {"closed"}
    assert len(features(client, status="open")) == 2
    assert len(features(client, category="02")) == 3  # a group
    assert len(features(client, category="0201")) == 3
    assert features(client, category="0301") == []


def test_feed_is_capped(client, world, settings):
    settings.OPEN311_MAP_LIMIT = 5
    bulk_cases(world, 7, reported_at=timezone.now() - timedelta(days=1))
    body = json.loads(client.get(FEED).content)
    assert len(body["features"]) == 5
    assert body["capped"] is True
