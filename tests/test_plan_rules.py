"""One test per plan rule: the message the user reads and the line:column it points at."""

from __future__ import annotations

from pathlib import Path

import pytest

from relboard.domain.plan_model import Plan
from relboard.domain.plan_rules import RuleProblem, check_plan
from relboard.store.plan_file import load_plan
from tests.conftest import plan_problems

MINIMAL = (Path(__file__).parent / "data" / "minimal.toml").read_text(encoding="utf-8")


def edit(old: str, new: str, text: str = MINIMAL, count: int = 1) -> str:
    assert old in text, old
    return text.replace(old, new, count)


def at(text: str, needle: str, nth: int = 1) -> str:
    """'LINE:COL' of the nth occurrence of `needle` in `text`."""
    index = -1
    for _ in range(nth):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"{line}:{col}"


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    return [str(problem) for problem in plan_problems(path)]


def test_the_minimal_plan_has_no_problems(tmp_path):
    assert problems(tmp_path, MINIMAL) == []


def test_unknown_phase_names_the_step_and_the_phases(tmp_path):
    text = edit('phase = "apply"', 'phase = "deploy"')
    where = at(text, 'phase = "deploy"')
    assert problems(tmp_path, text) == [
        f"{tmp_path / 'plan.toml'}:{where}: "
        'steps[1].phase: "deploy" is not a phase; use one of prepare, apply, validate, communicate'
    ]


def test_missing_window_table(tmp_path):
    start, end = MINIMAL.index("[window]"), MINIMAL.index("[[affected_users]]")
    text = MINIMAL[:start] + MINIMAL[end:]
    (line,) = problems(tmp_path, text)
    assert line.startswith(f"{tmp_path / 'plan.toml'}:1:1: missing [window] table: agree the maintenance window")


def test_missing_validation_owner_points_at_the_window_table(tmp_path):
    text = edit('validation_owner = "Lee QA"\n', "")
    assert problems(tmp_path, text) == [
        f"{tmp_path / 'plan.toml'}:{at(text, '[window]')}: "
        "window.validation_owner is missing: name who validates the release during the window"
    ]


def test_missing_owner_other_than_validation_names_the_key(tmp_path):
    text = edit('business_owner = "Rio Product"\n', "")
    assert problems(tmp_path, text) == [
        f"{tmp_path / 'plan.toml'}:{at(text, '[window]')}: "
        "window.business_owner is missing: add `business_owner = ...` to [window]"
    ]


def _without_affected_users() -> str:
    start, end = MINIMAL.index("[[affected_users]]"), MINIMAL.index("[[steps]]")
    return MINIMAL[:start] + MINIMAL[end:]


def test_no_affected_users(tmp_path):
    (line,) = problems(tmp_path, _without_affected_users())
    assert line == (
        f"{tmp_path / 'plan.toml'}:1:1: no [[affected_users]]: name the groups the change affects "
        "(operators, administrators, integration owners, ...) and the expected impact"
    )


def test_empty_affected_users_array_is_the_same_problem(tmp_path):
    text = edit("[release]", "affected_users = []\n\n[release]", _without_affected_users())
    (line,) = problems(tmp_path, text)
    assert line.startswith(f"{tmp_path / 'plan.toml'}:{at(text, 'affected_users = []')}: no [[affected_users]]: ")


def _without_criteria() -> str:
    start, end = MINIMAL.index("[[rollback.criteria]]"), MINIMAL.index("[[known_issues]]")
    return MINIMAL[:start] + MINIMAL[end:]


def test_no_rollback_criteria(tmp_path):
    text = _without_criteria()
    assert problems(tmp_path, text) == [
        f"{tmp_path / 'plan.toml'}:{at(text, '[rollback]')}: no rollback criteria: agree the conditions for "
        "pausing, reverting or rescheduling before the window and write each as a [[rollback.criteria]] block"
    ]


def test_empty_rollback_criteria_array_is_the_same_problem(tmp_path):
    text = edit("impact_statement =", "criteria = []\nimpact_statement =", _without_criteria())
    (line,) = problems(tmp_path, text)
    assert line.startswith(f"{tmp_path / 'plan.toml'}:{at(text, 'criteria = []')}: no rollback criteria: ")


def test_missing_rollback_table(tmp_path):
    start, end = MINIMAL.index("[rollback]"), MINIMAL.index("[[known_issues]]")
    text = MINIMAL[:start] + MINIMAL[end:]
    (line,) = problems(tmp_path, text)
    assert line.startswith(f"{tmp_path / 'plan.toml'}:1:1: missing [rollback] table: ")


def test_unknown_key_in_release_suggests_the_right_one(tmp_path):
    text = edit('title = "Platform 4.2 upgrade"', 'titel = "Platform 4.2 upgrade"')
    found = problems(tmp_path, text)
    assert (
        f"{tmp_path / 'plan.toml'}:{at(text, 'titel')}: unknown key 'titel' in [release]; did you mean 'title'?"
        in found
    )


PROBE_AFTER = 'owner = "Lee QA"\ncritical = true\n'


def test_unknown_key_in_an_array_of_tables_names_the_entry(tmp_path):
    text = edit(PROBE_AFTER, PROBE_AFTER + 'colour = "red"\n')
    assert problems(tmp_path, text) == [
        f"{tmp_path / 'plan.toml'}:{at(text, 'colour')}: unknown key 'colour' in [[steps]] (steps[2])"
    ]


def test_unknown_top_level_key(tmp_path):
    text = edit("schema = 1", "schema = 1\nowner = 'me'")
    assert problems(tmp_path, text) == [
        f"{tmp_path / 'plan.toml'}:{at(text, 'owner')}: unknown key 'owner' in the top level of the plan"
    ]


def test_local_datetime_without_offset(tmp_path):
    text = edit("start = 2026-12-05T22:00:00+01:00", "start = 2026-12-05T22:00:00")
    assert problems(tmp_path, text) == [
        f"{tmp_path / 'plan.toml'}:{at(text, 'start =')}: window.start is a local datetime without an offset; "
        "write the offset too, e.g. 2026-12-05T22:00:00+01:00"
    ]


def test_quoted_start_asks_for_an_unquoted_datetime(tmp_path):
    text = edit("start = 2026-12-05T22:00:00+01:00", 'start = "2026-12-05T22:00:00+01:00"')
    assert problems(tmp_path, text) == [
        f"{tmp_path / 'plan.toml'}:{at(text, 'start =')}: window.start must be a TOML offset datetime "
        "(unquoted), e.g. 2026-12-05T22:00:00+01:00"
    ]


def test_bad_duration(tmp_path):
    text = edit('duration = "2h"', 'duration = "two hours"')
    assert problems(tmp_path, text) == [
        f"{tmp_path / 'plan.toml'}:{at(text, 'duration =')}: "
        """window.duration: 'two hours' is not a duration; write it like "2h30m", "90m" or "45s\""""
    ]


def test_duration_as_a_bare_number_is_refused_not_read_as_seconds(tmp_path):
    text = edit('duration = "2h"', "duration = 2")
    assert problems(tmp_path, text) == [
        f"{tmp_path / 'plan.toml'}:{at(text, 'duration =')}: "
        'window.duration must be a duration in quotes, like "2h30m", "90m" or "45s"'
    ]


def test_unknown_time_zone(tmp_path):
    text = edit('duration = "2h"', 'duration = "2h"\ntimezone = "Mars/Olympus"')
    assert problems(tmp_path, text) == [
        f"{tmp_path / 'plan.toml'}:{at(text, 'timezone')}: "
        "window.timezone: 'Mars/Olympus' is not a known IANA time zone (e.g. Europe/Berlin)"
    ]


def test_unknown_category(tmp_path):
    text = edit('category = "platform-release"', 'category = "hotfix"')
    assert problems(tmp_path, text) == [
        f'{tmp_path / "plan.toml"}:{at(text, "category")}: release.category: "hotfix" is not a category; use one of '
        "platform-release, module-update, connector-change, certificate-change, api-scope-change"
    ]


def test_empty_text_field(tmp_path):
    text = edit('title = "Apply the release"', 'title = ""')
    where = at(text, 'title = ""')
    assert problems(tmp_path, text) == [f"{tmp_path / 'plan.toml'}:{where}: steps[1].title is empty; write some text"]


def test_wrong_type_says_what_toml_value_is_expected(tmp_path):
    text = edit('owner = "Dana Ops"\n\n[rollback]', "owner = 42\n\n[rollback]")
    assert problems(tmp_path, text) == [
        f"{tmp_path / 'plan.toml'}:{at(text, 'owner = 42')}: steps[3].owner must be text in quotes, not a number"
    ]


def test_troubleshooting_without_checks(tmp_path):
    text = edit('checks = ["Role package", "Tenant membership", "Session refresh"]', "checks = []")
    assert problems(tmp_path, text) == [
        f"{tmp_path / 'plan.toml'}:{at(text, 'checks = []')}: troubleshooting[0].checks is empty; give at least 1"
    ]


def test_webhook_given_as_a_url(tmp_path):
    text = edit('webhook_env = "RELBOARD_WEBHOOK"', 'webhook_env = "https://hooks.example.com/x"')
    assert problems(tmp_path, text) == [
        f'{tmp_path / "plan.toml"}:{at(text, "webhook_env")}: notices.webhook_env: "https://hooks.example.com/x" '
        "is not an environment variable name; give the variable's name (e.g. RELBOARD_WEBHOOK), never the URL itself"
    ]


def test_steps_written_as_a_single_table(tmp_path):
    text = (
        MINIMAL[: MINIMAL.index("[[steps]]")]
        + '[steps]\nid = "x"\n\n'
        + MINIMAL[MINIMAL.index("[rollback]") :].replace('trips_on = ["login"]', "")
    )
    assert problems(tmp_path, text) == [
        f"{tmp_path / 'plan.toml'}:{at(text, '[steps]')}: "
        "steps must be an array of tables: write a [[steps]] block for each one, not a table"
    ]


# -- schema --------------------------------------------------------------------------------


def test_missing_schema(tmp_path):
    text = edit("schema = 1\n", "")
    assert problems(tmp_path, text) == [
        f"{tmp_path / 'plan.toml'}:1:1: schema is missing: start the plan with `schema = 1`"
    ]


def test_newer_schema_is_reported_alone(tmp_path):
    text = edit("schema = 1", "schema = 2\nnew_table_of_the_future = true")
    assert problems(tmp_path, text) == [
        f"{tmp_path / 'plan.toml'}:1:1: schema = 2: this plan was written for a newer relboard "
        "(this version reads schema 1); upgrade relboard"
    ]


def test_schema_as_text(tmp_path):
    text = edit("schema = 1", 'schema = "one"')
    assert problems(tmp_path, text) == [f'{tmp_path / "plan.toml"}:1:1: schema must be 1, not "one"']


# -- rules beyond the model ----------------------------------------------------------------


def test_duplicate_step_id_points_at_the_second(tmp_path):
    text = edit('id = "notify-done"', 'id = "apply"')
    where = at(text, 'id = "apply"', nth=2)
    assert problems(tmp_path, text) == [
        f'{tmp_path / "plan.toml"}:{where}: steps[3].id: "apply" is already the id of steps[1]; step ids must be unique'
    ]


def test_duplicate_criterion_id(tmp_path):
    second = '\n[[rollback.criteria]]\nid = "login-broken"\ncondition = "Tenants lose data"\n'
    text = edit("\n[[known_issues]]", second + "\n[[known_issues]]")
    where = at(text, 'id = "login-broken"', nth=2)
    assert problems(tmp_path, text) == [
        f"{tmp_path / 'plan.toml'}:{where}: "
        'rollback.criteria[1].id: "login-broken" is already the id of rollback.criteria[0];'
        " criterion ids must be unique"
    ]


def test_criterion_naming_an_unknown_step_points_at_the_element(tmp_path):
    text = edit('trips_on = ["login"]', 'trips_on = ["apply", "logn"]')
    where = at(text, '"logn"')
    assert problems(tmp_path, text) == [
        f"{tmp_path / 'plan.toml'}:{where}: "
        'rollback.criteria[0].trips_on[1]: "logn" is not a step id in this plan; did you mean "login"?'
    ]


def test_rollback_longer_than_the_window(tmp_path):
    text = edit('rollback_time = "30m"', 'rollback_time = "2h30m"')
    assert problems(tmp_path, text) == [
        f"{tmp_path / 'plan.toml'}:{at(text, 'rollback_time')}: window.rollback_time: a rollback takes 2h30m, "
        "longer than the 2h window, so the decision to roll back would be due before the window starts; "
        "lengthen the window or plan a faster rollback"
    ]


def test_rollback_as_long_as_the_window(tmp_path):
    text = edit('rollback_time = "30m"', 'rollback_time = "120m"')
    (line,) = problems(tmp_path, text)
    assert line.startswith(
        f"{tmp_path / 'plan.toml'}:{at(text, 'rollback_time')}: window.rollback_time: a rollback takes 2h, "
        "as long as the 2h window"
    )


# -- probes --------------------------------------------------------------------------------


def with_probe(body: str) -> str:
    return edit(PROBE_AFTER, PROBE_AFTER + "\n[steps.probe]\n" + body)


def test_a_valid_probe_loads(tmp_path):
    text = with_probe('url = "https://login.example.com/health"\nexpect_status = 200\ntimeout = "5s"\n')
    assert problems(tmp_path, text) == []
    plan = load_plan(tmp_path / "plan.toml").plan
    assert plan.step("login").probe.url == "https://login.example.com/health"


def test_probe_url_must_be_http(tmp_path):
    text = with_probe('url = "ftp://files.example.com"\n')
    assert problems(tmp_path, text) == [
        f"{tmp_path / 'plan.toml'}:{at(text, 'url =')}: "
        'steps[2].probe.url: "ftp://files.example.com" is not an http:// or https:// URL'
    ]


def test_probe_method_and_status_and_unknown_key(tmp_path):
    text = with_probe('url = "https://x.example"\nmethod = "FETCH"\nexpect_status = 42\nretries = 3\n')
    assert problems(tmp_path, text) == [
        f'{tmp_path / "plan.toml"}:{at(text, "method")}: steps[2].probe.method: "FETCH" is not a known method; '
        "use one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
        f"{tmp_path / 'plan.toml'}:{at(text, 'expect_status')}: "
        "steps[2].probe.expect_status: 42 is out of range; it must be at least 100",
        f"{tmp_path / 'plan.toml'}:{at(text, 'retries')}: unknown key 'retries' in [steps.probe]",
    ]


def test_probe_given_as_a_string_is_rejected_not_ignored(tmp_path):
    text = edit(PROBE_AFTER, PROBE_AFTER + 'probe = "https://x.example"\n')
    assert problems(tmp_path, text) == [
        f"{tmp_path / 'plan.toml'}:{at(text, 'probe =')}: "
        "steps[2].probe must be a table ([steps.probe] or { key = value, ... }), not text"
    ]


def test_probe_as_inline_table_points_inside_it(tmp_path):
    text = edit(PROBE_AFTER, PROBE_AFTER + 'probe = { url = "https://x.example", timeout = "soon" }\n')
    assert problems(tmp_path, text) == [
        f"{tmp_path / 'plan.toml'}:{at(text, 'timeout')}: "
        """steps[2].probe.timeout: 'soon' is not a duration; write it like "2h30m", "90m" or "45s\""""
    ]


def test_probe_header_name_and_env_reference(tmp_path):
    text = with_probe(
        'url = "https://x.example"\n[steps.probe.headers]\n"Bad Name" = "x"\nAuthorization = "env:1TOKEN"\n'
    )
    where = at(text, '"Bad Name"')
    assert problems(tmp_path, text) == [
        f'{tmp_path / "plan.toml"}:{where}: steps[2].probe.headers."Bad Name": "Bad Name" '
        "is not a usable HTTP header name (no spaces, colons or quotes)",
        f'{tmp_path / "plan.toml"}:{at(text, "Authorization")}: steps[2].probe.headers.Authorization: "1TOKEN" '
        "is not an environment variable name; write env:NAME, e.g. env:API_TOKEN",
    ]


def test_probe_header_value_with_a_line_break(tmp_path):
    text = with_probe('url = "https://x.example"\nheaders = { X-Test = "a\\r\\nX-Evil: 1" }\n')
    assert problems(tmp_path, text) == [
        f"{tmp_path / 'plan.toml'}:{at(text, 'X-Test')}: "
        "steps[2].probe.headers.X-Test: a header value cannot hold line breaks or control characters"
    ]


def test_probe_ca_bundle_on_plain_http(tmp_path):
    text = with_probe('url = "http://x.example"\nca_bundle = "ca.pem"\n')
    assert problems(tmp_path, text) == [
        f"{tmp_path / 'plan.toml'}:{at(text, 'ca_bundle')}: "
        'steps[2].probe.ca_bundle only applies to https:// URLs; this probe calls "http://x.example"'
    ]


# -- ordering and the domain API -----------------------------------------------------------


def test_problems_are_sorted_by_line(tmp_path):
    text = edit('phase = "communicate"', 'phase = "talk"')
    text = edit('title = "Platform 4.2 upgrade"', 'titel = "Platform 4.2 upgrade"', text)
    text = edit('duration = "2h"', 'duration = "long"', text)
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    talk = at(text, 'phase = "talk"')
    assert [str(problem) for problem in plan_problems(path)] == [
        f"{path}:{at(text, '[release]')}: release.title is missing: add `title = ...` to [release]",
        f"{path}:{at(text, 'titel')}: unknown key 'titel' in [release]; did you mean 'title'?",
        f"{path}:{at(text, 'duration')}: window.duration: 'long' is not a duration; "
        'write it like "2h30m", "90m" or "45s"',
        f'{path}:{talk}: steps[3].phase: "talk" is not a phase; use one of prepare, apply, validate, communicate',
    ]


def test_check_plan_returns_paths_for_the_store_to_position():
    import tomllib

    data = tomllib.loads(edit('id = "notify-done"', 'id = "apply"'))
    data["rollback"]["criteria"][0]["trips_on"] = ["nowhere"]
    assert check_plan(Plan.model_validate(data)) == [
        RuleProblem(("steps", 3, "id"), 'steps[3].id: "apply" is already the id of steps[1]; step ids must be unique'),
        RuleProblem(
            ("rollback", "criteria", 0, "trips_on", 0),
            'rollback.criteria[0].trips_on[0]: "nowhere" is not a step id in this plan',
        ),
    ]


@pytest.mark.parametrize("key", ["release", "window"])
def test_a_section_given_as_a_value_is_reported_at_its_line(tmp_path, key):
    text = edit(f"[{key}]", f"[{key}_old]")
    text = edit("schema = 1\n", f'schema = 1\n{key} = "see wiki"\n', text)
    found = problems(tmp_path, text)
    assert (
        f"{tmp_path / 'plan.toml'}:{at(text, f'{key} = ')}: "
        f"{key} must be a table ([{key}] or {{ key = value, ... }}), not text" in found
    )


AP, SELF, LOGIN = '"aply"', '"apply"]', '"login"]'


def test_expected_and_after_are_accepted(tmp_path):
    text = edit('title = "Apply the release"', 'title = "Apply the release"\nexpected = "25m"\nafter = []')
    assert problems(tmp_path, text) == []
    plan = load_plan(tmp_path / "plan.toml").plan
    apply = plan.step("apply")
    assert apply is not None
    assert apply.after == []
    assert apply.expected is not None
    assert apply.expected.total_seconds() == 25 * 60


def test_expected_must_be_a_duration(tmp_path):
    text = edit('title = "Apply the release"', 'title = "Apply the release"\nexpected = 10')
    assert problems(tmp_path, text) == [
        f"{tmp_path / 'plan.toml'}:{at(text, 'expected = 10')}: "
        'steps[1].expected must be a duration in quotes, like "2h30m", "90m" or "45s"'
    ]


def test_after_naming_an_unknown_step_suggests_the_right_one(tmp_path):
    text = edit(
        'title = "Validate login and tenant access"', 'title = "Validate login and tenant access"\nafter = ["aply"]'
    )
    assert problems(tmp_path, text) == [
        f"{tmp_path / 'plan.toml'}:{at(text, AP)}: "
        'steps[2].after[0]: "aply" is not a step id in this plan; did you mean "apply"?'
    ]


def test_a_step_cannot_wait_on_itself(tmp_path):
    text = edit('title = "Apply the release"', 'title = "Apply the release"\nafter = ["confirm-scope", "apply"]')
    assert problems(tmp_path, text) == [
        f'{tmp_path / "plan.toml"}:{at(text, SELF)}: steps[1].after[1]: step "apply" cannot wait on itself'
    ]


def test_a_cycle_is_refused_and_named(tmp_path):
    text = edit('title = "Apply the release"', 'title = "Apply the release"\nafter = ["login"]')
    text = edit(
        'title = "Validate login and tenant access"',
        'title = "Validate login and tenant access"\nafter = ["apply"]',
        text,
    )
    assert problems(tmp_path, text) == [
        f"{tmp_path / 'plan.toml'}:{at(text, LOGIN)}: steps[1].after[0]: these steps wait on each other, so none "
        'of them can start: "apply" waits on "login", "login" waits on "apply"; remove one of these waits '
        "(after = [] lets a step start at any time)"
    ]


def test_a_cycle_through_the_plan_order_names_the_implied_waits(tmp_path):
    # confirm-scope waits on login, which (without `after`) follows apply, which follows confirm-scope.
    text = edit(
        'title = "Confirm the exact environment and release scope"',
        'title = "Confirm the exact environment and release scope"\nafter = ["login"]',
    )
    (line,) = problems(tmp_path, text)
    assert line == (
        f"{tmp_path / 'plan.toml'}:{at(text, LOGIN)}: steps[0].after[0]: these steps wait on each other, so none "
        'of them can start: "confirm-scope" waits on "login", "login" follows "apply" (the step before it), '
        '"apply" follows "confirm-scope" (the step before it); remove one of these waits '
        "(after = [] lets a step start at any time)"
    )


def test_waits_on_earlier_steps_in_any_order_are_fine(tmp_path):
    text = edit(
        'title = "Validate login and tenant access"',
        'title = "Validate login and tenant access"\nafter = ["apply", "confirm-scope"]',
    )
    text = edit('title = "Communicate completion', 'after = []\ntitle = "Communicate completion', text)
    assert problems(tmp_path, text) == []
