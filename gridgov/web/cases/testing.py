"""Helpers for the case-page tests: a small JPEG, and moving a case along the workflow."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gridgov.access.roles import Role
from gridgov.cases.models import Case
from gridgov.cases.workflow import perform

CA, GW, DH, DISPATCHER = Role.COMMUNITY_ADMIN, Role.GRID_WORKER, Role.DEPARTMENT_HANDLER, Role.DISPATCHER

# Steps (action, role, params) that bring a fresh patrol report to a state.
REGISTERED = [("register", CA, {})]
DISPATCHED = [*REGISTERED, ("dispatch", CA, {"department": "urban_mgmt"})]
IN_PROGRESS = [*DISPATCHED, ("accept", DH, {})]
HANDLED = [*IN_PROGRESS, ("handle", DH, {"result": "Filled with asphalt."})]
VERIFIED = [*HANDLED, ("verify", GW, {})]
CLOSED = [*VERIFIED, ("close", CA, {})]


def jpeg_bytes(size: tuple[int, int] = (64, 48), colour: tuple[int, int, int] = (180, 60, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG")
    return buffer.getvalue()


def jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(), content_type="image/jpeg")


def advance(world, case: Case, steps) -> Case:
    """Run `steps` through the workflow (test set-up: the path a page would take)."""
    for action, role, params in steps:
        case = perform(case.pk, action, actor=world.users[role], **params)
    return Case.objects.get(pk=case.pk)


def action_data(case: Case, action: str, **fields) -> dict:
    """POST data of an action form: fields carry the action's prefix, plus the version shown."""
    data = {f"{action}-version": case.version}
    data.update({f"{action}-{name}": value for name, value in fields.items()})
    return data
