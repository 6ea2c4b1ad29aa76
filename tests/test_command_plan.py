"""Command checks in the plan (`validate`: FILE:LINE:COL per problem) and the approval they need."""

from __future__ import annotations

from pathlib import Path

import pytest

from relboard.domain.commands import approved_in_state, command_list
from relboard.domain.events import CommandsApproved
from relboard.store.approvals import ApprovalStore
from relboard.store.journal import Journal
from relboard.window.recorder import Recorded
from relboard.window.session import WindowSession
from tests.conftest import plan_problems

MINIMAL = (Path(__file__).parent / "data" / "minimal.toml").read_text(encoding="utf-8")

STEP = '\n[[steps]]\nid = "smoke"\nphase = "validate"\ntitle = "Smoke test"\nowner = "Lee QA"\n\n[steps.probe]\n'


def at(text: str, needle: str) -> str:
    index = text.index(needle)
    return f"{text.count(chr(10), 0, index) + 1}:{index - (text.rfind(chr(10), 0, index) + 1) + 1}"


def problems(tmp_path: Path, probe: str) -> tuple[str, list[str]]:
    text = MINIMAL + STEP + probe
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    return text, [str(problem).removeprefix(f"{path}:") for problem in plan_problems(path)]


def test_a_full_command_check_is_valid(tmp_path):
    probe = (
        'run = ["./scripts/smoke.sh", "--env", "prod-eu"]\ncwd = "."\nenv = ["KUBECONFIG"]\n'
        'timeout = "2m"\nexpect_exit = 0\nexpect_output = "ready"\n'
    )
    assert problems(tmp_path, probe)[1] == []


def test_run_as_one_string_is_refused_with_the_list_to_write(tmp_path):
    text, found = problems(tmp_path, 'run = "./scripts/smoke.sh --env prod-eu"\n')
    assert found == [
        f"{at(text, 'run =')}: steps[4].probe.run must be a list of arguments, not one string: relboard never"
        ' runs a shell, so write run = ["./scripts/smoke.sh", "--env", "prod-eu"]'
    ]


def test_a_probe_needs_url_or_run(tmp_path):
    text, found = problems(tmp_path, 'timeout = "5s"\n')
    assert found == [
        f'{at(text, "[steps.probe]")}: steps[4].probe needs url = "https://..." (an HTTP check) or'
        ' run = ["./check.sh", ...] (a command)'
    ]


def test_a_probe_with_both_url_and_run_is_refused(tmp_path):
    text, found = problems(tmp_path, 'url = "https://api.example.test/health"\nrun = ["true"]\n')
    assert found == [
        f"{at(text, 'run =')}: steps[4].probe has both url and run: a probe is one HTTP check or one command; keep one"
    ]


def test_keys_of_the_other_kind_of_probe_are_named(tmp_path):
    text, found = problems(tmp_path, 'run = ["true"]\nexpect_status = 200\n')
    assert found == [
        f"{at(text, 'expect_status')}: steps[4].probe.expect_status applies to url probes only, not to run"
    ]
    text, found = problems(tmp_path, 'url = "https://api.example.test/"\nexpect_output = "ok"\n')
    assert found == [
        f"{at(text, 'expect_output')}: steps[4].probe.expect_output applies to run probes only, not to url"
    ]


def test_an_empty_program_and_a_bad_variable_name_are_refused(tmp_path):
    text, found = problems(tmp_path, 'run = [""]\n')
    assert found == [f"{at(text, chr(34) * 2 + ']')}: steps[4].probe.run[0] is empty; it names the program to run"]
    text, found = problems(tmp_path, 'run = ["true"]\nenv = ["$HOME"]\n')
    home = '"$HOME"'
    assert found == [
        f"{at(text, home)}: steps[4].probe.env[0]: {home} is not an environment variable name;"
        " give the variable's name (e.g. API_TOKEN), never its value"
    ]


# --- approval --------------------------------------------------------------------------------------


def plan_with(tmp_path: Path, argv: str) -> Path:
    (tmp_path / "scripts").mkdir(exist_ok=True)
    path = tmp_path / "tonight.toml"
    path.write_text(MINIMAL + STEP + f'run = {argv}\ncwd = "scripts"\nenv = ["KUBECONFIG"]\n', encoding="utf-8")
    return path


def commands_of(session: WindowSession):
    return command_list(session.plan, str(session.plan_dir.resolve()), session.loaded.hash)


def test_commands_are_listed_exactly_and_asked_once_per_plan_hash(tmp_path):
    store = ApprovalStore(tmp_path / "data" / "approvals.toml")
    plan = plan_with(tmp_path, '["./smoke.sh", "--env", "prod eu"]')
    session = WindowSession.open(plan)
    commands = commands_of(session)
    folder = (tmp_path / "scripts").resolve()
    assert commands.lines == [f"smoke: in {folder}: ./smoke.sh --env 'prod eu' [env: KUBECONFIG]"]
    assert not store.remembered(commands.digest)

    outcome = session.recorder(by="Lee QA").record(commands.approve())
    assert isinstance(outcome, Recorded)
    store.remember(plan, outcome.event)
    recorded = [e for e in Journal(tmp_path / "tonight.state.toml").load() if isinstance(e, CommandsApproved)]
    assert [(e.by, e.commands, e.digest) for e in recorded] == [("Lee QA", commands.lines, commands.digest)]
    assert approved_in_state(WindowSession.open(plan).state, commands.digest) is not None

    # Another board on the same plan, same user: not asked again.
    assert store.remembered(commands_of(WindowSession.open(plan)).digest)

    # The plan edited: asked again.
    plan_with(tmp_path, '["./smoke.sh", "--env", "prod-us"]')
    again = commands_of(WindowSession.open(plan))
    assert not store.remembered(again.digest)
    assert again.lines == [f"smoke: in {folder}: ./smoke.sh --env prod-us [env: KUBECONFIG]"]


@pytest.mark.parametrize("content", ["", "not toml [", "approval = 3\n"])
def test_an_unreadable_approvals_file_only_means_asking_again(tmp_path, content):
    store = ApprovalStore(tmp_path / "approvals.toml")
    store.file.write_text(content, encoding="utf-8")
    plan = plan_with(tmp_path, '["true"]')
    session = WindowSession.open(plan)
    commands = commands_of(session)
    assert not store.remembered(commands.digest)
    outcome = session.recorder(by="Lee QA").record(commands.approve())
    store.remember(plan, outcome.event)
    assert store.remembered(commands.digest)


def test_a_plan_without_commands_has_nothing_to_approve(tmp_path):
    path = tmp_path / "plain.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    session = WindowSession.open(path)
    commands = commands_of(session)
    assert commands.lines == []
    refused = session.recorder(by="Lee QA").record(commands.approve())
    assert refused.reason == "the plan runs no commands; there is nothing to approve"
