"""The offline bundle: only the worker's own grids, identifiers masked, sections from other apps."""

from __future__ import annotations

import json

import pytest

from gridgov.access.roles import Role
from gridgov.access.testing import make_user
from gridgov.cases.models import Category
from gridgov.fieldapp import bundle
from gridgov.fieldapp.testing import field_client
from gridgov.people.testing import CANARIES, build_registry_world

pytestmark = pytest.mark.django_db

BUNDLE_URL = "/field/api/bundle/"


@pytest.fixture
def reg():
    reg = build_registry_world()
    roads = Category.objects.create(code="02", name_zh="道路", name_en="Roads")
    Category.objects.create(code="0201", parent=roads, name_zh="路面坑洼", name_en="Pothole")
    Category.objects.create(code="0202", parent=roads, name_zh="旧类别", name_en="Retired", is_active=False)
    return reg


def test_a_worker_of_grid_1_gets_grid_1_only(reg):
    answer = field_client(reg.users[Role.GRID_WORKER]).get(BUNDLE_URL).json()
    assert [g["code"] for g in answer["grids"]] == ["150502001001001"]
    assert answer["user"] == "grid_worker"
    assert answer["grids"][0]["outline"]["type"] == "Polygon"
    assert [h["number"] for h in answer["households"]] == ["H-A101"]
    assert [b["name"] for b in answer["buildings"]] == ["和平小区1号楼"]
    assert answer["households"][0]["member_count"] == 2
    assert sorted(m["name"] for m in answer["households"][0]["members"]) == ["乌兰巴特尔", "王秀英"]


def test_a_worker_of_grid_2_never_receives_grid_1_households(reg):
    other = make_user("grid2_worker", Role.GRID_WORKER, reg.units["150502001001002"])
    answer = field_client(other).get(BUNDLE_URL).json()
    assert [g["code"] for g in answer["grids"]] == ["150502001001002"]
    assert answer["households"] == []
    assert [b["name"] for b in answer["buildings"]] == ["和平小区9号楼"]
    assert "H-A101" not in json.dumps(answer, ensure_ascii=False)


def test_a_community_admin_gets_the_grids_of_the_community(reg):
    answer = field_client(reg.users[Role.COMMUNITY_ADMIN]).get(BUNDLE_URL).json()
    assert [g["code"] for g in answer["grids"]] == ["150502001001001", "150502001001002"]


def test_no_clear_identifier_is_in_the_bundle(reg):
    text = field_client(reg.users[Role.GRID_WORKER]).get(BUNDLE_URL).content.decode()
    for canary in CANARIES:
        assert canary not in text


def test_categories_are_two_levels_active_only_in_the_users_language(reg):
    client = field_client(reg.users[Role.GRID_WORKER])
    assert client.get(BUNDLE_URL).json()["categories"] == [
        {"code": "02", "name": "Roads", "children": [{"code": "0201", "name": "Pothole"}]}
    ]
    chinese = client.get(BUNDLE_URL, HTTP_ACCEPT_LANGUAGE="zh-hans").json()["categories"]
    assert chinese[0]["children"][0]["name"] == "路面坑洼"


def test_the_version_changes_with_the_content_and_sections_come_from_other_apps(reg):
    client = field_client(reg.users[Role.GRID_WORKER])
    first = client.get(BUNDLE_URL).json()
    assert first["version"] == client.get(BUNDLE_URL).json()["version"]
    assert first["generated_at"]
    bundle.register("test_section", lambda user: [{"title": f"visit for {user.get_username()}"}])
    try:
        second = client.get(BUNDLE_URL).json()
    finally:
        bundle.unregister("test_section")
    assert second["test_section"] == [{"title": "visit for grid_worker"}]
    assert second["version"] != first["version"]


def test_reserved_section_names_cannot_be_taken():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        bundle.register("households", lambda user: [])


def test_residents_get_no_bundle(reg):
    assert field_client(reg.users[Role.RESIDENT]).get(BUNDLE_URL).status_code == 403
