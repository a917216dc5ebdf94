"""Small builders for the audit tests."""

from django.contrib.auth import get_user_model

from gridgov.access.models import Membership
from gridgov.geo.models import OrgUnit

PASSWORD = "Correct-Horse-42"


def make_user(username: str, role: str | None = None):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    if role:
        district, _ = OrgUnit.objects.get_or_create(
            code="150502", defaults={"level": 1, "kind": "district", "path": "150502", "name_zh": "科尔沁区"}
        )
        Membership.objects.create(user=user, role=role, org_unit=district)
    return user
