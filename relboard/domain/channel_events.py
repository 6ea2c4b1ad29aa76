"""Recording what a channel (webhook, status page, pager) was sent, through the recorder like every record."""

from __future__ import annotations

from msgspec import Struct
from msgspec.structs import replace

from relboard.domain.events import Event, NoticeSent
from relboard.domain.intents import Refusal, Stamp
from relboard.domain.state import WindowState


class RecordSent(Struct, frozen=True):
    """A send as the network layer reported it (delivered or not), restamped with the recorder's clock."""

    sent: NoticeSent

    def event(self, state: WindowState, stamp: Stamp) -> Event | Refusal:
        return replace(self.sent, at=stamp.at, by=stamp.by or self.sent.by)
