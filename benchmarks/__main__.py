"""`python -m benchmarks [--json FILE] [--quick] [--only NAME ...]`: run the figures, print the table."""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback
from pathlib import Path

from benchmarks.results import Figure, machine, table, write_json
from benchmarks.sizes import FULL, QUICK
from benchmarks.workspace import Workspace

# Processes first, while the machine is quiet; then the in-process figures.
FIGURES = (
    "open_demo",
    "open_large",
    "memory",
    "open_huge",
    "open_journal",
    "headless",
    "mark_journal",
    "long_commands",
    "keys",
    "typing_keys",
    "apply",
    "save",
    "lookup",
    "load_state",
    "forecast",
    "hub",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the table as JSON")
    parser.add_argument("--quick", action="store_true", help="fewest repeats and small sizes (a smoke run)")
    parser.add_argument(
        "--only", nargs="+", choices=FIGURES, metavar="NAME", help="run only these: " + ", ".join(FIGURES)
    )
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    began = time.monotonic()
    ws = Workspace(sizes)
    figures: list[Figure] = []
    failed = False
    try:
        for name in args.only or FIGURES:
            print(f"... {name}", file=sys.stderr, flush=True)
            try:
                figures.extend(importlib.import_module(f"benchmarks.{name}").measure(ws))
            except Exception as error:  # noqa: BLE001 - one broken figure must not hide the others
                failed = True
                traceback.print_exc()
                figures.append(
                    Figure(
                        figure=name,
                        relboard=None,
                        reference=None,
                        unit="",
                        shown=f"error: {error}"[:60],
                        target="-",
                        met=False,
                    )
                )
    finally:
        ws.close()
    seconds = time.monotonic() - began
    info = machine()
    print(table(figures))
    print(f"\n{sizes.name} suite, {seconds:.0f} s; {info['cpus']} CPUs, {info['cpu_model']}, Python {info['python']}")
    if args.json:
        write_json(args.json, figures, sizes.name, seconds)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
