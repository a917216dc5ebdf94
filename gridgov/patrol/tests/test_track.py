"""Patrols: start/end, GPS track points and distance, refusal of absurd points."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.patrol import patrols
from gridgov.patrol.errors import PatrolDenied, PatrolError
from gridgov.patrol.models import Patrol, TrackPoint
from gridgov.patrol.testing import GRID_A, GRID_B, build_patrol_world

pytestmark = pytest.mark.django_db


def _points(start, coords, step_s=60):
    return [
        {"lon": lon, "lat": lat, "at": (start + timedelta(seconds=step_s * i)).isoformat(), "accuracy": 8}
        for i, (lon, lat) in enumerate(coords)
    ]


def _started(reg, minutes_ago=30):
    worker = reg.users[Role.GRID_WORKER]
    started = timezone.now() - timedelta(minutes=minutes_ago)
    return worker, patrols.start_patrol(worker, reg.units[GRID_A], at=started), started


def test_points_are_saved_in_order_and_the_distance_is_the_track_length():
    reg = build_patrol_world()
    worker, patrol, started = _started(reg)
    # Three fixes 0.001° of latitude apart (≈111 m each), sent out of order.
    batch = _points(started, [(122.05, 43.600), (122.05, 43.601), (122.05, 43.602)])
    assert patrols.add_track_points(patrol, worker, list(reversed(batch))) == 3
    patrol.refresh_from_db()
    assert patrol.distance_m == pytest.approx(222.4, abs=0.5)
    assert list(patrol.points.values_list("lat", flat=True)) == [43.600, 43.601, 43.602]
    # The same batch again adds nothing; a later batch extends the track.
    assert patrols.add_track_points(patrol, worker, batch) == 0
    more = _points(started + timedelta(minutes=3), [(122.05, 43.603)])
    assert patrols.add_track_points(patrol, worker, more) == 1
    ended = patrols.end_patrol(patrol, worker)
    assert ended.ended_at is not None
    assert ended.distance_m == pytest.approx(333.6, abs=0.5)
    assert AuditEntry.objects.filter(action="patrol.track", target_id=str(patrol.pk)).count() == 2
    assert AuditEntry.objects.filter(action="patrol.end", target_id=str(patrol.pk)).exists()


def test_a_point_implying_an_absurd_speed_is_refused_with_its_field_and_nothing_is_stored():
    reg = build_patrol_world()
    worker, patrol, started = _started(reg)
    # 0.1° of latitude (≈11 km) in one minute is 667 km/h.
    batch = _points(started, [(122.05, 43.60), (122.05, 43.601), (122.05, 43.70)])
    with pytest.raises(PatrolError) as caught:
        patrols.add_track_points(patrol, worker, batch)
    assert caught.value.field == "points.2"
    assert caught.value.code == "speed"
    assert not TrackPoint.objects.exists()


def test_a_point_far_outside_the_district_is_refused():
    reg = build_patrol_world()
    worker, patrol, started = _started(reg)
    with pytest.raises(PatrolError) as caught:
        patrols.add_track_points(patrol, worker, _points(started, [(116.4, 39.9)]))  # Beijing
    assert caught.value.field == "points.0"
    with pytest.raises(PatrolError) as caught:
        patrols.add_track_points(patrol, worker, [{"lon": "east", "lat": 43.6, "at": started.isoformat()}])
    assert caught.value.field == "points.0.lon"
    with pytest.raises(PatrolError) as caught:
        patrols.add_track_points(patrol, worker, _points(started - timedelta(hours=2), [(122.05, 43.6)]))
    assert caught.value.field == "points.0.at"
    assert not TrackPoint.objects.exists()


def test_only_the_patrols_worker_adds_points_and_only_in_their_grids():
    reg = build_patrol_world()
    worker, patrol, started = _started(reg)
    with pytest.raises(PatrolDenied):
        patrols.add_track_points(patrol, reg.users["worker_b"], _points(started, [(122.05, 43.6)]))
    with pytest.raises(PatrolDenied):
        patrols.start_patrol(reg.users["worker_b"], reg.units[GRID_A])
    with pytest.raises(PatrolError) as caught:
        patrols.start_patrol(worker, reg.units["150502001001"])  # a community, not a grid
    assert caught.value.field == "grid"
    assert not TrackPoint.objects.exists()


def test_a_new_patrol_ends_the_one_left_open_and_a_client_key_is_idempotent():
    reg = build_patrol_world()
    worker, first, started = _started(reg, minutes_ago=120)
    patrols.add_track_points(first, worker, _points(started, [(122.05, 43.6), (122.05, 43.601)]))
    second = patrols.start_patrol(worker, reg.units[GRID_A], client_key="dev-1")
    again = patrols.start_patrol(worker, reg.units[GRID_A], client_key="dev-1")
    first.refresh_from_db()
    assert again.pk == second.pk
    assert first.ended_at == started + timedelta(seconds=60)  # its last point
    assert Patrol.objects.filter(worker=worker, ended_at__isnull=True).count() == 1
    with pytest.raises(PatrolError):
        patrols.end_patrol(first, worker)


def test_check_in_at_a_place_or_a_free_point_with_a_note():
    reg = build_patrol_world()
    worker, patrol, _started_at = _started(reg)
    at_building = patrols.check_in(patrol, worker, building=reg.buildings["a"])
    assert (at_building.lon, at_building.lat) == (122.05, 43.6)
    assert at_building.org_path == reg.buildings["a"].org_path
    with pytest.raises(PatrolError) as caught:
        patrols.check_in(patrol, worker, lon=122.06, lat=43.61)
    assert caught.value.field == "note"
    free = patrols.check_in(patrol, worker, lon=122.06, lat=43.61, note="小区东门")
    assert free.note == "小区东门"
    # Building b lies in grid B, outside this worker's grids.
    with pytest.raises(PatrolDenied):
        patrols.check_in(patrol, worker, building=reg.buildings["b"])
    assert GRID_B not in at_building.org_path
