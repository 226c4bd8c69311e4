"""Regenerate the cross-model validation table: each evidence case on our models and on other
groups' published models (through the mappings in ``networks/mappings/``), as Markdown.

Usage (from the repository root)::

    python3 docs/cross_model_table.py                       # Markdown to stdout
    python3 docs/cross_model_table.py --output docs/cross_model_table.md
    python3 docs/cross_model_table.py --semantics all       # one table per semantics

Columns: our model 1.0 (the bundled ``hr_breast_cancer_v1``), our current flagship
(``hr_breast_cancer``), then one column per bundled mapping, whose ``model_file`` is read from
the shared reference-models folder (``--reference-models``, default ``../shared/reference-models``
beside the repository; the published models are not shipped with the package). A cell is
``pass``, ``FAIL``, ``n/a`` (the model cannot represent a setting the case needs: the notes say
which and why), ``timeout`` (an attractor search went over ``--timeout`` seconds) or ``error``;
``pass (k/n)`` means the case was judged on the k of its n settings the model can represent.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

from mtor_network import load_network
from mtor_network.analysis.evidence import EVIDENCE_CASES, validate
from mtor_network.analysis.mapping import (
    MappedValidationReport,
    bundled_mappings,
    load_mapping,
    validate_mapped,
)
from mtor_network.attractors import SEMANTICS, Budget
from mtor_network.exceptions import MtorNetworkError, UnknownNameError

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MODELS = REPO.parent / "shared" / "reference-models"
OURS = ("hr_breast_cancer_v1", "hr_breast_cancer")


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(semantics: str, models_dir: Path, timeout: float, log: bool = True) -> str:
    """The Markdown table (and its notes) for one semantics."""
    columns: list[str] = []
    cells: dict[str, dict[str, str]] = {}
    notes: list[str] = []
    labels: dict[str, str] = {}
    for name in OURS:
        network = load_network(name)
        started = time.monotonic()
        label = name
        labels[label] = f"ours {network.version}"
        columns.append(label)
        cells[label] = {}
        for case in EVIDENCE_CASES:
            try:
                report = validate(network, semantics, cases=[case])  # type: ignore[arg-type]
            except (UnknownNameError, KeyError) as exc:  # a name this version does not have
                cells[label][case.id] = "n/a"
                notes.append(f"- **{labels[label]}** {case.id} n/a: {_escape(str(exc))[:120]}")
                continue
            cells[label][case.id] = "pass" if report.results[0].passed else "FAIL"
        if log:
            print(f"{label}: {time.monotonic() - started:.1f} s", file=sys.stderr)
    for mapping_name in bundled_mappings():
        mapping = load_mapping(mapping_name)
        path = models_dir / mapping.model_file
        label = mapping.name
        columns.append(label)
        if not path.is_file():
            cells[label] = {}
            notes.append(
                f"- **{label}**: model file {mapping.model_file} not found in {models_dir}"
            )
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # implicit inputs of published files
            network = load_network(path)
        started = time.monotonic()
        mapped: MappedValidationReport = validate_mapped(
            network,
            mapping,
            semantics,  # type: ignore[arg-type]
            budget=Budget(seconds=timeout),
        )
        if log:
            print(f"{label}: {time.monotonic() - started:.1f} s", file=sys.stderr)
        cells[label] = {r.case_id: r.cell() for r in mapped.results}
        by_reason: dict[str, dict[str, None]] = {}
        for r in mapped.results:
            pairs = r.left_out if r.status not in ("timeout", "error") else (("", r.reason),)
            for _, why in pairs:
                by_reason.setdefault(why, {})[f"{r.case_id} ({r.cell()})"] = None
        head = f"- **{label}**: {mapping.title} ({mapping.reference})"
        notes.append(head + ("" if by_reason else "; every setting represented"))
        notes.extend(f"  - {_escape(why)}: {', '.join(ids)}" for why, ids in by_reason.items())
    header = "| case | claim | " + " | ".join(labels.get(c, c) for c in columns) + " |"
    rule = "|---|---|" + "---|" * len(columns)
    rows = [
        f"| {c.id} | {_escape(c.expected)} | "
        + " | ".join(cells[col].get(c.id, "—") for col in columns)
        + " |"
        for c in EVIDENCE_CASES
    ]
    return "\n".join(
        [
            f"### Evidence cases across models ({semantics} semantics)",
            "",
            header,
            rule,
            *rows,
            "",
            "Settings a model cannot represent (n/a, or left out of a partly judged case):",
            "",
            *notes,
            "",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--semantics", choices=(*SEMANTICS, "all"), default="asynchronous", help="default async"
    )
    parser.add_argument("--output", type=Path, help="write the Markdown here (default: stdout)")
    parser.add_argument(
        "--reference-models",
        type=Path,
        default=DEFAULT_MODELS,
        help=f"folder of the published models (default {DEFAULT_MODELS})",
    )
    parser.add_argument(
        "--timeout", type=float, default=300.0, help="seconds per attractor search (default 300)"
    )
    args = parser.parse_args(argv)
    if not args.reference_models.is_dir():
        print(
            f"cross_model_table: {args.reference_models} is not a folder: pass "
            "--reference-models DIR (the shared reference-models folder)",
            file=sys.stderr,
        )
        return 2
    chosen = SEMANTICS if args.semantics == "all" else (args.semantics,)
    try:
        text = "\n".join(table(s, args.reference_models, args.timeout) for s in chosen)
    except MtorNetworkError as exc:
        print(f"cross_model_table: {exc}", file=sys.stderr)
        return 2
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
