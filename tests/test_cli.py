"""The command line as a user runs it: real subprocesses, real files, exit codes and output."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, ROOT


def relboard(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "relboard", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


@pytest.fixture
def plan_file(tmp_path) -> Path:
    target = tmp_path / "tonight.toml"
    shutil.copy(MINIMAL, target)
    return target


def test_validate_a_good_plan_exits_0(plan_file):
    result = relboard("validate", str(plan_file))
    assert result.returncode == 0
    assert result.stdout.strip() == f"{plan_file}: ok"


def test_validate_reports_file_line_col_and_exits_2(plan_file, tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text(plan_file.read_text().replace('phase = "apply"', 'phase = "deploy"'))
    result = relboard("validate", str(plan_file), str(broken))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    line_no = broken.read_text().splitlines().index('phase = "deploy"') + 1
    assert lines[0].startswith(f"{broken}:{line_no}:1: steps[1].phase")
    assert "Traceback" not in result.stderr


def test_validate_never_shows_a_traceback_for_a_folder_or_a_missing_file(tmp_path):
    result = relboard("validate", str(tmp_path), str(tmp_path / "missing.toml"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 2


def test_schema_is_json_with_the_draft_2020_12_marker():
    result = relboard("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def fill_in(path: Path) -> None:
    """Replace every placeholder of a starter plan, as the engineer does."""
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'"Change me: ([^"]*)"', r'"Filled in: \1"', text), encoding="utf-8")


def test_new_writes_a_starter_plan_that_fails_until_filled_in_and_refuses_to_overwrite(tmp_path):
    target = tmp_path / "starter.toml"
    first = relboard("new", "--category", "connector-change", "--out", str(target))
    assert first.returncode == 0, first.stderr
    assert 'replace every value that starts with "Change me"' in first.stdout
    unedited = relboard("validate", str(target))
    assert unedited.returncode == 2
    lines = target.read_text(encoding="utf-8").splitlines()
    problems = unedited.stderr.splitlines()
    assert len(problems) == sum(1 for line in lines if '"Change me: ' in line)
    assert problems[0] == (
        f"{target}:9:1: release.title is still the starter's placeholder"
        ' "Change me: Connector or data change title": write the real value'
    )
    assert lines[8].startswith("title = ")
    # A plan with a placeholder does not open anywhere.
    assert relboard("status", str(target)).returncode == 2
    before = target.read_bytes()
    again = relboard("new", "--category", "connector-change", "--out", str(target))
    assert again.returncode == 2
    assert "already exists" in again.stderr
    assert target.read_bytes() == before
    fill_in(target)
    assert relboard("validate", str(target)).returncode == 0


def test_a_placeholder_left_in_any_plan_is_a_positioned_error(plan_file):
    text = plan_file.read_text(encoding="utf-8")
    edited = re.sub(r'^owner = "Lee QA"$', 'owner = "Change me: validation owner"', text, count=1, flags=re.M)
    plan_file.write_text(edited, encoding="utf-8")
    result = relboard("validate", str(plan_file))
    assert result.returncode == 2
    line = 1 + text.splitlines().index('owner = "Lee QA"')
    assert result.stderr == (
        f"{plan_file}:{line}:1: steps[2].owner is still the starter's placeholder"
        ' "Change me: validation owner": write the real value\n'
    )


def test_new_names_the_machines_time_zone(tmp_path):
    target = tmp_path / "starter.toml"
    result = relboard("new", "--category", "module-update", "--out", str(target), env={"TZ": "Europe/Berlin"})
    assert result.returncode == 0, result.stderr
    text = target.read_text(encoding="utf-8")
    assert 'timezone = "Europe/Berlin"' in text.splitlines()  # a key, not the starter's commented example
    start = next(line for line in text.splitlines() if line.startswith("start = "))
    assert start.endswith(("T22:00:00+01:00", "T22:00:00+02:00"))
    fill_in(target)
    assert relboard("validate", str(target)).returncode == 0


def test_new_with_an_unknown_category_lists_the_choices():
    result = relboard("new", "--category", "security-patch")
    assert result.returncode == 2
    assert "platform-release, module-update, connector-change, certificate-change, api-scope-change" in result.stderr


def test_mark_then_status_shows_the_result(plan_file):
    marked = relboard("mark", str(plan_file), "login", "fail", "--note", "500 on /login", "--by", "lee")
    assert marked.returncode == 0, marked.stderr
    state_file = plan_file.with_name("tonight.state.toml")
    assert state_file.exists()

    status = relboard("status", str(plan_file), "--now", "2026-12-05T22:40:00+01:00", "--json")
    assert status.returncode == 0, status.stderr
    document = json.loads(status.stdout)
    assert document["phase"] == "in-window"
    assert document["steps"]["login"] == {
        "status": "fail",
        "note": "500 on /login",
        "by": "lee",
        "at": document["steps"]["login"]["at"],
    }
    assert document["criteria"] == [
        {"id": "login-broken", "tripped": True, "state": "tripped", "why": "failed: login", "warning": ""}
    ]
    kinds = [e["kind"] for e in document["events"]]
    assert kinds == ["plan_loaded", "step_marked"]
    assert {"known_issues", "decisions", "notices"} <= set(document)

    text = relboard("status", str(plan_file), "--now", "2026-12-05T22:40:00+01:00")
    assert text.returncode == 0
    assert "Clock: in window 0:40:00 of 2:00:00 · 1:20:00 left" in text.stdout
    assert "fail     login: Validate login and tenant access — 500 on /login" in text.stdout
    assert "login-broken" in text.stdout


def test_mark_refuses_unknown_steps_and_statuses_with_the_choices(plan_file):
    step = relboard("mark", str(plan_file), "nope", "pass")
    assert step.returncode == 2
    assert "confirm-scope, apply, login, notify-done" in step.stderr
    status = relboard("mark", str(plan_file), "login", "done")
    assert status.returncode == 2
    assert "pending, pass, fail, skip, blocked" in status.stderr
    assert not plan_file.with_name("tonight.state.toml").exists()


def test_state_option_chooses_the_journal(plan_file, tmp_path):
    elsewhere = tmp_path / "other" / "window.toml"
    elsewhere.parent.mkdir()
    assert relboard("mark", str(plan_file), "apply", "pass", "--state", str(elsewhere)).returncode == 0
    assert elsewhere.exists()
    assert not plan_file.with_name("tonight.state.toml").exists()
    status = json.loads(relboard("status", str(plan_file), "--state", str(elsewhere), "--json").stdout)
    assert status["steps"]["apply"]["status"] == "pass"


def test_a_corrupt_state_is_reported_and_kept(plan_file):
    state_file = plan_file.with_name("tonight.state.toml")
    state_file.write_text('schema = 1\n[[event]]\nkind = \nthis is not toml\n[[event]]\nkind = "x"\n')
    before = state_file.read_bytes()
    result = relboard("mark", str(plan_file), "apply", "pass")
    assert result.returncode == 2
    assert result.stderr.startswith(f"{state_file}:")
    assert "Traceback" not in result.stderr
    assert state_file.read_bytes() == before


def test_status_of_the_demo_plan_and_lookup_without_a_plan(tmp_path):
    status = relboard("status", "--state", str(tmp_path / "demo.state.toml"))
    assert status.returncode == 0, status.stderr
    lookup = relboard("lookup", "conector", "fail", "upgrade")
    assert lookup.returncode == 0, lookup.stderr
    assert lookup.stdout.splitlines()[0].startswith("1. Connector fails after upgrade")
    assert "1) Credential" in lookup.stdout


def test_lookup_with_a_plan_and_no_match(plan_file):
    found = relboard("lookup", str(plan_file), "missing", "acess")
    assert found.returncode == 0
    assert found.stdout.startswith("1. Users report missing access after release")
    nothing = relboard("lookup", str(plan_file), "qqqqqq")
    assert nothing.returncode == 1


def test_a_broken_plan_stops_every_command_with_a_positioned_message(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text("schema = 1\n[release\n")
    for args in (["status", str(broken)], ["mark", str(broken), "a", "pass"], [str(broken)]):
        result = relboard(*args)
        assert result.returncode == 2, args
        assert result.stderr.startswith(f"{broken}:2:"), result.stderr
        assert "Traceback" not in result.stderr


def test_commands_that_do_not_open_the_board_never_import_textual(plan_file, tmp_path):
    script = (
        "import sys\n"
        "from relboard.cli import main\n"
        "for args in sys.argv[1:]:\n"
        "    main(args.split('|'))\n"
        "print('textual' in sys.modules, 'httpx' in sys.modules)\n"
    )
    calls = [
        f"validate|{plan_file}",
        "schema",
        f"new|--category|module-update|--out|{tmp_path / 'n.toml'}",
        f"status|{plan_file}",
        f"mark|{plan_file}|apply|pass",
        f"lookup|{plan_file}|connector",
    ]
    result = subprocess.run([sys.executable, "-c", script, *calls], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False False"


def test_hostile_text_never_reaches_the_terminal_as_escapes(plan_file):
    relboard("mark", str(plan_file), "login", "fail", "--note", "\x1b]0;owned\x07\x1b[2J[/] red")
    status = relboard("status", str(plan_file))
    assert "\x1b" not in status.stdout
    assert "[/] red" in status.stdout


def test_status_and_report_show_every_time_in_one_zone_or_utc(plan_file):
    relboard("mark", str(plan_file), "apply", "pass", "--by", "Sam", "--now", "2026-12-05T22:20:00+01:00")
    status = relboard("status", str(plan_file), "--now", "2026-12-05T22:40:00+01:00")
    assert "Window: 2026-12-05 22:00 UTC+01:00 to 2026-12-06 00:00 UTC+01:00\n" in status.stdout
    assert "local" not in status.stdout
    utc = relboard("status", str(plan_file), "--now", "2026-12-05T22:40:00+01:00", "--utc")
    assert "Window: 2026-12-05 21:00 UTC to 2026-12-05 23:00 UTC\n" in utc.stdout
    assert "+01:00" not in utc.stdout
    report = relboard("report", str(plan_file), "--utc")
    assert "Times in UTC." in report.stdout
    assert "+01:00" not in report.stdout
    assert "2026-12-05 21:20:00 UTC" in report.stdout


def test_a_state_error_met_after_the_open_is_positioned_with_exit_2_and_no_traceback(monkeypatch, capsys):
    """A writer folds the parts of the window it looks at while it works, so a state file can turn out
    unreadable after it was opened; any command then stops as it would at the open."""
    from relboard import cli
    from relboard.commands import common
    from relboard.store.journal_format import StateError

    def fails(command: str, args: object) -> int:
        raise StateError(Path("w.state.toml"), 1, 1, "w.state.toml.cache does not match the state file")

    monkeypatch.setattr(common, "run", fails)
    assert cli.main(["status", "plan.toml"]) == 2
    assert capsys.readouterr().err == "w.state.toml:1:1: w.state.toml.cache does not match the state file\n"

    def breaks(command: str, args: object) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr(common, "run", breaks)
    with pytest.raises(RuntimeError, match="a bug"):  # anything else is not dressed up as a state error
        cli.main(["status", "plan.toml"])
