"""Basins of attraction, exactly and symbolically, on biodivine-aeon BDDs.

The state space of a perturbed network is every state in which the fixed (perturbed) nodes hold
their values and every other node is free: ``2 ** free`` states, each counted once. The set is
closed under every update (a fixed node's rule is the constant it holds), so each of its states
reaches only attractors inside it.

* **asynchronous**: the *weak basin* of an attractor is the set of states from which some
  asynchronous path reaches it (backward reachability, ``Reachability.backward_superset`` of
  biodivine-aeon with only the free nodes active); its *strong basin* the states that reach
  it and no other attractor (the weak basin minus the others' weak basins). Every state reaches
  some attractor, so the strong basins and the states that reach several (the *undecided*
  share) partition the space.
* **synchronous**: each state has one successor, so a state's trajectory ends in exactly one
  attractor: weak and strong basins coincide and partition the space (backward images of the
  cycles through the transition relation ``y = f(x)`` on BDDs, to a fixed point).
* **most permissive**: not defined here (every minimal trap space is reachable from states
  that also reach others; no exact count of MP-reachability basins is implemented).

No constant is percolated beyond the fixed nodes: a free node whose rule is constant still
takes either value in the state space, and its transient value can decide which attractor a
state reaches. Two exact reductions are used: the fixed nodes are substituted and dropped
(they hold their values in every state counted), and nodes that no other free node reads are
peeled off (a state's fate depends only on the rest, the core; each count is the core's times
two per peeled node). A result with a single attractor needs no computation (every state reaches it,
and only it). The vertex sets of cyclic attractors come from the SCC decomposition of
:mod:`._scc` (each the product of its components' parts), not from another attractor search.

:func:`basin_counts` computes in this process; :func:`encode_basin_job` and
:func:`run_basin_job` carry the same computation to a budgeted worker
(:mod:`mtor_network.attractors._budget`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import biodivine_aeon as ba

from ..exceptions import EngineError
from ..expressions import evaluate
from ..network import BooleanNetwork, network_from_dict, network_to_dict
from ..types import And, Const, Expr, NodeValue, Not, Var
from ._aeon import _quiet, to_aeon

Values = Mapping[str, NodeValue]
BASIN_SEMANTICS = ("asynchronous", "synchronous")
REFERENCE_KINDS = ("environment", "genotype")
"""Kinds of perturbation the untreated cell keeps (drugs, knockouts, over-expressions go)."""


@dataclass(frozen=True)
class BasinCounts:
    """Exact state counts of basins (see the module docstring for the state space).

    ``states``: states in the space (``2 ** free``); ``weak`` / ``strong``: per attractor (in
    the order given), the states that can reach it / that reach only it; ``group_weak`` /
    ``group_strong``: the same for each group of attractors (a state in a group's strong basin
    reaches attractors of that group only). ``initial``: the number of initial states (the
    reference's attractor states with the fixed nodes set), or None without a reference;
    ``initial_weak`` / ``initial_strong`` / ``initial_group_weak`` / ``initial_group_strong``:
    how many of them fall in each basin.
    """

    states: int
    weak: tuple[int, ...]
    strong: tuple[int, ...]
    group_weak: tuple[int, ...] = ()
    group_strong: tuple[int, ...] = ()
    initial: int | None = None
    initial_weak: tuple[int, ...] = ()
    initial_strong: tuple[int, ...] = ()
    initial_group_weak: tuple[int, ...] = ()
    initial_group_strong: tuple[int, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """JSON-ready (integers of any size)."""
        return {
            "states": self.states,
            "weak": list(self.weak),
            "strong": list(self.strong),
            "group_weak": list(self.group_weak),
            "group_strong": list(self.group_strong),
            "initial": self.initial,
            "initial_weak": list(self.initial_weak),
            "initial_strong": list(self.initial_strong),
            "initial_group_weak": list(self.initial_group_weak),
            "initial_group_strong": list(self.initial_group_strong),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BasinCounts:
        """The counts of :meth:`to_json` (a worker's reply), checked."""

        def ints(key: str) -> tuple[int, ...]:
            items = data.get(key, [])
            if not isinstance(items, list) or not all(
                isinstance(i, int) and not isinstance(i, bool) for i in items
            ):
                raise ValueError(f"a malformed basin reply ({key})")
            return tuple(items)

        states = data.get("states")
        initial = data.get("initial")
        if not isinstance(states, int) or not (initial is None or isinstance(initial, int)):
            raise ValueError("a malformed basin reply (states)")
        return cls(
            states,
            ints("weak"),
            ints("strong"),
            ints("group_weak"),
            ints("group_strong"),
            initial,
            ints("initial_weak"),
            ints("initial_strong"),
            ints("initial_group_weak"),
            ints("initial_group_strong"),
        )


@dataclass(frozen=True)
class Reference:
    """The initial states: the attractors of ``network`` (a setting with the same nodes, e.g.
    the untreated cell) within its own space (``fixed`` held), ``attractors`` their values."""

    network: BooleanNetwork
    fixed: Mapping[str, bool]
    attractors: Sequence[Values]


# ---- shared ----------------------------------------------------------------------------------
def _check_nodes(network: BooleanNetwork, reference: Reference | None) -> None:
    if reference is not None and reference.network.node_names != network.node_names:
        raise ValueError(
            "the reference setting must have the same nodes as the network (a perturbation of "
            "the same model)"
        )


def _others(sets: Sequence[Any], union: Any, empty: Any) -> list[Any]:
    """For each set, the union of all the other sets (prefix and suffix unions: linear)."""
    prefix = [empty]
    for s in sets[:-1]:
        prefix.append(union(prefix[-1], s))
    out: list[Any] = [None] * len(sets)
    suffix = empty
    for i in range(len(sets) - 1, -1, -1):
        out[i] = union(prefix[i], suffix)
        suffix = union(suffix, sets[i])
    return out


def _groups_counts(
    sets: Sequence[Any],
    groups: Sequence[Sequence[int]],
    union: Any,
    minus: Any,
    empty: Any,
) -> tuple[list[Any], list[Any]]:
    """(weak, strong) sets per group, from the weak sets of the attractors (the groups are
    disjoint)."""
    weak_groups = []
    for group in groups:
        acc = empty
        for i in group:
            acc = union(acc, sets[i])
        weak_groups.append(acc)
    grouped = {i for group in groups for i in group}
    rest = empty
    for i, s in enumerate(sets):
        if i not in grouped:
            rest = union(rest, s)
    others = _others([*weak_groups, rest], union, empty)
    strong_groups = [minus(w, others[g]) for g, w in enumerate(weak_groups)]
    return weak_groups, strong_groups


def _strong(sets: Sequence[Any], union: Any, minus: Any, empty: Any) -> list[Any]:
    return [minus(s, o) for s, o in zip(sets, _others(sets, union, empty), strict=True)]


@dataclass(frozen=True)
class _SetAlgebra:
    """How one symbolic representation (AEON colored vertex sets, plain BDDs) unites,
    subtracts and counts its sets."""

    union: Callable[[Any, Any], Any]
    minus: Callable[[Any, Any], Any]
    count: Callable[[Any], int]
    empty: Any


def _aeon_algebra(empty: Any, scale: int = 1) -> _SetAlgebra:
    """AEON's colored vertex sets; each count multiplied by ``scale`` (peeled nodes)."""
    return _SetAlgebra(
        lambda a, b: a.union(b),
        lambda a, b: a.minus(b),
        lambda x: int(x.cardinality()) * scale,
        empty,
    )


Within = Callable[[Sequence[Any]], tuple[int, ...]]


def _tally(
    weak: Sequence[Any],
    groups: Sequence[Sequence[int]],
    algebra: _SetAlgebra,
    states: int,
    initial: Callable[[], tuple[int, Within]] | None = None,
) -> BasinCounts:
    """The counts from the weak basins of the attractors: strong basins, the groups' weak and
    strong basins, and, with ``initial`` (the number of initial states and how many of them lie
    in each of a sequence of sets), the same over the initial states."""
    u, m, e = algebra.union, algebra.minus, algebra.empty
    strong = _strong(weak, u, m, e)
    weak_groups, strong_groups = _groups_counts(weak, groups, u, m, e)

    def counted(sets: Sequence[Any]) -> tuple[int, ...]:
        return tuple(algebra.count(x) for x in sets)

    counts = BasinCounts(
        states=states,
        weak=counted(weak),
        strong=counted(strong),
        group_weak=counted(weak_groups),
        group_strong=counted(strong_groups),
    )
    if initial is None:
        return counts
    total, within = initial()
    return replace(
        counts,
        initial=total,
        initial_weak=within(weak),
        initial_strong=within(strong),
        initial_group_weak=within(weak_groups),
        initial_group_strong=within(strong_groups),
    )


def _match(
    wanted: Sequence[Values], found: Sequence[tuple[dict[str, NodeValue], Any]], what: str
) -> list[Any]:
    """The found sets in the order of ``wanted`` (matched by their values)."""
    pool = list(found)
    out = []
    for values in wanted:
        key = dict(values)
        for k, (vals, item) in enumerate(pool):
            if vals == key:
                out.append(item)
                del pool[k]
                break
        else:
            raise EngineError(
                f"the basin computation found other attractors than the search ({what}): "
                f"no attractor with values {key}"
            )
    if pool:
        raise EngineError(
            f"the basin computation found {len(found)} attractors but the search "
            f"{len(wanted)} ({what})"
        )
    return out


# ---- asynchronous ----------------------------------------------------------------------------
class _Async:
    """One network's asynchronous graph, restricted to its fixed nodes' subspace."""

    def __init__(self, network: BooleanNetwork, fixed: Mapping[str, bool]) -> None:
        self.network = network
        self.graph = ba.AsynchronousGraph(to_aeon(network))
        self.fixed = {str(k): bool(v) for k, v in fixed.items()}
        names = self.graph.network_variable_names()
        self.active = [n for n in names if n not in self.fixed]
        self.space = (
            self.graph.mk_subspace(self.fixed)
            if self.fixed
            else self.graph.mk_unit_colored_vertices()
        )
        self.config: Any = {"graph": self.graph, "active_variables": self.active}

    def attractor_sets(self, wanted: Sequence[Values]) -> list[Any]:
        """The exact vertex sets of the attractors ``wanted`` (fixed points directly; cyclic
        ones as the products of the SCC decomposition, :func:`._scc.attractor_sets`, or where
        it does not apply from AEON's attractor search in the space; matched by values)."""
        if all("*" not in v.values() for v in wanted):
            for v in wanted:
                state = {n: bool(x) for n, x in v.items()}
                moving = [
                    n
                    for n in self.network.node_names
                    if evaluate(self.network.rules[n].expression, state) != state[n]
                    or self.fixed.get(n, state[n]) != state[n]
                ]
                if moving:
                    raise EngineError(
                        f"the basin computation was given a state of {self.network.name} that "
                        f"is no fixed point in its space ({', '.join(moving[:5])} can change)"
                    )
            return [self.graph.mk_subspace({n: bool(x) for n, x in v.items()}) for v in wanted]
        from . import _scc

        decomposed = _scc.attractor_sets(self.network, self.graph)
        if decomposed is not None:  # every attractor of the network: those of the space
            inside = [
                (v, x) for v, x in decomposed if all(v[n] == b for n, b in self.fixed.items())
            ]
            return _match(wanted, inside, self.network.name)
        try:
            return _match(wanted, self._local(wanted), self.network.name)
        except EngineError:
            pass  # a local search missed one: search the whole space
        return _match(wanted, self._found(self.space, check=False), self.network.name)

    def _found(self, within: Any, *, check: bool) -> list[tuple[dict[str, NodeValue], Any]]:
        """Terminal SCCs of the graph restricted to ``within`` with their values; with
        ``check``, only those closed under the whole graph's successors (true attractors)."""
        found = []
        for attractor in ba.Attractors.attractors(self.graph, within):
            if check and not self.graph.post(attractor).is_subset(attractor):
                continue  # terminal only because ``within`` cuts the edges that leave it
            space = attractor.vertices().enclosing_named_subspace()
            assert space is not None  # an attractor is never empty
            values: dict[str, NodeValue] = {
                n: int(space[n]) if n in space else "*"  # type: ignore[misc]
                for n in self.network.node_names
            }
            found.append((values, attractor))
        return found

    def _local(self, wanted: Sequence[Values]) -> list[tuple[dict[str, NodeValue], Any]]:
        """The attractors searched each within its own enclosing subspace (much smaller than
        the space): fixed points directly, cyclic ones among the terminal SCCs there that no
        transition leaves."""
        found: list[tuple[dict[str, NodeValue], Any]] = []
        seen: set[tuple[tuple[str, NodeValue], ...]] = set()
        for v in wanted:
            key = tuple(sorted(v.items()))
            if key in seen:
                continue
            seen.add(key)
            within = self.graph.mk_subspace({n: bool(x) for n, x in v.items() if x != "*"})
            found += [f for f in self._found(within.intersect(self.space), check=True)
                      if f[0] == dict(v)]  # fmt: skip
        return found

    def weak(self, attractor: Any) -> Any:
        return ba.Reachability.backward_superset(self.config, attractor).intersect(self.space)

    def with_fixed(self, states: Any) -> Any:
        """``states`` with the fixed nodes set to their values (an existential projection)."""
        if not self.fixed:
            return states
        ctx = self.graph.symbolic_context()
        bdd = states.to_bdd()
        bdd = bdd.r_exists([ctx.find_network_bdd_variable(n) for n in self.fixed])
        return ba.ColoredVertexSet(ctx, bdd).intersect(self.space)


MAX_REFERENCE_STATES = 100_000
"""The reduced computation enumerates the reference's attractor states up to this many."""


class _Fallback(Exception):
    """The reduced computation does not apply: compute on the whole network."""


def _core(network: BooleanNetwork, fixed: Mapping[str, bool]) -> tuple[BooleanNetwork, int]:
    """The network of the free nodes with the fixed values substituted, without the nodes
    that no other free node reads (peeled repeatedly, :func:`._aeon.downstream_order`), and
    the number of nodes peeled."""
    from ..expressions import simplify, substitute
    from ._aeon import downstream_order

    consts = {k: bool(v) for k, v in fixed.items()}
    free = [n for n in network.node_names if n not in consts]
    rules = {n: simplify(substitute(network.rules[n].expression, consts)) for n in free}
    substituted = BooleanNetwork.create(network.name, rules)
    peeled = set(downstream_order(substituted))
    kept = {n: rules[n] for n in free if n not in peeled}
    if not kept:
        raise _Fallback
    return BooleanNetwork.create(network.name, kept), len(peeled)


def _reference_states(reference: Reference, fixed: Mapping[str, bool]) -> set[tuple[bool, ...]]:
    """The distinct initial states (reference attractor states, fixed nodes set), in the
    network's node order; :class:`_Fallback` when there are too many to enumerate."""
    r = _Async(reference.network, reference.fixed)
    sets = r.attractor_sets(reference.attractors)
    if sum(int(x.cardinality()) for x in sets) > MAX_REFERENCE_STATES:
        raise _Fallback
    names = reference.network.node_names
    out: set[tuple[bool, ...]] = set()
    for x in sets:
        for m in x.vertices().items():
            state = m.to_named_dict()
            out.add(tuple(bool(fixed.get(n, state[n])) for n in names))
    return out


def _asynchronous(
    network: BooleanNetwork,
    fixed: Mapping[str, bool],
    attractors: Sequence[Values],
    groups: Sequence[Sequence[int]],
    reference: Reference | None,
) -> BasinCounts:
    """Exact reductions first (fixed nodes substituted, read-by-nobody nodes peeled), the whole
    network where they do not apply."""
    try:
        return _asynchronous_core(network, fixed, attractors, groups, reference)
    except _Fallback:
        pass
    except Exception:  # e.g. AEON refusing a substituted rule: the whole network is exact too
        logging.getLogger(__name__).debug("reduced basin computation failed", exc_info=True)
    return _asynchronous_full(network, fixed, attractors, groups, reference)


def _asynchronous_core(
    network: BooleanNetwork,
    fixed: Mapping[str, bool],
    attractors: Sequence[Values],
    groups: Sequence[Sequence[int]],
    reference: Reference | None,
) -> BasinCounts:
    """Basins on the core. A state reaches an attractor exactly when its core part reaches the
    attractor's core part in the core network: the core evolves on its own (no core node reads
    a peeled one), and each core attractor has one attractor of the whole network above it,
    reachable from every state over it. So each count is the core's times ``2 ** peeled``."""
    core, peeled = _core(network, fixed)
    scale = 2**peeled
    g = _Async(core, {})
    names = core.node_names
    sets = g.attractor_sets([{n: a[n] for n in names} for a in attractors])
    weak = [g.weak(x) for x in sets]

    def initial() -> tuple[int, Within]:
        assert reference is not None
        states = _reference_states(reference, fixed)
        position = {n: i for i, n in enumerate(network.node_names)}
        by_core: dict[tuple[bool, ...], int] = {}
        for state in states:
            key = tuple(state[position[n]] for n in names)
            by_core[key] = by_core.get(key, 0) + 1
        cells = [
            (g.graph.mk_subspace(dict(zip(names, key, strict=True))), k)
            for key, k in by_core.items()
        ]

        def within(sets_: Sequence[Any]) -> tuple[int, ...]:
            return tuple(
                sum(k for cell, k in cells if not cell.intersect(x).is_empty()) for x in sets_
            )

        return len(states), within

    algebra = _aeon_algebra(g.graph.mk_empty_colored_vertices(), scale)
    states = 2 ** len(g.active) * scale
    return _tally(weak, groups, algebra, states, None if reference is None else initial)


def _transfer(sets: Sequence[Any], source: _Async, target: _Async) -> Any:
    """The union of ``sets`` (vertex sets of ``source``'s graph) as a set of ``target``'s graph.

    The two graphs may order their BDD variables differently (AEON's order follows the rules,
    which a perturbation changes), so AEON's ``transfer_from`` refuses them as incompatible:
    each set goes over as the subspaces of its BDD's paths, named by network variable.
    """
    context = source.graph.symbolic_context()
    out = target.graph.mk_empty_colored_vertices()
    for x in sets:
        for clause in x.vertices().to_bdd().clause_iterator():
            named: dict[str, bool] = {}
            for bdd_variable, value in clause.to_dict().items():
                variable = context.find_network_variable(bdd_variable)
                if variable is None:  # a parameter: our networks have none
                    raise EngineError(f"{source.network.name} has parameters, not a network")
                named[context.get_network_variable_name(variable)] = bool(value)
            out = out.union(target.graph.mk_subspace(named))
    return out


def _asynchronous_full(
    network: BooleanNetwork,
    fixed: Mapping[str, bool],
    attractors: Sequence[Values],
    groups: Sequence[Sequence[int]],
    reference: Reference | None,
) -> BasinCounts:
    g = _Async(network, fixed)
    sets = g.attractor_sets(attractors)
    weak = [g.weak(s) for s in sets]
    empty = g.graph.mk_empty_colored_vertices()

    def initial() -> tuple[int, Within]:
        assert reference is not None
        r = _Async(reference.network, reference.fixed)
        held = g.with_fixed(_transfer(r.attractor_sets(reference.attractors), r, g))

        def within(sets_: Sequence[Any]) -> tuple[int, ...]:
            return tuple(int(held.intersect(s).cardinality()) for s in sets_)

        return int(held.cardinality()), within

    states = 2 ** len(g.active)
    return _tally(
        weak, groups, _aeon_algebra(empty), states, None if reference is None else initial
    )


# ---- synchronous -----------------------------------------------------------------------------
class _Sync:
    """Transition relations ``y = f(x)`` of networks over the same nodes, on one BDD set."""

    def __init__(self, nodes: Sequence[str]) -> None:
        self.nodes = tuple(nodes)
        names: list[str] = []
        for n in self.nodes:
            names += [f"x__{n}", f"y__{n}"]
        self.vars = ba.BddVariableSet(names)
        index = {self.vars.get_variable_name(v): v for v in self.vars.variable_ids()}
        self.x = {n: index[f"x__{n}"] for n in self.nodes}
        self.y = {n: index[f"y__{n}"] for n in self.nodes}
        self.x_list = [self.x[n] for n in self.nodes]
        self.y_list = [self.y[n] for n in self.nodes]
        self.to_y = [(self.x[n], self.y[n]) for n in self.nodes]
        self.to_x = [(self.y[n], self.x[n]) for n in self.nodes]

    def _build(self, expr: Expr) -> ba.Bdd:
        if isinstance(expr, Const):
            return self.vars.mk_const(expr[1])
        if isinstance(expr, Var):
            return self.vars.mk_literal(self.x[expr[1]], True)
        if isinstance(expr, Not):
            return self._build(expr[1]).l_not()
        parts = [self._build(e) for e in expr[1]]
        acc = parts[0]
        for p in parts[1:]:
            acc = acc.l_and(p) if isinstance(expr, And) else acc.l_or(p)
        return acc

    def relation(self, network: BooleanNetwork) -> ba.Bdd:
        rel = self.vars.mk_true()
        for n in self.nodes:
            target = self.vars.mk_literal(self.y[n], True)
            rel = rel.l_and(target.l_iff(self._build(network.rules[n].expression)))
        return rel

    def space(self, fixed: Mapping[str, bool]) -> ba.Bdd:
        if not fixed:
            return self.vars.mk_true()
        return self.vars.mk_conjunctive_clause({self.x[n]: bool(v) for n, v in fixed.items()})

    def image(self, rel: ba.Bdd, states: ba.Bdd) -> ba.Bdd:
        return states.l_and(rel).r_exists(self.x_list).rename(self.to_x)

    def preimage(self, rel: ba.Bdd, states: ba.Bdd) -> ba.Bdd:
        return states.rename(self.to_y).l_and(rel).r_exists(self.y_list)

    def count(self, states: ba.Bdd) -> int:
        """States of a set over the x variables (the y variables are free in its BDD)."""
        return int(states.cardinality()) >> len(self.nodes)

    def cycles(
        self, network: BooleanNetwork, rel: ba.Bdd, space: ba.Bdd
    ) -> list[tuple[dict[str, NodeValue], ba.Bdd]]:
        """Every cycle of the update map in ``space``: (values, its states)."""
        recurrent = space
        while True:
            nxt = self.image(rel, recurrent)
            if nxt.semantic_eq(recurrent):
                break
            recurrent = nxt
        exprs = {n: network.rules[n].expression for n in self.nodes}
        out = []
        while not recurrent.is_false():
            valuation = recurrent.valuation_first()
            start = {n: bool(valuation[self.x[n]]) for n in self.nodes}
            cycle = [start]
            state = {n: evaluate(exprs[n], start) for n in self.nodes}
            while state != start:
                cycle.append(state)
                state = {n: evaluate(exprs[n], state) for n in self.nodes}
            states = self.vars.mk_false()
            for s in cycle:
                states = states.l_or(
                    self.vars.mk_conjunctive_clause({self.x[n]: s[n] for n in self.nodes})
                )
            values: dict[str, NodeValue] = {}
            for n in self.nodes:
                seen = {s[n] for s in cycle}
                values[n] = "*" if len(seen) == 2 else int(seen.pop())  # type: ignore[assignment]
            out.append((values, states))
            recurrent = recurrent.l_and_not(states)
        return out

    def basin(self, rel: ba.Bdd, states: ba.Bdd) -> ba.Bdd:
        acc = states
        while True:
            nxt = acc.l_or(self.preimage(rel, acc))
            if nxt.semantic_eq(acc):
                return acc
            acc = nxt


def _synchronous(
    network: BooleanNetwork,
    fixed: Mapping[str, bool],
    attractors: Sequence[Values],
    groups: Sequence[Sequence[int]],
    reference: Reference | None,
) -> BasinCounts:
    s = _Sync(network.node_names)
    rel = s.relation(network)
    space = s.space(fixed)
    sets = _match(attractors, s.cycles(network, rel, space), network.name)
    weak = [s.basin(rel, a).l_and(space) for a in sets]
    empty = s.vars.mk_false()

    def initial() -> tuple[int, Within]:
        assert reference is not None
        ref_rel = s.relation(reference.network)
        ref_space = s.space(reference.fixed)
        initial_set = empty
        for _, states in s.cycles(reference.network, ref_rel, ref_space):
            initial_set = initial_set.l_or(states)
        if fixed:
            initial_set = initial_set.r_exists([s.x[n] for n in fixed]).l_and(space)

        def within(sets_: Sequence[Any]) -> tuple[int, ...]:
            return tuple(s.count(initial_set.l_and(b)) for b in sets_)

        return s.count(initial_set), within

    algebra = _SetAlgebra(lambda a, b: a.l_or(b), lambda a, b: a.l_and_not(b), s.count, empty)
    free = len(network.node_names) - len(fixed)
    return _tally(weak, groups, algebra, 2**free, None if reference is None else initial)


def attractor_states(
    network: BooleanNetwork,
    fixed: Mapping[str, bool],
    attractors: Sequence[Values],
    limit: int,
) -> list[dict[str, bool]]:
    """Every state of the asynchronous ``attractors`` of ``network`` (in its space with
    ``fixed`` held), in attractor order.

    Raises
    ------
    ValueError
        If they hold more than ``limit`` states.
    """
    with _quiet():
        g = _Async(network, fixed)
        sets = g.attractor_sets(attractors)
        total = sum(int(s.cardinality()) for s in sets)
        if total > limit:
            raise ValueError(
                f"the attractors of {network.name} hold {total} states, over the limit of {limit}"
            )
        out: list[dict[str, bool]] = []
        for s in sets:
            out += [dict(m.to_named_dict()) for m in s.vertices().items()]
    return out


# ---- entry points ----------------------------------------------------------------------------
def basin_counts(
    network: BooleanNetwork,
    semantics: str,
    fixed: Mapping[str, bool],
    attractors: Sequence[Values],
    *,
    groups: Sequence[Sequence[int]] = (),
    reference: Reference | None = None,
) -> BasinCounts:
    """Exact basin counts of ``attractors`` (every attractor of ``network``) in the space
    where the ``fixed`` nodes hold their values.

    Parameters
    ----------
    network : BooleanNetwork
        The perturbed network (its fixed nodes have constant rules).
    semantics : {"asynchronous", "synchronous"}
        The update semantics.
    fixed : mapping of str to bool
        The nodes held (the perturbations' effects).
    attractors : sequence of mappings
        Every attractor of the network in that space (values 0, 1, ``"*"``), as the attractor
        search found them; the counts come in this order.
    groups : sequence of sequences of int, optional
        Groups of attractor indices (e.g. by phenotype) to count basins of.
    reference : Reference, optional
        The initial states whose basins are counted too.

    Returns
    -------
    BasinCounts

    Raises
    ------
    ValueError
        For most-permissive or unknown semantics, or a reference with other nodes.
    EngineError
        The attractors given are not those of the network.
    """
    if semantics not in BASIN_SEMANTICS:
        raise ValueError(
            f"basins are computed under {' and '.join(BASIN_SEMANTICS)} semantics, not "
            f"{semantics!r}"
        )
    _check_nodes(network, reference)
    with _quiet():
        if semantics == "asynchronous":
            return _asynchronous(network, fixed, attractors, groups, reference)
        return _synchronous(network, fixed, attractors, groups, reference)


def encode_basin_job(
    network: BooleanNetwork,
    semantics: str,
    fixed: Mapping[str, bool],
    attractors: Sequence[Values],
    *,
    groups: Sequence[Sequence[int]] = (),
    reference: Reference | None = None,
) -> bytes:
    """:func:`basin_counts` as a JSON job for a budgeted worker (``kind: "basins"``)."""
    job: dict[str, Any] = {
        "kind": "basins",
        "network": network_to_dict(network, metadata=False),
        "semantics": semantics,
        "fixed": {k: bool(v) for k, v in fixed.items()},
        "attractors": [dict(a) for a in attractors],
        "groups": [list(g) for g in groups],
        "reference": None,
    }
    if reference is not None:
        job["reference"] = {
            "network": network_to_dict(reference.network, metadata=False),
            "fixed": {k: bool(v) for k, v in reference.fixed.items()},
            "attractors": [dict(a) for a in reference.attractors],
        }
    return json.dumps(job, separators=(",", ":")).encode("utf-8")


def _values(items: Any) -> list[dict[str, NodeValue]]:
    if not isinstance(items, list):
        raise ValueError("a basin job needs a list of attractors")
    out = []
    for item in items:
        if not isinstance(item, dict) or not all(v in (0, 1, "*") for v in item.values()):
            raise ValueError("a malformed attractor in a basin job")
        out.append(item)
    return out


def _fixed(data: Any) -> dict[str, bool]:
    if not isinstance(data, dict) or not all(isinstance(v, bool) for v in data.values()):
        raise ValueError("a malformed fixed-node map in a basin job")
    return data


def run_basin_job(job: Mapping[str, Any]) -> dict[str, Any]:
    """Worker side of :func:`encode_basin_job`: the JSON-ready reply."""
    ref = job.get("reference")
    reference = None
    if ref is not None:
        reference = Reference(
            network_from_dict(ref["network"]), _fixed(ref["fixed"]), _values(ref["attractors"])
        )
    groups = job.get("groups", [])
    if not isinstance(groups, list) or not all(
        isinstance(g, list) and all(isinstance(i, int) for i in g) for g in groups
    ):
        raise ValueError("malformed groups in a basin job")
    counts = basin_counts(
        network_from_dict(job["network"]),
        str(job["semantics"]),
        _fixed(job["fixed"]),
        _values(job["attractors"]),
        groups=groups,
        reference=reference,
    )
    return {"status": "ok", "basins": counts.to_json()}


__all__ = [
    "BASIN_SEMANTICS",
    "REFERENCE_KINDS",
    "BasinCounts",
    "Reference",
    "attractor_states",
    "basin_counts",
    "encode_basin_job",
    "run_basin_job",
]
