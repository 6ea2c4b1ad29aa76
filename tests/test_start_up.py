"""What a start loads: the board opens without the HTTP client, a good plan is checked without the
code that explains bad ones, and the cycle collector is on again once the modules are in."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from relboard.commands.common import loading_modules
from tests.conftest import MINIMAL, ROOT


def _loaded_after(code: str, *names: str) -> list[bool]:
    script = code + "\nimport sys\nprint(' '.join(str(n in sys.modules) for n in sys.argv[1:]))\n"
    result = subprocess.run([sys.executable, "-c", script, *names], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return [word == "True" for word in result.stdout.split()[-len(names) :]]


def test_the_board_opens_without_the_http_client():
    assert _loaded_after("import relboard.ui.app", "textual", "httpx") == [True, False]


def test_the_board_opens_a_seen_plan_without_openssls_digests(tmp_path):
    # hashlib's import sets up OpenSSL's digests: 0.6 MiB resident for a few hashes (relboard.domain.digests).
    state = tmp_path / "window.state.toml"
    code = (
        "import relboard.ui.app\nfrom relboard.window.session import WindowSession\n"
        f"WindowSession.open({str(MINIMAL)!r}, {str(state)!r})"
    )
    _loaded_after(code)  # the first open validates the plan (pydantic imports hashlib) and caches it
    assert _loaded_after(code, "relboard.domain.digests", "_hashlib", "hashlib") == [True, False, False]


def test_a_probe_loads_the_http_client_when_it_runs():
    code = "from relboard.net.probes import load_http_client\nload_http_client()"
    assert _loaded_after(code, "httpx") == [True]


def test_a_good_plan_is_checked_without_the_error_explanations():
    code = f"from relboard.store.plan_file import load_plan\nload_plan({str(MINIMAL)!r})"
    names = ("relboard.domain.plan_messages", "relboard.store.toml_positions", "relboard.store.toml_errors")
    assert _loaded_after(code, *names) == [False, False, False]


def test_a_broken_plan_still_gets_positioned_plain_messages(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text(
        MINIMAL.read_text(encoding="utf-8").replace("schema = 1", "schema = 1\nbogus = 2", 1), encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, "-m", "relboard", "validate", str(broken)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"{broken}:2:1: unknown key 'bogus'"), result.stderr


@pytest.fixture
def collector_state():
    was = gc.isenabled()
    yield
    gc.unfreeze()
    if was:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_is_off_while_modules_load_and_on_again_after(collector_state):
    gc.enable()
    with loading_modules():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_caller_stays_off(collector_state):
    gc.disable()
    with loading_modules():
        pass
    assert not gc.isenabled()
