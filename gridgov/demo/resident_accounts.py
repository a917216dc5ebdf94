"""The demo persona "resident" as a resident account: a mobile number to sign in with at
/resident/signin/ and a binding to a household head of its grid."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone

from gridgov.access.models import Membership
from gridgov.access.roles import Role
from gridgov.audit.log import record
from gridgov.geo.models import OrgUnit
from gridgov.people import pii
from gridgov.people.models import Person, PersonStatus
from gridgov.residents.models import RESIDENT_PHONE, ResidentProfile

DEMO_RESIDENT_USERNAME = "resident"
DEMO_RESIDENT_PHONE = "13900000001"


def _person_to_bind(grid: OrgUnit) -> Person | None:
    """A living household head of the grid with an ID number, from a household of two or more."""
    return (
        Person.objects.filter(
            grid=grid,
            status=PersonStatus.ACTIVE,
            relation="head",
            household__isnull=False,
            id_number_index__isnull=False,
            resident_accounts__isnull=True,
        )
        .annotate(
            living=Count("household__members", filter=Q(household__members__status=PersonStatus.ACTIVE))
        )
        .filter(living__gte=2)
        .order_by("pk")
        .first()
    )


def make_demo_resident(grid: OrgUnit) -> ResidentProfile:
    """Give the demo user "resident" a ResidentProfile with DEMO_RESIDENT_PHONE, bound to a
    household head of `grid` when the registry has one (its Membership then sits in that grid).
    Call after the accounts and the registry are created, inside the demo's transaction."""
    user = get_user_model().objects.get(username=DEMO_RESIDENT_USERNAME)
    person = _person_to_bind(grid)
    name = f"{user.last_name}{user.first_name}"
    sealed = pii.seal(DEMO_RESIDENT_PHONE, RESIDENT_PHONE)
    profile = ResidentProfile.objects.create(
        user=user,
        phone_token=sealed.token,
        phone_index=sealed.index,
        phone_masked=sealed.masked,
        display_name=name[:30],
        person=person,
        bound_at=timezone.now() if person is not None else None,
        privacy_agreed_at=timezone.now(),
    )
    if person is not None:
        for membership in Membership.objects.filter(user=user, role=Role.RESIDENT):
            membership.org_unit = person.grid
            membership.save(update_fields=["org_unit", "scope_path"])
    record(
        "residents.sign_up",
        actor=user,
        target=profile,
        details={"phone": sealed.masked, "demo": True, "person": person.pk if person else None},
    )
    return profile
