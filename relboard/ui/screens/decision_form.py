"""The rollback decision, and an operator's mark on a single criterion; the rules are the domain's."""

from __future__ import annotations

from msgspec import Struct
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Input, Label, RadioButton, RadioSet

from relboard.domain.events import Decision
from relboard.domain.intents import DecisionFields
from relboard.domain.rollback import evaluate
from relboard.domain.state import WindowState
from relboard.ui.screens.form import FormScreen
from relboard.ui.text import plain_line


class Choice(RadioButton):
    """A radio button whose choice reads without colour: ◉ chosen, ○ not (a monochrome capture too)."""

    def __init__(self, name: str, *, value: bool = False, id: str | None = None) -> None:
        self.choice = name  # before the button's own set-up, which already watches its value
        super().__init__(self._text(name, value), value=value, id=id)

    @staticmethod
    def _text(name: str, chosen: bool) -> str:
        return f"{'◉' if chosen else '○'} {name}"

    def watch_value(self) -> None:
        super().watch_value()
        self.label = self._text(self.choice, self.value)


class DecisionForm(FormScreen[DecisionFields]):
    TITLE = "Record a rollback decision"

    def __init__(self, state: WindowState, operator: str) -> None:
        super().__init__()
        self.state = state
        self.operator = operator
        self.tripped = [s.criterion.id for s in evaluate(state) if s.tripped]

    def context(self) -> ComposeResult:
        tripped = ", ".join(self.tripped) or "none"
        yield Label(plain_line(f"Tripped criteria: {tripped}"), classes="form-context")

    def fields(self) -> ComposeResult:
        window, rollback = self.state.plan.window, self.state.plan.rollback
        # With a criterion tripped there is no default: "continue" must be chosen, never fallen into.
        default = None if self.tripped else Decision.CONTINUE
        with RadioSet(id="decision"):
            for decision in Decision:
                yield Choice(decision.value, value=decision is default, id=f"decision-{decision.value}")
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

    def first_control(self) -> Widget:
        # Top to bottom: the choice first when one must be made, else the rationale after it.
        return self.query_one("#decision" if self.tripped else "#rationale")

    @property
    def decision(self) -> Decision | None:
        index = self.query_one("#decision", RadioSet).pressed_index
        return list(Decision)[index] if index >= 0 else None

    def select(self, decision: Decision) -> None:
        self.query_one(f"#decision-{decision.value}", RadioButton).value = True

    def validate_form(self) -> dict[str, str]:
        if self.decision is None:
            return {"decision": "Choose what was decided: a criterion is tripped, so nothing is chosen for you."}
        return self.result().problems()

    def result(self) -> DecisionFields:
        return DecisionFields(
            decision=self.decision or Decision.CONTINUE,
            rationale=self.value("rationale"),
            by=self.value("by"),
            impact_statement=self.value("impact_statement"),
            business_owner=self.value("business_owner"),
            technical_owner=self.value("technical_owner"),
            next_update=self.value("next_update"),
        )


class CriterionFields(Struct, frozen=True):
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
            yield Choice("tripped", value=not self.tripped_now, id="mark-tripped")
            yield Choice("ok (clear it)", value=self.tripped_now, id="mark-clear")
        yield Label(plain_line("Reason (required)"), classes="form-label")
        yield Input(id="reason", placeholder="What you saw")

    def validate_form(self) -> dict[str, str]:
        return {} if self.value("reason") else {"reason": "Reason is required."}

    def result(self) -> CriterionFields:
        tripped = self.query_one("#mark", RadioSet).pressed_index == 0
        return CriterionFields(tripped=tripped, reason=self.value("reason"))
