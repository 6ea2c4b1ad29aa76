"""The board's dialogs for what is not a pane's own: each opens its screen and records what it returns."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from textual.notifications import SeverityLevel

from relboard.domain.clock import read_clock
from relboard.domain.events import Handover, NoticeKind, NoticeSent
from relboard.domain.intents import (
    DecisionFields,
    HandOver,
    IssueFields,
    OpenIssue,
    RecordDecision,
    RecordNotice,
    Refusal,
)

if TYPE_CHECKING:
    from relboard.ui.app import RelboardApp


class Dialogs:
    def __init__(self, app: RelboardApp) -> None:
        self.app = app

    def ask_operator(self, then: Callable[[], object]) -> None:
        """The engineer's name before anything is recorded; remembered in the preferences for next time."""
        from relboard.store.preferences import save_operator_name
        from relboard.ui.screens.operator_form import OperatorForm

        app = self.app

        def done(name: str | None) -> None:
            if name:
                app.operator = name
                if app.remember_operator and not save_operator_name(name):
                    app.notify("Could not remember the name for next time.", severity="warning", markup=False)
            then()

        app.push_screen(OperatorForm(app.operator), callback=done)

    def say_at_open(self, notes: Sequence[str]) -> None:
        """What the engineer should know from the first second: where the record goes, a changed plan, why
        the board does not record."""
        app = self.app
        for note in notes:
            app.notify(note, markup=False, timeout=12)
        change = app.session.plan_change
        if change:
            message = f"The plan changed since this window was last opened ({change.detail()})."
            app.notify(message, title="Plan changed", markup=False, timeout=12)
        if app.session.journal.damage is not None:
            app.damage.offer()
        elif app.cannot_write:
            app.notify(f"Opened read-only: {app.cannot_write}.", title="Read-only", severity="warning", markup=False)
        elif app.read_only:
            app.notify("Opened read-only: changes cannot be recorded here.", markup=False)

    def help(self) -> None:
        from relboard.ui.screens.help import HelpScreen

        app = self.app
        app.push_screen(HelpScreen(app.preferences.keymap, read_only=app.read_only))

    def new_issue(self) -> None:
        app = self.app

        def done(fields: IssueFields | None) -> None:
            if fields is not None and app.record(OpenIssue(fields)):
                app.notify(f"Known issue opened: {fields.title}", markup=False)

        from relboard.ui.screens.issue_form import IssueForm

        step = app.selected_step or ""
        # A new issue most often comes from the step that just failed.
        default_step = step if step and app.state.steps[step].status.value == "fail" else ""
        app.push_screen(IssueForm(app.state, None, default_step=default_step), callback=done)

    def decision(self) -> None:
        from relboard.ui.screens.decision_form import DecisionForm

        app = self.app

        def done(fields: DecisionFields | None) -> None:
            if fields is not None and app.record(RecordDecision(fields)):
                app.notify(f"Decision recorded: {fields.decision.value}", markup=False)

        app.push_screen(DecisionForm(app.state, app.operator), callback=done)

    def completion_notice(self) -> None:
        """The palette's shortcut for the preview's "Mark sent by hand" on the after-window notice."""
        if self.app.record(RecordNotice(NoticeKind.AFTER, delivered=True, channel="manual", detail="sent by hand")):
            self.app.notify("Completion notice marked as sent.", markup=False)

    def notice_preview(self) -> None:
        from relboard.domain.notice_moment import preview_choice
        from relboard.ui.screens.notice_preview import NoticePreview

        app = self.app
        choice = preview_choice(app.state, read_clock(app.plan.window, app.now()))
        preview = NoticePreview(
            app.state, choice, now=app.now, operator=lambda: app.operator, record=app.record, read_only=app.read_only
        )
        app.push_screen(preview)

    def timeline(self) -> None:
        from relboard.ui.screens.timeline import TimelineScreen

        app = self.app
        app.push_screen(TimelineScreen(app.state, app.now(), app.zone))

    def handover(self) -> None:
        """Ask who takes over, record the handover with its summary, show the summary, switch the operator."""
        from relboard.ui.screens.handover import HandoverForm, HandoverSummary

        app = self.app

        def done(incoming: str | None) -> None:
            if not incoming:
                return
            outcome = app.recorder.record(HandOver(incoming))
            if isinstance(outcome, Refusal):
                app.say_refusal(outcome)
            elif isinstance(outcome.event, Handover):
                # The events that follow are by the incoming engineer.
                app.operator = outcome.event.incoming
                app.push_screen(HandoverSummary(outcome.event))

        app.push_screen(HandoverForm(app.operator), callback=done)

    def write_report(self) -> None:
        from relboard.window.report_file import report_path, write_report

        app = self.app
        target = report_path(app.session.state_path)
        # Folded again in the worker from a copy of the events: the board keeps recording meanwhile.
        events, plan = list(app.state.events), app.plan

        def write() -> None:
            try:
                written = write_report(plan, events, target)
            except OSError as error:  # a full disk or a removed folder is reported, not fatal
                reason = error.strerror or str(error) or type(error).__name__
                app.call_from_thread(
                    app.notify, f"Could not write {target}: {reason}", title="Report", severity="error", markup=False
                )
                return
            app.call_from_thread(app.notify, f"Report written: {written}", title="Report", markup=False, timeout=10)

        app.run_worker(write, name="report", group="report", thread=True, exit_on_error=False)

    def page(self) -> None:
        """Page the escalation path: the page's text first, sent only on the engineer's yes."""
        from relboard.domain.pager import page_summary
        from relboard.ui.screens.step_note import StepNoteForm

        app = self.app
        if app.plan.escalation.pagerduty is None:
            app.notify("The plan names no pager: add an [escalation.pagerduty] table.", markup=False)
            return
        state, by = app.state, app.operator

        def send(summary: str) -> None:
            from relboard.net.pagerduty import page
            from relboard.net.statuspage import NotConfigured

            try:
                sent = page(state, summary, by=by, at=app.now())
            except NotConfigured as error:
                app.call_from_thread(app.notify, f"Not paged: {error}", severity="error", markup=False)
                return
            app.call_from_thread(self._paged, sent)

        def done(summary: str | None) -> None:
            if summary:
                app.run_worker(lambda: send(summary), name="page", group="page", thread=True, exit_on_error=False)

        form = StepNoteForm(
            "Page the escalation path",
            "Sent to PagerDuty only when you save",
            label="Page text",
            initial=page_summary(state),
        )
        app.push_screen(form, callback=done)

    def _paged(self, sent: NoticeSent) -> None:
        from relboard.domain.channel_events import RecordSent

        if self.app.record(RecordSent(sent)):
            verdict = "Paged" if sent.delivered else "NOT paged"
            severity: SeverityLevel = "information" if sent.delivered else "error"
            self.app.notify(f"{verdict}: {sent.detail}", title="Page", severity=severity, markup=False)
