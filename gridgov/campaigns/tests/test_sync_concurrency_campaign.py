"""Campaign results racing through the sync endpoint (PostgreSQL races for real): tabs sending
one key at once record it once; two workers recording one household at once keep the grid's
counts exact."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection, connections

from gridgov.access.roles import Role
from gridgov.campaigns.models import DailyCount, GridProgress, Outcome, Target
from gridgov.campaigns.testing import GRID_A, build_campaign_world, start
from gridgov.fieldapp.models import Submission
from gridgov.fieldapp.testing import SYNC_URL, field_client, submission

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite serialises writers: no race to test"
    ),
]

KIND = "campaign.result"
TABS = 4


def _send_at_once(sends: list[tuple[object, dict]]) -> list[dict]:
    """Post each (user, entry) from its own thread, all released together."""
    answers: list[dict] = []
    barrier = threading.Barrier(len(sends))

    def tab(user, entry):
        try:
            client = field_client(user)
            barrier.wait()
            response = client.post(
                SYNC_URL, json.dumps({"submissions": [entry]}), content_type="application/json"
            )
            answers.append(response.json()["results"][0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tab, args=send) for send in sends]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def _world():
    world = build_campaign_world()
    start(world)
    target = Target.objects.get(campaign=world.campaign, grid__code=GRID_A)
    return world, target


def test_tabs_sending_one_result_at_once_record_it_once():
    world, target = _world()
    worker = world.users[Role.GRID_WORKER]
    body = {"target": target.pk, "outcome": "done", "answers": {"fever": False, "heating": "ok"}}
    entry = submission(KIND, body)

    answers = _send_at_once([(worker, entry)] * TABS)

    assert sorted(a["status"] for a in answers) == ["created"] + ["duplicate"] * (TABS - 1)
    target.refresh_from_db()
    assert (target.outcome, target.attempts) == (Outcome.DONE, 1)
    progress = GridProgress.objects.get(campaign=world.campaign, grid=target.grid)
    assert (progress.done, progress.pending) == (1, 0)
    assert sum(d.done for d in DailyCount.objects.filter(campaign=world.campaign)) == 1
    assert Submission.objects.count() == 1


def test_two_staff_recording_one_household_at_once_keep_the_counts_exact():
    world, target = _world()
    worker, admin = world.users[Role.GRID_WORKER], world.users[Role.COMMUNITY_ADMIN]
    done = submission(
        KIND, {"target": target.pk, "outcome": "done", "answers": {"fever": False, "heating": "ok"}}
    )
    away = submission(KIND, {"target": target.pk, "outcome": "not_home"})

    answers = _send_at_once([(worker, done), (admin, away)])

    assert [a["status"] for a in answers] == ["created", "created"]
    target.refresh_from_db()
    assert target.attempts == 2 and target.outcome in (Outcome.DONE, Outcome.NOT_HOME)
    progress = GridProgress.objects.get(campaign=world.campaign, grid=target.grid)
    # The household counts once, under the outcome it ended with.
    assert (progress.done, progress.not_home, progress.pending) == (
        int(target.outcome == Outcome.DONE),
        int(target.outcome == Outcome.NOT_HOME),
        0,
    )
    days = DailyCount.objects.filter(campaign=world.campaign, grid=target.grid)
    assert (sum(d.done for d in days), sum(d.not_home for d in days)) == (1, 1)  # both visits happened
