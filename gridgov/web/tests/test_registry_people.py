"""Registry pages for persons and households: who opens what, masked identifiers only, the
audited and rate-limited reveal, the forms (errors on their field, nothing changed), and the
household card with its history and the cases around the building."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.access.testing import make_user
from gridgov.audit.models import AuditEntry, Outcome
from gridgov.cases.models import Case, Category, Stage, TimeLimit, Urgency
from gridgov.cases.taxonomy import LimitUnit
from gridgov.cases.testing import report
from gridgov.people import pii, services
from gridgov.people.identity_numbers import make_id_number
from gridgov.people.models import Person, PersonStatus, PersonTag, StatusChange, Tag
from gridgov.people.testing import CANARIES, CANARY_ID, CANARY_PHONE, build_registry_world

pytestmark = pytest.mark.django_db

GRID_1 = "150502001001001"
GRID_2 = "150502001001002"
OTHER_STREET = "150502002"
WORKER_OTHER_GRID = "worker_other_grid"
ADMIN_OTHER_STREET = "admin_other_street"


@pytest.fixture
def reg():
    world = build_registry_world()
    world.users[WORKER_OTHER_GRID] = make_user(WORKER_OTHER_GRID, Role.GRID_WORKER, world.units[GRID_2])
    world.users[ADMIN_OTHER_STREET] = make_user(
        ADMIN_OTHER_STREET, Role.STREET_ADMIN, world.units[OTHER_STREET]
    )
    return world


def _login(client, reg, who):
    client.force_login(reg.users[who])
    return client


def _text(response) -> str:
    return response.content.decode()


def _assert_no_canary(response) -> None:
    body = _text(response)
    leaked = [canary for canary in CANARIES if canary in body]
    assert leaked == [], f"clear identifiers in {response.request['PATH_INFO']}"


def _field_errors(response) -> set[str]:
    return set(re.findall(r'gg-field-error" data-field="(\w+)"', _text(response)))


# --- Who gets what ---------------------------------------------------------------------------

# persona -> (search, the head's person page, the household card)
ACCESS = [
    (Role.GRID_WORKER, 200, 200, 200),
    (WORKER_OTHER_GRID, 200, 404, 404),
    (ADMIN_OTHER_STREET, 200, 404, 404),
    (Role.DISTRICT_ADMIN, 200, 200, 200),
    (Role.DISPATCHER, 200, 200, 200),
    (Role.GRID_CHIEF, 200, 200, 200),
    (Role.LEADER, 403, 403, 403),
    (Role.RESIDENT, 403, 403, 403),
    (Role.DEPARTMENT_HANDLER, 403, 403, 403),
    (Role.AUDITOR, 403, 403, 403),
]


@pytest.mark.parametrize(("who", "search", "person", "household"), ACCESS)
def test_who_opens_the_search_the_person_and_the_household(client, reg, who, search, person, household):
    _login(client, reg, who)
    head, card = reg.persons["head"], reg.households["a101"]
    responses = [
        client.get("/registry/"),
        client.get(f"/registry/persons/{head.pk}/"),
        client.get(f"/registry/households/{card.pk}/"),
    ]
    assert [r.status_code for r in responses] == [search, person, household]
    for response in responses:
        _assert_no_canary(response)
    if person == 404:  # out of scope looks like missing, and the attempt is audited
        assert AuditEntry.objects.filter(action="access.denied", target_id=str(head.pk)).exists()
    if search == 403:
        assert AuditEntry.objects.filter(action="access.denied", details__path="/registry/").exists()


def test_search_lists_the_jurisdiction_masked(client, reg):
    response = _login(client, reg, Role.GRID_WORKER).get("/registry/")
    body = _text(response)
    shown = set(map(int, re.findall(r'data-person="(\d+)"', body)))
    assert shown == {reg.persons["head"].pk, reg.persons["spouse"].pk}
    head = Person.objects.get(pk=reg.persons["head"].pk)
    assert head.id_number_masked in body and head.phone_masked == "139****1234" and "139****1234" in body
    _assert_no_canary(response)

    admin = _login(client, reg, Role.DISTRICT_ADMIN).get("/registry/")
    shown = set(map(int, re.findall(r'data-person="(\d+)"', _text(admin))))
    assert reg.persons["other_grid"].pk in shown and reg.persons["other_district"].pk not in shown


def test_restricted_tag_shows_to_the_grid_chief_not_to_the_grid_worker(client, reg):
    spouse, card = reg.persons["spouse"], reg.households["a101"]
    restricted = 'data-tag="community_correction"'
    chief_page = _text(_login(client, reg, Role.GRID_CHIEF).get(f"/registry/persons/{spouse.pk}/"))
    assert restricted in chief_page and "社区矫正人员" in chief_page
    assert "社区矫正人员" in _text(client.get(f"/registry/households/{card.pk}/"))
    assert "社区矫正人员" in _text(client.get("/registry/"))

    _login(client, reg, Role.GRID_WORKER)
    for path in (f"/registry/persons/{spouse.pk}/", f"/registry/households/{card.pk}/", "/registry/"):
        body = _text(client.get(path))
        assert "社区矫正人员" not in body and "community_correction" not in body, path
    head_page = _text(client.get(f"/registry/persons/{reg.persons['head'].pk}/"))
    assert 'data-tag="elderly_alone"' in head_page and 'data-tag="disabled"' in head_page
    # Filtering by a tag the worker may not see is refused, and finds nobody.
    response = client.get("/registry/", {"tag": "community_correction", "status": ""})
    assert response.status_code == 400 and 'data-person="' not in _text(response)


# --- Search ----------------------------------------------------------------------------------


def test_search_by_name_pinyin_and_initials_redirects_to_an_address(client, reg):
    _login(client, reg, Role.GRID_WORKER)
    response = client.post("/registry/", {"q": "wlbte", "status": ""})
    assert response.status_code == 302 and "q=wlbte" in response["Location"]
    for text in ("乌兰", "wulan", "wlbte", "WLB"):
        body = _text(client.get("/registry/", {"q": text, "status": ""}))
        assert set(re.findall(r'data-person="(\d+)"', body)) == {str(reg.persons["head"].pk)}, text


def test_search_by_id_number_or_phone_never_puts_the_number_in_an_address_or_the_page(client, reg):
    _login(client, reg, Role.GRID_WORKER)
    head = reg.persons["head"]
    # One match: straight to the person page.
    response = client.post("/registry/", {"q": CANARY_ID, "status": ""})
    assert response.status_code == 302 and response["Location"] == f"/registry/persons/{head.pk}/"
    # Several or none: answered in place, without repeating the number.
    services.save_person(
        Person(name="乌兰其其格", grid=reg.units[GRID_1]),
        phone=CANARY_PHONE,
        actor=reg.users[Role.DISTRICT_ADMIN],
    )
    response = client.post("/registry/", {"q": CANARY_PHONE, "status": ""})
    assert response.status_code == 200 and 'id="gg-searched-identifier"' in _text(response)
    assert len(re.findall(r'data-person="(\d+)"', _text(response))) == 2
    _assert_no_canary(response)
    response = client.post("/registry/", {"q": "13800000000", "status": ""})
    assert 'data-person="' not in _text(response) and "13800000000" not in _text(response)
    # Out of the jurisdiction nobody is found by number either.
    _login(client, reg, WORKER_OTHER_GRID)
    response = client.post("/registry/", {"q": CANARY_ID, "status": ""})
    assert response.status_code == 200 and 'data-person="' not in _text(response)
    _assert_no_canary(response)


def test_search_query_count_does_not_grow_with_the_results(client, reg):
    admin = reg.users[Role.DISTRICT_ADMIN]
    spouse_tag = Tag.objects.get(code="elderly_alone")
    _login(client, reg, Role.DISTRICT_ADMIN)

    def count() -> int:
        client.get("/registry/", {"status": ""})  # warm the session and caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/registry/", {"status": ""})
        assert response.status_code == 200
        return len(queries)

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            person = services.save_person(
                Person(name=f"测试{i}", house=reg.houses["a502"], household=reg.households["a101"]),
                id_number=make_id_number("150502", date(1980, 1, 1) + timedelta(days=i), 100 + i),
                actor=admin,
            )
            services.add_tag(person, spouse_tag, actor=admin)

    add(2, 0)
    few = count()
    add(15, 2)
    many = count()
    assert few == many


def test_search_pages(client, reg, monkeypatch):
    monkeypatch.setattr("gridgov.web.registry.people_views.PAGE_SIZE", 2)
    admin = reg.users[Role.DISTRICT_ADMIN]
    for i in range(3):
        services.save_person(Person(name=f"王{i}", grid=reg.units[GRID_1]), actor=admin)
    _login(client, reg, Role.DISTRICT_ADMIN)
    first = _text(client.get("/registry/", {"q": "王", "status": ""}))
    assert len(re.findall(r'data-person="', first)) == 2 and 'rel="next"' in first
    second = _text(client.get("/registry/", {"q": "王", "status": "", "page": "2"}))
    assert len(re.findall(r'data-person="', second)) == 2 and 'rel="prev"' in second  # 王0-2 and 王秀英
    assert 'rel="next"' not in second


# --- Reveal ----------------------------------------------------------------------------------


def _reveal(client, person, field="id_number", reason="核实低保申请材料", **extra):
    return client.post(f"/registry/persons/{person.pk}/reveal/", {"field": field, "reason": reason}, **extra)


def test_reveal_needs_a_reason_and_is_audited_and_never_cached(client, reg):
    head = reg.persons["head"]
    _login(client, reg, Role.GRID_WORKER)
    refused = _reveal(client, head, reason="  ")
    assert refused.status_code == 400 and CANARY_ID not in _text(refused)
    assert "no-store" in refused["Cache-Control"]
    assert not AuditEntry.objects.filter(action="people.reveal", outcome=Outcome.OK).exists()

    response = _reveal(client, head, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and CANARY_ID in _text(response)
    assert "no-store" in response["Cache-Control"]
    assert "<html" not in _text(response)  # a fragment for htmx
    entry = AuditEntry.objects.get(action="people.reveal", outcome=Outcome.OK)
    assert entry.actor == reg.users[Role.GRID_WORKER] and entry.target_id == str(head.pk)
    assert entry.details["field"] == "id_number" and entry.details["reason"] == "核实低保申请材料"
    assert CANARY_ID not in str(entry.details)

    phone = _reveal(client, head, field="phone")
    assert phone.status_code == 200 and CANARY_PHONE in _text(phone) and "<html" in _text(phone)
    # The page itself and any GET keep the value masked.
    _assert_no_canary(client.get(f"/registry/persons/{head.pk}/"))
    assert client.get(f"/registry/persons/{head.pk}/reveal/").status_code == 405


@pytest.mark.parametrize("limit", [2])
def test_reveal_is_rate_limited(client, reg, settings, limit):
    settings.PEOPLE_REVEALS_PER_HOUR = limit
    head = reg.persons["head"]
    _login(client, reg, Role.GRID_WORKER)
    assert [_reveal(client, head).status_code for _ in range(limit)] == [200] * limit
    response = _reveal(client, head, field="phone")
    assert response.status_code == 429 and CANARY_PHONE not in _text(response)
    assert "no-store" in response["Cache-Control"]
    denied = AuditEntry.objects.get(action="people.reveal", outcome=Outcome.DENIED)
    assert denied.details["limit"] == limit
    # The page says none are left.
    assert "0 reveals left" in _text(client.get(f"/registry/persons/{head.pk}/", HTTP_ACCEPT_LANGUAGE="en"))


def test_reveal_is_forbidden_without_the_permission_and_out_of_scope(client, reg):
    head = reg.persons["head"]
    # The dispatcher sees the registry but may not reveal: 403, audited, no reveal form.
    _login(client, reg, Role.DISPATCHER)
    assert 'class="gg-reveal"' not in _text(client.get(f"/registry/persons/{head.pk}/"))
    response = _reveal(client, head)
    assert response.status_code == 403 and CANARY_ID not in _text(response)
    assert AuditEntry.objects.filter(
        action="people.reveal", outcome=Outcome.DENIED, actor=reg.users[Role.DISPATCHER]
    ).exists()
    # A grid worker of another grid: the person is not there at all.
    _login(client, reg, WORKER_OTHER_GRID)
    response = _reveal(client, head)
    assert response.status_code == 404 and CANARY_ID not in _text(response)
    # Residents have no registry at all.
    _login(client, reg, Role.RESIDENT)
    assert _reveal(client, head).status_code == 403
    assert not AuditEntry.objects.filter(action="people.reveal", outcome=Outcome.OK).exists()


# --- Person forms ----------------------------------------------------------------------------


def _person_data(**fields) -> dict:
    data = {
        "name": "新居民",
        "id_number": "",
        "phone": "",
        "ethnicity": "01",
        "residence_type": "floating",
        "registered_address": "",
        "grid": GRID_1,
        "house": "",
        "household": "",
        "relation": "",
        "note": "",
    }
    data.update(fields)
    return data


def test_create_with_a_bad_id_number_shows_the_error_on_that_field_and_saves_nothing(client, reg):
    _login(client, reg, Role.GRID_WORKER)
    before = Person.objects.count()
    response = client.post("/registry/persons/new/", _person_data(id_number="150502195103075170"))
    assert response.status_code == 400 and _field_errors(response) == {"id_number"}
    assert Person.objects.count() == before
    assert "150502195103075170" not in _text(response)  # the typed number is not echoed back

    response = client.post("/registry/persons/new/", _person_data(phone="12345"))
    assert response.status_code == 400 and _field_errors(response) == {"phone"}
    assert Person.objects.count() == before


def test_create_a_person_in_a_house_of_the_jurisdiction(client, reg):
    _login(client, reg, Role.GRID_WORKER)
    number = make_id_number("150502", date(1992, 6, 1), 612)
    house = reg.houses["a502"]
    response = client.post(
        "/registry/persons/new/", _person_data(id_number=number, phone="13912345678", house=house.pk)
    )
    assert response.status_code == 302
    person = Person.objects.get(name="新居民")
    assert response["Location"] == f"/registry/persons/{person.pk}/"
    assert person.house == house and person.grid == reg.units[GRID_1] and person.sex == "female"
    assert pii.unseal(person.id_number_token, pii.ID_NUMBER) == number
    assert AuditEntry.objects.filter(action="people.person.create", target_id=str(person.pk)).exists()
    # A house of another grid is not offered and not accepted.
    other = reg.houses["b201"]
    response = client.post("/registry/persons/new/", _person_data(name="越界", house=other.pk))
    assert response.status_code == 400 and _field_errors(response) == {"house"}
    assert not Person.objects.filter(name="越界").exists()


def test_edit_never_shows_the_clear_value_and_keeps_or_clears_identifiers(client, reg):
    head = reg.persons["head"]
    _login(client, reg, Role.GRID_WORKER)
    page = client.get(f"/registry/persons/{head.pk}/edit/")
    assert page.status_code == 200
    _assert_no_canary(page)
    assert re.search(r'<input type="text" name="id_number"(?![^>]*value=)', _text(page))

    data = _person_data(name="乌兰巴特尔", house=head.house_id, household=head.household_id, relation="head")
    assert client.post(f"/registry/persons/{head.pk}/edit/", {**data, "note": "腿脚不便"}).status_code == 302
    head.refresh_from_db()
    assert head.note == "腿脚不便" and pii.unseal(head.id_number_token, pii.ID_NUMBER) == CANARY_ID
    assert head.phone_masked == "139****1234"

    bad = client.post(f"/registry/persons/{head.pk}/edit/", {**data, "id_number": "15050219510307517X"})
    assert bad.status_code == 400 and _field_errors(bad) == {"id_number"}
    head.refresh_from_db()
    assert pii.unseal(head.id_number_token, pii.ID_NUMBER) == CANARY_ID

    both = client.post(
        f"/registry/persons/{head.pk}/edit/", {**data, "phone": "13912345678", "clear_phone": "on"}
    )
    assert both.status_code == 400 and _field_errors(both) == {"phone"}

    assert client.post(f"/registry/persons/{head.pk}/edit/", {**data, "clear_phone": "on"}).status_code == 302
    head.refresh_from_db()
    assert head.phone_masked == "" and head.phone_token == ""


def test_edit_is_refused_to_viewers_and_out_of_scope(client, reg):
    head = reg.persons["head"]
    assert _login(client, reg, Role.DISPATCHER).get(f"/registry/persons/{head.pk}/edit/").status_code == 403
    assert _login(client, reg, WORKER_OTHER_GRID).get(f"/registry/persons/{head.pk}/edit/").status_code == 404
    response = client.post(f"/registry/persons/{head.pk}/edit/", _person_data(grid=GRID_2))
    assert response.status_code == 404
    head.refresh_from_db()
    assert head.name == "乌兰巴特尔"


def test_status_change_needs_a_reason_and_keeps_the_history(client, reg):
    spouse = reg.persons["spouse"]
    _login(client, reg, Role.GRID_WORKER)
    url = f"/registry/persons/{spouse.pk}/status/"
    today = timezone.localdate().isoformat()
    response = client.post(
        url, {"status-status": "moved_out", "status-effective_on": today, "status-reason": ""}
    )
    assert response.status_code == 400 and _field_errors(response) == {"reason"}
    assert Person.objects.get(pk=spouse.pk).status == PersonStatus.ACTIVE

    response = client.post(
        url,
        {"status-status": "moved_out", "status-effective_on": today, "status-reason": "随子女迁往通辽市区"},
    )
    assert response.status_code == 302
    assert Person.objects.get(pk=spouse.pk).status == PersonStatus.MOVED_OUT
    change = StatusChange.objects.get(person=spouse)
    assert change.reason == "随子女迁往通辽市区" and change.actor == reg.users[Role.GRID_WORKER]
    assert "随子女迁往通辽市区" in _text(client.get(f"/registry/persons/{spouse.pk}/"))


def test_tags_are_added_and_removed_only_at_levels_the_user_sees(client, reg):
    other = reg.persons["other_grid"]
    _login(client, reg, Role.DISTRICT_ADMIN)
    url = f"/registry/persons/{other.pk}/tags/"
    assert client.post(url, {"tag-tag": "released_prisoner"}).status_code == 302
    assert PersonTag.objects.filter(person=other, tag__code="released_prisoner").exists()

    worker = reg.persons["head"]
    _login(client, reg, Role.GRID_WORKER)
    page = _text(client.get(f"/registry/persons/{worker.pk}/"))
    assert 'value="low_income"' in page and 'value="released_prisoner"' not in page
    response = client.post(f"/registry/persons/{worker.pk}/tags/", {"tag-tag": "released_prisoner"})
    assert response.status_code == 400 and _field_errors(response) == {"tag"}
    assert client.post(f"/registry/persons/{worker.pk}/tags/", {"tag-tag": "low_income"}).status_code == 302
    assert AuditEntry.objects.filter(action="people.tag.add", target_id=str(worker.pk)).exists()
    # The spouse's restricted tag cannot be removed by one who may not see it.
    spouse = reg.persons["spouse"]
    remove = client.post(f"/registry/persons/{spouse.pk}/tags/community_correction/remove/")
    assert remove.status_code == 404
    assert PersonTag.objects.filter(person=spouse, tag__code="community_correction").exists()
    assert client.post(f"/registry/persons/{worker.pk}/tags/disabled/remove/").status_code == 302
    assert not PersonTag.objects.filter(person=worker, tag__code="disabled").exists()


def test_marking_the_id_checked_needs_verify_id(client, reg):
    head = reg.persons["head"]
    assert (
        _login(client, reg, Role.GRID_WORKER).post(f"/registry/persons/{head.pk}/verify/").status_code == 403
    )
    _login(client, reg, Role.COMMUNITY_ADMIN)
    assert 'id="gg-verify"' in _text(client.get(f"/registry/persons/{head.pk}/"))
    assert client.post(f"/registry/persons/{head.pk}/verify/").status_code == 302
    head.refresh_from_db()
    assert head.id_verified
    assert AuditEntry.objects.filter(action="people.person.update", target_id=str(head.pk)).exists()


def test_place_fields_follow_the_chosen_grid(client, reg):
    _login(client, reg, Role.COMMUNITY_ADMIN)
    response = client.get("/registry/persons/places/", {"grid": GRID_2, "form": "person"})
    assert response.status_code == 200
    body = _text(response)
    assert f'value="{reg.houses["b201"].pk}"' in body and f'value="{reg.houses["a101"].pk}"' not in body
    assert client.get("/registry/persons/places/", {"grid": "150502002001001"}).status_code == 404


# --- Households ------------------------------------------------------------------------------


def _categories():
    roads = Category.objects.create(code="02", name_zh="道路", name_en="Roads")
    Category.objects.create(code="0201", parent=roads, name_zh="路面坑洼", name_en="Pothole")
    for urgency in Urgency.values:
        for stage in Stage.values:
            TimeLimit.objects.create(
                category=roads, urgency=urgency, stage=stage, amount=2, unit=LimitUnit.WORKING_DAYS
            )


def test_household_card_shows_members_history_and_cases_nearby(client, reg):
    _categories()
    admin = reg.users[Role.DISTRICT_ADMIN]
    card, building = reg.households["a101"], reg.buildings["a"]
    near = report(reg.world, point=(building.lon, building.lat + 0.0002))  # about 22 m north
    far = report(reg.world, point=(building.lon, building.lat + 0.002))  # about 220 m
    old = report(reg.world, point=(building.lon + 0.0001, building.lat))
    Case.objects.filter(pk=old.pk).update(reported_at=timezone.now() - timedelta(days=400))
    lodger = services.save_person(Person(name="包格日乐", household=card, relation="other"), actor=admin)
    lodger.household, lodger.house = None, reg.houses["a502"]
    services.save_person(lodger, actor=admin)
    services.change_status(
        reg.persons["spouse"], "deceased", effective_on=timezone.localdate(), reason="病故", actor=admin
    )

    response = _login(client, reg, Role.GRID_WORKER).get(f"/registry/households/{card.pk}/")
    body = _text(response)
    _assert_no_canary(response)
    members = re.findall(r'<tr class="gg-reg-row( gg-head-row)?" data-person="(\d+)"', body)
    assert members[0] == (" gg-head-row", str(reg.persons["head"].pk))
    assert {pk for _head, pk in members} == {str(reg.persons["head"].pk), str(reg.persons["spouse"].pk)}
    kinds = re.findall(r'data-kind="(\w+)"', body)
    assert sorted(kinds) == ["moved_in", "moved_in", "moved_in", "moved_out", "status"]
    assert "包格日乐" in body and "病故" in body
    numbers = re.findall(r'<li class="gg-reg-case" data-number="([\w-]+)"', body)
    assert numbers == [near.number] and far.number not in body and old.number not in body


def test_household_forms(client, reg):
    _login(client, reg, Role.GRID_WORKER)
    house = reg.houses["a502"]
    response = client.post(
        "/registry/households/new/", {"number": "H-A101", "grid": GRID_1, "house": house.pk}
    )
    assert response.status_code == 400 and _field_errors(response) == {"number"}
    response = client.post("/registry/households/new/", {"number": "", "grid": GRID_1, "house": house.pk})
    assert response.status_code == 302
    card = house.households.get()
    assert card.number.startswith(GRID_1) and card.org_path == house.org_path

    # Add a member: the person form comes with the household chosen.
    page = _text(client.get(f"/registry/persons/new/?household={card.pk}"))
    assert re.search(rf'<option value="{card.pk}" selected>', page)
    response = client.post(
        f"/registry/persons/new/?household={card.pk}",
        _person_data(name="阿拉坦", household=card.pk, relation="head"),
    )
    assert response.status_code == 302
    member = Person.objects.get(name="阿拉坦")
    assert member.household == card and member.house == house

    edit = f"/registry/households/{card.pk}/edit/"
    other_member = reg.persons["head"]
    response = client.post(
        edit, {"number": card.number, "grid": GRID_1, "house": house.pk, "head": other_member.pk}
    )
    assert response.status_code == 400 and _field_errors(response) == {"head"}
    response = client.post(
        edit, {"number": card.number, "grid": GRID_1, "house": house.pk, "head": member.pk}
    )
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.head == member
    assert _login(client, reg, WORKER_OTHER_GRID).get(edit).status_code == 404
    assert client.get(f"/registry/persons/new/?household={card.pk}").status_code == 404
