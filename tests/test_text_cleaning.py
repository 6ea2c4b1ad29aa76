"""The one cleaner: what it strips for display and what JSON keeps as escapes, over every hostile string."""

from __future__ import annotations

import json
import re

from relboard.domain.text import clean, escape_json

# What must never reach a terminal raw: C0 but tab and newline, DEL, C1, bidi controls, invisible ones.
UNSHOWABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def test_clean_leaves_nothing_that_reorders_hides_or_controls(naughty_strings):
    for text in naughty_strings:
        assert not UNSHOWABLE.search(clean(text)), ascii(text[:80])
        single = clean(text, single_line=True)
        assert "\n" not in single
        assert not UNSHOWABLE.search(single)


def test_clean_keeps_the_joiners_that_emoji_and_scripts_need():
    family = "👩\u200d👩\u200d👧"
    assert clean(family) == family
    assert clean("admin\u202e\u2066 // \u2069\u2066x") == "admin // x"


def test_json_keeps_every_string_as_data_and_shows_none_of_its_controls(naughty_strings):
    document = json.dumps({"notes": naughty_strings}, ensure_ascii=False)
    escaped = escape_json(document)
    assert json.loads(escaped) == {"notes": naughty_strings}
    assert not UNSHOWABLE.search(escaped)
    assert "\u2028" not in escaped
    assert "\u2029" not in escaped


def test_printable_text_has_nothing_to_clean():
    # clean() gives printable text back as it is: no character it strips is printable, in any plane.
    printable = [chr(c) for c in (*range(0x10000), *range(0x10000, 0x110000, 97)) if chr(c).isprintable()]
    assert len(printable) > 50_000
    assert [ch for ch in printable if UNSHOWABLE.search(ch)] == []
