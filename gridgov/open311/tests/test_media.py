"""media_url: the client's own URL, else the thumbnail of the case's first photo, served only for
public cases."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gridgov.cases.models import CasePhoto
from gridgov.cases.testing import report
from gridgov.open311.models import SubmittedRequest
from gridgov.open311.tests.conftest import BASE, parse

pytestmark = pytest.mark.django_db


def jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="JPEG")
    return SimpleUploadedFile("hole.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_media_url_is_the_first_photo_of_a_public_case(client, world):
    case = report(world, photos=[jpeg()])
    photo = CasePhoto.objects.get(case=case)
    [entry] = parse(client.get(f"{BASE}requests/{case.number}.json"))
    assert entry["media_url"] == f"http://testserver/open311/media/{case.number}/{photo.pk}/"
    response = client.get(entry["media_url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_photos_of_non_public_cases_are_not_served(client, world):
    case = report(world, category="0301", photos=[jpeg()])
    photo = CasePhoto.objects.get(case=case)
    assert client.get(f"/open311/media/{case.number}/{photo.pk}/").status_code == 404


def test_the_clients_media_url_comes_first(client, world, api_key):
    case = report(world, photos=[jpeg()])
    SubmittedRequest.objects.create(
        case=case, api_key=api_key, token="t", media_url="https://x.example/1.jpg"
    )
    [entry] = parse(client.get(f"{BASE}requests/{case.number}.json"))
    assert entry["media_url"] == "https://x.example/1.jpg"


def test_no_photo_no_media_url(client, world):
    case = report(world)
    [entry] = parse(client.get(f"{BASE}requests/{case.number}.json"))
    assert entry["media_url"] == ""
