"""Sending and reading notifications: inbox rows in bulk, e-mail after the commit.

Notifying is a side effect of something that already happened (a transition, a sweep): it
must never undo or break it. So `notify` and `notify_many` write in a savepoint of their own,
log their failures instead of raising, and hand e-mail to the mail backend only once the
caller's transaction has committed.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gridgov.inbox.models import Notification

logger = logging.getLogger(__name__)

# An e-mail lists at most this many messages; the inbox has them all.
EMAIL_LIST_LIMIT = 20
BATCH_SIZE = 1000


@dataclass(frozen=True)
class Message:
    """One message to several users. `recipients` are user ids or users."""

    recipients: Sequence
    kind: str
    title: str
    body: str = ""
    case_id: int | None = None


def notify(users: Iterable, *, kind: str, title: str, body: str = "", case=None) -> int:
    """Send one message to `users` (users or user ids); returns the number of inbox rows written.

    Inactive users get nothing; each recipient with an e-mail address also gets an e-mail
    after the commit. Never raises.
    """
    case_id = getattr(case, "pk", case)
    return notify_many([Message(list(users), kind, title, body, case_id)])


def notify_many(messages: Iterable[Message], *, at: datetime | None = None) -> int:
    """Send several messages at once: one user query, bulk inserts, one e-mail per recipient.

    A recipient of several messages gets them listed in one e-mail. Returns the number of
    inbox rows written (0 when sending failed, which is logged). Never raises.
    """
    try:
        with transaction.atomic():
            rows, mails = _write(list(messages), at or timezone.now())
    except Exception:
        logger.exception("Writing notifications failed")
        return 0
    if mails:
        transaction.on_commit(lambda: _send(mails))
    return rows


def _write(messages: list[Message], at: datetime) -> tuple[int, list[EmailMessage]]:
    wanted = {_user_id(u) for m in messages for u in m.recipients}
    if not wanted:
        return 0, []
    addresses = dict(
        get_user_model().objects.filter(pk__in=wanted, is_active=True).values_list("pk", "email")
    )
    rows: list[Notification] = []
    per_user: dict[int, list[Message]] = defaultdict(list)
    for message in messages:
        for user_id in dict.fromkeys(_user_id(u) for u in message.recipients):
            if user_id not in addresses:
                continue
            rows.append(
                Notification(
                    recipient_id=user_id,
                    case_id=message.case_id,
                    kind=message.kind,
                    title=message.title[:200],
                    body=message.body,
                    created_at=at,
                )
            )
            if addresses[user_id]:
                per_user[user_id].append(message)
    Notification.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(rows), [_email(addresses[uid], msgs) for uid, msgs in per_user.items()]


def _user_id(user) -> int:
    return user if isinstance(user, int) else user.pk


def _email(address: str, messages: list[Message]) -> EmailMessage:
    if len(messages) == 1:
        subject, body = messages[0].title, messages[0].body
    else:
        with translation.override(settings.LANGUAGE_CODE):
            subject = ngettext("%(count)d new notification", "%(count)d new notifications", len(messages)) % {
                "count": len(messages)
            }
            parts = [f"{m.title}\n{m.body}".strip() for m in messages[:EMAIL_LIST_LIMIT]]
            if len(messages) > EMAIL_LIST_LIMIT:
                parts.append(
                    _("… and %(count)d more in your inbox.") % {"count": len(messages) - EMAIL_LIST_LIMIT}
                )
            body = "\n\n".join(parts)
    return EmailMessage(subject=subject.replace("\n", " "), body=body, to=[address])


def _send(mails: list[EmailMessage]) -> None:
    try:
        get_connection(fail_silently=False).send_messages(mails)
    except Exception:
        # The inbox already has the messages; a mail server outage must not break the caller.
        logger.exception("Sending %d notification e-mails failed", len(mails))


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user, notification_ids: Iterable[int] | None = None) -> int:
    """Mark `user`'s notifications read (those given, or all); returns how many changed.

    Ids of other users' notifications are ignored.
    """
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())
