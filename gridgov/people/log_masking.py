"""Masking identifiers in log lines and error reports.

Whatever code logs or crashes on, a clear ID number or mobile number must not reach a log file,
an administrator's e-mail or the debug page. Two hooks do it, both wired in settings:
`MaskIdentifiersFilter` on the log handlers, and `MaskingExceptionReporterFilter` (with
`MaskingExceptionReporter`) for Django's error reports. Both replace each identifier-like
substring by its masked form, as pages show it (people.identity_numbers.mask_id_number,
people.phones.mask_mobile).

"Identifier-like" is kept narrow so that log lines stay readable: a run of exactly 15 digits or
of 17 digits and a check character, or 11 digits starting 13–19 (optionally with +86/0086/86 and
spaces or hyphens between the 3-4-4 groups), standing alone — not part of a longer run of
digits, and not the decimals of a number. Case numbers (150502-20261124-00123),
timestamps, hashes and coordinates do not match. This module imports no models: settings load it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import ItemsView
from pprint import pformat
from typing import Any

from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.safestring import SafeString, mark_safe
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from gridgov.people.identity_numbers import mask_id_number
from gridgov.people.phones import mask_mobile

# ASCII and full-width digits: input methods type the latter, and they end up in logs too.
_DIGIT = "[0-9\uff10-\uff19]"
# Not part of a longer run of digits, and not the decimals of a number. Letters may touch it
# ("id150502…", "tel13904751234"): masking a rare look-alike in a hash costs less than a leak.
_BEFORE = r"(?<![0-9\uff10-\uff19])(?<![0-9]\.)"
_AFTER = r"(?![0-9\uff10-\uff19])(?!\.[0-9])"
_ID_NUMBER = rf"{_DIGIT}{{17}}[0-9Xx\uff10-\uff19\uff38\uff58]|{_DIGIT}{{15}}"
_MOBILE = rf"(?:(?:\+|\uff0b|00)?86[ \-]?)?[1\uff11][3-9\uff13-\uff19]{_DIGIT}(?:[ \-]?{_DIGIT}{{4}}){{2}}"
_IDENTIFIER = re.compile(rf"{_BEFORE}(?:(?P<id_number>{_ID_NUMBER})|(?P<mobile>{_MOBILE})){_AFTER}")


def _masked(match: re.Match[str]) -> str:
    if match.group("id_number"):
        return mask_id_number(match.group("id_number"))
    return mask_mobile(match.group("mobile"))


def mask_identifiers(text: str) -> str:
    """`text` with every ID-number-like and mobile-like substring masked."""
    return _IDENTIFIER.sub(_masked, text)


class MaskIdentifiersFilter(logging.Filter):
    """A handler filter that masks identifiers in the formatted message, the traceback and the
    stack of a record. It never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: let the handler report it as logging does
            return True
        masked = mask_identifiers(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set, so the traceback is masked once, here.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_identifiers(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_identifiers(record.stack_info)
        return True


class _MaskedRepr:
    """Stands in for a value whose printed form held an identifier: prints the masked form."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _masked_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask_identifiers(value)
    try:
        shown = pformat(value)
    except Exception:  # Django's report prints such values as an error message of its own
        return value
    masked = mask_identifiers(shown)
    return value if masked == shown else _MaskedRepr(masked)


def _masked_multivaluedict(values: MultiValueDict) -> QueryDict:
    result = QueryDict(mutable=True)
    for key, items in values.lists():
        result.setlist(mask_identifiers(key), [_masked_value(item) for item in items])
    return result


class MaskingExceptionReporterFilter(SafeExceptionReporterFilter):
    """Django's filter (sensitive variables, settings with KEY/SECRET/...), plus identifiers
    masked in POST and GET values, cookies, request headers and traceback variables — also with
    DEBUG on, since a debug page is shown to whoever triggered the error."""

    def get_post_parameters(self, request) -> Any:
        parameters = super().get_post_parameters(request)
        if isinstance(parameters, MultiValueDict):
            return _masked_multivaluedict(parameters)
        return {mask_identifiers(k): _masked_value(v) for k, v in parameters.items()}

    def get_get_parameters(self, request) -> QueryDict:
        """The query string's parameters, masked (Django's reporter reads them unfiltered;
        MaskingExceptionReporter uses this)."""
        values = getattr(request, "GET", None)
        return _masked_multivaluedict(values) if isinstance(values, MultiValueDict) else QueryDict()

    def get_safe_request_meta(self, request) -> dict[str, Any]:
        return {k: _masked_value(v) for k, v in super().get_safe_request_meta(request).items()}

    def get_safe_cookies(self, request) -> dict[str, Any]:
        return {k: _masked_value(v) for k, v in super().get_safe_cookies(request).items()}

    def get_traceback_frame_variables(self, request, tb_frame) -> ItemsView[str, Any]:
        variables = super().get_traceback_frame_variables(request, tb_frame)
        return {name: _masked_value(value) for name, value in variables}.items()


class MaskingExceptionReporter(ExceptionReporter):
    """Django's reporter, but the parts it takes from the request and the exception without
    asking the filter (query string, URL, exception message, source lines) are masked too: the
    whole rendered report goes through mask_identifiers as a last step."""

    def get_traceback_data(self) -> dict[str, Any]:
        data = super().get_traceback_data()
        if self.request is not None and isinstance(self.filter, MaskingExceptionReporterFilter):
            data["request_GET_items"] = self.filter.get_get_parameters(self.request).items()
        return data

    # The rendered report is escaped already; masking only turns digits into digits and "*".
    def get_traceback_html(self) -> SafeString:
        return mark_safe(mask_identifiers(super().get_traceback_html()))  # noqa: S308

    def get_traceback_text(self) -> SafeString:
        return mark_safe(mask_identifiers(super().get_traceback_text()))  # noqa: S308
