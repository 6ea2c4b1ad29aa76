"""Bad bytes and bad names as a user meets them on the command line (issue items 3 to 6, 11 and 12)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from relboard.store.journal import Journal
from tests.conftest import MINIMAL, ROOT
from tests.hostile import UNSAVEABLE


def run(*args: str | bytes, env: dict[bytes, bytes] | None = None) -> subprocess.CompletedProcess[bytes]:
    """relboard with arguments as the shell hands them over: bytes, not necessarily UTF-8."""
    return subprocess.run(
        [sys.executable, "-m", "relboard", *args],
        capture_output=True,
        env={**os.environb, **(env or {})},
        cwd=ROOT,
        timeout=60,
    )


@pytest.fixture
def plan(tmp_path) -> Path:
    target = tmp_path / "tonight.toml"
    shutil.copy(MINIMAL, target)
    return target


def one_clean_line(result: subprocess.CompletedProcess[bytes]) -> str:
    text = result.stderr.decode("utf-8")
    assert result.returncode == 2, text
    assert len(text.splitlines()) == 1, text
    assert "Traceback" not in text
    return text


# ---- items 3 and 4: arguments that are not UTF-8 are refused at the edge ----------------------------


@pytest.mark.parametrize("option", ["--note", "--by"])
@pytest.mark.parametrize("value", [b"\x9b", b"\xff", b"caf\xe9", b"ok\xed\xa0\x80"])
def test_an_argument_that_is_not_utf8_is_one_line_and_exit_2_and_nothing_is_written(plan, option, value):
    line = one_clean_line(run("mark", str(plan), "apply", "pass", option, value))
    assert "is not valid UTF-8 text" in line
    assert not (plan.parent / "tonight.state.toml").exists()


def test_a_board_operator_that_cannot_be_saved_is_refused_before_the_board_opens(plan):
    line = one_clean_line(run(str(plan), "--operator", b"\xff"))
    assert line.startswith("relboard: argument 3 ('\\xff') is not valid UTF-8 text")
    assert not (plan.parent / "tonight.state.toml").exists()


def test_a_login_name_that_cannot_be_saved_asks_for_by(plan):
    login = {b"LOGNAME": b"r\xf6ot", b"USER": b"r\xf6ot"}
    line = one_clean_line(run("mark", str(plan), "apply", "pass", env=login))
    assert "your login name" in line
    assert "--by NAME" in line
    ok = run("mark", str(plan), "apply", "pass", "--by", "Dana", env=login)
    assert ok.returncode == 0, ok.stderr
    assert [e.by for e in Journal(plan.parent / "tonight.state.toml").load()] == ["Dana", "Dana"]


def test_every_argument_the_system_could_not_decode_is_refused(plan):
    # What argv holds for bytes that are not UTF-8: the surrogate escapes among the unsaveable strings.
    from_argv = [text for text in UNSAVEABLE if all(ord(ch) < 0xD800 or 0xDC80 <= ord(ch) <= 0xDCFF for ch in text)]
    assert len(from_argv) == 3
    for text in from_argv:
        one_clean_line(run("mark", str(plan), "apply", "pass", "--note", text.encode("utf-8", "surrogateescape")))


# ---- item 5: C1, bidi and zero-width controls -----------------------------------------------------


HIDDEN = "ok\x9b31m\u202eevil\u200b\u2066x\u2069"


def test_json_escapes_c1_bidi_and_zero_width_controls_and_keeps_the_data(plan):
    assert run("mark", str(plan), "apply", "fail", "--note", HIDDEN.encode()).returncode == 0
    result = run("status", str(plan), "--json")
    assert result.returncode == 0
    text = result.stdout.decode("utf-8")
    for raw, escaped in (("\x9b", "\\u009b"), ("\u202e", "\\u202e"), ("\u200b", "\\u200b"), ("\u2066", "\\u2066")):
        assert raw not in text
        assert escaped in text
    assert json.loads(text)["steps"]["apply"]["note"] == HIDDEN


def test_the_status_text_the_timeline_and_both_reports_strip_them(plan, tmp_path):
    assert run("mark", str(plan), "apply", "fail", "--note", HIDDEN.encode()).returncode == 0
    shown = [
        run("status", str(plan)).stdout.decode("utf-8"),
        run("report", str(plan)).stdout.decode("utf-8"),
        run("report", str(plan), "--format", "html").stdout.decode("utf-8"),
    ]
    for text in shown:
        for hidden in ("\x9b", "\u202e", "\u200b", "\u2066", "\u2069"):
            assert hidden not in text
    # The report's timeline names the mark with the note's visible text.
    assert "evilx" in shown[1]
    assert "evilx" in shown[2]


# ---- item 6: a webhook URL that cannot be sent to --------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (b"hooks.example.test/T000/B000", b"it has no scheme"),
        (b"ftp://hooks.example.test/x", b"is not http or https"),
        (b"https://", b"it names no host"),
        (b"https://hooks.example.test/a b", b"spaces or control characters"),
    ],
)
def test_an_unusable_webhook_url_is_reported_at_once_and_validate_warns(plan, url, reason):
    env = {b"RELBOARD_WEBHOOK": url}
    result = run("notice", "before", str(plan), "--send", env=env)
    assert result.returncode == 1
    assert b"NOT SENT: webhook from $RELBOARD_WEBHOOK holds no usable URL (" in result.stderr
    assert reason in result.stderr
    assert b"attempts" not in result.stderr
    assert url not in result.stdout + result.stderr
    (sent,) = [e for e in Journal(plan.parent / "tonight.state.toml").load() if e.kind == "notice_sent"]
    assert not sent.delivered
    assert url.decode() not in sent.detail

    validate = run("validate", str(plan), env=env)
    assert validate.returncode == 0
    assert validate.stderr.decode().startswith(f"{plan}: warning: $RELBOARD_WEBHOOK holds no usable webhook URL")
    assert url not in validate.stderr
    assert run("validate", str(plan), env={b"RELBOARD_WEBHOOK": b"https://hooks.example.test/x"}).stderr == b""


# ---- item 11: a renamed step ----------------------------------------------------------------------


def test_status_names_the_steps_added_and_removed_after_a_rename_even_once_written(plan):
    assert run("mark", str(plan), "login", "pass").returncode == 0
    plan.write_text(plan.read_text(encoding="utf-8").replace('"login"', '"signin"'), encoding="utf-8")
    assert run("mark", str(plan), "apply", "pass").returncode == 0  # records the edited plan
    status = run("status", str(plan)).stdout.decode()
    assert "The plan changed since the state was written: added ['signin'], removed ['login']" in status
    document = json.loads(run("status", str(plan), "--json").stdout)
    assert document["plan_change"] == {"added": ["signin"], "removed": ["login"]}
    report = run("report", str(plan))
    assert b"added ['signin'], removed ['login']" in report.stderr


# ---- item 12: TOML's types are the plan's types ---------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("critical = true", 'critical = "yes"', "steps[1].critical must be true or false, not text"),
        ("critical = true", "critical = 1", "steps[1].critical must be true or false"),
        ("access_interrupted = true", 'access_interrupted = "true"', "access_interrupted must be true or false"),
        ('title = "Platform 4.2 upgrade"', "title = 42", "release.title must be text in quotes"),
        ('escalation = ["On-call SRE", "Platform lead"]', 'escalation = "On-call SRE"', "escalation must be an array"),
        ("schema = 1", 'schema = "1"', "schema"),
    ],
)
def test_a_value_of_the_wrong_toml_type_is_a_positioned_error(plan, old, new, message):
    text = plan.read_text(encoding="utf-8")
    assert old in text
    plan.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1
    result = run("validate", str(plan))
    assert result.returncode == 2
    errors = result.stderr.decode().splitlines()
    assert any(e.startswith(f"{plan}:{line}:") and message in e for e in errors), errors


def test_a_number_written_as_a_string_in_a_probe_is_a_positioned_error(plan):
    text = plan.read_text(encoding="utf-8")
    probe = '\n[steps.probe]\nurl = "https://api.example.test/health"\nexpect_status = "200"\n'
    anchor = 'id = "apply"'
    block_end = text.index("\n\n", text.index(anchor))
    plan.write_text(text[:block_end] + "\n" + probe + text[block_end:], encoding="utf-8")
    written = plan.read_text(encoding="utf-8")
    line = written[: written.index('expect_status = "200"')].count("\n") + 1
    result = run("validate", str(plan))
    assert result.returncode == 2
    assert f"{plan}:{line}:1: steps[1].probe.expect_status must be a whole number" in result.stderr.decode()
    assert tomllib.loads(written)["steps"][1]["probe"]["expect_status"] == "200"
