"""Recording results: checklist validation, revisits moving the counters, exceptions setting
off follow-ups and cases, permissions, the query budget, and — over random sequences of
results — progress and daily counters equal to a recount."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.audit.models import Outcome as AuditOutcome
from gridgov.campaigns import launch
from gridgov.campaigns.errors import CampaignDenied, CampaignError
from gridgov.campaigns.models import (
    CampaignStatus,
    DailyCount,
    ExceptionAction,
    FollowUp,
    GridProgress,
    Outcome,
    Target,
)
from gridgov.campaigns.results import local_day, record_result
from gridgov.campaigns.testing import GRID_A, GRID_B, HEATING_CATEGORY, build_campaign_world, start
from gridgov.cases.models import Case, Category, Source
from gridgov.cases.sources import allowed_sources
from gridgov.people.models import Household

pytestmark = pytest.mark.django_db

CALM = {"fever": False, "heating": "ok"}
FEVER = {"fever": True, "temperature": 38.5, "heating": "ok"}
COLD = {"fever": False, "heating": "none"}
BOTH = {"fever": True, "temperature": 39.1, "heating": "none"}


@pytest.fixture
def world():
    world = build_campaign_world()
    start(world)
    return world


def target_in(world, grid=GRID_A) -> Target:
    return Target.objects.get(campaign=world.campaign, grid__code=grid)


def progress(world, grid=GRID_A) -> GridProgress:
    return GridProgress.objects.get(campaign=world.campaign, grid__code=grid)


def result(world, target, outcome=Outcome.DONE, answers=None, *, by=None, at=None, note=""):
    return record_result(
        by or world.users[Role.GRID_WORKER],
        target,
        outcome=outcome,
        answers=answers,
        note=note,
        at=at or timezone.now(),
    )


def test_a_done_result_keeps_answers_counters_and_audit(world):
    target = result(world, target_in(world), answers={**CALM, "note": " 一切正常 "}, note="门口")
    target.refresh_from_db()
    assert target.outcome == Outcome.DONE and target.attempts == 1 and not target.has_exception
    assert target.answers == {"fever": False, "heating": "ok", "note": "一切正常"}
    assert target.result_by == world.users[Role.GRID_WORKER] and target.note == "门口"
    row = progress(world)
    assert (row.total, row.done, row.pending, row.exceptions) == (1, 1, 0, 0)
    daily = DailyCount.objects.get(campaign=world.campaign, grid__code=GRID_A)
    assert (daily.day, daily.done, daily.exceptions) == (timezone.localdate(), 1, 0)
    entry = AuditEntry.objects.get(action="campaigns.result")
    assert entry.details["outcome"] == "done" and entry.details["exceptions"] == []
    assert "answers" not in entry.details and "一切正常" not in str(entry.details)


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({}, "answers.fever"),
        ({"fever": "hot", "heating": "ok"}, "answers.fever"),
        ({"fever": True, "heating": "ok"}, "answers.temperature"),
        ({"fever": True, "temperature": 45, "heating": "ok"}, "answers.temperature"),
        ({"fever": False, "heating": "warm"}, "answers.heating"),
        ({"fever": False, "heating": "ok", "note": "x" * 201}, "answers.note"),
        ({"fever": False, "heating": "ok", "pet": "cat"}, "answers.pet"),
        ("fever", "answers"),
    ],
)
def test_invalid_answers_change_nothing(world, answers, field):
    target = target_in(world)
    with pytest.raises(CampaignError) as raised:
        result(world, target, answers=answers)
    assert raised.value.field == field
    target.refresh_from_db()
    assert target.outcome == Outcome.PENDING and target.attempts == 0 and target.answers is None
    assert progress(world).done == 0 and not DailyCount.objects.exists()
    assert not AuditEntry.objects.filter(action="campaigns.result").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"outcome": "pending"}, "outcome"),
        ({"outcome": "burnt"}, "outcome"),
        ({"note": "x" * 201}, "note"),
        ({"at": "yesterday"}, "at"),
        ({"at": timezone.now().replace(tzinfo=None)}, "at"),
        ({"at": timezone.now() + timedelta(hours=1)}, "at"),
    ],
)
def test_outcome_note_and_time_are_checked(world, change, field):
    kwargs = {"outcome": Outcome.NOT_HOME, "answers": None, "note": "", "at": timezone.now(), **change}
    with pytest.raises(CampaignError) as raised:
        record_result(world.users[Role.GRID_WORKER], target_in(world), **kwargs)
    assert raised.value.field == field


@pytest.mark.parametrize("outcome", [Outcome.NOT_HOME, Outcome.REFUSED, Outcome.MOVED])
def test_other_outcomes_need_no_answers_and_keep_none(world, outcome):
    target = result(world, target_in(world), outcome, answers={"fever": True})
    target.refresh_from_db()
    assert target.outcome == outcome and target.answers is None and not target.has_exception
    assert getattr(progress(world), outcome) == 1 and not FollowUp.objects.exists()


def test_a_revisit_moves_the_counts_and_each_visit_counts_on_its_day(world):
    target = target_in(world)
    yesterday = timezone.now() - timedelta(days=1)
    result(world, target, Outcome.NOT_HOME, at=yesterday)
    result(world, target, Outcome.NOT_HOME, at=yesterday + timedelta(hours=2))
    result(world, target, Outcome.DONE, FEVER)
    row = progress(world)
    assert (row.done, row.not_home, row.pending, row.exceptions) == (1, 0, 0, 1)
    days = {d.day: d for d in DailyCount.objects.filter(campaign=world.campaign)}
    assert days[local_day(yesterday)].not_home == 2 and days[local_day(yesterday)].done == 0
    assert days[timezone.localdate()].done == 1 and days[timezone.localdate()].exceptions == 1
    target.refresh_from_db()
    assert target.attempts == 3 and target.has_exception
    # The exception cleared on a later visit: the household no longer counts, the day keeps it.
    result(world, target, Outcome.DONE, CALM)
    assert progress(world).exceptions == 0 and progress(world).done == 1
    assert DailyCount.objects.get(day=timezone.localdate()).exceptions == 1
    assert FollowUp.objects.count() == 1  # the follow-up already set off stays


def test_exceptions_create_one_follow_up_per_question_and_a_case(world):
    target = result(world, target_in(world), answers=BOTH)
    follow_ups = {f.question_code: f for f in FollowUp.objects.all()}
    assert set(follow_ups) == {"fever", "heating"}
    fever, heating = follow_ups["fever"], follow_ups["heating"]
    assert (fever.action, fever.label, fever.case) == (ExceptionAction.FOLLOW_UP, "发热", None)
    assert heating.action == ExceptionAction.CASE and heating.case is not None
    assert fever.org_path == target.org_path and fever.campaign == world.campaign
    case = heating.case
    assert case.source == Source.CAMPAIGN and case.category.code == HEATING_CATEGORY
    assert case.grid.code == GRID_A and case.reporter == world.users[Role.GRID_WORKER]
    assert world.campaign.name in case.description and "无供暖" in case.description
    assert "和平路1号" in case.description  # the household's address
    for health in ("39.1", "发热", "fever", "temperature"):
        assert health not in case.description
    assert target.has_exception and progress(world).exceptions == 1
    # The same exceptions again on a revisit set off nothing new.
    result(world, target, answers=BOTH)
    assert FollowUp.objects.count() == 2 and Case.objects.count() == 1
    assert progress(world).exceptions == 1
    assert DailyCount.objects.get().exceptions == 1 and DailyCount.objects.get().done == 2
    assert (
        AuditEntry.objects.filter(action="campaigns.result").order_by("pk").last().details["follow_ups"] == 0
    )


def test_the_campaign_source_is_lent_only_while_the_case_is_reported(world):
    worker = world.users[Role.GRID_WORKER]
    result(world, target_in(world), answers=COLD)
    assert Case.objects.get().source == Source.CAMPAIGN
    assert allowed_sources(worker) == [Source.PATROL]


def test_a_case_that_cannot_be_reported_leaves_the_result_and_a_noted_follow_up(world):
    Category.objects.filter(code=HEATING_CATEGORY).update(is_active=False)
    from gridgov.cases.taxonomy_services import invalidate_limits

    invalidate_limits()
    target = result(world, target_in(world), answers=COLD)
    follow_up = FollowUp.objects.get()
    assert follow_up.case is None and follow_up.note
    assert target.has_exception and not Case.objects.exists()
    assert AuditEntry.objects.filter(action="campaigns.case_failed").count() == 1


def test_only_workers_of_the_households_grid_record(world):
    target = target_in(world)
    for user in (world.users["worker_b"], world.users[Role.RESIDENT], world.users[Role.LEADER]):
        with pytest.raises(CampaignDenied):
            result(world, target, Outcome.NOT_HOME, by=user)
    denied = AuditEntry.objects.filter(action="campaigns.result", outcome=AuditOutcome.DENIED)
    assert denied.count() == 3
    target.refresh_from_db()
    assert target.attempts == 0
    # The community admin works in both grids.
    result(world, target_in(world, GRID_B), Outcome.REFUSED, by=world.users[Role.COMMUNITY_ADMIN])
    assert progress(world, GRID_B).refused == 1


def test_results_only_while_the_campaign_runs(world):
    launch.end_campaign(world.users[Role.DISTRICT_ADMIN], world.campaign)
    with pytest.raises(CampaignError) as raised:
        result(world, target_in(world), Outcome.NOT_HOME)
    assert raised.value.field == "status"


def test_a_result_costs_a_fixed_number_of_queries(world, django_assert_num_queries):
    worker = world.users[Role.GRID_WORKER]
    first, second = target_in(world), target_in(world, GRID_B)
    result(world, first, Outcome.NOT_HOME)  # the day's row exists; memberships are loaded
    # savepoint, target + campaign (locked), questions (first result of the campaign in this
    # process), target UPDATE, GridProgress UPDATE, DailyCount UPDATE, audit INSERT, release
    with django_assert_num_queries(8):
        record_result(worker, first, outcome=Outcome.DONE, answers=CALM, at=timezone.now())
    # The questions are cached for the running campaign from now on (-1). A grid's first result
    # of the day adds the INSERT of its row (in its own savepoint: +3).
    community = world.users[Role.COMMUNITY_ADMIN]
    result(world, first, Outcome.NOT_HOME, by=community)
    with django_assert_num_queries(10):
        record_result(community, second, outcome=Outcome.DONE, answers=CALM, at=timezone.now())
    # A follow-up exception adds its existence check and INSERT.
    with django_assert_num_queries(9):
        record_result(worker, first, outcome=Outcome.DONE, answers=FEVER, at=timezone.now())


def test_the_locked_path_skips_the_savepoint_and_the_second_fetch(world, django_assert_num_queries):
    """The sync handler locks the target in its scoped lookup and calls record_locked."""
    from gridgov.campaigns.results import record_locked

    worker = world.users[Role.GRID_WORKER]
    first = target_in(world)
    result(world, first, Outcome.DONE, CALM)  # the day's row exists; questions cached
    with transaction.atomic():
        locked = Target.objects.select_related("campaign").select_for_update(of=("self",)).get(pk=first.pk)
        # target UPDATE, GridProgress UPDATE, DailyCount UPDATE, audit INSERT
        with django_assert_num_queries(4):
            record_locked(worker, locked, outcome=Outcome.REFUSED, at=timezone.now())
    first.refresh_from_db()
    assert first.outcome == Outcome.REFUSED and first.attempts == 2
    assert GridProgress.objects.get(campaign=world.campaign, grid=first.grid).refused == 1


def test_the_cached_checklist_follows_a_changed_question(world, django_assert_num_queries):
    """Read once per running campaign; a question saved (a draft's checklist edited, a test
    database reusing ids) or another start time (another campaign with that id) reads again."""
    from gridgov.campaigns.results import campaign_questions

    campaign = world.campaign
    assert campaign.status == CampaignStatus.ACTIVE
    assert [q.code for q in campaign_questions(campaign)] == [q.code for q in campaign.questions.all()]
    with django_assert_num_queries(0):
        campaign_questions(campaign)
    question = campaign.questions.get(code="fever")
    question.text = "体温异常?"
    question.save(update_fields=["text"])
    with django_assert_num_queries(1):
        assert {q.code: q.text for q in campaign_questions(campaign)}["fever"] == "体温异常?"
    campaign.started_at = campaign.started_at + timedelta(seconds=1)
    with django_assert_num_queries(1):
        campaign_questions(campaign)


def test_progress_and_daily_counters_equal_a_recount_after_random_results(world):
    """Hypothesis: random sequences of results (outcomes, answers with and without exceptions,
    days) on a few households; afterwards GridProgress equals a recount of the targets, and
    DailyCount the results replayed per grid and day."""
    for grid, count in ((GRID_A, 3), (GRID_B, 2)):
        unit = world.units[grid]
        for i in range(count):
            Household.objects.create(number=f"R-{grid}-{i}", grid=unit, org_path=unit.path)
    world.campaign.status = CampaignStatus.DRAFT
    world.campaign.save(update_fields=["status"])
    Target.objects.all().delete()
    GridProgress.objects.all().delete()
    start(world)
    targets = list(Target.objects.filter(campaign=world.campaign).select_related("grid"))
    assert len(targets) == 7
    community = world.users[Role.COMMUNITY_ADMIN]
    now = timezone.now()
    step = st.tuples(
        st.integers(0, len(targets) - 1),
        st.sampled_from([Outcome.DONE, Outcome.DONE, Outcome.NOT_HOME, Outcome.REFUSED, Outcome.MOVED]),
        st.sampled_from([CALM, FEVER, COLD, BOTH]),
        st.integers(0, 2),
    )

    @settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(steps=st.lists(step, min_size=1, max_size=25))
    def check(steps):
        with transaction.atomic():
            daily: Counter = Counter()
            raised: set[tuple[int, str]] = set()
            flagged: dict[int, bool] = {}
            for index, outcome, answers, days_ago in steps:
                target = targets[index]
                at = now - timedelta(days=days_ago)
                record_result(community, target, outcome=outcome, answers=answers, at=at)
                key = (target.grid.code, local_day(at))
                daily[(*key, outcome)] += 1
                codes = set()
                if outcome == Outcome.DONE:
                    codes = {
                        code
                        for code, hit in (
                            ("fever", answers["fever"]),
                            ("heating", answers["heating"] == "none"),
                        )
                        if hit
                    }
                if codes and not flagged.get(target.pk):
                    daily[(*key, "exceptions")] += 1
                flagged[target.pk] = bool(codes)
                raised |= {(target.pk, code) for code in codes}

            for row in GridProgress.objects.filter(campaign=world.campaign).select_related("grid"):
                mine = Target.objects.filter(campaign=world.campaign, grid=row.grid)
                outcomes = Counter(mine.values_list("outcome", flat=True))
                assert row.total == mine.count()
                for name in ("done", "not_home", "refused", "moved"):
                    assert getattr(row, name) == outcomes[name]
                assert row.pending == outcomes[Outcome.PENDING]
                assert row.exceptions == mine.filter(has_exception=True).count()
            got: Counter = Counter()
            for row in DailyCount.objects.filter(campaign=world.campaign).select_related("grid"):
                for name in ("done", "not_home", "refused", "moved", "exceptions"):
                    if getattr(row, name):
                        got[(row.grid.code, row.day, name)] = getattr(row, name)
            assert got == daily
            assert set(FollowUp.objects.values_list("target_id", "question_code")) == raised
            assert sum(Target.objects.values_list("attempts", flat=True)) == len(steps)
            transaction.set_rollback(True)
        for target in targets:  # the objects' fields were changed by the rolled-back steps
            target.refresh_from_db()

    check()
