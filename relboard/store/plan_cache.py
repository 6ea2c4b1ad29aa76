"""The validated-plan cache: a plan seen before opens without TOML parsing and without validation.

One file per plan content in the user cache folder (`plans/<sha256 of the plan file's bytes>.json`): a
line of JSON naming what it was made from (that hash, relboard's version and the shape of the plan's
records), then the validated plan as JSON (see relboard.domain.plan_json). It is used only
when all three match exactly and it reads back whole; anything else (a missing, truncated or damaged
file, another version's) is ignored and written again after a real validation. It holds nothing the
plan file does not, and the folder can be deleted at any time.
"""

from __future__ import annotations

import contextlib
import json
from functools import cache
from pathlib import Path

from relboard import __version__
from relboard.domain.digests import sha256_hex
from relboard.domain.plan import Plan
from relboard.domain.plan_json import plan_from_json, plan_to_json, shape
from relboard.store.files import make_folder, write_atomically
from relboard.store.paths import plan_cache_dir

FORMAT = 2  # 2: the plan as msgspec writes it (1 was a hand-made plain form)
_KEY = "relboard_plan_cache"


def cache_file(plan_hash: str) -> Path:
    return plan_cache_dir() / f"{plan_hash}.json"


def read_cached_plan(plan_hash: str) -> Plan | None:
    """The plan validated from a file whose bytes hash to `plan_hash`, when this relboard cached it; else None."""
    try:
        raw = cache_file(plan_hash).read_bytes()
    except (OSError, ValueError):
        return None
    head, newline, body = raw.partition(b"\n")
    if not newline:
        return None
    try:
        facts = json.loads(head)
        if not isinstance(facts, dict) or facts != _facts(plan_hash, len(body)):
            return None
        return plan_from_json(body)
    except (ValueError, RecursionError):
        # A damaged copy is one not to trust; the plan is validated again.
        return None


def write_cached_plan(plan_hash: str, plan: Plan) -> None:
    """Keep `plan`, validated from bytes that hash to `plan_hash`; silently do nothing when it cannot be."""
    try:
        body = plan_to_json(plan)
    except ValueError:  # NotPlain, or text JSON cannot hold
        return
    head = json.dumps(_facts(plan_hash, len(body))).encode("ascii")
    target = cache_file(plan_hash)
    with contextlib.suppress(OSError):
        make_folder(target.parent)
        write_atomically(target, head + b"\n" + body)


def _facts(plan_hash: str, length: int) -> dict[str, object]:
    return {_KEY: FORMAT, "version": __version__, "shape": _shape(), "sha256": plan_hash, "length": length}


@cache
def _shape() -> str:
    return sha256_hex(shape().encode("utf-8"))[:16]
