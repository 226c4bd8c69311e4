"""The asynchronous attractor search by decomposition along the SCC DAG (attractors._scc),
against AEON's plain symbolic search over the whole network: on the flagship's slow settings
(the oscillating IRS1-PI3K-AKT-mTORC1-S6K1 loop) and on small random networks built from
several components (Hypothesis), with the same attractors (values) and sizes."""

from __future__ import annotations

import logging
from collections import Counter

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from mtor_network import BooleanNetwork, find_attractors, load_network
from mtor_network.attractors import _aeon, _scc
from mtor_network.attractors._reduce import percolate
from mtor_network.expressions import parse_expression, variables
from mtor_network.perturbations import scenario
from test_properties import FAST, expression_texts

NAMES = tuple(f"x{i}" for i in range(8))


def as_multiset(found: list[tuple[dict, int | None]]) -> Counter:
    return Counter((tuple(sorted(values.items())), size) for values, size in found)


# ---- the flagship's slow settings --------------------------------------------------------------
SLOW = {
    "EGFR KO": {"knockouts": ["EGFR"]},
    "SOS KO": {"knockouts": ["SOS"]},
    "RAS KO": {"knockouts": ["RAS"]},
    "lapatinib": {"drugs": ["lapatinib"]},
    "neratinib in ESR1 mutant": {"drugs": ["neratinib"], "genotypes": ["esr1_mutant"]},
    "alpelisib in PIK3CA mutant": {"drugs": ["alpelisib"], "genotypes": ["pik3ca_mutant"]},
}


@pytest.fixture(scope="module")
def flagship() -> BooleanNetwork:
    return load_network("hr_breast_cancer")


@pytest.mark.parametrize("label", list(SLOW))
def test_flagship_slow_settings_match_aeon_whole(flagship: BooleanNetwork, label: str) -> None:
    perturbed = flagship.perturb(*scenario(flagship, **SLOW[label]))
    _, residual = percolate(perturbed)
    assert residual is not None
    decomposed = _scc.asynchronous(residual)
    assert decomposed is not None, "the decomposition should apply to the flagship's core"
    assert as_multiset(decomposed) == as_multiset(_aeon._asynchronous(residual))


def test_flagship_cyclic_attractor_through_the_public_search(flagship: BooleanNetwork) -> None:
    """The whole query (percolation, the decomposition, values over every node) gives AEON's
    attractor of the perturbed network, the loop's nodes oscillating."""
    sc = scenario(flagship, knockouts=["EGFR"])
    result = find_attractors(flagship, perturbations=sc)
    whole = _aeon._asynchronous(flagship.perturb(*sc))
    assert Counter((a.values, a.size) for a in result) == Counter(
        (tuple(v.items()), s) for v, s in whole
    )
    (attractor,) = result.attractors
    assert attractor.size == 8_667_136
    for node in ("IRS1", "PI3K", "AKT", "MTORC1", "S6K1"):
        assert attractor[node] == "*"


def test_components_come_in_topological_order(flagship: BooleanNetwork) -> None:
    order = _scc.components(flagship)
    assert sorted(n for comp in order for n in comp) == sorted(flagship.node_names)
    position = {n: i for i, comp in enumerate(order) for n in comp}
    for target in flagship.node_names:
        for regulator in variables(flagship.rules[target].expression):
            assert position[regulator] <= position[target]
    loop = next(comp for comp in order if "S6K1" in comp)
    assert {"IRS1", "PI3K", "AKT", "MTORC1", "S6K1"} <= set(loop)


def test_free_inputs_are_left_to_the_whole_search() -> None:
    net = BooleanNetwork.create("inputs", {"s": "s", "a": "s & !b", "b": "a", "c": "a | c"})
    assert _scc.asynchronous(net) is None
    assert as_multiset(_aeon.asynchronous(net)) == as_multiset(_aeon._asynchronous(net))


def test_one_component_is_left_to_the_whole_search() -> None:
    ring = BooleanNetwork.create("ring", {"a": "!c", "b": "a", "c": "b"})
    assert _scc.asynchronous(ring) is None
    assert as_multiset(_aeon.asynchronous(ring)) == as_multiset(_aeon._asynchronous(ring))


def test_too_many_valuations_fall_back_exactly(
    flagship: BooleanNetwork, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, residual = percolate(flagship.perturb(*scenario(flagship, knockouts=["RAS"])))
    assert residual is not None
    monkeypatch.setattr(_scc, "MAX_VALUATIONS", 1)
    assert _scc.asynchronous(residual) is None
    assert as_multiset(_aeon.asynchronous(residual)) == as_multiset(_aeon._asynchronous(residual))


def test_driven_component_sees_every_upstream_valuation() -> None:
    """``t, u`` driven by the oscillator ``a, b``: with ``a`` at 0 they copy each other (two
    fixed points), with ``a`` at 1 they form a negative loop. ``a`` visits both values, so the
    driven pair takes both kinds of moves: one attractor of 4 x 4 states."""
    net = BooleanNetwork.create("driven", {"a": "!b", "b": "a", "t": "a & !u | !a & u", "u": "t"})
    found = _scc.asynchronous(net)
    assert found == [({"a": "*", "b": "*", "t": "*", "u": "*"}, 16)]
    assert as_multiset(found) == as_multiset(_aeon._asynchronous(net))


# ---- random networks of several components -----------------------------------------------------
@st.composite
def layered_networks(draw: st.DrawFn) -> BooleanNetwork:
    """Nodes in 2-4 layers; a node reads nodes of its own layer and of the layers above, so
    each layer holds one or more components and the components form a DAG. Half of them start
    with an oscillator (``x0 = !x1``, ``x1 = x0``) that the layers below read, so that driven
    components see several upstream valuations."""
    size = draw(st.integers(min_value=4, max_value=len(NAMES)))
    oscillator = draw(st.booleans())
    start = 2 if oscillator else 0
    names = NAMES[:size]
    cuts = sorted(draw(st.sets(st.integers(start + 1, size - 1), min_size=1, max_size=3)))
    layers = [names[a:b] for a, b in zip([start, *cuts], [*cuts, size], strict=True)]
    rules = {"x0": parse_expression("!x1"), "x1": parse_expression("x0")} if oscillator else {}
    for k, layer in enumerate(layers):
        readable = names[:start] + tuple(n for upper in layers[: k + 1] for n in upper)
        for name in layer:
            rules[name] = parse_expression(draw(expression_texts(readable)))
    return BooleanNetwork.create("layered", rules)


def driven_by_several_valuations(network: BooleanNetwork) -> bool:
    """True when some component of two or more nodes reads a node outside it that oscillates
    in an attractor (so its driven rules merge several restrictions)."""
    found = _aeon._asynchronous(network)
    moving = {n for values, _ in found for n, v in values.items() if v == "*"}
    for comp in _scc.components(network):
        if len(comp) > 1:
            outside = {r for n in comp for r in variables(network.rules[n].expression)} - set(comp)
            if outside & moving:
                return True
    return False


@FAST
@given(network=layered_networks())
def test_random_layered_networks_match_aeon_whole(network: BooleanNetwork) -> None:
    found = _scc.asynchronous(network)
    if found is None:
        event("not decomposed (one component or free inputs)")
        return
    event(f"{len(_scc.components(network))} components")
    if driven_by_several_valuations(network):
        event("a component of several nodes driven by an oscillating node")
    assert as_multiset(found) == as_multiset(_aeon._asynchronous(network))


def test_aeon_progress_stays_out_of_logs(caplog: pytest.LogCaptureFixture) -> None:
    """AEON logs its progress at INFO through Python logging; a search keeps it out even
    where the application logs at INFO, and leaves the loggers' levels as they were."""
    net = BooleanNetwork.create("pair", {"a": "!b", "b": "a", "c": "a | c"})
    levels = {n: logging.getLogger(n).level for n in _aeon._AEON_LOGGERS}
    with caplog.at_level(logging.INFO):
        assert _scc.asynchronous(net) is not None
        _aeon._asynchronous(net)
    assert [r for r in caplog.records if r.name.startswith("biodivine")] == []
    assert {n: logging.getLogger(n).level for n in _aeon._AEON_LOGGERS} == levels


# ---- the depth-first BDD order of large driven networks -----------------------------------------
def _ring_driven_by_an_oscillator(size: int) -> BooleanNetwork:
    """An oscillating pair upstream (a, b) driving a ring of ``size`` nodes with two negative
    feedbacks: one driven component larger than DEPTH_FIRST_NODES."""
    rules = {"a": "!b", "b": "a"}
    for i in range(size):
        prev = f"r{(i - 1) % size}"
        rules[f"r{i}"] = f"{prev} & a | !r{(i + 5) % size}" if i % 7 == 0 else prev
    return BooleanNetwork.create("ring", rules)


def test_depth_first_order_is_a_regulator_first_permutation() -> None:
    network = _ring_driven_by_an_oscillator(20)
    rules = {n: network.rules[n].expression for n in network.node_names}
    order = _aeon.depth_first_order(rules)
    assert sorted(order) == sorted(network.node_names)
    assert order.index("a") < order.index("r0")  # an upstream node first


def test_large_driven_networks_answer_alike_under_either_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    network = _ring_driven_by_an_oscillator(20)
    assert max(len(c) for c in _scc.components(network)) > _scc.DEPTH_FIRST_NODES
    depth_first = _scc.asynchronous(network)
    monkeypatch.setattr(_scc, "DEPTH_FIRST_NODES", 10**6)
    regulators_after = _scc.asynchronous(network)
    assert depth_first is not None and regulators_after is not None
    whole = _aeon._asynchronous(network)  # the second engine: one search, no decomposition
    assert as_multiset(depth_first) == as_multiset(regulators_after) == as_multiset(whole)
