"""Placeholders left in a plan: the "Change me: ..." values `relboard new` writes for the engineer.

A starter plan is a form to fill in, not a plan: its owners, impact statements and support contact
would be broadcast in every notice as they are. Each value still holding a placeholder is a problem
with its place in the file, so `validate` names every one and the board does not open the plan.
"""

from __future__ import annotations

import re
from typing import Any

from relboard.domain.plan_quote import format_path, show
from relboard.domain.records import field_names, is_record

# Every value the engineer has to replace in a starter plan starts with this.
PLACEHOLDER = "Change me"
_PLACEHOLDER = re.compile(r"\bchange me\s*:", re.IGNORECASE)

PlaceholderPath = tuple[str | int, ...]
_ALIASES = {"schema_version": "schema"}


def may_hold_placeholders(text: str) -> bool:
    """A quick look at a plan's text: only a plan that may hold one is walked value by value."""
    return PLACEHOLDER.casefold() in text.casefold()


def is_placeholder(value: str) -> bool:
    return _PLACEHOLDER.search(value) is not None


def _walk(value: Any, path: PlaceholderPath) -> list[tuple[PlaceholderPath, str]]:
    if isinstance(value, str):
        return [(path, value)] if is_placeholder(value) else []
    if is_record(value):
        # The domain's plan: its fields are the file's keys, but for `schema`.
        found = []
        for name in field_names(type(value)):
            found += _walk(getattr(value, name), (*path, _ALIASES.get(name, name)))
        return found
    model_fields = getattr(type(value), "model_fields", None)
    if model_fields is not None:
        # A validated model of the plan file (see plan_model), walked before the domain's plan is made.
        found = []
        for name, info in model_fields.items():
            found += _walk(getattr(value, name), (*path, info.alias or name))
        return found
    if isinstance(value, list | tuple):
        return [hit for index, item in enumerate(value) for hit in _walk(item, (*path, index))]
    if isinstance(value, dict):
        return [hit for key, item in value.items() for hit in _walk(item, (*path, str(key)))]
    return []


def placeholder_problems(plan: object) -> list[tuple[PlaceholderPath, str]]:
    """(path, message) for every value that still holds a placeholder, in the plan's order: of the domain's
    plan or of a validated plan model."""
    return [
        (path, f"{format_path(path)} is still the starter's placeholder {show(value)}: write the real value")
        for path, value in _walk(plan, ())
    ]
