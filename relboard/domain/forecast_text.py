"""The forecast in words and as JSON: one line for `status` and the board, advice for the rollback pane."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import Any

from relboard.domain.durations import format_clock
from relboard.domain.forecast import Forecast, Verdict

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
        margin = found.margin or timedelta(0)
        return (
            f"At this pace the window misses its deadline by {format_clock(-margin)}: decide with {who} now, "
            "rather than at the rollback deadline."
        )
    if found.verdict is Verdict.AT_RISK:
        if found.overdue:
            return (
                f"{', '.join(found.overdue)} has run past twice its expected time: check with {who} whether to go on."
            )
        margin = found.margin or timedelta(0)
        return f"Only {format_clock(margin)} to spare at this pace: be ready to decide with {who}."
    return None
