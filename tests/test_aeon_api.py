"""The AEON engines get their network through biodivine-aeon's API, never through text (issue 15
item 3 and its follow-up): every update function AEON builds equals our rule, a node named
``Targets`` is an ordinary node, and a rule of 100,000 operators (which AEON's recursive parser
and tree code could not take from text on the main thread's stack) gets its attractors. Results
are compared with AEON's own reading of AEON text written here by hand."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import textwrap
from typing import Any

import biodivine_aeon as ba
import pytest

from mtor_network import BooleanNetwork, find_attractors
from mtor_network.attractors import _aeon
from mtor_network.expressions import and_, not_, or_, to_bdd, to_string, var
from mtor_network.types import Expr


def _random_expr(rng: random.Random, names: list[str], depth: int) -> Expr:
    if depth == 0 or rng.random() < 0.2:
        roll = rng.random()
        if roll < 0.05:
            return ("const", rng.random() < 0.5)  # type: ignore[return-value]
        return var(rng.choice(names))
    kind = rng.choice(["and", "or", "not"])
    if kind == "not":
        return not_(_random_expr(rng, names, depth - 1))
    width = rng.choice([2, 3, 4, 32, 33, 70] if depth == 3 else [2, 3, 4])  # chains of JOIN
    items = [_random_expr(rng, names, depth - 1) for _ in range(width)]
    return and_(items) if kind == "and" else or_(items)


def _aeon_bdd(bn: ba.BooleanNetwork, target: str) -> Any:
    ctx = ba.SymbolicContext(bn)
    function = bn.get_update_function(target)
    assert function is not None
    return ctx, ctx.mk_update_function(function)


def test_every_function_aeon_builds_equals_our_rule() -> None:
    rng = random.Random(15)
    names = ["A", "B", "C", "D", "E", "Targets"]
    for _ in range(40):
        rules = {n: _random_expr(rng, names, 3) for n in names}
        network = BooleanNetwork.create("random", rules)
        bn = _aeon.to_aeon(network)
        assert bn.variable_names() == _aeon.variable_order(network)
        for n in names:
            ctx, theirs = _aeon_bdd(bn, n)
            ours = to_bdd(network.rules[n].expression, ctx.bdd_variable_set())
            assert theirs.semantic_eq(ours), (n, to_string(network.rules[n].expression))


def test_constants_and_wide_junctions_are_built_exactly() -> None:
    wide = [var(f"x{i}") for i in range(1025)]
    rules: dict[str, Expr] = {
        "T": ("const", True),  # type: ignore[dict-item]
        "F": ("const", False),  # type: ignore[dict-item]
        "W": and_(wide),
        "V": or_([not_(x) for x in wide]),
        **{f"x{i}": var(f"x{i}") for i in range(1025)},
    }
    network = BooleanNetwork.create("wide", rules)
    bn = _aeon.to_aeon(network)
    for n in ("T", "F", "W", "V"):
        ctx, theirs = _aeon_bdd(bn, n)
        assert theirs.semantic_eq(to_bdd(network.rules[n].expression, ctx.bdd_variable_set()))
    # the tree is shallow (chains of chains), well within the calling thread's stack
    assert _aeon.aeon_depth(network) < 100


def test_variables_come_node_by_node_then_in_order_of_appearance() -> None:
    network = BooleanNetwork.from_rules({"Z": "M & A | Z", "A": "Q", "M": "A", "Q": "Q"})
    assert _aeon.variable_order(network) == ["Z", "M", "A", "Q"]
    assert _aeon.to_aeon(network).variable_names() == ["Z", "M", "A", "Q"]
    # regulations are declared without signs or essentiality: AEON accepts any function
    regulations = _aeon.to_aeon(network).regulation_strings()
    assert sorted(regulations) == sorted(
        ["M -?? Z", "A -?? Z", "Z -?? Z", "Q -?? A", "A -?? M", "Q -?? Q"]
    )


def _aeon_attractors(aeon_text: str) -> list[tuple[dict[str, int | str], int]]:
    """Asynchronous attractors by AEON's own reading of ``aeon_text``: (subspace, size)."""
    bn = ba.BooleanNetwork.from_aeon(aeon_text)
    graph = ba.AsynchronousGraph(bn)
    out = []
    for attractor in ba.Attractors.attractors(graph):
        vertices = attractor.vertices()
        space = vertices.enclosing_subspace()
        assert space is not None
        fixed = {graph.get_network_variable_name(v): int(b) for v, b in space.items()}
        values = {n: fixed.get(n, "*") for n in bn.variable_names()}
        out.append((values, int(vertices.cardinality())))
    return sorted(out, key=lambda p: json.dumps(p, sort_keys=True))


def _aeon_trap_spaces(aeon_text: str) -> list[dict[str, int | str]]:
    bn = ba.BooleanNetwork.from_aeon(aeon_text)
    ctx = ba.SymbolicSpaceContext(bn)
    spaces = ba.TrapSpaces.minimal_symbolic(ctx, ba.AsynchronousGraph(bn, ctx))
    out = []
    for space in spaces.spaces().items():
        out.append(
            {n: "*" if space[n] is None else int(bool(space[n])) for n in bn.variable_names()}
        )
    return sorted(out, key=lambda d: json.dumps(d, sort_keys=True))


def _sorted(raw: list[Any]) -> list[Any]:
    return sorted(
        ((dict(values), size) for values, size in raw), key=lambda p: json.dumps(p, sort_keys=True)
    )


TARGETS_AEON = """
Targets -> A
A -> Targets
Targets -> B
B -> B
$A: Targets
$Targets: A
$B: Targets | B
"""


def test_a_node_named_targets_gets_the_attractors_aeon_finds() -> None:
    network = BooleanNetwork.from_rules({"A": "Targets", "Targets": "A", "B": "Targets | B"})
    theirs = _aeon_attractors(TARGETS_AEON)
    codes = sorted("".join(str(v[n]) for n in ("A", "Targets", "B")) for v, _ in theirs)
    assert codes == ["000", "001", "111"]  # the three fixed points (issue 15 item 3)
    assert _sorted(_aeon._asynchronous(network)) == theirs
    assert _sorted(_aeon.asynchronous(network)) == theirs
    trap = [values for values, _ in _sorted(_aeon.minimal_trap_spaces(network))]
    assert trap == _aeon_trap_spaces(TARGETS_AEON)
    found = find_attractors(network, "asynchronous", engine="aeon", percolate=False)
    assert sorted(a.code() for a in found.attractors) == ["000", "001", "111"]


_CHILD = textwrap.dedent(
    """
    import json, sys
    from mtor_network import BooleanNetwork
    from mtor_network.attractors import _aeon
    from mtor_network.types import And, Not, Or, Var

    A, B, C, T = Var("A"), Var("B"), Var("C"), Var("Targets")
    kind, size = sys.argv[1], int(sys.argv[2])
    if kind == "wide":  # A & !!A | ... | B & C: 4 operators a term
        rule = Or(tuple([And((A, Not(Not(A))))] * size + [And((B, C))]))
    else:  # A & ... & A & (B | ... | B | (A & ... (B | C))): 33 operands a junction
        rule = Or((B, C))
        for _ in range(size):
            rule = And((A,) * 32 + (Or((B,) * 32 + (rule,)),))
    net = BooleanNetwork.create(
        "big", {"A": T, "Targets": rule, "B": Or((T, B)), "C": And((T, C))}
    )
    out = {
        "depth": _aeon.aeon_depth(net),
        "asynchronous": _aeon.asynchronous(net),
        "trap_spaces": [v for v, _ in _aeon.minimal_trap_spaces(net)],
    }
    print(json.dumps(out))
    """
)

BIG_AEON = """
Targets -> A
A -> Targets
B -> Targets
C -> Targets
Targets -> B
B -> B
Targets -> C
C -> C
$A: Targets
$Targets: {rule}
$B: Targets | B
$C: Targets & C
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("kind", "size", "small"),
    [("wide", 25_000, "A | B & C"), ("deep", 40, "A & (B | C)")],
    ids=["100000-operators", "2500-levels-deep"],
)
def test_a_huge_rule_gets_the_attractors_aeon_finds_for_its_small_form(
    kind: str, size: int, small: str
) -> None:
    """In a child process, so that a native stack overflow fails this test instead of killing
    pytest: handed to AEON as BNet text, the wide rule (100,001 operators) killed the
    interpreter (SIGSEGV)."""
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, kind, str(size)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, f"the child died ({proc.returncode}): {proc.stderr[-2000:]}"
    out = json.loads(proc.stdout)
    A, B, C = var("A"), var("B"), var("C")
    if kind == "wide":
        rule = or_([and_([A, not_(not_(A))])] * size + [and_([B, C])])
        assert sum(to_string(rule).count(op) for op in "&|!") > 100_000
    else:
        assert out["depth"] > 2_000  # past the calling thread's native recursion (SHALLOW)
        rule = or_([B, C])
        for _ in range(size):
            rule = and_([A] * 32 + [or_([B] * 32 + [rule])])
    bdd_vars = ba.BddVariableSet(["A", "B", "C"])
    small_rule = BooleanNetwork.from_rules({"T": small, "A": "A", "B": "B", "C": "C"})
    assert to_bdd(rule, bdd_vars).semantic_eq(to_bdd(small_rule.rules["T"].expression, bdd_vars))
    aeon_text = BIG_AEON.format(rule=small)
    assert _sorted([(v, s) for v, s in out["asynchronous"]]) == _aeon_attractors(aeon_text)
    trap = sorted(out["trap_spaces"], key=lambda d: json.dumps(d, sort_keys=True))
    assert trap == _aeon_trap_spaces(aeon_text)
