"""The default SMS sender writes the code to the log, never the clear number."""

import logging
import re

import pytest

from gridgov.residents.sms import LogSender, configured_sender


def test_log_line_has_the_code_and_a_masked_number(caplog):
    with caplog.at_level(logging.INFO, logger="gridgov.sms"):
        LogSender().send("13904751234", "Your gridgov sign-in code is 493817, valid for 5 minutes.")
    (line,) = [r.getMessage() for r in caplog.records if r.name == "gridgov.sms"]
    assert "493817" in line and "139****1234" in line and "13904751234" not in line


@pytest.mark.django_db
def test_sign_in_code_reaches_the_log(caplog, settings):
    from gridgov.residents.codes import request_code

    settings.SMS_SENDER = "gridgov.residents.sms.LogSender"
    with caplog.at_level(logging.INFO, logger="gridgov.sms"):
        request_code("13904751234")
    (line,) = [r.getMessage() for r in caplog.records if r.name == "gridgov.sms"]
    assert "13904751234" not in line
    assert re.search(r"(?<!\d)\d{6}(?!\d)", line)  # the code, readable, in any language


def test_sender_is_chosen_by_setting(settings):
    settings.SMS_SENDER = "gridgov.residents.testing.OutboxSender"
    from gridgov.residents.testing import OutboxSender

    assert isinstance(configured_sender(), OutboxSender)
