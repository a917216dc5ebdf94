"""The demo registry: loaded once (small scale) for the module, then checked for realistic rates,
valid identifiers, places inside their grids, history, and what each demo role may see."""

from __future__ import annotations

import random
import re
import time
from collections import Counter
from datetime import date, timedelta

import pytest
import shapely
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, F, Q
from django.test import override_settings
from django.utils import timezone
from shapely.geometry import shape

from gridgov.access.scope import has_permission, scoped
from gridgov.audit.models import AuditEntry
from gridgov.demo import person_names
from gridgov.demo.district import build_district
from gridgov.demo.facilities import build_components, build_organizations
from gridgov.demo.identifiers import Identifiers
from gridgov.demo.places import GridContext, build_places
from gridgov.demo.residents import build_households
from gridgov.demo.services import load_demo
from gridgov.geo.index import grid_id_at
from gridgov.geo.models import Kind, Level, OrgUnit
from gridgov.people import pii
from gridgov.people.credit_codes import check_credit_code
from gridgov.people.identity_numbers import check_id_number
from gridgov.people.models import (
    Building,
    BuildingKind,
    Component,
    ComponentState,
    House,
    Household,
    HouseUse,
    Organization,
    Person,
    PersonStatus,
    PersonTag,
    Relation,
    Residence,
    ResidenceType,
    Sensitivity,
    StatusChange,
    Tenancy,
)
from gridgov.people.phones import check_mobile
from gridgov.people.visibility import visible_tags

pytestmark = pytest.mark.django_db
# For the generator alone; the loaded demo is dated by the day it loads (timezone.localdate()).
TODAY = date(2026, 11, 25)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The small demo, loaded once inside a transaction that is rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        # Fast hashing for the demo accounts; the data under test is the registry.
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            started = time.perf_counter()
            result = load_demo(history_days=0)  # the history: test_history.py
            elapsed = time.perf_counter() - started
        print(f"\nsmall demo with its registry loaded in {elapsed:.1f} s: {result.registry}")
        yield result
        transaction.set_rollback(True)


def _active():
    return Person.objects.filter(status=PersonStatus.ACTIVE)


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _grid(code: str) -> OrgUnit:
    return OrgUnit.objects.get(code=code)


def test_counts_are_in_realistic_ranges_and_audited(demo):
    counts = demo.registry
    assert counts["grids"] == OrgUnit.objects.filter(level=Level.GRID).count() == 126
    assert counts["persons"] == Person.objects.count()
    assert 20_000 < counts["active_persons"] == _active().count() < 45_000
    assert counts["households"] == Household.objects.count()
    assert counts["organizations"] == Organization.objects.count() > 500
    assert counts["components"] == Component.objects.count() > 2000
    assert counts["tenancies"] == Tenancy.objects.count()
    assert 0 < counts["moved_out"] < 0.03 * counts["persons"]
    assert 0 < counts["deceased"] < 0.03 * counts["persons"]
    # Every grid has a registry.
    assert Building.objects.values("grid").distinct().count() == 126
    assert Person.objects.values("grid").distinct().count() == 126
    entry = AuditEntry.objects.get(action="demo.load")
    assert entry.details["registry"] == counts


def test_every_id_number_is_valid_unique_and_matches_sex_and_birth(demo):
    rows = list(Person.objects.values_list("id_number_token", "id_number_index", "sex", "birth_date"))
    assert all(token for token, *_rest in rows)
    assert len({index for _token, index, *_rest in rows}) == len(rows)
    regions = Counter()
    for token, index, sex, birth in rows:
        # Tests may open the stored number to check it; the product does so only in people.reveal.
        number = check_id_number(pii.unseal(token, pii.ID_NUMBER))
        assert pii.index_of(number.number, pii.ID_NUMBER) == index
        assert (number.sex, number.birth_date) == (sex, birth)
        regions[number.region] += 1
    assert regions["150502"] > 0.6 * len(rows)
    assert len(regions) > 10  # other banners of Inner Mongolia and other provinces too


def test_masked_forms_and_search_keys_are_filled(demo):
    sample = list(_active().order_by("pk")[::50])
    for person in sample:
        assert re.fullmatch(r"\d{6}\*{10}[\dX]{2}", person.id_number_masked)
        assert person.name_pinyin and person.name_initials
        if person.phone_index:
            assert re.fullmatch(r"1[3-9]\d\*{4}\d{4}", person.phone_masked)
            check_mobile(pii.unseal(person.phone_token, pii.PHONE))


def test_household_sizes_relations_and_ages(demo):
    sizes = Counter(
        Household.objects.annotate(
            active=Count("members", filter=Q(members__status=PersonStatus.ACTIVE))
        ).values_list("active", flat=True)
    )
    assert set(sizes) == {1, 2, 3, 4, 5}
    mean = sum(size * n for size, n in sizes.items()) / sum(sizes.values())
    assert 2.2 < mean < 2.5
    assert Household.objects.filter(head__isnull=True).count() == 0
    assert not Household.objects.exclude(head__household=F("pk")).exists()
    assert set(Person.objects.filter(relation=Relation.HEAD).values_list("household", flat=True)) == set(
        Household.objects.values_list("pk", flat=True)
    )
    # Children are younger than the head's spouse and parents older than the head.
    for household in Household.objects.filter(members__relation=Relation.PARENT).prefetch_related("members")[
        :200
    ]:
        members = list(household.members.all())
        head = next(m for m in members if m.relation == Relation.HEAD)
        for member in members:
            if member.relation == Relation.PARENT:
                assert member.birth_date < head.birth_date
            if member.relation == Relation.CHILD:
                assert member.birth_date > head.birth_date
    today = timezone.localdate()
    adults = _active().filter(
        birth_date__lte=today - timedelta(days=18 * 366), birth_date__gte=today - timedelta(days=70 * 365)
    )
    assert adults.exclude(phone_index="").count() > 0.8 * adults.count()


def test_houses_by_use_tenancies_and_floating_residents(demo):
    dwellings = House.objects.exclude(use=HouseUse.COMMERCIAL)
    uses = Counter(dwellings.values_list("use", flat=True))
    total = sum(uses.values())
    assert 0.15 <= uses[HouseUse.RENTED] / total <= 0.25
    assert 0.05 <= uses[HouseUse.VACANT] / total <= 0.10
    assert House.objects.filter(use=HouseUse.COMMERCIAL).exists()
    # A household in every lived-in dwelling, none in vacant houses and shops.
    lived_in = dwellings.exclude(use=HouseUse.VACANT)
    assert Household.objects.count() == lived_in.count()
    assert not Household.objects.filter(house__use__in=[HouseUse.VACANT, HouseUse.COMMERCIAL]).exists()
    # Every rented house has a current tenancy whose tenant lives there.
    rented = House.objects.filter(use=HouseUse.RENTED)
    assert Tenancy.objects.values("house").distinct().count() == rented.count()
    assert not Tenancy.objects.exclude(tenant__house=F("house")).exists()
    assert not Tenancy.objects.filter(ends_on__lt=timezone.localdate()).exists()
    floating = _active().filter(residence_type=ResidenceType.FLOATING)
    assert floating.count() > 0.05 * _active().count()
    assert floating.filter(house__use=HouseUse.RENTED).count() == floating.count()
    # Rural grids are courtyards: one storey, one unit, one house.
    rural = Building.objects.filter(grid__parent__kind__in=[Kind.VILLAGE, Kind.GACHA])
    assert rural.exists()
    assert not rural.exclude(kind=BuildingKind.BUNGALOW, floors=1, units=1).exists()
    urban_blocks = Building.objects.filter(kind=BuildingKind.RESIDENTIAL)
    assert urban_blocks.filter(floors__gte=6).count() == urban_blocks.count()
    assert not urban_blocks.filter(floors__gt=18).exists()


def test_names_and_ethnic_mix(demo):
    mix = Counter(_active().values_list("ethnicity", flat=True))
    total = sum(mix.values())
    assert mix["01"] / total > 0.5  # Han majority
    assert 0.15 < mix["02"] / total < 0.45  # Mongolian, a large minority
    assert mix["03"] and mix["11"] and mix["10"]  # Hui, Manchu, Korean
    mongolian_given = set(person_names.MONGOLIAN_GIVEN_MALE + person_names.MONGOLIAN_GIVEN_FEMALE)
    names = list(_active().filter(ethnicity="02").values_list("name", flat=True)[:2000])
    assert sum(name in mongolian_given or name[1:] in mongolian_given for name in names) > 0.95 * len(names)
    assert any(name[0] in "包白韩鲍" and name[1:] in mongolian_given for name in names)


def test_tag_rates_and_copies(demo):
    active = _active().count()
    by_code = Counter(PersonTag.objects.values_list("tag__code", flat=True))
    assert 0.04 < by_code["disabled"] / active < 0.08
    assert 0.015 < by_code["low_income"] / active < 0.05
    for code in ("elderly_alone", "empty_nest", "veteran", "serious_illness", "left_behind_child"):
        assert by_code[code] > 0, code
    restricted = PersonTag.objects.filter(sensitivity=Sensitivity.RESTRICTED).count()
    assert 0 < restricted < 0.01 * active
    # Copies of the tag's level and the person's path; only active persons carry tags.
    assert not PersonTag.objects.exclude(sensitivity=F("tag__sensitivity")).exists()
    assert not PersonTag.objects.exclude(org_path=F("person__org_path")).exists()
    assert not PersonTag.objects.exclude(person__status=PersonStatus.ACTIVE).exists()
    alone = PersonTag.objects.filter(tag__code="elderly_alone").select_related("person")
    for tag in alone:
        assert tag.person.birth_date <= timezone.localdate() - timedelta(days=59 * 366)
        assert (
            Person.objects.filter(household=tag.person.household_id, status=PersonStatus.ACTIVE).count() == 1
        )
    left_behind = PersonTag.objects.filter(tag__code="left_behind_child")
    assert not left_behind.filter(person__grid__parent__kind=Kind.COMMUNITY).exists()


def test_every_record_lies_inside_its_grid(demo):
    grids = {grid.pk: grid for grid in OrgUnit.objects.filter(level=Level.GRID)}
    polygons = {pk: shape(grid.geometry) for pk, grid in grids.items()}
    for model in (Building, Organization, Component):
        rows = list(model.objects.values_list("grid_id", "org_path", "lon", "lat"))
        assert rows
        for grid_id, org_path, lon, lat in rows:
            assert org_path == grids[grid_id].path
            assert shapely.contains_xy(polygons[grid_id], lon, lat), (model.__name__, lon, lat)
            assert grid_id_at(lon, lat) == grid_id
    # Houses follow their building, households their house, persons their household.
    assert not House.objects.exclude(grid=F("building__grid")).exists()
    assert not House.objects.exclude(org_path=F("building__org_path")).exists()
    assert not Household.objects.exclude(grid=F("house__grid")).exists()
    assert not Person.objects.exclude(house=F("household__house")).exists()
    assert not Person.objects.exclude(grid=F("house__grid")).exists()
    assert not Person.objects.exclude(org_path=F("house__org_path")).exists()


def test_residence_and_status_history(demo):
    active = _active()
    assert Residence.objects.filter(ended_at__isnull=True).count() == active.count()
    assert (
        not Residence.objects.filter(ended_at__isnull=True)
        .exclude(person__status=PersonStatus.ACTIVE)
        .exists()
    )
    assert not Residence.objects.exclude(org_path=F("person__org_path")).exists()
    # Dated from the household's move-in, never before the person was born.
    assert not Residence.objects.filter(started_at__date__lt=F("person__birth_date")).exists()
    long_ago = timezone.now() - timedelta(days=365)
    assert Residence.objects.filter(started_at__lt=long_ago).count() > 0.5 * active.count()
    gone = Person.objects.exclude(status=PersonStatus.ACTIVE)
    assert gone.count() == StatusChange.objects.count()
    for change in StatusChange.objects.select_related("person"):
        assert change.old_status == PersonStatus.ACTIVE
        assert change.new_status == change.person.status
        assert change.reason and change.effective_on <= timezone.localdate()
        assert change.person.version == 2
    assert not Residence.objects.filter(person__in=gone, ended_at__isnull=True).exists()


def test_organizations_codes_contacts_and_fire_safety(demo):
    organizations = Organization.objects.all()
    kinds = Counter(organizations.values_list("kind", flat=True))
    assert {"shop", "enterprise", "school", "medical", "social", "government"} <= set(kinds)
    names = list(organizations.values_list("name", flat=True))
    assert len(names) == len(set(names))
    codes = [code for code in organizations.values_list("credit_code", flat=True) if code]
    assert len(codes) == len(set(codes))
    for code in codes:
        assert check_credit_code(code) == code
    assert organizations.filter(kind="shop", credit_code__isnull=True).exists()  # individual businesses
    assert organizations.filter(kind="shop", credit_code__startswith="92").exists()
    assert organizations.filter(building__isnull=False, kind="shop").exists()  # ground-floor shops
    with_phone = organizations.exclude(contact_phone_index="")
    assert with_phone.count() > 0.8 * organizations.count()
    assert all(
        re.fullmatch(r"1[3-9]\d\*{4}\d{4}", m)
        for m in with_phone.values_list("contact_phone_masked", flat=True)
    )
    assert not organizations.filter(contact_name="").exists()
    overdue = organizations.filter(fire_inspected_on__lt=timezone.localdate() - timedelta(days=365))
    assert 0.05 * organizations.count() < overdue.count() < 0.3 * organizations.count()
    assert organizations.filter(fire_inspected_on__isnull=True).exists()
    assert organizations.filter(fire_risk="high").exists()
    assert organizations.exclude(fire_notes="").exists()


def test_components_are_coded_per_grid_and_some_are_broken(demo):
    components = list(Component.objects.select_related("grid"))
    for component in components:
        assert re.fullmatch(rf"{component.grid.code}-[A-Z]{{2}}-\d{{4}}", component.code)
    kinds = Counter(c.kind for c in components)
    assert {"manhole", "light", "hydrant", "camera", "bin"} <= set(kinds)
    states = Counter(c.state for c in components)
    assert 0 < states[ComponentState.DAMAGED] < 0.1 * len(components)
    assert 0 < states[ComponentState.MISSING] < 0.05 * len(components)


def test_the_demo_accounts_grids_are_full(demo):
    grid_worker = _user("grid_worker")
    for membership in grid_worker.memberships.select_related("org_unit"):
        grid = membership.org_unit
        high_rises = Building.objects.filter(grid=grid, floors__gte=16)
        assert high_rises.count() >= 2
        for building in high_rises:
            houses = House.objects.filter(building=building)
            per_floor = houses.filter(unit=1, floor=1).count()
            # Every house of every floor of every unit is registered.
            assert houses.count() == building.units * building.floors * per_floor
        assert 200 <= Household.objects.filter(grid=grid).count() <= 500
        kinds = set(Organization.objects.filter(grid=grid).values_list("kind", flat=True))
        assert {"shop", "enterprise", "school", "medical", "social"} <= kinds
        assert Organization.objects.filter(grid=grid, kind="shop", building__kind=BuildingKind.MIXED).exists()
        assert PersonTag.objects.filter(org_path=grid.path, sensitivity=Sensitivity.RESTRICTED).exists()
        assert House.objects.filter(grid=grid, use=HouseUse.RENTED).exists()


def test_each_role_sees_the_registry_as_the_policy_allows(demo):
    everyone = Person.objects.count()
    all_tags = PersonTag.objects.count()
    street = OrgUnit.objects.get(code="150502001")
    community = street.children.order_by("code").first()
    grid, grid2 = community.children.order_by("code")[:2]
    other_grid = _grid("150502002001001")

    def persons(username: str, permission: str = "people.view"):
        return scoped(_user(username), Person.objects.all(), permission)

    def paths(queryset) -> set[str]:
        return set(queryset.values_list("org_path", flat=True).distinct())

    admin = _user("district_admin")
    assert persons("district_admin").count() == everyone
    assert visible_tags(admin).count() == all_tags
    for model in (Building, House, Household, Organization, Component):
        assert scoped(admin, model.objects.all(), "people.view").count() == model.objects.count()

    dispatcher = _user("dispatcher")
    assert persons("dispatcher").count() == everyone
    assert set(visible_tags(dispatcher).values_list("sensitivity", flat=True)) == {Sensitivity.GENERAL}

    leader = _user("leader")
    assert not has_permission(leader, "people.view")
    assert not persons("leader").exists()
    assert persons("leader", "people.view_counts").count() == everyone
    assert not visible_tags(leader).exists()

    street_persons = persons("street_admin")
    assert street_persons.count() == Person.objects.filter(org_path__startswith=street.path + ".").count() > 0
    assert paths(persons("community_admin")) == paths(Person.objects.filter(grid__parent=community))

    chief = _user("grid_chief")
    assert paths(persons("grid_chief")) == {grid.path}
    chief_tags = visible_tags(chief)
    assert chief_tags.filter(sensitivity=Sensitivity.RESTRICTED).exists()
    assert set(chief_tags.values_list("org_path", flat=True)) == {grid.path}
    assert chief_tags.count() == PersonTag.objects.filter(org_path=grid.path).count()

    worker = _user("grid_worker")
    assert paths(persons("grid_worker")) == {grid.path, grid2.path}
    worker_tags = visible_tags(worker)
    assert set(worker_tags.values_list("sensitivity", flat=True)) == {
        Sensitivity.GENERAL,
        Sensitivity.SENSITIVE,
    }
    assert PersonTag.objects.filter(
        org_path__in=[grid.path, grid2.path], sensitivity=Sensitivity.RESTRICTED
    ).exists()
    assert (
        worker_tags.count()
        == PersonTag.objects.filter(
            org_path__in=[grid.path, grid2.path], sensitivity__lt=Sensitivity.RESTRICTED
        ).count()
    )
    for model in (Building, Household, Organization, Component):
        assert paths(scoped(worker, model.objects.all(), "people.view")) == {grid.path, grid2.path}

    outsider = persons("outsider")
    assert paths(outsider) == {other_grid.path}
    assert not outsider.filter(org_path__startswith=street.path + ".").exists()

    for username in ("resident", "dept_handler", "auditor"):
        user = _user(username)
        assert not has_permission(user, "people.view_counts")
        assert not persons(username).exists()
        assert not persons(username, "people.view_counts").exists()
        assert not visible_tags(user).exists()
        assert not scoped(user, Organization.objects.all(), "people.view").exists()


def _grid_context(features: dict[str, dict], code: str, seed: int) -> GridContext:
    def unit(feature_code: str) -> OrgUnit:
        props = features[feature_code]["properties"]
        return OrgUnit(
            code=feature_code,
            path=".".join([feature_code[:6], *re.findall(r"\d{3}", feature_code[6:])]),
            kind=props["kind"],
            level=props["level"],
            name_zh=props["name_zh"],
            geometry=features[feature_code]["geometry"],
        )

    return GridContext(
        grid=unit(code),
        community=unit(code[:12]),
        street=unit(code[:9]),
        rng=random.Random(f"{seed}:registry:{code}"),
        today=TODAY,
        ids=Identifiers(),
        showcase=False,
    )


def test_the_registry_is_the_same_for_the_same_seed():
    features = {f["properties"]["code"]: f for f in build_district("small", 150502)["features"]}
    # An urban grid and a village one.
    codes = ["150502003002001", next(c for c, f in features.items() if len(c) == 15 and c[6] == "1")]

    def generate(seed: int) -> list[tuple]:
        out = []
        for code in codes:
            ctx = _grid_context(features, code, seed)
            build_places(ctx)
            build_households(ctx)
            build_organizations(ctx)
            build_components(ctx)
            records = ctx.records
            out.append(
                (
                    [(b.name, b.lon, b.lat, b.floors, b.units) for b in records.buildings],
                    [(h.unit, h.floor, h.number, h.use, h.area_m2) for h in records.houses],
                    [
                        (p.name, p.id_number_index, p.phone_index, p.relation, p.ethnicity)
                        for p in records.persons
                    ],
                    [(p.name, code) for p, code in records.tags],
                    [(o.name, o.credit_code, o.fire_inspected_on) for o in records.organizations],
                    [(c.code, c.state, c.lon) for c in records.components],
                )
            )
        return out

    first = generate(150502)
    assert first == generate(150502)
    assert first != generate(7)
