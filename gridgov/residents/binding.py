"""Binding a resident account to its registry person, by name and ID number, and unbinding.

The answer never tells whether an ID number is registered: an unknown number, a name that does
not match and a person bound to another account get the same refusal. Tries are limited per
account and day (RESIDENT_BIND_DAILY_LIMIT, successful ones included, so that binding and
unbinding cannot probe the registry either). Binding moves the resident's Membership to the
person's grid; unbinding moves it back to the district.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.access.models import Membership
from gridgov.access.roles import Role
from gridgov.audit.log import record
from gridgov.audit.models import Outcome
from gridgov.geo.models import OrgUnit
from gridgov.people import pii
from gridgov.people.identity_numbers import IdentifierError, check_id_number
from gridgov.people.models import Person, PersonStatus
from gridgov.residents.errors import ResidentError
from gridgov.residents.models import BindingAttempt, ResidentProfile
from gridgov.residents.signin import district_unit

# Spaces and the separators written inside transliterated names (乌兰·巴特尔, 乌兰.巴特尔).
_NAME_NOISE = re.compile(r"[\s·•‧∙.．・]+")


def comparable_name(name: str) -> str:
    return _NAME_NOISE.sub("", unicodedata.normalize("NFKC", name or "")).casefold()


def neutral_refusal() -> ResidentError:
    return ResidentError(
        "id_number",
        _(
            "No registry record matches this name and ID number. Check both, or ask your "
            "community's grid worker to check your registration."
        ),
        "no_match",
    )


def _profile_for_update(user) -> ResidentProfile:
    profile = ResidentProfile.objects.select_for_update().filter(user=user).first()
    if profile is None:
        raise ResidentError(
            "id_number", _("Only resident accounts can bind to the registry."), "not_resident"
        )
    return profile


def _move_membership(user, unit: OrgUnit) -> None:
    for membership in Membership.objects.filter(user=user, role=Role.RESIDENT):
        membership.org_unit = unit
        membership.save(update_fields=["org_unit", "scope_path"])


def _find_person(name: str, id_number: str) -> Person | None:
    person = (
        Person.objects.select_related("grid")
        .filter(id_number_index=pii.index_of(id_number, pii.ID_NUMBER))
        .exclude(status__in=[PersonStatus.DECEASED])
        .first()
    )
    if person is None or comparable_name(person.name) != comparable_name(name):
        return None
    return person


def bind_person(user, *, name: str, id_number: str, request=None) -> Person:
    """Bind the user's resident account to the registry person with this ID number and name.

    Raises ResidentError: "name" (empty), "id_number" (malformed number, already bound, daily
    limit, or the neutral no-match refusal). Every try that reaches the registry is counted and
    audited.
    """
    if not (name or "").strip():
        raise ResidentError("name", _("Enter your name as registered."), "required")
    try:
        number = check_id_number(id_number).number
    except IdentifierError as exc:
        raise ResidentError("id_number", exc.message, exc.code) from None
    now = timezone.now()
    person = None
    error: ResidentError | None = None
    reason = ""
    with transaction.atomic():
        profile = _profile_for_update(user)
        if profile.person_id is not None:
            raise ResidentError(
                "id_number",
                _("This account is already bound. Unbind it first to bind another person."),
                "bound",
            )
        tries = BindingAttempt.objects.filter(user=user, at__gte=now - timedelta(days=1)).count()
        if tries >= settings.RESIDENT_BIND_DAILY_LIMIT:
            error, reason = (
                ResidentError(
                    "id_number", _("Too many binding tries today. Try again tomorrow."), "daily_limit"
                ),
                "daily_limit",
            )
        else:
            attempt = BindingAttempt.objects.create(user=user, at=now)
            person = _find_person(name, number)
            if person is None:
                error, reason = neutral_refusal(), "no_match"
            elif ResidentProfile.objects.filter(person=person).exists():
                error, reason = neutral_refusal(), "bound_elsewhere"
            else:
                try:
                    with transaction.atomic():
                        profile.person, profile.bound_at = person, now
                        profile.save(update_fields=["person", "bound_at"])
                except IntegrityError:  # bound by another account a moment ago
                    error, reason = neutral_refusal(), "bound_elsewhere"
                else:
                    _move_membership(user, person.grid)
                    attempt.succeeded = True
                    attempt.save(update_fields=["succeeded"])
                    record(
                        "residents.bind",
                        request=request,
                        actor=user,
                        target=profile,
                        details={"person": person.pk, "grid": person.grid.code},
                    )
        if error is not None:
            # Inside the transaction so the entry and the counted try commit together.
            record(
                "residents.bind",
                request=request,
                actor=user,
                target=profile,
                outcome=Outcome.DENIED,
                details={"reason": reason, "person": person.pk if person is not None else None},
            )
    if error is not None:
        raise error
    assert person is not None
    return person


def unbind_person(user, *, request=None) -> None:
    """Remove the binding; the resident's Membership goes back to the district. Raises
    ResidentError when the account is not bound."""
    with transaction.atomic():
        profile = _profile_for_update(user)
        if profile.person_id is None:
            raise ResidentError(
                "id_number", _("This account is not bound to a registry person."), "not_bound"
            )
        former = profile.person_id
        profile.person, profile.bound_at = None, None
        profile.save(update_fields=["person", "bound_at"])
        _move_membership(user, district_unit())
        record("residents.unbind", request=request, actor=user, target=profile, details={"person": former})
