"""Hostile and broken plan files: each gives clean `FILE:LINE:COL: message` lines, never a traceback."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from relboard.store.plan_file import PlanError, load_plan
from tests.conftest import plan_problems
from tests.hostile import external, invalid_toml, invalid_toml_corpus


def error_lines(path: Path | str) -> list[str]:
    """The lines a user sees for `path`; fails the test on anything but a PlanError."""
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    lines = str(caught.value).splitlines()
    assert lines == [str(problem) for problem in plan_problems(path)]
    return lines


def assert_clean(path: Path | str, lines: list[str]) -> None:
    assert lines, f"no problem reported for {path}"
    line_shape = re.compile(rf"^{re.escape(str(path))}:\d+:\d+: .+$")
    for line in lines:
        assert line_shape.match(line), line
        assert "Traceback" not in line


@pytest.fixture(scope="module")
def invalid_files(tmp_path_factory) -> list[Path]:
    """Every invalid TOML document (made by mutating valid plans, plus toml-test's when it is there) as a file."""
    folder = tmp_path_factory.mktemp("invalid")
    files = []
    for name, data in invalid_toml_corpus():
        path = folder / f"{name}.toml"
        path.write_bytes(data)
        files.append(path)
    return files


def test_the_whole_invalid_toml_corpus_gives_clean_error_lines(invalid_files):
    assert len(invalid_files) >= len(invalid_toml()) + (500 if external("toml-invalid") else 0)
    for path in invalid_files:
        assert_clean(path, error_lines(path))


def test_corpus_syntax_errors_point_inside_the_file(invalid_files):
    # Positions come from the parser, so they must name a line the file has.
    for path in invalid_files:
        lines = path.read_bytes().split(b"\n")
        for problem in plan_problems(path):
            assert 1 <= problem.line <= len(lines), (path.name, problem)
            assert problem.col >= 1


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.toml"
    assert error_lines(path) == [f"{path}:1:1: no such file"]


def test_folder(tmp_path):
    assert error_lines(tmp_path) == [f"{tmp_path}:1:1: is a folder, not a plan file"]


def test_empty_file(tmp_path):
    path = tmp_path / "empty.toml"
    path.write_bytes(b"")
    (line,) = error_lines(path)
    assert line.startswith(f"{path}:1:1: the file is empty: a plan starts with `schema = 1`")


def test_whitespace_only_file_is_empty_too(tmp_path):
    path = tmp_path / "blank.toml"
    path.write_text("\n   \n\t\n", encoding="utf-8")
    (line,) = error_lines(path)
    assert line.startswith(f"{path}:1:1: the file is empty")


def test_binary_file(tmp_path):
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    assert error_lines(path) == [f"{path}:1:1: not UTF-8 text (byte 0x89); save the plan as UTF-8"]


def test_utf8_binary_with_nul_bytes(tmp_path):
    path = tmp_path / "nul.toml"
    path.write_bytes(b"schema = 1\n\x00\x00\x00")
    assert error_lines(path) == [f"{path}:2:1: invalid TOML: invalid statement"]


def test_ten_megabytes_of_random_bytes(tmp_path):
    path = tmp_path / "junk.bin"
    path.write_bytes(random.Random(7).randbytes(10 * 1024 * 1024))
    assert_clean(path, error_lines(path))


def test_ten_megabytes_of_toml_looking_junk(tmp_path):
    rng = random.Random(11)
    path = tmp_path / "junk.toml"
    path.write_text("".join(rng.choices('abc =[]{}"\n#.,x1', k=10 * 1024 * 1024)), encoding="utf-8")
    assert_clean(path, error_lines(path))


def test_ten_megabytes_of_valid_toml_that_is_not_a_plan(tmp_path):
    path = tmp_path / "big.toml"
    path.write_text('memo = "' + "x" * (10 * 1024 * 1024) + '"\n', encoding="utf-8")
    lines = error_lines(path)
    assert_clean(path, lines)
    assert f"{path}:1:1: unknown key 'memo' in the top level of the plan" in lines
    assert max(len(line) for line in lines) < 400


def test_deeply_nested_arrays(tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text("a = " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    assert error_lines(path) == [f"{path}:1:1: invalid TOML: values are nested too deeply"]


def test_integer_with_thousands_of_digits(tmp_path):
    path = tmp_path / "digits.toml"
    path.write_text("schema = " + "9" * 5000 + "\n", encoding="utf-8")
    assert error_lines(path) == [f"{path}:1:1: invalid TOML: a number has too many digits"]


def test_a_plan_that_is_an_array_of_unrelated_tables(tmp_path):
    path = tmp_path / "other.toml"
    path.write_text('[[package]]\nname = "x"\n\n[[package]]\nname = "y"\n', encoding="utf-8")
    lines = error_lines(path)
    assert_clean(path, lines)
    assert f"{path}:1:1: unknown key 'package' in the top level of the plan" in lines
