"""Most-permissive attractors (minimal trap spaces) with mpbn (clingo ASP), a second opinion.

mpbn is the optional extra ``mpbn`` (it brings scipy, pandas and colomoto-jupyter); the default
engine is biobalm's Trappist core (``_trappist``).
"""

from __future__ import annotations

from .._optional import require
from ..expressions import to_string
from ..network import BooleanNetwork
from ..types import NodeValue
from ._aeon import RawAttractor


def most_permissive(network: BooleanNetwork) -> list[RawAttractor]:
    """Every minimal trap space of ``network``: the attractors of most-permissive semantics."""
    nodes = network.node_names
    rules = {n: to_string(network.rules[n].expression) for n in nodes}
    mpbn = require("mpbn", extra="mpbn", what="engine='mpbn'")
    mp = mpbn.MPBooleanNetwork(rules)
    out: list[RawAttractor] = []
    for space in mp.attractors():
        values: dict[str, NodeValue] = {n: space[n] if space[n] != "*" else "*" for n in nodes}
        free = sum(1 for v in values.values() if v == "*")
        out.append((values, 2**free))
    return out
