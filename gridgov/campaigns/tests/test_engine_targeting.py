"""Targeting from area, tags, age and residence type equals a direct reading of the registry.

A small random registry (households active or not, members living here or moved out, ages
around the campaign's start day including 29 February, residence types, tags) is generated
once; Hypothesis then draws scopes and filter combinations and compares the engine's targets
with a plain Python reading of every row.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridgov.access.roles import Role
from gridgov.campaigns import targeting
from gridgov.campaigns.errors import CampaignError
from gridgov.campaigns.launch import create_campaign
from gridgov.campaigns.models import Campaign, CampaignKind, ListEntry, TargetMode
from gridgov.campaigns.targeting import age_on, years_before
from gridgov.geo.models import path_for_code
from gridgov.patrol.testing import build_patrol_world
from gridgov.people.models import Household, Person, PersonStatus, PersonTag, ResidenceType, Sensitivity, Tag

pytestmark = pytest.mark.django_db

GRIDS = ["150502001001001", "150502001001002", "150502002001001", "150521001001001"]
SCOPES = ["150502", "150502001", "150502001001", "150502001001001", "150502001001002", "150502002001"]
START_DAYS = [date(2025, 2, 28), date(2024, 2, 29), date(2026, 3, 1), date(2026, 11, 25)]


def make_registry(reg, rng: random.Random) -> None:
    """~60 households over four grids with 0-4 members each."""
    tags = list(Tag.objects.filter(sensitivity__lt=Sensitivity.RESTRICTED, is_active=True)[:4])
    births = [date(1950, 2, 28), date(1952, 2, 29), date(1960, 3, 1), date(1988, 11, 25), date(2008, 2, 29)]
    for n in range(60):
        grid = reg.units[rng.choice(GRIDS)]
        household = Household.objects.create(
            number=f"T-{n}", grid=grid, org_path=grid.path, is_active=rng.random() > 0.15
        )
        for m in range(rng.randint(0, 4)):
            base = rng.choice(births)
            birth = None if rng.random() < 0.1 else base + timedelta(days=rng.choice([-1, 0, 1, 400, -4000]))
            person = Person.objects.create(
                name=f"P{n}-{m}",
                grid=grid,
                org_path=grid.path,
                household=household,
                birth_date=birth,
                residence_type=rng.choice(ResidenceType.values),
                status=PersonStatus.ACTIVE if rng.random() > 0.2 else rng.choice(PersonStatus.values),
            )
            for tag in rng.sample(tags, rng.randint(0, 2)):
                PersonTag.objects.create(
                    person=person, tag=tag, sensitivity=tag.sensitivity, org_path=grid.path
                )


def inside(path: str, scopes: list[str]) -> bool:
    """Whether `path` lies in one of the units coded `scopes`."""
    paths = [path_for_code(code) for code in scopes]
    return any(path == top or path.startswith(top + ".") for top in paths)


def direct(scopes: list[str], tags, min_age, max_age, residence, day: date) -> dict[int, list[int]]:
    """The expected targets, read row by row without the engine."""
    tagged: dict[int, set[int]] = {}
    for person_id, tag_id in PersonTag.objects.values_list("person_id", "tag_id"):
        tagged.setdefault(person_id, set()).add(tag_id)
    households = {h.pk: h for h in Household.objects.all()}
    expected: dict[int, list[int]] = {}
    for person in Person.objects.order_by("pk"):
        household = households.get(person.household_id)
        if household is None or not household.is_active or person.status != PersonStatus.ACTIVE:
            continue
        if not (inside(household.org_path, scopes) and inside(person.org_path, scopes)):
            continue
        if tags and not tagged.get(person.pk, set()) & set(tags):
            continue
        if min_age is not None or max_age is not None:
            if person.birth_date is None:
                continue
            age = age_on(person.birth_date, day)
            if (min_age is not None and age < min_age) or (max_age is not None and age > max_age):
                continue
        if residence and person.residence_type not in residence:
            continue
        expected.setdefault(household.pk, []).append(person.pk)
    return expected


def campaign_for(reg, scopes, **fields) -> Campaign:
    day = fields.pop("day", date(2026, 11, 25))
    starts = timezone.make_aware(datetime.combine(day, time(9, 0)))
    campaign = Campaign.objects.create(
        name="t",
        kind=CampaignKind.EPIDEMIC,
        org_path=path_for_code(scopes[0]),
        starts_at=starts,
        ends_at=starts + timedelta(days=7),
        created_by=reg.users[Role.DISTRICT_ADMIN],
        **fields,
    )
    campaign.units.set([reg.units[code] for code in scopes])
    return campaign


@pytest.fixture
def registry():
    reg = build_patrol_world()
    make_registry(reg, random.Random(7))
    return reg


def test_filter_targets_equal_a_direct_registry_reading(registry):
    tag_ids = list(
        Tag.objects.filter(sensitivity__lt=Sensitivity.RESTRICTED, is_active=True).values_list(
            "pk", flat=True
        )[:4]
    )
    sizes: list[int] = []
    ages = st.one_of(st.none(), st.sampled_from([0, 17, 18, 36, 37, 38, 60, 72, 73, 74, 75, 76]))

    @settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(
        scopes=st.lists(st.sampled_from(SCOPES), min_size=1, max_size=2, unique=True),
        tags=st.lists(st.sampled_from(tag_ids), max_size=2, unique=True),
        min_age=ages,
        max_age=ages,
        residence=st.lists(st.sampled_from(ResidenceType.values), max_size=2, unique=True),
        day=st.sampled_from(START_DAYS),
    )
    def check(scopes, tags, min_age, max_age, residence, day):
        with transaction.atomic():
            campaign = campaign_for(
                registry,
                scopes,
                day=day,
                target_mode=TargetMode.FILTER,
                target_tags=tags,
                target_min_age=min_age,
                target_max_age=max_age,
                target_residence_types=residence,
            )
            expected = direct(scopes, tags, min_age, max_age, residence, day)
            if min_age is not None and max_age is not None and min_age > max_age:
                with pytest.raises(CampaignError):
                    list(targeting.targets(campaign))
            else:
                got = {row.household_id: row.person_ids for row in targeting.targets(campaign)}
                assert got == expected
                sizes.append(len(expected))
            transaction.set_rollback(True)

    check()
    assert max(sizes) >= 5 and 0 in sizes  # the draws reached both wide and empty targets


def test_all_targets_every_active_household_of_the_scope(registry):
    for scopes in (["150502001001"], ["150502001001001", "150502002001"], ["150521"]):
        campaign = campaign_for(registry, scopes)
        expected = {
            pk
            for pk, path, active in Household.objects.values_list("pk", "org_path", "is_active")
            if active and inside(path, scopes)
        }
        rows = list(targeting.targets(campaign))
        assert {row.household_id for row in rows} == expected
        assert len(rows) == len(expected) and all(row.person_ids == [] for row in rows)
        assert [(r.org_path, r.household_id) for r in rows] == sorted(
            (r.org_path, r.household_id) for r in rows
        )


def test_list_targets_keep_active_households_in_scope(registry):
    campaign = campaign_for(registry, ["150502001001"], target_mode=TargetMode.LIST)
    households = list(Household.objects.all())
    for household in households:
        ListEntry.objects.create(campaign=campaign, household=household)
    expected = {h.pk for h in households if h.is_active and inside(h.org_path, ["150502001001"])}
    assert targeting.household_ids(campaign) == expected
    assert len(expected) < len(households)


def test_targeting_runs_a_fixed_number_of_queries(registry, django_assert_num_queries):
    tag = Tag.objects.filter(sensitivity__lt=Sensitivity.RESTRICTED).first()
    campaign = campaign_for(
        registry, ["150502"], target_mode=TargetMode.FILTER, target_tags=[tag.pk], target_min_age=18
    )
    # the scope units, the tags' check, the persons (one query however many households)
    with django_assert_num_queries(3):
        rows = list(targeting.targets(campaign))
    assert rows


def test_highly_sensitive_tags_are_refused_for_filters(registry):
    restricted = Tag.objects.filter(sensitivity=Sensitivity.RESTRICTED).first()
    assert restricted is not None
    with pytest.raises(CampaignError) as raised:
        create_campaign(
            registry.users[Role.DISTRICT_ADMIN],
            name="x",
            kind=CampaignKind.EPIDEMIC,
            starts_at=timezone.now(),
            ends_at=timezone.now() + timedelta(days=1),
            units=[registry.units["150502001"]],
            target_mode=TargetMode.FILTER,
            target_tags=[restricted.pk],
        )
    assert raised.value.field == "target_tags"
    campaign = campaign_for(registry, ["150502"], target_mode=TargetMode.FILTER, target_tags=[restricted.pk])
    with pytest.raises(CampaignError) as raised:
        list(targeting.targets(campaign))
    assert raised.value.field == "target_tags"


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (date(2000, 2, 29), date(2001, 2, 28), 0),
        (date(2000, 2, 29), date(2001, 3, 1), 1),
        (date(2000, 2, 29), date(2004, 2, 29), 4),
        (date(1990, 11, 25), date(2026, 11, 24), 35),
        (date(1990, 11, 25), date(2026, 11, 25), 36),
    ],
)
def test_age_and_years_before_agree(birth, day, age):
    assert age_on(birth, day) == age
    assert (birth <= years_before(day, age)) and not (birth <= years_before(day, age + 1))
