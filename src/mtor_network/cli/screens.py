"""``mtor-network screen`` and ``mtor-network targets``: combination screens, the drug x genotype
matrix, and the search for minimal interventions. ``register(subparsers)`` adds both commands;
each sets ``handler`` (also listed in :data:`COMMANDS`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._common import (
    Parser,
    add_model_option,
    add_perturbation_options,
    add_semantics_option,
    count_option,
    positive_option,
    run,
    scenario_from,
    seconds_option,
)

if TYPE_CHECKING:
    from ..analysis.control import InterventionSearch

PERTURB_MODES = ("knockout", "overexpress", "both")


def _background_options(p: argparse.ArgumentParser) -> None:
    add_perturbation_options(p, drug_example="letrozole", nodes=False)
    add_semantics_option(p)
    p.add_argument(
        "--workers",
        type=positive_option,
        metavar="N",
        help="local processes (default: all cores; 1: inline)",
    )
    p.add_argument(
        "--scheduler", metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://10.0.0.5:8786"
    )


def register(subparsers: Any) -> None:
    """Add the ``screen`` and ``targets`` subcommands to ``subparsers``."""
    p = subparsers.add_parser(
        "screen",
        help="every combination of up to K perturbations, or the drug x genotype matrix",
        description="One row per combination of up to --order perturbations of --targets on top "
        "of the background (--genotype/--drug/--environment): attractors, phenotype counts, "
        "whether a proliferative or endocrine-resistant attractor remains, and the change "
        "against the background. Rows stream to --output; rerun the same command to resume. "
        "With --matrix: every registered drug and drug pair in every genotype.",
    )
    add_model_option(p)
    _background_options(p)
    p.add_argument("--order", type=int, choices=(1, 2, 3), default=1, help="largest combination")
    p.add_argument(
        "--targets",
        default="all",
        metavar="all|N1,N2,...",
        help="nodes to perturb (default: all but the phenotype read-outs)",
    )
    p.add_argument("--perturb", choices=PERTURB_MODES, default="knockout")
    p.add_argument(
        "--output", "-o", required=True, metavar="FILE", help="table: .csv, .parquet or .xlsx"
    )
    p.add_argument(
        "--matrix", action="store_true", help="drug x genotype matrix instead of a node screen"
    )
    p.add_argument("--no-pairs", action="store_true", help="matrix: single drugs only")
    p.add_argument(
        "--heatmap",
        action="append",
        default=[],
        metavar="FILE",
        help="matrix: write the heatmap (.html or .png; repeatable)",
    )
    p.add_argument(
        "--value",
        choices=(
            "proliferative_basin",
            "proliferative_from_untreated",
            "proliferative_fraction",
            "has_proliferative",
            "endocrine_resistant",
        ),
        default="proliferative_basin",
        help="matrix: what the heatmap colours (default proliferative_basin: the exact share "
        "of states, perturbed nodes fixed and the others free, that reach only proliferative "
        "attractors)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.add_argument(
        "--network-timeout",
        type=seconds_option,
        default=600.0,
        metavar="SECONDS",
        help="limit on each attractor search (default 600; 0: none); over it the screen stops, "
        "keeping its rows (rerun to resume)",
    )
    p.add_argument(
        "--max-combinations",
        type=count_option,
        default=2_000_000,
        metavar="N",
        help="refuse screens of more than N combinations (default 2,000,000; 0: no limit)",
    )
    p.set_defaults(handler=cmd_screen)

    p = subparsers.add_parser(
        "targets",
        help="smallest sets of drugs or node perturbations that remove proliferation",
        description="Exact search, smallest first: every set of up to --max-size drugs (or node "
        "perturbations with --using nodes) that leaves no proliferative attractor on top of "
        "the background. Supersets of a solution are not listed (not minimal).",
    )
    add_model_option(p)
    _background_options(p)
    p.add_argument("--using", choices=("drugs", "nodes"), default="drugs")
    p.add_argument(
        "--candidates",
        metavar="X1,X2,...",
        help="drugs or nodes to draw from (default: every registered drug / every node)",
    )
    p.add_argument("--perturb", choices=PERTURB_MODES, default="knockout", help="with nodes")
    p.add_argument("--max-size", type=positive_option, default=3, metavar="K")
    p.add_argument("--limit", type=positive_option, metavar="N", help="stop after N solutions")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=cmd_targets)


def _background(args: argparse.Namespace, network: Any) -> Any:
    return scenario_from(args, network)


def cmd_screen(args: argparse.Namespace) -> int:
    from ..analysis.screens import ScreenError, drug_genotype_matrix
    from ..attractors import Budget
    from ..export.screens import screen, write_matrix
    from ..models import load_network

    """Run ``mtor-network screen``."""
    network = load_network(args.model)
    background = _background(args, network)
    progress = not args.no_progress
    if args.matrix:
        if args.genotype or args.drug:
            raise ScreenError("--matrix screens every genotype and drug; drop --genotype/--drug")
        from ..viz.screens import matrix_heatmap, write_figure

        result = drug_genotype_matrix(
            network,
            pairs=not args.no_pairs,
            environment=background,
            semantics=args.semantics,
            workers=args.workers,
            scheduler=args.scheduler,
            progress=progress,
        )
        write_matrix(result, args.output)
        print(
            f"wrote {args.output}: {len(result.rows)} rows ({len(result.genotypes)} genotypes x "
            f"{len(result.treatments)} treatments, {result.networks_evaluated} distinct networks)",
            file=sys.stderr,
        )
        if args.heatmap:
            figure = matrix_heatmap(result, args.value)
            for path in args.heatmap:
                write_figure(figure, path)
                print(f"wrote {path}", file=sys.stderr)
        return 0
    if args.heatmap:
        raise ScreenError("--heatmap is for --matrix; a node screen writes a table")
    result_s = screen(
        network,
        background=background,
        targets=args.targets,
        order=args.order,
        perturb=args.perturb,
        semantics=args.semantics,
        workers=args.workers,
        scheduler=args.scheduler,
        output=Path(args.output),
        progress=progress,
        budget=Budget(seconds=args.network_timeout) if args.network_timeout else None,
        max_combinations=args.max_combinations or None,
    )
    for problem in result_s.repairs:
        print(f"warning: {problem}", file=sys.stderr)
    notes = []
    if result_s.excluded_targets:
        notes.append(
            f"fixed by the background, not screened: {', '.join(result_s.excluded_targets)}"
        )
    if result_s.skipped:
        notes.append(f"{len(result_s.skipped)} contradictory combinations skipped")
    if result_s.rows_resumed:
        notes.append(f"{result_s.rows_resumed} rows were already there (resumed)")
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    print(
        f"wrote {args.output}: {result_s.rows_total} rows, {result_s.networks_evaluated} "
        "attractor searches in this run",
        file=sys.stderr,
    )
    return 0


def targets_table(result: InterventionSearch) -> str:
    from .._format import table

    """The intervention search as text."""
    lines = [
        f"model: {result.model}",
        f"background: {' + '.join(result.background) or 'wild type, no drug'}",
        f"semantics: {result.semantics}",
        f"background attractors: {result.background_outcome.attractors} "
        f"({result.background_outcome.phenotype_counts['proliferative']} proliferative)",
        f"searched: sets of up to {result.max_size} {result.using} from "
        f"{len(result.candidates)} candidates ({result.sets_checked} sets checked"
        + (
            f"; no path to the proliferation marker: {', '.join(result.pruned)}"
            if result.pruned
            else ""
        )
        + ")",
        "",
    ]
    if not result.solutions:
        lines.append(f"no set of up to {result.max_size} {result.using} removes proliferation")
        return "\n".join(lines)
    rows = [
        [
            str(s.size),
            s.name,
            str(s.outcome.attractors),
            ", ".join(f"{c} {p}" for p, c in s.outcome.phenotype_counts.items() if c),
        ]
        for s in result.solutions
    ]
    lines.append(table(["size", "intervention", "attractors", "phenotypes"], rows))
    if not result.complete:
        lines.append("(stopped at --limit: larger minimal sets were not sought)")
    return "\n".join(lines)


def cmd_targets(args: argparse.Namespace) -> int:
    """Run ``mtor-network targets``."""
    from ..analysis.control import minimal_interventions
    from ..models import load_network

    network = load_network(args.model)
    background = _background(args, network)
    candidates = (
        [c.strip() for c in args.candidates.split(",") if c.strip()] if args.candidates else None
    )
    result = minimal_interventions(
        network,
        background=background,
        using=args.using,
        candidates=candidates,
        perturb=args.perturb,
        max_size=args.max_size,
        semantics=args.semantics,
        limit=args.limit,
        workers=args.workers or 1,
        scheduler=args.scheduler,
    )
    if args.format == "json":
        sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")
    else:
        sys.stdout.write(targets_table(result) + "\n")
    return 0


COMMANDS = {"screen": cmd_screen, "targets": cmd_targets}


def main(argv: list[str] | None = None) -> int:
    """``screen`` and ``targets`` alone (as ``mtor-network`` runs them once registered there);
    errors exit 2 with one message, as in :func:`mtor_network.cli.main`."""
    parser = Parser(prog="mtor-network")
    register(parser.add_subparsers(dest="command", required=True, parser_class=Parser))
    args = parser.parse_args(argv)
    return run(args, "interrupted (rows written so far are kept)")


if __name__ == "__main__":
    raise SystemExit(main())
