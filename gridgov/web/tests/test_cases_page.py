"""The case page: only the actions the viewer may take, each form runs its transition, a stale
page gets the conflict message, bad input is shown at its field, out-of-scope cases are 404."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.cases.models import Case, CasePhoto, State, TimelineEntry
from gridgov.cases.testing import OTHER_STREET_POINT, build_case_world, report
from gridgov.cases.workflow import perform
from gridgov.web.cases.testing import (
    CA,
    CLOSED,
    DH,
    DISPATCHED,
    DISPATCHER,
    GW,
    HANDLED,
    IN_PROGRESS,
    REGISTERED,
    VERIFIED,
    action_data,
    advance,
    jpeg,
)

pytestmark = pytest.mark.django_db
EXTENSION = [*IN_PROGRESS, ("request_extension", DH, {"hours": 8, "reason": "Waiting for parts."})]
SUSPENDED = [*DISPATCHED, ("suspend", CA, {"reason": "Frozen ground."})]


@pytest.fixture
def world():
    return build_case_world()


def _actions(response) -> set[str]:
    return set(re.findall(r'<details class="gg-action" data-action="(\w+)"', response.content.decode()))


def _get(client, world, role, case, **extra):
    client.force_login(world.users[role])
    return client.get(f"/cases/{case.number}/", HTTP_ACCEPT_LANGUAGE="en", **extra)


def test_page_shows_only_the_actions_of_the_viewer(client, world):
    case = report(world)
    assert _actions(_get(client, world, CA, case)) == {"register", "reject", "merge", "escalate"}
    assert _actions(_get(client, world, DISPATCHER, case)) == {
        "register",
        "reject",
        "merge",
        "escalate",
        "supervise",
        "urge",
    }
    reporter_page = _get(client, world, GW, case)
    assert reporter_page.status_code == 200 and _actions(reporter_page) == set()
    assert "路面有坑" in reporter_page.content.decode()

    case = advance(world, case, HANDLED)
    assert _actions(_get(client, world, GW, case)) == {"verify", "reopen"}
    assert _actions(_get(client, world, DH, case)) == set()
    assert _actions(_get(client, world, CA, case)) == set()


def test_page_shows_timeline_with_actor_and_states(client, world):
    case = advance(world, report(world), DISPATCHED)
    content = _get(client, world, CA, case).content.decode()
    assert content.count('class="gg-step"') == 3
    assert "Registered → Dispatched" in content.replace("\n", " ")
    assert world.users[CA].username in content  # who dispatched
    # The suggested department is preselected in the dispatch form of a returned case.
    case = advance(
        world,
        case,
        [
            ("accept", DH, {}),
        ],
    )
    assert "Accept" in _get(client, world, CA, case).content.decode()


def test_dispatch_form_preselects_the_suggested_department(client, world):
    case = advance(world, report(world), REGISTERED)
    content = _get(client, world, CA, case).content.decode()
    assert re.search(r'<option value="department:urban_mgmt" selected>', content)
    assert 'value="unit:150502001001001"' in content  # the grid, below the community
    assert 'value="unit:150502001001"' not in content  # the responsible community itself


@pytest.mark.parametrize(
    ("action", "setup", "role", "fields", "state"),
    [
        ("register", [], CA, {"urgency": "urgent", "note": "Seen it."}, State.REGISTERED),
        ("reject", [], CA, {"reason": "Private courtyard."}, State.REJECTED),
        ("escalate", [], CA, {"reason": "Needs the street's budget."}, State.REGISTERED),
        (
            "dispatch",
            REGISTERED,
            CA,
            {"addressee": "department:urban_mgmt", "note": "Today."},
            State.DISPATCHED,
        ),
        ("dispatch", REGISTERED, CA, {"addressee": "unit:150502001001001"}, State.DISPATCHED),
        ("accept", DISPATCHED, DH, {}, State.IN_PROGRESS),
        ("return", DISPATCHED, DH, {"reason": "Housing's job."}, State.RETURNED),
        ("handle", IN_PROGRESS, DH, {"result": "Filled.", "photos": "jpeg"}, State.HANDLED),
        ("verify", HANDLED, GW, {"photos": "jpeg"}, State.VERIFIED),
        ("reopen", HANDLED, GW, {"reason": "Still a hole."}, State.IN_PROGRESS),
        ("close", VERIFIED, CA, {}, State.CLOSED),
        ("suspend", DISPATCHED, CA, {"reason": "Frozen ground."}, State.SUSPENDED),
        ("resume", SUSPENDED, CA, {}, State.DISPATCHED),
        ("request_extension", IN_PROGRESS, DH, {"hours": "8", "reason": "Parts."}, State.IN_PROGRESS),
        ("approve_extension", EXTENSION, CA, {}, State.IN_PROGRESS),
        ("deny_extension", EXTENSION, CA, {"note": "Not needed."}, State.IN_PROGRESS),
        ("supervise", [], DISPATCHER, {"note": "By Friday."}, State.REPORTED),
        ("urge", [], DISPATCHER, {}, State.REPORTED),
    ],
)
def test_each_action_form_runs_its_transition(client, world, action, setup, role, fields, state):
    case = advance(world, report(world), setup)
    page = _get(client, world, role, case)
    assert action in _actions(page)
    fields = {name: jpeg() if value == "jpeg" else value for name, value in fields.items()}
    response = client.post(f"/cases/{case.number}/actions/{action}/", action_data(case, action, **fields))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == f"/cases/{case.number}/"
    case.refresh_from_db()
    assert case.state == state
    last = TimelineEntry.objects.filter(case=case).last()
    assert last.action == action and last.actor == world.users[role]
    if "photos" in fields:
        assert CasePhoto.objects.filter(case=case, timeline_entry=last).count() == 1
    if action == "escalate":
        assert case.level == 2
    if action == "register":
        assert case.urgency == "urgent"


def test_merge_and_rate(client, world):
    first, second = report(world), report(world, description="同一个坑")
    client.force_login(world.users[CA])
    response = client.post(
        f"/cases/{second.number}/actions/merge/", action_data(second, "merge", into=first.number)
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.state == State.MERGED and second.merged_into == first

    resident_case = advance(world, report(world, by=Role.RESIDENT, source="resident"), CLOSED)
    assert _actions(_get(client, world, Role.RESIDENT, resident_case)) == {"rate", "not_fixed"}
    response = client.post(
        f"/cases/{resident_case.number}/actions/rate/",
        action_data(resident_case, "rate", rating="4", comment="Quick."),
    )
    assert response.status_code == 302
    resident_case.refresh_from_db()
    assert resident_case.rating == 4 and resident_case.rating_comment == "Quick."


def test_stale_page_gets_the_conflict_message_and_changes_nothing(client, world):
    case = report(world)
    shown_version = case.version
    perform(case.pk, "register", actor=world.users[DISPATCHER])  # someone else, meanwhile
    client.force_login(world.users[CA])
    response = client.post(
        f"/cases/{case.number}/actions/reject/",
        {"reject-version": shown_version, "reject-reason": "Duplicate."},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 409
    assert "The case was changed meanwhile" in response.content.decode()
    case.refresh_from_db()
    assert case.state == State.REGISTERED
    # The page now shows the case as it stands: dispatching is offered, rejecting is not.
    assert "dispatch" in _actions(response) and "reject" not in _actions(response)


def _field_errors(response, field: str) -> str:
    match = re.search(rf'data-field="{field}">(.*?)</div>\s*</div>', response.content.decode(), re.S)
    assert match, f"no field block {field}"
    return match.group(1)


@pytest.mark.parametrize(
    ("action", "setup", "role", "fields", "field", "message"),
    [
        ("reject", [], CA, {"reason": ""}, "reason", "Say why this is not a case."),
        (
            "dispatch",
            REGISTERED,
            CA,
            {"addressee": ""},
            "addressee",
            "Choose either a department or a handling unit.",
        ),
        (
            "dispatch",
            REGISTERED,
            CA,
            {"addressee": "department:urban_mgmt", "deadline": "2001-01-01T08:00"},
            "deadline",
            "The deadline must be in the future.",
        ),
        (
            "dispatch",
            REGISTERED,
            CA,
            {"addressee": "department:urban_mgmt", "deadline": "soon"},
            "deadline",
            "Enter a valid date/time.",
        ),
        (
            "request_extension",
            IN_PROGRESS,
            DH,
            {"hours": "0", "reason": "x"},
            "hours",
            "Ask for 1 to 720 working hours.",
        ),
        ("handle", IN_PROGRESS, DH, {"result": "Done."}, "photos", "is not a readable image."),
        ("merge", [], CA, {"into": "150502-19990101-00001"}, "into", "No other case with this number"),
    ],
)
def test_bad_input_is_shown_at_its_field_and_changes_nothing(
    client, world, action, setup, role, fields, field, message
):
    case = advance(world, report(world), setup)
    before = (case.state, case.version)
    if action == "handle":
        from django.core.files.uploadedfile import SimpleUploadedFile

        fields["photos"] = SimpleUploadedFile("notes.jpg", b"not an image", content_type="image/jpeg")
    client.force_login(world.users[role])
    response = client.post(
        f"/cases/{case.number}/actions/{action}/",
        action_data(case, action, **fields),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert message in _field_errors(response, field)
    case.refresh_from_db()
    assert (case.state, case.version) == before
    # The form with the error stays open.
    assert f'data-action="{action}" open' in response.content.decode()


def test_cases_out_of_scope_answer_404(client, world):
    elsewhere = report(world, by=DISPATCHER, point=OTHER_STREET_POINT)
    mine = advance(world, report(world), [*IN_PROGRESS, ("handle", DH, {"result": "ok", "photos": [jpeg()]})])
    photo = CasePhoto.objects.get(case=mine)

    client.force_login(world.users[CA])
    assert client.get(f"/cases/{elsewhere.number}/").status_code == 404
    assert (
        client.post(
            f"/cases/{elsewhere.number}/actions/register/", action_data(elsewhere, "register")
        ).status_code
        == 404
    )
    assert client.get("/cases/150502-20000101-99999/").status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.state == State.REPORTED

    client.force_login(world.users[DH])  # the department sees only what was sent to it
    assert client.get(f"/cases/{elsewhere.number}/").status_code == 404
    thumb = client.get(f"/cases/{mine.number}/photos/{photo.pk}/thumb/")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert client.get(f"/cases/{mine.number}/photos/{photo.pk}/full/").status_code == 200
    assert client.get(f"/cases/{elsewhere.number}/photos/{photo.pk}/full/").status_code == 404

    client.force_login(world.users[Role.RESIDENT])  # not the reporter
    assert client.get(f"/cases/{mine.number}/").status_code == 404
    assert client.get(f"/cases/{mine.number}/photos/{photo.pk}/thumb/").status_code == 404


def test_action_not_allowed_for_viewer_is_refused(client, world):
    case = report(world)
    client.force_login(world.users[GW])  # may see the case, may not register it
    response = client.post(f"/cases/{case.number}/actions/register/", action_data(case, "register"))
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.state == State.REPORTED


def test_deadline_status_is_marked(client, world):
    case = advance(world, report(world), DISPATCHED)
    Case.objects.filter(pk=case.pk).update(deadline=timezone.now() - timedelta(hours=1))
    content = _get(client, world, CA, case).content.decode()
    assert "gg-status-red" in content and "Overdue" in content
