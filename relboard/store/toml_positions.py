"""Where each key of a TOML document is written, so errors can point at a line and column.

tomllib returns plain values with no positions, so this is a small second pass over text that
tomllib already accepted. It knows table headers (`[a.b]`, `[[a.b]]` with a counter per array),
dotted keys, `key = value` assignments, arrays and inline tables. It never raises: on anything it
does not understand it stops and returns what it found so far, and callers fall back to the
nearest parent path that has a position.
"""

from __future__ import annotations

import contextlib
import re
from bisect import bisect_right

Path = tuple[str | int, ...]
Position = tuple[int, int]

_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_NEWLINE = re.compile("\n")
_PLAIN_RUN = re.compile(r'[^"\\\n]+')
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\", "e": "\x1b"}


class _Stop(Exception):
    """The scanner met text it cannot follow; keep what was found."""


class _Scanner:
    def __init__(self, text: str) -> None:
        self.src = text
        self.pos = 0
        self.line_starts = [0] + [match.end() for match in _NEWLINE.finditer(text)]
        self.found: dict[Path, Position] = {}
        # The current index of every array of tables, by its concrete path.
        self.aot_index: dict[Path, int] = {}
        self.table: Path = ()

    # -- positions -------------------------------------------------------------------------

    def where(self, pos: int) -> Position:
        line = bisect_right(self.line_starts, pos)
        return line, pos - self.line_starts[line - 1] + 1

    def mark(self, path: Path, pos: int) -> None:
        self.found.setdefault(path, self.where(pos))

    # -- characters ------------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> str:
        i = self.pos + ahead
        return self.src[i] if i < len(self.src) else ""

    def skip_blanks(self) -> None:
        while self.peek() in (" ", "\t") and self.peek():
            self.pos += 1

    def skip_comment(self) -> None:
        if self.peek() == "#":
            end = self.src.find("\n", self.pos)
            self.pos = len(self.src) if end < 0 else end

    def skip_space_lines_comments(self) -> None:
        while True:
            start = self.pos
            self.skip_blanks()
            self.skip_comment()
            while self.peek() in ("\n", "\r") and self.peek():
                self.pos += 1
            if self.pos == start:
                return

    def skip_line(self) -> None:
        end = self.src.find("\n", self.pos)
        self.pos = len(self.src) if end < 0 else end + 1

    # -- keys ------------------------------------------------------------------------------

    def key_part(self) -> str:
        ch = self.peek()
        if ch == '"':
            return self.basic_string()
        if ch == "'":
            end = self.src.find("'", self.pos + 1)
            if end < 0:
                raise _Stop
            value = self.src[self.pos + 1 : end]
            self.pos = end + 1
            return value
        start = self.pos
        while self.peek() in _BARE and self.peek():
            self.pos += 1
        if self.pos == start:
            raise _Stop
        return self.src[start : self.pos]

    def dotted_key(self) -> list[tuple[str, int]]:
        parts = []
        while True:
            self.skip_blanks()
            parts.append((self.key_part(), self.pos))
            self.skip_blanks()
            if self.peek() != ".":
                return parts
            self.pos += 1

    def concrete(self, keys: list[str]) -> Path:
        """The path of a header, with the current index of each array of tables it passes."""
        path: Path = ()
        for key in keys:
            path = (*path, key)
            if path in self.aot_index:
                path = (*path, self.aot_index[path])
        return path

    # -- values ----------------------------------------------------------------------------

    def basic_string(self) -> str:
        self.pos += 1
        out = []
        while True:
            run = _PLAIN_RUN.match(self.src, self.pos)
            if run:
                out.append(run.group())
                self.pos = run.end()
            ch = self.peek()
            if ch in ("", "\n"):
                raise _Stop
            self.pos += 1
            if ch == '"':
                return "".join(out)
            if ch == "\\":
                code = self.peek()
                self.pos += 1
                if code in _ESCAPES:
                    out.append(_ESCAPES[code])
                elif code in ("u", "U", "x"):
                    width = {"u": 4, "U": 8, "x": 2}[code]
                    digits = self.src[self.pos : self.pos + width]
                    self.pos += width
                    try:
                        out.append(chr(int(digits, 16)))
                    except ValueError:
                        raise _Stop from None
                else:
                    raise _Stop
            else:
                out.append(ch)

    def skip_multiline(self, quote: str) -> None:
        self.pos += 3
        while True:
            end = self.src.find(quote * 3, self.pos)
            if end < 0:
                raise _Stop
            if quote == '"':
                backslashes = 0
                i = end - 1
                while i >= self.pos and self.src[i] == "\\":
                    backslashes += 1
                    i -= 1
                if backslashes % 2:
                    self.pos = end + 1
                    continue
            # Up to two quotes may sit just before the closing delimiter.
            self.pos = end + 3
            while self.peek() == quote and self.pos - end < 5:
                self.pos += 1
            return

    def value(self, path: Path) -> None:
        ch = self.peek()
        if self.src.startswith('"""', self.pos):
            self.skip_multiline('"')
        elif self.src.startswith("'''", self.pos):
            self.skip_multiline("'")
        elif ch == '"':
            self.basic_string()
        elif ch == "'":
            self.key_part()
        elif ch == "[":
            self.array(path)
        elif ch == "{":
            self.inline_table(path)
        else:
            start = self.pos
            while self.peek() and self.peek() not in ",]}\n#":
                self.pos += 1
            if self.pos == start:
                raise _Stop

    def array(self, path: Path) -> None:
        self.pos += 1
        index = 0
        while True:
            self.skip_space_lines_comments()
            if self.peek() == "]":
                self.pos += 1
                return
            if not self.peek():
                raise _Stop
            self.mark((*path, index), self.pos)
            self.value((*path, index))
            self.skip_space_lines_comments()
            if self.peek() == ",":
                self.pos += 1
                index += 1
            elif self.peek() != "]":
                raise _Stop

    def inline_table(self, path: Path) -> None:
        self.pos += 1
        while True:
            self.skip_space_lines_comments()
            if self.peek() == "}":
                self.pos += 1
                return
            self.assignment(path)
            self.skip_space_lines_comments()
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() != "}":
                raise _Stop

    def assignment(self, table: Path) -> None:
        start = self.pos
        path = table
        for key, _ in self.dotted_key():
            path = (*path, key)
            self.mark(path, start)
        self.skip_blanks()
        if self.peek() != "=":
            raise _Stop
        self.pos += 1
        self.skip_blanks()
        self.value(path)

    # -- document --------------------------------------------------------------------------

    def header(self) -> None:
        start = self.pos
        is_array = self.src.startswith("[[", self.pos)
        self.pos += 2 if is_array else 1
        keys = [key for key, _ in self.dotted_key()]
        if not self.src.startswith("]]" if is_array else "]", self.pos):
            raise _Stop
        self.pos += 2 if is_array else 1
        if is_array:
            array_path = (*self.concrete(keys[:-1]), keys[-1])
            index = self.aot_index.get(array_path, -1) + 1
            self.aot_index[array_path] = index
            self.mark(array_path, start)
            self.table = (*array_path, index)
        else:
            self.table = self.concrete(keys)
        # `[[a.b]]` also creates `a` when nothing did before; it is written here.
        for end in range(1, len(self.table) + 1):
            self.mark(self.table[:end], start)

    def document(self) -> None:
        while True:
            self.skip_space_lines_comments()
            if not self.peek():
                return
            before = self.pos
            if self.peek() == "[":
                self.header()
            else:
                self.assignment(self.table)
            self.skip_blanks()
            self.skip_comment()
            if self.pos == before:
                self.skip_line()


def key_positions(text: str) -> dict[Path, Position]:
    """Map each key path (`("steps", 3, "phase")`) to its 1-based (line, column) in `text`."""
    scanner = _Scanner(text)
    with contextlib.suppress(_Stop, RecursionError, IndexError, ValueError):
        scanner.document()
    return scanner.found


def position_of(positions: dict[Path, Position], path: Path) -> Position:
    """The position of `path`, else of its nearest parent that has one, else line 1 column 1."""
    for end in range(len(path), 0, -1):
        found = positions.get(tuple(path[:end]))
        if found is not None:
            return found
    return 1, 1
