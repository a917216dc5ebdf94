"""Guards every request passes: a NUL character in the query string is refused with 400."""

import pytest


@pytest.mark.django_db
def test_a_nul_character_in_the_query_is_refused_before_any_view(client):
    api = client.get("/api/v1/units/", {"parent": "150502\x00"})
    assert api.status_code == 400 and "NUL" in api.json()["detail"]
    page = client.get("/registry/", {"unit": "\x00"}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 400 and b"NUL" in page.content
