"""BooleanNet: ``Node *= expression`` per line (the ``booleannet`` simulator of the Albert lab;
the format of the published Zañudo et al. models).

Update rules use the words ``and``, ``or``, ``not`` (precedence ``not`` > ``and`` > ``or``) and
the constants ``True``/``False`` (also ``1``/``0``); ``#`` starts a comment. BooleanNet files
may also hold initial-state lines (``A = True``, ``A = B = False``, ``A = Random``) and a rank
prefix for priority updates (``1: A* = B``). Neither changes the update functions: initial-state
lines are skipped, and ranks are dropped with a :class:`~mtor_network.exceptions.ModelWarning`.
A node that is read but has no rule keeps its value in BooleanNet, so it becomes an input
``X* = X`` (with a warning).
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from dataclasses import replace
from pathlib import Path

from .._files import read_bytes, write_text_atomic
from ..exceptions import ModelFileError, ModelWarning, MtorNetworkError
from ..expressions import DIALECTS, is_valid_name, parse_expression, to_string
from ..network import BooleanNetwork, Rule
from ..types import Var
from ._comments import CommentMetadata, commented_rules, header_lines
from ._multivalued import safe_name
from ._source import decode_commented

_DIALECT = dataclasses.replace(DIALECTS["booleannet"], name=r"[A-Za-z_][A-Za-z0-9_.\-]*")
"""BooleanNet names may hold '-' and '.' (``c-Fos``); they get valid names, kept as labels."""
_RULE_RE = re.compile(r"^(?:(?P<rank>\d+)\s*:\s*)?(?P<target>[^\s*=]+)\s*\*\s*=(?P<function>.*)$")
_INIT_RE = re.compile(
    r"^(?P<names>[A-Za-z_][A-Za-z0-9_]*(?:\s*=\s*[A-Za-z_][A-Za-z0-9_]*)*)\s*=\s*"
    r"(?P<value>true|false|random|0|1)$",
    re.IGNORECASE,
)


def parse_booleannet(text: str, *, name: str = "model", file: str | None = None) -> BooleanNetwork:
    """Parse BooleanNet text (``A* = B and not C``) into a :class:`BooleanNetwork`."""
    rules: list[Rule] = []
    meta = CommentMetadata()
    ranked: list[int] = []
    renamed: dict[str, str] = {}  # BooleanNet name (c-Fos) -> a valid name (c_Fos)
    taken = {  # valid names stay; a renamed one never takes theirs
        word for word in re.findall(r"[A-Za-z_][A-Za-z0-9_.\-]*", text) if is_valid_name(word)
    }

    def named(token: str) -> Var:
        if is_valid_name(token):
            return Var(token)
        if token not in renamed:
            renamed[token] = safe_name(token, taken)
        return Var(renamed[token])

    for number, raw in enumerate(text.splitlines(), start=1):
        code, _, comment = raw.partition("#")
        line = code.strip()
        if not line:
            if comment:
                meta.comment(comment)
            continue
        m = _RULE_RE.match(line)
        if m is None:
            if _INIT_RE.match(line):
                meta.other()
                continue  # an initial state: not part of the update functions
            raise ModelFileError(_unexpected(line), file=file, line=number)
        target = m.group("target")
        function = m.group("function").strip()
        if not function:
            raise ModelFileError(
                f"missing update function of {target!r} after '*='", file=file, line=number
            )
        if m.group("rank") is not None:
            ranked.append(number)
        expr = parse_expression(
            function, dialect=_DIALECT, file=file, line=number, target=target, variable=named
        )
        rules.append(Rule(named(target)[1], expr, line=number))
        meta.rule(target)
    if not rules:
        raise ModelFileError(
            "no update rules 'Node* = ...' found (empty BooleanNet file)", file=file
        )
    if ranked:
        lines = ", ".join(str(n) for n in ranked[:5]) + (", ..." if len(ranked) > 5 else "")
        warnings.warn(
            ModelWarning(
                f"{file or '<text>'}: update ranks ('1: A* = ...', lines {lines}) are ignored; "
                "the update functions are read as written"
            ),
            stacklevel=2,
        )
    network = BooleanNetwork.create(name, rules, file=file, implicit_inputs=True)
    network = meta.apply(network)
    if renamed:
        labels = {new: old for old, new in renamed.items()}
        nodes = tuple(
            replace(n, label=labels[n.name]) if n.name in labels and n.label == n.name else n
            for n in network.nodes
        )
        network = replace(network, nodes=nodes)
    return network


def _unexpected(line: str) -> str:
    shown = line if len(line) <= 60 else line[:57] + "..."
    hint = ""
    if "=" in line and "*" not in line:
        hint = " (an update rule needs '*=': 'A* = B and not C')"
    return (
        f"expected an update rule 'Node* = expression' or an initial state 'Node = True', "
        f"'Node = False' or 'Node = Random', but found {shown!r}{hint}"
    )


def to_booleannet(network: BooleanNetwork) -> str:
    """BooleanNet text of ``network``: ``A* = ...`` per node, labels and provenance as
    ``#`` comments (no initial-state lines)."""
    keywords = [n for n in network.node_names if n.lower() in {"and", "or", "not"}]
    if keywords:
        raise MtorNetworkError(
            f"cannot write BooleanNet: node names {', '.join(keywords)} are BooleanNet operators "
            "(rename those nodes)"
        )
    rules = network.rules
    lines = header_lines(network) + commented_rules(
        network, lambda n: f"{n}* = {to_string(rules[n].expression, 'booleannet')}"
    )
    return "\n".join(lines) + "\n"


def read_booleannet(path: str | Path) -> BooleanNetwork:
    """Read a BooleanNet file; the model is named after the file."""
    p = Path(path)
    text = decode_commented(read_bytes(p), str(p), ("#",))
    return parse_booleannet(text, name=p.stem, file=str(p))


def write_booleannet(network: BooleanNetwork, path: str | Path) -> None:
    """Write ``network`` as BooleanNet (atomically)."""
    write_text_atomic(path, to_booleannet(network))


__all__ = ["parse_booleannet", "read_booleannet", "to_booleannet", "write_booleannet"]
