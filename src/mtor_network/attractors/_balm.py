"""Asynchronous attractors through biobalm's succession diagram, each made exact with AEON.

biobalm (Trinh, Pastva, Rozum et al. 2024) expands the succession diagram of a network (its
trap spaces ordered by inclusion, found by answer-set programming) only as far as every
attractor needs, and names one *seed* state in each attractor: the minimal trap spaces, and
in the larger trap spaces the motif-avoidant attractors it finds with its NFVS candidates
and a symbolic check (``SuccessionDiagram.expand_attractor_seeds``,
``expanded_attractor_seeds``). An attractor is the set of states reachable from any of its
states, so each one is then exactly AEON's forward reachability from its seed
(``Reachability.reach_fwd``), which stays inside the seed's (percolated) trap space: its
values (the smallest subspace enclosing it) and its size in states.

This pays on large networks whose attractors are small (random nested-canalising networks of
100-1,000 nodes, where one AEON search over everything does not finish); a large cyclic
attractor costs the reachability its whole BDD (BBM 204: seeds in 0.8 s, the reachability
from the motif-avoidant seed over 300 s). biobalm needs names of its own rules: the engine
is called under neutral names (``_jobs._under_safe_names``).
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


def asynchronous(network: BooleanNetwork) -> list[RawAttractor]:
    """Every asynchronous attractor of ``network``, exactly: biobalm's seeds, each extended to
    its attractor by AEON's forward reachability.

    Parameters
    ----------
    network : BooleanNetwork
        The network (percolated; names safe for biobalm).

    Returns
    -------
    list of RawAttractor
        Values over every node of ``network`` (``"*"`` where the attractor oscillates), with
        sizes in states.
    """
    import biobalm
    import biodivine_aeon as ba

    nodes = network.node_names

    def run() -> list[RawAttractor]:
        out: list[RawAttractor] = []
        with _quiet():
            bn = to_aeon(network)
            diagram = biobalm.SuccessionDiagram(bn)
            diagram.expand_attractor_seeds()
            for node in diagram.expanded_ids():
                _quick_candidates(diagram, node)
            graph = ba.AsynchronousGraph(bn)
            found: list[ba.VertexSet] = []
            for seeds in diagram.expanded_attractor_seeds().values():
                for seed in seeds:
                    start = graph.mk_subspace(seed)
                    if any(not known.intersect(start.vertices()).is_empty() for known in found):
                        continue  # biobalm names each attractor once; never counted twice
                    attractor = ba.Reachability.reach_fwd(graph, start).vertices()
                    found.append(attractor)
                    space = attractor.enclosing_named_subspace()
                    if space is None:  # a set reached from a state is never empty
                        raise RuntimeError("AEON returned an empty attractor from a seed")
                    values: dict[str, NodeValue] = {
                        n: (int(space[n]) if n in space else "*")  # type: ignore[misc]
                        for n in nodes
                    }
                    out.append((values, int(attractor.cardinality())))
        return out

    return native_stack(network, run)


__all__ = ["asynchronous"]
