"""The window at a glance, as text for people and as JSON for scripts (`relboard status`)."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

from relboard.domain import progress
from relboard.domain.catalog import CATEGORY_TITLES
from relboard.domain.clock import ClockReading
from relboard.domain.event_json import event_json
from relboard.domain.events import StepStatus, event_to_dict
from relboard.domain.forecast import forecast
from relboard.domain.forecast_text import forecast_json, forecast_line
from relboard.domain.rollback import CriterionState, evaluate, recommendation
from relboard.domain.state import WindowState


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def status_json(state: WindowState, clock: ClockReading) -> dict[str, Any]:
    plan = state.plan
    return {
        "title": plan.release.title,
        "environment": plan.release.environment,
        "category": plan.release.category.value,
        "phase": clock.phase.value,
        "now": clock.now.isoformat(),
        "window": {
            "start": clock.start.isoformat(),
            "end": clock.end.isoformat(),
            "rollback_deadline": clock.deadline.isoformat(),
            "deadline_passed": clock.deadline_passed,
            "overrun_seconds": int(clock.overrun.total_seconds()),
        },
        "progress": {
            p.label: {"done": p.done, "total": p.total, "failed": p.failed, "blocked": p.blocked}
            for p in progress.by_phase(state)
        },
        "steps": {
            step_id: {"status": s.status.value, "note": s.note, "by": s.by, "at": _iso(s.at)}
            | ({"probe_error": s.probe_error.reason} if s.probe_error is not None else {})
            for step_id, s in state.steps.items()
        },
        "known_issues": [
            {
                "id": i.id,
                "title": i.title,
                "impact": i.impact,
                "workaround": i.workaround,
                "owner": i.owner,
                "step": i.step,
                "resolved": i.resolved,
                "from_plan": i.from_plan,
            }
            for i in state.issues.values()
        ],
        "criteria": [
            {"id": c.criterion.id, "tripped": c.tripped, "state": c.state.value, "why": c.why, "warning": c.warning}
            for c in evaluate(state)
        ],
        "decisions": [{k: _jsonable(v) for k, v in event_to_dict(d).items()} for d in state.decisions],
        "notices": [{k: _jsonable(v) for k, v in event_to_dict(n).items()} for n in state.notices],
        "complete": progress.is_complete(state),
        "forecast": forecast_json(forecast(state, clock.now), plan.window.zone),
        "events": [event_json(e) for e in state.events],
    }


def _local(value: datetime, zone: tzinfo | None) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z").strip()


def status_text(state: WindowState, clock: ClockReading, utc: bool = False) -> str:
    """Every time in one zone: the window's (named in the first time shown), or UTC."""
    plan = state.plan
    window_zone = UTC if utc else plan.window.zone
    found = forecast(state, clock.now)
    lines = [
        f"{plan.release.title} — {plan.release.environment} ({CATEGORY_TITLES[plan.release.category]})",
        f"Window: {_local(clock.start, window_zone)} to {_local(clock.end, window_zone)}",
        f"Clock: {clock.window_text()}",
        f"Rollback: {clock.deadline_text(window_zone or UTC)}",
        forecast_line(found, window_zone),
        "",
        "Progress:",
    ]
    for p in [*progress.by_phase(state), progress.overall(state)]:
        extra = ", ".join(f"{n} {word}" for n, word in ((p.failed, "failed"), (p.blocked, "blocked")) if n)
        lines.append(f"  {p.label:<12} {p.done}/{p.total}" + (f" ({extra})" if extra else ""))
    trouble = state.steps_with(StepStatus.FAIL, StepStatus.BLOCKED)
    if trouble:
        lines += ["", "Failed or blocked:"]
        for step in trouble:
            s = state.steps[step.id]
            note = f" — {s.note}" if s.note else ""
            lines.append(f"  {s.status.value:<8} {step.id}: {step.title}{note}")
    unchecked = [(step_id, s.probe_error) for step_id, s in state.steps.items() if s.probe_error is not None]
    if unchecked:
        lines += ["", "Probes that could not check (fix the set-up and run them again):"]
        lines += [f"  {step_id}: {error.reason}" for step_id, error in unchecked]
    statuses = evaluate(state)
    tripped = [c for c in statuses if c.tripped]
    if tripped:
        lines += ["", "Rollback criteria tripped:"]
        lines += [f"  {c.criterion.id}: {c.criterion.condition} ({c.why})" for c in tripped]
    unverified = [c for c in statuses if c.state is CriterionState.UNVERIFIED]
    if unverified:
        lines += ["", "Rollback criteria unverified (never ok until checked):"]
        lines += [f"  {c.criterion.id}: {c.criterion.condition} ({c.why})" for c in unverified]
    lines += ["", f"Recommendation: {recommendation(state, clock)}"]
    open_issues = state.open_issues
    lines += ["", f"Open known issues: {len(open_issues)}"]
    for issue in open_issues:
        owner = issue.owner or "NO FOLLOW-UP OWNER"
        lines.append(
            f"  - {issue.title} (owner: {owner})" + (f"; workaround: {issue.workaround}" if issue.workaround else "")
        )
    last = state.last_decision
    lines += [
        "",
        f"Last decision: {last.decision.value} by {last.by or 'operator'} at {_local(last.at, window_zone)}"
        f" — {last.rationale}"
        if last
        else "Last decision: none",
    ]
    blockers = progress.completion_blockers(state)
    lines.append("Complete: yes" if not blockers else "Complete: no (" + "; ".join(blockers) + ")")
    return "\n".join(lines)
