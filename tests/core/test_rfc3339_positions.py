"""Snapshot offsets keep Mixin's nanoseconds: text ↔ position round trip and ordering."""

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from core import rfc3339

POSITIONS = st.integers(min_value=0, max_value=4_102_444_800 * 10**9)  # up to 2100


@given(POSITIONS)
def test_a_position_survives_formatting_and_parsing(position):
    assert rfc3339.parse_ns(rfc3339.format_ns(position)) == position


def test_offsets_in_other_zones_and_precisions_name_the_same_moment():
    assert rfc3339.parse_ns("2024-03-01T12:00:00.5+02:00") == rfc3339.parse_ns(
        "2024-03-01T10:00:00.500000000Z"
    )
    assert rfc3339.format_ns(rfc3339.parse_ns("2024-03-01T10:00:00.120Z")) == (
        "2024-03-01T10:00:00.12Z"
    )
    assert rfc3339.datetime_from_ns(rfc3339.parse_ns("2024-03-01T10:00:00.500000999Z")) == (
        datetime(2024, 3, 1, 10, 0, 0, 500000, tzinfo=UTC)
    )
