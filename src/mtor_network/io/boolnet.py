"""BoolNet text: the rule file of the R package BoolNet (``loadNetwork``/``saveNetwork``).

The first non-comment line is the header ``targets, factors`` (``targets, functions`` too); each
further line is ``target, expression`` with ``!``, ``&``, ``|``, parentheses and the constants
``0``/``1``; ``#`` starts a comment. Unlike BNet, BoolNet requires the header and a rule for
every gene that a rule reads. Probabilistic networks (a third column ``probabilities``, or a
target with several rules), temporal predicates (``timeis``, ``A[-1]``) and the convenience
functions (``all``, ``any``, ``maj``, ``sumgt``, ...) are refused with a clear error: we handle
deterministic Boolean networks.

BoolNet files are often called ``.txt``; we use the suffix ``.boolnet`` so that a file's format
is never ambiguous (``.bnet`` is the looser PyBoolNet dialect).
"""

from __future__ import annotations

import re
from pathlib import Path

from .._files import write_text_atomic
from ..exceptions import ModelFileError
from ..expressions import parse_expression, to_string
from ..network import BooleanNetwork, Rule
from ._comments import CommentMetadata, commented_rules, header_lines
from ._source import read_file

_FUNCTION_CALL_RE = re.compile(r"\b([A-Za-z_][A-Za-z0-9_.]*)\s*\(")
_DELAY_RE = re.compile(r"\[\s*-?\d*\s*\]")


def parse_boolnet(text: str, *, name: str = "model", file: str | None = None) -> BooleanNetwork:
    """Parse BoolNet rule text (``targets, factors`` header, ``A, B & !C``)."""
    rules: list[Rule] = []
    first: dict[str, int] = {}
    meta = CommentMetadata()
    header_seen = False
    for number, raw in enumerate(text.splitlines(), start=1):
        code, _, comment = raw.partition("#")
        line = code.strip()
        if not line:
            if comment:
                meta.comment(comment)
            continue
        fields = [part.strip() for part in _split_top_level(line)]
        if not header_seen:
            _check_header(fields, line, file, number)
            header_seen = True
            continue
        if len(fields) < 2:
            raise ModelFileError(
                f"expected 'target, expression' but found {line[:60]!r}", file=file, line=number
            )
        if len(fields) > 2:
            raise ModelFileError(
                f"a third column ({fields[2][:30]!r}) is a rule probability: probabilistic "
                "Boolean networks are not supported (one deterministic rule per gene)",
                file=file,
                line=number,
            )
        target, function = fields
        if not target:
            raise ModelFileError("missing target before ','", file=file, line=number)
        if not function:
            raise ModelFileError(f"missing rule of {target!r} after ','", file=file, line=number)
        if target in first:
            raise ModelFileError(
                f"second rule for {target!r} (first on line {first[target]}): BoolNet reads "
                "repeated targets as alternative rules of a probabilistic Boolean network, "
                "which is not supported",
                file=file,
                line=number,
            )
        _refuse_extensions(function, target, file, number)
        expr = parse_expression(function, file=file, line=number, target=target)
        first[target] = number
        rules.append(Rule(target, expr, line=number))
        meta.rule(target)
    if not header_seen:
        raise ModelFileError(
            "empty BoolNet file: expected the header 'targets, factors'", file=file
        )
    if not rules:
        raise ModelFileError("no rules after the header 'targets, factors'", file=file)
    network = BooleanNetwork.create(name, rules, file=file)
    return meta.apply(network)


def _split_top_level(line: str) -> list[str]:
    """Split at commas outside parentheses (BoolNet's own rule: ``maj(a, b, c)`` is one field)."""
    parts: list[str] = []
    depth = 0
    start = 0
    for i, char in enumerate(line):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(line[start:i])
            start = i + 1
    parts.append(line[start:])
    return parts


def _check_header(fields: list[str], line: str, file: str | None, number: int) -> None:
    lowered = [f.lower() for f in fields]
    if lowered[:2] in (["targets", "factors"], ["targets", "functions"]):
        if len(lowered) == 2:
            return
        if len(lowered) == 3 and lowered[2] == "probabilities":
            raise ModelFileError(
                "header with a 'probabilities' column: probabilistic Boolean networks are not "
                "supported (use 'targets, factors' and one deterministic rule per gene)",
                file=file,
                line=number,
            )
    raise ModelFileError(
        f"expected the BoolNet header 'targets, factors' but found {line[:60]!r}",
        file=file,
        line=number,
    )


def _refuse_extensions(function: str, target: str, file: str | None, number: int) -> None:
    call = _FUNCTION_CALL_RE.search(function)
    if call:
        raise ModelFileError(
            f"rule of {target!r}: BoolNet function '{call.group(1)}(...)' is not supported "
            "(write it with !, & and |)",
            file=file,
            line=number,
            column=call.start() + 1,
        )
    delay = _DELAY_RE.search(function)
    if delay:
        raise ModelFileError(
            f"rule of {target!r}: time delay {delay.group(0)!r} (a temporal BoolNet network) "
            "is not supported",
            file=file,
            line=number,
            column=delay.start() + 1,
        )


def to_boolnet(network: BooleanNetwork) -> str:
    """BoolNet text of ``network`` (``loadNetwork`` reads it), with ``#`` comments for labels
    and provenance."""
    rules = network.rules
    lines = [*header_lines(network), "targets, factors"]
    lines += commented_rules(network, lambda n: f"{n}, {to_string(rules[n].expression)}")
    return "\n".join(lines) + "\n"


def read_boolnet(path: str | Path) -> BooleanNetwork:
    """Read a BoolNet rule file; the model is named after the file."""
    return read_file(parse_boolnet, path)


def write_boolnet(network: BooleanNetwork, path: str | Path) -> None:
    """Write ``network`` as a BoolNet rule file (atomically)."""
    write_text_atomic(path, to_boolnet(network))


__all__ = ["parse_boolnet", "read_boolnet", "to_boolnet", "write_boolnet"]
