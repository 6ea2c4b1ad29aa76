"""The clock strip across the top: what is changing, where, how long is left, and is it saved.

One widget drawing its lines itself: it changes every second, and a repaint of one widget is all a
new reading costs (no labels to restyle, no layout).
"""

from __future__ import annotations

from datetime import timedelta, tzinfo

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from relboard.domain.catalog import CATEGORY_TITLES
from relboard.domain.clock import Alert, ClockReading, WindowPhase
from relboard.domain.durations import format_clock
from relboard.domain.forecast import Forecast, Verdict
from relboard.domain.forecast_text import VERDICT_WORDS
from relboard.domain.plan import Plan
from relboard.domain.standing import Standing
from relboard.ui.text import plain_line
from relboard.ui.times import zone_name
from relboard.window.writer import SaveState

_SAVE_LOOK = {
    SaveState.SAVED: ("● saved", "$text-success"),
    SaveState.SAVING: ("◌ saving", "$text-muted"),
    SaveState.READ_ONLY: ("◇ read-only", "$text-warning"),
    SaveState.FAILED: ("▲ save failed (retrying)", "bold reverse $text-error"),
}
ALARM = "bold reverse $text-error"
_VERDICT_LOOK = {
    Verdict.ON_TRACK: "$text-success",
    Verdict.AT_RISK: "bold $text-warning",
    Verdict.WILL_MISS: "bold reverse $text-error",
    Verdict.UNKNOWN: "",
}
WARNING = "bold $text-warning"
GAP = "   "


class ClockStrip(Widget):
    """Two lines (three when narrow): the release on the first, the clocks and counts below."""

    DEFAULT_CSS = """
    ClockStrip {
        height: 2;
        background: $panel;
        padding: 0 1;
        &.-narrow {
            height: 3;
        }
    }
    """

    # Reactives repaint this widget alone when they change (no layout: its size does not depend on them).
    reading: reactive[ClockReading | None] = reactive(None)
    open_issues: reactive[int] = reactive(0)
    save_state: reactive[SaveState] = reactive(SaveState.SAVED)
    save_error: reactive[str] = reactive("")
    complete: reactive[bool] = reactive(False)
    forecast: reactive[Forecast | None] = reactive(None)
    standing: reactive[Standing] = reactive(Standing())
    hub_state: reactive[str] = reactive("")

    def __init__(self, plan: Plan, zone: tzinfo, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.plan = plan
        self.zone = zone
        release = plan.release
        category = CATEGORY_TITLES.get(release.category, str(release.category))
        title = f"{release.title} · {release.environment} · {category}"
        if release.change_ref:
            title += f" · {release.change_ref}"
        self.title = plain_line(title, "bold")

    def watch_save_state(self) -> None:
        self._show_save_error()

    def watch_save_error(self) -> None:
        self._show_save_error()

    def _show_save_error(self) -> None:
        failed = self.save_state is SaveState.FAILED and self.save_error
        self.tooltip = plain_line(self.save_error) if failed else None

    @property
    def window_alert(self) -> Alert | None:
        """ALARM once the window overruns; None otherwise."""
        reading = self.reading
        return Alert.ALARM if reading is not None and reading.phase is WindowPhase.OVERRUN else None

    @property
    def deadline_alert(self) -> Alert | None:
        return self.reading.deadline_alert if self.reading is not None else None

    def _status(self) -> Content:
        """Right of the title, kept whole at every width: the rollback standing, completion, the save state."""
        text, style = _SAVE_LOOK[self.save_state]
        parts = []
        standing = self.standing
        if standing.held:
            parts.append(Content.styled(f"■ {standing.held}", "bold reverse $text-warning"))
        if standing.tripped:
            tripped = standing.tripped
            words = tripped[0] if len(tripped) == 1 else f"{len(tripped)} criteria"
            parts.append(Content.styled(f"✖ TRIPPED: {words}", ALARM))
        if standing.unverified:
            unchecked = standing.unverified
            words = unchecked[0] if len(unchecked) == 1 else f"{len(unchecked)} criteria"
            parts.append(Content.styled(f"? UNVERIFIED: {words}", WARNING))
        if self.complete:
            parts.append(Content.styled("✔ COMPLETE", "bold reverse $text-success"))
        if self.hub_state:
            look = "$text-success" if self.hub_state.startswith("hub: live") else "$text-warning"
            parts.append(plain_line(self.hub_state, look))
        parts.append(Content.styled(text, style))
        return Content("  ").join(parts)

    def _forecast(self) -> Content:
        found = self.forecast
        if found is None or found.verdict is Verdict.UNKNOWN or found.margin is None:
            return Content()
        margin = found.margin
        sign = "+" if margin >= timedelta(0) else "-"
        text = f"{VERDICT_WORDS[found.verdict]} {sign}{format_clock(abs(margin))}"
        return plain_line(text, _VERDICT_LOOK[found.verdict])

    def _clocks(self) -> tuple[Content, Content, Content]:
        reading = self.reading
        if reading is None:
            return Content(), Content(), Content()
        window = plain_line(reading.window_text(), ALARM if self.window_alert is Alert.ALARM else "")
        count = self.open_issues
        # Not in the warning colour: that one is kept for the deadline.
        issues = plain_line(f"{count} open known issue{'' if count == 1 else 's'}", "bold" if count else "")
        look = {Alert.WARNING: WARNING, Alert.ALARM: ALARM}.get(self.deadline_alert, "") if self.deadline_alert else ""
        # The one place the board names its zone: every time on it is in this one.
        text = reading.deadline_text(self.zone).replace(" (", f" {zone_name(self.zone, reading.deadline)} (", 1)
        deadline = plain_line(text, look)
        return window, issues, deadline

    def render(self) -> Content:
        width = self.size.width
        status = self._status()
        room = max(0, width - status.cell_length - 2)
        top = Content.assemble(self.title.truncate(room, ellipsis=True, pad=True), "  ", status)
        window, issues, deadline = self._clocks()
        forecast = self._forecast()
        if self.has_class("-narrow"):
            space = max(1, width - window.cell_length - issues.cell_length)
            third = Content(GAP).join([deadline, forecast]) if forecast else deadline
            lines = [top, Content.assemble(window, " " * space, issues), third]
        else:
            lines = [top, Content(GAP).join([part for part in (window, issues, deadline, forecast) if part])]
        return Content("\n").join(line.truncate(width, ellipsis=True) for line in lines)
