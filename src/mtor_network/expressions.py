"""Boolean update-rule expressions: ONE parser driven by dialect tables, ONE printer driven by
style tables, the constructors and the guards against input that explodes. Never ``eval``.

An expression is a tree of typed, immutable nodes (:mod:`mtor_network.types`): :class:`Const`,
:class:`Var`, :class:`Not`, :class:`And`, :class:`Or`; each is the tuple it always was
(``Var("a") == ("var", "a")``).

Parsing (:func:`parse_expression`) reads one of the :data:`DIALECTS`:

- ``bnet`` (PyBoolNet, BoolNet, mpbn, biobalm, our TOML): ``!`` (also ``~``) binds tighter than
  ``&``, which binds tighter than ``|``; parentheses group; ``0``/``1`` (also ``false``/``true``)
  are constants;
- ``booleannet``: the same plus the words ``not``, ``and``, ``or`` and ``True``/``False``;
- ``maboss``: ``AND OR NOT XOR`` (any case), ``&& || ! ^``, ``& |``, ``0``/``1``; ``NOT`` binds
  tightest, then ``AND``, then ``OR``, then ``XOR``, as in MaBoSS;
- ``aeon``: ``! & | ^ => <=>`` and ``true``/``false``;
- ``ginsim``: GINsim's logical functions (``!``, ``&``, ``|``, parentheses, ``A:2`` for a
  threshold), whose atoms a format module resolves (``variable=``).

XOR, implication and equivalence are expanded once, by :func:`xor`, :func:`implies` and
:func:`iff`; the :class:`Guard` refuses rules nested deeper than :data:`MAX_NESTING` or holding
more than :data:`MAX_XOR` exclusive-ors, in every dialect and in the tree builders of SBML and
AEON alike.

Printing (:func:`to_string`) writes one of the :data:`STYLES`: ``bnet``, ``boolnet``,
``booleannet``, ``python``, ``maboss``, ``nusmv``, ``aeon``, ``toml`` and ``mathml``.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import product
from typing import Any, Literal, TypeAlias, TypeVar

from .exceptions import RuleSyntaxError
from .types import NODE_TYPES, And, Const, Expr, Not, Or, Var

T = TypeVar("T")

__all__ = [
    "DIALECTS",
    "FALSE",
    "MAX_NESTING",
    "MAX_PARENTHESES",
    "MAX_XOR",
    "NAME_PATTERN",
    "STYLES",
    "TRUE",
    "And",
    "Const",
    "Dialect",
    "Expr",
    "Guard",
    "Not",
    "Or",
    "PrintStyle",
    "Style",
    "Var",
    "and_",
    "as_expr",
    "const",
    "equivalent",
    "evaluate",
    "fold",
    "iff",
    "implies",
    "is_valid_name",
    "nesting_depth",
    "not_",
    "or_",
    "parse_expression",
    "rename",
    "signed_regulators",
    "simplify",
    "substitute",
    "syntax_error",
    "to_bdd",
    "to_string",
    "var",
    "variables",
    "variables_in_order",
    "xor",
]

NAME_PATTERN = r"[A-Za-z_][A-Za-z0-9_]*"
_NAME_RE = re.compile(NAME_PATTERN + r"\Z")

MAX_NESTING = 100
"""The deepest expression tree a rule may have once chains of one operator are joined
(``a | (b | c)`` is one ``|`` of three operands): each negation, and each change between ``&``
and ``|``, is one level. Published models stay far below it (the 284 models of the Biodivine
corpus reach 7, although their parentheses nest up to 10,192 deep); deeper rules are refused
with a syntax error instead of exhausting the interpreter's stack in the recursive walks over
the tree."""

MAX_PARENTHESES = 50_000
"""The deepest nesting of parentheses a rule may have: about five times the deepest of the
Biodivine corpus (10,192, model 248). The parser keeps its own stack, so this bounds the memory
of a hostile rule, not a recursion."""

MAX_XOR = 12
"""The most exclusive-or (and equivalence) operators one rule may hold: they are expanded into
``and``/``or``/``not`` (``a ^ b = a & !b | !a & b``), which doubles the expanded rule per operator
in a chain, so more would make the rule exponentially large."""

TRUE: Const = Const(True)
FALSE: Const = Const(False)


def is_valid_name(name: str) -> bool:
    """True if ``name`` is a node name valid in every supported format."""
    return bool(_NAME_RE.match(name)) and name.lower() not in {"true", "false"}


# ---- constructors -------------------------------------------------------------------------
def const(value: bool) -> Const:
    """The constant ``value``."""
    return TRUE if value else FALSE


def var(name: str) -> Var:
    """The variable ``name``."""
    return Var(name)


def not_(operand: Expr) -> Not:
    """The negation of ``operand`` (kept as written: ``not_(not_(a))`` is ``!!a``)."""
    return Not(operand)


def _junction(kind: type[And] | type[Or], items: Iterable[Expr], flatten: bool) -> Expr:
    operands: list[Expr] = []
    for item in items:
        if flatten and type(item) is kind:
            operands.extend(item[1])
        else:
            operands.append(item)
    if not operands:
        return TRUE if kind is And else FALSE
    return operands[0] if len(operands) == 1 else kind(tuple(operands))


def and_(items: Iterable[Expr], *, flatten: bool = False) -> Expr:
    """The conjunction of ``items``: ``TRUE`` for none, the item itself for one; with
    ``flatten`` the operands of nested conjunctions are spliced in."""
    return _junction(And, items, flatten)


def or_(items: Iterable[Expr], *, flatten: bool = False) -> Expr:
    """The disjunction of ``items``: ``FALSE`` for none, the item itself for one; with
    ``flatten`` the operands of nested disjunctions are spliced in."""
    return _junction(Or, items, flatten)


def xor(left: Expr, right: Expr) -> Expr:
    """``left ^ right`` expanded: ``left & !right | !left & right``."""
    return Or((And((left, Not(right))), And((Not(left), right))))


def implies(left: Expr, right: Expr) -> Expr:
    """``left => right`` expanded: ``!left | right``."""
    return Or((Not(left), right))


def iff(left: Expr, right: Expr) -> Expr:
    """``left <=> right`` expanded: ``left & right | !left & !right``."""
    return Or((And((left, right)), And((Not(left), Not(right)))))


_BUILDERS: dict[str, Callable[[Expr, Expr], Expr]] = {"^": xor, "=>": implies, "<=>": iff}


def as_expr(data: object) -> Expr:
    """Typed nodes for an expression given as typed nodes, plain tuples or JSON lists
    (``["and", [["var", "a"], ["not", ["var", "b"]]]]``), checked node by node.

    Raises
    ------
    TypeError
        ``data`` is not an expression.
    """
    if type(data) in NODE_TYPES:
        return data  # type: ignore[return-value]
    if not isinstance(data, tuple | list) or len(data) != 2:
        raise TypeError(f"not an expression: {str(data)[:80]}")
    op, arg = data
    if op == "const":
        if not isinstance(arg, bool | int):
            raise TypeError(f"not a constant: {str(arg)[:80]}")
        return const(bool(arg))
    if op == "var":
        if not isinstance(arg, str):
            raise TypeError(f"not a node name: {str(arg)[:80]}")
        return Var(arg)
    if op == "not":
        return Not(as_expr(arg))
    if op in ("and", "or"):
        if not isinstance(arg, tuple | list):
            raise TypeError(f"not a list of operands: {str(arg)[:80]}")
        operands = tuple(as_expr(e) for e in arg)
        return And(operands) if op == "and" else Or(operands)
    raise TypeError(f"not an expression: {str(data)[:80]}")


# ---- errors and the guard -----------------------------------------------------------------
SHOWN_EXPRESSION = 120
"""Syntax errors echo at most this many characters of the expression around the error."""


def syntax_error(
    problem: str,
    *,
    expression: str,
    position: int,
    token: str | None = None,
    file: str | None = None,
    line: int | None = None,
    target: str | None = None,
) -> RuleSyntaxError:
    """A :class:`RuleSyntaxError` whose message echoes at most :data:`SHOWN_EXPRESSION`
    characters around ``position`` (the column stays that of the full expression)."""
    shown, at = expression, position
    if len(expression) > SHOWN_EXPRESSION:
        start = max(0, min(position - SHOWN_EXPRESSION // 2, len(expression) - SHOWN_EXPRESSION))
        end = start + SHOWN_EXPRESSION
        shown = expression[start:end]
        at = position - start
        if start > 0:
            shown, at = "..." + shown, at + 3
        if end < len(expression):
            shown += "..."
    error = RuleSyntaxError(
        problem, expression=shown, position=at, token=token, file=file, line=line, target=target
    )
    if shown is not expression:
        error.expression, error.position, error.column = expression, position, position + 1
        error.args = (error._format(),)
    return error


Fail: TypeAlias = Callable[[str], Exception]

NESTED_TOO_DEEP = (
    f"nested more than {MAX_NESTING} levels deep (negations and alternations of AND and OR)"
)
NESTED_PARENTHESES = f"parentheses nested more than {MAX_PARENTHESES} levels deep"
TOO_MANY_XOR = (
    f"more than {MAX_XOR} XOR operators in one rule (each doubles the size of the rule once XOR "
    "is expanded into AND, OR and NOT)"
)


class Guard:
    """The one guard of every parser and tree builder: nesting at most :data:`MAX_NESTING`
    deep, at most :data:`MAX_XOR` exclusive-ors (and equivalences) per rule, and the nesting of
    the rule once they are expanded."""

    __slots__ = ("depth", "xors")

    def __init__(self) -> None:
        self.depth = 0
        self.xors = 0

    def enter(self, fail: Fail) -> None:
        """One level deeper; ``fail(problem)`` is raised beyond :data:`MAX_NESTING`."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise fail(NESTED_TOO_DEEP)

    def leave(self) -> None:
        """One level up."""
        self.depth -= 1

    def expand(self, fail: Fail, count: int = 1) -> None:
        """``count`` more exclusive-ors or equivalences; ``fail`` beyond :data:`MAX_XOR`."""
        self.xors += count
        if self.xors > MAX_XOR:
            raise fail(TOO_MANY_XOR)

    def check(self, expr: Expr, fail: Fail) -> Expr:
        """``expr``, once its expansions are checked to stay :data:`MAX_NESTING` deep."""
        if self.xors and nesting_depth(expr) > MAX_NESTING:
            raise fail(
                f"nested more than {MAX_NESTING} levels deep once XOR is expanded "
                "(a ^ b = a & !b | !a & b)"
            )
        return expr


# ---- dialects -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Dialect:
    """How one format spells expressions.

    ``symbols`` and ``words`` (compared ignoring case) map spellings to the operators ``!``,
    ``&``, ``|``, ``^``, ``=>``, ``<=>``; ``levels`` lists the binary operators from the loosest
    to the tightest; ``constants`` maps spellings (words ignoring case) to truth values.
    ``name`` is the pattern of a name token (it may be wider than a valid node name: such
    tokens are refused as invalid names), ``number`` that of number tokens that are not
    constants (refused, unless ``nonzero_true``: then a number is true unless it is zero, as
    MaBoSS evaluates ``1 & 2``) and ``refused`` that of tokens named as unknown operators.
    """

    key: str
    symbols: Mapping[str, str]
    levels: tuple[str, ...] = ("|", "&")
    words: Mapping[str, str] = field(default_factory=dict)
    constants: Mapping[str, bool] = field(default_factory=dict)
    name: str = r"[A-Za-z_][A-Za-z0-9_.]*"
    number: str | None = None
    nonzero_true: bool = False
    refused: str | None = None
    noun: str = "expression"
    unknown: str = "unexpected character {token!r}"
    no_operand: str = "unexpected {token!r}; expected a node name or a constant"
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pattern", _token_pattern(self))


def _token_pattern(dialect: Dialect) -> re.Pattern[str]:
    """The token pattern of ``dialect``: spaces, refused tokens, names, numbers, operators and
    any other character, in this order of preference."""
    ops = sorted((*dialect.symbols, "(", ")"), key=len, reverse=True)
    parts = [r"(?P<space>\s+)"]
    if dialect.refused:
        parts.append(f"(?P<refused>{dialect.refused})")
    parts.append(f"(?P<name>{dialect.name})")
    numeric = sorted((c for c in dialect.constants if not c[0].isalpha()), key=len)
    constants = "|".join(re.escape(c) for c in reversed(numeric))
    if dialect.number:
        parts.append(f"(?P<number>{dialect.number})")
    elif constants:
        parts.append(f"(?P<number>{constants})")
    parts.append("(?P<op>" + "|".join(re.escape(o) for o in ops) + ")")
    parts.append("(?P<other>.)")
    return re.compile("|".join(parts), re.DOTALL)


_BNET_SYMBOLS = {"!": "!", "~": "!", "&": "&", "|": "|"}
_TRUTH_WORDS = {"true": True, "false": False}

DIALECTS: dict[str, Dialect] = {
    "bnet": Dialect("bnet", _BNET_SYMBOLS, constants={"0": False, "1": True, **_TRUTH_WORDS}),
    "booleannet": Dialect(
        "booleannet",
        _BNET_SYMBOLS,
        words={"not": "!", "and": "&", "or": "|"},
        constants={"0": False, "1": True, **_TRUTH_WORDS},
    ),
    "maboss": Dialect(
        "maboss",
        {"&&": "&", "&": "&", "||": "|", "|": "|", "!": "!", "^": "^"},
        levels=("^", "|", "&"),
        words={"and": "&", "or": "|", "not": "!", "xor": "^"},
        constants={"0": False, "1": True, "0.0": False, "1.0": True},
        name=NAME_PATTERN,
        number=r"\d+(?:\.\d*)?(?:[eE][-+]?\d+)?",
        nonzero_true=True,  # MaBoSS evaluates logic on doubles: 2 and 0.5 are true
        refused=r"==|!=|>=|<=|\$" + NAME_PATTERN + r"|@" + NAME_PATTERN,
        noun="logic",
        unknown=(
            "unknown operator {token!r} in MaBoSS logic (supported: AND OR NOT XOR, && || ! ^, "
            "& |, parentheses, numbers (0 is false, any other true) and node names)"
        ),
        no_operand="unexpected {token!r} where an operand was expected",
    ),
    "aeon": Dialect(
        "aeon",
        {"!": "!", "&": "&", "|": "|", "^": "^", "=>": "=>", "<=>": "<=>"},
        levels=("<=>", "=>", "|", "&", "^"),
        constants=dict(_TRUTH_WORDS),
        name=NAME_PATTERN,
    ),
    "ginsim": Dialect(
        "ginsim",
        {"!": "!", "&": "&", "|": "|"},
        name=r"[A-Za-z0-9_][A-Za-z0-9_\-]*(?::\d+)?",  # GINsim ids may hold '-' (c-Fos)
        noun="logical function",
        unknown="unexpected {token!r}",
    ),
}
"""The expression dialects by name (see the module docstring)."""

DialectName = Literal["bnet", "booleannet", "maboss", "aeon", "ginsim"]

_Token: TypeAlias = tuple[str, str, int]  # kind ("name", "const", "op"), value, position


class _Parser:
    """Precedence climbing over one dialect's table (every dialect, one parser)."""

    def __init__(
        self,
        text: str,
        dialect: Dialect,
        *,
        file: str | None,
        line: int | None,
        target: str | None,
        variable: Callable[[str], Expr] | None,
    ) -> None:
        self.text = text
        self.flat = text.replace("\n", " ").replace("\t", " ")
        self.dialect = dialect
        self.file = file
        self.line = line
        self.target = target
        self.variable = variable
        self.guard = Guard()
        self.toks = self._tokens()

    def _tokens(self) -> list[_Token]:
        d = self.dialect
        toks: list[_Token] = []
        for m in d.pattern.finditer(self.text):
            kind = m.lastgroup or "other"
            value = m.group(kind)
            pos = m.start()
            if kind == "space":
                continue
            if kind == "name":
                lowered = value.lower()
                if lowered in d.words:
                    toks.append(("op", d.words[lowered], pos))
                    continue
                if lowered in d.constants and value[0].isalpha():
                    toks.append(("const", "1" if d.constants[lowered] else "0", pos))
                    continue
                toks.append(("name", value, pos))
            elif kind == "number":
                if value in d.constants:
                    toks.append(("const", "1" if d.constants[value] else "0", pos))
                elif d.nonzero_true:
                    toks.append(("const", "0" if float(value) == 0 else "1", pos))
                else:
                    raise self.error(
                        f"number {value} is not a Boolean constant (0 or 1)", pos, value
                    )
            elif kind == "op":
                toks.append(("op", d.symbols.get(value, value), pos))
            else:
                shown = value if kind == "refused" else self.text[pos]
                raise self.error(d.unknown.format(token=shown), pos, shown)
        return toks

    def error(self, problem: str, position: int, token: str | None = None) -> RuleSyntaxError:
        line = self.line
        if line is not None:
            line += self.text.count("\n", 0, position)
        return syntax_error(
            problem,
            expression=self.flat,
            position=position,
            token=token,
            file=self.file,
            line=line,
            target=self.target,
        )

    def at(self, pos: int, token: str) -> Fail:
        return lambda problem: self.error(problem, pos, token)

    def parse(self) -> Expr:
        """Operator precedence without recursion: an explicit stack of operators and one of
        operands, so parentheses nested :data:`MAX_PARENTHESES` deep cost memory, not the
        interpreter's stack. Chains of one associative operator become one n-ary node, also
        across parentheses (``a | (b | (c | d))`` is ``a | b | c | d``)."""
        if not self.toks:
            raise self.error(f"empty {self.dialect.noun}", 0)
        levels = {op: i for i, op in enumerate(self.dialect.levels)}
        operands: list[_Operand] = []
        operators: list[tuple[str, int]] = []  # ("(" | "!" | binary operator, position)
        open_parens = 0
        expect_operand = True
        for kind, value, pos in self.toks:
            if expect_operand:
                if kind == "name" and self.variable is None and not _NAME_RE.match(value):
                    raise self.error(f"invalid node name {value!r}", pos, value)
                if kind == "op" and value == "(":
                    open_parens += 1
                    if open_parens > MAX_PARENTHESES:
                        raise self.error(NESTED_PARENTHESES, pos, value)
                    operators.append((value, pos))
                elif kind == "op" and value == "!":
                    operators.append((value, pos))
                elif kind == "op":
                    raise self.error(self.dialect.no_operand.format(token=value), pos, value)
                else:
                    operands.append(self.operand(kind, value))
                    expect_operand = False
                continue
            if kind == "op" and value in levels:
                level = levels[value]
                while operators:
                    top = operators[-1][0]
                    if top == "(":
                        break
                    if top != "!":
                        top_level = levels[top]
                        if top_level < level or (top_level == level and value == "=>"):
                            break
                    self.reduce(operands, operators.pop())
                if value in ("^", "<=>"):
                    self.guard.expand(self.at(pos, value))
                operators.append((value, pos))
                expect_operand = True
            elif kind == "op" and value == ")":
                while operators and operators[-1][0] != "(":
                    self.reduce(operands, operators.pop())
                if not operators:
                    raise self.error("unbalanced ')' without a matching '('", pos, value)
                operators.pop()
                open_parens -= 1
            elif open_parens:
                raise self.error("unbalanced '(': missing ')'", pos, value)
            else:
                raise self.error(f"unexpected {value!r}; expected an operator", pos, value)
        if expect_operand:
            noun = self.dialect.noun
            raise self.error(f"{noun} ends where an operand was expected", len(self.text))
        while operators:
            op = operators.pop()
            if op[0] == "(":
                raise self.error("unbalanced '(': missing ')'", len(self.text))
            self.reduce(operands, op)
        expr = _finish(operands[0])
        return self.guard.check(expr, self.at(0, ""))

    def operand(self, kind: str, value: str) -> _Operand:
        if kind == "const":
            return const(value == "1")
        if self.variable is not None:
            return self.variable(value)
        return Var(value)

    def reduce(self, operands: list[_Operand], operator: tuple[str, int]) -> None:
        """Apply ``operator`` to the operands on top of the stack."""
        op, pos = operator
        if op == "!":
            inner = _finish(operands.pop())
            depth = _depth(inner) + 1
            if depth > MAX_NESTING:
                raise self.error(NESTED_TOO_DEEP, pos, op)
            operands.append(_Deep(Not(inner), depth))
            return
        right = operands.pop()
        left = operands.pop()
        if op in ("&", "|"):
            joined = _join(op, left, right)
            if joined.depth > MAX_NESTING:
                raise self.error(NESTED_TOO_DEEP, pos, op)
            operands.append(joined)
            return
        a, b = _finish(left), _finish(right)
        depth = max(_depth(a), _depth(b)) + 2
        if depth > MAX_NESTING:
            raise self.error(NESTED_TOO_DEEP, pos, op)
        operands.append(_Deep(_BUILDERS[op](a, b), depth))


class _Chain:
    """An n-ary ``&`` or ``|`` being built (a deque, so that right-nested chains grow at the
    left in constant time)."""

    __slots__ = ("depth", "items", "op")

    def __init__(self, op: str, items: deque[Expr], depth: int) -> None:
        self.op = op
        self.items = items
        self.depth = depth


class _Deep:
    """A finished operand and its depth (computed once)."""

    __slots__ = ("depth", "expr")

    def __init__(self, expr: Expr, depth: int) -> None:
        self.expr = expr
        self.depth = depth


_Operand: TypeAlias = "Expr | _Chain | _Deep"


def _finish(operand: _Operand) -> Expr:
    if isinstance(operand, _Chain):
        items = tuple(operand.items)
        return And(items) if operand.op == "&" else Or(items)
    if isinstance(operand, _Deep):
        return operand.expr
    return operand


def _depth(operand: _Operand) -> int:
    if isinstance(operand, _Chain | _Deep):
        return operand.depth
    if operand[0] == "var" or operand[0] == "const":
        return 0
    return nesting_depth(operand)


def _join(op: str, left: _Operand, right: _Operand) -> _Chain:
    """``left op right`` with the operands of chains (and nodes) of ``op`` spliced in."""
    tag = "and" if op == "&" else "or"

    def spliced(item: Expr) -> tuple[Expr, ...] | None:
        return item[1] if isinstance(item, And | Or) and item[0] == tag else None

    if isinstance(left, _Chain) and left.op == op:
        chain = left
        if isinstance(right, _Chain) and right.op == op:
            chain.items.extend(right.items)
            chain.depth = max(chain.depth, right.depth)
            return chain
        item = _finish(right)
        if (inner := spliced(item)) is not None:
            chain.items.extend(inner)
            chain.depth = max(chain.depth, _depth(right))
        else:
            chain.items.append(item)
            chain.depth = max(chain.depth, _depth(right) + 1)
        return chain
    if isinstance(right, _Chain) and right.op == op:
        item = _finish(left)
        if (inner := spliced(item)) is not None:
            right.items.extendleft(reversed(inner))
            right.depth = max(right.depth, _depth(left))
        else:
            right.items.appendleft(item)
            right.depth = max(right.depth, _depth(left) + 1)
        return right
    items: deque[Expr] = deque()
    depth = 1
    for side in (left, right):
        item = _finish(side)
        if (inner := spliced(item)) is not None:
            items.extend(inner)
            depth = max(depth, _depth(side))
        else:
            items.append(item)
            depth = max(depth, _depth(side) + 1)
    return _Chain(op, items, depth)


def parse_expression(
    text: str,
    *,
    dialect: DialectName | Dialect = "bnet",
    keywords: bool = False,
    file: str | None = None,
    line: int | None = None,
    target: str | None = None,
    variable: Callable[[str], Expr] | None = None,
) -> Expr:
    """Parse ``text`` into an expression tree.

    Parameters
    ----------
    text
        The expression, e.g. ``"A & !B"``.
    dialect
        One of :data:`DIALECTS` (or a :class:`Dialect`).
    keywords
        Read the BooleanNet words too (the ``booleannet`` dialect).
    file, line, target
        Where the expression stands, for error messages (``line`` is that of the expression's
        first character; an expression spanning lines counts them).
    variable
        Resolves a name token into an expression (a format's own atoms, e.g. GINsim
        thresholds); by default a name is a :class:`Var`.

    Returns
    -------
    Expr
        The expression; exclusive-ors, implications and equivalences are expanded.

    Raises
    ------
    RuleSyntaxError
        The text is not an expression of the dialect; names file, line, column and token.
    """
    if keywords and dialect == "bnet":
        dialect = "booleannet"
    table = dialect if isinstance(dialect, Dialect) else DIALECTS[dialect]
    return _Parser(text, table, file=file, line=line, target=target, variable=variable).parse()


# ---- queries and rewrites -----------------------------------------------------------------
# The walks below dispatch on the tag (``e[0] == "var"``), which mypy narrows like isinstance
# and which costs one index and one comparison of interned strings: they are the hot loops of
# constant percolation before every attractor search. They build nodes with ``tuple.__new__``
# (a C call) rather than through the classes' ``__new__`` (a Python frame per node).
_new = tuple.__new__


def nesting_depth(expr: Expr) -> int:
    """The depth of an expression tree (a variable or constant is 0), computed without
    recursion, so that it is safe on any input."""
    deepest = 0
    stack: list[tuple[Expr, int]] = [(expr, 0)]
    while stack:
        e, d = stack.pop()
        deepest = max(deepest, d)
        if e[0] == "not":
            stack.append((e[1], d + 1))
        elif e[0] == "and" or e[0] == "or":
            stack.extend((x, d + 1) for x in e[1])
    return deepest


def variables(expr: Expr) -> frozenset[str]:
    """The node names an expression reads."""
    if expr[0] == "var":
        return frozenset((expr[1],))
    if expr[0] == "const":
        return frozenset()
    if expr[0] == "not":
        return variables(expr[1])
    return frozenset().union(*(variables(e) for e in expr[1]))


def variables_in_order(expr: Expr) -> list[str]:
    """The node names of ``expr`` in the order they first appear, without recursion: a good BDD
    variable order for the DNFs of published models (name order can make them exponential)."""
    seen: dict[str, None] = {}
    stack = [expr]
    while stack:
        e = stack.pop()
        if e[0] == "var":
            seen.setdefault(e[1], None)
        elif e[0] == "not":
            stack.append(e[1])
        elif e[0] == "and" or e[0] == "or":
            stack.extend(reversed(e[1]))
    return list(seen)


def evaluate(expr: Expr, state: Mapping[str, bool | int]) -> bool:
    """Evaluate ``expr`` in ``state`` (a mapping from node name to 0/1 or bool)."""
    if expr[0] == "var":
        return bool(state[expr[1]])
    if expr[0] == "const":
        return expr[1]
    if expr[0] == "not":
        return not evaluate(expr[1], state)
    if expr[0] == "and":
        return all(evaluate(e, state) for e in expr[1])
    return any(evaluate(e, state) for e in expr[1])


def substitute(expr: Expr, values: Mapping[str, bool]) -> Expr:
    """Replace the named variables by constants (no simplification)."""
    if expr[0] == "var":
        return (TRUE if values[expr[1]] else FALSE) if expr[1] in values else expr
    if expr[0] == "const":
        return expr
    if expr[0] == "not":
        return _new(Not, ("not", substitute(expr[1], values)))
    operands = tuple([substitute(e, values) for e in expr[1]])
    return _new(And, ("and", operands)) if expr[0] == "and" else _new(Or, ("or", operands))


def rename(expr: Expr, mapping: Mapping[str, str]) -> Expr:
    """Rename variables."""
    if expr[0] == "var":
        return Var(mapping[expr[1]]) if expr[1] in mapping else expr
    if expr[0] == "const":
        return expr
    if expr[0] == "not":
        return _new(Not, ("not", rename(expr[1], mapping)))
    operands = tuple([rename(e, mapping) for e in expr[1]])
    return _new(And, ("and", operands)) if expr[0] == "and" else _new(Or, ("or", operands))


def signed_regulators(expr: Expr) -> dict[str, str]:
    """Map each regulator to ``"+"``, ``"-"`` or ``"?"`` (both polarities) by its literals.

    The sign is syntactic (the polarity of each occurrence after pushing negations to the
    leaves), which is exact for the monotone rules of signalling models.
    """
    signs: dict[str, set[str]] = {}

    def walk(e: Expr, positive: bool) -> None:
        if e[0] == "var":
            signs.setdefault(e[1], set()).add("+" if positive else "-")
        elif e[0] == "not":
            walk(e[1], not positive)
        elif e[0] == "and" or e[0] == "or":
            for x in e[1]:
                walk(x, positive)

    walk(expr, True)
    return {name: (s.pop() if len(s) == 1 else "?") for name, s in sorted(signs.items())}


def simplify(expr: Expr) -> Expr:
    """Fold constants (``x & 0 -> 0``, ``x | 1 -> 1``, ``!1 -> 0``, ...); exact, not minimal."""
    if expr[0] == "var" or expr[0] == "const":
        return expr
    if expr[0] == "not":
        inner = simplify(expr[1])
        if inner[0] == "const":
            return FALSE if inner[1] else TRUE
        if inner[0] == "not":
            return inner[1]
        return _new(Not, ("not", inner))
    op = expr[0]
    absorbing = op == "or"  # True absorbs an 'or', False absorbs an 'and'
    items: list[Expr] = []
    for e in expr[1]:
        s = simplify(e)
        if s[0] == "const":
            if s[1] == absorbing:
                return TRUE if absorbing else FALSE
            continue  # the neutral element
        if s[0] == op and (s[0] == "and" or s[0] == "or"):
            items.extend(s[1])
        else:
            items.append(s)
    if not items:
        return FALSE if absorbing else TRUE
    if len(items) == 1:
        return items[0]
    if absorbing:
        return _new(Or, ("or", tuple(items)))
    return _new(And, ("and", tuple(items)))


EQUIVALENCE_TRUTH_TABLE = 12
"""Up to this many variables :func:`equivalent` compares truth tables, beyond it BDDs."""


def equivalent(a: Expr, b: Expr, *, order: Iterable[str] | None = None) -> bool:
    """True when ``a`` and ``b`` compute the same Boolean function.

    Small supports are compared by truth table, larger ones on reduced ordered BDDs
    (biodivine-aeon) whose variables come in ``order`` (then in name order): a good order keeps
    the BDD of a large DNF small.
    """
    support = sorted(variables(a) | variables(b))
    if len(support) <= EQUIVALENCE_TRUTH_TABLE:
        for values in product((False, True), repeat=len(support)):
            state = dict(zip(support, values, strict=True))
            if evaluate(a, state) != evaluate(b, state):
                return False
        return True
    from biodivine_aeon import BddVariableSet

    wanted = set(support)
    ordered = [n for n in dict.fromkeys([*(order or ()), *support]) if n in wanted]
    bdd_vars = BddVariableSet(ordered)
    return bool(to_bdd(a, bdd_vars).semantic_eq(to_bdd(b, bdd_vars)))


def fold(
    expr: Expr,
    *,
    var: Callable[[str], T],
    const: Callable[[bool], T],
    not_: Callable[[T], T],
    nary: Callable[[str, list[T]], T],
) -> T:
    """Build a value bottom-up over ``expr`` without recursion (no rule is too deep for it):
    ``var(name)`` and ``const(value)`` for the leaves, ``not_(x)`` for a negation and
    ``nary("and" | "or", operands)`` for an operand list."""
    results: list[T] = []
    stack: list[tuple[Expr, bool]] = [(expr, False)]
    while stack:
        e, done = stack.pop()
        if e[0] == "var":
            results.append(var(e[1]))
        elif e[0] == "const":
            results.append(const(bool(e[1])))
        elif not done:
            stack.append((e, True))
            if e[0] == "not":
                stack.append((e[1], False))
            else:
                stack.extend((x, False) for x in reversed(e[1]))
        elif e[0] == "not":
            results.append(not_(results.pop()))
        else:
            count = len(e[1])
            operands = results[len(results) - count :]
            del results[len(results) - count :]
            results.append(nary(e[0], operands))
    return results[0]


def to_bdd(expr: Expr, bdd_vars: Any) -> Any:
    """The BDD of ``expr`` over ``bdd_vars`` (a biodivine-aeon ``BddVariableSet`` naming every
    variable ``expr`` reads), built through the BDD operations without recursion, so that
    neither a long nor a deep rule reaches a native parser's stack."""

    def nary(op: str, operands: list[Any]) -> Any:
        conjunction = op == "and"
        while len(operands) > 1:  # pairwise: balanced, so no operand is rebuilt n times
            paired = [
                x.l_and(y) if conjunction else x.l_or(y)
                for x, y in zip(operands[::2], operands[1::2], strict=False)
            ]
            if len(operands) % 2:
                paired.append(operands[-1])
            operands = paired
        return operands[0] if operands else bdd_vars.mk_const(conjunction)

    return fold(
        expr,
        var=lambda name: bdd_vars.mk_literal(name, True),
        const=bdd_vars.mk_const,
        not_=lambda x: x.l_not(),
        nary=nary,
    )


# ---- the printer --------------------------------------------------------------------------
@dataclass(frozen=True)
class PrintStyle:
    """How one format writes expressions: templates for variables, negation and the operand
    lists of ``and``/``or`` (``(open, separator, close)``), the constants, and whether operands
    are parenthesised by precedence (``"precedence"``: the fewest parentheses), always
    (``"always"``) or never (``"never"``: a prefix notation such as MathML)."""

    not_: str = "!{}"
    and_: tuple[str, str, str] = ("", " & ", "")
    or_: tuple[str, str, str] = ("", " | ", "")
    true: str = "1"
    false: str = "0"
    var: str = "{}"
    grouping: Literal["precedence", "always", "never"] = "precedence"


_WORDS = PrintStyle(
    not_="not {}", and_=("", " and ", ""), or_=("", " or ", ""), true="True", false="False"
)
STYLES: dict[str, PrintStyle] = {
    "bnet": PrintStyle(),
    "boolnet": PrintStyle(),
    "toml": PrintStyle(),
    "booleannet": _WORDS,
    "python": _WORDS,
    "maboss": PrintStyle(
        not_="NOT {}", and_=("", " AND ", ""), or_=("", " OR ", ""), true="1", false="0"
    ),
    "nusmv": PrintStyle(true="TRUE", false="FALSE"),
    "aeon": PrintStyle(true="true", false="false"),
    "mathml": PrintStyle(
        not_="<apply><not/>{}</apply>",
        and_=("<apply><and/>", "", "</apply>"),
        or_=("<apply><or/>", "", "</apply>"),
        true="<true/>",
        false="<false/>",
        var='<apply><eq/><ci>{}</ci><cn type="integer">1</cn></apply>',
        grouping="never",
    ),
}
"""The printing styles by name (see :class:`PrintStyle`)."""

Style = Literal[
    "bnet", "boolnet", "toml", "booleannet", "python", "maboss", "nusmv", "aeon", "mathml"
]


def to_string(expr: Expr, style: Style | PrintStyle = "bnet") -> str:
    """Print ``expr`` in ``style`` (one of :data:`STYLES`), by default with the fewest
    parentheses its precedence needs."""
    s = style if isinstance(style, PrintStyle) else STYLES[style]
    grouping = s.grouping

    def show(e: Expr, parent: int) -> str:
        if isinstance(e, Var):
            return s.var.format(e[1])
        if isinstance(e, Const):
            return s.true if e[1] else s.false
        if isinstance(e, Not):
            return s.not_.format(show(e[1], 3))
        if not isinstance(e, NODE_TYPES):  # a node spelled as a plain tuple (types)
            return show(as_expr(e), parent)
        level = 2 if isinstance(e, And) else 1
        start, sep, end = s.and_ if level == 2 else s.or_
        text = start + sep.join(show(x, level) for x in e[1]) + end
        if grouping == "always" or (grouping == "precedence" and level < parent):
            return f"({text})"
        return text

    return show(expr, 0)
