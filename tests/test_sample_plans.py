"""The bundled sample plans: one per change category plus the demo, each valid and built from the seed."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from relboard.domain.catalog import TROUBLESHOOTING, TYPICAL_VALIDATION, VALIDATION_STEPS
from relboard.domain.plan import Category, Phase, Plan
from relboard.domain.plan_model import validate_plan
from relboard.store.paths import demo_plan

try:
    from relboard.store.plan_file import load_plan
except ImportError as error:  # the loader is part of the package; its absence is a failure, not a skip
    load_plan = None
    LOADER_MISSING = f"relboard.store.plan_file.load_plan cannot be imported: {error}"

SAMPLES = Path(__file__).resolve().parents[1] / "sample_plans"
CATEGORY_FILES = [f"{category.value}.toml" for category in Category]
ALL_FILES = [*CATEGORY_FILES, "demo.toml"]
# The seed's validation steps other than the generic "validate" one, which each plan spells out
# as its category's typical validation.
SEED_STEP_IDS = [step_id for step_id, _, _ in VALIDATION_STEPS if step_id != "validate"]
CATALOG_SYMPTOMS = {entry.symptom.casefold() for entry in TROUBLESHOOTING}


def read(name: str) -> Plan:
    with open(SAMPLES / name, "rb") as handle:
        return validate_plan(tomllib.load(handle))


def test_the_folder_holds_one_plan_per_category_and_the_demo():
    assert sorted(path.name for path in SAMPLES.glob("*.toml")) == sorted(ALL_FILES)


@pytest.mark.parametrize("name", ALL_FILES)
def test_sample_loads_through_the_plan_loader(name):
    if load_plan is None:
        pytest.fail(LOADER_MISSING)
    loaded = load_plan(SAMPLES / name)
    assert loaded.plan == read(name)


@pytest.mark.parametrize("name", CATEGORY_FILES)
def test_category_matches_the_file_name(name):
    assert read(name).release.category.value == Path(name).stem


def test_the_demo_is_a_platform_release_and_is_what_relboard_opens():
    assert read("demo.toml").release.category is Category.PLATFORM_RELEASE
    assert demo_plan().read_bytes() == (SAMPLES / "demo.toml").read_bytes()


@pytest.mark.parametrize("name", ALL_FILES)
def test_step_ids_are_unique_and_criteria_name_critical_steps(name):
    plan = read(name)
    ids = [step.id for step in plan.steps]
    assert len(ids) == len(set(ids))
    critical = {step.id for step in plan.steps if step.critical}
    assert plan.rollback.criteria
    for criterion in plan.rollback.criteria:
        assert criterion.trips_on, criterion.id
        assert set(criterion.trips_on) <= set(ids), criterion.id
        assert set(criterion.trips_on) <= critical, f"{criterion.id} trips on a step that is not critical"
    # Every critical validate step can stop the release through some criterion.
    linked = {sid for criterion in plan.rollback.criteria for sid in criterion.trips_on}
    critical_validate = {step.id for step in plan.steps if step.critical and step.phase is Phase.VALIDATE}
    assert critical_validate <= linked


@pytest.mark.parametrize("name", ALL_FILES)
def test_window_is_announced_in_its_own_zone_and_a_rollback_fits(name):
    window = read(name).window
    assert window.rollback_time < window.duration
    assert window.timezone
    assert ZoneInfo(window.timezone).utcoffset(window.start.replace(tzinfo=None)) == window.start.utcoffset()
    assert window.escalation


@pytest.mark.parametrize("name", ALL_FILES)
def test_the_seed_steps_run_through_all_four_phases(name):
    plan = read(name)
    ids = {step.id for step in plan.steps}
    assert set(SEED_STEP_IDS) <= ids
    assert {step.phase for step in plan.steps} == set(Phase)
    assert plan.step("apply").phase is Phase.APPLY
    assert plan.step("apply").critical


@pytest.mark.parametrize("name", ALL_FILES)
def test_the_category_typical_validation_is_among_the_validate_steps(name):
    plan = read(name)
    titles = [step.title.casefold() for step in plan.steps if step.phase is Phase.VALIDATE]
    missing = [
        check for check in TYPICAL_VALIDATION[plan.release.category] if not any(check.casefold() in t for t in titles)
    ]
    assert missing == []


@pytest.mark.parametrize("name", ALL_FILES)
def test_each_plan_has_its_own_users_issues_and_troubleshooting(name):
    plan = read(name)
    assert len(plan.affected_users) >= 3
    assert plan.known_issues
    assert all(issue.owner and issue.workaround for issue in plan.known_issues)
    own = [entry.symptom for entry in plan.troubleshooting if entry.symptom.casefold() not in CATALOG_SYMPTOMS]
    assert len(own) >= 2
    assert plan.notices.support_contact


def test_the_samples_are_distinct():
    plans = [read(name) for name in ALL_FILES]
    for field in ("title", "scope", "change_ref"):
        values = [getattr(plan.release, field) for plan in plans]
        assert len(set(values)) == len(values), field
    symptoms = [entry.symptom for plan in plans for entry in plan.troubleshooting]
    assert len(set(symptoms)) == len(symptoms)


def test_the_connector_plan_tells_the_source_system_owner_and_the_scheduled_jobs_team():
    plan = read("connector-change.toml")
    groups = " | ".join(group.group.casefold() for group in plan.affected_users)
    assert "source-system owner" in groups
    assert "scheduled jobs" in groups


@pytest.mark.parametrize("name", ALL_FILES)
def test_probes_point_at_reserved_hosts_and_keep_secrets_out_of_the_file(name):
    for step in read(name).steps:
        if step.probe is None or step.probe.run is not None:
            continue
        url = urlsplit(step.probe.url)
        assert url.scheme == "https"
        assert url.hostname.endswith(".example.test")
        assert all(value.startswith("env:") for value in step.probe.headers.values())


def test_command_checks_in_the_samples_pass_on_any_machine_with_python(tmp_path):
    from tests.probing import run_probe

    checks = [
        (name, step)
        for name in CATEGORY_FILES
        for step in read(name).steps
        if step.probe is not None and step.probe.run is not None
    ]
    assert len(checks) >= 2
    for name, step in checks:
        assert step.probe.run[0] == "python3"
        event = run_probe(step, SAMPLES, env=os.environ, allow_commands=True)
        assert event.passed, f"{name} {step.id}: {event.reason}"


def test_a_sample_shows_the_status_page_and_the_pager():
    plan = read("platform-release.toml")
    assert plan.notices.statuspage is not None
    assert plan.notices.statuspage.components
    assert plan.escalation.pagerduty is not None
    assert plan.escalation.pagerduty.services


@pytest.mark.parametrize("name", ALL_FILES)
def test_no_placeholder_left_in_a_sample(name):
    assert "change me" not in (SAMPLES / name).read_text(encoding="utf-8").casefold()


def test_the_demo_shows_every_feature():
    plan = read("demo.toml")
    for phase in Phase:
        flags = {step.critical for step in plan.steps if step.phase is phase}
        assert flags == {True, False}, f"{phase.value} needs critical and non-critical steps"
    probed = [step for step in plan.steps if step.probe is not None]
    assert len(probed) >= 2
    assert all(step.phase is Phase.VALIDATE for step in probed)
    assert any(step.probe.headers for step in probed)
    assert 2 <= len(plan.rollback.criteria) <= 3
    assert plan.rollback.decision_owners
    assert len(plan.known_issues) == 2
    assert len(plan.affected_users) >= 4
    assert any(group.access_interrupted for group in plan.affected_users)
    assert any(group.workflows_to_wait for group in plan.affected_users)
    assert len(plan.window.escalation) >= 2
    assert plan.notices.support_contact
    assert plan.notices.webhook_env
    assert plan.release.change_ref
    assert plan.release.release_notes.startswith("https://")


@pytest.mark.parametrize("name", ALL_FILES)
def test_every_step_has_an_expectation_and_the_plan_has_a_parallel_track(name):
    from relboard.domain.dependencies import build_graph
    from relboard.domain.forecast import Verdict, forecast
    from relboard.domain.state import WindowState

    plan = read(name)
    assert [s.id for s in plan.steps if s.expected is None] == []
    graph = build_graph(plan)
    # Two steps that wait on the same step run side by side.
    assert any(len(dependents) > 1 for dependents in graph.dependents)
    # Planned as written, the window makes its rollback deadline with a margin.
    found = forecast(WindowState(plan), plan.window.start)
    assert found.verdict is Verdict.ON_TRACK
