"""The resident actions of the workflow: "not fixed" within its window, and reminders (催办)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.cases.errors import CaseNotFound, Conflict, NotAllowed
from gridgov.cases.models import Alert, Case, Stage, State, TimelineEntry
from gridgov.cases.rights import available_actions
from gridgov.cases.workflow import perform
from gridgov.inbox.models import Notification
from gridgov.participation.models import CaseFollow
from gridgov.participation.testing import act, client_for, closed, resident_case

pytestmark = pytest.mark.django_db


def rated_and_closed(world) -> Case:
    case = closed(world, resident_case(world.alice))
    perform(case.pk, "rate", actor=world.alice, rating=2, comment="Still bumpy")
    return Case.objects.get(pk=case.pk)


def test_not_fixed_within_the_window_sends_the_case_back_to_verification(
    world, clock, django_capture_on_commit_callbacks
):
    case = rated_and_closed(world)
    clock.shift(timedelta(days=6))
    client = client_for(world.alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("participation:action", args=[case.number, "not_fixed"]), {"reason": "The hole is back"}
        )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.state, case.stage) == (State.HANDLED, Stage.VERIFY)
    assert case.closed_at is None and case.deadline is not None
    assert (case.rating, case.rating_comment, case.rated_at) == (None, "", None)
    assert case.rework_count == 0  # counted only if the verifier reopens
    entry = TimelineEntry.objects.filter(case=case).last()
    assert (entry.action, entry.from_state, entry.to_state, entry.note) == (
        "not_fixed",
        State.CLOSED,
        State.HANDLED,
        "The hole is back",
    )
    assert entry.details["resident_reopen"] is True and entry.details["previous_rating"] == 2
    assert AuditEntry.objects.filter(action="case.not_fixed", outcome="ok").count() == 1
    # The grid's verifiers are told; the verifier's reopen then counts a rework.
    assert Notification.objects.filter(
        case=case, kind="not_fixed", recipient=world.users[Role.GRID_WORKER]
    ).exists()
    case = act(world, case, "reopen", Role.GRID_WORKER, reason="Confirmed: still broken")
    assert (case.state, case.rework_count) == (State.IN_PROGRESS, 1)


def test_not_fixed_needs_a_reason(world):
    case = rated_and_closed(world)
    response = client_for(world.alice).post(
        reverse("participation:action", args=[case.number, "not_fixed"]), {}
    )
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).state == State.CLOSED


def test_not_fixed_after_the_window_is_refused_with_a_clear_message(world, clock):
    case = rated_and_closed(world)
    clock.shift(timedelta(days=7, minutes=1))
    before = Case.objects.filter(pk=case.pk).values().get()
    assert "not_fixed" not in [t.action for t in available_actions(world.alice, case)]
    with pytest.raises(Conflict) as error:
        perform(case.pk, "not_fixed", actor=world.alice, reason="Broken again")
    assert error.value.code == "not_fixed_too_late" and "7 days" in str(error.value.message)
    assert Case.objects.filter(pk=case.pk).values().get() == before
    page = client_for(world.alice).post(
        reverse("participation:action", args=[case.number, "not_fixed"]), {"reason": "Broken again"}
    )
    assert page.status_code == 409 and "within 7 days" in page.content.decode()


def test_only_the_reporter_may_say_not_fixed(world):
    case = rated_and_closed(world)
    CaseFollow.objects.create(user=world.bob, case=case)
    with pytest.raises((NotAllowed, CaseNotFound)):
        perform(case.pk, "not_fixed", actor=world.bob, reason="No")
    with pytest.raises(NotAllowed):
        perform(case.pk, "not_fixed", actor=world.users[Role.COMMUNITY_ADMIN], reason="No")


def overdue(world) -> Case:
    case = resident_case(world.alice)
    case = act(world, case, "register", Role.COMMUNITY_ADMIN)
    case = act(world, case, "dispatch", Role.COMMUNITY_ADMIN, department=world.department.code)
    case = act(world, case, "accept", Role.DEPARTMENT_HANDLER)
    Case.objects.filter(pk=case.pk).update(deadline=timezone.now() - timedelta(hours=1), alert=Alert.RED)
    return Case.objects.get(pk=case.pk)


def test_no_reminder_while_the_case_is_in_time(world):
    case = resident_case(world.alice)
    client = client_for(world.alice)
    assert "remind" not in client.get(reverse("participation:case", args=[case.number])).context["forms"]
    with pytest.raises(Conflict) as error:
        perform(case.pk, "remind", actor=world.alice)
    assert error.value.code == "not_overdue"
    assert Case.objects.get(pk=case.pk).urge_count == 0


def test_a_reminder_of_an_overdue_case_urges_and_tells_the_handler(
    world, clock, django_capture_on_commit_callbacks
):
    case = overdue(world)
    client = client_for(world.alice)
    assert "remind" in client.get(reverse("participation:case", args=[case.number])).context["forms"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("participation:action", args=[case.number, "remind"]), {"note": "Please"}
        )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.urge_count == 1
    assert Notification.objects.filter(
        case=case, kind="remind", recipient=world.users[Role.DEPARTMENT_HANDLER]
    ).exists()
    # Once per 24 hours per resident.
    again = client.post(reverse("participation:action", args=[case.number, "remind"]), {})
    assert again.status_code == 409
    assert Case.objects.get(pk=case.pk).urge_count == 1
    page = client.get(reverse("participation:case", args=[case.number]))
    assert "remind" not in page.context["forms"] and page.context["remind_after"] is not None
    clock.shift(timedelta(hours=24, minutes=1))
    perform(case.pk, "remind", actor=world.alice)
    assert Case.objects.get(pk=case.pk).urge_count == 2


def test_a_follower_may_remind_a_stranger_may_not(world):
    case = overdue(world)
    with pytest.raises(CaseNotFound):
        perform(case.pk, "remind", actor=world.bob)
    CaseFollow.objects.create(user=world.bob, case=case)
    perform(case.pk, "remind", actor=world.bob)
    perform(case.pk, "remind", actor=world.alice)  # the limit is per resident
    assert Case.objects.get(pk=case.pk).urge_count == 2
    # Staff urge through their own action, not the residents' reminder.
    with pytest.raises(NotAllowed):
        perform(case.pk, "remind", actor=world.users[Role.DISPATCHER])
