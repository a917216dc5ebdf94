"""GET requests, requests/{id} and tokens/{token}: public cases only, the spec's window and filters."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from gridgov.cases.models import Case, State
from gridgov.cases.testing import report
from gridgov.open311.models import SubmittedRequest
from gridgov.open311.tests.conftest import BASE, bulk_cases, error_of, parse

pytestmark = pytest.mark.django_db

FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


def numbers(response) -> list[str]:
    body = parse(response)
    if isinstance(body, list):
        return [r["service_request_id"] for r in body]
    assert body.tag == "service_requests"
    return [r.findtext("service_request_id") for r in body.findall("request")]


@pytest.fixture
def cases(world):
    pothole = report(world, description="路面有坑，联系 13800138000", address="和平路")
    dispute = report(world, category="0301", description="邻居吵架")
    return pothole, dispute


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_list_shows_public_cases_with_the_spec_fields(client, world, cases, fmt):
    pothole, _dispute = cases
    response = client.get(f"{BASE}requests.{fmt}", {"jurisdiction_id": "150502"})
    assert response.status_code == 200
    assert numbers(response) == [pothole.number]  # the dispute is not public
    body = parse(response)
    entry = body[0] if fmt == "json" else {e.tag: e.text for e in body.find("request")}
    assert set(entry) == FIELDS
    assert entry["status"] == "open"
    assert entry["service_code"] == "0201"
    assert entry["service_name"] == "路面坑洼"
    assert "13800138000" not in entry["description"] and "和平路" not in entry["description"]
    assert entry["description"].startswith("路面有坑")
    assert entry["address"] == "和平路"
    assert entry["requested_datetime"].endswith("+08:00")
    assert entry["expected_datetime"].endswith("+08:00")  # the registration deadline
    assert float(entry["lat"]) == pytest.approx(pothole.lat)
    assert float(entry["long"]) == pytest.approx(pothole.lon)
    assert entry["agency_responsible"] == "和平社区"  # the responsible community, before dispatch
    assert entry["status_notes"]  # the label of the latest public step


def test_status_notes_name_the_latest_public_step_in_english(client, world, cases):
    body = parse(client.get(f"{BASE}requests.json", {"locale": "en"}))
    assert body[0]["status_notes"] == "Reported"
    assert body[0]["service_name"] == "Pothole"
    assert body[0]["agency_responsible"] == "Heping Community"


def test_status_filter(client, world, cases):
    pothole, _dispute = cases
    bulk_cases(world, 2, reported_at=timezone.now() - timedelta(days=1), state=State.CLOSED, prefix="C")
    closed = sorted(Case.objects.filter(state=State.CLOSED).values_list("number", flat=True))
    assert sorted(numbers(client.get(f"{BASE}requests.json", {"status": "closed"}))) == closed
    assert numbers(client.get(f"{BASE}requests.json", {"status": "open"})) == [pothole.number]
    assert len(numbers(client.get(f"{BASE}requests.json", {"status": "open,closed"}))) == 3
    response = client.get(f"{BASE}requests.json", {"status": "pending"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert error_of(response)[0] == 400


def test_service_code_and_id_filters(client, world, cases):
    pothole, dispute = cases
    assert numbers(client.get(f"{BASE}requests.json", {"service_code": "0201"})) == [pothole.number]
    assert numbers(client.get(f"{BASE}requests.json", {"service_code": "0301"})) == []
    # The ids win over every other filter; a non-public id is simply not there.
    by_ids = client.get(
        f"{BASE}requests.json",
        {"service_request_id": f"{pothole.number},{dispute.number}", "status": "closed"},
    )
    assert numbers(by_ids) == [pothole.number]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "yesterday"},
        {"end_date": "2026-13-01"},
        {"start_date": "2026-03-10", "end_date": "2026-03-01"},
    ],
)
def test_bad_dates_are_400(client, world, cases, fmt, params):
    response = client.get(f"{BASE}requests.{fmt}", params)
    assert response.status_code == 400
    assert error_of(response)[0] == 400


def test_default_window_is_90_days_and_1000_records(client, world):
    now = timezone.now()
    bulk_cases(world, 1001, reported_at=now - timedelta(days=2), prefix="N")
    bulk_cases(world, 5, reported_at=now - timedelta(days=95), prefix="O")
    listed = numbers(client.get(f"{BASE}requests.json"))
    assert len(listed) == 1000
    assert not any("-O-" in number for number in listed)
    # An explicit window reaches the old ones (w3c with an offset, and a bare date).
    start = (now - timedelta(days=100)).isoformat(timespec="seconds")
    end = (now - timedelta(days=90)).date().isoformat()
    old = numbers(client.get(f"{BASE}requests.json", {"start_date": start, "end_date": end}))
    assert sorted(old) == [f"150502-O-{i:05d}" for i in range(5)]


def test_a_start_date_alone_lists_until_now(client, world):
    bulk_cases(world, 3, reported_at=timezone.now() - timedelta(days=200), prefix="O")
    start = (timezone.now() - timedelta(days=201)).isoformat()
    assert len(numbers(client.get(f"{BASE}requests.json", {"start_date": start}))) == 3


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_one_request_as_a_one_element_list(client, world, cases, fmt):
    pothole, _dispute = cases
    response = client.get(f"{BASE}requests/{pothole.number}.{fmt}")
    assert response.status_code == 200
    assert numbers(response) == [pothole.number]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_or_non_public_request_is_404(client, world, cases, fmt):
    _pothole, dispute = cases
    for number in ("150502-20260311-99999", dispute.number):
        response = client.get(f"{BASE}requests/{number}.{fmt}", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 404
        assert error_of(response) == (404, "Unknown service_request_id.")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_token_maps_to_the_request_id(client, world, api_key, fmt):
    pothole = report(world)
    SubmittedRequest.objects.create(case=pothole, api_key=api_key, token="tok-1")
    response = client.get(f"{BASE}tokens/tok-1.{fmt}")
    assert response.status_code == 200
    body = parse(response)
    if fmt == "json":
        assert body == [{"service_request_id": pothole.number, "token": "tok-1"}]
    else:
        assert body.findtext("request/service_request_id") == pothole.number
        assert body.findtext("request/token") == "tok-1"
    missing = client.get(f"{BASE}tokens/nope.{fmt}")
    assert missing.status_code == 404
    assert error_of(missing)[0] == 404


def test_token_of_a_case_made_non_public_hides_the_id(client, world, api_key):
    dispute = report(world, category="0301")
    SubmittedRequest.objects.create(case=dispute, api_key=api_key, token="tok-2")
    assert parse(client.get(f"{BASE}tokens/tok-2.json")) == [{"service_request_id": None, "token": "tok-2"}]


def test_the_list_takes_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    bulk_cases(world, 50, reported_at=timezone.now() - timedelta(days=1))
    with django_assert_max_num_queries(8):
        assert len(numbers(client.get(f"{BASE}requests.json"))) == 50


def test_an_unencoded_plus_in_the_offset_is_read_as_plus(client, world):
    bulk_cases(world, 1, reported_at=timezone.now() - timedelta(days=120), prefix="O")
    start = timezone.localtime(timezone.now() - timedelta(days=121)).isoformat(timespec="seconds")
    assert "+08:00" in start
    response = client.get(f"{BASE}requests.json?start_date={start}")  # "+" unencoded: a space
    assert len(numbers(response)) == 1
