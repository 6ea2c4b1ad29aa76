"""The validated-plan cache: a plan seen before opens from it, and nothing in it can ever show a plan other
than the file on disk (an edited plan, a truncated or damaged cache, a cache of another relboard)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from relboard.domain.plan_model import validate_plan
from relboard.store import plan_cache
from relboard.store.paths import demo_plan, sample_plans_dir
from relboard.store.plan_file import PlanError, load_plan
from tests.conftest import MINIMAL, ROOT


@pytest.fixture
def cache_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


@pytest.fixture
def plan_file(tmp_path) -> Path:
    target = tmp_path / "window.toml"
    shutil.copy(demo_plan(), target)
    return target


def _cached(path: Path):
    return load_plan(path, cached=True)


def _only_cache_file(home: Path) -> Path:
    (found,) = list((home / "relboard" / "plans").glob("*.json"))
    return found


@pytest.mark.parametrize("sample", sorted(p.name for p in sample_plans_dir().glob("*.toml")))
def test_every_sample_plan_reads_back_from_the_cache_equal_to_the_validated_one(cache_home, sample):
    path = sample_plans_dir() / sample
    validated = load_plan(path)
    assert _cached(path).plan == validated.plan
    assert _only_cache_file(cache_home).exists()


def test_a_seen_plan_comes_from_the_cache_and_says_so_nowhere(cache_home, plan_file):
    first = _cached(plan_file)
    again = _cached(plan_file)
    assert again.plan == first.plan
    assert again.hash == first.hash


def test_steps_share_one_string_per_owner_from_the_file_and_from_the_cache(cache_home, plan_file):
    for loaded in (_cached(plan_file), _cached(plan_file)):  # validated, then read from the cache
        first: dict[str, str] = {}
        for step in loaded.plan.steps:
            assert first.setdefault(step.owner, step.owner) is step.owner
        assert len(first) < len(loaded.plan.steps)  # the demo plan's owners do repeat
        assert loaded.plan == load_plan(plan_file).plan


def test_a_plan_edited_by_one_byte_is_validated_again(cache_home, plan_file):
    _cached(plan_file)
    text = plan_file.read_text(encoding="utf-8")
    plan_file.write_text(text.replace("FactVerse platform 4.2 upgrade", "FactVerse platform 4.3 upgrade", 1))
    assert _cached(plan_file).plan.release.title == "FactVerse platform 4.3 upgrade"


def test_a_plan_edited_into_a_broken_one_is_refused_as_before(cache_home, plan_file):
    _cached(plan_file)
    plan_file.write_text(plan_file.read_text(encoding="utf-8").replace("schema = 1", "schema = 1\nbogus = 2", 1))
    with pytest.raises(PlanError) as caught:
        _cached(plan_file)
    assert str(caught.value) == f"{plan_file}:4:1: unknown key 'bogus' in the top level of the plan"


@pytest.mark.parametrize("keep", [0, 1, 40, -1])
def test_a_truncated_cache_is_ignored_and_written_again(cache_home, plan_file, keep):
    expected = load_plan(plan_file).plan
    cache = _only_cache_file(cache_home)
    data = cache.read_bytes()
    cache.write_bytes(data[: keep if keep >= 0 else len(data) - 1])
    assert _cached(plan_file).plan == expected
    assert cache.read_bytes() == data


def test_a_cache_with_another_plan_under_this_plans_name_is_not_used(cache_home, plan_file, tmp_path):
    """A cache file whose contents were swapped for another plan's: its facts still name this plan's hash,
    but its length no longer matches, and a forged length would not help: the plan's own title wins."""
    expected = load_plan(plan_file).plan
    cache = _only_cache_file(cache_home)
    other = tmp_path / "other.toml"
    shutil.copy(MINIMAL, other)
    load_plan(other)
    other_cache = next(p for p in cache.parent.glob("*.json") if p != cache)
    head, _, _ = cache.read_bytes().partition(b"\n")
    _, _, other_body = other_cache.read_bytes().partition(b"\n")
    cache.write_bytes(head + b"\n" + other_body)
    assert _cached(plan_file).plan == expected


@pytest.mark.parametrize(
    ("key", "value"),
    [("version", "0.0.1"), ("shape", "another"), ("relboard_plan_cache", plan_cache.FORMAT + 1), ("sha256", "0" * 64)],
)
def test_a_cache_from_another_version_or_shape_is_ignored_and_rewritten(cache_home, plan_file, key, value):
    expected = load_plan(plan_file).plan
    cache = _only_cache_file(cache_home)
    head, _, body = cache.read_bytes().partition(b"\n")
    facts = json.loads(head)
    # Another relboard's copy holds another plan's data here: it must never be shown.
    stranger = json.loads(body)
    stranger["release"]["title"] = "Not this plan"
    forged_body = json.dumps(stranger).encode()
    facts[key] = value
    facts["length"] = len(forged_body)
    cache.write_bytes(json.dumps(facts).encode() + b"\n" + forged_body)
    assert _cached(plan_file).plan == expected
    assert json.loads(cache.read_bytes().partition(b"\n")[0])[key] != value


def test_cached_data_of_another_shape_is_not_a_plan(cache_home, plan_file):
    load_plan(plan_file)
    cache = _only_cache_file(cache_home)
    head, _, body = cache.read_bytes().partition(b"\n")
    data = json.loads(body)
    data["release"]["unexpected"] = 1
    forged = json.dumps(data).encode()
    facts = json.loads(head)
    facts["length"] = len(forged)
    cache.write_bytes(json.dumps(facts).encode() + b"\n" + forged)
    assert _cached(plan_file).plan == validate_plan(_document(plan_file))


@pytest.mark.parametrize(
    ("value", "why"),
    [("2026-12-05T01:00:00Z", "a TOML datetime"), ("inf", "an infinite number"), ("nan", "not a number")],
)
def test_a_plan_whose_free_values_json_cannot_hold_is_validated_every_time(cache_home, plan_file, value, why):
    # A probe's expect_json holds any TOML value; JSON would give these back as something else.
    text = plan_file.read_text(encoding="utf-8")
    plan_file.write_text(
        text.replace('expect_body = "ok"\n', f'expect_body = "ok"\nexpect_json = {{ at = {value} }}\n', 1)
    )
    expected = load_plan(plan_file).plan
    probe = next(s.probe for s in expected.steps if s.probe is not None)
    assert probe.expect_json is not None, why
    assert not (cache_home / "relboard" / "plans").exists() or not list((cache_home / "relboard" / "plans").iterdir())
    again = _cached(plan_file).plan
    assert str(again.steps) == str(expected.steps)


def test_validate_always_validates_for_real(cache_home, plan_file):
    load_plan(plan_file)
    cache = _only_cache_file(cache_home)
    head = cache.read_bytes().partition(b"\n")[0]
    assert plan_cache.read_cached_plan(json.loads(head)["sha256"]) is not None
    plan_file.write_text(plan_file.read_text(encoding="utf-8").replace("schema = 1", "schema = 1\nbogus = 2", 1))
    shutil.copy(cache, cache.parent / (load_hash(plan_file) + ".json"))  # a cache claiming the broken bytes
    done = subprocess.run(
        [sys.executable, "-m", "relboard", "validate", str(plan_file)], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 2
    assert done.stderr.startswith(f"{plan_file}:4:1: unknown key 'bogus' in the top level of the plan")


def test_a_seen_plan_opens_status_and_mark_without_pydantic_or_the_toml_parser(cache_home, plan_file, tmp_path):
    state = tmp_path / "window.state.toml"
    step = load_plan(plan_file).plan.steps[0].id
    code = (
        "import sys, runpy\n"
        "sys.argv = ['relboard'] + sys.argv[1:]\n"
        "try:\n"
        "    runpy.run_module('relboard', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('LOADED', 'pydantic' in sys.modules, 'tomllib' in sys.modules)\n"
    )
    for command in (
        ["mark", str(plan_file), step, "pass", "--state", str(state), "--by", "Sam"],
        ["status", str(plan_file), "--state", str(state)],
    ):
        done = subprocess.run([sys.executable, "-c", code, *command], capture_output=True, text=True, cwd=ROOT)
        assert done.stdout.splitlines()[-1] == "LOADED False False", done.stderr


def load_hash(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _document(path: Path) -> dict:
    import tomllib

    return tomllib.loads(path.read_text(encoding="utf-8"))
