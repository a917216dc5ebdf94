"""Demo content for campaigns: an active epidemic screening of the demo grid worker's community
(started yesterday), with results in the worker's grid — done, not at home, refused — a fever
follow-up and a heating-failure case. Seeded through the services; the demo command may call
`seed_demo` once the registry and the case taxonomy are loaded."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from gridgov.access.models import Membership
from gridgov.access.roles import Role
from gridgov.campaigns import launch, results
from gridgov.campaigns.models import CampaignKind, ExceptionAction, Outcome, Question, QuestionKind, Target
from gridgov.cases.taxonomy_services import active_category

HEATING_FAILURE = "1603"  # 供暖故障 in the default taxonomy

CHECKLIST: list[dict[str, Any]] = [
    {
        "code": "fever",
        "text": "家中是否有人发热（体温≥37.3℃）？",
        "kind": QuestionKind.YES_NO,
        "exception": {"equals": True},
        "exception_action": ExceptionAction.FOLLOW_UP,
        "exception_label": "发热",
    },
    {
        "code": "temperature",
        "text": "最高体温（℃）",
        "kind": QuestionKind.TEMPERATURE,
        "condition": {"question": "fever", "equals": True},
    },
    {
        "code": "returned",
        "text": "14天内是否有人从中高风险地区返回？",
        "kind": QuestionKind.YES_NO,
        "exception": {"equals": True},
        "exception_action": ExceptionAction.FOLLOW_UP,
        "exception_label": "风险地区返乡",
    },
    {
        "code": "tested",
        "text": "本轮核酸检测",
        "kind": QuestionKind.CHOICE,
        "choices": [
            {"value": "done", "label": "已检测"},
            {"value": "home", "label": "需上门采样"},
            {"value": "no", "label": "未检测"},
        ],
    },
    {
        "code": "heating",
        "text": "供暖情况",
        "kind": QuestionKind.CHOICE,
        "choices": [
            {"value": "ok", "label": "正常"},
            {"value": "weak", "label": "不热"},
            {"value": "none", "label": "无供暖"},
        ],
        "exception": {"in": ["none"]},
        "exception_action": ExceptionAction.CASE,
        "exception_label": "无供暖",
        "exception_category": HEATING_FAILURE,
    },
    {"code": "note", "text": "其他情况", "kind": QuestionKind.TEXT, "required": False},
]

# The demo grid's first households: (outcome, answers).
RESULTS: list[tuple[str, dict[str, Any] | None]] = [
    (Outcome.DONE, {"fever": False, "returned": False, "tested": "done", "heating": "ok"}),
    (
        Outcome.DONE,
        {"fever": True, "temperature": 38.2, "returned": False, "tested": "home", "heating": "ok"},
    ),
    (Outcome.DONE, {"fever": False, "returned": True, "tested": "no", "heating": "weak"}),
    (Outcome.DONE, {"fever": False, "returned": False, "tested": "done", "heating": "none"}),
    (Outcome.NOT_HOME, None),
    (Outcome.REFUSED, None),
    (
        Outcome.DONE,
        {
            "fever": False,
            "returned": False,
            "tested": "done",
            "heating": "ok",
            "note": "独居老人，已留联系卡",
        },
    ),
]


def seed_demo(
    *, worker_username: str = "grid_worker", admin_username: str = "district_admin"
) -> dict[str, int]:
    """Seed through the services; returns counts. Does nothing (empty counts) without the users."""
    users = get_user_model().objects
    worker = users.filter(username=worker_username).first()
    admin = users.filter(username=admin_username).first()
    membership = (
        Membership.objects.filter(user=worker, role=Role.GRID_WORKER)
        .select_related("org_unit__parent")
        .first()
    )
    if worker is None or admin is None or membership is None or membership.org_unit is None:
        return {}
    grid = membership.org_unit
    community = grid.parent or grid
    checklist = [
        spec
        for spec in CHECKLIST
        if spec.get("exception_action") != ExceptionAction.CASE or active_category(spec["exception_category"])
    ]
    now = timezone.now()
    campaign = launch.create_campaign(
        admin,
        name=f"{community.name_zh}新冠疫情入户排查",
        kind=CampaignKind.EPIDEMIC,
        description="逐户排查发热、返乡和核酸检测情况，同时了解供暖。",
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=13),
        units=[community],
        retention_days=30,
    )
    Question.objects.bulk_create(
        [Question(campaign=campaign, position=i, **spec) for i, spec in enumerate(checklist)]
    )
    targets = launch.start_campaign(admin, campaign)
    codes = {spec["code"] for spec in checklist}
    recorded = 0
    mine = Target.objects.filter(campaign=campaign, grid=grid).order_by("pk")[: len(RESULTS)]
    for number, (target, (outcome, answers)) in enumerate(zip(mine, RESULTS, strict=False)):
        kept = {code: value for code, value in answers.items() if code in codes} if answers else None
        at = now - timedelta(hours=len(RESULTS) - number)
        results.record_result(worker, target, outcome=outcome, answers=kept, at=at)
        recorded += 1
    return {
        "campaigns": 1,
        "targets": targets,
        "results": recorded,
        "follow_ups": campaign.follow_ups.count(),
    }
