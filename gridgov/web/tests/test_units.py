"""Org-unit pages: scoped lists and details, 404 alike for missing and out of scope."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.web.tests.builders import make_user, unit

pytestmark = pytest.mark.django_db


def test_unit_list_shows_jurisdiction_roots(client, street_admin):
    client.force_login(street_admin)
    response = client.get("/units/")
    assert [u.code for u, _grids in response.context["rows"]] == ["150502001"]
    assert response.context["rows"][0][1] == 4


def test_unit_detail_lists_children_grid_counts_and_staff(client, district_admin, street_admin, resident):
    client.force_login(district_admin)
    response = client.get("/units/150502/")
    assert response.status_code == 200
    assert [(c.code, n) for c, n in response.context["rows"]] == [("150502001", 4), ("150502002", 4)]
    staff = {(m.user.username, m.role) for m in response.context["staff"]}
    assert ("street", Role.STREET_ADMIN) in staff
    assert not any(role == Role.RESIDENT for _name, role in staff)
    assert 'href="/map/?unit=150502"' in response.content.decode()


def test_unit_detail_queries_do_not_grow_with_staff(client, district_admin):
    client.force_login(district_admin)
    client.get("/units/150502/")  # warm up per-process caches
    with CaptureQueriesContext(connection) as few:
        client.get("/units/150502/")
    for n in range(5):
        make_user(f"worker{n}", (Role.GRID_WORKER, unit(f"150502001001{1 + n % 2:03d}")))
    with CaptureQueriesContext(connection) as many:
        client.get("/units/150502/")
    assert len(many) == len(few)


def test_breadcrumb_shows_only_ancestors_in_scope(client, street_admin):
    client.force_login(street_admin)
    response = client.get("/units/150502001001001/")
    assert [a.code for a in response.context["ancestors"]] == ["150502001", "150502001001"]
    assert "测试区" not in response.content.decode()  # the district is above this user's jurisdiction


def test_unit_out_of_scope_is_404_without_its_name(client, street_admin):
    client.force_login(street_admin)
    response = client.get("/units/150502002/")
    assert response.status_code == 404
    assert "第2街道" not in response.content.decode()
    assert AuditEntry.objects.filter(action="access.denied", target_id=str(unit("150502002").pk)).exists()
    assert client.get("/units/999999/").status_code == 404


def test_staff_hidden_without_view_staff(client, resident):
    client.force_login(resident)
    response = client.get("/units/150502001002001/")
    assert response.status_code == 200
    assert response.context["staff"] is None


def test_inactive_unit_is_404(client, district_admin):
    grid = unit("150502001001001")
    grid.is_active = False
    grid.save(update_fields=["is_active"])
    client.force_login(district_admin)
    assert client.get("/units/150502001001001/").status_code == 404
