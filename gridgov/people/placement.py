"""Where registry records belong: the grid under a point, and following grid splits and merges.

Buildings, organizations and components have a point, so a split re-places them by point.
Houses follow their building, households their house, persons their household's house (or
stay in the grid they were in), tags their person. A merge moves everything to the grid kept.
"""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from shapely.geometry import Point, shape

from gridgov.geo.index import grid_at
from gridgov.geo.models import OrgUnit
from gridgov.people.models import Building, Component, House, Household, Organization, Person, PersonTag


class PlacementError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def grid_for_point(lon: float, lat: float, *, field: str = "location") -> OrgUnit:
    """The active grid under (lon, lat) in WGS-84; PlacementError naming `field` if none."""
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise PlacementError(
            field, _("The coordinates are out of range (longitude −180…180, latitude −90…90).")
        )
    grid = grid_at(lon, lat)
    if grid is None:
        raise PlacementError(field, _("The location lies in no grid of the district."))
    return grid


def _replace_by_point(model, source: OrgUnit, parts: list[OrgUnit]) -> None:
    shapes = [(part, shape(part.geometry)) for part in parts[1:] if part.geometry]
    moves: dict[int, list[int]] = {}
    for pk, lon, lat in model.objects.filter(grid=source).values_list("pk", "lon", "lat").iterator():
        point = Point(lon, lat)
        for part, polygon in shapes:
            if polygon.covers(point):
                moves.setdefault(part.pk, []).append(pk)
                break
    paths = {part.pk: part.path for part, _polygon in shapes}
    for grid_id, pks in moves.items():
        for start in range(0, len(pks), 500):
            model.objects.filter(pk__in=pks[start : start + 500]).update(
                grid_id=grid_id, org_path=paths[grid_id]
            )


def _follow(model, parent_field: str, source: OrgUnit) -> None:
    """Rows of `model` in `source` take the grid of the record they point at through `parent_field`."""
    parent = model._meta.get_field(parent_field).related_model
    rows = model.objects.filter(grid=source, **{f"{parent_field}__isnull": False}).exclude(
        **{f"{parent_field}__grid": source}
    )
    grid_of = parent.objects.filter(pk=OuterRef(parent_field))
    rows.update(
        grid_id=Subquery(grid_of.values("grid_id")[:1]),
        org_path=Subquery(grid_of.values("org_path")[:1]),
    )


def sync_tag_paths(source_path: str) -> None:
    """Tags copy their person's path: refresh those of persons who were in `source_path`."""
    person_path = Person.objects.filter(pk=OuterRef("person_id")).values("org_path")[:1]
    PersonTag.objects.filter(org_path=source_path).update(org_path=Subquery(person_path))


class RegistryFollower:
    def on_split(self, source: OrgUnit, parts: list[OrgUnit]) -> None:
        for model in (Building, Organization, Component):
            _replace_by_point(model, source, parts)
        _follow(House, "building", source)
        _follow(Household, "house", source)
        _follow(Person, "house", source)
        sync_tag_paths(source.path)

    def on_merge(self, absorbed: OrgUnit, into: OrgUnit) -> None:
        for model in (Building, House, Household, Person, Organization, Component):
            model.objects.filter(grid=absorbed).update(grid=into, org_path=into.path)
        PersonTag.objects.filter(org_path=absorbed.path).update(org_path=into.path)


REGISTRY_FOLLOWER = RegistryFollower()
