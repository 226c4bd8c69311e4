"""The ``mtor-network`` command line: attractors, validate, nodes, drugs, genotypes, convert."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import __version__
from .._files import write_bytes_atomic, write_text_atomic
from .._format import table
from ..analysis.evidence import ValidationReport, validate
from ..attractors import SEMANTICS, AttractorResult, Budget, find_attractors
from ..exceptions import MtorNetworkError
from ..export import attractors as attractor_tables
from ..io import READERS, WRITERS, write_network
from ..models import FLAGSHIP, bundled_models, load_network
from ..network import BooleanNetwork
from ..perturbations import Perturbation, Scenario, scenario
from . import screens as cli_screens
from . import simulate as cli_simulate
from ._common import count_option, seconds_option


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


TABLE_FORMATS = ("table", "csv", "tsv", "json", "xlsx")
# Modules adding sub-commands: each has ``register(subparsers)`` and sets ``handler`` defaults.
_EXTENSIONS: tuple[Any, ...] = (cli_screens, cli_simulate)


def add_perturbation_options(
    p: argparse.ArgumentParser, *, drug_example: str = "everolimus", nodes: bool = True
) -> None:
    """--drug, --genotype, --environment (and --knockout, --overexpress with ``nodes``)."""
    p.add_argument("--drug", action="append", default=[], metavar="D", help=f"e.g. {drug_example}")
    p.add_argument("--genotype", action="append", default=[], metavar="G", help="e.g. pten_loss")
    p.add_argument(
        "--environment", action="append", default=[], metavar="E", help="e.g. estrogen_deprived"
    )
    if nodes:
        p.add_argument(
            "--knockout", action="append", default=[], metavar="N", help="fix node N to 0"
        )
        p.add_argument("--overexpress", action="append", default=[], metavar="N", help="fix N to 1")


def scenario_from(args: argparse.Namespace, network: BooleanNetwork) -> Scenario:
    """The perturbations named by the options of :func:`add_perturbation_options`."""
    return scenario(
        network,
        drugs=args.drug,
        genotypes=args.genotype,
        environments=args.environment,
        knockouts=getattr(args, "knockout", ()),
        overexpressed=getattr(args, "overexpress", ()),
    )


DEFAULT_TIMEOUT = 600.0
DEFAULT_MAX_MEMORY = 8192
TABLE_MAX_ATTRACTORS = 1000  # attractor columns a text table on the terminal shows by default


def _add_budget(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--timeout",
        type=seconds_option,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"stop the attractor search after SECONDS (default {DEFAULT_TIMEOUT:g}; 0 for no "
        "limit)",
    )
    p.add_argument(
        "--max-memory",
        type=count_option,
        default=DEFAULT_MAX_MEMORY,
        metavar="MB",
        help=f"stop the search when it uses more than MB of memory (default "
        f"{DEFAULT_MAX_MEMORY}; 0: no limit)",
    )
    p.add_argument(
        "--max-nodes",
        type=count_option,
        default=0,
        metavar="N",
        help="refuse networks with more than N nodes left after constant propagation "
        "(default 0: no limit)",
    )


def budget_from(args: argparse.Namespace, *, max_attractors: int | None = None) -> Budget | None:
    """The attractor-search budget of the --timeout / --max-memory / --max-nodes options (and
    ``max_attractors``, None for all)."""
    budget = Budget(
        seconds=args.timeout or None,
        memory_mb=args.max_memory or None,
        max_nodes=args.max_nodes or None,
        max_attractors=max_attractors,
    )
    return None if budget == Budget() else budget


def _add_model(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--model",
        default=FLAGSHIP,
        metavar="NAME_OR_PATH",
        help=f"bundled model name ({', '.join(bundled_models())}) or a model file in any "
        f"readable format ({', '.join(sorted(READERS))}); default: {FLAGSHIP}",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="mtor-network",
        description="Boolean model of ER / HER2 / MAPK / PI3K-AKT-mTOR crosstalk in HR+ breast "
        "cancer: attractors under drugs and mutations, and the literature evidence report.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("attractors", help="compute every attractor and its phenotype")
    _add_model(p)
    add_perturbation_options(p, drug_example="everolimus")
    p.add_argument("--semantics", choices=SEMANTICS, default="asynchronous")
    p.add_argument("--engine", default="auto", help="attractor engine (default: auto)")
    p.add_argument(
        "--format",
        choices=TABLE_FORMATS,
        default=None,
        help="output format (default: from the --output suffix, else a text table); csv, tsv, "
        "json and xlsx carry the settings that produced them",
    )
    p.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument(
        "--max-attractors",
        type=count_option,
        default=None,
        metavar="N",
        help=f"keep the first N attractors (by values) when there are more, and say how many "
        f"there are (default: {TABLE_MAX_ATTRACTORS} for the text table on the terminal, all "
        "for --output FILE and the csv, tsv, json and xlsx formats; 0: all)",
    )
    _add_budget(p)

    p = sub.add_parser("validate", help="run the literature evidence cases E1-E13")
    _add_model(p)
    p.add_argument("--semantics", choices=SEMANTICS, default="asynchronous")
    p.add_argument("--format", choices=("table", "json"), default="table")

    p = sub.add_parser("nodes", help="list nodes with labels, rules and references")
    _add_model(p)
    p.add_argument("--format", choices=("table", "json"), default="table")

    for name, what in (
        ("drugs", "registered drugs"),
        ("genotypes", "registered genotypes"),
        ("environments", "registered environments"),
    ):
        p = sub.add_parser(name, help=f"list the model's {what} and their node effects")
        _add_model(p)
        p.add_argument("--format", choices=("table", "json"), default="table")

    p = sub.add_parser("models", help="list the bundled models")

    p = sub.add_parser(
        "convert",
        help="convert a model between formats (by file suffix)",
        description="Read INPUT (a bundled model name or a file in any readable format) and "
        "write OUTPUT in the format its suffix names. Readable: "
        f"{', '.join(sorted(READERS))}. Writable: {', '.join(sorted(WRITERS))}.",
    )
    p.add_argument("input", help="model file or bundled model name")
    p.add_argument("output", help=f"output file ({', '.join(sorted(WRITERS))})")

    sub.add_parser("formats", help="list the model formats that can be read and written")
    for module in _EXTENSIONS:
        module.register(sub)
    return parser


def _emit(text: str, output: str | None) -> None:
    if output:
        write_text_atomic(Path(output), text)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _rerun_command(args: argparse.Namespace) -> str:
    """The command that writes every attractor of this search to ``all.csv``."""
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


def _attractor_table(
    result: AttractorResult, network: BooleanNetwork, rerun: str | None = None
) -> str:
    applied = ", ".join(p.describe() for p in result.perturbations) or "none"
    count = f"attractors: {result.total_attractors}"
    if not result.complete:
        count += f" (the first {len(result)} by values are shown)"
    lines = [
        f"model: {result.model} {result.model_version}".rstrip(),
        f"semantics: {result.semantics} (engine {result.engine})",
        f"perturbations: {applied}",
        count,
        "",
    ]
    names = [f"A{i}" for i in range(1, len(result) + 1)]
    head = [("type", [a.kind.replace("_", " ") for a in result])]
    head.append(("phenotype", [a.phenotype for a in result]))
    if result.endocrine_therapy:
        head.append(
            ("endocrine-resistant", ["yes" if a.endocrine_resistant else "no" for a in result])
        )
    head.append(("states", [str(a.size) if a.size is not None else "?" for a in result]))
    rows: list[list[str]] = [[label, "", *vals] for label, vals in head]
    for node in network.nodes:
        rows.append(
            [
                node.name,
                node.label if node.label != node.name else "",
                *[str(a[node.name]) for a in result],
            ]
        )
    lines.append(table(["node", "label", *names], rows))
    lines.append("")
    lines.append("values: 1 on, 0 off, * oscillates within the attractor")
    if not result.complete:
        lines.append(
            f"showing {len(result)} of {result.total_attractors} attractors; write them all "
            f"with: {rerun or 'mtor-network attractors ... --max-attractors 0 -o all.csv'}"
        )
    return "\n".join(lines)


def _cmd_attractors(args: argparse.Namespace) -> int:
    fmt = args.format
    if fmt is None:
        suffix = Path(args.output).suffix.lower().lstrip(".") if args.output else ""
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
    if args.output and not result.complete:
        print(
            f"mtor-network: note: {args.output} holds {len(result)} of "
            f"{result.total_attractors} attractors (--max-attractors {limit}; 0 writes all)",
            file=sys.stderr,
        )
    if fmt == "xlsx":
        write_bytes_atomic(Path(args.output), attractor_tables.to_xlsx(result))
        return 0
    if fmt == "json":
        text = attractor_tables.to_json(result)
    elif fmt == "csv":
        text = attractor_tables.to_csv(result)
    elif fmt == "tsv":
        text = attractor_tables.to_tsv(result)
    else:
        text = _attractor_table(result, network, _rerun_command(args))
    _emit(text, args.output)
    return 0


def report_table(report: ValidationReport) -> str:
    """The validation report as a text table."""
    rows = []
    for r in report.results:
        refs = ", ".join(report.reference_text(k).split(" ")[0] for k in r.case.references)
        rows.append(
            [
                r.case.id,
                "PASS" if r.passed else "FAIL",
                refs,
                f"{r.case.setting} | expected: {r.case.expected} | result: {r.observed}",
            ]
        )
    head = f"Evidence report: {report.model} {report.model_version}, {report.semantics} semantics\n"
    summary = f"\n{sum(r.passed for r in report.results)} passed, {len(report.failures)} failed"
    keys = sorted({k for r in report.results for k in r.case.references})
    ref_lines = ["", "References:"] + [
        f"  {report.reference_text(k).split(' ')[0]} {report.network.references[k].citation}"
        + (f" {report.network.references[k].url}" if report.network.references[k].url else "")
        for k in keys
        if k in report.network.references
    ]
    return (
        head
        + table(["id", "result", "refs", "setting | expected | result"], rows, wrap=70)
        + (summary + "\n" + "\n".join(ref_lines))
    )


def _cmd_validate(args: argparse.Namespace) -> int:
    network = load_network(args.model)
    report = validate(network, args.semantics)
    if args.format == "json":
        _emit(json.dumps(report.to_dict(), indent=2), None)
    else:
        _emit(report_table(report), None)
    return 0 if report.passed else 1


def _cmd_nodes(args: argparse.Namespace) -> int:
    network = load_network(args.model)
    if args.format == "json":
        data = [
            {
                "name": n.name,
                "label": n.label,
                "module": n.module,
                "kind": n.kind,
                "description": n.description,
                "rule": network.rules[n.name].text,
                "justification": network.rules[n.name].justification,
                "references": [
                    network.references[k].to_dict()
                    for k in network.rules[n.name].references
                    if k in network.references
                ],
            }
            for n in network.nodes
        ]
        _emit(json.dumps(data, indent=2), None)
        return 0
    rows = [
        [
            n.name,
            n.label,
            n.module,
            network.rules[n.name].text,
            ", ".join(network.rules[n.name].references),
        ]
        for n in network.nodes
    ]
    _emit(table(["name", "label", "module", "rule", "references"], rows, wrap=40), None)
    return 0


def _cmd_registry(args: argparse.Namespace) -> int:
    network = load_network(args.model)
    registry: dict[str, Perturbation] = {
        "drugs": network.drugs,
        "genotypes": network.genotypes,
        "environments": network.environments,
    }[args.command]  # type: ignore[assignment]
    if args.format == "json":
        _emit(json.dumps([p.to_dict() for p in registry.values()], indent=2), None)
        return 0
    if not registry:
        _emit(f"{network.name} registers no {args.command}.", None)
        return 0
    rows = [
        [
            p.name,
            p.drug_class or p.label,
            ", ".join(f"{k}={int(v)}" for k, v in p.effects),
            ", ".join(p.references),
        ]
        for p in registry.values()
    ]
    heading = "class" if args.command == "drugs" else "label"
    _emit(table(["name", heading, "effect", "references"], rows, wrap=40), None)
    return 0


def _cmd_models(args: argparse.Namespace) -> int:
    rows = []
    for name in bundled_models():
        net = load_network(name)
        rows.append([name, net.version, str(len(net)), net.title])
    _emit(table(["name", "version", "nodes", "title"], rows), None)
    return 0


def _cmd_formats(args: argparse.Namespace) -> int:
    rows = []
    for suffix in sorted(set(READERS) | set(WRITERS)):
        function = READERS.get(suffix) or WRITERS[suffix]
        doc = (sys.modules[function.__module__].__doc__ or "").strip().splitlines()
        rows.append(
            [
                suffix,
                "yes" if suffix in READERS else "no",
                "yes" if suffix in WRITERS else "no",
                (doc[0][:77] + "...") if doc and len(doc[0]) > 80 else (doc[0] if doc else ""),
            ]
        )
    _emit(table(["suffix", "read", "write", "format"], rows), None)
    return 0


def _cmd_convert(args: argparse.Namespace) -> int:
    network = load_network(args.input)
    write_network(network, args.output)
    print(f"wrote {args.output} ({len(network)} nodes)", file=sys.stderr)
    return 0


COMMANDS = {
    "attractors": _cmd_attractors,
    "validate": _cmd_validate,
    "nodes": _cmd_nodes,
    "drugs": _cmd_registry,
    "genotypes": _cmd_registry,
    "environments": _cmd_registry,
    "models": _cmd_models,
    "convert": _cmd_convert,
    "formats": _cmd_formats,
}


def _show_warning(message, category, filename, lineno, file=None, line=None):  # type: ignore[no-untyped-def]
    """Warnings (e.g. an implicit input in a model file) as one line on stderr, no source."""
    print(f"mtor-network: warning: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 validation failed, 2 bad input)."""
    args = build_parser().parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.showwarning = _show_warning
        return _run(args)


def _run(args: argparse.Namespace, interrupted: str = "interrupted") -> int:
    """Run the parsed command: bad input is one line on stderr (exit 2), never a traceback."""
    try:
        handler = getattr(args, "handler", None) or COMMANDS[args.command]
        return int(handler(args))
    except MtorNetworkError as exc:
        print(f"mtor-network: error: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"mtor-network: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"mtor-network: error: {exc.filename or ''}: {exc.strerror}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"mtor-network: {interrupted}", file=sys.stderr)
        return 130
