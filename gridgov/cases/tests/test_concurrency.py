"""Races on the case API: concurrent accepts of one case, and retried creates with one idempotency key.

On PostgreSQL (the CI's second run, `.ci/run`) the requests race for real: a live server, one
thread per handler, each request with its own token; the issue's numbers — 200 dispatched
cases × 8 accepts, 1,000 creates × 3 — must come out exactly. On SQLite, writers are
serialised by the database itself (BEGIN IMMEDIATE) and the test database lives in memory,
shared by every thread of a live server, so true races cannot happen there: the same requests
go one after another through the test client, at a smaller scale, and the same outcome is
asserted (one winner, every other attempt a clean 409; one case per key). Nothing is skipped on
either database.
"""

from __future__ import annotations

import http.client
import json
import threading
import uuid
from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from rest_framework.authtoken.models import Token

from gridgov.access.roles import Role
from gridgov.access.testing import make_user
from gridgov.cases.models import Case, State
from gridgov.cases.testing import HOME_POINT, build_case_world, report
from gridgov.cases.workflow import perform

pytestmark = pytest.mark.django_db(transaction=True)

ON_POSTGRESQL = connection.vendor == "postgresql"
HANDLERS = 8
CASES = 200 if ON_POSTGRESQL else 20
CREATES = 1000 if ON_POSTGRESQL else 50
RETRIES = 3


class Sender:
    """Posts JSON as one user: over its own HTTP connection to the live server, or through the test client."""

    def __init__(self, token: str, base_url: str | None):
        self.headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        self.base = urlsplit(base_url) if base_url else None
        self.connection = None

    def post(self, path: str, body: dict, headers: dict | None = None) -> int:
        data = json.dumps(body)
        if self.base is None:
            extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()}
            response = Client(HTTP_HOST="127.0.0.1").post(
                path,
                data,
                content_type="application/json",
                HTTP_AUTHORIZATION=self.headers["Authorization"],
                **extra,
            )
            return response.status_code
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.base.hostname, self.base.port, timeout=60)
        self.connection.request("POST", path, data, {**self.headers, **(headers or {})})
        response = self.connection.getresponse()
        response.read()
        if response.will_close:
            self.connection.close()
            self.connection = None
        return response.status


def race(senders: list[Sender], jobs: list[list[tuple[str, dict, dict]]]) -> Counter:
    """Send jobs[i] (a list of (path, body, headers)) as senders[i]; each job's requests start together.

    On PostgreSQL one thread per sender, all meeting at a barrier before each round; on SQLite
    in turn. Returns the count of each status.
    """
    statuses: Counter = Counter()
    lock = threading.Lock()
    rounds = len(jobs[0])

    def run(sender: Sender, job, barrier) -> None:
        for path, body, headers in job:
            if barrier is not None:
                barrier.wait(timeout=120)
            try:
                status = sender.post(path, body, headers)
            except OSError as exc:  # a dropped connection is a failure too, not a crash of the test
                status = f"error {exc!r}"
            with lock:
                statuses[status] += 1

    if not ON_POSTGRESQL:
        for n in range(rounds):
            for sender, job in zip(senders, jobs, strict=True):
                run(sender, [job[n]], None)
        return statuses
    barrier = threading.Barrier(len(senders))
    threads = [threading.Thread(target=run, args=(s, j, barrier)) for s, j in zip(senders, jobs, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.fixture
def base_url(request) -> str | None:
    # The live server (which needs the transactional database) only where requests can race.
    return request.getfixturevalue("live_server").url if ON_POSTGRESQL else None


def test_concurrent_accepts_have_exactly_one_winner_per_case(base_url):
    world = build_case_world()
    dispatcher = world.users[Role.COMMUNITY_ADMIN]
    numbers = []
    for _n in range(CASES):
        case = report(world)
        perform(case.pk, "register", actor=dispatcher)
        perform(case.pk, "dispatch", actor=dispatcher, department=world.department.code)
        numbers.append(case.number)
    handlers = [
        make_user(f"handler_{n}", Role.DEPARTMENT_HANDLER, department=world.department)
        for n in range(HANDLERS)
    ]
    senders = [Sender(Token.objects.create(user=h).key, base_url) for h in handlers]
    # Round n: all handlers accept case n at once.
    jobs = [[(f"/api/v1/cases/{number}/actions/accept/", {}, {}) for number in numbers]] * HANDLERS

    statuses = race(senders, jobs)

    assert statuses == Counter({200: CASES, 409: CASES * (HANDLERS - 1)})
    accepted = Case.objects.filter(number__in=numbers)
    assert accepted.filter(state=State.IN_PROGRESS).count() == CASES
    assert set(accepted.values_list("handler_id", flat=True)) <= {h.pk for h in handlers}
    # Exactly one accept in each case's timeline.
    assert all(case.timeline.filter(action="accept").count() == 1 for case in accepted)


def test_retried_creates_make_one_case_per_idempotency_key(base_url):
    world = build_case_world()
    workers = [world.users[Role.GRID_WORKER], world.users[Role.GRID_CHIEF]]
    body = {"category": "0201", "description": "路面有坑", "lon": HOME_POINT[0], "lat": HOME_POINT[1]}
    keys = [uuid.uuid4().hex for _n in range(CREATES)]
    # The same worker sends each create RETRIES times at once (a client retrying on a timeout);
    # half the keys belong to another worker, whose cases are separate.
    senders, jobs = [], []
    for worker in workers:
        token = Token.objects.create(user=worker).key
        mine = keys[: CREATES // 2] if worker is workers[0] else keys[CREATES // 2 :]
        for _retry in range(RETRIES):
            senders.append(Sender(token, base_url))
            jobs.append([("/api/v1/cases/", body, {"Idempotency-Key": key}) for key in mine])

    statuses = race(senders, jobs)

    assert statuses == Counter({201: CREATES, 200: CREATES * (RETRIES - 1)})
    created = Case.objects.filter(idempotency_key__in=keys)
    assert created.count() == CREATES
    assert set(created.values_list("idempotency_key", flat=True)) == set(keys)
    assert Case.objects.count() == CREATES
