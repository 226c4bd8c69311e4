"""Do two networks have the same update functions?  Exact, node by node.

Round trips through other formats and other tools rewrite rules (different operator order,
expanded or factored forms, renamed constants); what must not change is each node's Boolean
function. Each pair of rules is compared as functions of the union of their variables
(:func:`mtor_network.expressions.equivalent`: a truth table for small supports, reduced ordered
BDDs for larger ones); ``same_function`` is that comparison.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..expressions import equivalent as same_function
from ..expressions import to_string
from ..network import BooleanNetwork


def rule_differences(
    a: BooleanNetwork, b: BooleanNetwork, *, rename: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Every difference between the update functions of ``a`` and ``b``.

    Returns ``{node: why}``; empty when the networks have the same nodes and, node by node, the
    same functions. ``rename`` maps names of ``b`` to names of ``a`` (a tool that prefixes or
    mangles names).
    """
    from ..expressions import rename as rename_expr

    mapping = dict(rename or {})
    b_rules = {mapping.get(t, t): rename_expr(r.expression, mapping) for t, r in b.rules.items()}
    differences: dict[str, str] = {}
    for name in a.node_names:
        if name not in b_rules:
            differences[name] = "missing in the second network"
        elif not same_function(a.rules[name].expression, b_rules[name]):
            differences[name] = (
                f"{to_string(a.rules[name].expression)}  !=  {to_string(b_rules[name])}"
            )
    for name in b_rules:
        if name not in a.rules:
            differences[name] = "missing in the first network"
    return differences


__all__ = ["rule_differences", "same_function"]
