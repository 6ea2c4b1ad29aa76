"""What the journal's writer thread reports, shown on the board: the save state, others' events, damage."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message
from textual.notifications import SeverityLevel

from relboard.window.writer import (
    DamageFound,
    EventDropped,
    ForeignEvents,
    ReadProblem,
    SaveState,
    SaveStatus,
    WriterReport,
    saving_after,
)

if TYPE_CHECKING:
    from relboard.ui.app import RelboardApp


class WriterMessage(Message):
    """A report of the journal's writer thread, brought to the UI thread."""

    def __init__(self, report: WriterReport) -> None:
        super().__init__()
        self.report = report


def show_report(app: RelboardApp, report: WriterReport) -> None:
    match report:
        case SaveStatus() as status if not app.read_only:
            app.save_state, app.save_error, said = saving_after(app.save_state, status, app.writer.pending)
            if app.hub is not None and status.state is SaveState.SAVED:
                app.hub.saved()
            if said:
                failed = app.save_state is SaveState.FAILED
                severity: SeverityLevel = "error" if failed else "information"
                app.notify(said, title="Save failed" if failed else "Saved", severity=severity, markup=False)
        case ForeignEvents(events=foreign):
            for event in foreign:
                app.state.apply(event)
            app.notify_changed()
        case EventDropped(error=error):
            app.notify(
                f"One change could not be saved and is shown on this board only ({error}).",
                title="Not saved",
                severity="error",
                markup=False,
                timeout=15,
            )
        case DamageFound():
            # Keeps working from memory: what is typed waits in the writer's queue until the repair.
            app.damage.offer()
        case ReadProblem(error=error):
            app.notify(error, title="Cannot follow other writers", severity="warning", markup=False, timeout=10)
