"""The rollback decision, and an operator's mark on a single criterion; the rules are the domain's."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.widgets import Input, Label, RadioButton, RadioSet

from relboard.domain.events import Decision
from relboard.domain.intents import DecisionFields
from relboard.domain.rollback import evaluate
from relboard.domain.state import WindowState
from relboard.ui.screens.form import FormScreen
from relboard.ui.text import plain_line


class DecisionForm(FormScreen[DecisionFields]):
    TITLE = "Record a rollback decision"

    def __init__(self, state: WindowState, operator: str) -> None:
        super().__init__()
        self.state = state
        self.operator = operator

    def fields(self) -> ComposeResult:
        window, rollback = self.state.plan.window, self.state.plan.rollback
        tripped = ", ".join(s.criterion.id for s in evaluate(self.state) if s.tripped) or "none"
        yield Label(plain_line(f"Tripped criteria: {tripped}"), classes="form-context")
        with RadioSet(id="decision"):
            for n, decision in enumerate(Decision):
                yield RadioButton(decision.value, value=n == 0, id=f"decision-{decision.value}")
        yield Label(plain_line("Rationale (required)"), classes="form-label")
        yield Input(id="rationale", placeholder="Why, in a sentence")
        yield Label(plain_line("Decided by (required)"), classes="form-label")
        yield Input(value=self.operator, id="by")
        yield Label(plain_line("Impact statement (required for rollback and reschedule)"), classes="form-label")
        yield Input(value=rollback.impact_statement, id="impact_statement")
        yield Label(plain_line("Business owner (required for rollback and reschedule)"), classes="form-label")
        yield Input(value=window.business_owner, id="business_owner")
        yield Label(plain_line("Technical owner (required for rollback and reschedule)"), classes="form-label")
        yield Input(value=window.technical_owner, id="technical_owner")
        yield Label(plain_line("Next update (optional), e.g. 23:45"), classes="form-label")
        yield Input(id="next_update")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#rationale", Input).focus()

    @property
    def decision(self) -> Decision:
        index = self.query_one("#decision", RadioSet).pressed_index
        return list(Decision)[index] if index >= 0 else Decision.CONTINUE

    def select(self, decision: Decision) -> None:
        self.query_one(f"#decision-{decision.value}", RadioButton).value = True

    def validate_form(self) -> dict[str, str]:
        return self.result().problems()

    def result(self) -> DecisionFields:
        return DecisionFields(
            decision=self.decision,
            rationale=self.value("rationale"),
            by=self.value("by"),
            impact_statement=self.value("impact_statement"),
            business_owner=self.value("business_owner"),
            technical_owner=self.value("technical_owner"),
            next_update=self.value("next_update"),
        )


@dataclass(frozen=True)
class CriterionFields:
    tripped: bool
    reason: str


class CriterionForm(FormScreen[CriterionFields]):
    TITLE = "Mark a rollback criterion"

    def __init__(self, criterion_id: str, condition: str, tripped_now: bool) -> None:
        super().__init__()
        self.criterion_id = criterion_id
        self.condition = condition
        self.tripped_now = tripped_now

    def fields(self) -> ComposeResult:
        yield Label(plain_line(f"{self.criterion_id}: {self.condition}"), classes="form-context")
        with RadioSet(id="mark"):
            yield RadioButton("tripped", value=not self.tripped_now, id="mark-tripped")
            yield RadioButton("ok (clear it)", value=self.tripped_now, id="mark-clear")
        yield Label(plain_line("Reason (required)"), classes="form-label")
        yield Input(id="reason", placeholder="What you saw")

    def validate_form(self) -> dict[str, str]:
        return {} if self.value("reason") else {"reason": "Reason is required."}

    def result(self) -> CriterionFields:
        tripped = self.query_one("#mark", RadioSet).pressed_index == 0
        return CriterionFields(tripped=tripped, reason=self.value("reason"))
