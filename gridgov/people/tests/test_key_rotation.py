"""Rotating the field key: every token moves to the new key, values and lookups unchanged."""

import base64
from io import StringIO

import pytest
from django.core.management import call_command

from gridgov.access.roles import Role
from gridgov.people import crypto, pii
from gridgov.people.models import Organization, Person
from gridgov.people.search import PersonQuery, search_persons
from gridgov.people.testing import CANARY_CONTACT_PHONE, CANARY_ID, build_registry_world

pytestmark = pytest.mark.django_db


def test_rotation_moves_every_token_to_the_new_key(settings):
    reg = build_registry_world()
    old = settings.PEOPLE_FIELD_KEYRING
    new_entry = crypto.new_key_entry("k9")
    old_entries = ",".join(f"{kid}:{base64.b64encode(key).decode()}" for kid, key in old.keys.items())
    settings.PEOPLE_FIELD_KEYRING = crypto.load_keyring(f"{new_entry},{old_entries}")

    out = StringIO()
    call_command("rotate_field_keys", "--check", stdout=out)
    assert "still under key k1" in out.getvalue()

    out = StringIO()
    call_command("rotate_field_keys", "--batch", "2", stdout=out)
    assert "every token is under the current key" in out.getvalue()
    tokens = [t for row in Person.objects.values_list("id_number_token", "phone_token") for t in row if t]
    tokens += [t for t in Organization.objects.values_list("contact_phone_token", flat=True) if t]
    assert tokens and all(t.startswith("v1.k9.") for t in tokens)

    head = Person.objects.get(pk=reg.persons["head"].pk)
    assert pii.unseal(head.id_number_token, pii.ID_NUMBER) == CANARY_ID
    shop = Organization.objects.get(pk=reg.organizations["shop"].pk)
    assert pii.unseal(shop.contact_phone_token, pii.CONTACT_PHONE) == CANARY_CONTACT_PHONE
    # The keyed hash does not depend on the field key: exact search still finds the person.
    assert [p.pk for p in search_persons(reg.users[Role.DISTRICT_ADMIN], PersonQuery(text=CANARY_ID))] == [
        head.pk
    ]
