"""Discovery, services and service definitions in both formats; the jurisdiction check."""

from __future__ import annotations

import pytest

from gridgov.open311.tests.conftest import BASE, error_of, parse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_discovery_names_our_endpoint_and_formats(client, world, fmt):
    response = client.get(f"{BASE}discovery.{fmt}")
    assert response.status_code == 200
    body = parse(response)
    if fmt == "json":
        endpoint = body["endpoints"][0]
        url, formats = endpoint["url"], endpoint["formats"]
        assert body["changeset"]
    else:
        assert body.tag == "discovery"
        url = body.findtext("endpoints/endpoint/url")
        formats = [f.text for f in body.findall("endpoints/endpoint/formats/format")]
    assert url == "http://testserver/open311/v2/"
    assert set(formats) == {"application/json", "text/xml"}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_services_list_public_sub_categories_only(client, world, fmt):
    response = client.get(f"{BASE}services.{fmt}", {"jurisdiction_id": "150502"})
    assert response.status_code == 200
    body = parse(response)
    if fmt == "json":
        services = {s["service_code"]: s for s in body}
    else:
        assert body.tag == "services"
        services = {s.findtext("service_code"): {e.tag: e.text for e in s} for s in body.findall("service")}
    # The public pothole only: not its parent (a group), not the non-public disputes.
    assert set(services) == {"0201"}
    pothole = services["0201"]
    assert pothole["service_name"] == "路面坑洼"
    assert pothole["group"] == "道路"
    assert pothole["type"] == "realtime"
    assert str(pothole["metadata"]).lower() == "true"
    assert "Pothole" in pothole["keywords"]


def test_services_in_english_by_locale_or_accept_language(client, world):
    by_locale = parse(client.get(f"{BASE}services.json", {"locale": "en"}))
    by_header = parse(client.get(f"{BASE}services.json", HTTP_ACCEPT_LANGUAGE="en"))
    assert by_locale[0]["service_name"] == by_header[0]["service_name"] == "Pothole"
    assert by_locale[0]["group"] == "Roads"


def test_an_inactive_or_hidden_category_leaves_the_list(client, world):
    world.categories["roads"].is_public = False
    world.categories["roads"].save(update_fields=["is_public"])
    assert parse(client.get(f"{BASE}services.json")) == []


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_definition_offers_the_urgency_attribute(client, world, fmt):
    response = client.get(f"{BASE}services/0201.{fmt}")
    assert response.status_code == 200
    body = parse(response)
    if fmt == "json":
        assert body["service_code"] == "0201"
        attribute = body["attributes"][0]
        keys = [v["key"] for v in attribute["values"]]
        code, datatype = attribute["code"], attribute["datatype"]
    else:
        assert body.tag == "service_definition"
        attribute = body.find("attributes/attribute")
        keys = [v.findtext("key") for v in attribute.findall("values/value")]
        code, datatype = attribute.findtext("code"), attribute.findtext("datatype")
    assert (code, datatype) == ("urgency", "singlevaluelist")
    assert keys == ["normal", "urgent"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("code", ["9999", "0301", "02"])
def test_unknown_hidden_or_group_service_code_is_404(client, world, fmt, code):
    response = client.get(f"{BASE}services/{code}.{fmt}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert error_of(response) == (404, "Unknown service_code.")


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("path", ["discovery", "services", "services/0201", "requests"])
def test_wrong_jurisdiction_is_404_with_the_error_body(client, world, fmt, path):
    response = client.get(f"{BASE}{path}.{fmt}", {"jurisdiction_id": "150521"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    code, description = error_of(response)
    assert code == 404
    assert "150502" in description
