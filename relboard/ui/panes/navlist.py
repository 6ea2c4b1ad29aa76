"""An OptionList (virtualised) that also moves with j and k."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType
from textual.widgets import OptionList

from relboard.ui.actions import bindings


class NavList(OptionList):
    BINDINGS: ClassVar[list[BindingType]] = bindings("list")
