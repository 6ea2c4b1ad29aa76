"""The fast writers of long outputs write what the plain ones did: indented JSON as the standard library
indents it, and each Markdown report cell as the step-by-step escaping made it."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec.structs import replace

from relboard.domain.event_json import event_json
from relboard.domain.events import EVENT_TYPES, Event, event_to_dict
from relboard.domain.json_text import dumps_indented
from relboard.domain.report_markdown import _table_lines, md
from relboard.domain.report_time import TimeWriter, format_time
from relboard.domain.text import clean
from tests.test_lazy_fold import window_events

# Text, with the characters that Markdown, the cleaner and str.split() treat specially well represented.
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(list(" \t\n\r-=.)0123456789\\`*_{}[]()#+!|<>~&\x1b\x85\xa0\u2028\u200b\u202e\u3000")),
    ),
    max_size=40,
)
# JSON documents as `status --json` builds them: text keys, and numbers that are written alike.
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), TEXT)
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.tuples(inner, inner),
        st.dictionaries(TEXT, inner, max_size=5),
    ),
    max_leaves=30,
)


@settings(max_examples=600, deadline=None)
@given(DOCUMENTS)
def test_indented_json_is_the_standard_librarys_byte_for_byte(document):
    assert dumps_indented(document) == json.dumps(document, indent=2, ensure_ascii=False)


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_float_reads_back_as_the_same_number(number):
    # Spelled as msgspec spells it (1e16, not 1e+16), read back as the same value.
    assert json.loads(dumps_indented({"ratio": number}))["ratio"] == number


def test_numbers_json_has_no_word_for_are_null():
    assert json.loads(dumps_indented([float("nan"), float("inf"), -float("inf")])) == [None, None, None]


def test_indented_json_of_a_window_like_document():
    event = {"kind": "step_marked", "at": "2026-12-05T21:00:00+00:00", "waited_on": [], "note": 'say "hi"\n'}
    document = {
        "steps": {"a": {"status": "pass", "at": None}},
        "events": [event, {**event, "waited_on": ["x", "y"]}, {}],
        "empty": {},
        "ratio": 0.1,
    }
    assert dumps_indented(document) == json.dumps(document, indent=2, ensure_ascii=False)


def _md_step_by_step(text: str) -> str:
    """What md did before its fast path: clean to one line, one space between words, then escape."""
    text = " ".join(clean(text, single_line=True).split())
    text = re.sub(r"([\\`*_{}\[\]()#+!|<>~&])", r"\\\1", text)
    text = re.sub(r"^([-=])", r"\\\1", text)
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", text)


@settings(max_examples=3000, deadline=None)
@given(TEXT)
def test_a_markdown_cell_is_escaped_as_step_by_step(text):
    assert md(text) == _md_step_by_step(text)


def test_markdown_cells_that_stay_as_they_are_and_those_that_do_not():
    for text in ["", "2026-12-05 22:00", "dana", "Step pass: apply — ok", "1x", "a.b", "ünïcødé ✓"]:
        assert md(text) == text
    for text in [" a", "a  b", "a ", "1. x", "12) x", "- x", "= x", "(x)", "a\u200bb", "\x1b[31mred", "a\u2028b"]:
        assert md(text) == _md_step_by_step(text) != text


def _event_json_step_by_step(event: Event) -> dict:
    """What `status --json` wrote for an event before its per-kind makers: the saved dict, moments as text."""
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in event_to_dict(event).items()}


def test_each_kind_of_event_is_written_as_the_general_conversion_wrote_it():
    events = window_events(60)
    # With and without identity, with lists empty and filled, in another zone.
    events += [
        replace(e, id=None, hlc=None, writer=None, at=e.at.astimezone(timezone(timedelta(hours=-5)))) for e in events
    ]
    assert {type(e) for e in events} == set(EVENT_TYPES)
    for event in events:
        made = event_json(event)
        expected = _event_json_step_by_step(event)
        # Same keys in the same order, same values: the same text once written.
        assert json.dumps(made) == json.dumps(expected)
        assert dumps_indented(made) == json.dumps(expected, indent=2, ensure_ascii=False)
    both = [event_json(e) for e in events]
    assert dumps_indented({"events": both}) == json.dumps(
        {"events": [_event_json_step_by_step(e) for e in events]}, indent=2, ensure_ascii=False
    )


def test_a_report_time_reads_as_the_format_string_wrote_it():
    zones = [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8), "PST"), None]
    moments = [datetime(2026, 12, 5, 21, 0, 7, 999999, tzinfo=UTC), datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)]
    moments.append(datetime(1, 1, 1, 12, 0, tzinfo=UTC))  # a year below 1000: %Y does not pad it
    for moment in moments:
        for zone in zones:
            if zone is not None and moment.year == 1 and zone.utcoffset(None) < timedelta(0):
                continue  # before year 1
            local = moment.astimezone(zone)
            assert format_time(moment, zone) == f"{local:%Y-%m-%d %H:%M:%S} {local.tzname() or ''}".rstrip()
    assert format_time(None, UTC) == ""


# Zones with summer time, with a half-hour offset, with a local mean time of seconds, and the machine's own.
ZONES = [ZoneInfo(name) for name in ("Europe/Berlin", "America/St_Johns", "Australia/Lord_Howe", "Europe/Amsterdam")]


@settings(max_examples=1500, deadline=None)
@given(
    st.sampled_from([*ZONES, UTC, timezone(timedelta(hours=-8), "PST"), None]),
    st.lists(
        st.one_of(
            st.datetimes(datetime(1800, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC)),
            # Around the 2026 summer-time changes, to the microsecond.
            st.datetimes(datetime(2026, 3, 29, 0, 58), datetime(2026, 3, 29, 1, 2), timezones=st.just(UTC)),
            st.datetimes(datetime(2026, 10, 25, 0, 58), datetime(2026, 10, 25, 1, 2), timezones=st.just(UTC)),
            st.datetimes(datetime(1800, 1, 1), datetime(2100, 1, 1), timezones=st.sampled_from(ZONES)),
        ),
        max_size=20,
    ),
)
def test_the_time_writer_writes_each_moment_as_format_time(zone, moments):
    write = TimeWriter(zone)
    for moment in [*moments, *moments]:  # the second time from what it kept of each minute
        assert write(moment) == format_time(moment, zone)


def test_the_time_writer_keeps_a_minute_only_when_the_zone_holds_still_in_it():
    berlin = ZoneInfo("Europe/Berlin")
    write = TimeWriter(berlin)
    before, after = datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC), datetime(2026, 3, 29, 1, 0, 0, tzinfo=UTC)
    assert (write(before), write(after)) == ("2026-03-29 01:59:59 CET", "2026-03-29 03:00:00 CEST")
    amsterdam_1900 = datetime(1900, 6, 1, 12, 0, 5, tzinfo=UTC)  # local mean time: +00:19:32
    assert TimeWriter(ZoneInfo("Europe/Amsterdam"))(amsterdam_1900) == "1900-06-01 12:19:37 AMT"
    assert write(None) == ""
    assert write(datetime(2026, 12, 5, 22, 0)) == format_time(datetime(2026, 12, 5, 22, 0), berlin)
    jump = _Jump()
    within = [datetime(2026, 12, 5, 22, 0, second, tzinfo=UTC) for second in (10, 40, 20)]
    assert [TimeWriter(jump)(m) for m in within] == [
        "2026-12-05 22:00:10 OLD",
        "2026-12-05 23:00:40 NEW",
        "2026-12-05 22:00:20 OLD",
    ]


class _Jump(tzinfo):
    """A zone that moves an hour ahead half a minute into 22:00 UTC on 2026-12-05."""

    AT = datetime(2026, 12, 5, 22, 0, 30)

    def fromutc(self, moment):
        offset = timedelta(hours=1) if moment.replace(tzinfo=None) >= self.AT else timedelta(0)
        return (moment + offset).replace(tzinfo=self)

    def utcoffset(self, moment):
        return timedelta(hours=1) if moment.replace(tzinfo=None) >= self.AT + timedelta(hours=1) else timedelta(0)

    def tzname(self, moment):
        return "NEW" if self.utcoffset(moment) else "OLD"

    def dst(self, moment):
        return timedelta(0)


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(
        st.lists(
            st.one_of(
                TEXT,
                # Separators, leading marks and numbers, a number in other digits, a lone surrogate, a wide dash.
                st.sampled_from(
                    ["\x1f", "\x1e", "a\x1fb", " -x", "1.", "=", "", "\u0661. x", "\u0663) y", "\ud800", "a — b"]
                ),
            ),
            max_size=4,
        )
    )
)
def test_a_tables_cells_are_escaped_as_each_alone(rows):
    table = [
        line if isinstance(line, str) else line.decode("utf-8", "surrogatepass")
        for line in _table_lines(("A", "B"), [tuple(row) for row in rows])
    ]
    one_by_one = ["| " + " | ".join(md(cell) for cell in row) + " |" for row in rows]
    assert "\n".join(table[2:]) == "\n".join(one_by_one)
