"""rotate_field_keys re-seals the residents' phones too."""

import base64
from io import StringIO

import pytest
from django.core.management import call_command

from gridgov.people import crypto, pii
from gridgov.residents.models import RESIDENT_PHONE, ResidentProfile
from gridgov.residents.testing import make_resident


@pytest.mark.django_db
def test_rotation_reseals_resident_phones(world, settings):
    make_resident("13800000001", world.units["150502"])
    old = settings.PEOPLE_FIELD_KEYRING
    old_entries = ",".join(f"{kid}:{base64.b64encode(key).decode()}" for kid, key in old.keys.items())
    settings.PEOPLE_FIELD_KEYRING = crypto.load_keyring(f"{crypto.new_key_entry('k9')},{old_entries}")
    call_command("rotate_field_keys", stdout=StringIO())
    profile = ResidentProfile.objects.get()
    assert profile.phone_token.startswith("v1.k9.")
    assert pii.unseal(profile.phone_token, RESIDENT_PHONE) == "13800000001"
