"""The events' models: how an event from outside (a journal block, the hub) is checked, in pydantic's words.

`event_input` reads well-formed events without them; anything it is not sure of comes here, which
decides and says what is wrong. A validated model becomes the domain's event (`relboard.domain.events`,
same names and fields) by `to_event`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from relboard.domain import events as domain
from relboard.domain.events import Decision, NoticeKind, ProbeOutcome, StepStatus
from relboard.domain.identity import HLC_PATTERN, ID_PATTERN, WRITER_PATTERN


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    at: AwareDatetime
    by: str = ""
    # Who made it and when, across machines (see identity); optional so that older journals load as they are.
    id: Annotated[str, Field(pattern=ID_PATTERN)] | None = None
    writer: Annotated[str, Field(pattern=WRITER_PATTERN)] | None = None
    hlc: Annotated[str, Field(pattern=HLC_PATTERN)] | None = None


class PlanLoaded(_Event):
    """The window was opened against a plan; its hash and steps, to notice later edits."""

    kind: Literal["plan_loaded"] = "plan_loaded"
    plan_hash: str
    step_ids: list[str]


class StepMarked(_Event):
    kind: Literal["step_marked"] = "step_marked"
    step: str
    status: StepStatus
    note: str = ""
    # An undo is a mark of its own that brings the step back: the status it took back ("" otherwise).
    undoes: str = ""
    # Prerequisites that had not passed when the step was marked anyway (reality wins, on the record).
    waited_on: list[str] = Field(default_factory=list)


class StepStarted(_Event):
    """Work on a step began: its elapsed time runs from here."""

    kind: Literal["step_started"] = "step_started"
    step: str
    note: str = ""
    waited_on: list[str] = Field(default_factory=list)


class NoteAdded(_Event):
    kind: Literal["note_added"] = "note_added"
    step: str
    note: str


class IssueOpened(_Event):
    """A known issue found during the window (accepted limitations come from the plan)."""

    kind: Literal["issue_opened"] = "issue_opened"
    issue: str
    title: str
    impact: str = ""
    workaround: str = ""
    owner: str = ""
    step: str = ""


class IssueUpdated(_Event):
    """Changes to a known issue; only the fields listed in `changed` apply."""

    kind: Literal["issue_updated"] = "issue_updated"
    issue: str
    changed: list[str] = Field(default_factory=list)
    title: str = ""
    impact: str = ""
    workaround: str = ""
    owner: str = ""
    step: str = ""
    resolved: bool = False


class CriterionMarked(_Event):
    kind: Literal["criterion_marked"] = "criterion_marked"
    criterion: str
    tripped: bool
    reason: str


class DecisionRecorded(_Event):
    kind: Literal["decision_recorded"] = "decision_recorded"
    decision: Decision
    rationale: str
    tripped: list[str] = Field(default_factory=list)
    business_owner: str = ""
    technical_owner: str = ""
    impact_statement: str = ""
    next_update: str = ""


class ProbeRan(_Event):
    kind: Literal["probe_ran"] = "probe_ran"
    step: str
    outcome: ProbeOutcome
    status_code: int = 0
    latency_ms: float = 0.0
    reason: str = ""
    command: str = Field("", description="A command check: the argv that ran, shell-quoted")
    exit_code: int = 0
    output: str = Field("", description="A command check's output: first and last 4 KiB, masked")

    @model_validator(mode="before")
    @classmethod
    def _two_outcomes(cls, data: Any) -> Any:
        # Journals written before `error` existed say `passed = true/false`.
        if isinstance(data, dict) and "passed" in data and "outcome" not in data:
            data = dict(data)
            data["outcome"] = ProbeOutcome.PASS if data.pop("passed") else ProbeOutcome.FAIL
        return data

    @property
    def passed(self) -> bool:
        return self.outcome is ProbeOutcome.PASS

    @property
    def failed(self) -> bool:
        return self.outcome is ProbeOutcome.FAIL

    @property
    def errored(self) -> bool:
        return self.outcome is ProbeOutcome.ERROR


class NoticeSent(_Event):
    kind: Literal["notice_sent"] = "notice_sent"
    notice: NoticeKind
    delivered: bool
    channel: str = ""
    detail: str = ""
    text: str = ""
    action: str = Field("", description="What the channel was asked to do: create, update, trigger, resolve, ...")
    ref: str = Field("", description="The channel's id for what it made (a maintenance id, a dedup key)")
    covers: list[str] = Field(default_factory=list, description="A page: the trips and decisions it told of")


class CommandsApproved(_Event):
    """The operator approved the plan's command checks, exactly as listed, for this plan hash."""

    kind: Literal["commands_approved"] = "commands_approved"
    plan_hash: str
    digest: str
    commands: list[str]


class Handover(_Event):
    """A shift change: `by` hands the window over to `incoming`; `summary` is what they were given."""

    kind: Literal["handover"] = "handover"
    outgoing: str
    incoming: str
    summary: str = ""


class StateRepaired(_Event):
    """The state file was repaired: its damaged byte ranges were copied aside and every intact event kept."""

    kind: Literal["state_repaired"] = "state_repaired"
    damaged: int  # how many damaged ranges were set aside
    lines: list[str] = Field(default_factory=list)  # their lines in the damaged file, "2031-2040"
    side_file: str = ""  # the file beside the state that holds their bytes
    kept: int = 0  # intact events kept


Event = Annotated[
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
    | StateRepaired,
    Field(discriminator="kind"),
]

EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)


def to_event(model: BaseModel) -> domain.Event:
    """The domain's event for a validated model."""
    made: domain.Event = domain.KINDS[model.kind](**model.__dict__)  # type: ignore[attr-defined]  # each event model has its kind
    return made


def validate_event(data: Any) -> domain.Event:
    """The event `data` (as a journal block or the hub's JSON reads) holds; raises ValidationError, a ValueError."""
    return to_event(EVENT_ADAPTER.validate_python(data))
