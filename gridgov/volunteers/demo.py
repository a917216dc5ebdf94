"""Demo content for the volunteers app: the demo resident as an approved volunteer with a
welcome bonus, two upcoming activities, and a small points shop. The demo command
calls `seed_demo` after the resident account exists, inside its transaction."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from gridgov.volunteers import activities, ledger, registry, shop
from gridgov.volunteers.communities import home_community
from gridgov.volunteers.models import PointsMode, VolunteerStatus

SHOP_ITEMS = (("洗衣液 1 瓶", 30, 20), ("大米 5 斤", 80, 10), ("理发券", 20, 30))


def _new(community, title: str, place: str, start, hours: int, mode: str, points: int, *, actor):
    return activities.create(
        activities.NewActivity(
            community=community,
            title=title,
            place=place,
            starts_at=start,
            ends_at=start + timedelta(hours=hours),
            signup_limit=20,
            points_mode=mode,
            points=points,
        ),
        actor=actor,
    )


def seed_demo(resident, organiser) -> None:
    """Make `resident` an approved volunteer of their community (run by `organiser`, who holds
    volunteers.manage there) with a welcome bonus; plan two activities; stock the shop.
    Does nothing when the resident has no home community."""
    community = home_community(resident)
    if community is None:
        return
    volunteer = registry.register(resident, skills="清扫, 陪伴老人", availability="周末")
    registry.decide(volunteer.pk, VolunteerStatus.APPROVED, actor=organiser)

    # Activities from the coming days; a past one cannot be run through the services (they
    # check the clock), and its points would be a fake: the resident's demo reports that get
    # registered earn real ones through the workflow.
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    soon = start + timedelta(days=2)
    _new(community, "关爱独居老人上门探访", "社区服务站", soon, 3, PointsMode.FIXED, 15, actor=organiser)
    _new(
        community,
        "冬季清雪",
        "社区主干道",
        soon + timedelta(days=3),
        2,
        PointsMode.PER_HOUR,
        12,
        actor=organiser,
    )
    for name, price, stock in SHOP_ITEMS:
        shop.add_item(community, name=name, price=price, stock=stock, actor=organiser)
    ledger.adjust(resident, 10, actor=organiser, reason="志愿者注册奖励")
