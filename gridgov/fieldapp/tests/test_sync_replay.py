"""The issue's sync test: 1,000 submissions each sent 3 times, 10% of the answers lost after the
server committed, through the real endpoint in batches of 100 → exactly 1,000 records."""

from __future__ import annotations

import random

import pytest
from django.contrib.auth.models import Group

from gridgov.access.roles import Role
from gridgov.cases.models import Case
from gridgov.cases.testing import HOME_POINT, build_case_world
from gridgov.fieldapp.models import Submission
from gridgov.fieldapp.testing import NOTE_KIND, field_client, note_kind, post_batch, submission

pytestmark = pytest.mark.django_db

BATCH = 100
LOST = 0.10
SENDS = 3


def replay_with_lost_answers(client, entries: list[dict], rng: random.Random) -> dict[str, list[dict]]:
    """Send every entry SENDS times, then keep resending those whose last answer was lost.

    Returns every answer the device did receive, per key.
    """
    received: dict[str, list[dict]] = {e["key"]: [] for e in entries}
    unanswered = {e["key"] for e in entries}
    for _round in range(SENDS):
        order = entries[:]
        rng.shuffle(order)
        for start in range(0, len(order), BATCH):
            for result in post_batch(client, order[start : start + BATCH]):
                if rng.random() < LOST:
                    unanswered.add(result["key"])  # committed on the server, never seen by the device
                else:
                    received[result["key"]].append(result)
                    unanswered.discard(result["key"])
    while unanswered:
        retry = [e for e in entries if e["key"] in unanswered]
        for start in range(0, len(retry), BATCH):
            for result in post_batch(client, retry[start : start + BATCH]):
                received[result["key"]].append(result)
                unanswered.discard(result["key"])
    return received


def assert_once_each(received: dict[str, list[dict]]) -> set:
    refs = set()
    for key, answers in received.items():
        assert answers, key
        assert {a["status"] for a in answers} <= {"created", "duplicate"}
        assert len({(a["ref"]["type"], a["ref"]["id"]) for a in answers}) == 1  # one record per key
        refs.add(answers[0]["ref"]["id"])
    return refs


def test_thousand_submissions_replayed_three_times_with_lost_answers_make_a_thousand_records():
    world = build_case_world()
    worker = world.users[Role.GRID_WORKER]
    client = field_client(worker)
    groups_before = Group.objects.count()
    entries = [submission(NOTE_KIND, {"text": f"{n:04d}"}) for n in range(1000)]
    with note_kind():
        received = replay_with_lost_answers(client, entries, random.Random(7))
    refs = assert_once_each(received)
    assert len(refs) == 1000
    assert Group.objects.count() - groups_before == 1000
    assert Submission.objects.filter(user=worker).count() == 1000
    assert sum(a["status"] == "created" for answers in received.values() for a in answers) <= 1000


def test_case_reports_replayed_with_lost_answers_make_one_case_each():
    world = build_case_world()
    client = field_client(world.users[Role.GRID_WORKER])
    body = {"category": "0201", "lon": HOME_POINT[0], "lat": HOME_POINT[1]}
    entries = [submission("case.report", {**body, "description": f"路面有坑 {n}"}) for n in range(40)]
    received = replay_with_lost_answers(client, entries, random.Random(11))
    refs = assert_once_each(received)
    assert Case.objects.count() == 40
    assert set(Case.objects.values_list("pk", flat=True)) == refs
    descriptions = sorted(Case.objects.values_list("description", flat=True))
    assert descriptions == sorted(f"路面有坑 {n}" for n in range(40))
