"""The moments the board rings for, each once, when it begins."""

from __future__ import annotations

from relboard.domain.alerts import Watched, alerts
from relboard.domain.clock import Alert


def test_each_moment_rings_once_when_it_begins():
    quiet = Watched()
    warned = Watched(deadline=Alert.WARNING)
    assert alerts(quiet, warned) == ["15 minutes to the rollback decision deadline."]
    assert alerts(warned, warned) == []
    passed = Watched(deadline=Alert.ALARM)
    assert alerts(warned, passed) == ["The rollback decision deadline has passed: a rollback now overruns the window."]
    over = Watched(deadline=Alert.ALARM, overrun=True)
    assert alerts(passed, over) == ["The window has overrun its planned end."]
    assert alerts(over, over) == []


def test_a_trip_rings_for_the_new_criteria_only_and_will_miss_when_it_turns():
    one = Watched(tripped=frozenset({"login-broken"}))
    two = Watched(tripped=frozenset({"login-broken", "no-backup"}), will_miss=True)
    assert alerts(Watched(), one) == ["Rollback criterion tripped: login-broken."]
    assert alerts(one, two) == [
        "Rollback criterion tripped: no-backup.",
        "At this pace the window will miss its deadline: decide now, not at the deadline.",
    ]
    assert alerts(two, one) == []
