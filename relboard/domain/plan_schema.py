"""The plan's JSON Schema, for `relboard schema` and for editors that validate TOML as it is typed."""

from __future__ import annotations

from typing import Any

from relboard.domain.plan import PLAN_SCHEMA
from relboard.domain.plan_model import Plan

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def plan_json_schema() -> dict[str, Any]:
    """A Draft 2020-12 schema of a relboard plan, keyed as the TOML file is (`schema`, not `schema_version`)."""
    body = Plan.model_json_schema(by_alias=True)
    head = {
        "$schema": SCHEMA_DIALECT,
        "$id": f"urn:relboard:plan:{PLAN_SCHEMA}",
        "title": "relboard plan",
        "description": (
            "A release or upgrade maintenance window plan: release scope, window, affected users, "
            "checklist steps, rollback criteria, known issues, troubleshooting and notices."
        ),
    }
    # The seed's prerequisites: at least one affected group and one rollback criterion.
    body.get("properties", {}).get("affected_users", {})["minItems"] = 1
    body.get("$defs", {}).get("Rollback", {}).get("properties", {}).get("criteria", {})["minItems"] = 1
    body.pop("title", None)
    body.pop("description", None)
    return head | body
