"""Test helpers: resident accounts made directly (the sign-up pages have their own tests)."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.utils import timezone

from gridgov.access.models import Membership
from gridgov.access.roles import Role
from gridgov.geo.models import OrgUnit
from gridgov.people import pii
from gridgov.people.models import Person
from gridgov.residents.models import RESIDENT_PHONE, ResidentProfile


def make_resident(phone: str, unit: OrgUnit, *, person: Person | None = None, name: str = ""):
    """A resident user signed up with `phone` (canonical 11 digits), a member of `unit`, bound to
    `person` when given. Returns the user."""
    user = get_user_model().objects.create_user(username=f"r{phone}", first_name=name)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    Membership.objects.create(user=user, role=Role.RESIDENT, org_unit=unit)
    sealed = pii.seal(phone, RESIDENT_PHONE)
    ResidentProfile.objects.create(
        user=user,
        phone_token=sealed.token,
        phone_index=sealed.index,
        phone_masked=sealed.masked,
        display_name=name,
        person=person,
        bound_at=timezone.now() if person is not None else None,
    )
    return user


class OutboxSender:
    """An SMS sender for tests: keeps (phone, text) in OUTBOX instead of sending."""

    def send(self, phone: str, text: str) -> None:
        OUTBOX.append((phone, text))


OUTBOX: list[tuple[str, str]] = []


def last_code(phone: str) -> str:
    """The code of the last message OutboxSender took for `phone`."""
    for to, text in reversed(OUTBOX):
        if to == phone:
            return re.search(r"(?<!\d)\d{6}(?!\d)", text).group(0)
    raise AssertionError(f"no message to {phone[:3]}…")
