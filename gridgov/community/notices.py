"""Notice actions: write, publish, withdraw, and the read receipts of residents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.access.scope import in_scope
from gridgov.audit.log import record
from gridgov.community.audience import residents_of, unit_and_ancestor_paths
from gridgov.community.errors import CommunityError
from gridgov.community.models import Notice, NoticeRead, NoticeState
from gridgov.community.permissions import MANAGE
from gridgov.geo.models import OrgUnit
from gridgov.residents.accounts import home_unit


@dataclass(frozen=True)
class NoticeDraft:
    org_unit: OrgUnit | None
    title: str
    body: str
    ends_on: date | None = None
    pinned: bool = False


def save_notice(notice: Notice | None, draft: NoticeDraft, *, actor) -> Notice:
    """Create a notice (as a draft) or change one; raises CommunityError naming the field."""
    if notice is not None and not in_scope(actor, notice.org_path, MANAGE):
        raise CommunityError("", _("You may not change this notice."), "not_allowed")
    if draft.org_unit is None:
        raise CommunityError("org_unit", _("Choose the unit whose residents the notice is for."))
    if not in_scope(actor, draft.org_unit.path, MANAGE):
        raise CommunityError("org_unit", _("This unit is outside your jurisdiction."), "not_allowed")
    title, body = draft.title.strip(), draft.body.strip()
    if not title:
        raise CommunityError("title", _("A notice needs a title."))
    if not body:
        raise CommunityError("body", _("A notice needs a text."))
    if draft.ends_on is not None and draft.ends_on < timezone.localdate():
        raise CommunityError("ends_on", _("The end date has already passed."))
    created = notice is None
    with transaction.atomic():
        if notice is None:
            notice = Notice(author=actor)
        notice.org_unit = draft.org_unit
        notice.org_path = draft.org_unit.path
        notice.title, notice.body = title, body
        notice.ends_on, notice.pinned = draft.ends_on, draft.pinned
        notice.save()
        record(
            "community.notice_created" if created else "community.notice_changed",
            actor=actor,
            target=notice,
            details={"unit": draft.org_unit.code, "pinned": draft.pinned},
        )
    return notice


def publish_notice(notice: Notice, *, actor) -> Notice:
    return _change_state(notice, actor, NoticeState.PUBLISHED, "community.notice_published")


def withdraw_notice(notice: Notice, *, actor) -> Notice:
    return _change_state(notice, actor, NoticeState.WITHDRAWN, "community.notice_withdrawn")


def _change_state(notice: Notice, actor, state: NoticeState, action: str) -> Notice:
    if not in_scope(actor, notice.org_path, MANAGE):
        raise CommunityError("", _("You may not change this notice."), "not_allowed")
    with transaction.atomic():
        current = Notice.objects.select_for_update().get(pk=notice.pk)
        if current.state == state:
            raise CommunityError("", _("The notice is already in this state."), "conflict")
        if state == NoticeState.WITHDRAWN and current.state != NoticeState.PUBLISHED:
            raise CommunityError("", _("Only a published notice can be withdrawn."), "conflict")
        current.state = state
        fields = ["state", "updated_at"]
        if state == NoticeState.PUBLISHED:
            current.published_at = timezone.now()
            fields.append("published_at")
        current.save(update_fields=fields)
        record(action, actor=actor, target=current)
    return current


def notices_for(user) -> QuerySet[Notice]:
    """The published, unexpired notices for the residents of a unit containing the user's home."""
    unit = home_unit(user)
    if unit is None:
        return Notice.objects.none()
    today = timezone.localdate()
    return (
        Notice.objects.filter(state=NoticeState.PUBLISHED, org_path__in=unit_and_ancestor_paths(unit))
        .exclude(ends_on__lt=today)
        .select_related("org_unit")
    )


def mark_read(notice: Notice, user) -> bool:
    """Record that `user` opened `notice`, once; True when this was the first time."""
    if NoticeRead.objects.filter(notice=notice, user=user).exists():
        return False
    try:
        with transaction.atomic():
            NoticeRead.objects.create(notice=notice, user=user)
            record("community.notice_read", actor=user, target=notice)
    except IntegrityError:  # the same resident opened it twice at once: one receipt stands
        return False
    return True


@dataclass(frozen=True)
class Readership:
    read: int
    residents: int


def readership(notice: Notice) -> Readership:
    """Read by N of the M residents who live in the notice's unit (M counts them now)."""
    return Readership(read=notice.reads.count(), residents=residents_of(notice.org_path).count())
