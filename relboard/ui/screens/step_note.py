"""A one-field form: the note for a failed step, the reason for a skip, or a note on a step."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Label

from relboard.ui.screens.form import FormScreen
from relboard.ui.text import plain_line


class StepNoteForm(FormScreen[str]):
    """Returns the note text, or None when cancelled."""

    def __init__(self, title: str, step_title: str, *, label: str, required: bool = True, initial: str = "") -> None:
        super().__init__()
        self._title = title
        self._step_title = step_title
        self._label = label
        self._required = required
        self._initial_text = initial

    def form_title(self) -> str:
        return self._title

    def fields(self) -> ComposeResult:
        yield Label(plain_line(self._step_title), classes="form-context")
        yield Label(plain_line(self._label + (" (required)" if self._required else "")), classes="form-label")
        yield Input(value=self._initial_text, id="note", placeholder=self._label)

    def validate_form(self) -> dict[str, str]:
        if self._required and not self.value("note"):
            return {"note": f"{self._label} is required."}
        return {}

    def result(self) -> str:
        return self.value("note")
