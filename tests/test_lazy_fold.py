"""A writer's fold on demand (domain/state_lazy, the journal's indexed copy) against the plain fold.

The copy only ever changes how fast a state is made, never what it holds: every part of a state folded on
demand equals the plain fold of the same journal, before and after more events; a writer's clock stamps
as it would after reading every event; and `relboard mark` records or refuses exactly the same with a
fresh, stale, truncated, foreign or hand-made copy as with none.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import tomli_w
from msgspec.structs import replace

from relboard.domain.events import (
    CommandsApproved,
    CriterionMarked,
    Decision,
    DecisionRecorded,
    Event,
    Handover,
    IssueOpened,
    IssueUpdated,
    NoteAdded,
    NoticeKind,
    NoticeSent,
    PlanLoaded,
    ProbeOutcome,
    ProbeRan,
    StateRepaired,
    StepMarked,
    StepStarted,
    StepStatus,
    event_to_dict,
)
from relboard.domain.fold_index import EventLog
from relboard.domain.identity import MAX_AHEAD_MS, Stamper, format_hlc
from relboard.domain.plan import Phase, Plan
from relboard.domain.state import WindowState
from relboard.domain.state_lazy import LazyWindowState
from relboard.store.journal import Journal, StateError
from relboard.store.journal_cache import write_cache
from relboard.store.plan_file import load_plan
from tests.conftest import MINIMAL


def lazy_fold(plan: Plan, path: Path) -> LazyWindowState:
    """The state a writer folds: from the journal's indexed copy, on demand."""
    events = Journal(path).load(lazy=True)
    assert isinstance(events, EventLog)  # the copy was read
    return LazyWindowState(plan, events)


T0 = datetime(2025, 12, 5, 21, 0, 0, 123456, tzinfo=UTC)  # before any mark the tests make
T0_MS = int(T0.timestamp() * 1000)
STEPS = ["confirm-scope", "apply", "login", "notify-done", "gone-from-the-plan"]


def block(event: Event) -> bytes:
    body = tomli_w.dumps(event_to_dict(event)).encode("utf-8")
    return b'\n[[event]]\n%ssum = "%08x"\n' % (body, zlib.crc32(body))


def window_events(count: int, first: int = 0, plan_hash: str = "h-old") -> list[Event]:
    """Every kind of event, on steps in and out of the plan, with and without clock stamps, and a few
    duplicates (an event saved twice with other bytes: the fold counts it once)."""
    made: list[Event] = []
    for number in range(first, first + count):
        at = T0 + timedelta(seconds=number)
        step = STEPS[number % len(STEPS)]
        hlc = format_hlc(T0_MS + number * 10, number % 3, "w1") if number % 4 else None
        shapes: list[Event] = [
            StepMarked(at=at, by="dana", step=step, status=list(StepStatus)[number % 5], note=f"{number} " * 400),
            NoteAdded(at=at, by="lee", step=step, note="a note " * 300),
            StepStarted(at=at, by="sam", step=step, waited_on=["apply"] if number % 2 else []),
            ProbeRan(at=at, step=step, outcome=list(ProbeOutcome)[number % 3], status_code=503, latency_ms=number / 7),
            IssueOpened(at=at, by="dana", issue=f"issue-{number % 40}" if number % 9 else "plan-1", title=f"t{number}"),
            IssueUpdated(at=at, issue=f"issue-{number % 40}", changed=["workaround", "resolved"], resolved=True),
            CriterionMarked(at=at, criterion="login-broken", tripped=bool(number % 2), reason="checked"),
            DecisionRecorded(at=at, decision=Decision.PAUSE, rationale="wait", tripped=["login-broken"]),
            NoticeSent(at=at, notice=NoticeKind.AFTER, delivered=True, channel="email", text="done"),
            PlanLoaded(at=at, plan_hash=plan_hash if number % 2 else "h-other", step_ids=STEPS[:4]),
            Handover(at=at, by="dana", outgoing="dana", incoming="lee", summary="all yours"),
            CommandsApproved(at=at, plan_hash=plan_hash, digest="d", commands=["true"]),
            StateRepaired(at=at, damaged=1, lines=["3-4"], kept=number),
        ]
        event = replace(shapes[number % len(shapes)], id=f"{number:026d}", hlc=hlc, writer="w1" if hlc else None)
        made.append(event)
        if number % 97 == 5:
            made.append(replace(event, by="again"))  # the same id, other bytes
    return made


def ending(apply: StepStatus, login: StepStatus, writer: str) -> list[Event]:
    """The window's last marks, later than any other (they decide what a script's marks find)."""
    at = T0 + timedelta(days=1)
    stamp = T0_MS + 86_400_000
    return [
        StepMarked(
            at=at, step="apply", status=apply, id=f"{writer.upper()}1".rjust(26, "0"), hlc=format_hlc(stamp, 0, writer)
        ),
        StepMarked(
            at=at, step="login", status=login, id=f"{writer.upper()}2".rjust(26, "0"), hlc=format_hlc(stamp, 1, writer)
        ),
    ]


def write_journal(path: Path, events: list[Event]) -> None:
    header = b"" if path.exists() else b"schema = 1\ncreated = 2026-12-05 21:00:00+00:00\n"
    with open(path, "ab") as handle:
        handle.write(header + b"".join(block(e) for e in events))


def parts(state: WindowState) -> dict:
    """Everything a state holds, read as any view would read it."""
    return {
        "steps": {step_id: step.fields() for step_id, step in state.steps.items()},
        "issues": {issue_id: vars(issue) for issue_id, issue in state.issues.items()},
        "criteria_marks": state.criteria_marks,
        "decisions": state.decisions,
        "last_decision": state.last_decision,
        "probes": state.probes,
        "notices": state.notices,
        "handovers": state.handovers,
        "approvals": state.approvals,
        "last_plan": state.last_plan,
        "events": list(state.events),
        "plan": state.plan,
        "tally": (
            state.tally.by_phase,
            state.tally.overall,
            state.tally.critical_open,
            {phase: state.tally.first_begun((phase,)) for phase in Phase},
        ),
    }


@pytest.fixture
def long_window(tmp_path) -> tuple[Path, list[Event]]:
    path = tmp_path / "w.state.toml"
    events = window_events(3000)
    write_journal(path, events)
    Journal(path).load()  # makes the copy
    assert Journal(path).cache_path.exists()
    return path, events


@pytest.mark.parametrize("grown", [False, True], ids=["copy", "copy-grown"])
def test_a_state_folded_on_demand_holds_exactly_the_plain_fold(long_window, grown):
    path, events = long_window
    if grown:
        # A megabyte more, with ids seen before: the copy is extended (its index too), not made again.
        again = [replace(e, by=f"later {n}") for n, e in enumerate(events[:50])]
        write_journal(path, [*window_events(3000, first=3000), *again])
        copy = Journal(path).cache_path.stat().st_ino
        Journal(path).load()
        assert Journal(path).cache_path.stat().st_ino != copy
    plan = load_plan(MINIMAL).plan
    plain = WindowState(plan, Journal(path).load())
    lazy = lazy_fold(plan, path)
    assert len(lazy.events) == len(plain.events) < len(Journal(path).load())  # the duplicates count once
    # Every attribute of the plain fold is compared (a new one must be added to `parts`).
    assert set(vars(plain)) - {"_ids", "_counting"} == set(parts(plain))
    assert parts(lazy) == parts(plain)


def spoil_copy_events(path: Path, old: bytes, new: bytes) -> None:
    """Change bytes in the copy's events (after its frame), leaving its facts and frame as they were."""
    copy = Journal(path).cache_path
    raw = copy.read_bytes()
    facts = json.loads(raw.split(b"\n", 1)[0])
    events_at = len(raw) - facts["parts"][3]
    spoiled = raw[:events_at] + raw[events_at:].replace(old, new)
    assert spoiled != raw
    assert len(spoiled) == len(raw)
    copy.write_bytes(spoiled)


def test_events_of_the_copy_that_fail_their_check_are_read_from_the_journal(long_window):
    path, _ = long_window
    plan = load_plan(MINIMAL).plan
    plain = WindowState(plan, Journal(path).load())
    spoil_copy_events(path, b"a note a note", b"A NOTE A NOTE")
    lazy = lazy_fold(plan, path)
    assert parts(lazy) == parts(plain)
    assert [event_to_dict(e) for e in lazy.events] == [event_to_dict(e) for e in plain.events]


def test_a_copy_made_by_hand_with_events_the_journal_lacks_is_refused_by_name(long_window):
    path, _ = long_window
    data = path.read_bytes()
    extra = StepMarked(at=T0, by="nobody", step="apply", status=StepStatus.SKIP, note="not in the journal")
    write_cache(Journal(path).cache_path, data, len(data), [*Journal(path).load(), extra])
    spoil_copy_events(path, b"not in the journal", b"NOT IN THE JOURNAL")
    lazy = lazy_fold(load_plan(MINIMAL).plan, path)
    with pytest.raises(StateError, match=r"w\.state\.toml\.cache does not match the state file; delete it"):
        lazy.steps["apply"].fields()


def test_a_mark_on_a_copy_whose_events_were_changed_finds_the_journals_marks(tmp_path):
    plan = tmp_path / "plan.toml"
    shutil.copy(MINIMAL, plan)
    state = tmp_path / "w.state.toml"
    write_journal(state, window_events(2500) + ending(StepStatus.FAIL, StepStatus.FAIL, "w"))
    Journal(state).load()  # makes the copy
    # The copy now says the window's last marks passed; the journal says they failed.
    spoil_copy_events(state, bytes([0xA4]) + b"fail", bytes([0xA4]) + b"pass")
    done = relboard("mark", str(plan), "apply", "pass", "--state", str(state), "--by", "bot")
    assert done.returncode == 0, done.stderr
    assert "already" not in done.stdout
    last = Journal(state).load()[-1]
    assert (last.step, last.status) == ("apply", StepStatus.PASS)


def test_parts_looked_at_first_and_events_folded_later_still_match(long_window):
    path, events = long_window
    write_journal(path, window_events(40, first=3000))  # after the copy: read from the journal
    plan = load_plan(MINIMAL).plan
    plain = WindowState(plan, Journal(path).load())
    lazy = lazy_fold(plan, path)
    assert lazy.steps["apply"].status == plain.steps["apply"].status  # one step first, alone
    later = [*window_events(30, first=5000), events[10], replace(events[11], by="x")]  # old ids: skipped
    for event in later:
        plain.apply(event)
        lazy.apply(event)
    assert parts(lazy) == parts(plain)


def test_a_writers_clock_skipping_the_copy_stamps_as_one_that_read_every_event(long_window):
    path, _ = long_window
    far = replace(window_events(1, first=9000)[0], id="9" * 26, hlc=format_hlc(T0_MS + MAX_AHEAD_MS * 3, 0, "zz"))
    write_journal(path, [far])
    Journal(path).cache_path.unlink()
    Journal(path).load()  # the copy now holds a stamp too far ahead to follow
    plan = load_plan(MINIMAL).plan
    plain = WindowState(plan, Journal(path).load())
    lazy = lazy_fold(plan, path)
    now = T0_MS + 5
    reading, skipping = Stamper("me", wall_ms=lambda: now), Stamper("me", wall_ms=lambda: now)
    skipping.skip(lazy.indexed, lazy.stamp_keys)
    new = StepMarked(at=T0, step="apply", status=StepStatus.PASS)
    first, second = reading(new, plain.events), skipping(new, lazy.events)
    # Past the latest stamp it may follow (the last event's), not the one a day ahead.
    assert first.hlc == second.hlc == format_hlc(T0_MS + 2999 * 10, 2999 % 3 + 1, "me")


# `relboard mark` as a deploy script calls it, on copies of one long window.


def relboard(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "relboard", *args], capture_output=True, text=True, env=dict(os.environ), timeout=60
    )


def marks(plan: Path, state: Path) -> list[tuple]:
    """A script's marks: what each printed and the events each added (less what is new each time)."""
    seen = []
    for step, status in [("apply", "pass"), ("apply", "pass"), ("login", "fail"), ("notify-done", "skip")]:
        before = len(Journal(state).load())
        done = relboard("mark", str(plan), step, status, "--state", str(state), "--by", "bot")
        added = [
            {k: v for k, v in event_to_dict(e).items() if k not in ("at", "id", "hlc", "writer")}
            for e in Journal(state).load()[before:]
        ]
        seen.append((done.returncode, done.stdout.replace(str(state), "STATE"), done.stderr, added))
    return seen


def _no_copy(path: Path, other: Path) -> None:
    Journal(path).cache_path.unlink(missing_ok=True)


def _fresh(path: Path, other: Path) -> None:
    Journal(path).load()


def _stale(path: Path, other: Path) -> None:
    # Another writer marked after the copy was made: its events come from the journal's tail.
    Journal(path).load()
    write_journal(
        path,
        [
            StepMarked(at=T0 + timedelta(days=9), by="x", step="apply", status=StepStatus.SKIP, id="8" * 26),
            PlanLoaded(at=T0 + timedelta(days=9), plan_hash=load_plan(MINIMAL).hash, step_ids=STEPS[:4], id="7" * 26),
        ],
    )


def _truncated(path: Path, other: Path) -> None:
    copy = Journal(path).cache_path
    Journal(path).load()
    copy.write_bytes(copy.read_bytes()[: copy.stat().st_size // 2])


def _foreign(path: Path, other: Path) -> None:
    shutil.copy(Journal(other).cache_path, Journal(path).cache_path)


def _journal_cut_back(path: Path, other: Path) -> None:
    # The journal restored from an older copy: shorter than the bytes its copy was made from.
    data = path.read_bytes()
    Journal(path).load()
    path.write_bytes(data[: data.rindex(b"\n[[event]]\n", 0, len(data) - 300_000)])


def _hand_made(path: Path, other: Path) -> None:
    # A copy claiming the journal's bytes, with events that are not the journal's.
    Journal(path).load()
    copy = Journal(path).cache_path
    raw = copy.read_bytes()
    head, body = raw.split(b"\n", 1)
    facts = json.loads(head)
    facts["count"] = 1
    copy.write_bytes(json.dumps(facts).encode() + b"\n" + body)


@pytest.mark.parametrize(
    "spoil", [_fresh, _stale, _truncated, _foreign, _journal_cut_back, _hand_made], ids=lambda f: f.__name__[1:]
)
def test_mark_records_and_refuses_the_same_whatever_the_copy(tmp_path, spoil):
    plan = tmp_path / "plan.toml"
    shutil.copy(MINIMAL, plan)
    other = tmp_path / "other.state.toml"
    # Another window of the very same length and block sizes: only its last marks differ.
    write_journal(other, window_events(2500) + ending(StepStatus.PASS, StepStatus.PASS, "v"))
    Journal(other).load()

    with_copy, without = tmp_path / "with.state.toml", tmp_path / "without.state.toml"
    for state in (with_copy, without):
        write_journal(state, window_events(2500) + ending(StepStatus.FAIL, StepStatus.FAIL, "w"))
        spoil(state, other)
    Journal(without).cache_path.unlink(missing_ok=True)
    assert Journal(with_copy).cache_path.exists()

    expected = marks(plan, without)
    assert marks(plan, with_copy) == expected
    # Every mark went through; the second one found the step already as asked and recorded nothing, and
    # so did the third (the window's last mark failed the login) unless the journal was cut back before it.
    assert [code for code, *_ in expected] == [0, 0, 0, 0]
    assert expected[1][1] == "apply: already pass\n"
    assert expected[1][3] == []
    assert ("already" in expected[2][1]) == (spoil is not _journal_cut_back)
    assert all(added for _, out, _, added in expected if "already" not in out)
    plain = [event_to_dict(e) for e in Journal(without).load()]
    assert len([event_to_dict(e) for e in Journal(with_copy).load()]) == len(plain)


def _torn_tail(data: bytes) -> bytes:
    return data + block(StepMarked(at=T0, step="apply", status=StepStatus.PASS, id="T" * 26))[:-40]


def _damaged_tail(data: bytes) -> bytes:
    whole = block(StepMarked(at=T0, step="apply", status=StepStatus.PASS, id="D" * 26))
    return data + whole.replace(b"pass", b"fail")


def _damaged_past(data: bytes) -> bytes:
    at = data.index(b"a note a note", len(data) // 3)
    return data[:at] + b"A" + data[at + 1 :]


@pytest.mark.parametrize(
    ("spoil", "refused"), [(_torn_tail, False), (_damaged_tail, True), (_damaged_past, True)], ids=lambda v: str(v)
)
def test_mark_after_the_copy_still_cuts_a_torn_tail_and_refuses_damage(long_window, spoil, refused):
    path, _ = long_window
    plan = path.with_name("plan.toml")
    shutil.copy(MINIMAL, plan)
    path.write_bytes(spoil(path.read_bytes()))
    before = path.read_bytes()
    done = relboard("mark", str(plan), "apply", "skip", "--state", str(path), "--by", "bot")
    if refused:
        assert done.returncode == 2
        assert "the state file is damaged" in done.stderr
        assert "relboard state repair" in done.stderr
        assert path.read_bytes() == before  # nothing written to a damaged file
    else:
        assert done.returncode == 0, done.stderr
        events = Journal(path).load()
        assert isinstance(events[-1], StepMarked)
        assert events[-1].status is StepStatus.SKIP
        assert b"T" * 26 not in path.read_bytes()  # the torn block was cut before the mark was written
