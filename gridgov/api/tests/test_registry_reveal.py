"""POST persons/{id}/reveal/ and organizations/{id}/reveal/: the clear value for a stated
reason, never cached, audited (refusals too), rate limited, and refused to those who may not."""

from __future__ import annotations

import pytest

from gridgov.access.roles import Role
from gridgov.api.tests.registry_world import BASE, OTHER_GRID, OUTSIDERS, build, client_for
from gridgov.audit.models import AuditEntry, Outcome
from gridgov.people.testing import CANARY_CONTACT_PHONE, CANARY_ID, CANARY_PHONE

pytestmark = pytest.mark.django_db

R = Role
REASON = "核对低保申请材料"


@pytest.fixture
def reg():
    return build()


def reveal(reg, role, person_key: str = "head", **body):
    url = f"{BASE}/persons/{reg.persons[person_key].pk}/reveal/"
    return client_for(reg.users[role]).post(url, body, format="json")


def reveals(user, outcome: str = Outcome.OK):
    return AuditEntry.objects.filter(actor=user, action="people.reveal", outcome=outcome)


def test_the_value_is_revealed_for_a_reason_audited_and_never_cached(reg):
    response = reveal(reg, R.GRID_WORKER, field="id_number", reason=REASON)
    assert response.status_code == 200, response.data
    assert response.data == {"field": "id_number", "value": CANARY_ID, "reveals_left": 29}
    assert response["Cache-Control"] == "no-store"
    entry = reveals(reg.users[R.GRID_WORKER]).get()
    assert entry.target_id == str(reg.persons["head"].pk)
    assert entry.details == {"field": "id_number", "reason": REASON}
    assert CANARY_ID not in str(entry.details)
    phone = reveal(reg, R.GRID_WORKER, field="phone", reason=REASON)
    assert phone.data["value"] == CANARY_PHONE and phone.data["reveals_left"] == 28


def test_organization_contact_phone(reg):
    shop = reg.organizations["shop"]
    client = client_for(reg.users[R.COMMUNITY_ADMIN])
    url = f"{BASE}/organizations/{shop.pk}/reveal/"
    response = client.post(url, {"field": "contact_phone", "reason": REASON}, format="json")
    assert response.status_code == 200 and response.data["value"] == CANARY_CONTACT_PHONE
    wrong = client.post(url, {"field": "id_number", "reason": REASON}, format="json")
    assert wrong.status_code == 400 and list(wrong.data) == ["field"]


@pytest.mark.parametrize("reason", ["", "看看", "   "])
def test_a_reason_is_required(reg, reason):
    response = reveal(reg, R.GRID_WORKER, field="id_number", reason=reason)
    assert response.status_code == 400 and list(response.data) == ["reason"]
    assert response["Cache-Control"] == "no-store"
    assert CANARY_ID not in response.content.decode()
    assert not reveals(reg.users[R.GRID_WORKER]).exists()


def test_the_dispatcher_reads_masked_but_may_not_reveal_and_the_attempt_is_audited(reg):
    response = reveal(reg, R.DISPATCHER, field="id_number", reason=REASON)
    assert response.status_code == 403
    assert response["Cache-Control"] == "no-store"
    assert CANARY_ID not in response.content.decode()
    assert reveals(reg.users[R.DISPATCHER], Outcome.DENIED).count() == 1


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_roles_without_the_registry_get_403(reg, persona):
    response = reveal(reg, persona, field="id_number", reason=REASON)
    assert response.status_code == 403
    assert CANARY_ID not in response.content.decode()


def test_a_person_elsewhere_answers_404(reg):
    response = reveal(reg, OTHER_GRID, field="id_number", reason=REASON)
    assert response.status_code == 404
    assert CANARY_ID not in response.content.decode()
    assert not reveals(reg.users[OTHER_GRID]).exists()


def test_reveals_are_rate_limited(reg, settings):
    settings.PEOPLE_REVEALS_PER_HOUR = 2
    for left in (1, 0):
        response = reveal(reg, R.GRID_CHIEF, field="phone", reason=REASON)
        assert response.status_code == 200 and response.data["reveals_left"] == left
    refused = reveal(reg, R.GRID_CHIEF, field="id_number", reason=REASON)
    assert refused.status_code == 429
    assert refused.data["code"] == "rate_limited"
    assert refused["Cache-Control"] == "no-store"
    assert CANARY_ID not in refused.content.decode()
    assert reveals(reg.users[R.GRID_CHIEF]).count() == 2
    assert reveals(reg.users[R.GRID_CHIEF], Outcome.DENIED).count() == 1
    # Another user's allowance is their own.
    assert reveal(reg, R.GRID_WORKER, field="phone", reason=REASON).status_code == 200
