"""A shift change from the board: who takes over, then the summary they were given."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from relboard.domain.events import Handover
from relboard.ui.actions import bindings
from relboard.ui.screens.form import FormScreen
from relboard.ui.text import plain, plain_line


class HandoverForm(FormScreen[str]):
    TITLE = "Hand the window over"

    def __init__(self, outgoing: str) -> None:
        super().__init__()
        self.outgoing = outgoing

    def fields(self) -> ComposeResult:
        yield Label(plain_line(f"From {self.outgoing or 'the operator'}; the events that follow are by:"))
        yield Label(plain_line("Incoming engineer (required)"), classes="form-label")
        yield Input(id="incoming", placeholder="Their name, as it should appear in the record")

    def validate_form(self) -> dict[str, str]:
        incoming = self.value("incoming")
        if not incoming:
            return {"incoming": "Say who takes over."}
        if incoming == self.outgoing:
            return {"incoming": f"{incoming} already holds the window."}
        return {}

    def result(self) -> str:
        return self.value("incoming")


class HandoverSummary(ModalScreen[None]):
    """What the incoming engineer needs, as recorded in the handover event."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("details")

    def __init__(self, event: Handover) -> None:
        super().__init__()
        self.event = event

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog details"):
            yield Label(plain_line(f"Handed over to {self.event.incoming}"), classes="dialog-title")
            with VerticalScroll():
                yield Static(plain(self.event.summary), id="handover-summary")
            yield Label(plain_line("escape closes; the summary is in the timeline and the report"))

    def action_close(self) -> None:
        self.dismiss(None)
