"""Textual drivers that render every frame exactly as for a terminal, write it nowhere, and note when.

`HeadlessDriver` skips turning a frame into terminal sequences; these drivers say they are not headless,
so the app does that work as it would on a real terminal, and `write` receives each finished frame.
The terminal's size comes from COLUMNS and LINES.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable

from textual.drivers.headless_driver import HeadlessDriver


class FrameDriver(HeadlessDriver):
    """Counts frames; `on_frame(time, data)` is called for each one, on the UI thread."""

    latest: FrameDriver | None = None

    def __init__(self, app, **kwargs) -> None:
        super().__init__(app, **kwargs)
        self.app_running = app
        self.frames = 0
        self.last_frame = 0.0
        self.on_frame: Callable[[float, str], None] | None = None
        FrameDriver.latest = self

    @property
    def is_headless(self) -> bool:
        return False

    def write(self, data: str) -> None:
        if data.startswith("\x1b]"):
            return  # an OSC sequence (pointer shape, title), not a frame
        now = time.monotonic()
        self.frames += 1
        self.last_frame = now
        if self.on_frame is not None:
            self.on_frame(now, data)


def peak_rss_kib() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def footer_drawn(app) -> bool:
    """Whether the frame just written holds the footer's keys: Textual's Footer composes its keys only once
    the screen's bindings are known, after the first frames; the board's footer (a line of its own, looked
    up by name so that the minimal app imports nothing of relboard) says whether its last line held keys.
    An app without a footer is whole at once."""
    from textual.widgets import Footer

    try:
        footers = list(app.screen.query(Footer))
        boards = list(app.screen.query("BoardFooter"))
    except Exception:  # noqa: BLE001 - no screen yet: nothing drawn
        return False
    if boards:
        return all(footer.keys_drawn for footer in boards)
    if not footers:
        return True
    return any(key.region.area for key in footers[0].query("FooterKey"))


class FirstFrameDriver(FrameDriver):
    """Reports the first full frame on stdout as one JSON line, then ends the app.

    "Full" means the whole screen, footer included, and settled: from the first frame that shows the
    footer's keys, the report waits until the screen has nothing left to lay out or repaint, and gives the
    time of the last frame written before that moment (later frames that only complete the first, e.g.
    after on_mount handlers, count as part of opening).
    """

    def __init__(self, app, **kwargs) -> None:
        super().__init__(app, **kwargs)
        self.on_frame = self._first
        self._waits = 0

    def _first(self, now: float, data: str) -> None:
        if not footer_drawn(self.app_running):
            return
        self.on_frame = None
        self.app_running.call_after_refresh(self._report)

    def _report(self) -> None:
        screen = self.app_running.screen
        pending = (
            screen._layout_required
            or screen._repaint_required
            or screen._scroll_required
            or screen._recompose_required
            or screen._dirty_widgets
            or screen._callbacks
        )
        if pending and self._waits < 100:
            # Something the opening asked for is not drawn yet (a handler run after the first refresh changed
            # the screen): its frame is part of the first full frame.
            self._waits += 1
            self.app_running.call_after_refresh(self._report)
            return
        line = {"frame": self.last_frame, "frames": self.frames, "settled": time.monotonic(), "rss_kib": peak_rss_kib()}
        # The app captures sys.stdout while it runs; the descriptor is the way out.
        os.write(1, (json.dumps(line) + "\n").encode())
        self.app_running.exit()
