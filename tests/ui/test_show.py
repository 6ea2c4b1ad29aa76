"""`show`: a new text that fills as many lines as the old one is a repaint; one that needs more lines lays the
screen out again, so that all of it is seen."""

from __future__ import annotations

from board_helpers import screen_text
from textual.app import App, ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from relboard.ui.text import show


class _OneBox(App[None]):
    def compose(self) -> ComposeResult:
        yield Static(id="box")


async def test_a_text_of_as_many_lines_is_repainted_and_a_longer_one_laid_out(monkeypatch):
    app = _OneBox()
    async with app.run_test(size=(40, 10)) as pilot:
        box = app.query_one("#box", Static)
        show(box, Content("decide by 00:15 (in 02:07:25)"))
        await pilot.pause(0.1)
        layouts: list[object] = []
        original = Screen._refresh_layout

        def counted(self, *args, **kwargs):
            layouts.append(self)
            return original(self, *args, **kwargs)

        monkeypatch.setattr(Screen, "_refresh_layout", counted)
        show(box, Content("decide by 00:15 (in 02:07:24)"))
        await pilot.pause(0.1)
        assert layouts == []
        assert "(in 02:07:24)" in screen_text(app)

        show(box, Content("decide by 00:15 (in 02:07:23); the forecast says the window will overrun"))
        await pilot.pause(0.1)
        assert layouts
        assert box.size.height == 2
        assert "overrun" in screen_text(app)
