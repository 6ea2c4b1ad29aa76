"""The running maximum always equals the maximum of the list as it stands."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from relboard.domain.running_max import RunningMax

VALUES = st.floats(allow_nan=False, min_value=-1e9, max_value=1e9) | st.just(float("-inf"))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(VALUES, min_size=1, max_size=12),
    st.lists(st.tuples(st.integers(0, 11), VALUES), max_size=200),
    st.integers(1, 5) | st.just(64),
)
def test_the_running_max_is_the_max_of_the_values_after_any_changes(values, changes, block):
    running = RunningMax(values, block=block)
    expected = list(values)
    for index, value in changes:
        running.set(index % len(values), value)
        expected[index % len(values)] = value
        assert running.max(0.0) == max(expected)
    assert list(running.values) == expected
    assert running.max(0.0) == max(expected)


def test_an_empty_list_gives_the_default():
    assert RunningMax([]).max(-1.0) == -1.0
