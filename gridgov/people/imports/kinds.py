"""The importer of each kind of record."""

from __future__ import annotations

from gridgov.people.imports.buildings import BuildingImporter
from gridgov.people.imports.context import KindImporter
from gridgov.people.imports.households import HouseholdImporter
from gridgov.people.imports.houses import HouseImporter
from gridgov.people.imports.organizations import OrganizationImporter
from gridgov.people.imports.persons import PersonImporter
from gridgov.people.transfers import RecordKind

IMPORTERS: dict[str, KindImporter] = {
    RecordKind.PERSONS: PersonImporter(),
    RecordKind.BUILDINGS: BuildingImporter(),
    RecordKind.HOUSES: HouseImporter(),
    RecordKind.HOUSEHOLDS: HouseholdImporter(),
    RecordKind.ORGANIZATIONS: OrganizationImporter(),
}
