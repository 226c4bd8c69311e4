"""Budgets on heavy work: time, memory and size limits, and cancelling, with clear messages."""

from __future__ import annotations

import threading
import time
import warnings
from pathlib import Path
from typing import Any

import pytest

from mtor_network import BooleanNetwork, find_attractors, load_network
from mtor_network.attractors import SEMANTICS, Budget, BudgetExceeded, clear_cache
from mtor_network.io.bnet import parse_bnet
from mtor_network.perturbations import scenario

OSCILLATOR = parse_bnet(
    """
    S, S
    A, !C | S & A
    B, A
    C, B
    D, C & !S
    """,
    name="oscillator",
)
HARD = "zanudo2021_er_pi3k_cell_lines/BBM143_BREAST-CANCER-INHIBITORS.bnet"


def hard_model(shared_dir: Path) -> BooleanNetwork:
    """A published model whose asynchronous attractor search takes AEON well over a minute."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_network(shared_dir / "reference-models" / HARD)


@pytest.mark.parametrize("semantics", SEMANTICS)
def test_budgeted_search_gives_the_same_attractors(semantics: str) -> None:
    inline = find_attractors(OSCILLATOR, semantics)  # type: ignore[arg-type]
    clear_cache()  # the budgeted run must really run in its child process
    budgeted = find_attractors(OSCILLATOR, semantics, budget=Budget(seconds=60, memory_mb=4000))  # type: ignore[arg-type]
    assert budgeted.attractors == inline.attractors
    assert any(a.kind == "cyclic" for a in inline) or semantics == "most_permissive"


def test_flagship_setting_with_cycles_is_unchanged_by_a_budget(flagship: BooleanNetwork) -> None:
    s = scenario(flagship, drugs=["lapatinib"])  # 11 synchronous cycles in model 2.0.0
    inline = find_attractors(flagship, "synchronous", perturbations=s)
    clear_cache()
    budgeted = find_attractors(flagship, "synchronous", perturbations=s, budget=Budget(seconds=60))
    assert budgeted.attractors == inline.attractors and len(inline) > 1


def test_size_budget_refuses_before_any_work() -> None:
    with pytest.raises(BudgetExceeded) as info:
        find_attractors(OSCILLATOR, budget=Budget(max_nodes=3))
    assert info.value.limit == "size"
    assert "5 nodes" in str(info.value) and "--max-nodes" in str(info.value)


def test_time_budget_stops_a_heavy_search_and_says_how_to_raise_it(shared_dir: Path) -> None:
    network = hard_model(shared_dir)
    start = time.monotonic()
    with pytest.raises(BudgetExceeded) as info:
        find_attractors(network, budget=Budget(seconds=1.5))
    assert time.monotonic() - start < 15
    message = str(info.value)
    assert info.value.limit == "time" and "1.5 s" in message and "--timeout" in message


def test_memory_budget_gives_a_message_not_a_crash() -> None:
    n = 60
    ring = parse_bnet(
        "\n".join(f"x{i}, x{(i - 1) % n} | !x{(i + 1) % n} & x{(i + 7) % n}" for i in range(n)),
        name="ring",
    )
    with pytest.raises(BudgetExceeded) as info:
        find_attractors(ring, budget=Budget(memory_mb=1))
    assert info.value.limit == "memory" and "1 MB" in str(info.value)


def test_cancel_stops_a_running_search(shared_dir: Path) -> None:
    network = hard_model(shared_dir)
    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()
    start = time.monotonic()
    with pytest.raises(BudgetExceeded) as info:
        find_attractors(network, cancel=stop.is_set)
    assert info.value.cancelled and time.monotonic() - start < 15


def test_an_engine_failure_in_the_child_comes_back_with_its_reason() -> None:
    from mtor_network.attractors import _budget, _jobs

    job = _jobs.encode_job(
        OSCILLATOR,
        "no_such_semantics",
        "aeon",
        percolate=True,
        max_nodes=None,
        max_attractors=None,
        generation=_budget.generation(),
    )
    with pytest.raises(RuntimeError, match="KeyError"):
        _budget.run_budgeted(job, Budget(seconds=30), what="x", semantics="asynchronous")


def test_a_user_error_in_the_child_comes_back_as_that_error() -> None:
    """A model that cannot be written as .primes is a ModelFileError in the worker; the parent
    raises the same error with its file, line and problem, not an engine failure."""
    from mtor_network.attractors import _budget, _jobs
    from mtor_network.exceptions import ModelFileError

    clauses = " & ".join(f"(a{i} | b{i})" for i in range(18))  # 2**18 prime implicants
    inputs = "".join(f"a{i}, a{i}\nb{i}, b{i}\n" for i in range(18))
    network = parse_bnet(f"{inputs}T, {clauses}\n", name="cnf")
    job = _jobs.encode_primes_job(network)
    with pytest.raises(ModelFileError, match="too many prime implicants") as caught:
        _budget.run_budgeted(job, Budget(seconds=600), what="the export", semantics=None)
    assert caught.value.problem.startswith("'T' has too many prime implicants")


def test_every_budgeted_search_runs_in_a_worker_whatever_its_size(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """No size threshold runs budgeted work unbounded in this process (``inline_below`` is
    gone): a time budget sends even a one-node network to a worker; no budget runs inline."""
    from mtor_network.attractors import _budget

    calls: list[str] = []
    real = _budget.run_budgeted

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append("worker")
        return real(*args, **kwargs)

    monkeypatch.setattr("mtor_network.attractors.run_budgeted", spy)
    tiny = parse_bnet("A, !A\n", name="tiny")
    clear_cache()
    find_attractors(tiny)
    assert calls == []
    assert len(find_attractors(tiny, budget=Budget(seconds=30))) == 1
    assert len(find_attractors(OSCILLATOR, budget=Budget(memory_mb=4000))) >= 1
    assert calls == ["worker", "worker"]
    assert not hasattr(Budget(), "inline_below")


def _search_in_a_forked_child(queue: Any) -> None:
    """A forked child with a thread of its own (as a Dash background job) runs a budgeted
    search: its workers come from a fork server, which must be its own."""
    from mtor_network.attractors import _budget

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    try:
        clear_cache()
        found = find_attractors(OSCILLATOR, budget=Budget(seconds=120))
        queue.put(("ok", len(found), _budget._context().get_start_method()))
    except Exception as exc:  # reported to the parent, which fails the test with it
        queue.put(("error", f"{type(exc).__name__}: {exc}", ""))
    finally:
        stop.set()


def test_a_forked_child_of_a_server_that_searched_starts_its_own_fork_server() -> None:
    """Regression: a Dash background job (forked from the server) failed with "[Errno 10] No
    child processes" when the server had already started a fork server for its own searches."""
    import multiprocessing

    from mtor_network.attractors import _budget

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()  # a server has threads: its workers come from a fork server
    try:
        clear_cache()
        assert _budget._context().get_start_method() == "forkserver"
        assert len(find_attractors(OSCILLATOR, budget=Budget(seconds=120))) > 0
        ctx = multiprocessing.get_context("fork")
        queue = ctx.Queue()
        child = ctx.Process(target=_search_in_a_forked_child, args=(queue,))
        child.start()
        status, detail, method = queue.get(timeout=300)
        child.join(60)
    finally:
        stop.set()
    assert status == "ok", detail
    assert method == "forkserver" and int(detail) > 0
