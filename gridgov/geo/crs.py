"""WGS-84, GCJ-02 and BD-09 coordinates, converted to WGS-84 and back.

Chinese web maps and phone SDKs report positions in GCJ-02 (the "Mars" datum required for
maps published in China) or in Baidu's BD-09, which adds a further offset to GCJ-02. We store
WGS-84 only, so every position that comes in is converted at the edge.

GCJ-02 here is the publicly documented approximation: an offset computed from a trigonometric
series on the Krasovsky 1940 ellipsoid. The official transform is not published; the public
formula agrees with common map SDKs to well under a metre. Its inverse has no closed form and
is found by fixed-point iteration to 1e-9 degrees. Outside a rectangle around China
(longitude 72.004..137.8347, latitude 0.8293..55.8271) GCJ-02 equals WGS-84, as map providers
treat it. docs/geo.md records the measured round-trip error.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

WGS84 = "wgs84"
GCJ02 = "gcj02"
BD09 = "bd09"
CRS_NAMES = (WGS84, GCJ02, BD09)

# Krasovsky 1940 ellipsoid: semi-major axis (m) and first eccentricity squared.
_KRASOVSKY_A = 6378245.0
_KRASOVSKY_EE = 0.00669342162296594323
# Baidu's rotation/scale constant for BD-09 (3000 * pi / 180).
_BD_K = math.pi * 3000.0 / 180.0
_CHINA = (72.004, 0.8293, 137.8347, 55.8271)  # min lon, min lat, max lon, max lat
_TOLERANCE_DEG = 1e-9
_MAX_ITERATIONS = 40


def _in_china(lon: NDArray, lat: NDArray) -> NDArray:
    return (lon >= _CHINA[0]) & (lon <= _CHINA[2]) & (lat >= _CHINA[1]) & (lat <= _CHINA[3])


def _series(x: NDArray, y: NDArray, scale1: float, scale2: float, period: float, per2: float) -> NDArray:
    """The periodic part shared by both offset series (coefficients in the published form)."""
    pi = math.pi
    ripple = (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    wave = (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
    long_wave = (scale1 * np.sin(y / period * pi) + scale2 * np.sin(y / per2 * pi)) * 2.0 / 3.0
    return ripple + wave + long_wave


def _gcj_offset(lon: NDArray, lat: NDArray) -> tuple[NDArray, NDArray]:
    """GCJ-02 minus WGS-84 in degrees at a WGS-84 position (zero outside China)."""
    x = lon - 105.0
    y = lat - 35.0
    root = np.sqrt(np.abs(x))
    d_lat = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * root
        + _series(x, y, 160.0, 320.0, 12.0, 30.0)
    )
    d_lon = (
        300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * root + _series(x, x, 150.0, 300.0, 12.0, 30.0)
    )
    # Metres-per-degree scaling on the Krasovsky ellipsoid.
    rad_lat = np.radians(lat)
    w = 1.0 - _KRASOVSKY_EE * np.sin(rad_lat) ** 2
    sqrt_w = np.sqrt(w)
    d_lat = d_lat * 180.0 / ((_KRASOVSKY_A * (1.0 - _KRASOVSKY_EE)) / (w * sqrt_w) * math.pi)
    d_lon = d_lon * 180.0 / (_KRASOVSKY_A / sqrt_w * np.cos(rad_lat) * math.pi)
    inside = _in_china(lon, lat)
    return np.where(inside, d_lon, 0.0), np.where(inside, d_lat, 0.0)


def _wgs_to_gcj(lon: NDArray, lat: NDArray) -> tuple[NDArray, NDArray]:
    d_lon, d_lat = _gcj_offset(lon, lat)
    return lon + d_lon, lat + d_lat


def _gcj_to_bd(lon: NDArray, lat: NDArray) -> tuple[NDArray, NDArray]:
    z = np.hypot(lon, lat) + 0.00002 * np.sin(lat * _BD_K)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _BD_K)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def _invert(forward, lon: NDArray, lat: NDArray) -> tuple[NDArray, NDArray]:
    """Solve forward(x) = (lon, lat) by fixed-point iteration x <- x - (forward(x) - target).

    The offsets change slowly with position (their derivative is far below 1), so each step
    shrinks the error by orders of magnitude; a handful of steps reach 1e-9 degrees.
    """
    x_lon, x_lat = lon.copy(), lat.copy()
    for _ in range(_MAX_ITERATIONS):
        f_lon, f_lat = forward(x_lon, x_lat)
        e_lon, e_lat = f_lon - lon, f_lat - lat
        x_lon, x_lat = x_lon - e_lon, x_lat - e_lat
        if np.all(np.abs(e_lon) < _TOLERANCE_DEG) and np.all(np.abs(e_lat) < _TOLERANCE_DEG):
            break
    return x_lon, x_lat


def _bd_to_gcj(lon: NDArray, lat: NDArray) -> tuple[NDArray, NDArray]:
    return _invert(_gcj_to_bd, lon, lat)


def _gcj_to_wgs(lon: NDArray, lat: NDArray) -> tuple[NDArray, NDArray]:
    return _invert(_wgs_to_gcj, lon, lat)


def _check(crs: str) -> None:
    if crs not in CRS_NAMES:
        raise ValueError(f"unknown coordinate system {crs!r}; expected one of {', '.join(CRS_NAMES)}")


def to_wgs84_array(lons: ArrayLike, lats: ArrayLike, crs: str) -> tuple[NDArray, NDArray]:
    """Arrays of positions in `crs` converted to WGS-84. Raises ValueError for an unknown crs."""
    _check(crs)
    lon = np.asarray(lons, dtype=np.float64)
    lat = np.asarray(lats, dtype=np.float64)
    if crs == WGS84:
        return lon.copy(), lat.copy()
    if crs == BD09:
        lon, lat = _bd_to_gcj(lon, lat)
    return _gcj_to_wgs(lon, lat)


def from_wgs84_array(lons: ArrayLike, lats: ArrayLike, crs: str) -> tuple[NDArray, NDArray]:
    """Arrays of WGS-84 positions converted to `crs`. Raises ValueError for an unknown crs."""
    _check(crs)
    lon = np.asarray(lons, dtype=np.float64)
    lat = np.asarray(lats, dtype=np.float64)
    if crs == WGS84:
        return lon.copy(), lat.copy()
    lon, lat = _wgs_to_gcj(lon, lat)
    if crs == BD09:
        lon, lat = _gcj_to_bd(lon, lat)
    return lon, lat


def to_wgs84(lon: float, lat: float, crs: str) -> tuple[float, float]:
    """One position in `crs` converted to WGS-84 (lon, lat)."""
    out_lon, out_lat = to_wgs84_array([lon], [lat], crs)
    return float(out_lon[0]), float(out_lat[0])


def from_wgs84(lon: float, lat: float, crs: str) -> tuple[float, float]:
    """One WGS-84 position converted to `crs` (lon, lat)."""
    out_lon, out_lat = from_wgs84_array([lon], [lat], crs)
    return float(out_lon[0]), float(out_lat[0])
