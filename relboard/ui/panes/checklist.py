"""Pane 1: the checklist, grouped by phase, with progress and the selected step below."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Collection, Iterable
from datetime import datetime, timedelta, tzinfo

from msgspec import Struct
from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.reactive import var
from textual.timer import Timer
from textual.widgets import Static

from relboard.domain.changes import ChangeCursor
from relboard.domain.dependencies import Readiness
from relboard.domain.durations import format_clock, format_duration
from relboard.domain.events import StepStatus
from relboard.domain.forecast import Forecaster
from relboard.domain.intents import AddNote, Intent, MarkStep, StartStep, UndoMark
from relboard.domain.plan import Phase, Step
from relboard.domain.state import WindowState
from relboard.domain.step_state import StepState
from relboard.ui.panes.pane import Pane, PaneHooks
from relboard.ui.panes.progress import ProgressStrip
from relboard.ui.rowlist import RowList
from relboard.ui.text import plain, plain_line, show
from relboard.ui.times import hhmm

# Glyph and colour: the glyph alone must read without colour (NO_COLOR, monochrome terminals). Each glyph
# is one cell wide and has no emoji form, so no terminal draws it two cells wide and shifts the line.
STATUS_LOOK: dict[StepStatus, tuple[str, str]] = {
    StepStatus.PENDING: ("○", "$text-muted"),
    StepStatus.PASS: ("✔", "bold $text-success"),
    StepStatus.FAIL: ("✖", "bold $text-error"),
    StepStatus.SKIP: ("↷", "$text-secondary"),
    StepStatus.BLOCKED: ("⊘", "bold $text-warning"),
}
# A pending step that can wait no longer is plain pending; one still waiting on others, or being worked on,
# says so in its glyph and in words.
TIMING_LOOK: dict[Readiness, tuple[str, str]] = {
    Readiness.WAITING: ("◌", "$text-muted"),
    Readiness.IN_PROGRESS: ("▶", "bold $text-accent"),
}
IN_PROGRESS_TEXT = "in progress"
CRITICAL = "★"
# A running probe turns its step's glyph into a spinner; the words say it without motion or colour.
SPINNER = "◐◓◑◒"
RUNNING_TEXT = "probe running"
SPIN_SECONDS = 0.25


class StepTiming(Struct, frozen=True):
    """Where a pending step stands against its prerequisites and its expected duration."""

    readiness: Readiness
    waits_on: tuple[str, ...] = ()
    elapsed: timedelta | None = None
    expected: timedelta | None = None
    over: bool = False  # in progress past its expectation

    @classmethod
    def of(cls, forecaster: Forecaster | None, step_id: str, now: datetime) -> StepTiming | None:
        if forecaster is None:
            return None
        readiness = forecaster.readiness(step_id)
        if readiness is Readiness.IN_PROGRESS:
            return cls(
                readiness,
                elapsed=forecaster.elapsed(step_id, now),
                expected=forecaster.expected(step_id),
                over=forecaster.over_expected(step_id, now),
            )
        if readiness is Readiness.WAITING:
            return cls(readiness, waits_on=forecaster.waits_on(step_id))
        return cls(readiness)

    def words(self) -> str:
        if self.readiness is Readiness.WAITING and self.waits_on:
            return "waits on " + ", ".join(self.waits_on)
        if self.readiness is Readiness.IN_PROGRESS and self.elapsed is not None:
            expected = f" of {format_duration(self.expected)}" if self.expected is not None else ""
            return f"{IN_PROGRESS_TEXT} {format_clock(self.elapsed)}{expected}" + (" · OVER" if self.over else "")
        return ""


def step_line(
    step: Step, state: StepState, zone: tzinfo, spinner: str | None = None, timing: StepTiming | None = None
) -> Content:
    glyph, style = STATUS_LOOK[state.status]
    if timing is not None and state.status is StepStatus.PENDING and timing.readiness in TIMING_LOOK:
        glyph, style = TIMING_LOOK[timing.readiness]
    if spinner is not None:
        glyph, style = spinner, "bold $text-accent"
    parts: list[Content | tuple[str, str] | str] = [
        (glyph, style),
        " ",
        (CRITICAL, "bold $text-warning") if step.critical else " ",
        " ",
        plain_line(step.title, "bold" if step.critical else ""),
    ]
    # What is running or waiting comes first after the title: a narrow pane cuts the end of the line.
    if spinner is not None:
        parts += [("  · ", "$text-muted"), (RUNNING_TEXT, "bold $text-accent")]
    if timing is not None and timing.words():
        look = "bold $text-warning" if timing.over else "$text-accent"
        parts += [("  · ", "$text-muted"), (timing.words(), look if timing.elapsed else "$text-muted")]
    parts += [("  · ", "$text-muted"), plain_line(step.owner, "$text-muted")]
    if state.at is not None:
        parts += [("  · ", "$text-muted"), plain_line(f"{hhmm(state.at, zone)} {state.by}".rstrip(), "$text-muted")]
    return Content.assemble(*parts)


def step_summary(step: Step, state: StepState, zone: tzinfo, timing: StepTiming | None = None) -> Content:
    """The lines under the list: what the selected step is and what was last said about it."""
    glyph, style = STATUS_LOOK[state.status]
    head = Content.assemble(
        (f"{glyph} {state.status.value.upper()}", style),
        "  ",
        plain_line(step.title, "bold"),
        ("  critical" if step.critical else "", "$text-warning"),
    )
    lines = [head, plain_line(f"{step.id} · {step.phase.value} · owner {step.owner}", "$text-muted")]
    if timing is not None and timing.words():
        look = "bold $text-warning" if timing.over else "$text-accent" if timing.elapsed else "$text-muted"
        lines.append(plain_line(timing.words(), look))
    if state.at is not None:
        changed = f"last change {hhmm(state.at, zone)}" + (f" by {state.by}" if state.by else "")
        lines.append(plain_line(changed, "$text-muted"))
    latest = state.notes[-1].note if state.notes else state.note
    if latest:
        lines.append(Content.assemble(("note: ", "bold"), plain_line(latest)))
    elif step.details:
        lines.append(plain_line(step.details))
    return Content("\n").join(lines)


class ChecklistPane(Pane):
    """Steps in phase order under a heading per phase; a change repaints the changed steps' lines only."""

    SCOPE = "checklist"

    revision: var[int] = var(0, init=False)

    def __init__(
        self, state: WindowState, hooks: PaneHooks, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(state, hooks, id=id, classes=classes)
        self.border_title = "1 Checklist"
        self.running: frozenset[str] = frozenset()
        self._last_marked: str | None = None
        self._frame = 0
        self._spin_timer: Timer | None = None
        self._changes = ChangeCursor(state.events)
        # One row per phase heading and per step, in the order a window runs them.
        self.rows: list[Phase | Step] = []
        # Each step's row by its place in the plan, found through the plan's map of ids: a map of our own
        # would cost a 50,000-step plan some 3 MiB for as long as the board is open.
        self._places = places = state.plan.positions
        self._row_at = row_at = array("i", [-1]) * len(state.plan.steps)
        current: Phase | None = None
        for step in self._ordered():
            place = places[step.id]
            if row_at[place] >= 0:
                continue
            if step.phase is not current:
                current = step.phase
                self.rows.append(current)
            row_at[place] = len(self.rows)
            self.rows.append(step)

    def compose(self) -> ComposeResult:
        yield ProgressStrip(self.state, id="progress")
        yield RowList(self._row_content, len(self.rows), selectable=self._is_step_row, id="steps")
        yield Static(id="step-summary")

    def _ordered(self) -> list[Step]:
        by_phase: dict[Phase, list[Step]] = {phase: [] for phase in Phase}
        for step in self.state.plan.steps:
            by_phase[step.phase].append(step)
        return [step for phase in Phase for step in by_phase[phase]]

    def _is_step_row(self, row: int) -> bool:
        # Phase is a str enum too: ask for the heading, not for a string.
        return not isinstance(self.rows[row], Phase)

    def _row_content(self, row: int) -> Content:
        item = self.rows[row]
        if isinstance(item, Phase):
            return Content.styled(f"── {item.value.upper()} ──", "bold $text-accent")
        timing = StepTiming.of(self.hooks.forecaster(), item.id, self.hooks.now())
        return step_line(item, self.state.steps[item.id], self.hooks.zone, self._spinner(item.id), timing)

    def _spinner(self, step_id: str) -> str | None:
        return SPINNER[self._frame % len(SPINNER)] if step_id in self.running else None

    def _repaint(self, step_ids: Iterable[str]) -> None:
        places, row_at = self._places, self._row_at
        self.query_one("#steps", RowList).refresh_rows(row_at[places[s]] for s in step_ids if s in places)

    def _row_of(self, step_id: str) -> int:
        return self._row_at[self._places[step_id]]

    def show_running(self, step_ids: frozenset[str]) -> None:
        """Spin the glyph of each step whose probe is running; the timer runs only while one does."""
        stopped = self.running - step_ids
        self.running = frozenset(step_ids)
        if self.running and self._spin_timer is None:
            self._spin_timer = self.set_interval(SPIN_SECONDS, self._spin)
        elif not self.running and self._spin_timer is not None:
            self._spin_timer.stop()
            self._spin_timer = None
        self._repaint(stopped | self.running)

    def _spin(self) -> None:
        self._frame += 1
        self._repaint(self.running)

    def on_mount(self) -> None:
        self._update_summary()

    def watch_revision(self) -> None:
        changed = self._changes.take()
        if not changed.steps:
            return
        self._repaint(changed.steps)
        self._update_progress()
        if self.selected_step in changed.steps:
            self._update_summary()

    def _update_progress(self) -> None:
        self.query_one(ProgressStrip).update_counts()

    @property
    def selected_step(self) -> str | None:
        step = self._selected_row_step()
        return step.id if step is not None else None

    def _selected_row_step(self) -> Step | None:
        cursor = self.query_one("#steps", RowList).cursor
        if cursor is None or not 0 <= cursor < len(self.rows):
            return None
        item = self.rows[cursor]
        return None if isinstance(item, Phase) else item

    def line_of(self, step_id: str) -> Content:
        """A step's line in the list, as it is drawn now."""
        return self.query_one("#steps", RowList).row_content(self._row_of(step_id))

    def _update_summary(self) -> None:
        step = self._selected_row_step()
        summary = self.query_one("#step-summary", Static)
        if step is None:
            show(
                summary,
                plain("No step selected." if self.state.plan.steps else "This plan has no steps."),
                layout=False,
            )
            return
        timing = StepTiming.of(self.hooks.forecaster(), step.id, self.hooks.now())
        show(summary, step_summary(step, self.state.steps[step.id], self.hooks.zone, timing), layout=False)

    @on(RowList.Highlighted, "#steps")
    def _highlighted(self, event: RowList.Highlighted) -> None:
        event.stop()
        self._update_summary()

    @on(RowList.Selected, "#steps")
    def _selected(self, event: RowList.Selected) -> None:
        event.stop()
        self.action_details()

    def focus_primary(self) -> None:
        self.query_one("#steps", RowList).focus()

    # --- actions (the action table's "checklist" rows) ---------------------------------

    def _step(self) -> Step | None:
        step = self._selected_row_step()
        if step is None:
            self.notify("Select a step in the checklist first.", severity="warning", markup=False)
        return step

    def action_mark(self, status: str) -> None:
        step = self._step()
        if step is not None:
            self._record_mark(MarkStep(step.id, StepStatus(status)))

    def _record_mark(self, mark: MarkStep) -> None:
        if not self.hooks.record(mark):
            return
        self._last_marked = mark.step
        # Done with a step (passed or skipped): on to the next one still pending. A failed or blocked
        # step keeps the cursor: it is what the engineer works on next.
        if mark.status in (StepStatus.PASS, StepStatus.SKIP):
            self._to_next_pending(after=mark.step)

    def action_undo(self) -> None:
        # The last mark made on this board, wherever the cursor went since; else the selected step's.
        step_id = self._last_marked or self.selected_step
        if step_id is None:
            self.notify("Select a step in the checklist first.", severity="warning", markup=False)
            return
        if self.hooks.record(UndoMark(step_id)):
            self.query_one("#steps", RowList).move_cursor(self._row_of(step_id))
            state = self.state.steps[step_id]
            self.notify(f"Undone: {step_id} is {state.status.value} again.", markup=False)

    def _to_next_pending(self, after: str) -> None:
        start = self._row_of(after)
        rows = self.rows[start + 1 :] + self.rows[: start + 1]
        for item in rows:
            if isinstance(item, Step) and self.state.steps[item.id].status is StepStatus.PENDING:
                self.query_one("#steps", RowList).move_cursor(self._row_of(item.id))
                return

    def _ask_note(self, title: str, label: str, then: Callable[[Step, str], Intent]) -> None:
        step = self._step()
        if step is None:
            return

        def done(text: str | None) -> None:
            if text is None:
                return
            intent = then(step, text)
            if isinstance(intent, MarkStep):
                self._record_mark(intent)
            else:
                self.hooks.record(intent)

        from relboard.ui.screens.step_note import StepNoteForm

        self.app.push_screen(StepNoteForm(title, step.title, label=label), callback=done)

    def action_mark_fail(self) -> None:
        self._ask_note("Mark failed", "What failed", lambda step, text: MarkStep(step.id, StepStatus.FAIL, text))

    def action_mark_skip(self) -> None:
        self._ask_note("Skip step", "Why is it skipped", lambda step, text: MarkStep(step.id, StepStatus.SKIP, text))

    def action_note(self) -> None:
        self._ask_note("Note on step", "Note", lambda step, text: AddNote(step.id, text))

    def action_details(self) -> None:
        step = self._step()
        if step is not None:
            from relboard.ui.screens.details import StepDetails

            self.app.push_screen(StepDetails(step, self.state, self.hooks.zone, self.hooks.probes))

    def action_start(self) -> None:
        step = self._step()
        if step is not None and self.hooks.record(StartStep(step.id)):
            self._last_marked = step.id

    def action_next_ready(self) -> None:
        forecaster = self.hooks.forecaster()
        step_id = forecaster.next_ready(after=self.selected_step) if forecaster is not None else None
        if step_id is None:
            self.notify("No step is ready to start: each open one waits on another.", markup=False)
            return
        self.query_one("#steps", RowList).move_cursor(self._row_of(step_id))

    def timing_changed(self, step_ids: Collection[str]) -> None:
        """Steps whose timing line changed (the clock ticked for those in progress, or a prerequisite settled)."""
        self._repaint(step_ids)
        if self.selected_step in step_ids:
            self._update_summary()

    def action_probe(self) -> None:
        step = self._step()
        if step is None:
            return
        if step.probe is None:
            self.notify(f"This step has no probe: {step.title}", markup=False)
            return
        self.hooks.probes.run([step])

    def action_cancel_probe(self) -> None:
        step = self._step()
        if step is not None:
            self.hooks.probes.cancel(step)
