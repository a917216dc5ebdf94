"""A resident's report that is registered earns VOLUNTEERS_POINTS_PER_REPORT points, once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.cases.errors import InvalidInput
from gridgov.cases.models import TimelineEntry
from gridgov.cases.testing import report
from gridgov.cases.workflow import perform
from gridgov.volunteers import ledger
from gridgov.volunteers.models import EntryKind, PointsEntry
from gridgov.volunteers.testing import HEPING


def test_registering_a_resident_report_earns_points_once(world):
    reporter = world.users[Role.RESIDENT]
    case = report(world, by=Role.RESIDENT)
    assert ledger.balance_of(reporter) == 0  # reporting alone earns nothing
    perform(case.pk, "register", actor=world.users[Role.COMMUNITY_ADMIN])
    entry = PointsEntry.objects.get(account__user=reporter)
    assert (entry.kind, entry.amount, entry.case_id) == (EntryKind.REPORT, 5, case.pk)
    assert entry.community == world.units[HEPING]

    # Another "register" entry for the same case (a replay) earns nothing more.
    TimelineEntry.objects.create(case=case, at=timezone.now(), action="register")
    assert ledger.balance_of(reporter) == 5
    assert PointsEntry.objects.filter(account__user=reporter).count() == 1


def test_the_amount_is_a_setting(world, settings):
    settings.VOLUNTEERS_POINTS_PER_REPORT = 7
    case = report(world, by=Role.RESIDENT)
    perform(case.pk, "register", actor=world.users[Role.COMMUNITY_ADMIN])
    assert ledger.balance_of(world.users[Role.RESIDENT]) == 7


def test_staff_reports_and_rejected_reports_earn_nothing(world):
    patrol = report(world, by=Role.GRID_WORKER)
    perform(patrol.pk, "register", actor=world.users[Role.COMMUNITY_ADMIN])
    assert not PointsEntry.objects.exists()

    rejected = report(world, by=Role.RESIDENT)
    perform(rejected.pk, "reject", actor=world.users[Role.COMMUNITY_ADMIN], reason="不属于受理范围")
    assert not PointsEntry.objects.exists()


def test_a_registration_that_fails_awards_nothing(world):
    case = report(world, by=Role.RESIDENT)
    with pytest.raises(InvalidInput):
        perform(case.pk, "register", actor=world.users[Role.COMMUNITY_ADMIN], category="9999")
    assert not PointsEntry.objects.exists()
