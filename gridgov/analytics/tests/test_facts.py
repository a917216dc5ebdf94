"""CaseFact derived from hand-built histories: every field worked out from the timeline."""

from __future__ import annotations

from datetime import date

import h3
import pytest
from django.utils.dateparse import parse_datetime

from gridgov.access.roles import Role
from gridgov.analytics.facts import refresh_case_facts
from gridgov.analytics.models import AggregationMark, CaseFact
from gridgov.analytics.testing import act, at, resident_case, worker_case
from gridgov.cases.models import TimelineEntry

pytestmark = pytest.mark.django_db

C = Role.COMMUNITY_ADMIN
H = Role.DEPARTMENT_HANDLER
W = Role.GRID_WORKER


def fact(case) -> CaseFact:
    refresh_case_facts([case.pk])
    return CaseFact.objects.get(pk=case.pk)


def test_on_time_path_is_in_time_everywhere(world, clock):
    case = resident_case(world)
    clock.move_to(at(2026, 3, 11, 9, 30), tick=False)
    act(world, case, "register", C)
    clock.move_to(at(2026, 3, 11, 10, 0), tick=False)
    act(world, case, "dispatch", C, department="urban_mgmt")
    act(world, case, "accept", H)
    clock.move_to(at(2026, 3, 11, 11, 0), tick=False)
    act(world, case, "handle", H, result="filled")
    clock.move_to(at(2026, 3, 11, 11, 30), tick=False)
    act(world, case, "verify", W)
    act(world, case, "close", C)
    clock.move_to(at(2026, 3, 12, 8, 0), tick=False)
    act(world, case, "rate", Role.RESIDENT, rating=4)

    f = fact(case)
    assert f.reported_on == date(2026, 3, 11) and f.valid and not f.rejected
    assert f.registered_at == at(2026, 3, 11, 9, 30) and f.registered_in_time
    assert (f.dispatched_count, f.returned_count, f.dispatched_in_time) == (1, 0, True)
    assert f.first_dispatched_at == at(2026, 3, 11, 10, 0) and f.dispatched_on == date(2026, 3, 11)
    assert f.handled_in_time and f.handling_seconds == 3600 and not f.handle_overdue
    assert f.closed and f.closed_in_time and f.closed_on == date(2026, 3, 11)
    assert f.finished_on == date(2026, 3, 11) and not f.overdue and f.reworks == 0
    assert (f.rating, f.satisfied, f.rated_on) == (4, True, date(2026, 3, 12))
    assert f.department_id == world.department.pk and f.top_category_id == world.categories["roads"].pk
    assert f.category_id == world.categories["pothole"].pk
    assert f.grid.code == "150502001001001" and f.community.code == "150502001001"
    assert f.street.code == "150502001"
    assert f.h3_9 == h3.latlng_to_cell(43.6, 122.05, 9) and f.h3_7 == h3.latlng_to_cell(43.6, 122.05, 7)
    assert not f.reporter_is_worker and f.reporter_id == world.users[Role.RESIDENT].pk


def test_every_action_records_the_stage_deadline_before_it(world, clock):
    case = resident_case(world)  # register deadline: 2 working hours -> 11:00
    clock.move_to(at(2026, 3, 11, 9, 30), tick=False)
    act(world, case, "register", C)
    entry = TimelineEntry.objects.get(case=case, action="register")
    assert parse_datetime(entry.details["stage_deadline"]) == at(2026, 3, 11, 11, 0)


def test_late_registration_makes_the_case_overdue_and_the_closing_late(world, clock):
    case = resident_case(world)
    clock.move_to(at(2026, 3, 11, 14, 0), tick=False)  # deadline was 11:00
    act(world, case, "register", C)
    act(world, case, "dispatch", C, department="urban_mgmt")
    act(world, case, "accept", H)
    act(world, case, "handle", H, result="filled")
    act(world, case, "verify", W)
    act(world, case, "close", C)
    f = fact(case)
    assert f.registered_at is not None and not f.registered_in_time
    assert f.dispatched_in_time and f.handled_in_time and f.overdue
    assert f.closed and not f.closed_in_time


def test_verification_rework_counts_against_on_time_closure(world, clock):
    case = resident_case(world)
    act(world, case, "register", C)
    act(world, case, "dispatch", C, department="urban_mgmt")
    act(world, case, "accept", H)
    act(world, case, "handle", H, result="filled")
    act(world, case, "reopen", W, reason="still a hole")
    clock.move_to(at(2026, 3, 12, 10, 0), tick=False)
    act(world, case, "handle", H, result="filled again")
    act(world, case, "verify", W)
    act(world, case, "close", C)
    f = fact(case)
    assert f.reworks == 1 and not f.reopened_after_close
    assert f.handled_in_time and f.handled_at == at(2026, 3, 12, 10, 0)
    assert f.handling_seconds == 25 * 3600
    assert f.closed and not f.closed_in_time and not f.overdue


def test_resident_not_fixed_reopens_the_closing(world, clock):
    case = resident_case(world)
    act(world, case, "register", C)
    act(world, case, "dispatch", C, department="urban_mgmt")
    act(world, case, "accept", H)
    act(world, case, "handle", H, result="filled")
    act(world, case, "verify", W)
    act(world, case, "close", C)
    assert fact(case).closed_in_time
    clock.move_to(at(2026, 3, 13, 9, 0), tick=False)
    act(world, case, "not_fixed", Role.RESIDENT, reason="hole is back")
    f = fact(case)
    assert not f.closed and f.closed_on is None and f.finished_on is None
    assert f.reopened_after_close and f.reworks == 1
    act(world, case, "verify", W)
    act(world, case, "close", C)
    f = fact(case)
    assert f.closed and f.closed_on == date(2026, 3, 13) and not f.closed_in_time


def test_self_handled_rejected_and_merged(world, clock):
    self_handled = worker_case(world, self_handled=True, result="swept")
    f = fact(self_handled)
    assert f.self_handled and f.reporter_is_worker and f.registered_in_time
    assert f.registered_at == at(2026, 3, 11, 9, 0) and f.dispatched_on is None and f.handling_seconds is None

    rejected = resident_case(world)
    act(world, rejected, "reject", C, reason="not ours")
    f = fact(rejected)
    assert f.rejected and not f.valid and f.finished_on == date(2026, 3, 11) and not f.closed

    first = resident_case(world)
    duplicate = resident_case(world, description="same hole")
    act(world, duplicate, "merge", C, into=first.number)
    f = fact(duplicate)
    assert f.merged and not f.valid and f.finished_on == date(2026, 3, 11)


def test_returns_and_redispatch(world, clock):
    case = resident_case(world)
    act(world, case, "register", C)
    act(world, case, "dispatch", C, department="urban_mgmt")
    act(world, case, "return", H, reason="not ours")
    clock.move_to(at(2026, 3, 11, 15, 0), tick=False)  # dispatch deadline after the return: 11:00 + 2 wh
    act(world, case, "dispatch", C, department="urban_mgmt")
    f = fact(case)
    assert (f.dispatched_count, f.returned_count) == (2, 1)
    assert f.dispatched_in_time  # the first dispatch was in time
    assert f.overdue  # the second was not


def test_refresh_marks_dirty_days_and_is_idempotent(world, clock):
    case = resident_case(world)
    assert refresh_case_facts([case.pk]) == {date(2026, 3, 11)}
    assert list(AggregationMark.objects.values_list("day", flat=True)) == [date(2026, 3, 11)]
    assert refresh_case_facts([case.pk]) == set()  # nothing changed
    clock.move_to(at(2026, 3, 12, 9, 0), tick=False)
    act(world, case, "reject", C, reason="no")
    # The reported day (valid count) and the days the case was open at their end change.
    assert refresh_case_facts([case.pk]) == {date(2026, 3, 11), date(2026, 3, 12)}


def test_signal_refreshes_once_per_case_on_commit(world, clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = resident_case(world)
    assert CaseFact.objects.get(pk=case.pk).registered_at is None
    with django_capture_on_commit_callbacks(execute=True):
        act(world, case, "register", C)
    assert CaseFact.objects.get(pk=case.pk).registered_in_time
