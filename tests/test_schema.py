"""The plan's JSON Schema: valid Draft 2020-12, accepts the minimal plan, rejects what the model rejects."""

from __future__ import annotations

import tomllib
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from relboard.domain.plan_model import Plan
from relboard.domain.plan_schema import plan_json_schema

MINIMAL = Path(__file__).parent / "data" / "minimal.toml"


def as_json(value: Any) -> Any:
    """TOML values as an editor's schema validator sees them: datetimes become ISO strings."""
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return value


def minimal() -> dict[str, Any]:
    return as_json(tomllib.loads(MINIMAL.read_text(encoding="utf-8")))


def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        plan_json_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_schema_is_valid_draft_2020_12():
    schema = plan_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "relboard plan"


def test_schema_is_the_models_schema_keyed_as_the_file_is():
    schema = plan_json_schema()
    model = Plan.model_json_schema(by_alias=True)
    assert schema["$defs"].keys() == model["$defs"].keys()
    assert "schema" in schema["properties"]
    assert "schema_version" not in schema["properties"]
    assert schema["properties"]["schema"]["const"] == 1


def test_minimal_plan_validates():
    assert [error.message for error in validator().iter_errors(minimal())] == []


def test_bad_phase_does_not_validate():
    plan = minimal()
    plan["steps"][1]["phase"] = "deploy"
    errors = list(validator().iter_errors(plan))
    assert [list(error.absolute_path) for error in errors] == [["steps", 1, "phase"]]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda plan: plan["release"].update(titel="x"), ["release"]),
        (lambda plan: plan["window"].pop("validation_owner"), ["window"]),
        (lambda plan: plan.update(affected_users=[]), ["affected_users"]),
        (lambda plan: plan["rollback"].update(criteria=[]), ["rollback", "criteria"]),
        (lambda plan: plan["window"].update(duration="two hours"), ["window", "duration"]),
        (lambda plan: plan.update(schema=2), ["schema"]),
        (lambda plan: plan["steps"][0].update(probe={"url": "ftp://x"}), ["steps", 0, "probe"]),
    ],
)
def test_schema_rejects_what_the_loader_rejects(change, path):
    plan = minimal()
    change(plan)
    assert [list(error.absolute_path) for error in validator().iter_errors(plan)] == [path]


def test_steps_describe_expected_and_after():
    step = plan_json_schema()["$defs"]["Step"]["properties"]
    assert step["expected"]["anyOf"][0]["pattern"]
    assert {"type": "null"} in step["expected"]["anyOf"]
    assert {"type": "array", "items": {"type": "string"}} in step["after"]["anyOf"]
    assert "the step before this one" in step["after"]["description"]
    data = minimal()
    data["steps"][1]["expected"] = "25m"
    data["steps"][1]["after"] = []
    assert [error.message for error in validator().iter_errors(data)] == []
    data["steps"][1]["expected"] = 25
    assert list(validator().iter_errors(data))
