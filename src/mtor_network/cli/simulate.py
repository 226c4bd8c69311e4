"""The ``mtor-network simulate`` sub-command: stochastic asynchronous simulation."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..simulation import OUTPUT_FORMATS, SCHEMES, SimulationError
from ._common import add_model_option, add_perturbation_options, emit, scenario_from

if TYPE_CHECKING:
    from ..simulation import Readout, SimulationResult

_PHENOTYPE_COLUMNS = ("proliferative", "apoptotic", "quiescent")
_FORMATS = ("table", "csv", "tsv", "json", "parquet", "xlsx")
_SUFFIXES = {".txt": "table", **OUTPUT_FORMATS}


def output_format(output: str | None, requested: str | None) -> str:
    """The format to write: the suffix of ``output`` decides (``--format``, if given, must
    agree); without ``output``, ``requested`` or the table.

    Parameters
    ----------
    output
        The ``--output`` file, or None for stdout.
    requested
        The ``--format`` option, or None.

    Returns
    -------
    str
        One of ``table``, ``csv``, ``tsv``, ``json``, ``parquet``, ``xlsx``.

    Raises
    ------
    SimulationError
        An unknown suffix (the message lists the known ones), a ``--format`` that the suffix
        contradicts, or a binary format without ``--output``.
    """
    if output:
        suffix = Path(output).suffix.lower()
        fmt = _SUFFIXES.get(suffix)
        if fmt is None:
            known = ", ".join(f"{k} ({v})" for k, v in _SUFFIXES.items())
            raise SimulationError(
                f"--output {output}: unknown format {suffix or '(no suffix)'!r}; known: {known}"
            )
        if requested and requested != fmt:
            raise SimulationError(
                f"--format {requested} does not match --output {output} ({fmt}); "
                "drop --format or change the suffix"
            )
        return fmt
    fmt = requested or "table"
    if fmt in ("parquet", "xlsx"):
        raise SimulationError(f"--format {fmt} writes a binary file: give --output FILE.{fmt}")
    return fmt


def register(subparsers: Any) -> None:
    """Add the ``simulate`` sub-command to ``subparsers`` (its handler is :func:`run`)."""
    p = subparsers.add_parser(
        "simulate",
        help="stochastic asynchronous simulation: phenotype probabilities over time",
        description="Simulate many stochastic asynchronous trajectories (MaBoSS-style "
        "continuous time, or the random-order updating of Zañudo et al. 2017) and report the "
        "probability of each phenotype, of each node being ON and of weighted read-outs over "
        "time, from a stated initial condition (--start, --initial). Nodes fixed by "
        "--drug/--genotype/--knockout/... start at their fixed value.",
    )
    add_model_option(p)
    add_perturbation_options(p, drug_example="alpelisib")
    p.add_argument("--runs", type=int, default=1000, help="trajectories (default 1000)")
    p.add_argument("--max-time", type=float, default=20.0, help="end time (default 20)")
    p.add_argument(
        "--points", type=int, default=101, help="time points from 0 to max-time (default 101)"
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--scheme", choices=SCHEMES, default="continuous")
    p.add_argument(
        "--initial",
        action="append",
        default=[],
        metavar="NODE=P",
        help="start NODE at 0, 1 or ON with probability P; NODE1+NODE2=P draws once for the "
        "group; unlisted nodes start at 0 or 1 with equal probability (with --start uniform)",
    )
    p.add_argument(
        "--start",
        choices=("uniform", "untreated"),
        default="uniform",
        help="initial condition: 'uniform' (default: every node ON with probability 0.5, "
        "independently, or as --initial says) or 'untreated' (a state drawn uniformly from the "
        "attractor states of the same --environment/--genotype without drugs, knockouts or "
        "over-expressions: the untreated cell the treatment acts on); nodes fixed by the "
        "perturbations always start at their values; the output states the condition",
    )
    p.add_argument(
        "--rate",
        action="append",
        default=[],
        metavar="NODE=R[,D]",
        help="rate of NODE (or activation,inactivation rates); default 1",
    )
    p.add_argument(
        "--slow", action="append", default=[], metavar="N[,N...]", help="slow nodes (rate 1)"
    )
    p.add_argument("--fast", action="append", default=[], metavar="N[,N...]", help="fast nodes")
    p.add_argument("--fast-ratio", type=float, default=5.0, help="rate of fast nodes (default 5)")
    p.add_argument(
        "--readout",
        action="append",
        default=[],
        metavar="NAME=N:W,...",
        help="weighted read-out: sum of the weights W of the nodes N that are ON",
    )
    p.add_argument(
        "--readout-max",
        action="append",
        default=[],
        metavar="NAME=N:W,...",
        help="read-out: the largest weight among the nodes that are ON (levels X, X_2, ...)",
    )
    p.add_argument(
        "--node", action="append", default=[], metavar="N", help="also report node N's P(ON)"
    )
    p.add_argument(
        "--format",
        choices=_FORMATS,
        default=None,
        help="output format (default: from the suffix of --output, else table)",
    )
    p.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="write to FILE instead of stdout; the suffix gives the format: "
        + ", ".join(_SUFFIXES),
    )
    p.add_argument(
        "--figure", metavar="FILE.html", help="also write a plotly chart (HTML, works offline)"
    )
    p.set_defaults(handler=run)


def _split_names(values: Sequence[str]) -> list[str]:
    return [n.strip() for v in values for n in v.split(",") if n.strip()]


def _pair(text: str, option: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise SimulationError(f"{option} {text!r}: expected NAME=VALUE")
    return name.strip(), value.strip()


def _number(text: str, option: str, what: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise SimulationError(f"{option}: {what} {text!r} is not a number") from None


def parse_initial(values: Sequence[str]) -> dict[str | tuple[str, ...], float]:
    """``NODE=P`` and ``A+B=P`` options as the ``initial`` mapping of :func:`simulate`."""
    out: dict[str | tuple[str, ...], float] = {}
    for text in values:
        name, value = _pair(text, "--initial")
        p = _number(value, "--initial", "value")
        nodes = tuple(n.strip() for n in name.split("+") if n.strip())
        out[nodes[0] if len(nodes) == 1 else nodes] = p
    return out


def parse_rates(values: Sequence[str]) -> dict[str, float | tuple[float, float]]:
    """``NODE=R`` and ``NODE=UP,DOWN`` options as the ``rates`` mapping of :func:`simulate`."""
    out: dict[str, float | tuple[float, float]] = {}
    for text in values:
        name, value = _pair(text, "--rate")
        parts = [_number(v, "--rate", "rate") for v in value.split(",")]
        if len(parts) == 1:
            out[name] = parts[0]
        elif len(parts) == 2:
            out[name] = (parts[0], parts[1])
        else:
            raise SimulationError(f"--rate {text!r}: give NODE=RATE or NODE=UP,DOWN")
    return out


def parse_readouts(values: Sequence[str], combine: str) -> dict[str, Readout]:
    """``NAME=NODE:W,NODE:W`` options as read-outs."""
    from ..simulation import Readout

    option = "--readout-max" if combine == "max" else "--readout"
    out: dict[str, Readout] = {}
    for text in values:
        name, spec = _pair(text, option)
        weights: dict[str, float] = {}
        for item in spec.split(","):
            node, sep, weight = item.partition(":")
            if not sep or not node.strip():
                raise SimulationError(f"{option} {text!r}: expected NODE:WEIGHT, not {item!r}")
            weights[node.strip()] = _number(weight.strip(), option, "weight")
        out[name] = Readout(weights, "max" if combine == "max" else "sum")
    return out


def run(args: argparse.Namespace) -> int:
    """Run ``mtor-network simulate``; returns the exit status."""
    from ..export.simulation import simulation_csv, write_simulation
    from ..models import load_network
    from ..simulation import simulate

    fmt = output_format(args.output, args.format)
    network = load_network(args.model)
    perturbation = scenario_from(args, network)
    if len(perturbation):
        network = perturbation.apply(network)
    readouts: dict[str, Readout] = {}
    readouts.update(parse_readouts(args.readout, "sum"))
    readouts.update(parse_readouts(args.readout_max, "max"))
    initial: Any = parse_initial(args.initial) or None
    if args.start == "untreated":
        if initial:
            raise SimulationError("--start untreated draws every node: drop --initial")
        initial = "untreated"
    result = simulate(
        network,
        initial=initial,
        rates=parse_rates(args.rate) or None,
        slow=_split_names(args.slow) or None,
        fast=_split_names(args.fast) or None,
        fast_ratio=args.fast_ratio,
        runs=args.runs,
        max_time=args.max_time,
        time_points=args.points,
        seed=args.seed,
        scheme=args.scheme,
        readouts=readouts,
    )
    nodes = [network.resolve_node(n) for n in args.node]
    if args.output and fmt != "table":
        write_simulation(result, args.output)
    elif fmt == "json":
        emit(json.dumps(result.to_dict(), indent=1), args.output)
    elif fmt in ("csv", "tsv"):
        emit(simulation_csv(result, sep="," if fmt == "csv" else "\t"), args.output)
    else:
        emit(summary_table(result, nodes), args.output)
    if args.output:
        print(f"wrote {args.output} ({fmt})", file=sys.stderr)
    if args.figure:
        from .._files import write_text_atomic
        from ..viz.simulation import simulation_figure

        # plotly.js inside the file: the chart works offline and loads nothing from a CDN
        html = simulation_figure(result, nodes=nodes).to_html(include_plotlyjs=True)
        write_text_atomic(Path(args.figure), html)
        print(f"wrote {args.figure} (chart)", file=sys.stderr)
    return 0


def summary_table(result: SimulationResult, nodes: Sequence[str] = (), rows: int = 11) -> str:
    """Phenotype probabilities, read-outs and ``nodes`` at ``rows`` times, then the final
    values with their standard errors."""
    from .._format import table

    applied = ", ".join(result.perturbations) or "none"
    lines = [
        f"model: {result.model}",
        f"perturbations: {applied}",
        f"scheme: {result.scheme}, runs: {result.runs}, seed: {result.seed}, "
        f"max time: {result.max_time:g}",
        f"initial condition: {result.initial_condition or 'not stated'}",
        "",
    ]
    phenotypes = [p for p in _PHENOTYPE_COLUMNS if p in result.phenotypes]
    if result.phenotype_probability("unknown").any():
        phenotypes.append("unknown")
    headers = ["time", *[f"P({p})" for p in phenotypes], *result.readouts, *nodes]
    n = len(result.times)
    picks = sorted({round(i * (n - 1) / (rows - 1)) for i in range(rows)}) if n > rows else range(n)
    body = []
    for k in picks:
        row = [f"{result.times[k]:g}"]
        row += [f"{result.phenotype_probability(p)[k]:.3f}" for p in phenotypes]
        row += [f"{v[k]:.3f}" for v in result.readouts.values()]
        row += [f"{result.node_probability(x)[k]:.3f}" for x in nodes]
        body.append(row)
    lines.append(table(headers, body))
    lines += ["", f"at t = {result.max_time:g} (+- standard error):"]
    final = []
    for p in phenotypes:
        v = result.final_phenotype_probabilities[p]
        final.append([f"P({p})", f"{v:.3f}", f"{result.standard_error(v):.3f}"])
    for name, values in result.readouts.items():
        final.append([name, f"{values[-1]:.3f}", f"{result.readout_errors[name][-1]:.3f}"])
    for x in nodes:
        v = result.final_node_probabilities[x]
        final.append([f"P({x} on)", f"{v:.3f}", f"{result.standard_error(v):.3f}"])
    lines.append(table(["quantity", "value", "se"], final))
    return "\n".join(lines)
