"""Notices: targeting by unit, publishing, read receipts and the readership counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.community import notices
from gridgov.community.errors import CommunityError
from gridgov.community.models import Notice, NoticeRead, NoticeState
from gridgov.community.testing import (
    BAYANTALA_GRID,
    HEPING,
    HEPING_GRID_1,
    HEPING_GRID_2,
    build_community_world,
    unbound_resident,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_community_world()


def _published(world, unit_code: str, **changes):
    draft = notices.NoticeDraft(org_unit=world.units[unit_code], title="停水通知", body="周三停水", **changes)
    notice = notices.save_notice(None, draft, actor=world.world.users[Role.DISTRICT_ADMIN])
    return notices.publish_notice(notice, actor=world.world.users[Role.DISTRICT_ADMIN])


def test_residents_of_a_grid_in_the_unit_see_the_notice_and_others_do_not(world):
    notice = _published(world, HEPING)
    grid_1 = world.add_household(HEPING_GRID_1)
    grid_2 = world.add_household(HEPING_GRID_2)
    outside = world.add_household(BAYANTALA_GRID)
    assert list(notices.notices_for(world.members[grid_1.pk][0])) == [notice]
    assert list(notices.notices_for(world.members[grid_2.pk][0])) == [notice]
    assert list(notices.notices_for(world.members[outside.pk][0])) == []
    # An unbound resident's home is the unit of their resident membership.
    assert list(notices.notices_for(unbound_resident(world, HEPING_GRID_2))) == [notice]


def test_a_notice_for_the_district_reaches_every_community(world):
    notice = _published(world, "150502")
    outside = world.add_household(BAYANTALA_GRID)
    assert list(notices.notices_for(world.members[outside.pk][0])) == [notice]


def test_drafts_withdrawn_and_expired_notices_are_not_shown(world):
    admin = world.world.users[Role.DISTRICT_ADMIN]
    resident = unbound_resident(world)
    draft = notices.save_notice(
        None, notices.NoticeDraft(org_unit=world.units[HEPING], title="草稿", body="x"), actor=admin
    )
    withdrawn = notices.withdraw_notice(_published(world, HEPING), actor=admin)
    expiring = _published(world, HEPING, ends_on=timezone.localdate())
    assert draft.state == NoticeState.DRAFT and withdrawn.state == NoticeState.WITHDRAWN
    assert list(notices.notices_for(resident)) == [expiring]
    type(expiring).objects.filter(pk=expiring.pk).update(ends_on=timezone.localdate() - timedelta(days=1))
    assert list(notices.notices_for(resident)) == []


def test_staff_cannot_write_for_a_unit_outside_their_jurisdiction(world):
    draft = notices.NoticeDraft(org_unit=world.units["150502002001"], title="t", body="b")
    with pytest.raises(CommunityError) as refused:
        notices.save_notice(None, draft, actor=world.staff)
    assert refused.value.field == "org_unit"
    with pytest.raises(CommunityError) as missing:
        notices.save_notice(None, notices.NoticeDraft(world.units[HEPING], " ", "b"), actor=world.staff)
    assert missing.value.field == "title"
    assert not Notice.objects.exists()  # bad input changed nothing


def test_a_read_is_recorded_once_and_audited_once(world):
    notice = _published(world, HEPING)
    resident = unbound_resident(world)
    assert notices.mark_read(notice, resident) is True
    assert notices.mark_read(notice, resident) is False
    assert NoticeRead.objects.filter(notice=notice, user=resident).count() == 1
    assert AuditEntry.objects.filter(action="community.notice_read", actor=resident).count() == 1


def test_readership_counts_readers_of_the_residents_living_in_the_unit(world):
    notice = _published(world, HEPING)
    household = world.add_household(HEPING_GRID_1, members=2)
    unbound = unbound_resident(world, HEPING_GRID_2)
    world.add_household(BAYANTALA_GRID)  # lives elsewhere: not counted
    first, _second = world.members[household.pk]
    notices.mark_read(notice, first)
    notices.mark_read(notice, unbound)
    assert notices.readership(notice) == notices.Readership(read=2, residents=3)


def test_publishing_and_withdrawing_are_audited_and_checked(world):
    notice = _published(world, HEPING)
    assert notice.published_at is not None
    with pytest.raises(CommunityError):
        notices.publish_notice(notice, actor=world.staff)
    outsider = world.world.users[Role.STREET_ADMIN]  # Yongqing street contains Heping: allowed
    notices.withdraw_notice(notice, actor=outsider)
    actions = list(AuditEntry.objects.filter(target_id=str(notice.pk)).values_list("action", flat=True))
    assert {"community.notice_created", "community.notice_published", "community.notice_withdrawn"} <= set(
        actions
    )
