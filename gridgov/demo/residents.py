"""Demo households and their members: families of one to five (2.35 on average, as in Inner
Mongolia), Han and Mongolian names, valid ID numbers, phones, residence types, a few who moved
out or died, and the special-group tags a grid worker would have recorded."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from gridgov.demo.identifiers import HOME_REGION, INNER_MONGOLIA, OTHER_PROVINCES, PLACE_OF
from gridgov.demo.person_names import family_name, person_name
from gridgov.demo.places import GridContext
from gridgov.people import bulk
from gridgov.people.identity_numbers import check_id_number
from gridgov.people.models import (
    House,
    Household,
    HouseUse,
    Person,
    PersonStatus,
    Relation,
    ResidenceType,
    Tenancy,
)
from gridgov.people.phones import check_mobile

# Household sizes 1–5 with weights giving a mean of about 2.35.
SIZES = (1, 2, 3, 4, 5)
SIZE_WEIGHTS = (27, 35, 21, 11, 6)
# Ethnic mix of households by where they live: (ethnicity, weight).
MIX = {
    "community": [("01", 70), ("02", 25), ("03", 2), ("11", 2), ("10", 1)],
    "village": [("01", 67), ("02", 30), ("03", 1), ("11", 2)],
    "gacha": [("02", 78), ("01", 20), ("11", 1), ("03", 1)],
    "floating": [("01", 84), ("02", 12), ("11", 2), ("10", 1), ("03", 1)],
}
HOMETOWN_LANES = ["人民路", "解放街", "新华路", "胜利街", "建设路", "幸福村", "红旗村", "前进村", "东风街"]
MOVED_OUT_REASONS = [
    "迁往呼和浩特市工作",
    "考入大学，户口迁出",
    "结婚迁往外地",
    "随子女迁往沈阳市",
    "购房迁往本区其他社区",
]
DECEASED_REASONS = ["病故", "因病去世", "年老病故"]
# (tag code, chance) for anyone; the age-bound and household-bound tags are drawn below.
RESTRICTED = [
    ("community_correction", 0.0005),
    ("released_prisoner", 0.001),
    ("severe_mental_illness", 0.0015),
    ("drug_rehabilitation", 0.0003),
]
RESTRICTED_CODES = [code for code, _chance in RESTRICTED]


@dataclass
class Member:
    relation: str
    sex: str
    age: int
    leaves: str = ""  # PersonStatus a past member ended with (moved out, deceased)


def _other(sex: str) -> str:
    return "female" if sex == "male" else "male"


def _children(rng: random.Random, youngest_parent: int, count: int) -> list[Member]:
    """Children of a parent aged `youngest_parent`, born when the parent was 21–36."""
    ages: list[int] = []
    for _ in range(count):
        oldest = youngest_parent - 21 if not ages else ages[-1] - 2
        if oldest < 0:
            break
        ages.append(max(0, min(oldest, youngest_parent - rng.randint(21, 36))))
    return [Member(Relation.CHILD, rng.choice(["male", "female"]), age) for age in ages]


def _family(rng: random.Random, size: int, rural: bool) -> tuple[str, list[Member]]:
    """(kind of household, members) with the head first; ages in years."""
    head_sex = "male" if rng.random() < 0.75 else "female"
    if size == 1:
        if rng.random() < 0.36:
            return "elderly_alone", [
                Member(Relation.HEAD, rng.choice(["female", "female", "male"]), rng.randint(62, 92))
            ]
        return "single", [Member(Relation.HEAD, rng.choice(["male", "female"]), rng.randint(19, 59))]
    if rural and size in (3, 4) and rng.random() < 0.18:
        # Parents work away; grandparents raise the children (left-behind children).
        grandparent = rng.randint(56, 74)
        members = [
            Member(Relation.HEAD, "male", grandparent),
            Member(Relation.SPOUSE, "female", grandparent - rng.randint(0, 4)),
        ]
        members += [
            Member(Relation.GRANDCHILD, rng.choice(["male", "female"]), rng.randint(3, 15))
            for _ in range(size - 2)
        ]
        return "left_behind", members
    head_age = rng.randint(24, 58)
    if size == 2:
        draw = rng.random()
        if draw < 0.42:
            head_age = rng.randint(60, 86)
            spouse_age = max(58, head_age - rng.randint(0, 5))
            return "empty_nest", [
                Member(Relation.HEAD, head_sex, head_age),
                Member(Relation.SPOUSE, _other(head_sex), spouse_age),
            ]
        if draw < 0.85:
            return "couple", [
                Member(Relation.HEAD, head_sex, head_age),
                Member(Relation.SPOUSE, _other(head_sex), max(20, head_age + rng.randint(-5, 3))),
            ]
        head_age = rng.randint(26, 52)
        return "single_parent", [
            Member(Relation.HEAD, "female" if rng.random() < 0.7 else "male", head_age),
            *_children(rng, head_age, 1),
        ]
    head_age = rng.randint(27, 56)
    spouse_age = max(22, head_age + rng.randint(-5, 3))
    members = [
        Member(Relation.HEAD, head_sex, head_age),
        Member(Relation.SPOUSE, _other(head_sex), spouse_age),
    ]
    with_parents = {3: 0.2, 4: 0.35, 5: 0.7}[size] > rng.random()
    parents = (2 if size == 5 and rng.random() < 0.5 else 1) if with_parents else 0
    children = _children(rng, min(head_age, spouse_age), size - 2 - parents)
    members += children
    parent_age = min(95, head_age + rng.randint(24, 34))
    first_sex = rng.choice(["male", "female"])
    for index in range(parents + (size - 2 - parents - len(children))):
        # A parent of the head (or a second one, or in place of a child too young to have).
        sex = first_sex if index % 2 == 0 else _other(first_sex)
        members.append(Member(Relation.PARENT, sex, max(parent_age - index, head_age + 20)))
    return ("three_generations" if parents else "nuclear"), members


def _past_members(rng: random.Random, kind: str, members: list[Member]) -> list[Member]:
    """Members who left the household: a late spouse, a grown child who moved away."""
    head = members[0]
    if kind == "elderly_alone" and rng.random() < 0.35:
        return [
            Member(Relation.SPOUSE, _other(head.sex), head.age + rng.randint(-2, 6), PersonStatus.DECEASED)
        ]
    if kind == "empty_nest" and rng.random() < 0.3:
        return [
            Member(
                Relation.CHILD,
                rng.choice(["male", "female"]),
                head.age - rng.randint(24, 32),
                PersonStatus.MOVED_OUT,
            )
        ]
    if kind == "three_generations" and head.age > 45 and rng.random() < 0.05:
        return [Member(Relation.PARENT, "male", min(99, head.age + 30), PersonStatus.DECEASED)]
    return []


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([value for value, _w in pairs], weights=[w for _v, w in pairs])[0]


class _Household:
    """Builds one household's persons and bookkeeping into the grid's records."""

    since: date  # moved in (a tenancy starts then)

    def __init__(self, ctx: GridContext, house: House, number: int) -> None:
        self.ctx, self.rng, self.house = ctx, ctx.rng, house
        rented = house.use == HouseUse.RENTED
        rural = not ctx.urban
        if rented:
            self.residence = ResidenceType.FLOATING if self.rng.random() < 0.75 else ResidenceType.PERMANENT
        else:
            registered = 0.97 if rural else 0.88
            self.residence = (
                ResidenceType.REGISTERED if self.rng.random() < registered else ResidenceType.PERMANENT
            )
        self.region = self._region()
        self.registered_address = self._registered_address()
        mix = "floating" if self.residence == ResidenceType.FLOATING else ctx.community.kind
        self.ethnicity = _weighted(self.rng, MIX.get(mix, MIX["community"]))
        days_here = self.rng.randint(30, 1000) if rented else self.rng.randint(180, 30 * 365)
        self.since = ctx.today - timedelta(days=days_here)
        self.household = Household(number=f"{ctx.grid.code}-{number:04d}", house=house)
        ctx.place(self.household)
        ctx.records.households.append(self.household)

    def _region(self) -> str:
        if self.residence == ResidenceType.REGISTERED:
            return HOME_REGION if self.rng.random() < 0.88 else self.rng.choice(sorted(INNER_MONGOLIA))
        if self.residence == ResidenceType.PERMANENT:
            return self.rng.choice(
                sorted(INNER_MONGOLIA) if self.rng.random() < 0.7 else sorted(OTHER_PROVINCES)
            )
        return self.rng.choice(
            sorted(OTHER_PROVINCES) if self.rng.random() < 0.65 else sorted(INNER_MONGOLIA)
        )

    def _registered_address(self) -> str:
        if self.residence == ResidenceType.REGISTERED:
            building = self.house.building
            flat = (
                ""
                if building.units == 1 and building.floors == 1
                else f"{self.house.unit}单元{self.house.number}室"
            )
            return f"{PLACE_OF[HOME_REGION]}{building.address}{flat}"
        return f"{PLACE_OF[self.region]}{self.rng.choice(HOMETOWN_LANES)}{self.rng.randint(1, 300)}号"

    def person(self, member: Member, *, name_from: str = "") -> Person:
        rng, today = self.rng, self.ctx.today
        birth = today - timedelta(days=member.age * 365 + rng.randrange(1, 365))
        ethnicity = (
            self.ethnicity
            if member.relation != Relation.SPOUSE or rng.random() < 0.85
            else _weighted(rng, MIX["community"])
        )
        # Children born here are registered here; the others keep their birthplace's code.
        region = (
            HOME_REGION
            if member.relation in (Relation.CHILD, Relation.GRANDCHILD)
            and self.residence != ResidenceType.FLOATING
            else self.region
        )
        surname = family_name(name_from) if name_from else ""
        has_phone = member.leaves != PersonStatus.DECEASED and rng.random() < (
            0.05 if member.age < 16 else 0.35 if member.age > 80 else 0.6 if member.age > 70 else 0.93
        )
        person = Person(
            ethnicity=ethnicity,
            residence_type=self.residence,
            registered_address=self.registered_address,
            household=self.household,
            house=self.house,
            relation=member.relation,
        )
        self.ctx.place(person)
        # The same checks and sealing as services.save_person, without its per-row queries.
        bulk.set_name(person, person_name(rng, ethnicity, member.sex, surname=surname))
        bulk.set_id_number(person, check_id_number(self.ctx.ids.id_number(rng, region, birth, member.sex)))
        if has_phone:
            bulk.set_phone(person, check_mobile(self.ctx.ids.mobile(rng)))
        # Most numbers have since been checked against the certificate by a grid worker.
        person.id_verified = rng.random() < {"registered": 0.85, "permanent": 0.7}.get(self.residence, 0.5)
        records = self.ctx.records
        records.persons.append(person)
        # Registered as living here since the household moved in (or since birth).
        records.moved_in.append(timezone.make_aware(datetime.combine(max(self.since, birth), time(9))))
        if member.leaves:
            reasons = DECEASED_REASONS if member.leaves == PersonStatus.DECEASED else MOVED_OUT_REASONS
            left = today - timedelta(days=rng.randint(30, 2000))
            left = max(left, self.since, birth)
            records.status_changes.append((person, member.leaves, left, rng.choice(reasons)))
        return person


def _tag(ctx: GridContext, person: Person, code: str) -> None:
    ctx.records.tags.append((person, code))


def _tag_members(ctx: GridContext, kind: str, members: list[tuple[Member, Person]], low_income: bool) -> None:
    rng = ctx.rng
    for member, person in members:
        age = member.age
        if kind == "elderly_alone" and age >= 60 and rng.random() < 0.92:
            _tag(ctx, person, "elderly_alone")
        if kind == "empty_nest" and rng.random() < 0.5:
            _tag(ctx, person, "empty_nest")
        if kind == "left_behind" and member.relation == Relation.GRANDCHILD and age < 16:
            _tag(ctx, person, "left_behind_child")
        if 25 <= age <= 85 and rng.random() < (0.03 if member.sex == "male" else 0.003):
            _tag(ctx, person, "veteran")
        if rng.random() < (0.017 if age < 18 else 0.05 if age < 60 else 0.13):
            _tag(ctx, person, "disabled")
        if low_income:
            _tag(ctx, person, "low_income")
        if rng.random() < (0.015 if age >= 40 else 0.003):
            _tag(ctx, person, "serious_illness")
        if 18 <= age <= 65:
            for code, chance in RESTRICTED:
                if rng.random() < chance:
                    _tag(ctx, person, code)


def _tenancy(ctx: GridContext, house: House, head: Person, since: date) -> None:
    rng = ctx.rng
    years = rng.choice([1, 1, 2, 3])
    ends = since + timedelta(days=365 * years)
    while ends < ctx.today:
        ends += timedelta(days=365)
    landlord = person_name(rng, _weighted(rng, MIX["community"]), rng.choice(["male", "female"]))
    tenancy = Tenancy(
        house=house,
        tenant=head,
        tenant_name=head.name,
        landlord_name=landlord,
        starts_on=since,
        ends_on=None if rng.random() < 0.2 else ends,
        note=rng.choice(["", "", "", "押一付三", "年付", "已登记流动人口信息"]),
    )
    ctx.records.tenancies.append(tenancy)


def build_households(ctx: GridContext) -> None:
    """A household in every lived-in dwelling of the grid, with its members, past members,
    tags and (for a rented house) the tenancy."""
    number = 0
    for house in ctx.records.houses:
        if house.use in (HouseUse.VACANT, HouseUse.COMMERCIAL):
            continue
        number += 1
        builder = _Household(ctx, house, number)
        size = ctx.rng.choices(SIZES, weights=SIZE_WEIGHTS)[0]
        if house.use == HouseUse.RENTED and size >= 2 and ctx.rng.random() < 0.12:
            # Workers sharing a rented flat: unrelated adults.
            kind = "shared"
            members = [Member(Relation.HEAD, "male", ctx.rng.randint(19, 45))]
            members += [
                Member(Relation.OTHER, ctx.rng.choice(["male", "female"]), ctx.rng.randint(19, 45))
                for _ in range(size - 1)
            ]
        else:
            kind, members = _family(ctx.rng, size, rural=not ctx.urban)
        head = builder.person(members[0])
        father = head if members[0].sex == "male" else None
        made = [(members[0], head)]
        for member in members[1:]:
            person = builder.person(
                member,
                name_from=(father or head).name
                if member.relation in (Relation.CHILD, Relation.GRANDCHILD)
                else "",
            )
            if member.relation == Relation.SPOUSE and member.sex == "male":
                father = person
            made.append((member, person))
        for member in _past_members(ctx.rng, kind, members):
            builder.person(member, name_from=head.name if member.relation == Relation.CHILD else "")
        _tag_members(ctx, kind, made, low_income=ctx.rng.random() < (0.025 if ctx.urban else 0.045))
        if house.use == HouseUse.RENTED:
            _tenancy(ctx, house, head, builder.since)


def ensure_restricted_tag(ctx: GridContext) -> None:
    """A showcase grid holds at least one highly sensitive tag, so the grid chief sees one and
    the grid worker must not."""
    if any(code in RESTRICTED_CODES for _person, code in ctx.records.tags):
        return
    leaving = {id(person) for person, *_rest in ctx.records.status_changes}
    adults = [
        p for p in ctx.records.persons
        if id(p) not in leaving and p.birth_date and 18 <= (ctx.today - p.birth_date).days // 365 <= 65
    ]  # fmt: skip
    if adults:
        _tag(ctx, ctx.rng.choice(adults), ctx.rng.choice(RESTRICTED_CODES))
