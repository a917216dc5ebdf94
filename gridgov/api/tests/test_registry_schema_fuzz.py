"""Schemathesis on the registry operations with real records in the path: generated bodies,
headers and parameters sent by a community admin (who may read, write, reveal and verify) never
cause a server error, every answer matches the OpenAPI schema, and none carries a clear
identifier other than a reveal's own value.

Unlike test_cases_schema_fuzz.py the requests go to the WSGI application in-process, inside the
test's transaction: no live server and no table flush per operation, which keeps the 30-odd
operations within a minute.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from gridgov.access.roles import Role
from gridgov.people.testing import CANARIES, build_registry_world

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True)).include(
    path_regex=r"^/api/v1/registry/"
)

# The coverage phase (every boundary and every wrong type of every field, deterministically)
# takes four times as long as the rest; GRIDGOV_FUZZ_COVERAGE=1 adds it, as before a release.
schema.config.phases.update(
    phases=["examples", "fuzzing", *(["coverage"] if os.environ.get("GRIDGOV_FUZZ_COVERAGE") else [])]
)

pytestmark = pytest.mark.django_db

# The record each kind of path is sent to (attribute and key of people.testing.RegistryWorld).
TARGETS = {
    "persons": ("persons", "head"),
    "households": ("households", "a101"),
    "buildings": ("buildings", "a"),
    "houses": ("houses", "a101"),
    "organizations": ("organizations", "shop"),
}
APP = WSGIHandler()


@pytest.fixture
def target(db):
    # Requests run in the test's transaction: the connection must outlive each of them, as the
    # Django test client arranges for its own requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    reg = build_registry_world()
    ids = {kind: getattr(reg, records)[key].pk for kind, (records, key) in TARGETS.items()}
    yield ids, Token.objects.create(user=reg.users[Role.COMMUNITY_ADMIN]).key
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_registry_operations_conform_to_the_schema(case, target):
    ids, token = target
    kind = case.path.split("/")[4]
    if case.path_parameters and "id" in case.path_parameters and kind in ids:
        case.path_parameters["id"] = ids[kind]  # components: the world has none, an unknown id
    response = case.call(app=APP, headers={"Authorization": f"Token {token}"})
    assert response.status_code < 500, response.text
    case.validate_response(response, excluded_checks=[ignored_auth, positive_data_acceptance])
    if not case.path.endswith("/reveal/"):
        assert not [canary for canary in CANARIES if canary in response.text]
