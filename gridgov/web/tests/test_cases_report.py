"""The new-report form: creates a case with its photos, is idempotent on a double submit, names
the field of bad input, and offers on-the-spot handling and anonymity to the right people."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gridgov.access.roles import Role
from gridgov.cases.models import Case, CasePhoto, Source, State
from gridgov.cases.testing import HOME_POINT, OTHER_STREET_POINT, build_case_world
from gridgov.web.cases.testing import jpeg

pytestmark = pytest.mark.django_db
GW, RESIDENT = Role.GRID_WORKER, Role.RESIDENT


@pytest.fixture
def world():
    return build_case_world()


def _form(client, world, role=GW, query=""):
    client.force_login(world.users[role])
    response = client.get("/cases/new/" + query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response


def _key(response) -> str:
    return re.search(r'name="idempotency_key" value="(\w+)"', response.content.decode()).group(1)


def _data(key: str, **overrides) -> dict:
    data = {
        "category": "0201",
        "urgency": "normal",
        "description": "A pothole by the school gate.",
        "address": "Heping Road 12",
        "lon": str(HOME_POINT[0]),
        "lat": str(HOME_POINT[1]),
        "crs": "wgs84",
        "idempotency_key": key,
    }
    data.update(overrides)
    return data


def test_report_with_a_photo_creates_the_case_and_opens_it(client, world):
    key = _key(_form(client, world))
    response = client.post(
        "/cases/new/", {**_data(key), "photos": [jpeg("a.jpg"), jpeg("b.jpg")]}, HTTP_ACCEPT_LANGUAGE="en"
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/"
    assert case.reporter == world.users[GW] and case.source == Source.PATROL
    assert case.state == State.REPORTED and case.address == "Heping Road 12"
    assert CasePhoto.objects.filter(case=case, kind=CasePhoto.Kind.REPORT).count() == 2
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"Reported as case {case.number}" in page
    # "Report another problem here" keeps the location.
    assert f"/cases/new/?lon={HOME_POINT[0]:.6f}&amp;lat={HOME_POINT[1]:.6f}" in page


def test_double_submit_creates_one_case(client, world):
    key = _key(_form(client, world))
    first = client.post("/cases/new/", {**_data(key), "photos": [jpeg()]})
    second = client.post("/cases/new/", {**_data(key), "photos": [jpeg()]})
    assert Case.objects.count() == 1
    assert first["Location"] == second["Location"]
    # Each rendering of the form carries a fresh key.
    assert _key(_form(client, world)) != key


def test_same_key_with_other_content_is_refused(client, world):
    key = _key(_form(client, world))
    client.post("/cases/new/", _data(key))
    response = client.post(
        "/cases/new/", _data(key, description="Something else."), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 422
    assert "already used for a different report" in response.content.decode()
    assert _key(response) != key  # the corrected form can be sent
    assert Case.objects.count() == 1


def _field_block(response, field: str) -> str:
    match = re.search(rf'data-field="{field}">(.*?)</div>\s*</div>', response.content.decode(), re.S)
    assert match, field
    return match.group(1)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"category": ""}, "category", "This field is required."),
        ({"category": "9999"}, "category", "Select a valid choice."),
        ({"description": "  "}, "description", "Describe the problem."),
        ({"lon": "", "lat": ""}, "lon", "Give the location as longitude and latitude"),
        ({"lon": "east"}, "lon", "Enter a number."),
        ({"lon": str(OTHER_STREET_POINT[0])}, "lon", "outside your jurisdiction"),
        ({"lon": "100.0"}, "lon", "outside every grid"),
        ({"photos": "text"}, "photos", "is not a readable image"),
    ],
)
def test_bad_input_names_the_field_and_creates_nothing(client, world, overrides, field, message):
    key = _key(_form(client, world))
    if overrides.get("photos") == "text":
        overrides["photos"] = [SimpleUploadedFile("note.jpg", b"hello", content_type="image/jpeg")]
    response = client.post("/cases/new/", _data(key, **overrides), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in _field_block(response, field)
    assert Case.objects.count() == 0


def test_grid_worker_handles_on_the_spot(client, world):
    response = _form(client, world)
    assert 'name="self_handled"' in response.content.decode()
    assert 'name="hide_reporter"' not in response.content.decode()
    client.post("/cases/new/", _data(_key(response), self_handled="on", result="Moved the bin back."))
    case = Case.objects.get()
    assert case.state == State.HANDLED and case.self_handled and case.result == "Moved the bin back."

    response = client.post(
        "/cases/new/",
        _data(_key(_form(client, world)), self_handled="on", result=""),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Say how the problem was handled." in _field_block(response, "result")


def test_resident_may_hide_the_name_but_not_handle(client, world):
    response = _form(client, world, RESIDENT)
    content = response.content.decode()
    assert 'name="hide_reporter"' in content and 'name="self_handled"' not in content
    client.post("/cases/new/", _data(_key(response), hide_reporter="on", self_handled="on", result="x"))
    case = Case.objects.get()
    assert case.source == Source.RESIDENT and case.hide_reporter
    assert case.state == State.REPORTED  # the self_handled field is not offered, so ignored


def test_form_prefills_the_location_and_explains_coordinate_systems(client, world):
    content = _form(client, world, query="?lon=122.051234&lat=43.601234").content.decode()
    assert 'value="122.051234"' in content and 'value="43.601234"' in content
    assert 'accept="image/*"' in content and "capture" in content and "multiple" in content
    assert "GCJ-02" in content


def test_user_without_report_permission_gets_403(client, world):
    client.force_login(world.users[Role.AUDITOR])
    assert client.get("/cases/new/").status_code == 403
