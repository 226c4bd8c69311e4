"""Benchmark runner: mtor_network's attractor search against the field's engines, in one run.

Engines (each in its own worker process, killed at a per-query time limit):

* asynchronous attractors, complete: ``ours`` (``mtor_network.find_attractors``), ``aeon``
  (biodivine-aeon called directly), ``biobalm``, ``pyboolnet`` (NuSMV model checking);
* most-permissive attractors (minimal trap spaces): ``ours_mp``, ``mpbn``, ``pyboolnet_mp``.

Groups of cases: the flagship (wild type, every single and double knockout), the flagship
single query with graded outcomes (``query``: wild type, every single and double knockout and
every registered drug x genotype, our whole answer with exact basin fractions against
biodivine-aeon computing the same attractors and basins, and biobalm's attractor search), the
pyboolnet repository, ``../shared/reference-models/`` (inputs free, and inputs fixed to 0),
seeded random N-K networks of 50 to 1,000 nodes, the Biodivine Boolean Models corpus in
``../shared/bbm/`` (``bbm``: inputs free and inputs fixed to 0, ours against AEON, biobalm and
mpbn; ``--sample N``, ``--max-nodes N``, ``--limit S``), and the screen section (our screen
against a plain loop).

Every ratio is tool time / our time for the same question (asynchronous engines against
``ours``, most-permissive ones against ``ours_mp``), medians of repeats, measured in this run.

Run from the repository root::

    python3 benchmarks/run.py --quick     # a subset, about 3 minutes on 2 cores
    python3 benchmarks/run.py             # everything, about 20 minutes plus bbm
    nice -n 10 python3 benchmarks/run.py --groups bbm --sample 40 --limit 10   # a bbm sample

Prints the tables and writes ``benchmarks/results/run-{quick,full}.{csv,json}``.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import platform
import statistics
import sys
import time
from collections import Counter, defaultdict
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _cases import (  # noqa: E402
    Case,
    bbm_cases,
    flagship_cases,
    random_cases,
    reference_cases,
    repository_cases,
)
from _engines import ASYNC, ENGINES, MP, REFERENCE, Worker  # noqa: E402

__all__ = ["QUERY_ENGINES", "main", "query_settings", "run_queries"]

TARGET_MS = 50.0  # "a single query on the flagship answers in under 50 ms"
QUERY_MEDIAN_MS = 5.0  # issue 12: median under 5 ms ...
QUERY_P95_MS = 50.0  # ... and 95th percentile under 50 ms, basin fractions included
ALL_GROUPS = ("flagship", "query", "repository", "reference", "random", "bbm", "screens")
BBM_ENGINES = ("ours", "aeon", "biobalm", "ours_mp", "mpbn")


# ---- formatting -------------------------------------------------------------------------------


def _ms(x: float | None) -> str:
    if x is None:
        return "-"
    if x < 10:
        return f"{x:.2f}"
    if x < 1000:
        return f"{x:.1f}"
    return f"{x:,.0f}"


def _ratio(r: float | None) -> str:
    if r is None:
        return "-"
    if r >= 100:
        return f"{r:,.0f}x"
    if r >= 10:
        return f"{r:.1f}x"
    return f"{r:.2f}x"


def table(header: list[str], rows: list[list[str]], left: set[int] | None = None) -> str:
    """A plain text table; columns in ``left`` (default: the first) are left-aligned."""
    left = {0} if left is None else left
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]

    def fmt(cells: list[str]) -> str:
        return "  ".join(
            str(c).ljust(w) if i in left else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([fmt(header), "  ".join("-" * w for w in widths), *map(fmt, rows)])


def _median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


# ---- running ----------------------------------------------------------------------------------


class Runner:
    """Runs cases on the engines' workers and keeps every result."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.workers: dict[str, Worker] = {}
        self.results: list[dict[str, Any]] = []

    def worker(self, engine: str) -> Worker:
        if engine not in self.workers:
            self.workers[engine] = Worker(engine)
        return self.workers[engine]

    def timeout_for(self, engine: str) -> float:
        return self.args.pyboolnet_timeout if engine == "pyboolnet" else self.args.timeout

    def run_case(
        self, case: Case, engine: str, skip: str | None = None, budget: float | None = None
    ) -> dict[str, Any]:
        row: dict[str, Any] = {
            "group": case.group,
            "case": case.name,
            "family": case.family,
            "nodes": case.nodes,
            "engine": engine,
            "semantics": ENGINES[engine][0],
        }
        if skip:
            row.update(status="skipped", note=skip)
        else:
            budget = self.args.budget if budget is None else budget
            out = self.worker(engine).run(
                case.spec(), self.args.repeats, budget, self.timeout_for(engine)
            )
            row["status"] = out["status"]
            if out["status"] == "ok":
                row["times_ms"] = out["times_ms"]
                row["median_ms"] = statistics.median(out["times_ms"])
                row["count"] = out["count"]
                row["load_ms"] = out["load_ms"]
                if len(out["counts"]) > 1:
                    row["note"] = f"counts varied between repeats: {out['counts']}"
            elif out["status"] == "timeout":
                row["note"] = f"over {self.timeout_for(engine):g} s"
            else:
                row["note"] = out.get("error", "")
        self.results.append(row)
        return row

    def run_group(
        self,
        cases: list[Case],
        engines: list[str],
        *,
        timeouts_before_skip: int | None,
        only: dict[str, set[str]] | None = None,
        budget: float | None = None,
    ) -> None:
        """Every case on every engine. With ``timeouts_before_skip`` = k, an engine that timed
        out on k cases of the same family that are no harder than the current one (fewer or as
        many nodes; for free inputs, also as many inputs or fewer) is not run on it. ``only``
        limits an engine to the named cases (a sample); ``budget`` replaces ``--budget``."""
        timeouts: dict[tuple[str, str], list[tuple[int, ...]]] = defaultdict(list)
        tty = sys.stderr.isatty()
        started = time.perf_counter()
        for i, case in enumerate(cases, 1):
            for engine in engines:
                if only and engine in only and case.name not in only[engine]:
                    continue
                skip = None
                easier = [r for r in timeouts[(engine, case.family)] if case.at_least_as_hard_as(r)]
                if timeouts_before_skip and len(easier) >= timeouts_before_skip:
                    skip = f"not run: timed out on {len(easier)} case(s) no harder than this"
                row = self.run_case(case, engine, skip, budget)
                if row["status"] == "timeout":
                    timeouts[(engine, case.family)].append(case.rank)
            if tty or i == len(cases) or i % 50 == 0:
                line = (
                    f"  {case.group}: {i}/{len(cases)} cases, "
                    f"{time.perf_counter() - started:.0f} s  {case.name[:40]:<40}"
                )
                print("\r" + line if tty else line, end="" if tty else "\n", file=sys.stderr)
        if tty:
            print("\r" + " " * 90 + "\r", end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        for w in self.workers.values():
            w.close()


# ---- the flagship single query with graded outcomes (group "query") -------------------------

# engine -> what is timed for one query (the perturbation is applied inside the timed call)
QUERY_ENGINES: dict[str, str] = {
    "ours_graded": "mtor_network.analysis.basins.outcomes(net, perturbations): attractors, "
    "exact weak/strong basin fractions per attractor and phenotype, and what the untreated "
    "state (same genotype, no drug) reaches",
    "ours": "mtor_network.find_attractors(net, perturbations=...): attractors only",
    "aeon_basins": "biodivine-aeon on the perturbed network: AsynchronousGraph, "
    "Attractors.attractors in the subspace of the fixed nodes, backward_superset per "
    "attractor (weak basins) and set differences (strong basins)",
    "aeon": "biodivine-aeon: AsynchronousGraph + Attractors.attractors",
    "biobalm": "biobalm: SuccessionDiagram.expand_attractor_seeds (no basins in biobalm)",
}


def query_settings(
    quick: bool, doubles_sample: int | None, pairs_sample: int | None, seed: int
) -> list[dict[str, Any]]:
    """The flagship's single queries: wild type, every single and double knockout (or a
    seeded sample of the doubles), every registered drug in every registered genotype and the
    wild type (or a seeded sample): ``{"label", "kind", "perturbations": [(kind, name)],
    "bnet", "fixed"}``."""
    import itertools
    import random

    from mtor_network import load_network
    from mtor_network.attractors._aeon import engine_bnet
    from mtor_network.perturbations import Scenario, scenario

    net = load_network("hr_breast_cancer")
    nodes = list(net.node_names)
    raw: list[tuple[str, str, list[tuple[str, str]]]] = [("wild type", "wild type", [])]
    raw += [(f"{n} KO", "single", [("knockout", n)]) for n in nodes]
    pairs = list(itertools.combinations(nodes, 2))
    if doubles_sample is not None and doubles_sample < len(pairs):
        rng = random.Random(seed)
        pairs = sorted(rng.sample(pairs, doubles_sample), key=pairs.index)
    raw += [(f"{a} + {b} KO", "double", [("knockout", a), ("knockout", b)]) for a, b in pairs]
    combos = [(g, d) for g in [None, *net.genotypes] for d in net.drugs]
    if pairs_sample is not None and pairs_sample < len(combos):
        rng = random.Random(seed + 7)
        combos = sorted(rng.sample(combos, pairs_sample), key=combos.index)
    for g, d in combos:
        items = ([("genotype", g)] if g else []) + [("drug", d)]
        raw.append((f"{d} in {g or 'wild type'}", "drug x genotype", items))
    out = []
    for label, kind, items in raw:
        try:
            sc = _scenario_of(net, items, scenario)
        except Exception as exc:  # a contradictory registered pair: say so, do not time it
            out.append({"label": label, "kind": kind, "perturbations": items, "skip": str(exc)})
            continue
        perturbed = net.perturb(*sc) if len(sc) else net
        out.append(
            {
                "label": label,
                "kind": kind,
                "perturbations": items,
                "bnet": engine_bnet(perturbed),
                "fixed": {k: bool(v) for k, v in Scenario(tuple(sc)).effects().items()},
            }
        )
    return out


def _scenario_of(net: Any, items: list[tuple[str, str]], scenario: Any) -> Any:
    return scenario(
        net,
        drugs=[n for k, n in items if k == "drug"],
        genotypes=[n for k, n in items if k == "genotype"],
        knockouts=[n for k, n in items if k == "knockout"],
    )


def _query_adapter(engine: str) -> tuple[Any, Any]:
    """``(load, solve)`` for one engine of the query group (as ``_engines.adapter``)."""
    if engine in ("ours", "ours_graded"):
        from mtor_network import find_attractors, load_network
        from mtor_network.analysis.basins import outcomes
        from mtor_network.perturbations import scenario

        loaded: dict[str, Any] = {}

        def load_ours(spec: dict[str, Any]) -> Any:
            if "net" not in loaded:
                loaded["net"] = load_network("hr_breast_cancer")
            return loaded["net"], spec.get("perturbations", [])

        def solve_ours(model: Any) -> int:
            net, items = model
            sc = _scenario_of(net, items, scenario) if items else None
            if engine == "ours":
                return len(find_attractors(net, perturbations=sc))
            graded = outcomes(net, sc)
            if not graded.computed:
                raise RuntimeError(f"basins not computed: {graded.reason}")
            return len(graded.attractors)

        return load_ours, solve_ours
    import biodivine_aeon as ba

    def load_bn(spec: dict[str, Any]) -> Any:
        return ba.BooleanNetwork.from_bnet(spec["bnet"], repair_graph=True), spec.get("fixed", {})

    if engine == "aeon":

        def solve_aeon(model: Any) -> int:
            return len(ba.Attractors.attractors(ba.AsynchronousGraph(model[0])))

        return load_bn, solve_aeon
    if engine == "aeon_basins":

        def solve_basins(model: Any) -> int:
            bn, fixed = model
            graph = ba.AsynchronousGraph(bn)
            space = graph.mk_subspace(fixed) if fixed else graph.mk_unit_colored_vertices()
            active = [n for n in graph.network_variable_names() if n not in fixed]
            config: Any = {"graph": graph, "active_variables": active}
            found = ba.Attractors.attractors(graph, space)
            weak = [ba.Reachability.backward_superset(config, a) for a in found]
            for i, w in enumerate(weak):
                others = graph.mk_empty_colored_vertices()
                for j, v in enumerate(weak):
                    if j != i:
                        others = others.union(v)
                w.minus(others).cardinality()
                w.cardinality()
            return len(found)

        return load_bn, solve_basins
    if engine == "biobalm":
        import biobalm

        def solve_biobalm(model: Any) -> int:
            sd = biobalm.SuccessionDiagram(model[0])
            sd.expand_attractor_seeds()
            return sum(len(seeds) for seeds in sd.expanded_attractor_seeds().values())

        return load_bn, solve_biobalm
    raise ValueError(f"unknown query engine {engine!r}")


def _query_worker_main(conn: Any, engine: str) -> None:
    """Serve ``(spec, repeats, budget)`` requests for a query engine (as ``worker_main``)."""
    import contextlib
    import logging
    import signal
    import warnings

    from _engines import _cold, measure

    os.setsid()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    logging.disable(logging.INFO)
    warnings.simplefilter("ignore")
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        load, solve = _query_adapter(engine)
        reset = _cold if engine.startswith("ours") else None
        measure(load, solve, {"perturbations": [], "bnet": "a, b\nb, a\n", "fixed": {}}, 1, 0.0)
    except Exception as exc:
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


class QueryWorker(Worker):
    """:class:`Worker` serving a query engine (:data:`QUERY_ENGINES`)."""

    def _start(self) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_query_worker_main, args=(child, self.engine), daemon=True)
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


def _percentile(sorted_values: list[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, round(q * (len(sorted_values) - 1)))]


def run_queries(args: argparse.Namespace) -> dict[str, Any]:
    """Time every query on every query engine; print medians and 95th percentiles per kind
    and overall, side by side (measured, never asserted)."""
    settings = query_settings(args.quick, args.doubles, args.query_pairs, args.seed)
    engines = [e for e in QUERY_ENGINES if e in args.query_engines]
    skipped = [q for q in settings if "skip" in q]
    timed = [q for q in settings if "skip" not in q]
    per_kind = Counter(q["kind"] for q in timed)
    print(
        f"\n== flagship single query with graded outcomes: {len(timed)} queries ("
        + ", ".join(f"{k} {n}" for k, n in per_kind.items())
        + f"); target median < {QUERY_MEDIAN_MS:g} ms, p95 < {QUERY_P95_MS:g} ms =="
    )
    for engine in engines:
        print(f"  {engine:<12} {QUERY_ENGINES[engine]}")
    for q in skipped:
        print(f"  not timed: {q['label']}: {q['skip'][:120]}")
    rows: list[dict[str, Any]] = []
    workers = {e: QueryWorker(e) for e in engines}
    tty = sys.stderr.isatty()
    started = time.perf_counter()
    try:
        for i, q in enumerate(timed, 1):
            spec = {k: q[k] for k in ("perturbations", "bnet", "fixed")}
            for engine in engines:
                out = workers[engine].run(spec, args.repeats, args.query_budget, args.timeout)
                row = {"label": q["label"], "kind": q["kind"], "engine": engine, **out}
                if out["status"] == "ok":
                    row["median_ms"] = statistics.median(out["times_ms"])
                rows.append(row)
            if tty or i == len(timed) or i % 100 == 0:
                line = f"  query: {i}/{len(timed)}, {time.perf_counter() - started:.0f} s"
                print("\r" + line if tty else line, end="" if tty else "\n", file=sys.stderr)
        if tty:
            print("\r" + " " * 60 + "\r", end="", file=sys.stderr, flush=True)
    finally:
        for w in workers.values():
            w.close()
    kinds = ["all", *dict.fromkeys(q["kind"] for q in timed)]
    table_rows = []
    summary: dict[str, Any] = {}
    for engine in engines:
        for kind in kinds:
            mine = [r for r in rows if r["engine"] == engine and kind in ("all", r["kind"])]
            ok = sorted(r["median_ms"] for r in mine if r["status"] == "ok")
            failed = len(mine) - len(ok)
            if not ok:
                table_rows.append([engine, kind, "-", "-", "-", f"0/{len(mine)}"])
                continue
            med, p95 = statistics.median(ok), _percentile(ok, 0.95)
            summary.setdefault(engine, {})[kind] = {
                "median_ms": med,
                "p95_ms": p95,
                "max_ms": ok[-1],
                "finished": len(ok),
                "queries": len(mine),
            }
            table_rows.append(
                [engine, kind, _ms(med), _ms(p95), _ms(ok[-1]), f"{len(ok)}/{len(mine)}"]
                + ([f"{failed} over {args.timeout:g} s or failed"] if failed else [""])
            )
    print(
        table(
            ["engine", "queries", "median ms", "p95 ms", "max ms", "finished", ""],
            table_rows,
            left={0, 1, 6},
        )
    )
    ours = summary.get("ours_graded", {}).get("all")
    if ours:
        verdict = (
            f"ours_graded: median {_ms(ours['median_ms'])} ms "
            f"({'under' if ours['median_ms'] < QUERY_MEDIAN_MS else 'NOT under'} "
            f"{QUERY_MEDIAN_MS:g} ms), p95 {_ms(ours['p95_ms'])} ms "
            f"({'under' if ours['p95_ms'] < QUERY_P95_MS else 'NOT under'} {QUERY_P95_MS:g} ms)"
        )
        print(verdict)
        summary["verdict"] = verdict
    by_query: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for r in rows:
        by_query[r["label"]][r["engine"]] = r
    differ = [
        label
        for label, per in by_query.items()
        if len({r["count"] for r in per.values() if r.get("status") == "ok"}) > 1
    ]
    if differ:
        print(f"attractor counts differ between engines on {len(differ)} queries: {differ[:8]}")
    multi = [
        label
        for label, per in by_query.items()
        if per.get("ours", {}).get("count", 1) > 1 or per.get("aeon", {}).get("count", 1) > 1
    ]
    print(f"queries with several attractors (basins computed, not 1 by the count): {len(multi)}")
    return {
        "summary": summary,
        "rows": rows,
        "skipped": [q["label"] for q in skipped],
        "counts_differ": differ,
        "several_attractors": multi,
    }


# ---- reporting --------------------------------------------------------------------------------


def _by_case(rows: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    out: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for r in rows:
        out[r["case"]][r["engine"]] = r
    return out


def annotate(rows: list[dict[str, Any]]) -> None:
    """Ratio (tool / ours, same semantics) and count agreement on every finished row."""
    for case_rows in _by_case(rows).values():
        for engine, r in case_rows.items():
            ref = case_rows.get(REFERENCE[r["semantics"]])
            r["ratio"] = None
            r["agree"] = None
            if engine == REFERENCE[r["semantics"]] or ref is None:
                continue
            if r["status"] == "ok" and ref["status"] == "ok":
                r["ratio"] = r["median_ms"] / ref["median_ms"] if ref["median_ms"] else None
                r["agree"] = r["count"] == ref["count"]
                r["ref_count"] = ref["count"]


def summary_rows(rows: list[dict[str, Any]], engines: list[str]) -> list[list[str]]:
    """Per engine: cases, finished, timeouts, median ms, ratios against ours, agreement."""
    by_case = _by_case(rows)
    out = []
    for engine in engines:
        mine = [r for r in rows if r["engine"] == engine]
        if not mine:
            continue
        ok = [r for r in mine if r["status"] == "ok"]
        ref_name = REFERENCE[ENGINES[engine][0]]
        both = [
            (r, by_case[r["case"]][ref_name])
            for r in ok
            if ref_name in by_case[r["case"]] and by_case[r["case"]][ref_name]["status"] == "ok"
        ]
        is_ref = engine == ref_name
        ratios = [r["ratio"] for r, _ in both if r.get("ratio") is not None]
        tot = sum(r["median_ms"] for r, _ in both)
        tot_ref = sum(ref["median_ms"] for _, ref in both)
        only_tool = only_ref = 0
        for r in mine:
            ref = by_case[r["case"]].get(ref_name)
            if ref is None or is_ref:
                continue
            only_tool += r["status"] == "ok" and ref["status"] != "ok"
            only_ref += r["status"] in ("timeout", "error") and ref["status"] == "ok"
        agree = [r["agree"] for r, _ in both if r.get("agree") is not None]
        out.append(
            [
                engine,
                "async" if ENGINES[engine][0] == ASYNC else "MP",
                str(len(mine)),
                str(len(ok)),
                str(sum(r["status"] == "timeout" for r in mine)),
                str(sum(r["status"] in ("error", "broken") for r in mine)),
                str(sum(r["status"] == "skipped" for r in mine)),
                _ms(_median([r["median_ms"] for r in ok])),
                _ms(tot if both else None) if not is_ref else _ms(sum(r["median_ms"] for r in ok)),
                "(ref)" if is_ref else _ratio(_median(ratios)),
                "(ref)" if is_ref else _ratio(tot / tot_ref if tot_ref else None),
                "" if is_ref else f"{only_tool}/{only_ref}",
                "" if is_ref else (f"{sum(agree)}/{len(agree)}" if agree else "-"),
            ]
        )
    return out


SUMMARY_HEADER = [
    "engine",
    "sem",
    "cases",
    "done",
    "timeout",
    "error",
    "skipped",
    "median ms",
    "total ms",
    "ratio (median)",
    "ratio (totals)",
    "only tool/only ours",
    "same count",
]


BBM_HEADER = [
    "engine",
    "sem",
    "cases",
    "finished",
    "timeouts",
    "errors",
    "median ms",
    "ratio tool/ours (median)",
    "worst ratio (min)",
    "finished by it, not by ours",
]


def bbm_summary_rows(rows: list[dict[str, Any]], engines: list[str]) -> list[list[str]]:
    """Per engine of the bbm group: finished, timeouts, median and worst (lowest) ratio of its
    time to ours on the cases both finished, and the cases it finished that ours did not."""
    by_case = _by_case(rows)
    out = []
    for engine in engines:
        mine = [r for r in rows if r["engine"] == engine]
        if not mine:
            continue
        ok = [r for r in mine if r["status"] == "ok"]
        ref_name = REFERENCE[ENGINES[engine][0]]
        is_ref = engine == ref_name
        ratios = [r["ratio"] for r in ok if r.get("ratio") is not None]
        missed = [
            r["case"]
            for r in ok
            if not is_ref and by_case[r["case"]].get(ref_name, {}).get("status") != "ok"
        ]
        out.append(
            [
                engine,
                "async" if ENGINES[engine][0] == ASYNC else "MP",
                str(len(mine)),
                str(len(ok)),
                str(sum(r["status"] == "timeout" for r in mine)),
                str(sum(r["status"] in ("error", "broken") for r in mine)),
                _ms(_median([r["median_ms"] for r in ok])),
                "(ref)" if is_ref else _ratio(_median(ratios)),
                "(ref)" if is_ref else _ratio(min(ratios) if ratios else None),
                "" if is_ref else (f"{len(missed)}: " + ", ".join(missed[:6]) if missed else "0"),
            ]
        )
    return out


def print_summary(title: str, rows: list[dict[str, Any]], engines: list[str]) -> None:
    print(f"\n== {title} ==")
    print(table(SUMMARY_HEADER, summary_rows(rows, engines)))


def _cell(r: dict[str, Any] | None) -> str:
    if r is None:
        return ""
    if r["status"] == "ok":
        text = _ms(r["median_ms"])
        if r.get("ratio") is not None:
            text += f" ({_ratio(r['ratio'])})"
        if r.get("agree") is False:
            text += " DIFF"
        return text
    return {"skipped": "skip", "broken": "n/a"}.get(r["status"], r["status"])


def print_cases(rows: list[dict[str, Any]], engines: list[str], limit: int | None = None) -> None:
    """One line per case: each engine's median ms (ratio to ours), attractor counts."""
    by_case = _by_case(rows)
    header = ["case", "nodes", "#async", *[e for e in engines if ENGINES[e][0] == ASYNC]]
    header += ["#MP", *[e for e in engines if ENGINES[e][0] == MP]]
    body = []
    for name, engine_rows in list(by_case.items())[:limit]:
        any_row = next(iter(engine_rows.values()))

        def count(engine: str, engine_rows: dict[str, dict[str, Any]] = engine_rows) -> str:
            r = engine_rows.get(engine)
            return str(r["count"]) if r and r["status"] == "ok" else "-"

        cells = [name, str(any_row["nodes"]), count("ours")]
        cells += [_cell(engine_rows.get(e)) for e in engines if ENGINES[e][0] == ASYNC]
        cells += [count("ours_mp")]
        cells += [_cell(engine_rows.get(e)) for e in engines if ENGINES[e][0] == MP]
        body.append(cells)
    print(table(header, body))


def latency_report(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Our single-query latency on the flagship, against the 50 ms target."""
    ours = [r for r in rows if r["engine"] == "ours" and r["status"] == "ok"]
    failed = [r for r in rows if r["engine"] == "ours" and r["status"] != "ok"]
    if not ours:
        print("single query: no measurement")
        return {}
    times = sorted(r["median_ms"] for r in ours)
    worst = max(ours, key=lambda r: r["median_ms"])
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    over = [r for r in ours if r["median_ms"] >= TARGET_MS]
    med = statistics.median(times)
    verdict_med = "PASS" if med < TARGET_MS else "FAIL"
    verdict_all = "PASS" if not over and not failed else "FAIL"
    print(
        f"\n== single query on the flagship (library and network loaded, our memo of solved "
        f"networks cleared before each run; find_attractors with the knockouts applied), "
        f"target < {TARGET_MS:g} ms =="
    )
    print(
        table(
            ["over the flagship queries", "ms", "target"],
            [
                ["typical query (median)", _ms(med), verdict_med],
                ["95th percentile", _ms(p95), "PASS" if p95 < TARGET_MS else "FAIL"],
                [f"slowest ({worst['case']})", _ms(worst["median_ms"]), verdict_all],
            ],
        )
    )
    print(
        f"{len(over)} of {len(ours) + len(failed)} queries at or over {TARGET_MS:g} ms"
        + (f"; {len(failed)} did not finish" if failed else "")
        + (": " + ", ".join(r["case"] for r in over[:12]) if over else "")
        + (" ..." if len(over) > 12 else "")
    )
    return {
        "queries": len(ours) + len(failed),
        "median_ms": med,
        "p95_ms": p95,
        "max_ms": worst["median_ms"],
        "max_case": worst["case"],
        "over_target": [r["case"] for r in over],
        "target_ms": TARGET_MS,
        "verdict_median": verdict_med,
        "verdict_every_query": verdict_all,
    }


def overall_table(results: list[dict[str, Any]], engines: list[str]) -> str:
    """Groups x engines: median ratio to ours [finished / run]."""
    groups = list(dict.fromkeys(r["group"] for r in results))
    header = ["group", "ours ms (median)", "ours_mp ms (median)"]
    header += [e for e in engines if e not in ("ours", "ours_mp")]
    body = []
    for g in groups:
        rows = [r for r in results if r["group"] == g]
        cells = [g]
        for ref in ("ours", "ours_mp"):
            mine = [r for r in rows if r["engine"] == ref]
            ok = [r["median_ms"] for r in mine if r["status"] == "ok"]
            cells.append(f"{_ms(_median(ok))} [{len(ok)}/{len(mine)}]" if mine else "")
        for e in header[3:]:
            mine = [r for r in rows if r["engine"] == e]
            ok = [r for r in mine if r["status"] == "ok"]
            ratios = [r["ratio"] for r in ok if r.get("ratio") is not None]
            cells.append(f"{_ratio(_median(ratios))} [{len(ok)}/{len(mine)}]" if mine else "")
        body.append(cells)
    return table(header, body)


def run_bbm(args: argparse.Namespace, runner: Runner, engines: list[str], notes: list[str]) -> None:
    """The bbm group: BBM models with inputs free and fixed to 0, ours against AEON, biobalm
    and (most-permissive) mpbn, within ``--limit`` seconds per query; no case is skipped."""
    cases, more = bbm_cases(
        args.bbm_dir, sample=args.sample, max_nodes=args.max_nodes, seed=args.seed
    )
    notes += more
    for note in more:
        print(note)
    if not cases:
        return
    saved = args.timeout
    if args.limit is not None:
        args.timeout = args.limit
    try:
        runner.run_group(cases, engines, timeouts_before_skip=None)
    finally:
        args.timeout = saved
    rows = [r for r in runner.results if r["group"] == "bbm"]
    annotate(rows)
    models = len({c.tags["file"] for c in cases})
    limit = args.limit if args.limit is not None else args.timeout
    for family, title in (("free", "inputs free"), ("fixed", "inputs fixed to 0")):
        sub = [r for r in rows if r["family"] == family]
        print(
            f"\n== bbm ({args.bbm_dir}): {models} models, {title}; {limit:g} s per query; "
            f"ratio = tool ms / ours ms ==",
        )
        print(table(BBM_HEADER, bbm_summary_rows(sub, engines)))
    print_cases(rows, engines)


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in ("mtor-network", "biodivine-aeon", "biobalm", "mpbn", "clingo", "pyboolnet"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = "not installed"
    return out


# ---- main -------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Time attractor search: mtor_network against biodivine-aeon, biobalm, "
        "pyboolnet and mpbn on the flagship, the pyboolnet repository, the reference models "
        "and random networks; and our screen against a plain loop.",
    )
    p.add_argument("--quick", action="store_true", help="a subset (about 3 minutes on 2 cores)")
    p.add_argument(
        "--groups",
        default=",".join(ALL_GROUPS),
        help=f"comma-separated subset of {','.join(ALL_GROUPS)} (default: all)",
    )
    p.add_argument(
        "--engines",
        default=",".join(ENGINES),
        help=f"comma-separated subset of {','.join(ENGINES)} (default: all)",
    )
    p.add_argument("--timeout", type=float, help="seconds per query (default 3 quick, 10 full)")
    p.add_argument(
        "--pyboolnet-timeout",
        type=float,
        help="seconds per pyboolnet asynchronous (NuSMV) query (default 3 quick, 10 full)",
    )
    p.add_argument("--repeats", type=int, help="timed runs per query (default 3 quick, 5 full)")
    p.add_argument(
        "--budget",
        type=float,
        help="repeat a query only while its total stays under this many seconds; at least one "
        "run (default 0.3 quick, 0.5 full)",
    )
    p.add_argument(
        "--flagship-budget",
        type=float,
        default=0.05,
        help="--budget for the flagship's many knockouts: engines slower than this run once a "
        "case, the median over hundreds of cases carries the statistics (default 0.05)",
    )
    p.add_argument(
        "--doubles",
        type=int,
        help="seeded sample of flagship double knockouts (default 20 quick, all 820 full)",
    )
    p.add_argument(
        "--query-pairs",
        type=int,
        help="query group: seeded sample of the drug x genotype queries (default 30 quick, all "
        "full)",
    )
    p.add_argument(
        "--query-budget",
        type=float,
        default=0.05,
        help="query group: --budget per query (default 0.05 s: fast engines repeat, slow ones "
        "run once)",
    )
    p.add_argument(
        "--query-engines",
        default=",".join(QUERY_ENGINES),
        help=f"query group: comma-separated subset of {','.join(QUERY_ENGINES)}",
    )
    p.add_argument(
        "--pyboolnet-sample",
        type=int,
        help="flagship cases given to pyboolnet's NuSMV search, a seeded sample "
        "(default 4 quick, 12 full)",
    )
    p.add_argument("--seed", type=int, default=2024, help="seed of every sample and network")
    p.add_argument(
        "--reference-dir",
        type=Path,
        default=HERE.parent.parent / "shared" / "reference-models",
        help="the published models (default ../shared/reference-models)",
    )
    p.add_argument(
        "--bbm-dir",
        type=Path,
        default=HERE.parent.parent / "shared" / "bbm",
        help="bbm group: the Biodivine Boolean Models corpus (default ../shared/bbm)",
    )
    p.add_argument(
        "--sample",
        type=int,
        help="bbm group: a seeded sample of this many models (default: every model)",
    )
    p.add_argument(
        "--max-nodes",
        type=int,
        help="bbm group: only models of at most this many nodes, inputs included",
    )
    p.add_argument(
        "--limit",
        type=float,
        help="bbm group: seconds per query (default --timeout)",
    )
    p.add_argument(
        "--out",
        type=Path,
        help="output prefix for .csv and .json (default benchmarks/results/run-quick|full)",
    )
    args = p.parse_args(argv)
    q = args.quick
    for name, quick_value, full_value in (
        ("timeout", 3.0, 10.0),
        ("pyboolnet_timeout", 3.0, 10.0),
        ("repeats", 3, 5),
        ("budget", 0.3, 0.5),
        ("doubles", 20, None),
        ("query_pairs", 30, None),
        ("pyboolnet_sample", 4, 12),
    ):
        if getattr(args, name) is None:
            setattr(args, name, quick_value if q else full_value)
    if args.out is None:
        args.out = HERE / "results" / ("run-quick" if q else "run-full")
    args.groups = [g.strip() for g in args.groups.split(",") if g.strip()]
    args.engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    args.query_engines = [e.strip() for e in args.query_engines.split(",") if e.strip()]
    for e in args.query_engines:
        if e not in QUERY_ENGINES:
            p.error(f"unknown query engine {e!r}; choose among {', '.join(QUERY_ENGINES)}")
    for g in args.groups:
        if g not in ALL_GROUPS:
            p.error(f"unknown group {g!r}")
    for e in args.engines:
        if e not in ENGINES:
            p.error(f"unknown engine {e!r}")
    for ref in ("ours", "ours_mp"):
        if ref not in args.engines:
            args.engines.insert(0 if ref == "ours" else len(args.engines), ref)
    args.engines = [e for e in ENGINES if e in args.engines]  # fixed column order
    if args.repeats < 1:
        p.error("--repeats must be at least 1")
    for name in ("sample", "max_nodes"):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.limit is not None and args.limit <= 0:
        p.error("--limit must be a number of seconds > 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    load = os.getloadavg()
    vers = versions()
    info: dict[str, Any] = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": load,
        "versions": vers,
        "mode": "quick" if args.quick else "full",
        "arguments": {k: str(v) for k, v in vars(args).items()},
    }
    print(
        f"{info['date']} | {info['platform']} | {info['cpus']} CPUs, load "
        + " ".join(f"{x:.1f}" for x in load)
    )
    print(" | ".join(f"{k} {v}" for k, v in vers.items()))
    print(
        f"mode {info['mode']}: median of up to {args.repeats} runs per query within "
        f"{args.budget:g} s; limit {args.timeout:g} s per query "
        f"({args.pyboolnet_timeout:g} s for pyboolnet's NuSMV search)"
    )
    print("ratio = tool ms / our ms on the same case and question (async: vs ours; MP: vs ours_mp)")
    print("'only tool/only ours': cases only the tool finished / only ours finished")
    for engine in args.engines:
        print(f"  {engine:<13} {ENGINES[engine][0]:<16} {ENGINES[engine][1]}")

    runner = Runner(args)
    report: dict[str, Any] = {"info": info}
    notes: list[str] = []
    engines = args.engines
    try:
        if "flagship" in args.groups:
            cases, flagship_nodes = flagship_cases(args.quick, args.doubles, args.seed)
            import random

            rng = random.Random(args.seed + 1)
            names = [c.name for c in cases]
            sample = set(names[:1])  # the wild type, then a seeded sample of the rest
            sample |= set(rng.sample(names[1:], min(len(names) - 1, args.pyboolnet_sample - 1)))
            runner.run_group(
                cases,
                engines,
                timeouts_before_skip=None,
                only={"pyboolnet": sample},
                budget=args.flagship_budget,
            )
            rows = [r for r in runner.results if r["group"] == "flagship"]
            annotate(rows)
            kinds = {c.name: c.tags["kind"] for c in cases}
            n_single = sum(k == "single" for k in kinds.values())
            n_double = sum(k == "double" for k in kinds.values())
            print_summary(
                f"flagship hr_breast_cancer ({len(flagship_nodes)} nodes): wild type, "
                f"{n_single} single and "
                f"{n_double} double knockouts; pyboolnet (NuSMV) on a sample of {len(sample)}",
                rows,
                engines,
            )
            for kind in ("single", "double"):
                sub = [r for r in rows if kinds[r["case"]] == kind]
                print_summary(f"flagship, {kind} knockouts only", sub, engines)
            report["latency"] = latency_report(rows)
            slow = sorted(
                (r for r in rows if r["engine"] == "ours" and r["status"] == "ok"),
                key=lambda r: -r["median_ms"],
            )[:10]
            slow_names = {r["case"] for r in slow}
            print("\nthe 10 slowest flagship queries for ours (ms, ratio tool/ours):")
            print_cases(
                sorted(
                    (r for r in rows if r["case"] in slow_names),
                    key=lambda r: [s["case"] for s in slow].index(r["case"]),
                ),
                engines,
            )
        if "query" in args.groups:
            report["query"] = run_queries(args)
        if "repository" in args.groups:
            cases, more = repository_cases(args.quick)
            notes += more
            runner.run_group(cases, engines, timeouts_before_skip=2)
            rows = [r for r in runner.results if r["group"] == "repository"]
            annotate(rows)
            print_summary(f"pyboolnet repository: {len(cases)} models, inputs free", rows, engines)
            print_cases(rows, engines)
        if "reference" in args.groups:
            cases, more = reference_cases(args.reference_dir, args.quick)
            notes += more
            for note in more:
                print(note)
            if cases:
                runner.run_group(cases, engines, timeouts_before_skip=1)
                rows = [r for r in runner.results if r["group"] == "reference"]
                annotate(rows)
                print_summary(
                    f"reference models ({args.reference_dir}): {len(cases)} cases", rows, engines
                )
                print_cases(rows, engines)
        if "random" in args.groups:
            cases = random_cases(args.quick, args.seed)
            runner.run_group(cases, engines, timeouts_before_skip=1)
            rows = [r for r in runner.results if r["group"] == "random"]
            annotate(rows)
            print_summary(
                f"random N-K networks (nested canalising functions, seed {args.seed})",
                rows,
                engines,
            )
            print_cases(rows, engines)
        if "bbm" in args.groups:
            run_bbm(args, runner, [e for e in engines if e in BBM_ENGINES], notes)
    finally:
        runner.close()

    if "screens" in args.groups:
        from _screens import run_screens

        report["screens"] = run_screens(args, runner.results)

    print("\n== all groups: ratio tool/ours (median over cases) [finished/run] ==")
    print(overall_table(runner.results, engines))
    restarts = {e: w.restarts for e, w in runner.workers.items() if w.restarts}
    broken = {e: w.broken for e, w in runner.workers.items() if w.broken}
    startup = {e: round(w.startup_s, 2) for e, w in runner.workers.items() if w.startup_s}
    print(f"worker start-up (imports + warm-up), s: {startup}")
    if restarts:
        print(f"workers restarted after a timeout or crash: {restarts}")
    if broken:
        print(f"engines that could not run: {broken}")
    diffs = [r for r in runner.results if r.get("agree") is False]
    for r in diffs:
        print(
            f"  count differs: {r['group']} {r['case']}: {r['engine']} {r['count']} "
            f"vs {REFERENCE[r['semantics']]} {r.get('ref_count')}"
        )
    for note in notes:
        print(f"note: {note}")
    elapsed = time.perf_counter() - started
    print(f"wall time: {elapsed:.0f} s")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    fields = [
        "group",
        "family",
        "case",
        "nodes",
        "engine",
        "semantics",
        "status",
        "median_ms",
        "min_ms",
        "runs",
        "load_ms",
        "count",
        "ref_count",
        "ratio",
        "agree",
        "note",
    ]
    with open(args.out.with_suffix(".csv"), "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        for r in runner.results:
            extra = {}
            if r.get("times_ms"):
                extra = {"min_ms": min(r["times_ms"]), "runs": len(r["times_ms"])}
            writer.writerow({**r, **extra})
    report.update(
        results=runner.results,
        restarts=restarts,
        broken=broken,
        worker_startup_s=startup,
        notes=notes,
        elapsed_s=elapsed,
    )
    with open(args.out.with_suffix(".json"), "w", encoding="utf-8") as fh:
        json.dump(report, fh, indent=1, default=str)
        fh.write("\n")
    print(f"wrote {args.out.with_suffix('.csv')} and {args.out.with_suffix('.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
