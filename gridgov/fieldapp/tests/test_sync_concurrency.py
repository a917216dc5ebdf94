"""Two tabs sending the same key at once make one record (PostgreSQL races for real)."""

from __future__ import annotations

import json
import threading
import time

import pytest
from django.contrib.auth.models import Group
from django.db import connection, connections

from gridgov.access.roles import Role
from gridgov.access.testing import build_world
from gridgov.fieldapp.models import Submission
from gridgov.fieldapp.testing import NOTE_KIND, SYNC_URL, field_client, note_kind, submission

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite serialises writers: no race to test"
    ),
]

TABS = 4


def slow_note(user, body, *, made_at):
    # Every tab is inside its transaction before any commits: the unique key decides.
    time.sleep(0.3)
    return Group.objects.create(name=f"note-{body['text']}-{threading.get_ident()}")


def test_concurrent_sends_of_one_key_make_one_record():
    world = build_world()
    worker = world.users[Role.GRID_WORKER]
    entry = submission(NOTE_KIND, {"text": "same"})
    answers: list[dict] = []
    start = threading.Barrier(TABS)

    def tab():
        try:
            client = field_client(worker)
            start.wait()
            response = client.post(
                SYNC_URL, json.dumps({"submissions": [entry]}), content_type="application/json"
            )
            answers.append(response.json()["results"][0])
        finally:
            connections.close_all()

    with note_kind(slow_note):
        threads = [threading.Thread(target=tab) for _ in range(TABS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(a["status"] for a in answers) == ["created"] + ["duplicate"] * (TABS - 1)
    assert len({a["ref"]["id"] for a in answers}) == 1
    assert Group.objects.filter(name__startswith="note-same").count() == 1
    assert Submission.objects.count() == 1
