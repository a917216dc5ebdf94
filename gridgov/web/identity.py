"""Who the signed-in user is, for display: roles and where they hold them."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language

from gridgov.access.roles import Role
from gridgov.access.scope import memberships_of


@dataclass(frozen=True)
class Post:
    """One membership as shown to its holder: role label and the unit or department."""

    role: str
    role_label: str
    place: str
    org_unit_code: str | None
    department_id: int | None


def posts_of(user) -> list[Post]:
    language = get_language()
    posts = []
    for membership in memberships_of(user):
        if membership.department_id:
            department = membership.department
            english = language.startswith("en") and department.name_en
            place = department.name_en if english else department.name_zh
        else:
            place = membership.org_unit.name_for(language)
        posts.append(
            Post(
                role=membership.role,
                role_label=str(Role(membership.role).label),
                place=place,
                org_unit_code=membership.org_unit.code if membership.org_unit_id else None,
                department_id=membership.department_id,
            )
        )
    return posts
