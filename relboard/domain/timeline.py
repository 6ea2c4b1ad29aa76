"""The window's timeline: every event in plain words, with the window's own milestones, by time.

Pure and reusable: the report's appendix and the board's timeline pane read the same entries. Texts
are single lines with control characters removed, single-spaced, with no space at either end; a view only
escapes them for its own format.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import datetime
from functools import partial
from operator import itemgetter
from typing import NamedTuple, assert_never

from relboard.domain.durations import format_clock, format_duration
from relboard.domain.events import (
    CommandsApproved,
    CriterionMarked,
    DecisionRecorded,
    Event,
    Handover,
    IssueOpened,
    IssueUpdated,
    NoteAdded,
    NoticeKind,
    NoticeSent,
    PlanLoaded,
    ProbeRan,
    StateRepaired,
    StepMarked,
    StepStarted,
    StepStatus,
)
from relboard.domain.state import WindowState
from relboard.domain.text import single_spaced as _c  # short: every description reads its data through it

WINDOW_START = "window_start"
ROLLBACK_DEADLINE = "rollback_deadline"
WINDOW_END = "window_end"
OVERRUN = "overrun"
MILESTONE_KINDS = (WINDOW_START, ROLLBACK_DEADLINE, WINDOW_END, OVERRUN)

# Plain words for each kind, for filters and legends.
KIND_LABELS: dict[str, str] = {
    "plan_loaded": "plan loaded",
    "step_marked": "step marked",
    "note_added": "note",
    "issue_opened": "issue opened",
    "issue_updated": "issue updated",
    "criterion_marked": "rollback criterion",
    "decision_recorded": "decision",
    "probe_ran": "probe result",
    "notice_sent": "notice sent",
    "step_started": "step started",
    "handover": "handover",
    "commands_approved": "commands approved",
    "state_repaired": "state repaired",
    WINDOW_START: "window start",
    ROLLBACK_DEADLINE: "rollback deadline",
    WINDOW_END: "window end",
    OVERRUN: "overrun",
}


class TimelineEntry(NamedTuple):
    # A tuple: a long window makes one per event, and a frozen dataclass takes three times as long to make.
    at: datetime
    kind: str
    who: str
    text: str

    @property
    def milestone(self) -> bool:
        return self.kind in MILESTONE_KINDS


def _with_detail(head: str, detail: str) -> str:
    detail = _c(detail)
    return f"{head} — {detail}" if detail else head


# Opening a plan and the pre-window notice (sent hours or days ahead by design) are not work on the
# change; counting them would stretch the actual window.
_NOT_WORK = (PlanLoaded, CommandsApproved)


def activity_span(state: WindowState) -> tuple[datetime, datetime] | None:
    """First and last recorded event that is work on the change (not plan loads, not the before notice)."""
    before = NoticeKind.BEFORE
    # By exact type, not isinstance: an event kind has no subclasses, and a long window has 100,000 events.
    times = [
        e.at for e in state.events if type(e) not in _NOT_WORK and (type(e) is not NoticeSent or e.notice is not before)
    ]
    return (min(times), max(times)) if times else None


# A status's word without the enum's descriptor (one per mark, a hundred thousand in a long window).
_STATUS = {status: status.value for status in StepStatus}


def _waited(step_ids: list[str]) -> str:
    return f" (while it waited on {', '.join(_c(s) for s in step_ids)})" if step_ids else ""


class _Describer:
    """Walks the journal in order, so issue titles read as they were at each moment."""

    def __init__(self, state: WindowState) -> None:
        # Each name single-spaced as a whole (a title that cleans to nothing leaves no double space).
        self.step_names = {step.id: _c(f"{step.title} ({step.id})") for step in state.plan.steps}
        self.issue_titles = {f"plan-{n}": k.title for n, k in enumerate(state.plan.known_issues, start=1)}
        tripping: dict[str, list[str]] = {}
        for criterion in state.plan.rollback.criteria:
            for step_id in criterion.trips_on:
                tripping.setdefault(step_id, []).append(criterion.id)
        self.tripping = {step_id: _c(", ".join(ids)) for step_id, ids in tripping.items()}

    def step_name(self, step_id: str) -> str:
        name = self.step_names.get(step_id)
        return name if name is not None else _c(f"{step_id} (not in the plan)")

    def line(self, event: Event) -> str:
        """The event's description, single-spaced. A step marked, started or noted (nine events in ten) is
        described only from single-spaced parts (`step_name`, `_with_detail`, `_waited`, status words) and
        needs no pass of its own; the undo of a mark quotes the mark it took back as written."""
        text = self.describe(event)
        if isinstance(event, StepMarked):
            return _c(text) if event.undoes else text
        return text if isinstance(event, (StepStarted, NoteAdded)) else _c(text)

    def issue_name(self, issue_id: str) -> str:
        return _c(self.issue_titles.get(issue_id, "")) or _c(issue_id)

    def describe(self, event: Event) -> str:
        match event:
            case PlanLoaded():
                return f"Plan loaded: {len(event.step_ids)} steps (plan {_c(event.plan_hash)[:12]})"
            case StepMarked() if event.undoes:
                back = _STATUS[event.status]
                head = f"Undo on {self.step_name(event.step)}: back to {back} (took back {event.undoes})"
                return _with_detail(head, event.note)
            case StepMarked():
                text = _with_detail(f"Step {_STATUS[event.status]}: {self.step_name(event.step)}", event.note)
                if event.status is StepStatus.FAIL and event.step in self.tripping:
                    text += f" (trips rollback criterion {self.tripping[event.step]})"
                return text + _waited(event.waited_on)
            case StepStarted():
                return _with_detail(f"Step started: {self.step_name(event.step)}", event.note) + _waited(
                    event.waited_on
                )
            case Handover():
                return f"Handover: {_c(event.outgoing) or 'operator'} handed the window to {_c(event.incoming)}"
            case NoteAdded():
                return _with_detail(f"Note on {self.step_name(event.step)}", event.note)
            case IssueOpened():
                self.issue_titles[event.issue] = event.title
                extras = [
                    f"{label}: {_c(value)}"
                    for label, value in (("workaround", event.workaround), ("owner", event.owner))
                    if _c(value)
                ]
                head = f"Issue opened: {self.issue_name(event.issue)}"
                return head + (f" ({'; '.join(extras)})" if extras else "")
            case IssueUpdated():
                if "title" in event.changed:
                    self.issue_titles[event.issue] = event.title
                name = self.issue_name(event.issue)
                if "resolved" in event.changed:
                    return f"Issue resolved: {name}" if event.resolved else f"Issue reopened: {name}"
                fields = ", ".join(_c(f) for f in event.changed) or "nothing"
                return f"Issue updated: {name} (changed: {fields})"
            case CriterionMarked():
                verb = "tripped" if event.tripped else "cleared"
                return _with_detail(f"Rollback criterion {verb}: {_c(event.criterion)}", event.reason)
            case DecisionRecorded():
                text = _with_detail(f"Decision: {event.decision.value}", event.rationale)
                if event.tripped:
                    text += f" (criteria: {', '.join(_c(t) for t in event.tripped)})"
                return text
            case ProbeRan():
                verdict = {"pass": "passed", "fail": "failed", "error": "could not check"}[event.outcome.value]
                measured = []
                if event.command:
                    measured.append(f"exit {event.exit_code}")
                elif event.status_code:
                    measured.append(f"HTTP {event.status_code}")
                if event.latency_ms:
                    measured.append(f"{event.latency_ms:.0f} ms")
                head = f"Probe {verdict}: {self.step_name(event.step)}"
                if measured:
                    head += f" ({', '.join(measured)})"
                return _with_detail(head, event.reason)
            case NoticeSent():
                head = (
                    f"Notice sent: {event.notice.value}"
                    if event.delivered
                    else f"Notice NOT delivered: {event.notice.value}"
                )
                if _c(event.channel):
                    head += f" via {_c(event.channel)}"
                if _c(event.action):
                    head += f" ({_c(event.action)})"
                return _with_detail(head, event.detail)
            case CommandsApproved():
                return f"Command checks approved: {len(event.commands)} (plan {_c(event.plan_hash)[:12]})"
            case StateRepaired():
                where = f" (lines {', '.join(_c(r) for r in event.lines)})" if event.lines else ""
                plural = "range" if event.damaged == 1 else "ranges"
                return (
                    f"State file repaired: {event.damaged} damaged {plural}{where} set aside in"
                    f" {_c(event.side_file)}; {event.kept} intact events kept"
                )
            case _:
                assert_never(event)


def _milestones(state: WindowState, now: datetime | None) -> list[TimelineEntry]:
    window = state.plan.window
    entries = [
        TimelineEntry(window.start, WINDOW_START, "", f"Window starts (planned {format_duration(window.duration)})"),
        TimelineEntry(
            window.rollback_deadline,
            ROLLBACK_DEADLINE,
            "",
            "Rollback deadline: a rollback decided later overruns the window"
            f" (rollback takes {format_duration(window.rollback_time)})",
        ),
        TimelineEntry(window.end, WINDOW_END, "", "Window ends"),
    ]
    span = activity_span(state)
    latest = max([t for t in (span[1] if span else None, now) if t is not None], default=None)
    if latest is not None and latest > window.end:
        tail = "so far" if now is not None and latest == now else "at the last recorded event"
        entries.append(
            TimelineEntry(
                latest, OVERRUN, "", f"Overrun: {format_clock(latest - window.end)} past the planned end, {tail}"
            )
        )
    return entries


def timeline(state: WindowState, now: datetime | None = None) -> list[TimelineEntry]:
    """Every event and milestone, oldest first; on the same instant window milestones come
    first, then events in journal order, then the overrun.

    `now` only matters while the window runs: past the end it adds a live overrun entry.
    """
    describer = _Describer(state)
    # A window has a few operators and a hundred thousand events: each name is cleaned once.
    who: dict[str, str] = {}
    entries = [
        _entry((e.at, e.kind, who.get(e.by) or who.setdefault(e.by, _c(e.by)), describer.line(e))) for e in state.events
    ]
    # A stable sort by time keeps journal order within an instant; a journal is nearly in time order
    # already, which the sort only checks.
    entries.sort(key=_AT)
    milestones = _milestones(state, now)
    # Each milestone goes before the events of its instant, the overrun after them (it is measured at the
    # last event); the last of them first, so that those of one instant keep their own order.
    for entry in reversed(milestones):
        if entry.kind == OVERRUN:
            entries.insert(bisect_right(entries, entry.at, key=_AT), entry)
        else:
            entries.insert(bisect_left(entries, entry.at, key=_AT), entry)
    return entries


_AT = itemgetter(0)
# TimelineEntry made from a tuple in C, as its own _make does, without the Python call of its __new__.
_entry = partial(tuple.__new__, TimelineEntry)
