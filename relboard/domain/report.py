"""The post-change report as data: what a change manager attaches to the ticket.

Built from the window state alone (no clock, no files), so the same state always gives the same
report. Strings are kept as recorded; the renderers clean and escape them for their format.
"""

from __future__ import annotations

from datetime import UTC, timedelta, tzinfo
from functools import partial
from typing import NamedTuple

from msgspec import Struct

from relboard.domain import progress
from relboard.domain.catalog import CATEGORY_TITLES
from relboard.domain.close_code import CloseOutcome, close_outcome
from relboard.domain.durations import format_clock, format_duration
from relboard.domain.events import StepStatus
from relboard.domain.plan import Phase
from relboard.domain.report_table import Table
from relboard.domain.report_time import TimeWriter, format_time
from relboard.domain.report_timing import Timing, build_timing, timing_tables
from relboard.domain.rollback import CriterionState, evaluate
from relboard.domain.state import WindowState
from relboard.domain.timeline import KIND_LABELS, TimelineEntry, activity_span, timeline

TITLE = "Post-change report"
# Statuses the checklist section lists one by one, with their notes.
EXCEPTION_STATUSES = (StepStatus.FAIL, StepStatus.BLOCKED, StepStatus.SKIP)


class Field(Struct, frozen=True):
    label: str
    value: str


class StepException(Struct, frozen=True):
    id: str
    title: str
    owner: str
    critical: bool
    status: str
    note: str
    by: str
    at: str
    notes: tuple[str, ...]


class PhaseOutcome(Struct, frozen=True):
    phase: str
    total: int
    passed: int
    failed: int
    skipped: int
    blocked: int
    not_run: int
    exceptions: tuple[StepException, ...]
    not_run_ids: tuple[str, ...]


class CriterionLine(Struct, frozen=True):
    id: str
    condition: str
    tripped: bool
    why: str
    # "tripped", "unverified" or "not tripped"
    state: str = "not tripped"


class ProbeLine(Struct, frozen=True):
    at: str
    step: str
    passed: bool
    result: str
    status_code: str
    latency: str
    reason: str
    by: str


class IssueLine(Struct, frozen=True):
    id: str
    title: str
    source: str
    status: str
    impact: str
    workaround: str
    owner: str
    step: str


class DecisionLine(Struct, frozen=True):
    at: str
    decision: str
    rationale: str
    owners: str
    by: str
    criteria: str
    next_update: str


class NoticeLine(Struct, frozen=True):
    at: str
    notice: str
    delivered: bool
    channel: str
    detail: str
    by: str


class TimelineLine(NamedTuple):
    # A tuple (one per event): a table row as it is.
    at: str
    kind: str
    who: str
    text: str


# Made from a tuple in C, as TimelineLine._make does, without the Python call of its __new__.
_line = partial(tuple.__new__, TimelineLine)


class Report(Struct, frozen=True):
    title: str
    change: tuple[Field, ...]
    close: CloseOutcome
    zone_name: str
    window: tuple[tuple[str, str, str], ...]  # (what, planned, actual)
    owners: tuple[Field, ...]
    phases: tuple[PhaseOutcome, ...]
    timing: Timing
    criteria: tuple[CriterionLine, ...]
    probes: tuple[ProbeLine, ...]
    issues: tuple[IssueLine, ...]
    decisions: tuple[DecisionLine, ...]
    notices: tuple[NoticeLine, ...]
    timeline: tuple[TimelineLine, ...]


def tables(report: Report) -> list[Table]:
    """The report's tabular sections after the checklist, in order; the timeline appendix last."""
    return [
        *timing_tables(report.timing),
        Table(
            "criteria",
            "Rollback criteria",
            ("Criterion", "Condition", "State", "Why"),
            [(c.id, c.condition, c.state, c.why) for c in report.criteria],
            "No rollback criteria in the plan.",
        ),
        Table(
            "probes",
            "Probe results",
            ("Time", "Step", "Result", "HTTP", "Latency", "Detail"),
            [(p.at, p.step, p.result, p.status_code, p.latency, p.reason) for p in report.probes],
            "No probe ran.",
        ),
        Table(
            "issues",
            "Known issues",
            ("Issue", "Source", "Status", "Impact", "Workaround", "Follow-up owner"),
            [(i.title, i.source, i.status, i.impact, i.workaround, i.owner or "none named") for i in report.issues],
            "No known issues.",
        ),
        Table(
            "decisions",
            "Decisions",
            ("Time", "Decision", "Rationale", "Owners", "Decided by", "Criteria", "Next update"),
            [(d.at, d.decision, d.rationale, d.owners, d.by, d.criteria, d.next_update) for d in report.decisions],
            "No decision recorded.",
        ),
        Table(
            "notices",
            "Notices sent",
            ("Time", "Notice", "Delivered", "Channel", "Detail", "Sent by"),
            [(n.at, n.notice, "yes" if n.delivered else "NO", n.channel, n.detail, n.by) for n in report.notices],
            "No notice recorded.",
        ),
        Table(
            "timeline",
            "Appendix: timeline",
            ("Time", "Kind", "Who", "What"),
            list(report.timeline),
            single_spaced=True,  # as the timeline writes its entries, and times and kinds are
        ),
    ]


def _zone_name(state: WindowState) -> str:
    window = state.plan.window
    if window.timezone:
        return window.timezone
    offset = window.start.strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"


def _span_text(value: timedelta) -> str:
    return format_duration(value) if value.total_seconds() % 60 == 0 else format_clock(value)


def _change_fields(state: WindowState) -> tuple[Field, ...]:
    release = state.plan.release
    fields = [
        Field("Change reference", release.change_ref or "none recorded"),
        Field("Environment", f"{release.environment} ({release.deployment_model})"),
        Field("Category", CATEGORY_TITLES[release.category]),
        Field("Release scope", release.scope),
    ]
    if release.release_notes:
        fields.append(Field("Release notes", release.release_notes))
    return tuple(fields)


def _window_rows(state: WindowState, zone: tzinfo | None) -> tuple[tuple[str, str, str], ...]:
    window = state.plan.window
    span = activity_span(state)
    if span is None:
        first = last = None
        actual_duration = "no activity recorded"
        overrun = "none"
    else:
        first, last = span
        actual_duration = _span_text(last - first)
        late = last - window.end
        overrun = f"{format_clock(late)} past the planned end" if late > timedelta(0) else "none"
    return (
        (
            "Start",
            format_time(window.start, zone),
            f"{format_time(first, zone)} (first event)" if first else "no activity recorded",
        ),
        (
            "End",
            format_time(window.end, zone),
            f"{format_time(last, zone)} (last event)" if last else "no activity recorded",
        ),
        ("Duration", format_duration(window.duration), actual_duration),
        (
            "Rollback deadline",
            f"{format_time(window.rollback_deadline, zone)} (rollback takes {format_duration(window.rollback_time)})",
            "",
        ),
        ("Overrun", "", overrun),
    )


def _owners(state: WindowState, zone: tzinfo | None) -> tuple[Field, ...]:
    window = state.plan.window
    fields = [
        Field("Technical owner", window.technical_owner),
        Field("Business owner", window.business_owner),
        Field("Validation owner", window.validation_owner),
        Field("Communication owner", window.communication_owner),
        Field("Decision owners", ", ".join(state.plan.decision_owners)),
    ]
    # Each decision labelled by what was decided, naming exactly who decided it.
    for decision in sorted(state.decisions, key=lambda d: d.at):
        who = decision.by.strip() or "not recorded"
        fields.append(
            Field(f"{decision.decision.value.capitalize()} decided by", f"{who} ({format_time(decision.at, zone)})")
        )
    if state.plan.notices.support_contact:
        fields.append(Field("Support contact", state.plan.notices.support_contact))
    return tuple(fields)


def _phases(state: WindowState, zone: tzinfo | None) -> tuple[PhaseOutcome, ...]:
    counts = {p.label: p for p in progress.by_phase(state)}
    result = []
    for phase in Phase:
        if phase.value not in counts:
            continue
        count = counts[phase.value]
        steps = [s for s in state.plan.steps if s.phase is phase]
        exceptions = []
        for step in steps:
            s = state.steps[step.id]
            if s.status in EXCEPTION_STATUSES:
                exceptions.append(
                    StepException(
                        id=step.id,
                        title=step.title,
                        owner=step.owner,
                        critical=step.critical,
                        status=s.status.value,
                        note=s.note,
                        by=s.by,
                        at=format_time(s.at, zone),
                        notes=tuple(n.note for n in s.notes),
                    )
                )
        result.append(
            PhaseOutcome(
                phase=phase.value,
                total=count.total,
                passed=count.passed,
                failed=count.failed,
                skipped=count.skipped,
                blocked=count.blocked,
                not_run=count.pending,
                exceptions=tuple(exceptions),
                not_run_ids=tuple(s.id for s in steps if state.steps[s.id].status is StepStatus.PENDING),
            )
        )
    return tuple(result)


def _step_name(state: WindowState, step_id: str) -> str:
    step = state.plan.step(step_id)
    return f"{step.title} ({step_id})" if step is not None else f"{step_id} (not in the plan)"


def build_report(state: WindowState, utc: bool = False) -> Report:
    """Every time in the window's zone (named once, at the top), or in UTC."""
    plan = state.plan
    zone = UTC if utc else plan.window.zone
    moment = TimeWriter(zone)
    issues = tuple(
        IssueLine(
            id=i.id,
            title=i.title,
            source="plan" if i.from_plan else "found in the window",
            status="resolved" if i.resolved else "open",
            impact=i.impact,
            workaround=i.workaround,
            owner=i.owner,
            step=i.step,
        )
        for i in state.issues.values()
    )
    decisions = tuple(
        DecisionLine(
            at=moment(d.at),
            decision=d.decision.value,
            rationale=d.rationale,
            owners=", ".join(o for o in (d.technical_owner, d.business_owner) if o.strip()),
            by=d.by,
            criteria=", ".join(d.tripped),
            next_update=d.next_update,
        )
        for d in sorted(state.decisions, key=lambda e: e.at)
    )
    probes = tuple(
        ProbeLine(
            at=moment(p.at),
            step=_step_name(state, p.step),
            passed=p.passed,
            result={"pass": "passed", "fail": "failed", "error": "could not check"}[p.outcome.value],
            status_code=f"exit {p.exit_code}" if p.command else str(p.status_code) if p.status_code else "",
            latency=f"{p.latency_ms:.0f} ms" if p.latency_ms else "",
            reason=p.reason,
            by=p.by,
        )
        for p in sorted(state.probes, key=lambda e: e.at)
    )
    notices = tuple(
        NoticeLine(
            at=moment(n.at),
            notice=n.notice.value,
            delivered=n.delivered,
            channel=n.channel,
            detail=n.detail,
            by=n.by,
        )
        for n in sorted(state.notices, key=lambda e: e.at)
    )
    entries: list[TimelineEntry] = timeline(state)
    label = KIND_LABELS.get
    return Report(
        title=plan.release.title,
        change=_change_fields(state),
        close=close_outcome(state),
        zone_name="UTC" if utc else _zone_name(state),
        window=_window_rows(state, zone),
        owners=_owners(state, zone),
        phases=_phases(state, zone),
        timing=build_timing(state),
        criteria=tuple(
            CriterionLine(
                c.criterion.id,
                c.criterion.condition,
                c.tripped,
                c.why,
                "not tripped" if c.state is CriterionState.OK else c.state.value,
            )
            for c in evaluate(state)
        ),
        probes=probes,
        issues=issues,
        decisions=decisions,
        notices=notices,
        timeline=tuple([_line((moment(at), label(kind, kind), who, text)) for at, kind, who, text in entries]),
    )
