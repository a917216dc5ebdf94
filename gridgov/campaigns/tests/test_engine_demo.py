"""The campaign demo content is seeded through the services."""

import pytest

from gridgov.campaigns.demo import HEATING_FAILURE, seed_demo
from gridgov.campaigns.models import (
    Campaign,
    CampaignStatus,
    DailyCount,
    FollowUp,
    GridProgress,
    Outcome,
    Target,
)
from gridgov.cases.models import Category, Source, TimeLimit, Urgency
from gridgov.cases.testing import LIMITS
from gridgov.patrol.testing import GRID_A, build_patrol_world
from gridgov.people.models import Household

pytestmark = pytest.mark.django_db


def test_seed_demo_runs_an_active_screening_with_results_and_exceptions():
    reg = build_patrol_world()
    heating = Category.objects.create(code=HEATING_FAILURE, name_zh="供暖故障", name_en="Heating failure")
    for urgency in Urgency.values:
        for stage, (amount, unit) in LIMITS.items():
            TimeLimit.objects.create(category=heating, urgency=urgency, stage=stage, amount=amount, unit=unit)
    grid = reg.units[GRID_A]
    for i in range(8):
        Household.objects.create(number=f"D-{i}", grid=grid, org_path=grid.path)

    counts = seed_demo()
    campaign = Campaign.objects.get()
    assert campaign.status == CampaignStatus.ACTIVE and campaign.org_path == "150502.001.001"
    assert counts["targets"] == Target.objects.count() == 10
    assert counts["results"] == 7 == Target.objects.exclude(outcome=Outcome.PENDING).count()
    codes = set(FollowUp.objects.values_list("question_code", flat=True))
    assert codes == {"fever", "returned", "heating"} and counts["follow_ups"] == 3
    case = FollowUp.objects.get(question_code="heating").case
    assert case is not None and case.source == Source.CAMPAIGN
    row = GridProgress.objects.get(grid=grid)
    assert (row.done, row.not_home, row.refused, row.exceptions) == (5, 1, 1, 3)
    assert sum(DailyCount.objects.values_list("done", flat=True)) == 5
    assert seed_demo(worker_username="nobody") == {}


def test_seed_demo_leaves_out_the_case_question_without_its_category():
    build_patrol_world()
    seed_demo()
    assert not Campaign.objects.get().questions.filter(code="heating").exists()
