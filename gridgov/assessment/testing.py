"""Test helpers for the assessment: a small history with every indicator's answer worked out.

`build_history(clock)` builds the patrol world (registry, a department, the roads category with
time limits) on Monday 2 March 2026 and then, with the clock moved by hand:

March 2026, grid 150502001001001 (grid A):
  c1 resident report Wed 11 09:00, registered 09:30, dispatched 10:00, handled 11:00,
     verified and closed 11:30 (all in time), rated 5 on Thu 12.
  c2 resident report Wed 11 09:00, registered 14:00 (late: deadline 11:00), dispatched 14:00,
     handled 15:00, reopened at verification, handled again Thu 12 10:00, verified, closed
     Thu 12 10:30 (one rework, ran late), rated 2 on Fri 13.
  c3 resident report Wed 11 09:00, rejected.
  c4 grid worker's report Wed 11 09:00, handled on the spot.
  c5 resident report Wed 11 09:00, registered 09:30, dispatched 10:00, returned 10:30,
     dispatched again 11:00, accepted (not handled).
February 2026: c6 resident report Wed 11 February, rejected.
March 2025: c7 resident report Wed 12 March 2025, registered, dispatched, handled, verified, closed.
Field work: the worker visits household a101 on 11 March 2026; a campaign with progress 4/10
in grid A and 6/6 in grid B runs in March 2026; the registry's four persons were created on
2 March 2026 (audit log), two of them in grid A. On 31 March the deadline monitor runs: c5's
handling and c4's verification are overdue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from gridgov.access.roles import Role
from gridgov.analytics.daily import catch_up
from gridgov.analytics.facts import refresh_case_facts
from gridgov.campaigns.models import Campaign, GridProgress
from gridgov.cases.models import Case, Source
from gridgov.cases.monitor import sweep_deadlines
from gridgov.cases.workflow import NewCase, perform, report_case
from gridgov.patrol.testing import GRID_A, GRID_B, build_patrol_world, visit

LOCAL = ZoneInfo("Asia/Shanghai")
HOME = (122.05, 43.6)
C, H, W = Role.COMMUNITY_ADMIN, Role.DEPARTMENT_HANDLER, Role.GRID_WORKER


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL)


@dataclass
class History:
    reg: object
    cases: dict[str, Case] = field(default_factory=dict)

    @property
    def users(self):
        return self.reg.users

    @property
    def units(self):
        return self.reg.units


def _report(h: History, who: Role, **extra) -> Case:
    source = Source.RESIDENT if who == Role.RESIDENT else ""
    data = NewCase(category="0201", description="路面有坑", lon=HOME[0], lat=HOME[1], source=source, **extra)
    return report_case(data, actor=h.users[who])[0]


def _act(h: History, case: Case, action: str, who: Role, **params) -> None:
    perform(case.pk, action, actor=h.users[who], **params)


def _closed_on_time(h: History, case: Case) -> None:
    _act(h, case, "register", C)
    _act(h, case, "dispatch", C, department="urban_mgmt")
    _act(h, case, "accept", H)
    _act(h, case, "handle", H, result="filled")
    _act(h, case, "verify", W)
    _act(h, case, "close", C)


def build_history(clock) -> History:
    clock.move_to(at(2026, 3, 2, 9, 0), tick=False)
    h = History(reg=build_patrol_world())
    # March 2025 (year-on-year).
    clock.move_to(at(2025, 3, 12, 9, 0), tick=False)
    h.cases["c7"] = _report(h, Role.RESIDENT)
    _closed_on_time(h, h.cases["c7"])
    # February 2026 (period-on-period).
    clock.move_to(at(2026, 2, 11, 9, 0), tick=False)
    h.cases["c6"] = _report(h, Role.RESIDENT)
    _act(h, h.cases["c6"], "reject", C, reason="not a case")
    # March 2026.
    clock.move_to(at(2026, 3, 11, 9, 0), tick=False)
    for name in ("c1", "c2", "c3", "c5"):
        h.cases[name] = _report(h, Role.RESIDENT)
    h.cases["c4"] = _report(h, W, self_handled=True, result="swept")
    _act(h, h.cases["c3"], "reject", C, reason="not a case")
    visit(h.reg, "a101", visited_at=at(2026, 3, 11, 9, 0))
    clock.move_to(at(2026, 3, 11, 9, 30), tick=False)
    _act(h, h.cases["c1"], "register", C)
    _act(h, h.cases["c5"], "register", C)
    clock.move_to(at(2026, 3, 11, 10, 0), tick=False)
    _act(h, h.cases["c1"], "dispatch", C, department="urban_mgmt")
    _act(h, h.cases["c5"], "dispatch", C, department="urban_mgmt")
    _act(h, h.cases["c1"], "accept", H)
    clock.move_to(at(2026, 3, 11, 10, 30), tick=False)
    _act(h, h.cases["c5"], "return", H, reason="not ours")
    clock.move_to(at(2026, 3, 11, 11, 0), tick=False)
    _act(h, h.cases["c1"], "handle", H, result="filled")
    _act(h, h.cases["c5"], "dispatch", C, department="urban_mgmt")
    _act(h, h.cases["c5"], "accept", H)
    clock.move_to(at(2026, 3, 11, 11, 30), tick=False)
    _act(h, h.cases["c1"], "verify", W)
    _act(h, h.cases["c1"], "close", C)
    clock.move_to(at(2026, 3, 11, 14, 0), tick=False)
    _act(h, h.cases["c2"], "register", C)
    _act(h, h.cases["c2"], "dispatch", C, department="urban_mgmt")
    _act(h, h.cases["c2"], "accept", H)
    clock.move_to(at(2026, 3, 11, 15, 0), tick=False)
    _act(h, h.cases["c2"], "handle", H, result="filled")
    _act(h, h.cases["c2"], "reopen", W, reason="still there")
    clock.move_to(at(2026, 3, 12, 10, 0), tick=False)
    _act(h, h.cases["c2"], "handle", H, result="filled again")
    clock.move_to(at(2026, 3, 12, 10, 30), tick=False)
    _act(h, h.cases["c2"], "verify", W)
    _act(h, h.cases["c2"], "close", C)
    _act(h, h.cases["c1"], "rate", Role.RESIDENT, rating=5)
    clock.move_to(at(2026, 3, 13, 9, 0), tick=False)
    _act(h, h.cases["c2"], "rate", Role.RESIDENT, rating=2)
    campaign = Campaign.objects.create(
        name="供暖排查",
        kind="heating",
        status="active",
        org_path="150502",
        starts_at=at(2026, 3, 1),
        ends_at=at(2026, 3, 31),
        started_at=at(2026, 3, 1),
        created_by=h.users[Role.DISTRICT_ADMIN],
    )
    for code, total, done in ((GRID_A, 10, 4), (GRID_B, 6, 6)):
        unit = h.units[code]
        GridProgress.objects.create(campaign=campaign, grid=unit, org_path=unit.path, total=total, done=done)
    clock.move_to(at(2026, 3, 31, 18, 0), tick=False)
    sweep_deadlines()  # c5 (handling) and c4 (verification) are overdue by now
    refresh_case_facts(Case.objects.values_list("pk", flat=True))
    catch_up(since=at(2025, 3, 1).date())
    return h
