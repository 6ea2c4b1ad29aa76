"""Whatever is published straight to a window's subjects, a journal takes only valid events."""

from __future__ import annotations

import asyncio
import json

import nats

from relboard.domain.identity import new_id
from tests.test_hub_sync import WINDOW, converged, laptop, relboard, state_of


async def _publish(url: str, messages: list[tuple[str, bytes]]) -> None:
    nc = await nats.connect(url)
    js = nc.jetstream()
    for subject, data in messages:
        await js.publish(subject, data)
    await nc.close()


def test_malformed_oversized_unknown_clashing_and_mislabelled_messages_are_refused(tmp_path, nats_hub):
    a, b = laptop(tmp_path, "a"), laptop(tmp_path, "b")
    assert relboard("mark", a, "apply", "pass", "--note", "real", "--hub", nats_hub.url).returncode == 0
    real = next(e for e in state_of(a)["events"] if e["kind"] == "step_marked")
    subject = f"relboard.{WINDOW}.events."
    valid = {"kind": "step_marked", "at": "2026-12-05T21:40:00+00:00", "step": "login", "status": "pass"}
    markup = {**valid, "id": new_id(), "note": "[bold red]PWNED[/] \x1b[2J\x1b]0;title\x07 <b>x</b>"}
    odd = new_id()
    hostile = [
        (subject + new_id(), b"\xff\xfe not json"),
        (subject + new_id(), b'{"kind": "step_marked", "at": '),
        (subject + new_id(), json.dumps({**valid, "kind": "\x1b[31mwipe_everything"}).encode()),
        (subject + odd, json.dumps({**valid, "id": odd, "step": 42, "status": "done"}).encode()),
        (subject + new_id(), json.dumps({**valid, "note": "x" * (300 * 1024)}).encode()),
        (subject + new_id(), json.dumps(valid).encode()),  # no id at all
        (subject + new_id(), json.dumps({**valid, "id": new_id()}).encode()),  # the subject names another id
        (subject + real["id"], json.dumps({**real, "note": "rewritten history"}).encode()),
        (subject + markup["id"], json.dumps(markup).encode()),  # valid: kept, and shown as text
    ]
    asyncio.run(_publish(nats_hub.url, hostile))

    result = relboard("sync", b, "--hub", nats_hub.url)
    assert result.returncode == 0
    assert result.stdout.strip() == "pushed 0, pulled 3, unsent 0"
    refusals = result.stderr.splitlines()
    assert len(refusals) == 8, result.stderr
    assert all(line.startswith(f"refused a hub message on relboard.{WINDOW}.events.") for line in refusals)
    reasons = "\n".join(refusals)
    for reason in (
        "not a JSON event",
        "unknown kind 'wipe_everything'",
        "not a valid step_marked event (step:",
        "over the 256 KiB limit of an event",
        "the event has no id",
        "the subject does not name the event's id",
        "another event with this id, different content, is kept",
    ):
        assert reason in reasons, reason
    assert "\x1b" not in result.stderr + result.stdout

    state = state_of(b)
    assert state["steps"]["apply"]["note"] == "real"
    assert state["steps"]["login"]["note"].startswith("[bold red]PWNED[/]")
    shown = relboard("status", b)
    assert "\x1b" not in shown.stdout
    assert "\x07" not in shown.stdout
    # Refused again on the next sync, never appended: the laptops still agree.
    assert relboard("sync", a, "--hub", nats_hub.url).stdout.strip() == "pushed 0, pulled 1, unsent 0"
    converged(a, b)
