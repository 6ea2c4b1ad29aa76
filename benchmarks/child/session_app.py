"""The start-up floor of a board: the minimal app, run after opening the window session relboard opens.

Opening the session (the plan read and validated by pydantic, the journal read, the state folded) is
what any board of this plan must do before its first frame; the difference between this and the
board is the board's own interface.
"""

from __future__ import annotations

import sys

from minimal_app import MinimalApp

from relboard.commands.common import loading_modules, open_session

if __name__ == "__main__":
    with loading_modules():
        session = open_session(sys.argv[1], sys.argv[2])
    MinimalApp().run()
