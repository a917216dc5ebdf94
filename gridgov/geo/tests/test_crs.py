import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridgov.geo.crs import BD09, GCJ02, WGS84, from_wgs84, from_wgs84_array, to_wgs84, to_wgs84_array

# Mainland China's rough extent (the band where the offset applies).
china_lon = st.floats(min_value=73.7, max_value=134.7)
china_lat = st.floats(min_value=18.2, max_value=53.5)


def metres(lon0, lat0, lon1, lat1):
    dy = (lat1 - lat0) * 111_320.0
    dx = (lon1 - lon0) * 111_320.0 * math.cos(math.radians(lat0))
    return math.hypot(dx, dy)


def test_published_reference_point():
    # Tiananmen: a widely quoted WGS-84 / GCJ-02 pair for the public formula.
    lon, lat = from_wgs84(116.397428, 39.90923, GCJ02)
    assert metres(lon, lat, 116.403672, 39.910634) < 0.5


def test_offset_is_hundreds_of_metres_in_china():
    lon, lat = from_wgs84(122.26, 43.62, GCJ02)
    assert 100 < metres(122.26, 43.62, lon, lat) < 1000


def test_outside_china_gcj02_is_identity():
    assert from_wgs84(2.35, 48.85, GCJ02) == (2.35, 48.85)
    assert to_wgs84(-74.0, 40.7, GCJ02) == (-74.0, 40.7)


def test_unknown_crs_is_an_error():
    with pytest.raises(ValueError):
        to_wgs84(122.0, 43.0, "epsg3857")


@settings(max_examples=300, deadline=None)
@given(china_lon, china_lat, st.sampled_from([GCJ02, BD09]))
def test_round_trip_within_a_millimetre(lon, lat, crs):
    back_lon, back_lat = to_wgs84(*from_wgs84(lon, lat, crs), crs)
    assert metres(lon, lat, back_lon, back_lat) < 0.001
    # The other direction too: a position read off a Chinese map and written back.
    again = from_wgs84(*to_wgs84(lon, lat, crs), crs)
    assert metres(lon, lat, *again) < 0.001


def test_vectorised_matches_scalar_and_measured_error():
    rng = np.random.default_rng(7)
    lons, lats = rng.uniform(73.7, 134.7, 100_000), rng.uniform(18.2, 53.5, 100_000)
    for crs in (GCJ02, BD09):
        back_lon, back_lat = to_wgs84_array(*from_wgs84_array(lons, lats, crs), crs)
        err = np.hypot((back_lon - lons) * 111_320 * np.cos(np.radians(lats)), (back_lat - lats) * 111_320)
        assert err.max() < 1e-3  # docs/geo.md quotes the measured maximum
        assert to_wgs84(lons[0], lats[0], crs) == pytest.approx(
            tuple(float(a[0]) for a in to_wgs84_array(lons[:1], lats[:1], crs)), abs=1e-12
        )
    assert np.array_equal(from_wgs84_array(lons, lats, WGS84)[0], lons)
