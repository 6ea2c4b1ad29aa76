"""Event identity: unique sortable ids, writers, and a hybrid clock that a fast laptop clock cannot win with."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from relboard.domain.close_code import CloseCode, close_outcome
from relboard.domain.event_model import validate_event
from relboard.domain.events import (
    CriterionMarked,
    Decision,
    DecisionRecorded,
    StepMarked,
    StepStatus,
    event_to_dict,
)
from relboard.domain.identity import (
    ID_PATTERN,
    MAX_AHEAD_MS,
    HybridClock,
    content_id,
    new_id,
    stamped,
)
from relboard.domain.plan import Plan
from relboard.domain.rollback import evaluate
from relboard.domain.state import WindowState
from relboard.domain.window_key import key_problem, window_key
from tests.conftest import make_plan

REAL = datetime(2026, 12, 5, 21, 30, tzinfo=UTC)
FAST = timedelta(minutes=10)


def clock_at(writer: str, moment: datetime) -> HybridClock:
    return HybridClock(writer, wall_ms=lambda: int(moment.timestamp() * 1000))


def test_ids_are_unique_and_sort_by_creation_time():
    ids = [new_id(1_000 + n) for n in range(200)]
    assert all(re.match(ID_PATTERN, i) for i in ids)
    assert len(set(ids)) == 200
    assert sorted(ids) == ids


def test_a_block_without_id_gets_the_same_id_from_the_same_bytes():
    assert content_id(REAL, b"abc") == content_id(REAL, b"abc")
    assert content_id(REAL, b"abc") != content_id(REAL, b"abd")
    assert re.match(ID_PATTERN, content_id(REAL, b"abc"))


def test_a_stamped_event_has_id_writer_and_a_stamp_past_everything_observed():
    clock = clock_at("lapa", REAL)
    clock.observe("9999999999999-0000-other")  # far ahead: a broken clock is not followed
    first = stamped(StepMarked(at=REAL, step="apply", status=StepStatus.PASS), clock)
    assert (first.writer, first.hlc) == ("lapa", f"{int(REAL.timestamp() * 1000):013d}-0000-lapa")
    second = stamped(StepMarked(at=REAL, step="apply", status=StepStatus.FAIL), clock)
    assert second.hlc > first.hlc
    assert stamped(second, clock) is second  # an event keeps the id it was made with
    ahead = int((REAL + timedelta(hours=1)).timestamp() * 1000)
    clock.observe(f"{ahead:013d}-0007-lapb")
    assert stamped(StepMarked(at=REAL, step="x", status=StepStatus.PASS), clock).hlc == f"{ahead:013d}-0008-lapa"


def test_the_counter_never_outgrows_its_four_digits():
    clock = clock_at("lapa", REAL)
    wall = int(REAL.timestamp() * 1000)
    clock.observe(f"{wall:013d}-9999-lapb")
    assert clock.stamp() == f"{wall + 1:013d}-0000-lapa"


def test_far_future_stamps_are_not_followed():
    clock = clock_at("lapa", REAL)
    far = int(REAL.timestamp() * 1000) + MAX_AHEAD_MS + 1
    clock.observe(f"{far:013d}-0000-lapb")
    assert clock.stamp().startswith(f"{int(REAL.timestamp() * 1000):013d}")


def test_identity_is_saved_last_and_left_out_when_unset():
    event = stamped(StepMarked(at=REAL, step="apply", status=StepStatus.PASS), clock_at("lapa", REAL))
    data = event_to_dict(event)
    assert list(data)[-3:] == ["id", "writer", "hlc"]
    assert validate_event(data) == event
    assert "id" not in event_to_dict(StepMarked(at=REAL, step="apply", status=StepStatus.PASS))


@pytest.mark.parametrize("bad", ["id", "writer", "hlc"])
def test_malformed_identity_is_refused(bad):
    data = event_to_dict(stamped(StepMarked(at=REAL, step="a", status=StepStatus.PASS), clock_at("lapa", REAL)))
    data[bad] = "relboard.*.events.>"
    with pytest.raises(ValueError, match=bad):
        validate_event(data)


def _fast_then_slow(plan: Plan):
    """Laptop A's clock is ten minutes fast; B saw A's events before making its own, one real minute later."""
    a = clock_at("lapa", REAL + FAST)
    b = clock_at("lapb", REAL + timedelta(minutes=1))
    first = [
        stamped(StepMarked(at=REAL + FAST, by="a", step="apply", status=StepStatus.FAIL), a),
        stamped(CriterionMarked(at=REAL + FAST, by="a", criterion="login-broken", tripped=True, reason="x"), a),
        stamped(DecisionRecorded(at=REAL + FAST, by="a", decision=Decision.ROLLBACK, rationale="bad"), a),
    ]
    b.observe_all(first)
    later = [
        stamped(StepMarked(at=REAL + timedelta(minutes=1), by="b", step="apply", status=StepStatus.PASS), b),
        stamped(
            CriterionMarked(
                at=REAL + timedelta(minutes=1), by="b", criterion="login-broken", tripped=False, reason="y"
            ),
            b,
        ),
        stamped(
            DecisionRecorded(at=REAL + timedelta(minutes=1), by="b", decision=Decision.CONTINUE, rationale="ok"), b
        ),
    ]
    return first, later


def test_a_fast_laptop_clock_does_not_win_whatever_the_order_of_arrival(plan):
    first, later = _fast_then_slow(plan)
    assert all(e.at < f.at for e, f in zip(later, first, strict=True))  # by wall time, A would win
    for events in (first + later, later + first, [later[0], first[1], later[2], first[0], later[1], first[2]]):
        state = WindowState(plan, events)
        assert state.steps["apply"].status is StepStatus.PASS
        assert state.criteria_marks["login-broken"].tripped is False
        assert not any(c.tripped for c in evaluate(state) if c.criterion.id == "login-broken")
        assert state.last_decision is not None
        assert state.last_decision.decision is Decision.CONTINUE
        assert close_outcome(state).code is not CloseCode.ROLLED_BACK


def test_events_without_a_stamp_still_order_by_their_time(plan):
    late = StepMarked(at=REAL + timedelta(minutes=5), step="apply", status=StepStatus.FAIL)
    early = StepMarked(at=REAL, step="apply", status=StepStatus.PASS)
    assert WindowState(plan, [late, early]).steps["apply"].status is StepStatus.FAIL


def test_the_same_event_twice_counts_once(plan):
    event = stamped(StepMarked(at=REAL, step="apply", status=StepStatus.PASS), clock_at("lapa", REAL))
    state = WindowState(plan, [event, event])
    assert len(state.events) == 1


def test_the_hub_window_key_comes_from_the_ticket_and_environment_or_the_plan():
    assert window_key(make_plan()) == "chg-1042-prod-eu"
    assert window_key(make_plan(hub={"window": "Nuit du 5 Déc. *>"})) == "nuit-du-5-dec"
    assert window_key(make_plan(release={"change_ref": ""})).startswith("platform-4-2-upgrade-prod-eu")
    long = window_key(make_plan(release={"change_ref": "x" * 200}))
    assert len(long) <= 64
    assert re.match(r"^[a-z0-9][a-z0-9_-]*$", long)
    assert key_problem(make_plan(hub={"window": "..."})) is not None
    assert key_problem(make_plan(hub={"window": "y" * 65})) is not None
    odd = make_plan(release={"change_ref": "***", "environment": "%%%"})
    assert key_problem(odd) is None
    assert re.match(r"^window-[0-9a-f]{12}$", window_key(odd))
