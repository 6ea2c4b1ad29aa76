"""Shared fixtures: the issue's minimal plan as a model, and hostile strings (see tests/hostile.py)."""

from __future__ import annotations

import copy
import os
import tempfile
import tomllib
from pathlib import Path

import pytest

from relboard.domain.plan import Plan
from relboard.domain.plan_model import validate_plan
from tests.hostile import hostile_strings

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
MINIMAL = DATA / "minimal.toml"


def pytest_configure(config: pytest.Config) -> None:
    """Every test, and every relboard a test starts, gets its own empty config, data and cache folders:
    nothing is read from or left in the user's own (a remembered name, themes, approvals)."""
    home = Path(tempfile.mkdtemp(prefix="relboard-tests-"))
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        os.environ[name] = str(home / name.lower())


def plan_problems(path: Path | str) -> list:
    """Every problem `validate` would report for the plan at `path`; [] when it is valid."""
    from relboard.store.plan_file import PlanError, load_plan

    try:
        load_plan(path)
    except PlanError as error:
        return error.problems
    return []


def minimal_data() -> dict:
    with open(MINIMAL, "rb") as handle:
        return tomllib.load(handle)


def make_plan(**changes) -> Plan:
    """The minimal plan with top-level tables replaced or merged (`window={"duration": "3h"}`)."""
    data = copy.deepcopy(minimal_data())
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key].update(value)
        else:
            data[key] = value
    return validate_plan(data)


@pytest.fixture
def plan() -> Plan:
    return make_plan()


@pytest.fixture(scope="session")
def naughty_strings() -> list[str]:
    """The project's hostile strings by category, plus the Big List of Naughty Strings when it is there."""
    return hostile_strings()


@pytest.fixture
def nats_hub(tmp_path_factory):
    """A real nats-server with JetStream on a free loopback port and a temporary store; stopped after."""
    from tests.nats_server import NatsServer

    server = NatsServer(tmp_path_factory.mktemp("hub-store")).start()
    yield server
    server.stop()
