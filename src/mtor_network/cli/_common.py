"""What every command of the CLI shares: the parser class, argparse number types, the model,
perturbation and budget options, output and error handling. Library modules are imported inside
the functions, so ``mtor-network --help`` imports no engine."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..attractors import Budget
    from ..network import BooleanNetwork
    from ..perturbations import Scenario


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


SEMANTICS = ("asynchronous", "synchronous", "most_permissive")
"""The --semantics values (the library's names)."""


def semantics_option(text: str) -> str:
    """A --semantics value as a user types it: any case, hyphens or underscores
    (``most-permissive`` is ``most_permissive``)."""
    return text.strip().lower().replace("-", "_")


def add_semantics_option(p: argparse.ArgumentParser) -> None:
    """--semantics (default asynchronous)."""
    p.add_argument("--semantics", type=semantics_option, choices=SEMANTICS, default="asynchronous")


def seconds_option(text: str) -> float:
    """A finite number of seconds >= 0 (0: no limit); ``nan``, ``inf`` and negatives refused."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number of seconds (0 for no limit), not {text!r}"
        ) from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(
            f"expected a finite number of seconds >= 0 (0 for no limit), not {text!r}"
        )
    return value


def count_option(text: str) -> int:
    """A whole number >= 0."""
    return _whole(text, 0)


def positive_option(text: str) -> int:
    """A whole number >= 1."""
    return _whole(text, 1)


def _whole(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number >= {least}, not {text!r}"
        ) from None
    if value < least:
        raise argparse.ArgumentTypeError(f"expected a whole number >= {least}, not {text!r}")
    return value


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
    from ..perturbations import scenario

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


def add_budget_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--timeout",
        type=seconds_option,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help="stop the attractor search after SECONDS, and the basin computation after as "
        f"many again (default {DEFAULT_TIMEOUT:g}; 0 for no limit)",
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
    from ..attractors import Budget

    budget = Budget(
        seconds=args.timeout or None,
        memory_mb=args.max_memory or None,
        max_nodes=args.max_nodes or None,
        max_attractors=max_attractors,
    )
    return None if budget == Budget() else budget


def add_model_option(p: argparse.ArgumentParser) -> None:
    from ..io import READERS
    from ..models import FLAGSHIP, bundled_models

    p.add_argument(
        "--model",
        default=FLAGSHIP,
        metavar="NAME_OR_PATH",
        help=f"bundled model name ({', '.join(bundled_models())}) or a model file in any "
        f"readable format ({', '.join(sorted(READERS))}); default: {FLAGSHIP}",
    )


def emit(text: str, output: str | None) -> None:
    from .._files import write_text_atomic

    if output:
        write_text_atomic(Path(output), text)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def show_warning(message, category, filename, lineno, file=None, line=None):  # type: ignore[no-untyped-def]
    """Warnings (e.g. an implicit input in a model file) as one line on stderr, no source."""
    print(f"mtor-network: warning: {message}", file=sys.stderr)


def run(args: argparse.Namespace, interrupted: str = "interrupted") -> int:
    """Run the parsed command: bad input is one line on stderr (exit 2), never a traceback."""
    from ..exceptions import MtorNetworkError

    try:
        handler = args.handler
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
