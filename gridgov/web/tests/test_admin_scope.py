"""The access admin shows a district admin only the memberships and users of their district."""

import pytest

from gridgov.access.roles import Role
from gridgov.web.tests.builders import make_user, unit

pytestmark = pytest.mark.django_db


def test_membership_and_user_admin_are_scoped(client, district_admin):
    make_user("local", (Role.STREET_ADMIN, unit("150502001")))
    make_user("elsewhere", (Role.STREET_ADMIN, unit("150521001")))
    client.force_login(district_admin)
    memberships = client.get("/admin/access/membership/")
    assert memberships.status_code == 200
    shown = {m.user.username for m in memberships.context["cl"].result_list}
    assert shown == {"admin", "local"}
    users = client.get("/admin/auth/user/")
    assert {u.username for u in users.context["cl"].result_list} == {"admin", "local"}
    other = client.get(f"/admin/auth/user/{unit('150521001').memberships.get().user_id}/change/")
    assert other.status_code == 302  # Django's admin redirects an unknown object to the index


def test_staff_without_manage_users_cannot_open_the_access_admin(client, district):
    clerk = make_user("clerk", (Role.STREET_ADMIN, unit("150502001")), is_staff=True)
    client.force_login(clerk)
    assert client.get("/admin/access/membership/").status_code == 403
