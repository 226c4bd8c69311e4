"""Building AEON's networks (:mod:`mtor_network.attractors._aeon`): rules given to AEON as text
and rules built node by node are the same functions; the remembered per-rule facts and texts
give what the uncached functions give; percolation remembered by rule and constants gives what
substitution gives; the small-network valuation probe of the portfolio answers as AEON's plain
search does."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtor_network import BooleanNetwork
from mtor_network._cache import ByteBoundedCache
from mtor_network.attractors import _aeon, _jobs, _portfolio, _reduce
from mtor_network.expressions import (
    Expr,
    parse_expression,
    simplify,
    substitute,
    to_string,
    variables_in_order,
)
from mtor_network.io.bnet import plain_bnet
from rule_texts import expression_texts

ba = pytest.importorskip("biodivine_aeon")

NAMES = ("a", "b", "c", "d")
SETTINGS = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


def texts(names: tuple[str, ...], leaves: int = 8) -> st.SearchStrategy[str]:
    return expression_texts(names, leaves=leaves)


def _functions_equal(left: object, right: object, node: str) -> bool:
    """The update functions of ``node`` in two AEON networks over ``NAMES``, compared on every
    state (each network's own graph)."""
    out = []
    for bn in (left, right):
        graph = ba.AsynchronousGraph(bn)
        bdd = graph.mk_update_function(bn.find_variable(node))
        ctx = graph.symbolic_context().bdd_variable_set()
        table = []
        for bits in itertools.product([False, True], repeat=len(NAMES)):
            valuation = ba.BddValuation(ctx, list(bits))
            table.append(bdd(valuation))
        out.append(table)
    return out[0] == out[1]


@SETTINGS
@given(st.lists(texts(NAMES), min_size=len(NAMES), max_size=len(NAMES)))
def test_rules_as_text_are_the_rules_built_node_by_node(rules: list[str]) -> None:
    exprs: dict[str, Expr] = {n: parse_expression(r) for n, r in zip(NAMES, rules, strict=True)}
    order = list(NAMES)
    as_text = _aeon.rules_to_aeon(exprs, order)
    by_node = ba.BooleanNetwork(order)
    ids = dict(zip(order, by_node.variables(), strict=True))
    for target, expr in exprs.items():
        for regulator in variables_in_order(expr):
            by_node.add_regulation(
                {"source": ids[regulator], "target": ids[target], "sign": None, "essential": False}
            )
    for target, expr in exprs.items():
        by_node.set_update_function(ids[target], _aeon._update_function(by_node, ids, expr))
    for node in NAMES:
        assert _functions_equal(as_text, by_node, node)


@SETTINGS
@given(texts(NAMES, leaves=10))
def test_remembered_rule_facts_equal_the_plain_functions(text: str) -> None:
    expr = parse_expression(text)
    names, depth, _ = _aeon._walk(expr)
    assert list(names) == variables_in_order(expr)
    assert _aeon._text(expr) == to_string(expr)
    for valuation in itertools.product([False, True], repeat=2):
        values = dict(zip(("a", "b"), valuation, strict=True))
        reads = frozenset(names)
        assert _reduce._substituted(expr, reads, values) == simplify(substitute(expr, values))
    assert depth >= 0


def test_long_rules_are_built_node_by_node() -> None:
    wide = parse_expression(" | ".join(f"x{i}" for i in range(40)))  # 40 operands > JOIN
    assert not _aeon._walk(wide)[2]
    assert _aeon._walk(parse_expression("a & !b | c"))[2]
    network = BooleanNetwork.create(
        "wide", {**{f"x{i}": f"x{i}" for i in range(40)}, "out": to_string(wide)}
    )
    bn = _aeon.to_aeon(network)
    assert len(bn.variables()) == 41


def test_engine_bnet_is_plain_bnet(flagship: BooleanNetwork) -> None:
    assert _aeon.engine_bnet(flagship) == plain_bnet(flagship)


def _search(network: BooleanNetwork, engine: str) -> Counter:
    found = _jobs.search(
        network,
        "asynchronous",
        engine,
        percolate=True,
        max_nodes=None,
        max_attractors=None,
        memo=ByteBoundedCache(2**24),
    )
    return Counter(found.codes)


# 7 nodes, 2 free inputs (i1, i2); every valuation fixes some other node: a is a copy of i1,
# so i1 = 0 or 1 fixes a, and the residual core is smaller than the network without inputs.
SHRINKING = {
    "i1": "i1",
    "i2": "i2",
    "a": "i1",
    "b": "!c & a | i2 & b",
    "c": "b | !a & d",
    "d": "!b & c | i2",
    "e": "a & !d | e & i2",
}
# the same size, but with both inputs at 0 nothing else is fixed (i1 and i2 only ever meet in
# an "or" with a node that oscillates)
WHOLE = {
    "i1": "i1",
    "i2": "i2",
    "a": "!b | i1",
    "b": "a | i2",
    "c": "!c & a | i1 & !i2",
    "d": "c | d & b",
    "e": "!a & e | d",
}


@SETTINGS
@given(st.lists(texts(("i", "a", "b", "c")), min_size=3, max_size=3))
def test_the_first_round_tells_whether_a_valuation_fixes_a_node(rules: list[str]) -> None:
    """``_reduce.fixes_a_node`` (one substitution per reader of the inputs) answers as whole
    percolation does on a percolated network: whether some node besides the inputs is fixed."""
    network = BooleanNetwork.create(
        "probe", {"i": "i", **dict(zip(("a", "b", "c"), rules, strict=True))}
    )
    left = _reduce.percolate(network)[1]
    if left is None or "i" not in left.rules:
        return
    for value in (False, True):
        fixed = {"i": value}
        residual = _reduce.percolate(left, fixed)[1]  # without the input
        left_free = len(residual) if residual is not None else 0
        assert _reduce.fixes_a_node(left, fixed) == (left_free < len(left) - 1)


def test_the_small_probe_splits_only_networks_that_shrink_everywhere() -> None:
    shrinking = BooleanNetwork.create("shrinking", SHRINKING)
    whole = BooleanNetwork.create("whole", WHOLE)
    assert _portfolio.shrinks_everywhere(shrinking)
    assert _portfolio.choose(shrinking, "asynchronous") == "valuations"
    assert not _portfolio.shrinks_everywhere(whole)
    assert _portfolio.choose(whole, "asynchronous") == "plain"
    for network in (shrinking, whole):
        assert _search(network, "auto") == _search(network, "aeon")
        assert _search(network, "auto:valuations") == _search(network, "aeon")


def test_forgetting_the_rule_caches_changes_no_answer() -> None:
    network = BooleanNetwork.create("shrinking", SHRINKING)
    before = _search(network, "auto")
    _aeon.clear_rule_caches()
    _reduce.clear_rule_caches()
    assert _aeon._walk.cache_info().currsize == 0 and not _reduce._SUBSTITUTED
    assert _search(network, "auto") == before
    # clear_cache (a benchmark's reset: timing from nothing remembered) forgets them too
    assert _aeon._walk.cache_info().currsize > 0 and _reduce._SUBSTITUTED
    from mtor_network.attractors import clear_cache

    clear_cache()
    assert _aeon._walk.cache_info().currsize == 0 and not _reduce._SUBSTITUTED
    assert _search(network, "auto") == before
