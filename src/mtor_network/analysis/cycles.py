"""The states of a cyclic attractor and the transitions between them, small enough to draw.

A cyclic attractor, as the engines report it, is a subspace (the oscillating nodes, marked
``"*"``, with the other nodes fixed). :func:`state_transition_graph` enumerates the states of
that subspace, builds the state graph of the semantics in use inside it, and returns the
attracting component whose states cover every oscillating node (of the size the engine
counted, where it did): the attractor's own states and transitions. It is bounded twice: the
subspace is enumerated only up to :data:`MAX_OSCILLATING` oscillating nodes, and a result is
drawn only up to ``max_states`` states (:data:`MAX_DRAWN_STATES`); above either, it raises
:class:`~mtor_network.exceptions.CycleTooLarge` with a message that says which.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..exceptions import CycleTooLarge
from ..expressions import evaluate
from ..network import BooleanNetwork
from ..types import NodeValue

MAX_OSCILLATING = 12
"""Oscillating nodes of a subspace that is enumerated (2^12 = 4,096 states at most)."""
MAX_DRAWN_STATES = 64
"""States of a cycle drawn by default (a few dozen fit a small picture)."""


@dataclass(frozen=True)
class StateTransitionGraph:
    """The states of one cyclic attractor and its transitions.

    Attributes
    ----------
    nodes
        The oscillating nodes, in the network's order.
    states
        The values of ``nodes`` in each state (every other node keeps the attractor's value),
        sorted.
    transitions
        ``(from, to)`` indices into ``states``, sorted; no self-loops. Empty under
        most-permissive semantics, whose attractor is a trap space: every state belongs to it.
    semantics
        The semantics the transitions follow.
    fixed
        The values of the nodes that do not oscillate.
    """

    nodes: tuple[str, ...]
    states: tuple[tuple[int, ...], ...]
    transitions: tuple[tuple[int, int], ...]
    semantics: str
    fixed: tuple[tuple[str, int], ...] = ()

    def __len__(self) -> int:
        return len(self.states)

    def label(self, index: int) -> str:
        """The name of state ``index`` (``S1``, ``S2``, ...)."""
        return f"S{index + 1}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: nodes, states, transitions, semantics, fixed values."""
        return {
            "nodes": list(self.nodes),
            "states": [list(s) for s in self.states],
            "transitions": [list(t) for t in self.transitions],
            "semantics": self.semantics,
            "fixed": dict(self.fixed),
        }


def _successors(
    network: BooleanNetwork,
    state: dict[str, int],
    semantics: str,
) -> list[dict[str, int]]:
    """The states one step after ``state`` (its own value when nothing changes is left out)."""
    updated = {n: int(evaluate(rule.expression, state)) for n, rule in network.rules.items()}
    if semantics == "synchronous":
        return [updated] if updated != state else []
    return [{**state, n: v} for n, v in updated.items() if v != state[n]]


def state_transition_graph(
    network: BooleanNetwork,
    values: Mapping[str, NodeValue],
    semantics: str = "asynchronous",
    *,
    size: int | None = None,
    max_states: int = MAX_DRAWN_STATES,
) -> StateTransitionGraph:
    """The states and transitions of the cyclic attractor whose node values are ``values``.

    Parameters
    ----------
    network
        The network with its perturbations applied
        (``network.perturb(*result.perturbations)``).
    values
        The attractor's values per node: 0, 1, or ``"*"`` for an oscillating node
        (``Attractor.value_map``).
    semantics
        ``"asynchronous"``, ``"synchronous"`` or ``"most_permissive"`` (whose attractor is
        the whole trap space, without transitions).
    size
        The number of states the engine counted for this attractor, if it did: two
        attractors can share a subspace, and the one of this size is returned.
    max_states
        The most states returned; a larger cycle is refused.

    Returns
    -------
    StateTransitionGraph

    Raises
    ------
    CycleTooLarge
        More than :data:`MAX_OSCILLATING` nodes oscillate, or the cycle has more than
        ``max_states`` states.
    ValueError
        ``values`` marks no node as oscillating, or names an unknown semantics, or no
        attracting component of the subspace matches the attractor.
    """
    if semantics not in ("asynchronous", "synchronous", "most_permissive"):
        raise ValueError(
            f"unknown semantics {semantics!r}: asynchronous, synchronous or most_permissive"
        )
    nodes = tuple(n for n in network.node_names if values.get(n) == "*")
    if not nodes:
        raise ValueError("a fixed point, not a cyclic attractor: no node oscillates")
    if len(nodes) > MAX_OSCILLATING:
        raise CycleTooLarge(
            f"{len(nodes)} nodes oscillate (2^{len(nodes)} states to search); the states of a "
            f"cycle are listed and drawn for at most {MAX_OSCILLATING} oscillating nodes"
        )
    fixed = {n: int(v) for n, v in values.items() if v != "*" and n in network.rules}
    space = [tuple(bits) for bits in itertools.product((0, 1), repeat=len(nodes))]
    if semantics == "most_permissive":
        members = space
        edges: list[tuple[int, int]] = []
    else:
        members, edges = _attractor_component(network, nodes, fixed, space, semantics, size)
    if len(members) > max_states:
        raise CycleTooLarge(
            f"the cycle has {len(members):,} states; the state-transition view draws at most "
            f"{max_states}"
        )
    return StateTransitionGraph(
        nodes=nodes,
        states=tuple(members),
        transitions=tuple(sorted(edges)),
        semantics=semantics,
        fixed=tuple(sorted(fixed.items())),
    )


def _attractor_component(
    network: BooleanNetwork,
    nodes: tuple[str, ...],
    fixed: dict[str, int],
    space: list[tuple[int, ...]],
    semantics: str,
    size: int | None,
) -> tuple[list[tuple[int, ...]], list[tuple[int, int]]]:
    import networkx as nx

    index = {bits: i for i, bits in enumerate(space)}
    graph = nx.DiGraph()
    graph.add_nodes_from(range(len(space)))
    outside = -1  # every state of the subspace's outside
    for i, bits in enumerate(space):
        state = {**fixed, **dict(zip(nodes, bits, strict=True))}
        for successor in _successors(network, state, semantics):
            if any(successor[n] != v for n, v in fixed.items()):
                graph.add_edge(i, outside)
            else:
                graph.add_edge(i, index[tuple(successor[n] for n in nodes)])
    for component in nx.attracting_components(graph):
        if outside in component:
            continue
        members = sorted(component)
        covers = all(len({space[i][k] for i in members}) == 2 for k in range(len(nodes)))
        if covers and size in (None, len(members)):
            position = {m: k for k, m in enumerate(members)}
            edges = [
                (position[a], position[b]) for a, b in graph.subgraph(members).edges() if a != b
            ]
            return [space[i] for i in members], edges
    raise ValueError(
        "no attracting set of the subspace matches the attractor (its values are not an "
        "attractor of this network under these semantics)"
    )


__all__ = [
    "MAX_DRAWN_STATES",
    "MAX_OSCILLATING",
    "StateTransitionGraph",
    "state_transition_graph",
]
