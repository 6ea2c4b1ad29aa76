"""A three-node JetStream cluster on loopback with a replicated (R3) stream: a node killed with -9 while two
writers record costs nothing."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import time

import nats
import pytest

from relboard.domain.events import StepMarked, StepStatus
from relboard.domain.intents import MarkStep
from relboard.hub.address import hub_address
from relboard.hub.oneshot import HubUnreachable, SyncOutcome, sync
from relboard.store.journal import Journal
from relboard.window.session import WindowSession
from tests.conftest import MINIMAL
from tests.nats_server import cluster

ELECTION_TRIES = 30
STEPS = ("confirm-scope", "apply", "login", "notify-done")


@pytest.fixture
def three_nodes(tmp_path_factory):
    nodes = cluster(tmp_path_factory.mktemp("cluster"))
    for node in nodes:
        node.start(wait=False)
    for node in nodes:
        node.wait_ready("/healthz")
    yield nodes
    for node in nodes:
        node.stop()


async def _replicas(url: str) -> int:
    nc = await nats.connect(url)
    try:
        info = await nc.jetstream().stream_info("RELBOARD")
        return int(info.config.num_replicas or 0)
    finally:
        await nc.close()


def _sync_when_elected(address, session: WindowSession) -> SyncOutcome:
    """What an engineer does when `sync` says the hub did not answer: run it again. The stream elects a
    new leader on the surviving nodes within seconds."""
    for _ in range(ELECTION_TRIES - 1):
        with contextlib.suppress(HubUnreachable):
            return sync(address, session.loaded, session.state_path)
        time.sleep(1.0)
    return sync(address, session.loaded, session.state_path)


def _writer(tmp_path, name: str) -> WindowSession:
    folder = tmp_path / name
    folder.mkdir()
    shutil.copy(MINIMAL, folder / "tonight.toml")
    return WindowSession.open(folder / "tonight.toml")


def test_killing_one_node_of_three_loses_nothing_while_two_writers_record(tmp_path, three_nodes, monkeypatch):
    monkeypatch.setenv("RELBOARD_HUB_REPLICAS", "3")
    address = hub_address(",".join(node.url for node in three_nodes))
    writers = [_writer(tmp_path, "a"), _writer(tmp_path, "b")]
    made: list[str] = []
    for number in range(16):
        if number == 6:
            three_nodes[number % 3].kill()
        for who, session in zip(("ana", "ben"), writers, strict=True):
            step = STEPS[number % len(STEPS)]
            # Saved first, whatever the hub does.
            session.recorder(by=who).record(MarkStep(step, StepStatus.PASS, f"{who}-{number}"))
            made.append(f"{who}-{number}")
            # A moment of failover may leave it unsent: it waits in the journal for the next sync.
            with contextlib.suppress(HubUnreachable):
                sync(address, session.loaded, session.state_path, pull=False)
    outcomes = [_sync_when_elected(address, session) for session in writers * 2]
    assert [o.unsent for o in outcomes[-2:]] == [0, 0]
    alive = next(node for node in three_nodes if node.process is not None)
    assert asyncio.run(_replicas(alive.url)) == 3
    journals = [Journal(session.state_path).load() for session in writers]
    for events in journals:
        notes = [e.note for e in events if isinstance(e, StepMarked)]
        assert sorted(notes) == sorted(made), "an event was lost or doubled"
        assert len({e.id for e in events}) == len(events)
    assert {e.id for e in journals[0]} == {e.id for e in journals[1]}
