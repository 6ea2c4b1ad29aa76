"""Every key and palette action of the board, in one table.

The bindings of each widget, the command palette, the ids a user keymap may rebind and the help
screen are all derived from `ACTIONS`: adding a key is one line here. A row's `scope` says where it
acts: "app" wherever focus is; a pane's name only while that pane has focus (so `space` typed in the
lookup never passes a hidden step); the others are lists and dialogs, bound in their own widgets.
The App holds the board's and the panes' keys alike, in table order, so the footer reads the same
whichever pane has focus ("? Help" first, even at 80 columns).
"""

from __future__ import annotations

from msgspec import Struct
from textual.binding import Binding, BindingType

PANE_SCOPES = ("checklist", "lookup", "issues", "rollback")


class BoardAction(Struct, frozen=True):
    id: str  # the binding id, as written in keymap.toml
    keys: str  # default keys, comma separated ("" for palette-only actions)
    action: str  # the Textual action run in the scope's widget
    label: str  # the footer's word
    help: str  # a sentence for the help screen, the palette and the tooltip
    scope: str = "app"
    group: str = "Board"  # the help screen's heading
    palette: str = ""  # the palette's name for it; "" keeps it out of the palette
    show: bool = True  # shown in the footer
    writes: bool = False  # records an event or writes a file: absent from a read-only board


ACTIONS: tuple[BoardAction, ...] = (
    # Help comes first so that the footer shows it even on an 80-column terminal.
    BoardAction("help", "question_mark", "help", "Help", "Every key", palette="Help: keys"),
    BoardAction("mark-pass", "space,p", "mark('pass')", "Pass", "Mark the selected step passed", "checklist", "In the checklist", "Mark step passed", writes=True),
    BoardAction("mark-fail", "f", "mark_fail", "Fail", "Mark the selected step failed (asks for a note)", "checklist", "In the checklist", "Mark step failed", writes=True),
    BoardAction("mark-skip", "s", "mark_skip", "Skip", "Skip the selected step (asks why)", "checklist", "In the checklist", "Skip step", writes=True),
    BoardAction("mark-blocked", "b", "mark('blocked')", "Blocked", "Mark the selected step blocked", "checklist", "In the checklist", "Mark step blocked", writes=True),
    BoardAction("mark-pending", "u", "mark('pending')", "Pending", "Put the selected step back to pending", "checklist", "In the checklist", "Mark step pending", show=False, writes=True),
    BoardAction("start-step", "a", "start", "Start", "Start the selected step: its time runs from now", "checklist", "In the checklist", "Start step", show=False, writes=True),
    BoardAction("next-ready", "w", "next_ready", "Next ready", "Move to the next step ready to start", "checklist", "In the checklist", "Next ready step", show=False),
    BoardAction("cancel-probe", "ctrl+k", "cancel_probe", "Stop check", "Stop the selected step's running check (its processes are killed)", "checklist", "In the checklist", "Stop a running check", show=False),
    BoardAction("undo-mark", "z", "undo", "Undo", "Undo the last mark made here (recorded as a mark of its own)", "checklist", "In the checklist", "Undo last mark", show=False, writes=True),
    BoardAction("add-note", "n", "note", "Note", "Add a note to the selected step", "checklist", "In the checklist", "Add note to step", writes=True),
    BoardAction("show-details", "enter", "details", "Details", "Show the selected step in full", "checklist", "In the checklist", "Step details", show=False),
    BoardAction("focus-lookup", "slash", "screen.show_pane('lookup')", "Lookup", "Jump to the troubleshooting search box", group="Panes", palette="Troubleshooting lookup"),
    BoardAction("back-to-checklist", "escape", "screen.show_pane('checklist')", "Checklist", "Back to the checklist", group="Panes", show=False),
    BoardAction("new-issue", "i", "new_issue", "Issue", "Open a known issue", group="Known issues", palette="Open known issue", writes=True),
    BoardAction("edit-issue", "e", "edit_issue", "Edit issue", "Edit the selected known issue", "issues", "In the known issues pane", "Edit known issue", show=False, writes=True),
    BoardAction("resolve-issue", "x", "resolve_issue", "Resolve", "Resolve the selected known issue (asks first)", "issues", "In the known issues pane", "Resolve known issue", show=False, writes=True),
    BoardAction("reopen-issue", "o", "reopen_issue", "Reopen", "Reopen the selected resolved known issue", "issues", "In the known issues pane", "Reopen known issue", show=False, writes=True),
    BoardAction("record-decision", "d", "decision", "Decision", "Record a rollback decision", group="Rollback", palette="Record rollback decision", writes=True),
    BoardAction("mark-criterion", "", "mark_criterion", "Criterion", "Mark the selected rollback criterion tripped or clear it, with a reason", "rollback", "In the rollback pane", "Mark rollback criterion", writes=True),
    BoardAction("page", "P", "page", "Page", "Page the escalation path (you see the page first)", group="Rollback", palette="Page the escalation path", show=False, writes=True),
    BoardAction("handover", "H", "handover", "Handover", "Hand the window to the next engineer: the summary they need, recorded", group="Record", palette="Hand over the window", show=False, writes=True),
    BoardAction("notice-preview", "c", "notice_preview", "Notice", "Preview, copy or send the notice this moment calls for", group="Notices", palette="Notice preview"),
    BoardAction("probe-run", "r", "probe", "Probe", "Run the selected step's probe", "checklist", "In the checklist", "Run probe", writes=True),
    BoardAction("completion-notice", "", "completion_notice", "Sent", "Record that the after-window notice went out by hand", group="Notices", palette="Mark completion notice sent", writes=True),
    BoardAction("probe-all", "R", "probe_all", "Probe all", "Run every probe of the validate phase", group="Steps", palette="Run every validate probe", show=False, writes=True),
    BoardAction("timeline", "t", "timeline", "Timeline", "The window's timeline: every event, filterable", group="Record", palette="Timeline"),
    BoardAction("write-report", "", "write_report", "Report", "Write the post-change report (Markdown next to the state file)", group="Record", palette="Write post-change report", writes=True),
    BoardAction("pane-1", "1", "screen.show_pane('checklist')", "Checklist", "Checklist pane", group="Panes", palette="Show checklist", show=False),
    BoardAction("pane-2", "2", "screen.show_pane('lookup')", "Lookup pane", "Troubleshooting pane", group="Panes", palette="Show troubleshooting lookup", show=False),
    BoardAction("pane-3", "3", "screen.show_pane('issues')", "Issues pane", "Known issues pane", group="Panes", palette="Show known issues", show=False),
    BoardAction("pane-4", "4", "screen.show_pane('rollback')", "Rollback pane", "Rollback decision pane", group="Panes", palette="Show rollback decision", show=False),
    BoardAction("quit", "q", "quit_board", "Quit", "Quit (everything is already saved)", palette="Quit the board"),
    # Lists, forms and dialogs: rebindable, described in the help screen's last group.
    BoardAction("cursor-up", "up,k", "cursor_up", "Up", "Move up", "list", "Lists", show=False),
    BoardAction("cursor-down", "down,j", "cursor_down", "Down", "Move down", "list", "Lists", show=False),
    BoardAction("page-up", "pageup", "page_up", "Page up", "A page up", "list", "Lists", show=False),
    BoardAction("page-down", "pagedown", "page_down", "Page down", "A page down", "list", "Lists", show=False),
    BoardAction("first", "home", "first", "First", "To the first row", "list", "Lists", show=False),
    BoardAction("last", "end", "last", "Last", "To the last row", "list", "Lists", show=False),
    BoardAction("select", "enter", "select", "Select", "Open the row: step details, edit an issue, mark a criterion", "list", "Lists", show=False),
    BoardAction("form-cancel", "escape", "cancel", "Cancel", "Close the form (asks if something was typed)", "form", "Forms" ),
    BoardAction("form-submit", "ctrl+s", "submit", "Save", "Check the form and save it", "form", "Forms"),
    BoardAction("discard-yes", "y", "answer(True)", "Yes", "Answer yes: discard what was typed, resolve the issue", "discard", "Forms"),
    BoardAction("discard-no", "n,escape", "answer(False)", "No", "Answer no: go back, change nothing", "discard", "Forms"),
    BoardAction("help-close", "escape,q,question_mark", "dismiss_help", "Close", "Close the help", "help", "Dialogs"),
    BoardAction("details-close", "escape,enter,q", "close", "Close", "Close the step details", "details", "Dialogs"),
    BoardAction("notice-close", "escape", "close", "Close", "Close the notice preview", "notice", "Dialogs"),
    BoardAction("timeline-close", "escape", "close", "Close", "Close the timeline", "timeline", "Dialogs"),
    BoardAction("timeline-search", "slash", "search", "Search", "Search the timeline", "timeline", "Dialogs"),
)  # fmt: skip

# Palette-only actions have no binding to rebind.
KNOWN_BINDING_IDS: frozenset[str] = frozenset(a.id for a in ACTIONS if a.keys)


def bindings(scope: str) -> list[BindingType]:
    """The Textual bindings of one widget, in table order; "app" includes the panes' keys, each run in its
    pane through the App's `in_pane` action."""
    found: list[BindingType] = []
    for a in ACTIONS:
        if not a.keys:
            continue
        if a.scope == scope:
            found.append(Binding(a.keys, a.action, a.label, show=a.show, id=a.id, tooltip=a.help))
        elif scope == "app" and a.scope in PANE_SCOPES:
            action = f"in_pane({a.scope!r}, {a.action!r})"
            found.append(Binding(a.keys, action, a.label, show=a.show, id=a.id, tooltip=a.help))
    return found


def writes(scope: str, action: str) -> bool:
    """Whether `action` (as run in `scope`, arguments left out) records or writes."""
    name = action.split("(", 1)[0]
    return any(a.writes and a.scope == scope and a.action.split("(", 1)[0] == name for a in ACTIONS)


def palette_actions(read_only: bool) -> list[BoardAction]:
    return [a for a in ACTIONS if a.palette and not (read_only and a.writes)]
