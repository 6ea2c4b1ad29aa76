"""The board's side of the team hub: the replicator started with the board, its state in the header.

The replicator runs in its own thread (relboard.hub.replicator); everything it reports comes to the
UI thread as a message. The local journal stays the record: the replicator publishes what the
journal holds and appends what other machines recorded, so the board's own save never waits for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

from relboard.domain.events import Event
from relboard.domain.text import one_line

if TYPE_CHECKING:
    from relboard.hub.address import HubAddress
    from relboard.hub.replicator import HubStatus, Replicator
    from relboard.ui.app import RelboardApp


class HubReport(Message):
    def __init__(self, status: HubStatus | None = None, events: list[Event] | None = None, refused: str = "") -> None:
        super().__init__()
        self.status, self.events, self.refused = status, events or [], refused


def hub_text(status: HubStatus, me: str) -> str:
    """`hub: live · with Sam, Rio` for the header: the state, and who else is on the window now."""
    others = sorted({p.who for p in status.present if p.who and p.who != me})
    text = f"hub: {status.text}"
    return text + (f" · with {', '.join(others)}" if others else "")


class BoardHub:
    def __init__(self, app: RelboardApp, address: HubAddress) -> None:
        self.app = app
        self.address = address
        self.replicator: Replicator | None = None

    def start(self) -> None:
        from relboard.hub.replicator import Replicator

        app = self.app
        self.replicator = Replicator(
            self.address,
            app.session.loaded,
            app.session.state_path,
            who=app.operator,
            on_events=lambda events: self._post(HubReport(events=events)),
            on_status=lambda status: self._post(HubReport(status=status)),
            on_refused=lambda line: self._post(HubReport(refused=line)),
        )
        self.replicator.start()

    def _post(self, report: HubReport) -> None:
        self.app.post_message(report)  # thread-safe: the replicator calls from its own thread

    def saved(self) -> None:
        """The writer put events on disk: publish them now rather than at the next look."""
        if self.replicator is not None:
            self.replicator.appended()

    def stop(self) -> None:
        if self.replicator is not None:
            self.replicator.stop(timeout=2.0)

    def report(self, message: HubReport) -> None:
        app = self.app
        if message.status is not None:
            app.hub_state = hub_text(message.status, app.operator)
        if message.events:
            # Already in the journal (the replicator appended them); shown now rather than at the next poll.
            for event in message.events:
                app.state.apply(event)
            app.notify_changed()
        if message.refused:
            app.notify(one_line(message.refused), title="Hub: refused", severity="warning", markup=False)
