"""Sending, counting, reading notifications, and the inbox page."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from gridgov.access.testing import make_user
from gridgov.inbox.models import Notification
from gridgov.inbox.services import Message, mark_read, notify, notify_many, unread_count

pytestmark = [pytest.mark.django_db, pytest.mark.urls("gridgov.inbox.tests.urls")]


@pytest.fixture
def ann():
    return make_user("ann", email="ann@example.org")


@pytest.fixture
def bob():
    return make_user("bob")  # no e-mail address


def test_notify_writes_inbox_rows_and_mails_those_with_an_address(
    ann, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        written = notify([ann, bob.pk, ann], kind="test", title="Hello", body="Body")
    assert written == 2  # ann once
    assert (unread_count(ann), unread_count(bob)) == (1, 1)
    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [(["ann@example.org"], "Hello", "Body")]


def test_e_mail_waits_for_the_commit(ann, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify([ann], kind="test", title="Hello")
    assert mail.outbox == [] and len(callbacks) == 1


def test_several_messages_make_one_e_mail_per_recipient(ann, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify_many([Message([ann], "a", "First"), Message([ann], "b", "Second")])
    (message,) = mail.outbox
    assert "First" in message.body and "Second" in message.body


def test_a_failure_is_logged_not_raised(ann, caplog):
    assert notify([ann], kind="test", title=None) == 0  # type: ignore[arg-type]
    assert Notification.objects.count() == 0
    assert "Writing notifications failed" in caplog.text


def test_mark_read_touches_only_ones_own(ann, bob):
    notify([ann, bob], kind="test", title="Hello")
    notify([ann], kind="test", title="Again")
    bobs = Notification.objects.get(recipient=bob)
    assert mark_read(ann, [bobs.pk]) == 0
    assert mark_read(ann) == 2
    assert (unread_count(ann), unread_count(bob)) == (0, 1)


def test_the_inbox_page_lists_and_marks_read(client, ann, bob):
    notify([ann], kind="test", title="For Ann")
    notify([bob], kind="test", title="For Bob")
    client.force_login(ann)
    page = client.get(reverse("inbox")).content.decode()
    assert "For Ann" in page and "For Bob" not in page

    mine = Notification.objects.get(recipient=ann)
    theirs = Notification.objects.get(recipient=bob)
    response = client.post(reverse("inbox_mark_read"), {"id": [mine.pk, theirs.pk]})
    assert response.status_code == 302
    assert (unread_count(ann), unread_count(bob)) == (0, 1)
    assert client.get(reverse("inbox_mark_read")).status_code == 405


def test_the_inbox_needs_a_login(client):
    assert client.get(reverse("inbox")).status_code == 302
