"""A damaged state file on the board: said at once, the repair offered, nothing typed lost meanwhile."""

from __future__ import annotations

from typing import TYPE_CHECKING

from relboard.store.journal import StateError

if TYPE_CHECKING:
    from relboard.store.state_repair import RepairResult
    from relboard.ui.app import RelboardApp


class BoardDamage:
    """Offers the repair (`relboard state repair`, from the board) unless the board only watches."""

    def __init__(self, app: RelboardApp, *, may_repair: bool) -> None:
        self.app = app
        self.may_repair = may_repair
        self.repairing = False

    def offer(self) -> None:
        """Show what is damaged, as `state check` lists it; yes repairs, escape leaves the file untouched."""
        # Here, not at the open: most boards never meet a damaged file (nor need the repair's code).
        from relboard.store.state_repair import check_state

        app = self.app
        path = app.session.state_path
        try:
            scan = check_state(path)
        except StateError as error:
            app.notify(str(error), title="State file", severity="error", markup=False, timeout=20)
            return
        if scan is None or not scan.damage:
            app.notify("The state file is intact: nothing to repair.", markup=False)
            return
        if not self.may_repair:
            app.notify(
                f"{path} is damaged ({scan.summary()}); this board only watches: repair it from a board that records,"
                f" or with relboard state repair.",
                title="State file damaged",
                severity="error",
                markup=False,
                timeout=20,
            )
            return
        from relboard.ui.screens.approve_commands import repair_damage

        damage = [d.describe() for d in scan.damage]
        app.push_screen(repair_damage(str(path), scan.summary(), damage), callback=self._answered)

    def _answered(self, yes: bool | None) -> None:
        if yes and not self.repairing:
            self.repairing = True
            self.app.run_worker(self._repair, name="repair", group="repair", thread=True, exit_on_error=False)

    def _repair(self) -> None:
        from relboard.store.state_repair import repair_state

        app = self.app
        try:
            result = repair_state(app.session.state_path, by=app.operator, at=app.now())
        except StateError as error:
            app.call_from_thread(self._failed, str(error))
            return
        app.call_from_thread(self._repaired, result)

    def _failed(self, message: str) -> None:
        self.repairing = False
        self.app.notify(f"Not repaired: {message}", title="Repair", severity="error", markup=False, timeout=20)

    def _repaired(self, result: RepairResult) -> None:
        self.repairing = False
        app = self.app
        where = f"; the damaged bytes are in {result.side_file}" if result.side_file else ""
        app.notify(f"Repaired: {result.kept} events kept{where}.", title="Repair", markup=False, timeout=20)
        # The journal picks the repaired file up on its next read; from then on it records again.
        app.can_record_again()
