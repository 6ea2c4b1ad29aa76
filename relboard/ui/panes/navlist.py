"""An OptionList (virtualised) that also moves with j and k."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import OptionList


class NavList(OptionList):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="cursor-down", tooltip="Move down"),
        Binding("k", "cursor_up", "Up", show=False, id="cursor-up", tooltip="Move up"),
    ]
