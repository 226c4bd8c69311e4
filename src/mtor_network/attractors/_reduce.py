"""Constant percolation: an exact reduction before the attractor search.

Nodes with constant rules (inputs, perturbed nodes) are substituted into the other rules; any
rule that becomes constant is substituted in turn. Every trajectory enters the subspace where
the percolated nodes hold these values and never leaves it, under asynchronous, synchronous and
most-permissive semantics alike, so every attractor lies inside it and the attractors of the
remaining nodes (with the constants substituted) are exactly the attractors of the network.

``fixed`` values count as constant rules: a free input (``x, x``) given a value keeps it in
every trajectory, so the attractors of the network with that input fixed are the attractors
of the free network that hold that value (the input-valuation split of :mod:`._inputs`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from ..expressions import simplify, substitute, variables
from ..network import BooleanNetwork, Rule
from ..types import Expr


def percolate(
    network: BooleanNetwork, fixed: Mapping[str, bool] | None = None
) -> tuple[dict[str, bool], BooleanNetwork | None]:
    """Return (percolated constants, the reduced network or None if every node is constant).

    Parameters
    ----------
    network : BooleanNetwork
        The network.
    fixed : mapping of str to bool, optional
        Nodes to hold at a value as if their rules were that constant (free inputs).
    """
    constants: dict[str, bool] = dict(fixed or {})
    exprs = {n: network.rules[n].expression for n in network.node_names if n not in constants}
    readers: dict[str, list[str]] = {}
    reads: dict[str, frozenset[str]] = {}
    for name, expr in exprs.items():
        reads[name] = _variables(expr)
        for reg in reads[name]:
            readers.setdefault(reg, []).append(name)
    touched: set[str] = set()
    # first round: every rule (simplified once); later rounds: the readers of new constants
    dirty: list[str] | set[str] = list(exprs)
    while dirty:
        new: list[str] = []
        for name in dirty:
            if name in constants:
                continue
            expr = exprs[name]
            if constants and not reads[name].isdisjoint(constants):
                reduced = _substituted(expr, reads[name], constants)
            else:
                reduced = _simplified(expr)
            if reduced != expr:
                exprs[name] = reduced
                reads[name] = _variables(reduced)
                touched.add(name)
            if reduced[0] == "const":
                constants[name] = bool(reduced[1])
                new.append(name)
        dirty = {r for c in new for r in readers.get(c, ())}
    remaining = [n for n in network.node_names if n not in constants]
    if not remaining:
        return constants, None
    rules = {n: Rule(n, exprs[n]) if n in touched else network.rules[n] for n in remaining}
    nodes = tuple(node for node in network.nodes if node.name in rules)
    reduced_net = replace(network, nodes=nodes, rules=rules, perturbations=(), unperturbed=None)
    return constants, reduced_net


def fixes_a_node(network: BooleanNetwork, fixed: Mapping[str, bool]) -> bool:
    """Whether :func:`percolate` of ``network`` under ``fixed`` fixes a node besides those in
    ``fixed``, from the first round alone: in a network already percolated (no rule is
    constant), a node becomes constant only once one of its regulators has, so some rule that
    reads ``fixed`` must become constant first. Costs one substitution per reader of
    ``fixed``, no percolation to the end."""
    for name in network.node_names:
        if name in fixed:
            continue
        expr = network.rules[name].expression
        reads = _variables(expr)
        if not reads.isdisjoint(fixed) and _substituted(expr, reads, fixed)[0] == "const":
            return True
    return False


CACHED_RULES = 8192
"""Rules whose variables and simplified form are remembered (:func:`_variables`,
:func:`_simplified`); the caches are emptied when full."""
_VARIABLES: dict[Expr, frozenset[str]] = {}
_SIMPLIFIED: dict[Expr, Expr] = {}
_SUBSTITUTED: dict[tuple[Expr, tuple[tuple[str, bool], ...]], Expr] = {}


def clear_rule_caches() -> None:
    """Forget the remembered variables, simplified and substituted rules, e.g. to time a
    search from nothing remembered."""
    _VARIABLES.clear()
    _SIMPLIFIED.clear()
    _SUBSTITUTED.clear()


def _variables(expr: Expr) -> frozenset[str]:
    """:func:`~mtor_network.expressions.variables`, remembered by rule: the perturbed networks
    of one model share most rules (an expression is an immutable tuple, and a dictionary
    finds the same object by identity before comparing), so a query pays for a lookup
    instead of a walk over every rule."""
    found = _VARIABLES.get(expr)
    if found is None:
        if len(_VARIABLES) >= CACHED_RULES:
            _VARIABLES.clear()
        found = _VARIABLES[expr] = variables(expr)
    return found


def _substituted(expr: Expr, reads: frozenset[str], constants: Mapping[str, bool]) -> Expr:
    """``simplify(substitute(expr, constants))``, remembered by rule and by the values of the
    constants it reads (as :func:`_variables`): the valuations of free inputs percolate the
    same rules under the same few values again and again (the portfolio's probes, the
    valuation tree, queries on one model); on BBM 171, one rule of 90 literals made each
    percolation 0.1 ms."""
    key = (expr, tuple(sorted((n, constants[n]) for n in reads if n in constants)))
    found = _SUBSTITUTED.get(key)
    if found is None:
        if len(_SUBSTITUTED) >= CACHED_RULES:
            _SUBSTITUTED.clear()
        found = _SUBSTITUTED[key] = simplify(substitute(expr, constants))
    return found


def _simplified(expr: Expr) -> Expr:
    """:func:`~mtor_network.expressions.simplify`, remembered by rule (as :func:`_variables`)."""
    found = _SIMPLIFIED.get(expr)
    if found is None:
        if len(_SIMPLIFIED) >= CACHED_RULES:
            _SIMPLIFIED.clear()
        found = _SIMPLIFIED[expr] = simplify(expr)
    return found
