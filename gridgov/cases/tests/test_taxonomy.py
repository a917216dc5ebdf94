"""The default taxonomy: loading, time-limit lookups, handler suggestions, the command and the admin."""

from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import path, reverse
from django.utils import translation

from gridgov import urls as project_urls
from gridgov.access.models import Department, Membership
from gridgov.access.roles import Role
from gridgov.access.testing import build_units
from gridgov.audit.models import AuditEntry
from gridgov.cases import admin_taxonomy  # noqa: F401  (registers the taxonomy admin)
from gridgov.cases.defaults.categories import CATEGORIES
from gridgov.cases.taxonomy import Category, LimitUnit, ResponsibilityRule, Stage, TimeLimit, Urgency
from gridgov.cases.taxonomy_services import LimitTable, load_defaults, suggest_handler, time_limit

pytestmark = pytest.mark.django_db

GRID = "150502001001001"  # street 001 of district 150502
OTHER_STREET_GRID = "150502002001001"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def units():
    return build_units()


@pytest.fixture
def loaded(units):
    load_defaults(units["150502"])
    return units


def snapshot():
    return (
        list(Category.objects.order_by("code").values()),
        list(TimeLimit.objects.order_by("pk").values()),
        list(Department.objects.order_by("code").values()),
        list(ResponsibilityRule.objects.order_by("pk").values()),
    )


def run(*args):
    out = StringIO()
    call_command("load_taxonomy", *args, stdout=out)
    return out.getvalue()


# --- Loading ---------------------------------------------------------------------------------------


def test_loading_twice_changes_nothing_the_second_time(units):
    first = load_defaults(units["150502"])
    assert first["categories_created"] == Category.objects.count() > 100
    before = snapshot()
    second = load_defaults(units["150502"])
    assert set(second.values()) == {0}
    assert snapshot() == before
    assert AuditEntry.objects.filter(action="cases.taxonomy_load").count() == 2


def test_loading_keeps_admin_edits_and_update_restores_them(loaded):
    pothole = Category.objects.get(code="0201")
    pothole.name_zh = "坑"
    pothole.save(update_fields=["name_zh"])
    limit = TimeLimit.objects.get(category__code="02", urgency=Urgency.NORMAL, stage=Stage.HANDLE)
    limit.amount = 9
    limit.save(update_fields=["amount"])
    rule = ResponsibilityRule.objects.get(category__code="02", area=loaded["150502"])
    rule.department = Department.objects.get(code="urban_mgmt")
    rule.save(update_fields=["department"])

    assert load_defaults(loaded["150502"])["categories_updated"] == 0
    assert Category.objects.get(code="0201").name_zh == "坑"

    counts = load_defaults(loaded["150502"], update=True)
    assert (counts["categories_updated"], counts["limits_updated"], counts["rules_created"]) == (1, 1, 0)
    assert Category.objects.get(code="0201").name_zh == "路面坑洼破损"
    limit.refresh_from_db()
    assert (limit.amount, limit.unit) == (5, "days")
    # The responsibility list is a local decision: --update leaves it as edited.
    rule.refresh_from_db()
    assert rule.department.code == "urban_mgmt"


def test_every_category_has_every_limit_directly_or_inherited(loaded):
    table = LimitTable.load()
    categories = list(Category.objects.all())
    assert len(categories) == len(CATEGORIES) + sum(len(c.children) for c in CATEGORIES)
    for category in categories:
        for urgency in Urgency.values:
            for stage in Stage.values:
                limit = time_limit(category, urgency, stage, table=table)
                assert limit is not None, (category.code, urgency, stage)
                assert limit[0] > 0 and limit[1] in LimitUnit.values
    # A more urgent case never gets more time to be handled.
    for category in categories:
        handle = [time_limit(category, u, Stage.HANDLE, table=table) for u in Urgency.values]
        hours = [amount * (8 if unit == LimitUnit.WORKING_DAYS else 1) for amount, unit in handle]
        assert hours == sorted(hours, reverse=True), category.code


def test_privacy_and_escalation_flags(loaded):
    private = set(Category.objects.filter(is_public=False, parent=None).values_list("code", flat=True))
    assert private == {"09", "10", "14"}
    # Sub-categories of a private category are private; persons' epidemic reports too.
    assert not Category.objects.filter(parent__is_public=False, is_public=True).exists()
    assert not Category.objects.get(code="1501").is_public
    assert Category.objects.get(code="1503").is_public
    escalating = set(Category.objects.filter(auto_escalate=True, parent=None).values_list("code", flat=True))
    assert escalating == {"11", "12", "16"}


def test_every_category_has_a_district_rule_to_a_district_department(loaded):
    district = loaded["150502"]
    grid = loaded[GRID]
    for category in Category.objects.all():
        rule = suggest_handler(category, grid)
        assert rule is not None, category.code
        assert rule.area == district
        assert rule.department.org_unit == district
    assert suggest_handler(Category.objects.get(code="0904"), grid).department.code == "human_resources"


def test_a_second_district_gets_its_own_departments_and_rules(loaded):
    counts = load_defaults(loaded["150521"])
    assert (counts["categories_created"], counts["departments_created"]) == (0, 12)
    theirs = Department.objects.get(code="urban_mgmt_150521")
    assert theirs.org_unit == loaded["150521"]
    assert Department.objects.get(code="urban_mgmt").org_unit == loaded["150502"]
    rule = suggest_handler(Category.objects.get(code="0301"), loaded["150521001001001"])
    assert rule.department == theirs


# --- Time limits -----------------------------------------------------------------------------------


def test_time_limit_uses_the_sub_category_then_its_parent(loaded):
    pothole = Category.objects.get(code="0201")
    manhole = Category.objects.get(code="0101")
    assert time_limit(pothole, Urgency.NORMAL, Stage.HANDLE) == (5, "days")
    assert time_limit(pothole, Urgency.CRITICAL, Stage.HANDLE) == (4, "hours")
    # Its own limit: an open manhole is an emergency, made safe within 24 hours, nights included.
    assert time_limit(manhole, Urgency.NORMAL, Stage.HANDLE) == (24, "clock_hours")

    TimeLimit.objects.create(
        category=pothole, urgency=Urgency.NORMAL, stage=Stage.HANDLE, amount=3, unit="days"
    )
    assert time_limit(pothole, Urgency.NORMAL, Stage.HANDLE) == (3, "days")
    TimeLimit.objects.filter(category=pothole).delete()  # a queryset delete sends the signals too
    assert time_limit(pothole, Urgency.NORMAL, Stage.HANDLE) == (5, "days")

    other = Category.objects.create(code="99", name_zh="无时限")
    assert time_limit(other, Urgency.NORMAL, Stage.HANDLE) is None


def test_time_limit_needs_no_query_once_the_table_is_loaded(loaded, django_assert_num_queries):
    categories = list(Category.objects.all())
    time_limit(categories[0], Urgency.NORMAL, Stage.REGISTER)
    with django_assert_num_queries(0):
        for category in categories:
            time_limit(category, Urgency.URGENT, Stage.VERIFY)


# --- Suggested handler ---------------------------------------------------------------------------


def _rule(code, area, department):
    return ResponsibilityRule.objects.create(
        category=Category.objects.get(code=code), area=area, department=department
    )


def test_suggest_handler_prefers_the_deepest_area_then_the_sub_category(loaded, django_assert_num_queries):
    manhole = Category.objects.get(code="0101")
    grid, street, other = loaded[GRID], loaded["150502001"], loaded[OTHER_STREET_GRID]
    housing = Department.objects.get(code="housing")
    utilities = Department.objects.get(code="utilities")

    district_sub = _rule("0101", loaded["150502"], housing)
    street_category = _rule("01", street, utilities)
    with django_assert_num_queries(1):
        assert suggest_handler(manhole, grid) == street_category  # deeper area beats the sub-category
    assert suggest_handler(manhole, other) == district_sub

    street_sub = ResponsibilityRule.objects.create(category=manhole, area=street, handling_unit=street)
    assert suggest_handler(manhole, grid) == street_sub

    street_sub.is_active = False
    street_sub.save(update_fields=["is_active"])
    assert suggest_handler(manhole, grid) == street_category
    utilities.is_active = False
    utilities.save(update_fields=["is_active"])
    assert suggest_handler(manhole, grid) == district_sub


def test_suggest_handler_ignores_other_districts(loaded):
    assert suggest_handler(Category.objects.get(code="0301"), loaded["150521001001001"]) is None


# --- The command --------------------------------------------------------------------------------


def test_command_loads_prints_counts_and_is_idempotent(units):
    output = run("--district", "150502")
    assert "categories_created\t116" in output
    assert "rules_created\t29" in output
    assert "categories_created\t0" in run("--district", "150502")
    assert "limits_updated\t0" in run("--district", "150502", "--update")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--district", "159999"], "--district: no org unit has the code 159999."),
        (["--district", "150502001"], "--district: 150502001 is not a district."),
        ([], "--district: there are several districts"),
    ],
)
def test_command_names_a_bad_district_and_changes_nothing(units, args, message):
    with pytest.raises(CommandError) as raised:
        run(*args)
    assert message in str(raised.value)
    assert not Category.objects.exists() and not Department.objects.exists()
    assert not AuditEntry.objects.filter(action="cases.taxonomy_load").exists()


def test_command_takes_the_only_district_when_none_is_named(units):
    # The test world has two districts: drop the second.
    for code in ("150521001001001", "150521001001", "150521001", "150521"):
        units[code].delete()
    assert "categories_created\t116" in run()
    entry = AuditEntry.objects.get(action="cases.taxonomy_load")
    assert entry.details["district"] == "150502" and entry.details["rules_created"] == 29


# --- Admin ------------------------------------------------------------------------------------------


# The project's URLs behind an admin that surely has our models, so these tests do not
# depend on when gridgov/cases/admin.py imports admin_taxonomy.
urlpatterns = [path("admin/", admin.site.urls), *project_urls.urlpatterns]
admin_urls = pytest.mark.urls(__name__)


def _staff(username, role, unit):
    user = get_user_model().objects.create_user(username, password="x" * 12, is_staff=True)
    Membership.objects.create(user=user, role=role, org_unit=unit)
    return user


@admin_urls
def test_admin_edits_limits_with_an_audit_entry(client, loaded):
    client.force_login(_staff("boss", Role.DISTRICT_ADMIN, loaded["150502"]))
    roads = Category.objects.get(code="02")
    limits = list(roads.limits.order_by("pk"))
    url = reverse("admin:cases_category_change", args=[roads.pk])
    assert client.get(url).status_code == 200
    data = {
        "name_zh": roads.name_zh,
        "name_en": roads.name_en,
        "is_public": "on",
        "is_active": "on",
        "limits-TOTAL_FORMS": str(len(limits)),
        "limits-INITIAL_FORMS": str(len(limits)),
        "limits-MIN_NUM_FORMS": "0",
        "limits-MAX_NUM_FORMS": "1000",
    }
    for i, limit in enumerate(limits):
        data.update(
            {
                f"limits-{i}-id": str(limit.pk),
                f"limits-{i}-category": str(roads.pk),
                f"limits-{i}-urgency": limit.urgency,
                f"limits-{i}-stage": limit.stage,
                f"limits-{i}-amount": str(limit.amount),
                f"limits-{i}-unit": limit.unit,
            }
        )
    first = limits[0]
    data["limits-0-amount"] = "7"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    first.refresh_from_db()
    assert first.amount == 7
    entries = AuditEntry.objects.filter(action="cases.taxonomy_change", target_id=str(roads.pk))
    assert [e.details.get("limits") for e in entries if "limits" in e.details] == [
        [{"urgency": first.urgency, "stage": first.stage, "amount": 7, "unit": first.unit}]
    ]
    assert time_limit(roads, first.urgency, first.stage) == (7, first.unit)


@admin_urls
def test_admin_rejects_a_sub_category_code_that_does_not_fit_its_parent(client, loaded):
    client.force_login(_staff("boss", Role.DISTRICT_ADMIN, loaded["150502"]))
    response = client.post(
        reverse("admin:cases_category_add"),
        {
            "code": "0399",
            "parent": str(Category.objects.get(code="02").pk),
            "name_zh": "错",
            "is_public": "on",
            "is_active": "on",
            "limits-TOTAL_FORMS": "0",
            "limits-INITIAL_FORMS": "0",
            "limits-MIN_NUM_FORMS": "0",
            "limits-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert not Category.objects.filter(code="0399").exists()


@admin_urls
def test_admin_rules_stay_inside_the_jurisdiction(client, loaded):
    load_defaults(loaded["150521"])
    client.force_login(_staff("boss", Role.DISTRICT_ADMIN, loaded["150502"]))
    response = client.get(reverse("admin:cases_responsibilityrule_changelist"))
    assert response.status_code == 200
    assert {r.area.code for r in response.context["cl"].result_list} == {"150502"}

    before = ResponsibilityRule.objects.count()
    response = client.post(
        reverse("admin:cases_responsibilityrule_add"),
        {
            "category": str(Category.objects.get(code="0301").pk),
            "area": str(loaded["150521001"].pk),
            "department": str(Department.objects.get(code="urban_mgmt").pk),
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) >= {"area", "department"}
    assert ResponsibilityRule.objects.count() == before

    response = client.post(
        reverse("admin:cases_responsibilityrule_add"),
        {
            "category": str(Category.objects.get(code="0301").pk),
            "area": str(loaded["150502001"].pk),
            "department": str(Department.objects.get(code="urban_mgmt").pk),
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    rule = ResponsibilityRule.objects.latest("pk")
    assert AuditEntry.objects.filter(action="cases.taxonomy_change", target_id=str(rule.pk)).exists()
    assert suggest_handler(Category.objects.get(code="0301"), loaded[GRID]) == rule


@admin_urls
def test_admin_is_closed_to_roles_without_the_permission(client, loaded):
    client.force_login(_staff("worker", Role.GRID_WORKER, loaded[GRID]))
    assert client.get(reverse("admin:cases_category_changelist")).status_code == 403
    assert client.get(reverse("admin:cases_responsibilityrule_changelist")).status_code == 403
