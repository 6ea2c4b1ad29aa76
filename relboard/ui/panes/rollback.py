"""Pane 4: the rollback decision: criteria, deadline, a recommendation, and decisions so far."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import ComposeResult
from textual.content import Content
from textual.reactive import var
from textual.widgets import Static

from relboard.domain.changes import ChangeCursor
from relboard.domain.clock import Alert, ClockReading
from relboard.domain.durations import format_duration
from relboard.domain.forecast import Forecast, Verdict
from relboard.domain.forecast_text import forecast_advice, forecast_line
from relboard.domain.intents import MarkCriterion
from relboard.domain.plan import Plan
from relboard.domain.rollback import CriterionState, CriterionStatus, criterion_steps, evaluate, recommendation
from relboard.domain.state import WindowState
from relboard.ui.alike import DetailScroll
from relboard.ui.folded import FoldedItems, Lines
from relboard.ui.panes.pane import Pane, PaneHooks
from relboard.ui.rowlist import RowList
from relboard.ui.text import line_text, plain_line, show
from relboard.ui.times import hhmm

if TYPE_CHECKING:
    from relboard.ui.screens.decision_form import CriterionFields


# Each state reads without colour: its glyph and word.
_STATE_LOOK = {
    CriterionState.TRIPPED: ("✖ TRIPPED ", "bold $text-error"),
    CriterionState.UNVERIFIED: ("? UNVERIFIED ", "bold $text-warning"),
    CriterionState.OK: ("✔ ok ", "$text-success"),
}


def criterion_lines(status: CriterionStatus) -> Lines:
    """The criterion as its lines: its state and id, its condition, why it is in that state."""
    lines = [[_STATE_LOOK[status.state], (line_text(status.criterion.id), "bold")]]
    lines.append([("  ", ""), (line_text(status.criterion.condition), "")])
    if status.why:
        lines.append([("  ", ""), (line_text(status.why), "$text-muted")])
    return lines


class RollbackPane(Pane):
    SCOPE = "rollback"

    revision: var[int] = var(0, init=False)
    reading: var[ClockReading | None] = var(None, init=False)
    forecast: var[Forecast | None] = var(None, init=False)

    def __init__(
        self, state: WindowState, hooks: PaneHooks, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(state, hooks, id=id, classes=classes)
        self.border_title = "4 Rollback decision"
        self._changes = ChangeCursor(state.events)
        # Only these steps' marks can change a criterion (linked steps, critical steps of later phases).
        self._trip_steps = criterion_steps(state.plan)
        self._criteria = FoldedItems()

    def compose(self) -> ComposeResult:
        yield Static(id="rollback-deadline")
        yield Static(id="rollback-recommendation")
        forecast = Static(id="rollback-forecast")
        # A plan without expected durations has no forecast to give: no line for it. Any other plan keeps
        # the line from the first frame, so the forecast's arrival after it is a repaint, not a layout.
        forecast.display = _has_expected(self.state.plan)
        yield forecast
        yield RowList(self._criterion_row, 0, selectable=self._criteria.is_first, id="criteria")
        with DetailScroll(id="rollback-info-scroll"):
            yield Static(id="rollback-info")

    def on_mount(self) -> None:
        self._rebuild()
        self._show_clock()

    def on_resize(self, event: events.Resize) -> None:
        if self._criteria.refolds(self.query_one("#criteria", RowList)):
            self._list_criteria(evaluate(self.state))

    def watch_revision(self) -> None:
        changed = self._changes.take()
        if changed.criteria or changed.decisions or changed.steps & self._trip_steps:
            self._rebuild()
            self._show_clock()

    def watch_reading(self) -> None:
        self._show_clock()

    def watch_forecast(self) -> None:
        self._show_clock()
        found = self.forecast
        box = self.query_one("#rollback-forecast", Static)
        shown = found is None or found.verdict is not Verdict.UNKNOWN
        if found is not None and box.display != shown:
            box.display = shown
        if found is not None and shown:
            show(box, plain_line(forecast_line(found, self.hooks.zone), "$text-muted"), layout=False)

    def _rebuild(self) -> None:
        statuses = evaluate(self.state)
        self._list_criteria(statuses)
        tripped = sum(1 for s in statuses if s.tripped)
        self.border_subtitle = f"{tripped} tripped" if tripped else ""
        show(self.query_one("#rollback-info", Static), self._info())

    def _list_criteria(self, statuses: list[CriterionStatus]) -> None:
        items = ((s.criterion.id, (s.state, s.why), partial(criterion_lines, s)) for s in statuses)
        self._criteria.show(self.query_one("#criteria", RowList), items)

    def _criterion_row(self, row: int) -> Content:
        if not self._criteria.ids:
            return Content.styled("The plan lists no rollback criteria.", "$text-muted")
        return self._criteria.row(row)

    def _info(self) -> Content:
        plan = self.state.plan
        lines = [
            Content.assemble(("Decision owners: ", "bold"), plain_line(", ".join(plan.decision_owners))),
            Content.assemble(("Impact of a rollback: ", "bold"), plain_line(plan.rollback.impact_statement)),
            Content.assemble(("Rollback takes: ", "bold"), plain_line(format_duration(plan.window.rollback_time))),
        ]
        if self.state.decisions:
            lines.append(Content.styled("Decisions so far:", "bold"))
            for decision in reversed(self.state.decisions):
                who = decision.by or "operator"
                lines.append(
                    Content.assemble(
                        plain_line(
                            f"{hhmm(decision.at, self.hooks.zone)} {decision.decision.value.upper()} by {who}",
                            "$text-accent",
                        ),
                        ": ",
                        plain_line(decision.rationale),
                    )
                )
        else:
            lines.append(Content.styled("No decision recorded yet (press d).", "$text-muted"))
        return Content("\n").join(lines)

    def _show_clock(self) -> None:
        reading = self.reading
        if reading is None:
            return
        deadline = self.query_one("#rollback-deadline", Static)
        show(deadline, plain_line(reading.deadline_text(self.hooks.zone)), layout=False)
        alert = reading.deadline_alert
        deadline.set_class(alert is Alert.WARNING, "-warning")
        deadline.set_class(alert is Alert.ALARM, "-alarm")
        advice = recommendation(self.state, reading)
        found = self.forecast
        ahead = forecast_advice(found, self.state.plan.decision_owners) if found is not None else None
        if ahead:
            advice = f"{advice} {ahead}"
        box = self.query_one("#rollback-recommendation", Static)
        show(box, plain_line(advice))
        will_miss = found is not None and found.verdict is Verdict.WILL_MISS
        box.set_class(will_miss or any(s.tripped for s in evaluate(self.state)), "-alarm")

    @property
    def selected_criterion(self) -> str | None:
        return self._criteria.item_on(self.query_one("#criteria", RowList).cursor)

    @on(RowList.Selected, "#criteria")
    def _selected(self, event: RowList.Selected) -> None:
        event.stop()
        if not self.hooks.read_only():
            self.action_mark_criterion()

    @on(RowList.Highlighted, "#criteria")
    def _highlighted(self, event: RowList.Highlighted) -> None:
        event.stop()

    def focus_primary(self) -> None:
        self.query_one("#criteria", RowList).focus()

    # --- actions (the action table's "rollback" rows) ----------------------------------

    def action_mark_criterion(self) -> None:
        statuses = {status.criterion.id: status for status in evaluate(self.state)}
        if not statuses:
            self.notify("The plan lists no rollback criteria.", markup=False)
            return
        criterion_id = self.selected_criterion or next(iter(statuses))
        status = statuses[criterion_id]

        def done(fields: CriterionFields | None) -> None:
            if fields is not None:
                self.hooks.record(MarkCriterion(criterion_id, fields.tripped, fields.reason))

        from relboard.ui.screens.decision_form import CriterionForm

        self.app.push_screen(CriterionForm(criterion_id, status.criterion.condition, status.tripped), callback=done)


def _has_expected(plan: Plan) -> bool:
    return any(step.expected is not None for step in plan.steps)
