"""Keeping the facts current: the periodic task, the commands, and the replica router."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from gridgov.access.roles import Role
from gridgov.analytics import routers
from gridgov.analytics.facts import refresh_case_facts, stale_case_ids
from gridgov.analytics.models import CaseFact, DailyFact
from gridgov.analytics.routers import REPLICA, ReplicaRouter, replica_reads
from gridgov.analytics.tasks import run_aggregation
from gridgov.analytics.testing import act, at, resident_case
from gridgov.cases.models import Case
from gridgov.cases.monitor import sweep_deadlines

pytestmark = pytest.mark.django_db


def test_monitor_flags_reach_the_facts_through_the_periodic_task(world, clock):
    case = resident_case(world)
    act(world, case, "register", Role.COMMUNITY_ADMIN)
    act(world, case, "dispatch", Role.COMMUNITY_ADMIN, department="urban_mgmt")
    refresh_case_facts([case.pk])
    assert not CaseFact.objects.get(pk=case.pk).handle_overdue
    clock.move_to(at(2026, 3, 20, 9, 0), tick=False)  # past the 3 working days
    sweep_deadlines()  # bulk timeline entries: no signal
    assert stale_case_ids() == [case.pk]
    result = run_aggregation()
    fact = CaseFact.objects.get(pk=case.pk)
    assert fact.handle_overdue and fact.overdue and result["refreshed"] == 1
    assert DailyFact.objects.filter(day=date(2026, 3, 20)).exists()
    assert stale_case_ids() == []


def test_rebuild_and_aggregate_commands(world, clock):
    for _ in range(3):
        resident_case(world)
    out = StringIO()
    call_command("rebuild_facts", stdout=out)
    assert CaseFact.objects.count() == Case.objects.count() == 3
    assert "Rebuilt the facts of 3 cases" in out.getvalue()
    assert DailyFact.objects.get(day=date(2026, 3, 11)).reported == 3
    DailyFact.objects.all().delete()
    call_command("aggregate_facts", "--since", "2026-03-01", stdout=StringIO())
    assert DailyFact.objects.get(day=date(2026, 3, 11)).open_end == 3
    with pytest.raises(CommandError):
        call_command("aggregate_facts", "--since", "yesterday")


def test_replica_router_only_inside_dashboard_reads(monkeypatch):
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(CaseFact) is None  # no replica configured
    monkeypatch.setattr(routers, "replica_configured", lambda: True)
    assert router.db_for_read(CaseFact) is None  # outside replica_reads()
    with replica_reads():
        assert router.db_for_read(CaseFact) == REPLICA
        assert router.db_for_write(CaseFact) == "default"
    assert router.db_for_read(CaseFact) is None
    assert router.allow_migrate(REPLICA, "analytics") is False
