"""Constant percolation (attractors._reduce) against a naive fixed point: substitute every
constant into every rule and simplify, until nothing changes; on small random networks with
fixed nodes (Hypothesis), with the rule caches cold, warm and overflowing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from mtor_network import BooleanNetwork, load_network
from mtor_network.attractors import _reduce
from mtor_network.expressions import simplify, substitute
from mtor_network.perturbations import scenario
from test_properties import FAST, networks


def naive(network: BooleanNetwork, fixed: dict[str, bool]) -> tuple[dict[str, bool], dict]:
    """The constants and the remaining rules, by brute-force rounds over every rule."""
    constants = dict(fixed)
    exprs = {n: network.rules[n].expression for n in network.node_names if n not in constants}
    while True:
        changed = False
        for name in list(exprs):
            reduced = simplify(substitute(exprs[name], constants))
            if reduced[0] == "const":
                constants[name] = bool(reduced[1])
                del exprs[name]
                changed = True
            elif reduced != exprs[name]:
                exprs[name] = reduced
                changed = True
        if not changed:
            return constants, exprs


def check(network: BooleanNetwork, fixed: dict[str, bool]) -> None:
    constants, reduced = _reduce.percolate(network, fixed)
    want_constants, want_rules = naive(network, fixed)
    assert constants == want_constants
    if reduced is None:
        assert want_rules == {}
        return
    assert reduced.node_names == tuple(want_rules)
    assert {n: r.expression for n, r in reduced.rules.items()} == want_rules


@st.composite
def settings(draw: st.DrawFn) -> tuple[BooleanNetwork, dict[str, bool]]:
    network = draw(networks())
    chosen = draw(st.lists(st.sampled_from(network.node_names), max_size=3, unique=True))
    return network, {n: draw(st.booleans()) for n in chosen}


@hypothesis_settings(FAST, max_examples=50)
@given(setting=settings())
def test_percolation_matches_naive_fixed_point(setting) -> None:
    network, fixed = setting
    check(network, fixed)  # caches as the earlier examples left them
    check(network, fixed)  # warm: every rule of this network remembered


def test_percolation_with_overflowing_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Caches emptied at every new rule still give the naive answer (flagship settings).
    They start empty: caches that earlier tests filled with the flagship's rules would answer
    every lookup and never overflow."""
    monkeypatch.setattr(_reduce, "CACHED_RULES", 1)
    monkeypatch.setattr(_reduce, "_VARIABLES", {})
    monkeypatch.setattr(_reduce, "_SIMPLIFIED", {})
    net = load_network("hr_breast_cancer")
    for kw in ({}, {"knockouts": ["EGFR"]}, {"drugs": ["tamoxifen"], "genotypes": ["pten_loss"]}):
        perturbed = net.perturb(*scenario(net, **kw)) if kw else net
        check(perturbed, {})
        assert len(_reduce._VARIABLES) <= 1 and len(_reduce._SIMPLIFIED) <= 1


def test_cached_rules_do_not_leak_between_settings() -> None:
    """The same rule object under different constants: each call substitutes its own."""
    a = BooleanNetwork.create("a", {"x": "x", "y": "x & z", "z": "z"})
    assert _reduce.percolate(a, {"x": True})[1].rules["y"].expression == ("var", "z")
    assert _reduce.percolate(a, {"x": False})[0] == {"x": False, "y": False}
    assert _reduce.percolate(a, {"z": True})[1].rules["y"].expression == ("var", "x")
