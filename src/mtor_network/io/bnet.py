"""BNet: ``target, function`` per line (PyBoolNet, BoolNet, AEON, mpbn, biobalm)."""

from __future__ import annotations

import re
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


_TARGETS_LINE = re.compile(r"(?i)targets,")


def _header_proof(line: str) -> str:
    """A rule line whose target is ``targets`` (any case) written ``Targets , f``: the readers
    of biodivine-aeon drop every line starting with ``targets,`` as the header, while this form
    is read by AEON, pyboolnet, mpbn and our reader alike."""
    if _TARGETS_LINE.match(line):
        return line.replace(",", " ,", 1)
    return line


def to_bnet(network: BooleanNetwork) -> str:
    """BNet text of ``network``, one rule per line, with a provenance comment header; a node
    named ``Targets`` (any case) is written so that no reader takes it for the header."""
    lines = network.to_bnet().splitlines()
    header = lines.index("targets, factors") if "targets, factors" in lines else -1
    fixed = [line if i <= header else _header_proof(line) for i, line in enumerate(lines)]
    return "\n".join(fixed) + "\n"


def plain_bnet(network: BooleanNetwork) -> str:
    """The rules as plain BNet (the header, no comments, no alignment), as engines read them;
    a node named ``Targets`` (any case) is written so that no reader takes it for the header."""
    rows = [
        _header_proof(f"{n}, {to_string(network.rules[n].expression)}") for n in network.node_names
    ]
    return "targets, factors\n" + "\n".join(rows) + "\n"


def read_bnet(path: str | Path) -> BooleanNetwork:
    """Read a BNet file; the model is named after the file."""
    return read_file(parse_bnet, path)


def write_bnet(network: BooleanNetwork, path: str | Path) -> None:
    """Write ``network`` as BNet (atomically)."""
    write_text_atomic(path, to_bnet(network))


__all__ = ["parse_bnet", "plain_bnet", "read_bnet", "to_bnet", "write_bnet"]
