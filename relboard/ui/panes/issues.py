"""Pane 3: known issues: the plan's accepted limitations and what the window found."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.content import Content
from textual.reactive import var

from relboard.domain.changes import ChangeCursor
from relboard.domain.intents import IssueFields, ReopenIssue, ResolveIssue, UpdateIssue
from relboard.domain.state import IssueState, WindowState
from relboard.ui.panes.pane import Pane, PaneHooks
from relboard.ui.rowlist import RowList
from relboard.ui.text import plain_line


def issue_lines(issue: IssueState) -> list[Content]:
    """The issue as its lines, title first."""
    if issue.resolved:
        head = Content.assemble(("✔ resolved ", "$text-success"), plain_line(issue.title, "$text-muted"))
    else:
        head = Content.assemble(("● open ", "bold $text-warning"), plain_line(issue.title, "bold"))
    lines = [head]
    if issue.impact:
        lines.append(Content.assemble(("  impact: ", "$text-muted"), plain_line(issue.impact)))
    if issue.workaround:
        lines.append(Content.assemble(("  workaround: ", "$text-muted"), plain_line(issue.workaround)))
    if issue.owner:
        owner = plain_line(issue.owner)
    else:
        owner = Content.styled("none yet (needed before the window completes)", "$text-error")
    tail: list[Content | tuple[str, str]] = [("  follow-up: ", "$text-muted"), owner]
    if issue.step:
        tail += [("  step: ", "$text-muted"), plain_line(issue.step)]
    if issue.from_plan:
        tail.append(("  · accepted in the plan", "$text-muted"))
    elif issue.opened_by:
        tail.append(plain_line(f"  · opened by {issue.opened_by}", "$text-muted"))
    lines.append(Content.assemble(*tail))
    return lines


def wrapped(line: Content, width: int) -> list[Content]:
    """`line` folded to `width`, the continuation indented under its label."""
    if width <= 8 or len(line.plain) <= width:
        return [line]
    first, *rest = line.wrap(width - 4)
    return [first, *(Content("    ") + part for part in rest)]


class IssuesPane(Pane):
    SCOPE = "issues"

    revision: var[int] = var(0, init=False)

    def __init__(
        self, state: WindowState, hooks: PaneHooks, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(state, hooks, id=id, classes=classes)
        self.border_title = "3 Known issues"
        self._changes = ChangeCursor(state.events)
        # Each issue is a few rows on the line-API list, so five thousand of them open in one frame; only its
        # title row takes the cursor. The rows are folded to the pane's width, so they are made again on resize.
        self._lines: list[Content] = []
        self._issue_at: list[str | None] = []
        self._width = 0
        # Each issue's rows as last made, with what they were made from: one issue changed, or a window
        # holding thousands, makes only that issue's rows again.
        self._made: dict[str, tuple[tuple[object, ...], list[Content]]] = {}

    def compose(self) -> ComposeResult:
        yield RowList(self._line, 0, selectable=self._is_title, id="issue-list")

    def on_mount(self) -> None:
        if self._list_width():
            self._rebuild(first=True)
        # else the first resize gives the width to fold to (a pane hidden behind a tab has none yet)

    def on_resize(self, event: events.Resize) -> None:
        if self._list_width() != self._width:
            self._rebuild(first=not self._width)

    def watch_revision(self) -> None:
        if self._changes.take().issues:
            self._rebuild()

    def _list_width(self) -> int:
        return self.query_one("#issue-list", RowList).scrollable_content_region.width

    def _ordered(self) -> list[IssueState]:
        # Open ones first: they are what the window still has to answer for.
        issues = list(self.state.issues.values())
        return [i for i in issues if i.open] + [i for i in issues if not i.open]

    def _line(self, row: int) -> Content:
        return self._lines[row]

    def _is_title(self, row: int) -> bool:
        return self._issue_at[row] is not None

    def _rebuild(self, *, first: bool = False) -> None:
        """Make the list's rows. `first`: the board is opening; the rows of a screenful or two are made
        before its first frame, the rest of a long window's issues right after it."""
        rows = self.query_one("#issue-list", RowList)
        enough = 2 * self.app.size.height if first else None
        keep = self.selected_issue
        self._width = self._list_width()
        ordered = self._ordered()
        lines: list[Content] = []
        issue_at: list[str | None] = []
        title_row: dict[str, int] = {}
        made = self._made
        for issue in ordered:
            if enough is not None and len(lines) >= enough:
                self.call_after_refresh(self._rebuild)
                break
            title_row[issue.id] = len(lines)
            key = (
                self._width,
                issue.title,
                issue.impact,
                issue.workaround,
                issue.owner,
                issue.step,
                issue.from_plan,
                issue.opened_by,
                issue.resolved,
            )
            kept = made.get(issue.id)
            if kept is None or kept[0] != key:
                kept = made[issue.id] = (
                    key,
                    [part for line in issue_lines(issue) for part in wrapped(line, self._width)],
                )
            issue_rows = kept[1]
            lines += issue_rows
            issue_at.append(issue.id)
            issue_at += [None] * (len(issue_rows) - 1)
        if not ordered:
            lines, issue_at = [Content.styled("No known issues. Press i to open one.", "$text-muted")], [None]
        self._lines, self._issue_at = lines, issue_at
        rows.set_rows(len(lines))
        if keep in title_row:
            rows.move_cursor(title_row[keep])
        open_count = sum(1 for i in ordered if i.open)
        self.border_subtitle = f"{open_count} open" if ordered else ""

    @property
    def selected_issue(self) -> str | None:
        cursor = self.query_one("#issue-list", RowList).cursor
        return self._issue_at[cursor] if cursor is not None and cursor < len(self._issue_at) else None

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
