"""Budgets for heavy work: a time, memory and size limit on one attractor search.

An engine call with a budget runs in a child process. The child is killed when the time is up,
when its resident memory (read from ``/proc`` while it runs) goes over the budget, or when
``cancel`` says so, with a clear message instead of a hang or an exhausted machine; it exits by
itself if the process that started it dies. It gets the network as BNet text (plain data,
nothing to unpickle) and sends back plain attractor values.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from ..exceptions import MtorNetworkError

POLL_SECONDS = 0.05
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def resident_mb(pid: int) -> float | None:
    """Resident memory of process ``pid`` in MB (Linux ``/proc``), or None where unknown."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * _PAGE / 1024 / 1024
    except (OSError, ValueError, IndexError):
        return None


class BudgetExceeded(MtorNetworkError):
    """A computation went over its time, memory or size budget, or was cancelled."""

    def __init__(self, message: str, *, limit: str = "", cancelled: bool = False) -> None:
        super().__init__(message)
        self.limit = limit
        self.cancelled = cancelled


@dataclass(frozen=True)
class Budget:
    """Limits on one attractor search (None = no limit).

    ``seconds``: wall-clock time of the engine; ``memory_mb``: the engine process's resident
    memory, watched while it runs (it includes the loaded libraries, about 100 MB);
    ``max_nodes``: nodes left after constant propagation (checked before any work starts).
    ``inline_below``: networks with at most this many nodes left run in this process, without
    the child process's start-up cost (small networks finish in milliseconds; a server sets it
    to keep clicks fast); 0 sends every search to the child.
    """

    seconds: float | None = None
    memory_mb: int | None = None
    max_nodes: int | None = None
    inline_below: int = 0

    @property
    def needs_process(self) -> bool:
        return self.seconds is not None or self.memory_mb is not None

    def describe(self) -> str:
        parts = []
        if self.seconds is not None:
            parts.append(f"{self.seconds:g} s")
        if self.memory_mb is not None:
            parts.append(f"{self.memory_mb} MB")
        if self.max_nodes is not None:
            parts.append(f"{self.max_nodes} nodes")
        return ", ".join(parts) or "unlimited"


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(0.5)
        try:
            os.kill(parent, 0)
        except OSError:
            os._exit(3)


def _child(conn: Connection, parent: int, bnet: str, semantics: str, engine: str) -> None:
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    devnull = os.open(os.devnull, os.O_WRONLY)  # an engine's own crash report is not for users
    os.dup2(devnull, 2)
    try:
        from ..io.bnet import parse_bnet
        from . import _engine

        run = _engine(semantics, engine)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            network = parse_bnet(bnet, name="budgeted")
        conn.send(("ok", run(network)))
    except MemoryError:
        conn.send(("memory", ""))
    except BaseException as exc:  # sent back and raised in the parent as an EngineError
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def _context() -> Any:
    # fork is fast and safe from a single-threaded process (the CLI); a server with threads
    # uses a fork server whose process has no threads of its own.
    if threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["mtor_network.attractors._aeon", "mtor_network.io.bnet"])
    return ctx


def run_budgeted(
    bnet: str,
    semantics: str,
    engine: str,
    budget: Budget,
    *,
    what: str,
    cancel: Callable[[], bool] | None = None,
) -> list[Any]:
    """Run one engine on ``bnet`` in a child process under ``budget``; raises
    :class:`BudgetExceeded` (time, memory, cancelled) or ``RuntimeError`` (engine failure)."""
    ctx = _context()
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(
        target=_child,
        args=(send, os.getpid(), bnet, semantics, engine),
        daemon=True,
    )
    process.start()
    send.close()
    deadline = None if budget.seconds is None else time.monotonic() + budget.seconds
    try:
        while True:
            if receive.poll(POLL_SECONDS):
                try:
                    status, payload = receive.recv()
                except EOFError:
                    status, payload = "died", ""
                break
            if not process.is_alive() and not receive.poll(0):
                status, payload = "died", ""
                break
            if budget.memory_mb is not None:
                used = resident_mb(process.pid or 0)
                if used is not None and used > budget.memory_mb:
                    status, payload = "memory", f"{used:.0f}"
                    break
            if cancel is not None and cancel():
                raise BudgetExceeded(f"{what} was cancelled", limit="cancel", cancelled=True)
            if deadline is not None and time.monotonic() > deadline:
                raise BudgetExceeded(
                    f"{what} did not finish within the time budget of {budget.seconds:g} s. "
                    "Raise it (CLI: --timeout SECONDS, 0 for none; Python: "
                    "find_attractors(..., budget=Budget(seconds=...)); web app: "
                    "python app.py --timeout SECONDS), or try most_permissive semantics, "
                    "which scales to larger models.",
                    limit="time",
                )
    finally:
        if process.is_alive():
            process.kill()
        process.join(timeout=5)
        receive.close()
    if status == "ok":
        return list(payload)
    if status == "memory":
        raise BudgetExceeded(
            f"{what} needed more than the memory budget of {budget.memory_mb} MB. Raise it "
            "(CLI: --max-memory MB; Python: Budget(memory_mb=...)) or try most_permissive "
            "semantics.",
            limit="memory",
        )
    if status == "died":
        raise RuntimeError(f"the engine process ended without an answer (exit {process.exitcode})")
    raise RuntimeError(payload)


__all__ = ["Budget", "BudgetExceeded", "run_budgeted"]
