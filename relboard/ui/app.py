"""The board: one Textual app an on-call engineer keeps open for the whole window.

The App composes the panes, routes messages and owns the screen stack. What an action records is
decided below it (`relboard.domain.intents`, `relboard.window.recorder`), and the keys, the
palette and the help come from one table (`relboard.ui.actions`).
"""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.notifications import SeverityLevel
from textual.reactive import var
from textual.screen import Screen

from relboard.domain.clock import ClockReading, read_clock
from relboard.domain.events import Event, utc_now
from relboard.domain.forecast import Forecast
from relboard.domain.intents import Intent, Refusal
from relboard.domain.progress import is_complete
from relboard.domain.standing import Standing, standing
from relboard.ui.actions import KNOWN_BINDING_IDS, bindings, writes
from relboard.ui.alike import BlankContainer
from relboard.ui.board_screen import BoardScreen, is_narrow
from relboard.ui.clock_strip import ClockStrip
from relboard.ui.damage import BoardDamage
from relboard.ui.dialogs import Dialogs
from relboard.ui.footer import BoardFooter
from relboard.ui.hub_view import BoardHub, HubReport
from relboard.ui.palette import BoardCommands
from relboard.ui.panes.checklist import ChecklistPane
from relboard.ui.panes.issues import IssuesPane
from relboard.ui.panes.lookup import LookupPane
from relboard.ui.panes.pane import Pane, PaneHooks
from relboard.ui.panes.rollback import RollbackPane
from relboard.ui.preferences import BoardPreferences
from relboard.ui.preload import preload
from relboard.ui.probing import BoardProbes
from relboard.ui.saving import WriterMessage, show_report
from relboard.ui.times import board_zone
from relboard.ui.watch import BoardWatch
from relboard.window.recorder import Recorded, Recorder
from relboard.window.session import WindowSession
from relboard.window.writer import (
    EventWriter,
    SaveState,
)

if TYPE_CHECKING:
    from relboard.hub.address import HubAddress

# How long a thread that wants the interpreter waits for the one holding it (Python's default is 5 ms).
SWITCH_INTERVAL_SECONDS = 0.0005


class RelboardApp(App[None]):
    CSS_PATH = "board.tcss"
    TITLE = "relboard"
    COMMANDS = App.COMMANDS | {BoardCommands}
    BINDINGS: ClassVar[list[BindingType]] = bindings("app")

    # `var`, not `reactive`: a change on the App would otherwise repaint the whole screen; the widgets
    # bound to these repaint what they show.
    revision: var[int] = var(0, init=False)
    reading: var[ClockReading | None] = var(None, init=False)
    save_state: var[SaveState] = var(SaveState.SAVED, init=False)
    save_error: var[str] = var("", init=False)
    operator: var[str] = var("", init=False)
    hub_state: var[str] = var("", init=False)
    open_issues: var[int] = var(0, init=False)
    forecast: var[Forecast | None] = var(None, init=False)
    standing: var[Standing] = var(Standing(), init=False)
    complete: var[bool] = var(False, init=False)

    def __init__(
        self,
        session: WindowSession,
        *,
        now: Callable[[], datetime] | None = None,
        operator: str = "",
        theme_name: str | None = None,
        read_only: bool = False,
        utc: bool = False,
        quiet: bool = False,
        ask_operator: bool = False,
        remember_operator: bool = True,
        cannot_write: str = "",
        notes: Sequence[str] = (),
        hub: HubAddress | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.state = session.state
        self.plan = session.plan
        self.now = now or utc_now
        # Who the events are by: --operator, else the remembered name, else the login (asked if shared).
        self.set_reactive(RelboardApp.operator, operator)
        self.ask_operator, self.remember_operator = ask_operator, remember_operator
        self.notes = notes  # what the command line found worth saying once the board is up
        # Read-only: a viewer asked for it, the state file cannot be written (`cannot_write` says why), or it
        # is damaged (until the repair); the last two lift once the cause is gone.
        self.watching = read_only
        self.cannot_write = cannot_write
        damaged = session.journal.damage is not None
        read_only = read_only or bool(cannot_write) or damaged
        self.read_only = read_only
        self.zone = board_zone(self.plan, utc)
        self.writer = EventWriter(session.journal, lambda report: self.post_message(WriterMessage(report)))
        self.recorder = Recorder(
            self.state,
            self.writer.submit,
            operator=lambda: self.operator,
            now=self.now,
            read_only=read_only,
            recorded=self._recorded,
            stamper=session.stamper,
        )
        self.probing = BoardProbes(self)
        self.dialogs = Dialogs(self)
        self.damage = BoardDamage(self, may_repair=not self.watching)
        self.watcher = BoardWatch(self, quiet=quiet)
        self.hub = BoardHub(self, hub) if hub is not None else None
        self._quit_armed = False
        self._preloading: threading.Thread | None = None
        self._refresh_pending = False
        self.set_reactive(RelboardApp.reading, read_clock(self.plan.window, self.now()))
        self.set_reactive(RelboardApp.save_state, SaveState.READ_ONLY if read_only else SaveState.SAVED)
        self.set_reactive(RelboardApp.open_issues, len(self.state.open_issues))
        self.set_reactive(RelboardApp.complete, is_complete(self.state))
        self.set_reactive(RelboardApp.standing, standing(self.state))
        self.sub_title = self.plan.release.title
        self.board = BoardScreen(id="_default")
        self.preferences = BoardPreferences.load(self, theme_name, KNOWN_BINDING_IDS)

    # --- layout ----------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        return self.board

    def compose(self) -> ComposeResult:
        yield ClockStrip(self.plan, self.zone, id="strip").data_bind(
            RelboardApp.reading,
            RelboardApp.open_issues,
            RelboardApp.save_state,
            RelboardApp.save_error,
            RelboardApp.complete,
            RelboardApp.forecast,
            RelboardApp.standing,
            RelboardApp.hub_state,
        )
        if is_narrow(self.size.width, self.size.height):
            yield self.board.make_tabs()
        hooks = PaneHooks(
            record=self.record,
            read_only=lambda: self.read_only,
            probes=self.probing,
            zone=self.zone,
            now=self.now,
            forecaster=lambda: self.watcher.forecaster,
        )
        revision = RelboardApp.revision
        with BlankContainer(id="panes"):
            yield ChecklistPane(self.state, hooks, id="checklist", classes="pane -active").data_bind(revision)
            yield LookupPane(self.state, hooks, id="lookup", classes="pane").data_bind(revision)
            yield IssuesPane(self.state, hooks, id="issues", classes="pane").data_bind(revision)
            yield RollbackPane(self.state, hooks, id="rollback", classes="pane").data_bind(
                revision, RelboardApp.reading, RelboardApp.forecast
            )
        yield BoardFooter().data_bind(RelboardApp.operator)

    def on_mount(self) -> None:
        self.preferences.apply(self)
        self.set_interval(1.0, self.tick)
        if self.ask_operator and not self.read_only:
            self.dialogs.ask_operator(then=self._open_window)
        elif not self.read_only:
            self._open_window()
        self.watcher.start()
        if self.hub is not None:
            self.hub_state = "hub: connecting"
            self.hub.start()
        # A daemon thread rather than a worker: an exit that skips unmount (SIGTERM from `serve`)
        # must not wait forever on the writer loop. A normal quit still stops and flushes it.
        threading.Thread(target=self.writer.run, name="relboard-journal", daemon=True).start()
        self.dialogs.say_at_open(self.notes)
        self.call_after_refresh(self.opened)

    def opened(self) -> None:
        """The board is up. When its opener held the cycle collector for the opening (`relboard PLAN` does:
        what it builds lives as long as the window), the collector runs again from here."""
        gc.enable()
        # The journal's writer thread needs the interpreter for a moment before and after each fsync, while
        # this thread repaints what the key changed (and, with a hub, the replicator's thread publishes the
        # last event). Python hands it over only after the switch interval: at its default 5 ms, one save in
        # five took 7-11 ms from key to disk instead of 3; at 1 ms a hub still added 1-2.5 ms to the median
        # save, at 0.5 ms a few tenths. Keys and typing measure the same at 1 and 0.5 ms.
        sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)

    def can_record_again(self) -> None:
        """The state file was repaired: a board that was read-only only because of the damage records again."""
        if self.watching or self.cannot_write or not self.read_only:
            return
        self.read_only = self.recorder.read_only = False
        self.save_state = SaveState.SAVING if self.writer.pending else SaveState.SAVED
        self.refresh_bindings()
        self.notify("The board records again.", markup=False)

    def _open_window(self) -> None:
        # On the board's clock, like every event it records (a rehearsal's included).
        self.recorder.record(self.session.open_window())

    def on_unmount(self) -> None:
        self.writer.stop()
        if self.hub is not None:
            self.hub.stop()

    # --- the clock and the record ----------------------------------------------------------------

    def _preload(self) -> None:
        """Every lazily imported module, from the board's first tick (a second after it opens): a reinstall
        meanwhile cannot break a dialog. Started as the board opens, the imports took the interpreter from the
        frames that complete the opening, and their memory (httpx's among them) was the first frame's."""
        if self._preloading is None:
            self._preloading = preload(self.hub is not None)

    def tick(self) -> None:
        self._preload()
        self.reading = read_clock(self.plan.window, self.now())
        self.watcher.look()
        if len(self.screen_stack) > 2:
            # Under two stacked dialogs (a form and its discard prompt) Textual composes the board from
            # the middle dialog's last picture, so the countdown would stand still: repaint the stack.
            self.call_after_refresh(self._repaint_dialogs)

    def _repaint_dialogs(self) -> None:
        for screen in self.screen_stack[1:]:
            screen.refresh()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A pane's key acts only while that pane has focus; a read-only board hides what would record."""
        scope = "app"
        if action == "in_pane":
            scope, action = str(parameters[0]), str(parameters[1])
            # The board's own screen, even under a dialog: its footer still shows the board's keys.
            if self.board.active_pane != scope:
                return False
        return not (self.read_only and writes(scope, action))

    async def action_in_pane(self, scope: str, action: str) -> None:
        await self.run_action(action, self.query_one(f"#{scope}", Pane))

    def record(self, intent: Intent) -> bool:
        """Record through the window's recorder; a refusal is said on the board. True when recorded."""
        outcome = self.recorder.record(intent)
        if isinstance(outcome, Refusal):
            self.say_refusal(outcome)
        return isinstance(outcome, Recorded)

    def say_refusal(self, refusal: Refusal) -> None:
        reason = refusal.reason[:1].upper() + refusal.reason[1:]
        severity: SeverityLevel = "information" if refusal.already else "warning"
        self.notify(f"{reason}; nothing was recorded.", severity=severity, markup=False)

    def _recorded(self, event: Event) -> None:
        if self.save_state is not SaveState.FAILED:
            self.save_state = SaveState.SAVING
        self._quit_armed = False
        self._changed()

    def notify_changed(self) -> None:
        self._changed()

    def _changed(self) -> None:
        # Many events in one go (a burst from another writer) redraw the panes once.
        if not self._refresh_pending:
            self._refresh_pending = True
            self.call_later(self._refresh_views)

    def _refresh_views(self) -> None:
        self._refresh_pending = False
        self.open_issues = len(self.state.open_issues)
        self.complete = is_complete(self.state)
        self.standing = standing(self.state)
        self.watcher.changed()
        self.revision += 1

    @on(HubReport)
    def _hub_report(self, message: HubReport) -> None:
        if self.hub is not None:
            self.hub.report(message)

    @on(WriterMessage)
    def _writer_report(self, message: WriterMessage) -> None:
        show_report(self, message.report)

    # --- global actions (keys from the action table's "app" rows) --------------------------------

    @property
    def selected_step(self) -> str | None:
        # Read from the pane when asked: keys typed fast ("j j p") act on the row the cursor is on now.
        return self.query_one(ChecklistPane).selected_step

    def action_help(self) -> None:
        self.dialogs.help()

    def action_new_issue(self) -> None:
        self.dialogs.new_issue()

    def action_decision(self) -> None:
        self.dialogs.decision()

    def action_completion_notice(self) -> None:
        self.dialogs.completion_notice()

    def action_notice_preview(self) -> None:
        self.dialogs.notice_preview()

    def action_probe_all(self) -> None:
        self.probing.run_validate_phase()

    def action_timeline(self) -> None:
        self.dialogs.timeline()

    def action_handover(self) -> None:
        self.dialogs.handover()

    def action_page(self) -> None:
        self.dialogs.page()

    def action_write_report(self) -> None:
        self.dialogs.write_report()

    def action_quit_board(self) -> None:
        if not self.writer.pending or self.read_only or self.writer.flush() or self._quit_armed:
            # flush(): one more try right now; when the disk is fine this takes a few milliseconds.
            self.exit()
            return
        self._quit_armed = True
        count = self.writer.pending
        self.notify(
            f"{count} change{'s are' if count != 1 else ' is'} not on disk yet ({self.writer.last_error}). "
            "Press q again to quit and lose them, or wait for the retry.",
            title="Not saved",
            severity="error",
            markup=False,
            timeout=15,
        )
