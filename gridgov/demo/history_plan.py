"""What a year of cases in the demo district looks like: how many a day, of which kind, from
which channel, where (pure: numbers and draws, no database).

Keerqin's year: heating complaints from the start of the heating season (15 October) to its end
(15 April), snow and ice in winter, potholes when the ground thaws, drainage and rubbish in the
summer rains, street vending and cooking fumes in the warm months. Weekdays bring more reports
than weekends. A few places keep coming back (the hotspots).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from gridgov.cases.models import Source, Urgency

# Reports a day at small scale (126 grids), before the season and the weekday.
DAILY_CASES = 10.0
WEEKDAY_FACTOR = (1.15, 1.15, 1.1, 1.1, 1.05, 0.75, 0.65)  # Monday … Sunday

WINTER = (11, 12, 1, 2)
HEATING = (10, 11, 12, 1, 2, 3, 4)  # the heating season, 15 October – 15 April
WARM = (5, 6, 7, 8, 9)
RAINS = (6, 7, 8)
BUILDING = (4, 5, 6, 7, 8, 9, 10)


def _heating(day: date) -> float:
    in_season = (day.month, day.day) >= (10, 15) or (day.month, day.day) <= (4, 15)
    if not in_season:
        return 0.1
    return 10.0 if day.month in (11, 12, 1) else 6.0


def _months(months: tuple[int, ...], high: float, low: float = 1.0):
    return lambda day: high if day.month in months else low


# leaf category -> (base weight, seasonal factor of the day)
CATEGORY_SEASONS = {
    "0101": (3.0, _months(WINTER, 0.8)),
    "0102": (4.0, _months(WINTER, 1.6)),  # long nights
    "0104": (1.5, _months(WARM, 1.5, 0.6)),
    "0106": (2.0, _months(WARM, 1.3)),
    "0201": (3.0, _months((3, 4), 2.5)),  # the thaw breaks the roads
    "0202": (2.0, _months((3, 4, 5), 1.6)),
    "0204": (1.0, _months(RAINS, 9.0, 0.4)),
    "0206": (0.0, lambda d: 7.0 if d.month in (12, 1, 2) else 3.0 if d.month in (11, 3) else 0.0),
    "0301": (6.0, _months(RAINS, 1.8)),
    "0303": (1.0, _months(WARM, 1.3)),
    "0304": (3.0, _months(WARM, 1.2)),
    "0305": (2.0, _months((3, 4), 1.8)),
    "0306": (2.0, _months(BUILDING, 1.5, 0.6)),
    "0307": (1.0, _months(WARM, 2.2, 0.2)),
    "0402": (1.0, _months(RAINS, 2.5, 0.5)),
    "0501": (1.5, _months(BUILDING, 1.6, 0.4)),
    "0505": (1.5, _months(WINTER, 1.2)),
    "0701": (0.6, _months(BUILDING, 4.0, 0.2)),
    "0703": (0.6, _months(BUILDING, 3.0, 0.1)),
    "0801": (3.0, _months(WARM, 1.7, 0.6)),
    "0803": (4.0, _months(WINTER, 1.0)),
    "0901": (2.0, _months(WINTER, 1.2)),
    "1201": (2.0, _months(WINTER, 1.3)),
    "1203": (2.0, _months(WINTER, 1.6)),
    "1302": (1.5, _months(WARM, 2.2, 0.6)),
    "1307": (1.5, _months(WARM, 1.6)),
    "1603": (1.0, _heating),
    "1604": (2.0, _months((12, 1, 2), 1.8)),  # frozen and burst pipes
}

# Channel shares, and the categories the narrow channels report.
SOURCE_SHARES = (
    (Source.PATROL, 0.42),
    (Source.HOTLINE, 0.25),
    (Source.RESIDENT, 0.18),
    (Source.OPEN311, 0.05),
    (Source.SENSOR, 0.05),
    (Source.CAMPAIGN, 0.05),
)
SOURCE_CATEGORIES: dict[str, tuple[str, ...]] = {
    Source.SENSOR: ("0101", "0102", "0204", "1604"),  # cover, light, water-level and pipe sensors
    Source.CAMPAIGN: ("1201", "1203", "0206", "0501", "0306"),  # fire-safety, snow, clean-up drives
}
# Grid staff solve these on the spot as often as not.
QUICK = frozenset({"0104", "0106", "0301", "0303", "0304", "0305", "0306", "0307", "0801", "0803", "1201"})
URGENCY_SHARES = ((Urgency.NORMAL, 0.86), (Urgency.URGENT, 0.11), (Urgency.CRITICAL, 0.03))


@dataclass(frozen=True)
class Place:
    """A place where the same problem keeps coming back."""

    grid: int  # index into the grids given to `places_for`
    category: str
    address: str
    months: tuple[int, ...]  # when it recurs
    per_day: float  # extra reports a day there in those months


# Recurring places, each in one of the grids `places_for` picks (the demo grid first).
PLACE_TEMPLATES = (
    ("1603", "阳光小区3号楼", HEATING, 0.3),
    ("0801", "农贸市场东门", (3, 4, 5, 6, 7, 8, 9, 10, 11), 0.25),
    ("0803", "第三小学门前", (1, 2, 3, 4, 5, 6, 9, 10, 11, 12), 0.2),
    ("0204", "铁路桥下涵洞", RAINS, 0.4),
    ("1302", "夜市烧烤街", WARM, 0.3),
    ("0301", "建材市场后身", tuple(range(1, 13)), 0.15),
    ("0206", "医院北侧坡道", WINTER, 0.3),
)


def places_for(count_grids: int, rng: random.Random) -> list[Place]:
    """The recurring places: the first in grid 0 (the demo accounts'), the others spread out."""
    others = rng.sample(range(1, count_grids), min(len(PLACE_TEMPLATES) - 1, count_grids - 1))
    grids = [0, *others]
    return [
        Place(grid, code, address, months, per_day)
        for grid, (code, address, months, per_day) in zip(grids, PLACE_TEMPLATES, strict=False)
    ]


def day_volume(day: date, scale_factor: float, rng: random.Random) -> int:
    """How many ordinary reports `day` brings (places come on top)."""
    mean = DAILY_CASES * scale_factor * WEEKDAY_FACTOR[day.weekday()]
    if _heating(day) > 1:
        mean *= 1.15  # the heating season: cold flats, burst pipes, icy paths
    # Never a day without reports: a quiet Sunday still brings a third of the mean.
    return max(round(mean / 3), round(rng.gauss(mean, mean**0.5)))


def category_weights(day: date, codes: list[str]) -> list[float]:
    weights = []
    for code in codes:
        base, season = CATEGORY_SEASONS.get(code, (1.0, lambda d: 1.0))
        weights.append(base * season(day) if base else season(day))
    return weights


def draw(rng: random.Random, shares) -> str:
    return rng.choices([s for s, _w in shares], [w for _s, w in shares])[0]
