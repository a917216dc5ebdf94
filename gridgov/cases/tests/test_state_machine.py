"""Random sequences of workflow actions by every kind of user, checked against the transition table.

Hypothesis drives reports and actions (states.TRANSITIONS) on a few cases, by the personas of
the two-district world plus out-of-scope ones (another street's grid worker, another district's
admin, another department's handler …), with valid and invalid parameters. After every step:
a success moved the case along an allowed edge and wrote exactly one timeline and one audit
entry and bumped the version; a refusal changed nothing (and a denial was audited); final cases
stay final (but for the reporter's "not fixed", which takes a closed case back to verification);
reworks never go down.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models import Max, Q
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from PIL import Image

from gridgov.access.models import Department
from gridgov.access.roles import Role
from gridgov.access.testing import UNITS, make_user
from gridgov.audit.models import AuditEntry
from gridgov.calendar import days
from gridgov.cases.errors import CaseNotFound, Conflict, InvalidInput, NotAllowed
from gridgov.cases.models import Case, CasePhoto, Source, State, TimelineEntry
from gridgov.cases.rights import available_actions
from gridgov.cases.states import FINAL_STATES, TRANSITIONS
from gridgov.cases.testing import HOME_POINT, OTHER_STREET_POINT, build_case_world
from gridgov.cases.workflow import NewCase, perform, report_case, visible_cases

POINTS = {
    "home grid": HOME_POINT,
    "second grid": (122.15, 43.6),
    "other street": OTHER_STREET_POINT,
    "other district": (122.6, 43.6),
    "nowhere": (116.39, 39.9),
}
UNIT_CODES = sorted(UNITS)
# The actions that take a case forward to closing and rating.
FORWARD = {
    "register",
    "dispatch",
    "accept",
    "handle",
    "verify",
    "close",
    "rate",
    "not_fixed",
    "resume",
    "reopen",
    "request_extension",
    "approve_extension",
    "deny_extension",
}
# Fields a closed case may still change: its rating (and the bookkeeping of any write).
RATING_FIELDS = {"rating", "rating_comment", "rated_at", "version", "updated_at"}
FAILURES = (NotAllowed, CaseNotFound, Conflict, InvalidInput)


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (10, 200, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile("result.png", buffer.getvalue(), content_type="image/png")


def _not_an_image() -> SimpleUploadedFile:
    return SimpleUploadedFile("result.jpg", b"plain text, not a picture", content_type="image/jpeg")


def _text(name: str, valid: str):
    return st.sampled_from([{name: valid}, {}, {name: "   "}])


def _photos():
    return st.sampled_from(["none", "one", "bad"])


# Parameters per action, valid ones first (Hypothesis shrinks towards them).
PARAMS = {
    "register": st.fixed_dictionaries(
        {},
        optional={
            "category": st.sampled_from(["0201", "02", "9999"]),
            "urgency": st.sampled_from(["urgent", "normal", "whenever"]),
        },
    ),
    "reject": _text("reason", "Not a public matter"),
    "merge": st.sampled_from(["other", "self", "unknown", "missing"]),
    "dispatch": st.fixed_dictionaries(
        {
            "to": st.one_of(
                st.sampled_from(["urban_mgmt", "water", "nope"]).map(lambda code: {"department": code}),
                st.sampled_from(UNIT_CODES).map(lambda code: {"handling_unit": code}),
                st.just({}),
                st.just({"department": "urban_mgmt", "handling_unit": "150502001001001"}),
            ),
            "deadline": st.sampled_from([None, "future", "past"]),
        }
    ),
    "accept": _text("note", "On it"),
    "return": _text("reason", "Not ours"),
    "handle": st.fixed_dictionaries({"result": st.sampled_from(["Fixed", "", "  "]), "photos": _photos()}),
    "verify": st.fixed_dictionaries({"photos": _photos()}),
    "reopen": st.fixed_dictionaries({"reason": st.sampled_from(["Still broken", ""]), "photos": _photos()}),
    "close": _text("note", "Done"),
    "escalate": _text("reason", "Beyond this level"),
    "suspend": _text("reason", "Waiting for spring"),
    "resume": _text("note", "Spring came"),
    "request_extension": st.fixed_dictionaries(
        {"hours": st.sampled_from([8, 1, 720, 0, 721, "x", None]), "reason": st.sampled_from(["Parts", ""])}
    ),
    "approve_extension": _text("note", "Granted"),
    "deny_extension": _text("note", "Not justified"),
    "supervise": _text("note", "Report by Friday"),
    "urge": _text("note", "Hurry"),
    "rate": st.fixed_dictionaries(
        {"rating": st.sampled_from([5, 1, 3, 0, 6, "x", None]), "comment": st.sampled_from(["", "Thanks"])}
    ),
    "not_fixed": _text("reason", "The hole is back"),
    "remind": _text("note", "Please hurry"),
}
# Parameters that pass validation (for the walk along the paths); "grid" is the case's own grid.
VALID_PARAMS = {
    "register": st.just({}),
    "reject": st.just({"reason": "Not a public matter"}),
    "merge": st.just("other"),
    "dispatch": st.fixed_dictionaries(
        {
            "to": st.sampled_from([{"department": "urban_mgmt"}, {"handling_unit": "grid"}]),
            "deadline": st.none(),
        }
    ),
    "accept": st.just({}),
    "return": st.just({"reason": "Not ours"}),
    "handle": st.fixed_dictionaries({"result": st.just("Fixed"), "photos": st.sampled_from(["none", "one"])}),
    "verify": st.fixed_dictionaries({"photos": st.sampled_from(["none", "one"])}),
    "reopen": st.just({"reason": "Still broken", "photos": "none"}),
    "close": st.just({}),
    "escalate": st.just({"reason": "Beyond this level"}),
    "suspend": st.just({"reason": "Waiting for spring"}),
    "resume": st.just({}),
    "request_extension": st.sampled_from([{"hours": 8, "reason": "Parts"}, {"hours": 1, "reason": "Parts"}]),
    "approve_extension": st.just({}),
    "deny_extension": st.just({"note": "Not justified"}),
    "supervise": st.just({"note": "Report by Friday"}),
    "urge": st.just({}),
    "rate": st.sampled_from([{"rating": 4}, {"rating": 1, "comment": "Slow"}]),
    "not_fixed": st.just({"reason": "The hole is back"}),
    "remind": st.sampled_from([{}, {"note": "Please hurry"}]),
}
assert set(PARAMS) == set(TRANSITIONS) == set(VALID_PARAMS)


def _snapshot(case_id: int) -> dict:
    return Case.objects.filter(pk=case_id).values().get()


def _last_audit_id() -> int:
    return AuditEntry.objects.aggregate(last=Max("id"))["last"] or 0


def _new_audit(since: int) -> list[tuple[str, str, str]]:
    """The workflow's own audit entries since `since` (other apps may add theirs, e.g. points)."""
    entries = AuditEntry.objects.filter(id__gt=since).filter(
        Q(action__startswith="case.") | Q(action="access.denied")
    )
    return list(entries.order_by("id").values_list("action", "outcome", "target_id"))


class WorkflowMachine(RuleBasedStateMachine):
    """Set `world` and `actors` (name -> user) on the class before running."""

    world = None
    actors: dict = {}

    cases = Bundle("cases")

    # --- Set-up ------------------------------------------------------------------------------

    @initialize(target=cases)
    def fresh_cases(self):
        # Every example starts from no cases; users, units and taxonomy are shared.
        Case.objects.update(merged_into=None)
        # Rows of other apps that protect the case they name (e.g. a points ledger entry for a
        # registered resident report) go first.
        for relation in Case._meta.get_fields(include_hidden=True):
            if getattr(relation, "on_delete", None) is models.PROTECT and relation.related_model is not Case:
                relation.related_model._base_manager.filter(
                    **{f"{relation.field.name}__isnull": False}
                ).delete()
        Case.objects.all().delete()
        self.final = {}  # case id -> its row when it became final
        self.rework = {}  # case id -> highest rework count seen
        self.suspended_from = {}  # case id -> state before the suspension
        first = self._report("resident", "home grid", source=Source.RESIDENT)
        second = self._report("grid_worker", "home grid")
        return multiple(first.pk, second.pk)

    def _report(self, who: str, where: str, **fields) -> Case:
        lon, lat = POINTS[where]
        data = NewCase(category="0201", description="A pothole", lon=lon, lat=lat, **fields)
        case, _created = report_case(data, actor=self.actors[who])
        return case

    # --- Reports -----------------------------------------------------------------------------

    @rule(target=cases, data=st.data())
    def report(self, data):
        who = data.draw(st.sampled_from(sorted(self.actors)), label="reporter")
        where = data.draw(st.sampled_from(sorted(POINTS)), label="where")
        self_handled = data.draw(st.booleans(), label="self_handled")
        result = data.draw(st.sampled_from(["Fixed on the spot", ""]), label="result")
        source = data.draw(
            st.sampled_from(["", Source.PATROL, Source.RESIDENT, Source.HOTLINE]), label="source"
        )
        lon, lat = POINTS[where]
        cases_before = Case.objects.count()
        audit_before = _last_audit_id()
        try:
            case, created = report_case(
                NewCase(
                    category="0201",
                    description="Broken street light",
                    lon=lon,
                    lat=lat,
                    source=source,
                    self_handled=self_handled,
                    result=result,
                ),
                actor=self.actors[who],
            )
        except (NotAllowed, InvalidInput) as error:
            assert Case.objects.count() == cases_before
            audit = _new_audit(audit_before)
            if isinstance(error, NotAllowed):
                assert audit == [("case.report", "denied", "")], audit
            else:
                assert all(outcome != "ok" for _a, outcome, _t in audit), audit
            return multiple()
        assert created
        assert Case.objects.count() == cases_before + 1
        expected = State.HANDLED if self_handled else State.REPORTED
        assert (case.state, case.version, case.self_handled) == (expected, 1, self_handled)
        # A resident's report is always a resident report; staff report patrols unless they say otherwise.
        resident = who in ("resident", "resident2")
        assert case.source == (Source.RESIDENT if resident else source or Source.PATROL)
        assert case.level == (1 if case.source == Source.HOTLINE else 3)
        actions = list(TimelineEntry.objects.filter(case=case).values_list("action", flat=True))
        assert actions == (["report", "self_handle"] if self_handled else ["report"])
        assert _new_audit(audit_before) == [("case.report", "ok", str(case.pk))]
        return multiple(case.pk)

    # --- Actions -----------------------------------------------------------------------------

    @rule(case=cases, other=cases, action=st.sampled_from(sorted(TRANSITIONS)), data=st.data())
    def act_at_random(self, case, other, action, data):
        """Anyone tries anything: mostly refusals, which must change nothing."""
        who = data.draw(st.sampled_from(sorted(self.actors)), label="actor")
        self._act(case, other, action, who, data)

    @rule(case=cases, other=cases, data=st.data())
    def act_as_someone_who_may(self, case, other, data):
        """Someone who sees the case takes an action the rights allow now."""
        self._act_allowed(case, other, data, set(TRANSITIONS))

    @rule(case=cases, other=cases, data=st.data())
    def advance(self, case, other, data):
        """Move the case along the main path, so that long paths (rework, rating) are reached."""
        self._act_allowed(case, other, data, FORWARD)

    def _act_allowed(self, case, other, data, actions) -> None:
        row = Case.objects.select_related("responsible_unit", "handling_unit").get(pk=case)
        options: dict[str, list[str]] = {}
        for who, user in sorted(self.actors.items()):
            if not visible_cases(user).filter(pk=case).exists():
                continue
            for transition in available_actions(user, row):
                if transition.action in actions:
                    options.setdefault(transition.action, []).append(who)
        if not options:
            return
        action = data.draw(st.sampled_from(sorted(options)), label="action")
        who = data.draw(st.sampled_from(options[action]), label="actor")
        self._act(case, other, action, who, data, valid=data.draw(st.sampled_from([True, True, True, False])))

    def _params(self, case_id: int, other_id: int, action: str, data, valid: bool) -> dict:
        raw = data.draw((VALID_PARAMS if valid else PARAMS)[action], label=f"{action} params")
        if action == "merge":
            numbers = {
                "other": Case.objects.get(pk=other_id).number,
                "self": Case.objects.get(pk=case_id).number,
                "unknown": "150502-19990101-00001",
            }
            return {} if raw == "missing" else {"into": numbers[raw]}
        params = dict(raw)
        if action == "dispatch":
            params = dict(raw["to"])
            if params.get("handling_unit") == "grid":
                params["handling_unit"] = Case.objects.get(pk=case_id).grid.code
            moment = {"future": timedelta(days=2), "past": -timedelta(hours=1)}.get(raw["deadline"])
            if moment is not None:
                params["deadline"] = timezone.now() + moment
        if "photos" in params:
            params["photos"] = {"none": [], "one": [_png()], "bad": [_not_an_image()]}[params["photos"]]
        return params

    def _act(self, case_id: int, other_id: int, action: str, who: str, data, *, valid: bool = False) -> None:
        params = self._params(case_id, other_id, action, data, valid)
        versions = ["none", "current"] if valid else ["none", "current", "stale"]
        version_choice = data.draw(st.sampled_from(versions), label="expected_version")
        before = _snapshot(case_id)
        expected_version = {"none": None, "current": before["version"], "stale": before["version"] - 1}[
            version_choice
        ]
        timeline_before = TimelineEntry.objects.filter(case_id=case_id).count()
        last_entry = TimelineEntry.objects.filter(case_id=case_id).aggregate(last=Max("id"))["last"] or 0
        photos_before = CasePhoto.objects.filter(case_id=case_id).count()
        audit_before = _last_audit_id()
        try:
            perform(case_id, action, actor=self.actors[who], expected_version=expected_version, **params)
        except FAILURES as error:
            assert _snapshot(case_id) == before, f"{action} by {who} failed ({error!r}) but changed the case"
            assert TimelineEntry.objects.filter(case_id=case_id).count() == timeline_before
            assert CasePhoto.objects.filter(case_id=case_id).count() == photos_before
            audit = _new_audit(audit_before)
            if isinstance(error, NotAllowed):
                assert audit == [(f"case.{action}", "denied", str(case_id))], audit
            elif isinstance(error, CaseNotFound):  # the case exists: the attempt is recorded
                assert audit == [("access.denied", "denied", str(case_id))], audit
            else:
                assert all(outcome != "ok" for _a, outcome, _t in audit), audit
            return
        self._check_success(case_id, action, who, params, before, last_entry, photos_before, audit_before)

    def _check_success(self, case_id, action, who, params, before, last_entry, photos_before, audit_before):
        after = _snapshot(case_id)
        transition = TRANSITIONS[action]
        source, target = before["state"], after["state"]
        assert source in transition.sources, f"{action} ran from {source}"
        if action == "reopen":
            dispatched = before["department_id"] or before["handling_unit_id"]
            assert target == (State.IN_PROGRESS if dispatched else State.REGISTERED)
            assert after["rework_count"] == before["rework_count"] + 1
        elif action == "resume":
            assert target == self.suspended_from.pop(case_id, before["resume_state"])
        elif transition.target is None:
            assert target == source, f"{action} moved {source} to {target}"
        else:
            assert target == transition.target, f"{action} led to {target}"
        if action == "suspend":
            self.suspended_from[case_id] = source
        assert after["version"] == before["version"] + 1
        entries = list(
            TimelineEntry.objects.filter(case_id=case_id, id__gt=last_entry).values_list(
                "action", "from_state", "to_state", "actor_id"
            )
        )
        assert entries == [(action, source, target, self.actors[who].pk)], entries
        assert _new_audit(audit_before) == [(f"case.{action}", "ok", str(case_id))]
        new_photos = CasePhoto.objects.filter(case_id=case_id).count() - photos_before
        assert new_photos == len(params.get("photos") or [])
        if action == "not_fixed":
            # The reporter reopened a closed case: back to verification, rating cleared, no rework yet.
            assert after["closed_at"] is None and after["rating"] is None
            assert after["rework_count"] == before["rework_count"]
            assert self.actors[who].pk == before["reporter_id"]
            self.final.pop(case_id, None)
        elif source in FINAL_STATES:
            assert action == "rate" and source == State.CLOSED, f"{action} changed a {source} case"
        if action == "remind":
            assert after["urge_count"] == before["urge_count"] + 1

    # --- Invariants over every case of the example -------------------------------------------

    @invariant()
    def cases_are_consistent(self):
        if not hasattr(self, "final"):
            return
        for row in Case.objects.values(
            *(f.attname for f in Case._meta.concrete_fields),
            "responsible_unit__path",
            "responsible_unit__level",
            "handling_unit__path",
            "handling_unit__level",
        ):
            case_id, state = row["id"], row["state"]
            assert state in State.values
            assert row["rework_count"] >= self.rework.get(case_id, 0), "rework count went down"
            self.rework[case_id] = row["rework_count"]
            if case_id in self.final:
                frozen = {k: v for k, v in self.final[case_id].items() if k not in RATING_FIELDS}
                now = {k: v for k, v in row.items() if k not in RATING_FIELDS}
                assert now == frozen, f"final case {case_id} changed"
            elif state in FINAL_STATES:
                self.final[case_id] = row
            self._check_fields(row)

    @staticmethod
    def _check_fields(row: dict) -> None:
        state = row["state"]
        # Open cases are always in a timed stage; final ones never.
        assert (row["deadline"] is None) == (state in FINAL_STATES), (state, row["deadline"])
        if row["deadline"] is not None:
            assert row["warn_at"] is not None and row["warn_at"] <= row["deadline"]
        if state in (State.DISPATCHED, State.IN_PROGRESS) or row["resume_state"]:
            assert bool(row["department_id"]) != bool(row["handling_unit_id"]), "exactly one addressee"
        if state == State.IN_PROGRESS:
            assert row["handler_id"] is not None
        if state == State.SUSPENDED:
            assert row["resume_state"] in (State.DISPATCHED, State.IN_PROGRESS)
            assert row["suspended_at"] is not None
        else:
            assert row["resume_state"] == "" and row["suspended_at"] is None
        if state == State.MERGED:
            assert row["merged_into_id"] not in (None, row["id"])
        if state in (State.CLOSED, State.REJECTED, State.MERGED):
            assert row["closed_at"] is not None
        # The responsible unit is the case's ancestor at its level; a handling unit lies below it.
        assert 1 <= row["level"] <= 4
        assert row["responsible_unit__level"] == row["level"]
        assert (row["org_path"] + ".").startswith(row["responsible_unit__path"] + ".")
        if row["handling_unit__path"]:
            assert (row["org_path"] + ".").startswith(row["handling_unit__path"] + ".")
            assert row["handling_unit__level"] > row["level"]


def _actors(world) -> dict:
    units = world.units
    water = Department.objects.create(
        code="water", name_zh="水务局", name_en="Water Bureau", org_unit=units["150502"]
    )
    actors = {role.value: user for role, user in world.users.items()}
    actors.update(
        worker2=make_user("worker2", Role.GRID_WORKER, units["150502001001001"]),
        handler2=make_user("handler2", Role.DEPARTMENT_HANDLER, department=world.department),
        water_handler=make_user("water_handler", Role.DEPARTMENT_HANDLER, department=water),
        grid2_chief=make_user("grid2_chief", Role.GRID_CHIEF, units["150502001001002"]),
        other_street_worker=make_user("other_street_worker", Role.GRID_WORKER, units["150502002001001"]),
        other_street_admin=make_user("other_street_admin", Role.STREET_ADMIN, units["150502002"]),
        other_district_admin=make_user("other_district_admin", Role.DISTRICT_ADMIN, units["150521"]),
        resident2=make_user("resident2", Role.RESIDENT, units["150502001001001"]),
    )
    return actors


@pytest.fixture(autouse=True)
def _calendar_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    days.invalidate()
    yield
    days.invalidate()


def test_random_workflows_keep_the_invariants(db):
    world = build_case_world()
    WorkflowMachine.world = world
    WorkflowMachine.actors = _actors(world)
    run_state_machine_as_test(
        WorkflowMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=50,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
