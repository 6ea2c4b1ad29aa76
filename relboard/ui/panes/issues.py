"""Pane 3: known issues: the plan's accepted limitations and what the window found."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.reactive import var
from textual.widgets.option_list import Option

from relboard.domain.changes import ChangeCursor
from relboard.domain.intents import IssueFields, ReopenIssue, ResolveIssue, UpdateIssue
from relboard.domain.state import IssueState, WindowState
from relboard.ui.panes.navlist import NavList
from relboard.ui.panes.pane import Pane, PaneHooks
from relboard.ui.text import plain_line


def issue_prompt(issue: IssueState) -> Content:
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
    return Content("\n").join(lines)


class IssuesPane(Pane):
    SCOPE = "issues"

    revision: var[int] = var(0, init=False)

    def __init__(
        self, state: WindowState, hooks: PaneHooks, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(state, hooks, id=id, classes=classes)
        self.border_title = "3 Known issues"
        self._changes = ChangeCursor(state.events)

    def compose(self) -> ComposeResult:
        yield NavList(id="issue-list")

    def on_mount(self) -> None:
        self._rebuild()

    def watch_revision(self) -> None:
        if self._changes.take().issues:
            self._rebuild()

    def _ordered(self) -> list[IssueState]:
        # Open ones first: they are what the window still has to answer for.
        issues = list(self.state.issues.values())
        return [i for i in issues if i.open] + [i for i in issues if not i.open]

    def _rebuild(self) -> None:
        issues_list = self.query_one("#issue-list", NavList)
        keep = self.selected_issue
        ordered = self._ordered()
        if not ordered:
            issues_list.set_options(
                [Option(Content.styled("No known issues. Press i to open one.", "$text-muted"), disabled=True)]
            )
            self.border_subtitle = ""
            return
        issues_list.set_options(Option(issue_prompt(i), id=f"issue:{i.id}") for i in ordered)
        ids = [i.id for i in ordered]
        issues_list.highlighted = ids.index(keep) if keep in ids else 0
        open_count = sum(1 for i in ordered if i.open)
        self.border_subtitle = f"{open_count} open"

    @property
    def selected_issue(self) -> str | None:
        option = self.query_one("#issue-list", NavList).highlighted_option
        if option is None or option.id is None:
            return None
        return option.id.removeprefix("issue:")

    @on(NavList.OptionHighlighted, "#issue-list")
    def _highlighted(self, event: NavList.OptionHighlighted) -> None:
        event.stop()

    @on(NavList.OptionSelected, "#issue-list")
    def _selected(self, event: NavList.OptionSelected) -> None:
        event.stop()
        if not self.hooks.read_only:
            self.action_edit_issue()

    def focus_primary(self) -> None:
        self.query_one("#issue-list", NavList).focus()

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
