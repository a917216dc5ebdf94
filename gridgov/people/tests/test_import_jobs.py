"""Import jobs: what an upload must be, who may import where, queueing for the worker, requeueing
after a crash, the command, the template and the problems workbook."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.people.imports.dry_run import check_job
from gridgov.people.imports.jobs import create_job, enqueue_job, importable_units, requeue_stalled
from gridgov.people.imports.workbooks import write_problems, write_template
from gridgov.people.models import Person
from gridgov.people.services import RegistryError
from gridgov.people.testing import build_registry_world
from gridgov.people.tests.import_helpers import GRID_1, checked_job, person_id, table, write_csv, write_xlsx
from gridgov.people.transfers import ImportJob, ImportStatus, RecordKind

pytestmark = pytest.mark.django_db
TASK_PATH = "gridgov.people.tasks.import_task"


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_registry_world()


@pytest.fixture
def admin(world):
    return world.users[Role.COMMUNITY_ADMIN]


@pytest.fixture
def good_file(tmp_path):
    rows = [{"name": f"居民{n}", "id_number": person_id(n), "grid": GRID_1} for n in range(3)]
    return write_csv(tmp_path / "persons.csv", table("persons", rows))


def _refusal(**kwargs) -> RegistryError:
    with pytest.raises(RegistryError) as caught:
        create_job(**kwargs)
    return caught.value


def test_create_job_stores_the_file_and_audits(world, admin, good_file):
    upload = SimpleUploadedFile("人口.csv", good_file.read_bytes(), content_type="text/csv")
    job = create_job(kind="persons", file=upload, org_unit=world.units["150502001001"], user=admin)

    assert (job.status, job.original_name, job.org_path) == (
        ImportStatus.UPLOADED,
        "人口.csv",
        "150502.001.001",
    )
    assert job.file.read() == good_file.read_bytes()
    assert "人口" not in job.file.name  # stored under a generated name
    assert AuditEntry.objects.get(action="people.import.upload").details["kind"] == "persons"


@pytest.mark.parametrize(
    ("role", "unit", "field"),
    [
        (Role.GRID_WORKER, "150502001001001", "org_unit"),  # no people.import
        (Role.COMMUNITY_ADMIN, "150502002001", "org_unit"),  # another community
        (Role.COMMUNITY_ADMIN, "150502001001", "kind"),
    ],
)
def test_who_may_import_where(world, good_file, role, unit, field):
    kind = "spaceships" if field == "kind" else "persons"
    error = _refusal(kind=kind, file=good_file, org_unit=world.units[unit], user=world.users[role])
    assert error.field == field
    assert not ImportJob.objects.exists()


def test_files_that_are_refused(world, admin, tmp_path, settings):
    unit = world.units["150502001001"]
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert _refusal(kind="persons", file=empty, org_unit=unit, user=admin).code == "empty"
    text = tmp_path / "persons.txt"
    text.write_text("姓名,身份证号\n")
    assert _refusal(kind="persons", file=text, org_unit=unit, user=admin).code == "file_type"
    fake = tmp_path / "persons.xlsx"
    fake.write_text("姓名,身份证号\n")
    assert _refusal(kind="persons", file=fake, org_unit=unit, user=admin).code == "file_type"
    old = tmp_path / "persons.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    assert _refusal(kind="persons", file=old, org_unit=unit, user=admin).code == "file_type"
    settings.PEOPLE_IMPORT_MAX_MB = 0
    assert _refusal(kind="persons", file=text, org_unit=unit, user=admin).code == "too_large"


def test_importable_units_are_the_jurisdiction_with_people_import(world, admin):
    codes = set(importable_units(admin).values_list("code", flat=True))
    assert codes == {"150502001001", "150502001001001", "150502001001002"}
    assert not importable_units(world.users[Role.GRID_WORKER]).exists()


def test_a_checked_job_is_queued_once_for_the_worker(
    world, admin, good_file, django_capture_on_commit_callbacks
):
    job = checked_job("persons", good_file, world.units["150502001001"], admin)
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_job(job, user=admin)
    with pytest.raises(RegistryError):
        enqueue_job(job, user=admin)

    queued = DBTaskResult.objects.get(task_path=TASK_PATH)
    assert queued.args_kwargs["args"] == [job.pk]
    result = queued.task.call(*queued.args_kwargs["args"])  # what the worker does

    job.refresh_from_db()
    assert (job.status, job.created_count, result["created"]) == (ImportStatus.DONE, 3, 3)
    assert AuditEntry.objects.filter(action="people.import.queue").count() == 1


def test_an_unchecked_job_or_one_without_good_rows_is_not_queued(world, admin, tmp_path):
    unit = world.units["150502001001"]
    bad = write_csv(tmp_path / "bad.csv", table("persons", [{"name": "x", "id_number": "1", "grid": GRID_1}]))
    job = create_job(kind="persons", file=bad, org_unit=unit, user=admin)
    with pytest.raises(RegistryError):
        enqueue_job(job, user=admin)
    check_job(job)
    with pytest.raises(RegistryError) as caught:
        enqueue_job(job, user=admin)
    assert caught.value.code == "nothing_to_import"


def test_jobs_left_queued_or_running_are_queued_again(world, admin, good_file):
    job = checked_job("persons", good_file, world.units["150502001001"], admin)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    done = checked_job("persons", good_file, world.units["150502001001"], admin)
    ImportJob.objects.filter(pk=done.pk).update(status=ImportStatus.DONE)

    call_command("import_registry", "--resume", stdout=io.StringIO())

    assert [r.args_kwargs["args"] for r in DBTaskResult.objects.filter(task_path=TASK_PATH)] == [[job.pk]]
    assert requeue_stalled() == [job.pk]


def test_the_command_checks_and_imports(world, admin, good_file, tmp_path):
    out = io.StringIO()
    call_command(
        "import_registry",
        str(good_file),
        "--unit",
        "150502001001",
        "--user",
        admin.username,
        "--language",
        "en",
        stdout=out,
    )
    assert "3 created" in out.getvalue()
    assert Person.objects.filter(name__startswith="居民").count() == 3


def test_the_command_dry_run_reports_bad_rows_and_writes_the_workbook(world, admin, tmp_path):
    rows = [
        {"name": "张三", "id_number": person_id(1), "grid": GRID_1},
        {"name": "李四", "id_number": "1", "grid": GRID_1},
    ]
    path = write_csv(tmp_path / "persons.csv", table("persons", rows))
    errors = tmp_path / "problems.xlsx"
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(
            "import_registry",
            str(path),
            "--unit",
            "150502001001",
            "--user",
            admin.username,
            "--dry-run",
            "--errors",
            str(errors),
            "--language",
            "en",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert caught.value.returncode == 3
    assert "Row 3, column 身份证号" in err.getvalue()
    assert not Person.objects.filter(name="张三").exists()
    sheet = load_workbook(errors).active
    assert [c.value for c in sheet[2]][:2] == [3, "身份证号"]


def test_the_command_refuses_an_unknown_unit_or_user(world, good_file):
    with pytest.raises(CommandError):
        call_command("import_registry", str(good_file), "--unit", "999", "--user", "district_admin")
    with pytest.raises(CommandError):
        call_command("import_registry", str(good_file), "--unit", "150502", "--user", "nobody")


@pytest.mark.parametrize("kind", RecordKind.values)
def test_each_template_reads_back_with_its_example_skipped(world, admin, tmp_path, kind):
    path = tmp_path / f"{kind}.xlsx"
    with path.open("wb") as stream:
        write_template(kind, stream)
    workbook = load_workbook(path)
    assert workbook.sheetnames[1] == "说明"
    assert workbook.worksheets[0]["A2"].value.startswith("示例")

    job = checked_job(kind, path, world.units["150502001001"], admin)
    assert (job.status, job.total_rows) == (ImportStatus.CHECKED, 0)


def test_the_problems_workbook_masks_identifiers(world, admin, tmp_path):
    number = person_id(9)
    rows = [
        {"name": "甲", "id_number": number, "grid": GRID_1},
        {"name": "乙", "id_number": number, "grid": GRID_1},
    ]
    job = checked_job(
        "persons", write_xlsx(tmp_path / "p.xlsx", table("persons", rows)), world.units["150502001001"], admin
    )
    stream = io.BytesIO()
    write_problems(job, stream)
    cells = [c.value for row in load_workbook(io.BytesIO(stream.getvalue())).active.iter_rows() for c in row]
    assert 3 in cells and number not in cells
    assert number[:6] + "*" * 10 + number[-2:] in cells
