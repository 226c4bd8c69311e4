"""MaBoSS: a ``.bnd`` file (one ``Node X { logic = ...; rate_up = ...; rate_down = ...; }``
block per node) and a ``.cfg`` file (rates ``$u_X``/``$d_X``, initial states, simulation
parameters, output nodes) for the continuous-time stochastic simulator MaBoSS.

Reading takes each node's Boolean function from its ``logic`` (MaBoSS operators ``AND OR NOT
XOR``, ``&& || ! ^``, ``& |``, constants ``0``/``1``; ``NOT`` binds tightest, then ``AND``, then
``OR``, then ``XOR``, as in MaBoSS). A node without ``logic`` is an input (``x, x``) and a
:class:`~mtor_network.exceptions.ModelWarning` says so. Rates, initial states and parameters do
not change the network; :func:`read_maboss_settings` returns them as :class:`MaBoSSSettings`.
Labels, descriptions, modules and justifications are kept as ``// key: value`` comments in the
node blocks and read back.
"""

from __future__ import annotations

import bisect
import math
import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .._files import read_text, write_files_atomic
from ..exceptions import (
    ModelFileError,
    ModelWarning,
    MtorNetworkError,
    RuleSyntaxError,
    UnknownNameError,
    UnknownNodeError,
)
from ..expressions import MAX_NESTING, MAX_XOR, Expr, nesting_depth, syntax_error
from ..network import BooleanNetwork, Node, Rule

#: Simulation parameters written to the ``.cfg`` unless ``settings`` overrides them.
DEFAULT_SETTINGS: Mapping[str, float] = MappingProxyType(
    {
        "time_tick": 0.5,
        "max_time": 100,
        "sample_count": 10000,
        "discrete_time": 0,
        "use_physrandgen": 0,
        "seed_pseudorandom": 0,
        "thread_count": 1,
    }
)

#: Every global parameter MaBoSS reads from a ``.cfg`` (``to_maboss`` refuses others).
MABOSS_PARAMETERS = frozenset(
    {
        "time_tick",
        "max_time",
        "sample_count",
        "discrete_time",
        "use_physrandgen",
        "use_mtrandgen",
        "seed_pseudorandom",
        "thread_count",
        "display_traj",
        "statdist_traj_count",
        "statdist_cluster_threshold",
        "statdist_similarity_cache_max_size",
    }
)

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_NAME_RE = re.compile(_NAME)
_NODE_KW = re.compile(r"node\b", re.IGNORECASE)
_META_COMMENT = re.compile(r"^\s*([A-Za-z_]+)\s*:\s*(.*?)\s*$")
_NODE_META = ("label", "module", "kind", "description", "justification")
_MODEL_META = ("model", "title", "version", "description")


@dataclass(frozen=True)
class MaBoSSSettings:
    """What a MaBoSS ``.bnd``/``.cfg`` pair says beyond the Boolean functions.

    - ``rates``: node -> (activation rate, inactivation rate), applied when the node's logic
      disagrees with its value; only nodes whose rate expressions have the standard form
      ``@logic ? R : 0`` / ``@logic ? 0 : R`` or are ``0`` (absent rates are 1);
    - ``rate_expressions``: node -> (``rate_up``, ``rate_down``) as written in the ``.bnd``
      (empty strings where absent);
    - ``initial_state``: node -> probability that the node starts ON (nodes not listed start
      at random, 0.5, as in MaBoSS);
    - ``parameters``: global parameters (``time_tick``, ``max_time``, ``sample_count``, ...);
    - ``variables``: ``$name`` -> value (without the ``$``);
    - ``outputs``: the nodes that are not ``is_internal`` (MaBoSS reports only these).
    """

    rates: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    rate_expressions: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    initial_state: Mapping[str, float] = field(default_factory=dict)
    parameters: Mapping[str, float] = field(default_factory=dict)
    variables: Mapping[str, float] = field(default_factory=dict)
    outputs: tuple[str, ...] = ()


# ---- text helpers -----------------------------------------------------------------------------
class _Lines:
    """Offset -> line number for one text."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer(r"\n", text)]

    def __call__(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


@dataclass
class _Attr:
    name: str
    value: str  # comments removed, offsets preserved (comment characters become spaces)
    line: int


@dataclass
class _Block:
    name: str
    line: int
    attrs: dict[str, _Attr] = field(default_factory=dict)
    comments: list[str] = field(default_factory=list)


class _BndScanner:
    """A hand-written scanner for ``Node NAME { attr = value; ... }`` blocks (never eval)."""

    def __init__(self, text: str, file: str | None) -> None:
        self.text = text
        self.file = file
        self.pos = 0
        self.line_of = _Lines(text)
        self.header: list[str] = []

    def fail(self, problem: str, offset: int | None = None, line: int | None = None) -> Exception:
        where = line if line is not None else self.line_of(self.pos if offset is None else offset)
        return ModelFileError(problem, file=self.file, line=where)

    def skip(self, comments: list[str] | None) -> None:
        """Skip white space and comments, collecting comment texts into ``comments``."""
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch.isspace():
                self.pos += 1
            elif text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                end = len(text) if end < 0 else end
                if comments is not None:
                    comments.append(text[self.pos + 2 : end].strip())
                self.pos = end
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                if end < 0:
                    raise self.fail("unterminated comment: '/*' without '*/'")
                if comments is not None:
                    comments.extend(
                        line.strip(" *") for line in text[self.pos + 2 : end].splitlines()
                    )
                self.pos = end + 2
            else:
                return

    def word(self, what: str) -> str:
        m = _NAME_RE.match(self.text, self.pos)
        if not m:
            found = self.text[self.pos : self.pos + 20].split("\n")[0] or "end of file"
            raise self.fail(f"expected {what} but found {found!r}")
        self.pos = m.end()
        return m.group(0)

    def blocks(self) -> list[_Block]:
        blocks: list[_Block] = []
        while True:
            self.skip(self.header if not blocks else None)
            if self.pos >= len(self.text):
                return blocks
            if self.text[self.pos] == "}":
                raise self.fail("unbalanced '}': no node block is open")
            if not _NODE_KW.match(self.text, self.pos):
                found = self.text[self.pos : self.pos + 30].split("\n")[0]
                raise self.fail(f"expected 'Node NAME {{' but found {found!r}")
            blocks.append(self.block())

    def block(self) -> _Block:
        start = self.pos
        self.pos += 4
        self.skip(None)
        name = self.word("a node name after 'Node'")
        block = _Block(name, self.line_of(start))
        self.skip(None)
        if self.pos >= len(self.text) or self.text[self.pos] != "{":
            raise self.fail(f"expected '{{' after 'Node {name}'")
        self.pos += 1
        while True:
            self.skip(block.comments)
            if self.pos >= len(self.text):
                raise self.fail(
                    f"unbalanced '{{': the block of node {name!r} (line {block.line}) is never "
                    "closed with '}'",
                    line=block.line,
                )
            ch = self.text[self.pos]
            if ch == "}":
                self.pos += 1
                return block
            if ch == "{":
                raise self.fail(f"unbalanced '{{' inside the block of node {name!r}")
            if _NODE_KW.match(self.text, self.pos) and not re.match(
                r"node\s*=", self.text[self.pos :], re.IGNORECASE
            ):
                raise self.fail(
                    f"unbalanced '{{': the block of node {name!r} (line {block.line}) is not "
                    "closed with '}' before the next 'Node'"
                )
            attr_start = self.pos
            attr = self.word(f"'attribute = value;' in the block of node {name!r}")
            self.skip(None)
            if not self.text.startswith("=", self.pos):
                raise self.fail(f"expected '=' after {attr!r} in the block of node {name!r}")
            self.pos += 1
            value = self.value(name, attr, self.line_of(attr_start))
            if attr in block.attrs:
                raise self.fail(
                    f"node {name!r} defines {attr!r} twice (first on line "
                    f"{block.attrs[attr].line})",
                    offset=attr_start,
                )
            block.attrs[attr] = _Attr(attr, value, self.line_of(attr_start))

    def value(self, node: str, attr: str, line: int) -> str:
        """The text up to the ``;`` that ends ``attr``, comments blanked out."""
        text = self.text
        out: list[str] = []
        missing = f"missing ';' at the end of {attr!r} of node {node!r}"
        while True:
            if self.pos >= len(text):
                raise self.fail(missing, line=line)
            ch = text[self.pos]
            if ch == ";":
                self.pos += 1
                break
            if ch in "{}":
                raise self.fail(missing, line=line)
            if text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                end = len(text) if end < 0 else end
                out.append(" " * (end - self.pos))
                self.pos = end
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                if end < 0:
                    raise self.fail("unterminated comment: '/*' without '*/'")
                out.append(re.sub(r"[^\n]", " ", text[self.pos : end + 2]))
                self.pos = end + 2
            elif ch == '"':
                end = text.find('"', self.pos + 1)
                if end < 0:
                    raise self.fail(f"unterminated string in {attr!r} of node {node!r}")
                out.append(text[self.pos : end + 1])
                self.pos = end + 1
            else:
                out.append(ch)
                self.pos += 1
        value = "".join(out)
        # "logic = A AND B" followed on a later line by "rate_up = ...": the ';' was forgotten.
        m = re.search(r"\n\s*(" + _NAME + r")\s*=(?!=)", value)
        if m:
            raise self.fail(missing, line=line)
        return value


# ---- MaBoSS logic ----------------------------------------------------------------------------
_LOGIC_TOKEN = re.compile(
    r"(?P<space>\s+)|(?P<name>" + _NAME + r")|(?P<number>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)"
    r"|(?P<bad>==|!=|>=|<=|\$" + _NAME + r"|@" + _NAME + r")"
    r"|(?P<op>&&|\|\||[&|!^()])|(?P<other>.)",
    re.DOTALL,
)
_WORD_OPS = {"AND": "&", "OR": "|", "NOT": "!", "XOR": "^"}
_SYMBOL_OPS = {"&&": "&", "&": "&", "||": "|", "|": "|", "!": "!", "^": "^"}
_SUPPORTED = "AND OR NOT XOR, && || ! ^, & |, parentheses, 0/1 and node names"


def _xor(a: Expr, b: Expr) -> Expr:
    return ("or", (("and", (a, ("not", b))), ("and", (("not", a), b))))


class _LogicParser:
    """Recursive descent over MaBoSS logic: XOR < OR < AND < NOT, as MaBoSS binds them."""

    def __init__(self, text: str, *, target: str, file: str | None, line: int) -> None:
        self.text = text
        self.flat = text.replace("\n", " ").replace("\t", " ")
        self.target = target
        self.file = file
        self.line = line
        self.toks: list[tuple[str, str, int]] = []
        for m in _LOGIC_TOKEN.finditer(text):
            kind = m.lastgroup or "other"
            value = m.group(kind)
            if kind == "space":
                continue
            if kind == "name" and value.upper() in _WORD_OPS:
                kind, value = "op", _WORD_OPS[value.upper()]
            elif kind == "op":
                value = _SYMBOL_OPS.get(value, value)
            elif kind == "number":
                if value not in ("0", "1", "0.0", "1.0"):
                    raise self.error(
                        f"number {value} is not a Boolean constant (0 or 1)", m.start(), value
                    )
                kind, value = "const", value[0]
            elif kind in ("bad", "other"):
                raise self.error(
                    f"unknown operator {value!r} in MaBoSS logic (supported: {_SUPPORTED})",
                    m.start(),
                    value,
                )
            self.toks.append((kind, value, m.start()))
        self.i = 0
        self.depth = 0
        self.xors = 0

    def deeper(self, position: int, token: str) -> None:
        """Enter one level of nesting; refuse more than :data:`MAX_NESTING`."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.error(
                f"nested more than {MAX_NESTING} levels deep (parentheses and negations)",
                position,
                token,
            )

    def error(self, problem: str, position: int, token: str | None = None) -> RuleSyntaxError:
        return syntax_error(
            problem,
            expression=self.flat,
            position=position,
            token=token,
            file=self.file,
            line=self.line + self.text[:position].count("\n"),
            target=self.target,
        )

    def peek(self) -> tuple[str, str, int] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def at(self, op: str) -> bool:
        tok = self.peek()
        return tok is not None and tok[0] == "op" and tok[1] == op

    def parse(self) -> Expr:
        if not self.toks:
            raise self.error("empty logic", 0)
        expr = self.parse_xor()
        tok = self.peek()
        if tok is not None:
            if tok[1] == ")":
                raise self.error("unbalanced ')' without a matching '('", tok[2], ")")
            raise self.error(f"unexpected {tok[1]!r}; expected an operator", tok[2], tok[1])
        if nesting_depth(expr) > MAX_NESTING:
            raise self.error(
                f"nested more than {MAX_NESTING} levels deep once XOR is expanded "
                "(a ^ b = a & !b | !a & b)",
                0,
            )
        return expr

    def parse_xor(self) -> Expr:
        expr = self.parse_or()
        while (tok := self.peek()) is not None and self.at("^"):
            self.i += 1
            self.xors += 1
            if self.xors > MAX_XOR:
                raise self.error(
                    f"more than {MAX_XOR} XOR operators in one rule (each doubles the size of the "
                    "rule once XOR is expanded into AND, OR and NOT)",
                    tok[2],
                    tok[1],
                )
            expr = _xor(expr, self.parse_or())
        return expr

    def parse_or(self) -> Expr:
        items = [self.parse_and()]
        while self.at("|"):
            self.i += 1
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else ("or", tuple(items))

    def parse_and(self) -> Expr:
        items = [self.parse_not()]
        while self.at("&"):
            self.i += 1
            items.append(self.parse_not())
        return items[0] if len(items) == 1 else ("and", tuple(items))

    def parse_not(self) -> Expr:
        tok = self.peek()
        if tok is not None and self.at("!"):
            self.i += 1
            self.deeper(tok[2], tok[1])
            inner = self.parse_not()
            self.depth -= 1
            return ("not", inner)
        return self.parse_atom()

    def parse_atom(self) -> Expr:
        tok = self.peek()
        if tok is None:
            raise self.error("logic ends where an operand was expected", len(self.text))
        kind, value, pos = tok
        self.i += 1
        if kind == "name":
            return ("var", value)
        if kind == "const":
            return ("const", value == "1")
        if value == "(":
            self.deeper(pos, value)
            inner = self.parse_xor()
            self.depth -= 1
            close = self.peek()
            if close is None or close[1] != ")":
                where = close[2] if close else len(self.text)
                raise self.error("unbalanced '(': missing ')'", where, close[1] if close else None)
            self.i += 1
            return inner
        raise self.error(f"unexpected {value!r} where an operand was expected", pos, value)


def parse_maboss_logic(
    text: str, *, target: str = "", file: str | None = None, line: int = 1
) -> Expr:
    """Parse one MaBoSS ``logic`` expression into an expression tree (XOR is expanded)."""
    return _LogicParser(text, target=target, file=file, line=line).parse()


def maboss_logic(expr: Expr) -> str:
    """``expr`` in MaBoSS syntax (``AND``, ``OR``, ``NOT``, ``0``/``1``), fewest parentheses."""
    precedence = {"or": 1, "and": 2, "not": 3, "var": 4, "const": 4}

    def show(e: Expr, parent: int) -> str:
        op = e[0]
        if op == "var":
            return str(e[1])
        if op == "const":
            return "1" if e[1] else "0"
        if op == "not":
            text = "NOT " + show(e[1], precedence["not"])
        else:
            sep = " AND " if op == "and" else " OR "
            text = sep.join(show(x, precedence[op]) for x in e[1])
        return f"({text})" if precedence[op] < parent else text

    return show(expr, 0)


# ---- small arithmetic for .cfg values and rates (never eval) ---------------------------------
_ARITH_TOKEN = re.compile(
    r"\s*(?:(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)|(?P<var>\$" + _NAME + r")"
    r"|(?P<word>" + _NAME + r")|(?P<op>[-+*/()]))"
)


class _ArithError(Exception):
    pass


def _arith(text: str, lookup: Any) -> float:
    """Evaluate numbers, ``$variables``, ``TRUE``/``FALSE``, ``+ - * /`` and parentheses."""
    toks: list[tuple[str, str]] = []
    pos = 0
    stripped = text.strip()
    while pos < len(stripped):
        m = _ARITH_TOKEN.match(stripped, pos)
        if not m or m.end() == pos:
            raise _ArithError(f"cannot read {stripped[pos:][:20]!r} as a number")
        kind = m.lastgroup or ""
        toks.append((kind, m.group(kind)))
        pos = m.end()
    i = 0
    depth = 0

    def deeper() -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_NESTING:
            raise _ArithError(f"nested more than {MAX_NESTING} levels deep")

    def peek() -> tuple[str, str] | None:
        return toks[i] if i < len(toks) else None

    def expr() -> float:
        nonlocal i
        value = term()
        while (t := peek()) and t[1] in "+-" and t[0] == "op":
            i += 1
            value = value + term() if t[1] == "+" else value - term()
        return value

    def term() -> float:
        nonlocal i
        value = unary()
        while (t := peek()) and t[1] in "*/" and t[0] == "op":
            i += 1
            right = unary()
            if t[1] == "*":
                value *= right
            elif right == 0:
                raise _ArithError("division by zero")
            else:
                value /= right
        return value

    def unary() -> float:
        nonlocal i, depth
        t = peek()
        if t and t[0] == "op" and t[1] in "+-":
            i += 1
            deeper()
            value = unary()
            depth -= 1
            return value if t[1] == "+" else -value
        return atom()

    def atom() -> float:
        nonlocal i, depth
        t = peek()
        if t is None:
            raise _ArithError("a value is missing")
        i += 1
        kind, value = t
        if kind == "number":
            return float(value)
        if kind == "var":
            return float(lookup(value[1:]))
        if kind == "word" and value.upper() in ("TRUE", "FALSE"):
            return 1.0 if value.upper() == "TRUE" else 0.0
        if value == "(":
            deeper()
            inner = expr()
            depth -= 1
            if peek() != ("op", ")"):
                raise _ArithError("missing ')'")
            i += 1
            return inner
        raise _ArithError(f"cannot read {value!r} as a number")

    result = expr()
    if i != len(toks):
        raise _ArithError(f"unexpected {toks[i][1]!r}")
    return result


# ---- .cfg -------------------------------------------------------------------------------------
@dataclass
class _Cfg:
    variables: dict[str, float]
    parameters: dict[str, float]
    istate: dict[str, float]
    internal: dict[str, bool]


def _strip_comments(text: str, file: str | None) -> str:
    """Comments replaced by spaces (line breaks kept, so offsets keep their line numbers)."""

    def blank(m: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", m.group(0))

    if re.search(r"/\*(?![\s\S]*?\*/)", text):
        start = re.search(r"/\*(?![\s\S]*?\*/)", text)
        assert start is not None
        raise ModelFileError(
            "unterminated comment: '/*' without '*/'",
            file=file,
            line=text[: start.start()].count("\n") + 1,
        )
    return re.sub(r"//[^\n]*|/\*[\s\S]*?\*/", blank, text)


_VAR_STMT = re.compile(r"\$(" + _NAME + r")\s*=\s*([\s\S]+)\Z")
_JOINT_STMT = re.compile(
    r"\[\s*(" + _NAME + r"(?:\s*,\s*" + _NAME + r")*)\s*\]\s*\.\s*istate\s*=\s*([\s\S]+)\Z"
)
_NODE_STMT = re.compile(r"(" + _NAME + r")\s*\.\s*(" + _NAME + r")\s*=\s*([\s\S]+)\Z")
_PARAM_STMT = re.compile(r"(" + _NAME + r")\s*=\s*([\s\S]+)\Z")
_ISTATE_ITEM = re.compile(r"\s*([^\[\],]+?)\s*\[\s*([^\]]*)\]\s*(?:,|\Z)")


def _parse_cfg(text: str, nodes: Iterable[str], file: str | None) -> _Cfg:
    known = list(nodes)
    known_set = set(known)
    clean = _strip_comments(text, file)
    line_of = _Lines(clean)
    statements: list[tuple[str, int]] = []
    start = 0
    for semicolon in re.finditer(";", clean):
        chunk = clean[start : semicolon.start()]
        if chunk.strip():
            offset = start + len(chunk) - len(chunk.lstrip())
            statements.append((chunk.strip(), line_of(offset)))
        start = semicolon.end()
    tail = clean[start:]
    if tail.strip():
        offset = start + len(tail) - len(tail.lstrip())
        raise ModelFileError(
            f"missing ';' at the end of {tail.strip()[:40]!r}", file=file, line=line_of(offset)
        )

    raw_vars: dict[str, tuple[str, int]] = {}
    for stmt, line in statements:
        var = _VAR_STMT.match(stmt)
        if var:
            raw_vars[var.group(1)] = (var.group(2), line)
    values: dict[str, float] = {}
    resolving: list[str] = []

    def lookup(name: str) -> float:
        if name in values:
            return values[name]
        if name not in raw_vars:
            raise _ArithError(f"variable ${name} is not defined")
        if name in resolving:
            raise _ArithError(f"variable ${name} is defined in terms of itself")
        if len(resolving) >= MAX_NESTING:
            raise _ArithError(
                f"variable ${name} is defined through more than {MAX_NESTING} other variables"
            )
        resolving.append(name)
        try:
            values[name] = _arith(raw_vars[name][0], lookup)
        finally:
            resolving.pop()
        return values[name]

    def number(expr: str, line: int, what: str) -> float:
        try:
            return _arith(expr, lookup)
        except _ArithError as exc:
            raise ModelFileError(f"{what}: {exc}", file=file, line=line) from None

    def node_name(name: str, line: int) -> str:
        if name not in known_set:
            raise ModelFileError(
                f"the configuration refers to node {name!r}, which the .bnd file does not "
                f"define.{_suggest(name, known)}",
                file=file,
                line=line,
            )
        return name

    cfg = _Cfg(variables={}, parameters={}, istate={}, internal={})
    for name, (_, line) in raw_vars.items():
        cfg.variables[name] = number(f"${name}", line, f"value of ${name}")
    for stmt, line in statements:
        if _VAR_STMT.match(stmt):
            continue
        m = _JOINT_STMT.match(stmt)
        if m:
            names = [node_name(n.strip(), line) for n in m.group(1).split(",")]
            cfg.istate.update(_joint_istate(names, m.group(2), line, number, file))
            continue
        m = _NODE_STMT.match(stmt)
        if m:
            node, attr, value = node_name(m.group(1), line), m.group(2), m.group(3)
            if attr == "istate":
                v = number(value, line, f"initial state of {node}")
                if v == -1:
                    cfg.istate[node] = 0.5
                elif v in (0.0, 1.0):
                    cfg.istate[node] = v
                else:
                    warnings.warn(
                        ModelWarning(
                            f"{file or '<text>'}, line {line}: MaBoSS reads '{node}.istate = "
                            f"{value.strip()}' as 1 (a non-zero value); for a random start write "
                            f"'[{node}].istate = 0.5 [0], 0.5 [1];'"
                        ),
                        stacklevel=4,
                    )
                    cfg.istate[node] = 1.0
            elif attr == "is_internal":
                cfg.internal[node] = number(value, line, f"is_internal of {node}") != 0
            elif attr in ("refstate", "in_graph", "schedule"):
                continue  # simulation details that do not change the network or the settings
            else:
                raise ModelFileError(
                    f"unknown node setting '{node}.{attr}' (MaBoSS knows istate, is_internal, "
                    "refstate, in_graph, schedule)",
                    file=file,
                    line=line,
                )
            continue
        m = _PARAM_STMT.match(stmt)
        if m:
            if m.group(1) not in MABOSS_PARAMETERS:
                warnings.warn(
                    ModelWarning(
                        f"{file or '<text>'}, line {line}: unknown MaBoSS parameter "
                        f"{m.group(1)!r} (kept in the settings)."
                        f"{_suggest(m.group(1), MABOSS_PARAMETERS)}"
                    ),
                    stacklevel=4,
                )
            cfg.parameters[m.group(1)] = number(m.group(2), line, f"value of {m.group(1)}")
            continue
        raise ModelFileError(
            f"cannot read {stmt[:50]!r} (expected '$var = value;', 'NODE.istate = value;', "
            "'[NODE].istate = p [0], q [1];', 'NODE.is_internal = 0|1;' or 'parameter = value;')",
            file=file,
            line=line,
        )
    return cfg


def _joint_istate(
    names: list[str], text: str, line: int, number: Any, file: str | None
) -> dict[str, float]:
    """Marginal ON probabilities from ``p1 [v, ...], p2 [v, ...]``."""
    weights: list[tuple[float, list[int]]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _ISTATE_ITEM.match(text, pos)
        if not m or m.end() == pos:
            raise ModelFileError(
                f"cannot read the initial state {text[pos:][:40]!r} of [{', '.join(names)}] "
                "(expected 'p [v, ...], q [v, ...]')",
                file=file,
                line=line,
            )
        prob = number(m.group(1), line, f"probability in the initial state of {names}")
        raw = [v.strip() for v in m.group(2).split(",")]
        if len(raw) != len(names) or any(v not in ("0", "1") for v in raw):
            raise ModelFileError(
                f"initial state [{m.group(2).strip()}] needs {len(names)} values 0 or 1 "
                f"(one per node of [{', '.join(names)}])",
                file=file,
                line=line,
            )
        if prob < 0:
            raise ModelFileError(f"negative probability {prob:g}", file=file, line=line)
        weights.append((prob, [int(v) for v in raw]))
        pos = m.end()
    total = sum(p for p, _ in weights)
    if not weights or total <= 0:
        raise ModelFileError(
            f"the initial state of [{', '.join(names)}] has no positive probability",
            file=file,
            line=line,
        )
    return {
        name: sum(p for p, vals in weights if vals[k] == 1) / total for k, name in enumerate(names)
    }


def _suggest(name: str, pool: Iterable[str]) -> str:
    from ..exceptions import suggest

    return suggest(name, pool)


# ---- reading ----------------------------------------------------------------------------------
def _meta(comments: Iterable[str], keys: Iterable[str]) -> dict[str, str]:
    wanted = set(keys)
    found: dict[str, str] = {}
    for comment in comments:
        m = _META_COMMENT.match(comment)
        if m and m.group(1).lower() in wanted and m.group(1).lower() not in found:
            found[m.group(1).lower()] = m.group(2)
    return found


def _scan(bnd_text: str, file: str | None) -> tuple[list[str], list[_Block]]:
    scanner = _BndScanner(bnd_text, file)
    blocks = scanner.blocks()
    if not blocks:
        raise ModelFileError(
            "no 'Node NAME { logic = ...; }' blocks (empty MaBoSS file)", file=file
        )
    seen: dict[str, int] = {}
    for block in blocks:
        if block.name in seen:
            raise ModelFileError(
                f"node {block.name!r} is defined twice (first on line {seen[block.name]})",
                file=file,
                line=block.line,
            )
        seen[block.name] = block.line
    return scanner.header, blocks


def parse_maboss(
    bnd_text: str,
    cfg_text: str | None = None,
    *,
    name: str = "model",
    file: str | None = None,
    cfg_file: str | None = None,
) -> BooleanNetwork:
    """Parse a MaBoSS model: ``.bnd`` text and, optionally, its ``.cfg`` text.

    The network is made of the ``logic`` of each node; a node without ``logic`` becomes an input
    ``x, x`` (with a :class:`ModelWarning`), and so does a warning flag rates that do not follow
    ``@logic``. The ``.cfg`` is checked (syntax, node names) but does not change the network:
    see :func:`parse_maboss_settings`.
    """
    header, blocks = _scan(bnd_text, file)
    where = file or "<text>"
    rules: list[Rule] = []
    nodes: list[Node] = []
    for block in blocks:
        meta = _meta(block.comments, _NODE_META)
        logic = block.attrs.get("logic")
        if logic is None:
            warnings.warn(
                ModelWarning(
                    f"{where}, line {block.line}: node {block.name!r} has no 'logic'; it is "
                    f"taken as an input '{block.name}, {block.name}' (it keeps its initial value)"
                ),
                stacklevel=2,
            )
            expr: Expr = ("var", block.name)
            line = block.line
        else:
            expr = parse_maboss_logic(logic.value, target=block.name, file=file, line=logic.line)
            line = logic.line
            for rate in ("rate_up", "rate_down"):
                attr = block.attrs.get(rate)
                if attr is not None and "@logic" not in attr.value:
                    warnings.warn(
                        ModelWarning(
                            f"{where}, line {attr.line}: {rate} of {block.name!r} "
                            f"({attr.value.strip()}) does not depend on @logic; the network "
                            "keeps the node's logic, which MaBoSS does not follow here"
                        ),
                        stacklevel=2,
                    )
        rules.append(Rule(block.name, expr, justification=meta.get("justification", ""), line=line))
        kind = meta.get("kind", "")
        if kind not in ("input", "internal", "output"):
            kind = "input" if expr[0] == "const" or expr == ("var", block.name) else "internal"
        nodes.append(
            Node(
                block.name,
                label=meta.get("label", ""),
                description=meta.get("description", ""),
                module=meta.get("module", ""),
                kind=kind,  # type: ignore[arg-type]
            )
        )
    network = BooleanNetwork.create(name, rules, nodes=nodes, file=file)
    if cfg_text is not None:
        _parse_cfg(cfg_text, network.node_names, cfg_file)
    model = _meta(header, _MODEL_META)
    from dataclasses import replace

    return replace(
        network,
        title=model.get("title", ""),
        version=model.get("version", ""),
        description=model.get("description", ""),
    )


_RATE_VALUE = r"(\$" + _NAME + r"|[0-9.eE+-]+|\([^()]*\))"
_UP_FORMS = (re.compile(r"@logic\s*\?\s*" + _RATE_VALUE + r"\s*:\s*0(?:\.0*)?\Z"),)
_DOWN_FORMS = (
    re.compile(r"@logic\s*\?\s*0(?:\.0*)?\s*:\s*" + _RATE_VALUE + r"\Z"),
    re.compile(r"(?:!|NOT\s+)\s*@logic\s*\?\s*" + _RATE_VALUE + r"\s*:\s*0(?:\.0*)?\Z"),
)


def _unwrap(text: str) -> str:
    text = " ".join(text.split())
    while text.startswith("(") and text.endswith(")"):
        depth = 0
        for k, ch in enumerate(text):
            depth += {"(": 1, ")": -1}.get(ch, 0)
            if depth == 0 and k < len(text) - 1:
                return text
        text = text[1:-1].strip()
    return text


def _rate(text: str | None, forms: Iterable[re.Pattern[str]], variables: Any) -> float | None:
    if text is None:
        return 1.0
    body = _unwrap(text)
    for form in forms:
        m = form.match(body)
        if m:
            try:
                return _arith(m.group(1), variables)
            except _ArithError:
                return None
    try:  # a constant 0: the node never moves that way, whatever its logic
        return 0.0 if _arith(body, variables) == 0 else None
    except _ArithError:
        return None


def parse_maboss_settings(
    bnd_text: str,
    cfg_text: str | None = None,
    *,
    file: str | None = None,
    cfg_file: str | None = None,
) -> MaBoSSSettings:
    """The rates, initial states, parameters and outputs of a MaBoSS model (see
    :class:`MaBoSSSettings`); errors name the ``.bnd`` or ``.cfg`` file and line."""
    _, blocks = _scan(bnd_text, file)
    names = [b.name for b in blocks]
    cfg = _parse_cfg(cfg_text or "", names, cfg_file)

    def lookup(var: str) -> float:
        if var not in cfg.variables:
            raise _ArithError(f"${var} is not defined")
        return cfg.variables[var]

    rates: dict[str, tuple[float, float]] = {}
    expressions: dict[str, tuple[str, str]] = {}
    for block in blocks:
        up_attr, down_attr = block.attrs.get("rate_up"), block.attrs.get("rate_down")
        up_text = " ".join(up_attr.value.split()) if up_attr else None
        down_text = " ".join(down_attr.value.split()) if down_attr else None
        expressions[block.name] = (up_text or "", down_text or "")
        up = _rate(up_text, _UP_FORMS, lookup)
        down = _rate(down_text, _DOWN_FORMS, lookup)
        if up is not None and down is not None:
            rates[block.name] = (up, down)
    return MaBoSSSettings(
        rates=rates,
        rate_expressions=expressions,
        initial_state=cfg.istate,
        parameters=cfg.parameters,
        variables=cfg.variables,
        outputs=tuple(n for n in names if not cfg.internal.get(n, False)),
    )


def _pair(path: str | Path) -> tuple[Path, Path]:
    """(bnd, cfg) paths for a ``.bnd`` or ``.cfg`` path."""
    p = Path(path)
    if p.suffix.lower() == ".cfg":
        bnd = p.with_suffix(".bnd")
        if not bnd.exists():
            raise ModelFileError(
                f"a MaBoSS .cfg needs its .bnd: {bnd.name} not found next to it", file=str(p)
            )
        return bnd, p
    return p, p.with_suffix(".cfg")


def read_maboss(path: str | Path) -> BooleanNetwork:
    """Read a MaBoSS model from ``X.bnd`` (and ``X.cfg`` beside it, if present); a ``.cfg`` path
    reads the ``.bnd`` beside it. The model is named after the file."""
    bnd, cfg = _pair(path)
    cfg_text = read_text(cfg) if cfg.exists() else None
    return parse_maboss(read_text(bnd), cfg_text, name=bnd.stem, file=str(bnd), cfg_file=str(cfg))


def read_maboss_settings(path: str | Path) -> MaBoSSSettings:
    """The :class:`MaBoSSSettings` of ``X.bnd`` and ``X.cfg`` (either path may be given)."""
    bnd, cfg = _pair(path)
    cfg_text = read_text(cfg) if cfg.exists() else None
    return parse_maboss_settings(read_text(bnd), cfg_text, file=str(bnd), cfg_file=str(cfg))


# ---- writing ----------------------------------------------------------------------------------
def _comment(text: str) -> str:
    return " ".join(str(text).split())


def _num(value: float) -> str:
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _check_nodes(network: BooleanNetwork, names: Iterable[str]) -> None:
    for name in names:
        if name not in network.rules:
            raise UnknownNodeError(name, network.node_names)


def _rates(
    network: BooleanNetwork, rates: Mapping[str, float | tuple[float, float]] | None
) -> dict[str, tuple[float, float]]:
    given = dict(rates or {})
    _check_nodes(network, given)
    out: dict[str, tuple[float, float]] = {}
    for name in network.node_names:
        value = given.get(name, 1.0)
        pair = (
            (value, value) if isinstance(value, int | float) else tuple(value)  # type: ignore[arg-type]
        )
        if len(pair) != 2 or not all(
            isinstance(r, int | float) and math.isfinite(r) and r >= 0 for r in pair
        ):
            raise MtorNetworkError(
                f"rate of {name!r} must be a number >= 0 or a pair (up, down) of them, "
                f"not {value!r}"
            )
        out[name] = (float(pair[0]), float(pair[1]))
    return out


def _initial(
    network: BooleanNetwork, initial_state: Mapping[str, bool | int | float] | None
) -> dict[str, float]:
    given = dict(initial_state or {})
    _check_nodes(network, given)
    out: dict[str, float] = {}
    for name in network.node_names:
        value = given.get(name, 0.5)
        if not isinstance(value, bool | int | float) or not 0 <= float(value) <= 1:
            raise MtorNetworkError(
                f"initial state of {name!r} must be 0, 1 or a probability of being ON in "
                f"[0, 1], not {value!r}"
            )
        out[name] = float(value)
    return out


def _settings(
    network: BooleanNetwork, settings: Mapping[str, Any] | None
) -> tuple[dict[str, float], list[str]]:
    given = dict(settings or {})
    outputs_spec = given.pop("outputs", "markers")
    params: dict[str, float] = dict(DEFAULT_SETTINGS)
    for key, value in given.items():
        if key not in MABOSS_PARAMETERS:
            raise UnknownNameError("MaBoSS setting", key, [*MABOSS_PARAMETERS, "outputs"])
        if isinstance(value, bool):
            value = int(value)
        if not isinstance(value, int | float) or not math.isfinite(value):
            raise MtorNetworkError(f"MaBoSS setting {key!r} must be a number, not {value!r}")
        params[key] = value
    if outputs_spec == "all":
        outputs = list(network.node_names)
    elif outputs_spec == "markers":
        markers = [network.phenotypes.proliferation, network.phenotypes.apoptosis]
        outputs = [m for m in markers if m is not None]
        outputs += [n.name for n in network.nodes if n.kind == "output" and n.name not in outputs]
        if not outputs:
            outputs = list(network.node_names)
    elif isinstance(outputs_spec, str):
        raise MtorNetworkError(
            f"outputs must be 'markers', 'all' or a list of node names, not {outputs_spec!r}"
        )
    else:
        outputs = list(outputs_spec)
        _check_nodes(network, outputs)
    return params, outputs


def to_maboss(
    network: BooleanNetwork,
    *,
    rates: Mapping[str, float | tuple[float, float]] | None = None,
    initial_state: Mapping[str, bool | int | float] | None = None,
    settings: Mapping[str, Any] | None = None,
) -> tuple[str, str]:
    """The MaBoSS ``(bnd, cfg)`` texts of ``network``.

    - ``rates``: node -> rate, or (activation, inactivation) rates; written as ``$u_X`` and
      ``$d_X`` in the ``.cfg`` (default 1 for every node);
    - ``initial_state``: node -> 0/1 (fixed start) or the probability of starting ON; nodes not
      given start at random (``[X].istate = 0.5 [0], 0.5 [1];``);
    - ``settings``: MaBoSS parameters overriding :data:`DEFAULT_SETTINGS` (``time_tick``,
      ``max_time``, ``sample_count``, ``seed_pseudorandom``, ``thread_count``, ...), and
      ``outputs``: ``"markers"`` (default: the proliferation/apoptosis markers and the output
      nodes), ``"all"`` or a list of node names; the other nodes are ``is_internal``.
    """
    for name in network.node_names:
        if name.upper() in _WORD_OPS or name.lower() == "node":
            raise MtorNetworkError(
                f"node {name!r} cannot be written to MaBoSS: {name.upper()} is a MaBoSS keyword"
            )
    rate_map = _rates(network, rates)
    start = _initial(network, initial_state)
    params, outputs = _settings(network, settings)

    bnd: list[str] = [f"// {_comment(network.name)} {_comment(network.version)}".rstrip()]
    bnd.append(f"// model: {_comment(network.name)}")
    for key in ("title", "version", "description"):
        value = getattr(network, key)
        if value:
            bnd.append(f"// {key}: {_comment(value)}")
    if network.perturbations:
        applied = ", ".join(p.describe() for p in network.perturbations)
        bnd.append(f"// perturbations: {_comment(applied)}")
    bnd.append("// written by mtor_network; the rates $u_X and $d_X are set in the .cfg file")
    for node in network.nodes:
        rule = network.rules[node.name]
        bnd.append("")
        bnd.append(f"Node {node.name} {{")
        if node.label and node.label != node.name:
            bnd.append(f"  // label: {_comment(node.label)}")
        if node.module:
            bnd.append(f"  // module: {_comment(node.module)}")
        bnd.append(f"  // kind: {node.kind}")
        if node.description:
            bnd.append(f"  // description: {_comment(node.description)}")
        if rule.justification:
            bnd.append(f"  // justification: {_comment(rule.justification)}")
        bnd.append(f"  logic = {maboss_logic(rule.expression)};")
        bnd.append(f"  rate_up = @logic ? $u_{node.name} : 0;")
        bnd.append(f"  rate_down = @logic ? 0 : $d_{node.name};")
        bnd.append("}")

    cfg: list[str] = [
        f"// MaBoSS configuration of {_comment(network.name)} {_comment(network.version)}".rstrip(),
        "",
        "// rates: $u_X switches X on, $d_X switches it off",
    ]
    for name, (up, down) in rate_map.items():
        cfg.append(f"$u_{name} = {_num(up)};")
        cfg.append(f"$d_{name} = {_num(down)};")
    cfg += ["", "// initial state: 0 or 1, or [X].istate = P(off) [0], P(on) [1]"]
    for name, p in start.items():
        if p in (0.0, 1.0):
            cfg.append(f"{name}.istate = {int(p)};")
        else:
            cfg.append(f"[{name}].istate = {_num(1 - p)} [0], {_num(p)} [1];")
    cfg += ["", "// simulation"]
    for key, value in params.items():
        cfg.append(f"{key} = {_num(value)};")
    cfg += ["", "// outputs (is_internal = 0) are the nodes MaBoSS reports"]
    output_set = set(outputs)
    for name in network.node_names:
        cfg.append(f"{name}.is_internal = {0 if name in output_set else 1};")
    return "\n".join(bnd) + "\n", "\n".join(cfg) + "\n"


def write_maboss(
    network: BooleanNetwork,
    path: str | Path,
    *,
    rates: Mapping[str, float | tuple[float, float]] | None = None,
    initial_state: Mapping[str, bool | int | float] | None = None,
    settings: Mapping[str, Any] | None = None,
) -> None:
    """Write ``X.bnd`` and ``X.cfg`` for ``path`` ``X.bnd`` (or ``X.cfg``).

    Both files are written in full to temporary files before either is renamed into place, so
    an error (a full disk) leaves the old pair as it was, never a new ``.bnd`` beside an old or
    missing ``.cfg``.
    """
    bnd_path, cfg_path = _pair_for_writing(path)
    bnd, cfg = to_maboss(network, rates=rates, initial_state=initial_state, settings=settings)
    write_files_atomic([(bnd_path, bnd.encode("utf-8")), (cfg_path, cfg.encode("utf-8"))])


def _pair_for_writing(path: str | Path) -> tuple[Path, Path]:
    p = Path(path)
    if p.suffix.lower() in (".bnd", ".cfg"):
        return p.with_suffix(".bnd"), p.with_suffix(".cfg")
    return p.with_name(p.name + ".bnd"), p.with_name(p.name + ".cfg")


__all__ = [
    "DEFAULT_SETTINGS",
    "MABOSS_PARAMETERS",
    "MaBoSSSettings",
    "maboss_logic",
    "parse_maboss",
    "parse_maboss_logic",
    "parse_maboss_settings",
    "read_maboss",
    "read_maboss_settings",
    "to_maboss",
    "write_maboss",
]
