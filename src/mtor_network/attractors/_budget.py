"""Budgets for heavy work, and the pool of warm worker processes that makes them hold.

A search with a budget (time or memory) or a cancel hook runs in a worker process: everything
after the perturbation (constant percolation, the size check, the engine, trimming the result)
happens there, and the worker is killed when the time is up, when its resident memory (read
from ``/proc`` while it runs) goes over the budget, or when ``cancel`` says so, with a clear
message instead of a hang or an exhausted machine.

Workers are kept warm between searches (a process start costs 50-100 ms; a query to a warm
worker a few milliseconds): at most :data:`MAX_WORKERS` per process (:func:`set_max_workers`),
started on first use, each serving one search at a time over a pipe. A search that finds every
worker busy waits for one, and the wait counts against its time budget. A worker that overruns
is killed and replaced. Workers die with the process that started them (``PR_SET_PDEATHSIG``
where Linux offers it, and a thread that watches the parent). They get the network as JSON and
answer with JSON (see :mod:`._jobs`): nothing sent either way is unpickled.
"""

from __future__ import annotations

import contextlib
import json
import math
import multiprocessing
import multiprocessing.forkserver
import numbers
import operator
import os
import signal
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, NoReturn

from ..exceptions import BudgetExceeded, EngineError, ModelFileError, MtorNetworkError

POLL_SECONDS = 0.05
WORKER_MEMO_BYTES = 32 * 2**20
"""Bytes of attractors each worker remembers for residual networks it has searched."""
RECYCLE_MB = 1024
"""A worker whose resident memory is over this after a search is replaced (Python keeps freed
memory, which would count against the next search's memory budget)."""
MAX_WORKERS = max(1, os.cpu_count() or 1)
"""The most budgeted searches (worker processes) that run at once in this process."""
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_PR_SET_PDEATHSIG = 1


def resident_mb(pid: int) -> float | None:
    """Resident memory of process ``pid`` in MB (Linux ``/proc``), or None where unknown."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * _PAGE / 1024 / 1024
    except (OSError, ValueError, IndexError):
        return None


def _count(name: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"Budget({name}=...) must be a whole number >= 0 or None, not {value!r}")
    try:
        number = operator.index(value)
    except TypeError:
        raise ValueError(
            f"Budget({name}=...) must be a whole number >= 0 or None, not {value!r}"
        ) from None
    if number < 0:
        raise ValueError(f"Budget({name}=...) must be >= 0 or None, not {number}")
    return number


@dataclass(frozen=True)
class Budget:
    """Limits on one attractor search (None = no limit).

    Parameters
    ----------
    seconds : float, optional
        Wall-clock time of the whole search (waiting for a free worker, constant
        propagation, the engine, trimming the result); a finite number > 0.
    memory_mb : int, optional
        Resident memory of the worker process, watched while it runs (it includes the loaded
        libraries, about 100 MB).
    max_nodes : int, optional
        Nodes left after constant propagation (checked before the engine starts).
    max_attractors : int, optional
        The most attractors the result holds: when the search finds more, the result keeps
        the first ones by value code and records how many were found
        (:attr:`AttractorResult.total`).

    Raises
    ------
    ValueError
        For seconds that are not a finite number > 0, or counts that are not whole numbers
        >= 0.
    """

    seconds: float | None = None
    memory_mb: int | None = None
    max_nodes: int | None = None
    max_attractors: int | None = None

    def __post_init__(self) -> None:
        seconds = self.seconds
        if seconds is not None:
            if isinstance(seconds, bool) or not isinstance(seconds, numbers.Real):
                raise ValueError(
                    f"Budget(seconds=...) must be a number of seconds > 0 or None, not {seconds!r}"
                )
            if not math.isfinite(seconds) or seconds <= 0:
                raise ValueError(
                    f"Budget(seconds=...) must be a finite number of seconds > 0 (None for no "
                    f"limit), not {seconds!r}"
                )
            object.__setattr__(self, "seconds", float(seconds))
        for name in ("memory_mb", "max_nodes", "max_attractors"):
            object.__setattr__(self, name, _count(name, getattr(self, name)))

    @property
    def needs_process(self) -> bool:
        """True if the limits are enforced by running the search in a worker process."""
        return self.seconds is not None or self.memory_mb is not None

    def describe(self) -> str:
        """The limits in words, e.g. ``"20 s, 4096 MB"``."""
        parts = []
        if self.seconds is not None:
            parts.append(f"{self.seconds:g} s")
        if self.memory_mb is not None:
            parts.append(f"{self.memory_mb} MB")
        if self.max_nodes is not None:
            parts.append(f"{self.max_nodes} nodes")
        if self.max_attractors is not None:
            parts.append(f"at most {self.max_attractors} attractors kept")
        return ", ".join(parts) or "unlimited"


# ---- the worker process --------------------------------------------------------------------
def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (where ``prctl`` exists)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(0.5)
        if not _alive(parent):
            os._exit(3)


def _serve(conn: Connection, parent: int) -> None:
    """A worker: answer one job at a time until the pipe closes or the parent dies."""
    _die_with_parent()
    if not _alive(parent):
        os._exit(3)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which kills us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not a handler inherited from the parent
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    devnull = os.open(os.devnull, os.O_WRONLY)  # an engine's own output is not for users
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    warnings.simplefilter("ignore")
    from .._cache import ByteBoundedCache
    from ._jobs import memo_size, run_job

    memo: Any = ByteBoundedCache(WORKER_MEMO_BYTES, size=memo_size)
    generation = None
    while True:
        try:
            data = conn.recv_bytes()
        except (EOFError, OSError):
            os._exit(0)
        fatal = False
        try:
            job = json.loads(data)
            if job.get("generation") != generation:
                memo.clear()
                generation = job.get("generation")
            reply = run_job(job, memo)
        except MemoryError:
            reply, fatal = {"status": "memory"}, True
        except Exception as exc:  # sent back and raised in the parent (see _raise_error)
            reply = _error_reply(exc)
        try:
            conn.send_bytes(json.dumps(reply, separators=(",", ":")).encode("utf-8"))
        except (OSError, ValueError):
            os._exit(0)
        if fatal:
            os._exit(4)


# ---- the pool ------------------------------------------------------------------------------
@dataclass(eq=False)
class _Worker:
    process: Any
    conn: Connection
    method: str = "fork"
    answered: int = 0  # jobs answered

    @property
    def pid(self) -> int:
        return int(self.process.pid or 0)


def _context() -> Any:
    # fork is fast and safe from a single-threaded process (the CLI); a server with threads
    # uses a fork server whose process has no threads of its own.
    if threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(
        [
            "mtor_network.attractors._budget",
            "mtor_network.attractors._jobs",
            "mtor_network.attractors._aeon",
            "mtor_network.attractors._scc",
            "mtor_network.attractors._inputs",
            "mtor_network.attractors._portfolio",
            "mtor_network.attractors._trappist",
            "mtor_network.attractors._balm",
        ]
    )
    return ctx


def _start_worker() -> _Worker:
    ctx = _context()
    method = ctx.get_start_method()
    mine, theirs = ctx.Pipe(duplex=True)
    process = ctx.Process(
        target=_serve,
        args=(theirs, os.getpid()),
        daemon=True,
        name="mtor-network search worker",
    )
    try:
        process.start()
    finally:
        theirs.close()
    return _Worker(process, mine, method)


def _stop(worker: _Worker) -> None:
    """Kill a worker and reap it."""
    with contextlib.suppress(Exception):
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=5)
    with contextlib.suppress(OSError):
        worker.conn.close()


class _Pool:
    """Warm workers: ``idle`` ones wait for a job; ``count`` are alive or starting."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.idle: list[_Worker] = []
        self.busy: set[_Worker] = set()
        self.count = 0

    def acquire(
        self,
        deadline: float | None,
        cancel: Callable[[], bool] | None,
        what: str,
        seconds: float | None,
    ) -> _Worker:
        """A free worker (a warm one if any), waiting while all are busy; raises
        :class:`BudgetExceeded` (``"busy"``) when none frees up before ``deadline``."""
        while True:
            worker, start, dead = self._take(deadline, what, seconds)
            for gone in dead:
                _stop(gone)
            if worker is not None:
                return worker
            if start:
                try:
                    worker = _start_worker()
                except BaseException:
                    with self.cond:
                        self.count -= 1
                        self.cond.notify()
                    raise
                with self.cond:
                    self.busy.add(worker)
                return worker
            if cancel is not None and cancel():
                raise BudgetExceeded(f"{what} was cancelled", limit="cancel", cancelled=True)

    def _take(
        self, deadline: float | None, what: str, seconds: float | None
    ) -> tuple[_Worker | None, bool, list[_Worker]]:
        """(an idle worker or None, whether to start one, dead idle workers to reap); waits a
        poll interval when every worker is busy."""
        dead: list[_Worker] = []
        with self.cond:
            while self.idle:
                worker = self.idle.pop()  # the most recently used: its memo is the warmest
                if worker.process.is_alive():
                    self.busy.add(worker)
                    return worker, False, dead
                dead.append(worker)
                self.count -= 1
            if self.count < max(1, MAX_WORKERS):
                self.count += 1
                return None, True, dead
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                for gone in dead:
                    _stop(gone)
                raise BudgetExceeded(
                    f"{what} could not start: the server is busy (all {self.count} search "
                    f"workers stayed in use for the whole time budget of {seconds or 0:g} s). "
                    "Try again in a moment.",
                    limit="busy",
                )
            self.cond.wait(POLL_SECONDS if remaining is None else min(remaining, POLL_SECONDS))
        return None, False, dead

    def release(self, worker: _Worker) -> None:
        """Give a worker back after a job it answered (replaced if it has grown too large)."""
        used = resident_mb(worker.pid)
        with self.cond:
            self.busy.discard(worker)
            keep = (
                worker.process.is_alive()
                and self.count <= max(1, MAX_WORKERS)
                and (used is None or used <= RECYCLE_MB)
            )
            if keep:
                self.idle.append(worker)
            else:
                self.count -= 1
            self.cond.notify()
        if not keep:
            _stop(worker)

    def discard(self, worker: _Worker) -> None:
        """Kill a worker that overran, failed or was abandoned; a new one replaces it."""
        _stop(worker)
        with self.cond:
            self.busy.discard(worker)
            self.count -= 1
            self.cond.notify()

    def shrink(self) -> None:
        """Stop idle workers beyond :data:`MAX_WORKERS`."""
        extra: list[_Worker] = []
        with self.cond:
            while self.idle and self.count > max(1, MAX_WORKERS):
                extra.append(self.idle.pop(0))
                self.count -= 1
            self.cond.notify_all()
        for worker in extra:
            _stop(worker)

    def pids(self) -> tuple[list[int], list[int]]:
        with self.cond:
            return [w.pid for w in self.idle], [w.pid for w in self.busy]


_POOL = _Pool()
_GENERATION = 0


def _after_fork_in_child() -> None:
    # A forked process (a worker, a screen's pool process) has no workers of its own: the
    # pool's state describes the parent's processes; close our copies of their pipes.
    global _POOL
    old = _POOL
    for worker in [*old.idle, *old.busy]:
        with contextlib.suppress(OSError):
            worker.conn.close()
    _POOL = _Pool()
    _forget_parents_fork_server()


def _forget_parents_fork_server() -> None:
    """In a forked child, drop multiprocessing's record of the parent's fork server.

    The record names a process that is the parent's child, not ours: the next forkserver
    start calls ``os.waitpid`` on it and fails with ECHILD ("[Errno 10] No child processes"),
    as it did in a Dash background job forked from a server that had run a search. The child
    starts a fork server of its own when it needs one; the parent's keeps running (the parent
    still holds its end of the alive pipe).
    """
    server = getattr(multiprocessing.forkserver, "_forkserver", None)
    if server is None or getattr(server, "_forkserver_pid", None) is None:
        return
    alive = getattr(server, "_forkserver_alive_fd", None)
    if alive is not None:
        with contextlib.suppress(OSError):
            os.close(alive)
    server._forkserver_alive_fd = None
    server._forkserver_address = None
    server._forkserver_pid = None
    server._lock = threading.Lock()  # another thread may have held it at the fork


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def set_max_workers(n: int) -> None:
    """Set :data:`MAX_WORKERS`, the most worker processes (budgeted searches running at once)
    in this process; idle workers over the new number stop.

    Parameters
    ----------
    n : int
        At least 1.

    Raises
    ------
    TypeError
        If ``n`` is not an integer.
    ValueError
        If ``n`` is below 1.
    """
    global MAX_WORKERS
    if isinstance(n, bool):
        raise TypeError(f"set_max_workers(n): n must be an integer >= 1, not {n!r}")
    try:
        number = operator.index(n)
    except TypeError:
        raise TypeError(f"set_max_workers(n): n must be an integer >= 1, not {n!r}") from None
    if number < 1:
        raise ValueError(f"set_max_workers(n): n must be at least 1, not {number}")
    MAX_WORKERS = number
    _POOL.shrink()


def start_workers(n: int | None = None) -> int:
    """Start search workers now instead of on first use (a server calls this before serving,
    so that its first searches do not pay for starting processes and loading the engines).

    Parameters
    ----------
    n : int, optional
        How many workers to have running (default and at most :data:`MAX_WORKERS`).

    Returns
    -------
    int
        The number of workers running.
    """
    wanted = MAX_WORKERS if n is None else min(operator.index(n), MAX_WORKERS)
    held: list[_Worker] = []
    try:
        for _ in range(max(0, wanted)):
            with _POOL.cond:
                if len(_POOL.idle) == 0 and _POOL.count >= max(1, MAX_WORKERS):
                    break
            held.append(_POOL.acquire(None, None, "starting search workers", None))
    finally:
        for worker in held:
            _POOL.release(worker)
    idle, busy = _POOL.pids()
    return len(idle) + len(busy)


def worker_pids() -> dict[str, list[int]]:
    """Process ids of this process's search workers: ``{"idle": [...], "busy": [...]}``."""
    idle, busy = _POOL.pids()
    return {"idle": idle, "busy": busy}


def generation() -> int:
    """The memo generation sent with each job (workers forget their memo when it changes)."""
    return _GENERATION


def forget_worker_memos() -> None:
    """Make every worker forget its remembered attractors before its next job."""
    global _GENERATION
    _GENERATION += 1


@contextlib.contextmanager
def lease(
    budget: Budget | None = None,
    *,
    what: str = "the search",
    cancel: Callable[[], bool] | None = None,
) -> Iterator[_Worker]:
    """Hold one worker (waiting for it within ``budget.seconds``) for the ``with`` block."""
    seconds = budget.seconds if budget is not None else None
    deadline = None if seconds is None else time.monotonic() + seconds
    worker = _POOL.acquire(deadline, cancel, what, seconds)
    try:
        yield worker
    finally:
        _POOL.release(worker)


def _time_message(what: str, seconds: float, semantics: str | None) -> str:
    hint = (
        ", or try most_permissive semantics, which scales to larger models"
        if semantics not in ("most_permissive", None)
        else ""
    )
    return (
        f"{what} did not finish within the time budget of {seconds:g} s. Raise it (CLI: "
        "--timeout SECONDS, 0 for none; Python: find_attractors(..., budget=Budget(seconds=...)); "
        f"web app: python app.py --timeout SECONDS){hint}."
    )


def _memory_message(what: str, memory_mb: int, semantics: str | None) -> str:
    hint = " or try most_permissive semantics" if semantics not in ("most_permissive", None) else ""
    return (
        f"{what} needed more than the memory budget of {memory_mb} MB. Raise it "
        f"(CLI: --max-memory MB; Python: Budget(memory_mb=...)){hint}."
    )


def run_budgeted(
    job: bytes,
    budget: Budget,
    *,
    what: str,
    semantics: str | None,
    cancel: Callable[[], bool] | None = None,
    started: float | None = None,
) -> dict[str, Any]:
    """Run one encoded job (:func:`._jobs.encode_job`) on a worker under ``budget``.

    Parameters
    ----------
    job : bytes
        The JSON job.
    budget : Budget
        Time (counted from ``started``, default now, including any wait for a worker) and
        memory limits.
    what : str
        The search in words, for messages.
    semantics : str or None
        The semantics searched (messages suggest most_permissive only for the others; None:
        the job is no attractor search, and no semantics is suggested).
    cancel : callable, optional
        Polled; True stops the search.
    started : float, optional
        ``time.monotonic()`` when the search began.

    Returns
    -------
    dict
        The worker's reply: ``{"status": "ok", ...}`` or ``{"status": "size", "nodes": n}``.

    Raises
    ------
    BudgetExceeded
        Over time or memory, cancelled, or every worker busy for the whole time budget.
    ModelFileError, EngineError, MtorNetworkError
        The job raised it in the worker (a model that cannot be written, an engine that
        refuses the request): raised again here with its message.
    RuntimeError
        The engine failed (its reason) or the worker died without an answer.
    """
    begin = time.monotonic() if started is None else started
    deadline = None if budget.seconds is None else begin + budget.seconds
    worker = _POOL.acquire(deadline, cancel, what, budget.seconds)
    healthy = False
    try:
        worker.conn.send_bytes(job)
        while True:
            if worker.conn.poll(POLL_SECONDS):
                try:
                    data = worker.conn.recv_bytes()
                except (EOFError, OSError):
                    data = None
                if data is None:
                    reply: dict[str, Any] = {"status": "died"}
                else:
                    reply = json.loads(data)
                break
            if not worker.process.is_alive() and not worker.conn.poll(0):
                reply = {"status": "died"}
                break
            if budget.memory_mb is not None:
                used = resident_mb(worker.pid)
                if used is not None and used > budget.memory_mb:
                    reply = {"status": "memory"}
                    break
            if cancel is not None and cancel():
                raise BudgetExceeded(f"{what} was cancelled", limit="cancel", cancelled=True)
            if deadline is not None and time.monotonic() > deadline:
                raise BudgetExceeded(
                    _time_message(what, budget.seconds or 0, semantics), limit="time"
                )
        healthy = reply.get("status") in ("ok", "size", "error")
        worker.answered += healthy
    finally:
        if healthy:
            _POOL.release(worker)
        else:
            _POOL.discard(worker)
    status = reply.get("status")
    if status in ("ok", "size"):
        return reply
    if status == "memory":
        raise BudgetExceeded(
            _memory_message(what, budget.memory_mb or 0, semantics)
            if budget.memory_mb is not None
            else f"{what} ran out of memory.",
            limit="memory",
        )
    if status == "died":
        code = worker.process.exitcode
        hint = ""
        if worker.method == "forkserver" and worker.answered == 0:
            hint = (
                "; a worker started by a process with threads imports the main script again: "
                "put the script's own code under if __name__ == '__main__':"
            )
        raise RuntimeError(f"the engine process ended without an answer (exit {code}){hint}")
    _raise_error(reply)


def _error_reply(exc: Exception) -> dict[str, Any]:
    """The worker's reply for a job that raised ``exc``: a user error (bad file, a model that
    cannot be written) keeps its class and fields, anything else is an engine failure."""
    if isinstance(exc, ModelFileError):
        return {
            "status": "error",
            "user": "ModelFileError",
            "problem": exc.problem,
            "file": exc.file,
            "line": exc.line,
            "column": exc.column,
        }
    if isinstance(exc, MtorNetworkError):
        return {"status": "error", "user": type(exc).__name__, "message": str(exc)}
    return {"status": "error", "message": f"{type(exc).__name__}: {exc}"}


def _raise_error(reply: dict[str, Any]) -> NoReturn:
    """Raise in the parent what the worker's job raised (see :func:`_error_reply`)."""
    kind = reply.get("user")
    if kind == "ModelFileError":
        raise ModelFileError(
            str(reply.get("problem")),
            file=reply.get("file"),
            line=reply.get("line"),
            column=reply.get("column"),
        )
    if kind == "EngineError":
        raise EngineError(str(reply.get("message")))
    if kind is not None:  # another user error: its message, under the common root
        raise MtorNetworkError(str(reply.get("message")))
    raise RuntimeError(str(reply.get("message", "the engine failed")))


__all__ = [
    "MAX_WORKERS",
    "Budget",
    "BudgetExceeded",
    "lease",
    "run_budgeted",
    "set_max_workers",
    "start_workers",
    "worker_pids",
]
