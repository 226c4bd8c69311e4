"""Most-permissive attractors (minimal trap spaces) with mpbn (clingo ASP).

mpbn is the optional extra ``mpbn`` (it brings scipy, pandas and colomoto-jupyter); the default
engine is biobalm's Trappist core (``_trappist``).

mpbn's default encoding (``mixed-dnf-bdd``) needs every function as a DNF: unate functions are
encoded by their clauses alone, the others by their clauses (for the value 1) and their BDD (for
0). Given rule text, mpbn parses it with boolean.py and computes each DNF with AEON's optimised
``Bdd.to_dnf``; on BBM 075 (47 nodes) that took 45 ms of a 85 ms query (13 ms on one rule, whose
unoptimised DNF has 2,712 clauses), more than the search itself. Here the DNFs are given to mpbn
ready (:func:`dnf`, ``auto_dnf=False``): the rule is expanded (distributed, contradictory
terms dropped, absorbed terms removed), which for a rule whose literals are each of one sign
after the expansion gives exactly its prime implicants, the unique minimal DNF of a unate
function; a rule whose expansion is not unate or grows past :data:`DNF_TERMS` terms gets AEON's
optimised DNF, as mpbn would give it. Either way each DNF is equivalent to the rule, and mpbn
reads the same encoding as from text.
"""

from __future__ import annotations

from typing import Any

from .._optional import require
from ..expressions import and_, const, fold, not_, or_, to_bdd, var
from ..network import BooleanNetwork
from ..types import Expr, NodeValue
from ._aeon import RawAttractor

Literal = tuple[str, bool]
Term = frozenset[Literal]
Dnf = frozenset[Term]

DNF_TERMS = 512
"""Most terms an expansion keeps at any step before the rule goes to AEON's optimised DNF."""


def most_permissive(network: BooleanNetwork) -> list[RawAttractor]:
    """Every minimal trap space of ``network``: the attractors of most-permissive semantics."""
    nodes = network.node_names
    mpbn = require("mpbn", extra="mpbn", what="engine='mpbn'")
    mp = mpbn.MPBooleanNetwork(auto_dnf=False)
    context = None
    for node in nodes:
        expr = network.rules[node].expression
        terms = dnf(expr)
        if terms is None:
            if context is None:
                import biodivine_aeon as ba

                context = ba.BddVariableSet(list(nodes))
            terms = aeon_dnf(context, expr)
        mp[node] = _boolean_py(mp.ba, terms)
    out: list[RawAttractor] = []
    for space in mp.attractors():
        values: dict[str, NodeValue] = {n: space[n] if space[n] != "*" else "*" for n in nodes}
        free = sum(1 for v in values.values() if v == "*")
        out.append((values, 2**free))
    return out


def dnf(expr: Expr) -> Dnf | None:
    """The expansion of ``expr`` into a DNF (sets of literals ``(name, value)``), every
    contradictory or absorbed term removed, when its literals are each of one sign (then it
    is the set of prime implicants); None when it is not, or has more than
    :data:`DNF_TERMS` terms at some step.

    Parameters
    ----------
    expr : Expr
        A rule's expression.

    Returns
    -------
    frozenset of frozenset of (str, bool), or None
        The terms; the empty set is false, a set holding the empty term is true.
    """
    positive, _ = fold(
        expr,
        var=lambda name: (var(name), not_(var(name))),
        const=lambda value: (const(value), const(not value)),
        not_=lambda pair: (pair[1], pair[0]),
        nary=lambda op, pairs: (
            (and_ if op == "and" else or_)((p for p, _ in pairs), flatten=True),
            (or_ if op == "and" else and_)((n for _, n in pairs), flatten=True),
        ),
    )  # the negation normal form: ``not`` only on variables
    terms: Dnf | None = fold(
        positive,
        var=lambda name: frozenset((frozenset(((name, True),)),)),
        const=lambda value: frozenset((frozenset(),)) if value else frozenset(),
        not_=_negated_literal,
        nary=lambda op, parts: _product(parts) if op == "and" else _union(parts),
    )
    if terms is None:
        return None
    signs: dict[str, bool] = {}
    for term in terms:
        for name, value in term:
            if signs.setdefault(name, value) != value:
                return None
    return terms


def _negated_literal(terms: Dnf | None) -> Dnf | None:
    """The negation of a variable's DNF (in negation normal form nothing else is negated)."""
    assert terms is not None and len(terms) == 1  # a variable: one term of one literal
    ((name, value),) = next(iter(terms))
    return frozenset((frozenset(((name, not value),)),))


def _union(parts: list[Dnf | None]) -> Dnf | None:
    if any(p is None for p in parts):
        return None
    terms: set[Term] = set()
    for part in parts:
        terms.update(part)  # type: ignore[arg-type]
    return _absorbed(terms)


def _product(parts: list[Dnf | None]) -> Dnf | None:
    if any(p is None for p in parts):
        return None
    acc: set[Term] = {frozenset()}
    for part in sorted(parts, key=len):  # type: ignore[arg-type]
        if not part:
            return frozenset()
        if len(acc) * len(part) > DNF_TERMS * 4:
            return None
        grown: set[Term] = set()
        for a in acc:
            for b in part:
                term = a | b
                if not any((name, not value) in term for name, value in b):
                    grown.add(term)
        found = _absorbed(grown)
        if found is None:
            return None
        acc = set(found)
    return frozenset(acc)


def _absorbed(terms: set[Term]) -> Dnf | None:
    """``terms`` without those that contain another; None past :data:`DNF_TERMS`."""
    kept: list[Term] = []
    for term in sorted(terms, key=len):
        if not any(k <= term for k in kept):
            kept.append(term)
            if len(kept) > DNF_TERMS:
                return None
    return frozenset(kept)


def aeon_dnf(context: Any, expr: Expr) -> Dnf:
    """AEON's optimised DNF of ``expr`` (``Bdd.to_dnf``, the one mpbn computes from text)
    over the ``BddVariableSet`` ``context`` holding every variable it reads."""
    bdd = to_bdd(expr, context)
    if bdd.is_false():
        return frozenset()
    if bdd.is_true():
        return frozenset((frozenset(),))
    return frozenset(
        frozenset((context.get_variable_name(v), bool(value)) for v, value in clause.items())
        for clause in bdd.to_dnf(optimize=True)
    )


def _boolean_py(ba: Any, terms: Dnf) -> Any:
    """``terms`` as the boolean.py expression mpbn reads: an ``OR`` of ``AND`` s of literals,
    one operand left bare, ``TRUE``/``FALSE`` for the constants; sorted, so deterministic."""
    if not terms:
        return ba.FALSE
    if frozenset() in terms:
        return ba.TRUE
    clauses = []
    for term in sorted(sorted(t) for t in terms):
        literals = [ba.Symbol(n) if v else ba.NOT(ba.Symbol(n)) for n, v in term]
        clauses.append(literals[0] if len(literals) == 1 else ba.AND(*literals))
    return clauses[0] if len(clauses) == 1 else ba.OR(*clauses)


__all__ = ["DNF_TERMS", "aeon_dnf", "dnf", "most_permissive"]
