"""Hypothesis properties of the attractor engines on small random networks (3-7 nodes).

Rules are random expressions over the nodes with ``&``, ``|``, ``!`` and constants, written as
text and parsed with :func:`parse_expression`. The oracle for attractors is pyboolnet's explicit
state transition graph with networkx's attracting components.

AEON currently rejects a rule in which a regulator has no effect (e.g. ``b & c | !b & c``; see
the xfail tests at the end of ``test_attractors.py``). The AEON-based properties therefore use
networks whose regulators all have an effect, and skip (counted by ``event``) the percolated run
where percolation itself leaves such a rule behind. The other engines get the raw networks.
"""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

import mpbn  # noqa: F401 - imported up front: it raises the recursion limit at import,
import networkx as nx  # which Hypothesis warns about when that happens during a test
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from mtor_network import BooleanNetwork, find_attractors
from mtor_network.attractors import Budget, _reduce
from mtor_network.attractors import _pyboolnet as pyboolnet_engine
from mtor_network.expressions import (
    Expr,
    evaluate,
    parse_expression,
    simplify,
    substitute,
    to_string,
    variables,
)
from rule_texts import expression_texts

NAMES = tuple(f"x{i}" for i in range(7))  # pyboolnet/NuSMV need names of two characters or more

FAST = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


# ---- strategies ---------------------------------------------------------------------------------


def essential(expr: Expr) -> frozenset[str]:
    """The variables whose value changes the value of ``expr`` somewhere (by truth table)."""
    names = sorted(variables(expr))
    found = set()
    for v in names:
        others = [u for u in names if u != v]
        for bits in itertools.product([False, True], repeat=len(others)):
            state = dict(zip(others, bits, strict=True))
            if evaluate(expr, {**state, v: False}) != evaluate(expr, {**state, v: True}):
                found.add(v)
                break
    return frozenset(found)


def without_idle_regulators(expr: Expr) -> Expr:
    """The same function, written without the variables that have no effect."""
    idle = variables(expr) - essential(expr)
    return simplify(substitute(expr, dict.fromkeys(idle, False))) if idle else expr


@st.composite
def networks(draw: st.DrawFn, *, aeon_safe: bool = False) -> BooleanNetwork:
    size = draw(st.integers(min_value=3, max_value=7))
    names = NAMES[:size]
    rules = {}
    for name in names:
        expr = parse_expression(draw(expression_texts(names)))
        rules[name] = without_idle_regulators(expr) if aeon_safe else expr
    return BooleanNetwork.create("random", rules)


def aeon_can_take(network: BooleanNetwork, percolate: bool) -> bool:
    """False where the network handed to AEON would have a regulator without effect."""
    target = _reduce.percolate(network)[1] if percolate else network
    if target is None:
        return True
    return all(
        variables(rule.expression) == essential(rule.expression) for rule in target.rules.values()
    )


# ---- oracle -------------------------------------------------------------------------------------
def _pyboolnet() -> Any:
    pyboolnet_engine._prepare()  # no logging.basicConfig from pyboolnet's import
    import pyboolnet.file_exchange
    import pyboolnet.state_transition_graphs

    return pyboolnet


def stg_attractors(network: BooleanNetwork, update: str) -> Counter:
    """Attractors of the explicit STG as a multiset of (values, number of states)."""
    pbn = _pyboolnet()
    text = "\n".join(f"{n}, {to_string(network.rules[n].expression)}" for n in network.node_names)
    primes = pbn.file_exchange.bnet2primes(text)
    names = sorted(primes)
    stg = pbn.state_transition_graphs.primes2stg(primes, update)
    found: Counter = Counter()
    for component in nx.attracting_components(stg):
        values = {}
        for i, name in enumerate(names):
            seen = {state[i] for state in component}
            values[name] = "*" if len(seen) == 2 else int(seen.pop())
        found[tuple((n, values[n]) for n in network.node_names), len(component)] += 1
    return found


def multiset(result) -> Counter:
    return Counter((a.values, a.size) for a in result)


def inside(values, space) -> bool:
    return all(s == "*" or v == s for (_, v), (_, s) in zip(values, space, strict=True))


# ---- properties ---------------------------------------------------------------------------------
@FAST
@given(networks(aeon_safe=True))
def test_asynchronous_aeon_matches_explicit_stg(network: BooleanNetwork) -> None:
    expected = stg_attractors(network, "asynchronous")
    event(f"{len(expected)} attractor(s), cyclic: {any(s > 1 for _, s in expected)}")
    assert multiset(find_attractors(network, "asynchronous", percolate=False)) == expected
    if aeon_can_take(network, percolate=True):
        assert multiset(find_attractors(network, "asynchronous")) == expected
    else:
        event("percolated run skipped: percolation leaves a regulator without effect")


@FAST
@given(networks())
def test_synchronous_aeon_matches_explicit_stg(network: BooleanNetwork) -> None:
    expected = stg_attractors(network, "synchronous")
    event(f"cyclic: {any(s > 1 for _, s in expected)}")
    for percolate in (True, False):
        found = find_attractors(network, "synchronous", engine="aeon", percolate=percolate)
        assert multiset(found) == expected


@FAST
@given(networks(aeon_safe=True))
def test_mp_attractors_agree_across_biobalm_mpbn_aeon_and_pyboolnet(network) -> None:
    def mp(engine: str, percolate: bool = False):
        return multiset(
            find_attractors(network, "most_permissive", engine=engine, percolate=percolate)
        )

    by_mpbn = mp("mpbn")
    by_biobalm = mp("biobalm")
    by_aeon = mp("aeon")
    by_pbn = mp("pyboolnet", True)
    assert by_biobalm == by_mpbn == by_aeon == by_pbn
    assert mp("biobalm", True) == by_biobalm
    assert all(count == 1 for count in by_mpbn.values())
    assert all(size == 2 ** sum(v == "*" for _, v in values) for values, size in by_mpbn)


@FAST
@given(networks(aeon_safe=True))
def test_asynchronous_attractors_lie_in_minimal_trap_spaces(network: BooleanNetwork) -> None:
    """Each minimal trap space holds an attractor; the spaces are disjoint, so each attractor is
    in at most one. An attractor in none would be motif-avoidant: possible in principle (it is
    then checked to be a true attractor of the explicit STG), never seen with this generator."""
    spaces = [s.values for s in find_attractors(network, "most_permissive", percolate=False)]
    attractors = find_attractors(network, "asynchronous", percolate=False)
    for space in spaces:
        assert any(inside(a.values, space) for a in attractors)
    for a in attractors:
        homes = sum(inside(a.values, space) for space in spaces)
        assert homes <= 1
        if homes == 0:
            event("motif-avoidant attractor")
            assert (a.values, a.size) in stg_attractors(network, "asynchronous")
    assert len(attractors) >= len(spaces)


@FAST
@given(st.booleans().flatmap(lambda safe: networks(aeon_safe=safe)))
def test_percolation_does_not_change_attractors(network: BooleanNetwork) -> None:
    runs = [
        ("synchronous", "aeon"),
        ("most_permissive", "biobalm"),
        ("most_permissive", "mpbn"),
        ("most_permissive", "pyboolnet"),
    ]
    if aeon_can_take(network, percolate=False) and aeon_can_take(network, percolate=True):
        runs += [("asynchronous", "aeon"), ("most_permissive", "aeon")]
    else:
        event("AEON runs skipped: a regulator without effect")
    for semantics, engine in runs:
        on = find_attractors(network, semantics, engine=engine, percolate=True)
        off = find_attractors(network, semantics, engine=engine, percolate=False)
        assert multiset(on) == multiset(off), (semantics, engine)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(networks(aeon_safe=True), st.integers(min_value=0, max_value=3))
def test_a_budgeted_search_in_a_worker_answers_as_in_process(
    network: BooleanNetwork, keep: int
) -> None:
    """The worker (the network sent as JSON, percolated and searched there, the answer sent back
    as value codes) gives the same result as the search in this process, and ``max_attractors``
    keeps the first attractors by value code with the exact total."""
    runs = [("synchronous", "aeon"), ("most_permissive", "mpbn")]
    if aeon_can_take(network, percolate=True):
        runs.append(("asynchronous", "aeon"))
    for semantics, engine in runs:
        inline = find_attractors(network, semantics, engine=engine)
        worker = find_attractors(network, semantics, engine=engine, budget=Budget(seconds=120))
        assert worker.attractors == inline.attractors and worker.complete, (semantics, engine)
        cut = find_attractors(
            network, semantics, engine=engine, budget=Budget(seconds=120, max_attractors=keep)
        )
        codes = sorted(a.code() for a in inline)
        assert sorted(a.code() for a in cut) == codes[:keep]
        assert cut.total_attractors == len(inline)
        assert cut.complete == (len(inline) <= keep)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.integers(min_value=1, max_value=5).flatmap(lambda k: expression_texts(NAMES[:k])))
def test_printer_round_trips(text: str) -> None:
    expr = parse_expression(text)
    names = sorted(variables(expr))
    bnet = parse_expression(to_string(expr))
    booleannet = parse_expression(to_string(expr, "booleannet"), keywords=True)
    python = to_string(expr, "python")
    for bits in itertools.product([False, True], repeat=len(names)):
        state = dict(zip(names, bits, strict=True))
        value = evaluate(expr, state)
        assert evaluate(bnet, state) == value
        assert evaluate(booleannet, state) == value
        assert eval(python, {"__builtins__": {}}, state) == value  # test-only, no builtins
    assert to_string(bnet) == to_string(expr)  # printing is a fixed point after one round


# ---- free inputs: the portfolio's strategies ------------------------------------------------
@st.composite
def networks_with_free_inputs(draw: st.DrawFn) -> BooleanNetwork:
    """A random network (regulators all with an effect) whose first 1-3 nodes are free inputs
    (``x, x``)."""
    network = draw(networks(aeon_safe=True))
    k = draw(st.integers(min_value=1, max_value=min(3, len(network) - 1)))
    names = network.node_names
    rules = {
        n: (parse_expression(n) if i < k else network.rules[n].expression)
        for i, n in enumerate(names)
    }
    return BooleanNetwork.create("free_inputs", rules)


def every_valuation_aeon_safe(network: BooleanNetwork) -> bool:
    """True when every input valuation percolates to rules whose regulators all have an effect
    (what AEON accepts), and so does the network itself."""
    from mtor_network.attractors._inputs import free_inputs, valuations

    target = _reduce.percolate(network)[1]
    if target is None:
        return True
    if not aeon_can_take(target, percolate=False):
        return False
    for valuation in valuations(free_inputs(target)):
        residual = _reduce.percolate(target, valuation)[1]
        if residual is not None and not aeon_can_take(residual, percolate=False):
            return False
    return True


@settings(max_examples=40, deadline=None, derandomize=True)
@given(networks_with_free_inputs())
def test_free_input_strategies_match_explicit_stg(network: BooleanNetwork) -> None:
    """The portfolio's free-input strategies (valuations one by one, AEON's colored search with
    inputs as parameters) and the rule's own pick each give the explicit STG's attractors."""
    from mtor_network._cache import ByteBoundedCache
    from mtor_network.attractors import _jobs

    if not every_valuation_aeon_safe(network):
        event("skipped: a valuation leaves a regulator without effect")
        return
    expected = stg_attractors(network, "asynchronous")
    event(f"{len(expected)} attractor(s)")
    nodes = network.node_names
    for engine in ("auto", "auto:valuations", "auto:colored"):
        found = _jobs.search(
            network,
            "asynchronous",
            engine,
            percolate=True,
            max_nodes=None,
            max_attractors=None,
            memo=ByteBoundedCache(2**20),
        )
        got = Counter(
            (tuple(_jobs.values_of(nodes, code).items()), size) for code, size in found.codes
        )
        assert got == expected, engine


@settings(max_examples=25, deadline=None, derandomize=True)
@given(networks_with_free_inputs())
def test_minimal_trap_spaces_split_by_valuation_match_trappist(network: BooleanNetwork) -> None:
    """Most-permissive attractors by the portfolio (the rule's pick, and the valuation split
    with AEON's symbolic trap spaces on each residual) equal Trappist's over the whole
    network."""
    from mtor_network._cache import ByteBoundedCache
    from mtor_network.attractors import _jobs

    if not every_valuation_aeon_safe(network):
        event("skipped: a valuation leaves a regulator without effect")
        return

    def search(engine: str, percolate: bool) -> Counter:
        found = _jobs.search(
            network,
            "most_permissive",
            engine,
            percolate=percolate,
            max_nodes=None,
            max_attractors=None,
            memo=ByteBoundedCache(2**20),
        )
        return Counter(found.codes)

    expected = search("biobalm", False)
    for engine in ("auto", "auto:valuations"):
        assert search(engine, True) == expected, engine
