"""Where the window stands on rollback at a glance: what the last decision left it in, and what trips now."""

from __future__ import annotations

from msgspec import Struct

from relboard.domain.events import Decision
from relboard.domain.rollback import CriterionState, evaluate
from relboard.domain.state import WindowState

HELD = {Decision.PAUSE: "PAUSED", Decision.RESCHEDULE: "RESCHEDULED", Decision.ROLLBACK: "ROLLING BACK"}


class Standing(Struct, frozen=True):
    held: str = ""  # "PAUSED", "RESCHEDULED" or "ROLLING BACK" after such a decision; "" while it runs on
    tripped: tuple[str, ...] = ()  # the criteria tripped now
    unverified: tuple[str, ...] = ()  # the criteria nothing has checked although they should have been


def standing(state: WindowState) -> Standing:
    last = state.last_decision
    held = HELD.get(last.decision, "") if last is not None else ""
    statuses = evaluate(state)
    return Standing(
        held,
        tuple(s.criterion.id for s in statuses if s.state is CriterionState.TRIPPED),
        tuple(s.criterion.id for s in statuses if s.state is CriterionState.UNVERIFIED),
    )
