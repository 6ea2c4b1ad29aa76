"""The name a window has on a hub: one NATS subject token, the same for everyone holding the plan.

It comes from `[hub] window` when the plan has one, else from the change ticket and the environment
(`CHG-1042` on `prod-eu` is `chg-1042-prod-eu`), or the title and the environment when there is no
ticket. Letters are folded to lowercase ASCII and every other run of characters becomes one `-`, so
the key is a subject token and a KV key (no dots, wildcards or spaces) on any server. Only a
`[hub] window` that cannot be made one is an error; a name made from the plan always gives a key.
"""

from __future__ import annotations

import re
import unicodedata

from msgspec import Struct

from relboard.domain.digests import sha256_hex
from relboard.domain.plan import Plan

MAX_KEY = 64
KEY_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
_OTHER = re.compile(r"[^a-z0-9_]+")


class KeyProblem(Struct, frozen=True):
    path: tuple[str | int, ...]
    message: str


def _token(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return _OTHER.sub("-", folded).strip("-_")


def window_key(plan: Plan) -> str:
    """The window's key on the hub; raises ValueError when the plan gives none (see `key_problem`)."""
    problem = key_problem(plan)
    if problem is not None:
        raise ValueError(problem.message)
    return _key(plan)


def _key(plan: Plan) -> str:
    if plan.hub.window:
        return _token(plan.hub.window)
    base = plan.release.change_ref.strip() or plan.release.title
    key = _token(f"{base}-{plan.release.environment}")
    if not key:
        # Names without a letter or digit (":" on "*"): the plan still names one window.
        key = "window-" + sha256_hex(f"{base}\0{plan.release.environment}".encode())[:12]
    if len(key) > MAX_KEY:
        # A long title still names one window: keep its start and tell it from others by a hash.
        digest = sha256_hex(key.encode())[:8]
        key = key[: MAX_KEY - 9].rstrip("-_") + "-" + digest
    return key


def key_problem(plan: Plan) -> KeyProblem | None:
    if plan.hub.window:
        key = _token(plan.hub.window)
        if not key:
            return KeyProblem(
                ("hub", "window"),
                "hub.window: a hub window name needs letters or digits (it becomes a NATS subject token)",
            )
        if len(key) > MAX_KEY:
            return KeyProblem(("hub", "window"), f"hub.window: a hub window name has at most {MAX_KEY} characters")
    return None
