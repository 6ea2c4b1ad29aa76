"""Hostile input the tests make themselves: strings by category, and invalid TOML made by mutating valid plans.

The external corpora beside the project (`../shared/testdata`: the toml-test invalid cases and the Big
List of Naughty Strings) are run in addition when that folder is there, as in CI; the tests never need it.
RELBOARD_TESTDATA points the lookup elsewhere (a missing folder: the project's own inputs only).
"""

from __future__ import annotations

import json
import os
import random
import tomllib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"


def testdata_folder() -> Path:
    return Path(os.environ.get("RELBOARD_TESTDATA") or ROOT.parent / "shared" / "testdata")


def external(*parts: str) -> Path | None:
    """A path in the external corpora, or None when they are not beside the project."""
    path = testdata_folder().joinpath(*parts)
    return path if path.exists() else None


# ---- strings ------------------------------------------------------------------------------------------

HOSTILE_STRINGS: dict[str, list[str]] = {
    "markup": [
        "[b]bold[/b]",
        "[red]red[/]",
        "[link=https://evil.example/]click[/link]",
        "[@click=app.quit]quit[/]",
        "\\[escaped] [/]",
        "[",
        "]",
        "[[event]]",
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "&lt;b&gt; &amp; &#x41;",
        "**bold** _em_ `code` ~~strike~~",
        "[text](https://evil.example/) ![img](x.png)",
        "# Heading\n## Sub",
        "| a | b |\n|---|---|",
        "- item\n1. item",
        "> quote",
        "{{ template }} ${VAR} $(id) `id`",
        "%s %d %n {0} {name}",
        "'; DROP TABLE steps; --",
        "../../etc/passwd",
        'sum = "00000000"',
        "schema = 1",
        'key = "value"\n[table]',
    ],
    "control": [
        "\x1b[31mred\x1b[0m",
        "\x1b[2J\x1b[H cleared",
        "\x1b]0;title\x07",
        "\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\",
        "\x1bP+q\x1b\\",
        "\x1b",
        "\x9b31m C1 CSI",
        "\x9d0;osc\x9c",
        "\x85 next line \x84",
        "bell\x07",
        "back\bspace",
        "carriage\rreturn",
        "form\x0cfeed",
        "vertical\x0btab",
        "delete\x7f",
        "nul\x00byte",
        "tab\tseparated\tvalues",
        "line\nbreak",
        "crlf\r\nline",
        "\u2028line separator\u2029paragraph",
    ],
    "bidi": [
        "\u202eright-to-left override",
        "admin\u202e\u2066 // \u2069\u2066",
        "\u2067isolate\u2069",
        "\u200fRLM \u200eLRM \u061cALM",
        "zero\u200bwidth\u200bspace",
        "word\u2060joiner",
        "\ufeffbyte order mark",
        "invisible\u2062times",
        "👩\u200d👩\u200d👧 family",
        "न\u200dि joiner",
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 non-joiner",
        "עברית mixed English",
        "العربية",
        "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇",
        "田中さんにあげて下さい",
        "🚀✓ ünïcødé",
        "\U0001f9d1\U0001f3fd\u200d\U0001f4bb",
        "Ω≈ç√∫\u02dcµ≤≥÷",
    ],
    "huge": [
        "x" * 100_000,
        "word " * 20_000,
        "line\n" * 5_000,
        "[b]" * 10_000,
        "\x1b[31m" * 5_000,
        "9" * 5_000,
        "🚀" * 20_000,
    ],
    "blank": ["", " ", "\t", "\n", "   \n\t  ", "\u3000", "\u00a0"],
}

# Strings Python can hold but UTF-8 cannot: what the system hands over for bytes that are not UTF-8
# (surrogate escapes), e.g. in an argument or a login name.
UNSAVEABLE = ["\udcff", "caf\udce9", "\ud800", "ok\udc9b"]

# Bytes that are not UTF-8, for files.
NOT_UTF8 = [b"\xff", b"\xfe\xff", b"caf\xe9", b"\xc3", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x9b"]


def hostile_strings() -> list[str]:
    """Every project-written hostile string, then the external list when it is there."""
    strings = [text for texts in HOSTILE_STRINGS.values() for text in texts]
    blns = external("naughty-strings", "blns.json")
    if blns is not None:
        strings += json.loads(blns.read_text(encoding="utf-8"))
    return strings


# ---- invalid TOML ---------------------------------------------------------------------------------------


def _valid_plans() -> list[bytes]:
    plans = [DATA / "minimal.toml", *sorted((ROOT / "sample_plans").glob("*.toml"))]
    return [path.read_bytes() for path in plans if path.is_file()]


def _at_line(data: bytes, rng: random.Random, want: Callable[[bytes], bool]) -> tuple[int, bytes] | None:
    lines = data.split(b"\n")
    choices = [index for index, line in enumerate(lines) if want(line)]
    if not choices:
        return None
    index = rng.choice(choices)
    return index, lines[index]


def _replace_line(data: bytes, index: int, new: bytes) -> bytes:
    lines = data.split(b"\n")
    lines[index] = new
    return b"\n".join(lines)


def _mutations() -> dict[str, Callable[[bytes, random.Random], bytes | None]]:
    def on_line(want: Callable[[bytes], bool], change: Callable[[bytes, random.Random], bytes]):
        def mutate(data: bytes, rng: random.Random) -> bytes | None:
            found = _at_line(data, rng, want)
            if found is None:
                return None
            index, line = found
            return _replace_line(data, index, change(line, rng))

        return mutate

    def is_string(line: bytes) -> bool:
        return b' = "' in line and line.rstrip().endswith(b'"')

    def is_assignment(line: bytes) -> bool:
        return b" = " in line and not line.startswith(b"#")

    def duplicate_key(data: bytes, rng: random.Random) -> bytes | None:
        found = _at_line(data, rng, is_assignment)
        if found is None:
            return None
        index, line = found
        return _replace_line(data, index, line + b"\n" + line)

    def duplicate_table(data: bytes, rng: random.Random) -> bytes | None:
        return data + b'\n[release]\ntitle = "again"\n' if b"\n[release]" in data else None

    def cut(data: bytes, rng: random.Random) -> bytes | None:
        found = [index for index in range(len(data)) if data[index : index + 1] == b'"']
        return data[: rng.choice(found) + 1] if found else None

    return {
        "unterminated-string": on_line(is_string, lambda line, rng: line.rstrip()[:-1]),
        "bad-escape": on_line(is_string, lambda line, rng: line.rstrip()[:-1] + b'\\q"'),
        "no-value": on_line(is_assignment, lambda line, rng: line.split(b" = ")[0] + b" ="),
        "double-equals": on_line(is_assignment, lambda line, rng: line.replace(b" = ", b" = = ", 1)),
        "space-in-key": on_line(is_assignment, lambda line, rng: b"bad key" + line[line.index(b" = ") :]),
        "unclosed-header": on_line(lambda line: line.startswith(b"["), lambda line, rng: line.rstrip(b"]")),
        "unclosed-array": on_line(
            lambda line: line.rstrip().endswith(b"]") and b" = [" in line, lambda line, rng: line.rstrip()[:-1]
        ),
        "unclosed-inline-table": on_line(is_assignment, lambda line, rng: line.split(b" = ")[0] + b" = { a = 1"),
        "leading-zero": on_line(is_assignment, lambda line, rng: line.split(b" = ")[0] + b" = 0123"),
        "bad-date": on_line(is_assignment, lambda line, rng: line.split(b" = ")[0] + b" = 2026-13-45T25:61:00Z"),
        "bare-word": on_line(is_assignment, lambda line, rng: line.split(b" = ")[0] + b" = yes"),
        "control-char": on_line(is_string, lambda line, rng: line.rstrip()[:-1] + b'\x01"'),
        "not-utf8": on_line(is_string, lambda line, rng: line.rstrip()[:-1] + rng.choice(NOT_UTF8) + b'"'),
        "stray-bracket": on_line(lambda line: True, lambda line, rng: line + b" ]]"),
        "duplicate-key": duplicate_key,
        "duplicate-table": duplicate_table,
        "cut-after-quote": cut,
    }


def _invalid(data: bytes) -> bool:
    try:
        tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return True
    return False


def invalid_toml(count: int = 400, seed: int = 20261205) -> list[tuple[str, bytes]]:
    """`count` distinct invalid TOML documents (name, bytes), each a valid plan with one mutation."""
    rng = random.Random(seed)
    plans = _valid_plans()
    mutations = _mutations()
    found: dict[bytes, str] = {}
    tries = 0
    while len(found) < count and tries < count * 20:
        tries += 1
        name = rng.choice(sorted(mutations))
        mutated = mutations[name](rng.choice(plans), rng)
        if mutated is not None and mutated not in found and _invalid(mutated):
            found[mutated] = f"{name}-{len(found):03d}"
    return [(name, data) for data, name in found.items()]


def invalid_toml_corpus() -> list[tuple[str, bytes]]:
    """The generated invalid TOML, then the toml-test cases when the external corpora are there."""
    corpus = invalid_toml()
    folder = external("toml-invalid")
    if folder is not None:
        corpus += [(path.stem, path.read_bytes()) for path in sorted(folder.glob("*.toml"))]
    return corpus
