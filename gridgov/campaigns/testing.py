"""Test helpers for the campaigns app: the patrol world plus a heating case category and a
draft epidemic screening campaign over Heping Community (150502001001) with a short checklist.

Checklist: `fever` (yes/no; yes → follow-up "发热"), `temperature` (asked only when fever is
yes), `heating` (one choice ok/weak/none; none → a case of category HEATING_CATEGORY) and an
optional `note` (text).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.campaigns.launch import start_campaign
from gridgov.campaigns.models import Campaign, CampaignKind, ExceptionAction, Question, QuestionKind
from gridgov.cases.models import Category, ResponsibilityRule, Stage, TimeLimit, Urgency
from gridgov.cases.testing import LIMITS
from gridgov.patrol.testing import GRID_A, GRID_B, build_patrol_world
from gridgov.people.testing import RegistryWorld

COMMUNITY = "150502001001"
HEATING_CATEGORY = "07"
__all__ = [
    "COMMUNITY",
    "GRID_A",
    "GRID_B",
    "HEATING_CATEGORY",
    "CampaignWorld",
    "build_campaign_world",
    "start",
]

QUESTIONS: list[dict[str, Any]] = [
    {
        "code": "fever",
        "text": "家中是否有人发热？",
        "kind": QuestionKind.YES_NO,
        "exception": {"equals": True},
        "exception_action": ExceptionAction.FOLLOW_UP,
        "exception_label": "发热",
    },
    {
        "code": "temperature",
        "text": "最高体温",
        "kind": QuestionKind.TEMPERATURE,
        "condition": {"question": "fever", "equals": True},
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
        "exception_category": HEATING_CATEGORY,
    },
    {"code": "note", "text": "其他情况", "kind": QuestionKind.TEXT, "required": False},
]


@dataclass
class CampaignWorld:
    reg: RegistryWorld
    campaign: Campaign

    @property
    def users(self):
        return self.reg.users

    @property
    def units(self):
        return self.reg.units


def add_heating_category(reg: RegistryWorld) -> Category:
    heating = Category.objects.create(code=HEATING_CATEGORY, name_zh="供暖保障", name_en="Heating")
    for urgency in Urgency.values:
        for stage, (amount, unit) in LIMITS.items():
            assert stage in Stage.values
            TimeLimit.objects.create(category=heating, urgency=urgency, stage=stage, amount=amount, unit=unit)
    ResponsibilityRule.objects.create(
        category=heating, area=reg.units["150502"], department=reg.world.department
    )
    return heating


def add_questions(campaign: Campaign, questions: list[dict] | None = None) -> list[Question]:
    return [
        Question.objects.create(campaign=campaign, position=i, **spec)
        for i, spec in enumerate(questions if questions is not None else QUESTIONS)
    ]


def build_campaign_world() -> CampaignWorld:
    reg = build_patrol_world()
    add_heating_category(reg)
    now = timezone.now()
    community = reg.units[COMMUNITY]
    campaign = Campaign.objects.create(
        name="和平社区入户排查",
        kind=CampaignKind.EPIDEMIC,
        org_path=community.path,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=14),
        retention_days=30,
        created_by=reg.users[Role.DISTRICT_ADMIN],
    )
    campaign.units.set([community])
    add_questions(campaign)
    return CampaignWorld(reg=reg, campaign=campaign)


def start(world: CampaignWorld) -> int:
    """Start the world's campaign as the district admin; refreshes `world.campaign`."""
    count = start_campaign(world.users[Role.DISTRICT_ADMIN], world.campaign)
    world.campaign.refresh_from_db()
    return count
