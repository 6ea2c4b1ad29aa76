"""What is worth interrupting the engineer for: the moments the board rings the terminal bell and says so.

Each moment rings once, when it begins: the 15-minute warning before the rollback deadline, the
deadline itself, the overrun, a criterion that trips, and the forecast turning to "will miss".
"""

from __future__ import annotations

from msgspec import Struct

from relboard.domain.clock import Alert, ClockReading, WindowPhase
from relboard.domain.forecast import Forecast, Verdict
from relboard.domain.rollback import evaluate
from relboard.domain.state import WindowState


class Watched(Struct, frozen=True):
    """The few things a change of which rings."""

    deadline: Alert | None = None
    overrun: bool = False
    tripped: frozenset[str] = frozenset()
    will_miss: bool = False


def watched(state: WindowState, reading: ClockReading, found: Forecast | None) -> Watched:
    return Watched(
        deadline=reading.deadline_alert,
        overrun=reading.phase is WindowPhase.OVERRUN,
        tripped=frozenset(s.criterion.id for s in evaluate(state) if s.tripped),
        will_miss=found is not None and found.verdict is Verdict.WILL_MISS,
    )


def alerts(before: Watched, now: Watched) -> list[str]:
    """What began between two looks, in words; empty when nothing did."""
    said: list[str] = []
    if now.deadline is Alert.WARNING and before.deadline is None:
        said.append("15 minutes to the rollback decision deadline.")
    if now.deadline is Alert.ALARM and before.deadline is not Alert.ALARM:
        said.append("The rollback decision deadline has passed: a rollback now overruns the window.")
    if now.overrun and not before.overrun:
        said.append("The window has overrun its planned end.")
    fresh = sorted(now.tripped - before.tripped)
    if fresh:
        said.append(f"Rollback criterion tripped: {', '.join(fresh)}.")
    if now.will_miss and not before.will_miss:
        said.append("At this pace the window will miss its deadline: decide now, not at the deadline.")
    return said
