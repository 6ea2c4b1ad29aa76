"""Pane 1: the checklist, grouped by phase, with progress and the selected step below."""

from __future__ import annotations

from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Label, ProgressBar, Static
from textual.widgets.option_list import Option

from relboard.domain import progress
from relboard.domain.events import StepStatus
from relboard.domain.plan import Phase, Step
from relboard.domain.state import StepState, WindowState
from relboard.ui.panes.navlist import NavList
from relboard.ui.text import plain, plain_line

# Glyph and colour: the glyph alone must read without colour (NO_COLOR, monochrome terminals).
STATUS_LOOK: dict[StepStatus, tuple[str, str]] = {
    StepStatus.PENDING: ("○", "$text-muted"),
    StepStatus.PASS: ("✔", "bold $text-success"),
    StepStatus.FAIL: ("✖", "bold $text-error"),
    StepStatus.SKIP: ("↷", "$text-secondary"),
    StepStatus.BLOCKED: ("⏸", "bold $text-warning"),
}
CRITICAL = "★"
# A running probe turns its step's glyph into a spinner; the words say it without motion or colour.
SPINNER = "◐◓◑◒"
RUNNING_TEXT = "probe running"
SPIN_SECONDS = 0.25


def local_time(at: datetime | None) -> str:
    return at.astimezone().strftime("%H:%M") if at is not None else ""


def step_line(step: Step, state: StepState, spinner: str | None = None) -> Content:
    glyph, style = STATUS_LOOK[state.status]
    if spinner is not None:
        glyph, style = spinner, "bold $text-accent"
    parts: list[Content | tuple[str, str] | str] = [
        (glyph, style),
        " ",
        (CRITICAL, "bold $text-warning") if step.critical else " ",
        " ",
        plain_line(step.title, "bold" if step.critical else ""),
        ("  · ", "$text-muted"),
        plain_line(step.owner, "$text-muted"),
    ]
    if state.at is not None:
        parts += [("  · ", "$text-muted"), plain_line(f"{local_time(state.at)} {state.by}".rstrip(), "$text-muted")]
    if spinner is not None:
        parts += [("  · ", "$text-muted"), (RUNNING_TEXT, "bold $text-accent")]
    return Content.assemble(*parts)


def step_summary(step: Step, state: StepState) -> Content:
    """The lines under the list: what the selected step is and what was last said about it."""
    glyph, style = STATUS_LOOK[state.status]
    head = Content.assemble(
        (f"{glyph} {state.status.value.upper()}", style),
        "  ",
        plain_line(step.title, "bold"),
        ("  critical" if step.critical else "", "$text-warning"),
    )
    lines = [head, plain_line(f"{step.id} · {step.phase.value} · owner {step.owner}", "$text-muted")]
    if state.at is not None:
        changed = f"last change {local_time(state.at)}" + (f" by {state.by}" if state.by else "")
        lines.append(plain_line(changed, "$text-muted"))
    latest = state.notes[-1].note if state.notes else state.note
    if latest:
        lines.append(Content.assemble(("note: ", "bold"), plain_line(latest)))
    elif step.details:
        lines.append(plain_line(step.details))
    return Content("\n").join(lines)


class ChecklistPane(Vertical):
    """Steps in phase order; the list is an OptionList, so thousands of steps stay quick."""

    revision: reactive[int] = reactive(0, init=False)

    class StepHighlighted(Message):
        def __init__(self, pane: "ChecklistPane", step_id: str | None) -> None:
            super().__init__()
            self.pane = pane
            self.step_id = step_id

        @property
        def control(self) -> "ChecklistPane":
            return self.pane

    class DetailsRequested(Message):
        def __init__(self, pane: "ChecklistPane", step_id: str) -> None:
            super().__init__()
            self.pane = pane
            self.step_id = step_id

        @property
        def control(self) -> "ChecklistPane":
            return self.pane

    def __init__(self, state: WindowState, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.state = state
        self._shown: dict[str, tuple] = {}
        self.border_title = "1 Checklist"
        self.running: frozenset[str] = frozenset()
        self._frame = 0
        self._spin_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        names = [phase.value for phase in Phase] + ["overall"]
        with Grid(id="progress"):
            for name in names:
                yield Label(plain_line(name), id=f"progress-label-{name}", classes="progress-label")
            for name in names:
                yield ProgressBar(id=f"progress-{name}", show_eta=False, show_percentage=False)
        yield NavList(*self._options(), id="steps")
        yield Static(id="step-summary")

    def _ordered(self) -> list[Step]:
        by_phase: dict[Phase, list[Step]] = {phase: [] for phase in Phase}
        for step in self.state.plan.steps:
            by_phase[step.phase].append(step)
        return [step for phase in Phase for step in by_phase[phase]]

    def _options(self) -> list[Option]:
        options: list[Option] = []
        current: Phase | None = None
        seen: set[str] = set()
        for step in self._ordered():
            if step.id in seen:
                continue
            seen.add(step.id)
            if step.phase is not current:
                current = step.phase
                options.append(Option(Content.styled(f"── {current.value.upper()} ──", "bold $text-accent"), id=f"phase:{current.value}", disabled=True))
            state = self.state.steps[step.id]
            self._shown[step.id] = self._signature(step.id, state)
            options.append(Option(step_line(step, state, self._spinner(step.id)), id=f"step:{step.id}"))
        return options

    def _spinner(self, step_id: str) -> str | None:
        return SPINNER[self._frame % len(SPINNER)] if step_id in self.running else None

    def _signature(self, step_id: str, state: StepState) -> tuple:
        return (state.status, state.by, state.at, self._spinner(step_id))

    def show_running(self, step_ids: frozenset[str]) -> None:
        """Spin the glyph of each step whose probe is running; the timer runs only while one does."""
        self.running = frozenset(step_ids)
        if self.running and self._spin_timer is None:
            self._spin_timer = self.set_interval(SPIN_SECONDS, self._spin)
        elif not self.running and self._spin_timer is not None:
            self._spin_timer.stop()
            self._spin_timer = None
        self._redraw_steps()

    def _spin(self) -> None:
        self._frame += 1
        self._redraw_steps()

    def on_mount(self) -> None:
        steps = self.query_one("#steps", NavList)
        first = next((i for i, o in enumerate(steps.options) if not o.disabled), None)
        if first is not None:
            steps.highlighted = first
        self._update_progress()
        self._update_summary()

    def watch_revision(self) -> None:
        self._redraw_steps()
        self._update_progress()
        self._update_summary()

    def _redraw_steps(self) -> None:
        steps = self.query_one("#steps", NavList)
        for step_id, shown in list(self._shown.items()):
            state = self.state.steps.get(step_id)
            if state is None:
                continue
            signature = self._signature(step_id, state)
            if signature != shown:
                self._shown[step_id] = signature
                step = self.state.plan.step(step_id)
                steps.replace_option_prompt(f"step:{step_id}", step_line(step, state, self._spinner(step_id)))

    def _update_progress(self) -> None:
        shown = {p.label: p for p in progress.by_phase(self.state)}
        for name in [*(phase.value for phase in Phase), "overall"]:
            counts = progress.overall(self.state) if name == "overall" else shown.get(name)
            done, total = (counts.done, counts.total) if counts else (0, 0)
            self.query_one(f"#progress-{name}", ProgressBar).update(total=max(total, 1), progress=done)
            self.query_one(f"#progress-label-{name}", Label).update(plain_line(f"{done}/{total} {name}"))

    @property
    def selected_step(self) -> str | None:
        option = self.query_one("#steps", NavList).highlighted_option
        if option is None or option.id is None or not option.id.startswith("step:"):
            return None
        return option.id.removeprefix("step:")

    def _update_summary(self) -> None:
        step_id = self.selected_step
        summary = self.query_one("#step-summary", Static)
        if step_id is None:
            summary.update(plain("No step selected." if self.state.plan.steps else "This plan has no steps."))
            return
        step = self.state.plan.step(step_id)
        summary.update(step_summary(step, self.state.steps[step_id]))

    @on(NavList.OptionHighlighted, "#steps")
    def _highlighted(self, event: NavList.OptionHighlighted) -> None:
        event.stop()
        self._update_summary()
        self.post_message(self.StepHighlighted(self, self.selected_step))

    @on(NavList.OptionSelected, "#steps")
    def _selected(self, event: NavList.OptionSelected) -> None:
        event.stop()
        step_id = self.selected_step
        if step_id is not None:
            self.post_message(self.DetailsRequested(self, step_id))

    def focus_primary(self) -> None:
        self.query_one("#steps", NavList).focus()
