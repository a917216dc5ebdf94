"""The demo registry (人、地、事、物、组织): buildings, houses, households, persons with their tags,
organizations and components for the grids of the demo district.

Each grid's records come from a generator seeded with (seed, grid code), so a grid looks the
same whichever other grids are filled; identifiers are unique across the whole load. Records are
written set-wise through people.bulk (the columns people.services would fill, without one audit
entry per row: the demo.load entry carries the counts).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.utils import timezone

from gridgov.demo.facilities import build_components, build_organizations
from gridgov.demo.identifiers import Identifiers
from gridgov.demo.places import GridContext, GridRecords, build_places
from gridgov.demo.residents import build_households, ensure_restricted_tag
from gridgov.geo.models import Level, OrgUnit
from gridgov.people import bulk
from gridgov.people.credit_codes import check_credit_code
from gridgov.people.default_tags import ensure_default_tags
from gridgov.people.models import (
    Building,
    Component,
    House,
    Household,
    Organization,
    Person,
    PersonStatus,
    Residence,
    Tag,
    Tenancy,
)
from gridgov.people.phones import check_mobile

# At district scale only some grids get a registry (a full one would be ~900,000 persons):
# the demo accounts' grids and this many others, unless --registry-grids says otherwise.
DISTRICT_REGISTRY_GRIDS = 40
BATCH_SIZE = 1000  # rows per INSERT statement
# Grids generated before their records are written: bounds memory, keeps statements large.
GRIDS_PER_WRITE = 10


def choose_registry_grids(anchors: dict[str, OrgUnit], *, others: int | None, seed: int) -> list[OrgUnit]:
    """The grids to fill, in code order: every grid of the demo community and the outsider's
    grid, plus `others` grids drawn from the rest of the district (None: all of them)."""
    grids = list(OrgUnit.objects.grids().order_by("code"))
    community_path = anchors["community"].path + "."
    chosen = {g.pk for g in grids if g.path.startswith(community_path)}
    chosen |= {anchors["grid"].pk, anchors["grid2"].pk, anchors["other_grid"].pk}
    rest = [g for g in grids if g.pk not in chosen]
    if others is None or others >= len(rest):
        chosen |= {g.pk for g in rest}
    else:
        chosen |= {g.pk for g in random.Random(f"{seed}:registry-grids").sample(rest, others)}
    return [g for g in grids if g.pk in chosen]


def create_demo_registry(
    grids: list[OrgUnit], *, showcase: Iterable[OrgUnit], seed: int, today: date | None = None
) -> dict[str, int]:
    """Fill `grids` with a registry; the `showcase` grids (the demo accounts') get two
    high-rises, every kind of organization and a highly sensitive tag. Returns counts by kind."""
    today = today or timezone.localdate()
    showcase_pks = {g.pk for g in showcase}
    ids = Identifiers()
    ensure_default_tags(Tag)  # the migration made them, unless a test flushed the database since
    tags = Tag.objects.in_bulk(field_name="code")
    parents = {unit.pk: unit for unit in OrgUnit.objects.filter(level__in=[Level.STREET, Level.COMMUNITY])}
    counts: Counter[str] = Counter(grids=len(grids))
    for start in range(0, len(grids), GRIDS_PER_WRITE):
        batch = []
        for grid in grids[start : start + GRIDS_PER_WRITE]:
            community = parents[grid.parent_id]
            ctx = GridContext(
                grid=grid,
                community=community,
                street=parents[community.parent_id],
                rng=random.Random(f"{seed}:registry:{grid.code}"),
                today=today,
                ids=ids,
                showcase=grid.pk in showcase_pks,
            )
            build_places(ctx)
            build_households(ctx)
            if ctx.showcase:
                ensure_restricted_tag(ctx)
            build_organizations(ctx)
            build_components(ctx)
            batch.append(ctx.records)
        _write(batch, tags, counts)
    return dict(counts)


def _write(batch: list[GridRecords], tags: dict[str, Tag], counts: Counter[str]) -> None:
    """Insert one batch of grids' records, parents first (bulk_create fills the foreign keys of
    children whose parent object was saved before them)."""

    def every(attribute: str) -> list:
        return [item for records in batch for item in getattr(records, attribute)]

    counts["buildings"] += len(Building.objects.bulk_create(every("buildings"), batch_size=BATCH_SIZE))
    counts["houses"] += len(House.objects.bulk_create(every("houses"), batch_size=BATCH_SIZE))
    households = Household.objects.bulk_create(every("households"), batch_size=BATCH_SIZE)
    counts["households"] += len(households)
    persons = Person.objects.bulk_create(every("persons"), batch_size=BATCH_SIZE)
    counts["persons"] += len(persons)
    now = timezone.now()
    # What save_person opens for each new active person, dated from the move-in.
    bulk.insert_rows(
        Residence,
        [
            bulk.residence_columns(person.pk, _place_of(person), moved_in)
            for person, moved_in in zip(persons, every("moved_in"), strict=True)
            if person.status == PersonStatus.ACTIVE
        ],
    )
    bulk.set_household_heads(households)
    changes = every("status_changes")
    bulk.change_statuses(changes, now)
    counts.update(str(status) for _person, status, _on, _reason in changes)
    tagged = every("tags")
    bulk.add_tags((person, tags[code]) for person, code in tagged)
    counts["person_tags"] += len(tagged)
    counts["tenancies"] += len(Tenancy.objects.bulk_create(every("tenancies"), batch_size=BATCH_SIZE))
    organizations = every("organizations")
    for organization, phone in zip(organizations, every("contact_phones"), strict=True):
        # Checked like services.save_organization does; the grid was chosen with the point.
        organization.credit_code = (
            check_credit_code(organization.credit_code) if organization.credit_code else None
        )
        bulk.set_contact_phone(organization, check_mobile(phone) if phone else "")
    counts["organizations"] += len(Organization.objects.bulk_create(organizations, batch_size=BATCH_SIZE))
    counts["components"] += len(Component.objects.bulk_create(every("components"), batch_size=BATCH_SIZE))
    counts["active_persons"] = (
        counts["persons"] - counts[PersonStatus.MOVED_OUT] - counts[PersonStatus.DECEASED]
    )


def _place_of(person: Person) -> dict[str, Any]:
    return {
        "house_id": person.house_id,
        "household_id": person.household_id,
        "grid_id": person.grid_id,
        "org_path": person.org_path,
    }
