"""Downstream peeling (``_aeon.asynchronous``): core attractors too large to list are extended
over the peeled nodes on AEON's vertex sets, with the same answer as AEON's whole search."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from mtor_network import BooleanNetwork
from mtor_network.attractors import _aeon
from mtor_network.attractors._reduce import percolate


def _with_readers(n: int, seed: int, *, free_input: bool) -> BooleanNetwork:
    """A random 2-regulator network of ``n`` nodes, a chain of 4 nodes reading it (peeled
    downstream) and optionally a free input read by the first node."""
    rng = random.Random(seed)
    names = [f"x{i}" for i in range(n)]
    rules: dict[str, str] = {}
    for name in names:
        a, b = rng.sample([m for m in names if m != name], 2)
        a = a if rng.random() < 0.5 else f"!{a}"
        rules[name] = f"{a} | {b}" if rng.random() < 0.5 else f"{a} & !{b}"
    if free_input:
        rules["u"] = "u"
        rules["x0"] = f"({rules['x0']}) & u | !u & !x0"
    for i in range(4):
        rules[f"d{i}"] = f"{'!' if i % 2 else ''}x{i % n} & {f'd{i - 1}' if i else 'x1'}"
    return BooleanNetwork.create(f"readers_{seed}", rules)


def _counted(found: list[_aeon.RawAttractor]) -> Counter:
    return Counter((tuple(sorted((k, str(v)) for k, v in values.items())), size)
                   for values, size in found)  # fmt: skip


def test_symbolic_extension_equals_aeons_whole_search() -> None:
    tested = 0
    for seed in range(80):
        target = percolate(_with_readers(6 + seed % 8, seed, free_input=False))[1]
        if target is None:
            continue
        peeled = _aeon.downstream_order(target)
        if not peeled:
            continue
        core = BooleanNetwork.create(
            "core", {n: target.rules[n].expression for n in target.node_names if n not in peeled}
        )
        assert _counted(_aeon._extended_symbolically(target, core, peeled)) == _counted(
            _aeon._asynchronous(target)
        ), seed
        tested += 1
    assert tested >= 40


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_peeling_past_the_listing_limit_equals_aeons_whole_search(monkeypatch, seed) -> None:
    """With a free input the SCC decomposition is skipped and peeling runs; a listing limit
    of 0 sends every core attractor to the symbolic extension."""
    monkeypatch.setattr(_aeon, "MAX_CORE_STATES", 0)
    target = percolate(_with_readers(10, seed, free_input=True))[1]
    assert target is not None and _aeon.downstream_order(target)
    assert _counted(_aeon.asynchronous(target)) == _counted(_aeon._asynchronous(target))
