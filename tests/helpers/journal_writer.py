"""Appends events to a state journal in a loop, as another relboard process would.

usage: journal_writer.py STATE TAG COUNT [--big] [--wait]

Prints `ready` once set up, then each event's number after append() has returned (so the number is a
promise that the event is on disk). COUNT 0 means until killed. --big makes every third note tens of
kilobytes, so that a kill can land in the middle of a write. --wait starts only after a line on stdin.
"""

from __future__ import annotations

import sys
from pathlib import Path

from relboard.domain.events import StepMarked, StepStatus, utc_now
from relboard.store.journal import Journal


def main() -> None:
    state, tag, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    big = "--big" in sys.argv
    journal = Journal(state)
    journal.load()
    print("ready", flush=True)
    if "--wait" in sys.argv:
        sys.stdin.readline()
    number = 0
    while count == 0 or number < count:
        note = f"{tag}-{number}"
        if big and number % 3 == 0:
            note += " " + 'ünïcødé ✓ "quoted" [markup]\n' * 2_000
        journal.append(StepMarked(at=utc_now(), by=tag, step="apply", status=StepStatus.PASS, note=note))
        print(number, flush=True)
        number += 1


if __name__ == "__main__":
    main()
