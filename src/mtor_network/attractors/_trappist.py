"""Most-permissive attractors (minimal trap spaces) with biobalm's Trappist core (clingo ASP).

biobalm ships the Trappist encoding (Trinh et al. 2023, Constraints) of trap spaces as an answer-set
program over the network's Petri-net form, solved by clingo: the same method as mpbn, in a
pure-Python package whose dependencies (biodivine-aeon, clingo, networkx) the base install already
has. The engine receives networks under neutral names (``_jobs.engine_function``), which biobalm's
name rules require.
"""

from __future__ import annotations

from biobalm.trappist_core import trappist

from ..network import BooleanNetwork
from ..types import NodeValue
from ._aeon import RawAttractor, _quiet, to_aeon


def minimal_trap_spaces(network: BooleanNetwork) -> list[RawAttractor]:
    """Every minimal trap space of ``network``: the attractors of most-permissive semantics."""
    nodes = network.node_names
    with _quiet():
        spaces = trappist(to_aeon(network), problem="min")
    out: list[RawAttractor] = []
    for space in spaces:
        values: dict[str, NodeValue] = {n: space.get(n, "*") for n in nodes}
        free = sum(1 for v in values.values() if v == "*")
        out.append((values, 2**free))
    return out
