"""API keys in the admin: issued with the clear key shown once, revoked by an action."""

from __future__ import annotations

import re

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.open311.keys import active_key
from gridgov.open311.models import ApiKey

pytestmark = pytest.mark.django_db

ADD = "/admin/open311/apikey/add/"


@pytest.fixture
def admin_client(client, world):
    admin = world.users[Role.DISTRICT_ADMIN]
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    client.force_login(admin)
    return client


def test_issuing_shows_the_key_once_and_stores_its_hash(admin_client, world, settings):
    settings.REQUIRE_2FA = False
    response = admin_client.post(
        ADD,
        {"name": "随手拍", "organization": "通辽", "contact": "dev@example.org", "requests_per_minute": 10},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    key = ApiKey.objects.get()
    [message] = [str(m) for m in get_messages(response.wsgi_request) if m.level == messages.WARNING]
    # The key is URL-safe base64: cut it out of the message, whatever the language around it.
    clear_key = re.search(rf"{re.escape(key.prefix)}[A-Za-z0-9_-]+", message).group(0)
    assert clear_key not in (key.key_hash, key.prefix)
    assert active_key(clear_key) == key
    assert key.requests_per_minute == 10
    assert AuditEntry.objects.filter(action="open311.key_issue").exists()


def test_revoke_action(admin_client, world, api_key, settings):
    settings.REQUIRE_2FA = False
    response = admin_client.post(
        "/admin/open311/apikey/", {"action": "revoke", "_selected_action": [api_key.pk]}
    )
    assert response.status_code == 302
    assert active_key(api_key.clear) is None


def test_staff_without_the_permission_cannot_open_keys(client, world, settings):
    settings.REQUIRE_2FA = False
    dispatcher = world.users[Role.DISPATCHER]
    dispatcher.is_staff = True
    dispatcher.save(update_fields=["is_staff"])
    client.force_login(dispatcher)
    assert client.get(ADD).status_code == 403


def test_the_command_issues_a_working_key(world, capsys):
    from django.core.management import call_command

    call_command("open311_issue_key", "--name", "CLI client", "--per-minute", "5")
    clear_key = capsys.readouterr().out.strip().rsplit(" ", 1)[-1]
    key = active_key(clear_key)
    assert key is not None and (key.name, key.requests_per_minute) == ("CLI client", 5)
