"""Demo cases: a few dozen reports in the demo grids, carried through the workflow to every stage."""

from __future__ import annotations

import random
from typing import Any

from django.contrib.auth import get_user_model
from shapely.geometry import Point, shape

from gridgov.cases.models import Source
from gridgov.cases.workflow import NewCase, perform, report_case
from gridgov.geo.models import OrgUnit

# (category, description, how far the case gets)
STORIES = [
    ("0101", "小区门口井盖缺失，夜间行人容易踩空", "reported"),
    ("0102", "路灯连续三晚不亮", "reported"),
    ("0301", "楼后空地暴露垃圾堆积", "registered"),
    ("0303", "单元门墙面乱涂乱画", "dispatched"),
    ("0304", "电线杆上贴满非法小广告", "in_progress"),
    ("0305", "菜市场门前道路不洁", "in_progress"),
    ("0104", "广场公共座椅损坏", "handled"),
    ("0106", "果皮箱破损无法使用", "handled"),
    ("0306", "人行道上乱堆建材", "closed"),
    ("0307", "沿街晾晒影响市容", "closed"),
    ("0102", "巷口路灯灯杆倾斜", "self_handled"),
]
RESIDENT_STORIES = [
    ("0301", "垃圾桶旁长期有垃圾没人清理", "closed"),
    ("0305", "楼前路面有油污", "reported"),
]


def _point_in(grid: OrgUnit, rng: random.Random) -> tuple[float, float]:
    polygon = shape(grid.geometry)
    min_lon, min_lat, max_lon, max_lat = polygon.bounds
    while True:
        lon, lat = rng.uniform(min_lon, max_lon), rng.uniform(min_lat, max_lat)
        if polygon.contains(Point(lon, lat)):
            return lon, lat


def create_demo_cases(grids: list[OrgUnit], seed: int) -> int:
    """Report the stories in `grids` (the grid worker's) and carry each to its stage; returns the count."""
    rng = random.Random(seed)
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["grid_worker", "grid_chief", "community_admin", "dept_handler", "resident"]
        )
    }
    count = 0
    for stories, reporter, source in (
        (STORIES, "grid_worker", Source.PATROL),
        (RESIDENT_STORIES, "resident", Source.RESIDENT),
    ):
        for category, description, stage in stories:
            lon, lat = _point_in(grids[0] if reporter == "resident" else rng.choice(grids), rng)
            self_handled = stage == "self_handled"
            case, _created = report_case(
                NewCase(
                    category=category,
                    description=description,
                    lon=lon,
                    lat=lat,
                    source=source,
                    self_handled=self_handled,
                    result="现场已扶正并加固" if self_handled else "",
                ),
                actor=users[reporter],
            )
            _carry(case.pk, stage, users)
            if reporter == "resident" and stage == "closed":
                perform(case.pk, "rate", actor=users["resident"], rating=4, comment="处理及时，满意")
            count += 1
    return count


# The steps from a report to each stage, with who takes them.
STEPS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("registered", "register", "community_admin", {}),
    ("dispatched", "dispatch", "community_admin", {"department": "urban_mgmt", "note": "请按时处置"}),
    ("in_progress", "accept", "dept_handler", {}),
    ("handled", "handle", "dept_handler", {"result": "已安排人员现场处理完毕"}),
    ("verified", "verify", "grid_worker", {"note": "现场核查已解决"}),
    ("closed", "close", "community_admin", {}),
]
ORDER = [name for name, *_rest in STEPS]


def _carry(case_id: int, stage: str, users: dict) -> None:
    if stage in ("reported", "self_handled"):
        return
    for name, action, who, params in STEPS[: ORDER.index(stage) + 1]:
        perform(case_id, action, actor=users[who], **params)
        if name == stage:
            return
