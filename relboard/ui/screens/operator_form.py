"""Who is at the keyboard: asked once on a first open (or when the login is a shared account), remembered."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Label

from relboard.domain.operators import is_shared_account
from relboard.ui.screens.form import FormScreen
from relboard.ui.text import plain_line


class OperatorForm(FormScreen[str]):
    TITLE = "Who is recording?"

    def __init__(self, login: str) -> None:
        super().__init__()
        self.login = login

    def fields(self) -> ComposeResult:
        yield Label(plain_line("Every mark, note and decision made on this board carries this name."))
        yield Label(plain_line("Your name (required; remembered for the next windows)"), classes="form-label")
        suggested = "" if is_shared_account(self.login) else self.login
        yield Input(value=suggested, id="name", placeholder="e.g. Dana Ops")

    def validate_form(self) -> dict[str, str]:
        name = self.value("name")
        if not name:
            return {"name": "Say who you are: the record needs a person."}
        if is_shared_account(name):
            return {"name": f"{name!r} is a shared account; give your own name."}
        return {}

    def result(self) -> str:
        return self.value("name")
