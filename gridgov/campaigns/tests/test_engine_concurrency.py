"""Concurrent results in one grid on one day: the DailyCount row is created once and every
result counted (update, else insert, else update again), GridProgress moved by each.

On PostgreSQL the results race for real, one thread (and connection) per worker meeting at a
barrier; SQLite serialises writers, so there they go one after another and the same totals are
asserted. Nothing is skipped on either database.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.campaigns.models import DailyCount, GridProgress, Outcome, Target
from gridgov.campaigns.results import record_result
from gridgov.campaigns.testing import GRID_A, GRID_B, build_campaign_world, start
from gridgov.people.models import Household

pytestmark = pytest.mark.django_db(transaction=True)

ON_POSTGRESQL = connection.vendor == "postgresql"
PER_GRID = 12
OUTCOMES = [Outcome.DONE, Outcome.NOT_HOME, Outcome.REFUSED, Outcome.DONE]
ANSWERS = {"fever": False, "heating": "ok"}


def run_all(jobs) -> list[Exception]:
    errors: list[Exception] = []

    def run(user_pk: int, target_pk: int, outcome: str, barrier) -> None:
        try:
            user = get_user_model().objects.get(pk=user_pk)
            target = Target.objects.get(pk=target_pk)
            if barrier is not None:
                barrier.wait(timeout=60)
            answers = ANSWERS if outcome == Outcome.DONE else None
            record_result(user, target, outcome=outcome, answers=answers, at=timezone.now())
        except Exception as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            if barrier is not None:
                connection.close()

    if not ON_POSTGRESQL:
        for job in jobs:
            run(*job, None)
        return errors
    barrier = threading.Barrier(len(jobs))
    threads = [threading.Thread(target=run, args=(*job, barrier)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_concurrent_first_results_of_the_day_are_all_counted():
    world = build_campaign_world()
    for grid in (GRID_A, GRID_B):
        unit = world.units[grid]
        for i in range(PER_GRID - 1):
            Household.objects.create(number=f"C-{grid}-{i}", grid=unit, org_path=unit.path)
    start(world)
    admin = world.users[Role.COMMUNITY_ADMIN].pk
    targets = list(Target.objects.filter(campaign=world.campaign).order_by("pk"))
    assert len(targets) == 2 * PER_GRID
    first = [(admin, t.pk, OUTCOMES[i % len(OUTCOMES)]) for i, t in enumerate(targets)]
    assert run_all(first) == []
    # A second wave: every household revisited at once, as done.
    assert run_all([(admin, t.pk, Outcome.DONE) for t in targets]) == []

    for grid in (GRID_A, GRID_B):
        daily = DailyCount.objects.get(campaign=world.campaign, grid__code=grid)
        mine = [job for job, t in zip(first, targets, strict=True) if t.grid.code == grid]
        firsts = Counter(outcome for _u, _t, outcome in mine)
        assert daily.done == firsts[Outcome.DONE] + PER_GRID
        assert (daily.not_home, daily.refused) == (firsts[Outcome.NOT_HOME], firsts[Outcome.REFUSED])
        row = GridProgress.objects.get(campaign=world.campaign, grid__code=grid)
        assert (row.total, row.done, row.not_home, row.refused, row.pending) == (PER_GRID, PER_GRID, 0, 0, 0)
    assert set(Target.objects.values_list("attempts", flat=True)) == {2}
