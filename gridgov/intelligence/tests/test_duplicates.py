"""Duplicate detection: planted duplicates are found, near-misses are not, scope is respected."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.access.testing import make_user
from gridgov.cases.models import Case, State
from gridgov.cases.testing import HOME_POINT, report
from gridgov.intelligence.duplicates import RADIUS_M, WINDOW_DAYS, likely_duplicates, min_score, pair_score
from gridgov.intelligence.tests.helpers import history_world

pytestmark = pytest.mark.django_db
METRES_PER_DEGREE_LAT = 111_195.0


def _at(north_m: float = 0.0, east_m: float = 0.0) -> tuple[float, float]:
    lon, lat = HOME_POINT
    return lon + east_m / (METRES_PER_DEGREE_LAT * 0.7233), lat + north_m / METRES_PER_DEGREE_LAT


def _report(world, description, category, *, point=HOME_POINT, at=None):
    return report(world, description=description, category=category, point=point, at=at or timezone.now())


def test_planted_duplicates_are_found_and_near_misses_ignored():
    world = history_world()
    now = timezone.now()
    case = _report(world, "小区门口井盖缺失，夜间行人容易踩空", "0101", at=now)
    planted = [
        _report(
            world,
            "门口的井盖不见了，晚上有人踩空",
            "0101",
            point=_at(north_m=20),
            at=now - timedelta(hours=3),
        ),
        _report(
            world, "小区大门口井盖丢失，很危险", "0101", point=_at(east_m=-30), at=now + timedelta(hours=2)
        ),
        _report(world, "井盖没了，行人容易踩空掉下去", "0101", point=_at(north_m=-15, east_m=15), at=now),
    ]
    misses = {
        "same text 500 m away": _report(
            world, "小区门口井盖缺失，夜间行人容易踩空", "0101", point=_at(north_m=500)
        ),
        "same place, another problem": _report(
            world, "小区门口垃圾堆积，没人清运有异味", "0301", point=_at(east_m=5)
        ),
        "same place, another problem of the kind": _report(
            world, "门口路灯晚上不亮", "0102", point=_at(east_m=5)
        ),
        "same place 60 days later": _report(
            world, "小区门口井盖缺失，夜间行人容易踩空", "0101", at=now + timedelta(days=60)
        ),
        "same place 60 days before": _report(
            world, "小区门口井盖缺失，夜间行人容易踩空", "0101", at=now - timedelta(days=60)
        ),
    }
    found = likely_duplicates(case, world.users[Role.COMMUNITY_ADMIN], limit=10)
    assert {d.case.pk for d in found} == {c.pk for c in planted}
    assert all(d.score >= min_score() and d.same_category for d in found)
    assert [d.score for d in found] == sorted((d.score for d in found), reverse=True)
    assert all(d.distance_m <= 31 and d.days_apart < 1 for d in found)
    # The limit keeps the best ones.
    assert [d.case.pk for d in likely_duplicates(case, limit=1)] == [found[0].case.pk]
    # Near-misses: scored low (or outside the window) even without a threshold.
    everything = {d.case.pk: d.score for d in likely_duplicates(case, limit=20, threshold=0.0)}
    assert misses["same text 500 m away"].pk not in everything
    assert misses["same place 60 days later"].pk not in everything
    assert misses["same place 60 days before"].pk not in everything
    assert everything[misses["same place, another problem"].pk] < min_score()
    assert everything[misses["same place, another problem of the kind"].pk] < min(d.score for d in found)


def test_only_open_cases_the_user_may_see():
    world = history_world()
    case = _report(world, "小区门口井盖缺失", "0101")
    twin = _report(world, "小区门口井盖缺失了", "0101", point=_at(north_m=10))
    outsider = make_user("street2", Role.STREET_ADMIN, world.units["150502002"])
    assert [d.case for d in likely_duplicates(case, world.users[Role.STREET_ADMIN])] == [twin]
    assert likely_duplicates(case, outsider) == []
    # A resident sees only their own reports.
    assert likely_duplicates(case, world.users[Role.RESIDENT]) == []
    Case.objects.filter(pk=twin.pk).update(state=State.CLOSED)
    assert likely_duplicates(case, world.users[Role.STREET_ADMIN]) == []


def test_the_score_follows_the_documented_weights():
    full = pair_score(0, 0, 1.0, same_category=True, related=True)
    assert full == 1.0
    assert pair_score(0, 0, 0.0, same_category=False, related=False) == pytest.approx(0.40)
    assert pair_score(RADIUS_M / 2, WINDOW_DAYS / 2, 0.5, same_category=False, related=True) == pytest.approx(
        0.125 + 0.075 + 0.175 + 0.125
    )
    assert pair_score(RADIUS_M + 1, 0, 1.0, same_category=True, related=True) == 0.0
    assert pair_score(0, WINDOW_DAYS + 0.1, 1.0, same_category=True, related=True) == 0.0
    assert pair_score(0, -WINDOW_DAYS + 1, 1.0, same_category=True, related=True) > 0.0
