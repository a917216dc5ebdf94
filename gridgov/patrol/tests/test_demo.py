"""The patrol demo content is seeded through the services."""

import pytest

from gridgov.patrol.demo import seed_demo
from gridgov.patrol.models import Patrol, ProposedChange, Task, TaskRule, Visit
from gridgov.patrol.testing import build_patrol_world

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_a_rule_visits_a_task_and_a_patrol():
    build_patrol_world()
    counts = seed_demo()
    assert counts["rules"] == TaskRule.objects.count() == 1
    assert counts["visits"] == Visit.objects.count() >= 1
    assert counts["tasks"] == Task.objects.count()
    patrol = Patrol.objects.get()
    assert patrol.ended_at is not None and patrol.distance_m > 500
    assert ProposedChange.objects.count() == (1 if counts["visits"] > 1 else 0)
    assert seed_demo(worker_username="nobody") == {}
