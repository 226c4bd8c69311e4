"""Engines on biodivine-aeon: exact symbolic (BDD) asynchronous attractors, synchronous
attractors by symbolic image iteration, and minimal trap spaces."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from typing import TypeVar

import biodivine_aeon as ba

from ..expressions import evaluate, fold, to_string, variables
from ..io._native import with_stack
from ..io.bnet import _header_proof
from ..network import BooleanNetwork
from ..types import And, Const, Expr, NodeValue, Not, Var

RawAttractor = tuple[dict[str, NodeValue], int | None]
T = TypeVar("T")


@contextmanager
def _quiet() -> Iterator[None]:
    """biodivine-aeon (and its algorithm crates) log progress at INFO through Python logging:
    keep it out of user output. Only loggers that would pass INFO are touched: setting a
    level clears the logging module's caches of every logger (about 0.3 ms a search where
    an application has many loggers), and with Python's default WARNING root nothing is."""
    loggers = [
        logger
        for logger in (logging.getLogger(name) for name in _AEON_LOGGERS)
        if logger.isEnabledFor(logging.INFO)
    ]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


_AEON_LOGGERS = ("biodivine_aeon", "biodivine_algo_bdd_scc", "biodivine_lib_param_bn")


RULE_CACHE = 4096
"""Rule expressions whose derived facts (:func:`_walk`, :func:`_text`) are remembered: pure
functions of an immutable expression, so a query pays each walk of a rule once, and queries on
the same model (perturbations change a few rules) share the rest. On BBM 171 (7 nodes, one rule
of 90 literals) the walks of variable order, depth, peeling and memo key took 0.3 ms of a
2.3 ms query, as much as building AEON's network."""


def engine_bnet(network: BooleanNetwork) -> str:
    """Plain BNet (no comments) of a network: the key of the engines' memo and the text that
    engines outside this module (and the benchmarks) read (exactly
    :func:`~mtor_network.io.bnet.plain_bnet`, each rule's text remembered). AEON itself gets
    :func:`to_aeon`."""
    rows = [_header_proof(f"{n}, {_text(network.rules[n].expression)}") for n in network.node_names]
    return "targets, factors\n" + "\n".join(rows) + "\n"


def clear_rule_caches() -> None:
    """Forget the per-rule facts and texts (:data:`RULE_CACHE`), e.g. to time a search from
    nothing remembered."""
    _text.cache_clear()
    _walk.cache_clear()


@lru_cache(maxsize=RULE_CACHE)
def _text(expr: Expr) -> str:
    return to_string(expr)


@lru_cache(maxsize=RULE_CACHE)
def _walk(expr: Expr) -> tuple[tuple[str, ...], int, bool]:
    """The node names ``expr`` reads in the order they first appear
    (:func:`~mtor_network.expressions.variables_in_order`), the depth of the tree
    :func:`_update_function` builds for it, and whether AEON may read it as text
    (:data:`TEXT_DEPTH`), in one walk without recursion."""
    seen: dict[str, None] = {}
    deepest = 0
    widest = 0
    stack: list[tuple[Expr, int]] = [(expr, 0)]
    while stack:
        e, d = stack.pop()
        if d > deepest:
            deepest = d
        if e[0] == "var":
            seen.setdefault(e[1], None)
        elif e[0] == "not":
            stack.append((e[1], d + 1))
        elif e[0] == "and" or e[0] == "or":
            widest = max(widest, len(e[1]))
            step = d + _chain_depth(len(e[1]))
            stack.extend((x, step) for x in reversed(e[1]))
    names = tuple(seen)
    as_text = (
        widest <= JOIN
        and deepest <= TEXT_DEPTH
        and all(_PLAIN_NAME.fullmatch(n) and n.lower() not in _AEON_WORDS for n in names)
    )
    return names, deepest, as_text


TEXT_DEPTH = 200
"""Rules up to this depth, with at most :data:`JOIN` operands per ``and``/``or`` and plain
names (:data:`_PLAIN_NAME`), are given to AEON as their text (``set_update_function`` parses it
in native code: a rule's tree there is as deep as ours, and far from the stack's limit); the
others are built node by node (:func:`_update_function`). On BBM 171 (a rule of 90 literals)
building the network took 0.42 ms node by node and 0.18 ms from text."""
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_AEON_WORDS = frozenset({"true", "false"})


def variable_order(network: BooleanNetwork) -> list[str]:
    """The order of AEON's variables (and so of its BDD variables): node by node in the
    network's order, each node followed by the nodes its rule reads in the order they first
    appear (:func:`~mtor_network.expressions.variables_in_order`), each node once."""
    return _variable_order(_expressions(network))


def _expressions(network: BooleanNetwork) -> dict[str, Expr]:
    return {n: network.rules[n].expression for n in network.node_names}


def _variable_order(rules: Mapping[str, Expr]) -> list[str]:
    seen: dict[str, None] = {}
    for target, expr in rules.items():
        seen.setdefault(target, None)
        for name in _walk(expr)[0]:
            seen.setdefault(name, None)
    return list(seen)


def depth_first_order(rules: Mapping[str, Expr]) -> list[str]:
    """The nodes of ``rules`` depth-first along the regulations (regulator before target):
    from each node in turn, fewest regulators (other than itself) first and then in the
    mapping's order, every node the first time it is met, its targets in the order the
    nodes appear in the mapping's rules. The order :mod:`._scc` gives AEON for driven
    networks of more than :data:`._scc.DEPTH_FIRST_NODES` nodes."""
    names = list(rules)
    targets: dict[str, list[str]] = {n: [] for n in names}
    regulators = dict.fromkeys(names, 0)
    for target, expr in rules.items():
        for regulator in _walk(expr)[0]:
            if regulator != target:
                targets[regulator].append(target)
                regulators[target] += 1
    position = {n: i for i, n in enumerate(names)}
    order: list[str] = []
    seen: set[str] = set()
    for root in sorted(names, key=lambda n: (regulators[n], position[n])):
        stack = [root]
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            order.append(node)
            stack.extend(reversed(targets[node]))
    return order


def to_aeon(network: BooleanNetwork) -> ba.BooleanNetwork:
    """The network as a biodivine-aeon ``BooleanNetwork``, built through AEON's API (never
    through text, which its parsers could read otherwise, e.g. a node ``Targets`` as the BNet
    header): variables in :func:`variable_order`, one unsigned, non-essential regulation per
    variable a rule reads, and each update function built from our expression nodes.

    AEON's functions are binary trees that AEON builds, converts to BDDs, copies and frees
    recursively in native code: our n-ary ``and``/``or`` become shallow trees of short
    chains (:data:`JOIN`; a rule of 50,000 operands is 96 levels deep, not 50,000), and a
    network whose trees are still deeper
    than :data:`~mtor_network.io._native.SHALLOW` must be used within
    :func:`native_stack` (the engines of this module do so)."""
    return rules_to_aeon(_expressions(network))


def rules_to_aeon(rules: Mapping[str, Expr], order: list[str] | None = None) -> ba.BooleanNetwork:
    """:func:`to_aeon` of the network with these rules (node names in the mapping's order,
    every regulator a node of it), without building and validating a
    :class:`~mtor_network.network.BooleanNetwork` first: for networks an engine derives
    itself (the driven networks of :mod:`._scc`), within :func:`native_stack_of`. ``order``:
    the variables in this order instead (the nodes of ``rules``, each once)."""
    if order is None:
        order = _variable_order(rules)
    bn = ba.BooleanNetwork(order)
    ids = dict(zip(order, bn.variables(), strict=True))  # VariableIds in declaration order
    for target, expr in rules.items():
        target_id = ids[target]
        for regulator in _walk(expr)[0]:
            regulation: ba.IdRegulation = {
                "source": ids[regulator],
                "target": target_id,
                "sign": None,
                "essential": False,
            }
            bn.add_regulation(regulation)
    for target, expr in rules.items():
        if _walk(expr)[2] and _PLAIN_NAME.fullmatch(target):
            bn.set_update_function(ids[target], _text(expr))
        else:
            bn.set_update_function(ids[target], _update_function(bn, ids, expr))
    return bn


def _update_function(
    bn: ba.BooleanNetwork, ids: Mapping[str, ba.VariableId], expr: Expr
) -> ba.UpdateFunction:
    """AEON's ``UpdateFunction`` of ``expr``, built without recursion; the operands of an
    ``and``/``or`` are joined in chains of :data:`JOIN`, which are joined again."""
    mk = ba.UpdateFunction
    literals: dict[str, ba.UpdateFunction] = {}

    def literal(name: str) -> ba.UpdateFunction:
        found = literals.get(name)
        if found is None:
            found = literals[name] = mk.mk_var(bn, ids[name])
        return found

    def nary(op: str, operands: list[ba.UpdateFunction]) -> ba.UpdateFunction:
        join = mk.mk_conjunction if op == "and" else mk.mk_disjunction
        while len(operands) > 1:  # chains of JOIN operands, joined again: a shallow tree
            operands = [
                join(bn, operands[i : i + JOIN]) if len(operands) - i > 1 else operands[i]
                for i in range(0, len(operands), JOIN)
            ]
        return operands[0] if operands else mk.mk_const(bn, op == "and")

    return fold(expr, var=literal, const=lambda v: mk.mk_const(bn, v), not_=mk.mk_not, nary=nary)


JOIN = 32
"""Operands joined into one chain of AEON's binary ``&``/``|`` (a chain is as deep as it is
long; joining chains of chains keeps a rule of 50,000 operands 96 levels deep while copying
each operand about three times)."""


def aeon_depth(network: BooleanNetwork) -> int:
    """The deepest of the trees :func:`to_aeon` builds for the rules of ``network`` (the
    native recursion AEON needs on them)."""
    return _depth(rule.expression for rule in network.rules.values())


def _depth(exprs: Iterable[Expr]) -> int:
    return max((_walk(e)[1] for e in exprs), default=0)


def _chain_depth(count: int) -> int:
    """The depth of the tree :func:`_update_function` builds over ``count`` operands (an
    upper bound: the deepest operand's path)."""
    depth = 0
    while count > 1:
        depth += min(count, JOIN) - 1
        count = -(-count // JOIN)
    return depth


def native_stack(network: BooleanNetwork, function: Callable[[], T]) -> T:
    """``function()``, with a native stack for AEON's recursion on the rules of ``network``
    (:func:`~mtor_network.io._native.with_stack`; in the calling thread where they are at
    most :data:`~mtor_network.io._native.SHALLOW` levels deep, as nearly every network)."""
    return with_stack(function, aeon_depth(network))


def native_stack_of(rules: Mapping[str, Expr], function: Callable[[], T]) -> T:
    """:func:`native_stack` for the network of :func:`rules_to_aeon`."""
    return with_stack(function, _depth(rules.values()))


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
    reads = {t: _walk(r.expression)[0] for t, r in network.rules.items()}
    readers: dict[str, set[str]] = {n: set() for n in network.node_names}
    for target, regulators in reads.items():
        for reg in regulators:
            if reg != target:
                readers[reg].add(target)
    self_loops = {t for t, regulators in reads.items() if t in regulators}
    peeled: list[str] = []
    left = set(network.node_names)
    frontier = [n for n in network.node_names if not readers[n] and n not in self_loops]
    while frontier:
        node = frontier.pop()
        peeled.append(node)
        left.discard(node)
        for reg in reads[node]:
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
    value). Core attractors too large to enumerate send the whole network to AEON.

    Before all that, the decomposition along the SCC DAG of the regulatory graph
    (:func:`._scc.asynchronous`, which generalises the peeling to every component) is tried;
    it answers unless the network is one component or a projection is too large."""
    from . import _scc

    decomposed = _scc.asynchronous(network)
    if decomposed is not None:
        return decomposed
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
            return _extended_symbolically(network, core, peeled)
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

    def run() -> list[list[dict[str, bool]]] | None:
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

    return native_stack(core, run)


def _extended_symbolically(
    network: BooleanNetwork, core: BooleanNetwork, peeled: list[str]
) -> list[RawAttractor]:
    """The attractors of :func:`asynchronous` where a core attractor is too large to list:
    the same extension, upstream-first over the peeled nodes, on AEON's vertex sets. Each
    core attractor is moved into the graph of the whole network (every peeled node free);
    a peeled node whose rule is 1 (0) on no state of the attractor so far is held at 0 (1),
    otherwise it stays free (it oscillates). BBM 226 (75 nodes, 7 free inputs, 9 peeled):
    the core's search costs 4.8 s and the whole search 7.7 s more, which this avoids."""
    nodes = network.node_names

    def run() -> list[RawAttractor]:
        with _quiet():
            whole_order = variable_order(network)
            kept = set(core.node_names)
            core_order = [n for n in whole_order if n in kept]  # compatible encodings
            core_graph = ba.AsynchronousGraph(rules_to_aeon(_expressions(core), core_order))
            graph = ba.AsynchronousGraph(to_aeon(network))
            ctx = graph.symbolic_context()
            rules = {}
            for node in peeled:
                variable = graph.find_network_variable(node)
                if variable is None:  # never: the graph is built over these nodes
                    raise KeyError(node)
                rules[node] = ba.VertexSet(ctx, graph.mk_update_function(variable))
            out: list[RawAttractor] = []
            for attractor in ba.Attractors.attractors(core_graph):
                states = graph.transfer_from(attractor.vertices(), core_graph)
                for node in reversed(peeled):
                    on = not states.intersect(rules[node]).is_empty()
                    off = not states.minus(rules[node]).is_empty()
                    if on != off:
                        states = states.intersect(graph.mk_subspace_vertices({node: on}))
                space = states.enclosing_subspace()
                assert space is not None  # an attractor is never empty
                out.append((_values_of(space, graph, nodes), int(states.cardinality())))
        return out

    return native_stack(network, run)


def _asynchronous(network: BooleanNetwork) -> list[RawAttractor]:
    """All asynchronous attractors (terminal SCCs), exactly, via AEON's symbolic search."""
    nodes = network.node_names

    def run() -> list[RawAttractor]:
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

    return native_stack(network, run)


def minimal_trap_spaces(network: BooleanNetwork) -> list[RawAttractor]:
    """Minimal trap spaces (most-permissive attractors) via AEON's symbolic trap-space search."""
    nodes = network.node_names

    def run() -> list[RawAttractor]:
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

    return native_stack(network, run)


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
