"""Install size and start-up: this tree against another revision (default: the main of before
the redesign, ``73c22c9``), both measured in the same run on the same machine.

For each side it builds a fresh virtual environment and installs that revision's base package
(``pip install DIR``, no extras) from the package index, then measures, alternating A B A B so a
drift of the machine's speed hits both alike:

- the base install: distributions and megabytes in ``site-packages`` (beyond a bare venv's);
- ``import mtor_network`` (wall time of ``python -c "import mtor_network"`` minus that of
  ``python -c pass``);
- ``mtor-network --help`` (wall time of the whole process);
- ``python app.py``: time from start until ``GET /`` answers 200 on 127.0.0.1.

Run from the repository root (it takes several minutes: two installs)::

    python3 benchmarks/startup.py                  # this tree vs 73c22c9
    python3 benchmarks/startup.py --base REV --runs 7 --json out.json

Prints one table of medians (and min-max) with the ratio base/tree per figure; writes JSON with
every run when ``--json`` is given. Nothing here is asserted: the tests never time anything.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BASE = "73c22c9"
HOST = "127.0.0.1"
# A newcomer's shell: bytecode is written and used (pip compiles it at install), whatever the
# environment running the benchmark says.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


@dataclass
class Side:
    """One revision installed in its own venv."""

    label: str
    source: Path
    venv: Path
    distributions: int = 0
    megabytes: float = 0.0
    runs: dict[str, list[float]] = field(default_factory=dict)

    @property
    def python(self) -> str:
        return str(self.venv / "bin" / "python")

    @property
    def cli(self) -> str:
        return str(self.venv / "bin" / "mtor-network")


def _site_packages(venv: Path) -> Path:
    return next((venv / "lib").glob("python*/site-packages"))


def _size_mb(folder: Path) -> float:
    total = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
    return total / 1024 / 1024


def _distributions(python: str) -> int:
    out = subprocess.run(
        [python, "-m", "pip", "list", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        env=ENV,
    )
    return len(json.loads(out.stdout))


def make_side(label: str, source: Path, work: Path) -> Side:
    """A fresh venv with ``source`` installed (base dependencies only)."""
    venv = work / f"venv-{label}"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=ENV)
    side = Side(label, source, venv)
    bare_count = _distributions(side.python)
    bare_mb = _size_mb(_site_packages(venv))
    print(f"installing {label} ({source}) ...", flush=True)
    subprocess.run(
        [side.python, "-m", "pip", "install", "-q", str(source)],
        check=True,
        stdout=subprocess.DEVNULL,
        env=ENV,
    )
    side.distributions = _distributions(side.python) - bare_count
    side.megabytes = _size_mb(_site_packages(venv)) - bare_mb
    return side


def checkout(rev: str, work: Path) -> Path:
    """The files of ``rev`` in a folder (git archive, no .git)."""
    target = work / f"src-{rev}"
    target.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", rev], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def _wall(command: list[str], cwd: Path | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - start


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def first_page(side: Side, limit: float = 120.0) -> float:
    """Seconds from starting ``app.py`` until ``GET /`` answers 200 (``limit`` if never)."""
    port = _free_port()
    start = time.perf_counter()
    process = subprocess.Popen(
        [side.python, str(side.source / "app.py"), "--host", HOST, "--port", str(port)],
        cwd=side.source,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=ENV,
    )
    try:
        while time.perf_counter() - start < limit and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://{HOST}:{port}/", timeout=5) as answer:
                    if answer.status == 200:
                        return time.perf_counter() - start
            except OSError:
                time.sleep(0.05)
        return limit
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def measure(side: Side) -> dict[str, float]:
    bare = _wall([side.python, "-c", "pass"])
    return {
        "import_ms": max(0.0, _wall([side.python, "-c", "import mtor_network"]) - bare) * 1000,
        "help_ms": _wall([side.cli, "--help"]) * 1000,
        "first_page_s": first_page(side),
    }


def summary(sides: list[Side]) -> str:
    base, tree = sides
    rows = [
        ("base install: distributions", base.distributions, tree.distributions),
        ("base install: MB", base.megabytes, tree.megabytes),
    ]
    lines = [f"{'figure':<32}{base.label:>16}{tree.label:>16}{'tree/base':>12}"]
    for name, a, b in rows:
        lines.append(f"{name:<32}{a:>16.0f}{b:>16.0f}{b / a if a else float('nan'):>12.2f}")
    for key, label in (
        ("import_ms", "import mtor_network (ms)"),
        ("help_ms", "mtor-network --help (ms)"),
        ("first_page_s", "app.py to first page (s)"),
    ):
        a = statistics.median(base.runs[key])
        b = statistics.median(tree.runs[key])
        spread = f"[{min(tree.runs[key]):.3g}-{max(tree.runs[key]):.3g}]"
        lines.append(
            f"{label:<32}{a:>16.3g}{b:>16.3g}{b / a if a else float('nan'):>12.2f}  {spread}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--base", default=DEFAULT_BASE, help=f"revision to compare (default {DEFAULT_BASE})"
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure and side (5)")
    parser.add_argument("--json", type=Path, help="write every run to this JSON file")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="mtor_startup_"))
    try:
        sides = [
            make_side(args.base, checkout(args.base, work), work),
            make_side("tree", ROOT, work),
        ]
        for side in sides:
            measure(side)  # warm-up: first imports compile bytecode
        for _ in range(args.runs):
            for side in sides:
                for key, value in measure(side).items():
                    side.runs.setdefault(key, []).append(value)
        print(summary(sides))
        if args.json:
            data = {
                "date": time.strftime("%Y-%m-%d"),
                "cpus": os.cpu_count(),
                "sides": [
                    {
                        "label": s.label,
                        "distributions": s.distributions,
                        "megabytes": s.megabytes,
                        "runs": s.runs,
                    }
                    for s in sides
                ],
            }
            args.json.write_text(json.dumps(data, indent=1) + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
