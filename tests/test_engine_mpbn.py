"""The DNFs handed to mpbn (:mod:`mtor_network.attractors._mpbn`): each is the rule's function
(truth tables), unate where the expansion says so, and mpbn's minimal trap spaces from them
equal those of a second engine (AEON's symbolic trap spaces) on small random networks."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtor_network import BooleanNetwork
from mtor_network.attractors import _aeon, _mpbn
from mtor_network.expressions import Expr, evaluate, parse_expression
from rule_texts import expression_texts

pytest.importorskip("mpbn")
ba = pytest.importorskip("biodivine_aeon")

NAMES = ("a", "b", "c", "d", "e")
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


def texts(names: tuple[str, ...], leaves: int = 8) -> st.SearchStrategy[str]:
    return expression_texts(names, leaves=leaves, name_weight=1)


def _value(terms: _mpbn.Dnf, state: dict[str, bool]) -> bool:
    return any(all(state[n] == v for n, v in term) for term in terms)


def _same_function(expr: Expr, terms: _mpbn.Dnf) -> bool:
    for bits in itertools.product([False, True], repeat=len(NAMES)):
        state = dict(zip(NAMES, bits, strict=True))
        if evaluate(expr, state) != _value(terms, state):
            return False
    return True


@SETTINGS
@given(texts(NAMES))
def test_expansion_is_the_rule_and_unate(text: str) -> None:
    expr = parse_expression(text)
    terms = _mpbn.dnf(expr)
    if terms is not None:
        assert _same_function(expr, terms)
        signs = {(n, v) for term in terms for n, v in term}
        assert not any((n, not v) in signs for n, v in signs)  # each literal of one sign
        # no term contains another: the prime implicants of a unate function
        assert not any(s < t for s in terms for t in terms)
    context = ba.BddVariableSet(list(NAMES))
    assert _same_function(expr, _mpbn.aeon_dnf(context, expr))


def test_a_rule_unate_only_after_dropping_contradictions_is_expanded() -> None:
    # x & !(x & y) is x & !y: the term x & !x goes, so the expansion is unate
    expr = parse_expression("x & !(x & y)")
    assert _mpbn.dnf(expr) == frozenset({frozenset({("x", True), ("y", False)})})
    assert _mpbn.dnf(parse_expression("x & !y | !x & y")) is None  # xor: not unate


def test_an_expansion_past_the_cap_goes_to_aeon() -> None:
    # (a1 | b1) & ... & (a10 | b10): 1,024 prime implicants, over DNF_TERMS
    text = " & ".join(f"(a{i} | b{i})" for i in range(10))
    assert _mpbn.dnf(parse_expression(text)) is None


def _network(rules: list[str]) -> BooleanNetwork:
    return BooleanNetwork.create("random", dict(zip(NAMES, rules, strict=True)))


def _spaces(found: list[_aeon.RawAttractor]) -> set[tuple[str, ...]]:
    return {tuple(str(values[n]) for n in NAMES) for values, _ in found}


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.lists(texts(NAMES, leaves=5), min_size=len(NAMES), max_size=len(NAMES)))
def test_mpbn_from_our_dnfs_equals_aeons_trap_spaces(rules: list[str]) -> None:
    network = _network(rules)
    assert _spaces(_mpbn.most_permissive(network)) == _spaces(_aeon.minimal_trap_spaces(network))
