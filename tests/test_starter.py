"""The starter plan `relboard new` writes: built from the catalog, owners marked to replace, refused
until every placeholder is replaced and valid once they are."""

from __future__ import annotations

import re
import tomllib
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from relboard.domain.catalog import TYPICAL_VALIDATION, VALIDATION_STEPS
from relboard.domain.plan import Category, Phase, Plan
from relboard.domain.plan_model import validate_plan
from relboard.domain.starter import PLACEHOLDER, starter_plan

try:
    from relboard.store.plan_file import PlanError, load_plan
except ImportError as error:  # the loader is part of the package; its absence is a failure, not a skip
    load_plan = None
    LOADER_MISSING = f"relboard.store.plan_file.load_plan cannot be imported: {error}"

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 12, 5, 22, 0, tzinfo=BERLIN)


def parse(text: str) -> Plan:
    return validate_plan(tomllib.loads(text))


def filled_in(text: str) -> str:
    """The starter with every placeholder replaced, as an engineer would."""
    return re.sub(r'"Change me: ([^"]*)"', lambda m: '"Filled in: ' + m.group(1) + '"', text)


@pytest.mark.parametrize("category", list(Category))
def test_starter_plan_is_refused_until_every_placeholder_is_replaced(category, tmp_path):
    if load_plan is None:
        pytest.fail(LOADER_MISSING)
    path = tmp_path / f"{category.value}.toml"
    text = starter_plan(category, START)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError) as raised:
        load_plan(path)
    lines = text.splitlines()
    placeholder_lines = [n for n, line in enumerate(lines, start=1) if f'"{PLACEHOLDER}: ' in line]
    problems = raised.value.problems
    # One problem per placeholder, at its own line, and nothing else wrong with the plan.
    assert [p.line for p in problems] == placeholder_lines
    for problem in problems:
        assert "is still the starter's placeholder" in problem.message
        # The column points at the key (or the array item) holding it, on that line.
        assert PLACEHOLDER in lines[problem.line - 1][problem.col - 1 :]
    path.write_text(filled_in(text), encoding="utf-8")
    assert load_plan(path).plan.release.category is category


@pytest.mark.parametrize("category", list(Category))
def test_starter_plan_carries_the_seed_steps_and_the_typical_validation(category):
    plan = parse(starter_plan(category, START))
    ids = [step.id for step in plan.steps]
    assert len(ids) == len(set(ids))
    for step_id, phase, title in VALIDATION_STEPS:
        assert plan.step(step_id).phase is Phase(phase)
        assert plan.step(step_id).title == title
    validate_titles = [step.title.casefold() for step in plan.steps if step.phase is Phase.VALIDATE]
    for check in TYPICAL_VALIDATION[category]:
        assert any(check.casefold() in title for title in validate_titles), check


@pytest.mark.parametrize("category", list(Category))
def test_the_rollback_criterion_trips_on_the_critical_validate_steps(category):
    plan = parse(starter_plan(category, START))
    critical_validate = [step.id for step in plan.steps if step.phase is Phase.VALIDATE and step.critical]
    assert len(critical_validate) == len(TYPICAL_VALIDATION[category])
    [criterion] = plan.rollback.criteria
    assert criterion.trips_on == critical_validate
    assert plan.window.rollback_time < plan.window.duration


@pytest.mark.parametrize("category", list(Category))
def test_owners_are_marked_to_be_replaced(category):
    text = starter_plan(category, START)
    plan = parse(text)
    window = plan.window
    for owner in (window.communication_owner, window.validation_owner, window.technical_owner, window.business_owner):
        assert owner.startswith(f"{PLACEHOLDER}:")
    assert all(step.owner.startswith(f"{PLACEHOLDER}:") for step in plan.steps)
    assert plan.rollback.impact_statement.startswith(PLACEHOLDER)
    assert f'starts with "{PLACEHOLDER}"' in text.splitlines()[1]


@pytest.mark.parametrize("category", list(Category))
def test_every_table_is_explained_by_a_comment(category):
    lines = starter_plan(category, START).splitlines()
    first = {}
    for index, line in enumerate(lines):
        if line.startswith("["):
            first.setdefault(line, index)
    assert set(first) >= {"[release]", "[window]", "[[affected_users]]", "[[steps]]", "[rollback]", "[notices]"}
    for header, index in first.items():
        above = [line for line in lines[:index] if line.strip()]
        assert above[-1].startswith("#"), header


def test_the_connector_starter_names_the_source_system_owner_and_scheduled_jobs_team():
    groups = [group.group for group in parse(starter_plan(Category.CONNECTOR_CHANGE, START)).affected_users]
    assert "Source-system owner" in groups
    assert "Scheduled jobs team" in groups


def test_start_in_a_named_zone_keeps_the_zone():
    window = parse(starter_plan(Category.PLATFORM_RELEASE, START)).window
    assert window.start == START
    assert window.start.utcoffset() == timedelta(hours=1)
    assert window.timezone == "Europe/Berlin"


def test_start_with_a_fixed_offset_keeps_the_offset_and_drops_fractions():
    start = datetime(2026, 7, 1, 21, 30, 15, 999_999, tzinfo=timezone(timedelta(hours=-4)))
    text = starter_plan(Category.CERTIFICATE_CHANGE, start)
    assert "start = 2026-07-01T21:30:15-04:00" in text.splitlines()
    window = parse(text).window
    assert window.start == start.replace(microsecond=0)
    assert window.timezone == ""


def test_a_start_without_offset_is_refused():
    with pytest.raises(ValueError, match="time zone or an offset"):
        starter_plan(Category.MODULE_UPDATE, datetime(2026, 12, 5, 22, 0))


def test_the_category_may_be_given_by_name():
    plan = parse(starter_plan("api-scope-change", START))
    assert plan.release.category is Category.API_SCOPE_CHANGE


@pytest.mark.parametrize("category", list(Category))
def test_starter_plan_has_expectations_a_parallel_track_and_is_on_track(category):
    from relboard.domain.dependencies import build_graph
    from relboard.domain.forecast import Verdict, forecast
    from relboard.domain.state import WindowState

    plan = parse(starter_plan(category, START))
    assert [s.id for s in plan.steps if s.expected is None] == []
    graph = build_graph(plan)
    apply_node = graph.index["apply"]
    checks = [graph.ids[d] for d in graph.dependents[apply_node]]
    assert len(checks) == len(TYPICAL_VALIDATION[category])
    validate = graph.index["validate"]
    assert tuple(graph.ids[p] for p in graph.prereqs[validate]) == tuple(checks)
    found = forecast(WindowState(plan), START)
    assert found.verdict is Verdict.ON_TRACK
