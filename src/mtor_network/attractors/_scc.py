"""Asynchronous attractors by decomposition along the SCC DAG of the regulatory graph (exact).

Take the strongly connected components of the regulatory graph in topological order and let
``U`` be the nodes of the components handled so far: ``U`` reads no other node, so it evolves
on its own, and every asynchronous attractor of the whole network projects onto an attractor
of ``U`` (the projection of a terminal SCC is closed under ``U``'s transitions, which ignore
the other nodes, and strongly connected). Each attractor ``S`` of ``U`` built here is a
Cartesian product of one set per component (the *factors*), and it is strongly connected.

Add the next component ``C``, with the regulators ``R`` it reads outside itself (all in
``U``). Asynchronous updates are one node at a time, so from a state ``(s, c)`` the nodes of
``U`` can walk to any ``s'`` of ``S`` while ``C`` holds ``c``; hence the states reachable from
``(s, c)`` in ``S x 2^C`` are ``S x`` (the states ``c`` reaches in the graph where a node
``v`` of ``C`` may flip when *some* valuation ``r`` of ``R`` occurring in ``S`` lets it). That
graph is the asynchronous graph of a network over ``C`` alone, the *driven network*:

``g_v = (v & AND_r f_v[r]) | (!v & OR_r f_v[r])``

over the valuations ``r`` of ``v``'s outside regulators in ``S`` (the projection of ``S``; it is
the product of the factors' projections), ``f_v[r]`` the rule of ``v`` with ``r`` substituted.
Its attractors ``T`` give exactly the attractors ``S x T`` of ``U + C`` inside ``S x 2^C``,
again strongly connected products. Induction over the components gives every attractor of the
network, each exactly once, with its size (the product of the factors' sizes).

A component of one node is solved on the spot (it can rise when some ``r`` sets its rule to 1
from 0, fall when some sets it to 0 from 1); larger driven networks go to biodivine-aeon's
symbolic search, and each factor keeps AEON's vertex set for its projections. This is the
standard decomposition of asynchronous dynamics along the SCC DAG (as in AEON's and biobalm's
papers); on the flagship's oscillating IRS1-PI3K-AKT-mTORC1-S6K1 loop AEON searches 11 nodes
instead of 23 (a cyclic attractor of millions of states over 29 nodes).

:func:`asynchronous` returns None where the decomposition does not help (a single component)
or a projection has more than :data:`MAX_VALUATIONS` valuations; the caller then searches the
network whole.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from math import prod

import biodivine_aeon as ba

from ..expressions import and_, evaluate, not_, or_, simplify, substitute, var, variables
from ..network import BooleanNetwork
from ..types import Expr, NodeValue
from ._inputs import free_inputs

RawAttractor = tuple[dict[str, NodeValue], int | None]
Valuation = tuple[bool, ...]

MAX_VALUATIONS = 256
"""Most valuations of one node's outside regulators a driven rule is built over (it has one
restricted rule per valuation); above it the network is searched whole."""


DIRECT_NODES = 12
"""Driven networks up to this size go straight to AEON's Xie-Beerel search, without its
transition-guided reduction first: on 2 ** 12 states or fewer the reduction costs more than it
saves (measured on the flagship's 11-node loop, 2.6-6 ms instead of 5.4-12 ms, and on random
networks of 4-11 nodes, 1-8x faster or within 15%; from 14 nodes on it pays)."""


DEPTH_FIRST_NODES = 14
"""Driven networks of more nodes get their BDD variables depth-first along the regulations
(:func:`._aeon.depth_first_order`) instead of each node followed by its regulators
(:func:`._aeon.variable_order`). Timed on the 436 distinct driven and whole networks of 5-39
nodes that ``find_attractors`` gave AEON on 50 BBM models of at most 80 nodes (seed 99,
inputs free and fixed to 0; 2026-12-02, one niced process, CPU time, median of 3; the same
attractor counts under every order): on the 118 driven networks of 15 nodes or more the
depth-first order took 0.92x the time (median; geomean 0.91x, 55 faster by 10% or more, 28
slower, the worst 1.51x on a 5 ms search), 4.4 s against 4.8 s in all; on BBM 202's two
components 0.22x and 0.44x (71 against 328 ms with its input free). On smaller driven
networks and on whole networks it won and lost alike (geomean 0.99-1.09x, up to 2.2x slower),
and the alphabetical order of AEON's BNet reader (the "file's order" of the benchmarks) lost
overall (1.06x median)."""
MAX_CUBES = 4096
"""Most paths of a factor's BDD moved into another graph as subspaces (:func:`attractor_sets`);
beyond it the caller searches that graph instead."""


class _TooMany(Exception):
    """A projection over :data:`MAX_VALUATIONS`: fall back to the whole search."""


def components(network: BooleanNetwork) -> list[tuple[str, ...]]:
    """The strongly connected components of the regulatory graph of ``network`` in a
    topological order (a component after every component it reads), each component's nodes
    and ties between components in the network's node order.

    The non-trivial components come from biodivine-aeon
    (``RegulatoryGraph.strongly_connected_components``); every other node is a component of
    its own.

    Parameters
    ----------
    network : BooleanNetwork
        The network.

    Returns
    -------
    list of tuple of str
        The components, upstream first.
    """
    names = network.node_names
    reads = {n: variables(network.rules[n].expression) for n in names}
    graph = ba.RegulatoryGraph(list(names))
    ids = dict(zip(names, graph.variables(), strict=True))
    for target in names:
        for regulator in sorted(reads[target]):
            regulation: ba.IdRegulation = {
                "source": ids[regulator],
                "target": ids[target],
                "sign": None,
                "essential": False,
            }
            graph.add_regulation(regulation)
    position = {n: i for i, n in enumerate(names)}
    component_of: dict[str, int] = {}
    members: list[list[str]] = []
    for scc in graph.strongly_connected_components():
        nodes = sorted((graph.get_variable_name(v) for v in scc), key=position.__getitem__)
        for n in nodes:
            component_of[n] = len(members)
        members.append(nodes)
    for n in names:
        if n not in component_of:
            component_of[n] = len(members)
            members.append([n])
    first = [position[m[0]] for m in members]
    upstream: list[set[int]] = [set() for _ in members]
    downstream: list[set[int]] = [set() for _ in members]
    for target in names:
        for regulator in reads[target]:
            a, b = component_of[regulator], component_of[target]
            if a != b:
                upstream[b].add(a)
                downstream[a].add(b)
    waiting = [len(u) for u in upstream]
    ready = [(first[i], i) for i, w in enumerate(waiting) if w == 0]
    heapq.heapify(ready)
    order: list[tuple[str, ...]] = []
    while ready:
        _, i = heapq.heappop(ready)
        order.append(tuple(members[i]))
        for j in downstream[i]:
            waiting[j] -= 1
            if waiting[j] == 0:
                heapq.heappush(ready, (first[j], j))
    return order


@dataclass(eq=False)
class _Factor:
    """One component's part of an attractor: its nodes, their values (``"*"``: oscillating),
    its number of states, and its states (an explicit set, or AEON's vertex set of the driven
    network, projected on demand)."""

    nodes: tuple[str, ...]
    values: dict[str, NodeValue]
    size: int
    states: frozenset[Valuation] | None = None
    graph: ba.AsynchronousGraph | None = None
    vertices: ba.VertexSet | None = None
    _projections: dict[tuple[str, ...], frozenset[Valuation]] = field(default_factory=dict)

    def project(self, onto: tuple[str, ...]) -> frozenset[Valuation]:
        """The valuations of ``onto`` (nodes of this factor) over its states."""
        known = self._projections.get(onto)
        if known is not None:
            return known
        if all(self.values[n] != "*" for n in onto):  # a single valuation
            out = frozenset({tuple(bool(self.values[n]) for n in onto)})
        elif self.states is not None:
            where = [self.nodes.index(n) for n in onto]
            out = frozenset(tuple(s[i] for i in where) for s in self.states)
        else:
            out = self._project_bdd(onto)
        self._projections[onto] = out
        return out

    def cubes(self) -> Iterator[dict[str, bool]]:
        """The states as subspaces over this factor's nodes (each node fixed or absent): one
        per state of an explicit set, one per path of AEON's BDD otherwise (:class:`_TooMany`
        past :data:`MAX_CUBES` paths)."""
        if self.states is not None:
            for state in self.states:
                yield dict(zip(self.nodes, state, strict=True))
            return
        assert self.graph is not None and self.vertices is not None
        ctx = self.graph.symbolic_context()
        for count, clause in enumerate(self.vertices.to_bdd().clause_iterator()):
            if count == MAX_CUBES:
                raise _TooMany
            named: dict[str, bool] = {}
            for bdd_variable, value in clause.to_dict().items():
                variable = ctx.find_network_variable(bdd_variable)
                if variable is None:  # never: driven networks have no parameters
                    raise KeyError(bdd_variable)
                named[ctx.get_network_variable_name(variable)] = bool(value)
            yield named

    def _project_bdd(self, onto: tuple[str, ...]) -> frozenset[Valuation]:
        assert self.graph is not None and self.vertices is not None
        ctx = self.graph.symbolic_context()
        bdd_variable = {}
        for n in self.nodes:
            found = ctx.find_network_bdd_variable(n)
            if found is None:  # never: the graph is built over these nodes
                raise KeyError(n)
            bdd_variable[n] = found
        keep = {n: bdd_variable[n] for n in onto}
        drop = [bdd_variable[n] for n in self.nodes if n not in keep]
        projected = self.vertices.to_bdd().r_exists(drop) if drop else self.vertices.to_bdd()
        out: set[Valuation] = set()
        for clause in projected.clause_iterator():
            fixed = clause.to_dict()
            free = [i for i, n in enumerate(onto) if keep[n] not in fixed]
            if 2 ** len(free) + len(out) > MAX_VALUATIONS:
                raise _TooMany
            base = [bool(fixed.get(keep[n], False)) for n in onto]
            for bits in itertools.product((False, True), repeat=len(free)):
                for i, b in zip(free, bits, strict=True):
                    base[i] = b
                out.add(tuple(base))
        return frozenset(out)


def _projection(
    factors: Sequence[_Factor], owner: Mapping[str, int], onto: tuple[str, ...]
) -> list[Valuation]:
    """The valuations of ``onto`` over the product of ``factors`` (the product of each
    factor's projection), in ``onto``'s order."""
    parts: dict[int, list[str]] = {}
    for n in onto:
        parts.setdefault(owner[n], []).append(n)
    pieces = [(nodes, factors[i].project(tuple(nodes))) for i, nodes in parts.items()]
    if prod(len(p) for _, p in pieces) > MAX_VALUATIONS:
        raise _TooMany
    position = {n: k for k, n in enumerate(onto)}
    out: list[Valuation] = []
    for combo in itertools.product(*(sorted(p) for _, p in pieces)):
        row = [False] * len(onto)
        for (nodes, _), values in zip(pieces, combo, strict=True):
            for n, v in zip(nodes, values, strict=True):
                row[position[n]] = v
        out.append(tuple(row))
    return out


def _driven_rule(node: str, expr: Expr, outside: tuple[str, ...], rows: list[Valuation]) -> Expr:
    """``g_v`` of the module docstring: the rule of ``node`` over its own component, where
    ``rows`` are the valuations of its ``outside`` regulators that occur upstream."""
    restricted = list(
        dict.fromkeys(simplify(substitute(expr, dict(zip(outside, r, strict=True)))) for r in rows)
    )
    if len(restricted) == 1:  # v & f | !v & f is f
        return restricted[0]
    me = var(node)
    return simplify(or_([and_([me, and_(restricted)]), and_([not_(me), or_(restricted)])]))


def _single(
    node: str, expr: Expr, outside: tuple[str, ...], rows: list[Valuation]
) -> list[_Factor]:
    """The attractors of a one-node driven network: it can rise when some valuation sets its
    rule to 1 while it is 0, fall when some sets it to 0 while it is 1."""
    rise = fall = False
    for r in rows:
        state = dict(zip(outside, r, strict=True))
        state[node] = False
        rise = rise or evaluate(expr, state)
        state[node] = True
        fall = fall or not evaluate(expr, state)
        if rise and fall:
            break
    nodes = (node,)
    if rise and fall:
        return [_Factor(nodes, {node: "*"}, 2, frozenset({(False,), (True,)}))]
    if rise or fall:
        value = bool(rise)
        return [_Factor(nodes, {node: 1 if value else 0}, 1, frozenset({(value,)}))]
    return [_Factor(nodes, {node: v}, 1, frozenset({(v == 1,)})) for v in (0, 1)]


def _search_driven(rules: dict[str, Expr]) -> list[_Factor]:
    """The attractors of a driven network (its rules, over its own nodes) with biodivine-aeon's
    symbolic search (its Xie-Beerel algorithm alone up to :data:`DIRECT_NODES` nodes, each set
    it returns one attractor since the network has no parameters), each as a factor holding
    AEON's vertex set."""
    from ._aeon import _quiet, depth_first_order, native_stack_of, rules_to_aeon

    nodes = tuple(rules)
    order = depth_first_order(rules) if len(rules) > DEPTH_FIRST_NODES else None

    def run() -> list[_Factor]:
        with _quiet():
            graph = ba.AsynchronousGraph(rules_to_aeon(rules, order))
            if len(nodes) <= DIRECT_NODES:
                found = ba.Attractors.xie_beerel(graph)
            else:
                found = ba.Attractors.attractors(graph)
            out = []
            for attractor in found:
                vertices = attractor.vertices()
                space = vertices.enclosing_named_subspace()
                assert space is not None  # an attractor is never empty
                values: dict[str, NodeValue] = {
                    n: int(space[n]) if n in space else "*"  # type: ignore[misc]
                    for n in nodes
                }
                out.append(
                    _Factor(nodes, values, int(vertices.cardinality()), None, graph, vertices)
                )
        return out

    return native_stack_of(rules, run)


def _attractors_of(
    network: BooleanNetwork,
    order: list[tuple[str, ...]],
    search: Callable[[dict[str, Expr]], list[_Factor]],
) -> Iterator[list[_Factor]]:
    """Every attractor as its factors, one per component (the module's induction)."""
    rules = network.rules
    owner: dict[str, int] = {}
    for i, comp in enumerate(order):
        for n in comp:
            owner[n] = i
    partials: list[list[_Factor]] = [[]]
    for comp in order:
        members = set(comp)
        outside = {
            n: tuple(sorted(variables(rules[n].expression) - members, key=lambda r: (owner[r], r)))
            for n in comp
        }
        memo: dict[tuple[tuple[Valuation, ...], ...], list[_Factor]] = {}
        extended: list[list[_Factor]] = []
        for partial in partials:
            rows = {n: _projection(partial, owner, outside[n]) for n in comp}
            key = tuple(tuple(rows[n]) for n in comp)
            found = memo.get(key)
            if found is None:
                if len(comp) == 1:
                    n = comp[0]
                    found = _single(n, rules[n].expression, outside[n], rows[n])
                else:
                    driven = {
                        n: _driven_rule(n, rules[n].expression, outside[n], rows[n]) for n in comp
                    }
                    found = search(driven)
                memo[key] = found
            extended += [[*partial, f] for f in found]
        partials = extended
    yield from partials


def asynchronous(network: BooleanNetwork) -> list[RawAttractor] | None:
    """Every asynchronous attractor of ``network`` (values and size), exactly, by the SCC
    decomposition of the module docstring; None when it does not apply (one component, a
    projection over :data:`MAX_VALUATIONS`, or free inputs).

    A network with free inputs (``x, x``) is left to the whole search: each input valuation
    would be an upstream attractor of its own, and every component below would be searched
    once per valuation it sees, which AEON's whole search does symbolically at once (on the
    Biodivine models with free inputs the decomposition was up to 2.7x slower, e.g. BBM 062,
    751 ms against 281 ms). The portfolio splits free inputs by valuation where that pays
    (:mod:`._portfolio`), and each valuation's residual has none left.

    Parameters
    ----------
    network : BooleanNetwork
        The network (after constant percolation, typically).

    Returns
    -------
    list of (dict, int) or None
        Each attractor's node values (0, 1, ``"*"``) and number of states.
    """
    if free_inputs(network):
        return None
    order = components(network)
    if len(order) < 2:
        return None
    return attractors_by_components(network, order)


def attractors_by_components(
    network: BooleanNetwork,
    order: list[tuple[str, ...]],
    search: Callable[[dict[str, Expr]], list[_Factor]] = _search_driven,
) -> list[RawAttractor] | None:
    """The decomposition along ``order`` (:func:`components`), driven networks searched by
    ``search``; None when a projection is over :data:`MAX_VALUATIONS`."""
    found = _decompose(network, order, search)
    if found is None:
        return None
    return [(values, prod(f.size for f in factors)) for values, factors in found]


Decomposed = list[tuple[dict[str, NodeValue], list[_Factor]]]


def _decompose(
    network: BooleanNetwork,
    order: list[tuple[str, ...]],
    search: Callable[[dict[str, Expr]], list[_Factor]] = _search_driven,
) -> Decomposed | None:
    names = network.node_names
    out: Decomposed = []
    try:
        for factors in _attractors_of(network, order, search):
            values: dict[str, NodeValue] = {}
            for f in factors:
                values.update(f.values)
            out.append(({n: values[n] for n in names}, factors))
    except _TooMany:
        return None
    return out


def attractor_sets(
    network: BooleanNetwork, graph: ba.AsynchronousGraph
) -> list[tuple[dict[str, NodeValue], ba.ColoredVertexSet]] | None:
    """Every asynchronous attractor of ``network`` by the decomposition, each with its exact
    set of states as a vertex set of ``graph`` (an AEON graph of ``network``, or of any network
    over the same node names): constants percolated first (:func:`._reduce.percolate`, exact:
    every attractor holds them), then the product of its factors, built from their states (no
    search in ``graph``). None where :func:`asynchronous` would be on the percolated
    network.

    Parameters
    ----------
    network : BooleanNetwork
        The network.
    graph : biodivine_aeon.AsynchronousGraph
        The graph whose vertex sets are wanted.

    Returns
    -------
    list of (dict, ColoredVertexSet) or None
        Each attractor's node values and states.
    """
    from ._reduce import percolate

    constants, reduced = percolate(network)
    if reduced is None:  # one fixed point
        values: dict[str, NodeValue] = {n: 1 if constants[n] else 0 for n in network.node_names}
        return [(values, graph.mk_subspace(constants))]
    if free_inputs(reduced):
        return None
    order = components(reduced)
    if len(order) < 2:
        return None
    found = _decompose(reduced, order)
    if found is None:
        return None
    out = []
    for partial, factors in found:
        values = {n: (1 if constants[n] else 0) if n in constants else partial[n]
                  for n in network.node_names}  # fmt: skip
        try:
            out.append((values, _product_set(factors, graph, constants)))
        except _TooMany:
            return None
    return out


def _product_set(
    factors: Sequence[_Factor], graph: ba.AsynchronousGraph, constants: Mapping[str, bool]
) -> ba.ColoredVertexSet:
    """The product of ``factors`` (disjoint node sets covering the nodes not in ``constants``)
    as a vertex set of ``graph``: ``constants`` and the nodes every factor holds constant as
    one subspace, intersected with each other factor's states (a union of subspaces over its
    nodes)."""
    constant: dict[str, bool] = dict(constants)
    moving: list[_Factor] = []
    for f in factors:
        if f.size == 1:
            constant.update({n: v == 1 for n, v in f.values.items()})
        else:
            moving.append(f)
    out = graph.mk_subspace(constant) if constant else graph.mk_unit_colored_vertices()
    for f in moving:
        part = graph.mk_empty_colored_vertices()
        for cube in f.cubes():
            part = part.union(graph.mk_subspace(cube))
        out = out.intersect(part)
    return out
