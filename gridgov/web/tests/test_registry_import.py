"""The import pages: upload with dry run, the report and its workbook, templates, starting the
import and following its progress; who may see which job."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from gridgov.access.roles import Role
from gridgov.access.testing import PASSWORD
from gridgov.audit.models import AuditEntry
from gridgov.people.models import Person
from gridgov.people.testing import build_registry_world
from gridgov.people.tests.import_helpers import GRID_1, checked_job, person_id, table, write_csv
from gridgov.people.transfers import ImportJob, ImportStatus, RecordKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_registry_world()


@pytest.fixture
def admin(world, client):
    user = world.users[Role.COMMUNITY_ADMIN]
    client.force_login(user)
    return user


def _csv(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(table("persons", rows))
    return buffer.getvalue().encode("utf-8")


ROWS = [
    {"name": "张三", "id_number": person_id(1), "grid": GRID_1},
    # A wrong check character: the right one plus one, modulo the alphabet.
    {
        "name": "李四",
        "id_number": person_id(2)[:17] + "10X98765432"[("10X98765432".index(person_id(2)[17]) + 1) % 11],
        "grid": GRID_1,
    },
    {"name": "王五", "id_number": person_id(3), "grid": GRID_1, "phone": "13800001234"},
]


def _upload(client, content: bytes, name="人口.csv", unit="150502001001", kind="persons"):
    upload = SimpleUploadedFile(name, content, content_type="text/csv")
    return client.post(
        "/registry/imports/new/", {"kind": kind, "unit": unit, "file": upload}, HTTP_ACCEPT_LANGUAGE="en"
    )


def test_upload_runs_the_dry_run_and_shows_the_report(client, admin):
    response = _upload(client, _csv(ROWS))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/registry/imports/{job.pk}/"

    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (job.status, job.total_rows, job.bad_rows) == (ImportStatus.CHECKED, 3, 1)
    assert 'data-row="3" data-column="身份证号"' in page
    assert "Import the 2 good rows" in page
    assert person_id(2) not in page
    assert not Person.objects.filter(name="张三").exists()


def test_the_form_offers_only_units_with_people_import(client, admin):
    page = client.get("/registry/imports/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'value="150502001001"' in page and 'value="150502001001001"' in page
    assert 'value="150502002001"' not in page and 'value="150502"' not in page
    response = _upload(client, _csv(ROWS), unit="150502002001")
    assert response.status_code == 400 and not ImportJob.objects.exists()


def test_a_bad_file_is_refused_at_its_field(client, admin):
    response = _upload(client, b"not a spreadsheet", name="people.txt")
    assert response.status_code == 400
    assert "Upload an Excel workbook" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_an_unreadable_file_shows_the_reason(client, admin):
    response = _upload(client, "姓名,民族\n张三,汉族\n".encode())
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="gg-import-error"' in page and "身份证号" in page
    assert ImportJob.objects.get().status == ImportStatus.FAILED


def test_start_queues_the_job_and_the_progress_fragment_follows_it(
    client, admin, django_capture_on_commit_callbacks
):
    _upload(client, _csv([ROWS[0], ROWS[2]]))
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/registry/imports/{job.pk}/start/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED

    fragment = client.get(f"/registry/imports/{job.pk}/progress/").content.decode()
    assert 'data-status="queued"' in fragment and 'hx-trigger="every 2s"' in fragment

    queued = DBTaskResult.objects.get(task_path="gridgov.people.tasks.import_task")
    queued.task.call(*queued.args_kwargs["args"])  # the worker

    fragment = client.get(f"/registry/imports/{job.pk}/progress/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-status="done"' in fragment and "hx-trigger" not in fragment
    assert '<dd id="gg-import-created">2</dd>' in fragment
    assert client.post(f"/registry/imports/{job.pk}/start/").status_code == 302  # refused: a message
    assert AuditEntry.objects.filter(action="people.import.queue").count() == 1


def test_the_problems_workbook_and_the_templates_download(client, admin):
    _upload(client, _csv(ROWS))
    job = ImportJob.objects.get()
    response = client.get(f"/registry/imports/{job.pk}/problems.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][:2] == (3, "身份证号") and person_id(2) not in str(rows)

    for kind in RecordKind.values:
        response = client.get(f"/registry/imports/templates/{kind}.xlsx")
        assert response.status_code == 200
        assert load_workbook(io.BytesIO(response.content)).sheetnames[1] == "说明"
    assert client.get("/registry/imports/templates/rockets.xlsx").status_code == 404


def test_jobs_are_scoped_to_the_jurisdiction(client, world, tmp_path):
    other_street = checked_job(
        "persons",
        write_csv(tmp_path / "p.csv", table("persons", ROWS[:1])),
        world.units["150502002001"],
        world.users[Role.DISTRICT_ADMIN],
    )
    client.force_login(world.users[Role.COMMUNITY_ADMIN])
    assert client.get(f"/registry/imports/{other_street.pk}/").status_code == 404
    assert client.get(f"/registry/imports/{other_street.pk}/problems.xlsx").status_code == 404
    assert client.post(f"/registry/imports/{other_street.pk}/start/").status_code == 404
    assert f'data-job="{other_street.pk}"' not in client.get("/registry/imports/").content.decode()

    client.force_login(world.users[Role.DISTRICT_ADMIN])
    assert f'data-job="{other_street.pk}"' in client.get("/registry/imports/").content.decode()


def test_roles_without_people_import_are_refused(client, world):
    client.force_login(world.users[Role.GRID_WORKER])
    assert client.get("/registry/imports/").status_code == 403
    assert client.get("/registry/imports/new/").status_code == 403
    assert AuditEntry.objects.filter(action="access.denied").count() == 2
    client.logout()
    assert client.get("/registry/imports/").status_code == 302


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_upload_with_a_bad_row_then_import(live_server, browser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    reg = build_registry_world()
    path = write_csv(tmp_path / "居民.csv", table("persons", ROWS), encoding="gbk")
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", reg.users[Role.COMMUNITY_ADMIN].username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(live_server.url + "/")

    page.goto(live_server.url + "/registry/imports/")
    page.click("#gg-import-new")
    page.select_option("#id_kind", "persons")
    page.select_option("#id_unit", "150502001001")
    page.set_input_files("#id_file", str(path))
    page.click("#gg-import-submit")

    # The dry-run report names the bad row and its column; nothing is imported yet.
    page.wait_for_selector("#gg-import-problems")
    problems = page.locator("#gg-import-problems tbody tr")
    assert problems.count() == 1
    assert problems.first.get_attribute("data-row") == "3"
    assert problems.first.get_attribute("data-column") == "身份证号"
    assert page.inner_text("#gg-import-good") == "2"
    assert not Person.objects.filter(name="张三").exists()

    page.click("#gg-import-start")
    page.wait_for_selector("#gg-import-progress[data-status='queued']")
    job = ImportJob.objects.get()
    queued = DBTaskResult.objects.get(task_path="gridgov.people.tasks.import_task")
    queued.task.call(*queued.args_kwargs["args"])  # the background worker

    # htmx polls the progress panel until the import is done.
    page.wait_for_selector("#gg-import-progress[data-status='done']", timeout=15_000)
    assert page.inner_text("#gg-import-created") == "2"
    assert page.locator("#gg-import-finished").is_visible()
    assert Person.objects.filter(name__in=["张三", "王五"]).count() == 2
    job.refresh_from_db()
    assert (job.status, job.bad_rows) == (ImportStatus.DONE, 1)
    assert errors == []
    context.close()


def test_a_failed_import_is_resumed_from_its_page(client, admin, django_capture_on_commit_callbacks):
    _upload(client, _csv([ROWS[0], ROWS[2]]))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, error="stopped")
    page = client.get(f"/registry/imports/{job.pk}/").content.decode()
    assert 'id="gg-import-resume"' in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/registry/imports/{job.pk}/start/")
    queued = DBTaskResult.objects.get(task_path="gridgov.people.tasks.import_task")
    queued.task.call(*queued.args_kwargs["args"])

    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportStatus.DONE, 2)
