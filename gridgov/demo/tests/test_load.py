"""manage.py demo: loading into the database, the accounts, --if-empty and refusals."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import translation

from gridgov.access.models import Department, Membership
from gridgov.audit.models import AuditEntry
from gridgov.cases.defaults.departments import DEPARTMENTS as DEFAULT_DEPARTMENTS
from gridgov.geo.index import current_version
from gridgov.geo.models import Level, OrgUnit
from gridgov.geo.topology import check_children

pytestmark = pytest.mark.django_db


def _demo(*args: str) -> str:
    # The registry only for the demo accounts' grids and no history: quick. test_registry_demo.py
    # checks the full registry, test_history.py the year of history.
    out = StringIO()
    call_command("demo", "--registry-grids", "0", "--history-days", "0", *args, stdout=out)
    return out.getvalue()


def _roles(username: str) -> set[tuple[str, str]]:
    return {
        (m.role, m.department.code if m.department_id else m.org_unit.code)
        for m in Membership.objects.filter(user__username=username).select_related("org_unit", "department")
    }


def test_loads_the_small_district_with_clean_topology():
    _demo()
    assert OrgUnit.objects.count() == 1 + 21 + 42 + 126
    assert OrgUnit.objects.filter(level=Level.STREET, kind="subdistrict").count() == 11
    district = OrgUnit.objects.get(code="150502")
    assert district.name_en == "Keerqin District"
    assert 0.9 * 2821e6 < district.area_m2 < 1.1 * 2821e6
    assert OrgUnit.objects.get(code="150502001002003").path == "150502.001.002.003"
    for unit in OrgUnit.objects.exclude(level=Level.GRID):
        assert check_children(unit) == [], unit.code
    assert current_version() >= 1
    assert Department.objects.filter(org_unit=district).count() == len(DEFAULT_DEPARTMENTS)
    entry = AuditEntry.objects.get(action="demo.load")
    assert entry.details["scale"] == "small"
    assert entry.details["seed"] == 150502


def test_each_persona_holds_its_role_where_documented():
    output = _demo("--password", "Another-Pass-99")
    street = OrgUnit.objects.get(code="150502001")
    community = street.children.order_by("code").first()
    grid, grid2 = community.children.order_by("code")[:2]
    other_grid = OrgUnit.objects.get(code="150502002001001")
    assert _roles("district_admin") == {("district_admin", "150502")}
    assert _roles("dispatcher") == {("dispatcher", "150502")}
    assert _roles("leader") == {("leader", "150502")}
    assert _roles("auditor") == {("auditor", "150502")}
    assert _roles("street_admin") == {("street_admin", street.code)}
    assert _roles("community_admin") == {("community_admin", community.code)}
    assert _roles("grid_chief") == {("grid_chief", grid.code)}
    assert _roles("grid_worker") == {("grid_worker", grid.code), ("grid_worker", grid2.code)}
    assert _roles("dept_handler") == {("department_handler", "urban_mgmt")}
    assert _roles("resident") == {("resident", grid.code)}
    assert _roles("outsider") == {("grid_worker", other_grid.code)}
    assert Membership.objects.get(user__username="dept_handler").scope_path == "150502"

    users = get_user_model().objects
    admin = users.get(username="district_admin")
    assert admin.is_staff and not admin.is_superuser
    assert not users.filter(is_superuser=True).exists()
    assert users.filter(is_staff=True).count() == 1
    assert admin.check_password("Another-Pass-99")
    assert users.get(username="outsider").check_password("Another-Pass-99")
    assert "outsider" in output and "Another-Pass-99" in output


def test_if_empty_is_idempotent_and_still_prints_the_logins():
    _demo("--if-empty")
    before = (OrgUnit.objects.count(), get_user_model().objects.count(), Membership.objects.count())
    output = _demo("--if-empty")
    assert (OrgUnit.objects.count(), get_user_model().objects.count(), Membership.objects.count()) == before
    assert AuditEntry.objects.filter(action="demo.load").count() == 1
    assert "district_admin" in output and "Keerqin-2026" in output


def test_refuses_a_loaded_database_and_changes_nothing():
    _demo()
    count = OrgUnit.objects.count()
    with translation.override("en"), pytest.raises(CommandError, match="already holds org units"):
        _demo()
    assert OrgUnit.objects.count() == count
    assert AuditEntry.objects.filter(action="demo.load").count() == 1


def test_refuses_a_weak_password_and_writes_nothing():
    with pytest.raises(CommandError, match="password"):
        _demo("--password", "short")
    assert not OrgUnit.objects.exists()
    assert not get_user_model().objects.exists()


def test_refuses_when_a_demo_username_is_taken_and_writes_nothing():
    get_user_model().objects.create_user("resident", password="Whatever-123")
    with pytest.raises(CommandError, match="resident"):
        _demo()
    assert not OrgUnit.objects.exists()
    assert not Department.objects.exists()


def test_demo_cases_stand_at_every_stage_with_their_timelines():
    from gridgov.cases.models import Case, State

    _demo()
    states = set(Case.objects.values_list("state", flat=True))
    assert {
        State.REPORTED,
        State.REGISTERED,
        State.DISPATCHED,
        State.IN_PROGRESS,
        State.HANDLED,
        State.CLOSED,
    } <= states
    for case in Case.objects.prefetch_related("timeline"):
        assert case.timeline.last().to_state == case.state
    assert Case.objects.filter(self_handled=True, state=State.HANDLED).count() == 1
    assert Case.objects.filter(rating__isnull=False).count() == 1


def test_registry_grids_fills_the_demo_accounts_grids_and_that_many_others():
    from gridgov.people.models import Building, Person

    _demo("--registry-grids", "2")
    community = OrgUnit.objects.get(code="150502001").children.order_by("code").first()
    filled = set(Person.objects.values_list("grid__code", flat=True).distinct())
    demo_grids = set(community.children.values_list("code", flat=True)) | {"150502002001001"}
    assert demo_grids <= filled
    assert len(filled - demo_grids) == 2
    assert set(Building.objects.values_list("grid__code", flat=True).distinct()) == filled
    registry = AuditEntry.objects.get(action="demo.load").details["registry"]
    assert registry["grids"] == len(filled)
    assert registry["persons"] == Person.objects.count()


def test_refuses_a_negative_number_of_registry_grids_and_writes_nothing():
    with translation.override("en"), pytest.raises(CommandError, match="registry grids"):
        _demo("--registry-grids", "-1")
    assert not OrgUnit.objects.exists()
