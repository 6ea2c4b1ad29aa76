"""The state journal on real files: round trips, torn tails, damaged files, other writers, where it lives."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import tomllib
import zlib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from msgspec.structs import replace

from relboard.domain.event_model import validate_event
from relboard.domain.events import (
    CommandsApproved,
    CriterionMarked,
    Decision,
    DecisionRecorded,
    IssueOpened,
    IssueUpdated,
    NoteAdded,
    NoticeKind,
    NoticeSent,
    PlanLoaded,
    ProbeOutcome,
    ProbeRan,
    StepMarked,
    StepStatus,
    event_to_dict,
)
from relboard.domain.identity import ID_PATTERN
from relboard.store.journal import STATE_SCHEMA, Journal, StateError
from relboard.store.journal_cache import FORMAT
from relboard.store.locations import default_state_path
from relboard.store.paths import sample_plans_dir
from tests.hostile import hostile_strings

NAUGHTY = hostile_strings()
# Without the huge ones, for the many-event journals and the generated events.
SHORT_NAUGHTY = [text for text in NAUGHTY if len(text) < 1000]
MINIMAL_PLAN = Path(__file__).resolve().parent / "data" / "minimal.toml"
T0 = datetime(2026, 12, 5, 21, 0, 0, 123456, tzinfo=UTC)


def marked(number: int, note: str = "") -> StepMarked:
    return StepMarked(
        at=T0 + timedelta(seconds=number),
        by="dana",
        step="apply",
        status=StepStatus.PASS,
        note=note or f"n{number}",
        id=f"{number:026d}",  # events are made with ids now; a block without one gets one at load
    )


def write(path: Path, events) -> bytes:
    journal = Journal(path)
    for event in events:
        journal.append(event)
    return path.read_bytes()


def block_for(folder: Path, event) -> bytes:
    """The bytes append() adds to an existing journal for `event`."""
    path = folder / f"scratch-{next(_scratch)}.state.toml"
    journal = Journal(path)
    journal.append(marked(0))
    size = path.stat().st_size
    journal.append(event)
    return path.read_bytes()[size:]


_scratch = itertools.count()


def crc_block(body: str) -> bytes:
    raw = body.encode("utf-8")
    return b"\n[[event]]\n" + raw + b'sum = "%08x"\n' % zlib.crc32(raw)


def event_line(data: bytes, index: int) -> int:
    """The 1-based line of the index-th `[[event]]` line."""
    lines = data.decode("utf-8", errors="replace").split("\n")
    return [number for number, line in enumerate(lines, 1) if line == "[[event]]"][index]


def refused(path: Path) -> StateError:
    """Both reading and writing refuse the file, and leave every byte of it as it was."""
    before = path.read_bytes() if path.is_file() else None
    with pytest.raises(StateError) as loading:
        Journal(path).load()
    with pytest.raises(StateError):
        Journal(path).append(marked(99))
    after = path.read_bytes() if path.is_file() else None
    assert after == before
    return loading.value


# ---- round trips -------------------------------------------------------------------------------------

TEXT = st.one_of(st.text(), st.sampled_from(SHORT_NAUGHTY))
WORDS = st.lists(TEXT, max_size=4)
ZONES = st.one_of(
    st.just(UTC),
    st.integers(-18 * 60 + 1, 18 * 60 - 1).map(lambda minutes: timezone(timedelta(minutes=minutes))),
    st.timezones(),
)
MOMENTS = st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2200, 1, 1), timezones=ZONES)
EVENTS = st.one_of(
    st.builds(PlanLoaded, at=MOMENTS, by=TEXT, plan_hash=TEXT, step_ids=WORDS),
    st.builds(StepMarked, at=MOMENTS, by=TEXT, step=TEXT, status=st.sampled_from(StepStatus), note=TEXT),
    st.builds(NoteAdded, at=MOMENTS, by=TEXT, step=TEXT, note=TEXT),
    st.builds(
        IssueOpened, at=MOMENTS, by=TEXT, issue=TEXT, title=TEXT, impact=TEXT, workaround=TEXT, owner=TEXT, step=TEXT
    ),
    st.builds(
        IssueUpdated,
        at=MOMENTS,
        by=TEXT,
        issue=TEXT,
        changed=WORDS,
        title=TEXT,
        impact=TEXT,
        workaround=TEXT,
        owner=TEXT,
        step=TEXT,
        resolved=st.booleans(),
    ),
    st.builds(CriterionMarked, at=MOMENTS, by=TEXT, criterion=TEXT, tripped=st.booleans(), reason=TEXT),
    st.builds(
        DecisionRecorded,
        at=MOMENTS,
        by=TEXT,
        decision=st.sampled_from(Decision),
        rationale=TEXT,
        tripped=WORDS,
        business_owner=TEXT,
        technical_owner=TEXT,
        impact_statement=TEXT,
        next_update=TEXT,
    ),
    st.builds(
        ProbeRan,
        at=MOMENTS,
        by=TEXT,
        step=TEXT,
        outcome=st.sampled_from(ProbeOutcome),
        status_code=st.integers(-(2**63), 2**63 - 1),
        latency_ms=st.floats(allow_nan=False),
        reason=TEXT,
        command=TEXT,
        exit_code=st.integers(-(2**63), 2**63 - 1),
        output=TEXT,
    ),
    st.builds(
        NoticeSent,
        at=MOMENTS,
        by=TEXT,
        notice=st.sampled_from(NoticeKind),
        delivered=st.booleans(),
        channel=TEXT,
        detail=TEXT,
        text=TEXT,
        action=TEXT,
        ref=TEXT,
        covers=WORDS,
    ),
    st.builds(CommandsApproved, at=MOMENTS, by=TEXT, plan_hash=TEXT, digest=TEXT, commands=WORDS),
)


def assert_same_events(loaded, written) -> None:
    assert len(loaded) == len(written)
    for back, sent in zip(loaded, written, strict=False):
        back_data, sent_data = event_to_dict(back), event_to_dict(sent)
        if sent.id is None:
            # Written without an id: it is given one at load, the same every time.
            assert re.match(ID_PATTERN, back_data.pop("id"))
        back_at, sent_at = back_data.pop("at"), sent_data.pop("at")
        assert back_data == sent_data
        # The same instant; the same offset too, unless it had seconds (old local mean time), which TOML
        # cannot hold and which is saved in UTC.
        assert back_at.astimezone(UTC) == sent_at.astimezone(UTC)
        if sent_at.utcoffset() % timedelta(minutes=1) == timedelta(0):
            assert back_at.utcoffset() == sent_at.utcoffset()


_examples = itertools.count()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# The same block twice is damage (see journal_scan); relboard never records one event twice.
@given(events=st.lists(EVENTS, min_size=1, max_size=4, unique_by=lambda event: str(event_to_dict(event))))
def test_any_events_come_back_from_the_file_as_they_were_written(tmp_path, events):
    path = tmp_path / f"example-{next(_examples)}" / "window.state.toml"
    writer = Journal(path)
    for event in events:
        assert writer.append(event) == []
    assert_same_events(Journal(path).load(), events)
    # The file stays plain TOML as a whole.
    assert len(tomllib.loads(path.read_text(encoding="utf-8"))["event"]) == len(events)


def test_every_naughty_string_survives_as_a_title_a_note_and_a_rationale(tmp_path):
    events = []
    for number, text in enumerate(NAUGHTY):
        at = T0 + timedelta(seconds=number)
        events.append(IssueOpened(at=at, issue=f"i{number}", title=text, workaround=text))
        events.append(NoteAdded(at=at, step="apply", note=text))
        events.append(DecisionRecorded(at=at, decision=Decision.CONTINUE, rationale=text, tripped=[text]))
    path = tmp_path / "naughty.state.toml"
    write(path, events)
    loaded = Journal(path).load()
    assert_same_events(loaded, events)
    assert [event.title for event in loaded[0::3]] == NAUGHTY
    assert [event.note for event in loaded[1::3]] == NAUGHTY
    assert [event.rationale for event in loaded[2::3]] == NAUGHTY


def test_datetimes_keep_microseconds_and_their_offset(tmp_path):
    india = datetime(2026, 12, 6, 2, 30, 0, 654321, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    paris = datetime(2026, 12, 5, 22, 0, 0, 1, tzinfo=ZoneInfo("Europe/Paris"))
    path = tmp_path / "w.state.toml"
    events = [marked(0), StepMarked(at=india, step="a", status=StepStatus.FAIL), NoteAdded(at=paris, step="a", note="")]
    write(path, events)
    loaded = Journal(path).load()
    assert [event.at for event in loaded] == [T0, india, paris]
    assert loaded[1].at.microsecond == 654321
    assert loaded[1].at.utcoffset() == timedelta(hours=5, minutes=30)
    assert loaded[2].at.utcoffset() == timedelta(hours=1)
    text = path.read_text(encoding="utf-8")
    assert "at = 2026-12-06 02:30:00.654321+05:30\n" in text
    assert isinstance(tomllib.loads(text)["event"][1]["at"], datetime)


def test_the_file_is_a_toml_header_then_one_checked_block_per_event(tmp_path):
    path = tmp_path / "window.state.toml"
    write(path, [marked(0, "first"), PlanLoaded(at=T0, plan_hash="h", step_ids=["a", "b"])])
    text = path.read_text(encoding="utf-8")
    assert text.startswith(f"schema = {STATE_SCHEMA}\ncreated = ")
    assert text.split("\n").count("[[event]]") == 2
    document = tomllib.loads(text)
    assert document["schema"] == STATE_SCHEMA
    assert document["created"].tzinfo is not None
    assert [block["kind"] for block in document["event"]] == ["step_marked", "plan_loaded"]
    assert all(re.fullmatch(r"[0-9a-f]{8}", block["sum"]) for block in document["event"])
    assert document["event"][0]["note"] == "first"


def test_a_missing_file_is_an_empty_journal_and_reading_it_creates_nothing(tmp_path):
    path = tmp_path / "missing" / "w.state.toml"
    journal = Journal(path)
    assert journal.load() == []
    assert journal.read_new() == []
    assert not journal.exists
    assert not path.parent.exists()
    journal.append(marked(1))
    assert journal.exists
    assert journal.lock_path == path.with_name("w.state.toml.lock")
    assert Journal(path).load() == [marked(1)]


def test_a_blank_file_is_an_empty_journal_that_gets_a_header_on_first_write(tmp_path):
    path = tmp_path / "w.state.toml"
    path.write_bytes(b"")
    assert Journal(path).load() == []
    Journal(path).append(marked(1))
    assert path.read_text(encoding="utf-8").startswith("schema = 1\n")
    assert Journal(path).load() == [marked(1)]


# ---- torn tails --------------------------------------------------------------------------------------


def test_a_block_cut_anywhere_is_dropped_and_the_next_append_replaces_it(tmp_path):
    saved = [marked(0), marked(1, 'quoted "note"\nsecond line'), marked(2, "ünïcødé ✓ 🚀")]
    base = write(tmp_path / "base.state.toml", saved)
    torn_event = marked(3, "ünïcødé ✓ 🚀 [b]x[/b]")
    block = block_for(tmp_path, torn_event)
    assert block.startswith(b"\n[[event]]\n")
    assert block.endswith(b'"\n')
    for cut in range(1, len(block)):
        path = tmp_path / f"cut-{cut}.state.toml"
        path.write_bytes(base + block[:cut])
        journal = Journal(path)
        assert journal.load() == saved, f"cut at byte {cut}"
        assert journal.append(marked(4)) == []
        assert Journal(path).load() == [*saved, marked(4)], f"cut at byte {cut}"
        assert path.read_bytes().startswith(base)
        assert tomllib.loads(path.read_text(encoding="utf-8"))["event"][-1]["note"] == "n4"


def test_a_first_block_cut_short_leaves_an_empty_journal_that_takes_new_events(tmp_path):
    base = write(tmp_path / "base.state.toml", [marked(0)])
    header = base[: base.index(b"\n[[event]]\n")]
    block = base[len(header) :]
    for cut in range(1, len(block)):
        path = tmp_path / f"cut-{cut}.state.toml"
        path.write_bytes(header + block[:cut])
        assert Journal(path).load() == [], f"cut at byte {cut}"
        Journal(path).append(marked(5))
        assert Journal(path).load() == [marked(5)], f"cut at byte {cut}"


def test_zeros_after_the_last_block_from_a_power_cut_are_dropped(tmp_path):
    path = tmp_path / "w.state.toml"
    base = write(path, [marked(0), marked(1)])
    path.write_bytes(base + b'\n[[event]]\nkind = "step_' + b"\0" * 4096)
    assert Journal(path).load() == [marked(0), marked(1)]
    Journal(path).append(marked(2))
    assert path.read_bytes().startswith(base)
    assert Journal(path).load() == [marked(0), marked(1), marked(2)]


# ---- damaged and foreign files ----------------------------------------------------------------------


def test_a_damaged_block_before_the_last_is_refused_with_its_line_and_the_file_kept(tmp_path):
    path = tmp_path / "w.state.toml"
    data = write(path, [marked(0), marked(1, "original"), marked(2)])
    path.write_bytes(data.replace(b'note = "original"', b'note = "edited!!"'))
    error = refused(path)
    assert error.line == event_line(data, 1)
    assert str(error).startswith(f"{path}:{error.line}:1: ")
    assert "checksum" in error.message
    assert "relboard state repair" in error.message
    assert "move it aside" not in error.message
    assert "kept" in error.message


def test_a_block_without_its_sum_line_before_the_last_is_refused(tmp_path):
    path = tmp_path / "w.state.toml"
    data = write(path, [marked(0), marked(1), marked(2)])
    lines = data.split(b"\n")
    first_sum = next(number for number, line in enumerate(lines) if line.startswith(b"sum = "))
    del lines[first_sum]
    path.write_bytes(b"\n".join(lines))
    assert refused(path).line == event_line(data, 0)


def test_bytes_that_are_not_utf8_inside_an_earlier_block_are_refused(tmp_path):
    path = tmp_path / "w.state.toml"
    data = write(path, [marked(0, "aaaa"), marked(1)])
    path.write_bytes(data.replace(b"aaaa", b"\xff\xfe\xfd\xfc"))
    assert refused(path).line == event_line(data, 0)


def test_a_complete_last_block_that_is_not_an_event_is_refused_not_dropped(tmp_path):
    path = tmp_path / "w.state.toml"
    data = write(path, [marked(0)])
    path.write_bytes(data + crc_block('kind = "from_the_future"\nat = 2026-12-05 21:00:00+00:00\n'))
    error = refused(path)
    assert error.line == event_line(path.read_bytes(), 1)
    assert "not a valid event" in error.message


def test_a_state_from_a_newer_relboard_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "w.state.toml"
    path.write_bytes(b"schema = 2\ncreated = 2027-01-01T00:00:00Z\n" + crc_block('kind = "new"\n'))
    error = refused(path)
    assert (error.line, error.col) == (1, 1)
    assert "newer relboard" in error.message
    assert "schema 2" in error.message
    assert "reads schema 1" in error.message
    assert "upgrade relboard" in error.message
    assert "--state PATH" in error.message


def test_a_plan_given_as_the_state_file_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "plan.toml"
    shutil.copy(MINIMAL_PLAN, path)
    error = refused(path)
    assert "not a relboard state file" in error.message
    assert "[release]" in error.message


@pytest.mark.parametrize(
    "content",
    [
        bytes(range(256)) * 8,
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
        b'schema = 1\ncreated = 2026-12-05T21:00:00Z\nnote = "caf\xe9"\n',
        b"schema = 1\nthis is = not toml\n",
        b'{"schema": 1}',
        b'schema = "one"\n',
        b"created = 2026-12-05T21:00:00Z\n",
    ],
    ids=["binary", "png", "latin-1", "bad-toml", "json", "schema-text", "no-schema"],
)
def test_files_that_are_not_state_are_refused_with_a_position(tmp_path, content):
    path = tmp_path / "w.state.toml"
    path.write_bytes(content)
    error = refused(path)
    assert re.match(rf"{re.escape(str(path))}:\d+:\d+: ", str(error))
    assert "kept" in error.message


def test_a_not_utf8_header_is_pointed_at(tmp_path):
    path = tmp_path / "w.state.toml"
    path.write_bytes(b'schema = 1\nowner = "caf\xe9"\n')
    error = refused(path)
    assert (error.line, error.col) == (2, 13)
    assert "not UTF-8" in error.message


def test_a_folder_in_place_of_the_state_file_is_refused(tmp_path):
    path = tmp_path / "w.state.toml"
    path.mkdir()
    error = refused(path)
    assert "folder" in error.message
    assert path.is_dir()
    assert list(path.iterdir()) == []


def test_a_path_that_cannot_be_opened_is_refused(tmp_path):
    path = tmp_path / "w.state.toml"
    path.symlink_to(path)  # a loop: opening it fails whoever runs the test
    error = refused(path)
    assert "cannot open" in error.message
    assert path.is_symlink()


# ---- other writers ------------------------------------------------------------------------------------


def test_read_new_sees_what_another_writer_appended_and_only_once(tmp_path):
    path = tmp_path / "w.state.toml"
    board, script = Journal(path), Journal(path)
    assert board.load() == []
    script.append(marked(1))
    script.append(marked(2))
    assert board.read_new() == [marked(1), marked(2)]
    assert board.read_new() == []
    assert board.append(marked(3)) == []
    assert board.read_new() == []
    assert script.read_new() == [marked(3)]


def test_append_returns_the_other_writers_events_in_file_order_without_its_own(tmp_path):
    path = tmp_path / "w.state.toml"
    board, script = Journal(path), Journal(path)
    board.load()
    script.load()
    assert board.append(marked(0)) == []
    assert script.append(marked(1)) == [marked(0)]
    assert script.append(marked(2)) == []
    assert board.append(marked(3)) == [marked(1), marked(2)]
    assert script.append(marked(4)) == [marked(3)]
    assert board.append(marked(5)) == [marked(4)]
    assert Journal(path).load() == [marked(number) for number in range(6)]


def test_a_journal_that_never_loaded_gets_every_earlier_event_from_its_first_append(tmp_path):
    path = tmp_path / "w.state.toml"
    write(path, [marked(0), marked(1)])
    assert Journal(path).append(marked(2)) == [marked(0), marked(1)]


def test_a_block_still_being_written_is_not_read_until_it_is_complete(tmp_path):
    path = tmp_path / "w.state.toml"
    board = Journal(path)
    base = write(path, [marked(0)])
    board.load()
    block = block_for(tmp_path, marked(1))
    with open(path, "ab") as handle:
        handle.write(block[:25])
    assert board.read_new() == []
    with open(path, "ab") as handle:
        handle.write(block[25:])
    assert board.read_new() == [marked(1)]
    assert path.read_bytes() == base + block


def test_a_state_file_replaced_while_open_is_reported_and_not_written(tmp_path):
    path = tmp_path / "w.state.toml"
    board = Journal(path)
    write(path, [marked(0)])
    board.load()
    path.rename(tmp_path / "aside.state.toml")
    Journal(path).append(marked(7))
    replaced = path.read_bytes()
    with pytest.raises(StateError, match="replaced"):
        board.read_new()
    with pytest.raises(StateError, match="replaced"):
        board.append(marked(1))
    assert path.read_bytes() == replaced
    path.unlink()
    with pytest.raises(StateError, match="moved or deleted"):
        board.read_new()
    # Deleted outright: the next append writes what this writer knows again, then its event.
    board.append(marked(1))
    assert Journal(path).load() == [marked(0), marked(1)]


# ---- where the state lives ----------------------------------------------------------------------------


def test_the_state_sits_next_to_a_plan_in_a_writable_folder(tmp_path):
    plan = tmp_path / "upgrade.toml"
    assert default_state_path(plan) == tmp_path / "upgrade.state.toml"


def test_the_bundled_plans_keep_their_state_in_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    demo = sample_plans_dir() / "demo.toml"
    path = default_state_path(demo)
    # Named by the sample alone: a reinstall elsewhere (or editable) reopens the same window.
    assert path == tmp_path / "data" / "relboard" / "samples" / "demo.state.toml"
    assert default_state_path(demo) == path
    assert not path.parent.exists()
    Journal(path).append(marked(0))
    assert Journal(path).load() == [marked(0)]
    assert not list(sample_plans_dir().glob("*.state.toml*"))


def test_plans_with_one_name_in_unwritable_folders_keep_separate_states(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    missing_a, missing_b = tmp_path / "gone-a" / "plan.toml", tmp_path / "gone-b" / "plan.toml"
    first, second = default_state_path(missing_a), default_state_path(missing_b)
    assert first.parent == second.parent == tmp_path / "data" / "relboard"
    assert first != second


def test_a_folder_removed_and_brought_back_gets_every_event_again(tmp_path):
    """The disk went away (folder removed) and came back empty: the next append loses nothing."""
    from relboard.domain.events import StepMarked, StepStatus

    folder = tmp_path / "window"
    journal = Journal(folder / "w.state.toml")
    at = datetime(2026, 12, 5, 21, 0, tzinfo=UTC)
    first = [StepMarked(at=at, step=f"s{i}", status=StepStatus.PASS, note=f"n{i}", id=f"{i:026d}") for i in range(3)]
    for event in first:
        journal.append(event)
    shutil.rmtree(folder)
    (tmp_path / "window").write_text("the disk is away")  # a file where the folder was: writes fail
    later = StepMarked(at=at, step="s9", status=StepStatus.FAIL, note="after the disk came back", id="9" * 26)
    with pytest.raises(StateError):
        journal.append(later)
    (tmp_path / "window").unlink()
    assert journal.append(later) == []
    assert Journal(folder / "w.state.toml").load() == [*first, later]
    # And the file keeps working as usual afterwards, for this writer and others.
    other = Journal(folder / "w.state.toml")
    other.load()
    extra = StepMarked(at=at, step="s10", status=StepStatus.SKIP, id="1" * 26)
    assert other.append(extra) == []
    assert journal.read_new() == [extra]


# ---- long journals and the copy of their events beside them ----------------------------------------

INDIA = timezone(timedelta(hours=5, minutes=30))


def varied(number: int):
    """Events of every shape a long window holds: offsets, lists, escapes, floats and booleans."""
    at = T0 + timedelta(seconds=number)
    text = SHORT_NAUGHTY[number % len(SHORT_NAUGHTY)]
    shapes = [
        lambda: NoteAdded(at=at, by="dana", step="apply", note=f"{number} " + "long note " * 60),
        lambda: StepMarked(at=at.astimezone(INDIA), step=f"s{number}", status=StepStatus.FAIL, note=text),
        lambda: IssueUpdated(at=at, issue=f"i{number}", changed=["title", "owner"], title=text, resolved=True),
        lambda: ProbeRan(
            at=at, step="probe", outcome=ProbeOutcome.FAIL, status_code=503, latency_ms=number / 7, reason="ünïcødé ✓"
        ),
        lambda: DecisionRecorded(at=at, decision=Decision.PAUSE, rationale='say "wait"\nthen\tlook', tripped=[]),
    ]
    return replace(shapes[number % len(shapes)](), id=f"{number:026d}")


def long_journal(path: Path, count: int, first: int = 0) -> list:
    """`count` more events written straight in the file format; 4,000 make well over a megabyte."""
    events = [varied(number) for number in range(first, first + count)]
    header = b"" if path.exists() else b"schema = 1\ncreated = 2026-12-05 21:00:00+00:00\n"
    blocks = b"".join(crc_block(tomli_w.dumps(event_to_dict(event))) for event in events)
    with open(path, "ab") as handle:
        handle.write(header + blocks)
    return events


def copy_facts(journal: Journal) -> dict:
    return json.loads(journal.cache_path.read_bytes().split(b"\n", 1)[0])


def assert_identical(loaded, expected) -> None:
    """Equal events, and datetimes of the same kind with the same offsets (what the board formats)."""
    assert loaded == expected
    assert [(type(e.at.tzinfo), e.at.utcoffset()) for e in loaded] == [
        (type(e.at.tzinfo), e.at.utcoffset()) for e in expected
    ]


def test_a_long_journal_reads_the_same_from_its_copy_as_from_the_file(tmp_path):
    path = tmp_path / "w.state.toml"
    events = long_journal(path, 4000)
    journal = Journal(path)
    assert not journal.cache_path.exists()

    from_file = journal.load()
    assert_same_events(from_file, events)
    facts = copy_facts(journal)
    assert facts["length"] == path.stat().st_size
    assert facts["count"] == len(events)
    copy_inode = journal.cache_path.stat().st_ino

    from_copy = Journal(path).load()
    assert_identical(from_copy, from_file)
    assert journal.cache_path.stat().st_ino == copy_inode  # used as it was, not written again
    # The journal stays plain TOML and the only source of truth: the copy is beside it, not in it.
    assert len(tomllib.loads(path.read_text(encoding="utf-8"))["event"]) == len(events)


def test_a_short_journal_gets_no_copy(tmp_path):
    path = tmp_path / "w.state.toml"
    long_journal(path, 50)
    assert len(Journal(path).load()) == 50
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.state.toml"]


def test_a_journal_of_some_hundred_kilobytes_gets_a_copy_written_again_only_after_a_megabyte_more(tmp_path):
    path = tmp_path / "w.state.toml"
    events = long_journal(path, 1000)
    assert 128 << 10 < path.stat().st_size < 1 << 20
    journal = Journal(path)
    journal.load()
    copied = copy_facts(journal)
    assert copied["count"] == 1000

    more = long_journal(path, 1000, first=1000)
    assert path.stat().st_size - copied["length"] < 1 << 20
    assert_identical(Journal(path).load(), [*events, *more])
    assert copy_facts(journal) == copied  # the new events are read from the journal; the copy stays


def test_events_written_after_the_copy_come_from_the_journal_and_refresh_the_copy_when_many(tmp_path):
    path = tmp_path / "w.state.toml"
    events = long_journal(path, 4000)
    journal = Journal(path)
    journal.load()
    copied = copy_facts(journal)

    journal.append(marked(1))
    journal.append(marked(2, "after the copy"))
    assert_identical(Journal(path).load(), [*events, marked(1), marked(2, "after the copy")])
    assert copy_facts(journal) == copied  # a few events more are read from the journal, no copy rewritten

    more = long_journal(path, 4000, first=4000)
    everything = [*events, marked(1), marked(2, "after the copy"), *more]
    assert_identical(Journal(path).load(), everything)
    assert copy_facts(journal)["length"] == path.stat().st_size
    assert_identical(Journal(path).load(), everything)


def _truncated(data: bytes, other: bytes) -> bytes:
    return data[: len(data) // 2]


def _one_letter_changed(data: bytes, other: bytes) -> bytes:
    at = data.index(b"long note", data.index(b"\n"))
    return data[:at] + b"L" + data[at + 1 :]


def _header_only(data: bytes, other: bytes) -> bytes:
    return data.split(b"\n", 1)[0] + b"\n"


def _another_windows_copy(data: bytes, other: bytes) -> bytes:
    return other


@pytest.mark.parametrize(
    "spoil",
    [
        _truncated,
        _one_letter_changed,
        _header_only,
        _another_windows_copy,
        lambda data, other: b"",
        lambda data, other: bytes(range(256)) * 64,
        lambda data, other: b'{"relboard_journal_cache": 2}\n[]',
        lambda data, other: data.replace(b'"relboard_journal_cache": %d' % FORMAT, b'"relboard_journal_cache": 99', 1),
    ],
    ids=["truncated", "one-letter", "header-only", "another-window", "empty", "binary", "no-facts", "newer-format"],
)
def test_a_damaged_or_foreign_copy_is_ignored_and_written_again(tmp_path, spoil):
    other_path = tmp_path / "other" / "w.state.toml"
    other_path.parent.mkdir()
    long_journal(other_path, 4100, first=7)
    other = Journal(other_path)
    other.load()

    path = tmp_path / "w.state.toml"
    events = long_journal(path, 4000)
    journal = Journal(path)
    journal.load()
    made = journal.cache_path.read_bytes()
    spoiled = spoil(made, other.cache_path.read_bytes())
    assert spoiled != made
    journal.cache_path.write_bytes(spoiled)

    assert_identical(Journal(path).load(), events)
    assert copy_facts(journal)["length"] == path.stat().st_size
    assert_identical(Journal(path).load(), events)


def test_a_journal_started_afresh_under_the_same_name_does_not_read_the_old_copy(tmp_path):
    path = tmp_path / "w.state.toml"
    long_journal(path, 4000)
    Journal(path).load()
    path.rename(tmp_path / "aside.state.toml")
    fresh = long_journal(path, 4000, first=1)  # the same size, other events
    assert_identical(Journal(path).load(), fresh)


def test_a_folder_where_the_copy_would_go_changes_nothing(tmp_path):
    path = tmp_path / "w.state.toml"
    events = long_journal(path, 4000)
    journal = Journal(path)
    journal.cache_path.mkdir()
    assert_identical(journal.load(), events)
    assert_identical(Journal(path).load(), events)
    assert journal.cache_path.is_dir()
    assert list(journal.cache_path.iterdir()) == []


def test_damage_in_the_part_the_copy_covers_is_still_refused_with_its_line(tmp_path):
    path = tmp_path / "w.state.toml"
    long_journal(path, 4000)
    Journal(path).load()
    data = path.read_bytes()
    path.write_bytes(data.replace(b"2000 long note", b"2000 LONG NOTE", 1))
    error = refused(path)
    assert error.line == event_line(data, 2000)
    assert "checksum" in error.message


def test_damage_and_torn_blocks_after_the_copy_are_handled_as_anywhere_else(tmp_path):
    path = tmp_path / "w.state.toml"
    events = long_journal(path, 4000)
    Journal(path).load()
    base = path.read_bytes()
    after = [marked(1, "first after"), marked(2), marked(3)]
    blocks = [block_for(tmp_path, event) for event in after]

    path.write_bytes(base + b"".join(blocks) + blocks[0][:40])
    journal = Journal(path)
    assert_identical(journal.load(), [*events, *after])
    assert journal.append(marked(4)) == []
    assert_identical(Journal(path).load(), [*events, *after, marked(4)])

    path.write_bytes(base + b"".join(blocks).replace(b"first after", b"first AFTER"))
    error = refused(path)
    assert error.line == event_line(base + b"".join(blocks), 4000)


def test_blocks_in_other_toml_spellings_read_as_toml_reads_them(tmp_path):
    """Files written by hand or by other tools: any TOML spelling of an event reads the same."""
    path = tmp_path / "w.state.toml"
    write(path, [marked(0)])
    spellings = [
        'kind = "issue_updated"\nat = 2026-12-05T21:00:00Z\nissue = \'i1\'\nchanged = ["title", "owner"]\n',
        'kind="note_added"\nat=2026-12-05 22:30:00.5+01:30\nstep = "apply"\nnote = "caf\\u00e9 \\U0001F680"\n',
        'kind = "probe_ran" # a comment\nat = 2026-12-05t21:00:00z\nstep = "p"\npassed = true\n'
        "status_code = 0x1F4\nlatency_ms = 1_500.25\n",
        'kind = "decision_recorded"\nat = 2026-12-05 21:00:00+00:00\ndecision = "pause"\n'
        'rationale = """two\nlines"""\ntripped = [\n  "a",\n  "b"\n]\n',
    ]
    with open(path, "ab") as handle:
        handle.write(b"".join(crc_block(body) for body in spellings))
    loaded = Journal(path).load()
    expected = [marked(0)] + [validate_event(tomllib.loads(body)) for body in spellings]
    # Blocks without an id get one from their bytes: the same on every load, a different one for each block.
    assert [e.id for e in Journal(path).load()] == [e.id for e in loaded]
    assert len({e.id for e in loaded}) == len(loaded)
    assert_identical([loaded[0]] + [replace(e, id=None) for e in loaded[1:]], expected)
    assert loaded[2].note == "café 🚀"
    assert loaded[4].tripped == ["a", "b"]
    assert loaded[3].status_code == 500
