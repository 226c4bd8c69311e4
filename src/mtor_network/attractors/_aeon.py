"""Engines on biodivine-aeon: exact symbolic (BDD) asynchronous attractors, synchronous
attractors by symbolic image iteration, and minimal trap spaces."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import biodivine_aeon as ba

from ..expressions import evaluate, variables
from ..io.bnet import plain_bnet
from ..network import BooleanNetwork
from ..types import And, Const, Expr, NodeValue, Not, Var

RawAttractor = tuple[dict[str, NodeValue], int | None]


@contextmanager
def _quiet() -> Iterator[None]:
    """biodivine-aeon (and its algorithm crates) log progress at INFO through Python logging:
    keep it out of user output."""
    loggers = [logging.getLogger(name) for name in _AEON_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


_AEON_LOGGERS = ("biodivine_aeon", "biodivine_algo_bdd_scc", "biodivine_lib_param_bn")


engine_bnet = plain_bnet
"""Plain BNet (no comments) for the engines."""


def to_aeon(network: BooleanNetwork) -> ba.BooleanNetwork:
    """The network as a biodivine-aeon ``BooleanNetwork`` (regulations inferred from rules)."""
    return ba.BooleanNetwork.from_bnet(engine_bnet(network), repair_graph=True)


def _values_of(
    space: Mapping[ba.VariableId, bool], graph: ba.AsynchronousGraph, nodes: tuple[str, ...]
) -> dict[str, NodeValue]:
    fixed = {graph.get_network_variable_name(var): int(val) for var, val in space.items()}
    return {n: fixed.get(n, "*") for n in nodes}  # type: ignore[misc]


def downstream_order(network: BooleanNetwork) -> list[str]:
    """Nodes that no other node of the core reads, peeled repeatedly (without self-loops), in
    the order peeled: the first is the most downstream. What is left is the core, which
    evolves on its own; each peeled node is a function of the core and of nodes peeled after
    it."""
    readers: dict[str, set[str]] = {n: set() for n in network.node_names}
    for target, rule in network.rules.items():
        for reg in variables(rule.expression):
            if reg != target:
                readers[reg].add(target)
    self_loops = {t for t, r in network.rules.items() if t in variables(r.expression)}
    peeled: list[str] = []
    left = set(network.node_names)
    frontier = [n for n in network.node_names if not readers[n] and n not in self_loops]
    while frontier:
        node = frontier.pop()
        peeled.append(node)
        left.discard(node)
        for reg in variables(network.rules[node].expression):
            if reg in left and reg not in self_loops:
                readers[reg].discard(node)
                if not readers[reg] and reg not in peeled and reg not in frontier:
                    frontier.append(reg)
    return peeled


MAX_CORE_STATES = 4096  # a cyclic core attractor up to this size is extended state by state


def asynchronous(network: BooleanNetwork) -> list[RawAttractor]:
    """All asynchronous attractors (terminal SCCs), exactly.

    Nodes downstream of everything else (read by no node of the rest, directly or through
    other such nodes, and without self-loops) are peeled off first; the rest, the core, evolves
    on its own and its attractors are searched by AEON. Each core attractor ``S`` extends to
    exactly one attractor of the whole network, built upstream-first: a peeled node whose rule
    is constant over the attractor so far takes that value; otherwise it oscillates, and the
    attractor so far times both of its values is the next one (the part so far is strongly
    connected and does not read the node, so it can move anywhere while the node holds either
    value). Core attractors too large to enumerate send the whole network to AEON."""
    peeled = downstream_order(network)
    if not peeled:
        return _asynchronous(network)
    core_names = [n for n in network.node_names if n not in set(peeled)]
    if not core_names:
        core_sets: list[list[dict[str, bool]]] = [[{}]]
    else:
        core = BooleanNetwork.create(
            network.name, {n: network.rules[n].expression for n in core_names}
        )
        sets = _core_attractor_states(core)
        if sets is None:
            return _asynchronous(network)
        core_sets = sets
    out: list[RawAttractor] = []
    for states in core_sets:
        values: dict[str, NodeValue] = {}
        for n in core_names:
            seen = {s[n] for s in states}
            values[n] = "*" if len(seen) == 2 else int(seen.pop())  # type: ignore[assignment]
        size = len(states)
        oscillating: list[str] = []
        for node in reversed(peeled):
            expr = network.rules[node].expression
            reads = [r for r in oscillating if r in variables(expr)]
            seen_values: set[bool] = set()
            for state in states:
                for combo in range(2 ** len(reads)):
                    full = dict(state)
                    full.update({r: bool(combo >> i & 1) for i, r in enumerate(reads)})
                    full.update({n: bool(v) for n, v in values.items() if v != "*"})
                    seen_values.add(evaluate(expr, full))
                if len(seen_values) == 2:
                    break
            if len(seen_values) == 2:
                values[node] = "*"
                oscillating.append(node)
                size *= 2
            else:
                values[node] = int(seen_values.pop())  # type: ignore[assignment]
        out.append(({n: values[n] for n in network.node_names}, size))
    return out


def _core_attractor_states(core: BooleanNetwork) -> list[list[dict[str, bool]]] | None:
    """The states of each asynchronous attractor of ``core``, or None when one is too large to
    enumerate."""
    with _quiet():
        graph = ba.AsynchronousGraph(to_aeon(core))
        found = ba.Attractors.attractors(graph)
        out: list[list[dict[str, bool]]] = []
        for attractor in found:
            vertices = attractor.vertices()
            if vertices.cardinality() > MAX_CORE_STATES:
                return None
            out.append([dict(m.to_named_dict()) for m in vertices.items()])
    return out


def _asynchronous(network: BooleanNetwork) -> list[RawAttractor]:
    """All asynchronous attractors (terminal SCCs), exactly, via AEON's symbolic search."""
    nodes = network.node_names
    with _quiet():
        graph = ba.AsynchronousGraph(to_aeon(network))
        found = ba.Attractors.attractors(graph)
        out: list[RawAttractor] = []
        for attractor in found:
            vertices = attractor.vertices()
            space = vertices.enclosing_subspace()
            assert space is not None  # an attractor is never empty
            out.append((_values_of(space, graph, nodes), int(vertices.cardinality())))
    return out


def minimal_trap_spaces(network: BooleanNetwork) -> list[RawAttractor]:
    """Minimal trap spaces (most-permissive attractors) via AEON's symbolic trap-space search."""
    nodes = network.node_names
    with _quiet():
        bn = to_aeon(network)
        ctx = ba.SymbolicSpaceContext(bn)
        graph = ba.AsynchronousGraph(bn, ctx)
        spaces = ba.TrapSpaces.minimal_symbolic(ctx, graph)
        out: list[RawAttractor] = []
        for space in spaces.spaces().items():
            values: dict[str, NodeValue] = {}
            for n in nodes:
                fixed = space[n]
                values[n] = "*" if fixed is None else (1 if fixed else 0)
            free = sum(1 for v in values.values() if v == "*")
            out.append((values, 2**free))
    return out


def synchronous(network: BooleanNetwork) -> list[RawAttractor]:
    """All synchronous attractors (cycles of the deterministic update map), exactly.

    The recurrent states are the limit of repeated symbolic images of the whole state space
    (BDDs over current and next-state variables); the cycles are then read off by following the
    update map from one recurrent state at a time.
    """
    nodes = network.node_names
    names: list[str] = []
    for n in nodes:
        names += [f"x__{n}", f"y__{n}"]
    bdd_vars = ba.BddVariableSet(names)
    index = {bdd_vars.get_variable_name(v): v for v in bdd_vars.variable_ids()}
    x = {n: index[f"x__{n}"] for n in nodes}
    y = {n: index[f"y__{n}"] for n in nodes}
    exprs = {n: network.rules[n].expression for n in nodes}

    def build(expr: Expr) -> ba.Bdd:
        if isinstance(expr, Const):
            return bdd_vars.mk_const(expr[1])
        if isinstance(expr, Var):
            return bdd_vars.mk_literal(x[expr[1]], True)
        if isinstance(expr, Not):
            return build(expr[1]).l_not()
        parts = [build(e) for e in expr[1]]
        acc = parts[0]
        for p in parts[1:]:
            acc = acc.l_and(p) if isinstance(expr, And) else acc.l_or(p)
        return acc

    relation = bdd_vars.mk_true()
    for n in nodes:
        relation = relation.l_and(bdd_vars.mk_literal(y[n], True).l_iff(build(exprs[n])))
    x_vars = [x[n] for n in nodes]
    renaming = [(y[n], x[n]) for n in nodes]

    def image(states: ba.Bdd) -> ba.Bdd:
        nxt = states.l_and(relation).r_exists(x_vars)
        return nxt.rename(renaming)

    recurrent = bdd_vars.mk_true()
    while True:
        nxt = image(recurrent)
        if nxt.semantic_eq(recurrent):
            break
        recurrent = nxt

    def step(state: dict[str, bool]) -> dict[str, bool]:
        return {n: evaluate(exprs[n], state) for n in nodes}

    out: list[RawAttractor] = []
    while not recurrent.is_false():
        valuation = recurrent.valuation_first()
        start = {n: bool(valuation[x[n]]) for n in nodes}
        cycle = [start]
        state = step(start)
        while state != start:
            cycle.append(state)
            state = step(state)
        values: dict[str, NodeValue] = {}
        for n in nodes:
            seen = {s[n] for s in cycle}
            values[n] = "*" if len(seen) == 2 else int(seen.pop())  # type: ignore[assignment]
        out.append((values, len(cycle)))
        visited = bdd_vars.mk_false()
        for s in cycle:
            visited = visited.l_or(bdd_vars.mk_conjunctive_clause({x[n]: s[n] for n in nodes}))
        recurrent = recurrent.l_and_not(visited)
    return out
