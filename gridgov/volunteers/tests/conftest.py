import pytest

from gridgov.volunteers.testing import build_volunteer_world


@pytest.fixture
def world(db):
    return build_volunteer_world()
