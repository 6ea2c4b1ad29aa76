"""What every form shares: validation shown in place, and escape that asks before losing input."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, RadioSet, Static

from relboard.ui.actions import bindings
from relboard.ui.text import plain, plain_line

T = TypeVar("T")


class Confirm(ModalScreen[bool]):
    """A yes/no question before something that is not undone by escape: y answers yes, n or escape no."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("discard")

    def __init__(self, question: str, yes: str, no: str) -> None:
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="dialog"):
            yield Label(plain_line(self.question), classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button(plain_line(f"{self.yes} (y)"), id="discard-yes", variant="error", compact=True)
                yield Button(plain_line(f"{self.no} (n)"), id="discard-no", variant="primary", compact=True)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "discard-yes")


class ConfirmDiscard(Confirm):
    """Asked only when escape would throw away something typed."""

    def __init__(self) -> None:
        super().__init__("Discard what you typed?", "Discard", "Keep editing")


class FormScreen(ModalScreen[T]):
    """Subclasses compose their fields inside `fields()`, and implement `validate_form` and `result`."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("form")

    TITLE = "Form"

    def __init__(self) -> None:
        super().__init__()
        self._initial: dict[str, object] = {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Label(plain_line(self.form_title()), classes="dialog-title")
            yield from self.context()
            # The fields scroll; the context above, the errors and buttons stay in view on a 24-row terminal.
            with VerticalScroll(classes="form-fields"):
                yield from self.fields()
            yield Static(id="form-errors")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (ctrl+s)", id="form-save", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="form-cancel", compact=True)

    def form_title(self) -> str:
        return self.TITLE

    def context(self) -> ComposeResult:
        """What the form is about, kept in view above the fields however far they scroll."""
        yield from ()

    def fields(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        # Textual calls this for subclasses too (it dispatches along the class hierarchy): they choose
        # where focus starts through `first_control`, not an on_mount of their own.
        self._initial = self.values()
        first = self.first_control()
        if first is not None:
            first.focus()

    def first_control(self) -> Widget | None:
        inputs = list(self.query(Input))
        return inputs[0] if inputs else None

    def values(self) -> dict[str, object]:
        values: dict[str, object] = {}
        for field in self.query(Input):
            if field.id:
                values[field.id] = field.value
        for radios in self.query(RadioSet):
            if radios.id:
                values[radios.id] = radios.pressed_index
        return values

    def value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value.strip()

    @property
    def dirty(self) -> bool:
        return self.values() != self._initial

    def validate_form(self) -> dict[str, str]:
        """Field id -> what is wrong with it; empty when the form can be saved."""
        return {}

    def result(self) -> T:
        raise NotImplementedError

    def action_submit(self) -> None:
        errors = self.validate_form()
        for field in self.query(Input):
            field.set_class(field.id in errors, "-error")
        messages = self.query_one("#form-errors", Static)
        if errors:
            messages.update(Content("\n").join(plain_line(f"✖ {message}") for message in errors.values()))
            messages.add_class("-shown")
            first = next(iter(errors))
            for field in self.query(Input):
                if field.id == first:
                    field.focus()
            return
        messages.update(plain(""))
        messages.remove_class("-shown")
        self.dismiss(self.result())

    def action_cancel(self) -> None:
        if not self.dirty:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmDiscard(), callback=answered)

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    @on(Button.Pressed, "#form-save")
    def _save(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_submit()

    @on(Button.Pressed, "#form-cancel")
    def _cancel(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()
