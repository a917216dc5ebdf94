import pytest

from gridgov.geo.geometry import GeometryError, parse_geometry, unit_fields
from gridgov.geo.tests.builders import rect


def test_square_has_bbox_and_geodesic_area():
    fields = unit_fields(parse_geometry(rect(122.2, 43.6, 122.21, 43.61)))
    assert (fields["min_lon"], fields["min_lat"], fields["max_lon"], fields["max_lat"]) == (
        122.2,
        43.6,
        122.21,
        43.61,
    )
    # 0.01° x 0.01° at 43.6°N: about 806 m x 1111 m.
    assert fields["area_m2"] == pytest.approx(806.4 * 1111.0, rel=0.01)


def test_clockwise_ring_gives_positive_area():
    ring = [[122.2, 43.6], [122.2, 43.61], [122.21, 43.61], [122.21, 43.6], [122.2, 43.6]]
    assert unit_fields(parse_geometry({"type": "Polygon", "coordinates": [ring]}))["area_m2"] > 0


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Point", "coordinates": [122.2, 43.6]},
        {"type": "Polygon", "coordinates": [[[122.2, 43.6], [122.3, 43.6], [122.3, 43.7], [122.2, 43.7]]]},
        {
            "type": "Polygon",
            "coordinates": [[[122.2, 43.6], [122.3, 43.7], [122.3, 43.6], [122.2, 43.7], [122.2, 43.6]]],
        },
        {"type": "Polygon", "coordinates": [[[200, 43.6], [201, 43.6], [201, 43.7], [200, 43.6]]]},
        {"type": "Polygon", "coordinates": [[["a", 43.6], [122.3, 43.6], [122.3, 43.7], ["a", 43.6]]]},
        {"type": "MultiPolygon", "coordinates": []},
        "POLYGON((0 0, 1 0, 1 1, 0 0))",
    ],
    ids=["point", "open-ring", "bow-tie", "out-of-range", "not-numbers", "empty-multi", "wkt-string"],
)
def test_bad_geometry_is_rejected_with_field_and_reason(geometry):
    with pytest.raises(GeometryError) as caught:
        parse_geometry(geometry)
    assert caught.value.field == "geometry"
    assert str(caught.value.reason)


def test_self_intersection_reason_names_the_position():
    bow_tie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    with pytest.raises(GeometryError) as caught:
        parse_geometry(bow_tie)
    assert "Self-intersection" in str(caught.value.reason)
