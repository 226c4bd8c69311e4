"""BNet: ``target, function`` per line (PyBoolNet, BoolNet, AEON, mpbn, biobalm)."""

from __future__ import annotations

from pathlib import Path

from .._files import write_text_atomic
from ..exceptions import ModelFileError
from ..expressions import parse_expression, to_string
from ..network import BooleanNetwork, Rule
from ._source import read_file


def parse_bnet(text: str, *, name: str = "model", file: str | None = None) -> BooleanNetwork:
    """Parse BNet text. Comments start with ``#``; a ``targets, factors`` header is optional."""
    rules: list[Rule] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if "," not in line:
            raise ModelFileError(
                f"expected 'target, function' but found {line[:60]!r}", file=file, line=number
            )
        target, function = (part.strip() for part in line.split(",", 1))
        if target.lower() == "targets" and function.lower() == "factors":
            continue
        if not target:
            raise ModelFileError("missing target before ','", file=file, line=number)
        if not function:
            raise ModelFileError(
                f"missing function of {target!r} after ','", file=file, line=number
            )
        expr = parse_expression(function, file=file, line=number, target=target)
        rules.append(Rule(target, expr, line=number))
    if not rules:
        raise ModelFileError("no rules found (empty BNet file)", file=file)
    return BooleanNetwork.create(name, rules, file=file, implicit_inputs=True)


def to_bnet(network: BooleanNetwork) -> str:
    """BNet text of ``network``, one rule per line, with a provenance comment header."""
    return network.to_bnet()


def plain_bnet(network: BooleanNetwork) -> str:
    """The rules as plain BNet (the header, no comments, no alignment), as engines read them."""
    rows = [f"{n}, {to_string(network.rules[n].expression)}" for n in network.node_names]
    return "targets, factors\n" + "\n".join(rows) + "\n"


def read_bnet(path: str | Path) -> BooleanNetwork:
    """Read a BNet file; the model is named after the file."""
    return read_file(parse_bnet, path)


def write_bnet(network: BooleanNetwork, path: str | Path) -> None:
    """Write ``network`` as BNet (atomically)."""
    write_text_atomic(path, to_bnet(network))


__all__ = ["parse_bnet", "plain_bnet", "read_bnet", "to_bnet", "write_bnet"]
