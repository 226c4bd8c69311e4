"""Benchmark: attractor search on the flagship model, mtor_network against pyboolnet.

Section 1 (asynchronous): the wild type and single knockouts: a representative
``DEFAULT_KNOCKOUTS`` by default, one per node with ``--all`` (pyboolnet needs seconds to a
minute per knockout, so the full run takes about 8 minutes). For each setting it times

* ours: ``find_attractors(net, "asynchronous")`` (default engine, percolation on), and, for
  reference, the same with ``percolate=False`` ("engine only");
* pyboolnet: ``bnet2primes(bnet_text)`` + ``compute_attractors(primes, "asynchronous")`` called
  directly, in a separate worker process (own process group, so a hung NuSMV can be killed).

Section 2: synchronous (``compute_attractors(primes, "synchronous")``) and most-permissive
(``compute_trap_spaces(primes, "min")``) against our default engines, for the wild type and a
few drug combinations.

Both sides are warmed up once (imports, first calls) before anything is timed; each call is
timed with ``time.perf_counter`` inside its own process. Ours is repeated ``--repeats`` times;
a pyboolnet query is repeated up to ``--repeats`` times while its running total stays under
``--pyboolnet-budget`` seconds (always at least once). Medians are reported. Attractor counts
(and the attractors' node values) of both sides are compared and any difference is flagged.

Run from the repository root::

    python benchmarks/bench_attractors.py              # default subset (about 2 minutes)
    python benchmarks/bench_attractors.py --all        # every knockout (about 8 minutes)
    python benchmarks/bench_attractors.py --limit 3    # wild type + first 3 knockouts
    python benchmarks/bench_attractors.py --json results.json

Exit status: 0, or 1 if a pyboolnet answer that it claims to be complete and exact differs from
ours.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import signal
import statistics
import sys
import time
from collections import Counter
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from mtor_network import find_attractors, knockout, load_network, scenario
from mtor_network.attractors import _reduce
from mtor_network.attractors._aeon import engine_bnet

FLAGSHIP = "hr_breast_cancer"

# Section 1 by default (``--all``: every node): percolation-solved ones across the pathways and
# two of the six whose attractor is cyclic (EGFR, ERK); pyboolnet takes seconds to a minute each.
DEFAULT_KNOCKOUTS = (
    "AROMATASE",
    "ER",
    "EGFR",
    "HER2",
    "ERK",
    "PI3K",
    "PTEN",
    "AKT",
    "MTORC1",
    "CDK46",
)

# Section 2: (label, scenario keyword arguments for mtor_network.scenario).
COMBINATIONS: list[tuple[str, dict[str, list[str]]]] = [
    ("wild type", {}),
    ("letrozole + everolimus", {"drugs": ["letrozole", "everolimus"]}),
    (
        "PIK3CA-mut: letrozole + everolimus",
        {"genotypes": ["pik3ca_mutant"], "drugs": ["letrozole", "everolimus"]},
    ),
    ("letrozole + palbociclib", {"drugs": ["letrozole", "palbociclib"]}),
    (
        "ESR1-mut: fulvestrant + alpelisib",
        {"genotypes": ["esr1_mutant"], "drugs": ["fulvestrant", "alpelisib"]},
    ),
    (
        "HER2-amp: trastuzumab + lapatinib",
        {"genotypes": ["her2_amplified"], "drugs": ["trastuzumab", "lapatinib"]},
    ),
]
OTHER_SEMANTICS = ("synchronous", "most_permissive")


# ---- pyboolnet side: a worker process ---------------------------------------------------------


def _code(values: dict[str, Any], nodes: list[str]) -> str:
    """Node values in ``nodes`` order as one string; a node missing from ``values`` is ``*``."""
    return "".join(str(values.get(n, "*")) for n in nodes)


def _summarise_pyboolnet(kind: str, result: Any, nodes: list[str]) -> dict[str, Any]:
    """Count, codes and pyboolnet's own proof flags from a pyboolnet answer."""
    if kind == "most_permissive":  # a list of minimal trap spaces (dicts of fixed nodes)
        codes = sorted(_code(space, nodes) for space in result)
        return {"count": len(result), "codes": codes, "proven": True, "flags": []}
    codes, flags = [], []
    for att in result["attractors"]:
        if att["is_steady"]:
            codes.append(_code(att["state"]["dict"], nodes))
            continue
        space = att["min_trap_space"]
        codes.append(_code(space["dict"], nodes))
        if space.get("is_univocal") != "yes":
            flags.append("trap space not univocal")
        if space.get("is_faithful") != "yes":
            flags.append("trap space not faithful")
    if result.get("is_complete") != "yes":
        flags.append(f"is_complete={result.get('is_complete')}")
    flags = sorted(set(flags))
    return {"count": len(codes), "codes": sorted(codes), "proven": not flags, "flags": flags}


def _worker_main(conn: Any, warmup_bnet: str, warmup_nodes: list[str]) -> None:
    """Serve pyboolnet queries over ``conn``; each reply carries its own perf_counter timings."""
    os.setsid()  # own process group: the parent can kill us together with NuSMV/clasp children
    # pyboolnet warns at import about missing graphviz executables: keep that out of the output.
    with contextlib.redirect_stderr(io.StringIO()):
        from mtor_network.attractors._pyboolnet import _prepare

        _prepare()  # LD_LIBRARY_PATH for the bundled NuSMV's libreadline.so.6
        from pyboolnet.attractors import compute_attractors
        from pyboolnet.file_exchange import bnet2primes
        from pyboolnet.trap_spaces import compute_trap_spaces

    def query(kind: str, bnet: str, nodes: list[str]) -> dict[str, Any]:
        t0 = time.perf_counter()
        primes = bnet2primes(bnet)
        t1 = time.perf_counter()
        if kind == "most_permissive":
            result = compute_trap_spaces(primes, "min")
        else:
            result = compute_attractors(primes, kind)
        t2 = time.perf_counter()
        out = _summarise_pyboolnet(kind, result, nodes)
        out.update(primes_s=t1 - t0, compute_s=t2 - t1)
        return out

    for kind in ("asynchronous", *OTHER_SEMANTICS):  # warm-up, not timed
        query(kind, warmup_bnet, warmup_nodes)
    conn.send(("ready", None))
    while True:
        message = conn.recv()
        if message is None:
            break
        try:
            conn.send(("ok", query(*message)))
        except Exception as exc:
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


class PyboolnetWorker:
    """A warmed-up pyboolnet process; a query past ``timeout`` seconds kills and replaces it."""

    def __init__(self, warmup_bnet: str, warmup_nodes: list[str], timeout: float) -> None:
        self.warmup = (warmup_bnet, warmup_nodes)
        self.timeout = timeout
        self.proc: Any = None
        self.conn: Any = None
        self.restarts = 0

    def _start(self) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, *self.warmup), daemon=True)
        self.proc.start()
        child.close()
        # warm-up: imports plus one query of each kind on the wild type
        if not self.conn.poll(max(120.0, 3 * self.timeout)):
            self._kill()
            raise RuntimeError("pyboolnet worker did not finish its warm-up in time")
        status, _ = self.conn.recv()
        assert status == "ready", status

    def _kill(self) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # the worker and its NuSMV / clasp
        self.proc.join(10)
        self.conn.close()
        self.proc = self.conn = None

    def query(self, kind: str, bnet: str, nodes: list[str]) -> dict[str, Any]:
        """One timed query: ``{"status": "ok", ...}``, ``"timeout"`` or ``"error"``."""
        if self.proc is None:
            self._start()
        self.conn.send((kind, bnet, nodes))
        try:
            ready = self.conn.poll(self.timeout)
        except (EOFError, OSError):
            ready = False
        if not ready:
            self._kill()
            self.restarts += 1
            return {"status": "timeout"}
        try:
            status, payload = self.conn.recv()
        except (EOFError, OSError) as exc:  # the worker died (e.g. killed by the OS)
            self._kill()
            self.restarts += 1
            return {"status": "error", "error": f"worker died: {exc!r}"}
        if status == "error":
            return {"status": "error", "error": payload}
        return {"status": "ok", **payload}

    def close(self) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.proc.join(10)
        self._kill()


def time_pyboolnet(
    worker: PyboolnetWorker,
    kind: str,
    bnet: str,
    nodes: list[str],
    repeats: int,
    budget: float,
) -> dict[str, Any]:
    """Up to ``repeats`` queries while their total stays under ``budget`` seconds (>= 1)."""
    runs: list[dict[str, Any]] = []
    spent = 0.0
    while len(runs) < repeats and (not runs or spent < budget):
        run = worker.query(kind, bnet, nodes)
        if run["status"] != "ok":
            return run  # timeout or error: not repeated
        runs.append(run)
        spent += run["primes_s"] + run["compute_s"]
    first = runs[0]
    return {
        "status": "ok",
        "runs": len(runs),
        "primes_ms": [1e3 * r["primes_s"] for r in runs],
        "compute_ms": [1e3 * r["compute_s"] for r in runs],
        "total_ms": [1e3 * (r["primes_s"] + r["compute_s"]) for r in runs],
        "count": first["count"],
        "codes": first["codes"],
        "proven": first["proven"],
        "flags": first["flags"],
    }


# ---- our side ----------------------------------------------------------------------------------


def time_ours(net: Any, semantics: str, repeats: int, percolate: bool) -> tuple[list[float], Any]:
    """``repeats`` timings (ms) of ``find_attractors`` and its (last) result; the library's memo
    of solved networks is cleared before each (untimed), so every run is a search."""
    from mtor_network import attractors

    clear = getattr(attractors, "clear_cache", lambda: None)
    times = []
    result = None
    for _ in range(repeats):
        clear()
        t0 = time.perf_counter()
        result = find_attractors(net, semantics, percolate=percolate)
        times.append(1e3 * (time.perf_counter() - t0))
    return times, result


def warm_up_ours(net: Any) -> None:
    for semantics in ("asynchronous", *OTHER_SEMANTICS):
        for percolate in (True, False):
            find_attractors(net, semantics, percolate=percolate)


# ---- one setting ------------------------------------------------------------------------------


def run_setting(
    label: str,
    net: Any,
    semantics: str,
    worker: PyboolnetWorker,
    args: argparse.Namespace,
) -> dict[str, Any]:
    nodes = list(net.node_names)
    _, reduced = _reduce.percolate(net)
    ours_ms, result = time_ours(net, semantics, args.repeats, percolate=True)
    engine_ms, result_engine = time_ours(net, semantics, args.repeats, percolate=False)
    ours_codes = sorted(a.code() for a in result)
    pbn = time_pyboolnet(
        worker, semantics, engine_bnet(net), nodes, args.repeats, args.pyboolnet_budget
    )
    row: dict[str, Any] = {
        "setting": label,
        "semantics": semantics,
        "perturbations": [p.name for p in net.perturbations],
        "free_nodes": 0 if reduced is None else len(reduced.node_names),
        "ours_ms": ours_ms,
        "ours_engine_only_ms": engine_ms,
        "ours_count": len(result),
        "ours_codes": ours_codes,
        "pyboolnet": pbn,
    }
    notes = []
    percolation_mismatch = sorted(a.code() for a in result_engine) != ours_codes
    if percolation_mismatch:
        notes.append("ours with and without percolation differ")
    if pbn["status"] != "ok":
        row["check"] = pbn["status"]
        if pbn["status"] == "error":
            notes.append(pbn["error"])
    elif pbn["count"] == len(result) and pbn["codes"] == ours_codes:
        row["check"] = "ok"
    else:
        what = "count" if pbn["count"] != len(result) else "values"
        row["check"] = f"DIFF {what}" + ("" if pbn["proven"] else " (pyboolnet unproven)")
    if pbn["status"] == "ok" and pbn["flags"]:
        notes.append("pyboolnet: " + ", ".join(pbn["flags"]))
    row["notes"] = notes
    # a difference that no one's caveat explains: pyboolnet claims an exact, complete answer
    proven_diff = row["check"].startswith("DIFF") and pbn.get("proven", False)
    row["real_disagreement"] = proven_diff or percolation_mismatch
    return row


# ---- output ------------------------------------------------------------------------------------


def _median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def _sum(xs: list[float]) -> float | None:
    return sum(xs) if xs else None


def _div(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


def _ms(x: float | None) -> str:
    if x is None:
        return "-"
    if x < 10:
        return f"{x:.2f}"
    if x < 1000:
        return f"{x:.1f}"
    return f"{x:,.0f}"


def _times(r: float | None) -> str:
    if r is None:
        return "-"
    return f"{r:,.0f}x" if r >= 100 else f"{r:.1f}x"


def _table(header: list[str], rows: list[list[str]], left: set[int] | None = None) -> str:
    """A plain text table; columns in ``left`` (default: the first) are left-aligned."""
    left = {0} if left is None else left
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]

    def fmt(cells: list[str]) -> str:
        return "  ".join(
            str(c).ljust(w) if i in left else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    lines = [fmt(header), "  ".join("-" * w for w in widths)]
    lines += [fmt(r) for r in rows]
    return "\n".join(lines)


def _pbn_median(row: dict[str, Any]) -> float | None:
    pbn = row["pyboolnet"]
    return _median(pbn["total_ms"]) if pbn["status"] == "ok" else None


def rows_table(rows: list[dict[str, Any]], with_semantics: bool = False) -> str:
    header = ["setting"] + (["semantics"] if with_semantics else [])
    header += ["free", "ours ms", "engine ms", "pyboolnet ms", "(primes)", "pbn/ours"]
    header += ["pbn/engine", "#ours", "#pbn", "check"]
    body = []
    for r in rows:
        pbn = r["pyboolnet"]
        ours, engine, p = _median(r["ours_ms"]), _median(r["ours_engine_only_ms"]), _pbn_median(r)
        primes = _median(pbn["primes_ms"]) if pbn["status"] == "ok" else None
        cells = [r["setting"]] + ([r["semantics"]] if with_semantics else [])
        cells += [str(r["free_nodes"]), _ms(ours), _ms(engine), _ms(p), _ms(primes)]
        cells += [_times(_div(p, ours)), _times(_div(p, engine)), str(r["ours_count"])]
        cells += [str(pbn.get("count", "-")), r["check"]]
        body.append(cells)
    first = 2 if with_semantics else 1
    return _table(header, body, left={*range(first), len(header) - 1})


def aggregate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    done = [r for r in rows if r["pyboolnet"]["status"] == "ok"]
    ours = [statistics.median(r["ours_ms"]) for r in done]
    engine = [statistics.median(r["ours_engine_only_ms"]) for r in done]
    pbn = [statistics.median(r["pyboolnet"]["total_ms"]) for r in done]
    return {
        "queries": len(rows),
        "pyboolnet_finished": len(done),
        "pyboolnet_timeouts": sum(r["pyboolnet"]["status"] == "timeout" for r in rows),
        "pyboolnet_errors": sum(r["pyboolnet"]["status"] == "error" for r in rows),
        "total_ms": {"ours": _sum(ours), "ours_engine_only": _sum(engine), "pyboolnet": _sum(pbn)},
        "median_ms": {
            "ours": _median(ours),
            "ours_engine_only": _median(engine),
            "pyboolnet": _median(pbn),
        },
        "ratio_total": {
            "pyboolnet/ours": _div(_sum(pbn), _sum(ours)),
            "pyboolnet/engine_only": _div(_sum(pbn), _sum(engine)),
        },
        "ratio_median_of_per_query": {
            "pyboolnet/ours": _median([p / o for p, o in zip(pbn, ours, strict=True)]),
            "pyboolnet/engine_only": _median([p / e for p, e in zip(pbn, engine, strict=True)]),
        },
        "disagreements": [r["setting"] for r in rows if r["check"].startswith("DIFF")],
    }


def aggregate_table(agg: dict[str, Any]) -> str:
    t, m = agg["total_ms"], agg["median_ms"]
    rt, rm = agg["ratio_total"], agg["ratio_median_of_per_query"]
    rows = [
        ["total ms", _ms(t["ours"]), _ms(t["ours_engine_only"]), _ms(t["pyboolnet"])],
        ["median ms per query", _ms(m["ours"]), _ms(m["ours_engine_only"]), _ms(m["pyboolnet"])],
        [
            "pyboolnet / this, on totals",
            _times(rt["pyboolnet/ours"]),
            _times(rt["pyboolnet/engine_only"]),
            "",
        ],
        [
            "pyboolnet / this, median of per-query ratios",
            _times(rm["pyboolnet/ours"]),
            _times(rm["pyboolnet/engine_only"]),
            "",
        ],
    ]
    text = _table(["", "ours", "ours engine only", "pyboolnet"], rows)
    n_done, n = agg["pyboolnet_finished"], agg["queries"]
    text += f"\n(over the {n_done} of {n} queries pyboolnet finished"
    if agg["pyboolnet_timeouts"] or agg["pyboolnet_errors"]:
        text += (
            f"; {agg['pyboolnet_timeouts']} timed out and {agg['pyboolnet_errors']} failed, "
            "left out of these figures"
        )
    return text + ")"


def _codes(codes: list[str]) -> str:
    """Attractor codes, repeats folded: ``3 x 01*1, 0111``."""
    counts = Counter(codes)
    return ", ".join(f"{k} x {c}" if k > 1 else c for c, k in counts.items()) or "none"


def print_notes(rows: list[dict[str, Any]]) -> None:
    for r in rows:
        for note in r["notes"]:
            print(f"  note: {r['setting']} ({r['semantics']}): {note}")
        if r["check"].startswith("DIFF"):
            print(f"  DISAGREEMENT: {r['setting']} ({r['semantics']}):")
            print(f"    ours      {r['ours_count']}: {_codes(r['ours_codes'])}")
            print(f"    pyboolnet {r['pyboolnet']['count']}: {_codes(r['pyboolnet']['codes'])}")


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in ("mtor-network", "pyboolnet", "biodivine-aeon", "mpbn", "clingo"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = "not installed"
    return out


# ---- main --------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time asynchronous attractor search on the flagship model (wild type and "
        "single knockouts: a representative subset by default, --all for every node), "
        "mtor_network vs pyboolnet, plus synchronous and most-permissive for a few drug "
        "combinations.",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=7,
        metavar="N",
        help="timed runs per query: ours, and pyboolnet's within --pyboolnet-budget (default 7)",
    )
    parser.add_argument(
        "--pyboolnet-budget",
        type=float,
        default=1.0,
        metavar="S",
        help="repeat a pyboolnet query (up to --repeats) only while its total time stays under "
        "S seconds; at least one run (default 1)",
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="a knockout of every node (41 on the flagship; about 8 minutes here) instead of "
        f"the default {len(DEFAULT_KNOCKOUTS)}",
    )
    parser.add_argument(
        "--limit",
        type=int,
        default=None,
        metavar="K",
        help="only the first K of those knockouts, in model order (the wild type is always run)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=120.0,
        metavar="S",
        help="kill a pyboolnet query after S seconds and record 'timeout' (default 120)",
    )
    parser.add_argument("--json", metavar="PATH", help="write every measurement as JSON to PATH")
    parser.add_argument(
        "--skip-other-semantics",
        action="store_true",
        help="only the asynchronous section",
    )
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if args.limit is not None and args.limit < 0:
        parser.error("--limit must be >= 0")
    if args.timeout <= 0:
        parser.error("--timeout must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    net = load_network(FLAGSHIP)
    nodes = list(net.node_names)
    versions = _versions()
    print(
        f"model {net.name} {net.version}: {len(nodes)} nodes | "
        + ", ".join(f"{k} {v}" for k, v in versions.items())
        + f" | {platform.machine()}, {os.cpu_count()} CPUs"
    )
    print(
        f"ours: median of {args.repeats} runs | pyboolnet: median of up to {args.repeats} runs "
        f"within {args.pyboolnet_budget:g} s, timeout {args.timeout:g} s per query"
    )

    warm_up_ours(net)
    worker = PyboolnetWorker(engine_bnet(net), nodes, args.timeout)
    rows: list[dict[str, Any]] = []
    other: list[dict[str, Any]] = []
    try:
        t0 = time.perf_counter()
        worker._start()
        print(f"pyboolnet worker warmed up in {time.perf_counter() - t0:.1f} s\n")

        targets = nodes if args.all else [n for n in nodes if n in DEFAULT_KNOCKOUTS]
        if args.limit is not None:
            targets = targets[: args.limit]
        settings = [("wild type", net)]
        settings += [(f"{n} KO", net.perturb(knockout(n))) for n in targets]
        tty = sys.stderr.isatty()
        for i, (label, perturbed) in enumerate(settings, 1):
            row = run_setting(label, perturbed, "asynchronous", worker, args)
            rows.append(row)
            progress = (
                f"  asynchronous {i}/{len(settings)}: {label:<16} pyboolnet "
                f"{_ms(_pbn_median(row)) if row['check'] != 'timeout' else 'timeout':>7} ms"
            )
            print("\r" + progress if tty else progress, end="" if tty else "\n", file=sys.stderr)
        if tty:
            print("\r" + " " * 70 + "\r", end="", file=sys.stderr, flush=True)

        print(f"== asynchronous: wild type + {len(settings) - 1} single knockouts ==")
        print("free = nodes left after percolating constants (0: percolation alone solves it);")
        print("ours = find_attractors (percolation on); engine = the same, percolate=False;")
        print("pyboolnet = bnet2primes + compute_attractors; ms are medians per query\n")
        print(rows_table(rows))
        print()
        agg = aggregate(rows)
        print(aggregate_table(agg))
        print_notes(rows)

        if not args.skip_other_semantics:
            for label, kwargs in COMBINATIONS:
                perturbed = net.perturb(*scenario(net, **kwargs))
                for semantics in OTHER_SEMANTICS:
                    other.append(run_setting(label, perturbed, semantics, worker, args))
            print("\n== synchronous and most-permissive: wild type and drug combinations ==")
            print("pyboolnet: compute_attractors(primes, 'synchronous') and")
            print("compute_trap_spaces(primes, 'min'); ours: default engines (aeon, mpbn)\n")
            print(rows_table(other, with_semantics=True))
            for semantics in OTHER_SEMANTICS:
                print(f"\n{semantics}:")
                print(aggregate_table(aggregate([r for r in other if r["semantics"] == semantics])))
            print_notes(other)
    finally:
        worker.close()

    elapsed = time.perf_counter() - started
    everything = rows + other
    agree = sum(r["check"] == "ok" for r in everything)
    diffs = sum(r["check"].startswith("DIFF") for r in everything)
    real = sum(r["real_disagreement"] for r in everything)
    print(
        f"\nattractors (counts and node values), {len(everything)} queries: {agree} agree, "
        f"{diffs} differ ({real} where pyboolnet claims an exact, complete answer), "
        f"{len(everything) - agree - diffs} unchecked (pyboolnet timeout or error)"
    )
    print(f"pyboolnet worker restarts after timeouts: {worker.restarts}")
    print(f"wall time of the whole benchmark: {elapsed:.1f} s")

    if args.json:
        payload = {
            "schema": "mtor_network.bench_attractors/1",
            "model": net.name,
            "model_version": net.version,
            "nodes": nodes,
            "versions": versions,
            "machine": {
                "platform": platform.platform(),
                "machine": platform.machine(),
                "cpus": os.cpu_count(),
            },
            "arguments": vars(args),
            "asynchronous": {"rows": rows, "aggregate": aggregate(rows)},
            "other_semantics": {
                s: {
                    "rows": [r for r in other if r["semantics"] == s],
                    "aggregate": aggregate([r for r in other if r["semantics"] == s]),
                }
                for s in OTHER_SEMANTICS
                if other
            },
            "elapsed_s": elapsed,
        }
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, indent=1, default=str)
            fh.write("\n")
        print(f"wrote {args.json}")
    return 1 if real else 0


if __name__ == "__main__":
    sys.exit(main())
