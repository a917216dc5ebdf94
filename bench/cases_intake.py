"""Case intake over HTTP: POST /api/v1/cases/ against a bare baseline view, same server, same run.

Run as `.venv/bin/python bench/cases_intake.py` (or through bench/run.py). It creates a
throwaway PostgreSQL database on 127.0.0.1:5432, migrates it, loads the small demo, gives
grid-worker accounts API tokens, starts gunicorn (sync workers) with bench.settings_bench on a
free 127.0.0.1 port, and measures for each endpoint:

- the most requests/s a closed loop of N clients gets (each client sends its next request as
  soon as the answer arrives), after a warm-up;
- the latency at a fixed open-loop rate (50 requests/s by default): requests start on a
  schedule whatever the answers do, and latency counts from the scheduled start, so a slow
  answer delays no measurement (no coordinated omission).

The full path: token authentication, validation, the grid lookup, working-time deadlines, the
case row (with its number counter), the timeline and audit rows, the inbox notification.
The baseline (bench/baseline_app) parses the body and inserts one row as wide as a case.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pg import configure_django, throwaway_database  # noqa: E402

HOST = "127.0.0.1"
INTAKE_PATH = "/api/v1/cases/"
BASELINE_PATH = "/bench/baseline/"
DESCRIPTIONS = [
    "小区门口井盖缺失，夜间行人容易踩空，请尽快处理",
    "路灯连续三晚不亮，居民夜间出行不便",
    "楼后空地暴露垃圾堆积，气味较大",
    "人行道上乱堆建材，影响通行",
]


@dataclass
class Client:
    """One simulated grid worker: an API token and points inside his grid."""

    token: str
    points: list[tuple[float, float]]


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests
    statuses: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int, latency: float) -> None:
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status == 201:
                self.latencies.append(latency)

    def fail(self, error: str) -> None:
        with self.lock:
            self.errors.append(error)

    @property
    def ok(self) -> int:
        return self.statuses.get(201, 0)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def describe(self) -> str:
        others = {s: n for s, n in sorted(self.statuses.items()) if s != 201}
        text = f"{self.ok} × 201"
        if others:
            text += ", other statuses " + ", ".join(f"{n} × {s}" for s, n in others.items())
        if self.errors:
            text += f", {len(self.errors)} connection errors (first: {self.errors[0]})"
        return text


# --- Preparing the database and the server ------------------------------------------------------


def prepare(clients: int, seed: int) -> tuple[list[Client], str]:
    """Migrate, load the small demo, create the baseline table and `clients` grid workers with tokens.

    Returns the clients and the category code the reports use.
    """
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token
    from shapely.geometry import Point, shape

    from bench.baseline_app.views import create_table
    from gridgov.access.models import Membership
    from gridgov.access.roles import Role
    from gridgov.access.testing import make_user
    from gridgov.cases.models import Category

    call_command("migrate", verbosity=0)
    call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    create_table()
    # The demo grid worker's grids; each bench worker patrols one of them.
    grids = [
        m.org_unit
        for m in Membership.objects.filter(user__username="grid_worker", role=Role.GRID_WORKER)
        .select_related("org_unit")
        .order_by("org_unit__code")
    ]
    category = (
        Category.objects.filter(is_active=True, parent__isnull=False, auto_escalate=False)
        .order_by("code")
        .first()
    )
    rng = random.Random(seed)
    result = []
    for n in range(clients):
        grid = grids[n % len(grids)]
        user = make_user(f"bench_worker_{n}", Role.GRID_WORKER, grid)
        polygon = shape(grid.geometry)
        min_lon, min_lat, max_lon, max_lat = polygon.bounds
        points: list[tuple[float, float]] = []
        while len(points) < 200:
            lon, lat = rng.uniform(min_lon, max_lon), rng.uniform(min_lat, max_lat)
            if polygon.contains(Point(lon, lat)):
                points.append((round(lon, 6), round(lat, 6)))
        result.append(Client(Token.objects.create(user=user).key, points))
    return result, category.code


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(database_url: str, data_dir: str, port: int, workers: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "GRIDGOV_DATABASE_URL": database_url,
        "GRIDGOV_DATA_DIR": data_dir,
        "GRIDGOV_DEMO": "1",
        "GRIDGOV_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
    }
    log = open(Path(data_dir) / "gunicorn.log", "wb")  # noqa: SIM115 (closed with the process)
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--workers", str(workers),
        "--bind", f"{HOST}:{port}",
        "--chdir", str(ROOT),
        "--pythonpath", str(ROOT),
        "--backlog", "256",
        "--log-level", "warning",
        "gridgov.wsgi:application",
    ]  # fmt: skip
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603


def wait_until_up(server: subprocess.Popen, port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/api/v1/me/")
            connection.getresponse().read()
            connection.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


# --- Load generation --------------------------------------------------------------------------


class Requester:
    """Builds and sends one kind of request over its own connection (reconnecting when the
    sync worker closes it after each answer)."""

    def __init__(self, port: int, path: str, client: Client, category: str, authenticate: bool):
        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)
        self.path = path
        self.client = client
        self.category = category
        self.authenticate = authenticate
        self.n = random.randrange(1_000_000)

    def send(self) -> int:
        self.n += 1
        lon, lat = self.client.points[self.n % len(self.client.points)]
        body = json.dumps(
            {
                "category": self.category,
                "description": DESCRIPTIONS[self.n % len(DESCRIPTIONS)],
                "lon": lon,
                "lat": lat,
                "address": f"和平路{self.n % 300}号",
            },
            ensure_ascii=False,
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Idempotency-Key": uuid.uuid4().hex,
        }
        if self.authenticate:
            headers["Authorization"] = f"Token {self.client.token}"
        try:
            self.connection.request("POST", self.path, body, headers)
            response = self.connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()  # reconnects on the next request
            raise
        if response.will_close:
            self.connection.close()
        return response.status


def closed_loop(requesters: list[Requester], warmup: float, seconds: float) -> tuple[Stats, float]:
    """Each requester sends back to back; counts the answers of the `seconds` after `warmup`."""
    stats = Stats()
    start = time.perf_counter()
    measure_from, stop = start + warmup, start + warmup + seconds

    def run(requester: Requester) -> None:
        while True:
            began = time.perf_counter()
            if began >= stop:
                return
            try:
                status = requester.send()
            except (OSError, http.client.HTTPException) as exc:
                if began >= measure_from:
                    stats.fail(repr(exc))
                continue
            ended = time.perf_counter()
            if began >= measure_from and ended <= stop:
                stats.add(status, ended - began)

    threads = [threading.Thread(target=run, args=(r,)) for r in requesters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return stats, seconds


def open_loop(requesters: list[Requester], rate: float, seconds: float) -> Stats:
    """Start a request every 1/rate s for `seconds`; latency from each request's scheduled start."""
    stats = Stats()
    free: list[Requester] = list(requesters)
    free_lock = threading.Lock()

    def run(scheduled: float) -> None:
        with free_lock:
            requester = free.pop()
        try:
            status = requester.send()
            stats.add(status, time.perf_counter() - scheduled)
        except (OSError, http.client.HTTPException) as exc:
            stats.fail(repr(exc))
        finally:
            with free_lock:
                free.append(requester)

    total = int(rate * seconds)
    with ThreadPoolExecutor(max_workers=len(requesters)) as pool:
        start = time.perf_counter() + 0.1
        for i in range(total):
            scheduled = start + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(run, scheduled)
    return stats


# --- The benchmark ----------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8, help="closed-loop concurrency (default 8)")
    parser.add_argument("--seconds", type=float, default=15, help="closed-loop measurement per endpoint")
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--rate", type=float, default=50, help="open-loop requests/s (default 50)")
    parser.add_argument("--rate-seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    with (
        tempfile.TemporaryDirectory(prefix="gridgov-bench-") as data_dir,
        throwaway_database("intake") as url,
    ):
        configure_django(url, data_dir)
        from django.db import connections

        started = time.perf_counter()
        clients, category = prepare(args.clients, args.seed)
        connections.close_all()
        print(
            f"database ready in {time.perf_counter() - started:.1f} s: small demo, "
            f"{len(clients)} grid workers with API tokens, category {category}"
        )
        port = free_port()
        server = start_server(url, data_dir, port, args.workers)
        try:
            wait_until_up(server, port)
            print(f"gunicorn: {args.workers} sync workers on {HOST}:{port}, PostgreSQL, DEBUG off")
            figures = measure(args, port, clients, category)
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        check_rows(figures)
        connections.close_all()
    return report(args, figures)


def measure(args, port: int, clients: list[Client], category: str) -> dict:
    figures: dict = {}
    for name, path, authenticate in (("baseline", BASELINE_PATH, False), ("intake", INTAKE_PATH, True)):
        requesters = [Requester(port, path, c, category, authenticate) for c in clients]
        stats, seconds = closed_loop(requesters, args.warmup, args.seconds)
        figures[f"{name}_closed"] = stats
        figures[f"{name}_rps"] = stats.ok / seconds
        print(
            f"{name:8s} closed loop, {len(requesters)} clients, {seconds:.0f} s: "
            f"{stats.ok / seconds:,.0f} req/s, p50 {ms(stats.percentile(0.5))}, "
            f"p99 {ms(stats.percentile(0.99))} ({stats.describe()})"
        )
    for name, path, authenticate in (("baseline", BASELINE_PATH, False), ("intake", INTAKE_PATH, True)):
        # Enough connections that a slow answer never holds back the schedule.
        requesters = [
            Requester(port, path, clients[n % len(clients)], category, authenticate) for n in range(32)
        ]
        stats = open_loop(requesters, args.rate, args.rate_seconds)
        figures[f"{name}_open"] = stats
        print(
            f"{name:8s} open loop at {args.rate:.0f} req/s for {args.rate_seconds:.0f} s: "
            f"p50 {ms(stats.percentile(0.5))}, p99 {ms(stats.percentile(0.99))}, "
            f"max {ms(stats.percentile(1.0))} ({stats.describe()})"
        )
    return figures


def check_rows(figures: dict) -> None:
    """Every 201 of the intake left its case, timeline and audit rows (warm-up requests included)."""
    from gridgov.audit.models import AuditEntry
    from gridgov.cases.models import Case, TimelineEntry

    cases = Case.objects.filter(reporter__username__startswith="bench_worker_").count()
    timeline = TimelineEntry.objects.filter(case__reporter__username__startswith="bench_worker_").count()
    audit = AuditEntry.objects.filter(
        action="case.report", actor__username__startswith="bench_worker_"
    ).count()
    figures["rows"] = (cases, timeline, audit)
    print(
        f"rows written by the intake: {cases:,} cases, {timeline:,} timeline entries, {audit:,} audit entries"
    )


def report(args, figures: dict) -> int:
    ratio = figures["intake_rps"] / figures["baseline_rps"] if figures["baseline_rps"] else 0.0
    p99 = figures["intake_open"].percentile(0.99)
    failures = [
        name
        for name in ("baseline_closed", "intake_closed", "baseline_open", "intake_open")
        if figures[name].errors or set(figures[name].statuses) - {201}
    ]
    cases, timeline, audit = figures["rows"]
    print(f"baseline: {figures['baseline_rps']:,.0f} req/s")
    print(f"intake:   {figures['intake_rps']:,.0f} req/s")
    print(f"RESULT intake/baseline req/s ratio: {ratio:.2f}x (target >= 0.4x)")
    print(f"RESULT intake p99 at {args.rate:.0f} req/s: {ms(p99)} (target < 150 ms)")
    if failures or not (cases and cases == timeline == audit):
        print(
            f"RESULT intake: FAILED requests in {', '.join(failures) or '-'}; rows {cases}/{timeline}/{audit}"
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
