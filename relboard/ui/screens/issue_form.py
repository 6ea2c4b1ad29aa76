"""Open or edit a known issue: title and follow-up owner are required."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.widgets import Input, Label

from relboard.domain.state import IssueState
from relboard.ui.screens.form import FormScreen
from relboard.ui.text import plain_line

ISSUE_FIELDS = ("title", "impact", "workaround", "owner", "step")


@dataclass(frozen=True)
class IssueFields:
    title: str
    impact: str
    workaround: str
    owner: str
    step: str

    def changed_from(self, issue: IssueState) -> list[str]:
        return [name for name in ISSUE_FIELDS if getattr(self, name) != getattr(issue, name)]


class IssueForm(FormScreen[IssueFields]):
    def __init__(self, issue: IssueState | None, *, step_exists: Callable[[str], bool], default_step: str = "") -> None:
        super().__init__()
        self.issue = issue
        self.step_exists = step_exists
        self.default_step = default_step

    def form_title(self) -> str:
        return "Edit known issue" if self.issue else "New known issue"

    def fields(self) -> ComposeResult:
        issue = self.issue
        yield Label(plain_line("Title (required)"), classes="form-label")
        yield Input(value=issue.title if issue else "", id="title", placeholder="What is wrong, in a line")
        yield Label(plain_line("Follow-up owner (required)"), classes="form-label")
        yield Input(value=issue.owner if issue else "", id="owner", placeholder="Who follows up after the window")
        yield Label(plain_line("Impact"), classes="form-label")
        yield Input(value=issue.impact if issue else "", id="impact", placeholder="Who is affected and how")
        yield Label(plain_line("Workaround"), classes="form-label")
        yield Input(value=issue.workaround if issue else "", id="workaround", placeholder="What users can do meanwhile")
        yield Label(plain_line("Linked step id"), classes="form-label")
        yield Input(value=issue.step if issue else self.default_step, id="step", placeholder="e.g. login (optional)")

    def validate_form(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if not self.value("title"):
            errors["title"] = "Title is required."
        if not self.value("owner"):
            errors["owner"] = "Follow-up owner is required."
        step = self.value("step")
        if step and not self.step_exists(step):
            errors["step"] = f"No step with id {step!r} in the plan."
        return errors

    def result(self) -> IssueFields:
        return IssueFields(**{name: self.value(name) for name in ISSUE_FIELDS})
