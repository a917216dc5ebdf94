"""Binding a resident account to a registry person by name and ID number."""

from datetime import date, timedelta

import pytest
from django.test import Client

from gridgov.access.models import Membership
from gridgov.audit.models import AuditEntry, Outcome
from gridgov.people.identity_numbers import make_id_number
from gridgov.people.testing import CANARY_ID, OTHER_GRID_ID, SECOND_ID
from gridgov.residents import binding
from gridgov.residents.errors import ResidentError
from gridgov.residents.models import BindingAttempt, ResidentProfile
from gridgov.residents.testing import make_resident

# A valid number that the registry world does not hold.
UNKNOWN_ID = make_id_number("150502", date(1966, 6, 6), 123)


@pytest.fixture
def resident(world):
    return make_resident("13800000001", world.units["150502"], name="乌兰")


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _bind(client, name, number):
    return client.post("/resident/bind/", {"name": name, "id_number": number}, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.django_db
def test_binding_sets_person_and_moves_membership_to_the_grid(world, resident):
    response = _bind(_client(resident), "乌兰·巴特尔", CANARY_ID)
    assert response.status_code == 302 and response["Location"] == "/resident/"
    profile = ResidentProfile.objects.get(user=resident)
    assert profile.person == world.persons["head"] and profile.bound_at is not None
    membership = Membership.objects.get(user=resident)
    assert membership.org_unit.code == "150502001001001" and membership.scope_path == membership.org_unit.path
    entry = AuditEntry.objects.get(action="residents.bind", outcome=Outcome.OK)
    assert entry.actor == resident and entry.details["person"] == world.persons["head"].pk


@pytest.mark.django_db
def test_unknown_number_and_wrong_name_get_the_same_answer(world, resident):
    client = _client(resident)
    unknown = _bind(client, "乌兰巴特尔", UNKNOWN_ID)
    wrong_name = _bind(client, "王小明", CANARY_ID)
    assert unknown.status_code == wrong_name.status_code == 400
    assert unknown.context["form"].errors == wrong_name.context["form"].errors
    assert list(unknown.context["form"].errors) == ["id_number"]
    assert ResidentProfile.objects.get(user=resident).person is None
    reasons = list(
        AuditEntry.objects.filter(action="residents.bind")
        .order_by("pk")
        .values_list("outcome", "details__reason")
    )
    assert reasons == [(Outcome.DENIED, "no_match"), (Outcome.DENIED, "no_match")]


@pytest.mark.django_db
def test_malformed_number_is_told_as_such(world, resident):
    response = _bind(_client(resident), "乌兰巴特尔", "15050219510307")
    assert response.status_code == 400 and "id_number" in response.context["form"].errors
    assert not BindingAttempt.objects.exists()  # the registry was not asked


@pytest.mark.django_db
def test_person_bound_to_another_account_gets_the_neutral_answer(world, resident):
    make_resident("13800000002", world.units["150502"], person=world.persons["spouse"])
    client = _client(resident)
    taken = _bind(client, "王秀英", SECOND_ID)
    unknown = _bind(client, "王秀英", UNKNOWN_ID)
    assert taken.status_code == unknown.status_code == 400
    assert taken.context["form"].errors == unknown.context["form"].errors
    denied = AuditEntry.objects.filter(action="residents.bind", outcome=Outcome.DENIED).order_by("pk").first()
    assert denied.details == {"reason": "bound_elsewhere", "person": world.persons["spouse"].pk}


@pytest.mark.django_db
def test_tries_are_limited_per_account_and_day(world, resident, settings):
    client = _client(resident)
    for _ in range(settings.RESIDENT_BIND_DAILY_LIMIT):
        _bind(client, "某人", UNKNOWN_ID)
    response = _bind(client, "张建国", OTHER_GRID_ID)  # right this time, but over the limit
    assert response.status_code == 400
    assert response.context["form"].errors["id_number"] == [
        "Too many binding tries today. Try again tomorrow."
    ]
    assert ResidentProfile.objects.get(user=resident).person is None
    BindingAttempt.objects.update(at=BindingAttempt.objects.first().at - timedelta(days=1, minutes=1))
    assert _bind(client, "张建国", OTHER_GRID_ID).status_code == 302


@pytest.mark.django_db
def test_unbind_returns_membership_to_the_district(world, resident):
    client = _client(resident)
    _bind(client, "乌兰巴特尔", CANARY_ID)
    assert client.post("/resident/unbind/").status_code == 302
    profile = ResidentProfile.objects.get(user=resident)
    assert profile.person is None and profile.bound_at is None
    assert Membership.objects.get(user=resident).org_unit.code == "150502"
    assert AuditEntry.objects.filter(action="residents.unbind", actor=resident).count() == 1
    with pytest.raises(ResidentError) as caught:
        binding.unbind_person(resident)
    assert caught.value.code == "not_bound"


@pytest.mark.django_db
def test_bound_account_must_unbind_before_binding_again(world, resident):
    binding.bind_person(resident, name="乌兰巴特尔", id_number=CANARY_ID)
    with pytest.raises(ResidentError) as caught:
        binding.bind_person(resident, name="张建国", id_number=OTHER_GRID_ID)
    assert caught.value.code == "bound" and caught.value.field == "id_number"


@pytest.mark.django_db
def test_staff_cannot_bind(world):
    with pytest.raises(ResidentError) as caught:
        binding.bind_person(world.users["grid_worker"], name="乌兰巴特尔", id_number=CANARY_ID)
    assert caught.value.code == "not_resident"
