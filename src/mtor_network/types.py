"""The package's shared types: expression nodes, node values, Boolean spaces, and the names of
semantics, engines and phenotypes. This module imports nothing from the package, so every layer
can use it.

Expression nodes are immutable tuples tagged by their first item, as before the typed nodes
(``Var("A") == ("var", "A")``, same hash), so that they stay as cheap to build, hash, compare and
walk as plain tuples, and older code (or a JSON payload) that spells a node as a tuple still
compares equal; :func:`mtor_network.expressions.as_expr` turns such a tuple into typed nodes.

- :class:`Const` ``("const", True | False)``
- :class:`Var` ``("var", name)``
- :class:`Not` ``("not", expr)``
- :class:`And` / :class:`Or` ``("and" | "or", (expr, expr, ...))``
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, TypeAlias


class _Node(tuple):  # type: ignore[type-arg]
    """What every node shares: pickling by its argument, and a constructor-like repr."""

    __slots__ = ()

    def __getnewargs__(self) -> tuple[object]:
        return (self[1],)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self[1]!r})"


class Const(_Node, tuple[Literal["const"], bool]):
    """The constant ``value``: ``Const(True)`` is ``("const", True)``."""

    __slots__ = ()

    def __new__(cls, value: bool) -> Const:
        return tuple.__new__(cls, ("const", bool(value)))

    @property
    def value(self) -> bool:
        """The constant's truth value."""
        return self[1]


class Var(_Node, tuple[Literal["var"], str]):
    """The value of the node ``name``: ``Var("A")`` is ``("var", "A")``."""

    __slots__ = ()

    def __new__(cls, name: str) -> Var:
        return tuple.__new__(cls, ("var", name))

    @property
    def name(self) -> str:
        """The node name."""
        return self[1]


class Not(_Node, tuple[Literal["not"], "Expr"]):
    """The negation of ``operand``: ``Not(Var("A"))`` is ``("not", ("var", "A"))``."""

    __slots__ = ()

    def __new__(cls, operand: Expr) -> Not:
        return tuple.__new__(cls, ("not", operand))

    @property
    def operand(self) -> Expr:
        """The negated expression."""
        return self[1]


class And(_Node, tuple[Literal["and"], tuple["Expr", ...]]):
    """The conjunction of ``operands`` (two or more): ``("and", (a, b, ...))``."""

    __slots__ = ()

    def __new__(cls, operands: tuple[Expr, ...]) -> And:
        return tuple.__new__(cls, ("and", tuple(operands)))

    @property
    def operands(self) -> tuple[Expr, ...]:
        """The conjoined expressions."""
        return self[1]


class Or(_Node, tuple[Literal["or"], tuple["Expr", ...]]):
    """The disjunction of ``operands`` (two or more): ``("or", (a, b, ...))``."""

    __slots__ = ()

    def __new__(cls, operands: tuple[Expr, ...]) -> Or:
        return tuple.__new__(cls, ("or", tuple(operands)))

    @property
    def operands(self) -> tuple[Expr, ...]:
        """The disjoined expressions."""
        return self[1]


Expr: TypeAlias = Const | Var | Not | And | Or
"""A Boolean expression: a tree of typed, immutable, hashable nodes."""

NODE_TYPES: tuple[type, ...] = (Const, Var, Not, And, Or)

Operator = Literal["const", "var", "not", "and", "or"]
"""The tag of an expression node (its first item)."""

NodeValue = Literal[0, 1, "*"]
"""The value of a node in an attractor or a trap space: 0, 1, or ``"*"`` (oscillates/free)."""

BooleanState = Mapping[str, bool | int]
"""A state: node name -> 0/1 (or bool)."""

BooleanSpace = dict[str, Literal[0, 1]]
"""A subspace as a partial assignment (the nodes it fixes), as pyboolnet and biobalm give trap
spaces: ``{"A": 1, "B": 0}``."""

Semantics = Literal["asynchronous", "synchronous", "most_permissive"]
"""The update semantics of an attractor search."""

SEMANTICS: tuple[Semantics, ...] = ("asynchronous", "synchronous", "most_permissive")

EngineName = Literal["auto", "aeon", "biobalm", "mpbn", "pyboolnet"]
"""An attractor engine, or ``"auto"`` (the engine the semantics calls for)."""

Phenotype = Literal["proliferative", "apoptotic", "quiescent", "unknown"]
"""A phenotype class of an attractor (:mod:`mtor_network.phenotypes` declares what each means)."""

PHENOTYPES: tuple[Phenotype, ...] = ("proliferative", "apoptotic", "quiescent", "unknown")

__all__ = [
    "NODE_TYPES",
    "PHENOTYPES",
    "SEMANTICS",
    "And",
    "BooleanSpace",
    "BooleanState",
    "Const",
    "EngineName",
    "Expr",
    "NodeValue",
    "Not",
    "Operator",
    "Or",
    "Phenotype",
    "Semantics",
    "Var",
]
