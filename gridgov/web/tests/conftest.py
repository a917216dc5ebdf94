import pytest

from gridgov.access.roles import Role
from gridgov.web.tests.builders import make_district, make_user, unit


@pytest.fixture
def district(db):
    """150502: 2 streets, 2 communities each, 2 grids each; and a district 150521 nobody here manages."""
    main = make_district("150502")
    make_district("150521", streets=1, communities=1, grids=1, origin=(121.0, 43.0))
    return main


@pytest.fixture
def district_admin(district):
    return make_user("admin", (Role.DISTRICT_ADMIN, district), is_staff=True, first_name="张伟")


@pytest.fixture
def street_admin(district):
    return make_user("street", (Role.STREET_ADMIN, unit("150502001")))


@pytest.fixture
def resident(district):
    return make_user("resident", (Role.RESIDENT, unit("150502001002001")))


@pytest.fixture
def auditor(district):
    return make_user("auditor", (Role.AUDITOR, district))
