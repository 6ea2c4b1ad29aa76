"""Pane 3: known issues: the plan's accepted limitations and what the window found."""

from __future__ import annotations

from functools import partial

from textual import events, on
from textual.app import ComposeResult
from textual.content import Content
from textual.reactive import var

from relboard.domain.changes import ChangeCursor
from relboard.domain.intents import IssueFields, ReopenIssue, ResolveIssue, UpdateIssue
from relboard.domain.state import IssueState, WindowState
from relboard.ui.folded import FoldedItems, Lines
from relboard.ui.panes.pane import Pane, PaneHooks
from relboard.ui.rowlist import RowList
from relboard.ui.text import line_text

NO_OWNER = "none yet (needed before the window completes)"


def issue_pieces(issue: IssueState) -> Lines:
    """The issue as its lines, title first, each as styled pieces of text."""
    if issue.resolved:
        lines = [[("✔ resolved ", "$text-success"), (line_text(issue.title), "$text-muted")]]
    else:
        lines = [[("● open ", "bold $text-warning"), (line_text(issue.title), "bold")]]
    if issue.impact:
        lines.append([("  impact: ", "$text-muted"), (line_text(issue.impact), "")])
    if issue.workaround:
        lines.append([("  workaround: ", "$text-muted"), (line_text(issue.workaround), "")])
    owner = (line_text(issue.owner), "") if issue.owner else (NO_OWNER, "$text-error")
    tail = [("  follow-up: ", "$text-muted"), owner]
    if issue.step:
        tail += [("  step: ", "$text-muted"), (line_text(issue.step), "")]
    if issue.from_plan:
        tail.append(("  · accepted in the plan", "$text-muted"))
    elif issue.opened_by:
        tail.append((line_text(f"  · opened by {issue.opened_by}"), "$text-muted"))
    lines.append(tail)
    return lines


def _shown(issue: IssueState) -> tuple[object, ...]:
    """What an issue's rows are made from."""
    return (
        issue.title,
        issue.impact,
        issue.workaround,
        issue.owner,
        issue.step,
        issue.from_plan,
        issue.opened_by,
        issue.resolved,
    )


class IssuesPane(Pane):
    SCOPE = "issues"

    revision: var[int] = var(0, init=False)

    def __init__(
        self, state: WindowState, hooks: PaneHooks, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(state, hooks, id=id, classes=classes)
        self.border_title = "3 Known issues"
        self._changes = ChangeCursor(state.events)
        self._items = FoldedItems()

    def compose(self) -> ComposeResult:
        yield RowList(self._line, 0, selectable=self._items.is_first, id="issue-list")

    def on_mount(self) -> None:
        # Before the first layout (and behind a tab) the width is 0: the rows are counted unfolded, so the
        # first layout already holds the list's height; the first resize folds them to the pane's width.
        self._rebuild()

    def on_resize(self, event: events.Resize) -> None:
        if self._items.refolds(self.query_one("#issue-list", RowList)):
            self._rebuild()

    def watch_revision(self) -> None:
        if self._changes.take().issues:
            self._rebuild()

    def _ordered(self) -> list[IssueState]:
        # Open ones first: they are what the window still has to answer for.
        issues = list(self.state.issues.values())
        return [i for i in issues if i.open] + [i for i in issues if not i.open]

    def _line(self, row: int) -> Content:
        if not self._items.ids:
            return Content.styled("No known issues. Press i to open one.", "$text-muted")
        return self._items.row(row)

    def _rebuild(self) -> None:
        ordered = self._ordered()
        items = ((issue.id, _shown(issue), partial(issue_pieces, issue)) for issue in ordered)
        self._items.show(self.query_one("#issue-list", RowList), items)
        open_count = sum(1 for i in ordered if i.open)
        self.border_subtitle = f"{open_count} open" if ordered else ""

    @property
    def selected_issue(self) -> str | None:
        return self._items.item_on(self.query_one("#issue-list", RowList).cursor)

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
