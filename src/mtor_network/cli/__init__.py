"""The ``mtor-network`` command line: one module per command group (``attractors``, ``model``:
validate, nodes, registries, models, formats, convert; ``screens``: screen, targets;
``simulate``), sharing :mod:`._common`. Building the parser imports no engine, so
``mtor-network --help`` is quick; each command imports what it needs when it runs."""

from __future__ import annotations

import argparse
import warnings
from collections.abc import Sequence
from typing import Any

from . import attractors, model, screens, simulate
from ._common import Parser, run, show_warning

# Modules adding sub-commands: each has ``register(subparsers)`` and sets a ``handler`` default.
COMMAND_MODULES = (attractors, model, screens, simulate)


class _Version(argparse.Action):
    """``--version``: the installed version, looked up only when asked for (importing
    ``importlib.metadata`` costs ~40 ms, a fifth of ``mtor-network --help``)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS) -> None:
        super().__init__(
            option_strings, dest=dest, default=argparse.SUPPRESS, nargs=0,
            help="show the version and exit",
        )  # fmt: skip

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            package_version = version("mtor-network")
        except PackageNotFoundError:  # a source tree that is not installed
            package_version = "unknown"
        print(f"{parser.prog} {package_version}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The ``mtor-network`` argument parser with every sub-command."""
    parser = Parser(
        prog="mtor-network",
        description="Boolean model of ER / HER2 / MAPK / PI3K-AKT-mTOR crosstalk in HR+ breast "
        "cancer: attractors under drugs and mutations, and the literature evidence report.",
    )
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 validation failed, 2 bad input)."""
    args = build_parser().parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.showwarning = show_warning
        return run(args)


__all__ = ["build_parser", "main"]
