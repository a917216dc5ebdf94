"""Log lines and error reports never show a clear ID number or mobile number."""

from __future__ import annotations

import io
import logging
import sys

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.views.debug import ExceptionReporter

from gridgov.people.log_masking import (
    MaskIdentifiersFilter,
    MaskingExceptionReporter,
    MaskingExceptionReporterFilter,
    mask_identifiers,
)
from gridgov.people.testing import CANARIES, CANARY_ID, CANARY_PHONE, OTHER_GRID_ID

MASKED_ID = CANARY_ID[:6] + "*" * 10 + CANARY_ID[-2:]
MASKED_PHONE = CANARY_PHONE[:3] + "****" + CANARY_PHONE[-4:]
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize("canary", CANARIES)
def test_every_canary_is_masked_wherever_it_stands(canary):
    for text in (canary, f"id={canary}", f"身份证号{canary}，", f"({canary})", f"user{canary}x"):
        masked = mask_identifiers(text)
        assert canary not in masked, text
        assert "*" in masked


@pytest.mark.parametrize(
    "spelling",
    [
        "13904751234",
        "139 0475 1234",
        "139-0475-1234",
        "+86 13904751234",
        "+86-139-0475-1234",
        "+8613904751234",
        "8613904751234",
        "0086 139 0475 1234",
        "１３９０４７５１２３４",
    ],
)
def test_mobile_numbers_are_masked_in_their_usual_spellings(spelling):
    assert mask_identifiers(f"联系电话：{spelling}。") == f"联系电话：{MASKED_PHONE}。"


def test_id_numbers_are_masked_in_their_usual_spellings():
    legacy = CANARY_ID[:6] + CANARY_ID[8:17]  # the 15-digit form
    assert mask_identifiers(f"old {legacy} end") == f"old {legacy[:6]}{'*' * 7}{legacy[-2:]} end"
    with_x = "15050219510307517X"
    assert mask_identifiers(with_x.lower()) == "150502**********7x"
    assert mask_identifiers(CANARY_ID.translate(FULL_WIDTH)) == MASKED_ID


@pytest.mark.parametrize(
    "text",
    [
        "case 150502-20261124-00123 dispatched",
        "150502-20261124-00123",
        "at 2026-11-24T15:30:12.123456+08:00",
        "2026-11-24 13:04:51,234 INFO started",
        "stamp 20261124153012",  # 14 digits
        "epoch ms 1764000000123",  # 13 digits
        "microseconds 20261124153012123456",  # 20 digits
        "ns 1764000000123456789",  # 19 digits
        "lon 122.13904751234 lat 43.150502195103075",
        "ratio 13904751234.5",
        "grid path 150502.001.001.001",
        "uuid 550e8400-e29b-41d4-a716-446655440000",
        "count 1234567890",
        "landline 0475-8221234",
        "",
    ],
)
def test_codes_timestamps_and_numbers_are_left_alone(text):
    assert mask_identifiers(text) == text


def test_a_15_digit_grid_code_is_masked_like_a_legacy_id_number():
    # The price of never leaking a legacy number: the two cannot be told apart.
    assert mask_identifiers("grid 150502001001001") == "grid 150502*******01"


def _logged(logger_name: str, emit) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskIdentifiersFilter())
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        emit(logger)
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    return stream.getvalue()


def test_the_log_filter_masks_messages_and_arguments():
    def emit(logger):
        logger.warning("lookup of %s by %s", CANARY_ID, CANARY_PHONE)
        logger.warning("person %(id)s", {"id": OTHER_GRID_ID})
        logger.warning(f"f-string {CANARY_PHONE}")
        logger.warning("object %r", {"phone": CANARY_PHONE})
        logger.warning("percent sign kept: 100%% of %s", CANARY_PHONE)

    output = _logged("gridgov.test.masking", emit)
    assert not any(canary in output for canary in CANARIES), output
    assert f"lookup of {MASKED_ID} by {MASKED_PHONE}" in output
    assert "percent sign kept: 100% of 139****1234" in output
    assert _logged("gridgov.test.masking", lambda lg: lg.warning("case %s", "150502-20261124-00123")) == (
        "WARNING case 150502-20261124-00123\n"
    )


def test_the_log_filter_masks_tracebacks():
    def emit(logger):
        try:
            raise ValueError(f"bad number {CANARY_ID}")
        except ValueError:
            logger.exception("import failed for %s", CANARY_PHONE)

    output = _logged("gridgov.test.masking", emit)
    assert "Traceback" in output and "ValueError: bad number " + MASKED_ID in output
    assert not any(canary in output for canary in CANARIES)


def test_settings_put_the_filter_on_every_console_line():
    handler_config = settings.LOGGING["handlers"]["console"]
    assert handler_config["filters"] == ["mask_identifiers"]
    root = logging.getLogger()
    assert any(isinstance(f, MaskIdentifiersFilter) for h in root.handlers for f in h.filters)
    # Django's own loggers hand their records to that handler instead of unmasked ones.
    for name in ("django", "django.server"):
        assert logging.getLogger(name).handlers == [] and logging.getLogger(name).propagate


def _crash(request):
    id_number = CANARY_ID  # a local variable the report lists
    note = {"phone": CANARY_PHONE}
    raise RuntimeError(f"could not save {id_number} / {note['phone']}")


def _report(reporter_class, request, *, html: bool) -> str:
    try:
        _crash(request)
    except RuntimeError:
        reporter = reporter_class(request, *sys.exc_info())
        return reporter.get_traceback_html() if html else reporter.get_traceback_text()
    raise AssertionError("no crash")


def _post_request():
    request = RequestFactory().post(
        "/registry/persons/new/",
        {"name": "乌兰巴特尔", "id_number": CANARY_ID, "phone": f"+86 {CANARY_PHONE}"},
        HTTP_X_CALLER_PHONE=CANARY_PHONE,
    )
    request.COOKIES["last_search"] = OTHER_GRID_ID
    return request


def test_settings_name_the_masking_reporter_and_filter():
    assert settings.DEFAULT_EXCEPTION_REPORTER_FILTER.endswith("MaskingExceptionReporterFilter")
    assert settings.DEFAULT_EXCEPTION_REPORTER.endswith("MaskingExceptionReporter")


@pytest.mark.parametrize("html", [True, False])
def test_djangos_reporter_with_the_filter_shows_no_canary_from_post_headers_or_variables(html):
    request = _post_request()
    try:
        id_number = CANARY_ID
        raise RuntimeError("could not save the person")  # message without the number
    except RuntimeError:
        reporter = ExceptionReporter(request, *sys.exc_info())
        assert isinstance(reporter.filter, MaskingExceptionReporterFilter)
        report = reporter.get_traceback_html() if html else reporter.get_traceback_text()
    assert id_number == CANARY_ID
    assert not any(canary in report for canary in CANARIES), [c for c in CANARIES if c in report]
    assert MASKED_ID in report and "乌兰巴特尔" in report


@pytest.mark.parametrize("html", [True, False])
def test_the_masking_reporter_also_masks_the_query_string_and_the_message(html):
    request = RequestFactory().get("/registry/search/", {"q": CANARY_ID, "phone": CANARY_PHONE})
    report = _report(MaskingExceptionReporter, request, html=html)
    assert not any(canary in report for canary in CANARIES)
    assert "could not save " + MASKED_ID in report
    assert "/registry/search/" in report


def test_a_report_without_a_request_is_masked_too():
    report = _report(MaskingExceptionReporter, None, html=False)
    assert not any(canary in report for canary in CANARIES)


def test_the_filter_keeps_values_without_identifiers_as_they_are():
    request = _post_request()
    report_filter = MaskingExceptionReporterFilter()
    post = report_filter.get_post_parameters(request)
    assert post["name"] == "乌兰巴特尔" and post["id_number"] == MASKED_ID and post["phone"] == MASKED_PHONE
    assert report_filter.get_safe_request_meta(request)["HTTP_X_CALLER_PHONE"] == MASKED_PHONE
    assert (
        report_filter.get_safe_cookies(request)["last_search"]
        == OTHER_GRID_ID[:6] + "*" * 10 + OTHER_GRID_ID[-2:]
    )
