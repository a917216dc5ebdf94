"""The import proper: batches that are all or nothing, resuming after a crash to the exact
count, re-imports that create nothing, the update policy, and a query count per batch that
does not grow with the batch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.people import services
from gridgov.people.imports import runner
from gridgov.people.imports.dry_run import check_job
from gridgov.people.imports.jobs import create_job
from gridgov.people.imports.persons import PersonImporter
from gridgov.people.models import Household, Person, PersonTag, Residence
from gridgov.people.testing import CANARY_ID, CANARY_PHONE, build_registry_world
from gridgov.people.tests.import_helpers import (
    GRID_1,
    GRID_2,
    checked_job,
    imported,
    person_id,
    table,
    write_csv,
)
from gridgov.people.transfers import ImportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PEOPLE_IMPORT_BATCH = 3
    return build_registry_world()


@pytest.fixture
def importer(world):
    return world.users[Role.COMMUNITY_ADMIN]


@pytest.fixture
def community(world):
    return world.units["150502001001"]


def _rows(n: int, *, start: int = 100, **extra) -> list[dict]:
    return [
        {"name": f"居民{i}", "id_number": person_id(i), "grid": GRID_1 if i % 2 else GRID_2, **extra}
        for i in range(start, start + n)
    ]


def _file(tmp_path, rows, name="persons.csv"):
    return write_csv(tmp_path / name, table("persons", rows))


def _imported_persons(rows) -> int:
    return Person.objects.filter(name__in=[r["name"] for r in rows if r.get("name")]).count()


def test_a_killed_import_leaves_whole_batches_and_resumes_to_the_exact_count(
    world, importer, community, tmp_path, monkeypatch
):
    rows = _rows(10)
    rows.insert(4, {"name": "坏行", "id_number": "123", "grid": GRID_1})  # reported, skipped
    job = checked_job("persons", _file(tmp_path, rows), community, importer)
    assert (job.total_rows, job.bad_rows) == (11, 1)
    calls = {"n": 0}
    real_apply = PersonImporter.apply

    def crash_in_batch_3(self, records, ctx):
        calls["n"] += 1
        created = real_apply(self, records, ctx)  # the batch's rows are written ...
        if calls["n"] == 3:
            raise RuntimeError("worker killed")  # ... and lost with the batch's transaction
        return created

    monkeypatch.setattr(PersonImporter, "apply", crash_in_batch_3)
    job = runner.run_job(job.pk)

    assert job.status == ImportStatus.FAILED
    assert "RuntimeError" in job.error
    assert _imported_persons(rows) == 2 * 3  # (k - 1) batches of 3
    assert job.created_count == 6
    assert job.committed_rows == 7  # 6 good rows and the bad row between them
    assert AuditEntry.objects.filter(action="people.import.batch").count() == 2

    monkeypatch.setattr(PersonImporter, "apply", real_apply)
    job = runner.run_job(job.pk)

    assert job.status == ImportStatus.DONE
    assert _imported_persons(rows) == 10
    assert (job.created_count, job.updated_count, job.bad_rows, job.committed_rows) == (10, 0, 1, 11)
    assert Residence.objects.filter(person__name__startswith="居民", ended_at__isnull=True).count() == 10
    batches = AuditEntry.objects.filter(action="people.import.batch").order_by("id")
    assert [e.details["created"] for e in batches] == [3, 3, 3, 1]
    assert runner.run_job(job.pk).created_count == 10  # a done job is not run again


def test_reimporting_the_same_file_creates_nothing_and_reports_updates(world, importer, community, tmp_path):
    rows = _rows(7, tags="独居老人")
    first = imported("persons", _file(tmp_path, rows), community, importer)
    assert (first.status, first.created_count, first.updated_count) == (ImportStatus.DONE, 7, 0)
    persons, tags, residences = Person.objects.count(), PersonTag.objects.count(), Residence.objects.count()

    second = imported("persons", _file(tmp_path, rows, "again.csv"), community, importer)

    assert (second.status, second.created_count, second.updated_count) == (ImportStatus.DONE, 0, 7)
    assert (Person.objects.count(), PersonTag.objects.count(), Residence.objects.count()) == (
        persons,
        tags,
        residences,
    )


def test_update_policy_filled_cells_overwrite_empty_cells_keep(world, importer, community, tmp_path):
    head = world.persons["head"]
    before = Person.objects.get(pk=head.pk)
    row = {
        "name": "",
        "id_number": CANARY_ID,
        "ethnicity": "",
        "phone": "13800001111",
        "registered_address": "科尔沁区明仁街道1号",
        "residence_type": "常住",
        "tags": "退役军人",
    }
    job = imported("persons", _file(tmp_path, [row]), community, importer)

    assert (job.status, job.created_count, job.updated_count) == (ImportStatus.DONE, 0, 1)
    person = Person.objects.get(pk=head.pk)
    assert person.name == before.name and person.name_pinyin == before.name_pinyin  # empty: kept
    assert person.ethnicity == before.ethnicity == "02"
    assert (person.house_id, person.household_id, person.grid_id) == (
        before.house_id,
        before.household_id,
        before.grid_id,
    )
    assert person.registered_address == "科尔沁区明仁街道1号"  # filled: overwritten
    assert person.residence_type == "permanent"
    assert person.phone_masked == "138****1111" and person.phone_token != before.phone_token
    assert person.version == before.version + 1
    assert set(person.person_tags.values_list("tag__code", flat=True)) == {
        "elderly_alone",
        "disabled",
        "veteran",
    }
    assert Residence.objects.filter(person=person).count() == 1  # not moved: no new residence


def test_a_move_closes_the_residence_and_the_tags_follow(world, importer, community, tmp_path):
    head = world.persons["head"]
    row = {"id_number": CANARY_ID, "grid": GRID_2}
    imported("persons", _file(tmp_path, [row]), community, importer)

    person = Person.objects.get(pk=head.pk)
    assert person.grid.code == GRID_2 and person.house_id is None
    residences = list(Residence.objects.filter(person=person).order_by("started_at", "id"))
    assert len(residences) == 2 and residences[0].ended_at is not None and residences[1].ended_at is None
    assert set(PersonTag.objects.filter(person=person).values_list("org_path", flat=True)) == {
        person.org_path
    }


def test_households_are_created_and_get_their_head(world, importer, community, tmp_path):
    rows = [
        {
            "name": "户主甲",
            "id_number": person_id(1),
            "grid": GRID_1,
            "household": "H-NEW-1",
            "relation": "户主",
        },
        {
            "name": "配偶乙",
            "id_number": person_id(2),
            "grid": GRID_1,
            "household": "H-NEW-1",
            "relation": "妻子",
        },
        {
            "name": "子女丙",
            "id_number": person_id(3),
            "grid": GRID_1,
            "household": "H-NEW-1",
            "relation": "儿子",
        },
        {
            "name": "户主丁",
            "id_number": person_id(4),
            "grid": GRID_2,
            "household": "H-NEW-2",
            "relation": "户主",
        },
    ]
    job = imported("persons", _file(tmp_path, rows), community, importer)

    assert job.created_count == 4
    first = Household.objects.get(number="H-NEW-1")
    assert first.head.name == "户主甲" and first.grid.code == GRID_1
    assert sorted(first.members.values_list("relation", flat=True)) == ["child", "head", "spouse"]
    assert Household.objects.get(number="H-NEW-2").head.name == "户主丁"


def test_a_row_that_became_bad_after_the_dry_run_is_reported_not_imported(
    world, importer, community, tmp_path
):
    rows = _rows(4)
    job = checked_job("persons", _file(tmp_path, rows), community, importer)
    assert job.bad_rows == 0
    # Meanwhile another unit registers the third person.
    services.save_person(
        Person(name="外区登记", grid=world.units["150521001001001"]),
        id_number=rows[2]["id_number"],
        actor=world.users[Role.DISTRICT_ADMIN],
    )

    job = runner.run_job(job.pk)

    assert (job.status, job.created_count, job.bad_rows) == (ImportStatus.DONE, 3, 1)
    assert job.problems.get().row == 4


def test_a_batch_the_database_refuses_is_imported_row_by_row(
    world, importer, community, tmp_path, monkeypatch
):
    rows = _rows(3)
    job = checked_job("persons", _file(tmp_path, rows), community, importer)
    real_apply = PersonImporter.apply

    def refuse_row_3(self, records, ctx):
        if any(record.row == 3 for record in records):
            raise IntegrityError("saved meanwhile")
        return real_apply(self, records, ctx)

    monkeypatch.setattr(PersonImporter, "apply", refuse_row_3)
    job = runner.run_job(job.pk)

    assert (job.status, job.created_count, job.bad_rows) == (ImportStatus.DONE, 2, 1)
    assert job.problems.get().row == 3


def test_a_runner_that_loses_the_race_stops_without_writing(
    world, importer, community, tmp_path, monkeypatch
):
    rows = _rows(3)
    job = checked_job("persons", _file(tmp_path, rows), community, importer)
    real_write = runner._write

    def other_runner_first(run, batch_rows, result):
        type(job).objects.filter(pk=job.pk).update(committed_rows=3)  # the other runner's commit
        return real_write(run, batch_rows, result)

    monkeypatch.setattr(runner, "_write", other_runner_first)
    job = runner.run_job(job.pk)

    assert job.status == ImportStatus.RUNNING  # left to the other runner
    assert _imported_persons(rows) == 0


def test_one_audit_entry_per_batch_and_no_clear_identifier_in_the_log(world, importer, community, tmp_path):
    rows = _rows(7, phone="13912345678")
    imported("persons", _file(tmp_path, rows), community, importer)

    entries = AuditEntry.objects.filter(action__startswith="people.import")
    assert entries.filter(action="people.import.batch").count() == 3
    dumped = json.dumps(list(entries.values("details", "target_repr")), ensure_ascii=False)
    for row in rows:
        assert row["id_number"] not in dumped
    assert "13912345678" not in dumped and CANARY_PHONE not in dumped


def _queries_of_one_batch(world, importer, community, tmp_path, settings, rows, name):
    settings.PEOPLE_IMPORT_BATCH = len(rows)
    job = check_job(
        create_job(kind="persons", file=_file(tmp_path, rows, name), org_unit=community, user=importer)
    )
    with CaptureQueriesContext(connection) as queries:
        job = runner.run_job(job.pk)
    assert job.status == ImportStatus.DONE and job.created_count + job.updated_count == len(rows)
    return len(queries)


def test_the_queries_of_a_batch_do_not_grow_with_its_size(world, importer, community, tmp_path, settings):
    def mixed(n, start):
        # New persons in new and registered households, with tags, and updates of registered ones.
        rows = _rows(n, start=start, tags="独居老人、低保户", household=f"H-{start}", relation="户主")
        services.save_person(
            Person(name="已登记", grid=world.units[GRID_1]), id_number=rows[0]["id_number"], actor=importer
        )
        rows[1]["household"] = "H-A101"
        return rows

    small = _queries_of_one_batch(world, importer, community, tmp_path, settings, mixed(3, 1000), "small.csv")
    large = _queries_of_one_batch(
        world, importer, community, tmp_path, settings, mixed(30, 2000), "large.csv"
    )

    assert large == small, (small, large)


def test_an_imported_person_has_exactly_the_columns_services_store(world, importer, community, tmp_path):
    row = {
        "name": " 乌兰·巴特尔 ",
        "id_number": person_id(42),
        "phone": "+86 139-0475-4242",
        "ethnicity": "蒙古",
        "residence_type": "流动",
        "registered_address": "通辽市",
        "grid": GRID_1,
        "relation": "户主",
        "note": "导入",
    }
    imported("persons", _file(tmp_path, [row]), community, importer)
    skip = {"id", "id_number_token", "phone_token", "created_at", "updated_at"}
    fields = [f.attname for f in Person._meta.concrete_fields if f.attname not in skip]
    by_import = Person.objects.filter(name="乌兰·巴特尔").values(*fields).get()
    residence = (
        Residence.objects.filter(person__name="乌兰·巴特尔").values("grid_id", "org_path", "ended_at").get()
    )
    token = Person.objects.get(name="乌兰·巴特尔").id_number_token
    assert token.startswith("v1.") and row["id_number"] not in token
    Person.objects.filter(name="乌兰·巴特尔").delete()

    by_service = services.save_person(
        Person(
            name=row["name"],
            ethnicity="02",
            residence_type="floating",
            registered_address="通辽市",
            grid=world.units[GRID_1],
            relation="head",
            note="导入",
        ),
        id_number=row["id_number"],
        phone=row["phone"],
        actor=importer,
    )
    assert by_import == Person.objects.filter(pk=by_service.pk).values(*fields).get()
    assert (
        residence
        == Residence.objects.filter(person=by_service).values("grid_id", "org_path", "ended_at").get()
    )


def test_the_uploaded_file_is_deleted_once_imported(world, importer, community, tmp_path):
    job = checked_job("persons", _file(tmp_path, _rows(2)), community, importer)
    stored = job.file.path
    assert Path(stored).read_bytes()

    job = runner.run_job(job.pk)

    assert job.status == ImportStatus.DONE and not job.file
    assert not Path(stored).exists()
