"""Registry corrections noted on a visit: which fields may be proposed, how each is checked,
and how an accepted one is applied through people.services (the registry's only write path).

Identifiers are sealed like the registry seals them (people.pii): a proposed phone or ID
number never exists in clear outside the request that brought it and the accept that applies it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.patrol.errors import PatrolError
from gridgov.people import pii, services
from gridgov.people.ethnicities import Ethnicity
from gridgov.people.identity_numbers import IdentifierError, check_id_number
from gridgov.people.models import Household, Person, PersonStatus, Relation, ResidenceType
from gridgov.people.phones import check_mobile

# field -> label, for persons and for households.
PERSON_FIELDS = {
    "name": gettext_lazy("Name"),
    "phone": gettext_lazy("Phone"),
    "id_number": gettext_lazy("ID number"),
    "ethnicity": gettext_lazy("Ethnicity"),
    "residence_type": gettext_lazy("Residence type"),
    "registered_address": gettext_lazy("Registered address"),
    "relation": gettext_lazy("Relation to the head"),
    "status": gettext_lazy("Status (moved out, deceased)"),
}
HOUSEHOLD_FIELDS = {"head": gettext_lazy("Head of household")}
IDENTIFIERS = {"phone": pii.PHONE, "id_number": pii.ID_NUMBER}
_CHOICES = {
    "ethnicity": Ethnicity,
    "residence_type": ResidenceType,
    "relation": Relation,
    "status": PersonStatus,
}


@dataclass(frozen=True)
class CheckedValue:
    value: str = ""  # non-identifiers
    sealed: pii.Sealed = pii.EMPTY  # identifiers


def field_label(field: str) -> str:
    return str(PERSON_FIELDS.get(field) or HOUSEHOLD_FIELDS.get(field) or field)


def check_value(field: str, raw, *, person: Person | None, household: Household) -> CheckedValue:
    """Check a proposed value; raise PatrolError("value") for a bad one."""
    text = str(raw if raw is not None else "").strip()
    allowed = PERSON_FIELDS if person is not None else HOUSEHOLD_FIELDS
    if field not in allowed:
        raise PatrolError("field", _("This field cannot be corrected from a visit."))
    if not text:
        raise PatrolError("value", _("Give the correct value."), "required")
    try:
        if field == "phone":
            return CheckedValue(sealed=pii.seal(check_mobile(text), pii.PHONE))
        if field == "id_number":
            number = check_id_number(text).number
            return CheckedValue(sealed=pii.seal(number, pii.ID_NUMBER))
    except IdentifierError as error:
        raise PatrolError("value", str(error.message), error.code) from None
    if field in _CHOICES:
        if text not in _CHOICES[field].values:
            raise PatrolError("value", _("Choose one of the listed values."))
        if field == "status" and person is not None and text == person.status:
            raise PatrolError("value", _("The person already has this status."), "unchanged")
    elif field == "head":
        if not household.members.filter(pk=text if text.isdigit() else 0).exists():
            raise PatrolError("value", _("The head of household must be a member of this household."))
    elif len(text) > (50 if field == "name" else 200):
        raise PatrolError("value", _("This value is too long."))
    return CheckedValue(value=text)


def apply(change, *, actor, request=None) -> None:
    """Write an accepted change to the registry through people.services.

    Raises PatrolError("value") when the registry refuses it (e.g. an ID number now registered
    for someone else).
    """
    try:
        if change.person_id is not None:
            _apply_to_person(change, actor=actor, request=request)
        else:
            household = change.household
            household.head = Person.objects.get(pk=int(change.value))
            services.save_household(household, actor=actor, request=request)
    except services.RegistryError as error:
        raise PatrolError("value", error.message, error.code) from None


def _apply_to_person(change, *, actor, request) -> None:
    person = Person.objects.select_for_update().get(pk=change.person_id)
    if change.field == "status":
        services.change_status(
            person,
            change.value,
            effective_on=change.visit.visited_at.date(),
            reason=_("Found on a household visit"),
            actor=actor,
            request=request,
        )
    elif change.field in IDENTIFIERS:
        # Opened only to be sealed again by save_person; the accept itself is audited.
        clear = pii.unseal(change.value_token, IDENTIFIERS[change.field])
        services.save_person(person, actor=actor, request=request, **{change.field: clear})
    else:
        setattr(person, change.field, change.value)
        services.save_person(person, actor=actor, request=request)
