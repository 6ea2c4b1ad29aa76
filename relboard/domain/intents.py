"""What an operator means to do, checked against the window: the event to record, or why not.

The board, every command and the hub record through these rules, so a refusal reads the same
wherever it comes from. Nothing here knows who is asking or when: the recorder passes a `Stamp`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from msgspec import Struct
from msgspec.structs import replace

from relboard.domain.events import (
    CriterionMarked,
    Decision,
    DecisionRecorded,
    Event,
    IssueOpened,
    IssueUpdated,
    NoteAdded,
    NoticeKind,
    NoticeSent,
    PlanLoaded,
    ProbeRan,
    StepMarked,
    StepStatus,
)
from relboard.domain.state import WindowState
from relboard.domain.step_events import mark_event, start_event

# Decisions that undo or move the release: the owners must be named and the impact stated.
NEEDS_OWNERS = (Decision.ROLLBACK, Decision.RESCHEDULE)
ISSUE_FIELDS = ("title", "impact", "workaround", "owner", "step")


class Stamp(Struct, frozen=True):
    """Who records, when, and a few random characters for ids two boards may make at the same moment."""

    at: datetime
    by: str
    nonce: str = ""


class Refusal(Struct, frozen=True):
    """Nothing is recorded; `reason` says why in words for the engineer.

    `already` means the window already says what was asked (not an error: a script may repeat itself).
    """

    reason: str
    already: bool = False


class Intent(Protocol):
    def event(self, state: WindowState, stamp: Stamp) -> Event | Refusal: ...


def _no_step(step_id: str) -> Refusal:
    return Refusal(f"there is no step {step_id!r} in the plan (was it renamed or removed?)")


class MarkStep(Struct, frozen=True):
    step: str
    status: StepStatus
    note: str = ""

    def event(self, state: WindowState, stamp: Stamp) -> Event | Refusal:
        current = state.steps.get(self.step)
        if current is None:
            return _no_step(self.step)
        if current.status is self.status and current.note == self.note:
            return Refusal(f"{self.step}: already {self.status.value}", already=True)
        # A step whose prerequisites have not passed may still be marked (reality wins); the event says so.
        return mark_event(state, self.step, self.status, at=stamp.at, by=stamp.by, note=self.note)


class UndoMark(Struct, frozen=True):
    """Take back the mark in effect on a step: recorded as a mark of its own, never a deletion."""

    step: str

    def event(self, state: WindowState, stamp: Stamp) -> Event | Refusal:
        current = state.steps.get(self.step)
        if current is None:
            return _no_step(self.step)
        in_effect = [
            e
            for e in current.history
            if (isinstance(e, StepMarked) or (isinstance(e, ProbeRan) and not e.errored)) and e.at == current.at
        ]
        if not in_effect:
            return Refusal(f"{self.step}: no mark to undo")
        before = current.without(in_effect[-1])
        return StepMarked(
            at=stamp.at,
            by=stamp.by,
            step=self.step,
            status=before.status,
            note=before.note,
            undoes=current.status.value,
        )


class StartStep(Struct, frozen=True):
    """Work on a step begins: its elapsed time runs from here."""

    step: str
    note: str = ""

    def event(self, state: WindowState, stamp: Stamp) -> Event | Refusal:
        if self.step not in state.steps:
            return _no_step(self.step)
        return start_event(state, self.step, at=stamp.at, by=stamp.by, note=self.note)


class HandOver(Struct, frozen=True):
    """A shift change: the operator hands the window to `incoming`; the event carries the summary given."""

    incoming: str

    def event(self, state: WindowState, stamp: Stamp) -> Event | Refusal:
        if not self.incoming.strip():
            return Refusal("a handover needs the incoming engineer's name")
        # Here, not at the top: the summary reads the forecast and the rollback rules, which `relboard mark`
        # (once per step of a deploy script) has no use for.
        from relboard.domain.handover import handover_event

        return handover_event(state, stamp.at, stamp.by, self.incoming)


class AddNote(Struct, frozen=True):
    step: str
    note: str

    def event(self, state: WindowState, stamp: Stamp) -> Event | Refusal:
        if self.step not in state.steps:
            return _no_step(self.step)
        if not self.note:
            return Refusal("a note needs some text")
        return NoteAdded(at=stamp.at, by=stamp.by, step=self.step, note=self.note)


class IssueFields(Struct, frozen=True):
    """A known issue as a form or a command gives it."""

    title: str
    owner: str
    impact: str = ""
    workaround: str = ""
    step: str = ""

    def problems(self, state: WindowState) -> dict[str, str]:
        """Field name -> what is wrong with it; empty when the issue can be recorded."""
        problems: dict[str, str] = {}
        if not self.title.strip():
            problems["title"] = "Title is required."
        if not self.owner.strip():
            problems["owner"] = "Follow-up owner is required."
        if self.step and self.step not in state.steps:
            problems["step"] = f"No step with id {self.step!r} in the plan."
        return problems

    def changed_from(self, issue_id: str, state: WindowState) -> list[str]:
        issue = state.issues[issue_id]
        return [name for name in ISSUE_FIELDS if getattr(self, name) != getattr(issue, name)]


def _first_problem(problems: dict[str, str]) -> Refusal | None:
    return Refusal(next(iter(problems.values()))) if problems else None


def next_issue_id(state: WindowState, nonce: str) -> str:
    """`issue-N-xxxx`: N counts the issues opened during the window; two boards opening one in the
    same second get different nonces, so their ids stay apart."""
    number = sum(1 for issue in state.issues.values() if not issue.from_plan) + 1
    return f"issue-{number}-{nonce}" if nonce else f"issue-{number}"


class OpenIssue(Struct, frozen=True):
    fields: IssueFields

    def event(self, state: WindowState, stamp: Stamp) -> Event | Refusal:
        refusal = _first_problem(self.fields.problems(state))
        if refusal is not None:
            return refusal
        f = self.fields
        return IssueOpened(
            at=stamp.at,
            by=stamp.by,
            issue=next_issue_id(state, stamp.nonce),
            title=f.title,
            impact=f.impact,
            workaround=f.workaround,
            owner=f.owner,
            step=f.step,
        )


def _no_issue(issue_id: str) -> Refusal:
    return Refusal(f"there is no known issue {issue_id!r}")


class UpdateIssue(Struct, frozen=True):
    issue: str
    fields: IssueFields

    def event(self, state: WindowState, stamp: Stamp) -> Event | Refusal:
        if self.issue not in state.issues:
            return _no_issue(self.issue)
        refusal = _first_problem(self.fields.problems(state))
        if refusal is not None:
            return refusal
        changed = self.fields.changed_from(self.issue, state)
        if not changed:
            return Refusal("nothing changed", already=True)
        values = {name: getattr(self.fields, name) for name in changed}
        return IssueUpdated(at=stamp.at, by=stamp.by, issue=self.issue, changed=changed, **values)


class ResolveIssue(Struct, frozen=True):
    issue: str

    def event(self, state: WindowState, stamp: Stamp) -> Event | Refusal:
        issue = state.issues.get(self.issue)
        if issue is None:
            return _no_issue(self.issue)
        if issue.resolved:
            return Refusal(f"already resolved: {issue.title}", already=True)
        return IssueUpdated(at=stamp.at, by=stamp.by, issue=self.issue, changed=["resolved"], resolved=True)


class ReopenIssue(Struct, frozen=True):
    issue: str

    def event(self, state: WindowState, stamp: Stamp) -> Event | Refusal:
        issue = state.issues.get(self.issue)
        if issue is None:
            return _no_issue(self.issue)
        if not issue.resolved:
            return Refusal(f"still open: {issue.title}", already=True)
        return IssueUpdated(at=stamp.at, by=stamp.by, issue=self.issue, changed=["resolved"], resolved=False)


class MarkCriterion(Struct, frozen=True):
    criterion: str
    tripped: bool
    reason: str

    def event(self, state: WindowState, stamp: Stamp) -> Event | Refusal:
        if all(c.id != self.criterion for c in state.plan.rollback.criteria):
            return Refusal(f"there is no rollback criterion {self.criterion!r} in the plan")
        if not self.reason.strip():
            return Refusal("say why: a criterion is marked with a reason")
        return CriterionMarked(
            at=stamp.at, by=stamp.by, criterion=self.criterion, tripped=self.tripped, reason=self.reason
        )


class DecisionFields(Struct, frozen=True):
    """A rollback decision as the form or a command gives it."""

    decision: Decision
    rationale: str
    by: str
    impact_statement: str = ""
    business_owner: str = ""
    technical_owner: str = ""
    next_update: str = ""

    def problems(self) -> dict[str, str]:
        """Field name -> what is missing; a rollback or reschedule needs both owners and the impact."""
        problems: dict[str, str] = {}
        if not self.rationale.strip():
            problems["rationale"] = "Rationale is required."
        if not self.by.strip():
            problems["by"] = "Say who decided."
        if self.decision in NEEDS_OWNERS:
            word = self.decision.value
            if not self.impact_statement.strip():
                problems["impact_statement"] = f"A {word} needs the impact statement."
            if not self.business_owner.strip():
                problems["business_owner"] = f"A {word} needs the business owner's name."
            if not self.technical_owner.strip():
                problems["technical_owner"] = f"A {word} needs the technical owner's name."
        return problems


class RecordDecision(Struct, frozen=True):
    fields: DecisionFields

    def event(self, state: WindowState, stamp: Stamp) -> Event | Refusal:
        refusal = _first_problem(self.fields.problems())
        if refusal is not None:
            return refusal
        f = self.fields
        from relboard.domain.rollback import evaluate  # see HandOver.event

        return DecisionRecorded(
            at=stamp.at,
            # The form names who decided; the operator at the keyboard may only be writing it down.
            by=f.by,
            decision=f.decision,
            rationale=f.rationale,
            tripped=[status.criterion.id for status in evaluate(state) if status.tripped],
            business_owner=f.business_owner,
            technical_owner=f.technical_owner,
            impact_statement=f.impact_statement,
            next_update=f.next_update,
        )


class OpenWindow(Struct, frozen=True):
    """The window is opened against this plan: recorded once per plan version, to notice later edits."""

    plan_hash: str

    def event(self, state: WindowState, stamp: Stamp) -> Event | Refusal:
        last = state.last_plan
        if last is not None and last.plan_hash == self.plan_hash:
            return Refusal("the window already knows this plan", already=True)
        return PlanLoaded(at=stamp.at, by=stamp.by, plan_hash=self.plan_hash, step_ids=[s.id for s in state.plan.steps])


class RecordNotice(Struct, frozen=True):
    """A notice went out, or an attempt to send one failed: both belong in the record."""

    notice: NoticeKind
    delivered: bool
    channel: str
    detail: str = ""
    text: str = ""

    def event(self, state: WindowState, stamp: Stamp) -> Event | Refusal:
        return NoticeSent(
            at=stamp.at,
            by=stamp.by,
            notice=self.notice,
            delivered=self.delivered,
            channel=self.channel,
            detail=self.detail,
            text=self.text,
        )


class RecordProbe(Struct, frozen=True):
    """A probe's result, restamped with the recorder's clock so it sorts with the marks made beside it."""

    result: ProbeRan

    def event(self, state: WindowState, stamp: Stamp) -> Event | Refusal:
        if self.result.step not in state.steps:
            return _no_step(self.result.step)
        return replace(self.result, at=stamp.at, by=stamp.by or self.result.by)
