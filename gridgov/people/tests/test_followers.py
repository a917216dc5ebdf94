"""Registry records follow a grid split (by point, then through their building/house) and merge."""

import pytest

from gridgov.access.roles import Role
from gridgov.geo.services import merge_grids, split_grid
from gridgov.people import services
from gridgov.people.models import Building, Component, House, Household, Organization, Person, PersonTag, Tag
from gridgov.people.testing import build_registry_world

pytestmark = pytest.mark.django_db


def test_split_moves_records_west_of_the_cut_to_the_new_grid():
    reg = build_registry_world()
    admin = reg.users[Role.DISTRICT_ADMIN]
    west = services.save_building(
        Building(name="西楼", address="和平路西1号", lon=122.01, lat=43.6), actor=admin
    )
    house = services.save_house(House(building=west, number="101"), actor=admin)
    person = services.save_person(Person(name="白音", house=house), actor=admin)
    services.add_tag(person, Tag.objects.get(code="veteran"), actor=admin)
    light = services.save_component(Component(code="LD-1", kind="light", lon=122.02, lat=43.55), actor=admin)
    grid = reg.units["150502001001001"]  # lon 122.0–122.1: the grid keeps the larger, eastern part
    cut = {"type": "LineString", "coordinates": [[122.045, 43.4], [122.045, 43.8]]}
    kept, new = split_grid(grid, cut, actor=admin)

    assert Building.objects.get(pk=west.pk).grid == new
    assert House.objects.get(pk=house.pk).org_path == new.path
    moved = Person.objects.get(pk=person.pk)
    assert moved.grid == new and moved.org_path == new.path
    assert set(PersonTag.objects.filter(person=moved).values_list("org_path", flat=True)) == {new.path}
    assert Component.objects.get(pk=light.pk).grid == new
    # Records east of the cut, and of other grids, stay where they were.
    assert Building.objects.get(pk=reg.buildings["a"].pk).grid == kept
    assert Person.objects.get(pk=reg.persons["head"].pk).org_path == kept.path
    assert Organization.objects.get(pk=reg.organizations["shop"].pk).grid == kept
    assert Person.objects.get(pk=reg.persons["other_grid"].pk).org_path == reg.units["150502001001002"].path


def test_merge_moves_everything_to_the_grid_kept():
    reg = build_registry_world()
    keep, absorb = reg.units["150502001001002"], reg.units["150502001001001"]
    merge_grids(keep, absorb, actor=reg.users[Role.DISTRICT_ADMIN])
    for model in (Building, House, Household, Person, Organization):
        assert not model.objects.filter(grid=absorb).exists(), model.__name__
    assert not PersonTag.objects.filter(org_path=absorb.path).exists()
    assert Person.objects.get(pk=reg.persons["head"].pk).org_path == keep.path
