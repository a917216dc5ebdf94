"""Properties of the track length (pure, no database)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridgov.patrol.patrols import track_length_m
from gridgov.people.household_card import distance_m

points = st.lists(
    st.tuples(st.floats(min_value=122.0, max_value=122.4), st.floats(min_value=43.5, max_value=43.7)),
    max_size=30,
)


@given(points)
def test_length_is_symmetric_and_never_shorter_than_the_straight_line(track):
    length = track_length_m(track)
    assert length == pytest.approx(track_length_m(list(reversed(track))), rel=1e-9, abs=1e-6)
    if len(track) >= 2:
        assert length + 1e-6 >= distance_m(*track[0], *track[-1])
    else:
        assert length == 0


@given(points, points)
def test_length_adds_up_over_a_split(first, second):
    joined = first + second
    bridge = distance_m(*first[-1], *second[0]) if first and second else 0.0
    assert track_length_m(joined) == pytest.approx(
        track_length_m(first) + bridge + track_length_m(second), abs=1e-6
    )
