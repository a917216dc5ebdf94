"""Fixtures of the resident portal's tests: the case world of gridgov.cases.testing, two resident
accounts (gridgov.residents.testing) and a walk of a case to its closing."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from gridgov.calendar import days
from gridgov.cases.models import Category
from gridgov.cases.testing import build_case_world
from gridgov.residents.testing import make_resident

LOCAL = ZoneInfo("Asia/Shanghai")
# Wednesday 11 March 2026, 09:00: a plain working week of the statutory calendar.
WEDNESDAY = datetime(2026, 3, 11, 9, 0, tzinfo=LOCAL)


@pytest.fixture(autouse=True)
def _calendar_and_media(settings, tmp_path):
    settings.WORKING_HOURS = [("08:30", "12:00"), ("13:30", "17:30")]
    settings.MEDIA_ROOT = tmp_path / "media"
    days.invalidate()
    yield
    days.invalidate()


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(WEDNESDAY, tick=False)
    return time_machine


@pytest.fixture
def world(clock, db):
    world = build_case_world()
    # Another top-level category, and a non-public one (disputes are about persons).
    lighting = Category.objects.create(code="03", name_zh="照明", name_en="Lighting")
    Category.objects.create(code="0301", parent=lighting, name_zh="路灯不亮", name_en="Street light out")
    disputes = Category.objects.create(code="07", name_zh="矛盾纠纷", name_en="Disputes", is_public=False)
    Category.objects.create(code="0701", parent=disputes, name_zh="邻里纠纷", name_en="Neighbours")
    district = world.units["150502"]
    world.alice = make_resident("13800000001", district, name="Alice")
    world.bob = make_resident("13800000002", district, name="Bob")
    return world
