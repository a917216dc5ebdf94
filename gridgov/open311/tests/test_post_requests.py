"""POST requests: a client's report becomes a case; every bad field is a 400 that changes nothing."""

from __future__ import annotations

import pytest

from gridgov.audit.models import AuditEntry
from gridgov.cases.models import Case, Source, State, Urgency
from gridgov.cases.testing import HOME_POINT, OTHER_STREET_POINT
from gridgov.open311.keys import revoke_key
from gridgov.open311.models import SubmittedRequest
from gridgov.open311.tests.conftest import BASE, error_of, parse

pytestmark = pytest.mark.django_db

OUTSIDE_DISTRICT = (122.6, 43.6)  # district 150521


def form(key, **fields):
    data = {
        "api_key": key.clear,
        "jurisdiction_id": "150502",
        "service_code": "0201",
        "lat": str(HOME_POINT[1]),
        "long": str(HOME_POINT[0]),
        "description": "路面有坑，身份证 150502199001011234 掉在坑里",
        "address_string": "和平路12号",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_request_becomes_an_open311_case(client, world, api_key, fmt):
    response = client.post(
        f"{BASE}requests.{fmt}",
        form(
            api_key,
            **{"attribute[urgency]": "urgent"},
            first_name="Li",
            last_name="Wei",
            phone="13800138000",
            media_url="https://img.example.org/a.jpg",
            account_id="u-7",
            device_id="d-1",
        ),
    )
    assert response.status_code == 201
    body = parse(response)
    if fmt == "json":
        number, token = body[0]["service_request_id"], body[0]["token"]
        assert body[0]["account_id"] == "u-7"
    else:
        assert body.tag == "service_requests"
        number, token = body.findtext("request/service_request_id"), body.findtext("request/token")
    case = Case.objects.get(number=number)
    assert case.source == Source.OPEN311
    assert case.state == State.REPORTED
    assert case.urgency == Urgency.URGENT
    assert case.category.code == "0201"
    assert case.address == "和平路12号"
    assert (case.caller_name, case.caller_phone) == ("Li Wei", "13800138000")
    assert case.reporter == api_key.user
    assert case.grid == world.units["150502001001001"]
    submitted = SubmittedRequest.objects.get(case=case)
    assert (submitted.token, submitted.media_url, submitted.device_id) == (
        token,
        "https://img.example.org/a.jpg",
        "d-1",
    )
    assert AuditEntry.objects.filter(action="open311.request", target_id=str(case.pk)).exists()
    assert AuditEntry.objects.filter(action="case.report", target_id=str(case.pk)).exists()


def test_without_description_the_service_name_describes_it(client, world, api_key):
    response = client.post(f"{BASE}requests.json", form(api_key, description=None))
    assert response.status_code == 201
    assert Case.objects.get().description == "路面坑洼"


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("clear_key", [None, "", "not-a-key"])
def test_missing_or_wrong_api_key_is_403(client, world, api_key, fmt, clear_key):
    response = client.post(
        f"{BASE}requests.{fmt}", form(api_key, api_key=clear_key), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    assert error_of(response) == (403, "Invalid or missing api_key.")
    assert not Case.objects.exists()


def test_a_revoked_key_is_403_and_its_user_is_disabled(client, world, api_key):
    assert revoke_key(api_key, actor=world.users["district_admin"])
    assert not revoke_key(api_key, actor=world.users["district_admin"])  # once only
    response = client.post(f"{BASE}requests.json", form(api_key))
    assert response.status_code == 403
    api_key.user.refresh_from_db()
    assert not api_key.user.is_active
    assert AuditEntry.objects.filter(action="open311.key_revoke").count() == 1


BAD_FIELDS = [
    ({"service_code": None}, "service_code"),
    ({"service_code": "0301"}, "service_code"),  # not public: not a service
    ({"lat": None, "long": None}, "lat and long"),
    ({"lat": None, "long": None, "address_string": "和平路12号"}, "no geocoder"),
    ({"lat": "north", "long": "x"}, "decimal degrees"),
    ({"lat": "95", "long": "122.05"}, "decimal degrees"),
    ({"lat": str(OUTSIDE_DISTRICT[1]), "long": str(OUTSIDE_DISTRICT[0])}, "outside"),
    ({"lat": "30.0", "long": "120.0"}, "outside"),
    ({"attribute[urgency]": "critical"}, "attribute[urgency]"),
    ({"attribute[colour]": "red"}, "Unknown attribute"),
    ({"media_url": "file:///etc/passwd"}, "media_url"),
    ({"phone": "12345"}, "mobile"),
    ({"device_id": "d" * 101}, "device_id"),
]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(("fields", "says"), BAD_FIELDS)
def test_bad_fields_are_400_with_the_spec_body_and_change_nothing(client, world, api_key, fmt, fields, says):
    response = client.post(f"{BASE}requests.{fmt}", form(api_key, **fields), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    code, description = error_of(response)
    assert code == 400
    assert says in description
    assert not Case.objects.exists()
    assert not SubmittedRequest.objects.exists()


def test_wrong_jurisdiction_on_post_is_404(client, world, api_key):
    response = client.post(f"{BASE}requests.json", form(api_key, jurisdiction_id="150521"))
    assert response.status_code == 404
    assert not Case.objects.exists()


def test_a_point_in_another_street_of_the_district_is_accepted(client, world, api_key):
    point = {"lat": str(OTHER_STREET_POINT[1]), "long": str(OTHER_STREET_POINT[0])}
    response = client.post(f"{BASE}requests.json", form(api_key, **point))
    assert response.status_code == 201
    assert Case.objects.get().grid == world.units["150502002001001"]
