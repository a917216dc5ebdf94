"""Lists of places, organizations and components of a unit, for the registry pages and their filters.

Every list starts from access.scope.scoped with people.view and is narrowed to the unit asked
for by one prefix match; each loads what its rows show in the same query (no N+1).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet

from gridgov.access.scope import path_filter, scoped
from gridgov.geo.models import OrgUnit
from gridgov.people.models import Building, Component, House, Household, Organization, PersonStatus
from gridgov.people.quality import inspection_overdue_q

VIEW = "people.view"


def _in_unit(queryset: QuerySet, unit: OrgUnit | None) -> QuerySet:
    return queryset if unit is None else queryset.filter(path_filter("org_path", [unit.path]))


def buildings_in(user, unit: OrgUnit | None, *, text: str = "") -> QuerySet[Building]:
    """Buildings of `unit` (or of the whole jurisdiction), with their number of houses."""
    buildings = _in_unit(scoped(user, Building.objects.all(), VIEW), unit)
    if text.strip():
        buildings = buildings.filter(Q(name__icontains=text.strip()) | Q(address__icontains=text.strip()))
    return (
        buildings.select_related("grid")
        .annotate(house_count=Count("houses"))
        .order_by("org_path", "name", "pk")
    )


def houses_in(user, unit: OrgUnit | None, *, use: str = "") -> QuerySet[House]:
    houses = _in_unit(scoped(user, House.objects.all(), VIEW), unit)
    if use:
        houses = houses.filter(use=use)
    return houses.select_related("building", "grid").order_by("org_path", "building__name", "unit", "number")


def households_in(user, unit: OrgUnit | None) -> QuerySet[Household]:
    """Active households of `unit`, with their house, head and number of members living here."""
    households = _in_unit(scoped(user, Household.objects.all(), VIEW), unit).filter(is_active=True)
    members = Count("members", filter=Q(members__status=PersonStatus.ACTIVE))
    return (
        households.select_related("house__building", "head", "grid")
        .annotate(member_count=members)
        .order_by("org_path", "number")
    )


@dataclass(frozen=True)
class OrganizationFilter:
    kind: str = ""
    fire_risk: str = ""
    inspection_overdue: bool = False
    text: str = ""


def organizations_in(user, unit: OrgUnit | None, where: OrganizationFilter) -> QuerySet[Organization]:
    organizations = _in_unit(scoped(user, Organization.objects.all(), VIEW), unit)
    if where.kind:
        organizations = organizations.filter(kind=where.kind)
    if where.fire_risk:
        organizations = organizations.filter(fire_risk=where.fire_risk)
    if where.inspection_overdue:
        organizations = organizations.filter(inspection_overdue_q(), is_active=True)
    if where.text.strip():
        organizations = organizations.filter(
            Q(name__icontains=where.text.strip()) | Q(address__icontains=where.text.strip())
        )
    overdue = ExpressionWrapper(inspection_overdue_q() & Q(is_active=True), output_field=BooleanField())
    return (
        organizations.select_related("grid", "building")
        .annotate(inspection_overdue=overdue)
        .order_by("org_path", "name", "pk")
    )


@dataclass(frozen=True)
class ComponentFilter:
    kind: str = ""
    state: str = ""
    text: str = ""


def components_in(user, unit: OrgUnit | None, where: ComponentFilter) -> QuerySet[Component]:
    components = _in_unit(scoped(user, Component.objects.all(), VIEW), unit)
    if where.kind:
        components = components.filter(kind=where.kind)
    if where.state:
        components = components.filter(state=where.state)
    if where.text.strip():
        components = components.filter(
            Q(code__icontains=where.text.strip()) | Q(name__icontains=where.text.strip())
        )
    return (
        components.select_related("grid").annotate(photo_count=Count("photos")).order_by("org_path", "code")
    )
