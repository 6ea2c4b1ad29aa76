"""The rows of a folded item are counted without being made: the count must be what making them gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from relboard.ui.folded import FoldedItems, row_count, wrapped

# Words of plain, wide (CJK, emoji) and combining characters, runs of spaces, and words longer than a row.
_WORD = st.text(st.sampled_from("abcdefghij-_./é漢字🚀\u0301"), min_size=1, max_size=30)
_TEXT = st.lists(st.tuples(_WORD, st.sampled_from([" ", "  ", ""])), max_size=25).map(
    lambda parts: "".join(word + space for word, space in parts)
)
_PIECES = st.lists(st.tuples(_TEXT, st.sampled_from(["", "bold", "$text-muted"])), min_size=1, max_size=4)


@settings(max_examples=400, deadline=None)
@given(pieces=_PIECES, width=st.integers(min_value=0, max_value=90))
def test_a_line_is_counted_as_many_rows_as_it_folds_into(pieces, width):
    assert row_count(pieces, width) == len(wrapped(pieces, width))


def test_items_are_refolded_from_their_lines_when_only_the_width_changes():
    made: list[str] = []

    def lines(text: str):
        def make():
            made.append(text)
            return [[("● ", "bold"), (text, "")], [("  follow-up: ", ""), ("Rio", "")]]

        return make

    long = "the cache warms " * 10
    items = FoldedItems()
    assert items.fill([("a", 1, lines("short")), ("b", 1, lines(long))], 0) == 4
    assert items.fill([("a", 1, lines("short")), ("b", 1, lines(long))], 40) == 2 + 1 + len(
        wrapped([("● ", ""), (long, "")], 40)
    )
    assert made == ["short", long]  # their lines made once, folded twice
    assert [items.item_on(row) for row in range(4)] == ["a", None, "b", None]
    assert items.row(2).plain.startswith("● the cache warms")
    assert items.row(3).plain.startswith("    ")
