"""Command checks with real child processes: what the ProbeRan event and the live output say, and
that nothing the check started outlives it (timeout, cancel, a grandchild left behind)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import tomli_w
from msgspec.structs import replace

from relboard.domain import plan_model
from relboard.domain.events import ProbeOutcome, StepStatus
from relboard.domain.plan import Step
from relboard.domain.plan_model import domain_of
from relboard.domain.rollback import evaluate
from relboard.domain.state import WindowState
from relboard.net.command_check import KEEP_BYTES
from relboard.net.probes import NOT_APPROVED, CancelHandle, run_probes, summary_line
from tests.conftest import make_plan
from tests.probing import run_probe

PY = sys.executable
SECRET = "kube-s3cr3t-9f8e7d"


def check(probe: dict, step_id: str = "smoke") -> Step:
    return domain_of(
        plan_model.Step.model_validate(
            {"id": step_id, "phase": "validate", "title": "Smoke", "owner": "Lee QA", "probe": probe}
        )
    )


def py(code: str, **extra) -> dict:
    return {"run": [PY, "-c", code], **extra}


def alive(pid: int) -> bool:
    """Running (a zombie waiting for a reaper counts as dead: it runs nothing)."""
    stat = Path(f"/proc/{pid}/stat")
    if stat.parent.parent.is_dir() and Path("/proc/self").exists():
        try:
            state = stat.read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return False
        return state not in ("Z", "X")
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_dead(pid: int, seconds: float = 10) -> bool:
    """Polls for the kill to land; the bound only keeps a broken test from hanging."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if not alive(pid):
            return True
        time.sleep(0.05)
    return False


# A parent that starts a grandchild in its own process group, writes the grandchild's pid, then waits.
GRANDPARENT = """
import subprocess, sys, time, pathlib
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
pathlib.Path(sys.argv[1]).write_text(str(child.pid))
print("started", flush=True)
if sys.argv[2] == "wait":
    time.sleep(600)
"""


def test_a_command_that_exits_0_with_the_expected_output_passes(tmp_path):
    event = run_probe(check(py("print('rollout ready')", expect_output="ready")), tmp_path, env={}, allow_commands=True)
    assert event.outcome is ProbeOutcome.PASS, event.reason
    assert event.exit_code == 0
    assert event.output == "rollout ready\n"
    assert event.command.startswith(PY)
    assert summary_line(event).startswith("PASS smoke exit 0 in ")


def test_a_wrong_exit_status_fails_marks_the_step_and_trips_its_criterion(tmp_path):
    plan = make_plan()
    login = replace(plan.step("login"), probe=check(py("import sys; print('no'); sys.exit(3)")).probe)
    event = run_probe(login, tmp_path, env={}, allow_commands=True)
    assert event.outcome is ProbeOutcome.FAIL
    assert event.exit_code == 3
    assert event.reason == "exit 3, expected exit 0"
    state = WindowState(plan, [event])
    assert state.steps["login"].status is StepStatus.FAIL
    assert [c.criterion.id for c in evaluate(state) if c.tripped] == ["login-broken"]


def test_expect_exit_and_missing_output_are_judged(tmp_path):
    assert run_probe(check(py("import sys; sys.exit(2)", expect_exit=2)), tmp_path, env={}, allow_commands=True).passed
    event = run_probe(check(py("print('pending')", expect_output="ready")), tmp_path, env={}, allow_commands=True)
    assert event.outcome is ProbeOutcome.FAIL
    assert event.reason == "output does not contain 'ready'"


def test_stdout_and_stderr_are_interleaved_as_produced(tmp_path):
    code = (
        "import sys\nfor i in range(3):\n"
        "    print('out', i, flush=True)\n    print('err', i, file=sys.stderr, flush=True)"
    )
    event = run_probe(check(py(code)), tmp_path, env={}, allow_commands=True)
    assert event.output.splitlines() == ["out 0", "err 0", "out 1", "err 1", "out 2", "err 2"]


def test_the_folder_is_relative_to_the_plan_and_argv_never_meets_a_shell(tmp_path):
    (tmp_path / "scripts").mkdir()
    code = "import os, sys; print(os.getcwd()); print(sys.argv[1:])"
    probe = {"run": [PY, "-c", code, "$HOME", "; rm -rf /", "*"], "cwd": "scripts"}
    event = run_probe(check(probe), tmp_path, env={}, allow_commands=True)
    assert event.output.splitlines() == [str((tmp_path / "scripts").resolve()), "['$HOME', '; rm -rf /', '*']"]


def test_only_the_named_variables_reach_the_command_and_their_values_are_masked(tmp_path):
    seen: list[str] = []
    event = asyncio.run(
        run_probes(
            [check({"run": ["env"], "env": ["KUBECONFIG"]})],
            tmp_path,
            env={"KUBECONFIG": SECRET, "PATH": os.environ["PATH"], "AWS_SECRET": "other-secret-value"},
            allow_commands=True,
            on_output=lambda step_id, text: seen.append(text),
        )
    )[0]
    assert event.passed, event.reason
    assert event.output == "KUBECONFIG=***\n"
    assert "".join(seen) == "KUBECONFIG=***\n"


def test_a_secret_written_in_pieces_is_masked_in_the_live_output_too(tmp_path):
    code = (
        "import os, sys, time\nv = os.environ['TOKEN']\n"
        "sys.stdout.write('token ' + v[:5]); sys.stdout.flush(); time.sleep(0.3)\n"
        "sys.stdout.write(v[5:] + ' end\\n'); sys.stdout.flush()"
    )
    seen: list[str] = []
    event = asyncio.run(
        run_probes(
            [check(py(code, env=["TOKEN"]))],
            tmp_path,
            env={"TOKEN": SECRET},
            allow_commands=True,
            on_output=lambda step_id, text: seen.append(text),
        )
    )[0]
    assert event.output == "token *** end\n"
    assert "".join(seen) == "token *** end\n"
    assert all(SECRET[:5] not in piece for piece in seen)


def test_output_is_delivered_live_while_the_command_runs(tmp_path):
    # The command waits for a file that the test writes only once it has seen the first line live.
    flag = tmp_path / "go"
    code = (
        "import pathlib, time\nprint('first', flush=True)\n"
        f"while not pathlib.Path({str(flag)!r}).exists():\n    time.sleep(0.02)\nprint('second')"
    )

    def on_output(step_id: str, text: str) -> None:
        seen.append(text)
        if "first" in text:
            flag.write_text("go")

    seen: list[str] = []
    event = asyncio.run(
        run_probes([check(py(code, timeout="30s"))], tmp_path, env={}, allow_commands=True, on_output=on_output)
    )[0]
    assert event.passed, event.reason
    assert seen[0] == "first\n"
    assert "".join(seen) == "first\nsecond\n"


def test_control_characters_and_escape_sequences_are_stripped(tmp_path):
    code = r"import sys; sys.stdout.write('\x1b[31mred\x1b[0m \x1b]0;title\x07bell\x07 cr\r\n\x00nul\x9b1mend\n')"
    seen: list[str] = []
    event = asyncio.run(
        run_probes([check(py(code))], tmp_path, env={}, allow_commands=True, on_output=lambda s, t: seen.append(t))
    )[0]
    assert event.output == "red bell cr\nnulend\n"
    assert "".join(seen) == event.output
    assert not any(ch in event.output for ch in "\x1b\x07\x00\r\x9b")


def test_a_flood_of_output_keeps_the_first_and_last_4_kib_and_says_what_was_cut(tmp_path):
    code = (
        "import sys\nfor i in range(40000):\n    sys.stdout.write(f'line {i:05d} ' + 'x' * 40 + '\\n')\n"
        "    if i == 20000: sys.stdout.write('MIDDLE-MARKER\\n')"
    )
    event = run_probe(check(py(code, expect_output="MIDDLE-MARKER")), tmp_path, env={}, allow_commands=True)
    assert event.passed, event.reason  # judged on all of the output, not on what is kept
    head, note, tail = event.output.partition(" bytes of output cut …\n")
    assert note
    assert event.output.startswith("line 00000 ")
    assert event.output.endswith("line 39999 " + "x" * 40 + "\n")
    assert "MIDDLE-MARKER" not in event.output
    kept_head = head.rsplit("\n… ", 1)[0]
    assert len(kept_head.encode()) == KEEP_BYTES
    assert len(tail.encode()) == KEEP_BYTES
    total = 40000 * len("line 00000 " + "x" * 40 + "\n") + len("MIDDLE-MARKER\n")
    cut = int(head.rsplit("\n… ", 1)[1].replace(",", ""))
    assert cut == total - 2 * KEEP_BYTES


def test_a_missing_program_is_an_error_not_a_failure(tmp_path):
    event = run_probe(check({"run": ["relboard-no-such-program-x9", "--x"]}), tmp_path, env={}, allow_commands=True)
    assert event.outcome is ProbeOutcome.ERROR
    assert event.reason == "command not found: relboard-no-such-program-x9 (not on this machine's PATH)"
    relative = run_probe(check({"run": ["./nope.sh"]}), tmp_path, env={}, allow_commands=True)
    assert relative.outcome is ProbeOutcome.ERROR
    assert relative.reason == "command not found: ./nope.sh (in .)"
    state = WindowState(make_plan(), [replace(event, step="login")])
    assert state.steps["login"].status is StepStatus.PENDING
    assert state.steps["login"].probe_error is not None
    assert not any(c.tripped for c in evaluate(state))


def test_an_unset_variable_or_a_missing_folder_is_an_error_and_nothing_runs(tmp_path):
    marker = tmp_path / "ran"
    code = f"open({str(marker)!r}, 'w').close()"
    unset = run_probe(check(py(code, env=["KUBECONFIG"])), tmp_path, env={}, allow_commands=True)
    assert unset.outcome is ProbeOutcome.ERROR
    assert unset.reason.startswith("environment variable KUBECONFIG is not set")
    folder = run_probe(check(py(code, cwd="nowhere")), tmp_path, env={}, allow_commands=True)
    assert folder.outcome is ProbeOutcome.ERROR
    assert folder.reason == "working folder nowhere not found next to the plan"
    assert not marker.exists()


def test_a_command_check_never_runs_without_approval(tmp_path):
    marker = tmp_path / "ran"
    event = run_probe(check(py(f"open({str(marker)!r}, 'w').close()")), tmp_path, env={})
    assert event.outcome is ProbeOutcome.ERROR
    assert event.reason == NOT_APPROVED
    assert not marker.exists()


def test_a_timeout_kills_the_whole_process_group_grandchild_included(tmp_path):
    pid_file = tmp_path / "grandchild.pid"
    probe = {"run": [PY, "-c", GRANDPARENT, str(pid_file), "wait"], "timeout": "2s"}
    event = run_probe(check(probe), tmp_path, env={}, allow_commands=True)
    assert event.outcome is ProbeOutcome.FAIL
    assert event.reason == "no result within 2s (the command and its process group were killed)"
    assert event.output == "started\n"
    assert wait_dead(int(pid_file.read_text()))


def test_a_grandchild_left_running_after_the_command_exits_is_killed_too(tmp_path):
    pid_file = tmp_path / "grandchild.pid"
    probe = {"run": [PY, "-c", GRANDPARENT, str(pid_file), "exit"], "timeout": "5m"}
    event = run_probe(check(probe), tmp_path, env={}, allow_commands=True)
    assert event.passed, event.reason  # it did not wait for the grandchild's output pipe to close
    assert wait_dead(int(pid_file.read_text()))


def test_cancelling_a_check_kills_its_group_and_records_an_error(tmp_path):
    pid_file = tmp_path / "grandchild.pid"
    cancel = CancelHandle()

    def on_output(step_id: str, text: str) -> None:
        if "started" in text:
            cancel.cancel(step_id)

    probe = {"run": [PY, "-c", GRANDPARENT, str(pid_file), "wait"], "timeout": "5m"}
    event = asyncio.run(
        run_probes([check(probe)], tmp_path, env={}, allow_commands=True, on_output=on_output, cancel=cancel)
    )[0]
    assert event.outcome is ProbeOutcome.ERROR
    assert event.reason.startswith("cancelled by the operator after ")
    assert wait_dead(int(pid_file.read_text()))


def test_cancelling_the_task_that_runs_the_checks_kills_their_groups(tmp_path):
    # The board closing while a check runs: the worker task is cancelled, with a cancel handle in play.
    pid_file = tmp_path / "grandchild.pid"
    probe = {"run": [PY, "-c", GRANDPARENT, str(pid_file), "wait"], "timeout": "5m"}

    async def scenario() -> None:
        started = asyncio.Event()
        work = asyncio.ensure_future(
            run_probes(
                [check(probe)],
                tmp_path,
                env={},
                allow_commands=True,
                on_output=lambda step_id, text: started.set(),
                cancel=CancelHandle(),
            )
        )
        await started.wait()
        work.cancel()
        with pytest.raises(asyncio.CancelledError):
            await work
        # Still on the running loop (a board goes on after its worker stops): the group is gone now,
        # not only once the loop shuts down and cancels whatever was left behind.
        grandchild = int(pid_file.read_text())
        for _ in range(200):
            if not alive(grandchild):
                break
            await asyncio.sleep(0.05)
        assert not alive(grandchild)

    asyncio.run(scenario())


def test_ctrl_c_on_relboard_probe_kills_the_commands_and_records_nothing(tmp_path):
    pid_file = tmp_path / "grandchild.pid"
    plan = tmp_path / "tonight.toml"
    argv = [PY, "-c", GRANDPARENT, str(pid_file), "wait"]
    plan.write_text(
        (Path(__file__).parent / "data" / "minimal.toml").read_text(encoding="utf-8")
        + '\n[[steps]]\nid = "smoke"\nphase = "validate"\ntitle = "Smoke"\nowner = "Lee QA"\n\n[steps.probe]\n'
        + tomli_w.dumps({"run": argv, "timeout": "5m"}),
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [PY, "-m", "relboard", "probe", str(plan), "--allow-commands"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        end = time.monotonic() + 30
        while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < end:
            time.sleep(0.05)
        assert pid_file.exists(), process.stderr.read() if process.poll() is not None else "no grandchild started"
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert "interrupted" in stderr
    assert "Traceback" not in stderr
    assert wait_dead(int(pid_file.read_text()))
    state = (tmp_path / "tonight.state.toml").read_text(encoding="utf-8")
    assert 'kind = "commands_approved"' in state
    assert 'kind = "probe_ran"' not in state


@pytest.mark.parametrize("outcome", ["pass", "fail"])
def test_old_journals_with_passed_true_or_false_still_load(tmp_path, outcome):
    import zlib

    from relboard.store.journal import Journal

    body = (
        'kind = "probe_ran"\nat = 2026-12-05T21:40:00Z\nby = "probe"\nstep = "login"\n'
        f"passed = {'true' if outcome == 'pass' else 'false'}\nstatus_code = 503\nlatency_ms = 12.0\n"
        'reason = "expected 200, got 503"\n'
    ).encode()
    state = tmp_path / "old.state.toml"
    state.write_bytes(b"schema = 1\n\n[[event]]\n" + body + b'sum = "%08x"\n' % zlib.crc32(body))
    (event,) = Journal(state).load()
    assert event.outcome.value == outcome
    assert WindowState(make_plan(), [event]).steps["login"].status.value == outcome
