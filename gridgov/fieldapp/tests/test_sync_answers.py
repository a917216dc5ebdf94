"""Answers of the sync endpoint: conflict, rejection, photos, envelope errors, limits, refusals."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.cases.models import Case, CasePhoto
from gridgov.cases.testing import HOME_POINT, OTHER_STREET_POINT, build_case_world
from gridgov.fieldapp.models import Submission, SubmissionConflict, SubmissionStatus
from gridgov.fieldapp.testing import SYNC_URL, field_client, jpeg_data_url, post_batch, submission

pytestmark = pytest.mark.django_db

REPORT = {"category": "0201", "description": "路面有坑", "lon": HOME_POINT[0], "lat": HOME_POINT[1]}


@pytest.fixture
def world():
    return build_case_world()


@pytest.fixture
def worker(world):
    return world.users[Role.GRID_WORKER]


def test_a_replay_with_a_changed_body_is_a_reported_conflict_and_overwrites_nothing(worker):
    client = field_client(worker)
    first = submission("case.report", REPORT)
    [created] = post_batch(client, [first])
    changed = {**first, "body": {**REPORT, "description": "改过的描述"}}
    [answer] = post_batch(client, [changed])
    assert answer["status"] == "conflict"
    assert answer["ref"] == created["ref"]
    assert "key" in answer["errors"]
    assert answer["server"]["status"] == "created"
    case = Case.objects.get()
    assert case.description == "路面有坑"
    conflict = SubmissionConflict.objects.get()
    assert conflict.submission.key.hex == first["key"].replace("-", "")
    assert AuditEntry.objects.filter(action="fieldapp.conflict", actor=worker).count() == 1
    # The original body still answers as a duplicate afterwards.
    assert post_batch(client, [first])[0]["status"] == "duplicate"


def test_a_rejected_submission_is_stored_and_answered_the_same_on_retry(worker):
    client = field_client(worker)
    bad = submission("case.report", {**REPORT, "category": "9999"})
    [answer] = post_batch(client, [bad])
    assert answer["status"] == "rejected"
    assert answer["ref"] is None
    assert answer["errors"] == {"category": ["Unknown or inactive category."]}
    assert Case.objects.count() == 0
    stored = Submission.objects.get()
    assert stored.status == SubmissionStatus.REJECTED
    assert post_batch(client, [bad]) == [answer]
    assert Submission.objects.count() == 1


def test_rejections_name_the_field(worker):
    client = field_client(worker)
    answers = post_batch(
        client,
        [
            submission("case.report", {**REPORT, "description": "  "}),
            submission("case.report", {**REPORT, "lon": OTHER_STREET_POINT[0], "lat": OTHER_STREET_POINT[1]}),
            submission("case.report", {**REPORT, "photos": ["data:text/plain;base64,aGk="]}),
            submission("case.report", {**REPORT, "photos": [jpeg_data_url()] * 4}),
            submission("case.report", {**REPORT, "photos": ["data:image/jpeg;base64,bm90IGFuIGltYWdl"]}),
        ],
    )
    assert [a["status"] for a in answers] == ["rejected"] * 5
    assert [list(a["errors"]) for a in answers] == [
        ["description"],
        ["lon"],
        ["photos"],
        ["photos"],
        ["photos"],
    ]
    assert answers[1]["errors"]["lon"] == ["The location is outside your jurisdiction."]
    assert Case.objects.count() == 0


def test_a_report_with_photos_creates_the_case_with_them(worker):
    client = field_client(worker)
    [answer] = post_batch(client, [submission("case.report", {**REPORT, "photos": [jpeg_data_url()] * 2})])
    assert answer["status"] == "created"
    case = Case.objects.get(pk=answer["ref"]["id"])
    assert answer["ref"] == {"type": "cases.case", "id": case.pk, "label": case.number}
    assert CasePhoto.objects.filter(case=case).count() == 2
    assert case.reporter == worker


@override_settings(FIELD_PHOTO_MAX_MB=0)
def test_a_photo_over_the_size_limit_is_rejected(worker):
    [answer] = post_batch(
        field_client(worker), [submission("case.report", {**REPORT, "photos": [jpeg_data_url()]})]
    )
    assert answer["status"] == "rejected" and "photos" in answer["errors"]


def test_the_report_keeps_the_time_it_was_made_on_the_device(worker):
    made_at = "2026-11-20T08:15:00+08:00"
    [answer] = post_batch(field_client(worker), [submission("case.report", REPORT, made_at=made_at)])
    case = Case.objects.get(pk=answer["ref"]["id"])
    assert case.reported_at.isoformat() == "2026-11-20T00:15:00+00:00"


def test_bad_envelopes_are_rejected_without_storing_anything(worker):
    answers = post_batch(
        field_client(worker),
        [
            {
                "key": "not-a-uuid",
                "kind": "case.report",
                "made_at": "2026-11-20T08:00:00+08:00",
                "body": REPORT,
            },
            submission("no.such_kind", REPORT),
            submission("case.report", REPORT, made_at="yesterday"),
            submission("case.report", REPORT, made_at="2099-01-01T00:00:00+08:00"),
            {**submission("case.report", REPORT), "body": []},
            "not an object",
        ],
    )
    assert [a["status"] for a in answers] == ["rejected"] * 6
    assert [list(a["errors"]) for a in answers] == [
        ["key"],
        ["kind"],
        ["made_at"],
        ["made_at"],
        ["body"],
        ["__all__"],
    ]
    assert Submission.objects.count() == 0


def test_more_than_a_batch_is_refused_whole(worker):
    client = field_client(worker)
    response = client.post(
        SYNC_URL,
        json.dumps({"submissions": [submission("case.report", REPORT) for _ in range(101)]}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert Case.objects.count() == 0
    response = client.post(SYNC_URL, "{not json", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.DISPATCHER, Role.DEPARTMENT_HANDLER, Role.STREET_ADMIN])
def test_roles_without_the_field_app_are_refused(world, role):
    response = field_client(world.users[role]).post(
        SYNC_URL,
        json.dumps({"submissions": [submission("case.report", REPORT)]}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert Case.objects.count() == 0


def test_anonymous_is_told_to_sign_in():
    from django.test import Client

    response = Client().post(SYNC_URL, json.dumps({"submissions": []}), content_type="application/json")
    assert response.status_code == 401


def test_a_post_without_the_csrf_token_is_refused_and_with_it_goes_through(worker):
    client = field_client(worker, enforce_csrf=True)
    body = json.dumps({"submissions": [submission("case.report", REPORT)]})
    assert client.post(SYNC_URL, body, content_type="application/json").status_code == 403
    assert Case.objects.count() == 0
    token = client.get("/field/api/session/").json()["csrf_token"]
    response = client.post(SYNC_URL, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    assert response.json()["results"][0]["status"] == "created"
    assert Case.objects.count() == 1
