"""A shift change mid-window: the summary the incoming engineer reads, and the event that records it.

Pure: the board and `relboard handover` give the state, the moment and the two names. Every plan and
event string goes through `clean`, one line each, so the summary can be pasted into a chat as is.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from relboard.domain import progress
from relboard.domain.clock import read_clock
from relboard.domain.durations import format_clock, format_duration
from relboard.domain.events import Handover, StepStatus
from relboard.domain.forecast import Forecaster
from relboard.domain.forecast_text import forecast_line
from relboard.domain.rollback import CriterionState, evaluate
from relboard.domain.state import WindowState
from relboard.domain.text import clean

# How many steps each list shows before "and N more": a handover is read in a minute.
LIST_LIMIT = 8


def _c(text: str) -> str:
    return " ".join(clean(text, single_line=True).split())


def _time(moment: datetime, zone: tzinfo | None) -> str:
    local = moment.astimezone(zone)
    return f"{local:%H:%M} {local.tzname() or ''}".rstrip()


def _more(lines: list[str], total: int) -> list[str]:
    shown = lines[:LIST_LIMIT]
    if total > len(shown):
        shown.append(f"  ... and {total - len(shown)} more")
    return shown


def handover_summary(
    state: WindowState, now: datetime, outgoing: str, incoming: str, forecaster: Forecaster | None = None
) -> str:
    """What the incoming engineer needs: where the window stands, what runs, what is next, what is wrong."""
    plan = state.plan
    zone = plan.window.zone
    forecaster = forecaster or Forecaster(state)
    clock = read_clock(plan.window, now)
    release = plan.release
    ref = f" ({_c(release.change_ref)})" if release.change_ref.strip() else ""
    lines = [
        f"Handover: {_c(release.title)}{ref} — {_c(release.environment)}",
        f"From {_c(outgoing) or 'operator'} to {_c(incoming)} at {_time(now, zone)}",
        f"Clock: {clock.window_text()}; {clock.deadline_text(zone)}",
        forecast_line(forecaster.forecast(now), zone),
        "",
    ]

    overall = progress.overall(state)
    phases = ", ".join(f"{p.label} {p.done}/{p.total}" for p in progress.by_phase(state))
    lines.append(f"Done: {overall.done} of {overall.total} steps ({phases})")
    done = sorted(
        (s for s in plan.steps if state.steps[s.id].status in (StepStatus.PASS, StepStatus.SKIP)),
        key=lambda s: state.steps[s.id].at or now,
        reverse=True,
    )
    for step in done[:3]:
        s = state.steps[step.id]
        when = f" at {_time(s.at, zone)}" if s.at else ""
        lines.append(f"  last: {step.id} {s.status.value}{when} by {_c(s.by) or 'operator'}")

    running = forecaster.in_progress()
    lines.append("In progress:" if running else "In progress: none")
    shown = []
    for step_id in running:
        running_step = plan.step(step_id)
        s = state.steps[step_id]
        if running_step is None or s.started_at is None:
            continue
        elapsed = forecaster.elapsed(step_id, now)
        expected = forecaster.expected(step_id)
        took = format_clock(elapsed) if elapsed is not None else "?"
        against = f" of {format_duration(expected)} expected" if expected is not None else ""
        late = " (over its expected time)" if forecaster.over_expected(step_id, now) else ""
        shown.append(
            f"  - {step_id}: {_c(running_step.title)} ({_c(running_step.owner)}),"
            f" started {_time(s.started_at, zone)} by {_c(s.started_by) or 'operator'}, {took} elapsed{against}{late}"
        )
    lines += _more(shown, len(shown))

    ready = forecaster.ready()
    lines.append("Next ready:" if ready else "Next ready: none")
    ready_lines = []
    for step_id in ready[:LIST_LIMIT]:
        ready_step = plan.step(step_id)
        if ready_step is None:
            continue
        expected = forecaster.expected(step_id)
        takes = f", about {format_duration(expected)}" if expected is not None else ""
        critical = ", critical" if ready_step.critical else ""
        ready_lines.append(f"  - {step_id}: {_c(ready_step.title)} ({_c(ready_step.owner)}{critical}{takes})")
    lines += _more(ready_lines, len(ready))

    trouble = state.steps_with(StepStatus.FAIL, StepStatus.BLOCKED)
    if trouble:
        lines.append("Failed or blocked:")
        trouble_lines = []
        for step in trouble:
            s = state.steps[step.id]
            note = f" — {_c(s.note)}" if _c(s.note) else ""
            trouble_lines.append(f"  - {step.id} {s.status.value}: {_c(step.title)}{note}")
        lines += _more(trouble_lines, len(trouble))

    issues = state.open_issues
    lines.append("Open known issues:" if issues else "Open known issues: none")
    for issue in issues:
        owner = _c(issue.owner) or "NO FOLLOW-UP OWNER"
        workaround = f"; workaround: {_c(issue.workaround)}" if _c(issue.workaround) else ""
        lines.append(f"  - {_c(issue.title)} (owner: {owner}){workaround}")

    statuses = evaluate(state)
    tripped = [c for c in statuses if c.tripped]
    lines.append("Rollback criteria tripped:" if tripped else "Rollback criteria tripped: none")
    lines += [f"  - {c.criterion.id}: {_c(c.criterion.condition)} ({_c(c.why)})" for c in tripped]
    unverified = [c for c in statuses if c.state is CriterionState.UNVERIFIED]
    if unverified:
        lines.append("Rollback criteria unverified (check by hand):")
        lines += [f"  - {c.criterion.id}: {_c(c.criterion.condition)} ({_c(c.why)})" for c in unverified]

    decisions = sorted(state.decisions, key=lambda d: d.at)
    lines.append("Decisions:" if decisions else "Decisions: none")
    for decision in decisions:
        lines.append(
            f"  - {_time(decision.at, zone)} {decision.decision.value} by {_c(decision.by) or 'operator'}:"
            f" {_c(decision.rationale)}"
        )
    return "\n".join(lines)


def handover_event(
    state: WindowState, now: datetime, outgoing: str, incoming: str, forecaster: Forecaster | None = None
) -> Handover:
    """The `handover` event, carrying the summary the incoming engineer was given."""
    summary = handover_summary(state, now, outgoing, incoming, forecaster)
    return Handover(at=now, by=outgoing, outgoing=outgoing, incoming=incoming, summary=summary)
