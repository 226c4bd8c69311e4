"""The rule parser: precedence, constants, and precise errors (it never evaluates Python)."""

from __future__ import annotations

import itertools

import pytest

from mtor_network import RuleSyntaxError
from mtor_network.expressions import (
    evaluate,
    parse_expression,
    signed_regulators,
    simplify,
    to_string,
    variables,
)


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("a", ("var", "a")),
        ("1", ("const", True)),
        ("!a & b | c", ("or", (("and", (("not", ("var", "a")), ("var", "b"))), ("var", "c")))),
        ("a & (b | c)", ("and", (("var", "a"), ("or", (("var", "b"), ("var", "c")))))),
        ("!!a", ("not", ("not", ("var", "a")))),
    ],
)
def test_precedence(text: str, tree: tuple) -> None:
    assert parse_expression(text) == tree


def test_booleannet_keywords() -> None:
    assert parse_expression("not a and b or c", keywords=True) == parse_expression("!a & b | c")
    assert parse_expression("True", keywords=True) == ("const", True)


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("a & (b | c", 11, "missing ')'"),
        ("a & b)", 6, "unbalanced ')'"),
        ("a & & b", 5, "expected a node name"),
        ("a b", 3, "expected an operator"),
        ("", 1, "empty expression"),
        ("a & __import__('os')", 16, "unexpected character"),
        ("a $ b", 3, "unexpected character '$'"),
        ("a &", 4, "ends where an operand was expected"),
    ],
)
def test_errors_carry_position(text: str, column: int, fragment: str) -> None:
    with pytest.raises(RuleSyntaxError) as info:
        parse_expression(text, file="m.bnet", line=7, target="X")
    err = info.value
    assert err.file == "m.bnet" and err.line == 7 and err.column == column
    assert fragment in str(err)
    assert str(err).startswith("m.bnet, line 7, column")


def test_printer_round_trips_and_simplify_is_exact() -> None:
    text = "!(a | b) & (c | !d & 1) | 0 & e"
    expr = parse_expression(text)
    names = sorted(variables(expr))
    for style, kw in (("bnet", False), ("booleannet", True)):
        again = parse_expression(to_string(expr, style), keywords=kw)  # type: ignore[arg-type]
        for values in itertools.product([False, True], repeat=len(names)):
            state = dict(zip(names, values, strict=True))
            assert evaluate(again, state) == evaluate(expr, state)
            assert evaluate(simplify(expr), state) == evaluate(expr, state)


def test_signed_regulators() -> None:
    assert signed_regulators(parse_expression("a & !b | !(c & a)")) == {
        "a": "?",
        "b": "-",
        "c": "-",
    }
