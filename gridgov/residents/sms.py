"""Sending text messages: one pluggable sender, named by settings.SMS_SENDER.

A sender is a class with `send(phone: str, text: str) -> None` (phone: 11 canonical digits)
that raises SmsError when the message could not be handed over. The default, LogSender, writes
the message to the log: enough for a demo or an intranet without an SMS gateway.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from gridgov.people.phones import mask_mobile

logger = logging.getLogger("gridgov.sms")


class SmsError(Exception):
    """The message could not be handed to the provider."""


class Sender(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LogSender:
    """Writes each message to the "gridgov.sms" logger. The number is masked here already; the
    text (with the code) is kept readable, which is what makes the demo usable."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_mobile(phone), text)


def configured_sender() -> Sender:
    """An instance of the class settings.SMS_SENDER names (ImportError if it does not exist)."""
    return import_string(settings.SMS_SENDER)()
