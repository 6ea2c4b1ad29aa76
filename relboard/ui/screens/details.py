"""A step in full: what the plan says, what happened, every note."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from relboard.domain.events import Event, NoteAdded, ProbeOutcome, ProbeRan, StepMarked, StepStarted
from relboard.domain.plan import Step
from relboard.domain.state import StepState
from relboard.net.command_check import command_text
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
    spec = step.probe
    if spec is not None and spec.run:
        lines.append(plain_line(f"command check: {command_text(spec.run)} (in {spec.cwd})"))
    elif spec is not None:
        lines.append(plain_line(f"probe: {spec.method} {spec.url}"))
    last = state.last_probe
    if last is not None:
        lines.append(plain_line(f"last probe {local_time(last.at)} {_PROBE_WORDS[last.outcome]}: {last.reason}"))
        if last.output:
            lines += [Content.styled("Output", "bold"), plain(last.output)]
    if state.history:
        lines.append(Content.styled("History", "bold"))
        lines += [
            plain_line(f"{local_time(event.at)} {event.by or 'operator'}: {_said(event)}") for event in state.history
        ]
    return Content("\n").join(lines)


_PROBE_WORDS = {ProbeOutcome.PASS: "passed", ProbeOutcome.FAIL: "failed", ProbeOutcome.ERROR: "could not check"}


def _said(event: Event) -> str:
    """One event on the step, in words; the newest last, as it happened."""
    match event:
        case StepMarked(undoes=undone) if undone:
            text = f"undo: back to {event.status.value} (took back {undone})"
        case StepMarked():
            text = f"marked {event.status.value}"
        case NoteAdded():
            return f"note: {event.note}"
        case ProbeRan():
            text = f"probe {_PROBE_WORDS[event.outcome]}"
            return f"{text}: {event.reason}" if event.reason else text
        case StepStarted():
            text = "started"
        case _:
            text = event.kind
    note = getattr(event, "note", "")
    return f"{text}: {note}" if note else text


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
