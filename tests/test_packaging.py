"""The wheel ships the model files and the entry point; the version lives only in pyproject."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

import mtor_network

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(REPO)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.fail(f"building the wheel failed:\n{done.stderr[-2000:]}")
    return next(out.glob("mtor_network-*.whl"))


def test_wheel_contains_models_and_package(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "mtor_network/networks/hr_breast_cancer.toml" in names
    assert "mtor_network/networks/hr_breast_cancer.bnet" in names
    assert "mtor_network/webapp/callbacks.py" in names
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "mtor-network = mtor_network.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()


def test_models_load_from_an_unpacked_wheel(wheel: Path, tmp_path: Path) -> None:
    zipfile.ZipFile(wheel).extractall(tmp_path)
    code = (
        "import mtor_network, sys; "
        "assert mtor_network.__file__.startswith(sys.argv[1]), mtor_network.__file__; "
        "from mtor_network.models import networks_dir; "
        "assert str(networks_dir()).startswith(sys.argv[1]); "
        "print(len(mtor_network.load_network('hr_breast_cancer')), "
        "len(mtor_network.load_network('hr_breast_cancer_v1')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        capture_output=True, text=True, check=False, env={"PYTHONPATH": str(tmp_path)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "58 41"  # model 2.0.0 and the frozen 1.0.0 both ship


def test_version_comes_from_pyproject() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert mtor_network.__version__ == project["version"]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start (fresh machine)", 1)[1].split("\n## ", 1)[0]
    commands = [b.split("\n")[1] for b in quick.split("```bash")[1:]]
    assert len(commands) == 2 and all("python3 -m venv .venv" in c for c in commands)
    ci = (root / ".ci" / "run").read_text(encoding="utf-8").rstrip().splitlines()[-1]
    assert ci == commands[1]
