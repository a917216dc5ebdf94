"""Test helpers: a signed-in field client, submissions, a throw-away kind, a tiny JPEG."""

from __future__ import annotations

import base64
import io
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from PIL import Image

from gridgov.fieldapp import handlers
from gridgov.fieldapp.handlers import SubmissionRejected

SYNC_URL = "/field/api/sync/"
NOTE_KIND = "test.note"


def field_client(user, *, enforce_csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def submission(kind: str, body: dict, *, key: str | None = None, made_at: str | None = None) -> dict:
    return {
        "key": key or str(uuid.uuid4()),
        "kind": kind,
        "made_at": made_at or timezone.now().isoformat(),
        "body": body,
    }


def post_batch(client: Client, submissions: list[dict], **headers) -> list[dict]:
    response = client.post(
        SYNC_URL, json.dumps({"submissions": submissions}), content_type="application/json", **headers
    )
    assert response.status_code == 200, response.content
    return response.json()["results"]


def _note(user, body: dict, *, made_at):
    """A tiny kind for protocol tests: one Group per note (a real row with a unique name)."""
    text = body.get("text")
    if not isinstance(text, str) or not text:
        raise SubmissionRejected({"text": ["Write something."]})
    return Group.objects.create(name=f"note-{text}"[:150])


@contextmanager
def note_kind(handler=_note) -> Iterator[None]:
    handlers.register(NOTE_KIND, handler)
    try:
        yield
    finally:
        handlers.unregister(NOTE_KIND)


def jpeg_data_url(size: tuple[int, int] = (64, 48)) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, format="JPEG")
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode()
