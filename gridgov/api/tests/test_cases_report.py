"""POST /api/v1/cases/: reporting through the API — idempotency, sources by role, photos."""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request

import pytest
from PIL import ExifTags, Image
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.cases.models import Case, CasePhoto, Source, State
from gridgov.cases.testing import HOME_POINT, OTHER_STREET_POINT, build_case_world

URL = "/api/v1/cases/"


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_case_world()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def body(**fields) -> dict:
    point = {"lon": HOME_POINT[0], "lat": HOME_POINT[1]}
    return {"category": "0201", "description": "路面有坑", **point, **fields}


def jpeg_with_gps(name: str = "pothole.jpg") -> io.BytesIO:
    image = Image.new("RGB", (64, 48), "gray")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (43.0, 36.0, 0.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (122.0, 3.0, 0.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    buffer.seek(0)
    buffer.name = name
    return buffer


def test_a_grid_worker_reports_a_patrol_case(world):
    response = client_for(world.users[Role.GRID_WORKER]).post(URL, body(address="建国路 5 号"), format="json")
    assert response.status_code == 201, response.data
    assert response["Location"] == f"/api/v1/cases/{response.data['number']}/"
    assert response["ETag"] == '"1"'
    case = Case.objects.get(number=response.data["number"])
    assert (case.source, case.state, case.grid.code) == (Source.PATROL, State.REPORTED, "150502001001001")
    assert response.data["state"] == "reported"
    detail = client_for(world.users[Role.GRID_WORKER]).get(response["Location"])
    assert detail.data["timeline"][0]["action"] == "report"
    assert AuditEntry.objects.filter(action="case.report", target_id=str(case.pk)).exists()


@pytest.mark.parametrize(
    ("role", "source", "allowed"),
    [
        (Role.RESIDENT, "resident", True),
        (Role.RESIDENT, "patrol", False),
        (Role.GRID_WORKER, "hotline", False),
        (Role.GRID_WORKER, "resident", False),
        (Role.DISPATCHER, "hotline", True),
        (Role.DISPATCHER, "sensor", True),
        (Role.DISPATCHER, "campaign", False),
    ],
)
def test_the_sources_a_role_may_report_with(world, role, source, allowed):
    response = client_for(world.users[role]).post(URL, body(source=source), format="json")
    if allowed:
        assert response.status_code == 201, response.data
        assert response.data["source"] == source
    else:
        assert response.status_code == 400
        assert list(response.data) == ["source"]
        assert not Case.objects.exists()


def test_a_resident_report_defaults_to_source_resident(world):
    response = client_for(world.users[Role.RESIDENT]).post(URL, body(), format="json")
    assert response.status_code == 201
    assert response.data["source"] == "resident"


def test_caller_details_only_on_hotline_reports(world):
    dispatcher = client_for(world.users[Role.DISPATCHER])
    response = dispatcher.post(URL, body(caller_phone="13800000000"), format="json")
    assert response.status_code == 400 and list(response.data) == ["caller_phone"]
    response = dispatcher.post(
        URL, body(source="hotline", caller_phone="13800000000", hotline_ref="T-1"), format="json"
    )
    assert response.status_code == 201
    assert dispatcher.get(response["Location"]).data["caller_phone"] == "13800000000"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"category": "9999"}, "category"),
        ({"lon": "east"}, "lon"),
        ({"lon": OTHER_STREET_POINT[0]}, "lon"),  # outside the grid worker's jurisdiction
        ({"crs": "utm"}, "crs"),
        ({"urgency": "whenever"}, "urgency"),
        ({"description": ""}, "description"),
        ({"self_handled": True}, "result"),
    ],
)
def test_bad_reports_name_the_field_and_change_nothing(world, fields, field):
    response = client_for(world.users[Role.GRID_WORKER]).post(URL, body(**fields), format="json")
    assert response.status_code == 400
    assert field in response.data and response.data[field][0]
    assert not Case.objects.exists()


def test_a_leader_may_not_report(world):
    response = client_for(world.users[Role.LEADER]).post(URL, body(), format="json")
    assert response.status_code == 403
    assert not Case.objects.exists()


def test_a_resident_may_not_handle_on_the_spot(world):
    response = client_for(world.users[Role.RESIDENT]).post(
        URL, body(self_handled=True, result="填平了"), format="json"
    )
    assert response.status_code == 403


def test_idempotency_key_in_the_body_works_like_the_header(world):
    client = client_for(world.users[Role.GRID_WORKER])
    first = client.post(URL, body(idempotency_key="k-1"), format="json")
    again = client.post(URL, body(), format="json", headers={"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.data["number"] == first.data["number"]
    too_long = client.post(URL, body(), format="json", headers={"Idempotency-Key": "x" * 65})
    assert too_long.status_code == 400 and list(too_long.data) == ["idempotency_key"]


def test_a_resident_photo_is_stored_without_exif(world):
    response = client_for(world.users[Role.RESIDENT]).post(
        URL, {**body(), "photos": [jpeg_with_gps("a.jpg"), jpeg_with_gps("b.jpg")]}, format="multipart"
    )
    assert response.status_code == 201, response.data
    assert CasePhoto.objects.filter(case__number=response.data["number"]).count() == 2
    photo = CasePhoto.objects.filter(case__number=response.data["number"]).first()
    with Image.open(photo.image.path) as stored:
        assert "exif" not in stored.info
        assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)


def test_a_grid_worker_photo_keeps_its_exif(world):
    response = client_for(world.users[Role.GRID_WORKER]).post(
        URL, {**body(), "photos": [jpeg_with_gps()]}, format="multipart"
    )
    assert response.status_code == 201, response.data
    photo = CasePhoto.objects.get(case__number=response.data["number"])
    with Image.open(photo.image.path) as stored:
        assert stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)


def test_a_file_that_is_no_image_is_refused(world):
    text = io.BytesIO(b"not an image")
    text.name = "notes.txt"
    response = client_for(world.users[Role.GRID_WORKER]).post(
        URL, {**body(), "photos": [text]}, format="multipart"
    )
    assert response.status_code == 400
    assert "notes.txt" in response.data["photos"][0]
    assert not Case.objects.exists()


# --- Over real HTTP: the retry semantics a phone app relies on ------------------------------------


def post_json(live_server, token: str, payload: dict, key: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        live_server.url + URL,
        data=json.dumps(payload).encode(),
        method="POST",
        headers={
            "Authorization": f"Token {token}",
            "Content-Type": "application/json",
            "Accept-Language": "en",
            "Idempotency-Key": key,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@pytest.mark.django_db(transaction=True)
def test_idempotent_report_over_http(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_case_world()
    token = Token.objects.create(user=world.users[Role.GRID_WORKER]).key
    first = post_json(live_server, token, body(), "phone-123")
    retry = post_json(live_server, token, body(), "phone-123")
    other = post_json(live_server, token, body(description="另一个坑"), "phone-123")
    assert first[0] == 201 and retry[0] == 200
    assert retry[1] == first[1]
    assert other[0] == 422
    assert other[1]["code"] == "idempotency_mismatch" and other[1]["detail"]
    assert Case.objects.count() == 1
