"""Test helpers for the fact layer: the case world on a frozen clock, and actions by role."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from gridgov.access.roles import Role
from gridgov.cases.models import Case, Source
from gridgov.cases.testing import HOME_POINT, build_case_world, report
from gridgov.cases.workflow import perform

LOCAL = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL)


def act(world, case: Case | int, action: str, who: Role, **params) -> Case:
    case_id = case if isinstance(case, int) else case.pk
    return perform(case_id, action, actor=world.users[who], **params)


def resident_case(world, point=HOME_POINT, **fields) -> Case:
    return report(world, by=Role.RESIDENT, point=point, source=Source.RESIDENT, **fields)


def worker_case(world, point=HOME_POINT, **fields) -> Case:
    return report(world, by=Role.GRID_WORKER, point=point, **fields)


__all__ = ["LOCAL", "act", "at", "build_case_world", "resident_case", "worker_case"]
