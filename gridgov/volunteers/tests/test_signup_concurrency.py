"""Concurrent sign-ups never exceed the limit: the activity row is locked while places are counted.

On PostgreSQL the volunteers race for real, one thread and connection each, released together
by a barrier. SQLite serialises writers itself (and the test database lives in memory), so
there the same sign-ups run one after another and the same outcome is asserted.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from gridgov.volunteers import activities
from gridgov.volunteers.errors import VolunteerError
from gridgov.volunteers.models import SignUp, SignUpState
from gridgov.volunteers.testing import activity, approved_volunteer, build_volunteer_world, resident

pytestmark = pytest.mark.django_db(transaction=True)

ON_POSTGRESQL = connection.vendor == "postgresql"
VOLUNTEERS = 12
LIMIT = 5


def test_concurrent_sign_ups_fill_exactly_the_limit():
    world = build_volunteer_world()
    event = activity(world, limit=LIMIT)
    users = [resident(world, n) for n in range(1, VOLUNTEERS + 1)]
    for user in users:
        approved_volunteer(world, user)
    outcomes: Counter = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(VOLUNTEERS)

    def attempt(user, wait: bool) -> None:
        try:
            if wait:
                barrier.wait(timeout=30)
            activities.sign_up(event.pk, user=user)
            result = "ok"
        except VolunteerError as refused:
            result = refused.code
        finally:
            if wait:
                connection.close()
        with lock:
            outcomes[result] += 1

    if ON_POSTGRESQL:
        threads = [threading.Thread(target=attempt, args=(user, True)) for user in users]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    else:
        for user in users:
            attempt(user, False)

    assert outcomes == Counter({"ok": LIMIT, "full": VOLUNTEERS - LIMIT})
    assert SignUp.objects.filter(activity=event, state=SignUpState.SIGNED_UP).count() == LIMIT
