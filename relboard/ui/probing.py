"""Probes from the board: the approval a plan's commands need first, running, and cancelling."""

from __future__ import annotations

from typing import TYPE_CHECKING

from relboard.domain.events import CommandsApproved
from relboard.domain.plan import Phase, Step
from relboard.ui.panes.checklist import ChecklistPane
from relboard.window.recorder import Recorded

if TYPE_CHECKING:
    from relboard.domain.commands import CommandList
    from relboard.ui.app import RelboardApp
    from relboard.window.probe_runner import ProbeRunner, Severity


class BoardProbes:
    """One ProbeRunner for the board; a plan's command checks run only after the operator approved them."""

    def __init__(self, app: RelboardApp) -> None:
        self.app = app
        # Made at the first probe: the network layer is imported then, not before the board's first frame.
        self._runner: ProbeRunner | None = None
        self._commands: CommandList | None = None

    @property
    def runner(self) -> ProbeRunner:
        if self._runner is None:
            from relboard.window.probe_runner import ProbeRunner

            app = self.app
            self._runner = ProbeRunner(
                app.session.plan_dir, app.recorder, notify=self._say, running_changed=self._running
            )
        return self._runner

    def _say(self, message: str, severity: Severity) -> None:
        self.app.notify(message, title="Probe", severity=severity, markup=False, timeout=8)

    def _running(self, step_ids: frozenset[str]) -> None:
        # A probe cancelled while the board closes finds no checklist to redraw.
        for pane in self.app.query(ChecklistPane):
            pane.show_running(step_ids)

    def commands(self) -> CommandList:
        if self._commands is None:
            from relboard.domain.commands import command_list

            session = self.app.session
            self._commands = command_list(session.plan, str(session.plan_dir.resolve()), session.loaded.hash)
        return self._commands

    def run(self, steps: list[Step]) -> None:
        if any(step.probe is not None and step.probe.run for step in steps) and not self._approved():
            self._ask_approval(steps)
            return
        fresh = self.runner.claim(steps)
        if not fresh:
            self.app.notify("That probe is already running.", markup=False)
            return
        self.app.run_worker(self.runner.run(fresh), name="probes", group="probes", exit_on_error=False)

    def run_validate_phase(self) -> None:
        from relboard.net.probes import probe_steps

        steps = [step for step in probe_steps(self.app.plan) if step.phase is Phase.VALIDATE]
        if not steps:
            self.app.notify("No step of the validate phase has a probe.", markup=False)
            return
        self.run(steps)

    def output(self, step_id: str) -> list[str] | None:
        if self._runner is None or step_id not in self._runner.running:
            return None
        return list(self.runner.output.get(step_id, ()))

    def cancel(self, step: Step) -> None:
        if self._runner is not None and self._runner.cancel(step.id):
            self.app.notify(f"Stopping the check of {step.id}: its processes are killed.", markup=False)
        else:
            self.app.notify(f"No check of {step.id} is running.", markup=False)

    def _approved(self) -> bool:
        from relboard.store.approvals import ApprovalStore

        if not self.runner.commands_approved:
            self.runner.commands_approved = ApprovalStore().remembered(self.commands().digest)
        return self.runner.commands_approved

    def _ask_approval(self, steps: list[Step]) -> None:
        from relboard.ui.screens.approve_commands import approve_commands

        listed = self.commands()

        def answered(yes: bool | None) -> None:
            if not yes:
                self.app.notify("Not approved: no command of this plan runs.", severity="warning", markup=False)
                return
            outcome = self.app.recorder.record(listed.approve())
            if not isinstance(outcome, Recorded) or not isinstance(outcome.event, CommandsApproved):
                return
            self.runner.commands_approved = True
            from relboard.store.approvals import ApprovalStore

            try:
                ApprovalStore().remember(self.app.session.loaded.path, outcome.event)
            except OSError as error:
                self.app.notify(f"Approved for this board only ({error.strerror}).", severity="warning", markup=False)
            self.run(steps)

        self.app.push_screen(approve_commands(listed.lines), callback=answered)
