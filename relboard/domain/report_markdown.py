"""The post-change report as Markdown (CommonMark with GitHub tables).

Every data string is one line, cleaned of control characters and escaped, so a note can never open a
link, a heading, a list, raw HTML or a new table cell: all structure comes from this module.
"""

from __future__ import annotations

import re
from itertools import chain
from operator import itemgetter, methodcaller

from relboard.domain.report import TITLE, Field, Report, tables
from relboard.domain.text import single_spaced

# Every ASCII punctuation mark that starts or ends Markdown syntax anywhere in a line gets a backslash
# (the backslash itself first); CommonMark turns a backslash before any ASCII punctuation into the plain
# character.
_MARKS = "\\`*_{}[]()#+!|<>~&"
# Characters that only mean something at the start of a line: list bullets, setext underlines,
# ordered-list numbers.
_LEADING_NUMBER = re.compile(r"^(\d+)([.)])")

_MARK = re.compile(r"[\\`*_{}\[\]()#+!|<>~&]")


def md(text: str) -> str:
    """One data string as inert Markdown text on a single line."""
    text = _escaped_marks(single_spaced(text))
    first = text[:1]
    if first == "-" or first == "=":
        return "\\" + text
    return _LEADING_NUMBER.sub(r"\1\\\2", text) if first.isdecimal() else text


def _escaped_marks(text: str) -> str:
    if _MARK.search(text):
        for mark in _MARKS:
            if mark in text:
                text = text.replace(mark, "\\" + mark)
    return text


# Between two cells of a table, and between two rows, while a table's cells are escaped all at once:
# control characters, so never in a cell once it is cleaned.
_CELL, _ROW = "\x1f", "\x1e"
_CELL_B, _ROW_B = _CELL.encode(), _ROW.encode()
_ESCAPES = [(mark.encode(), b"\\" + mark.encode()) for mark in _MARKS]
# A pattern that starts with one literal character is searched for quickly; one that starts with a choice
# tries every position.
_LEADING_NUMBERS = [re.compile(b"(" + separator + rb"\d+)([.)])") for separator in (_CELL_B, _ROW_B)]
_LEADING_NUMBERS_TEXT = [re.compile("(" + separator + r"\d+)([.)])") for separator in (_CELL, _ROW)]
_FIRST, _LAST = itemgetter(slice(None, 1)), itemgetter(slice(-1, None))
_ENCODE = methodcaller("encode", "utf-8", "surrogatepass")


# The report's lines; a long table's rows stay one block of UTF-8 bytes, as they were escaped.
Lines = list[str | bytes]


def _table_lines(headers: tuple[str, ...], rows: list[tuple[str, ...]], single_spaced_cells: bool = False) -> Lines:
    lines: Lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    if not rows:
        return lines
    # Each cell as `md` writes it, in a few passes over the whole table rather than a few calls per cell
    # (a long window's report has half a million cells). Every check is a pass in C: over the cells, over
    # their first and last characters, over the joined text.
    cells = list(chain.from_iterable(rows))
    firsts = "".join(map(_FIRST, cells))
    tidy = single_spaced_cells or (
        all(map(str.isprintable, cells))  # asked cell by cell: the separators are not printable
        and " " not in firsts
        and " " not in "".join(map(_LAST, cells))
    )
    # Every cell after a separator, the first too, joined as UTF-8 (joining the text first and encoding it
    # took longer: one wide character makes the whole joined text wide).
    data = _ROW_B + _ROW_B.join([_CELL_B.join(map(_ENCODE, row)) for row in rows])
    if not (single_spaced_cells or (tidy and b"  " not in data)):  # a double space cannot span a separator
        rows = [tuple(map(single_spaced, row)) for row in rows]
        firsts = "".join(map(_FIRST, chain.from_iterable(rows)))
        data = _ROW_B + _ROW_B.join([_CELL_B.join(map(_ENCODE, row)) for row in rows])
    leading_marks = "-" in firsts or "=" in firsts
    if firsts.isascii() or not any(c.isdecimal() for c in firsts if not c.isascii()):
        lines.append(_escaped_bytes(data, leading_marks))
    else:  # a cell starts with a digit that is not ASCII: only the text's own patterns know it
        body = _escaped_text(data.decode("utf-8", "surrogatepass"), leading_marks)
        lines.append("| " + body[1:].replace(_CELL, " | ").replace(_ROW, " |\n| ") + " |")
    return lines


def _escaped_bytes(data: bytes, leading_marks: bool) -> bytes:
    """The table's rows, escaped over their UTF-8: every mark is ASCII, which no other character's bytes
    hold, and a byte is found at memory speed where a text with one wide character (a dash) is searched a
    character at a time. (A lone surrogate goes through as the three bytes it was.)"""
    for mark, escaped in _ESCAPES:
        if mark in data:
            data = data.replace(mark, escaped)
    if leading_marks:
        for separator in (_CELL_B, _ROW_B):
            for mark in (b"-", b"="):
                data = data.replace(separator + mark, separator + b"\\" + mark)
    for number in _LEADING_NUMBERS:
        data = number.sub(rb"\1\\\2", data)
    rows = data[1:].replace(_CELL_B, b" | ").replace(_ROW_B, b" |\n| ")
    return b"| " + rows + b" |"


def _escaped_text(text: str, leading_marks: bool) -> str:
    text = _escaped_marks(text)
    if leading_marks:
        for separator in (_CELL, _ROW):
            for mark in "-=":
                text = text.replace(separator + mark, separator + "\\" + mark)
    for number in _LEADING_NUMBERS_TEXT:
        text = number.sub(r"\1\\\2", text)
    return text


def _fields(fields: tuple[Field, ...]) -> list[str]:
    return [f"- **{field.label}:** {md(field.value)}" for field in fields]


def _section(title: str, body: Lines | list[str]) -> Lines:
    return ["", f"## {title}", "", *body]


def _none(text: str) -> list[str]:
    return [f"_{text}_"]


def _checklist(report: Report) -> Lines:
    lines = _table_lines(
        ("Phase", "Steps", "Passed", "Failed", "Skipped", "Blocked", "Not run"),
        [
            (p.phase, str(p.total), str(p.passed), str(p.failed), str(p.skipped), str(p.blocked), str(p.not_run))
            for p in report.phases
        ],
    )
    for phase in report.phases:
        lines += ["", f"### {md(phase.phase.capitalize())}", ""]
        if not phase.exceptions and not phase.not_run_ids:
            lines += _none("Every step passed.")
            continue
        for step in phase.exceptions:
            critical = " (critical)" if step.critical else ""
            who = ", ".join(part for part in (md(step.by), md(step.at)) if part)
            line = f"- **{step.status}**{critical} {md(step.title)} \\({md(step.id)}\\), owner {md(step.owner)}"
            note = md(step.note)
            line += f": {note}" if note else ": no note"
            if who:
                line += f" \\[{who}\\]"
            lines.append(line)
            lines += [f"  - note: {md(note)}" for note in step.notes if md(note)]
        if phase.not_run_ids:
            lines.append("- **not run:** " + ", ".join(md(i) for i in phase.not_run_ids))
    return lines


def render_markdown(report: Report) -> str:
    return markdown_bytes(report).decode("utf-8", "surrogatepass")


def markdown_bytes(report: Report) -> bytes:
    """The report as UTF-8, as it is written to a file: its long tables are never turned into text."""
    close = report.close
    lines: Lines = [
        f"# {TITLE}: {md(report.title)}",
        "",
        *_fields(report.change),
        f"- **Close code:** **{close.code.value}**",
    ]

    lines += _section("Close code", [f"**{close.code.value}**", "", *(f"- {md(reason)}" for reason in close.reasons)])

    window = _table_lines(("", "Planned", "Actual"), list(report.window))
    lines += _section("Window", [f"Times in {md(report.zone_name)}.", "", *window, "", *_fields(report.owners)])

    lines += _section("Checklist", _checklist(report))

    for table in tables(report):
        rendered = _table_lines(table.headers, table.rows, table.single_spaced)
        lines += _section(table.title, rendered if table.rows or not table.empty else _none(table.empty))
    parts = [line if isinstance(line, bytes) else line.encode("utf-8", "surrogatepass") for line in lines]
    return b"\n".join(parts) + b"\n"
