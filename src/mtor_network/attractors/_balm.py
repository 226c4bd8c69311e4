"""Asynchronous attractors through biobalm's succession diagram, each made exact with AEON.

biobalm (Trinh, Pastva, Rozum et al. 2024) expands the succession diagram of a network (its
trap spaces ordered by inclusion, found by answer-set programming) only as far as every
attractor needs, and names one *seed* state in each attractor: the minimal trap spaces, and
in the larger trap spaces the motif-avoidant attractors it finds with its NFVS candidates
and a symbolic check (``SuccessionDiagram.expand_attractor_seeds``,
``expanded_attractor_seeds``). An attractor is the set of states reachable from any of its
states, so each one is then exactly AEON's forward reachability from its seed
(``Reachability.reach_fwd``) in the network percolated to the seed's succession-diagram
node, a trap space (:func:`_attractor_in`): its values (the smallest subspace enclosing it)
and its size in states.

This pays on networks of one large cyclic core whose attractors lie in small trap spaces
(random nested-canalising networks of 50-1,000 nodes, where one AEON search over everything
does not finish); a large cyclic attractor still costs the reachability its whole BDD (BBM
204 with its input at 0: seeds in 0.3 s, but one minimal trap space leaves 70 nodes free, one
component of 67, and the reachability from its seed takes 27 s or more), so the reachability
is capped and such an attractor gets its values from a walk and no size. biobalm needs
names of its own rules: the engine is called under neutral names
(``_jobs._under_safe_names``).
"""

from __future__ import annotations

from typing import Any

from ..network import BooleanNetwork
from ..types import NodeValue
from ._aeon import RawAttractor, _quiet, native_stack, to_aeon

QUICK_CANDIDATES = 1_000
"""Most candidate states of one succession-diagram node taken without biobalm's greedy ASP
optimisation of the retained set (:func:`_quick_candidates`); above it, the optimisation."""


def _quick_candidates(diagram: Any, node: int) -> None:
    """Compute the motif-avoidant candidate states of ``node`` without biobalm's greedy ASP
    minimisation of the retained set, when they are at most :data:`QUICK_CANDIDATES`.

    biobalm's default flips each NFVS node's retained value in turn and re-solves the ASP
    program to shrink the candidate set; on Sizek 2019 (87 nodes) that took 13 of the seeds'
    22 s while its simulation then removed the same spurious candidates anyway. The candidates
    stay a cover of every motif-avoidant attractor either way (biobalm then checks them
    symbolically), so only the cost differs. Where the retained set leaves more candidates
    than :data:`QUICK_CANDIDATES`, biobalm raises, nothing is cached, and its default (the
    greedy optimisation) runs later in ``expanded_attractor_seeds``.
    """
    config = diagram.config
    limit = config["attractor_candidates_limit"]
    config["attractor_candidates_limit"] = QUICK_CANDIDATES
    try:
        diagram.node_attractor_candidates(node, compute=True, greedy_asp_minification=False)
    except RuntimeError:
        pass  # too many candidates for the quick pass: biobalm's default follows
    finally:
        config["attractor_candidates_limit"] = limit


class DiagramTooLarge(Exception):
    """The succession diagram grew past the ``size_limit`` given to :func:`asynchronous`."""


def asynchronous(network: BooleanNetwork, size_limit: int | None = None) -> list[RawAttractor]:
    """Every asynchronous attractor of ``network``, exactly: biobalm's seeds, each extended to
    its attractor by AEON's forward reachability in the network percolated to the seed's
    succession-diagram node (:func:`_attractor_in`).

    Parameters
    ----------
    network : BooleanNetwork
        The network (percolated; names safe for biobalm).
    size_limit : int, optional
        Most succession-diagram nodes to expand (biobalm's ``size_limit``); past it
        :class:`DiagramTooLarge` is raised, before any attractor is extended.

    Returns
    -------
    list of RawAttractor
        Values over every node of ``network`` (``"*"`` where the attractor oscillates), with
        sizes in states.

    Raises
    ------
    DiagramTooLarge
        When the diagram needs more than ``size_limit`` nodes.
    """
    import biobalm

    def run() -> list[RawAttractor]:
        out: list[RawAttractor] = []
        with _quiet():
            diagram = biobalm.SuccessionDiagram(to_aeon(network))
            if not diagram.expand_attractor_seeds(size_limit):
                raise DiagramTooLarge(size_limit)
            for node in diagram.expanded_ids():
                _quick_candidates(diagram, node)
            found: list[tuple[dict[str, bool], Any, Any]] = []
            for node, seeds in diagram.expanded_attractor_seeds().items():
                for seed in seeds:
                    if any(_holds(seed, known) for known in found):
                        continue  # biobalm names each attractor once; never counted twice
                    values, size, known = _attractor_in(diagram, node, seed, network)
                    if known is not None:
                        found.append(known)
                    out.append((values, size))
        return out

    return native_stack(network, run)


def _attractor_in(
    diagram: Any, node: int, seed: dict[str, int], network: BooleanNetwork
) -> tuple[dict[str, NodeValue], int | None, tuple[dict[str, bool], Any, Any] | None]:
    """The attractor of ``seed`` (a state of an attractor in the trap space of the
    succession-diagram ``node``) in ``network``: its values over its nodes, its size, and how
    to test whether another state is in it (:func:`_holds`; None when the set is not built).

    The node's space is a trap space, percolated by biobalm
    (``SuccessionDiagram.node_percolated_network``, constants removed): the dynamics inside
    it are those of the percolated network over the nodes it leaves free, and an attractor
    holds the percolated constants (it lies in the percolated space), so the seed's own
    values there are the attractor's. The attractor is then the states reachable from the
    seed in that smaller network (AEON's ``Reachability.reach_fwd``), far cheaper than in
    the whole network (random N=200 K=2: 0.6 s against 8 s): the BDD ranges over the free
    nodes only.

    The reachability is first run with its BDD capped at :data:`REACH_BDD_NODES` nodes
    (AEON's ``max_symbolic_size``, a bound on the work that does not depend on the machine
    or its load). Where the cap stops it, the values come from a walk instead
    (:func:`_oscillating`) when it sees every free node take both values, and the size is
    None (not counted): the values are exact, the set is not built. Where the walk leaves
    a node unseen, the set is built without a cap, at any cost."""
    import biodivine_aeon as ba

    reduced = diagram.node_percolated_network(node, compute=True)
    free = [reduced.get_variable_name(v) for v in reduced.variables()]
    constant = {n: bool(v) for n, v in seed.items() if n not in set(free)}
    values: dict[str, NodeValue] = {n: int(seed[n]) for n in network.node_names}  # type: ignore[misc]
    if not free:  # a fixed point
        return values, 1, (constant, None, None)
    graph = ba.AsynchronousGraph(reduced)
    start = graph.mk_subspace({n: bool(seed[n]) for n in free})
    try:
        reached = ba.Reachability.forward_superset(
            {"graph": graph, "max_symbolic_size": REACH_BDD_NODES}, start
        )
    except InterruptedError:  # the cap: AEON's cancellation of this computation only
        walked = _oscillating(network, seed, free)
        if walked is not None:
            values.update(walked)
            return values, None, None
        reached = ba.Reachability.reach_fwd(graph, start)
    attractor = reached.vertices()
    space = attractor.enclosing_named_subspace()
    if space is None:  # a set reached from a state is never empty
        raise RuntimeError("AEON returned an empty attractor from a seed")
    for n in free:
        values[n] = int(space[n]) if n in space else "*"  # type: ignore[assignment]
    return values, int(attractor.cardinality()), (constant, graph, attractor)


REACH_BDD_NODES = 5_000
"""Most BDD nodes the reachability of :func:`_attractor_in` may hold before a walk is tried
instead (:func:`_oscillating`). Large attractors have small BDDs (BBM 145 with its input at
1: 2**60.8 states of 2**61, 738 nodes) but the saturation passes through larger ones on the
way. Measured from biobalm's seeds (2026-12-02, one niced process): under this cap, BBM 075
(45 free nodes) in 1.0 s and one random N=200 K=2 network (47 free) in 0.05 s; the cap
stopped BBM 145 (61 free; 10,000 nodes and 3.8 s needed, 8.6 s uncapped under load) after
0.4 s, BBM 204 (70 free; 20,000 nodes and 27 s) after 0.4 s, one random N=200 K=2 (43
free; 50,000 nodes, 2 s) after 0.05 s and random N=500 K=2 (104 free; over a minute) after
0.1 s. Every one of those the walk then saw oscillate in every free node."""
WALK_STEPS = 2_000
"""Updates per free node of the walk of :func:`_oscillating` (at most about 1 s on 70 free
nodes; BBM 204 sees its 70 flip within 28,034 updates)."""


def _oscillating(
    network: BooleanNetwork, seed: dict[str, int], free: list[str]
) -> dict[str, NodeValue] | None:
    """``"*"`` for every node of ``free`` when a seeded asynchronous walk from ``seed`` sees
    each take both values, else None.

    The seed is in an attractor, which no trajectory leaves, so every state of the walk is
    in it: a node seen at 0 and at 1 oscillates in the attractor (an exact witness, no
    estimate). A node the walk never flips may still oscillate or be constant; then None,
    and the caller builds the set. The walk updates a node drawn at random (seed 0) by its
    rule, :data:`WALK_STEPS` times per free node.
    """
    import random

    from ..expressions import evaluate

    state = {n: bool(v) for n, v in seed.items()}
    rules = {n: network.rules[n].expression for n in free}
    unseen = set(free)
    rng = random.Random(0)
    for _ in range(WALK_STEPS * len(free)):
        name = free[rng.randrange(len(free))]
        value = evaluate(rules[name], state)
        if value != state[name]:
            state[name] = value
            unseen.discard(name)
            if not unseen:
                return dict.fromkeys(free, "*")
    return None


def _holds(state: dict[str, int], known: tuple[dict[str, bool], Any, Any]) -> bool:
    """True when ``state`` (over every node) is in the attractor ``known`` of
    :func:`_attractor_in`: it has the attractor's constant values and, over the free nodes
    of its percolated network, is one of its states."""
    constant, graph, attractor = known
    if any(bool(state[n]) != v for n, v in constant.items()):
        return False
    if graph is None:
        return True
    free = {n: bool(state[n]) for n in state if n not in constant}
    return not attractor.intersect(graph.mk_subspace(free).vertices()).is_empty()


__all__ = ["DiagramTooLarge", "asynchronous"]
