"""Schemathesis on the case operations with a real case in the path: generated bodies, headers and
parameters sent to an existing case by a community admin (who may register, dispatch and close it)
never cause a server error, and every answer matches the OpenAPI schema."""

from __future__ import annotations

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from gridgov.access.roles import Role
from gridgov.cases.testing import build_case_world, report

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True)).include(
    path_regex=r"^/api/v1/(cases|categories|departments)/"
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def target(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_case_world()
    case = report(world)
    return case.number, Token.objects.create(user=world.users[Role.COMMUNITY_ADMIN]).key


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_case_operations_conform_to_the_schema(case, live_server, target):
    number, token = target
    if case.path_parameters and "number" in case.path_parameters:
        case.path_parameters["number"] = number
    response = case.call(base_url=live_server.url, headers={"Authorization": f"Token {token}"})
    assert response.status_code < 500, response.text
    case.validate_response(response, excluded_checks=[ignored_auth, positive_data_acceptance])
