"""Budgets that always hold (issue 10): searches a hostile user can make explode stop at their
budget, through the CLI and the Python API; the warm worker pool reuses, replaces and limits its
workers, and its workers die with their parent; results too large to show are summarised."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mtor_network import find_attractors
from mtor_network.attractors import Budget, BudgetExceeded, _budget, clear_cache, set_max_workers
from mtor_network.io.bnet import parse_bnet
from mtor_network.perturbations import Perturbation

HANG_GUARD = 300  # seconds: a hang fails the test instead of blocking the suite


def bnet(rows: list[str]) -> str:
    return "targets, factors\n" + "\n".join(rows) + "\n"


def free_inputs(n: int) -> str:
    """``n`` free inputs: 2^n minimal trap spaces under most-permissive semantics."""
    return bnet([f"x{i}, x{i}" for i in range(n)])


def counter(bits: int) -> str:
    """A synchronous binary counter: one cyclic attractor through all 2^bits states."""
    rows = ["b0, !b0"]
    for i in range(1, bits):
        carry = " & ".join(f"b{j}" for j in range(i))
        rows.append(f"b{i}, b{i} & !({carry}) | !b{i} & ({carry})")
    return bnet(rows)


def chain(n: int, *, downstream_first: bool) -> str:
    """The constant chain A0 = 1; A1 = A0; ...; listed downstream-first, every pass of the
    constant propagation fixes one more node (quadratic work)."""
    rows = ["A0, 1", *(f"A{i}, A{i - 1}" for i in range(1, n))]
    return bnet(rows[::-1] if downstream_first else rows)


def copied_inputs(n: int) -> str:
    """``n`` free inputs, each copied: 2^n fixed points."""
    return bnet([f"x{i}, x{i}" for i in range(n)] + [f"y{i}, x{i}" for i in range(n)])


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mtor_network.cli", "attractors", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=HANG_GUARD,
        check=False,
    )


def write(tmp_path: Path, name: str, text: str) -> str:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return name


@pytest.fixture
def one_worker() -> Iterator[None]:
    """A pool of one worker for the test (the previous size restored after)."""
    before = _budget.MAX_WORKERS
    set_max_workers(1)
    try:
        yield
    finally:
        set_max_workers(before)


def alive(pid: int) -> bool:
    """True if ``pid`` runs (a zombie, dead but not reaped, does not count)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def wait_until(condition, seconds: float = 60.0) -> bool:  # type: ignore[no-untyped-def]
    """Poll ``condition`` until it holds (True) or ``seconds`` pass (False)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())


# ---- through the CLI ----------------------------------------------------------------------
def test_cli_20_free_inputs_most_permissive_stops_at_the_timeout(tmp_path: Path) -> None:
    """2^20 minimal trap spaces: far more than 3 s of work on any machine (16 free inputs, 2^16,
    came to within 2x of the budget once the engines got faster, and finished in one CI run)."""
    model = write(tmp_path, "free20.bnet", free_inputs(20))
    done = cli("--model", model, "--semantics", "most_permissive", "--timeout", "3", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "time budget of 3 s" in done.stderr and "--timeout" in done.stderr
    assert "try most_permissive" not in done.stderr  # it is the semantics in use
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_cli_20_bit_synchronous_counter_stops_at_the_timeout(tmp_path: Path) -> None:
    model = write(tmp_path, "counter.bnet", counter(20))
    done = cli("--model", model, "--semantics", "synchronous", "--timeout", "3", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "time budget of 3 s" in done.stderr
    assert "most_permissive semantics" in done.stderr  # a way out for other semantics


def test_cli_10000_node_constant_chain_stops_at_the_timeout(tmp_path: Path) -> None:
    """The constant propagation (before any engine) runs in the budgeted worker too
    (test_budget: every budgeted search runs in a worker), so a budget far below what sending
    and propagating 10,000 nodes takes stops it with the budget's message. (Propagation is
    linear now, so a 2 s budget no longer catches it on a fast machine.)"""
    model = write(tmp_path, "chain.bnet", chain(10_000, downstream_first=True))
    done = cli("--model", model, "--timeout", "0.01", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "time budget of 0.01 s" in done.stderr and "Traceback" not in done.stderr


def test_cli_10000_node_chain_in_order_answers_every_node(tmp_path: Path) -> None:
    """Listed upstream-first the chain propagates in one pass, and the table of 10,000 nodes is
    built in linear time (reading a node of an attractor was a scan of all its values)."""
    model = write(tmp_path, "chain.bnet", chain(10_000, downstream_first=False))
    done = cli("--model", model, "--timeout", "120", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = [line.split() for line in done.stdout.splitlines() if line.startswith("A")]
    assert [row[0] for row in rows] == [f"A{i}" for i in range(10_000)]
    assert all(row[-1] == "1" for row in rows)


def test_cli_a_result_too_large_to_show_is_summarised(tmp_path: Path) -> None:
    model = write(tmp_path, "copies.bnet", copied_inputs(12))
    done = cli("--model", model, "--max-attractors", "10", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "attractors: 4096" in done.stdout
    assert "showing 10 of 4096 attractors" in done.stdout
    assert "--max-attractors 0 -o all.csv" in done.stdout
    header = next(line for line in done.stdout.splitlines() if line.startswith("node"))
    assert header.split()[-1] == "A10"
    # and the command it suggests writes them all
    rerun = done.stdout.strip().splitlines()[-1].split("write them all with: ", 1)[1]
    assert rerun.startswith("mtor-network attractors --model copies.bnet")
    again = cli("--model", model, "--max-attractors", "0", "-o", "all.csv", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    rows = [r for r in (tmp_path / "all.csv").read_text().splitlines() if not r.startswith("#")]
    assert len(rows) == 1 + 4096


def test_cli_a_file_gets_every_attractor_by_default_and_a_note_when_cut(tmp_path: Path) -> None:
    model = write(tmp_path, "copies.bnet", copied_inputs(11))
    done = cli("--model", model, "-o", "all.csv", cwd=tmp_path)
    assert done.returncode == 0 and "note" not in done.stderr
    rows = [r for r in (tmp_path / "all.csv").read_text().splitlines() if not r.startswith("#")]
    assert len(rows) == 1 + 2048
    done = cli("--model", model, "--max-attractors", "5", "-o", "five.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "five.json holds 5 of 2048 attractors" in done.stderr


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "soon"])
def test_cli_timeout_must_be_a_finite_number(tmp_path: Path, value: str) -> None:
    done = cli(f"--timeout={value}", cwd=tmp_path)
    assert done.returncode == 2
    assert "argument --timeout" in done.stderr and repr(value) in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("option", ["--max-attractors", "--max-memory", "--max-nodes"])
def test_cli_counts_must_not_be_negative(tmp_path: Path, option: str) -> None:
    done = cli(option, "-2", cwd=tmp_path)
    assert done.returncode == 2 and f"argument {option}" in done.stderr


# ---- parameters checked -------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs",
    [
        {"seconds": float("nan")},
        {"seconds": math.inf},
        {"seconds": 0},
        {"seconds": -1.0},
        {"seconds": "5"},
        {"seconds": True},
        {"memory_mb": -1},
        {"memory_mb": 1.5},
        {"max_nodes": -3},
        {"max_nodes": "10"},
        {"max_attractors": -1},
        {"max_attractors": True},
    ],
)
def test_budget_refuses_impossible_limits(kwargs: dict) -> None:
    name = next(iter(kwargs))
    with pytest.raises(ValueError, match=name):
        Budget(**kwargs)


def test_budget_accepts_real_limits() -> None:
    budget = Budget(seconds=2, memory_mb=100, max_nodes=0, max_attractors=0)
    assert budget.seconds == 2.0 and isinstance(budget.seconds, float)
    assert Budget() == Budget(None, None, None, None)


NET = parse_bnet("A, !B\nB, A\nC, C & A\n", name="small")


@pytest.mark.parametrize(
    ("args", "kwargs", "named"),
    [
        (("x",), {}, "network"),
        ((None,), {}, "network"),
        ((NET, 3), {}, "semantics"),
        ((NET,), {"budget": 20}, "budget"),
        ((NET,), {"budget": {"seconds": 20}}, "budget"),
        ((NET,), {"perturbations": "A"}, "perturbations"),
        ((NET,), {"perturbations": {"A": 0}}, "perturbations"),
        ((NET,), {"perturbations": ["A"]}, "perturbations"),
        ((NET,), {"perturbations": 5}, "perturbations"),
        ((NET,), {"engine": None}, "engine"),
        ((NET,), {"cancel": True}, "cancel"),
    ],
)
def test_find_attractors_names_an_argument_of_the_wrong_type(
    args: tuple, kwargs: dict, named: str
) -> None:
    with pytest.raises(TypeError, match=named):
        find_attractors(*args, **kwargs)


def test_find_attractors_takes_a_list_of_perturbations() -> None:
    knockout = Perturbation("ko_a", "knockout", (("A", False),))
    result = find_attractors(NET, perturbations=[knockout])
    assert result.always("A", 0)


def test_unknown_names_stay_value_errors() -> None:
    with pytest.raises(ValueError, match="semantics"):
        find_attractors(NET, "fast")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="engine"):
        find_attractors(NET, engine="magic")


# ---- results held and counted -------------------------------------------------------------
def test_max_attractors_keeps_the_first_by_values_and_the_total() -> None:
    network = parse_bnet(copied_inputs(8), name="copies")
    full = find_attractors(network)
    assert full.complete and full.total is None and len(full) == 256
    inline = find_attractors(network, budget=Budget(max_attractors=10))
    clear_cache()
    worker = find_attractors(network, budget=Budget(seconds=60, max_attractors=10))
    assert inline.attractors == worker.attractors and len(worker) == 10
    assert worker.total == 256 and not worker.complete and worker.total_attractors == 256
    kept = sorted(a.code() for a in worker)
    assert kept == sorted(a.code() for a in full)[:10]
    summary = worker.to_dict()["summary"]
    assert summary["attractors"] == 10 and summary["total_attractors"] == 256
    assert summary["complete"] is False
    assert worker.settings()["total_attractors"] == 256 and not worker.settings()["complete"]
    assert sum(worker.phenotype_counts().values()) == 10  # of the attractors held
    none = find_attractors(network, budget=Budget(seconds=60, max_attractors=0))
    assert len(none) == 0 and none.total == 256
    exact = find_attractors(network, budget=Budget(seconds=60, max_attractors=256))
    assert exact.complete and len(exact) == 256


def test_size_budget_is_checked_in_the_worker_too() -> None:
    with pytest.raises(BudgetExceeded) as info:
        find_attractors(NET, budget=Budget(seconds=30, max_nodes=2))
    assert info.value.limit == "size" and "3 nodes" in str(info.value)


def test_residual_memo_is_bounded_by_bytes() -> None:
    from mtor_network import attractors
    from mtor_network._cache import ByteBoundedCache

    assert isinstance(attractors._MEMO, ByteBoundedCache)
    assert attractors._MEMO.max_bytes == attractors.MEMO_BYTES
    find_attractors(NET)
    assert len(attractors._MEMO) >= 1 and attractors._MEMO.nbytes > 0
    clear_cache()
    assert len(attractors._MEMO) == 0 and attractors._MEMO.nbytes == 0


ENGINE_CASES = [
    ("asynchronous", "aeon"),
    ("synchronous", "aeon"),
    ("most_permissive", "mpbn"),
    ("most_permissive", "aeon"),
    ("most_permissive", "pyboolnet"),
    ("asynchronous", "pyboolnet"),
]


@pytest.mark.parametrize("name", ["targets", "Targets", "factors", "and", "OR", "Not", "xor", "A"])
@pytest.mark.parametrize(("semantics", "engine"), ENGINE_CASES)
def test_node_names_that_are_engine_words_are_searched_as_themselves(
    name: str, semantics: str, engine: str
) -> None:
    """The network goes to the worker as JSON, not re-parsed text, and the engines get neutral
    names where a real one is a word to them (biodivine-aeon skipped a BNet row for node
    ``targets`` as the header and searched another network; mpbn read ``and`` as an operator;
    NuSMV refuses one-letter names): a negative loop between the node and ``yy`` oscillates
    and the input ``zz`` keeps its value, whatever the node is called."""
    from mtor_network.network import BooleanNetwork

    if engine == "pyboolnet" and semantics != "most_permissive":
        from mtor_network.attractors import _pyboolnet

        if not _pyboolnet.nusmv_available():
            pytest.skip("pyboolnet's NuSMV does not run here (Debian: apt install libtinfo5)")
    network = BooleanNetwork.create(
        "words", {name: ("not", ("var", "yy")), "yy": ("var", name), "zz": ("var", "zz")}
    )
    inline = find_attractors(network, semantics, engine=engine)  # type: ignore[arg-type]
    assert sorted(a.code() for a in inline) == ["**0", "**1"]
    clear_cache()
    worker = find_attractors(network, semantics, engine=engine, budget=Budget(seconds=120))  # type: ignore[arg-type]
    assert worker.attractors == inline.attractors


# ---- the warm pool ------------------------------------------------------------------------
def test_the_warm_pool_is_reused(one_worker: None) -> None:
    find_attractors(NET, budget=Budget(seconds=60))
    first = _budget.worker_pids()
    clear_cache()
    find_attractors(NET, "synchronous", budget=Budget(seconds=60))
    second = _budget.worker_pids()
    assert len(first["idle"]) == 1 and first == second and second["busy"] == []
    assert alive(first["idle"][0])


def test_a_worker_that_overruns_is_killed_and_replaced(one_worker: None) -> None:
    find_attractors(NET, budget=Budget(seconds=60))
    (old,) = _budget.worker_pids()["idle"]
    heavy = parse_bnet(counter(20), name="counter")
    with pytest.raises(BudgetExceeded) as info:
        find_attractors(heavy, "synchronous", budget=Budget(seconds=0.5))
    assert info.value.limit == "time"
    assert wait_until(lambda: not alive(old))
    assert _budget.worker_pids() == {"idle": [], "busy": []}
    assert len(find_attractors(NET, budget=Budget(seconds=60))) >= 1
    (new,) = _budget.worker_pids()["idle"]
    assert new != old


def test_a_search_waits_for_a_busy_worker_and_says_the_server_is_busy(one_worker: None) -> None:
    """With the only worker held until an event is set, a search with a short budget cannot
    start: ``limit="busy"``; once it is free the next search runs on it."""
    hold, held = threading.Event(), threading.Event()

    def occupy() -> None:
        with _budget.lease(Budget(seconds=60)):
            held.set()
            hold.wait(HANG_GUARD)

    thread = threading.Thread(target=occupy, daemon=True)
    thread.start()
    try:
        assert held.wait(HANG_GUARD)
        (busy,) = _budget.worker_pids()["busy"]
        with pytest.raises(BudgetExceeded) as info:
            find_attractors(NET, budget=Budget(seconds=0.3))
        assert info.value.limit == "busy"
        message = str(info.value)
        assert "busy" in message and "try again" in message.lower()
        stop = threading.Event()
        stop.set()
        with pytest.raises(BudgetExceeded) as cancelled:
            find_attractors(NET, budget=Budget(memory_mb=4000), cancel=stop.is_set)
        assert cancelled.value.cancelled
        assert _budget.worker_pids() == {"idle": [], "busy": [busy]}  # never a second one
    finally:
        hold.set()
        thread.join(HANG_GUARD)
    assert len(find_attractors(NET, budget=Budget(seconds=60))) >= 1
    assert _budget.worker_pids()["idle"] == [busy]


def test_set_max_workers_checks_its_argument() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        set_max_workers(0)
    with pytest.raises(TypeError, match="integer"):
        set_max_workers(2.5)  # type: ignore[arg-type]


WORKER_SCRIPT = """
import sys, threading, time
from mtor_network.attractors import Budget, _budget, find_attractors
from mtor_network.io.bnet import parse_bnet

shown = []


def cancel():
    if not shown:
        shown.append(1)
        print(" ".join(map(str, _budget.worker_pids()["busy"])), flush=True)
    return False


if __name__ == "__main__":  # a fork server's workers import the main module
    if sys.argv[1] == "forkserver":  # a process with threads starts workers from a fork server
        threading.Thread(target=time.sleep, args=(3600,), daemon=True).start()
    network = parse_bnet("\\n".join(f"x{i}, x{i}" for i in range(20)), name="free20")
    find_attractors(network, "most_permissive", budget=Budget(seconds=3600), cancel=cancel)
"""


@pytest.mark.parametrize("start", ["fork", "forkserver"])
def test_workers_die_with_their_parent(tmp_path: Path, start: str) -> None:
    script = tmp_path / "search.py"
    script.write_text(textwrap.dedent(WORKER_SCRIPT), encoding="utf-8")
    parent = subprocess.Popen(
        [sys.executable, str(script), start], stdout=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout is not None
        line = parent.stdout.readline()
        pids = [int(p) for p in line.split()]
        assert len(pids) == 1 and alive(pids[0])
        assert wait_until(lambda: _cpu_seconds(pids[0]) > 0, HANG_GUARD)  # it is searching
    finally:
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(HANG_GUARD)
    assert wait_until(lambda: not alive(pids[0]), 60), f"worker {pids[0]} outlived its parent"


def _cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_start_workers_warms_the_pool_up_to_its_size() -> None:
    from mtor_network.attractors import start_workers

    before = _budget.MAX_WORKERS
    set_max_workers(2)
    try:
        assert start_workers() == 2
        idle = _budget.worker_pids()["idle"]
        assert len(idle) == 2 and all(alive(pid) for pid in idle)
        assert start_workers(1) == 2  # never more than asked for or running
        set_max_workers(1)  # shrinking stops the idle workers over the new size
        assert len(_budget.worker_pids()["idle"]) == 1
    finally:
        set_max_workers(before)
