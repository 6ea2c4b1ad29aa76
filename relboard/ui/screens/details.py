"""A step in full: what the plan says, what happened, every note."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from relboard.domain.plan import Step
from relboard.domain.state import StepState
from relboard.ui.actions import bindings
from relboard.ui.panes.checklist import STATUS_LOOK, local_time
from relboard.ui.text import plain, plain_line


def step_details(step: Step, state: StepState) -> Content:
    glyph, style = STATUS_LOOK[state.status]
    lines: list[Content] = [
        Content.assemble((f"{glyph} {state.status.value.upper()}", style), "  ", plain_line(step.title, "bold")),
        plain_line(
            f"id {step.id} · phase {step.phase.value} · owner {step.owner}" + (" · critical" if step.critical else "")
        ),
    ]
    if state.at is not None:
        lines.append(plain_line(f"last change {local_time(state.at)}" + (f" by {state.by}" if state.by else "")))
    if state.note:
        lines.append(Content.assemble(("status note: ", "bold"), plain_line(state.note)))
    if step.details:
        lines += [Content.styled("Details", "bold"), plain(step.details)]
    if step.probe is not None:
        lines.append(plain_line(f"probe: {step.probe.method} {step.probe.url}"))
    if state.probe is not None:
        verdict = "passed" if state.probe.passed else "failed"
        lines.append(plain_line(f"last probe {local_time(state.probe.at)} {verdict}: {state.probe.reason}"))
    if state.notes:
        lines.append(Content.styled("Notes", "bold"))
        for note in state.notes:
            lines.append(plain_line(f"{local_time(note.at)} {note.by}: {note.note}"))
    return Content("\n").join(lines)


class StepDetails(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = bindings("details")

    def __init__(self, step: Step, state: StepState) -> None:
        super().__init__()
        self.step = step
        self.step_state = state

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog details"):
            yield Label(plain_line("Step details"), classes="dialog-title")
            with VerticalScroll():
                yield Static(step_details(self.step, self.step_state), id="details-body")
            yield Label(plain_line("escape closes"), classes="form-context")

    def action_close(self) -> None:
        self.dismiss(None)
