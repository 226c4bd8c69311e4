"""``mtor-network validate | nodes | drugs | genotypes | environments | models | formats |
convert``: the evidence report, the model's contents and registries, and format conversion."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from ._common import add_model_option, add_semantics_option, emit

if TYPE_CHECKING:
    from ..analysis.evidence import ValidationReport
    from ..perturbations import Perturbation


def register(sub: Any) -> None:
    """Add the model commands to the sub-parsers ``sub``."""
    from ..io import READERS, WRITERS

    p = sub.add_parser("validate", help="run the literature evidence cases E1-E13")
    add_model_option(p)
    add_semantics_option(p)
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument(
        "--mapping",
        metavar="NAME_OR_FILE",
        help="evaluate the evidence cases on another group's model (--model PATH) through a "
        "mapping of our drugs, genotypes, environments, nodes and read-outs to its nodes: a "
        "bundled mapping name (e.g. zanudo2017) or a .toml mapping file",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=120.0,
        metavar="SECONDS",
        help="with --mapping: time limit of each attractor search (a case over it is "
        "reported as timeout); default 120",
    )
    p.set_defaults(handler=_cmd_validate)

    p = sub.add_parser("nodes", help="list nodes with labels, rules and references")
    add_model_option(p)
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=_cmd_nodes)

    for name, what in (
        ("drugs", "registered drugs"),
        ("genotypes", "registered genotypes"),
        ("environments", "registered environments"),
    ):
        p = sub.add_parser(name, help=f"list the model's {what} and their node effects")
        add_model_option(p)
        p.add_argument("--format", choices=("table", "json"), default="table")
        p.set_defaults(handler=_cmd_registry)

    p = sub.add_parser("models", help="list the bundled models")
    p.set_defaults(handler=_cmd_models)

    p = sub.add_parser(
        "convert",
        help="convert a model between formats (by file suffix)",
        description="Read INPUT (a bundled model name or a file in any readable format) and "
        "write OUTPUT in the format its suffix names. Readable: "
        f"{', '.join(sorted(READERS))}. Writable: {', '.join(sorted(WRITERS))}.",
    )
    p.add_argument("input", help="model file or bundled model name")
    p.add_argument("output", help=f"output file ({', '.join(sorted(WRITERS))})")
    p.add_argument(
        "--format",
        dest="input_format",
        choices=sorted(s[1:] for s in READERS),
        help="read INPUT in this format, whatever its suffix (a .txt file is read by its "
        "content: BoolNet 'targets, factors', BooleanNet '*=', else BNet)",
    )
    p.set_defaults(handler=_cmd_convert)

    p = sub.add_parser("formats", help="list the model formats that can be read and written")
    p.set_defaults(handler=_cmd_formats)


def report_table(report: ValidationReport) -> str:
    """The validation report as a text table."""
    from .._format import table

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
    from ..analysis.evidence import validate
    from ..models import load_network

    network = load_network(args.model)
    if args.mapping:
        return _validate_mapped(network, args)
    report = validate(network, args.semantics)
    if args.format == "json":
        emit(json.dumps(report.to_dict(), indent=2), None)
    else:
        emit(report_table(report), None)
    return 0 if report.passed else 1


def _validate_mapped(network: Any, args: argparse.Namespace) -> int:
    """``validate --model PATH --mapping MAP``: the evidence cases on a mapped model."""
    from ..analysis.mapping import load_mapping, validate_mapped
    from ..attractors import Budget

    if not args.timeout > 0:
        raise SystemExit(f"mtor-network validate: --timeout must be > 0, not {args.timeout}")
    mapping = load_mapping(args.mapping)
    report = validate_mapped(network, mapping, args.semantics, budget=Budget(seconds=args.timeout))
    text = json.dumps(report.to_dict(), indent=2) if args.format == "json" else report.table()
    emit(text, None)
    return 0 if report.passed else 1


def _cmd_nodes(args: argparse.Namespace) -> int:
    from .._format import table
    from ..models import load_network

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
        emit(json.dumps(data, indent=2), None)
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
    emit(table(["name", "label", "module", "rule", "references"], rows, wrap=40), None)
    return 0


def _cmd_registry(args: argparse.Namespace) -> int:
    from .._format import table
    from ..models import load_network

    network = load_network(args.model)
    registry: dict[str, Perturbation] = {
        "drugs": network.drugs,
        "genotypes": network.genotypes,
        "environments": network.environments,
    }[args.command]  # type: ignore[assignment]
    if args.format == "json":
        emit(json.dumps([p.to_dict() for p in registry.values()], indent=2), None)
        return 0
    if not registry:
        emit(f"{network.name} registers no {args.command}.", None)
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
    emit(table(["name", heading, "effect", "references"], rows, wrap=40), None)
    return 0


def _cmd_models(args: argparse.Namespace) -> int:
    from .._format import table
    from ..models import bundled_models, load_network

    rows = []
    for name in bundled_models():
        net = load_network(name)
        rows.append([name, net.version, str(len(net)), net.title])
    emit(table(["name", "version", "nodes", "title"], rows), None)
    return 0


def _cmd_formats(args: argparse.Namespace) -> int:
    from .._format import table
    from ..io import READERS, WRITERS

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
    emit(table(["suffix", "read", "write", "format"], rows), None)
    return 0


def _cmd_convert(args: argparse.Namespace) -> int:
    from ..io import write_network
    from ..models import load_network

    if args.input_format:
        from ..io import read_network

        network = read_network(args.input, format=args.input_format)
    else:
        network = load_network(args.input)
    write_network(network, args.output)
    print(f"wrote {args.output} ({len(network)} nodes)", file=sys.stderr)
    return 0
