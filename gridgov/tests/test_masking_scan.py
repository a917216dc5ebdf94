"""The masking scan: with canary ID numbers and phones in the registry, every page, API response,
export file and log line that each role can reach holds no clear canary.

Each role's persona crawls, through real request handling, every same-site link it is shown
under the registry, the org-unit pages and the registry API (following JSON links too), and
downloads what it may export. xlsx files are unzipped before the scan. The only clear values
allowed are the audited reveal and the approved unmasked export, which are POST/approval flows
the crawler never takes.
"""

from __future__ import annotations

import io
import json
import logging
import re
import zipfile
from collections import deque

import pytest

from gridgov.access.roles import Role
from gridgov.people.identity_numbers import mask_id_number
from gridgov.people.testing import CANARIES, CANARY_ID, build_registry_world

pytestmark = pytest.mark.django_db

MAX_PAGES = 400
# What the crawler follows; the rest of the site has no registry data.
FOLLOW = re.compile(r"^/(registry|units|api/v1/registry)/")
SKIP = re.compile(r"logout|setlang|/admin/|/reveal/|/approve|/reject|/decide|/delete")
HREF = re.compile(r"""(?:href|hx-get|src)="([^"#]+)""")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
        self.lines.append(formatter.format(record))


def _text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":  # xlsx: scan the XML inside
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            body = b"".join(archive.read(name) for name in archive.namelist())
    headers = " ".join(f"{k}: {v}" for k, v in response.items())
    return headers + "\n" + body.decode("utf-8", errors="replace")


def _links(text: str, content_type: str) -> set[str]:
    found: set[str] = set()
    if "json" in content_type:
        try:
            data = json.loads(text.split("\n", 1)[1])
        except ValueError:
            return found
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, str) and ("/api/v1/registry/" in item):
                found.add(item[item.index("/api/v1/registry/") :])
    else:
        found.update(link.replace("&amp;", "&") for link in HREF.findall(text))
    return {link for link in found if FOLLOW.match(link) and not SKIP.search(link)}


def _crawl(client, seeds: list[str]) -> dict[str, str]:
    seen: dict[str, str] = {}
    queue = deque(seeds)
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url, HTTP_ACCEPT="text/html,application/json")
        text = _text(response)
        seen[url] = text
        if response.status_code == 200:
            queue.extend(_links(text, response.get("Content-Type", "")) - seen.keys())
    return seen


@pytest.mark.parametrize("role", list(Role))
def test_no_role_sees_a_clear_identifier_anywhere(client, role):
    reg = build_registry_world()
    user = reg.users[role]
    client.force_login(user)
    collector = _Collect()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        seeds = [
            "/",
            "/registry/",
            "/registry/?q=wlb",
            "/units/150502001001001/",
            "/units/150502/",
            "/api/v1/registry/persons/",
            "/api/v1/registry/households/",
            "/api/v1/registry/organizations/",
            "/api/v1/registry/buildings/",
            "/api/v1/registry/houses/",
            f"/api/v1/registry/persons/?q={CANARY_ID}",
        ]
        pages = _crawl(client, seeds)
    finally:
        root.removeHandler(collector)

    for url, text in pages.items():
        for canary in CANARIES:
            assert canary not in text, f"{role}: clear {canary[:3]}… in {url}"
    for line in collector.lines:
        for canary in CANARIES:
            assert canary not in line, f"{role}: clear {canary[:3]}… in a log line"

    # Not vacuous: staff who may see the registry were shown the masked canary somewhere.
    masked = mask_id_number(CANARY_ID)
    if role in (Role.GRID_WORKER, Role.GRID_CHIEF, Role.COMMUNITY_ADMIN, Role.DISTRICT_ADMIN):
        assert any(masked in text for text in pages.values()), f"{role} never saw the masked canary"
        assert len(pages) > 20, f"{role} crawled only {len(pages)} pages"
