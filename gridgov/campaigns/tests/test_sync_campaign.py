"""Campaign results through the field app's sync endpoint (POST /field/api/sync/): the issue's
1,000 submissions each replayed 3 times with 10% of the answers lost → exactly 1,000 results
and exact progress counts; a changed replay is a reported conflict; scope; bad bodies."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.campaigns.models import DailyCount, FollowUp, GridProgress, Outcome, Target
from gridgov.campaigns.testing import GRID_A, build_campaign_world, start
from gridgov.fieldapp.models import Submission, SubmissionConflict
from gridgov.fieldapp.testing import field_client, post_batch, submission
from gridgov.fieldapp.tests.test_sync_replay import assert_once_each, replay_with_lost_answers
from gridgov.people.models import Household

pytestmark = pytest.mark.django_db

KIND = "campaign.result"
OUTCOMES = [Outcome.DONE, Outcome.NOT_HOME, Outcome.REFUSED, Outcome.MOVED]
CLEAN = {"fever": False, "heating": "ok"}
FEVER = {"fever": True, "temperature": 38.4, "heating": "ok"}


def _world(extra_households: int = 0):
    """The campaign world with `extra_households` more households in grid A, started."""
    world = build_campaign_world()
    grid = world.units[GRID_A]
    Household.objects.bulk_create(
        Household(number=f"H-A{n:04d}", grid=grid, org_path=grid.path) for n in range(extra_households)
    )
    start(world)
    return world


def _mine(world) -> list[Target]:
    return list(Target.objects.filter(campaign=world.campaign, grid__code=GRID_A).order_by("pk"))


def _body(target: Target, outcome: str = Outcome.DONE, answers: dict | None = None, **extra) -> dict:
    answers = (CLEAN if outcome == Outcome.DONE else {}) if answers is None else answers
    return {"target": target.pk, "outcome": outcome, "answers": answers, "note": "", **extra}


def test_thousand_results_replayed_three_times_with_lost_answers_are_recorded_once_each():
    world = _world(extra_households=999)
    worker = world.users[Role.GRID_WORKER]
    targets = _mine(world)
    assert len(targets) == 1000 and all(t.assignee_id == worker.pk for t in targets)
    expected: Counter = Counter()
    entries = []
    for n, target in enumerate(targets):
        outcome = OUTCOMES[n % 4]
        answers = (FEVER if n % 40 == 0 else CLEAN) if outcome == Outcome.DONE else {}
        expected[outcome] += 1
        expected["exceptions"] += answers is FEVER
        entries.append(submission(KIND, _body(target, outcome, answers)))

    received = replay_with_lost_answers(field_client(worker), entries, random.Random(17))

    refs = assert_once_each(received)
    assert refs == {t.pk for t in targets}
    assert Submission.objects.filter(user=worker, kind=KIND).count() == 1000
    recorded = Target.objects.filter(campaign=world.campaign, grid__code=GRID_A)
    assert recorded.filter(outcome=Outcome.PENDING).count() == 0
    assert set(recorded.values_list("attempts", flat=True)) == {1}  # no result counted twice
    assert Counter(recorded.values_list("outcome", flat=True)) == {o: expected[o] for o in OUTCOMES}
    progress = GridProgress.objects.get(campaign=world.campaign, grid__code=GRID_A)
    assert (progress.total, progress.pending) == (1000, 0)
    assert [getattr(progress, o) for o in OUTCOMES] == [expected[o] for o in OUTCOMES]
    assert progress.exceptions == expected["exceptions"] == 25
    days = DailyCount.objects.filter(campaign=world.campaign, grid__code=GRID_A)
    assert [sum(getattr(d, o) for d in days) for o in OUTCOMES] == [expected[o] for o in OUTCOMES]
    assert FollowUp.objects.filter(campaign=world.campaign).count() == 25


def test_a_replay_with_a_changed_body_is_a_reported_conflict_and_overwrites_nothing():
    world = _world()
    worker = world.users[Role.GRID_WORKER]
    client = field_client(worker)
    (target,) = _mine(world)
    first = submission(KIND, _body(target, Outcome.DONE))
    assert post_batch(client, [first])[0]["status"] == "created"

    changed = {**first, "body": _body(target, Outcome.REFUSED, note="改了主意")}
    (answer,) = post_batch(client, [changed])

    assert answer["status"] == "conflict"
    assert answer["ref"] == {"type": "campaigns.target", "id": target.pk, "label": str(target)}
    assert answer["server"]["status"] == "created" and "key" in answer["errors"]
    target.refresh_from_db()
    assert (target.outcome, target.attempts, target.note, target.answers) == (Outcome.DONE, 1, "", CLEAN)
    progress = GridProgress.objects.get(campaign=world.campaign, grid__code=GRID_A)
    assert (progress.done, progress.refused) == (1, 0)
    assert SubmissionConflict.objects.filter(submission__key=first["key"]).count() == 1
    assert AuditEntry.objects.filter(action="fieldapp.conflict", actor=worker).count() == 1
    # The original replayed as it was is still a plain duplicate.
    assert post_batch(client, [first])[0]["status"] == "duplicate"


def test_a_household_of_another_grid_is_refused_on_the_target_field():
    world = _world()
    other = Target.objects.get(campaign=world.campaign, household=world.reg.households["b201"])
    client = field_client(world.users[Role.GRID_WORKER])

    (answer,) = post_batch(client, [submission(KIND, _body(other))])

    assert answer["status"] == "rejected"
    assert list(answer["errors"]) == ["target"]
    other.refresh_from_db()
    assert (other.outcome, other.attempts) == (Outcome.PENDING, 0)
    # Its own grid worker may record it.
    (own,) = post_batch(field_client(world.users["worker_b"]), [submission(KIND, _body(other))])
    assert own["status"] == "created"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"target": None}, "target"),
        ({"target": "一号"}, "target"),
        ({"target": True}, "target"),
        ({"target": 987654}, "target"),
        ({"outcome": "maybe"}, "outcome"),
        ({"outcome": "pending"}, "outcome"),
        ({"outcome": None}, "outcome"),
        ({"answers": ["fever"]}, "answers"),
        ({"answers": {}}, "answers.fever"),
        ({"answers": {"fever": "也许", "heating": "ok"}}, "answers.fever"),
        ({"answers": {"fever": True, "temperature": 52, "heating": "ok"}}, "answers.temperature"),
        ({"answers": {"fever": False, "heating": "hot"}}, "answers.heating"),
        ({"answers": {"fever": False, "heating": "ok", "colour": "red"}}, "answers.colour"),
        ({"note": 5}, "note"),
        ({"note": "长" * 201}, "note"),
    ],
)
def test_bad_bodies_are_answered_with_field_errors_and_change_nothing(change, field):
    world = _world()
    (target,) = _mine(world)
    body = {**_body(target), **change}

    (answer,) = post_batch(field_client(world.users[Role.GRID_WORKER]), [submission(KIND, body)])

    assert answer["status"] == "rejected"
    assert field in answer["errors"], answer["errors"]
    assert all(message for messages in answer["errors"].values() for message in messages)
    target.refresh_from_db()
    assert (target.outcome, target.attempts) == (Outcome.PENDING, 0)
    assert GridProgress.objects.get(campaign=world.campaign, grid__code=GRID_A).done == 0


def test_a_revisit_under_a_new_key_moves_the_household_between_outcomes():
    world = _world()
    client = field_client(world.users[Role.GRID_WORKER])
    (target,) = _mine(world)
    assert post_batch(client, [submission(KIND, _body(target, Outcome.NOT_HOME))])[0]["status"] == "created"
    assert post_batch(client, [submission(KIND, _body(target, Outcome.DONE))])[0]["status"] == "created"
    target.refresh_from_db()
    assert (target.outcome, target.attempts) == (Outcome.DONE, 2)
    progress = GridProgress.objects.get(campaign=world.campaign, grid__code=GRID_A)
    assert (progress.done, progress.not_home, progress.pending) == (1, 0, 0)


def test_a_result_keeps_the_time_it_was_made_on_the_device():
    world = _world()
    (target,) = _mine(world)
    made_at = timezone.now().replace(microsecond=0) - timedelta(minutes=7)
    entry = submission(KIND, _body(target), made_at=made_at.isoformat())
    assert post_batch(field_client(world.users[Role.GRID_WORKER]), [entry])[0]["status"] == "created"
    target.refresh_from_db()
    assert target.result_at == made_at
