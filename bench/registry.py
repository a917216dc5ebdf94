"""Registry benchmarks: importing persons from CSV through the real import path against
PostgreSQL COPY, and searching a million persons against the same lookups in raw SQL.

    .venv/bin/python bench/registry.py import [--persons N] [--sqlite-persons N]
    .venv/bin/python bench/registry.py search [--persons N] [--queries N] [--explain]

(or bench/run.py --only registry_import,registry_search). Each part creates a throwaway
PostgreSQL database on 127.0.0.1:5432 with the full-scale demo district's geography (1,292
grids, no demo registry) and generates N persons (default 1,000,000; not timed): Han and
Mongolian names, unique valid ID numbers, mobiles, ethnicities, residence types, spread evenly
over the grids (bench/registry_data.py).

import: the persons as a CSV file with Chinese headers, imported as a district admin through
gridgov.people.imports (jobs.create_job, then the dry run dry_run.check_job, then
runner.run_job), each step timed, the three together against the baseline. Baseline, same run
(before and after the import, the faster counts): COPY FROM STDIN of the same persons as
stored rows (the columns the services fill: pinyin keys, tokens, keyed hashes, masked forms)
into a plain table with people_person's columns and a primary key only; and, for reference,
into one with all of people_person's indexes and constraints (not its foreign keys: LIKE does not
copy them, while the import pays their checks). Then the same import on SQLite in
a child process (--sqlite-persons, default 100,000), beside executemany() of the stored rows
into a plain SQLite table.

search: the persons are loaded with COPY straight into people_person (the rows the import
would store), analysed, then people.search.persons_matching (first page, 50 rows) is timed
for name prefixes (the family name alone and two characters), pinyin initials, full-pinyin
prefixes, an exact ID number and an exact phone (keyed hashes), as a district admin (whole
district) and as a grid worker (one grid, the persons of that grid as targets); each query
runs with the user's memberships already loaded, as after a view's permission check (loading
them is timed on its own). Baseline: the same lookup as one hand-written SQL statement on the
same table (same condition and order; for Latin letters it knows whether pinyin or initials were
typed, which the search finds out with its probes), run alternately with it.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from statistics import quantiles

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pg import configure_django, throwaway_database  # noqa: E402
from bench.registry_data import SyntheticPerson, generate_persons, write_import_csv, write_stored_rows  # noqa: E402

SEARCH_TARGET_MS = 50.0
IMPORT_TARGET_RATIO = 0.2
COPY_CHUNK = 1 << 20


@dataclass
class District:
    unit: object  # the district OrgUnit
    grid_codes: list[str]
    admin: object
    worker: object  # a grid worker of one grid
    worker_grid: object


def say(text: str) -> None:
    print(text, flush=True)


def configure_sqlite(data_dir: str) -> None:
    os.environ.pop("GRIDGOV_DATABASE_URL", None)
    os.environ["GRIDGOV_DATA_DIR"] = data_dir
    os.environ["GRIDGOV_DEMO"] = "1"
    os.environ.setdefault("GRIDGOV_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings_bench"
    import django

    django.setup()


def load_district() -> District:
    """Migrate, load the full-scale demo geography (no accounts, no registry) and two users."""
    from django.core.management import call_command

    from gridgov.access.roles import Role
    from gridgov.access.testing import make_user
    from gridgov.demo.district import build_district
    from gridgov.geo.geojson_io import import_collection
    from gridgov.geo.models import Level, OrgUnit

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    import_collection(build_district("district"))
    district = OrgUnit.objects.get(level=Level.DISTRICT)
    grids = list(OrgUnit.objects.grids().order_by("code"))
    worker_grid = grids[len(grids) // 3]
    admin = make_user("bench_district_admin", Role.DISTRICT_ADMIN, district)
    worker = make_user("bench_grid_worker", Role.GRID_WORKER, worker_grid)
    say(f"district {district.code}: {len(grids):,} grids loaded in {time.perf_counter() - started:.1f} s")
    return District(district, [g.code for g in grids], admin, worker, worker_grid)


def prepare_files(
    persons: list[SyntheticPerson], directory: Path, *, csv_file: bool
) -> tuple[Path | None, Path, list[str]]:
    started = time.perf_counter()
    csv_path = None
    if csv_file:
        csv_path = directory / "persons.csv"
        write_import_csv(persons, csv_path)
    rows_path = directory / "persons.copy"
    columns = write_stored_rows(persons, rows_path, progress=lambda n: say(f"  … {n:,} rows sealed"))
    size = rows_path.stat().st_size / 1e6
    say(
        f"files written in {time.perf_counter() - started:.0f} s (not timed): "
        + (f"CSV {csv_path.stat().st_size / 1e6:.0f} MB, " if csv_path else "")
        + f"stored rows {size:.0f} MB"
    )
    return csv_path, rows_path, columns


def copy_rows(table: str, columns: list[str], rows_path: Path) -> float:
    """COPY the stored rows into `table` in one transaction; seconds including the commit."""
    from django.db import connection, transaction

    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    started = time.perf_counter()
    # Table and column names come from the model: no outside input.
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        rows_path.open("rb") as source,
        cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy,
    ):
        while chunk := source.read(COPY_CHUNK):
            copy.write(chunk)
    return time.perf_counter() - started


def rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f} rows/s ({seconds:.1f} s)"


# Import ------------------------------------------------------------------------------------


def import_modules():
    """The import path's modules, or None while they do not exist yet."""
    try:
        from gridgov.people.imports import dry_run, jobs, runner
    except ImportError as exc:
        say(f"the import path is not available ({exc})")
        return None
    return jobs, dry_run, runner


def run_import(csv_path: Path, district: District, rows: int) -> tuple[float, float, float] | None:
    """create_job, check_job, run_job on the CSV; (create, check, run seconds), checked for counts."""
    from gridgov.people.models import Person

    modules = import_modules()
    if modules is None:
        return None
    jobs, dry_run, runner = modules
    before = Person.objects.count()
    started = time.perf_counter()
    job = jobs.create_job(kind="persons", file=csv_path, org_unit=district.unit, user=district.admin)
    create_s = time.perf_counter() - started
    say(f"create_job (stores the file): {create_s:.1f} s")
    started = time.perf_counter()
    job = dry_run.check_job(job)
    check_s = time.perf_counter() - started
    say(
        f"check_job (dry run): {rate(rows, check_s)}; {job.total_rows:,} rows, {job.bad_rows:,} with problems"
    )
    if job.total_rows != rows or job.bad_rows:
        first = list(job.problems.order_by("row")[:5].values_list("row", "field", "message"))
        raise SystemExit(f"the dry run did not accept every row: {job.bad_rows} bad, first {first}")
    started = time.perf_counter()
    job = runner.run_job(job.pk)
    run_s = time.perf_counter() - started
    created = Person.objects.count() - before
    say(
        f"run_job (import): {rate(rows, run_s)}; status {job.status}, {job.created_count:,} created, "
        f"{job.updated_count:,} updated, {created:,} new persons in the table"
    )
    if created != rows:
        raise SystemExit(f"the import created {created:,} persons, expected {rows:,}")
    return create_s, check_s, run_s


def copy_baselines(columns: list[str], rows_path: Path, rows: int) -> tuple[float, float]:
    """COPY the stored rows into a plain table and into an indexed one: (plain, indexed) seconds."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_person_plain (LIKE people_person INCLUDING DEFAULTS INCLUDING IDENTITY)"
        )
        cursor.execute("ALTER TABLE bench_person_plain ADD PRIMARY KEY (id)")
        cursor.execute("CREATE TABLE bench_person_indexed (LIKE people_person INCLUDING ALL)")
    plain = copy_rows("bench_person_plain", columns, rows_path)
    say(f"COPY into a plain table (same columns, primary key only): {rate(rows, plain)}")
    indexed = copy_rows("bench_person_indexed", columns, rows_path)
    say(f"COPY into a table with people_person's indexes and constraints: {rate(rows, indexed)}")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_person_plain, bench_person_indexed")
        cursor.execute("CHECKPOINT")
    return plain, indexed


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} {five:.1f} {fifteen:.1f}"


def import_postgresql(args: argparse.Namespace) -> int:
    with (
        tempfile.TemporaryDirectory(prefix="gridgov-bench-") as data_dir,
        throwaway_database("registry") as url,
    ):
        configure_django(url, data_dir)
        from django.db import connections

        try:
            district = load_district()
            persons = generate_persons(args.persons, district.grid_codes, seed=args.seed)
            csv_path, rows_path, columns = prepare_files(persons, Path(data_dir), csv_file=True)
            del persons
            # The baselines run before and after the import and the faster of each counts: other
            # work on the machine then slows the reference no more than it slows the import.
            say(f"COPY baselines, before the import ({load_average()}):")
            before = copy_baselines(columns, rows_path, args.persons)
            assert csv_path is not None
            say(f"the import ({load_average()}):")
            timed = run_import(csv_path, district, args.persons)
            if timed is not None:
                say(f"COPY baselines, after the import ({load_average()}):")
                after = copy_baselines(columns, rows_path, args.persons)
                copy_plain, copy_indexed = min(before[0], after[0]), min(before[1], after[1])
        finally:
            connections.close_all()
    if timed is None:
        say("RESULT import: not measured (gridgov.people.imports missing)")
        return 1
    create_s, check_s, run_s = timed
    whole = create_s + check_s + run_s
    copy_rate = args.persons / copy_plain
    say(f"create_job + check_job + run_job: {rate(args.persons, whole)}")
    say(
        f"RESULT PostgreSQL import of {args.persons:,} persons: "
        f"check_job {args.persons / check_s:,.0f} rows/s, run_job {args.persons / run_s:,.0f} rows/s, "
        f"all three {args.persons / whole:,.0f} rows/s; "
        f"COPY {copy_rate:,.0f} rows/s, into the indexed table {args.persons / copy_indexed:,.0f} rows/s"
    )
    say(
        f"ratio import (create + check + run) / COPY: {copy_plain / whole:.3f}x "
        f"(target >= {IMPORT_TARGET_RATIO}x); "
        f"run_job alone / COPY: {copy_plain / run_s:.3f}x; "
        f"vs COPY into the indexed table: {copy_indexed / whole:.3f}x"
    )
    if args.sqlite_persons:
        say(f"---- SQLite, {args.sqlite_persons:,} persons (child process)")
        child = subprocess.run(  # noqa: S603
            [sys.executable, __file__, "import", "--sqlite", "--persons", str(args.sqlite_persons)],
            check=False,
        )
        if child.returncode:
            return child.returncode
    return 0


def import_sqlite(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="gridgov-bench-") as data_dir:
        configure_sqlite(data_dir)
        from django.db import connection, transaction

        district = load_district()
        persons = generate_persons(args.persons, district.grid_codes, seed=args.seed)
        csv_path, rows_path, columns = prepare_files(persons, Path(data_dir), csv_file=True)
        del persons
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE bench_person_plain AS SELECT * FROM people_person WHERE 0")
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        marks = ", ".join("%s" for _ in columns)
        with rows_path.open(encoding="utf-8") as source:
            values = [[None if v == "\\N" else v for v in line.rstrip("\n").split("\t")] for line in source]
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO bench_person_plain ({names}) VALUES ({marks})", values)  # noqa: S608
        baseline = time.perf_counter() - started
        del values
        say(f"executemany INSERT into a plain table (same columns, no index): {rate(args.persons, baseline)}")
        assert csv_path is not None
        timed = run_import(csv_path, district, args.persons)
    if timed is None:
        return 1
    create_s, check_s, run_s = timed
    whole = create_s + check_s + run_s
    say(
        f"RESULT SQLite import of {args.persons:,} persons: check_job {args.persons / check_s:,.0f} rows/s, "
        f"run_job {args.persons / run_s:,.0f} rows/s, all three {args.persons / whole:,.0f} rows/s; "
        f"plain executemany {args.persons / baseline:,.0f} rows/s ({baseline / whole:.3f}x)"
    )
    return 0


# Search ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lookup:
    """One search: the text typed, and the same lookup as hand-written SQL (condition and order)."""

    text: str
    where: str
    params: tuple
    order: str = "name, id"


def _lookups(kind: str, person: SyntheticPerson) -> Lookup:
    from gridgov.people import pii
    from gridgov.people.names import pinyin_keys

    if kind == "id":
        return Lookup(
            person.id_number, "id_number_index = %s", (pii.index_of(person.id_number, pii.ID_NUMBER),)
        )
    if kind == "phone":
        return Lookup(person.phone, "phone_index = %s", (pii.index_of(person.phone, pii.PHONE),))
    if kind in ("family name", "name prefix"):
        text = person.name[: 1 if kind == "family name" else 2]
        return Lookup(text, "name LIKE %s", (text + "%",))
    full, initials = pinyin_keys(person.name)
    # Typed as one would: every initial, or the first syllables of the full pinyin. The hand-written
    # statement knows which of the two was typed; the search has to find out.
    if kind == "initials":
        return Lookup(initials, "name_initials LIKE %s", (initials + "%",), "name_initials, name_pinyin, id")
    text = full[: max(3, len(full) * 2 // 3)]
    return Lookup(text, "name_pinyin LIKE %s", (text + "%",), "name_pinyin, name, id")


SEARCH_KINDS = ("family name", "name prefix", "initials", "pinyin prefix", "id", "phone")


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    cuts = quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def time_lookups(user, scope_path: str, lookups: list[Lookup]) -> tuple[list[float], list[float], int]:
    """Milliseconds of persons_matching()[:50] and of the raw SQL per lookup, alternating; rows seen."""
    from django.db import connection

    from gridgov.people.search import PersonQuery, persons_matching

    raw_sql = (
        "SELECT * FROM people_person WHERE (org_path = %s OR org_path LIKE %s) AND {where} "
        "ORDER BY {order} LIMIT 50"
    )
    ours, raw, rows = [], [], 0

    def gridgov_query(lookup: Lookup) -> int:
        return len(list(persons_matching(user, PersonQuery(text=lookup.text))[:50]))

    def raw_query(lookup: Lookup) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                raw_sql.format(where=lookup.where, order=lookup.order),
                (scope_path, scope_path + ".%", *lookup.params),
            )
            return len(cursor.fetchall())

    for number, lookup in enumerate(lookups):
        order: list[tuple[Callable[[Lookup], int], list[float]]] = [(gridgov_query, ours), (raw_query, raw)]
        for run, sink in order if number % 2 else reversed(order):
            started = time.perf_counter()
            found = run(lookup)
            sink.append((time.perf_counter() - started) * 1000)
            if sink is ours:
                rows += found
    return ours, raw, rows


def explain(user, lookup: Lookup) -> None:
    from gridgov.people.search import PersonQuery, persons_matching

    plan = persons_matching(user, PersonQuery(text=lookup.text))[:50].explain(analyze=True)
    say("    " + plan.replace("\n", "\n    "))


def search_postgresql(args: argparse.Namespace) -> int:
    with (
        tempfile.TemporaryDirectory(prefix="gridgov-bench-") as data_dir,
        throwaway_database("registry") as url,
    ):
        configure_django(url, data_dir)
        from django.db import connection, connections

        try:
            district = load_district()
            persons = generate_persons(args.persons, district.grid_codes, seed=args.seed)
            _csv, rows_path, columns = prepare_files(persons, Path(data_dir), csv_file=False)
            seconds = copy_rows("people_person", columns, rows_path)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE people_person")
            say(
                f"{args.persons:,} persons loaded into people_person with COPY: {rate(args.persons, seconds)}"
            )
            worst = run_searches(args, district, persons)
        finally:
            connections.close_all()
    verdict = "met" if worst < SEARCH_TARGET_MS else "MISSED"
    say(
        f"RESULT search over {args.persons:,} persons: worst p95 {worst:.1f} ms "
        f"(target < {SEARCH_TARGET_MS:.0f} ms, {verdict})"
    )
    return 0


def run_searches(args: argparse.Namespace, district: District, persons: list[SyntheticPerson]) -> float:
    from gridgov.access.scope import memberships_of

    rng = random.Random(args.seed)
    in_worker_grid = [p for p in persons if p.grid_code == district.worker_grid.code]
    roles = (
        ("district admin", district.admin, district.unit.path, persons),
        (
            f"grid worker ({len(in_worker_grid)} persons)",
            district.worker,
            district.worker_grid.path,
            in_worker_grid,
        ),
    )
    for role, user, _path, _pool in roles:
        loads = []
        for _ in range(args.queries):
            user.__dict__.pop("_gridgov_memberships", None)
            started = time.perf_counter()
            memberships_of(user)
            loads.append((time.perf_counter() - started) * 1000)
        say(f"loading the memberships of the {role} (once per request): p50 {percentiles(loads)[0]:.2f} ms")
    say(
        f"{'lookup':<14} {'as':<28} {'p50':>7} {'p95':>7} {'p99':>7} | "
        f"{'raw p50':>7} {'p95':>7} {'p99':>7} | p95 ratio  rows/query"
    )
    worst = 0.0
    for role, user, scope_path, pool in roles:
        for kind in SEARCH_KINDS:
            candidates = [p for p in pool if p.phone] if kind == "phone" else pool
            targets = [_lookups(kind, rng.choice(candidates)) for _ in range(args.queries + args.warmup)]
            time_lookups(user, scope_path, targets[: args.warmup])
            ours, raw, rows = time_lookups(user, scope_path, targets[args.warmup :])
            o50, o95, o99 = percentiles(ours)
            r50, r95, r99 = percentiles(raw)
            worst = max(worst, o95)
            say(
                f"{kind:<14} {role:<28} {o50:7.2f} {o95:7.2f} {o99:7.2f} | "
                f"{r50:7.2f} {r95:7.2f} {r99:7.2f} | "
                f"{o95 / r95:6.2f}x   {rows / len(ours):6.1f}"
            )
            if args.explain or o95 >= SEARCH_TARGET_MS:
                slowest = max(range(len(ours)), key=ours.__getitem__)
                say(f"  EXPLAIN ANALYZE of the slowest ({targets[args.warmup + slowest].text!r}):")
                explain(user, targets[args.warmup + slowest])
    say("(milliseconds; persons_matching()[:50] with memberships loaded; raw = one SQL statement)")
    return worst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=("import", "search"))
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--sqlite", action="store_true", help="import: run on SQLite (the child process)")
    parser.add_argument("--sqlite-persons", type=int, default=100_000, help="import: SQLite's N (0: skip)")
    parser.add_argument("--queries", type=int, default=300, help="search: timed lookups per kind and role")
    parser.add_argument("--warmup", type=int, default=20, help="search: untimed lookups first")
    parser.add_argument("--explain", action="store_true", help="search: EXPLAIN ANALYZE the slowest lookups")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    # A stopped run still drops its database and temporary files (the `finally` blocks run).
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    if args.part == "search":
        return search_postgresql(args)
    return import_sqlite(args) if args.sqlite else import_postgresql(args)


if __name__ == "__main__":
    sys.exit(main())
