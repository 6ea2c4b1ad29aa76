"""A window at a glance for the organisation (`relboard fleet`): the summary each writer keeps on the hub,
and the row shown for it, with the clock read again at the moment it is shown.

A summary is data from the hub, so a row is built defensively: missing or mistyped fields read as empty,
and every text is cleaned before anyone prints it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from relboard.domain import progress
from relboard.domain.clock import ClockReading, WindowPhase
from relboard.domain.rollback import evaluate
from relboard.domain.state import WindowState
from relboard.domain.text import one_line

SUMMARY_FORMAT = 1


def window_summary(state: WindowState, *, window: str, plan_hash: str, plan_name: str, now: datetime) -> dict[str, Any]:
    """What the hub keeps about a window; JSON-ready."""
    plan = state.plan
    overall = progress.overall(state)
    last = state.last_decision
    return {
        "format": SUMMARY_FORMAT,
        "window": window,
        "title": plan.release.title,
        "environment": plan.release.environment,
        "change_ref": plan.release.change_ref,
        "start": plan.window.start.isoformat(),
        "end": plan.window.end.isoformat(),
        "rollback_deadline": plan.window.rollback_deadline.isoformat(),
        "progress": {
            "done": overall.done,
            "total": overall.total,
            "failed": overall.failed,
            "blocked": overall.blocked,
        },
        "complete": progress.is_complete(state),
        "tripped": [c.criterion.id for c in evaluate(state) if c.tripped],
        "last_decision": (
            {"decision": last.decision.value, "by": last.by, "at": last.at.isoformat()} if last is not None else None
        ),
        "events": len(state.events),
        "plan_hash": plan_hash,
        "plan_name": plan_name,
        "updated": now.isoformat(),
    }


def fleet_row(summary: dict[str, Any], present: list[dict[str, Any]], now: datetime) -> dict[str, Any]:
    """One window for `fleet`: its summary with the clock as of `now`, who is on it and what is unsent."""
    row: dict[str, Any] = {
        "window": _text(summary.get("window")),
        "title": _text(summary.get("title")),
        "environment": _text(summary.get("environment")),
        "change_ref": _text(summary.get("change_ref")),
    }
    clock = _clock(summary, now)
    row["phase"] = clock.phase.value if clock else ""
    row["clock"] = clock.window_text() if clock else ""
    done = summary.get("progress")
    done = done if isinstance(done, dict) else {}
    row["progress"] = {key: _count(done.get(key)) for key in ("done", "total", "failed", "blocked")}
    row["complete"] = summary.get("complete") is True
    tripped = summary.get("tripped")
    row["tripped"] = [_text(t) for t in tripped] if isinstance(tripped, list) else []
    last = summary.get("last_decision")
    row["last_decision"] = (
        {"decision": _text(last.get("decision")), "by": _text(last.get("by")), "at": _text(last.get("at"))}
        if isinstance(last, dict)
        else None
    )
    row["on_it"] = sorted({_text(p.get("who")) for p in present if _text(p.get("who"))})
    row["unsent"] = sum(_count(p.get("unsent")) for p in present)
    row["updated"] = _text(summary.get("updated"))
    return row


def _clock(summary: dict[str, Any], now: datetime) -> ClockReading | None:
    try:
        start, end, deadline = (
            datetime.fromisoformat(str(summary[key])) for key in ("start", "end", "rollback_deadline")
        )
    except (KeyError, ValueError, TypeError):
        return None
    if start.tzinfo is None or end.tzinfo is None or deadline.tzinfo is None or end <= start:
        return None
    if now < start:
        phase = WindowPhase.BEFORE
    elif now < end:
        phase = WindowPhase.IN_WINDOW
    else:
        phase = WindowPhase.OVERRUN
    return ClockReading(now=now, start=start, end=end, deadline=deadline, phase=phase)


def _text(value: object) -> str:
    return one_line(value, 200) if isinstance(value, str) else ""


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0
