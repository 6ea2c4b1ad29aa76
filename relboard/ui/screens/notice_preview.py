"""The notice preview: the draft for this moment, editable, then copied, sent or marked sent by hand.

Sending runs in a thread (post_notice retries with backoff and may take seconds); the result is
recorded as a notice event whether it was delivered or not, even when the preview was closed
in the meantime, because the window's record must say that a notice was attempted.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, Static, TextArea

from relboard.domain.events import NoticeKind
from relboard.domain.intents import Intent, RecordNotice
from relboard.domain.notices import draft
from relboard.domain.state import WindowState
from relboard.domain.text import one_line
from relboard.net.webhook import DeliveryResult, WebhookNotConfigured, post_notice, webhook_label, webhook_url
from relboard.ui.actions import bindings
from relboard.ui.text import plain, plain_line

KIND_TITLES: dict[NoticeKind, str] = {
    NoticeKind.BEFORE: "before the window",
    NoticeKind.AFTER: "after the window",
    NoticeKind.DECISION: "on the last decision",
}


class NoticePreview(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = bindings("notice")

    def __init__(
        self, state: WindowState, kind: NoticeKind, *, record: Callable[[Intent], bool], read_only: bool = False
    ) -> None:
        super().__init__()
        self.state = state
        # The board's record path: stamps who and when, refuses on a read-only board.
        self.record = record
        self.read_only = read_only
        self.kinds = [NoticeKind.BEFORE, NoticeKind.AFTER]
        if state.last_decision is not None:
            self.kinds.append(NoticeKind.DECISION)
        self.kind = kind if kind in self.kinds else NoticeKind.AFTER
        # Edits are kept per kind, so looking at another draft does not lose what was typed.
        self._texts: dict[NoticeKind, str] = {}
        self.sending = False

    def compose(self) -> ComposeResult:
        notices = self.state.plan.notices
        target = webhook_label(notices) if notices.webhook_env else "no webhook named in the plan"
        with Vertical(classes="dialog notice", id="notice-box"):
            yield Label(plain_line("Notice preview"), classes="dialog-title")
            yield Label(plain_line(f"Send goes to the {target}; edit the text before sending."), classes="form-context")
            yield Select(
                [(KIND_TITLES[kind], kind.value) for kind in self.kinds],
                value=self.kind.value,
                allow_blank=False,
                id="notice-kind",
                compact=True,
            )
            yield TextArea(self._draft(self.kind), id="notice-text", soft_wrap=True)
            yield Static(id="notice-status")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Copy", id="notice-copy", compact=True)
                yield Button("Send", id="notice-send", variant="primary", compact=True)
                yield Button("Mark sent by hand", id="notice-manual", compact=True)
                yield Button("Close (esc)", id="notice-close", compact=True)

    def on_mount(self) -> None:
        self.query_one("#notice-text", TextArea).focus()

    def _draft(self, kind: NoticeKind) -> str:
        if kind in self._texts:
            return self._texts[kind]
        try:
            return draft(kind, self.state)
        except ValueError as error:
            return str(error)

    @property
    def text(self) -> str:
        return self.query_one("#notice-text", TextArea).text

    def say(self, message: str, *, error: bool = False) -> None:
        status = self.query_one("#notice-status", Static)
        status.update(plain(message))
        status.set_class(error, "-error")
        status.set_class(not error, "-ok")

    @on(Select.Changed, "#notice-kind")
    def _kind_chosen(self, event: Select.Changed) -> None:
        if event.value is Select.NULL or event.value == self.kind.value:
            return
        self._texts[self.kind] = self.text
        self.kind = NoticeKind(str(event.value))
        self.query_one("#notice-text", TextArea).load_text(self._draft(self.kind))
        self.say("")

    @on(Button.Pressed, "#notice-copy")
    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.text)
        self.say("Copied to the clipboard (a terminal without clipboard support ignores this).")

    @on(Button.Pressed, "#notice-close")
    def action_close(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#notice-manual")
    def action_mark_manual(self) -> None:
        if self.read_only:
            self.say("This board is read-only; nothing was recorded.", error=True)
            return
        intent = RecordNotice(self.kind, delivered=True, channel="manual", detail="sent by hand", text=self.text)
        if self.record(intent):
            self.say(f"Recorded: the notice {KIND_TITLES[self.kind]} was sent by hand.")

    @on(Button.Pressed, "#notice-send")
    def action_send(self) -> None:
        if self.sending:
            self.say("Already sending; wait for the result.")
            return
        if self.read_only:
            self.say("This board is read-only; nothing was sent.", error=True)
            return
        text = self.text
        if not text.strip():
            self.say("The notice is empty; nothing was sent.", error=True)
            return
        notices = self.state.plan.notices
        try:
            url = webhook_url(notices, os.environ)
        except WebhookNotConfigured as error:
            self.say(f"Not sent: {error}. Copy the text instead, or mark it sent by hand.", error=True)
            return
        label = webhook_label(notices)
        self.sending = True
        self.query_one("#notice-send", Button).disabled = True
        self.say(f"Sending to the {label}…")
        # The app owns the worker: closing the preview must not lose the result.
        self.app.run_worker(
            partial(self._deliver, url, text, self.kind, label),
            name="notice-send",
            group="notice-send",
            thread=True,
            exit_on_error=False,
        )

    def _deliver(self, url: str, text: str, kind: NoticeKind, label: str) -> None:
        try:
            result = post_notice(url, text, label=label)
        except Exception as error:  # noqa: BLE001 - whatever happens, the attempt is recorded and said
            result = DeliveryResult(False, 0, one_line(f"{label} could not be used: {type(error).__name__}", 300))
        self.app.call_from_thread(self._delivered, kind, text, result)

    def _delivered(self, kind: NoticeKind, text: str, result: DeliveryResult) -> None:
        self.sending = False
        self.record(RecordNotice(kind, result.delivered, channel="webhook", detail=result.detail, text=text))
        verdict = "Sent" if result.delivered else "NOT delivered"
        message = f"{verdict}: {result.detail}"
        if self.is_attached:
            self.query_one("#notice-send", Button).disabled = False
            self.say(message, error=not result.delivered)
        self.app.notify(message, title="Notice", severity="information" if result.delivered else "error", markup=False)
