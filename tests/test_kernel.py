"""The expression kernel (issue 11 item 1): typed nodes, the dialect tables of the one parser, the
style tables of the one printer, the constructors, the guard, and ``BooleanNetwork.from_rules``."""

from __future__ import annotations

import copy
import itertools
import pickle
import re
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtor_network import BooleanNetwork, RuleSyntaxError
from mtor_network.exceptions import ModelFileError
from mtor_network.expressions import (
    DIALECTS,
    FALSE,
    MAX_XOR,
    STYLES,
    TRUE,
    Expr,
    and_,
    as_expr,
    equivalent,
    evaluate,
    iff,
    implies,
    not_,
    or_,
    parse_expression,
    simplify,
    to_string,
    var,
    variables,
    xor,
)
from mtor_network.types import And, Const, Not, Or, Var

# Each printing style and the dialect that reads it back.
READ_BACK = {
    "bnet": "bnet",
    "boolnet": "bnet",
    "toml": "bnet",
    "booleannet": "booleannet",
    "python": "booleannet",
    "maboss": "maboss",
    "aeon": "aeon",
    "nusmv": None,  # NuSMV's TRUE/FALSE read as constants by bnet, see below
}

NAMES = ["a", "b", "c", "d"]


def _exprs(depth: int = 3) -> st.SearchStrategy[Expr]:
    leaves = st.one_of(st.sampled_from([var(n) for n in NAMES]), st.sampled_from([TRUE, FALSE]))
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            inner.map(not_),
            st.lists(inner, min_size=2, max_size=3).map(lambda xs: And(tuple(xs))),
            st.lists(inner, min_size=2, max_size=3).map(lambda xs: Or(tuple(xs))),
        ),
        max_leaves=10,
    )


def _same_function(a: Expr, b: Expr) -> bool:
    for values in itertools.product([False, True], repeat=len(NAMES)):
        state = dict(zip(NAMES, values, strict=True))
        if evaluate(a, state) != evaluate(b, state):
            return False
    return True


# ---- typed nodes --------------------------------------------------------------------------
def test_typed_nodes_are_the_tagged_tuples_they_were() -> None:
    tree = parse_expression("!a & b | 1")
    plain = ("or", (("and", (("not", ("var", "a")), ("var", "b"))), ("const", True)))
    assert tree == plain and hash(tree) == hash(plain)
    assert type(tree) is Or and type(tree[1][0]) is And and type(tree[1][1]) is Const
    assert tree.operands[0].operands[0] == Not(Var("a"))
    assert (
        Var("a").name == "a" and Const(False).value is False and Not(Var("a")).operand == Var("a")
    )
    assert repr(tree) == "Or((And((Not(Var('a')), Var('b'))), Const(True)))"


def test_typed_nodes_survive_pickle_copy_and_json_lists() -> None:
    tree = parse_expression("a & !(b | c)")
    for again in (pickle.loads(pickle.dumps(tree)), copy.deepcopy(tree), as_expr(tree)):
        assert again == tree and type(again) is And and type(again[1][1]) is Not
    as_lists = ["and", [["var", "a"], ["not", ["or", [["var", "b"], ["var", "c"]]]]]]
    assert as_expr(as_lists) == tree and type(as_expr(as_lists)[1][1][1]) is Or


@pytest.mark.parametrize(
    "data", [None, "a", ("var", 1), ("xor", ()), ("and", "ab"), ["not"], ("const", "yes")]
)
def test_as_expr_refuses_what_is_not_an_expression(data: object) -> None:
    with pytest.raises(TypeError, match="not a"):
        as_expr(data)


def test_rules_normalise_plain_tuples_to_typed_nodes() -> None:
    network = BooleanNetwork.create("t", {"A": ("not", ("var", "B")), "B": ("var", "B")})
    assert type(network.rule("A").expression) is Not
    assert network.rule("A").expression == ("not", ("var", "B"))


# ---- constructors -------------------------------------------------------------------------
def test_constructors() -> None:
    a, b = var("a"), var("b")
    assert and_([]) == TRUE and or_([]) == FALSE
    assert and_([a]) is a and or_([a]) is a
    assert and_([and_([a, b]), a], flatten=True) == And((a, b, a))
    assert and_([and_([a, b]), a]) == And((And((a, b)), a))
    assert or_([or_([a, b]), b], flatten=True) == Or((a, b, b))
    for build, truth in (
        (xor, lambda x, y: x != y),
        (implies, lambda x, y: (not x) or y),
        (iff, lambda x, y: x == y),
    ):
        for x, y in itertools.product([False, True], repeat=2):
            assert evaluate(build(a, b), {"a": x, "b": y}) == truth(x, y)


# ---- dialects and styles ------------------------------------------------------------------
@settings(max_examples=150, deadline=None)
@given(_exprs())
def test_each_dialect_reads_its_own_printer_back(expr: Expr) -> None:
    for style, dialect in READ_BACK.items():
        text = to_string(expr, style)  # type: ignore[arg-type]
        if dialect is None:
            text = text.replace("TRUE", "1").replace("FALSE", "0")
            dialect = "bnet"
        again = parse_expression(text, dialect=dialect)  # type: ignore[arg-type]
        assert _same_function(again, expr), (style, text)
        if style in ("bnet", "boolnet", "toml"):
            assert to_string(again, style) == text  # the canonical text is a fixed point


@settings(max_examples=100, deadline=None)
@given(_exprs())
def test_mathml_style_is_prefix_and_complete(expr: Expr) -> None:
    text = to_string(expr, "mathml")
    assert "(" not in text.replace('"', "")
    assert text.count("<apply>") == text.count("</apply>")
    for name in variables(expr):
        assert f"<ci>{name}</ci>" in text


def test_every_style_has_a_table() -> None:
    assert set(READ_BACK) | {"mathml"} == set(STYLES)
    assert to_string(parse_expression("!a & (b | 0)"), "maboss") == "NOT a AND (b OR 0)"
    assert to_string(parse_expression("!a & (b | 0)"), "nusmv") == "!a & (b | FALSE)"
    assert to_string(parse_expression("!a & (b | 1)"), "booleannet") == "not a and (b or True)"
    assert to_string(parse_expression("!a & (b | 1)"), "aeon") == "!a & (b | true)"


@pytest.mark.parametrize(
    ("dialect", "text", "same_as"),
    [
        ("bnet", "~a & TRUE | false", "!a & 1 | 0"),
        ("booleannet", "not a and b or c", "!a & b | c"),
        ("booleannet", "NOT a AND True", "!a & 1"),
        ("maboss", "NOT a AND b OR c XOR d", "(!a & b | c) & !d | !(!a & b | c) & d"),
        ("maboss", "!a && b || 1.0", "!a & b | 1"),
        ("aeon", "a => b <=> !c", "(!a | b) & !c | !(!a | b) & c"),
        ("aeon", "a ^ b & c", "(a & !b | !a & b) & c"),
        ("aeon", "true & a", "1 & a"),
    ],
)
def test_dialect_tables(dialect: str, text: str, same_as: str) -> None:
    parsed = parse_expression(text, dialect=dialect)  # type: ignore[arg-type]
    assert _same_function(parsed, parse_expression(same_as))


@pytest.mark.parametrize(
    "text",
    ["a ^ b & c", "a & b ^ c", "a | b ^ c", "a => b | c", "a <=> b => c", "a => b => c", "!a ^ b"],
)
def test_aeon_dialect_binds_as_biodivine_aeon(text: str) -> None:
    from mtor_network.io.aeon import parse_aeon

    regulations = "\n".join(f"{n} -? x" for n in "abc")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a, b, c are free inputs; the signs are unknown
        theirs = parse_aeon(f"{regulations}\n$x: {text}\n").rule("x").expression
    ours = parse_expression(text, dialect="aeon")
    assert equivalent(ours, theirs)


def test_ginsim_dialect_resolves_thresholds_through_the_format() -> None:
    seen: list[str] = []

    def atom(token: str) -> Expr:
        seen.append(token)
        name, _, level = token.partition(":")
        return var(name if level in ("", "1") else f"{name}_{level}")

    parsed = parse_expression("A:2 & !B | (C:1)", dialect="ginsim", variable=atom)
    assert seen == ["A:2", "B", "C:1"]
    assert parsed == parse_expression("A_2 & !B | C")


def test_maboss_numbers_are_true_unless_zero() -> None:
    """MaBoSS evaluates logic on doubles (cMaBoSS prints ``C : 1 & 2`` as ``C : 1``)."""
    for text, expected in [("1 & 2", "1"), ("A & 0.5", "A"), ("0.0 | A & 3", "A"), ("0", "0")]:
        assert equivalent(parse_expression(text, dialect="maboss"), parse_expression(expected)), (
            text
        )


@pytest.mark.parametrize(
    ("dialect", "text", "fragment"),
    [
        ("bnet", "a and b", "expected an operator"),
        ("bnet", "a ^ b", "unexpected character '^'"),
        ("maboss", "a + b", "unknown operator '+'"),
        ("bnet", "A & 2", "unexpected character '2'"),
        ("maboss", "a AND", "logic ends where an operand was expected"),
        ("aeon", "a &", "expression ends where an operand was expected"),
        ("booleannet", "a and and b", "expected a node name"),
        ("ginsim", "A & 1", "invalid node name '1'"),
    ],
)
def test_dialect_errors(dialect: str, text: str, fragment: str) -> None:
    with pytest.raises(RuleSyntaxError, match=re.escape(fragment)):
        parse_expression(text, dialect=dialect, file="m", line=3)  # type: ignore[arg-type]


@pytest.mark.parametrize("dialect", ["maboss", "aeon"])
def test_one_xor_guard_in_every_dialect(dialect: str) -> None:
    parse_expression(" ^ ".join(["a"] * (MAX_XOR + 1)), dialect=dialect)  # type: ignore[arg-type]
    with pytest.raises(RuleSyntaxError, match=f"more than {MAX_XOR} XOR"):
        parse_expression(" ^ ".join(["a"] * (MAX_XOR + 2)), dialect=dialect)  # type: ignore[arg-type]


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_one_nesting_guard_in_every_dialect(dialect: str) -> None:
    """The tree's depth (negations, alternations of AND and OR) is bounded by MAX_NESTING; mere
    parentheses only by MAX_PARENTHESES (real models nest them 10,192 deep)."""
    from mtor_network.expressions import MAX_PARENTHESES

    neg = {"booleannet": "not ", "maboss": "NOT "}.get(dialect, "!")
    with pytest.raises(RuleSyntaxError, match="nested more than 100 levels"):
        parse_expression(neg * 150 + "A", dialect=dialect)  # type: ignore[arg-type]
    parse_expression("(" * 150 + "A" + ")" * 150, dialect=dialect)  # type: ignore[arg-type]
    deep = MAX_PARENTHESES + 1
    with pytest.raises(RuleSyntaxError, match="parentheses nested more than"):
        parse_expression("(" * deep + "A" + ")" * deep, dialect=dialect)  # type: ignore[arg-type]


def test_multiline_expressions_count_lines() -> None:
    with pytest.raises(RuleSyntaxError) as info:
        parse_expression("a AND\n  (b OR @x)", dialect="maboss", line=10)
    assert info.value.line == 11 and info.value.token == "@x"


def test_equivalent_small_and_large() -> None:
    assert equivalent(parse_expression("!(a & b)"), parse_expression("!a | !b"))
    assert not equivalent(parse_expression("a | b"), parse_expression("a & b"))
    big = " | ".join(f"x{i} & y{i}" for i in range(20))
    assert equivalent(parse_expression(big), simplify(parse_expression(f"({big}) & 1")))
    assert not equivalent(parse_expression(big), parse_expression(big + " | z"))


# ---- from_rules ---------------------------------------------------------------------------
def test_from_rules_reads_rule_text() -> None:
    network = BooleanNetwork.from_rules({"A": "!B", "B": "A & C", "C": "C"}, name="t")
    assert network.name == "t" and network.node_names == ("A", "B", "C")
    assert network.rule("A").expression == Not(Var("B"))
    assert network.inputs == ("C",)


def test_create_with_rule_text_no_longer_raises_index_error() -> None:
    with pytest.raises(ModelFileError, match="reads 'B', which has no rule"):
        BooleanNetwork.create("t", {"A": "!B"})
    assert BooleanNetwork.create("t", {"A": "!A"}).rule("A").text == "!A"


def test_from_rules_errors_name_the_node() -> None:
    with pytest.raises(RuleSyntaxError, match="rule of 'A'"):
        BooleanNetwork.from_rules({"A": "B &", "B": "B"})
    with pytest.raises(TypeError, match="mapping"):
        BooleanNetwork.from_rules(["A, B"])  # type: ignore[arg-type]
    with pytest.warns(Warning, match="'B'"):
        implicit = BooleanNetwork.from_rules({"A": "B"}, implicit_inputs=True)
    assert implicit.rule("B").expression == Var("B")
