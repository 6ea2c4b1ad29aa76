"""Loading a plan file: what a valid plan gives back, and where TOML and encoding errors point."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

import pytest
import tomli_w

from relboard.store.plan_file import LoadedPlan, PlanError, Problem, load_plan
from tests.conftest import plan_problems

DATA = Path(__file__).parent / "data"
MINIMAL = DATA / "minimal.toml"


def test_minimal_plan_loads_with_its_hash():
    loaded = load_plan(MINIMAL)
    assert isinstance(loaded, LoadedPlan)
    assert loaded.path == MINIMAL
    assert loaded.hash == hashlib.sha256(MINIMAL.read_bytes()).hexdigest()
    assert loaded.plan.release.title == "Platform 4.2 upgrade"
    assert [step.id for step in loaded.plan.steps] == ["confirm-scope", "apply", "login", "notify-done"]
    assert plan_problems(MINIMAL) == []


def test_load_plan_accepts_a_string_path(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_bytes(MINIMAL.read_bytes())
    assert load_plan(str(path)).plan.window.validation_owner == "Lee QA"


def test_the_file_is_named_as_the_user_gave_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("plan.toml").write_text("schema = 1\nrelease = [1,,2]\n", encoding="utf-8")
    assert [str(problem) for problem in plan_problems("./plan.toml")] == [
        "./plan.toml:2:14: invalid TOML: invalid value"
    ]


def test_problem_and_plan_error_render_as_lines():
    problems = [Problem("a.toml", 3, 7, "first"), Problem("a.toml", 9, 1, "second")]
    error = PlanError(problems)
    assert str(problems[0]) == "a.toml:3:7: first"
    assert str(error) == "a.toml:3:7: first\na.toml:9:1: second"
    assert error.problems == problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("schema = 1\nrelease = [1,,2]\n", "2:14: invalid TOML: invalid value"),
        ('schema = 1\ntitle = "open\n', "2:14: invalid TOML: illegal character '\\n'"),
        ("schema = 1\n[window]\n[window]\n", "3:8: invalid TOML: cannot declare [window] twice"),
    ],
)
def test_toml_syntax_errors_carry_the_parser_position(tmp_path, text, expected):
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    assert [str(problem) for problem in plan_problems(path)] == [f"{path}:{expected}"]


def test_unterminated_array_points_at_the_end_of_the_document(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text("schema = 1\nsteps = [1,\n  2", encoding="utf-8")
    assert [str(problem) for problem in plan_problems(path)] == [f"{path}:3:4: invalid TOML: unclosed array"]


def test_not_utf8_points_at_the_bad_byte(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_bytes('schema = 1\ntitle = "café \xff"\n'.encode().replace("\xff".encode(), b"\xff"))
    assert [str(problem) for problem in plan_problems(path)] == [
        f"{path}:2:15: not UTF-8 text (byte 0xff); save the plan as UTF-8"
    ]


def test_a_byte_order_mark_is_not_an_error(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.read_bytes())
    loaded = load_plan(path)
    assert loaded.plan.release.title == "Platform 4.2 upgrade"
    assert loaded.hash == hashlib.sha256(path.read_bytes()).hexdigest()


def test_crlf_line_endings_load_and_keep_positions(tmp_path):
    path = tmp_path / "plan.toml"
    text = MINIMAL.read_text(encoding="utf-8").replace('phase = "apply"', 'phase = "deploy"')
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    line = text[: text.index('phase = "deploy"')].count("\n") + 1
    assert [str(problem) for problem in plan_problems(path)] == [
        f'{path}:{line}:1: steps[1].phase: "deploy" is not a phase; use one of prepare, apply, validate, communicate'
    ]


def test_control_characters_in_values_are_shown_escaped_on_one_line(tmp_path):
    path = tmp_path / "plan.toml"
    text = MINIMAL.read_text(encoding="utf-8").replace('phase = "apply"', 'phase = "de\\u001b[31mploy\\nx"')
    path.write_text(text, encoding="utf-8")
    (problem,) = plan_problems(path)
    assert problem.message == (
        'steps[1].phase: "de\\u001B[31mploy\\nx" is not a phase; use one of prepare, apply, validate, communicate'
    )
    assert "\x1b" not in str(problem)
    assert "\n" not in str(problem)


def test_naughty_strings_as_step_titles_come_back_identical(tmp_path, naughty_strings):
    # Blank titles are refused (see below); every other string comes back as it was.
    strings = [text for text in naughty_strings if text.strip()]
    assert len(strings) > 60
    data = tomllib.loads(MINIMAL.read_text(encoding="utf-8"))
    template = data["steps"][0]
    data["steps"] = [
        {**template, "id": f"s{index}", "title": text, "details": text} for index, text in enumerate(strings)
    ]
    data["rollback"]["criteria"][0]["trips_on"] = ["s0"]
    path = tmp_path / "naughty.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    plan = load_plan(path).plan
    assert [step.title for step in plan.steps] == strings
    assert [step.details for step in plan.steps] == strings


def test_an_empty_title_is_the_one_naughty_string_refused(tmp_path):
    data = tomllib.loads(MINIMAL.read_text(encoding="utf-8"))
    data["steps"][0]["title"] = ""
    path = tmp_path / "plan.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    assert [problem.message for problem in plan_problems(path)] == ["steps[0].title is empty; write some text"]
