"""One vote per household under concurrent voting, and a close racing the last votes.

On PostgreSQL the voters race for real: one thread (and database connection) per resident, all
released together by a barrier. On SQLite the in-memory test database is shared by every thread
and writers are serialised by the database itself, so the same votes go one after another and
the same outcome is asserted.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial

import pytest
from django.db import connection

from gridgov.community import consultations as actions
from gridgov.community.errors import CommunityError
from gridgov.community.models import Consultation, Vote
from gridgov.community.testing import HEPING_GRID_1, HEPING_GRID_2, build_community_world, voting_consultation

pytestmark = pytest.mark.django_db(transaction=True)

ON_POSTGRESQL = connection.vendor == "postgresql"
ROUNDS = 5 if ON_POSTGRESQL else 2


def run_together(jobs: list[Callable[[], object]]) -> list[object]:
    """Run the jobs at once (threads behind a barrier on PostgreSQL, in turn on SQLite);
    returns each job's result or the exception it raised."""
    results: list[object] = [None] * len(jobs)

    def run(n: int, barrier: threading.Barrier | None) -> None:
        try:
            if barrier is not None:
                barrier.wait(timeout=60)
            results[n] = jobs[n]()
        except Exception as exc:  # kept for the assertions, not swallowed
            results[n] = exc
        finally:
            if barrier is not None:
                connection.close()  # each thread's own connection

    if not ON_POSTGRESQL:
        for n in range(len(jobs)):
            run(n, None)
        return results
    barrier = threading.Barrier(len(jobs))
    threads = [threading.Thread(target=run, args=(n, barrier)) for n in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _world_with_voters():
    world = build_community_world()
    consultation = voting_consultation(world, options=("同意", "反对", "弃权"))
    households = [
        world.add_household(HEPING_GRID_1, members=4),
        world.add_household(HEPING_GRID_1, members=3),
        world.add_household(HEPING_GRID_2, members=2),
        world.add_household(HEPING_GRID_2, members=1),
        world.add_household(HEPING_GRID_2, members=1),
    ]
    return world, consultation, households


def test_concurrent_votes_of_household_members_leave_exactly_one_vote_per_household():
    world, consultation, households = _world_with_voters()
    option_ids = list(consultation.options.values_list("pk", flat=True))
    voters = [(household, user) for household in households for user in world.members[household.pk]]
    for round_no in range(ROUNDS):
        choices = {
            user.pk: option_ids[(n + round_no) % len(option_ids)] for n, (_h, user) in enumerate(voters)
        }
        jobs = [
            partial(actions.cast_vote, consultation, actor=user, option_id=choices[user.pk])
            for _household, user in voters
        ]
        results = run_together(jobs)
        failures = [r for r in results if isinstance(r, Exception)]
        assert failures == []
        votes = list(Vote.objects.filter(consultation=consultation))
        assert sorted(v.household_id for v in votes) == sorted(h.pk for h in households)
        for vote in votes:
            # The stored row is one member's whole vote: their option, not another member's.
            members = {u.pk for u in world.members[vote.household_id]}
            assert vote.voter_id in members
            assert vote.option_id == choices[vote.voter_id]
    closed = actions.close_vote(consultation, actor=world.staff)
    assert closed.result["households_voted"] == len(households)
    assert sum(row["votes"] for row in closed.result["options"]) == len(households)


def test_a_close_racing_the_votes_counts_exactly_the_votes_that_got_in():
    world, consultation, households = _world_with_voters()
    option_id = consultation.options.values_list("pk", flat=True).first()
    jobs: list[Callable[[], object]] = [
        (lambda user=world.members[h.pk][0]: actions.cast_vote(consultation, actor=user, option_id=option_id))
        for h in households
    ]
    jobs.insert(len(jobs) // 2, lambda: actions.close_vote(consultation, actor=world.staff))
    results = run_together(jobs)
    refused = [r for r in results if isinstance(r, CommunityError)]
    assert all(r.code == "conflict" for r in refused)
    assert [r for r in results if isinstance(r, Exception) and not isinstance(r, CommunityError)] == []
    closed = Consultation.objects.get(pk=consultation.pk)
    stored = Vote.objects.filter(consultation=consultation).count()
    assert closed.result["households_voted"] == stored == len(households) - len(refused)
