"""Pane 3: known issues: the plan's accepted limitations and what the window found."""

from __future__ import annotations

from bisect import bisect_right

from textual import events, on
from textual.app import ComposeResult
from textual.content import Content
from textual.reactive import var

from relboard.domain.changes import ChangeCursor
from relboard.domain.intents import IssueFields, ReopenIssue, ResolveIssue, UpdateIssue
from relboard.domain.state import IssueState, WindowState
from relboard.domain.text import clean
from relboard.ui.panes.pane import Pane, PaneHooks
from relboard.ui.rowlist import RowList

Piece = tuple[str, str]  # text and style; the text is cleaned to one line (`_line`)
NO_OWNER = "none yet (needed before the window completes)"


def issue_pieces(issue: IssueState) -> list[list[Piece]]:
    """The issue as its lines, title first, each as styled pieces of text."""
    if issue.resolved:
        lines = [[("✔ resolved ", "$text-success"), (_line(issue.title), "$text-muted")]]
    else:
        lines = [[("● open ", "bold $text-warning"), (_line(issue.title), "bold")]]
    if issue.impact:
        lines.append([("  impact: ", "$text-muted"), (_line(issue.impact), "")])
    if issue.workaround:
        lines.append([("  workaround: ", "$text-muted"), (_line(issue.workaround), "")])
    owner = (_line(issue.owner), "") if issue.owner else (NO_OWNER, "$text-error")
    tail = [("  follow-up: ", "$text-muted"), owner]
    if issue.step:
        tail += [("  step: ", "$text-muted"), (_line(issue.step), "")]
    if issue.from_plan:
        tail.append(("  · accepted in the plan", "$text-muted"))
    elif issue.opened_by:
        tail.append((_line(f"  · opened by {issue.opened_by}"), "$text-muted"))
    lines.append(tail)
    return lines


def _line(text: str) -> str:
    return clean(text, single_line=True)


def folds(pieces: list[Piece], width: int) -> bool:
    """Whether the line is wider than `width` and `wrapped` folds it."""
    return width > 8 and sum(len(text) for text, _ in pieces) > width


def wrapped(pieces: list[Piece], width: int) -> list[Content]:
    """The line folded to `width`, the continuation indented under its label."""
    line = Content.assemble(*(piece for piece in pieces if piece[0]))
    if not folds(pieces, width):
        return [line]
    first, *rest = line.wrap(width - 4)
    return [first, *(Content("    ") + part for part in rest)]


class _IssueRows:
    """One issue's rows at one width: counted from its text, made only when one of them is shown, unless a
    line folds (then its rows are made to be counted)."""

    __slots__ = ("count", "key", "pieces", "rows")

    def __init__(self, key: tuple[object, ...], issue: IssueState, width: int) -> None:
        self.key = key
        self.pieces = issue_pieces(issue)
        self.rows: list[Content] | None = None
        if any(folds(line, width) for line in self.pieces):
            self.make(width)
        self.count = len(self.rows) if self.rows is not None else len(self.pieces)

    def make(self, width: int) -> list[Content]:
        if self.rows is None:
            self.rows = [row for line in self.pieces for row in wrapped(line, width)]
        return self.rows


class IssuesPane(Pane):
    SCOPE = "issues"

    revision: var[int] = var(0, init=False)

    def __init__(
        self, state: WindowState, hooks: PaneHooks, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(state, hooks, id=id, classes=classes)
        self.border_title = "3 Known issues"
        self._changes = ChangeCursor(state.events)
        # Each issue is a few rows on the line-API list, made when shown, so five thousand of them open in
        # one frame; only its title row takes the cursor. The rows are folded to the pane's width.
        self._width = 0
        self._ids: list[str] = []  # the issues in the order listed
        self._starts: list[int] = []  # the row of each one's title
        self._rows: dict[str, _IssueRows] = {}

    def compose(self) -> ComposeResult:
        yield RowList(self._line, 0, selectable=self._is_title, id="issue-list")

    def on_mount(self) -> None:
        # Before the first layout (and behind a tab) the width is 0 and no line folds: one row per line, the
        # count at any width the lines fit in, so the first layout already holds the list's height and its
        # scrollbar. The first resize folds them to the pane's width.
        self._rebuild()

    def on_resize(self, event: events.Resize) -> None:
        if self._list_width() != self._width:
            self._rebuild()

    def watch_revision(self) -> None:
        if self._changes.take().issues:
            self._rebuild()

    def _list_width(self) -> int:
        return self.query_one("#issue-list", RowList).scrollable_content_region.width

    def _ordered(self) -> list[IssueState]:
        # Open ones first: they are what the window still has to answer for.
        issues = list(self.state.issues.values())
        return [i for i in issues if i.open] + [i for i in issues if not i.open]

    def _at(self, row: int) -> tuple[str, int]:
        """The issue that row `row` belongs to, and the row's place among that issue's rows."""
        number = bisect_right(self._starts, row) - 1
        return self._ids[number], row - self._starts[number]

    def _line(self, row: int) -> Content:
        if not self._ids:
            return Content.styled("No known issues. Press i to open one.", "$text-muted")
        issue_id, offset = self._at(row)
        return self._rows[issue_id].make(self._width)[offset]

    def _is_title(self, row: int) -> bool:
        return bool(self._ids) and self._at(row)[1] == 0

    def _rebuild(self) -> None:
        rows = self.query_one("#issue-list", RowList)
        keep = self.selected_issue
        self._width = width = self._list_width()
        ordered = self._ordered()
        made, kept = self._rows, {}
        starts: list[int] = []
        count = 0
        for issue in ordered:
            key = (
                issue.title,
                issue.impact,
                issue.workaround,
                issue.owner,
                issue.step,
                issue.from_plan,
                issue.opened_by,
                issue.resolved,
                width,
            )
            entry = made.get(issue.id)
            if entry is None or entry.key != key:
                entry = _IssueRows(key, issue, width)
            kept[issue.id] = entry
            starts.append(count)
            count += entry.count
        self._ids, self._starts, self._rows = [i.id for i in ordered], starts, kept
        rows.set_rows(count if ordered else 1)
        if keep in kept:
            rows.move_cursor(starts[self._ids.index(keep)])
        open_count = sum(1 for i in ordered if i.open)
        self.border_subtitle = f"{open_count} open" if ordered else ""

    @property
    def selected_issue(self) -> str | None:
        cursor = self.query_one("#issue-list", RowList).cursor
        if cursor is None or not self._ids:
            return None
        issue_id, offset = self._at(cursor)
        return issue_id if offset == 0 else None

    @on(RowList.Highlighted, "#issue-list")
    def _highlighted(self, event: RowList.Highlighted) -> None:
        event.stop()

    @on(RowList.Selected, "#issue-list")
    def _selected(self, event: RowList.Selected) -> None:
        event.stop()
        if not self.hooks.read_only():
            self.action_edit_issue()

    def focus_primary(self) -> None:
        self.query_one("#issue-list", RowList).focus()

    # --- actions (the action table's "issues" rows) ------------------------------------

    def _issue(self) -> IssueState | None:
        issue_id = self.selected_issue
        issue = self.state.issues.get(issue_id) if issue_id is not None else None
        if issue is None:
            self.notify("Select a known issue first (press 3).", severity="warning", markup=False)
        return issue

    def action_edit_issue(self) -> None:
        issue = self._issue()
        if issue is None:
            return

        def done(fields: IssueFields | None) -> None:
            if fields is not None:
                self.hooks.record(UpdateIssue(issue.id, fields))

        from relboard.ui.screens.issue_form import IssueForm

        self.app.push_screen(IssueForm(self.state, issue), callback=done)

    def action_resolve_issue(self) -> None:
        issue = self._issue()
        if issue is None:
            return
        if issue.resolved:
            self.notify(f"Already resolved: {issue.title} (o reopens it)", markup=False)
            return

        def answered(yes: bool | None) -> None:
            if yes and self.hooks.record(ResolveIssue(issue.id)):
                self.notify(f"Resolved: {issue.title}", markup=False)

        from relboard.ui.screens.form import Confirm

        self.app.push_screen(Confirm(f"Resolve {issue.title!r}?", "Resolve", "Keep it open"), callback=answered)

    def action_reopen_issue(self) -> None:
        issue = self._issue()
        if issue is not None and self.hooks.record(ReopenIssue(issue.id)):
            self.notify(f"Reopened: {issue.title}", markup=False)
