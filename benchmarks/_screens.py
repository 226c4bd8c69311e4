"""Screen section of ``run.py``: our screen (``mtor_network.analysis.screens.screen``) against
a plain loop over the fastest engine, with 1 and 2 workers, and peak memory as screens grow.

Every measurement runs in a fresh child process (``python3 _screens.py JOB``) under a time
limit; the child loads the flagship, warms up with one query, then times the whole screen or
loop (building each perturbed network included) and reports its wall time, rows and memory:
its own and its children's peak resident set size (``getrusage``), and for the memory runs the
peak of Python allocations traced by ``tracemalloc``.

Run by itself, the module is that child: ``python3 _screens.py '{"kind": "loop", ...}'``.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
FLAGSHIP = "hr_breast_cancer"

# The quick run screens the double knockouts among these targets (across the pathways, with
# three of the six MAPK-branch nodes whose knockouts leave a cyclic attractor to search).
QUICK_TARGETS = (
    "ER",
    "AROMATASE",
    "EGFR",
    "HER2",
    "RAS",
    "ERK",
    "MEK",
    "PI3K",
    "PTEN",
    "AKT",
    "PDK1",
    "TSC2",
    "MTORC1",
    "MTORC2",
    "S6K1",
    "EIF4EBP1",
    "CDK46",
    "RB1",
    "E2F",
    "IGF1R",
)


def module_present() -> bool:
    """Whether ``mtor_network.analysis.screens`` exists in this installation."""
    return importlib.util.find_spec("mtor_network.analysis.screens") is not None


# ---- child side ---------------------------------------------------------------------------------


def run_screen(
    net: Any, targets: list[str] | None, order: int, workers: int, output: str
) -> dict[str, Any]:
    """Our screen: knockouts of every combination of 1..``order`` of ``targets`` (None: the
    screen's default, every node but the phenotype read-outs), streamed to ``output``."""
    from mtor_network.analysis.screens import screen

    result = screen(
        net,
        targets=targets or "all",
        order=order,
        perturb="knockout",
        workers=workers,
        output=output,
        progress=False,
    )
    return {
        "rows": result.rows_total,
        "networks_evaluated": result.networks_evaluated,
        "targets_used": len(result.settings.targets),
    }


def _combinations(targets: list[str], order: int) -> list[tuple[str, ...]]:
    """Every combination of 1..order targets, in the screen's order."""
    return [c for k in range(1, order + 1) for c in itertools.combinations(targets, k)]


def _peak_rss_kib() -> dict[str, int]:
    import resource

    return {
        "self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "children": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    }


def _child(job: dict[str, Any]) -> dict[str, Any]:
    """Run one screen or loop; return timings and memory."""
    import logging
    import tracemalloc
    import warnings

    logging.disable(logging.INFO)
    warnings.simplefilter("ignore")
    sys.path.insert(0, str(HERE))
    from mtor_network import find_attractors, knockout, load_network

    net = load_network(FLAGSHIP)
    markers = {net.phenotypes.proliferation, net.phenotypes.apoptosis}
    # the screen's default targets: every node but the phenotype read-outs
    targets = job["targets"] or [n for n in net.node_names if n not in markers]
    combos = _combinations(targets, job["order"])
    out: dict[str, Any] = {"combinations": len(combos), "targets_used": len(targets)}
    find_attractors(net)  # warm-up: imports and first call, not timed

    if job["kind"] == "loop":
        engine = job["engine"]
        if engine == "ours":

            def one(kos: tuple[str, ...]) -> int:
                return len(find_attractors(net, perturbations=[knockout(n) for n in kos]))
        else:
            from _engines import adapter
            from mtor_network.attractors._aeon import engine_bnet

            load, solve = adapter(engine)

            def one(kos: tuple[str, ...]) -> int:
                perturbed = net.perturb(*(knockout(n) for n in kos))
                return solve(load({"bnet": engine_bnet(perturbed)}))

        one(combos[0])  # warm-up
        if job.get("trace"):
            tracemalloc.start()
        t0 = time.perf_counter()
        rows = 0
        for kos in combos:
            one(kos)
            rows += 1
        out["wall_s"] = time.perf_counter() - t0
        out["rows"] = rows
    else:  # our screen
        if job.get("trace"):
            tracemalloc.start()
        t0 = time.perf_counter()
        info = run_screen(net, job["targets"] or None, job["order"], job["workers"], job["output"])
        out["wall_s"] = time.perf_counter() - t0
        out.update(info)
    if job.get("trace"):
        out["traced_peak_kib"] = tracemalloc.get_traced_memory()[1] // 1024
        tracemalloc.stop()
    out["peak_rss_kib"] = _peak_rss_kib()
    return out


# ---- runner side --------------------------------------------------------------------------------


def _spawn(job: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Run one job in a fresh process (its own session, killed at the limit)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), json.dumps(job)]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, start_new_session=True
        )
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "limit_s": timeout}
    process_s = time.perf_counter() - t0
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return {"status": "error", "error": " | ".join(tail)}
    return {"status": "ok", "process_s": process_s, **json.loads(lines[-1])}


def fastest_engine(results: list[dict[str, Any]]) -> tuple[str, str]:
    """The external asynchronous engine with the smallest total on the flagship knockouts."""
    totals: dict[str, float] = {}
    cases: dict[str, int] = {}
    for r in results:
        if r["group"] != "flagship" or r["semantics"] != "asynchronous" or r["engine"] == "ours":
            continue
        if r["engine"] == "pyboolnet":  # NuSMV ran on a sample only, seconds a case
            continue
        cases[r["engine"]] = cases.get(r["engine"], 0) + 1
        if r["status"] == "ok":
            totals[r["engine"]] = totals.get(r["engine"], 0.0) + r["median_ms"]
    complete = {e: t for e, t in totals.items() if cases.get(e) and t}
    if not complete:
        return "biobalm", "default (flagship group not run)"
    best = min(complete, key=lambda e: complete[e])
    return best, f"smallest total on the {cases[best]} flagship cases ({complete[best]:.0f} ms)"


def _kib(x: int | None) -> str:
    return "-" if x is None else f"{x / 1024:,.0f} MiB"


def run_screens(args: argparse.Namespace, results: list[dict[str, Any]]) -> dict[str, Any]:
    """The screen section: prints its tables and returns what it measured."""
    from run import _ms, table

    print("\n== screens: all flagship double knockouts, our screen vs a plain loop ==")
    if not module_present():
        print("screens: module missing (mtor_network.analysis.screens is not in this installation)")
        return {"status": "module missing"}
    engine, why = fastest_engine(results)
    quick = args.quick
    targets = list(QUICK_TARGETS) if quick else []
    limit = 600.0 if quick else 1800.0
    out: dict[str, Any] = {"status": "ok", "fastest_engine": engine, "why": why, "runs": []}
    with tempfile.TemporaryDirectory(prefix="mtor-bench-screen-") as tmp:
        jobs: list[tuple[str, dict[str, Any]]] = [
            (f"plain loop over {engine}", {"kind": "loop", "engine": engine}),
            ("plain loop over find_attractors", {"kind": "loop", "engine": "ours"}),
            ("our screen, 1 worker", {"kind": "screen", "workers": 1}),
            ("our screen, 2 workers", {"kind": "screen", "workers": 2}),
        ]
        rows: list[list[str]] = []
        base = None
        for label, job in jobs:
            job.update(targets=targets, order=2)
            job["output"] = os.path.join(tmp, f"screen-{len(rows)}.csv")
            res = _spawn(job, limit)
            out["runs"].append({"label": label, **job, **res})
            if res["status"] != "ok":
                rows.append([label, res["status"], "", "", "", "", res.get("error", "")[:60]])
                continue
            if job["kind"] == "loop" and job["engine"] == engine:
                base = res["wall_s"]
            rss = res["peak_rss_kib"]
            rows.append(
                [
                    label,
                    f"{res['wall_s']:.2f}",
                    str(res["rows"]),
                    str(res.get("networks_evaluated", res["rows"])),
                    _ms(1e3 * res["wall_s"] / max(1, res["rows"])),
                    f"{base / res['wall_s']:.2f}x" if base else "-",
                    f"{_kib(rss['self'])} + children {_kib(rss['children'])}",
                ]
            )
        print(f"fastest engine for the plain loop: {engine} ({why})")
        used = next((r.get("targets_used") for r in out["runs"] if r.get("targets_used")), "?")
        what = f"{used} targets (a subset)" if targets else f"all {used} screen targets"
        print(
            f"every single and double knockout of {what}; 'searched' = attractor searches run "
            "(the screen skips perturbed networks it has already solved); wall time excludes "
            "imports and one warm-up query, includes process-pool start-up"
        )
        print(
            table(
                [
                    "run",
                    "wall s",
                    "rows",
                    "searched",
                    "ms/row",
                    f"speed-up vs {engine} loop",
                    "peak RSS",
                ],
                rows,
            )
        )
        screen_rows = [r for r in out["runs"] if r["kind"] == "screen" and r["status"] == "ok"]
        if base and screen_rows:
            for r in screen_rows:
                verdict = "PASS" if r["wall_s"] <= base else "FAIL"
                print(
                    f"target 'no slower than the plain loop' ({r['label']}): "
                    f"{r['wall_s']:.2f} s vs {base:.2f} s -> {verdict}"
                )
        one = next((r for r in screen_rows if r["workers"] == 1), None)
        two = next((r for r in screen_rows if r["workers"] == 2), None)
        if one and two:
            verdict = "PASS" if two["wall_s"] < one["wall_s"] else "FAIL"
            print(
                f"target 'faster with 2 workers': {two['wall_s']:.2f} s vs {one['wall_s']:.2f} s "
                f"with 1 -> {verdict} (2 cores shared with other work: expect noise)"
            )

        # memory as screens grow: orders 1, 2, 3 (every combination up to that order)
        mem_targets = list(QUICK_TARGETS[: 12 if quick else 20])
        mem_rows = []
        out["memory"] = []
        for order in (1, 2, 3):
            job = {
                "kind": "screen",
                "workers": 1,
                "targets": mem_targets,
                "order": order,
                "trace": True,
                "output": os.path.join(tmp, f"memory-{order}.csv"),
            }
            res = _spawn(job, limit)
            out["memory"].append({**job, **res})
            if res["status"] != "ok":
                mem_rows.append([str(order), res["status"], "", "", "", ""])
                continue
            size = os.path.getsize(job["output"]) if os.path.exists(job["output"]) else 0
            mem_rows.append(
                [
                    str(order),
                    str(res["rows"]),
                    f"{res['wall_s']:.1f}",
                    _kib(res["peak_rss_kib"]["self"]),
                    f"{res['traced_peak_kib'] / 1024:.1f} MiB",
                    f"{size / 1024:,.0f} KiB",
                ]
            )
        print(
            f"\nmemory as the screen grows ({len(mem_targets)} targets, every combination up to "
            "the order, 1 worker, tracemalloc on):"
        )
        print(
            table(
                ["order", "rows", "wall s", "peak RSS", "peak traced", "output file"],
                mem_rows,
            )
        )
    return out


if __name__ == "__main__":
    result = _child(json.loads(sys.argv[1]))
    print(json.dumps(result))
