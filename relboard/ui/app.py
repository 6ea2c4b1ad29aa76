"""The board: one Textual app an on-call engineer keeps open for the whole window."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol

from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.notifications import SeverityLevel
from textual.reactive import var
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Tab, Tabs

from relboard.domain.clock import ClockReading, read_clock
from relboard.domain.events import (
    CriterionMarked,
    DecisionRecorded,
    Event,
    IssueOpened,
    IssueUpdated,
    NoteAdded,
    NoticeKind,
    NoticeSent,
    PlanLoaded,
    StepMarked,
    StepStatus,
    utc_now,
)
from relboard.domain.notices import current_kind
from relboard.domain.plan import Phase, Plan, Step
from relboard.domain.progress import is_complete
from relboard.domain.rollback import evaluate
from relboard.domain.state import PlanChange, WindowState
from relboard.net.probes import probe_steps
from relboard.store.files import write_atomically
from relboard.ui.commands import BoardCommands, PaletteAction
from relboard.ui.header import ClockStrip
from relboard.ui.panes.checklist import ChecklistPane
from relboard.ui.panes.issues import IssuesPane
from relboard.ui.panes.lookup import LookupPane
from relboard.ui.panes.pane import Pane
from relboard.ui.panes.rollback import RollbackPane
from relboard.ui.probe_runner import ProbeRunner
from relboard.ui.writer import EventDropped, EventWriter, ForeignEvents, JournalLike, ReadProblem, SaveState, SaveStatus

# Screens, forms and the report are imported when first opened, not before the first frame.
if TYPE_CHECKING:
    from relboard.ui.screens.decision_form import CriterionFields, DecisionFields
    from relboard.ui.screens.help import KeyHelp
    from relboard.ui.screens.issue_form import IssueFields

PANES = ("checklist", "lookup", "issues", "rollback")
PANE_TITLES = {"checklist": "1 Checklist", "lookup": "2 Lookup", "issues": "3 Known issues", "rollback": "4 Rollback"}
# Below this the four panes do not fit side by side; they become tabs.
WIDE_COLUMNS = 120
TALL_ROWS = 40


class SessionLike(Protocol):
    """What the board needs from a window session (relboard.store.session.WindowSession)."""

    @property
    def plan(self) -> Plan: ...

    @property
    def state(self) -> WindowState: ...

    @property
    def journal(self) -> JournalLike: ...

    @property
    def plan_change(self) -> PlanChange | None: ...

    def plan_event(self, by: str = "", at: datetime | None = None) -> PlanLoaded | None: ...


class BoardScreen(Screen[None]):
    """The board's own screen: the checklist has focus from the first frame.

    Focus given on mount instead would change the bindings again and have the footer built twice more.
    """

    AUTO_FOCUS = "#steps"


def _plan_dir(session: SessionLike) -> Path:
    """The plan's folder (a probe's CA bundle is relative to it); the working folder when unknown."""
    loaded = getattr(session, "loaded", None)
    path = getattr(loaded, "path", None)
    return Path(path).parent if path is not None else Path(".")


def _state_file(session: SessionLike) -> Path | None:
    path = getattr(session.journal, "path", None)
    return Path(path) if path is not None else None


def report_path(state_file: Path) -> Path:
    """`<state stem>.report.md` next to the state file."""
    return state_file.with_name(f"{state_file.stem}.report.md")


def write_report(state: WindowState, target: Path) -> Path:
    """Render the Markdown report and put it in place atomically (a reader never sees half of it)."""
    from relboard.domain.report import build_report
    from relboard.domain.report_markdown import render_markdown

    write_atomically(target, render_markdown(build_report(state)).encode("utf-8"))
    return target


class RelboardApp(App[None]):
    CSS_PATH = "board.tcss"
    TITLE = "relboard"
    COMMANDS = App.COMMANDS | {BoardCommands}

    # Help comes first so that the footer shows it even on an 80-column terminal.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", id="help", tooltip="Every key"),
        Binding("space,p", "mark('pass')", "Pass", id="mark-pass", tooltip="Mark the selected step passed"),
        Binding("f", "mark_fail", "Fail", id="mark-fail", tooltip="Mark the selected step failed (asks for a note)"),
        Binding("s", "mark_skip", "Skip", id="mark-skip", tooltip="Skip the selected step (asks why)"),
        Binding("b", "mark('blocked')", "Blocked", id="mark-blocked", tooltip="Mark the selected step blocked"),
        Binding(
            "u",
            "mark('pending')",
            "Pending",
            id="mark-pending",
            show=False,
            tooltip="Put the selected step back to pending",
        ),
        Binding("n", "note", "Note", id="add-note", tooltip="Add a note to the selected step"),
        Binding("enter", "details", "Details", id="show-details", show=False, tooltip="Show the selected step in full"),
        Binding("slash", "lookup", "Lookup", id="focus-lookup", tooltip="Jump to the troubleshooting search box"),
        Binding(
            "escape", "checklist", "Checklist", id="back-to-checklist", show=False, tooltip="Back to the checklist"
        ),
        Binding("i", "new_issue", "Issue", id="new-issue", tooltip="Open a known issue"),
        Binding("e", "edit_issue", "Edit issue", id="edit-issue", show=False, tooltip="Edit the selected known issue"),
        Binding(
            "x", "resolve_issue", "Resolve", id="resolve-issue", show=False, tooltip="Resolve the selected known issue"
        ),
        Binding("d", "decision", "Decision", id="record-decision", tooltip="Record a rollback decision"),
        Binding(
            "c",
            "notice_preview",
            "Notice",
            id="notice-preview",
            tooltip="Preview, copy or send the notice this moment calls for",
        ),
        Binding("r", "probe", "Probe", id="probe-run", tooltip="Run the selected step's probe"),
        Binding(
            "R", "probe_all", "Probe all", id="probe-all", show=False, tooltip="Run every probe of the validate phase"
        ),
        Binding("t", "timeline", "Timeline", id="timeline", tooltip="The window's timeline: every event, filterable"),
        Binding("1", "show_pane('checklist')", "Checklist", id="pane-1", show=False, tooltip="Checklist pane"),
        Binding("2", "show_pane('lookup')", "Lookup pane", id="pane-2", show=False, tooltip="Troubleshooting pane"),
        Binding("3", "show_pane('issues')", "Issues pane", id="pane-3", show=False, tooltip="Known issues pane"),
        Binding(
            "4", "show_pane('rollback')", "Rollback pane", id="pane-4", show=False, tooltip="Rollback decision pane"
        ),
        Binding("q", "quit_board", "Quit", id="quit", tooltip="Quit (everything is already saved)"),
    ]

    # `var`, not `reactive`: a change on the App would otherwise repaint the whole screen; the widgets
    # bound to these repaint what they show.
    revision: var[int] = var(0, init=False)
    reading: var[ClockReading | None] = var(None, init=False)
    save_state: var[SaveState] = var(SaveState.SAVED, init=False)
    save_error: var[str] = var("", init=False)
    open_issues: var[int] = var(0, init=False)
    complete: var[bool] = var(False, init=False)
    active_pane: var[str] = var("checklist", init=False)
    narrow: var[bool] = var(False, init=False)

    def __init__(
        self,
        session: SessionLike,
        *,
        now: Callable[[], datetime] | None = None,
        operator: str = "",
        theme_name: str | None = None,
        read_only: bool = False,
    ) -> None:
        super().__init__()
        self.session = session
        self.state = session.state
        self.plan = session.plan
        self.now = now or utc_now
        # Who the events are by; the command line settles it (--operator, else the login name).
        self.operator = operator
        self.theme_name = theme_name
        self.read_only = read_only
        self.writer = EventWriter(session.journal, self.post_message, read_only=read_only)
        self.keymap_overrides: dict[str, str] = {}
        self.probes = ProbeRunner(
            _plan_dir(session),
            record=self.record,
            notify=self._probe_notice,
            running_changed=self._probes_running,
            now=self.now,
            operator=lambda: self.operator,
        )
        self._quit_armed = False
        self._refresh_pending = False
        self.set_reactive(RelboardApp.reading, read_clock(self.plan.window, self.now()))
        self.set_reactive(RelboardApp.save_state, SaveState.READ_ONLY if read_only else SaveState.SAVED)
        self.set_reactive(RelboardApp.open_issues, len(self.state.open_issues))
        self.set_reactive(RelboardApp.complete, is_complete(self.state))
        self.sub_title = self.plan.release.title
        self._preference_problems = self._load_preferences()

    # --- layout -------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        return BoardScreen(id="_default")

    def compose(self) -> ComposeResult:
        yield ClockStrip(self.plan, id="strip").data_bind(
            RelboardApp.reading,
            RelboardApp.open_issues,
            RelboardApp.save_state,
            RelboardApp.save_error,
            RelboardApp.complete,
        )
        yield Tabs(*(Tab(PANE_TITLES[name], id=f"tab-{name}") for name in PANES), id="pane-tabs")
        with Container(id="panes"):
            yield ChecklistPane(self.state, id="checklist", classes="pane -active").data_bind(RelboardApp.revision)
            yield LookupPane(self.state, id="lookup", classes="pane").data_bind(RelboardApp.revision)
            yield IssuesPane(self.state, id="issues", classes="pane").data_bind(RelboardApp.revision)
            yield RollbackPane(self.state, id="rollback", classes="pane").data_bind(
                RelboardApp.revision, RelboardApp.reading
            )
        yield Footer()

    def on_mount(self) -> None:
        self._report_preferences()
        self._apply_layout(self.size.width, self.size.height)
        self.set_interval(1.0, self.tick)
        if not self.read_only:
            # On the board's clock, like every event it records (a rehearsal's included).
            plan_event = self.session.plan_event(self.operator, self.now())
            if plan_event is not None:
                self.state.apply(plan_event)
                self.writer.submit(plan_event)
                self.save_state = SaveState.SAVING
        # A daemon thread rather than a worker: an exit that skips unmount (SIGTERM from `serve`)
        # must not wait forever on the writer loop. A normal quit still stops and flushes it.
        threading.Thread(target=self.writer.run, name="relboard-journal", daemon=True).start()
        change = self.session.plan_change
        if change:
            parts = []
            if change.added:
                parts.append("added: " + ", ".join(change.added))
            if change.removed:
                parts.append("removed: " + ", ".join(change.removed))
            detail = "; ".join(parts) if parts else "step texts or settings changed"
            self.notify(
                f"The plan changed since this window was last opened ({detail}).",
                title="Plan changed",
                markup=False,
                timeout=12,
            )
        if self.read_only:
            self.notify("Opened read-only: changes cannot be recorded here.", markup=False)

    def on_unmount(self) -> None:
        self.writer.stop()

    def _load_preferences(self) -> list[tuple[str, str]]:
        """Themes, the user keymap and the remembered theme, before the first stylesheet pass.

        The theme is chosen here rather than on mount: switching themes after start-up styles every
        widget twice. Problems come back as (title, message) to show once the board is up; a bad file is
        reported, never fatal.
        """
        from relboard.ui.keymap import load_keymap
        from relboard.ui.preferences import load_theme_choice
        from relboard.ui.themes import choose_theme, load_themes

        problems = [("Theme skipped", warning) for warning in load_themes(self)]
        keymap, warnings = load_keymap()
        problems += [("Keymap", warning) for warning in warnings]
        self.keymap_overrides = dict(keymap)
        name, warning = choose_theme(self.available_themes, self.theme_name, load_theme_choice())
        if warning:
            problems.append(("Theme", warning))
        self.theme = name
        return problems

    def _report_preferences(self) -> None:
        from relboard.ui.preferences import save_theme_choice

        for title, warning in self._preference_problems:
            self.notify(warning, title=title, severity="warning", markup=False, timeout=10)
        if self.keymap_overrides:
            self.set_keymap(self.keymap_overrides)
        # Subscribed after the start-up theme is published, so only a choice the user makes is saved.
        self.call_next(self.theme_changed_signal.subscribe, self, lambda theme: save_theme_choice(theme.name))

    def on_resize(self, event: events.Resize) -> None:
        self._apply_layout(event.size.width, event.size.height)

    def _apply_layout(self, width: int, height: int) -> None:
        self.narrow = width < WIDE_COLUMNS or height < TALL_ROWS

    def watch_narrow(self, narrow: bool) -> None:
        self.query_one("#panes").set_class(narrow, "-narrow")
        self.query_one("#pane-tabs").set_class(narrow, "-narrow")
        self.query_one("#strip").set_class(narrow, "-narrow")

    def watch_active_pane(self, name: str) -> None:
        for pane_name in PANES:
            self.query_one(f"#{pane_name}").set_class(pane_name == name, "-active")
        tabs = self.query_one("#pane-tabs", Tabs)
        if tabs.active != f"tab-{name}":
            tabs.active = f"tab-{name}"

    @on(Tabs.TabActivated, "#pane-tabs")
    def _tab_chosen(self, event: Tabs.TabActivated) -> None:
        if event.tab is not None and event.tab.id:
            name = event.tab.id.removeprefix("tab-")
            if name != self.active_pane:
                self.active_pane = name

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # Focus moved by tab or mouse: the pane it landed in becomes the active one.
        node: Widget | None = event.widget
        while node is not None:
            if isinstance(node, Widget) and node.id in PANES and node.has_class("pane"):
                if self.active_pane != node.id:
                    self.active_pane = node.id
                return
            node = node.parent if isinstance(node.parent, Widget) else None

    def _pane(self, name: str) -> Pane:
        return self.query_one(f"#{name}", Pane)

    def action_show_pane(self, name: str) -> None:
        if name not in PANES:
            return
        self.active_pane = name
        pane = self._pane(name)
        # In tab mode the pane becomes visible on the next refresh; focus it then.
        self.call_after_refresh(pane.focus_primary)

    def action_lookup(self) -> None:
        self.action_show_pane("lookup")

    def action_checklist(self) -> None:
        self.action_show_pane("checklist")

    # --- the clock and the state -----------------------------------------------------------

    def tick(self) -> None:
        self.reading = read_clock(self.plan.window, self.now())

    def _changed(self) -> None:
        # Many events in one go (a burst from another writer) redraw the panes once.
        if not self._refresh_pending:
            self._refresh_pending = True
            self.call_later(self._refresh_views)

    def _refresh_views(self) -> None:
        self._refresh_pending = False
        self.open_issues = len(self.state.open_issues)
        self.complete = is_complete(self.state)
        self.revision += 1

    def record(self, event: Event) -> bool:
        """Apply at once, save in the background; False when this board may not record."""
        if self.read_only:
            self.notify("This board is read-only; nothing was recorded.", severity="warning", markup=False)
            return False
        self.state.apply(event)
        self.writer.submit(event)
        if self.save_state is not SaveState.FAILED:
            self.save_state = SaveState.SAVING
        self._quit_armed = False
        self._changed()
        return True

    @on(SaveStatus)
    def _save_status(self, message: SaveStatus) -> None:
        if self.read_only:
            return
        was_failing = self.save_state is SaveState.FAILED
        if message.state is SaveState.FAILED:
            if not was_failing:
                self.notify(
                    f"Could not save ({message.error}). The change is kept here and retried every few seconds.",
                    title="Save failed",
                    severity="error",
                    markup=False,
                    timeout=10,
                )
            self.save_error = message.error
            self.save_state = SaveState.FAILED
            return
        self.save_error = ""
        # A later event may already be waiting: "saved" only when the queue is really empty.
        self.save_state = SaveState.SAVING if self.writer.pending else SaveState.SAVED
        if was_failing and not self.writer.pending:
            self.notify("Saved again: every change is on disk.", title="Saved", markup=False)

    @on(ForeignEvents)
    def _foreign(self, message: ForeignEvents) -> None:
        for event in message.events:
            self.state.apply(event)
        self._changed()

    @on(EventDropped)
    def _event_dropped(self, message: EventDropped) -> None:
        self.notify(
            f"One change could not be saved and is shown on this board only ({message.error}).",
            title="Not saved",
            severity="error",
            markup=False,
            timeout=15,
        )

    @on(ReadProblem)
    def _read_problem(self, message: ReadProblem) -> None:
        self.notify(message.error, title="Cannot follow other writers", severity="warning", markup=False, timeout=10)

    # --- panes report what is selected -------------------------------------------------------

    # Read from the panes when asked, never from a copy kept up to date by messages: keys typed fast
    # ("j j p") must act on the row the cursor is on now, not on one a message has yet to report.
    @property
    def selected_step(self) -> str | None:
        return self.query_one(ChecklistPane).selected_step

    @property
    def selected_issue(self) -> str | None:
        return self.query_one(IssuesPane).selected_issue

    @on(ChecklistPane.DetailsRequested)
    def _details_requested(self, message: ChecklistPane.DetailsRequested) -> None:
        self.action_details()

    @on(IssuesPane.EditRequested)
    def _issue_edit_requested(self, message: IssuesPane.EditRequested) -> None:
        self.action_edit_issue()

    @on(RollbackPane.CriterionChosen)
    def _criterion_chosen(self, message: RollbackPane.CriterionChosen) -> None:
        self.mark_criterion(message.criterion_id)

    # --- step actions --------------------------------------------------------------------------

    def _step(self) -> Step | None:
        """The selected step, or None once the engineer has been told why there is none."""
        step_id = self.selected_step
        if step_id is None:
            self.notify("Select a step in the checklist first.", severity="warning", markup=False)
            return None
        return self._plan_step(step_id)

    def _plan_step(self, step_id: str) -> Step | None:
        step = self.plan.step(step_id)
        if step is None or step_id not in self.state.steps:
            self.notify(
                f"There is no step {step_id!r} in the plan (was it renamed or removed?); nothing was recorded.",
                title="No such step",
                severity="warning",
                markup=False,
            )
            return None
        return step

    def mark_step(self, step_id: str, status: StepStatus, note: str = "") -> bool:
        if self._plan_step(step_id) is None:
            return False
        return self.record(StepMarked(step=step_id, status=status, note=note, at=self.now(), by=self.operator))

    def action_mark(self, status: str) -> None:
        step = self._step()
        if step is not None:
            self.mark_step(step.id, StepStatus(status))

    def _ask_note(self, title: str, label: str, then: Callable[[str, str], object], required: bool = True) -> None:
        if self.read_only:
            self.record_refused()
            return
        step = self._step()
        if step is None:
            return

        def done(text: str | None) -> None:
            if text is not None:
                then(step.id, text)

        from relboard.ui.screens.step_note import StepNoteForm

        self.push_screen(StepNoteForm(title, step.title, label=label, required=required), callback=done)

    def record_refused(self) -> bool:
        self.notify("This board is read-only; nothing can be recorded.", severity="warning", markup=False)
        return False

    def action_mark_fail(self) -> None:
        self._ask_note("Mark failed", "What failed", lambda sid, text: self.mark_step(sid, StepStatus.FAIL, text))

    def action_mark_skip(self) -> None:
        self._ask_note("Skip step", "Why is it skipped", lambda sid, text: self.mark_step(sid, StepStatus.SKIP, text))

    def add_note(self, step_id: str, note: str) -> bool:
        if self._plan_step(step_id) is None:
            return False
        return self.record(NoteAdded(step=step_id, note=note, at=self.now(), by=self.operator))

    def action_note(self) -> None:
        self._ask_note("Note on step", "Note", self.add_note)

    def action_details(self) -> None:
        step = self._step()
        if step is not None:
            from relboard.ui.screens.details import StepDetails

            self.push_screen(StepDetails(step, self.state.steps[step.id]))

    # --- known issues ----------------------------------------------------------------------------

    def open_issue(self, fields: IssueFields) -> str | None:
        number = sum(1 for issue in self.state.issues.values() if not issue.from_plan) + 1
        # Two boards may open an issue in the same second: the suffix keeps their ids apart.
        issue_id = f"issue-{number}-{secrets.token_hex(2)}"
        event = IssueOpened(
            issue=issue_id,
            title=fields.title,
            impact=fields.impact,
            workaround=fields.workaround,
            owner=fields.owner,
            step=fields.step,
            at=self.now(),
            by=self.operator,
        )
        return issue_id if self.record(event) else None

    def update_issue(self, issue_id: str, fields: IssueFields) -> bool:
        issue = self.state.issues[issue_id]
        changed = fields.changed_from(issue)
        if not changed:
            return False
        values = {name: getattr(fields, name) for name in changed}
        return self.record(IssueUpdated(issue=issue_id, changed=changed, **values, at=self.now(), by=self.operator))

    def resolve_issue(self, issue_id: str) -> bool:
        return self.record(
            IssueUpdated(issue=issue_id, changed=["resolved"], resolved=True, at=self.now(), by=self.operator)
        )

    def action_new_issue(self) -> None:
        if self.read_only:
            self.record_refused()
            return

        def done(fields: IssueFields | None) -> None:
            if fields is not None and self.open_issue(fields):
                self.notify(f"Known issue opened: {fields.title}", markup=False)

        from relboard.ui.screens.issue_form import IssueForm

        default_step = self.selected_step or ""
        if default_step and self.state.steps[default_step].status is not StepStatus.FAIL:
            default_step = ""
        self.push_screen(IssueForm(None, step_exists=self._step_exists, default_step=default_step), callback=done)

    def _step_exists(self, step_id: str) -> bool:
        return step_id in self.state.steps

    def _issue(self) -> str | None:
        if self.selected_issue is None or self.selected_issue not in self.state.issues:
            self.notify("Select a known issue first (press 3).", severity="warning", markup=False)
            return None
        return self.selected_issue

    def action_edit_issue(self) -> None:
        issue_id = self._issue()
        if issue_id is None:
            return
        if self.read_only:
            self.record_refused()
            return

        def done(fields: IssueFields | None) -> None:
            if fields is not None:
                self.update_issue(issue_id, fields)

        from relboard.ui.screens.issue_form import IssueForm

        self.push_screen(IssueForm(self.state.issues[issue_id], step_exists=self._step_exists), callback=done)

    def action_resolve_issue(self) -> None:
        issue_id = self._issue()
        if issue_id is None:
            return
        issue = self.state.issues[issue_id]
        if issue.resolved:
            self.notify(f"Already resolved: {issue.title}", markup=False)
            return
        if self.resolve_issue(issue_id):
            self.notify(f"Resolved: {issue.title}", markup=False)

    # --- rollback --------------------------------------------------------------------------------

    def record_decision(self, fields: DecisionFields) -> bool:
        tripped = [status.criterion.id for status in evaluate(self.state) if status.tripped]
        event = DecisionRecorded(
            at=self.now(),
            by=fields.by,
            decision=fields.decision,
            rationale=fields.rationale,
            tripped=tripped,
            business_owner=fields.business_owner,
            technical_owner=fields.technical_owner,
            impact_statement=fields.impact_statement,
            next_update=fields.next_update,
        )
        return self.record(event)

    def action_decision(self) -> None:
        if self.read_only:
            self.record_refused()
            return
        from relboard.ui.screens.decision_form import DecisionDefaults, DecisionForm

        window = self.plan.window
        defaults = DecisionDefaults(
            by=self.operator,
            impact_statement=self.plan.rollback.impact_statement,
            business_owner=window.business_owner,
            technical_owner=window.technical_owner,
            tripped=[status.criterion.id for status in evaluate(self.state) if status.tripped],
        )

        def done(fields: DecisionFields | None) -> None:
            if fields is not None and self.record_decision(fields):
                self.notify(f"Decision recorded: {fields.decision.value}", markup=False)

        self.push_screen(DecisionForm(defaults), callback=done)

    def mark_criterion(self, criterion_id: str | None = None) -> None:
        statuses = {status.criterion.id: status for status in evaluate(self.state)}
        if not statuses:
            self.notify("The plan lists no rollback criteria.", markup=False)
            return
        if criterion_id is None:
            criterion_id = self.query_one(RollbackPane).selected_criterion or next(iter(statuses))
        if self.read_only:
            self.record_refused()
            return
        if criterion_id not in statuses:
            return
        status = statuses[criterion_id]

        def done(fields: CriterionFields | None) -> None:
            if fields is not None:
                self.record(
                    CriterionMarked(
                        criterion=criterion_id,
                        tripped=fields.tripped,
                        reason=fields.reason,
                        at=self.now(),
                        by=self.operator,
                    )
                )

        from relboard.ui.screens.decision_form import CriterionForm

        self.push_screen(CriterionForm(criterion_id, status.criterion.condition, status.tripped), callback=done)

    def action_mark_criterion(self) -> None:
        self.mark_criterion()

    def action_completion_notice(self) -> None:
        """The palette's shortcut for the preview's "Mark sent by hand" on the after-window notice."""
        event = NoticeSent(
            notice=NoticeKind.AFTER,
            delivered=True,
            channel="manual",
            detail="sent by hand",
            at=self.now(),
            by=self.operator,
        )
        if self.record(event):
            self.notify("Completion notice marked as sent.", markup=False)

    # --- notices ---------------------------------------------------------------------------------

    def action_notice_preview(self) -> None:
        kind = current_kind(self.state, read_clock(self.plan.window, self.now()))
        from relboard.ui.screens.notice_preview import NoticeHooks, NoticePreview

        hooks = NoticeHooks(now=self.now, operator=self.operator, record=self.record, read_only=self.read_only)
        self.push_screen(NoticePreview(self.state, kind, hooks))

    # --- probes ----------------------------------------------------------------------------------

    def _probe_notice(self, message: str, severity: SeverityLevel) -> None:
        self.notify(message, title="Probe", severity=severity, markup=False, timeout=8)

    def _probes_running(self, step_ids: frozenset[str]) -> None:
        # A probe cancelled while the board closes finds no checklist to redraw.
        for pane in self.query(ChecklistPane):
            pane.show_running(step_ids)

    def _start_probes(self, steps: list[Step]) -> None:
        fresh = self.probes.claim(steps)
        if not fresh:
            self.notify("That probe is already running.", markup=False)
            return
        self.run_worker(self.probes.run(fresh), name="probes", group="probes", exit_on_error=False)

    def action_probe(self) -> None:
        step = self._step()
        if step is None:
            return
        if step.probe is None:
            self.notify(f"This step has no probe: {step.title}", markup=False)
            return
        if self.read_only:
            self.record_refused()
            return
        self._start_probes([step])

    def action_probe_all(self) -> None:
        steps = [step for step in probe_steps(self.plan) if step.phase is Phase.VALIDATE]
        if not steps:
            self.notify("No step of the validate phase has a probe.", markup=False)
            return
        if self.read_only:
            self.record_refused()
            return
        self._start_probes(steps)

    # --- the record: timeline and report -----------------------------------------------------------

    def action_timeline(self) -> None:
        from relboard.ui.screens.timeline import TimelineScreen

        self.push_screen(TimelineScreen(self.state, self.now()))

    def action_write_report(self) -> None:
        state_file = _state_file(self.session)
        if state_file is None:
            self.notify("This board has no state file to write the report next to.", severity="warning", markup=False)
            return
        target = report_path(state_file)
        # Folded again in the worker from a copy of the events: the board keeps recording meanwhile.
        events = list(self.state.events)
        plan = self.plan

        def write() -> None:
            try:
                written = write_report(WindowState(plan, events), target)
            except OSError as error:  # a full disk or a removed folder is reported, not fatal
                reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
                self.call_from_thread(
                    self.notify,
                    f"Could not write {target}: {reason}",
                    title="Report",
                    severity="error",
                    markup=False,
                    timeout=10,
                )
                return
            self.call_from_thread(self.notify, f"Report written: {written}", title="Report", markup=False, timeout=10)

        self.run_worker(write, name="report", group="report", thread=True, exit_on_error=False)

    # --- help, palette, quit ---------------------------------------------------------------------

    def key_help(self) -> list[KeyHelp]:
        from relboard.ui.screens.help import KeyHelp

        keys: list[KeyHelp] = [
            KeyHelp("up/down, j/k", "Move in a list"),
            KeyHelp("tab / shift+tab", "Next / previous control"),
        ]
        for binding in self.BINDINGS:
            if not isinstance(binding, Binding):
                continue
            key = self.keymap_overrides.get(binding.id or "", binding.key)
            shown = ", ".join(self.get_key_display(Binding(k.strip(), "")) for k in key.split(","))
            keys.append(KeyHelp(shown, binding.tooltip or binding.description))
        keys.append(KeyHelp("ctrl+p", "Command palette: every action by name"))
        keys.append(KeyHelp("esc (in a form)", "Cancel; asks first when something was typed"))
        keys.append(KeyHelp("ctrl+s / enter (in a form)", "Save the form"))
        keys.append(KeyHelp("/ (in the timeline)", "Search the timeline; the kind filter is next to it"))
        return keys

    def action_help(self) -> None:
        from relboard.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.key_help()))

    def palette_actions(self) -> list[PaletteAction]:
        actions = [
            PaletteAction("Mark step passed", "The selected step passed", "mark('pass')"),
            PaletteAction("Mark step failed", "The selected step failed, with a note", "mark_fail"),
            PaletteAction("Skip step", "Skip the selected step, saying why", "mark_skip"),
            PaletteAction("Mark step blocked", "The selected step cannot go on", "mark('blocked')"),
            PaletteAction("Mark step pending", "Put the selected step back to pending", "mark('pending')"),
            PaletteAction("Add note to step", "A note on the selected step", "note"),
            PaletteAction("Step details", "The selected step in full", "details"),
            PaletteAction("Troubleshooting lookup", "Search symptoms", "lookup"),
            PaletteAction("Open known issue", "Record an issue found during the window", "new_issue"),
            PaletteAction("Edit known issue", "Edit the selected known issue", "edit_issue"),
            PaletteAction("Resolve known issue", "Resolve the selected known issue", "resolve_issue"),
            PaletteAction("Record rollback decision", "Continue, pause, roll back or reschedule", "decision"),
            PaletteAction(
                "Mark rollback criterion", "Mark a criterion tripped or clear it, with a reason", "mark_criterion"
            ),
            PaletteAction(
                "Mark completion notice sent",
                "Record that the after-window notice went out by hand",
                "completion_notice",
            ),
            PaletteAction(
                "Notice preview", "Preview, copy, send or mark sent the notice for this moment", "notice_preview"
            ),
            PaletteAction("Run probe", "Run the selected step's probe", "probe"),
            PaletteAction(
                "Run every validate probe", "Run the probes of the validate phase, a few at a time", "probe_all"
            ),
            PaletteAction("Timeline", "Every event of the window, filterable and searchable", "timeline"),
            PaletteAction("Write post-change report", "Markdown next to the state file", "write_report"),
            PaletteAction("Show checklist", "Pane 1", "show_pane('checklist')"),
            PaletteAction("Show troubleshooting lookup", "Pane 2", "show_pane('lookup')"),
            PaletteAction("Show known issues", "Pane 3", "show_pane('issues')"),
            PaletteAction("Show rollback decision", "Pane 4", "show_pane('rollback')"),
            PaletteAction("Help: keys", "Every key", "help"),
            PaletteAction("Quit the board", "Everything is already saved", "quit_board"),
        ]
        return actions

    def action_quit_board(self) -> None:
        if not self.writer.pending or self.read_only:
            self.exit()
            return
        # One more try right now; when the disk is fine this takes a few milliseconds.
        if self.writer.flush():
            self.exit()
            return
        if self._quit_armed:
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
