"""Everything that happens during a window is an event; the window state is their fold.

Events are flat (scalars and lists of strings) so that each one is a single `[[event]]` block in
the TOML journal. They are frozen records (`records`): what comes from outside (a journal block, the
hub) is checked where it enters (`event_input`, with the models of `event_model` deciding and
wording anything unusual); what relboard makes itself is made right.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from operator import attrgetter
from typing import Any, Literal

from msgspec import Struct, field

from relboard.domain.records import defaults, field_names, written_types


class StepStatus(StrEnum):
    PENDING = "pending"
    PASS = "pass"
    FAIL = "fail"
    SKIP = "skip"
    BLOCKED = "blocked"


class Decision(StrEnum):
    CONTINUE = "continue"
    PAUSE = "pause"
    ROLLBACK = "rollback"
    RESCHEDULE = "reschedule"


class NoticeKind(StrEnum):
    BEFORE = "before"
    AFTER = "after"
    DECISION = "decision"
    PAGE = "page"  # the pager (PagerDuty): an alert to the escalation path, not a notice to users


class ProbeOutcome(StrEnum):
    """`fail`: checked, and the service answered wrongly. `error`: could not check from here."""

    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"


def utc_now() -> datetime:
    return datetime.now(UTC)


# gc=False (inherited by every kind): an event holds text, moments and lists of text, never a cycle; untracked,
# each is 16 bytes smaller, and a window of 100,000 events is not walked by the cycle collector.
class _Event(Struct, frozen=True, kw_only=True, gc=False):
    at: datetime
    by: str = ""
    # Who made it and when, across machines (see identity); optional so that older journals load as they are.
    id: str | None = None
    writer: str | None = None
    hlc: str | None = None


class PlanLoaded(_Event, frozen=True, kw_only=True):
    """The window was opened against a plan; its hash and steps, to notice later edits."""

    kind: Literal["plan_loaded"] = "plan_loaded"
    plan_hash: str
    step_ids: list[str]


class StepMarked(_Event, frozen=True, kw_only=True):
    kind: Literal["step_marked"] = "step_marked"
    step: str
    status: StepStatus
    note: str = ""
    # An undo is a mark of its own that brings the step back: the status it took back ("" otherwise).
    undoes: str = ""
    # Prerequisites that had not passed when the step was marked anyway (reality wins, on the record).
    waited_on: list[str] = field(default_factory=list)


class StepStarted(_Event, frozen=True, kw_only=True):
    """Work on a step began: its elapsed time runs from here."""

    kind: Literal["step_started"] = "step_started"
    step: str
    note: str = ""
    waited_on: list[str] = field(default_factory=list)


class NoteAdded(_Event, frozen=True, kw_only=True):
    kind: Literal["note_added"] = "note_added"
    step: str
    note: str


class IssueOpened(_Event, frozen=True, kw_only=True):
    """A known issue found during the window (accepted limitations come from the plan)."""

    kind: Literal["issue_opened"] = "issue_opened"
    issue: str
    title: str
    impact: str = ""
    workaround: str = ""
    owner: str = ""
    step: str = ""


class IssueUpdated(_Event, frozen=True, kw_only=True):
    """Changes to a known issue; only the fields listed in `changed` apply."""

    kind: Literal["issue_updated"] = "issue_updated"
    issue: str
    changed: list[str] = field(default_factory=list)
    title: str = ""
    impact: str = ""
    workaround: str = ""
    owner: str = ""
    step: str = ""
    resolved: bool = False


class CriterionMarked(_Event, frozen=True, kw_only=True):
    kind: Literal["criterion_marked"] = "criterion_marked"
    criterion: str
    tripped: bool
    reason: str


class DecisionRecorded(_Event, frozen=True, kw_only=True):
    kind: Literal["decision_recorded"] = "decision_recorded"
    decision: Decision
    rationale: str
    tripped: list[str] = field(default_factory=list)
    business_owner: str = ""
    technical_owner: str = ""
    impact_statement: str = ""
    next_update: str = ""


class ProbeRan(_Event, frozen=True, kw_only=True):
    kind: Literal["probe_ran"] = "probe_ran"
    step: str
    outcome: ProbeOutcome
    status_code: int = 0
    latency_ms: float = 0.0
    reason: str = ""
    command: str = ""  # a command check: the argv that ran, shell-quoted
    exit_code: int = 0
    output: str = ""  # a command check's output: first and last 4 KiB, masked

    @property
    def passed(self) -> bool:
        return self.outcome is ProbeOutcome.PASS

    @property
    def failed(self) -> bool:
        return self.outcome is ProbeOutcome.FAIL

    @property
    def errored(self) -> bool:
        return self.outcome is ProbeOutcome.ERROR


class NoticeSent(_Event, frozen=True, kw_only=True):
    kind: Literal["notice_sent"] = "notice_sent"
    notice: NoticeKind
    delivered: bool
    channel: str = ""
    detail: str = ""
    text: str = ""
    action: str = ""  # what the channel was asked to do: create, update, trigger, resolve, ...
    ref: str = ""  # the channel's id for what it made (a maintenance id, a dedup key)
    covers: list[str] = field(default_factory=list)  # a page: the trips and decisions it told of


class CommandsApproved(_Event, frozen=True, kw_only=True):
    """The operator approved the plan's command checks, exactly as listed, for this plan hash."""

    kind: Literal["commands_approved"] = "commands_approved"
    plan_hash: str
    digest: str
    commands: list[str]


class Handover(_Event, frozen=True, kw_only=True):
    """A shift change: `by` hands the window over to `incoming`; `summary` is what they were given."""

    kind: Literal["handover"] = "handover"
    outgoing: str
    incoming: str
    summary: str = ""


class StateRepaired(_Event, frozen=True, kw_only=True):
    """The state file was repaired: its damaged byte ranges were copied aside and every intact event kept."""

    kind: Literal["state_repaired"] = "state_repaired"
    damaged: int  # how many damaged ranges were set aside
    lines: list[str] = field(default_factory=list)  # their lines in the damaged file, "2031-2040"
    side_file: str = ""  # the file beside the state that holds their bytes
    kept: int = 0  # intact events kept


Event = (
    PlanLoaded
    | StepMarked
    | NoteAdded
    | IssueOpened
    | IssueUpdated
    | CriterionMarked
    | DecisionRecorded
    | ProbeRan
    | NoticeSent
    | StepStarted
    | Handover
    | CommandsApproved
    | StateRepaired
)

EVENT_TYPES: tuple[type[Event], ...] = (
    PlanLoaded,
    StepMarked,
    NoteAdded,
    IssueOpened,
    IssueUpdated,
    CriterionMarked,
    DecisionRecorded,
    ProbeRan,
    NoticeSent,
    StepStarted,
    Handover,
    CommandsApproved,
    StateRepaired,
)

_IDENTITY = ("id", "writer", "hlc")
_FIELDS: dict[type[Any], tuple[str, ...]] = {cls: field_names(cls) for cls in EVENT_TYPES}
# Each kind's name (its `kind` field's default) and its class.
KINDS: dict[str, type[Event]] = {str(defaults(cls)["kind"]): cls for cls in EVENT_TYPES}


def event_fields(cls: type[Event]) -> tuple[str, ...]:
    """The event's fields in the order they are saved: the common ones first, then the kind's own."""
    return _FIELDS[cls]


def event_to_dict(event: Event) -> dict[str, Any]:
    """A TOML-ready dict: kind first, the identity last (left out when unset), datetimes kept as datetimes,
    enums as strings."""
    values, enums, lists = _LAYOUT[type(event)]
    ordered: dict[str, Any] = dict(zip(_ORDER[type(event)], values(event), strict=True))
    for name in enums:
        value = ordered[name]
        if isinstance(value, StrEnum):
            ordered[name] = value.value
    for name in lists:
        ordered[name] = list(ordered[name])
    for name in _IDENTITY:
        if ordered[name] is None:
            del ordered[name]
    return ordered


def _layout(cls: type[Event]) -> tuple[Callable[[Event], tuple[Any, ...]], tuple[str, ...], tuple[str, ...]]:
    # One C call reads every field in saving order; the enum and list fields are the ones to convert.
    types = written_types(cls)
    return (
        attrgetter(*_ORDER[cls]),
        tuple(name for name, hint in types.items() if hint in _ENUM_NAMES),
        tuple(name for name, hint in types.items() if hint.startswith("list[")),
    )


_ENUM_NAMES = frozenset({"StepStatus", "Decision", "NoticeKind", "ProbeOutcome"})
_ORDER = {
    cls: ("kind", *(n for n in _FIELDS[cls] if n != "kind" and n not in _IDENTITY), *_IDENTITY) for cls in EVENT_TYPES
}
_LAYOUT = {cls: _layout(cls) for cls in EVENT_TYPES}
