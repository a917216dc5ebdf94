"""Registry actions: placement, history, identifiers sealed and audited without clear values."""

from datetime import date

import pytest

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.people import pii, services
from gridgov.people.models import Building, House, Person, PersonStatus, Residence
from gridgov.people.testing import CANARIES, CANARY_ID, CANARY_PHONE, build_registry_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def reg():
    return build_registry_world()


def test_identifiers_are_sealed_and_the_person_derived_from_the_number(reg):
    head = Person.objects.get(pk=reg.persons["head"].pk)
    assert head.id_number_masked == CANARY_ID[:6] + "*" * 10 + CANARY_ID[-2:]
    assert head.phone_masked == "139****1234"
    assert CANARY_ID not in head.id_number_token and CANARY_PHONE not in head.phone_token
    assert pii.unseal(head.id_number_token, pii.ID_NUMBER) == CANARY_ID
    assert head.birth_date == date(1951, 3, 7)
    assert head.sex == "male"  # sequence 517 is odd
    assert head.name_pinyin == "wulanbateer" and head.name_initials == "wlbte"


def test_persons_take_the_grid_of_their_household_house(reg):
    head = reg.persons["head"]
    assert head.house == reg.houses["a101"]
    assert head.grid == reg.units["150502001001001"]
    assert reg.persons["other_grid"].org_path == reg.units["150502001001002"].path


def test_duplicate_id_number_is_refused_by_field(reg):
    with pytest.raises(services.RegistryError) as error:
        services.save_person(
            Person(name="重复", grid=reg.units["150502001001002"]),
            id_number=CANARY_ID.lower(),
            actor=reg.users[Role.DISTRICT_ADMIN],
        )
    assert error.value.field == "id_number" and error.value.code == "duplicate"
    assert Person.objects.filter(name="重复").count() == 0


def test_bad_id_number_names_the_field_and_changes_nothing(reg):
    person = reg.persons["other_grid"]
    before = Person.objects.get(pk=person.pk).id_number_token
    with pytest.raises(services.RegistryError) as error:
        services.save_person(person, id_number="150502195103075170", actor=reg.users[Role.DISTRICT_ADMIN])
    assert error.value.field == "id_number"
    assert Person.objects.get(pk=person.pk).id_number_token == before


def test_moves_keep_their_history(reg):
    person = reg.persons["other_grid"]
    person.house = reg.houses["a502"]
    services.save_person(person, actor=reg.users[Role.GRID_WORKER])
    periods = list(Residence.objects.filter(person=person).order_by("started_at", "id"))
    assert [p.house_id for p in periods] == [reg.houses["b201"].pk, reg.houses["a502"].pk]
    assert periods[0].ended_at is not None and periods[1].ended_at is None
    assert Person.objects.get(pk=person.pk).org_path == reg.units["150502001001001"].path


def test_status_change_closes_the_residence_and_is_audited(reg):
    person = reg.persons["spouse"]
    services.change_status(
        person,
        PersonStatus.MOVED_OUT,
        effective_on=date(2026, 11, 1),
        reason="搬往通辽市区",
        actor=reg.users[Role.GRID_WORKER],
    )
    assert not Residence.objects.filter(person=person, ended_at__isnull=True).exists()
    entry = AuditEntry.objects.filter(action="people.person.status", target_id=str(person.pk)).get()
    assert entry.details["to"] == "moved_out"


def test_building_moved_to_another_grid_carries_houses_households_and_residents(reg):
    building = reg.buildings["a"]
    building.lon = 122.15
    services.save_building(building, actor=reg.users[Role.DISTRICT_ADMIN])
    grid2 = reg.units["150502001001002"]
    assert set(House.objects.filter(building=building).values_list("grid", flat=True)) == {grid2.pk}
    assert Person.objects.get(pk=reg.persons["head"].pk).grid == grid2
    assert Building.objects.get(pk=building.pk).org_path == grid2.path


def test_building_cannot_shrink_below_its_registered_houses(reg):
    building = reg.buildings["a"]
    highest = max(House.objects.filter(building=building).values_list("floor", flat=True))
    building.floors = highest - 1
    with pytest.raises(services.RegistryError) as error:
        services.save_building(building, actor=reg.users[Role.DISTRICT_ADMIN])
    assert error.value.field == "floors"
    assert Building.objects.get(pk=building.pk).floors > highest - 1


def test_building_reference_is_unique_in_its_grid(reg):
    admin = reg.users[Role.DISTRICT_ADMIN]
    first = reg.buildings["a"]
    first.external_ref = "KEQ-7"
    services.save_building(first, actor=admin)
    neighbour = Building(name="和平小区2号楼", address="永清街道和平路2号", lon=122.05, lat=43.6)
    neighbour.external_ref = "KEQ-7"
    with pytest.raises(services.RegistryError) as error:
        services.save_building(neighbour, actor=admin)
    assert error.value.field == "external_ref"
    assert not Building.objects.filter(name="和平小区2号楼").exists()
    elsewhere = reg.buildings["b"]  # in the next grid: the same reference is allowed
    elsewhere.external_ref = "KEQ-7"
    services.save_building(elsewhere, actor=admin)
    assert Building.objects.get(pk=elsewhere.pk).external_ref == "KEQ-7"


def test_point_outside_every_grid_is_refused(reg):
    with pytest.raises(services.RegistryError) as error:
        services.save_building(
            Building(name="远处", address="无", lon=100.0, lat=30.0), actor=reg.users[Role.DISTRICT_ADMIN]
        )
    assert error.value.field == "location"


def test_audit_entries_name_fields_but_hold_no_clear_identifier(reg):
    blob = "".join(str(e.details) + e.target_repr for e in AuditEntry.objects.all())
    assert "id_number" in blob
    for canary in CANARIES:
        assert canary not in blob


def test_search_by_pinyin_initials_id_and_tag_inside_the_jurisdiction(reg):
    from gridgov.people.search import PersonQuery, search_persons

    worker = reg.users[Role.GRID_WORKER]
    assert [p.name for p in search_persons(worker, PersonQuery(text="wlb"))] == ["乌兰巴特尔"]
    assert [p.name for p in search_persons(worker, PersonQuery(text=CANARY_ID))] == ["乌兰巴特尔"]
    assert [p.name for p in search_persons(worker, PersonQuery(text="139 0475 1234"))] == ["乌兰巴特尔"]
    assert search_persons(worker, PersonQuery(text="张建国")) == []  # another grid
    admin = reg.users[Role.DISTRICT_ADMIN]
    assert [p.name for p in search_persons(admin, PersonQuery(text="张"))] == ["张建国"]
    # A restricted tag is invisible to a grid worker, so searching by it finds nobody.
    assert search_persons(worker, PersonQuery(tag="community_correction")) == []
    chief = reg.users[Role.GRID_CHIEF]
    assert [p.name for p in search_persons(chief, PersonQuery(tag="community_correction"))] == ["王秀英"]
