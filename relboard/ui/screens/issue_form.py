"""Open or edit a known issue; what is required is the domain's rule (`IssueFields.problems`)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Label

from relboard.domain.intents import ISSUE_FIELDS, IssueFields
from relboard.domain.state import IssueState, WindowState
from relboard.ui.screens.form import FormScreen
from relboard.ui.text import plain_line


class IssueForm(FormScreen[IssueFields]):
    def __init__(self, state: WindowState, issue: IssueState | None, *, default_step: str = "") -> None:
        super().__init__()
        self.state = state
        self.issue = issue
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
        return self.result().problems(self.state)

    def result(self) -> IssueFields:
        return IssueFields(**{name: self.value(name) for name in ISSUE_FIELDS})
