"""The household card's reads: distance, the household's history, cases around the building."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.cases.models import Case, Category, Stage, TimeLimit, Urgency
from gridgov.cases.taxonomy import LimitUnit
from gridgov.cases.testing import report
from gridgov.people import services
from gridgov.people.household_card import (
    MOVED_IN,
    MOVED_OUT,
    STATUS,
    cases_near,
    distance_m,
    household_history,
)
from gridgov.people.models import Person
from gridgov.people.testing import build_registry_world


def test_distance_is_the_great_circle_in_metres():
    assert distance_m(122.05, 43.6, 122.05, 43.6) == 0
    assert distance_m(122.05, 43.6, 122.05, 43.601) == pytest.approx(111.2, abs=0.1)
    # A degree of longitude shrinks with the cosine of the latitude.
    assert distance_m(122.05, 43.6, 122.051, 43.6) == pytest.approx(80.5, abs=0.2)


@pytest.mark.django_db
def test_history_and_cases_around_the_building():
    reg = build_registry_world()
    admin = reg.users[Role.DISTRICT_ADMIN]
    card, building = reg.households["a101"], reg.buildings["a"]
    roads = Category.objects.create(code="02", name_zh="道路", name_en="Roads")
    Category.objects.create(code="0201", parent=roads, name_zh="路面坑洼", name_en="Pothole")
    for urgency in Urgency.values:
        for stage in Stage.values:
            TimeLimit.objects.create(
                category=roads, urgency=urgency, stage=stage, amount=2, unit=LimitUnit.WORKING_DAYS
            )
    # 0.0004° of latitude is about 44 m; 0.0005° about 56 m.
    inside = report(reg.world, point=(building.lon, building.lat + 0.0004))
    report(reg.world, point=(building.lon, building.lat + 0.0005))
    # Inside the bounding box but outside the circle (the corner).
    report(reg.world, point=(building.lon + 0.0005, building.lat + 0.0004))
    old = report(reg.world, point=(building.lon, building.lat))
    Case.objects.filter(pk=old.pk).update(reported_at=timezone.now() - timedelta(days=366))

    nearby = cases_near(reg.users[Role.GRID_WORKER], card)
    assert [n.case.pk for n in nearby] == [inside.pk] and 44 < nearby[0].distance_m < 45
    # Scoped with cases.view: the auditor, who lacks it, sees none.
    assert cases_near(reg.users[Role.AUDITOR], card) == []

    services.change_status(
        reg.persons["spouse"], "moved_out", effective_on=timezone.localdate(), reason="外出务工", actor=admin
    )
    lodger = services.save_person(Person(name="借住者", household=card), actor=admin)
    lodger.household = None
    services.save_person(lodger, actor=admin)
    events = household_history(card)
    assert [(e.kind, e.person.name) for e in events if e.kind != MOVED_IN] == [
        (MOVED_OUT, "借住者"),
        (STATUS, "王秀英"),
    ]
    assert sorted(e.person.name for e in events if e.kind == MOVED_IN) == ["乌兰巴特尔", "借住者", "王秀英"]
