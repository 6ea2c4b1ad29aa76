"""The forecast in words and as JSON: one line for `status` and the board, advice for the rollback pane."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import Any

from relboard.domain.durations import format_clock
from relboard.domain.events import Decision, DecisionRecorded
from relboard.domain.forecast import Forecast, Verdict, forecast
from relboard.domain.state import WindowState

VERDICT_WORDS = {
    Verdict.ON_TRACK: "on track",
    Verdict.AT_RISK: "AT RISK",
    Verdict.WILL_MISS: "WILL MISS",
    Verdict.UNKNOWN: "unknown",
}


def _iso(moment: datetime | None, zone: tzinfo | None) -> str | None:
    return None if moment is None else moment.astimezone(zone).isoformat()


def forecast_json(found: Forecast, zone: tzinfo | None = None) -> dict[str, Any]:
    """`status --json`'s "forecast": ISO times in the window's zone, the margin in whole seconds."""
    margin = found.margin
    return {
        "validated_by": _iso(found.validated_by, zone),
        "finish": _iso(found.finish, zone),
        "rollback_deadline": _iso(found.rollback_deadline, zone),
        "window_end": _iso(found.window_end, zone),
        "margin_s": None if margin is None else int(margin.total_seconds()),
        "verdict": found.verdict.value,
        "pace": round(found.pace, 3),
    }


def _hhmm(moment: datetime, zone: tzinfo | None) -> str:
    return moment.astimezone(zone).strftime("%H:%M")


def _against(margin: timedelta, what: str) -> str:
    if margin >= timedelta(0):
        return f"{format_clock(margin)} before {what}"
    return f"{format_clock(-margin)} after {what}"


def forecast_line(found: Forecast, zone: tzinfo | None = None) -> str:
    """'Forecast: on track · validated by 23:00 (0:30:00 before the rollback deadline) · ...'."""
    if found.verdict is Verdict.UNKNOWN or found.validated_by is None or found.finish is None:
        return "Forecast: unknown (no step has an expected duration)"
    parts = [f"Forecast: {VERDICT_WORDS[found.verdict]}"]
    if found.deadline_margin is not None:
        verb = "validated at" if found.validated else "validated by"
        parts.append(
            f"{verb} {_hhmm(found.validated_by, zone)} ({_against(found.deadline_margin, 'the rollback deadline')})"
        )
    if found.end_margin is not None:
        verb = "finished at" if found.finished else "finish"
        parts.append(f"{verb} {_hhmm(found.finish, zone)} ({_against(found.end_margin, 'the window end')})")
    parts.append(f"pace {found.pace:.2f}")
    if found.overdue:
        parts.append("past twice the expected time: " + ", ".join(found.overdue))
    return " · ".join(parts)


def forecast_advice(found: Forecast, owners: list[str]) -> str | None:
    """What the rollback pane should add to its recommendation; None while the forecast is on track."""
    who = " and ".join(owners)
    if found.verdict is Verdict.WILL_MISS:
        deadline = found.deadline_margin if found.deadline_margin is not None else timedelta(0)
        end = found.end_margin if found.end_margin is not None else timedelta(0)
        if deadline < timedelta(0):
            miss = f"validation ends {format_clock(-deadline)} after the rollback deadline"
        else:
            miss = f"the last step ends {format_clock(-end)} after the window"
        return f"At this pace {miss}: decide with {who} now, rather than at the rollback deadline."
    if found.verdict is Verdict.AT_RISK:
        if found.overdue:
            return (
                f"{', '.join(found.overdue)} has run past twice its expected time: check with {who} whether to go on."
            )
        margin = found.margin or timedelta(0)
        return f"Only {format_clock(margin)} to spare at this pace: be ready to decide with {who}."
    return None


def forecast_at(state: WindowState, event: DecisionRecorded) -> Forecast:
    """The forecast as it stood when `event` was recorded: the events before it, at its time."""
    position = next((n for n, e in enumerate(state.events) if e is event), None)
    before = state.events[:position] if position is not None else [e for e in state.events if e.at <= event.at]
    return forecast(WindowState(state.plan, before), event.at)


def decision_forecast_line(state: WindowState, decision: DecisionRecorded, zone: tzinfo | None) -> str | None:
    """For the decision notice: the forecast, when it said the window was at risk or would miss its
    deadline as the decision (other than continue) was taken; None when it did not drive it."""
    if decision.decision is Decision.CONTINUE or all(step.expected is None for step in state.plan.steps):
        # Without expectations there is no forecast, and refolding the journal up to the decision is not free.
        return None
    found = forecast_at(state, decision)
    if found.verdict not in (Verdict.AT_RISK, Verdict.WILL_MISS) or found.validated_by is None:
        return None
    margin = found.deadline_margin if found.deadline_margin is not None else timedelta(0)
    text = (
        f"Forecast at the time: validation done by {_hhmm(found.validated_by, zone)}, "
        f"{_against(margin, 'the rollback deadline')} ({_hhmm(found.rollback_deadline, zone)})"
    )
    if found.end_margin is not None and found.end_margin < timedelta(0) and found.finish is not None:
        text += f"; the window would end {format_clock(-found.end_margin)} late"
    if found.overdue:
        text += f"; {', '.join(found.overdue)} past twice its expected time"
    return text + f" (pace {found.pace:.2f})"
