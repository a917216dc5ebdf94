"""The community demo content: built on the small demo district (registry only in the demo
accounts' grids, loaded once for the module), then checked from the demo persona "resident"."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings

from gridgov.audit.models import AuditEntry
from gridgov.community import consultations as consult
from gridgov.community import notices
from gridgov.community.models import (
    ActionState,
    Consultation,
    ConsultationState,
    Notice,
    NoticeRead,
    NoticeState,
    Vote,
)
from gridgov.demo.accounts import anchor_units
from gridgov.demo.community import RESIDENT_HOUSEHOLDS, TWO_MEMBER_HOUSEHOLDS, build_community_demo
from gridgov.demo.district import DEFAULT_SEED
from gridgov.demo.services import load_demo
from gridgov.residents.accounts import household_of
from gridgov.residents.models import ResidentProfile

pytestmark = pytest.mark.django_db
S = ConsultationState


@pytest.fixture(scope="module")
def demo_district(django_db_setup, django_db_blocker):
    """The small demo with the registry of the demo accounts' grids and the bound persona;
    rolled back after the module. Each test builds the community demo in its own transaction."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            # Binds the persona "resident" too (demo.resident_accounts.make_demo_resident).
            load_demo(registry_grids=0, participation=False)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def built(demo_district):
    started = time.perf_counter()
    counts = build_community_demo(DEFAULT_SEED)
    elapsed = time.perf_counter() - started
    print(f"\ncommunity demo built in {elapsed:.1f} s: {counts}")
    return counts


@pytest.fixture
def persona(demo_district):
    return get_user_model().objects.get(username="resident")


def _fingerprint() -> dict:
    return {
        "notices": sorted(Notice.objects.values_list("org_path", "title", "state", "pinned")),
        "reads": sorted(NoticeRead.objects.values_list("notice__title", "user__resident__phone_masked")),
        "residents": sorted(
            ResidentProfile.objects.values_list("phone_index", "display_name", "person__name")
        ),
        "consultations": sorted(
            Consultation.objects.values_list("title", "state", "support_threshold", "proposer__first_name")
        ),
        # Without the option ids: a PostgreSQL sequence does not roll back.
        "results": sorted(
            [(o["label"], o["votes"]) for o in result["options"]]
            for result in Consultation.objects.exclude(result=None).values_list("result", flat=True)
        ),
        "votes": sorted(
            Vote.objects.values_list("consultation__title", "option__label", "voter__first_name")
        ),
    }


def test_the_persona_sees_published_notices_pinned_first_with_unread_ones(built, persona):
    seen = list(notices.notices_for(persona))
    titles = [n.title for n in seen]
    assert seen[0].pinned and seen[0].title == "冬季社区服务值班安排"
    for expected in ("60岁以上老年人免费接种流感疫苗的通知", "生活垃圾分类投放指引", "降雪后清雪安排"):
        assert expected in titles
    assert any("采暖期开始供热" in title for title in titles)
    # The withdrawn water cut and the draft are not shown; staff still have them.
    assert "计划停水通知" not in titles and "元旦社区联欢会节目征集" not in titles
    assert Notice.objects.get(title="计划停水通知").state == NoticeState.WITHDRAWN
    assert Notice.objects.get(title="元旦社区联欢会节目征集").state == NoticeState.DRAFT
    read = set(NoticeRead.objects.filter(user=persona).values_list("notice__title", flat=True))
    assert read == {"生活垃圾分类投放指引"}
    # Other residents read some notices: the staff pages show receipts.
    assert NoticeRead.objects.exclude(user=persona).count() == built["reads"] - 1 > 0


def test_every_street_gets_a_heating_notice_and_the_demo_street_snow_clearing(built):
    units = anchor_units()
    streets = units["district"].children.count()
    heating = Notice.objects.filter(title__contains="采暖期", state=NoticeState.PUBLISHED)
    assert heating.count() == streets
    snow = Notice.objects.filter(title="降雪后清雪安排")
    assert snow.count() == units["street"].children.count()
    assert all(n.org_path.startswith(units["street"].path + ".") for n in snow)


def test_residents_are_bound_accounts_of_distinct_households_of_the_demo_community(built, persona):
    community = anchor_units()["community"]
    profiles = ResidentProfile.objects.exclude(user=persona).select_related("person", "user")
    assert profiles.count() == built["residents"] == RESIDENT_HOUSEHOLDS + TWO_MEMBER_HOUSEHOLDS
    households = {p.person.household_id for p in profiles}
    assert len(households) == RESIDENT_HOUSEHOLDS
    assert household_of(persona).pk not in households
    for profile in profiles:
        assert profile.person.org_path.startswith(community.path + ".")
        assert profile.user.username == f"resident-{profile.phone_index}"
        assert profile.phone_masked.startswith("139") and "*" in profile.phone_masked
        assert not profile.user.has_usable_password()
        assert consult.resident_community(profile.user) == community
    assert AuditEntry.objects.filter(action="residents.bind").count() == profiles.count()


def test_the_persona_sees_a_consultation_in_every_stage(built, persona):
    mine = {c.title: c for c in consult.consultations_for(persona)}
    states = sorted(c.state for c in mine.values())
    assert states == sorted([S.PROPOSED, S.PROPOSED, S.VOTING, S.CLOSED, S.REJECTED])
    assert built[S.VOTING] == built[S.CLOSED] == built[S.REJECTED] == 1

    ready, collecting = mine["小区增设电动自行车集中充电棚"], mine["周末开放社区活动室给孩子们写作业"]
    assert ready.supports.count() >= ready.threshold
    assert 0 < collecting.supports.count() < collecting.threshold

    rejected = mine["拆除小区围墙改为开放式小区"]
    assert "统一规划" in rejected.rejection_reason

    closed = mine["集中清理楼道和人行道堆放杂物"]
    result = closed.result
    assert result["households_voted"] == Vote.objects.filter(consultation=closed).count() > 0
    assert sum(o["votes"] for o in result["options"]) == result["households_voted"]
    assert result["households_total"] >= result["households_voted"]
    assert Vote.objects.filter(consultation=closed, household=household_of(persona)).exists()
    actions = list(closed.actions.all())
    assert {a.state for a in actions} == {ActionState.DONE, ActionState.OPEN}
    # The action about the building materials links the demo case that reported them.
    assert any(a.case_number for a in actions)

    voting = mine["3号楼加装电梯"]
    assert Vote.objects.filter(consultation=voting).exists()
    assert not Vote.objects.filter(consultation=voting, household=household_of(persona)).exists()
    # The persona can vote now, for its household.
    vote = consult.cast_vote(voting, actor=persona, option_id=voting.options.first().pk)
    assert vote.household == household_of(persona)


def test_every_step_went_through_the_services_and_is_audited(built):
    consultations = Consultation.objects.count()
    assert AuditEntry.objects.filter(action="community.proposed").count() == consultations
    assert AuditEntry.objects.filter(action="community.vote_opened").count() == 2
    assert AuditEntry.objects.filter(action="community.vote_closed").count() == 1
    assert AuditEntry.objects.filter(action="community.rejected").count() == 1
    assert AuditEntry.objects.filter(action="community.notice_created").count() == Notice.objects.count()
    assert AuditEntry.objects.filter(action="community.notice_read").count() == NoticeRead.objects.count()
    # A household with two accounts sometimes changed its vote: one row per household still.
    voted = AuditEntry.objects.filter(action="community.voted").count()
    assert voted >= Vote.objects.count()


def test_the_persona_pages_show_the_notices_and_the_consultations(built, persona, client):
    client.force_login(persona)
    page = client.get("/community/").content.decode()
    assert "冬季社区服务值班安排" in page and "降雪后清雪安排" in page
    page = client.get("/community/consultations/").content.decode()
    assert "3号楼加装电梯" in page and "集中清理楼道和人行道堆放杂物" in page
    closed = Consultation.objects.get(state=S.CLOSED)
    page = client.get(f"/community/consultations/{closed.pk}/").content.decode()
    assert "每月第一个周六定为楼道清理日" in page


def test_the_same_seed_builds_the_same_content(demo_district):
    fingerprints = []
    for _ in range(2):
        with transaction.atomic():
            build_community_demo(DEFAULT_SEED)
            fingerprints.append(_fingerprint())
            transaction.set_rollback(True)
    assert fingerprints[0] == fingerprints[1]
    assert fingerprints[0]["votes"]
