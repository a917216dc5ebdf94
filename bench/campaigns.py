"""Campaign surge: door-to-door results through the field app's sync endpoint, over HTTP, against
the case-intake figure of the same run; then the coverage dashboard over the same campaign.

Run as `.venv/bin/python bench/campaigns.py [--households N]` (or through bench/run.py). It
creates a throwaway PostgreSQL database on 127.0.0.1:5432 and builds a district-scale world:

- the full-scale demo district (`demo --scale district --registry-grids 0`: 1,292 grids in 21
  streets and towns, 309 communities and villages) topped up to N households (400,000 by
  default) with one server-side INSERT … SELECT, spread unevenly over the grids;
- one grid worker per grid, except `--clients` surge workers who hold `--grids-per-client`
  grids each (each signed in with a session of his own, like a phone);
- an epidemic screening campaign over the whole district with five questions (fever with a
  follow-up, the temperature when there is fever, a return from a risk area with a follow-up,
  heating with a case when there is none, a free note), started through
  gridgov.campaigns.launch.start_campaign: the time it takes to create the targets and the
  progress rows is the first figure, beside the same rows written by one INSERT … SELECT into
  tables with the same indexes (the least any start could cost).

Then gunicorn (sync workers, bench.settings_bench, DEBUG off) serves the app and the surge
workers POST `campaign.result` submissions to /field/api/sync/ exactly as the phone app does
(session cookie, CSRF token from /field/api/session/, an idempotency key per submission), every
submission a different household of the worker's own grids, about 85 % done with answers, the
rest not at home / refused / moved, and a few exceptions:

- closed loop, one result per request (a worker online): the most results/s the server
  sustains for `--seconds`, with the latency of each request;
- the case intake as the reference figure of the same run: bench/cases_intake.py's own closed
  loop and requests (token auth, one case report each), as many clients, same server, same
  database, right after;
- closed loop, `--batch` results per request (a phone catching up after a stairwell);
- open loop at `--rate` results/s (the target, one per request): requests start on a schedule
  whatever the answers do and latency counts from the scheduled start (no coordinated omission);
  a request that cannot start 5 s after its time is dropped and counted (the server fell behind).

Each phase also reports the CPU time the gunicorn workers and their PostgreSQL backends spent
per result (sampled from /proc over the measurement window): on a machine busy with other work
the wall-clock figures stretch, the ratios within the run and the CPU cost much less.

Last, the coverage dashboard: gridgov.campaigns.coverage.progress for the district, a street and
a community as the district administrator (best of 5, then the median of 20), against the raw
GROUP BY over the campaign's targets that a dashboard without progress rows would run, and the
page's JSON over HTTP. The counts of both are compared: the progress rows the results kept
current must equal what the targets say.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import cases_intake  # noqa: E402
from bench.pg import configure_django, throwaway_database  # noqa: E402

HOST = cases_intake.HOST
SESSION_PATH = "/field/api/session/"
SYNC_PATH = "/field/api/sync/"
RESULT_KIND = "campaign.result"
SURGE_PREFIX = "surge_worker_"
HOUSEHOLD_PREFIX = "BENCH"
# The default taxonomy's "供暖故障"; any leaf category does if it is missing.
HEATING_CATEGORY = "1603"
NOTES = ("", "", "", "老人独居，已告知社区", "家中有婴儿", "租户，房东联系方式已登记")


def say(text: str) -> None:
    print(text, flush=True)


def load() -> str:
    """Other work on the machine skews every figure here: each phase says how busy it was."""
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


# --- The world -------------------------------------------------------------------------------


@dataclass
class World:
    campaign_id: int
    admin_id: int  # the demo's district administrator: starts the campaign, reads the dashboard
    surge_users: list[int]  # user ids of the surge workers, in order
    targets: int
    start_seconds: float
    start_baseline_seconds: float  # the same rows by INSERT … SELECT
    grids: int
    households: int


def questions(category: str) -> list[dict]:
    from gridgov.campaigns.models import ExceptionAction, QuestionKind

    return [
        {
            "code": "fever",
            "text": "家中是否有人发热？",
            "kind": QuestionKind.YES_NO,
            "exception": {"equals": True},
            "exception_action": ExceptionAction.FOLLOW_UP,
            "exception_label": "发热",
        },
        {
            "code": "temperature",
            "text": "最高体温",
            "kind": QuestionKind.TEMPERATURE,
            "condition": {"question": "fever", "equals": True},
        },
        {
            "code": "returnee",
            "text": "14天内是否有人从中高风险地区返回？",
            "kind": QuestionKind.YES_NO,
            "exception": {"equals": True},
            "exception_action": ExceptionAction.FOLLOW_UP,
            "exception_label": "中高风险地区返回",
        },
        {
            "code": "heating",
            "text": "供暖情况",
            "kind": QuestionKind.CHOICE,
            "choices": [
                {"value": "ok", "label": "正常"},
                {"value": "weak", "label": "不热"},
                {"value": "none", "label": "无供暖"},
            ],
            "exception": {"in": ["none"]},
            "exception_action": ExceptionAction.CASE,
            "exception_label": "无供暖",
            "exception_category": category,
        },
        {"code": "note", "text": "其他情况", "kind": QuestionKind.TEXT, "required": False},
    ]


def add_households(grids: list[tuple[int, str]], count: int, seed: int) -> None:
    """`count` households in one INSERT … SELECT, each grid getting 0.5–1.5 times the average."""
    import numpy as np
    from django.db import connection

    if count <= 0:
        return
    rng = np.random.default_rng(seed)
    weights = rng.uniform(0.5, 1.5, len(grids))
    per_grid = rng.multinomial(count, weights / weights.sum())
    first = np.concatenate(([0], np.cumsum(per_grid)[:-1]))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO people_household (grid_id, org_path, number, house_id, head_id, is_active,
                                          created_at, updated_at)
            SELECT g.id, g.path, %s || lpad((g.first + s)::text, 7, '0'), NULL, NULL, true, now(), now()
            FROM unnest(%s::bigint[], %s::text[], %s::int[], %s::int[]) AS g(id, path, n, first)
            CROSS JOIN LATERAL generate_series(0, g.n - 1) AS s
            """,
            [
                HOUSEHOLD_PREFIX,
                [pk for pk, _path in grids],
                [path for _pk, path in grids],
                [int(n) for n in per_grid],
                [int(n) for n in first],
            ],
        )
        cursor.execute("ANALYZE people_household")


def add_workers(grids: list[tuple[int, str]], clients: int, per_client: int, seed: int) -> list[int]:
    """One grid worker per grid that has none; the first `clients` × `per_client` of them (in a
    shuffled order) go to the surge workers, `per_client` grids each. Returns the surge users."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from gridgov.access.models import Membership
    from gridgov.access.roles import Role

    User = get_user_model()
    staffed = set(
        Membership.objects.filter(role=Role.GRID_WORKER, org_unit__isnull=False).values_list(
            "org_unit_id", flat=True
        )
    )
    free = [grid for grid in grids if grid[0] not in staffed]
    random.Random(seed).shuffle(free)
    per_client = max(1, min(per_client, len(free) // max(clients, 1)))
    password = make_password("Surge-2026-bench")  # hashed once: the users never sign in by password
    owners: list[str] = []
    for n in range(len(free)):
        owners.append(f"{SURGE_PREFIX}{n // per_client}" if n < clients * per_client else f"gw_{n}")
    names = sorted(set(owners))
    User.objects.bulk_create([User(username=name, password=password) for name in names], batch_size=2000)
    ids = dict(User.objects.filter(username__in=names).values_list("username", "pk"))
    Membership.objects.bulk_create(
        [
            Membership(user_id=ids[owner], role=Role.GRID_WORKER, org_unit_id=pk, scope_path=path)
            for owner, (pk, path) in zip(owners, free, strict=True)
        ],
        batch_size=2000,
    )
    return [ids[f"{SURGE_PREFIX}{n}"] for n in range(clients)]


def case_category() -> str:
    from gridgov.cases.models import Category

    if Category.objects.filter(code=HEATING_CATEGORY, is_active=True).exists():
        return HEATING_CATEGORY
    leaf = Category.objects.filter(is_active=True, parent__isnull=False).order_by("code").first()
    return leaf.code


def build_world(args: argparse.Namespace) -> World:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from gridgov.campaigns.launch import create_campaign, start_campaign
    from gridgov.campaigns.models import CampaignKind, Question
    from gridgov.geo.models import Level, OrgUnit
    from gridgov.people.models import Household

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("demo", "--scale", "district", "--registry-grids", "0", stdout=open(os.devnull, "w"))  # noqa: SIM115
    grids = list(OrgUnit.objects.grids().order_by("code").values_list("pk", "path"))
    add_households(grids, args.households - Household.objects.count(), args.seed)
    surge = add_workers(grids, args.clients, args.grids_per_client, args.seed)
    households = Household.objects.filter(is_active=True).count()
    say(
        f"world ready in {time.perf_counter() - started:.1f} s: {len(grids):,} grids, "
        f"{households:,} households, {len(surge)} surge workers"
    )
    admin = get_user_model().objects.get(username="district_admin")
    district = OrgUnit.objects.get(level=Level.DISTRICT)
    now = timezone.now()
    campaign = create_campaign(
        admin,
        name="全区入户排查（压测）",
        kind=CampaignKind.EPIDEMIC,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=14),
        units=[district],
    )
    for position, spec in enumerate(questions(case_category())):
        Question.objects.create(campaign=campaign, position=position, **spec)
    started = time.perf_counter()
    count = start_campaign(admin, campaign)
    start_seconds = time.perf_counter() - started
    say(f"start_campaign: {count:,} targets in {start_seconds:.1f} s ({load()})")
    baseline_seconds = start_baseline(campaign.pk, district.path)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE campaigns_target")
        cursor.execute("ANALYZE campaigns_gridprogress")
    return World(campaign.pk, admin.pk, surge, count, start_seconds, baseline_seconds, len(grids), households)


START_BASELINE = """
    INSERT INTO bench_target (campaign_id, household_id, grid_id, org_path, assignee_id, person_ids,
                              outcome, answers, note, has_exception, attempts, result_at, result_by_id)
    SELECT %(campaign)s, h.id, h.grid_id, h.org_path, w.user_id, '[]'::jsonb,
           'pending', NULL, '', false, 0, NULL, NULL
    FROM people_household h
    LEFT JOIN LATERAL (
        SELECT m.user_id FROM access_membership m JOIN auth_user u ON u.id = m.user_id
        WHERE m.org_unit_id = h.grid_id AND m.role = 'grid_worker' AND u.is_active
        ORDER BY m.user_id LIMIT 1
    ) w ON true
    WHERE h.is_active AND (h.org_path = %(path)s OR h.org_path LIKE %(prefix)s)
    ORDER BY h.org_path, h.id;
    INSERT INTO bench_progress (campaign_id, grid_id, org_path, total, done, not_home, refused, moved,
                                exceptions, updated_at)
    SELECT campaign_id, grid_id, min(org_path), count(*), 0, 0, 0, 0, 0, now()
    FROM bench_target GROUP BY campaign_id, grid_id;
"""


def start_baseline(campaign_id: int, path: str) -> float:
    """What starting the campaign costs in SQL alone: the same targets (first grid worker of each
    grid as assignee) and progress totals by INSERT … SELECT into tables with the indexes and
    constraints of campaigns_target / campaigns_gridprogress (but no foreign keys), one
    transaction. Seconds, the commit included; the tables are dropped afterwards."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        for table, like in (
            ("bench_target", "campaigns_target"),
            ("bench_progress", "campaigns_gridprogress"),
        ):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(f"CREATE TABLE {table} (LIKE {like} INCLUDING ALL)")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(START_BASELINE, {"campaign": campaign_id, "path": path, "prefix": path + ".%"})
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), (SELECT sum(total) FROM bench_progress) FROM bench_target")
        rows, total = cursor.fetchone()
        cursor.execute("DROP TABLE bench_target, bench_progress")
    say(
        f"baseline INSERT … SELECT of the same targets and totals: {rows:,} rows "
        f"(totals {total:,}) in {seconds:.1f} s"
    )
    return seconds


def session_cookie(user_id: int) -> str:
    """A signed-in session for the user, as the sign-in page would leave it (no password round)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(pk=user_id))
    return client.cookies[settings.SESSION_COOKIE_NAME].value


# --- The field clients -------------------------------------------------------------------------


def result_body(target: int, rng: random.Random) -> dict:
    """One household's result as the phone sends it: mostly done with answers, a few exceptions."""
    draw = rng.random()
    if draw < 0.10:
        return {"target": target, "outcome": "not_home", "answers": {}, "note": "白天无人，晚上再访"}
    if draw < 0.13:
        return {"target": target, "outcome": "refused", "answers": {}, "note": ""}
    if draw < 0.15:
        return {"target": target, "outcome": "moved", "answers": {}, "note": "已搬离"}
    fever = rng.random() < 0.02
    answers: dict = {
        "fever": fever,
        "returnee": rng.random() < 0.03,
        "heating": rng.choices(("ok", "weak", "none"), weights=(90, 9, 1))[0],
        "note": rng.choice(NOTES),
    }
    if fever:
        answers["temperature"] = round(rng.uniform(37.5, 39.5), 1)
    return {"target": target, "outcome": "done", "answers": answers, "note": ""}


class FieldClient:
    """One surge worker's phone: his session, CSRF token and the targets still to visit."""

    def __init__(self, port: int, session: str, targets: list[int], seed: int):
        self.port = port
        from django.conf import settings

        self.cookies = {settings.SESSION_COOKIE_NAME: session}
        self.csrf = ""
        self.targets = deque(targets)
        self.rng = random.Random(seed)
        self.connection = http.client.HTTPConnection(HOST, port, timeout=60)

    def _request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        headers = {
            "Accept": "application/json",
            "Accept-Language": "zh-hans",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        if body is not None:
            headers.update({"Content-Type": "application/json", "X-CSRFToken": self.csrf})
        try:
            self.connection.request(method, path, body, headers)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()  # reconnects on the next request
            raise
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.will_close:
            self.connection.close()
        return response.status, data

    def sign_in(self) -> None:
        status, data = self._request("GET", SESSION_PATH)
        if status != 200:
            raise RuntimeError(f"{SESSION_PATH} answered {status}: {data[:200]!r}")
        self.csrf = json.loads(data)["csrf_token"]

    def take(self, count: int) -> list[int]:
        return [self.targets.popleft() for _ in range(min(count, len(self.targets)))]

    def sync(self, targets: list[int]) -> tuple[int, list[dict]]:
        made_at = datetime.now(UTC).isoformat(timespec="seconds")
        submissions = [
            {
                "key": str(uuid.uuid4()),
                "kind": RESULT_KIND,
                "made_at": made_at,
                "body": result_body(t, self.rng),
            }
            for t in targets
        ]
        status, data = self._request("POST", SYNC_PATH, json.dumps({"submissions": submissions}).encode())
        if status != 200:
            return status, []
        return status, json.loads(data)["results"]


@dataclass
class Surge:
    """What one phase measured: request latencies, answers per submission status."""

    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # per request, seconds
    requests: Counter = field(default_factory=Counter)  # HTTP status -> count
    results: Counter = field(default_factory=Counter)  # submission status -> count
    errors: list[str] = field(default_factory=list)
    refusals: list[dict] = field(default_factory=list)  # the first few rejected answers
    exhausted: int = 0  # clients that ran out of targets before the end
    dropped: int = 0  # open loop: requests not sent because the server had fallen too far behind
    cpu: tuple[float, float] = (0.0, 0.0)  # CPU seconds of the app's workers and their database backends
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int, answers: list[dict], latency: float) -> None:
        with self.lock:
            self.requests[status] += 1
            if status == 200:
                self.latencies.append(latency)
            for answer in answers:
                self.results[answer["status"]] += 1
                if answer["status"] != "created" and len(self.refusals) < 3:
                    self.refusals.append(answer)

    def fail(self, error: str) -> None:
        with self.lock:
            self.errors.append(error)

    @property
    def created(self) -> int:
        return self.results.get("created", 0)

    @property
    def per_second(self) -> float:
        return self.created / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def latency_text(self, per: int = 1) -> str:
        return (
            ", ".join(f"p{int(q * 100)} {ms(self.percentile(q) / per)}" for q in (0.5, 0.95, 0.99))
            + f", max {ms(self.percentile(1.0) / per)}"
        )

    def describe(self) -> str:
        text = ", ".join(f"{n:,} {status}" for status, n in sorted(self.results.items())) or "no results"
        odd = {s: n for s, n in self.requests.items() if s != 200}
        if odd:
            text += "; HTTP " + ", ".join(f"{n} × {s}" for s, n in sorted(odd.items()))
        if self.errors:
            text += f"; {len(self.errors)} connection errors (first: {self.errors[0]})"
        if self.exhausted:
            text += f"; {self.exhausted} clients ran out of targets"
        if self.dropped:
            text += f"; {self.dropped:,} requests DROPPED (the server fell more than 5 s behind)"
        return text

    def cpu_text(self) -> str:
        """Server CPU per created result: load on the machine stretches the wall clock, not this."""
        if not self.created:
            return "no CPU figure"
        app, db = (1000 * seconds / self.created for seconds in self.cpu)
        return f"CPU per result {app:.1f} ms app + {db:.1f} ms PostgreSQL = {app + db:.1f} ms"

    @property
    def cpu_per_result(self) -> float:
        return sum(self.cpu) / self.created if self.created else float("nan")

    @property
    def clean(self) -> bool:
        return not self.errors and set(self.requests) <= {200} and set(self.results) <= {"created"}


class CpuMeter:
    """CPU seconds of the gunicorn workers and of the PostgreSQL backends of the bench database,
    sampled every 0.2 s so that a backend replaced mid-phase (CONN_MAX_AGE) still counts."""

    def __init__(self, server_pid: int, database_url: str):
        import psycopg

        self.server_pid = server_pid
        self.admin = psycopg.connect(database_url, autocommit=True)
        self.tick = os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        self.admin.close()

    def _cpu(self, pid: int) -> float | None:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / self.tick  # utime + stime

    def _workers(self) -> list[int]:
        """The server's worker processes (scanned once per phase: sync workers stay put)."""
        workers = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                if parent == self.server_pid:
                    workers.append(int(entry.name))
        return workers

    def _backends(self) -> list[int]:
        return [
            row[0]
            for row in self.admin.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )
        ]

    def measure(self, func, window: tuple[float, float] = (0.0, float("inf"))):
        """Run func(); returns its value and the (app, db) CPU seconds spent from `window[0]` to
        `window[1]` seconds after the start (the loops' measurement window) or until it returns."""
        seen: list[dict[int, tuple[float, float]]] = [{}, {}]  # pid -> (first, last)
        done = threading.Event()
        workers = self._workers()
        start = time.perf_counter()

        def sample() -> None:
            if done.wait(window[0]):
                return
            while True:
                for group, pids in zip(seen, (workers, self._backends()), strict=True):
                    for pid in pids:
                        value = self._cpu(pid)
                        if value is not None:
                            group[pid] = (group.get(pid, (value, value))[0], value)
                if done.wait(0.2) or time.perf_counter() - start >= window[1]:
                    return

        sampler = threading.Thread(target=sample)
        sampler.start()
        try:
            value = func()
        finally:
            done.set()
            sampler.join()
        app, db = (sum(last - first for first, last in group.values()) for group in seen)
        return value, (app, db)


def closed_loop(clients: list[FieldClient], batch: int, warmup: float, seconds: float) -> Surge:
    """Each client syncs `batch` results as soon as the previous answer is in; counts the
    answers that arrive in the `seconds` after `warmup` (completions per second: a request
    longer than the window still counts once, when it ends)."""
    surge = Surge(seconds=seconds)
    start = time.perf_counter()
    measure_from, stop = start + warmup, start + warmup + seconds

    def run(client: FieldClient) -> None:
        while True:
            began = time.perf_counter()
            if began >= stop:
                return
            targets = client.take(batch)
            if not targets:
                with surge.lock:
                    surge.exhausted += 1
                return
            try:
                status, answers = client.sync(targets)
            except (OSError, http.client.HTTPException) as exc:
                if began >= measure_from:
                    surge.fail(repr(exc))
                continue
            ended = time.perf_counter()
            if measure_from <= ended <= stop:
                surge.add(status, answers, ended - began)

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return surge


def open_loop(
    clients: list[FieldClient], rate: float, seconds: float, give_up: float = 5.0, per_request: int = 1
) -> Surge:
    """`per_request` results per request, requests starting on a schedule that makes `rate`
    results/s for `seconds`, each on the next free client; latency from each request's scheduled
    start. A request that could not even start `give_up` s after its time is not sent (counted
    as dropped): the server did not keep up."""
    surge = Surge(seconds=seconds)
    free = list(clients)
    free_lock = threading.Lock()

    def run(scheduled: float) -> None:
        if time.perf_counter() - scheduled > give_up:
            with surge.lock:
                surge.dropped += 1
            return
        with free_lock:
            client = free.pop()
        try:
            targets = client.take(per_request)
            if not targets:
                with surge.lock:
                    surge.exhausted += 1
                return
            status, answers = client.sync(targets)
            surge.add(status, answers, time.perf_counter() - scheduled)
        except (OSError, http.client.HTTPException) as exc:
            surge.fail(repr(exc))
        finally:
            with free_lock:
                free.append(client)

    requests_per_second = rate / per_request
    total = int(requests_per_second * seconds)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        start = time.perf_counter() + 0.1
        for i in range(total):
            scheduled = start + i / requests_per_second
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(run, scheduled)
    # Throughput over the time all answers took (a server that falls behind stretches it).
    surge.seconds = max(seconds, time.perf_counter() - started)
    return surge


def field_clients(port: int, world: World, seed: int) -> list[FieldClient]:
    from gridgov.campaigns.models import Outcome, Target

    clients = []
    for n, user_id in enumerate(world.surge_users):
        targets = list(
            Target.objects.filter(campaign_id=world.campaign_id, assignee_id=user_id, outcome=Outcome.PENDING)
            .order_by("org_path", "id")
            .values_list("pk", flat=True)
        )
        clients.append(FieldClient(port, session_cookie(user_id), targets, seed + n))
    for client in clients:
        client.sign_in()
    return clients


def intake_clients(world: World, count: int, seed: int) -> tuple[list[cases_intake.Client], str]:
    """API tokens and points inside their grids for `count` surge workers, for cases_intake.measure."""
    from rest_framework.authtoken.models import Token
    from shapely.geometry import Point, shape

    from gridgov.access.models import Membership
    from gridgov.cases.models import Category

    rng = random.Random(seed)
    result = []
    for user_id in world.surge_users[:count]:
        grid = (
            Membership.objects.filter(user_id=user_id).select_related("org_unit").order_by("pk")[0].org_unit
        )
        polygon = shape(grid.geometry)
        min_lon, min_lat, max_lon, max_lat = polygon.bounds
        points: list[tuple[float, float]] = []
        while len(points) < 200:
            lon, lat = rng.uniform(min_lon, max_lon), rng.uniform(min_lat, max_lat)
            if polygon.contains(Point(lon, lat)):
                points.append((round(lon, 6), round(lat, 6)))
        result.append(cases_intake.Client(Token.objects.get_or_create(user_id=user_id)[0].key, points))
    category = (
        Category.objects.filter(is_active=True, parent__isnull=False, auto_escalate=False)
        .order_by("code")
        .first()
    )
    return result, category.code


# --- The coverage dashboard ---------------------------------------------------------------------

RAW_GROUP_BY = """
    SELECT substr(org_path, 1, %(length)s) AS unit,
           count(*) AS total,
           count(*) FILTER (WHERE outcome = 'done') AS done,
           count(*) FILTER (WHERE outcome = 'not_home') AS not_home,
           count(*) FILTER (WHERE outcome = 'refused') AS refused,
           count(*) FILTER (WHERE outcome = 'moved') AS moved,
           count(*) FILTER (WHERE has_exception) AS exceptions
    FROM campaigns_target
    WHERE campaign_id = %(campaign)s AND (org_path = %(path)s OR org_path LIKE %(prefix)s)
    GROUP BY 1
    ORDER BY 1
"""


def raw_counts(campaign_id: int, area) -> dict[str, tuple[int, ...]]:
    """What a dashboard without progress rows would run: one GROUP BY over the targets."""
    from django.db import connection

    from gridgov.geo.models import Level

    length = len(area.path) if area.level == Level.GRID else len(area.path) + 4
    with connection.cursor() as cursor:
        cursor.execute(
            RAW_GROUP_BY,
            {"length": length, "campaign": campaign_id, "path": area.path, "prefix": area.path + ".%"},
        )
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}


def timed(func, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return times


def dashboard(world: World, port: int) -> dict[str, float]:
    """Times progress() and the raw GROUP BY for the district, a street and a community; checks
    that both give the same counts; fetches the page's JSON for each over HTTP."""
    from django.contrib.auth import get_user_model

    from gridgov.access.models import Membership
    from gridgov.campaigns.coverage import progress
    from gridgov.campaigns.models import Campaign

    admin = get_user_model().objects.get(pk=world.admin_id)
    campaign = Campaign.objects.get(pk=world.campaign_id)
    grid = Membership.objects.filter(user_id=world.surge_users[0]).select_related("org_unit")[0].org_unit
    community = grid.parent
    street = community.parent
    district = street.parent
    browser = FieldClient(port, session_cookie(admin.pk), [], 0)  # the command center's page
    worst = worst_http = 0.0
    mismatches = []
    for label, area in (("district", district), ("street", street), ("community", community)):
        rows = progress(admin, campaign, area)
        ours_best = min(timed(lambda area=area: progress(admin, campaign, area), 5))
        ours_p50 = median(timed(lambda area=area: progress(admin, campaign, area), 20))
        raw_best = min(timed(lambda area=area: raw_counts(world.campaign_id, area), 5))
        raw_p50 = median(timed(lambda area=area: raw_counts(world.campaign_id, area), 20))
        worst = max(worst, ours_p50)
        raw = raw_counts(world.campaign_id, area)
        ours = {
            row.unit.path: (row.total, row.done, row.not_home, row.refused, row.moved, row.exceptions)
            for row in rows
        }
        if ours != raw:
            mismatches.append(label)
        targets = sum(counts[0] for counts in raw.values())
        say(
            f"progress({label} {area.code}, {len(rows)} rows over {targets:,} targets): "
            f"best {ms(ours_best)}, p50 {ms(ours_p50)}; raw GROUP BY over the targets: "
            f"best {ms(raw_best)}, p50 {ms(raw_p50)}; ratio raw/progress {raw_p50 / ours_p50:.1f}x; "
            f"counts {'equal' if ours == raw else 'DIFFER'}"
        )
        worst_http = max(worst_http, progress_json(browser, world.campaign_id, area))
    return {"worst_p50": worst, "mismatches": len(mismatches), "http_p50": worst_http}


def progress_json(browser: FieldClient, campaign_id: int, area) -> float:
    """The dashboard's JSON over HTTP for `area`: median of 20 requests (nan unless all are 200)."""
    path = f"/campaigns/{campaign_id}/progress.json?area={area.pk}"
    times, statuses, data = [], Counter(), b""
    for _ in range(20):
        started = time.perf_counter()
        status, data = browser._request("GET", path)
        times.append(time.perf_counter() - started)
        statuses[status] += 1
    if set(statuses) != {200}:
        say(f"  GET {path}: {dict(statuses)} (not measured)")
        return float("nan")
    say(f"  GET {path} over HTTP: best {ms(min(times))}, p50 {ms(median(times))} ({len(data):,} bytes)")
    return median(times)


# --- Checks ----------------------------------------------------------------------------------


def check_rows(world: World) -> dict[str, int]:
    """Every created submission left its result, and the progress rows add up to the targets."""
    from django.db.models import Count, Q, Sum

    from gridgov.campaigns.models import GridProgress, Outcome, Target
    from gridgov.fieldapp.models import Submission, SubmissionStatus

    submissions = Submission.objects.filter(kind=RESULT_KIND, status=SubmissionStatus.CREATED).count()
    targets = Target.objects.filter(campaign_id=world.campaign_id)
    counted = targets.aggregate(
        visited=Count("pk", filter=~Q(outcome=Outcome.PENDING)),
        done=Count("pk", filter=Q(outcome=Outcome.DONE)),
        exceptions=Count("pk", filter=Q(has_exception=True)),
    )
    summed = GridProgress.objects.filter(campaign_id=world.campaign_id).aggregate(
        total=Sum("total"), done=Sum("done"), exceptions=Sum("exceptions")
    )
    say(
        f"rows: {submissions:,} created campaign.result submissions, {counted['visited']:,} visited targets "
        f"({counted['done']:,} done, {counted['exceptions']:,} with an exception); progress rows: "
        f"total {summed['total']:,}, done {summed['done']:,}, exceptions {summed['exceptions']:,}"
    )
    consistent = (
        submissions == counted["visited"]
        and summed["total"] == world.targets
        and summed["done"] == counted["done"]
        and summed["exceptions"] == counted["exceptions"]
    )
    return {"submissions": submissions, "consistent": int(consistent)}


# --- The benchmark ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=400_000, help="households (default 400,000)")
    parser.add_argument("--clients", type=int, default=16, help="surge workers, one thread each (default 16)")
    parser.add_argument("--grids-per-client", type=int, default=10, help="grids of each surge worker")
    parser.add_argument("--seconds", type=float, default=60, help="closed loop, one result per request")
    parser.add_argument("--batch", type=int, default=20, help="results per request in the batched loop")
    parser.add_argument("--batch-seconds", type=float, default=30)
    parser.add_argument(
        "--rate-batch",
        type=int,
        default=5,
        help="results per request in the second open loop (phones catching up)",
    )
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--rate", type=float, default=150, help="open-loop results/s (default 150)")
    parser.add_argument("--rate-seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--intake-seconds", type=float, default=30, help="case-intake closed loop")
    parser.add_argument("--no-intake", action="store_true", help="skip the case-intake reference")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    with (
        tempfile.TemporaryDirectory(prefix="gridgov-bench-") as data_dir,
        throwaway_database("campaigns") as url,
    ):
        configure_django(url, data_dir)
        from django.db import connections

        world = build_world(args)
        connections.close_all()
        port = cases_intake.free_port()
        server = cases_intake.start_server(url, data_dir, port, args.workers)
        try:
            cases_intake.wait_until_up(server, port)
            say(f"gunicorn: {args.workers} sync workers on {HOST}:{port}, PostgreSQL, DEBUG off")
            meter = CpuMeter(server.pid, url)
            try:
                figures = surge(args, world, port, meter)
            finally:
                meter.close()
            connections.close_all()
            figures.update(dashboard(world, port))
        finally:
            log = Path(data_dir) / "gunicorn.log"
            errors = log.read_text(errors="replace").strip().splitlines() if log.exists() else []
            if errors:
                say(f"gunicorn.log ({len(errors)} lines), the last ones:")
                for line in errors[-25:]:
                    say(f"  | {line[:300]}")
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        figures.update(check_rows(world))
        connections.close_all()
    return report(args, world, figures)


def surge(args: argparse.Namespace, world: World, port: int, meter: CpuMeter) -> dict:
    from django.db import connections

    clients = field_clients(port, world, args.seed)
    tokens, category = intake_clients(world, args.clients, args.seed)
    connections.close_all()
    sizes = [len(c.targets) for c in clients]
    say(
        f"{len(clients)} surge workers signed in, {sum(sizes):,} targets assigned to them "
        f"({min(sizes):,}–{max(sizes):,} each); {load()}"
    )
    figures: dict = {}
    one, one.cpu = meter.measure(
        lambda: closed_loop(clients, 1, args.warmup, args.seconds), (args.warmup, args.warmup + args.seconds)
    )
    figures["one"] = one
    say(
        f"surge closed loop, {len(clients)} clients, 1 result/request, {args.seconds:.0f} s: "
        f"{one.per_second:,.1f} results/s; per request {one.latency_text()}; {one.cpu_text()} "
        f"({one.describe()}; {load()})"
    )
    if not args.no_intake:
        # The reference: bench/cases_intake.py's own closed loop and requests (token auth, a case
        # report each), same clients count, same server, right after the surge.
        requesters = [
            cases_intake.Requester(port, cases_intake.INTAKE_PATH, c, category, True) for c in tokens
        ]
        intake, cpu = meter.measure(
            lambda: cases_intake.closed_loop(requesters, args.warmup, args.intake_seconds)[0],
            (args.warmup, args.warmup + args.intake_seconds),
        )
        figures["intake"] = intake
        figures["intake_rps"] = intake.ok / args.intake_seconds
        figures["intake_cpu"] = sum(cpu) / intake.ok if intake.ok else float("nan")
        say(
            f"case intake closed loop (bench/cases_intake.py), {len(requesters)} clients, "
            f"{args.intake_seconds:.0f} s: {figures['intake_rps']:,.1f} reports/s, "
            f"p50 {ms(intake.percentile(0.5))}, p99 {ms(intake.percentile(0.99))}; CPU per report "
            f"{1000 * cpu[0] / max(intake.ok, 1):.1f} ms app + {1000 * cpu[1] / max(intake.ok, 1):.1f} ms "
            f"PostgreSQL ({intake.describe()}; {load()})"
        )
    batched, batched.cpu = meter.measure(
        lambda: closed_loop(clients, args.batch, args.warmup, args.batch_seconds),
        (args.warmup, args.warmup + args.batch_seconds),
    )
    figures["batched"] = batched
    say(
        f"surge closed loop, {len(clients)} clients, {args.batch} results/request, "
        f"{args.batch_seconds:.0f} s: {batched.per_second:,.1f} results/s; per request "
        f"{batched.latency_text()}; per result {batched.latency_text(args.batch)}; {batched.cpu_text()} "
        f"({batched.describe()}; {load()})"
    )
    rated, rated.cpu = meter.measure(lambda: open_loop(clients, args.rate, args.rate_seconds))
    figures["rated"] = rated
    say(
        f"surge open loop at {args.rate:.0f} results/s (1 per request) for {args.rate_seconds:.0f} s: "
        f"{rated.per_second:,.1f} results/s answered; latency from the scheduled start "
        f"{rated.latency_text()}; {rated.cpu_text()} ({rated.describe()}; {load()})"
    )
    paced, paced.cpu = meter.measure(
        lambda: open_loop(clients, args.rate, args.rate_seconds, per_request=args.rate_batch)
    )
    figures["paced"] = paced
    say(
        f"surge open loop at {args.rate:.0f} results/s ({args.rate_batch} per request) for "
        f"{args.rate_seconds:.0f} s: {paced.per_second:,.1f} results/s answered; latency per request "
        f"from the scheduled start {paced.latency_text()}; {paced.cpu_text()} ({paced.describe()}; {load()})"
    )
    for name in ("one", "batched", "rated", "paced"):
        for refusal in figures[name].refusals[:1]:
            say(f"  first non-created answer ({name}): {json.dumps(refusal, ensure_ascii=False)[:300]}")
    return figures


def report(args: argparse.Namespace, world: World, figures: dict) -> int:
    one, batched, rated, paced = figures["one"], figures["batched"], figures["rated"], figures["paced"]
    say(
        f"RESULT campaign start, {world.targets:,} targets over {world.grids:,} grids: "
        f"{world.start_seconds:.1f} s ({world.targets / world.start_seconds:,.0f} targets/s); "
        f"INSERT … SELECT baseline {world.start_baseline_seconds:.1f} s, "
        f"ratio {world.start_seconds / world.start_baseline_seconds:.1f}x"
    )
    say(
        f"RESULT surge results/s, 1 per request, {len(world.surge_users)} clients: {one.per_second:,.1f} "
        f"(target >= 150), p99 {ms(one.percentile(0.99))}"
    )
    say(
        f"RESULT surge results/s, {args.batch} per request: {batched.per_second:,.1f}, "
        f"p99 per request {ms(batched.percentile(0.99))}"
    )
    say(
        f"RESULT surge p99 at {args.rate:.0f} results/s open loop: {ms(rated.percentile(0.99))} "
        f"(target < 300 ms), {rated.per_second:,.1f} results/s answered, {rated.dropped:,} requests dropped"
    )
    say(
        f"RESULT surge p99 at {args.rate:.0f} results/s open loop, {args.rate_batch} results per request: "
        f"{ms(paced.percentile(0.99))} per request (target < 300 ms), {paced.per_second:,.1f} results/s "
        f"answered, {paced.dropped:,} requests dropped"
    )
    if figures.get("intake_rps"):
        intake = figures["intake_rps"]
        say(
            f"RESULT surge/intake: {one.per_second:,.1f} results/s against {intake:,.1f} case reports/s "
            f"= {one.per_second / intake:.2f}x (1 per request), {batched.per_second / intake:.2f}x batched"
        )
    cores = os.cpu_count() or 1
    cpu_line = (
        f"RESULT server CPU per result (app + PostgreSQL): {1000 * one.cpu_per_result:.1f} ms one "
        f"per request, "
        f"{1000 * batched.cpu_per_result:.1f} ms {args.batch} per request"
    )
    if figures.get("intake_rps"):
        cpu_line += (
            f"; per case report {1000 * figures['intake_cpu']:.1f} ms, "
            f"a result costs {one.cpu_per_result / figures['intake_cpu']:.2f}x a report"
        )
    say(
        cpu_line + f"; what {cores} idle cores would serve: ≈{cores / one.cpu_per_result:,.0f} results/s "
        f"(≈{cores / batched.cpu_per_result:,.0f} batched)"
    )
    say(
        f"RESULT coverage progress() p50, worst of district/street/community: {ms(figures['worst_p50'])} "
        f"(target < 300 ms); progress.json over HTTP, worst p50 {ms(figures['http_p50'])}"
    )
    failed = [name for name in ("one", "batched", "rated", "paced") if not figures[name].clean]
    intake = figures.get("intake")
    if intake is not None and (intake.errors or set(intake.statuses) - {201}):
        failed.append("intake")
    if failed or figures["mismatches"] or not figures["consistent"]:
        say(
            f"RESULT campaigns: FAILED — unclean phases {', '.join(failed) or '-'}, dashboard mismatches "
            f"{figures['mismatches']}, rows consistent {bool(figures['consistent'])}"
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
