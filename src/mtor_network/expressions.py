"""Boolean update-rule expressions: a small, safe parser (never ``eval``) and printers.

An expression is an immutable tree of tuples:

- ``("const", True | False)``
- ``("var", name)``
- ``("not", expr)``
- ``("and", (expr, expr, ...))`` and ``("or", (expr, expr, ...))``

The grammar is the BNet one used by PyBoolNet, BoolNet, AEON and mpbn: ``!`` binds tighter than
``&``, which binds tighter than ``|``; parentheses group; ``0``/``1`` (also ``false``/``true``)
are constants. With ``keywords=True`` the BooleanNet words ``not``, ``and``, ``or`` and the
constants ``True``/``False`` are accepted as well.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Literal, TypeAlias

from .exceptions import RuleSyntaxError

Expr: TypeAlias = (
    tuple  # ("const", bool) | ("var", str) | ("not", Expr) | ("and"|"or", tuple[Expr, ...])
)

NAME_PATTERN = r"[A-Za-z_][A-Za-z0-9_]*"
_NAME_RE = re.compile(NAME_PATTERN + r"\Z")
_TOKEN_RE = re.compile(r"\s*(?:(?P<name>[A-Za-z_][A-Za-z0-9_.]*|[01])|(?P<op>[!&|()~]))")
_TRAILING_SPACE_RE = re.compile(r"\s*\Z")

MAX_NESTING = 100
"""The deepest nesting of parentheses and negations a rule may have (published models stay below
50); deeper input is refused with a syntax error instead of exhausting the interpreter's stack."""

MAX_XOR = 12
"""The most exclusive-or (and equivalence) operators one rule may hold: they are expanded into
``and``/``or``/``not`` (``a ^ b = a & !b | !a & b``), which doubles the expanded rule per operator
in a chain, so more would make the rule exponentially large."""

TRUE: Expr = ("const", True)
FALSE: Expr = ("const", False)


def is_valid_name(name: str) -> bool:
    """True if ``name`` is a node name valid in every supported format."""
    return bool(_NAME_RE.match(name)) and name.lower() not in {"true", "false"}


def _tokens(
    text: str, fail: Callable[[str, int, str | None], RuleSyntaxError]
) -> Iterator[tuple[str, str, int]]:
    pos = 0
    while pos < len(text):
        if _TRAILING_SPACE_RE.match(text, pos):
            return
        m = _TOKEN_RE.match(text, pos)
        if not m:
            start = pos + (len(text[pos:]) - len(text[pos:].lstrip()))
            raise fail(f"unexpected character {text[start]!r}", start, text[start])
        kind = "name" if m.group("name") is not None else "op"
        value = m.group(kind)
        yield kind, value, m.start(kind)
        pos = m.end()


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


class _Parser:
    def __init__(
        self,
        text: str,
        *,
        keywords: bool,
        file: str | None,
        line: int | None,
        target: str | None,
    ) -> None:
        self.text = text
        self.file = file
        self.line = line
        self.target = target
        self.keywords = keywords
        self.toks = list(_tokens(text, self.error))
        self.i = 0
        self.depth = 0

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
            expression=self.text,
            position=position,
            token=token,
            file=self.file,
            line=self.line,
            target=self.target,
        )

    def peek(self) -> tuple[str, str, int] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def _is(self, tok: tuple[str, str, int] | None, *ops: str) -> bool:
        if tok is None:
            return False
        kind, value, _ = tok
        if kind == "op":
            return value in ops
        if self.keywords:
            word = {"not": "!", "and": "&", "or": "|"}.get(value.lower())
            return word in ops
        return False

    def parse(self) -> Expr:
        if not self.toks:
            raise self.error("empty expression", 0)
        expr = self.parse_or()
        tok = self.peek()
        if tok is not None:
            _, value, pos = tok
            if value == ")":
                raise self.error("unbalanced ')' without a matching '('", pos, value)
            raise self.error(f"unexpected {value!r}; expected an operator", pos, value)
        return expr

    def parse_or(self) -> Expr:
        items = [self.parse_and()]
        while self._is(self.peek(), "|"):
            self.i += 1
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else ("or", tuple(items))

    def parse_and(self) -> Expr:
        items = [self.parse_not()]
        while self._is(self.peek(), "&"):
            self.i += 1
            items.append(self.parse_not())
        return items[0] if len(items) == 1 else ("and", tuple(items))

    def parse_not(self) -> Expr:
        tok = self.peek()
        if tok is not None and self._is(tok, "!", "~"):
            self.i += 1
            self.deeper(tok[2], tok[1])
            inner = self.parse_not()
            self.depth -= 1
            return ("not", inner)
        return self.parse_atom()

    def parse_atom(self) -> Expr:
        tok = self.peek()
        if tok is None:
            raise self.error("expression ends where an operand was expected", len(self.text))
        kind, value, pos = tok
        if kind == "op":
            if value == "(":
                self.i += 1
                self.deeper(pos, value)
                inner = self.parse_or()
                self.depth -= 1
                close = self.peek()
                if close is None or close[1] != ")":
                    where = close[2] if close else len(self.text)
                    raise self.error(
                        "unbalanced '(': missing ')'", where, close[1] if close else None
                    )
                self.i += 1
                return inner
            raise self.error(
                f"unexpected {value!r}; expected a node name or a constant", pos, value
            )
        if self.keywords and value.lower() in {"and", "or", "not"}:
            raise self.error(
                f"unexpected {value!r}; expected a node name or a constant", pos, value
            )
        self.i += 1
        if value in {"0", "1"}:
            return ("const", value == "1")
        if value.lower() in {"true", "false"}:
            return ("const", value.lower() == "true")
        if not _NAME_RE.match(value):
            raise self.error(f"invalid node name {value!r}", pos, value)
        return ("var", value)


def parse_expression(
    text: str,
    *,
    keywords: bool = False,
    file: str | None = None,
    line: int | None = None,
    target: str | None = None,
) -> Expr:
    """Parse ``text`` into an expression tree; raise :class:`RuleSyntaxError` with position."""
    return _Parser(text, keywords=keywords, file=file, line=line, target=target).parse()


def nesting_depth(expr: Expr) -> int:
    """The depth of an expression tree (a variable or constant is 0), computed without
    recursion, so that it is safe on any input."""
    deepest = 0
    stack = [(expr, 0)]
    while stack:
        e, d = stack.pop()
        deepest = max(deepest, d)
        if e[0] == "not":
            stack.append((e[1], d + 1))
        elif e[0] in ("and", "or"):
            stack.extend((x, d + 1) for x in e[1])
    return deepest


def variables(expr: Expr) -> frozenset[str]:
    """The node names an expression reads."""
    op = expr[0]
    if op == "var":
        return frozenset([expr[1]])
    if op == "const":
        return frozenset()
    if op == "not":
        return variables(expr[1])
    return frozenset().union(*(variables(e) for e in expr[1]))


def evaluate(expr: Expr, state: Mapping[str, bool | int]) -> bool:
    """Evaluate ``expr`` in ``state`` (a mapping from node name to 0/1 or bool)."""
    op = expr[0]
    if op == "var":
        return bool(state[expr[1]])
    if op == "const":
        return bool(expr[1])
    if op == "not":
        return not evaluate(expr[1], state)
    if op == "and":
        return all(evaluate(e, state) for e in expr[1])
    return any(evaluate(e, state) for e in expr[1])


def substitute(expr: Expr, values: Mapping[str, bool]) -> Expr:
    """Replace the named variables by constants (no simplification)."""
    op = expr[0]
    if op == "var":
        return ("const", bool(values[expr[1]])) if expr[1] in values else expr
    if op == "const":
        return expr
    if op == "not":
        return ("not", substitute(expr[1], values))
    return (op, tuple(substitute(e, values) for e in expr[1]))


def rename(expr: Expr, mapping: Mapping[str, str]) -> Expr:
    """Rename variables."""
    op = expr[0]
    if op == "var":
        return ("var", mapping.get(expr[1], expr[1]))
    if op == "const":
        return expr
    if op == "not":
        return ("not", rename(expr[1], mapping))
    return (op, tuple(rename(e, mapping) for e in expr[1]))


Style = Literal["bnet", "booleannet", "python"]

_SYMBOLS: dict[str, tuple[str, str, str, str, str]] = {
    # not, and, or, true, false
    "bnet": ("!", " & ", " | ", "1", "0"),
    "booleannet": ("not ", " and ", " or ", "True", "False"),
    "python": ("not ", " and ", " or ", "True", "False"),
}
_PRECEDENCE = {"or": 1, "and": 2, "not": 3, "var": 4, "const": 4}


def to_string(expr: Expr, style: Style = "bnet") -> str:
    """Print ``expr`` with the fewest parentheses its precedence needs."""
    neg, conj, disj, true, false = _SYMBOLS[style]

    def show(e: Expr, parent: int) -> str:
        op = e[0]
        if op == "var":
            return str(e[1])
        if op == "const":
            return true if e[1] else false
        if op == "not":
            text = neg + show(e[1], _PRECEDENCE["not"])
        else:
            sep = conj if op == "and" else disj
            text = sep.join(show(x, _PRECEDENCE[op]) for x in e[1])
        return f"({text})" if _PRECEDENCE[op] < parent else text

    return show(expr, 0)


def signed_regulators(expr: Expr) -> dict[str, str]:
    """Map each regulator to ``"+"``, ``"-"`` or ``"?"`` (both polarities) by its literals.

    The sign is syntactic (the polarity of each occurrence after pushing negations to the
    leaves), which is exact for the monotone rules of signalling models.
    """
    signs: dict[str, set[str]] = {}

    def walk(e: Expr, positive: bool) -> None:
        op = e[0]
        if op == "var":
            signs.setdefault(e[1], set()).add("+" if positive else "-")
        elif op == "not":
            walk(e[1], not positive)
        elif op in {"and", "or"}:
            for x in e[1]:
                walk(x, positive)

    walk(expr, True)
    return {name: (s.pop() if len(s) == 1 else "?") for name, s in sorted(signs.items())}


def simplify(expr: Expr) -> Expr:
    """Fold constants (``x & 0 -> 0``, ``x | 1 -> 1``, ``!1 -> 0``, ...); exact, not minimal."""
    op = expr[0]
    if op in {"var", "const"}:
        return expr
    if op == "not":
        inner = simplify(expr[1])
        if inner[0] == "const":
            return ("const", not inner[1])
        if inner[0] == "not":
            return inner[1]
        return ("not", inner)
    absorbing = op == "or"  # True absorbs an 'or', False absorbs an 'and'
    items: list[Expr] = []
    for e in expr[1]:
        s = simplify(e)
        if s[0] == "const":
            if s[1] == absorbing:
                return ("const", absorbing)
            continue  # the neutral element
        items.extend(s[1] if s[0] == op else (s,))
    if not items:
        return ("const", not absorbing)
    return items[0] if len(items) == 1 else (op, tuple(items))
