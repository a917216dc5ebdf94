"""Demo buildings and houses of one grid: residential compounds and shops in town, courtyards in
the villages. Builds unsaved model instances (gridgov.demo.registry writes them)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import shapely
from shapely.geometry import shape

from gridgov.demo.identifiers import Identifiers
from gridgov.geo.models import Kind, OrgUnit
from gridgov.people.models import (
    Building,
    BuildingKind,
    Component,
    House,
    Household,
    HouseUse,
    Organization,
    Person,
    Tenancy,
)

# Made-up but local-sounding road names; each grid takes a few.
ROADS = [
    "霍林河大街", "科尔沁大街", "明仁大街", "永清大街", "建国路", "民主路", "和平路", "新华大街",
    "交通路", "红星路", "团结路", "胜利路", "中心大街", "西拉木伦大街", "滨河大道", "光明路",
    "育新街", "施介路", "铁南大街", "前进路", "东顺路", "西顺路", "清河大街", "创业大道",
]  # fmt: skip
COMPOUND_WORDS = [
    "阳光", "金色", "翠湖", "锦绣", "御景", "学府", "紫薇", "盛世", "滨河", "泰和", "祥和", "康居",
    "丽景", "华苑", "富康", "福源", "瑞祥", "馨园", "银都", "怡景", "草原", "科沁", "蒙中", "北辰",
]  # fmt: skip
COMPOUND_KINDS = ["小区", "花园", "家园", "苑", "嘉园", "新村"]
METRES_PER_DEGREE = 111_320.0


@dataclass
class GridRecords:
    """The unsaved records of one grid, with what their bulk writes need alongside."""

    buildings: list[Building] = field(default_factory=list)
    houses: list[House] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    moved_in: list[datetime] = field(default_factory=list)  # one per person
    tags: list[tuple[Person, str]] = field(default_factory=list)  # (person, tag code)
    status_changes: list[tuple[Person, str, date, str]] = field(default_factory=list)
    tenancies: list[Tenancy] = field(default_factory=list)
    organizations: list[Organization] = field(default_factory=list)
    contact_phones: list[str] = field(default_factory=list)  # one per organization
    components: list[Component] = field(default_factory=list)


@dataclass
class GridContext:
    """One grid being filled: its units, its random generator and where its records go."""

    grid: OrgUnit
    community: OrgUnit
    street: OrgUnit
    rng: random.Random
    today: date
    ids: Identifiers
    showcase: bool  # a demo account's grid: every kind of record, two high-rises
    records: GridRecords = field(default_factory=GridRecords)
    roads: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.polygon = shape(self.grid.geometry)
        shapely.prepare(self.polygon)
        self.roads = self.rng.sample(ROADS, 3)
        self._door_numbers: dict[str, int] = {}

    @property
    def urban(self) -> bool:
        return self.community.kind == Kind.COMMUNITY

    def random_point(self) -> tuple[float, float]:
        """A point strictly inside the grid."""
        min_lon, min_lat, max_lon, max_lat = self.polygon.bounds
        while True:
            # Rounded to about 0.1 m before the test, so the stored point is the one tested.
            lon = round(self.rng.uniform(min_lon, max_lon), 6)
            lat = round(self.rng.uniform(min_lat, max_lat), 6)
            if shapely.contains_xy(self.polygon, lon, lat):
                return lon, lat

    def offset(self, lon: float, lat: float, east_m: float, north_m: float) -> tuple[float, float]:
        """The point `east_m`/`north_m` metres away if it is inside the grid, else a random one."""
        new_lat = round(lat + north_m / METRES_PER_DEGREE, 6)
        new_lon = round(lon + east_m / (METRES_PER_DEGREE * math.cos(math.radians(lat))), 6)
        if shapely.contains_xy(self.polygon, new_lon, new_lat):
            return new_lon, new_lat
        return self.random_point()

    def door_number(self, road: str) -> int:
        """The next house number on `road` in this grid (odd numbers, like one side of a street)."""
        number = self._door_numbers.get(road, self.rng.randrange(1, 200) * 2 - 1) + 2 * self.rng.randint(1, 4)
        self._door_numbers[road] = number
        return number

    def place(self, record) -> None:
        record.grid, record.org_path = self.grid, self.grid.path


def _area(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(f"{rng.uniform(low, high):.2f}")


def _dwelling_use(ctx: GridContext) -> str:
    draw = ctx.rng.random()
    vacant, rented = (0.06, 0.21) if ctx.urban else (0.10, 0.10)
    if draw < vacant:
        return HouseUse.VACANT
    if draw < vacant + rented:
        return HouseUse.RENTED
    return HouseUse.SELF_OCCUPIED


def _building(ctx: GridContext, point: tuple[float, float], **fields) -> Building:
    building = Building(lon=point[0], lat=point[1], **fields)
    ctx.place(building)
    ctx.records.buildings.append(building)
    return building


def _houses(ctx: GridContext, building: Building, per_floor: int, commercial_floors: int) -> None:
    """Every house of `building`: floor by floor, unit by unit; the lowest floors may be shops."""
    for unit in range(1, building.units + 1):
        for floor in range(1, building.floors + 1):
            for position in range(1, per_floor + 1):
                shop = floor <= commercial_floors
                house = House(
                    building=building,
                    unit=unit,
                    floor=floor,
                    number=f"{floor}{position:02d}",
                    area_m2=_area(ctx.rng, 30, 180) if shop else _area(ctx.rng, 45, 140),
                    use=HouseUse.COMMERCIAL if shop else _dwelling_use(ctx),
                )
                ctx.place(house)
                ctx.records.houses.append(house)


def _compound(ctx: GridContext, buildings: int, *, high_rises: int = 0) -> None:
    """A residential compound: blocks in rows around a centre, numbered 1, 2, 3 …"""
    rng = ctx.rng
    name = rng.choice(COMPOUND_WORDS) + rng.choice(COMPOUND_KINDS)
    road = rng.choice(ctx.roads)
    gate = f"{road}{ctx.door_number(road)}号{name}"
    centre = ctx.random_point()
    angle = rng.uniform(0, math.pi / 6)
    for number in range(1, buildings + 1):
        row, column = divmod(number - 1, 3)
        east, north = 70.0 * column, -55.0 * row
        point = ctx.offset(
            *centre,
            east * math.cos(angle) - north * math.sin(angle),
            east * math.sin(angle) + north * math.cos(angle),
        )
        high = number <= high_rises
        # Ground-floor shops facing the road (always in the first low block of a showcase grid).
        shops = not high and (rng.random() < 0.35 or (ctx.showcase and number == high_rises + 1))
        building = _building(
            ctx,
            point,
            name=f"{name}{number}号楼",
            address=f"{gate}{number}号楼",
            kind=BuildingKind.MIXED if shops else BuildingKind.RESIDENTIAL,
            floors=rng.randint(16, 18) if high else rng.randint(6, 18),
            units=rng.randint(2, 3) if high else rng.randint(2, 4),
        )
        _houses(ctx, building, rng.randint(2, 3) if high else rng.randint(2, 4), 1 if shops else 0)


def _office_block(ctx: GridContext) -> None:
    road = ctx.rng.choice(ctx.roads)
    address = f"{road}{ctx.door_number(road)}号"
    building = _building(
        ctx,
        ctx.random_point(),
        name=address + ctx.rng.choice(["商务楼", "综合楼", "商厦", "写字楼"]),
        address=address,
        kind=BuildingKind.COMMERCIAL,
        floors=ctx.rng.randint(2, 6),
        units=ctx.rng.randint(1, 2),
    )
    _houses(ctx, building, ctx.rng.randint(2, 4), building.floors)


def _courtyards(ctx: GridContext, count: int, *, village: str) -> None:
    """Single-storey courtyards (院落) along the village lanes, in groups (组)."""
    lane_start = ctx.random_point()
    for number in range(1, count + 1):
        group = 1 + (number - 1) // 25
        if number % 25 == 1:
            lane_start = ctx.random_point()
        point = ctx.offset(*lane_start, 35.0 * ((number - 1) % 25), 0.0)
        name = f"{village}{group}组{number}号"
        building = _building(
            ctx,
            point,
            name=name,
            address=f"{ctx.street.name_zh}{name}",
            kind=BuildingKind.BUNGALOW,
            floors=1,
            units=1,
        )
        house = House(
            building=building,
            unit=1,
            floor=1,
            number="1",
            area_m2=_area(ctx.rng, 60, 130),
            use=_dwelling_use(ctx),
        )
        ctx.place(house)
        ctx.records.houses.append(house)


def build_places(ctx: GridContext) -> None:
    """The grid's buildings and houses. A showcase grid is full size, about 300 households (a
    compound with two high-rises, an office block; or 70–90 courtyards); the others are about
    half a real grid (one or two compounds; 35–60 courtyards) so that the demo loads quickly."""
    rng = ctx.rng
    if not ctx.urban:
        count = rng.randint(70, 90) if ctx.showcase else rng.randint(35, 60)
        _courtyards(ctx, count, village=ctx.community.name_zh)
        return
    if ctx.showcase:
        _compound(ctx, 3, high_rises=2)
        _office_block(ctx)
    else:
        _compound(ctx, rng.randint(1, 2))
        if rng.random() < 0.3:
            _compound(ctx, 1)
        if rng.random() < 0.4:
            _office_block(ctx)
    if rng.random() < 0.25:
        _courtyards(ctx, rng.randint(4, 12), village=ctx.community.name_zh + rng.choice(["平房区", "老街"]))
