"""Persons through the API: masked identifiers, tags by sensitivity, filters and keyset pages,
writes through the services (audited, refused by field with nothing changed), optimistic
locking, status changes and tags."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.api.tests.registry_world import BASE, assert_no_canary, build, client_for
from gridgov.audit.models import AuditEntry
from gridgov.people import pii, services
from gridgov.people.identity_numbers import make_id_number
from gridgov.people.models import Person, PersonStatus, StatusChange, Tag
from gridgov.people.testing import CANARY_ID, CANARY_PHONE, SECOND_ID

pytestmark = pytest.mark.django_db

R = Role
URL = f"{BASE}/persons/"
NEW_ID = make_id_number("150502", date(1960, 8, 15), 123)


@pytest.fixture
def reg():
    return build()


def detail(reg, role, person) -> dict:
    response = client_for(reg.users[role]).get(f"{URL}{person.pk}/")
    assert response.status_code == 200, response.data
    return response.data


def test_identifiers_are_masked_and_no_secret_column_is_served(reg):
    response = client_for(reg.users[R.DISTRICT_ADMIN]).get(URL)
    assert_no_canary(response.content)
    head = next(row for row in response.data["results"] if row["id"] == reg.persons["head"].pk)
    assert head["id_number_masked"] == CANARY_ID[:6] + "*" * 10 + CANARY_ID[-2:]
    assert head["phone_masked"] == "139****1234"
    assert not [key for key in head if key.endswith(("_token", "_index")) or key in ("id_number", "phone")]
    assert head["grid"]["code"] == "150502001001001"
    assert head["household"] == {"id": reg.households["a101"].pk, "label": "H-A101"}


def test_restricted_tags_are_absent_for_the_grid_worker_and_present_for_the_grid_chief(reg):
    spouse = reg.persons["spouse"]
    assert detail(reg, R.GRID_WORKER, spouse)["tags"] == []
    assert [t["code"] for t in detail(reg, R.GRID_CHIEF, spouse)["tags"]] == ["community_correction"]
    # The grid worker sees the general and sensitive tags.
    assert [t["code"] for t in detail(reg, R.GRID_WORKER, reg.persons["head"])["tags"]] == [
        "elderly_alone",
        "disabled",
    ]
    # The dispatcher reads the registry but no sensitive tag.
    assert [t["code"] for t in detail(reg, R.DISPATCHER, reg.persons["head"])["tags"]] == ["elderly_alone"]


def test_tag_filter_answers_an_invisible_tag_like_an_unknown_one(reg):
    worker = client_for(reg.users[R.GRID_WORKER])
    response = worker.get(URL, {"tag": "community_correction"})
    unknown = worker.get(URL, {"tag": "no_such_tag"})
    assert response.status_code == unknown.status_code == 400
    assert list(response.data) == ["tag"] and response.data == unknown.data
    chief = client_for(reg.users[R.GRID_CHIEF])
    tagged = chief.get(URL, {"tag": "community_correction"})
    assert [row["id"] for row in tagged.data["results"]] == [reg.persons["spouse"].pk]
    tags = {row["code"] for row in worker.get(f"{BASE}/tags/").data}
    assert "disabled" in tags and "community_correction" not in tags
    assert "community_correction" in {row["code"] for row in chief.get(f"{BASE}/tags/").data}


def test_filters(reg):
    client = client_for(reg.users[R.DISTRICT_ADMIN])

    def found(**params) -> set[str]:
        response = client.get(URL, params)
        assert response.status_code == 200, response.data
        names = {pk: key for key, pk in ((k, p.pk) for k, p in reg.persons.items())}
        return {names[row["id"]] for row in response.data["results"]}

    assert found(q="王") == {"spouse"}
    assert found(q="wlbte") == {"head"}
    assert found(q="zhangjian") == {"other_grid"}
    assert found(q=CANARY_ID) == {"head"}
    assert found(q=CANARY_PHONE) == {"head"}
    assert found(unit="150502001001002") == {"other_grid"}
    assert found(tag="elderly_alone") == {"head"}
    assert found(tag="disabled", unit="150502001001002") == set()
    Person.objects.update(updated_at=timezone.now() - timedelta(days=30))
    services.change_status(
        reg.persons["other_grid"],
        PersonStatus.MOVED_OUT,
        effective_on=date(2026, 1, 5),
        reason="迁往外地",
        actor=reg.users[R.DISTRICT_ADMIN],
    )
    assert found(status="moved_out") == {"other_grid"}
    assert found(updated_since=(timezone.now() - timedelta(days=1)).isoformat()) == {"other_grid"}
    assert found(updated_since=(timezone.localdate() - timedelta(days=31)).isoformat()) == {
        "head",
        "spouse",
        "other_grid",
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"unit": "150521001001001"}, "unit"),  # the neighbouring district: not the caller's
        ({"unit": "nope"}, "unit"),
        ({"status": "gone"}, "status"),
        ({"status": ""}, "status"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"limit": "0"}, "limit"),
        ({"cursor": "garbage"}, "cursor"),
    ],
)
def test_bad_query_parameters_are_named(reg, params, field):
    response = client_for(reg.users[R.DISTRICT_ADMIN]).get(URL, params)
    assert response.status_code == 400
    assert list(response.data) == [field]


def test_keyset_pages_walk_every_person_once(reg):
    client = client_for(reg.users[R.DISTRICT_ADMIN])
    seen: list[int] = []
    url = f"{URL}?limit=2"
    while url:
        response = client.get(url)
        assert response.status_code == 200
        seen += [row["id"] for row in response.data["results"]]
        url = response.data["next"]
        if url:
            assert parse_qs(urlparse(url).query)["limit"] == ["2"]
    expected = sorted(p.pk for k, p in reg.persons.items() if k != "other_district")
    assert seen == expected


def test_create_a_person_through_the_services(reg):
    client = client_for(reg.users[R.GRID_WORKER])
    response = client.post(
        URL,
        {
            "name": "其其格",
            "ethnicity": "02",
            "house": reg.houses["a502"].pk,
            "id_number": NEW_ID,
            "phone": "138 0475 5678",
            "residence_type": "floating",
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    assert_no_canary(response.content)
    assert NEW_ID not in response.content.decode() and "13804755678" not in response.content.decode()
    person = Person.objects.get(pk=response.data["id"])
    assert person.grid.code == "150502001001001" and person.org_path == reg.houses["a502"].org_path
    assert pii.unseal(person.id_number_token, pii.ID_NUMBER) == NEW_ID
    assert response.data["birth_month"] == "1960-08" and response.data["sex"] == "male"
    assert response.data["phone_masked"] == "138****5678"
    assert response["ETag"] == '"1"'
    entry = AuditEntry.objects.get(action="people.person.create", target_id=str(person.pk))
    assert entry.actor == reg.users[R.GRID_WORKER]
    assert "id_number" in entry.details["fields"] and NEW_ID not in str(entry.details)


def test_a_person_outside_the_jurisdiction_cannot_be_created(reg):
    response = client_for(reg.users[R.GRID_WORKER]).post(
        URL, {"name": "外人", "grid": "150502001001002"}, format="json"
    )
    assert response.status_code == 400 and list(response.data) == ["grid"]
    assert not Person.objects.filter(name="外人").exists()


def test_bad_id_number_is_named_and_changes_nothing(reg):
    head = reg.persons["head"]
    before = Person.objects.get(pk=head.pk)
    audit_before = AuditEntry.objects.count()
    bad = CANARY_ID[:-1] + ("0" if CANARY_ID[-1] != "0" else "1")  # wrong check character
    response = client_for(reg.users[R.GRID_WORKER], "zh-hans").patch(
        f"{URL}{head.pk}/", {"id_number": bad, "name": "新名字", "version": head.version}, format="json"
    )
    assert response.status_code == 400
    assert list(response.data) == ["id_number"]
    assert bad not in response.content.decode()
    after = Person.objects.get(pk=head.pk)
    assert (after.name, after.id_number_token, after.version) == (
        before.name,
        before.id_number_token,
        before.version,
    )
    assert AuditEntry.objects.count() == audit_before


def test_duplicate_id_number_is_named(reg):
    response = client_for(reg.users[R.GRID_WORKER]).post(
        URL, {"name": "重复", "house": reg.houses["a101"].pk, "id_number": SECOND_ID}, format="json"
    )
    assert response.status_code == 400 and list(response.data) == ["id_number"]
    assert_no_canary(response.content)


def test_update_with_the_version_read_and_409_when_stale(reg):
    head = reg.persons["head"]
    client = client_for(reg.users[R.GRID_WORKER])
    read = client.get(f"{URL}{head.pk}/")
    version = read.data["version"]
    assert read["ETag"] == f'"{version}"'
    first = client.patch(f"{URL}{head.pk}/", {"note": "腿脚不便", "version": version}, format="json")
    assert first.status_code == 200, first.data
    assert first.data["version"] == version + 1 and first.data["note"] == "腿脚不便"
    stale = client.patch(f"{URL}{head.pk}/", {"note": "覆盖", "version": version}, format="json")
    assert stale.status_code == 409 and stale.data["code"] == "stale_version"
    by_header = client.patch(
        f"{URL}{head.pk}/", {"note": "覆盖"}, format="json", HTTP_IF_MATCH=f'"{version}"'
    )
    assert by_header.status_code == 409
    head.refresh_from_db()
    assert head.note == "腿脚不便"
    assert AuditEntry.objects.filter(action="people.person.update", target_id=str(head.pk)).count() == 1
    missing = client.patch(f"{URL}{head.pk}/", {"note": "无版本"}, format="json")
    assert missing.status_code == 400 and list(missing.data) == ["version"]


def test_only_id_verifiers_mark_an_id_number_as_checked(reg):
    head = reg.persons["head"]
    worker = client_for(reg.users[R.GRID_WORKER]).patch(
        f"{URL}{head.pk}/", {"id_verified": True, "version": head.version}, format="json"
    )
    assert worker.status_code == 400 and list(worker.data) == ["id_verified"]
    head.refresh_from_db()
    assert not head.id_verified
    admin = client_for(reg.users[R.COMMUNITY_ADMIN]).patch(
        f"{URL}{head.pk}/", {"id_verified": True, "version": head.version}, format="json"
    )
    assert admin.status_code == 200 and admin.data["id_verified"] is True


def test_status_change_keeps_history_and_checks_the_version(reg):
    person = reg.persons["other_grid"]
    client = client_for(reg.users[R.STREET_ADMIN])
    url = f"{URL}{person.pk}/status/"
    no_reason = client.post(
        url, {"status": "moved_out", "reason": "", "version": person.version}, format="json"
    )
    assert no_reason.status_code == 400 and list(no_reason.data) == ["reason"]
    response = client.post(
        url,
        {
            "status": "moved_out",
            "reason": "迁往通辽市区",
            "effective_on": "2026-03-01",
            "version": person.version,
        },
        format="json",
    )
    assert response.status_code == 200, response.data
    assert response.data["status"] == "moved_out"
    assert response.data["status_history"][0]["new_status"] == "moved_out"
    assert StatusChange.objects.filter(person=person).count() == 1
    stale = client.post(
        url, {"status": "active", "reason": "回来了", "version": person.version}, format="json"
    )
    assert stale.status_code == 409


def test_tags_are_added_and_removed_only_at_visible_levels(reg):
    spouse = reg.persons["spouse"]
    worker = client_for(reg.users[R.GRID_WORKER])
    added = worker.post(f"{URL}{spouse.pk}/tags/", {"tag": "low_income", "note": "2026年核定"}, format="json")
    assert added.status_code == 201, added.data
    assert [t["code"] for t in added.data["tags"]] == ["low_income"]
    again = worker.post(f"{URL}{spouse.pk}/tags/", {"tag": "low_income"}, format="json")
    assert again.status_code == 200
    hidden = worker.post(f"{URL}{spouse.pk}/tags/", {"tag": "drug_rehabilitation"}, format="json")
    assert hidden.status_code == 400 and list(hidden.data) == ["tag"]
    assert worker.delete(f"{URL}{spouse.pk}/tags/community_correction/").status_code == 404
    assert spouse.person_tags.filter(tag__code="community_correction").exists()
    assert worker.delete(f"{URL}{spouse.pk}/tags/low_income/").status_code == 204
    assert not spouse.person_tags.filter(tag__code="low_income").exists()
    actions = list(
        AuditEntry.objects.filter(target_id=str(spouse.pk), action__startswith="people.tag")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["people.tag.add", "people.tag.remove"]
    Tag.objects.filter(code="veteran").update(is_active=False)
    retired = worker.post(f"{URL}{spouse.pk}/tags/", {"tag": "veteran"}, format="json")
    assert retired.status_code == 400 and list(retired.data) == ["tag"]
