"""Data text is never markup and never terminal control: one cleaner for everything shown."""

from __future__ import annotations

import re

# CSI / OSC / other ESC sequences first, so their parameters do not survive as visible junk.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC, terminated by BEL or ST
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC
    r"|\x1b[@-_]?"  # any other two-byte escape, or a lone ESC
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
# Bidirectional controls (they reorder what is shown: "Trojan Source") and invisible characters that are
# not joiners: text that looks other than it reads. The zero-width joiner and non-joiner (U+200C, U+200D)
# stay: emoji sequences and several scripts need them, and they hide nothing.
_INVISIBLE = "\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_HIDDEN = re.compile(f"[{_INVISIBLE}]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# What json.dumps(ensure_ascii=False) leaves raw that a terminal or an editor would act on: DEL, C1 (U+009B
# is an 8-bit CSI), the characters above, and the line and paragraph separators.
_JSON_RAW = re.compile(f"[\x7f-\x9f{_INVISIBLE}\u2028\u2029]")


def clean(text: str, *, single_line: bool = False) -> str:
    """Strip escape sequences and control characters (C0 but tab/newline, DEL, C1, bidi and invisible ones)."""
    if text.isprintable():
        # No control, format or separator character: nothing here to strip (most text, found without a search
        # by pattern: a long window's five thousand known issues are cleaned as the board opens).
        return text
    text = _HIDDEN.sub("", _ESCAPE_SEQUENCE.sub("", text))
    if single_line:
        return _LINE_CONTROL.sub(" ", text.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))
    return _CONTROL.sub("", text)


def single_spaced(text: str) -> str:
    """Cleaned to one line, each run of whitespace (line and paragraph separators too) one space.

    Most texts are plain already: isprintable() is False for every control character, tab, newline and
    Unicode separator, so only those take the slower path (a long window's report has half a million)."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(clean(text, single_line=True).split())


def one_line(text: str, limit: int = 200) -> str:
    """A cleaned single line capped at `limit` characters (probe reasons, webhook errors)."""
    text = clean(text, single_line=True).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape_json(document: str) -> str:
    """A JSON document (from json.dumps with ensure_ascii=False) with the characters a terminal acts on
    written as \\uXXXX: the same data for a parser, nothing hidden or reordered for a person. json.dumps
    escapes C0 already, and only strings can hold these characters, so the escapes land inside strings."""
    if document.isascii() and "\x7f" not in document:
        return document  # nothing to escape, found without a search by pattern (a long window's JSON)
    return _JSON_RAW.sub(lambda match: f"\\u{ord(match.group()):04x}", document)
