"""What the board keeps an eye on for the engineer: the forecast, the moments worth a bell, a page to offer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from relboard.domain.alerts import Watched, alerts, watched
from relboard.domain.clock import read_clock
from relboard.domain.forecast import Forecaster
from relboard.domain.pager import page_offer
from relboard.ui.panes.checklist import ChecklistPane

if TYPE_CHECKING:
    from relboard.ui.app import RelboardApp


class BoardWatch:
    def __init__(self, app: RelboardApp, *, quiet: bool) -> None:
        self.app = app
        self.quiet = quiet
        self.forecaster: Forecaster | None = None
        self._seen: Watched | None = None
        self._offered: tuple[str, ...] = ()

    def start(self) -> None:
        """Built as the board mounts, so the first frame already shows the forecast and the steps' timing: a
        forecast drawn a frame later lays the rollback pane out again, one more frame to wait for."""
        self.forecaster = Forecaster(self.app.state)
        self.look()
        self._repaint(self.app.state.steps)

    def changed(self) -> None:
        """New events were folded: timing of the steps they touched and of those waiting on them."""
        forecaster = self.forecaster
        if forecaster is not None:
            touched = forecaster.sync()
            graph = forecaster.graph
            dependents = {graph.ids[d] for step in touched for d in graph.dependents[graph.index[step]]}
            self._repaint(touched | dependents)
        self.look()
        self._offer_page()

    def look(self) -> None:
        """Every second and after every change: the forecast, and anything that began since the last look."""
        app = self.app
        now = app.now()
        found = self.forecaster.forecast(now) if self.forecaster is not None else None
        app.forecast = found
        if self.forecaster is not None:
            self._repaint(self.forecaster.in_progress())
        seen = watched(app.state, read_clock(app.plan.window, now), found if self.forecaster else None)
        said = alerts(self._seen, seen) if self._seen is not None else []
        self._seen = seen
        for message in said:
            app.notify(message, title="Attention", severity="error", markup=False, timeout=20)
        if said and not self.quiet:
            app.bell()

    def _repaint(self, step_ids: Iterable[str]) -> None:
        ids = list(step_ids)
        if ids:
            for pane in self.app.query(ChecklistPane):
                pane.timing_changed(ids)

    def _offer_page(self) -> None:
        offer = page_offer(self.app.state)
        if offer is None or offer.reasons == self._offered or self.app.read_only:
            return
        self._offered = offer.reasons
        self.app.notify(
            "A rollback criterion tripped or a rollback was decided: press P to page the escalation path"
            " (you see the page first).",
            title="Page?",
            severity="warning",
            markup=False,
            timeout=30,
        )
