"""Revealing a masked identifier: permission in the record's jurisdiction, a stated reason,
a per-user hourly limit, and an audit entry for every attempt (the value is never logged)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.access.scope import in_scope
from gridgov.audit.log import record
from gridgov.audit.models import AuditEntry, Outcome
from gridgov.people import pii
from gridgov.people.models import Organization, Person

ACTION = "people.reveal"
MIN_REASON_LENGTH = 4

# (model, field name in requests) -> (token attribute, encryption context)
REVEALABLE: dict[tuple[type[models.Model], str], tuple[str, str]] = {
    (Person, "id_number"): ("id_number_token", pii.ID_NUMBER),
    (Person, "phone"): ("phone_token", pii.PHONE),
    (Organization, "contact_phone"): ("contact_phone_token", pii.CONTACT_PHONE),
}


class RevealError(Exception):
    """Refused: `code` is "forbidden", "unknown_field", "reason" or "rate_limited"."""

    def __init__(self, code: str, field: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.field = field
        self.message = message


def reveals_left(user) -> int:
    since = timezone.now() - timedelta(hours=1)
    used = AuditEntry.objects.filter(actor=user, action=ACTION, outcome=Outcome.OK, at__gte=since).count()
    return max(0, settings.PEOPLE_REVEALS_PER_HOUR - used)


def reveal(user, target: Person | Organization, field: str, reason: str, *, request=None) -> str:
    """The clear value of `field` of `target`, which the caller loaded through access.scope.

    Raises RevealError when the user lacks people.reveal for the record's unit, the field is not
    revealable, the reason is missing or too short, or the hourly limit is used up.
    """
    spec = REVEALABLE.get((type(target), field))
    if spec is None:
        raise RevealError("unknown_field", "field", _("This field cannot be revealed."))
    details = {"field": field, "reason": (reason or "").strip()[:300]}
    if not in_scope(user, target.org_path, "people.reveal"):
        record(ACTION, actor=user, request=request, target=target, outcome=Outcome.DENIED, details=details)
        raise RevealError("forbidden", field, _("You may not reveal this value."))
    if len(details["reason"]) < MIN_REASON_LENGTH:
        raise RevealError("reason", "reason", _("State why you need the full value (at least 4 characters)."))
    if reveals_left(user) <= 0:
        record(
            ACTION,
            actor=user,
            request=request,
            target=target,
            outcome=Outcome.DENIED,
            details={**details, "limit": settings.PEOPLE_REVEALS_PER_HOUR},
        )
        raise RevealError(
            "rate_limited",
            field,
            _("You have revealed %(n)s values in the last hour, the limit. Try again later.")
            % {"n": settings.PEOPLE_REVEALS_PER_HOUR},
        )
    attribute, context = spec
    value = pii.unseal(getattr(target, attribute), context)
    record(ACTION, actor=user, request=request, target=target, details=details)
    return value
