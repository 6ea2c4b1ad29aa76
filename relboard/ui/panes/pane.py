"""What the board's four panes have in common."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Protocol

from msgspec import Struct
from textual.containers import Vertical

from relboard.domain.forecast import Forecaster
from relboard.domain.intents import Intent
from relboard.domain.plan import Step
from relboard.domain.state import WindowState
from relboard.ui.alike import AlikeLines


class ProbeControl(Protocol):
    def run(self, steps: list[Step]) -> None: ...

    def cancel(self, step: Step) -> None: ...

    def output(self, step_id: str) -> list[str] | None:
        """What a running check printed last; None when none runs for the step."""
        ...


class PaneHooks(Struct, frozen=True):
    """What a pane may ask of the board: record an intent (True when recorded; a refusal is shown),
    whether the board is read-only, running probes, and the zone times are shown in."""

    record: Callable[[Intent], bool]
    read_only: Callable[[], bool]  # not for good: a damaged state file records again once repaired
    probes: ProbeControl
    zone: tzinfo  # every time on the board is shown in this one zone
    now: Callable[[], datetime]
    # Readiness and timing of steps; None until it is built, just after the first frame.
    forecaster: Callable[[], Forecaster | None]


class Pane(AlikeLines, Vertical):
    """One of the board's panes: the App switches between them and focuses each one's main control.

    Its actions (the action table's rows of its scope) run on its selected row; the App's keys reach
    them only while the pane has focus, the palette whenever it is asked.
    """

    SCOPE = ""

    def __init__(
        self, state: WindowState, hooks: PaneHooks, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.state = state
        self.hooks = hooks

    def focus_primary(self) -> None:
        """Focus the control a key press in this pane should reach first."""
        raise NotImplementedError
