"""The resident pages (/community/…) and the staff pages (/community/manage/…)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.access.testing import make_user
from gridgov.audit.models import AuditEntry
from gridgov.community import consultations as actions
from gridgov.community import notices
from gridgov.community.models import Consultation, ConsultationState, Notice, NoticeRead, NoticeState, Vote
from gridgov.community.testing import (
    BAYANTALA_GRID,
    HEPING,
    HEPING_GRID_1,
    build_community_world,
    next_phone,
    unbound_resident,
    voting_consultation,
)
from gridgov.residents.testing import make_resident

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def world():
    return build_community_world()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _published(world, unit_code=HEPING, title="停水通知"):
    admin = world.staff
    draft = notices.NoticeDraft(org_unit=world.units[unit_code], title=title, body="周三停水")
    return notices.publish_notice(notices.save_notice(None, draft, actor=admin), actor=admin)


def test_resident_notice_list_marks_unread_and_opening_records_the_read(world):
    notice = _published(world)
    resident = unbound_resident(world)
    client = _client(resident)
    page = client.get("/community/", **EN)
    assert page.status_code == 200
    assert "停水通知" in page.content.decode() and "Unread" in page.content.decode()
    detail = client.get(f"/community/notices/{notice.pk}/", **EN)
    assert detail.status_code == 200 and "周三停水" in detail.content.decode()
    client.get(f"/community/notices/{notice.pk}/")
    assert NoticeRead.objects.filter(notice=notice, user=resident).count() == 1
    assert "Unread" not in client.get("/community/", **EN).content.decode()


def test_a_notice_for_another_unit_is_not_found_for_the_resident(world):
    notice = _published(world)
    outsider = make_resident(next_phone(), world.units[BAYANTALA_GRID])
    response = _client(outsider).get(f"/community/notices/{notice.pk}/")
    assert response.status_code == 404
    assert not NoticeRead.objects.exists()


def test_staff_create_publish_and_see_the_readers_masked(world):
    client = _client(world.staff)
    created = client.post(
        "/community/manage/notices/new/",
        {"org_unit": world.units[HEPING_GRID_1].pk, "title": "消防演练", "body": "周五下午", "pinned": "on"},
    )
    notice = Notice.objects.get(title="消防演练")
    assert created.status_code == 302 and notice.state == NoticeState.DRAFT and notice.pinned
    client.post(f"/community/manage/notices/{notice.pk}/state/", {"action": "publish"})
    assert Notice.objects.get(pk=notice.pk).state == NoticeState.PUBLISHED
    phone = next_phone()
    reader = make_resident(phone, world.units[HEPING_GRID_1], name="赵大妈")
    unbound_resident(world, HEPING_GRID_1)
    notices.mark_read(notice, reader)
    page = client.get(f"/community/manage/notices/{notice.pk}/", **EN).content.decode()
    assert "Read by 1 of 2 residents of the unit" in page
    assert "赵大妈" in page and phone not in page and phone[:3] + "****" + phone[-4:] in page
    listing = client.get("/community/manage/", **EN).content.decode()
    assert "消防演练" in listing and f'data-readers="{notice.pk}">1 / 2<' in listing


def test_staff_form_errors_show_next_to_the_field_and_change_nothing(world):
    response = _client(world.staff).post(
        "/community/manage/notices/new/",
        {"org_unit": world.units[HEPING].pk, "title": "", "body": "x"},
        **EN,
    )
    assert response.status_code == 200
    assert "A notice needs a title." in response.content.decode()
    assert not Notice.objects.exists()


def test_residents_cannot_open_the_staff_pages_and_staff_see_only_their_jurisdiction(world):
    notice = _published(world)
    assert _client(unbound_resident(world)).get("/community/manage/").status_code == 403
    other = make_user("bayantala_admin", Role.COMMUNITY_ADMIN, world.units["150502002001"])
    assert _client(other).get(f"/community/manage/notices/{notice.pk}/").status_code == 404
    assert AuditEntry.objects.filter(action="access.denied", actor=other).exists()


def test_resident_proposes_supports_and_votes_through_the_pages(world):
    proposer = unbound_resident(world)
    response = _client(proposer).post(
        "/community/consultations/new/", {"title": "增设充电桩", "description": "电动车"}
    )
    consultation = Consultation.objects.get(title="增设充电桩")
    assert response.status_code == 302 and consultation.proposer == proposer
    neighbour = unbound_resident(world)
    _client(neighbour).post(f"/community/consultations/{consultation.pk}/support/")
    assert consultation.supports.count() == 1
    staff = _client(world.staff)
    staff.post(f"/community/manage/consultations/{consultation.pk}/threshold/", {"threshold": "1"})
    closes = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    staff.post(
        f"/community/manage/consultations/{consultation.pk}/open/",
        {"options": "同意\n反对", "closes_at": closes},
    )
    assert Consultation.objects.get(pk=consultation.pk).state == ConsultationState.VOTING
    household = world.add_household(HEPING_GRID_1)
    voter = _client(world.members[household.pk][0])
    option = consultation.options.get(label="同意")
    voter.post(f"/community/consultations/{consultation.pk}/vote/", {"option": option.pk})
    page = voter.get(f"/community/consultations/{consultation.pk}/", **EN).content.decode()
    assert "Your household voted: 同意" in page
    assert Vote.objects.get(consultation=consultation).household == household
    # The unbound proposer is told to bind first.
    refused = _client(proposer).post(
        f"/community/consultations/{consultation.pk}/vote/", {"option": option.pk}, follow=True, **EN
    )
    assert "Bind your account to the registry first" in refused.content.decode()
    assert Vote.objects.count() == 1


def test_staff_open_form_shows_its_errors(world):
    consultation = actions.propose(actor=unbound_resident(world), title="t", description="d")
    actions.set_threshold(consultation, actor=world.staff, threshold=1)
    actions.support(consultation, actor=unbound_resident(world))
    response = _client(world.staff).post(
        f"/community/manage/consultations/{consultation.pk}/open/",
        {"options": "只有一个", "closes_at": ""},
        **EN,
    )
    assert response.status_code == 400
    assert "A vote needs at least two options." in response.content.decode()
    assert Consultation.objects.get(pk=consultation.pk).state == ConsultationState.PROPOSED


def test_close_result_and_follow_up_are_shown_to_residents(world):
    consultation = voting_consultation(world)
    household = world.add_household(HEPING_GRID_1)
    resident = world.members[household.pk][0]
    actions.cast_vote(consultation, actor=resident, option_id=consultation.options.get(label="反对").pk)
    staff = _client(world.staff)
    staff.post(f"/community/manage/consultations/{consultation.pk}/close/")
    staff.post(f"/community/manage/consultations/{consultation.pk}/action/", {"text": "召开居民议事会"})
    page = _client(resident).get(f"/community/consultations/{consultation.pk}/", **EN).content.decode()
    assert "1 of 1 households voted." in page
    assert "召开居民议事会" in page
    manage = staff.get(f"/community/manage/consultations/{consultation.pk}/", **EN)
    assert manage.status_code == 200 and "召开居民议事会" in manage.content.decode()


def test_reject_from_the_staff_page_shows_the_reason_to_residents(world):
    resident = unbound_resident(world)
    consultation = actions.propose(actor=resident, title="t", description="d")
    _client(world.staff).post(
        f"/community/manage/consultations/{consultation.pk}/reject/", {"reason": "重复提议"}
    )
    page = _client(resident).get(f"/community/consultations/{consultation.pk}/", **EN).content.decode()
    assert "重复提议" in page
    assert Consultation.objects.get(pk=consultation.pk).state == ConsultationState.REJECTED


def test_lists_render_for_residents_and_staff(world):
    voting_consultation(world)
    assert "加装电梯" in _client(unbound_resident(world)).get("/community/consultations/").content.decode()
    assert (
        "加装电梯"
        in _client(world.staff).get("/community/manage/consultations/?state=voting").content.decode()
    )
    nav = _client(world.staff).get("/community/manage/", **EN).content.decode()
    assert "Notices and consultations" in nav
