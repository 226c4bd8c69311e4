"""Stochastic asynchronous simulation (:mod:`mtor_network.simulation`).

Three kinds of evidence:

1. exact results: a two-state node and a toggle switch, whose probabilities over time and
   absorption probabilities have closed forms;
2. MaBoSS itself (the ``cmaboss`` engine) on the same network, rates and initial distribution:
   a small model with an oscillating loop, unequal up/down rates and a constant node, and the
   flagship under everolimus with slow and fast nodes;
3. the published stochastic simulations of Zañudo, Scaltriti & Albert 2017 (Cancer Convergence
   1:5), rerun from the authors' rules, initial state, slow/fast nodes and read-out weights in
   ``../shared`` and compared with the numbers their own Java program wrote.

Statistical tolerances: a probability p estimated from N runs has standard error
sqrt(p(1-p)/N); two independent estimates agree if they differ by less than 4 combined standard
errors (a two-sided 4-sigma test: a false alarm once in ~16,000 comparisons). All seeds are
fixed, so every test is deterministic.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from mtor_network import BooleanNetwork
from mtor_network.analysis.phenotypes import classify
from mtor_network.exceptions import MtorNetworkError, UnknownNameError
from mtor_network.export.simulation import (
    simulation_csv,
    simulation_json,
    simulation_tsv,
    write_simulation,
)
from mtor_network.expressions import evaluate
from mtor_network.perturbations import knockout, overexpress
from mtor_network.phenotypes import PHENOTYPES
from mtor_network.simulation import SCHEMES, Readout, SimulationError, simulate

SIGMAS = 4.0


def agree(p: float, q: float, n_p: int, n_q: int, floor: float = 0.0) -> bool:
    """Two independent binomial estimates agree within SIGMAS combined standard errors (the
    floor avoids a zero tolerance where both are exactly 0 or 1)."""
    p, q = min(max(float(p), 0.0), 1.0), min(max(float(q), 0.0), 1.0)
    se = math.sqrt(p * (1 - p) / n_p + q * (1 - q) / n_q)
    return abs(p - q) <= SIGMAS * se + max(floor, 1.0 / min(n_p, n_q))


def toy(rules: dict[str, str]) -> BooleanNetwork:
    from mtor_network.expressions import parse_expression

    return BooleanNetwork.create("toy", {k: parse_expression(v) for k, v in rules.items()})


# ---------------------------------------------------------------------------------------------
# exact results
# ---------------------------------------------------------------------------------------------
def test_two_state_node_follows_the_master_equation() -> None:
    """A = !A with rates up a, down d: P(A)(t) = a/(a+d) + (P0 - a/(a+d)) exp(-(a+d) t)."""
    a, d, runs = 2.0, 0.5, 20000
    net = toy({"A": "!A"})
    result = simulate(
        net, initial={"A": 0}, rates={"A": (a, d)}, runs=runs, max_time=2.0, time_points=9
    )
    expected = a / (a + d) * (1 - np.exp(-(a + d) * result.times))
    observed = result.node_probability("A")
    se = np.sqrt(expected * (1 - expected) / runs)
    assert np.all(np.abs(observed - expected) <= SIGMAS * se + 1e-12), (observed, expected)
    assert observed[0] == 0.0


@pytest.mark.parametrize("scheme", SCHEMES)
def test_toggle_switch_absorption_probabilities(scheme: str) -> None:
    """A = !B, B = !A from a uniform start: (1,0) is reached from (1,0) itself, from (0,0) when A
    switches on first (uA/(uA+uB)) and from (1,1) when B switches off first (dB/(dA+dB)). Both
    schemes share the jump chain, so both must give this."""
    ua, da, ub, db, runs = 3.0, 1.0, 1.0, 2.0, 20000
    net = toy({"A": "!B", "B": "!A"})
    result = simulate(
        net,
        rates={"A": (ua, da), "B": (ub, db)},
        runs=runs,
        max_time=50.0,
        seed=7,
        scheme=scheme,  # type: ignore[arg-type]
    )
    expected = 0.25 + 0.25 * ua / (ua + ub) + 0.25 * db / (da + db)
    final = dict((tuple(s.values()), p) for s, p in result.final_state_probabilities(["A", "B"]))
    assert set(final) == {(1, 0), (0, 1)}  # every run reached a fixed point
    assert agree(final[(1, 0)], expected, runs, 10**9)


def test_seed_makes_runs_reproducible(flagship: BooleanNetwork) -> None:
    a = simulate(flagship, runs=300, max_time=5, seed=11)
    b = simulate(flagship, runs=300, max_time=5, seed=11)
    c = simulate(flagship, runs=300, max_time=5, seed=12)
    assert np.array_equal(a.final_states, b.final_states)
    assert np.array_equal(a.node_probabilities, b.node_probabilities)
    assert not np.array_equal(a.final_states, c.final_states)


def test_batches_cover_every_run(flagship: BooleanNetwork, monkeypatch) -> None:
    import mtor_network.simulation as sim

    monkeypatch.setattr(sim, "BATCH", 64)
    result = simulate(flagship, runs=150, max_time=3)
    assert result.final_states.shape == (150, len(flagship))
    assert np.allclose(result.node_probabilities[-1], result.final_states.mean(axis=0))


# ---------------------------------------------------------------------------------------------
# settings
# ---------------------------------------------------------------------------------------------
def test_initial_values_probabilities_and_groups() -> None:
    net = toy({"A": "A", "B": "B", "C": "C", "D": "D", "E": "E"})
    runs = 20000
    result = simulate(
        net,
        initial={"A": 1, "B": 0, "C": 0.2, ("D", "E"): 1 / 3},
        runs=runs,
        max_time=1,
        seed=3,
    )
    first = result.node_probabilities[0]
    assert first[0] == 1.0 and first[1] == 0.0
    assert agree(first[2], 0.2, runs, 10**9)
    assert agree(first[3], 1 / 3, runs, 10**9)
    d, e = result.final_states[:, 3], result.final_states[:, 4]
    assert np.array_equal(d, e)  # one draw for the group: the nodes start (and stay) equal
    assert np.allclose(result.node_probabilities, result.node_probabilities[0])  # inputs hold


@pytest.fixture(scope="module")
def v1() -> BooleanNetwork:
    """Model 1.0.0, frozen: tests of the simulator that name its nodes and settings do not
    follow the flagship's rebuild."""
    from mtor_network import load_network

    return load_network("hr_breast_cancer_v1")


def test_uniform_default_and_perturbed_nodes_start_fixed(v1: BooleanNetwork) -> None:
    net = v1.perturb(knockout("AKT"), overexpress("FOXO3"))
    result = simulate(net, runs=2000, max_time=4, seed=5)
    assert np.all(result.node_probability("AKT") == 0.0)
    assert np.all(result.node_probability("FOXO3") == 1.0)
    assert result.perturbations == ("AKT_ko", "FOXO3_oe")
    start = result.node_probabilities[0]
    free = [i for i, n in enumerate(result.nodes) if n not in ("AKT", "FOXO3")]
    assert np.all(np.abs(start[free] - 0.5) <= SIGMAS * math.sqrt(0.25 / 2000))


def test_slow_fast_and_explicit_rates(flagship: BooleanNetwork) -> None:
    only_slow = simulate(flagship, slow=["ER", "MYC"], fast_ratio=4, runs=1, max_time=1)
    assert only_slow.rates["ER"] == (1.0, 1.0) and only_slow.rates["AKT"] == (4.0, 4.0)
    only_fast = simulate(flagship, fast=["AKT"], runs=1, max_time=1)
    assert only_fast.rates["AKT"] == (5.0, 5.0) and only_fast.rates["ER"] == (1.0, 1.0)
    both = simulate(
        flagship, slow=["ER"], fast=["AKT"], rates={"MYC": (2, 0.5), "ER": 3}, runs=1, max_time=1
    )
    assert both.rates["MYC"] == (2.0, 0.5) and both.rates["ER"] == (3.0, 3.0)
    assert both.rates["PIP3"] == (1.0, 1.0)


def test_zero_rate_freezes_a_direction() -> None:
    net = toy({"A": "1", "B": "0"})
    result = simulate(
        net, initial={"A": 0, "B": 1}, rates={"A": (0, 1), "B": (1, 0)}, runs=200, max_time=5
    )
    assert result.final_node_probabilities == {"A": 0.0, "B": 1.0}


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"initial": {"A": 1.5}}, "probability in \\[0, 1\\]"),
        ({"initial": {"A": "on"}}, "probability"),
        ({"initial": "random"}, "'uniform'"),
        ({"initial": {"A": 1, ("A", "B"): 0.5}}, "A given twice"),
        ({"initial": {("B", "B"): 0.5}}, "B given twice"),
        ({"rates": {"A": -1}}, ">= 0"),
        ({"rates": {"A": (1, 2, 3)}}, "one rate or \\(up, down\\)"),
        ({"rates": {"A": float("nan")}}, ">= 0"),
        ({"slow": ["A"], "fast": ["A"]}, "both slow and fast: A"),
        ({"fast_ratio": 0}, "fast_ratio"),
        ({"scheme": "gillespie"}, "continuous, random_order"),
        ({"runs": 0}, "positive integer"),
        ({"max_time": -1}, "positive number"),
        ({"time_points": 1}, "at least 2"),
        ({"time_points": [0, 2, 1]}, "strictly increasing"),
        ({"time_points": [0, 99]}, "within \\[0, max_time"),
    ],
)
def test_bad_settings_raise_simulation_errors(kwargs: dict, match: str) -> None:
    net = toy({"A": "!A", "B": "A"})
    with pytest.raises(SimulationError, match=match):
        simulate(net, runs=kwargs.pop("runs", 10), max_time=kwargs.pop("max_time", 1), **kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"initial": {"X": 1}},
        {"initial": {("A", "Y"): 0.5}},
        {"rates": {"Q": 1}},
        {"slow": ["Z"]},
        {"readouts": {"r": {"W": 1.0}}},
    ],
)
def test_unknown_nodes_are_named(kwargs: dict) -> None:
    net = toy({"A": "!A", "B": "A"})
    with pytest.raises(UnknownNameError):
        simulate(net, runs=10, max_time=1, **kwargs)


def test_errors_share_the_library_root() -> None:
    assert issubclass(SimulationError, MtorNetworkError)
    with pytest.raises(SimulationError, match="unknown combine 'mean'"):
        Readout({"A": 1.0}, "mean")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# read-outs, phenotypes, exports, figure
# ---------------------------------------------------------------------------------------------
def test_readouts_phenotypes_and_final_states_agree(flagship: BooleanNetwork) -> None:
    weights = {"PROLIFERATION": 1.0, "MYC": 0.5, "E2F": 0.25}
    result = simulate(
        flagship,
        runs=1500,
        max_time=6,
        seed=2,
        readouts={"sum": weights, "max": Readout(weights, "max")},
    )
    idx = [result.nodes.index(n) for n in weights]
    w = np.array(list(weights.values()))
    on = result.final_states[:, idx]
    assert result.final_readouts["sum"] == pytest.approx((on * w).sum(axis=1).mean())
    assert result.final_readouts["max"] == pytest.approx(np.where(on, w, 0).max(axis=1).mean())
    # the vectorised phenotypes are classify() applied to each final state
    counts = dict.fromkeys(PHENOTYPES, 0)
    for row in result.final_states:
        counts[
            classify(
                dict(zip(result.nodes, row.astype(int).tolist(), strict=True)), flagship.phenotypes
            )
        ] += 1
    for p in PHENOTYPES:
        assert result.final_phenotype_probabilities[p] == pytest.approx(counts[p] / 1500)
    assert np.allclose(result.phenotype_probabilities.sum(axis=1), 1.0)
    assert result.readout_errors["sum"][-1] == pytest.approx(
        (on * w).sum(axis=1).std(ddof=1) / math.sqrt(1500)
    )


def test_model_without_markers_is_unknown() -> None:
    result = simulate(toy({"A": "!A"}), runs=50, max_time=1)
    assert np.all(result.phenotype_probability("unknown") == 1.0)


def test_exports(flagship: BooleanNetwork, tmp_path: Path) -> None:
    result = simulate(
        flagship.perturb(flagship.drugs["alpelisib"]),
        runs=200,
        max_time=4,
        time_points=5,
        readouts={"growth": {"PROLIFERATION": 1.0}},
    )
    text = simulation_csv(result, tmp_path / "sim.csv")
    assert (tmp_path / "sim.csv").read_text() == text
    assert text.startswith("# model: hr_breast_cancer\n")  # settings first, as comments
    body = "".join(ln for ln in text.splitlines(keepends=True) if not ln.startswith("#"))
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 5 and float(rows[-1]["time"]) == 4.0
    assert float(rows[-1]["phenotype:proliferative"]) == pytest.approx(
        result.final_phenotype_probabilities["proliferative"]
    )
    assert float(rows[2]["node:AKT"]) == pytest.approx(result.node_probability("AKT")[2])
    assert "readout:growth" in rows[0] and "readout_se:growth" in rows[0]
    frame = result.to_frame()
    assert frame.shape == (5, len(result.columns()))
    data = json.loads(simulation_json(result, tmp_path / "sim.json"))
    assert data["perturbations"] == ["alpelisib"] and data["runs"] == 200
    assert data["final"]["phenotypes"] == result.final_phenotype_probabilities
    assert json.loads((tmp_path / "sim.json").read_text()) == data


def test_write_simulation_picks_the_format_from_the_suffix(tmp_path: Path) -> None:
    result = simulate(toy({"A": "!A"}), runs=5, max_time=1, time_points=3, seed=2)
    stamp = "2026-01-01T00:00:00+00:00"
    assert write_simulation(result, tmp_path / "s.CSV") == "csv"
    assert write_simulation(result, tmp_path / "s.tsv") == "tsv"
    assert write_simulation(result, tmp_path / "s.json") == "json"

    def strip(text: str) -> list[str]:  # the files state their own time
        return [ln for ln in text.splitlines() if not ln.startswith("# generated")]

    assert strip((tmp_path / "s.CSV").read_text()) == strip(simulation_csv(result, generated=stamp))
    assert strip((tmp_path / "s.tsv").read_text()) == strip(simulation_tsv(result, generated=stamp))
    assert "\t" in (tmp_path / "s.tsv").read_text()
    assert json.loads((tmp_path / "s.json").read_text()) == json.loads(simulation_json(result))
    with pytest.raises(SimulationError, match=r"unknown output format '\.txt'"):
        write_simulation(result, tmp_path / "s.txt")
    assert not (tmp_path / "s.txt").exists()


def test_figure(flagship: BooleanNetwork) -> None:
    from mtor_network.viz.simulation import simulation_figure

    result = simulate(flagship, runs=200, max_time=4, readouts={"g": {"MYC": 2.0}})
    figure = simulation_figure(result, nodes=["AKT"])
    names = [t.name for t in figure.data if t.showlegend is not False]
    assert "P(proliferative)" in names and "g" in names and "P(AKT on)" in names
    assert "P(unknown)" not in names
    assert figure.layout.yaxis.range[1] >= float(result.readouts["g"].max())
    line = next(t for t in figure.data if t.name == "P(proliferative)")
    assert np.allclose(line.y, result.phenotype_probability("proliferative"))


# ---------------------------------------------------------------------------------------------
# command line
# ---------------------------------------------------------------------------------------------
def _cli(argv: list[str]) -> int:
    from mtor_network.cli import simulate as cli_simulate
    from mtor_network.cli._common import Parser as _Parser

    parser = _Parser(prog="mtor-network")
    cli_simulate.register(parser.add_subparsers(dest="command", parser_class=_Parser))
    args = parser.parse_args(["simulate", *argv])
    return int(args.handler(args))


def test_cli_table_csv_json_and_figure(tmp_path: Path, capsys) -> None:
    argv = ["--drug", "alpelisib", "--runs", "300", "--max-time", "5", "--node", "AKT"]
    assert _cli([*argv, "--readout", "growth=PROLIFERATION:1,MYC:0.5"]) == 0
    out = capsys.readouterr().out
    assert "perturbations: alpelisib" in out and "P(proliferative)" in out and "growth" in out
    assert "at t = 5" in out and "P(AKT on)" in out
    assert _cli([*argv, "--format", "csv", "-o", str(tmp_path / "a.csv")]) == 0
    body = [ln for ln in (tmp_path / "a.csv").read_text().splitlines() if not ln.startswith("#")]
    assert body[0].startswith("time,phenotype:proliferative")
    assert _cli([*argv, "--format", "json", "--figure", str(tmp_path / "f.html")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["runs"] == 300 and data["scheme"] == "continuous"
    assert "plotly" in (tmp_path / "f.html").read_text()


SIM_ARGS = ["simulate", "--drug", "alpelisib", "--runs", "60", "--max-time", "2", "--points", "5"]


def _read_back(path: Path, fmt: str) -> tuple[list[str], list[float], dict[str, str]]:
    """Columns, the last row and the settings of a simulation file written as ``fmt``."""
    if fmt in ("csv", "tsv"):
        text = path.read_text()
        meta = dict(ln[2:].split(": ", 1) for ln in text.splitlines() if ln.startswith("# "))
        body = [ln for ln in text.splitlines() if not ln.startswith("#")]
        rows = list(csv.reader(body, delimiter="," if fmt == "csv" else "\t"))
        return rows[0], [float(v) for v in rows[-1]], meta
    if fmt == "json":
        data = json.loads(path.read_text())
        cols = ["time", *[f"phenotype:{p}" for p in data["phenotypes"]]]
        last = [data["times"][-1], *[v[-1] for v in data["phenotypes"].values()]]
        return cols, last, {"model": data["model"], "runs": str(data["runs"])}
    if fmt == "parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        meta = json.loads(table.schema.metadata[b"mtor_network"])
        return table.column_names, [table[c][-1].as_py() for c in table.column_names], meta
    from openpyxl import load_workbook

    book = load_workbook(path)
    rows = list(book["simulation"].iter_rows(values_only=True))
    meta = {str(k): str(v) for k, v in book["settings"].iter_rows(values_only=True)}
    return [str(c) for c in rows[0]], [float(v) for v in rows[-1]], meta


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "parquet", "xlsx"])
def test_cli_output_format_comes_from_the_suffix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    from mtor_network.cli import main

    target = tmp_path / f"sim.{fmt}"
    assert main([*SIM_ARGS, "-o", str(target)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip().splitlines() == [f"wrote {target} ({fmt})"]
    cols, last, meta = _read_back(target, fmt)
    assert cols[:2] == ["time", "phenotype:proliferative"]
    assert last[0] == 2.0 and 0.0 <= last[1] <= 1.0
    assert meta["model"] == "hr_breast_cancer" and meta["runs"] == "60"
    if fmt in ("csv", "parquet", "xlsx", "tsv"):
        assert meta["perturbations"] == "alpelisib"


def test_cli_table_to_a_txt_file_and_an_unknown_suffix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mtor_network.cli import main

    assert main([*SIM_ARGS, "-o", str(tmp_path / "sim.txt")]) == 0
    assert "P(proliferative)" in (tmp_path / "sim.txt").read_text()
    capsys.readouterr()
    assert main([*SIM_ARGS, "-o", str(tmp_path / "sim.xls")]) == 2
    err = capsys.readouterr().err
    assert "unknown format '.xls'" in err
    for known in (".csv", ".tsv", ".json", ".parquet", ".xlsx", ".txt"):
        assert known in err
    assert not (tmp_path / "sim.xls").exists()
    assert main([*SIM_ARGS, "--format", "csv", "-o", str(tmp_path / "sim.parquet")]) == 2
    assert "does not match" in capsys.readouterr().err
    assert main([*SIM_ARGS, "--format", "parquet"]) == 2
    assert "give --output FILE.parquet" in capsys.readouterr().err


def test_cli_figure_embeds_plotly_js(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mtor_network.cli import main

    figure = tmp_path / "f.html"
    assert main([*SIM_ARGS, "--figure", str(figure)]) == 0
    assert f"wrote {figure}" in capsys.readouterr().err
    html = figure.read_text()
    assert '<script src="https://cdn.plot.ly' not in html and "<script src=" not in html
    assert len(html) > 1_000_000  # plotly.js itself is inside (about 4.5 MB)


def test_csv_metadata_lines_are_formula_safe() -> None:
    result = simulate(toy({"A": "!A"}), runs=5, max_time=1, time_points=3)
    result = replace(result, model='x,=HYPERLINK("http://e")', perturbations=("@evil",))
    for row in csv.reader(io.StringIO(simulation_csv(result))):
        for cell in row:
            assert not cell.startswith(("=", "+", "@")), cell
    assert '=HYPERLINK(""http://e"")' in simulation_csv(result)


def test_cli_options_reach_the_simulation(capsys) -> None:
    argv = [
        "--runs", "50", "--max-time", "2", "--format", "json", "--scheme", "random_order",
        "--initial", "ER=1", "--initial", "MYC+CCND1=0.3", "--rate", "AKT=2,0.5",
        "--slow", "ER,MYC", "--fast-ratio", "3",
        "--readout-max", "levels=E2F:0.5,PROLIFERATION:1",
    ]  # fmt: skip
    assert _cli(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scheme"] == "random_order"
    assert data["rates"]["AKT"] == [2.0, 0.5] and data["rates"]["ER"] == [1.0, 1.0]
    assert data["rates"]["PIP3"] == [3.0, 3.0]
    assert data["nodes"]["ER"][0] == 1.0
    assert data["readout_definitions"]["levels"]["combine"] == "max"


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["--initial", "ER"], "NAME=VALUE"),
        (["--initial", "ER=high"], "not a number"),
        (["--rate", "AKT=1,2,3"], "UP,DOWN"),
        (["--readout", "r=AKT"], "NODE:WEIGHT"),
        (["--drug", "aspirin"], "aspirin"),
        (["--initial", "NOPE=1"], "NOPE"),
    ],
)
def test_cli_bad_input_raises_library_errors(argv: list[str], match: str) -> None:
    with pytest.raises(MtorNetworkError, match=match):
        _cli(["--runs", "10", "--max-time", "1", *argv])


# ---------------------------------------------------------------------------------------------
# MaBoSS
# ---------------------------------------------------------------------------------------------
def _maboss_texts(network, rates, initial, settings) -> tuple[str, str]:
    from mtor_network.io.maboss import to_maboss

    return to_maboss(network, rates=rates, initial_state=initial, settings=settings)


def _window_means(values: np.ndarray, windows: int) -> np.ndarray:
    """MaBoSS reports, for each time window [k tick, (k+1) tick), the time average of the
    probability; from our values on a grid with K points per window, average by trapezoids."""
    k = (len(values) - 1) // windows
    return np.array(
        [np.trapezoid(values[w * k : (w + 1) * k + 1], axis=0) / k for w in range(windows)]
    )


def _maboss_run(bnd: str, cfg: str):
    cmaboss = pytest.importorskip("cmaboss")
    return cmaboss.MaBoSSSim(network_str=bnd, config_str=cfg).run()


def _compare_time_courses(ours, theirs, nodes, windows, runs_ours, runs_theirs) -> None:
    probs, times, names, _ = theirs.get_nodes_probtraj()
    assert len(times) == windows
    mine = _window_means(ours.node_probabilities, windows)
    bad = []
    for j, name in enumerate(names):
        i = ours.nodes.index(name)
        for w in range(windows):
            if not agree(mine[w, i], probs[w, j], runs_ours, runs_theirs):
                bad.append((name, times[w], round(mine[w, i], 4), round(probs[w, j], 4)))
    assert set(names) == set(nodes)
    assert not bad, bad


def test_maboss_agrees_on_a_small_oscillating_model() -> None:
    """An oscillating negative loop (A -> B -> C -| A) with unequal up/down rates, a node
    reading the loop and a constant: node probabilities in every MaBoSS time window agree."""
    net = toy({"A": "!C", "B": "A", "C": "B | D", "D": "!A & K", "K": "1"})
    rates = {"A": (2.0, 0.5), "B": (1.0, 3.0), "C": 1.5, "D": (0.7, 0.2), "K": (0.3, 1.0)}
    initial = {"A": 1, "B": 0.3, "K": 0}
    runs, windows, tick = 20000, 8, 0.5
    ours = simulate(
        net,
        initial=initial,
        rates=rates,
        runs=runs,
        max_time=windows * tick,
        time_points=windows * 10 + 1,
        seed=1,
    )
    bnd, cfg = _maboss_texts(
        net,
        rates,
        initial,
        {
            "max_time": windows * tick,
            "time_tick": tick,
            "sample_count": runs,
            "seed_pseudorandom": 3,
            "outputs": "all",
        },
    )
    theirs = _maboss_run(bnd, cfg)
    _compare_time_courses(ours, theirs, net.node_names, windows, runs, runs)


def test_maboss_agrees_on_the_flagship_under_everolimus(v1: BooleanNetwork) -> None:
    """The flagship (1.0.0, frozen) under everolimus with letrozole (a setting that ends in a
    fixed point), transcriptional nodes slow (rate 1) and the rest fast (rate 3), some start
    values fixed:
    the node probabilities in every time window, the phenotype probabilities (from MaBoSS's
    marker-state trajectories) and the probability of ending in each fixed point (MaBoSS's
    fixed-point table) agree."""
    net = v1.perturb(v1.drugs["everolimus"], v1.drugs["letrozole"])
    slow = ["ER", "MYC", "CCND1", "BCL2", "AREG", "E2F", "PROLIFERATION", "APOPTOSIS"]
    initial = {"PROLIFERATION": 0, "APOPTOSIS": 0, "E2": 0.8}
    runs, windows, tick = 4000, 8, 1.0
    ours = simulate(
        net,
        initial=initial,
        slow=slow,
        fast_ratio=3.0,
        runs=runs,
        max_time=windows * tick,
        time_points=windows * 10 + 1,
        seed=4,
    )
    fixed = {k: int(v) for p in net.perturbations for k, v in p.effects}
    settings = {"max_time": windows * tick, "time_tick": tick, "sample_count": runs}
    bnd, cfg = _maboss_texts(
        net, dict(ours.rates), {**initial, **fixed}, {**settings, "outputs": "all"}
    )
    theirs = _maboss_run(bnd, cfg)
    _compare_time_courses(ours, theirs, net.node_names, windows, runs, runs)

    # fixed points reached by max_time
    fp_theirs: dict[frozenset[str], float] = {}
    for prob, state in theirs.get_fp_table().values():
        on = frozenset(s.strip() for s in state.split("--") if s.strip() not in ("", "<nil>"))
        fp_theirs[on] = prob
    fp_ours: dict[frozenset[str], float] = {}
    for state, prob in ours.final_state_probabilities():
        if all(evaluate(net.rules[n].expression, state) == bool(v) for n, v in state.items()):
            fp_ours[frozenset(n for n, v in state.items() if v)] = prob
    assert sum(fp_ours.values()) > 0.5
    for key in set(fp_ours) | set(fp_theirs):
        assert agree(fp_ours.get(key, 0.0), fp_theirs.get(key, 0.0), runs, runs), sorted(key)

    # phenotypes: MaBoSS reports the marker states when only the markers are outputs
    bnd, cfg = _maboss_texts(
        net, dict(ours.rates), {**initial, **fixed}, {**settings, "outputs": "markers"}
    )
    probs, _, states, _ = _maboss_run(bnd, cfg).get_probtraj()
    markers = v1.phenotypes
    prolif = np.zeros(windows)
    apopt = np.zeros(windows)
    for j, state in enumerate(states):
        on = {s.strip() for s in state.split("--")}
        if markers.proliferation in on:
            prolif += probs[:, j]
        elif markers.apoptosis in on:
            apopt += probs[:, j]
    mine = _window_means(ours.phenotype_probabilities, windows)
    for w in range(windows):
        assert agree(mine[w, PHENOTYPES.index("proliferative")], prolif[w], runs, runs)
        assert agree(mine[w, PHENOTYPES.index("apoptotic")], apopt[w], runs, runs)


# ---------------------------------------------------------------------------------------------
# Zañudo, Scaltriti & Albert 2017
# ---------------------------------------------------------------------------------------------
ZANUDO = Path("reference-models") / "zanudo2017_er_pik3ca"

#: Final values written by the authors' program (jgtz/BreastCancerModel, commit 9ec55e0a,
#: BreastCancerSinglePerturbations.txt: 10,000 runs, alpelisib present in every row, so the
#: "Alpelisib=0" row is the untreated model): fractions with Apoptosis_3 and Proliferation ON,
#: and the weighted Apoptosis_norm and Proliferation_norm.
AUTHORS_RUNS = 10000
AUTHORS = {
    (): {"Apoptosis_3": 0.0, "Proliferation": 1.0, "apoptosis": 0.0, "proliferation": 0.5},
    ("Alpelisib",): {
        "Apoptosis_3": 0.4061,
        "Proliferation": 1.0,
        "apoptosis": 0.70305,
        "proliferation": 0.2499625,
    },
    ("Alpelisib", "Fulvestrant"): {
        "Apoptosis_3": 0.6668,
        "Proliferation": 2.0e-4,
        "apoptosis": 0.8334,
        "proliferation": 2.5e-5,
    },
    ("Alpelisib", "Everolimus"): {
        "Apoptosis_3": 0.4633,
        "Proliferation": 1.0,
        "apoptosis": 0.73165,
        "proliferation": 0.2500125,
    },
    ("Alpelisib", "Palbociclib"): {
        "Apoptosis_3": 0.4043,
        "Proliferation": 0.0,
        "apoptosis": 0.70215,
        "proliferation": 0.0,
    },
}
ZANUDO_RUNS = 4000


def _zanudo_network(folder: Path) -> BooleanNetwork:
    from mtor_network.io.booleannet import read_booleannet

    return read_booleannet(folder / "BreastCancerModel_ZanudoEtAl2017.booleannet")


def _zanudo_settings(folder: Path, names: tuple[str, ...]):
    """The authors' settings, read as their Java code reads them (NetworkSimulations.java in
    jgtz/BreastCancerModelv2):

    - initial conditions: ``node<TAB>0|1``, or ``ranStateCorrelated``: ONE draw per run,
      ``(int)(1.5 * U)`` = 1 with probability 1/3, shared by every node so marked (BIM, BIM_T,
      BCL2_T, BCL2: the "primed" state); nodes not listed start at 0;
    - slow nodes: one name a line (ER is listed twice, a no-op); every other node is fast,
      updated 5 times as often;
    - weights: first line Apoptosis, Apoptosis_2, Apoptosis_3 (0.25, 0.5, 1); second line
      Proliferation .. Proliferation_4 (0.125, 0.25, 0.5, 1); a run scores the weight of its
      highest level ON (Readout "max").
    """
    settings = folder / "sim_settings"
    initial: dict = dict.fromkeys(names, 0)
    group = []
    for line in (settings / "BreastCancerModel_ZanudoEtAl2017_InitialConditions.txt").open():
        if line.strip():
            node, value = line.split()
            if value == "ranStateCorrelated":
                group.append(node)
                del initial[node]
            else:
                initial[node] = int(value)
    initial[tuple(group)] = 1 / 3
    slow = {
        line.strip()
        for line in (settings / "BreastCancerModel_ZanudoEtAl2017_SlowFastNodes.txt").open()
        if line.strip()
    }
    weight_file = settings / "BreastCancerModel_ZanudoEtAl2017_ApoptosisProliferationWeights.txt"
    apo, prol = [[float(w) for w in line.split()] for line in weight_file.open() if line.strip()]
    readouts = {
        "apoptosis": Readout(
            dict(zip(["Apoptosis", "Apoptosis_2", "Apoptosis_3"], apo, strict=True)), "max"
        ),
        "proliferation": Readout(
            dict(zip([f"Proliferation{s}" for s in ("", "_2", "_3", "_4")], prol, strict=True)),
            "max",
        ),
    }
    return initial, slow, readouts


@pytest.fixture(scope="module")
def zanudo(shared_dir: Path):
    """Each drug combination simulated as the authors did: random-order updating, fast nodes 5x
    the slow ones, drugs fixed to 1 from the start, 20 time units (their 100 steps of
    (slow + 5 fast)/5 updates = 20 updates per slow node)."""
    folder = shared_dir / ZANUDO
    network = _zanudo_network(folder)
    initial, slow, readouts = _zanudo_settings(folder, network.node_names)
    results = {}
    for drugs in AUTHORS:
        net = network.perturb(*(overexpress(d) for d in drugs)) if drugs else network
        results[drugs] = simulate(
            net,
            initial=initial,
            slow=slow,
            fast_ratio=5.0,
            runs=ZANUDO_RUNS,
            max_time=20.0,
            time_points=21,
            seed=2017,
            scheme="random_order",
            readouts=readouts,
        )
    return results


def test_zanudo_settings_as_read(shared_dir: Path) -> None:
    folder = shared_dir / ZANUDO
    network = _zanudo_network(folder)
    assert len(network) == 80
    initial, slow, readouts = _zanudo_settings(folder, network.node_names)
    assert initial[("BIM", "BIM_T", "BCL2_T", "BCL2")] == pytest.approx(1 / 3)
    assert initial["Alpelisib"] == 0 and initial["MCL1"] == 1 and initial["HER3"] == 0
    assert len(slow) == 40 and slow <= set(network.node_names)
    assert readouts["apoptosis"].weights == {
        "Apoptosis": 0.25,
        "Apoptosis_2": 0.5,
        "Apoptosis_3": 1.0,
    }
    assert readouts["proliferation"].weights["Proliferation"] == 0.125


def test_zanudo_2017_reproduces_the_authors_numbers(zanudo) -> None:
    """Every final value the authors' own program reported (10,000 runs) for no drug,
    alpelisib, and alpelisib with fulvestrant, everolimus or palbociclib is matched within 4
    combined standard errors by 4,000 of our runs. (Their 2017 start state had mTORC2=1 where
    the shared file has 0; mTORC2 only feeds SGK1, which SGK1_T=0 keeps OFF either way.)"""
    bad = []
    for drugs, expected in AUTHORS.items():
        result = zanudo[drugs]
        for node in ("Apoptosis_3", "Proliferation"):
            ours = result.final_node_probabilities[node]
            if not agree(ours, expected[node], ZANUDO_RUNS, AUTHORS_RUNS):
                bad.append((drugs, node, ours, expected[node]))
        for name in ("apoptosis", "proliferation"):
            ours = result.final_readouts[name]
            se = float(result.readout_errors[name][-1])
            tolerance = SIGMAS * se * math.sqrt(1 + ZANUDO_RUNS / AUTHORS_RUNS) + 1e-3
            if abs(ours - expected[name]) > tolerance:
                bad.append((drugs, name, ours, expected[name]))
    assert not bad, bad


def test_zanudo_2017_drug_orderings(zanudo) -> None:
    """Qualitative claims of Zañudo, Scaltriti & Albert 2017 that the model reproduces.

    The abstract (checked with the search tool) says the model "recapitulates known resistance
    mechanisms to PI3K inhibitors" and "reveals known and novel combinatorial interventions that
    are more effective than PI3K inhibition alone"; the numbers are the authors' simulations.
    Asserted, each by more than 4 combined standard errors:

    - alpelisib alone leaves proliferation: Proliferation (level 1) stays ON in ~every run and
      the proliferation score only halves (level 3 -> level 2, ER-driven E2F);
    - proliferation: alpelisib + fulvestrant < alpelisib < no drug, and alpelisib + palbociclib
      < alpelisib (both combinations abolish it);
    - apoptosis: no drug < alpelisib < alpelisib + fulvestrant, and alpelisib < alpelisib +
      everolimus.

    Not asserted, because the model (and the authors' own output) does not show it:
    alpelisib + everolimus lowering proliferation below alpelisib alone (both score 0.25 at
    t=20; everolimus acts through apoptosis, MCL1 translation, in this model).
    """

    def prol(*d: str) -> tuple[float, float]:
        r = zanudo[d]
        return r.final_readouts["proliferation"], float(r.readout_errors["proliferation"][-1])

    def apo(*d: str) -> tuple[float, float]:
        r = zanudo[d]
        return r.final_readouts["apoptosis"], float(r.readout_errors["apoptosis"][-1])

    def less(a: tuple[float, float], b: tuple[float, float]) -> bool:
        return b[0] - a[0] > SIGMAS * math.hypot(a[1], b[1]) and b[0] > a[0]

    alpelisib = zanudo[("Alpelisib",)]
    assert alpelisib.final_node_probabilities["Proliferation"] > 0.99
    assert alpelisib.final_node_probabilities["Proliferation_2"] > 0.99
    assert prol("Alpelisib")[0] > 0.2
    assert less(prol("Alpelisib", "Fulvestrant"), prol("Alpelisib"))
    assert less(prol("Alpelisib"), prol())
    assert less(prol("Alpelisib", "Palbociclib"), prol("Alpelisib"))
    assert less(apo(), apo("Alpelisib"))
    assert less(apo("Alpelisib"), apo("Alpelisib", "Fulvestrant"))
    assert less(apo("Alpelisib"), apo("Alpelisib", "Everolimus"))
    # the time course: untreated cells stay proliferative throughout
    untreated = zanudo[()]
    assert np.all(untreated.readouts["proliferation"] == 0.5)
    assert np.all(untreated.readouts["apoptosis"] == 0.0)
    # under alpelisib apoptosis builds up over time
    course = alpelisib.readouts["apoptosis"]
    assert course[0] == 0.0 and course[5] < course[-1]


def test_zanudo_schemes_agree(zanudo, shared_dir: Path) -> None:
    """The continuous-time scheme follows the same jump chain: the same end points (the runs
    are absorbed by t=20)."""
    folder = shared_dir / ZANUDO
    network = _zanudo_network(folder)
    initial, slow, readouts = _zanudo_settings(folder, network.node_names)
    net = network.perturb(overexpress("Alpelisib"), overexpress("Fulvestrant"))
    continuous = simulate(
        net, initial=initial, slow=slow, runs=ZANUDO_RUNS, max_time=20, seed=99, readouts=readouts
    )
    random_order = zanudo[("Alpelisib", "Fulvestrant")]
    for node in ("Apoptosis_2", "Apoptosis_3", "Proliferation", "BIM", "BCL2", "ESR1"):
        assert agree(
            continuous.final_node_probabilities[node],
            random_order.final_node_probabilities[node],
            ZANUDO_RUNS,
            ZANUDO_RUNS,
        ), node


# ---- the initial condition, stated; the untreated start ----------------------------------------
def _toggle() -> BooleanNetwork:
    return BooleanNetwork.create(
        "toggle", {"S": "S", "A": "!B | S", "B": "!A & !S", "PROLIFERATION": "A"}
    )


def test_the_initial_condition_is_stated_in_the_result_and_its_files() -> None:
    from mtor_network.perturbations import Perturbation
    from mtor_network.simulation import simulate

    net = _toggle().perturb(Perturbation.of("S_ko", "knockout", {"S": 0}))
    uniform = simulate(net, runs=20, max_time=2)
    assert uniform.initial_condition.startswith("uniform: every node ON with probability 0.5")
    assert "fixed by perturbations start at their values" in uniform.initial_condition
    given = simulate(net, initial={"A": 1, ("B", "PROLIFERATION"): 0.25}, runs=20, max_time=2)
    assert given.initial_condition.startswith("given: A=1, B+PROLIFERATION=0.25")
    assert given.metadata()["initial"] == given.initial_condition
    assert given.to_dict()["initial_condition"] == given.initial_condition
    with pytest.raises(MtorNetworkError, match="'untreated'"):
        simulate(net, initial="bogus", runs=2)


def test_untreated_start_matches_the_exact_reachability_from_the_untreated_state() -> None:
    """Every trajectory ends in an attractor reachable from its start: at a late time the
    probability of a phenotype lies between the share of untreated states that reach only it
    and the share that can reach it (exact, analysis.basins)."""
    from mtor_network.analysis.basins import outcomes
    from mtor_network.perturbations import Perturbation
    from mtor_network.simulation import simulate

    base = BooleanNetwork.create(
        "switch",
        {"S": "S", "A": "!B | S", "B": "!A & !S", "C": "A & !S | C & !B",
         "PROLIFERATION": "A & C"},
    )  # fmt: skip
    ko = Perturbation.of("S_ko", "knockout", {"S": 0})
    graded = outcomes(base, [ko], reference=())
    result = simulate(base.perturb(ko), initial="untreated", runs=4000, max_time=60, seed=3)
    assert result.initial_condition.startswith("untreated: uniformly one of the")
    # the initial states are the reference's attractor states: at t=0 nothing has moved yet
    assert graded.reference_states is not None
    for p in graded.phenotypes:
        if p.reference_share is None:
            continue
        final = result.final_phenotype_probabilities[p.phenotype]
        slack = 4 * math.sqrt(0.25 / result.runs)
        assert (p.reference_strong_share or 0) - slack <= final <= p.reference_share + slack


def test_cli_start_untreated(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from mtor_network.cli import main

    model = tmp_path / "toggle.bnet"
    model.write_text("S, S\nA, !B | S\nB, !A & !S\nPROLIFERATION, A\n")
    code = main(["simulate", "--model", str(model), "--knockout", "S", "--start", "untreated",
                 "--runs", "200", "--max-time", "5"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "initial condition: untreated: uniformly one of the 2 distinct states" in out
    code = main(["simulate", "--model", str(model), "--start", "untreated", "--initial", "A=1"])
    assert code != 0
    assert "drop --initial" in capsys.readouterr().err
