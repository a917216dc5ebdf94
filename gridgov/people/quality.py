"""Data quality of the registry: which records of a unit lack what a grid worker must collect.

Each check names the records that fail it as a queryset (scoped with people.view, narrowed to the
unit). The per-grid table counts every check with one grouped query over all grids of the unit:
the number of queries does not grow with the number of grids.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gridgov.access.scope import path_filter, scoped
from gridgov.geo.models import Level, OrgUnit
from gridgov.people.models import (
    Building,
    Component,
    ComponentState,
    House,
    Household,
    HouseUse,
    Organization,
    Person,
    PersonStatus,
)

VIEW = "people.view"
# A fire-safety inspection is due every 12 months.
INSPECTION_INTERVAL_MONTHS = 12
# From this age on a person is expected to have a phone of their own.
ADULT_AGE = 18


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day when that month is shorter)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 - months, 12)
    last_day = monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last_day))


def inspection_overdue_q(today: date | None = None) -> Q:
    """Organizations never inspected for fire safety, or last inspected over 12 months ago."""
    today = today or timezone.localdate()
    limit = months_before(today, INSPECTION_INTERVAL_MONTHS)
    return Q(fire_inspected_on__isnull=True) | Q(fire_inspected_on__lt=limit)


def inspection_overdue(organization: Organization, today: date | None = None) -> bool:
    """inspection_overdue_q for one loaded organization (operating ones only, as the lists count)."""
    limit = months_before(today or timezone.localdate(), INSPECTION_INTERVAL_MONTHS)
    inspected = organization.fire_inspected_on
    return organization.is_active and (inspected is None or inspected < limit)


def _adults(persons: QuerySet[Person]) -> QuerySet[Person]:
    """Persons of full age, or of unknown age: children are not expected to have a phone."""
    born_by = months_before(timezone.localdate(), 12 * ADULT_AGE)
    return persons.filter(Q(birth_date__isnull=True) | Q(birth_date__lte=born_by))


def _active_persons(persons: QuerySet[Person]) -> QuerySet[Person]:
    return persons.filter(status=PersonStatus.ACTIVE)


@dataclass(frozen=True)
class Check:
    key: str
    label: str | Promise
    model: type[models.Model]
    # The failing records among the scoped records of the model.
    select: Callable[[QuerySet], QuerySet]

    @property
    def kind(self) -> str:
        return str(self.model._meta.model_name)


def _without_household(houses: QuerySet[House]) -> QuerySet[House]:
    lived_in = Household.objects.filter(house=OuterRef("pk"), is_active=True)
    return houses.filter(use__in=[HouseUse.SELF_OCCUPIED, HouseUse.RENTED]).filter(~Exists(lived_in))


def _without_houses(buildings: QuerySet[Building]) -> QuerySet[Building]:
    return buildings.filter(~Exists(House.objects.filter(building=OuterRef("pk"))))


CHECKS: tuple[Check, ...] = (
    Check(
        "no_phone",
        _("Adults without phone"),
        Person,
        lambda q: _adults(_active_persons(q)).filter(phone_index=""),
    ),
    Check(
        "no_id",
        _("Persons without ID number"),
        Person,
        lambda q: _active_persons(q).filter(id_number_index__isnull=True),
    ),
    Check(
        "id_unverified",
        _("ID number not checked"),
        Person,
        lambda q: _active_persons(q).filter(id_number_index__isnull=False, id_verified=False),
    ),
    Check(
        "no_ethnicity",
        _("Persons without ethnicity"),
        Person,
        lambda q: _active_persons(q).filter(ethnicity=""),
    ),
    Check(
        "no_house",
        _("Persons with no house"),
        Person,
        lambda q: _active_persons(q).filter(house__isnull=True),
    ),
    Check("house_no_household", _("Lived-in houses with no household"), House, _without_household),
    Check(
        "household_no_head",
        _("Households without head"),
        Household,
        lambda q: q.filter(is_active=True, head__isnull=True),
    ),
    Check("building_no_houses", _("Buildings without houses"), Building, _without_houses),
    Check(
        "org_no_credit_code",
        _("Organizations without credit code"),
        Organization,
        lambda q: q.filter(is_active=True).filter(Q(credit_code__isnull=True) | Q(credit_code="")),
    ),
    Check(
        "org_fire_overdue",
        _("Fire-safety inspection overdue"),
        Organization,
        lambda q: q.filter(inspection_overdue_q(), is_active=True),
    ),
    Check(
        "component_broken",
        _("Components damaged or missing"),
        Component,
        lambda q: q.filter(state__in=[ComponentState.DAMAGED, ComponentState.MISSING]),
    ),
)
CHECKS_BY_KEY = {check.key: check for check in CHECKS}


def failing(user, check: Check, unit: OrgUnit) -> QuerySet:
    """The records of `unit` that `user` may see and that fail `check`."""
    records = scoped(user, check.model._default_manager.all(), VIEW).filter(
        path_filter("org_path", [unit.path])
    )
    return check.select(records)


def row_units(user, unit: OrgUnit) -> list[OrgUnit]:
    """The rows of the quality table of `unit`: its grids (a grid is its own row); for a district,
    its streets, since a district's thousand grids make no readable table."""
    level = Level.STREET if unit.level == Level.DISTRICT else Level.GRID
    if unit.level == level:
        return [unit]
    units = scoped(user, OrgUnit.objects.active(), VIEW).filter(level=level)
    return list(units.filter(path__startswith=unit.path + ".").order_by("path"))


@dataclass(frozen=True)
class QualityTable:
    rows: list[tuple[OrgUnit, list[int]]]  # per row unit, one count per check (in CHECKS order)
    totals: list[int]  # per check, over the whole unit


def quality_table(user, unit: OrgUnit) -> QualityTable:
    """Counts of every check per row unit, one grouped query per check."""
    rows = row_units(user, unit)
    by_path: dict[str, list[int]] = {row.path: [0] * len(CHECKS) for row in rows}
    totals = [0] * len(CHECKS)
    if rows:
        length = len(rows[0].path)  # units of one level have paths of one length
        for position, check in enumerate(CHECKS):
            grouped = (
                failing(user, check, unit)
                .annotate(row_path=Substr("org_path", 1, length))
                .values("row_path")
                .annotate(n=Count("pk"))
                .order_by()
            )
            for group in grouped:
                totals[position] += group["n"]
                if group["row_path"] in by_path:
                    by_path[group["row_path"]][position] = group["n"]
    return QualityTable(rows=[(row, by_path[row.path]) for row in rows], totals=totals)
