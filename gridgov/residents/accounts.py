"""What other apps ask about a resident account: its profile, household and home unit."""

from __future__ import annotations

from gridgov.access.models import Membership
from gridgov.access.roles import Role
from gridgov.geo.models import OrgUnit
from gridgov.people.models import Household, Person, PersonStatus
from gridgov.residents.models import ResidentProfile


def profile_of(user) -> ResidentProfile | None:
    """The user's resident profile (with its bound person), or None (anonymous, staff)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return ResidentProfile.objects.select_related(
            "person__household__house__building", "person__grid"
        ).get(user=user)
    except ResidentProfile.DoesNotExist:
        return None


def household_of(user) -> Household | None:
    """The household of the registry person the user is bound to (None if unbound or none)."""
    profile = profile_of(user)
    if profile is None or profile.person is None:
        return None
    return profile.person.household


def home_unit(user) -> OrgUnit | None:
    """The bound person's grid, else the org unit of the user's resident Membership, else None."""
    profile = profile_of(user)
    if profile is not None and profile.person is not None:
        return profile.person.grid
    membership = (
        Membership.objects.select_related("org_unit")
        .filter(user=user, role=Role.RESIDENT, org_unit__isnull=False)
        .order_by("pk")
        .first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    return membership.org_unit if membership is not None else None


def household_members(household: Household) -> list[Person]:
    """The members living in the household, head first. Callers show names and relations only."""
    members = list(
        household.members.filter(status=PersonStatus.ACTIVE).only("pk", "name", "relation", "household_id")
    )
    members.sort(key=lambda person: (person.pk != household.head_id, person.relation != "head", person.pk))
    return members
