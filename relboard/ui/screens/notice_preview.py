"""The notice preview: the draft for this moment, editable, then copied, sent or marked sent by hand.

Sending goes to every channel the plan configures (webhook, status page, PagerDuty) in a thread:
each send retries with backoff and may take seconds. Each is recorded as a notice event whether it
was delivered or not, even when the preview was closed in the meantime, because the window's record
must say that a notice was attempted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, Static, TextArea

from relboard.domain.channel_events import RecordSent
from relboard.domain.clock import WindowPhase, read_clock
from relboard.domain.events import NoticeKind, NoticeSent
from relboard.domain.intents import Intent, RecordNotice
from relboard.domain.notice_moment import NoticeChoice, after_result
from relboard.domain.notices import draft
from relboard.domain.state import WindowState
from relboard.domain.text import one_line
from relboard.net.channels import Send, missing_secrets, plan_sends
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
        self,
        state: WindowState,
        choice: NoticeChoice,
        *,
        now: Callable[[], datetime],
        operator: Callable[[], str],
        record: Callable[[Intent], bool],
        read_only: bool = False,
    ) -> None:
        super().__init__()
        self.state = state
        self.now = now
        self.operator = operator
        # The board's record path: stamps who and when, refuses on a read-only board.
        self.record = record
        self.read_only = read_only
        self.kinds = [NoticeKind.BEFORE, NoticeKind.AFTER]
        if state.last_decision is not None:
            self.kinds.append(NoticeKind.DECISION)
        self.kind = choice.kind if choice.kind in self.kinds else NoticeKind.AFTER
        self.choice = choice
        # Edits are kept per kind, so looking at another draft does not lose what was typed.
        self._texts: dict[NoticeKind, str] = {}
        self.sending = False

    def compose(self) -> ComposeResult:
        sends = plan_sends(self.state, self.kind)
        target = "; ".join(item.what for item in sends) if sends else "no channel: the plan configures none"
        with Vertical(classes="dialog notice", id="notice-box"):
            yield Label(plain_line("Notice preview"), classes="dialog-title")
            yield Label(plain_line(f"Send will: {target}. Edit the text before sending."), classes="form-context")
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
        self._say_draft()

    def _draft(self, kind: NoticeKind) -> str:
        if kind in self._texts:
            return self._texts[kind]
        try:
            return draft(kind, self.state, self.now())
        except ValueError as error:
            return str(error)

    def _unfinished(self) -> str:
        """What a draft after notice leaves open, in words; "" when the change is decided."""
        found = after_result(self.state, self.now())
        if found.final:
            return ""
        what = found.unfinished_text()
        return f"the change is {found.result}" + (f" ({what})" if what else "")

    def _say_draft(self) -> None:
        if self.kind is NoticeKind.AFTER and (unfinished := self._unfinished()):
            self.say(f"Draft: {unfinished}.")

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
        self._say_draft()

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
        text, kind = self.text, self.kind
        if not text.strip():
            self.say("The notice is empty; nothing was sent.", error=True)
            return
        sends = plan_sends(self.state, kind)
        if not sends:
            self.say("Not sent: the plan configures no channel. Copy the text, or mark it sent by hand.", error=True)
            return
        problems = missing_secrets(self.state, sends)
        if problems:
            self.say("Not sent: " + "; ".join(problems), error=True)
            return
        unfinished = self._unfinished() if kind is NoticeKind.AFTER else ""
        if not unfinished:
            self._start(kind, text, sends)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._start(kind, text, sends)
            else:
                self.say("Not sent: the after notice is kept as a draft.")

        from relboard.ui.screens.form import Confirm

        question = f"This after notice is a draft: {unfinished}. Send it anyway?"
        self.app.push_screen(Confirm(question, "Send anyway", "Keep the draft"), callback=answered)

    def _start(self, kind: NoticeKind, text: str, sends: list[Send]) -> None:
        self.sending = True
        self.query_one("#notice-send", Button).disabled = True
        self.say("Sending: " + "; ".join(item.what for item in sends) + "…")
        in_progress = kind is NoticeKind.BEFORE and read_clock(self.state.plan.window, self.now()).phase is not (
            WindowPhase.BEFORE
        )
        by, at = self.operator(), self.now()

        def deliver() -> None:
            from relboard.net.channels import send

            results: list[NoticeSent | str] = []
            for item in sends:
                try:
                    event = send(self.state, kind, item, text, by=by, at=at, in_progress=in_progress)
                except Exception as error:  # noqa: BLE001 - whatever happens, the attempt is said
                    results.append(one_line(f"{item.channel} could not be used: {error or type(error).__name__}", 300))
                    continue
                if event is not None:
                    results.append(event)
            self.app.call_from_thread(self._delivered, results)

        # The app owns the worker: closing the preview must not lose the result.
        self.app.run_worker(deliver, name="notice-send", group="notice-send", thread=True, exit_on_error=False)

    def _delivered(self, results: list[NoticeSent | str]) -> None:
        self.sending = False
        said, failed = [], False
        for result in results:
            if isinstance(result, str):
                said.append(f"NOT sent: {result}")
                failed = True
                continue
            self.record(RecordSent(result))
            said.append(f"{'Sent' if result.delivered else 'NOT delivered'}: {result.detail}")
            failed = failed or not result.delivered
        message = "\n".join(said) or "Nothing left to send on the configured channels."
        if self.is_attached:
            self.query_one("#notice-send", Button).disabled = False
            self.say(message, error=failed)
        self.app.notify(message, title="Notice", severity="error" if failed else "information", markup=False)
