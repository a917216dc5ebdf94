import pytest
from django.contrib.auth import get_user_model

from gridgov.audit.models import AuditEntry
from gridgov.geo import followers
from gridgov.geo.index import grid_at
from gridgov.geo.models import GeometryVersion, OrgUnit
from gridgov.geo.services import UnitChangeError, merge_grids, split_grid
from gridgov.geo.tests.builders import LAT0, LON0, grid_block, unit

pytestmark = pytest.mark.django_db


class RecordingFollower:
    def __init__(self):
        self.calls = []

    def on_split(self, source, parts):
        self.calls.append(("split", source.code, [p.code for p in parts]))

    def on_merge(self, absorbed, into):
        self.calls.append(("merge", absorbed.code, into.code))


@pytest.fixture
def follower():
    recording = followers.register(RecordingFollower())
    yield recording
    followers.unregister(recording)


@pytest.fixture
def admin_user():
    return get_user_model().objects.create_user("geoadmin", password="x" * 12)


def line(*points):
    return {"type": "LineString", "coordinates": [list(p) for p in points]}


def state():
    return list(OrgUnit.objects.order_by("code").values()), GeometryVersion.objects.first()


def test_split_keeps_code_and_larger_part(follower, admin_user):
    grid_block(columns=2, rows=1)
    grid = OrgUnit.objects.get(code="150502001001001")
    before = grid.area_m2
    cut = line((LON0 + 0.003, LAT0 - 0.001), (LON0 + 0.003, LAT0 + 0.011))
    kept, new = split_grid(grid, cut, actor=admin_user)
    assert kept.code == "150502001001001" and new.code == "150502001001003"
    assert kept.area_m2 > new.area_m2
    assert kept.area_m2 + new.area_m2 == pytest.approx(before, rel=1e-9)
    assert (
        new.name_zh == f"{grid.name_zh} 2" and new.path == "150502.001.001.003" and new.parent == grid.parent
    )
    assert follower.calls == [("split", kept.code, [kept.code, new.code])]
    assert AuditEntry.objects.filter(action="geo.split", target_id=str(kept.pk), actor=admin_user).exists()
    assert grid_at(LON0 + 0.001, LAT0 + 0.005) == new
    assert grid_at(LON0 + 0.006, LAT0 + 0.005) == kept


@pytest.mark.parametrize(
    "cut",
    [
        line((LON0 + 0.003, LAT0 + 0.002), (LON0 + 0.003, LAT0 + 0.004)),  # inside, cuts nothing
        line((LON0 + 0.5, LAT0), (LON0 + 0.6, LAT0)),  # far away
        line(
            (LON0 + 0.003, LAT0 - 0.001),
            (LON0 + 0.003, LAT0 + 0.011),
            (LON0 + 0.006, LAT0 + 0.011),
            (LON0 + 0.006, LAT0 - 0.001),
        ),  # three parts
        {"type": "Point", "coordinates": [LON0, LAT0]},
        line((LON0, LAT0)),
    ],
    ids=["inside", "far", "three-parts", "not-a-line", "one-position"],
)
def test_bad_cut_is_rejected_and_nothing_changes(cut, follower, admin_user):
    grid_block(columns=2, rows=1)
    before = state()
    with pytest.raises(UnitChangeError) as caught:
        split_grid(OrgUnit.objects.get(code="150502001001001"), cut, actor=admin_user)
    assert caught.value.field == "line" and str(caught.value.reason)
    assert state() == before and follower.calls == []
    assert not AuditEntry.objects.filter(action="geo.split").exists()


def test_merge_unions_and_deactivates(follower, admin_user):
    grid_block(columns=2, rows=1)
    keep, absorb = OrgUnit.objects.get(code="150502001001001"), OrgUnit.objects.get(code="150502001001002")
    total = keep.area_m2 + absorb.area_m2
    merged = merge_grids(keep, absorb, actor=admin_user)
    absorb.refresh_from_db()
    assert merged.area_m2 == pytest.approx(total, rel=1e-9)
    assert merged.geometry["type"] == "Polygon"
    assert not absorb.is_active and absorb.merged_into == merged
    assert follower.calls == [("merge", absorb.code, keep.code)]
    assert AuditEntry.objects.filter(action="geo.merge", target_id=str(keep.pk)).exists()
    assert grid_at(LON0 + 0.015, LAT0 + 0.005) == merged


def test_merge_rules(admin_user, follower):
    grid_block(columns=3, rows=1)
    first, third = OrgUnit.objects.get(code="150502001001001"), OrgUnit.objects.get(code="150502001001003")
    other_community = unit("150502001002", first.parent.geometry)
    foreign = unit("150502001002001", OrgUnit.objects.get(code="150502001001002").geometry)
    before = state()
    for keep, absorb, field in (
        (first, third, "absorb"),
        (first, first, "absorb"),
        (first, foreign, "absorb"),
    ):
        with pytest.raises(UnitChangeError) as caught:
            merge_grids(keep, absorb, actor=admin_user)
        assert caught.value.field == field
    assert state() == before and follower.calls == []
    assert other_community.pk


def test_follower_error_rolls_back_the_split(admin_user):
    class Failing(RecordingFollower):
        def on_split(self, source, parts):
            raise RuntimeError("cannot follow")

    failing = followers.register(Failing())
    try:
        grid_block(columns=2, rows=1)
        before = state()
        with pytest.raises(RuntimeError):
            split_grid(
                OrgUnit.objects.get(code="150502001001001"),
                line((LON0 + 0.003, LAT0 - 0.001), (LON0 + 0.003, LAT0 + 0.011)),
                actor=admin_user,
            )
        assert state() == before
    finally:
        followers.unregister(failing)
