"""A step in full: what the plan says, what happened, every note."""

from __future__ import annotations

from datetime import tzinfo
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from relboard.domain.events import Event, NoteAdded, ProbeOutcome, ProbeRan, StepMarked, StepStarted
from relboard.domain.plan import Step
from relboard.domain.state import WindowState
from relboard.domain.step_state import StepState
from relboard.net.command_check import command_text
from relboard.ui.actions import bindings
from relboard.ui.panes.checklist import STATUS_LOOK
from relboard.ui.panes.pane import ProbeControl
from relboard.ui.text import plain, plain_line, show
from relboard.ui.times import hhmm


def step_details(step: Step, state: StepState, zone: tzinfo) -> Content:
    glyph, style = STATUS_LOOK[state.status]
    lines: list[Content] = [
        Content.assemble((f"{glyph} {state.status.value.upper()}", style), "  ", plain_line(step.title, "bold")),
        plain_line(
            f"id {step.id} · phase {step.phase.value} · owner {step.owner}" + (" · critical" if step.critical else "")
        ),
    ]
    if state.at is not None:
        lines.append(plain_line(f"last change {hhmm(state.at, zone)}" + (f" by {state.by}" if state.by else "")))
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
        lines.append(plain_line(f"last probe {hhmm(last.at, zone)} {_PROBE_WORDS[last.outcome]}: {last.reason}"))
        if last.output:
            lines += [Content.styled("Output", "bold"), plain(last.output)]
    if state.history:
        lines.append(Content.styled("History", "bold"))
        lines += [
            plain_line(f"{hhmm(event.at, zone)} {event.by or 'operator'}: {_said(event)}") for event in state.history
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


LIVE_SECONDS = 0.5


class StepDetails(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = bindings("details")

    def __init__(self, step: Step, window: WindowState, zone: tzinfo, probes: ProbeControl | None = None) -> None:
        super().__init__()
        self.step = step
        self.window = window
        self.zone = zone
        self.probes = probes

    @property
    def step_state(self) -> StepState:
        # Read afresh: a check that ends while the details are open gives the step a newer state.
        return self.window.steps[self.step.id]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog details"):
            yield Label(plain_line("Step details"), classes="dialog-title")
            with VerticalScroll():
                yield Static(step_details(self.step, self.step_state, self.zone), id="details-body")
                yield Static(id="details-live")
            yield Label(
                plain_line("escape closes · ctrl+k in the checklist stops a running check"), classes="form-context"
            )

    def on_mount(self) -> None:
        if self.probes is not None and self.step.probe is not None:
            self._show_live()
            self.set_interval(LIVE_SECONDS, self._show_live)

    def _show_live(self) -> None:
        """A running command check's output as it comes (cleaned, secrets masked), then the stored result."""
        assert self.probes is not None
        lines = self.probes.output(self.step.id)
        live = self.query_one("#details-live", Static)
        if lines is None:
            if live.display:
                live.display = False
                show(self.query_one("#details-body", Static), step_details(self.step, self.step_state, self.zone))
            return
        live.display = True
        show(
            live,
            Content("\n").join(
                [Content.styled("Running: output so far", "bold $text-accent"), plain("\n".join(lines))]
            ),
        )

    def action_close(self) -> None:
        self.dismiss(None)
