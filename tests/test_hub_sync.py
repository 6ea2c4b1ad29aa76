"""Two laptops (two state folders, separate processes) share one window through a real nats-server."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
import zlib
from pathlib import Path

import nkeys
import pytest

from relboard.domain.identity import ID_PATTERN
from tests.conftest import MINIMAL, ROOT
from tests.nats_server import NatsServer, free_port

WINDOW = "chg-1042-prod-eu"
GUARD = 60


def relboard(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("RELBOARD_HUB")}
    return subprocess.run(
        [sys.executable, "-m", "relboard", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**environment, **(env or {})},
        timeout=GUARD,
    )


def laptop(tmp_path: Path, name: str, plan: Path = MINIMAL) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    shutil.copy(plan, folder / "tonight.toml")
    return folder / "tonight.toml"


def state_of(plan: Path) -> dict:
    result = relboard("status", plan, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def journal_ids(plan: Path) -> list[str]:
    """The ids in the journal file itself, as many times as they are written there."""
    data = tomllib.loads(plan.with_name("tonight.state.toml").read_text(encoding="utf-8"))
    return [event["id"] for event in data.get("event", []) if "id" in event]


def converged(*plans: Path) -> dict:
    states = [state_of(plan) for plan in plans]
    ids = [sorted(e["id"] for e in s["events"]) for s in states]
    assert all(i == ids[0] for i in ids), "the laptops hold different events"
    assert all(s["steps"] == states[0]["steps"] for s in states)
    for plan in plans:
        written = journal_ids(plan)
        assert len(written) == len(set(written)), "an event was written twice"
    return states[0]


def test_two_laptops_converge_to_the_same_events_and_state(tmp_path, nats_hub):
    a, b = laptop(tmp_path, "a"), laptop(tmp_path, "b")
    marked = relboard("mark", a, "apply", "pass", "--by", "ana", "--hub", nats_hub.url)
    assert marked.returncode == 0, marked.stderr
    assert "not yet on the hub" not in marked.stdout
    assert relboard("mark", b, "login", "fail", "--note", "500", "--by", "ben", "--hub", nats_hub.url).returncode == 0
    first = relboard("sync", a, "--hub", nats_hub.url)
    assert first.stdout.strip() == "pushed 0, pulled 2, unsent 0", first.stderr
    assert relboard("sync", b, "--hub", nats_hub.url).stdout.strip() == "pushed 0, pulled 2, unsent 0"
    state = converged(a, b)
    assert state["steps"]["apply"]["status"] == "pass"
    assert state["steps"]["login"]["status"] == "fail"
    assert all(e["id"] for e in state["events"])
    assert len({e["writer"] for e in state["events"] if e["kind"] == "step_marked"}) == 2
    # A reader pulls first: status on a third copy of the journal sees everything.
    c = laptop(tmp_path, "c")
    seen = relboard("status", c, "--json", "--hub", nats_hub.url)
    assert len(json.loads(seen.stdout)["events"]) == len(state["events"])


def test_partition_server_down_both_record_then_converge_with_nothing_lost_or_doubled(tmp_path, nats_hub):
    a, b = laptop(tmp_path, "a"), laptop(tmp_path, "b")
    assert relboard("mark", a, "confirm-scope", "pass", "--hub", nats_hub.url).returncode == 0
    assert relboard("sync", b, "--hub", nats_hub.url).returncode == 0
    nats_hub.stop()
    for plan, step in ((a, "apply"), (b, "login"), (a, "notify-done")):
        offline = relboard("mark", plan, step, "pass", "--hub", nats_hub.url)
        assert offline.returncode == 0
        assert offline.stdout.splitlines()[-1].startswith("saved locally; not yet on the hub (")
    before = a.with_name("tonight.state.toml").read_bytes()
    failed = relboard("sync", a, "--hub", nats_hub.url)
    assert failed.returncode == 1
    assert failed.stderr.count("\n") == 1
    assert "cannot reach the hub at nats://127.0.0.1:" in failed.stderr
    assert "(2 unsent)" in failed.stderr
    assert a.with_name("tonight.state.toml").read_bytes() == before
    nats_hub.start()  # the same port and store folder
    assert relboard("sync", a, "--hub", nats_hub.url).stdout.strip() == "pushed 2, pulled 0, unsent 0"
    assert relboard("sync", b, "--hub", nats_hub.url).stdout.strip() == "pushed 1, pulled 2, unsent 0"
    assert relboard("sync", a, "--hub", nats_hub.url).stdout.strip() == "pushed 0, pulled 1, unsent 0"
    state = converged(a, b)
    assert [state["steps"][s]["status"] for s in ("confirm-scope", "apply", "login", "notify-done")] == ["pass"] * 4
    assert len(state["events"]) == 5  # the plan once, four marks


def test_a_laptop_offline_catches_up_and_publishes_when_back(tmp_path, nats_hub):
    a, b = laptop(tmp_path, "a"), laptop(tmp_path, "b")
    nowhere = f"nats://127.0.0.1:{free_port()}"
    assert relboard("mark", b, "apply", "pass", "--hub", nats_hub.url).returncode == 0
    offline = relboard("mark", a, "login", "fail", "--hub", nowhere)
    assert offline.stdout.splitlines()[-1] == "saved locally; not yet on the hub (2 unsent)"
    assert relboard("mark", a, "login", "pass", "--hub", nowhere).stdout.splitlines()[-1].endswith("(3 unsent)")
    back = relboard("sync", a, "--hub", nats_hub.url)
    assert back.stdout.strip() == "pushed 3, pulled 2, unsent 0", back.stderr
    assert relboard("sync", b, "--hub", nats_hub.url).stdout.strip() == "pushed 0, pulled 3, unsent 0"
    assert converged(a, b)["steps"]["login"]["status"] == "pass"


def _black_hole() -> socket.socket:
    """A listener that accepts and never answers: a hub that hangs."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    return sock


def test_mark_killed_between_the_save_and_the_publish_is_published_once_by_the_next_sync(tmp_path, nats_hub):
    a, b = laptop(tmp_path, "a"), laptop(tmp_path, "b")
    hole = _black_hole()
    try:
        command = [sys.executable, "-m", "relboard", "mark", str(a), "apply", "pass", "--note", "killed"]
        command += ["--hub", f"nats://127.0.0.1:{hole.getsockname()[1]}"]
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        journal = a.with_name("tonight.state.toml")
        deadline = time.monotonic() + GUARD
        while b'note = "killed"' not in (journal.read_bytes() if journal.exists() else b""):
            assert time.monotonic() < deadline, "mark never saved"
            assert process.poll() is None, "mark ended before it was killed"
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    finally:
        hole.close()
    assert relboard("sync", a, "--hub", nats_hub.url).stdout.strip() == "pushed 2, pulled 0, unsent 0"
    assert relboard("sync", a, "--hub", nats_hub.url).stdout.strip() == "pushed 0, pulled 0, unsent 0"
    assert relboard("sync", b, "--hub", nats_hub.url).stdout.strip() == "pushed 0, pulled 2, unsent 0"
    state = converged(a, b)
    assert state["steps"]["apply"]["note"] == "killed"


def test_a_teammate_joins_with_one_command_and_fleet_lists_the_window(tmp_path, nats_hub):
    a = laptop(tmp_path, "a")
    assert relboard("mark", a, "apply", "pass", "--by", "ana", "--hub", nats_hub.url).returncode == 0
    joined = relboard("join", WINDOW, "--hub", nats_hub.url, "--dir", tmp_path / "c")
    assert joined.returncode == 0, joined.stderr
    plan = tmp_path / "c" / "tonight.toml"
    assert plan.read_bytes() == MINIMAL.read_bytes()
    assert joined.stdout.splitlines()[-1] == f"open the board: relboard {plan} --hub {nats_hub.url}"
    assert state_of(plan)["steps"]["apply"]["status"] == "pass"
    rows = json.loads(relboard("fleet", "--hub", nats_hub.url, "--json").stdout)
    assert [(r["window"], r["title"], r["environment"]) for r in rows] == [(WINDOW, "Platform 4.2 upgrade", "prod-eu")]
    assert rows[0]["progress"] == {"done": 1, "total": 4, "failed": 0, "blocked": 0}
    assert rows[0]["phase"] in ("before", "in-window", "overrun")
    assert rows[0]["clock"]
    text = relboard("fleet", "--hub", nats_hub.url)
    assert text.stdout.startswith(f"{WINDOW}: Platform 4.2 upgrade (prod-eu) · ")
    missing = relboard("join", "no-such-window", "--hub", nats_hub.url, "--dir", tmp_path / "d")
    assert missing.returncode == 1
    assert f"no window 'no-such-window' on the hub at {nats_hub.url}; windows there: {WINDOW}" in missing.stderr


def test_a_writer_with_another_plan_is_told_which_steps_differ(tmp_path, nats_hub):
    a = laptop(tmp_path, "a")
    assert relboard("sync", a, "--hub", nats_hub.url).returncode == 0
    changed = MINIMAL.read_text(encoding="utf-8").replace('id = "notify-done"', 'id = "notify-all"')
    b = laptop(tmp_path, "b")
    b.write_text(changed, encoding="utf-8")
    result = relboard("sync", b, "--hub", nats_hub.url)
    assert result.returncode == 0
    assert "note: your plan differs from the window's plan on the hub" in result.stderr
    assert "only in yours: notify-all; only in the hub's: notify-done" in result.stderr


def test_a_window_name_that_cannot_be_a_subject_is_a_positioned_error(tmp_path):
    plan = laptop(tmp_path, "a")
    plan.write_text(plan.read_text(encoding="utf-8") + '\n[hub]\nwindow = "*.>"\n', encoding="utf-8")
    result = relboard("validate", plan)
    assert result.returncode == 2
    line = plan.read_text(encoding="utf-8").splitlines().index('window = "*.>"') + 1
    assert result.stderr.startswith(f"{plan}:{line}:1: hub.window: a hub window name needs letters or digits")


def test_commands_without_a_hub_never_load_the_hub_client(tmp_path):
    plan = laptop(tmp_path, "a")
    script = (
        "import sys\nfrom relboard.cli import main\n"
        f"main(['mark', {str(plan)!r}, 'apply', 'pass'])\nmain(['status', {str(plan)!r}])\n"
        "print('nats' in sys.modules, 'relboard.hub.link' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELBOARD_HUB")}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "False False"


def test_sync_without_a_hub_or_with_a_bad_address_is_a_usage_error(tmp_path):
    plan = laptop(tmp_path, "a")
    assert relboard("sync", plan).returncode == 2
    bad = relboard("sync", plan, "--hub", "http://alice:pw@hub:4222")
    assert bad.returncode == 2
    assert bad.stderr.startswith("--hub: hub address http://alice:***@hub:4222: use nats:// or tls://")


@pytest.fixture
def secured(tmp_path_factory):
    """Two servers: one wants user and password, one a token."""
    password = NatsServer(tmp_path_factory.mktemp("pw"), "--user", "alice", "--pass", "pw-s3cret-9871").start()
    token = NatsServer(tmp_path_factory.mktemp("tok"), "--auth", "tok-s3cret-4412").start()
    yield password, token
    password.stop()
    token.stop()


def test_a_password_or_token_never_appears_in_any_output_or_file(tmp_path, secured):
    password, token = secured
    secrets = ("pw-s3cret-9871", "tok-s3cret-4412")
    urls = [
        f"nats://alice:pw-s3cret-9871@127.0.0.1:{password.port}",
        f"nats://tok-s3cret-4412@127.0.0.1:{token.port}",
    ]
    outputs = []
    for index, url in enumerate(urls):
        plan = laptop(tmp_path, f"l{index}")
        runs = [
            relboard("mark", plan, "apply", "pass", "--hub", url),
            relboard("sync", plan, "--hub", url),
            relboard("status", plan, "--hub", url),
            relboard("report", plan, "--hub", url, "--out", plan.with_name("report.md")),
            relboard("fleet", "--hub", url, "--json"),
            relboard("join", WINDOW, "--hub", url, "--dir", tmp_path / f"j{index}"),
            relboard("sync", plan, env={"RELBOARD_HUB": url}),
        ]
        assert [r.returncode for r in runs] == [0] * len(runs), [r.stderr for r in runs]
        wrong = url.replace("s3cret", "wrong")
        runs += [
            relboard("mark", plan, "login", "pass", "--hub", wrong),
            relboard("sync", plan, "--hub", wrong),
            relboard("sync", plan, "--hub", url.replace(str(password.port), str(free_port()))),
        ]
        assert runs[-2].returncode == 1
        assert "***" in runs[-2].stderr
        outputs += [r.stdout + r.stderr for r in runs]
    assert "open the board: relboard" in "".join(outputs)
    assert "***@127.0.0.1" in "".join(outputs)
    for text in outputs:
        assert not any(secret in text for secret in secrets), text
        assert "wrong" not in text or "***" in text
    for path in tmp_path.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(secret.encode() in data for secret in secrets), path


def test_status_json_shows_an_id_on_every_event_of_an_old_journal_the_same_every_time(tmp_path):
    plan = laptop(tmp_path, "a")
    plan.with_name("tonight.state.toml").write_text(
        "schema = 1\ncreated = 2026-12-05 21:00:00+00:00\n"
        + "".join(
            _old_block(f'kind = "step_marked"\nat = 2026-12-05 21:0{n}:00+00:00\nstep = "apply"\nstatus = "pass"\n')
            for n in range(3)
        ),
        encoding="utf-8",
    )
    first, again = state_of(plan), state_of(plan)
    ids = [e["id"] for e in first["events"]]
    assert len(set(ids)) == 3
    assert all(re.match(ID_PATTERN, i) for i in ids)
    assert [e["id"] for e in again["events"]] == ids


def _old_block(body: str) -> str:
    """A block as relboard wrote them before events had ids."""
    return f'\n[[event]]\n{body}sum = "{zlib.crc32(body.encode()):08x}"\n'


def test_probe_results_are_published_and_a_notice_preview_pulls_first(tmp_path, nats_hub, httpserver):
    httpserver.expect_request("/health").respond_with_data("ok")
    a = laptop(tmp_path, "a")
    a.write_text(
        a.read_text(encoding="utf-8")
        + f'\n[[steps]]\nid = "health"\nphase = "validate"\ntitle = "Health"\nowner = "Lee QA"\n\n'
        f'[steps.probe]\nurl = "{httpserver.url_for("/health")}"\n',
        encoding="utf-8",
    )
    b = laptop(tmp_path, "b", plan=a)
    probed = relboard("probe", a, "--hub", nats_hub.url)
    assert probed.returncode == 0, probed.stderr
    assert "not yet on the hub" not in probed.stdout
    preview = relboard("notice", "after", b, "--hub", nats_hub.url)
    assert preview.returncode == 0, preview.stderr
    assert state_of(b)["steps"]["health"]["status"] == "pass"
    offline = relboard("probe", a, "--hub", f"nats://127.0.0.1:{free_port()}")
    assert offline.stdout.splitlines()[-1] == "saved locally; not yet on the hub (1 unsent)"


def test_a_new_hub_gets_the_whole_window_again(tmp_path, nats_hub, tmp_path_factory):
    a = laptop(tmp_path, "a")
    assert relboard("mark", a, "apply", "pass", "--hub", nats_hub.url).returncode == 0
    fresh = NatsServer(tmp_path_factory.mktemp("fresh-hub")).start()
    try:
        assert relboard("sync", a, "--hub", fresh.url).stdout.strip() == "pushed 2, pulled 0, unsent 0"
        b = laptop(tmp_path, "b")
        assert relboard("sync", b, "--hub", fresh.url).stdout.strip() == "pushed 0, pulled 2, unsent 0"
    finally:
        fresh.stop()


def test_an_nkey_seed_file_logs_in_and_its_seed_is_never_shown(tmp_path, tmp_path_factory):
    seed = nkeys.encode_seed(os.urandom(32), nkeys.PREFIX_BYTE_USER)
    public = nkeys.from_seed(bytearray(seed)).public_key.decode()
    seed_file = tmp_path / "me.nk"
    seed_file.write_bytes(seed + b"\n")
    config = tmp_path / "hub.conf"
    config.write_text(f'authorization {{ users = [ {{ nkey: "{public}" }} ] }}\n', encoding="utf-8")
    server = NatsServer(tmp_path_factory.mktemp("nkey-hub"), "-c", str(config)).start()
    try:
        plan = laptop(tmp_path, "a")
        with_key = relboard(
            "mark", plan, "apply", "pass", "--hub", server.url, env={"RELBOARD_HUB_NKEY": str(seed_file)}
        )
        without = relboard("sync", plan, "--hub", server.url)
    finally:
        server.stop()
    assert with_key.returncode == 0, with_key.stderr
    assert "not yet on the hub" not in with_key.stdout
    assert without.returncode == 1
    assert "cannot reach the hub" in without.stderr
    assert seed.decode() not in with_key.stdout + with_key.stderr + without.stdout + without.stderr


def test_a_handover_pulls_first_and_is_published(tmp_path, nats_hub):
    a, b = laptop(tmp_path, "a"), laptop(tmp_path, "b")
    assert relboard("mark", a, "apply", "fail", "--note", "timeout", "--hub", nats_hub.url).returncode == 0
    handed = relboard("handover", b, "--to", "Kim Night", "--hub", nats_hub.url)
    assert handed.returncode == 0, handed.stderr
    assert "timeout" in handed.stdout  # the summary knows what the other laptop recorded
    assert relboard("sync", a, "--hub", nats_hub.url).stdout.strip() == "pushed 0, pulled 1, unsent 0"
    assert [e["kind"] for e in converged(a, b)["events"]][-1] == "handover"
