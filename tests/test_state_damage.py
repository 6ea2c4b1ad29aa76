"""A damaged state file as a user meets it: torn vs damaged, check and repair, reading on, writing refused."""

from __future__ import annotations

import json
import re
import shutil
import stat
import subprocess
import sys
import tomllib
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from relboard.domain.events import StateRepaired, StepMarked, StepStatus
from relboard.domain.intents import MarkStep
from relboard.store.journal import Journal, JournalDamaged
from relboard.store.state_repair import check_state, repair_state
from relboard.window.salvage import open_window
from tests.conftest import MINIMAL
from tests.test_cli import relboard

T0 = datetime(2026, 12, 5, 21, 0, 0, tzinfo=UTC)


def marked(number: int, note: str = "") -> StepMarked:
    at = T0 + timedelta(seconds=number)
    return StepMarked(at=at, by="dana", step="apply", status=StepStatus.PASS, note=note or f"note {number}")


@pytest.fixture
def window(tmp_path) -> tuple[Path, Path]:
    plan = tmp_path / "tonight.toml"
    shutil.copy(MINIMAL, plan)
    state = tmp_path / "tonight.state.toml"
    journal = Journal(state)
    for number in range(6):
        journal.append(marked(number))
    return plan, state


def spoil(state: Path, old: bytes, new: bytes) -> bytes:
    data = state.read_bytes()
    assert data.count(old) == 1
    state.write_bytes(data.replace(old, new))
    return state.read_bytes()


def block_lines(data: bytes, index: int) -> tuple[int, int]:
    """The lines of the index-th block, from its `[[event]]` line to its `sum` line."""
    lines = data.split(b"\n")
    starts = [number for number, line in enumerate(lines, 1) if line == b"[[event]]"]
    sums = [number for number, line in enumerate(lines, 1) if line.startswith(b'sum = "')]
    return starts[index], sums[index]


def notes(state: Path) -> list[str]:
    return [e.note for e in Journal(state).load() if isinstance(e, StepMarked)]


# ---- item 1: a complete last block with a bad checksum is damage, not a torn write -------------------


def test_a_complete_last_block_with_a_bad_checksum_is_never_cut_off(window):
    plan, state = window
    data = spoil(state, b'note = "note 5"', b'note = "note X"')
    status = relboard("status", str(plan))
    assert status.returncode == 0
    assert "is damaged" in status.stderr
    assert f"relboard state repair {plan}" in status.stderr
    mark = relboard("mark", str(plan), "apply", "fail", "--note", "after")
    assert mark.returncode == 2
    first, last = block_lines(data, 5)
    assert mark.stderr.startswith(f"{state}:{first}:1: the state file is damaged: damaged [[event]] block")
    assert f"(lines {first}-{last}): its checksum does not match" in mark.stderr
    assert "move it aside" not in mark.stderr
    assert state.read_bytes() == data  # the fsynced last event is still there, byte for byte


def test_only_a_strict_prefix_of_the_last_block_is_a_torn_write(window):
    plan, state = window
    data = state.read_bytes()
    state.write_bytes(data[: data.rindex(b'sum = "') + 10])
    status = relboard("status", str(plan))
    assert status.returncode == 0
    assert "damaged" not in status.stderr
    check = relboard("state", "check", str(plan))
    assert check.returncode == 0
    assert "5 events intact, no damage, the last block was cut short by a crash" in check.stdout
    assert relboard("mark", str(plan), "apply", "fail", "--note", "after").returncode == 0
    assert notes(state) == [f"note {n}" for n in range(5)] + ["after"]


# ---- item 2: check ----------------------------------------------------------------------------------


def test_check_names_every_damaged_block_and_sums_up(window):
    plan, state = window
    spoil(state, b'note = "note 1"', b'note = "note \xff"')
    data = spoil(state, b'note = "note 3"', b'note = "note Z"')
    check = relboard("state", "check", str(plan))
    assert check.returncode == 1
    lines = check.stdout.splitlines()
    one, three = block_lines(data, 1), block_lines(data, 3)
    bad_line = one[0] + 6
    assert lines == [
        f"{state}:{one[0]}:1: damaged [[event]] block (lines {one[0]}-{one[1]}): it holds bytes that are not UTF-8"
        f" text (byte 0xff) at line {bad_line}, column 14",
        f"{state}:{three[0]}:1: damaged [[event]] block (lines {three[0]}-{three[1]}): its checksum does not match",
        f"{state}: 4 events intact, 2 damaged blocks at lines {one[0]}-{one[1]}, {three[0]}-{three[1]}",
    ]


def _crc_block(body: str) -> bytes:
    raw = body.encode("utf-8")
    return b"\n[[event]]\n" + raw + b'sum = "%08x"\n' % zlib.crc32(raw)


@pytest.mark.parametrize(
    ("spoiled", "reason"),
    [
        (lambda d: d + _crc_block('kind = "from_the_future"\nat = 2026-12-05 21:00:00+00:00\n'), "unknown kind"),
        (lambda d: d + _crc_block("kind = = 3\n"), "its TOML cannot be read"),
        (lambda d: d.replace(b'sum = "', b'sux = "', 1), "it has no `sum` line"),
        (lambda d: d + d, "a second state header"),
        (lambda d: d + d[d.index(b"\n[[event]]") : d.index(b"\n[[event]]", 200)], "a second copy of the block"),
        (lambda d: d.replace(b"note 2", b"note \x9b2"), "not UTF-8"),
        (lambda d: d + _crc_block('kind = "step_marked"\nat = "yesterday"\n'), "not a valid event"),
    ],
    ids=["unknown-kind", "bad-toml", "cut-mid-file", "duplicate-header", "duplicate-block", "non-utf8", "invalid"],
)
def test_check_says_why_each_kind_of_damage_is_damage(window, spoiled, reason):
    plan, state = window
    state.write_bytes(spoiled(state.read_bytes()))
    check = relboard("state", "check", str(plan))
    assert check.returncode == 1, check.stdout + check.stderr
    assert reason in check.stdout
    *damage, summary = check.stdout.splitlines()
    assert damage
    assert all(re.match(rf"{re.escape(str(state))}:\d+:\d+: damaged ", line) for line in damage)
    assert summary.startswith(f"{state}: ")
    assert "intact" in summary


def test_check_exits_0_when_intact_and_2_when_the_file_is_no_state(window, tmp_path):
    plan, state = window
    check = relboard("state", "check", str(plan))
    assert (check.returncode, check.stdout) == (0, f"{state}: 6 events intact, no damage\n")
    newer = relboard("state", "check", str(plan), "--state", str(plan))
    assert newer.returncode == 2
    assert newer.stderr.startswith(f"{plan}:")
    assert "is it a plan?" in newer.stderr
    future = tmp_path / "future.state.toml"
    future.write_bytes(b"schema = 2\n" + state.read_bytes().split(b"\n", 1)[1])
    assert relboard("state", "check", str(plan), "--state", str(future)).returncode == 2
    assert relboard("state", "repair", str(plan), "--state", str(future)).returncode == 2
    missing = relboard("state", "check", str(plan), "--state", str(tmp_path / "none.toml"))
    assert missing.returncode == 0
    assert "no state file yet" in missing.stdout
    nothing = relboard("state", "repair", str(plan), "--state", str(tmp_path / "none.toml"))
    assert nothing.returncode == 2
    assert "there is no state file here" in nothing.stderr
    assert sorted(p.name for p in tmp_path.glob("none*")) == []


# ---- item 2: repair ---------------------------------------------------------------------------------


def test_repair_keeps_every_intact_event_and_copies_the_damage_aside(window):
    plan, state = window
    data = spoil(state, b'note = "note 2"', b'note = "note X"')
    first, last = block_lines(data, 2)
    damaged = data[
        data.index(b"\n[[event]]", data.index(b"note 1")) : data.index(b"\n[[event]]", data.index(b"note X"))
    ]
    repair = relboard("state", "repair", str(plan), "--by", "dana")
    assert repair.returncode == 0, repair.stderr
    (side,) = state.parent.glob("tonight.state.toml.damaged-*.toml")
    assert re.fullmatch(r"tonight\.state\.toml\.damaged-\d{8}T\d{6}Z\.toml", side.name)
    assert repair.stdout.splitlines() == [
        f"{state}: repaired; kept 5 intact events",
        f"1 damaged range (lines {first}-{last}) copied to {side}",
    ]
    held = side.read_bytes()
    assert damaged in held
    assert f"lines {first}-{last}".encode() in held
    assert stat.S_IMODE(side.stat().st_mode) == 0o600
    assert notes(state) == ["note 0", "note 1", "note 3", "note 4", "note 5"]
    repaired = Journal(state).load()[-1]
    assert isinstance(repaired, StateRepaired)
    assert (repaired.damaged, repaired.lines, repaired.side_file, repaired.kept, repaired.by) == (
        1,
        [f"{first}-{last}"],
        side.name,
        5,
        "dana",
    )
    # Every intact block is kept byte for byte, and the file is still TOML.
    assert state.read_bytes().startswith(data[: data.index(b"\n[[event]]", data.index(b"note 1"))])
    assert len(tomllib.loads(state.read_text(encoding="utf-8"))["event"]) == 6

    again = relboard("state", "repair", str(plan))
    assert again.returncode == 0
    assert again.stdout == f"{state}: nothing to repair (6 events intact)\n"
    assert list(state.parent.glob("tonight.state.toml.damaged-*.toml")) == [side]
    assert relboard("mark", str(plan), "apply", "fail", "--note", "after").returncode == 0
    timeline = relboard("status", str(plan))
    assert timeline.returncode == 0
    assert "damaged" not in timeline.stderr


def test_a_damaged_header_with_intact_blocks_is_repaired_too(window):
    plan, state = window
    data = spoil(state, b"schema = 1\n", b"sch\xffma = 1\n")
    check = relboard("state", "check", str(plan))
    assert check.returncode == 1
    assert check.stdout.startswith(f"{state}:1:1: damaged header (line")
    assert "not UTF-8" in check.stdout
    assert relboard("state", "repair", str(plan)).returncode == 0
    assert notes(state) == [f"note {n}" for n in range(6)]
    assert tomllib.loads(state.read_text(encoding="utf-8"))["schema"] == 1
    (side,) = state.parent.glob("tonight.state.toml.damaged-*.toml")
    assert data[: data.index(b"\n[[event]]")] in side.read_bytes()


# ---- item 2: reading goes on, writing waits for the repair ------------------------------------------


def test_reading_commands_work_from_the_intact_events_and_writing_ones_refuse(window):
    plan, state = window
    data = spoil(state, b'note = "note 2"', b'note = "note X"')
    for args in (
        ["status", str(plan)],
        ["status", str(plan), "--json"],
        ["report", str(plan)],
        ["notice", "after", str(plan)],
    ):
        result = relboard(*args)
        assert result.returncode == 0, (args, result.stderr)
        assert "is damaged" in result.stderr, args
        assert "relboard state repair" in result.stderr, args
        assert "move it aside" not in result.stderr
        assert "Traceback" not in result.stderr
    report = relboard("report", str(plan))
    assert "note 1" in report.stdout
    assert "note X" not in report.stdout
    first, last = block_lines(data, 2)
    document = json.loads(relboard("status", str(plan), "--json").stdout)
    assert document["state_damage"]["ranges"] == [{"lines": f"{first}-{last}", "reason": "its checksum does not match"}]
    for args in (["mark", str(plan), "apply", "fail"], ["probe", str(plan)], ["notice", "after", str(plan), "--send"]):
        result = relboard(*args, env={"RELBOARD_WEBHOOK": "http://127.0.0.1:9/"})
        assert result.returncode == 2, (args, result.stderr)
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert "state repair" in result.stderr
        assert "move it aside" not in result.stderr
    assert state.read_bytes() == data


def follow(session) -> list:
    """What a board does every few seconds: fold what the file gained since it last looked."""
    new = session.journal.read_new()
    for event in new:
        session.state.apply(event)
    return new


def mark(session, note: str) -> None:
    session.recorder(by="board").record(MarkStep("apply", StepStatus.FAIL, note))


def test_the_board_api_opens_a_damaged_window_refuses_to_record_and_follows_the_repair(window):
    plan, state = window
    spoil(state, b'note = "note 2"', b'note = "note X"')
    with pytest.raises(JournalDamaged):
        open_window(plan, state)
    session = open_window(plan, state, salvage=True)
    damage = session.journal.damage
    assert damage is not None
    assert len(damage.damage) == 1
    assert [s.note for s in [session.state.steps["apply"]]] == ["note 5"]
    assert session.journal.unwritable_reason() == "the state file is damaged"
    with pytest.raises(JournalDamaged):
        mark(session, "refused")
    result = repair_state(session.state_path, by="board")
    assert result.repaired
    assert result.kept == 5
    assert result.side_file is not None
    assert result.side_file.exists()
    # The open session follows the repaired file: the repair event is news, and recording works again.
    new = follow(session)
    assert [e.kind for e in new] == ["state_repaired"]
    assert session.journal.damage is None
    mark(session, "after the repair")
    assert notes(state)[-1] == "after the repair"
    assert check_state(state) is not None
    assert not check_state(state).damaged


def test_damage_found_while_open_refuses_writes_until_the_repair_and_then_carries_on(window):
    plan, state = window
    session = open_window(plan, state)
    other = Journal(state)
    other.append(marked(6, "from another writer"))
    other.append(marked(8, "damaged later"))
    data = spoil(state, b"damaged later", b"DAMAGED LATER")
    first, last = block_lines(data, 7)
    with pytest.raises(JournalDamaged) as caught:
        follow(session)
    assert caught.value.scan.summary() == f"7 events intact, 1 damaged block at lines {first}-{last}"
    with pytest.raises(JournalDamaged):
        mark(session, "typed while damaged")
    repair_state(state, by="board")
    # The events it had not seen yet come with the repair, and recording carries on.
    assert [e.kind for e in follow(session)] == ["step_marked", "state_repaired"]
    assert session.state.steps["apply"].note == "from another writer"
    mark(session, "typed while damaged")
    assert notes(state)[-2:] == ["from another writer", "typed while damaged"]


def test_repair_hands_the_repaired_journal_to_the_hub_hook(window):
    _, state = window
    spoil(state, b'note = "note 2"', b'note = "note X"')
    calls = []

    def pull_missing(journal: Journal) -> int:
        calls.append(journal.path)
        journal.load()
        journal.append(marked(2, "note 2 from the hub"))
        return 1

    result = repair_state(state, by="dana", pull_missing=pull_missing)
    assert calls == [state]
    assert result.pulled == 1
    assert "note 2 from the hub" in notes(state)
    assert repair_state(state, by="dana", pull_missing=pull_missing).pulled == 0
    assert calls == [state]


# ---- a concurrent mark loop during a repair loses nothing -------------------------------------------

MARK_LOOP = """
import sys
from relboard.cli import main
plan, state, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
refused = 0
for number in range(count):
    while True:
        code = main(["mark", plan, "apply", "pass", "--note", f"loop {number}", "--state", state, "--by", "loop"])
        if code == 0:
            break
        assert code == 2, code
        refused += 1
        if refused == 1:
            print("refused", flush=True)
print("done", refused, flush=True)
"""


def test_marks_during_a_repair_are_refused_until_it_is_done_and_none_is_lost(window, tmp_path):
    plan, state = window
    spoil(state, b'note = "note 2"', b'note = "note X"')
    loop = subprocess.Popen(
        [sys.executable, "-c", MARK_LOOP, str(plan), str(state), "20"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert loop.stdout is not None
        assert loop.stdout.readline() == "refused\n"
        repair = relboard("state", "repair", str(plan), "--state", str(state))
        assert repair.returncode == 0, repair.stderr
        out, err = loop.communicate(timeout=120)
    finally:
        if loop.poll() is None:
            loop.kill()
            loop.wait()
    assert loop.returncode == 0, err
    assert out.splitlines()[-1].startswith("done")
    found = notes(state)
    assert found[:5] == ["note 0", "note 1", "note 3", "note 4", "note 5"]
    assert sorted(found[5:], key=lambda n: int(n.split()[1])) == [f"loop {n}" for n in range(20)]
    assert sum(isinstance(e, StateRepaired) for e in Journal(state).load()) == 1
