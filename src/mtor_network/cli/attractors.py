"""``mtor-network attractors``: every attractor and its phenotype, with its basin (the exact share
of the state space that reaches it, :mod:`mtor_network.analysis.basins`) and what the untreated
cell state reaches, as a table, CSV, TSV, JSON or XLSX."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._common import (
    DEFAULT_MAX_MEMORY,
    DEFAULT_TIMEOUT,
    TABLE_MAX_ATTRACTORS,
    add_budget_options,
    add_model_option,
    add_perturbation_options,
    add_semantics_option,
    budget_from,
    count_option,
    emit,
    scenario_from,
)

if TYPE_CHECKING:
    from ..analysis.basins import Outcomes
    from ..attractors import AttractorResult
    from ..network import BooleanNetwork

TABLE_FORMATS = ("table", "csv", "tsv", "json", "xlsx")
REFERENCES = ("untreated", "model", "none")


def register(sub: Any) -> None:
    """Add the ``attractors`` command to the sub-parsers ``sub``."""
    p = sub.add_parser("attractors", help="compute every attractor and its phenotype")
    add_model_option(p)
    add_perturbation_options(p, drug_example="everolimus")
    add_semantics_option(p)
    p.add_argument("--engine", default="auto", help="attractor engine (default: auto)")
    p.add_argument(
        "--format",
        choices=TABLE_FORMATS,
        default=None,
        help="output format (default: from the --output suffix, else a text table); csv, tsv, "
        "json and xlsx carry the settings that produced them",
    )
    p.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="write to FILE instead of stdout; its suffix gives the format (.csv, .tsv, .json, "
        ".xlsx; .txt or none: the text table)",
    )
    p.add_argument(
        "--max-attractors",
        type=count_option,
        default=None,
        metavar="N",
        help=f"keep the first N attractors (by values) when there are more, and say how many "
        f"there are (default: {TABLE_MAX_ATTRACTORS} for the text table on the terminal, all "
        "for --output FILE and the csv, tsv, json and xlsx formats; 0: all)",
    )
    p.add_argument(
        "--basins",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="report each attractor's exact basin (share of the state space with the "
        "perturbed nodes fixed and every other node free that can reach it / reaches only "
        "it; asynchronous and synchronous semantics) and what the untreated state reaches "
        "(default: on)",
    )
    p.add_argument(
        "--reference",
        choices=REFERENCES,
        default="untreated",
        help="initial states for 'reachable from the untreated state': the attractors of "
        "'untreated' (the same --environment and --genotype without drugs, knockouts or "
        "over-expressions; default), 'model' (no perturbation) or 'none'",
    )
    add_budget_options(p)

    p.set_defaults(handler=_cmd_attractors)


def _share(value: float | None) -> str:
    """A fraction as a percentage for the table (``n/a`` when not computed)."""
    if value is None:
        return "n/a"
    if value in (0.0, 1.0):
        return f"{value:.0%}"
    if value < 0.001:
        return "<0.1%"
    if value > 0.999:
        return ">99.9%"
    return f"{value:.1%}"


def _states(count: int) -> str:
    """A state count, as a power of two when large (``2^40``)."""
    return str(count) if count < 10**6 else f"2^{count.bit_length() - 1}"


def _basin_lines(graded: Outcomes) -> list[str]:
    """The lines under the table: the basin measure and what the untreated state reaches."""
    if not graded.computed:
        return [f"basins: {graded.status.replace('_', ' ')} ({graded.reason})"]
    lines = [
        f"basins: exact fractions of the {_states(graded.states)} states with the perturbed nodes "
        "fixed and every other node free; weak = can reach the attractor, strong = reaches "
        f"only it (undecided: {_share(graded.undecided)})",
        "phenotype basins (reach only that phenotype): "
        + ", ".join(f"{p.phenotype} {_share(p.basin)}" for p in graded.phenotypes if p.attractors),
    ]
    if graded.reference is not None:
        lines.append(graded.describe_reference())
    return lines


def _rerun_command(args: argparse.Namespace) -> str:
    """The command that writes every attractor of this search to ``all.csv``."""
    from ..models import FLAGSHIP

    parts = ["mtor-network", "attractors"]
    if args.model != FLAGSHIP:
        parts += ["--model", args.model]
    for option in ("drug", "genotype", "environment", "knockout", "overexpress"):
        for value in getattr(args, option, ()):
            parts += [f"--{option}", value]
    if args.semantics != "asynchronous":
        parts += ["--semantics", args.semantics]
    if args.engine != "auto":
        parts += ["--engine", args.engine]
    if args.timeout != DEFAULT_TIMEOUT:
        parts += ["--timeout", f"{args.timeout:g}"]
    if args.max_memory != DEFAULT_MAX_MEMORY:
        parts += ["--max-memory", str(args.max_memory)]
    if args.max_nodes:
        parts += ["--max-nodes", str(args.max_nodes)]
    return shlex.join([*parts, "--max-attractors", "0", "-o", "all.csv"])


TABLE_COLUMNS = 20
"""Attractor columns the text table shows; past them the table is cut (a summary by free-input
valuation lists every attractor found) and ``--output FILE`` holds them all."""
SUMMARY_ROWS = 200
"""Rows of the summary by free-input valuation in the text table."""


def _input_summary(result: AttractorResult, network: BooleanNetwork) -> list[str]:
    """One row per valuation of the free inputs of the perturbed ``network``: the attractors
    and their phenotypes there, and how to see one valuation's attractors (fix its inputs)."""
    from .._format import table
    from ..attractors import group_by_inputs

    groups = group_by_inputs(network, result)
    if len(groups) < 2:
        return []
    inputs = [name for name, _ in groups[0].inputs]
    rows = []
    for group in groups[:SUMMARY_ROWS]:
        data = group.to_dict()
        phenotypes = data["phenotypes"]
        assert isinstance(phenotypes, dict)
        shown = ", ".join(f"{k} {v}" for k, v in sorted(phenotypes.items()))
        rows.append([*(str(v) for _, v in group.inputs), str(data["attractors"]), shown])
    scope = "" if result.complete else f" (of the {len(result)} attractors found)"
    lines = [
        f"free inputs: {len(inputs)} ({', '.join(inputs)}); attractors by input valuation{scope}:",
        table([*inputs, "attractors", "phenotypes"], rows),
    ]
    if len(groups) > SUMMARY_ROWS:
        lines.append(f"... {len(groups) - SUMMARY_ROWS} more valuations (all in -o FILE.json)")
    example = " ".join(
        f"--overexpress {n}" if v == 1 else f"--knockout {n}" for n, v in groups[-1].inputs
    )
    lines += [f"one valuation's attractors: fix its inputs, e.g. {example}", ""]
    return lines


def _attractor_table(
    result: AttractorResult,
    network: BooleanNetwork,
    rerun: str | None = None,
    graded: Outcomes | None = None,
) -> str:
    from .._format import table

    applied = ", ".join(p.describe() for p in result.perturbations) or "none"
    count = f"attractors: {result.total_attractors}"
    if not result.complete:
        count += f" (the first {len(result)} by values are found)"
    lines = [
        f"model: {result.model} {result.model_version}".rstrip(),
        f"semantics: {result.semantics} (engine {result.engine})",
        f"perturbations: {applied}",
        count,
        "",
    ]
    perturbed = network.perturb(*result.perturbations) if result.perturbations else network
    lines += _input_summary(result, perturbed)
    shown = list(result)[:TABLE_COLUMNS]
    names = [f"A{i}" for i in range(1, len(shown) + 1)]
    head = [("type", [a.kind.replace("_", " ") for a in shown])]
    head.append(("phenotype", [a.phenotype for a in shown]))
    if result.endocrine_therapy:
        head.append(
            ("endocrine-resistant", ["yes" if a.endocrine_resistant else "no" for a in shown])
        )
    head.append(("states", [str(a.size) if a.size is not None else "?" for a in shown]))
    if graded is not None and graded.computed:
        basins = graded.attractors[: len(shown)]
        head.append(("weak basin", [_share(g.weak_basin) for g in basins]))
        head.append(("strong basin", [_share(g.strong_basin) for g in basins]))
        if graded.reference is not None:
            head.append(("from untreated", [_share(g.reference_share) for g in basins]))
    rows: list[list[str]] = [[label, "", *vals] for label, vals in head]
    for node in network.nodes:
        rows.append(
            [
                node.name,
                node.label if node.label != node.name else "",
                *[str(a[node.name]) for a in shown],
            ]
        )
    lines.append(table(["node", "label", *names], rows))
    lines.append("")
    lines.append("values: 1 on, 0 off, * oscillates within the attractor")
    if graded is not None:
        lines += _basin_lines(graded)
    if len(shown) < result.total_attractors:
        lines.append(
            f"showing {len(shown)} of {result.total_attractors} attractors; write them all "
            f"with: {rerun or 'mtor-network attractors ... --max-attractors 0 -o all.csv'}"
        )
    return "\n".join(lines)


def _cmd_attractors(args: argparse.Namespace) -> int:
    from .._files import write_bytes_atomic
    from ..analysis.phenotypes import find_attractors
    from ..export import attractors as attractor_tables
    from ..models import load_network

    fmt = args.format
    if fmt is None:
        suffix = Path(args.output).suffix.lower().lstrip(".") if args.output else ""
        if suffix and suffix not in (*TABLE_FORMATS, "txt"):
            raise ValueError(
                f"--output {args.output}: unknown format {'.' + suffix!r}; known: .csv, .tsv, "
                ".json, .xlsx and .txt (the text table), or give --format"
            )
        fmt = suffix if suffix in TABLE_FORMATS else "table"
    if fmt == "xlsx" and not args.output:
        raise ValueError("--format xlsx writes a binary workbook: give --output FILE.xlsx")
    limit = args.max_attractors
    if limit is None:
        limit = TABLE_MAX_ATTRACTORS if fmt == "table" and not args.output else 0
    network = load_network(args.model)
    perturbation = scenario_from(args, network)
    result = find_attractors(
        network,
        args.semantics,
        perturbations=perturbation,
        engine=args.engine,
        budget=budget_from(args, max_attractors=limit or None),
    )
    graded = None
    if args.basins:
        from ..analysis.basins import UNTREATED, outcomes

        reference: Any = {"untreated": UNTREATED, "model": (), "none": None}[args.reference]
        graded = outcomes(
            network,
            perturbation,
            semantics=args.semantics,
            reference=reference,
            result=result,
            engine=args.engine,
            budget=budget_from(args),
        )
    if args.output and not result.complete:
        print(
            f"mtor-network: note: {args.output} holds {len(result)} of "
            f"{result.total_attractors} attractors (--max-attractors {limit}; 0 writes all)",
            file=sys.stderr,
        )
    from ..analysis.input_groups import summarise_inputs

    # files hold every attractor, each with its valuation of the inputs left free
    groups = summarise_inputs(network, result) if fmt != "table" else None
    if fmt == "xlsx":
        data = attractor_tables.to_xlsx(result, basins=graded, groups=groups)
        write_bytes_atomic(Path(args.output), data)
        return 0
    if fmt == "json":
        text = attractor_tables.to_json(result, basins=graded, groups=groups)
    elif fmt == "csv":
        text = attractor_tables.to_csv(result, basins=graded, groups=groups)
    elif fmt == "tsv":
        text = attractor_tables.to_tsv(result, basins=graded, groups=groups)
    else:
        text = _attractor_table(result, network, _rerun_command(args), graded)
    emit(text, args.output)
    return 0
