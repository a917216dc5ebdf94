import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gridgov.access.models import Membership
from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.geo.geojson_io import dumps, export_units
from gridgov.geo.index import current_version
from gridgov.geo.models import OrgUnit
from gridgov.geo.tests.builders import LAT0, LON0, grid_block, rect, unit

pytestmark = pytest.mark.django_db


def staff(username, role, code):
    user = get_user_model().objects.create_user(username, password="x" * 12, is_staff=True)
    Membership.objects.create(user=user, role=role, org_unit=OrgUnit.objects.get(code=code))
    return user


@pytest.fixture
def tree():
    grid_block(columns=2, rows=1)
    unit("150502002", rect(LON0 + 1, LAT0, LON0 + 1.01, LAT0 + 0.01))


def test_street_admin_sees_only_own_street(client, tree):
    client.force_login(staff("street", Role.STREET_ADMIN, "150502002"))
    response = client.get(reverse("admin:geo_orgunit_changelist"))
    assert response.status_code == 200
    shown = {u.code for u in response.context["cl"].result_list}
    assert shown == {"150502002"}


def test_import_requires_the_import_permission(client, tree):
    client.force_login(staff("street", Role.STREET_ADMIN, "150502002"))
    assert client.get(reverse("admin:geo_orgunit_import")).status_code == 403


def test_import_view_shows_every_error_and_changes_nothing(client, tree):
    client.force_login(staff("chief", Role.DISTRICT_ADMIN, "150502"))
    collection = export_units()
    collection["features"][1]["properties"]["kind"] = "grid"
    collection["features"][3]["geometry"]["coordinates"][0].pop()
    before = list(OrgUnit.objects.values())
    upload = SimpleUploadedFile("bad.geojson", json.dumps(collection).encode())
    response = client.post(reverse("admin:geo_orgunit_import"), {"file": upload})
    assert response.status_code == 200
    assert [(e.index, e.field) for e in response.context["errors"]] == [(1, "kind"), (3, "geometry")]
    assert b"import-errors" in response.content
    assert list(OrgUnit.objects.values()) == before


def test_import_view_imports_a_good_file(client, tree):
    client.force_login(staff("chief", Role.DISTRICT_ADMIN, "150502"))
    collection = export_units()
    collection["features"][-1]["properties"]["name_zh"] = "新名字"
    upload = SimpleUploadedFile("good.geojson", dumps(collection).encode())
    response = client.post(reverse("admin:geo_orgunit_import"), {"file": upload})
    assert response.status_code == 302
    assert OrgUnit.objects.get(code=collection["features"][-1]["properties"]["code"]).name_zh == "新名字"
    assert AuditEntry.objects.filter(action="geo.import").get().details["updated"] == 1


def test_saving_through_the_admin_recomputes_and_audits(client, tree):
    client.force_login(staff("chief", Role.DISTRICT_ADMIN, "150502"))
    grid = OrgUnit.objects.get(code="150502001001001")
    version = current_version()
    response = client.post(
        reverse("admin:geo_orgunit_change", args=[grid.pk]),
        {
            "kind": "grid",
            "name_zh": grid.name_zh,
            "name_en": "",
            "is_active": "on",
            "geometry": json.dumps(rect(LON0, LAT0, LON0 + 0.005, LAT0 + 0.01)),
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    grid.refresh_from_db()
    assert grid.max_lon == pytest.approx(LON0 + 0.005)
    assert grid.area_m2 == pytest.approx(0.005 * 80_640 * 0.01 * 111_100, rel=0.02)
    assert current_version() == version + 1
    assert AuditEntry.objects.filter(action="geo.edit_unit", target_id=str(grid.pk)).exists()


def test_admin_rejects_a_self_intersecting_boundary(client, tree):
    client.force_login(staff("chief", Role.DISTRICT_ADMIN, "150502"))
    grid = OrgUnit.objects.get(code="150502001001001")
    bow_tie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    response = client.post(
        reverse("admin:geo_orgunit_change", args=[grid.pk]),
        {
            "kind": "grid",
            "name_zh": grid.name_zh,
            "name_en": "",
            "is_active": "on",
            "geometry": json.dumps(bow_tie),
        },
    )
    assert response.status_code == 200
    assert "geometry" in response.context["adminform"].form.errors
    assert OrgUnit.objects.get(pk=grid.pk).geometry == grid.geometry


def test_export_action_downloads_the_subtree(client, tree):
    client.force_login(staff("chief", Role.DISTRICT_ADMIN, "150502"))
    community = OrgUnit.objects.get(code="150502001001")
    response = client.post(
        reverse("admin:geo_orgunit_changelist"),
        {"action": "export_geojson", "_selected_action": [community.pk]},
    )
    assert response.status_code == 200
    codes = [f["properties"]["code"] for f in json.loads(response.content)["features"]]
    assert codes == ["150502001001", "150502001001001", "150502001001002"]
