"""The board's live link: events of another machine arrive by callback, the state and who is present
are reported, and an outage only delays publishing."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from relboard.domain.events import Event, StepMarked, StepStatus
from relboard.domain.identity import HybridClock, stamped
from relboard.domain.intents import MarkStep
from relboard.hub.address import hub_address
from relboard.hub.fleet import FleetFeed
from relboard.hub.oneshot import sync
from relboard.hub.replicator import HubStatus, Replicator
from relboard.store.journal import Journal
from relboard.store.writer_id import writer_for
from relboard.window.recorder import Recorded
from relboard.window.session import WindowSession
from tests.conftest import MINIMAL, ROOT

GUARD = 40.0  # seconds; only so that a broken link fails the test instead of hanging it


def wait_for(condition: Callable[[], object], what: str) -> None:
    deadline = time.monotonic() + GUARD
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.02)


class Board:
    """What a board holds: its session, and what its replicator told it."""

    def __init__(self, folder: Path, url: str, who: str) -> None:
        folder.mkdir()
        shutil.copy(MINIMAL, folder / "tonight.toml")
        self.session = WindowSession.open(folder / "tonight.toml")
        self.who = who
        self.lock = threading.Lock()
        self.events: list[Event] = []
        self.statuses: list[HubStatus] = []
        self.replicator = Replicator(
            hub_address(url),
            self.session.loaded,
            self.session.state_path,
            who,
            on_events=self._events,
            on_status=self._status,
        )

    def _events(self, events: list[Event]) -> None:
        with self.lock:
            self.events.extend(events)

    def _status(self, status: HubStatus) -> None:
        with self.lock:
            self.statuses.append(status)

    def has(self, event_id: str | None) -> bool:
        with self.lock:
            return any(e.id == event_id for e in self.events)

    def mark(self, step: str, status: StepStatus) -> Event:
        outcome = self.session.recorder(by=self.who).record(MarkStep(step, status))
        assert isinstance(outcome, Recorded)
        self.replicator.appended()
        return outcome.event

    @property
    def text(self) -> str:
        return self.replicator.status.text


@pytest.fixture
def boards(tmp_path, nats_hub):
    made = [Board(tmp_path / "a", nats_hub.url, "ana"), Board(tmp_path / "b", nats_hub.url, "ben")]
    for board in made:
        board.replicator.start()
    yield made
    for board in made:
        board.replicator.stop()


def test_an_event_of_one_board_reaches_the_other_and_both_see_who_is_on(boards):
    a, b = boards
    wait_for(lambda: a.text == "live" and b.text == "live", "both live")
    event = a.mark("apply", StepStatus.FAIL)
    wait_for(lambda: b.has(event.id), "the mark reaches the other board")
    for foreign in b.session.journal.read_new():  # what the board's writer does on its poll
        b.session.state.apply(foreign)
    assert b.session.state.steps["apply"].status is StepStatus.FAIL
    assert b.session.state.steps["apply"].source == event
    wait_for(lambda: [p.who for p in b.replicator.status.present] == ["ana"], "ana is seen on the window")
    wait_for(lambda: [p.who for p in a.replicator.status.present] == ["ben"], "ben is seen on the window")
    # A board that closes leaves at once.
    a.replicator.stop()
    assert a.replicator.status.state == "stopped"
    wait_for(lambda: b.replicator.status.present == (), "ana is gone")


def test_an_outage_shows_the_unsent_count_and_publishes_when_the_hub_is_back(boards, nats_hub):
    a, b = boards
    wait_for(lambda: a.text == "live" and b.text == "live", "both live")
    before = a.mark("confirm-scope", StepStatus.PASS)  # with the plan it was opened with
    wait_for(lambda: b.has(before.id), "the first mark reaches b")
    nats_hub.stop()
    wait_for(lambda: a.replicator.status.state == "offline", "a sees the hub gone")
    first = a.mark("apply", StepStatus.PASS)
    second = a.mark("login", StepStatus.PASS)
    wait_for(lambda: a.text == "offline · 2 unsent", "a counts its unsent events")
    assert a.replicator.status.reason.startswith("cannot reach the hub at nats://127.0.0.1:")
    nats_hub.start()
    wait_for(lambda: b.has(first.id) and b.has(second.id), "both reach b after the outage")
    wait_for(lambda: a.text == "live", "a is live with nothing unsent")
    assert [e.id for e in b.events[-2:]] == [first.id, second.id]


def test_a_board_joining_a_long_window_reports_catching_up(tmp_path, nats_hub):
    writer = Board(tmp_path / "a", nats_hub.url, "ana")
    writer.mark("apply", StepStatus.PASS)
    clock = HybridClock(writer_for(writer.session.state_path))
    more = [
        stamped(StepMarked(at=datetime.now(UTC), step="apply", status=StepStatus.PASS, note=f"n{number}"), clock)
        for number in range(4_999)
    ]
    Journal(writer.session.state_path).append_all(more)
    outcome = sync(hub_address(nats_hub.url), writer.session.loaded, writer.session.state_path)
    assert outcome.unsent == 0
    late = Board(tmp_path / "b", nats_hub.url, "ben")
    late.replicator.start()
    try:
        wait_for(lambda: late.text == "live", "the late board is live")
    finally:
        late.replicator.stop()
    texts = [s.text for s in late.statuses]
    assert "catching up 0/5,001" in texts
    # Progress as it comes (a moving count at most four times a second), then live.
    counts = [int(t.split()[2].split("/")[0].replace(",", "")) for t in texts if t.startswith("catching up")]
    assert counts == sorted(counts)
    assert "live" in texts[texts.index("catching up 0/5,001") :]
    assert len(Journal(late.session.state_path).load()) == 5_001
    assert len(late.events) == 5_001


CHILD = """
import sys, time
from relboard.hub.address import hub_address
from relboard.hub.replicator import Replicator
from relboard.window.session import WindowSession
session = WindowSession.open(sys.argv[2])
replicator = Replicator(hub_address(sys.argv[1]), session.loaded, session.state_path, "crashing-carl")
replicator.start()
while replicator.status.state != "live":
    time.sleep(0.05)
print("live", flush=True)
time.sleep(600)
"""


def test_a_board_that_dies_disappears_from_the_window_within_30_seconds(tmp_path, boards, nats_hub):
    a, _ = boards
    folder = tmp_path / "c"
    folder.mkdir()
    shutil.copy(MINIMAL, folder / "tonight.toml")
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, nats_hub.url, str(folder / "tonight.toml")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "live\n"
        wait_for(lambda: "crashing-carl" in [p.who for p in a.replicator.status.present], "carl is seen")
        child.send_signal(signal.SIGKILL)
        child.wait()
        # Its presence entry expires (PRESENCE_TTL, renewed every PRESENCE_EVERY by a live board).
        wait_for(lambda: "crashing-carl" not in [p.who for p in a.replicator.status.present], "carl is gone")
    finally:
        child.kill()
        child.wait()


def test_the_fleet_feed_shows_the_window_and_who_is_on_it_live(boards, nats_hub):
    a, b = boards
    wait_for(lambda: a.text == "live" and b.text == "live", "both live")
    a.mark("apply", StepStatus.PASS)
    seen: list[list[dict]] = []
    statuses: list[str] = []
    feed = FleetFeed(hub_address(nats_hub.url), on_rows=seen.append, on_status=statuses.append, every=0.2)
    feed.start()
    try:
        wait_for(lambda: seen and seen[-1][0]["on_it"] == ["ana", "ben"], "both boards are on the window")
        wait_for(lambda: seen[-1][0]["progress"]["done"] == 1, "the summary has the mark")
        assert seen[-1][0]["window"] == "chg-1042-prod-eu"
        assert statuses[0] == "live"
        nats_hub.stop()
        wait_for(lambda: feed.status.startswith("offline · "), "the feed says the hub is gone")
    finally:
        feed.stop()
