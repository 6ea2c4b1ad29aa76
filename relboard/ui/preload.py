"""Everything the board imports lazily, imported right after the first frame, in the background.

Lazy imports keep the first frame quick; but a board stays open for hours, and relboard may be
installed again meanwhile (the README's two set-up commands share one virtual environment). A
module first imported after that would come from the new files, or be missing. Imported once the
board is up, nothing it opens later reads from disk.
"""

from __future__ import annotations

import importlib
import threading

import relboard

# The board's own parts, and what they reach lazily: the network layer's HTTP client among them.
PACKAGES = ("relboard.ui", "relboard.window", "relboard.domain", "relboard.store", "relboard.net")
HUB_SCREENS = ("relboard.ui.fleet",)  # the fleet screen is its own program, and imports nats
MODULES = (
    "httpx",
    "textual.widgets._tabs",
    "textual.widgets._text_area",
    "textual.widgets._select",
    "textual.widgets._radio_set",
)


def modules(with_hub: bool) -> list[str]:
    """Every module of those packages (the hub's only when a hub is configured: nats is large)."""
    import pkgutil  # here, after the first frame: it is not imported for anything else

    names = list(MODULES)
    packages = PACKAGES + (("relboard.hub",) if with_hub else ())
    for info in pkgutil.walk_packages(relboard.__path__, "relboard."):
        if info.name.startswith(packages) and (with_hub or info.name not in HUB_SCREENS):
            names.append(info.name)
    return names


def _import_all(names: list[str]) -> None:
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError:  # an optional part this install lacks: the board never opens it anyway
            continue


def preload(with_hub: bool = False) -> threading.Thread:
    thread = threading.Thread(target=_import_all, args=(modules(with_hub),), name="relboard-preload", daemon=True)
    thread.start()
    return thread
