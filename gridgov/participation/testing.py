"""Test helpers of the resident portal: clients, points near a place, a case walked to its closing."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from gridgov.access.roles import Role
from gridgov.cases.models import Case
from gridgov.cases.testing import HOME_POINT
from gridgov.cases.workflow import NewCase, perform, report_case

# About one metre of latitude, in degrees.
METRE = 1 / 111_195


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def north_of(point, metres: float) -> tuple[float, float]:
    return (point[0], point[1] + metres * METRE)


def resident_case(user, *, point=HOME_POINT, category="0201", description="A deep pothole", **fields) -> Case:
    fields.setdefault("source", "resident")
    data = NewCase(category=category, description=description, lon=point[0], lat=point[1], **fields)
    case, _created = report_case(data, actor=user)
    return case


def act(world, case: Case, action: str, role: Role, **params) -> Case:
    perform(case.pk, action, actor=world.users[role], **params)
    return Case.objects.get(pk=case.pk)


def closed(world, case: Case) -> Case:
    """Walk `case` from REPORTED to CLOSED through the workflow, each step by its staff."""
    case = act(world, case, "register", Role.COMMUNITY_ADMIN)
    case = act(world, case, "dispatch", Role.COMMUNITY_ADMIN, department=world.department.code)
    case = act(world, case, "accept", Role.DEPARTMENT_HANDLER)
    case = act(world, case, "handle", Role.DEPARTMENT_HANDLER, result="Filled with asphalt")
    case = act(world, case, "verify", Role.GRID_WORKER)
    return act(world, case, "close", Role.COMMUNITY_ADMIN)


def png(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
