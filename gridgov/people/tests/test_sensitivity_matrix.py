"""The sensitivity matrix: each tag level × each role → visible or not, exactly as the policy says."""

import pytest

from gridgov.access.policy import roles_with
from gridgov.access.roles import Role
from gridgov.people import services
from gridgov.people.models import PersonTag, Sensitivity, Tag
from gridgov.people.search import PersonQuery, search_persons
from gridgov.people.testing import build_registry_world
from gridgov.people.visibility import LEVEL_PERMISSION, visible_tags

pytestmark = pytest.mark.django_db

# One tag per level, all on a person of grid 150502001001001, where every persona's
# jurisdiction (if any) reaches.
TAG_OF_LEVEL = {
    Sensitivity.GENERAL: "veteran",
    Sensitivity.SENSITIVE: "low_income",
    Sensitivity.RESTRICTED: "drug_rehabilitation",
}


@pytest.fixture(scope="module")
def expected():
    return {
        (role, level): role in roles_with(LEVEL_PERMISSION[level]) and role != Role.DEPARTMENT_HANDLER
        for role in Role
        for level in Sensitivity
    }


@pytest.mark.parametrize("role", list(Role))
def test_each_level_is_visible_exactly_to_the_roles_the_policy_names(role, expected):
    reg = build_registry_world()
    person = reg.persons["head"]
    for code in TAG_OF_LEVEL.values():
        services.add_tag(person, Tag.objects.get(code=code), actor=reg.users[Role.DISTRICT_ADMIN])
    user = reg.users[role]
    tags = visible_tags(user, PersonTag.objects.filter(person=person))
    seen = set(tags.values_list("tag__code", flat=True))
    for level, code in TAG_OF_LEVEL.items():
        assert (code in seen) == expected[(role, level)], (role, level)
        # Searching by the tag finds the person exactly when the tag is visible.
        found = [p.pk for p in search_persons(user, PersonQuery(tag=code))]
        assert (person.pk in found) == expected[(role, level)], (role, level, "search")


def test_the_matrix_is_not_trivial(expected):
    assert expected[(Role.GRID_CHIEF, Sensitivity.RESTRICTED)] is True
    assert expected[(Role.GRID_WORKER, Sensitivity.RESTRICTED)] is False
    assert expected[(Role.GRID_WORKER, Sensitivity.SENSITIVE)] is True
    assert expected[(Role.DISPATCHER, Sensitivity.SENSITIVE)] is False
    assert not any(expected[(Role.LEADER, level)] for level in Sensitivity)
    assert not any(expected[(Role.RESIDENT, level)] for level in Sensitivity)
