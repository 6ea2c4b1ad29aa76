"""A non-editable install, run from another folder, finds the bundled sample plans and themes."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_installed_elsewhere_finds_sample_plans_and_themes(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path / "dist"),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next((tmp_path / "dist").glob("relboard-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "relboard/sample_plans/demo.toml" in names
    assert any(n.startswith("relboard/themes/") and n.endswith(".toml") for n in names)

    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    probe = (
        "import relboard, relboard.store.paths as p;"
        "print(relboard.__file__); print(p.demo_plan().is_file()); print(len(list(p.themes_dir().glob('*.toml'))) >= 3)"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe], cwd=elsewhere, env=env, capture_output=True, text=True, check=True
    )
    where, demo_found, themes_found = shown.stdout.split()
    assert Path(where).is_relative_to(target)
    assert (demo_found, themes_found) == ("True", "True")

    validated = subprocess.run(
        [sys.executable, "-m", "relboard", "validate", str(target / "relboard" / "sample_plans" / "demo.toml")],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert validated.returncode == 0, validated.stderr
