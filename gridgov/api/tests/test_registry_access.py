"""Who reaches which registry record through the API: each persona × each kind of record, for
lists, details and updates; records elsewhere answer 404 like missing ones, and the denial is
audited; roles without the registry permission get 403 everywhere."""

from __future__ import annotations

import pytest

from gridgov.access.roles import Role
from gridgov.api.tests.registry_world import BASE, OTHER_GRID, OUTSIDERS, READERS, build, client_for
from gridgov.audit.models import AuditEntry, Outcome

pytestmark = pytest.mark.django_db

R = Role
# Who sees which of the world's persons (by key in reg.persons); the neighbouring district's
# person is nobody's here (the personas all sit in district 150502).
SEES_PERSONS = {
    R.GRID_WORKER: {"head", "spouse"},
    R.GRID_CHIEF: {"head", "spouse"},
    OTHER_GRID: {"other_grid"},
    R.COMMUNITY_ADMIN: {"head", "spouse", "other_grid"},
    R.STREET_ADMIN: {"head", "spouse", "other_grid"},
    R.DISTRICT_ADMIN: {"head", "spouse", "other_grid"},
    R.DISPATCHER: {"head", "spouse", "other_grid"},
}
GRID_1, GRID_2 = "150502001001001", "150502001001002"
SEES_GRIDS = {
    persona: {GRID_1}
    if persona in (R.GRID_WORKER, R.GRID_CHIEF)
    else {GRID_2}
    if persona == OTHER_GRID
    else {GRID_1, GRID_2}
    for persona in SEES_PERSONS
}


@pytest.fixture
def reg():
    return build()


def ids(response) -> set[int]:
    assert response.status_code == 200, response.data
    return {row["id"] for row in response.data["results"]}


@pytest.mark.parametrize("persona", list(SEES_PERSONS))
def test_each_persona_lists_the_persons_of_its_jurisdiction(reg, persona):
    response = client_for(reg.users[persona]).get(f"{BASE}/persons/")
    assert ids(response) == {reg.persons[key].pk for key in SEES_PERSONS[persona]}


@pytest.mark.parametrize("persona", list(SEES_PERSONS))
def test_places_follow_the_same_jurisdiction(reg, persona):
    grids = SEES_GRIDS[persona]
    client = client_for(reg.users[persona])

    def expected(records) -> set[int]:
        return {record.pk for record in records.values() if record.grid.code in grids}

    assert ids(client.get(f"{BASE}/buildings/")) == expected(reg.buildings)
    assert ids(client.get(f"{BASE}/houses/")) == expected(reg.houses)
    assert ids(client.get(f"{BASE}/households/")) == expected(reg.households)
    assert ids(client.get(f"{BASE}/organizations/")) == expected(reg.organizations)
    assert ids(client.get(f"{BASE}/components/")) == set()


@pytest.mark.parametrize("persona", OUTSIDERS)
@pytest.mark.parametrize(
    "path", ["persons/", "households/", "buildings/", "houses/", "organizations/", "components/", "tags/"]
)
def test_roles_without_the_registry_get_403(reg, persona, path):
    response = client_for(reg.users[persona]).get(f"{BASE}/{path}")
    assert response.status_code == 403
    assert AuditEntry.objects.filter(
        actor=reg.users[persona], action="access.denied", details__permission="people.view"
    ).exists()


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_roles_without_the_registry_get_no_record_and_write_nothing(reg, persona):
    client = client_for(reg.users[persona])
    head = reg.persons["head"]
    assert client.get(f"{BASE}/persons/{head.pk}/").status_code == 403
    response = client.patch(
        f"{BASE}/persons/{head.pk}/", {"name": "改名", "version": head.version}, format="json"
    )
    assert response.status_code == 403
    assert (
        client.post(
            f"{BASE}/persons/", {"name": "新人", "grid": "150502001001001"}, format="json"
        ).status_code
        == 403
    )
    head.refresh_from_db()
    assert head.name == "乌兰巴特尔"


@pytest.mark.parametrize("persona", list(SEES_PERSONS))
def test_details_answer_404_outside_the_jurisdiction(reg, persona):
    client = client_for(reg.users[persona])
    for key, person in reg.persons.items():
        response = client.get(f"{BASE}/persons/{person.pk}/")
        assert response.status_code == (200 if key in SEES_PERSONS[persona] else 404), (key, response.data)
    hidden = reg.persons["other_district"]
    assert AuditEntry.objects.filter(
        actor=reg.users[persona], action="access.denied", target_id=str(hidden.pk), outcome=Outcome.DENIED
    ).exists()
    # A record that does not exist answers exactly like one elsewhere.
    missing = client.get(f"{BASE}/persons/999999/")
    elsewhere = client.get(f"{BASE}/persons/{hidden.pk}/")
    assert missing.status_code == elsewhere.status_code == 404
    assert missing.data == elsewhere.data
    assert client.get(f"{BASE}/persons/not-a-number/").status_code == 404


@pytest.mark.parametrize("persona", list(SEES_PERSONS))
def test_updates_need_people_edit_in_the_records_jurisdiction(reg, persona):
    head = reg.persons["head"]
    response = client_for(reg.users[persona]).patch(
        f"{BASE}/persons/{head.pk}/", {"note": "走访确认", "version": head.version}, format="json"
    )
    if persona == R.DISPATCHER:
        expected = 403  # reads the registry, writes nothing
    elif "head" in SEES_PERSONS[persona]:
        expected = 200
    else:
        expected = 404
    assert response.status_code == expected, response.data
    head.refresh_from_db()
    assert (head.note == "走访确认") == (expected == 200)


@pytest.mark.parametrize("persona", READERS)
def test_organization_and_house_details_follow_scope(reg, persona):
    client = client_for(reg.users[persona])
    shop = reg.organizations["shop"]
    assert client.get(f"{BASE}/organizations/{shop.pk}/").status_code == 200
    other_grid_house = reg.houses["b201"]
    expected = 404 if persona in (R.GRID_WORKER, R.GRID_CHIEF) else 200
    assert client.get(f"{BASE}/houses/{other_grid_house.pk}/").status_code == expected


def test_other_grid_worker_cannot_move_a_person_into_a_foreign_house(reg):
    person = reg.persons["other_grid"]
    response = client_for(reg.users[OTHER_GRID]).patch(
        f"{BASE}/persons/{person.pk}/",
        {"house": reg.houses["a101"].pk, "version": person.version},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.data) == ["house"]
    person.refresh_from_db()
    assert person.house == reg.houses["b201"]


@pytest.mark.parametrize("path", ["persons/", "buildings/", "components/"])
def test_the_dispatcher_reads_but_creates_nothing(reg, path):
    body = {"name": "调度新建", "grid": GRID_1, "address": "和平路", "code": "D-1", "kind": "light"}
    response = client_for(reg.users[R.DISPATCHER]).post(
        f"{BASE}/{path}", {**body, "lon": 122.05, "lat": 43.6}, format="json"
    )
    assert response.status_code == 403
    assert AuditEntry.objects.filter(
        actor=reg.users[R.DISPATCHER], action="access.denied", details__permission="people.edit"
    ).exists()
    assert not AuditEntry.objects.filter(action__endswith=".create", actor=reg.users[R.DISPATCHER]).exists()
