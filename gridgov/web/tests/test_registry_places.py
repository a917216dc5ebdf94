"""Registry pages for places: the unit page's registry figures, buildings (matrix, forms), houses
and tenancies, organizations (filters, reveal of the contact phone), components (photos) and the
data-quality view. Who opens what, worked-out figures, errors on their field with nothing changed,
and query counts that do not grow with the data."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry, Outcome
from gridgov.people import services
from gridgov.people.models import (
    Building,
    Component,
    ComponentPhoto,
    House,
    Household,
    HouseUse,
    Organization,
    Person,
    Tag,
    Tenancy,
)
from gridgov.people.testing import CANARIES, CANARY_CONTACT_PHONE
from gridgov.people.tests.places_world import COMMUNITY, GRID_1, GRID_2, WORKER_OTHER_GRID, build_place_world

pytestmark = pytest.mark.django_db

POINT_GRID_1 = {"lon": "122.07", "lat": "43.65"}
POINT_GRID_2 = {"lon": "122.17", "lat": "43.65"}
POINT_NOWHERE = {"lon": "100.0", "lat": "30.0"}


@pytest.fixture
def reg():
    return build_place_world()


def _login(client, reg, who):
    client.force_login(reg.users[who])
    return client


def _text(response) -> str:
    return response.content.decode()


def _field_errors(response) -> set[str]:
    return set(re.findall(r'gg-field-error" data-field="(\w+)"', _text(response)))


def _counted(queries) -> int:
    """Queries of a request, leaving out the session's renewal, which depends on the clock."""
    return sum(
        1 for query in queries if "django_session" not in query["sql"] and "SAVEPOINT" not in query["sql"]
    )


def _assert_no_canary(response) -> None:
    body = _text(response)
    assert [canary for canary in CANARIES if canary in body] == []


# --- The unit page's registry figures ------------------------------------------------------------


def _figures(response) -> dict[str, int]:
    return {figure.key: figure.value for figure in response.context["registry"].figures}


def test_unit_page_shows_the_figures_with_their_lists(client, reg):
    response = _login(client, reg, Role.DISTRICT_ADMIN).get(f"/units/{COMMUNITY}/")
    assert _figures(response) == {
        "population": 4,
        "households": 2,
        "special_groups": 2,
        "rented": 1,
        "buildings": 3,
        "organizations": 3,
        "components": 2,
    }
    body = _text(response)
    assert f'href="/registry/?unit={COMMUNITY}&amp;status=active"' in body
    assert f'href="/registry/houses/?unit={COMMUNITY}&amp;use=rented"' in body
    assert f'href="/registry/buildings/?unit={COMMUNITY}"' in body
    assert f'href="/registry/?unit={COMMUNITY}&amp;tag=community_correction&amp;status=active"' in body
    assert f'href="/registry/quality/?unit={COMMUNITY}"' in body
    # Each link leads to a list holding exactly that figure.
    assert client.get(f"/registry/buildings/?unit={COMMUNITY}").context["page"].paginator.count == 3
    assert client.get(f"/registry/houses/?unit={COMMUNITY}&use=rented").context["page"].paginator.count == 1
    assert client.get(f"/registry/households/?unit={COMMUNITY}").context["page"].paginator.count == 2
    assert (
        client.get(f"/registry/components/?unit={COMMUNITY}").context["page"].paginator.count == 3
    )  # + removed
    _assert_no_canary(response)


def test_grid_worker_figures_leave_out_restricted_tags(client, reg):
    response = _login(client, reg, Role.GRID_WORKER).get(f"/units/{GRID_1}/")
    assert _figures(response)["special_groups"] == 1
    body = _text(response)
    assert 'data-tag="elderly_alone"' in body and 'data-tag="disabled"' in body
    assert "community_correction" not in body and "社区矫正" not in body
    chief = _text(_login(client, reg, Role.GRID_CHIEF).get(f"/units/{GRID_1}/"))
    assert 'data-tag="community_correction"' in chief


def test_leader_sees_figures_without_links_and_resident_sees_none(client, reg):
    response = _login(client, reg, Role.LEADER).get(f"/units/{COMMUNITY}/")
    card = response.context["registry"]
    assert _figures(response)["population"] == 4 and "special_groups" not in _figures(response)
    assert all(figure.url == "" for figure in card.figures) and card.quality_url == ""
    assert "/registry/" not in _text(response)
    resident = _login(client, reg, Role.RESIDENT).get(f"/units/{GRID_1}/")
    assert resident.status_code == 200 and resident.context["registry"] is None
    assert 'id="gg-registry-counts"' not in _text(resident)


# --- Who opens the place pages -------------------------------------------------------------------

# persona -> status of: building list, building a (grid 1), organization list, component list, quality
ACCESS = [
    (Role.GRID_WORKER, 200, 200, 200, 200, 200),
    (WORKER_OTHER_GRID, 200, 404, 200, 200, 200),
    (Role.DISTRICT_ADMIN, 200, 200, 200, 200, 200),
    (Role.DISPATCHER, 200, 200, 200, 200, 200),
    (Role.LEADER, 403, 403, 403, 403, 403),
    (Role.RESIDENT, 403, 403, 403, 403, 403),
    (Role.DEPARTMENT_HANDLER, 403, 403, 403, 403, 403),
]


@pytest.mark.parametrize(("who", "buildings", "building", "organizations", "components", "quality"), ACCESS)
def test_who_opens_the_place_pages(client, reg, who, buildings, building, organizations, components, quality):
    _login(client, reg, who)
    target = reg.buildings["a"]
    responses = [
        client.get("/registry/buildings/"),
        client.get(f"/registry/buildings/{target.pk}/"),
        client.get("/registry/organizations/"),
        client.get("/registry/components/"),
        client.get("/registry/quality/", follow=True),
    ]
    assert [r.status_code for r in responses] == [buildings, building, organizations, components, quality]
    for response in responses:
        _assert_no_canary(response)
    if building == 404:
        assert AuditEntry.objects.filter(
            action="access.denied", target_id=str(target.pk), outcome=Outcome.DENIED
        ).exists()


def test_lists_hold_the_jurisdiction_only(client, reg):
    response = _login(client, reg, WORKER_OTHER_GRID).get("/registry/buildings/")
    names = {b.name for b in response.context["page"]}
    assert names == {"和平小区9号楼", "和平小区12号楼"}
    # A unit outside the jurisdiction answers like a missing one.
    assert client.get(f"/registry/buildings/?unit={GRID_1}").status_code == 404
    assert client.get("/registry/buildings/?unit=999999").status_code == 404
    assert client.get("/registry/buildings/?unit=abc").status_code == 404


def test_organization_filters(client, reg):
    _login(client, reg, Role.DISTRICT_ADMIN)

    def names(**params) -> set[str]:
        response = client.get("/registry/organizations/", {"unit": COMMUNITY, **params})
        return {o.name for o in response.context["page"]}

    assert names() == {"和平便利店", "和平小学", "报刊亭", "旧书店"}
    assert names(kind="school") == {"和平小学"}
    assert names(fire_risk="high") == {"报刊亭"}
    assert names(overdue="on") == {"和平便利店", "报刊亭"}  # never inspected; two years ago
    assert names(overdue="on", kind="shop", q="报刊") == {"报刊亭"}
    assert names(unit=GRID_2) == {"报刊亭", "旧书店"}


def test_component_filters(client, reg):
    _login(client, reg, Role.DISTRICT_ADMIN)
    response = client.get("/registry/components/", {"state": "damaged"})
    assert [c.code for c in response.context["page"]] == ["150502001001002-XF-0001"]
    response = client.get("/registry/components/", {"kind": "light", "unit": GRID_1})
    assert [c.code for c in response.context["page"]] == ["150502001001001-LD-0001"]


# --- The building view ---------------------------------------------------------------------------


def _cell_houses(matrix, floor: int, unit: int) -> list[str]:
    row = next(row for row in matrix.rows if row.floor == floor)
    return [cell.house.number for cell in dict(row.cells)[unit]]


def test_building_matrix_has_floors_from_the_top_and_units_as_columns(client, reg):
    building = reg.buildings["a"]
    response = _login(client, reg, Role.GRID_WORKER).get(
        f"/registry/buildings/{building.pk}/", HTTP_ACCEPT_LANGUAGE="en"
    )
    matrix = response.context["matrix"]
    assert matrix.units == [1, 2]
    assert [row.floor for row in matrix.rows] == [6, 5, 4, 3, 2, 1]
    assert _cell_houses(matrix, 1, 1) == ["101"] and _cell_houses(matrix, 5, 2) == ["502"]
    assert _cell_houses(matrix, 1, 2) == [] and _cell_houses(matrix, 6, 1) == []
    assert matrix.by_use == {"self": 1, "rented": 1, "vacant": 0, "commercial": 0}
    body = _text(response)
    a101, a502 = reg.houses["a101"], reg.houses["a502"]
    # Coloured by use, with the letter for those who cannot tell the colours apart.
    assert f'class="gg-house gg-use-rented" data-house="{a502.pk}"' in body
    assert re.search(rf'gg-use-self" data-house="{a101.pk}".*?gg-use-letter">S<', body, re.S)
    # The lived-in house links to its household card; the rented one has none.
    assert f'href="/registry/households/{reg.households["a101"].pk}/"' in body
    assert body.count("gg-house-none") == 1
    # The residents' tags the worker may see; the spouse's highly sensitive one is left out.
    cell = next(
        c for row in matrix.rows for _unit, cells in row.cells for c in cells if c.house.pk == a101.pk
    )
    assert {tag.code: tag.persons for tag in cell.tags} == {"elderly_alone": 1, "disabled": 1}
    assert cell.residents == 2  # the one who moved out is not counted
    assert "community_correction" not in body
    _assert_no_canary(response)
    # An empty cell offers an editor to add a house there; a viewer only sees it empty.
    add_here = f'href="/registry/buildings/{building.pk}/houses/new/?unit=2&amp;floor=1"'
    assert add_here in body
    assert add_here not in _text(
        _login(client, reg, Role.DISPATCHER).get(f"/registry/buildings/{building.pk}/")
    )


def test_building_matrix_shows_restricted_tags_to_the_grid_chief(client, reg):
    response = _login(client, reg, Role.GRID_CHIEF).get(f"/registry/buildings/{reg.buildings['a'].pk}/")
    totals = {tag.code: tag.persons for tag in response.context["matrix"].tag_totals}
    assert totals == {"elderly_alone": 1, "disabled": 1, "community_correction": 1}


def test_building_view_queries_do_not_grow_with_houses(client, reg):
    admin = reg.users[Role.DISTRICT_ADMIN]
    building = reg.buildings["a"]
    _login(client, reg, Role.GRID_WORKER)
    url = f"/registry/buildings/{building.pk}/"
    client.get(url)  # warm per-process caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    veteran = Tag.objects.get(code="veteran")
    for floor in range(2, 7):
        for unit in (1, 2):
            house = services.save_house(
                House(building=building, unit=unit, floor=floor, number=f"{floor}1{unit}"), actor=admin
            )
            household = services.save_household(Household(house=house), actor=admin)
            person = services.save_person(Person(name=f"住户{floor}{unit}", household=household), actor=admin)
            services.add_tag(person, veteran, actor=admin)
    services.save_organization(
        Organization(name="底商", kind="shop", address="底商", lon=122.05, lat=43.6, building=building),
        actor=admin,
    )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.context["matrix"].houses == 12
    assert _counted(many) == _counted(few)


def test_basement_and_houses_beyond_the_building_are_shown(client, reg):
    building = reg.buildings["b"]  # 3 floors, 1 unit
    services.save_house(
        House(building=building, unit=1, floor=-1, number="B01", use="commercial"),
        actor=reg.users[Role.DISTRICT_ADMIN],
    )
    matrix = (
        _login(client, reg, Role.DISTRICT_ADMIN).get(f"/registry/buildings/{building.pk}/").context["matrix"]
    )
    assert [row.floor for row in matrix.rows] == [3, 2, 1, -1]
    assert _cell_houses(matrix, -1, 1) == ["B01"]


# --- Building, house and tenancy forms -----------------------------------------------------------

BUILDING = {
    "name": "和平小区20号楼",
    "address": "永清街道和平路20号",
    "kind": "residential",
    "floors": "7",
    "units": "3",
}


def test_building_create_places_it_in_its_grid(client, reg):
    response = _login(client, reg, Role.GRID_WORKER).post(
        "/registry/buildings/new/", {**BUILDING, **POINT_GRID_1}
    )
    building = Building.objects.get(name="和平小区20号楼")
    assert response.status_code == 302 and response["Location"] == f"/registry/buildings/{building.pk}/"
    assert building.grid.code == GRID_1 and building.floors == 7 and building.units == 3
    entry = AuditEntry.objects.get(action="people.building.create", target_id=str(building.pk))
    assert entry.actor == reg.users[Role.GRID_WORKER]


@pytest.mark.parametrize(
    ("point", "message"),
    [
        (POINT_NOWHERE, "The location lies in no grid of the district."),
        (POINT_GRID_2, "This place lies outside your jurisdiction."),
        ({"lon": "500", "lat": "43.6"}, "The coordinates are out of range"),
    ],
)
def test_building_create_refuses_a_point_outside(client, reg, point, message):
    before = Building.objects.count()
    response = _login(client, reg, Role.GRID_WORKER).post(
        "/registry/buildings/new/", {**BUILDING, **point}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert _field_errors(response) == {"lon"}
    assert message in _text(response)
    assert Building.objects.count() == before
    assert (
        not AuditEntry.objects.filter(action="people.building.create", target_id__gt="")
        .exclude(target_id__in=[str(pk) for pk in Building.objects.values_list("pk", flat=True)])
        .exists()
    )
    # The form stays a "new building" form.
    assert response.context["building"] is None and response.context["form"].instance.pk is None


def test_building_edit_moving_it_out_of_the_jurisdiction_changes_nothing(client, reg):
    building = reg.buildings["a"]
    data = {**BUILDING, **POINT_GRID_2}
    response = _login(client, reg, Role.GRID_WORKER).post(f"/registry/buildings/{building.pk}/edit/", data)
    assert response.status_code == 400 and _field_errors(response) == {"lon"}
    building.refresh_from_db()
    assert building.name == "和平小区1号楼" and building.grid.code == GRID_1
    assert Person.objects.get(pk=reg.persons["head"].pk).org_path == reg.units[GRID_1].path


def test_building_edit_by_other_grid_worker_is_404(client, reg):
    building = reg.buildings["a"]
    response = _login(client, reg, WORKER_OTHER_GRID).post(
        f"/registry/buildings/{building.pk}/edit/", {**BUILDING, **POINT_GRID_2}
    )
    assert response.status_code == 404
    building.refresh_from_db()
    assert building.name == "和平小区1号楼"


def test_building_form_bad_numbers_are_field_errors(client, reg):
    response = _login(client, reg, Role.GRID_WORKER).post(
        "/registry/buildings/new/", {**BUILDING, **POINT_GRID_1, "floors": "0", "units": "x", "name": ""}
    )
    assert response.status_code == 400 and _field_errors(response) == {"floors", "units", "name"}


HOUSE = {"unit": "1", "floor": "3", "number": "301", "area_m2": "86.5", "use": "self"}


def test_house_create_and_unit_beyond_the_building(client, reg):
    building = reg.buildings["a"]  # 6 floors, 2 units
    _login(client, reg, Role.GRID_WORKER)
    url = f"/registry/buildings/{building.pk}/houses/new/"
    response = client.post(url, {**HOUSE, "unit": "3"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and _field_errors(response) == {"unit"}
    assert "The building has units 1 to 2." in _text(response)
    response = client.post(url, {**HOUSE, "floor": "9"})
    assert response.status_code == 400 and _field_errors(response) == {"floor"}
    response = client.post(url, {**HOUSE, "unit": "2", "number": "502"})  # taken in unit 2
    assert response.status_code == 400 and _field_errors(response) == {"number"}
    assert House.objects.filter(building=building).count() == 2

    response = client.post(url, HOUSE)
    house = House.objects.get(building=building, number="301")
    assert response.status_code == 302 and response["Location"] == f"/registry/houses/{house.pk}/"
    assert house.grid.code == GRID_1 and house.floor == 3
    assert AuditEntry.objects.filter(action="people.house.create", target_id=str(house.pk)).exists()


def test_house_edit(client, reg):
    house = reg.houses["a101"]
    response = _login(client, reg, Role.GRID_WORKER).post(
        f"/registry/houses/{house.pk}/edit/",
        {**HOUSE, "unit": "1", "floor": "1", "number": "101", "use": "vacant"},
    )
    assert response.status_code == 302
    house.refresh_from_db()
    assert house.use == HouseUse.VACANT and str(house.area_m2) == "86.50"


def test_tenancy_marks_the_house_rented_and_bad_dates_change_nothing(client, reg):
    house = reg.houses["a101"]
    _login(client, reg, Role.GRID_WORKER)
    url = f"/registry/houses/{house.pk}/tenancies/new/"
    response = client.post(url, {"tenant_name": "孙浩", "starts_on": "2026-05-01", "ends_on": "2026-04-01"})
    assert response.status_code == 400 and _field_errors(response) == {"ends_on"}
    response = client.post(url, {"tenant_name": "", "starts_on": "2026-05-01"})
    assert response.status_code == 400 and _field_errors(response) == {"tenant_name"}
    assert not Tenancy.objects.filter(house=house).exists()
    house.refresh_from_db()
    assert house.use == HouseUse.SELF_OCCUPIED

    spouse = reg.persons["spouse"]
    response = client.post(url, {"tenant": spouse.pk, "starts_on": "2026-05-01", "landlord_name": "周强"})
    assert response.status_code == 302
    tenancy = Tenancy.objects.get(house=house)
    assert tenancy.tenant == spouse and tenancy.tenant_name == "王秀英"
    house.refresh_from_db()
    assert house.use == HouseUse.RENTED
    page = _text(client.get(f"/registry/houses/{house.pk}/"))
    assert "周强" in page and f'href="/registry/persons/{spouse.pk}/"' in page


def test_tenancy_cannot_name_a_person_living_elsewhere(client, reg):
    house = reg.houses["a502"]
    response = _login(client, reg, Role.GRID_WORKER).post(
        f"/registry/houses/{house.pk}/tenancies/new/",
        {"tenant": reg.persons["head"].pk, "starts_on": "2026-05-01"},
    )
    assert response.status_code == 400 and _field_errors(response) == {"tenant"}


# --- Organizations -------------------------------------------------------------------------------

ORGANIZATION = {
    "name": "和平药店",
    "kind": "shop",
    "address": "永清街道和平路5号",
    "is_active": "on",
    "fire_risk": "low",
    "extinguishers_ok": "true",
    "exits_clear": "unknown",
    **POINT_GRID_1,
}


def test_organization_create_with_a_bad_credit_code_changes_nothing(client, reg):
    before = Organization.objects.count()
    _login(client, reg, Role.GRID_WORKER)
    response = client.post(
        "/registry/organizations/new/",
        {**ORGANIZATION, "credit_code": "91150502MA0N00002X", "contact_phone": "1234"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400 and _field_errors(response) == {"credit_code"}
    assert Organization.objects.count() == before
    response = client.post("/registry/organizations/new/", {**ORGANIZATION, "contact_phone": "1234"})
    assert response.status_code == 400 and _field_errors(response) == {"contact_phone"}
    duplicate = reg.organizations["shop"].credit_code
    response = client.post("/registry/organizations/new/", {**ORGANIZATION, "credit_code": duplicate})
    assert response.status_code == 400 and _field_errors(response) == {"credit_code"}
    response = client.post("/registry/organizations/new/", {**ORGANIZATION, **POINT_NOWHERE})
    assert response.status_code == 400 and _field_errors(response) == {"lon"}
    assert Organization.objects.count() == before


def test_organization_create_and_phone_kept_masked(client, reg):
    _login(client, reg, Role.GRID_WORKER)
    response = client.post(
        f"/registry/organizations/new/?building={reg.buildings['a'].pk}",
        {**ORGANIZATION, "building": reg.buildings["a"].pk, "contact_phone": "13804751212"},
    )
    organization = Organization.objects.get(name="和平药店")
    assert response.status_code == 302
    assert organization.contact_phone_masked == "138****1212" and organization.building == reg.buildings["a"]
    assert organization.extinguishers_ok is True and organization.exits_clear is None
    page = client.get(f"/registry/organizations/{organization.pk}/")
    assert "138****1212" in _text(page) and "13804751212" not in _text(page)
    # Editing without a phone keeps it; the edit form never shows it in clear.
    edit = client.get(f"/registry/organizations/{organization.pk}/edit/")
    assert "13804751212" not in _text(edit) and "138****1212" in _text(edit)
    client.post(
        f"/registry/organizations/{organization.pk}/edit/",
        {**ORGANIZATION, "name": "和平大药房", "building": reg.buildings["a"].pk},
    )
    organization.refresh_from_db()
    assert organization.name == "和平大药房" and organization.contact_phone_masked == "138****1212"
    client.post(
        f"/registry/organizations/{organization.pk}/edit/", {**ORGANIZATION, "clear_contact_phone": "on"}
    )
    organization.refresh_from_db()
    assert organization.contact_phone_masked == "" and organization.building is None


def test_organization_page_marks_overdue_inspection(client, reg):
    _login(client, reg, Role.DISTRICT_ADMIN)
    kiosk = _text(client.get(f"/registry/organizations/{reg.organizations['kiosk'].pk}/"))
    school = _text(client.get(f"/registry/organizations/{reg.organizations['school'].pk}/"))
    assert "gg-badge-overdue" in kiosk and "gg-badge-overdue" not in school


def test_reveal_the_contact_phone(client, reg, settings):
    settings.PEOPLE_REVEALS_PER_HOUR = 1
    shop = reg.organizations["shop"]
    url = f"/registry/organizations/{shop.pk}/reveal/"
    _login(client, reg, Role.GRID_WORKER)
    page = client.get(f"/registry/organizations/{shop.pk}/")
    assert f'hx-post="{url}"' in _text(page)
    _assert_no_canary(page)

    response = client.post(url, {"reason": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and CANARY_CONTACT_PHONE not in _text(response)
    response = client.post(url, {"reason": "通知消防检查"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and CANARY_CONTACT_PHONE in _text(response)
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action="people.reveal", target_id=str(shop.pk), outcome=Outcome.OK)
    assert entry.details == {"field": "contact_phone", "reason": "通知消防检查"}
    response = client.post(url, {"reason": "再看一次号码"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 429 and CANARY_CONTACT_PHONE not in _text(response)
    # Without htmx the answer is a small page of its own.
    settings.PEOPLE_REVEALS_PER_HOUR = 5
    response = client.post(url, {"reason": "通知消防检查"})
    assert response.status_code == 200 and "<html" in _text(response)
    assert client.get(url).status_code == 405


def test_reveal_refused_out_of_scope_and_without_permission(client, reg):
    shop = reg.organizations["shop"]
    url = f"/registry/organizations/{shop.pk}/reveal/"
    response = _login(client, reg, WORKER_OTHER_GRID).post(url, {"reason": "通知消防检查"})
    assert response.status_code == 404
    # A dispatcher sees the organization but may not reveal: the page offers no button.
    _login(client, reg, Role.DISPATCHER)
    assert "gg-reveal" not in _text(client.get(f"/registry/organizations/{shop.pk}/"))
    response = client.post(url, {"reason": "通知消防检查"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 403 and CANARY_CONTACT_PHONE not in _text(response)
    assert AuditEntry.objects.filter(action="people.reveal", outcome=Outcome.DENIED).count() == 1


# --- Components ----------------------------------------------------------------------------------


def _jpeg_with_gps() -> SimpleUploadedFile:
    image = Image.new("RGB", (80, 60), (40, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (43.0, 36.0, 0.0), "E", (122.0, 3.0, 0.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    assert Image.open(io.BytesIO(buffer.getvalue())).getexif().get_ifd(0x8825)
    return SimpleUploadedFile("light.jpg", buffer.getvalue(), content_type="image/jpeg")


COMPONENT = {
    "code": "150502001001001-LD-0009",
    "kind": "light",
    "state": "good",
    "owner": "城管局",
    **POINT_GRID_1,
}


def test_component_create_with_a_photo_drops_its_location_tags(client, reg):
    _login(client, reg, Role.GRID_WORKER)
    response = client.post("/registry/components/new/", {**COMPONENT, "photos": _jpeg_with_gps()})
    component = Component.objects.get(code=COMPONENT["code"])
    assert response.status_code == 302 and component.grid.code == GRID_1
    photo = ComponentPhoto.objects.get(component=component)
    with photo.image.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
    assert not stored.getexif() and stored.size == (80, 60)
    thumb = client.get(f"/registry/components/{component.pk}/photos/{photo.pk}/thumb/")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert AuditEntry.objects.filter(action="people.component.photos", target_id=str(component.pk)).exists()
    page = _text(client.get(f"/registry/components/{component.pk}/"))
    assert f"/registry/components/{component.pk}/photos/{photo.pk}/thumb/" in page
    # Another grid's worker gets neither the page nor the photo.
    _login(client, reg, WORKER_OTHER_GRID)
    assert client.get(f"/registry/components/{component.pk}/photos/{photo.pk}/full/").status_code == 404


def test_component_bad_input_changes_nothing(client, reg):
    _login(client, reg, Role.GRID_WORKER)
    before = Component.objects.count()
    duplicate = reg.components["light"].code
    response = client.post("/registry/components/new/", {**COMPONENT, "code": duplicate})
    assert response.status_code == 400 and _field_errors(response) == {"code"}
    not_an_image = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    response = client.post("/registry/components/new/", {**COMPONENT, "photos": not_an_image})
    assert response.status_code == 400 and _field_errors(response) == {"photos"}
    response = client.post("/registry/components/new/", {**COMPONENT, **POINT_GRID_2})
    assert response.status_code == 400 and _field_errors(response) == {"lon"}
    assert Component.objects.count() == before and not ComponentPhoto.objects.exists()


def test_component_photo_upload_on_its_page(client, reg):
    light = reg.components["light"]
    _login(client, reg, Role.GRID_WORKER)
    response = client.post(f"/registry/components/{light.pk}/photos/", {"photos": _jpeg_with_gps()})
    assert response.status_code == 302 and light.photos.count() == 1
    response = client.post(f"/registry/components/{light.pk}/photos/", {})
    assert response.status_code == 400 and _field_errors(response) == {"photos"}
    # The dispatcher sees the component but may not edit it.
    _login(client, reg, Role.DISPATCHER)
    assert client.get(f"/registry/components/{light.pk}/").status_code == 200
    assert (
        client.post(f"/registry/components/{light.pk}/photos/", {"photos": _jpeg_with_gps()}).status_code
        == 403
    )


# --- Data quality --------------------------------------------------------------------------------


def test_quality_page_per_grid_with_lists(client, reg):
    _login(client, reg, Role.DISTRICT_ADMIN)
    response = client.get("/registry/quality/", {"unit": COMMUNITY})
    rows = {unit.code: {check.key: n for check, n in cells} for unit, cells in response.context["rows"]}
    assert rows[GRID_1]["no_house"] == 1 and rows[GRID_2]["household_no_head"] == 1
    body = _text(response)
    assert f'href="/registry/quality/list/?unit={GRID_2}&amp;check=building_no_houses"' in body
    listed = client.get("/registry/quality/list/", {"unit": GRID_2, "check": "building_no_houses"})
    assert [b.name for b in listed.context["page"]] == ["和平小区12号楼"]
    listed = client.get("/registry/quality/list/", {"unit": COMMUNITY, "check": "no_phone"})
    assert {p.name for p in listed.context["page"]} == {"宝音", "张建国"}
    _assert_no_canary(listed)
    assert client.get("/registry/quality/list/", {"unit": COMMUNITY, "check": "nope"}).status_code == 404


def test_quality_page_defaults_to_the_jurisdiction(client, reg):
    response = _login(client, reg, Role.GRID_WORKER).get("/registry/quality/")
    assert response.status_code == 302 and response["Location"] == f"/registry/quality/?unit={GRID_1}"
    response = client.get(response["Location"])
    assert [unit.code for unit, _cells in response.context["rows"]] == [GRID_1]
    assert client.get("/registry/quality/", {"unit": GRID_2}).status_code == 404


@pytest.mark.parametrize("check", ["no_phone", "house_no_household", "household_no_head", "org_fire_overdue"])
def test_quality_lists_queries_do_not_grow(client, reg, check):
    _login(client, reg, Role.DISTRICT_ADMIN)
    params = {"unit": COMMUNITY, "check": check}
    client.get("/registry/quality/list/", params)
    with CaptureQueriesContext(connection) as first:
        client.get("/registry/quality/list/", params)
    admin = reg.users[Role.DISTRICT_ADMIN]
    for n in range(3):
        building = services.save_building(
            Building(name=f"新{n}", address="路", lon=122.02, lat=43.52 + n * 0.01, floors=2, units=1),
            actor=admin,
        )
        house = services.save_house(House(building=building, unit=1, floor=1, number="1"), actor=admin)
        services.save_household(Household(house=house), actor=admin)
        services.save_person(Person(name=f"无电话{n}", house=house), actor=admin)
        services.save_house(House(building=building, unit=1, floor=2, number="2"), actor=admin)
        services.save_organization(
            Organization(name=f"店{n}", kind="shop", address="路", lon=122.03, lat=43.53), actor=admin
        )
    with CaptureQueriesContext(connection) as more:
        response = client.get("/registry/quality/list/", params)
    assert response.context["page"].paginator.count >= 3
    assert _counted(more) == _counted(first)
