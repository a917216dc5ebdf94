"""The admin's "merge the two selected grids" action."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from gridgov.access.models import Membership
from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.geo.models import OrgUnit
from gridgov.geo.tests.builders import grid_block

pytestmark = pytest.mark.django_db


def staff(username, role, code):
    user = get_user_model().objects.create_user(username, password="x" * 12, is_staff=True)
    Membership.objects.create(user=user, role=role, org_unit=OrgUnit.objects.get(code=code))
    return user


@pytest.fixture
def block():
    grid_block(columns=3, rows=1)


def merge(client, *codes):
    ids = [OrgUnit.objects.get(code=code).pk for code in codes]
    with translation.override("en"):
        response = client.post(
            reverse("admin:geo_orgunit_changelist"),
            {"action": "merge_two_grids", "_selected_action": ids},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    return response, [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def test_merge_keeps_the_lower_code(client, block):
    client.force_login(staff("chief", Role.DISTRICT_ADMIN, "150502"))
    response, notes = merge(client, "150502001001002", "150502001001001")
    assert response.status_code == 302
    assert notes == [("success", "Merged 150502001001002 into 150502001001001.")]
    absorbed = OrgUnit.objects.get(code="150502001001002")
    assert absorbed.merged_into.code == "150502001001001" and not absorbed.is_active
    entry = AuditEntry.objects.get(action="geo.merge")
    assert entry.actor.username == "chief"


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        (("150502001001001", "150502001001003"), "The grids must share a border to be merged."),
        (("150502001001001",), "Select exactly two grids to merge."),
        (("150502001001", "150502001001001"), "Only an active grid with a boundary can be split or merged."),
    ],
    ids=["apart", "one", "not-a-grid"],
)
def test_merge_errors_are_messages_and_change_nothing(client, block, codes, message):
    client.force_login(staff("chief", Role.DISTRICT_ADMIN, "150502"))
    before = list(OrgUnit.objects.order_by("pk").values())
    response, notes = merge(client, *codes)
    assert response.status_code == 302
    assert notes == [("error", message)]
    assert list(OrgUnit.objects.order_by("pk").values()) == before
    assert not AuditEntry.objects.filter(action="geo.merge").exists()


def test_action_needs_edit_units(client, block):
    client.force_login(staff("worker", Role.GRID_WORKER, "150502001001001"))
    response = client.get(reverse("admin:geo_orgunit_changelist"))
    assert response.status_code == 200
    assert "merge_two_grids" not in response.context["action_form"].fields["action"].choices.__repr__()
    merge(client, "150502001001001", "150502001001002")
    assert OrgUnit.objects.get(code="150502001001002").is_active
