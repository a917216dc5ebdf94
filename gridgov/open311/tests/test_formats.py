"""The XML and JSON bodies carry the same text, whatever a reporter typed."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from gridgov.open311.formats import respond

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=60))
def test_any_description_survives_both_formats(description):
    value = [{"service_request_id": "1", "description": description, "lat": 43.6, "closed": False}]
    as_json = json.loads(respond("json", "service_requests", value).content)
    as_xml = ET.fromstring(respond("xml", "service_requests", value).content)  # noqa: S314 (ours)
    assert as_json == value
    request = as_xml.find("request")
    # XML 1.0 cannot carry control characters: they are dropped; parsers read line ends as \n.
    assert (request.findtext("description") or "") == CONTROL.sub("", description).replace(
        "\r\n", "\n"
    ).replace("\r", "\n")
    assert request.findtext("lat") == "43.6"
    assert request.findtext("closed") == "false"
