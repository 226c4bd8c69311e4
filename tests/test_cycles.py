"""The states and transitions of cyclic attractors (analysis.cycles), checked against the
attractor engines' state counts and the update rules themselves."""

from __future__ import annotations

import networkx as nx
import pytest

from mtor_network import BooleanNetwork, find_attractors
from mtor_network.analysis.cycles import (
    MAX_OSCILLATING,
    StateTransitionGraph,
    state_transition_graph,
)
from mtor_network.exceptions import CycleTooLarge, MtorNetworkError
from mtor_network.expressions import evaluate

# a negative loop of three nodes, and D that follows A while it is on
RING = {"A": "!C", "B": "A", "C": "B", "D": "D & A"}


def _cycles(network: BooleanNetwork, semantics: str) -> list[tuple[object, StateTransitionGraph]]:
    result = find_attractors(network, semantics)
    cyclic = [a for a in result if not a.is_fixed_point]
    assert cyclic, "the test network has no cyclic attractor"
    return [
        (a, state_transition_graph(network, a.value_map, semantics, size=a.size)) for a in cyclic
    ]


@pytest.mark.parametrize("semantics", ["asynchronous", "synchronous"])
def test_a_cycle_has_the_engines_state_count_and_is_strongly_connected(semantics: str) -> None:
    network = BooleanNetwork.from_rules(RING, name="ring")
    for attractor, graph in _cycles(network, semantics):
        assert graph.nodes == attractor.oscillating  # type: ignore[attr-defined]
        assert len(graph) == len(set(graph.states)) == attractor.size  # type: ignore[attr-defined]
        drawn = nx.DiGraph(list(graph.transitions))
        drawn.add_nodes_from(range(len(graph)))
        assert nx.is_strongly_connected(drawn)  # an attractor: every state reaches every other


@pytest.mark.parametrize("semantics", ["asynchronous", "synchronous"])
def test_every_transition_is_an_update_of_the_rules(semantics: str) -> None:
    network = BooleanNetwork.from_rules(RING, name="ring")
    for _, graph in _cycles(network, semantics):
        fixed = dict(graph.fixed)
        for a, b in graph.transitions:
            before = {**fixed, **dict(zip(graph.nodes, graph.states[a], strict=True))}
            after = {**fixed, **dict(zip(graph.nodes, graph.states[b], strict=True))}
            updated = {n: int(evaluate(r.expression, before)) for n, r in network.rules.items()}
            changed = [n for n in network.node_names if before[n] != after[n]]
            if semantics == "synchronous":
                assert after == updated  # every node updated at once
            else:  # one node changes, to the value its rule gives
                assert len(changed) == 1 and after[changed[0]] == updated[changed[0]]
        if semantics == "synchronous":  # one successor per state
            assert sorted(a for a, _ in graph.transitions) == list(range(len(graph)))


def test_most_permissive_attractor_is_its_whole_trap_space() -> None:
    network = BooleanNetwork.from_rules(RING, name="ring")
    for attractor, graph in _cycles(network, "most_permissive"):
        oscillating = len(attractor.oscillating)  # type: ignore[attr-defined]
        assert len(graph) == 2**oscillating and graph.transitions == ()


def test_a_large_cycle_is_refused_with_its_size_and_the_bound() -> None:
    # A ring of n nodes under synchronous updates: a cycle of 2n states
    n = 40
    rules = {f"X{i}": f"X{i - 1}" for i in range(1, n)} | {"X0": f"!X{n - 1}"}
    network = BooleanNetwork.from_rules(rules, name="big_ring")
    values = dict.fromkeys(network.node_names, "*")
    with pytest.raises(CycleTooLarge, match=rf"{n} nodes oscillate .* at most {MAX_OSCILLATING}"):
        state_transition_graph(network, values, "synchronous")
    small = BooleanNetwork.from_rules(RING, name="ring")
    attractor = next(a for a in find_attractors(small, "synchronous") if not a.is_fixed_point)
    assert attractor.size and attractor.size > 1
    bound = attractor.size - 1
    with pytest.raises(CycleTooLarge, match=rf"has {attractor.size} states; .* at most {bound}"):
        state_transition_graph(
            small, attractor.value_map, "synchronous", size=attractor.size, max_states=bound
        )
    assert issubclass(CycleTooLarge, MtorNetworkError)


def test_a_fixed_point_or_an_unknown_semantics_is_a_clear_error() -> None:
    network = BooleanNetwork.from_rules({"A": "A", "B": "A"}, name="switch")
    with pytest.raises(ValueError, match="no node oscillates"):
        state_transition_graph(network, {"A": 1, "B": 1})
    with pytest.raises(ValueError, match="unknown semantics 'general'"):
        state_transition_graph(network, {"A": "*", "B": "*"}, "general")


def test_the_graph_is_json_data() -> None:
    network = BooleanNetwork.from_rules(RING, name="ring")
    _, graph = _cycles(network, "asynchronous")[0]
    data = graph.to_dict()
    assert data["nodes"] == list(graph.nodes) and len(data["states"]) == len(graph)
    assert data["semantics"] == "asynchronous" and graph.label(0) == "S1"
