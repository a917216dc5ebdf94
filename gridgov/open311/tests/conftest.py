"""Fixtures of the Open311 tests: the case world of cases.testing with a non-public category,
the district as the jurisdiction, an API key, and helpers to call and parse the endpoints."""

from __future__ import annotations

import json
from datetime import datetime
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from gridgov.cases.models import Case, Category, ResponsibilityRule, Source, State, TimeLimit, Urgency
from gridgov.cases.testing import HOME_POINT, LIMITS, build_case_world
from gridgov.open311.keys import issue_key

WEDNESDAY = datetime(2026, 3, 11, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
BASE = "/open311/v2/"


@pytest.fixture(autouse=True)
def open311_settings(settings):
    settings.OPEN311_JURISDICTION = "150502"
    settings.OPEN311_READS_PER_MINUTE = 10_000
    cache.clear()
    yield settings
    cache.clear()


@pytest.fixture
def world(db, time_machine):
    time_machine.move_to(WEDNESDAY, tick=True)
    world = build_case_world()
    # Disputes are about people: never public.
    disputes = Category.objects.create(code="03", name_zh="矛盾纠纷", name_en="Disputes", is_public=False)
    neighbours = Category.objects.create(
        code="0301", parent=disputes, name_zh="邻里纠纷", name_en="Neighbours"
    )
    for urgency in Urgency.values:
        for stage, (amount, unit) in LIMITS.items():
            TimeLimit.objects.create(
                category=disputes, urgency=urgency, stage=stage, amount=amount, unit=unit
            )
    ResponsibilityRule.objects.create(
        category=disputes, area=world.units["150502"], department=world.department
    )
    world.categories.update({"disputes": disputes, "neighbours": neighbours})
    return world


@pytest.fixture
def api_key(world):
    key, clear_key = issue_key(name="随手拍", organization="Tongliao Apps", actor=None)
    key.clear = clear_key
    return key


def parse(response):
    """The body of an Open311 answer: JSON as Python, XML as an Element."""
    if response["Content-Type"].startswith("text/xml"):
        return ET.fromstring(response.content)  # noqa: S314 (our own server's answer)
    return json.loads(response.content)


def error_of(response) -> tuple[int, str]:
    """(code, description) of the spec's error body, in either format."""
    body = parse(response)
    if isinstance(body, ET.Element):
        assert body.tag == "errors"
        error = body.find("error")
        return int(error.findtext("code")), error.findtext("description")
    assert isinstance(body, list) and len(body) == 1
    return int(body[0]["code"]), body[0]["description"]


def bulk_cases(world, count: int, *, reported_at, state=State.REGISTERED, category=None, prefix="X") -> None:
    """`count` cases at once, without the workflow (for the window and cap)."""
    grid = world.units["150502001001001"]
    category = category or world.categories["pothole"]
    Case.objects.bulk_create(
        Case(
            number=f"150502-{prefix}-{i:05d}",
            source=Source.PATROL,
            category=category,
            description="路面有坑",
            lon=HOME_POINT[0],
            lat=HOME_POINT[1],
            grid=grid,
            org_path=grid.path,
            level=3,
            responsible_unit=world.units["150502001001"],
            state=state,
            reported_at=reported_at,
        )
        for i in range(count)
    )
