"""The tag admin: only people.manage_tags holders; a level change reaches the persons' tags."""

import pytest

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.people.models import PersonTag, Sensitivity, Tag
from gridgov.people.testing import build_registry_world

pytestmark = pytest.mark.django_db


def test_district_admin_changes_a_tag_level_and_person_tags_follow(client):
    reg = build_registry_world()
    admin = reg.users[Role.DISTRICT_ADMIN]
    assert admin.is_staff is False
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    client.force_login(admin)
    tag = Tag.objects.get(code="disabled")
    response = client.post(
        f"/admin/people/tag/{tag.pk}/change/",
        {
            "name_zh": tag.name_zh,
            "name_en": tag.name_en,
            "sensitivity": Sensitivity.RESTRICTED,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert set(PersonTag.objects.filter(tag=tag).values_list("sensitivity", flat=True)) == {
        Sensitivity.RESTRICTED
    }
    entry = AuditEntry.objects.get(action="people.tag_definition.change")
    assert entry.details["fields"] == ["sensitivity"]


def test_staff_without_the_permission_cannot_open_the_tag_admin(client):
    reg = build_registry_world()
    worker = reg.users[Role.GRID_WORKER]
    worker.is_staff = True
    worker.save(update_fields=["is_staff"])
    client.force_login(worker)
    assert client.get("/admin/people/tag/").status_code == 403
