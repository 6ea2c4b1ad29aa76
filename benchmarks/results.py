"""One row of the table, and the table itself as text and as JSON."""

from __future__ import annotations

import json
import os
import platform
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Figure:
    figure: str
    relboard: float | None  # in `unit`; None when the row is a yes/no fact
    reference: float | None
    unit: str
    target: str
    met: bool
    reference_name: str = ""
    ratio: float | None = None
    shown: str = ""  # what the relboard column says when `relboard` is not a number
    details: dict = field(default_factory=dict)


def ratio(value: float, reference: float) -> float | None:
    return value / reference if reference > 0 else None


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
    if unit == "MiB":
        return f"{value:.1f} MiB"
    if unit == "s":
        return f"{value:.2f} s"
    return f"{value:g} {unit}".strip()


def table(figures: list[Figure]) -> str:
    head = ("figure", "relboard", "reference", "ratio", "target", "met?")
    rows = [
        (
            f.figure,
            f.shown or _number(f.relboard, f.unit),
            _number(f.reference, f.unit) + (f" ({f.reference_name})" if f.reference_name else ""),
            f"{f.ratio:.2f}×" if f.ratio is not None else "-",
            f.target,
            "yes" if f.met else "NO",
        )
        for f in figures
    ]
    widths = [max(len(str(r[i])) for r in (head, *rows)) for i in range(len(head))]

    def line(cells) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=False)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(head), rule, *(line(r) for r in rows)])


def machine() -> dict:
    model = ""
    try:
        for text in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if text.startswith("model name"):
                model = text.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
    }


def write_json(path: Path, figures: list[Figure], sizes_name: str, seconds: float) -> None:
    document = {
        "suite": sizes_name,
        "seconds": round(seconds, 1),
        "machine": machine(),
        "figures": [asdict(f) for f in figures],
    }
    path.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
