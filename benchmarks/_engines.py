"""Engine adapters and the worker process that runs them (used by ``run.py``).

Every engine runs in its own worker process (spawned, in its own process group), so the runner
can kill a query that passes its time limit, together with any helper binaries the engine
started (NuSMV, clasp), and start a fresh worker for the next query.

Each adapter has two steps:

* ``load(spec)``: the model in the engine's own loaded form (not timed): an AEON
  ``BooleanNetwork`` for aeon and biobalm, pyboolnet prime implicants, an mpbn
  ``MPBooleanNetwork``, our ``BooleanNetwork`` (for flagship cases the flagship itself plus the
  knockouts to apply);
* ``solve(model)``: the attractor search itself (timed with ``time.perf_counter`` inside the
  worker) returning the number of attractors found.

Semantics: ``ours``, ``aeon``, ``biobalm`` and ``pyboolnet`` compute the complete set of
asynchronous attractors; ``ours_mp``, ``mpbn`` and ``pyboolnet_mp`` the minimal trap spaces
(most-permissive attractors).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

ASYNC = "asynchronous"
MP = "most-permissive"

# engine -> (semantics, what is called)
ENGINES: dict[str, tuple[str, str]] = {
    "ours": (ASYNC, "mtor_network.find_attractors(net, 'asynchronous')"),
    "aeon": (ASYNC, "biodivine_aeon: AsynchronousGraph + Attractors.attractors"),
    "biobalm": (ASYNC, "biobalm: SuccessionDiagram.expand_attractor_seeds + seeds"),
    "pyboolnet": (ASYNC, "pyboolnet: compute_attractors(primes, 'asynchronous') (NuSMV)"),
    "ours_mp": (MP, "mtor_network.find_attractors(net, 'most_permissive')"),
    "mpbn": (MP, "mpbn: MPBooleanNetwork.attractors()"),
    "pyboolnet_mp": (MP, "pyboolnet: compute_trap_spaces(primes, 'min')"),
}
REFERENCE = {ASYNC: "ours", MP: "ours_mp"}  # the engine every other one is divided by

# A tiny network every worker solves once before anything is timed (imports, first calls).
WARMUP_BNET = "targets, factors\nx1, !x2\nx2, !x1\nx3, x1 & !x3\n"  # names of 2+ chars: NuSMV
# ours_mp also warms up on a ring of 30 nodes, past the portfolio's MP_SYMBOLIC_NODES, so that
# the answer-set engine it then imports (mpbn: about 1.3 s, for pandas) is loaded before
# anything is timed, as every peer's library is.
WARMUP_RING_BNET = "targets, factors\n" + "".join(
    f"r{i:02d}, {'!' if i == 0 else ''}r{(i + 1) % 30:02d}\n" for i in range(30)
)

# ours also warms up on a positive ring of 40 nodes: one strongly connected component of 40
# nodes, which the portfolio sends to biobalm (``_portfolio.cyclic_core``), so that biobalm's
# import (a few hundred ms) is paid before anything is timed, as the biobalm peer's is.
WARMUP_CORE_BNET = "targets, factors\n" + "".join(
    f"c{i:02d}, c{(i + 1) % 40:02d}\n" for i in range(40)
)


def _bnet_rules(text: str) -> dict[str, str]:
    rules = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or "," not in line:
            continue
        target, function = (p.strip() for p in line.split(",", 1))
        if target.lower() == "targets" and function.lower() == "factors":
            continue
        rules[target] = function
    return rules


def _ours(semantics: str) -> tuple[Callable[[dict[str, Any]], Any], Callable[[Any], int]]:
    from mtor_network import find_attractors, knockout, load_network
    from mtor_network.io.bnet import parse_bnet

    flagship: dict[str, Any] = {}

    def load(spec: dict[str, Any]) -> Any:
        if spec.get("flagship") is not None:
            if "net" not in flagship:
                flagship["net"] = load_network(spec["flagship_model"])
            return flagship["net"], tuple(knockout(n) for n in spec["flagship"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # implicit inputs of published BNet files
            return parse_bnet(spec["bnet"], name=spec.get("name", "model")), ()

    def solve(model: Any) -> int:
        net, kos = model
        # the perturbation is applied inside the timed call: the whole query as a user runs it
        return len(find_attractors(net, semantics, perturbations=kos or None))

    return load, solve


def _cold() -> None:
    """Forget the attractors our library remembers per residual network, so that a repeat
    times a fresh search, not a look-up (called before every timed run, outside the timing)."""
    from mtor_network import attractors

    clear = getattr(attractors, "clear_cache", None)
    if clear is not None:
        clear()


def _aeon() -> tuple[Callable[[dict[str, Any]], Any], Callable[[Any], int]]:
    import biodivine_aeon as ba

    def load(spec: dict[str, Any]) -> Any:
        return ba.BooleanNetwork.from_bnet(spec["bnet"], repair_graph=True)

    def solve(bn: Any) -> int:
        return len(ba.Attractors.attractors(ba.AsynchronousGraph(bn)))

    return load, solve


def _biobalm() -> tuple[Callable[[dict[str, Any]], Any], Callable[[Any], int]]:
    import biobalm
    import biodivine_aeon as ba

    def load(spec: dict[str, Any]) -> Any:
        return ba.BooleanNetwork.from_bnet(spec["bnet"], repair_graph=True)

    def solve(bn: Any) -> int:
        # biobalm's attractor search: expand the succession diagram only as far as needed to
        # find every attractor, then one seed state per attractor in the expanded nodes.
        sd = biobalm.SuccessionDiagram(bn)
        sd.expand_attractor_seeds()
        return sum(len(seeds) for seeds in sd.expanded_attractor_seeds().values())

    return load, solve


def _pyboolnet(semantics: str) -> tuple[Callable[[dict[str, Any]], Any], Callable[[Any], int]]:
    from mtor_network.attractors._pyboolnet import _prepare

    _prepare()  # LD_LIBRARY_PATH for the bundled NuSMV
    from pyboolnet.attractors import compute_attractors
    from pyboolnet.file_exchange import bnet2primes
    from pyboolnet.trap_spaces import compute_trap_spaces

    def load(spec: dict[str, Any]) -> Any:
        return bnet2primes(spec["bnet"])

    def solve(primes: Any) -> int:
        if semantics == MP:
            return len(compute_trap_spaces(primes, "min", max_output=10**7))
        return len(compute_attractors(primes, "asynchronous")["attractors"])

    return load, solve


def _mpbn() -> tuple[Callable[[dict[str, Any]], Any], Callable[[Any], int]]:
    import mpbn

    def load(spec: dict[str, Any]) -> Any:
        # Parsing only (boolean.py, with the network's own algebra), as the other engines'
        # loads parse: mpbn's encoding, each rule made a DNF with its unateness recorded
        # (``MPBooleanNetwork.__setitem__``), is timed, as AEON's BDDs and ours are.
        mp = mpbn.MPBooleanNetwork()
        return mp, {k: mp.ba.parse(v) for k, v in _bnet_rules(spec["bnet"]).items()}

    def solve(model: Any) -> int:
        mp, parsed = model
        for node, function in parsed.items():
            mp[node] = function
        return sum(1 for _ in mp.attractors())

    return load, solve


def adapter(engine: str) -> tuple[Callable[[dict[str, Any]], Any], Callable[[Any], int]]:
    """``(load, solve)`` for ``engine`` (imports its library)."""
    if engine == "ours":
        return _ours("asynchronous")
    if engine == "ours_mp":
        return _ours("most_permissive")
    if engine == "aeon":
        return _aeon()
    if engine == "biobalm":
        return _biobalm()
    if engine == "pyboolnet":
        return _pyboolnet(ASYNC)
    if engine == "pyboolnet_mp":
        return _pyboolnet(MP)
    if engine == "mpbn":
        return _mpbn()
    raise ValueError(f"unknown engine {engine!r}")


def measure(
    load: Callable[[dict[str, Any]], Any],
    solve: Callable[[Any], int],
    spec: dict[str, Any],
    repeats: int,
    budget: float,
    reset: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Load once (untimed), then time ``solve`` up to ``repeats`` times while the total stays
    under ``budget`` seconds (at least once); ``reset`` (untimed) runs before each."""
    t0 = time.perf_counter()
    model = load(spec)
    load_ms = 1e3 * (time.perf_counter() - t0)
    times: list[float] = []
    counts: set[int] = set()
    total = 0.0
    while len(times) < repeats and (not times or total < budget):
        if reset is not None:
            reset()
        t0 = time.perf_counter()
        count = solve(model)
        elapsed = time.perf_counter() - t0
        times.append(1e3 * elapsed)
        counts.add(count)
        total += elapsed
    return {"times_ms": times, "count": min(counts), "counts": sorted(counts), "load_ms": load_ms}


def worker_main(conn: Any, engine: str) -> None:
    """Serve ``(spec, repeats, budget)`` requests for ``engine`` over ``conn``."""
    os.setsid()  # own process group: the runner kills us together with NuSMV / clasp
    # Engines print progress and warnings (AEON logs every step at INFO, clingo and pyboolnet
    # write to stderr): keep the runner's output clean. Errors travel back over the pipe.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115
    logging.disable(logging.INFO)
    warnings.simplefilter("ignore")
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the runner's to handle
    try:
        load, solve = adapter(engine)
        reset = _cold if engine in ("ours", "ours_mp") else None
        measure(load, solve, {"bnet": WARMUP_BNET, "name": "warmup"}, 1, 0.0, reset)
        if engine == "ours_mp":
            measure(load, solve, {"bnet": WARMUP_RING_BNET, "name": "warmup"}, 1, 0.0, reset)
        if engine == "ours":
            measure(load, solve, {"bnet": WARMUP_CORE_BNET, "name": "warmup"}, 1, 0.0, reset)
    except Exception as exc:  # report why this engine cannot run at all
        conn.send(("broken", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            message = conn.recv()
        except EOFError:
            break
        if message is None:
            break
        spec, repeats, budget = message
        try:
            conn.send(("ok", measure(load, solve, spec, repeats, budget, reset)))
        except Exception as exc:
            with contextlib.suppress(Exception):
                conn.send(("error", f"{type(exc).__name__}: {str(exc)[:300]}"))


class Worker:
    """A warmed-up worker process for one engine; a query past its time limit kills it (and
    its process group) and the next query starts a fresh one."""

    def __init__(self, engine: str, startup_timeout: float = 120.0) -> None:
        self.engine = engine
        self.startup_timeout = startup_timeout
        self.proc: Any = None
        self.conn: Any = None
        self.restarts = 0
        self.broken: str | None = None
        self.startup_s: float | None = None

    def _start(self) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=worker_main, args=(child, self.engine), daemon=True)
        t0 = time.perf_counter()
        self.proc.start()
        child.close()
        if not self.conn.poll(self.startup_timeout):
            self.kill()
            self.broken = "worker did not start in time"
            return
        try:
            status, detail = self.conn.recv()
        except EOFError:
            status, detail = "broken", "worker died while starting"
        if status != "ready":
            self.kill()
            self.broken = detail
            return
        if self.startup_s is None:
            self.startup_s = time.perf_counter() - t0

    def kill(self) -> None:
        """Kill the worker and every process in its group."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.join(5)
        self.proc = None
        self.conn = None

    def run(
        self, spec: dict[str, Any], repeats: int, budget: float, timeout: float
    ) -> dict[str, Any]:
        """One query: ``{"status": "ok", ...measure...}`` or status timeout / error / broken."""
        if self.broken:
            return {"status": "broken", "error": self.broken}
        if self.proc is None:
            self._start()
            if self.broken:
                return {"status": "broken", "error": self.broken}
        assert self.conn is not None
        self.conn.send((spec, repeats, budget))
        # a query may run past `budget` by at most one call, and a call may take `timeout`
        if not self.conn.poll(timeout + min(budget, timeout) + 0.5):
            self.kill()
            self.restarts += 1
            return {"status": "timeout"}
        try:
            status, payload = self.conn.recv()
        except EOFError:  # the worker died (out of memory, a crash in native code)
            self.kill()
            self.restarts += 1
            return {"status": "error", "error": "worker died"}
        if status != "ok":
            return {"status": "error", "error": payload}
        if min(payload["times_ms"]) > 1e3 * timeout:
            return {"status": "timeout"}  # finished, but only after the limit
        return {"status": "ok", **payload}

    def close(self) -> None:
        """Ask the worker to stop; kill it if it does not."""
        if self.proc is None:
            return
        with contextlib.suppress(Exception):
            self.conn.send(None)
            self.proc.join(2)
        self.kill()
