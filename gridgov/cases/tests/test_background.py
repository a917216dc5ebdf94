"""The production paths that tests otherwise shortcut: notifications queued for the task worker,
and audit sealing throttled per process."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from gridgov.access.roles import Role
from gridgov.audit import chain
from gridgov.audit.models import AuditEntry
from gridgov.cases.testing import build_case_world, report
from gridgov.inbox.models import Notification

pytestmark = pytest.mark.django_db


def test_notifications_wait_for_the_task_worker(settings, django_capture_on_commit_callbacks):
    settings.CASE_NOTIFY_IN_BACKGROUND = True
    world = build_case_world()
    with django_capture_on_commit_callbacks(execute=True):
        case = report(world)
    queued = DBTaskResult.objects.get(task_path="gridgov.cases.notify.case_event_task")
    assert not Notification.objects.filter(case=case).exists()

    # What the worker does (db_worker itself closes connections, which a test transaction cannot take).
    queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])

    told = set(Notification.objects.filter(case=case).values_list("recipient__username", flat=True))
    assert world.users[Role.COMMUNITY_ADMIN].username in told
    assert world.users[Role.GRID_WORKER].username not in told  # the reporter is not told of his own report


def test_sealing_is_throttled_per_process_and_audit_seal_catches_up(
    settings, django_capture_on_commit_callbacks
):
    settings.AUDIT_SEAL_INTERVAL_SECONDS = 3600
    chain._last_seal = -1e9
    world = build_case_world()
    with django_capture_on_commit_callbacks(execute=True):
        report(world)  # the first commit seals
    with django_capture_on_commit_callbacks(execute=True):
        report(world)  # within the interval: left pending
    assert AuditEntry.objects.filter(hash="").exists()
    assert chain.verify().ok  # pending rows are not a broken chain

    call_command("audit_seal", verbosity=0)

    assert not AuditEntry.objects.filter(hash="").exists()
    assert chain.verify().ok


def test_the_sweep_chain_is_started_once_however_often_the_server_starts():
    call_command("sweep_deadlines", "--enqueue", verbosity=0)
    call_command("sweep_deadlines", "--enqueue", verbosity=0)
    assert DBTaskResult.objects.filter(task_path="gridgov.cases.tasks.sweep_task").count() == 1
