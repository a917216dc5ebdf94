"""The shared permission check and action wrapper (gridgov.access.rights), over an app's denial."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from gridgov.access.rights import ActionRights
from gridgov.access.roles import Role
from gridgov.access.testing import build_world
from gridgov.audit.log import record
from gridgov.audit.models import AuditEntry, Outcome
from gridgov.errors import FieldError
from gridgov.patrol.errors import PatrolDenied

GRID = "150502.001.001.001"
OTHER_GRID = "150502.001.001.002"


class SampleDenied(FieldError):
    """Shaped like PatrolDenied and CampaignDenied."""

    def __init__(self, message: Any, *, actor=None, action: str = "", details: dict | None = None) -> None:
        super().__init__("__all__", message, "not_allowed")
        self.actor = actor
        self.action = action
        self.details = details or {}


rights = ActionRights(SampleDenied)


@rights.atomic_action
def visit(user, path: str) -> str:
    # A write before the check: the denial must roll it back.
    record("sample.visit_started", actor=user)
    rights.require(user, "patrol.work", path, action="sample.visit")
    return "visited"


@rights.atomic_action
def broken(user) -> None:
    record("sample.broken_started", actor=user)
    raise RuntimeError("not a denial")


@pytest.fixture
def worker(db):
    return build_world().users[Role.GRID_WORKER]


def test_an_action_in_scope_runs_and_keeps_its_writes(worker):
    assert visit(worker, GRID) == "visited"
    assert list(AuditEntry.objects.values_list("action", "outcome")) == [("sample.visit_started", Outcome.OK)]


def test_a_denial_names_the_reason_and_the_permission(worker):
    with translation.override("en"), pytest.raises(SampleDenied) as caught:
        rights.require(worker, "patrol.work", OTHER_GRID, action="sample.visit")
    assert (caught.value.field, caught.value.code) == ("__all__", "not_allowed")
    assert caught.value.message == "You may not do this here."
    assert caught.value.details == {"permission": "patrol.work", "path": OTHER_GRID}


def test_a_denied_action_changes_nothing_and_is_audited(worker):
    with pytest.raises(SampleDenied):
        visit(worker, OTHER_GRID)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.outcome, entry.actor_id) == ("sample.visit", Outcome.DENIED, worker.pk)
    assert entry.details == {"permission": "patrol.work", "path": OTHER_GRID}


def test_other_errors_roll_back_without_a_denial_entry(worker):
    with pytest.raises(RuntimeError):
        broken(worker)
    assert not AuditEntry.objects.exists()


def test_a_wrapper_records_only_its_own_apps_denials(worker):
    patrol = ActionRights(PatrolDenied)

    @patrol.atomic_action
    def visit_via_patrol(user) -> str:
        return visit.__wrapped__(user, OTHER_GRID)  # the sample check, without its own wrapper

    with pytest.raises(SampleDenied):
        visit_via_patrol(worker)
    assert not AuditEntry.objects.exists()
