"""The portfolio behind ``find_attractors(engine="auto")``: free inputs split by valuation or
searched as AEON parameters give the same attractors as AEON's plain search over the whole
state space; the rule picks by free inputs; a race keeps the first answer and stops the other.

Hypothesis properties of the strategies on small random networks are in ``test_properties.py``.
"""

from __future__ import annotations

import re
import threading
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from mtor_network import BooleanNetwork
from mtor_network._cache import ByteBoundedCache
from mtor_network.attractors import Budget, _jobs, _portfolio, clear_cache, find_attractors
from mtor_network.attractors._inputs import free_inputs
from mtor_network.attractors._reduce import percolate
from mtor_network.network import Rule

LIGANDS = ("AROMATASE", "IGF1", "INSULIN", "EGF", "FGF")


def _freed(network: BooleanNetwork, names: tuple[str, ...]) -> BooleanNetwork:
    rules = [Rule(n, ("var", n)) if n in names else network.rules[n] for n in network.node_names]
    return BooleanNetwork.create(f"{network.name}_free", rules)


def _search(
    network: BooleanNetwork,
    engine: str,
    *,
    percolate: bool = True,
    semantics: str = "asynchronous",
) -> Counter:
    found = _jobs.search(
        network,
        semantics,
        engine,
        percolate=percolate,
        max_nodes=None,
        max_attractors=None,
        memo=ByteBoundedCache(2**24),
    )
    return Counter(found.codes)


@pytest.fixture(scope="module")
def five_ligands(flagship: BooleanNetwork) -> BooleanNetwork:
    return _freed(flagship, LIGANDS)


def test_five_free_ligands_every_strategy_equals_aeons_plain_search(five_ligands) -> None:
    plain = _search(five_ligands, "aeon", percolate=False)  # one AEON search, no reduction
    assert sum(plain.values()) == 32 and all(n == 1 for n in plain.values())
    assert _search(five_ligands, "auto:valuations") == plain
    assert _search(five_ligands, "auto:colored") == plain
    clear_cache()
    result = find_attractors(five_ligands)
    assert Counter((a.code(), a.size) for a in result) == plain
    assert result.engine == "aeon"


def test_the_rule_picks_by_free_inputs(flagship: BooleanNetwork) -> None:
    fixed = percolate(flagship)[1]
    assert fixed is not None and _portfolio.choose(fixed, "asynchronous") == "plain"
    freed = percolate(_freed(flagship, LIGANDS))[1]
    assert freed is not None and len(free_inputs(freed)) == 5
    assert _portfolio.choose(freed, "asynchronous") == "valuations"
    assert _portfolio.choose(freed, "most_permissive") == "plain"  # 5 inputs: whole
    assert _portfolio.unclear(freed, "asynchronous")
    assert not _portfolio.unclear(fixed, "asynchronous")
    many = BooleanNetwork.create(
        "many_inputs",
        {
            **{f"u{i}": f"u{i}" for i in range(_portfolio.VALUATION_INPUTS + 1)},
            "out": " | ".join(f"u{i}" for i in range(_portfolio.VALUATION_INPUTS + 1)),
        },
    )
    assert _portfolio.choose(many, "asynchronous") == "colored"


def test_an_input_read_by_nobody_doubles_the_attractors() -> None:
    """AEON's inlining drops an input that influences nothing: the colored strategy puts it
    back with both values."""
    net = BooleanNetwork.create("lonely", {"a": "a", "b": "a & !c", "c": "b", "d": "d"})
    colored = _search(net, "auto:colored")
    assert colored == _search(net, "aeon", percolate=False)
    assert sum(colored.values()) == 4  # (a=0: fixed point, a=1: a cycle) x (d=0, d=1)


def test_race_keeps_the_first_answer_and_cancels_the_other() -> None:
    stopped = threading.Event()

    def run(job: bytes, stop: Any) -> dict[str, Any]:
        if job == b"fast":
            return {"status": "ok", "who": "fast"}
        while not stop():
            stopped.wait(0.01)
        stopped.set()
        raise _portfolio_cancelled()

    reply = _portfolio.race([b"slow", b"fast"], run, None)
    assert reply["who"] == "fast"
    assert stopped.is_set()  # the slow job saw its cancel hook fire and ended


def _portfolio_cancelled() -> Exception:
    from mtor_network.attractors import BudgetExceeded

    return BudgetExceeded("cancelled by the race", limit="cancel", cancelled=True)


def test_race_raises_the_real_error_when_no_job_answers() -> None:
    def run(job: bytes, stop: Any) -> dict[str, Any]:
        raise ValueError(f"no answer from {job!r}")

    with pytest.raises(ValueError, match="no answer"):
        _portfolio.race([b"a", b"b"], run, None)


def test_a_raced_budgeted_search_answers_as_in_process(monkeypatch, flagship) -> None:
    """With the choice forced unclear and a core said free, two workers race the strategies;
    the answer is the in-process one."""
    net = _freed(flagship, LIGANDS[:3])
    inline = find_attractors(net)
    monkeypatch.setattr(_portfolio, "core_free", lambda: True)
    monkeypatch.setattr(_portfolio, "unclear", lambda network, semantics: True)
    raced = find_attractors(net, budget=Budget(seconds=120))
    assert raced.attractors == inline.attractors and len(raced) == 8


# ---- the Biodivine Boolean Models corpus, small models with free inputs -------------------------
BBM_MAX_NODES = 14
BBM_MODELS = 4


def _bbm_small(shared: Path) -> list[Path]:
    """The first models of ../shared/bbm with at most BBM_MAX_NODES nodes and 1-6 free inputs
    (from the corpus README's table)."""
    readme = (shared / "bbm" / "README.md").read_text(encoding="utf-8")
    picked = []
    for match in re.finditer(r"^\| `([^`]+\.bnet)` \| (\d+) \| (\d+) \|", readme, re.M):
        name, nodes, inputs = match.group(1), int(match.group(2)), int(match.group(3))
        if nodes + inputs <= BBM_MAX_NODES and 1 <= inputs <= 6:
            picked.append(shared / "bbm" / name)
    return picked[:BBM_MODELS]


def test_bbm_models_with_free_inputs_agree_with_aeons_plain_search(shared_dir: Path) -> None:
    from mtor_network.io.bnet import parse_bnet

    paths = _bbm_small(shared_dir)
    assert len(paths) == BBM_MODELS, "the corpus README lists fewer small models than expected"
    for path in paths:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            net = parse_bnet(path.read_text(encoding="utf-8"), name=path.stem)
        assert free_inputs(net), path.name
        plain = _search(net, "aeon", percolate=False)
        for engine in ("auto", "auto:valuations", "auto:colored"):
            assert _search(net, engine) == plain, (path.name, engine)


def test_attractors_grouped_by_input_valuation(five_ligands) -> None:
    from mtor_network.attractors import group_by_inputs

    result = find_attractors(five_ligands)
    groups = group_by_inputs(five_ligands, result)
    assert len(groups) == 32 and all(len(g.attractors) == 1 for g in groups)
    assert dict(groups[0].inputs) == dict.fromkeys(LIGANDS, 0)
    assert {tuple(sorted(dict(g.inputs).items())) for g in groups} == {
        tuple(sorted((n, a[n]) for n in LIGANDS)) for a in result
    }
    assert groups[-1].to_dict()["inputs"] == dict.fromkeys(LIGANDS, 1)
    assert sum(g.to_dict()["attractors"] for g in groups) == len(result)


def test_inputs_that_leave_a_large_core_send_the_search_whole(shared_dir: Path) -> None:
    """BBM 226: with every input at 0, 64 of its 75 nodes are left, so each of the 128
    valuations is as hard as the whole and one AEON search is the pick; the race pits it
    against the colored search. A model whose inputs percolate away is split."""
    from mtor_network.io.bnet import parse_bnet

    def percolated(prefix: str) -> BooleanNetwork:
        (path,) = (shared_dir / "bbm").glob(f"{prefix}_*.bnet")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            target = percolate(parse_bnet(path.read_text(encoding="utf-8"), name=path.stem))[1]
        assert target is not None
        return target

    whole = percolated("226")
    assert len(free_inputs(whole)) == 7
    assert _portfolio.choose(whole, "asynchronous") == "plain"
    assert _portfolio.rivals(whole, "asynchronous") == ["plain", "colored"]
    split = percolated("213")
    assert _portfolio.choose(split, "asynchronous") == "valuations"
    assert _portfolio.rivals(split, "asynchronous") == ["valuations", "colored"]


# ---- most-permissive: the rule's engines give the same minimal trap spaces ------------------
def _search_mp(network: BooleanNetwork, engine: str, *, percolate: bool = True) -> Counter:
    return _search(network, engine, percolate=percolate, semantics="most_permissive")


def _bbm(shared: Path, prefix: str) -> BooleanNetwork:
    from mtor_network.io.bnet import parse_bnet

    (path,) = (shared / "bbm").glob(f"{prefix}_*.bnet")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return parse_bnet(path.read_text(encoding="utf-8"), name=path.stem)


def test_minimal_trap_spaces_split_by_valuation_equal_one_search() -> None:
    """Six free inputs: the rule splits by valuation (each residual to AEON's symbolic
    search); the minimal trap spaces equal Trappist's and AEON's over the whole network."""
    rules = {f"u{i}": f"u{i}" for i in range(_portfolio.MP_VALUATION_INPUTS)}
    rules |= {
        "a": "u0 & !b | u1 & c",
        "b": "!a & u2 | u3",
        "c": "a | b & !u4",
        "d": "(c & !d) | (u5 & !c)",
        "e": "d & !u5 | !d & u5 | a & b",
    }
    rules |= {f"p{i}": f"!p{(i + 1) % 7} | (u{i % 6} & p{(i + 3) % 7})" for i in range(7)}
    net = BooleanNetwork.create("six", rules)
    target = percolate(net)[1]
    assert target is not None and _portfolio.choose(target, "most_permissive") == "valuations"
    whole = _search_mp(net, "aeon", percolate=False)
    assert sum(whole.values()) >= 2**6
    assert _search_mp(net, "auto") == whole
    assert _search_mp(net, "biobalm") == whole


def test_large_cores_go_to_an_answer_set_program_with_the_same_answer(shared_dir: Path) -> None:
    """BBM 075 (47 nodes, no inputs): past MP_SYMBOLIC_NODES the rule sends the core to mpbn
    (or Trappist without it); every engine gives the same minimal trap spaces."""
    net = _bbm(shared_dir, "075")
    target = percolate(net)[1]
    assert target is not None and len(target) > _portfolio.MP_SYMBOLIC_NODES
    assert _portfolio.mp_engine(target) == _portfolio.asp_engine()
    auto = _search_mp(net, "auto")
    assert auto == _search_mp(net, "aeon") == _search_mp(net, "biobalm")
    pytest.importorskip("mpbn")
    assert _search_mp(net, "mpbn") == auto


def test_small_cores_go_to_aeons_symbolic_trap_spaces() -> None:
    small = BooleanNetwork.create("small", {"a": "!b", "b": "!a", "c": "a & !c"})
    n = _portfolio.MP_SYMBOLIC_NODES + 5
    big = BooleanNetwork.create("ring", {f"r{i}": f"!r{(i + 1) % n}" for i in range(n)})
    assert _portfolio.mp_engine(small) == "aeon"
    assert _portfolio.mp_engine(big) == _portfolio.asp_engine()


def test_valuations_that_share_nothing_go_to_the_colored_search(shared_dir: Path) -> None:
    """BBM 040 (4 free inputs, 23 nodes): 14 of its 16 valuations leave distinct residual
    networks, so the rule picks one colored search; the answer equals AEON's plain search."""
    net = _bbm(shared_dir, "040")
    target = percolate(net)[1]
    assert target is not None and len(free_inputs(target)) == 4
    assert _portfolio.distinct_residuals(target) == 14
    assert _portfolio.choose(target, "asynchronous") == "colored"
    assert _search(net, "auto") == _search(net, "aeon", percolate=False)
    shared = percolate(_bbm(shared_dir, "024"))[1]  # 9 distinct of 16: the split
    assert shared is not None and _portfolio.choose(shared, "asynchronous") == "valuations"


# ---- biobalm's succession diagram for large networks without free inputs --------------------
def _random_nk(n: int, k: int, seed: int) -> BooleanNetwork:
    """A seeded random network of nested canalising functions (as the benchmark's)."""
    import random

    rng = random.Random(seed)
    names = [f"x{i}" for i in range(n)]
    rules = {}
    for name in names:
        literals = [
            (r if rng.random() < 0.5 else f"!{r}", rng.random() < 0.5)
            for r in rng.sample([m for m in names if m != name], k)
        ]
        expr = literals[-1][0]
        for literal, out in reversed(literals[:-1]):
            neg = literal[1:] if literal.startswith("!") else f"!{literal}"
            expr = f"{literal} | ({expr})" if out else f"{neg} & ({expr})"
        rules[name] = expr
    return BooleanNetwork.create(f"random_{n}_{seed}", rules)


@pytest.mark.parametrize(("n", "seed"), [(30, 2), (40, 7)])
def test_biobalm_seeds_extended_by_aeon_equal_aeons_search(n: int, seed: int) -> None:
    net = _random_nk(n, 2, seed)
    target = percolate(net)[1]
    assert target is not None
    plain = _search(net, "aeon")
    assert _search(net, "auto:balm") == plain
    assert Counter((a.code(), a.size) for a in find_attractors(net, engine="biobalm")) == plain


def test_large_networks_without_inputs_go_to_biobalm() -> None:
    net = _random_nk(100, 2, 11)
    target = percolate(net)[1]
    assert target is not None and not free_inputs(target)
    assert _portfolio.cyclic_core(target)
    assert _portfolio.choose(target, "asynchronous") == "balm"
    assert _portfolio.rivals(target, "asynchronous") == ["balm", "plain"]
    assert _portfolio.unclear(target, "asynchronous")
    found = find_attractors(net)
    assert len(found) >= 1 and all(a.size for a in found)


def _chain_below_a_cycle(length: int) -> BooleanNetwork:
    """A 3-node negative cycle read by a chain of ``length`` nodes: no free input, every
    strongly connected component of at most 3 nodes."""
    rules = {"c0": "!c2", "c1": "c0", "c2": "c1", "x0": "c2"}
    rules.update({f"x{i}": f"x{i - 1} | c{i % 3}" for i in range(1, length)})
    return BooleanNetwork.create("chain", rules)


def test_networks_without_a_large_cyclic_core_stay_with_aeon() -> None:
    """Many small components (BBM 221: 6 of 190 nodes in the largest; AEON 0.16 s, biobalm
    over 8 s) keep AEON's search along the SCC decomposition, however large the network."""
    net = _chain_below_a_cycle(120)
    target = percolate(net)[1]
    assert target is not None and len(target) == 123 and not free_inputs(target)
    assert not _portfolio.cyclic_core(target)
    assert _portfolio.choose(target, "asynchronous") == "plain"


def test_a_succession_diagram_over_its_limit_goes_to_aeon(monkeypatch) -> None:
    """biobalm stops at BALM_DIAGRAM_NODES diagram nodes; the search then goes to AEON and
    gives AEON's attractors."""
    from mtor_network.attractors import _balm

    net = _random_nk(40, 2, 7)
    target = percolate(net)[1]
    assert target is not None
    with pytest.raises(_balm.DiagramTooLarge):
        _jobs._under_safe_names(lambda n: _balm.asynchronous(n, size_limit=1), always=True)(target)
    monkeypatch.setattr(_portfolio, "BALM_DIAGRAM_NODES", 1)
    assert _search(net, "auto:balm") == _search(net, "aeon")


def test_biobalm_reachability_in_each_trap_space_equals_aeons_search() -> None:
    """Each seed's attractor is AEON's reachability in the network percolated to its
    succession-diagram node: on 60 small random networks (8-17 nodes, some with constants)
    the attractors, their values and sizes, equal AEON's search over the whole network, cyclic
    attractors among them."""
    import random

    from mtor_network.attractors import _aeon, _balm

    cyclic = 0
    for seed in range(60):
        rng = random.Random(seed)
        net = _random_nk(8 + seed % 10, 2 + seed % 2, seed)
        if seed % 3:
            constant = rng.sample(net.node_names, 1 + seed % 3)
            net = BooleanNetwork.create(
                net.name,
                {n: str(rng.randint(0, 1)) if n in constant else net.rules[n].expression
                 for n in net.node_names},
            )  # fmt: skip
        target = percolate(net)[1]
        if target is None:
            continue
        safe = _jobs._under_safe_names(_balm.asynchronous, always=True)
        ours = Counter((tuple(sorted(v.items())), s) for v, s in safe(target))
        aeon = Counter((tuple(sorted(v.items())), s) for v, s in _aeon._asynchronous(target))
        assert ours == aeon, seed
        cyclic += sum(1 for _, s in aeon if s and s > 1)
    assert cyclic >= 5


def test_values_from_a_walk_equal_aeons_and_leave_the_size_unknown(monkeypatch) -> None:
    """With the reachability capped at one BDD node every seed is walked: where the walk sees
    every free node flip the values are AEON's and the size None, elsewhere the set is built
    without the cap (AEON's size)."""
    from mtor_network.attractors import _aeon, _balm

    monkeypatch.setattr(_balm, "REACH_BDD_NODES", 1)
    walked = 0
    for seed in range(40):
        target = percolate(_random_nk(8 + seed % 10, 2 + seed % 2, seed))[1]
        if target is None:
            continue
        safe = _jobs._under_safe_names(_balm.asynchronous, always=True)
        ours = sorted(((tuple(sorted(v.items())), s) for v, s in safe(target)), key=str)
        aeon = sorted(
            ((tuple(sorted(v.items())), s) for v, s in _aeon._asynchronous(target)), key=str
        )
        assert [v for v, _ in ours] == [v for v, _ in aeon], seed
        assert all(s is None or s == t for (_, s), (_, t) in zip(ours, aeon, strict=True))
        walked += sum(1 for _, s in ours if s is None)
    assert walked >= 3


def test_bbm_204_is_split_into_biobalm_and_its_attractor_fills_its_minimal_trap_space(
    shared_dir: Path,
) -> None:
    """BBM 204 (77 nodes, 1 free input), split by valuation: with the input at 0, the residual
    has a cyclic core and goes to biobalm, where one minimal trap space leaves
    70 nodes free (67 in one component; no engine builds its attractor in minutes). The walk
    sees all 70 oscillate, so the attractor's values are that trap space's, size unknown."""
    net = _bbm(shared_dir, "204")
    target = percolate(net)[1]
    assert target is not None and len(free_inputs(target)) == 1
    assert _portfolio.choose(target, "asynchronous") == "valuations"
    fixed = BooleanNetwork.create(
        "bbm204_0",
        {n: "0" if n in free_inputs(target) else net.rules[n].expression for n in net.node_names},
    )
    found = find_attractors(fixed)
    spaces = find_attractors(fixed, "most_permissive")
    assert [a.values for a in found] == [s.values for s in spaces]
    assert found[0].size is None and len(found[0].oscillating) == 70


def test_bbm_145_answers_with_its_input_free_and_a_large_attractor_left_uncounted(
    shared_dir: Path,
) -> None:
    """BBM 145 (62 nodes, 1 free input): at 0 the network percolates to a fixed point; at 1
    the only trap space is the whole space of the 61 nodes left, and its one attractor holds
    about 85% of its states (AEON: 2**60.76 of 2**61, over 8 s to build). The reachability
    stops at its BDD cap and the walk sees all 61 nodes oscillate: two attractors, the
    second's values those of the one minimal trap space, its size unknown."""
    net = _bbm(shared_dir, "145")
    (source,) = free_inputs(net)
    found = find_attractors(net)
    assert len(found) == 2
    fixed = [a for a in found if a.size == 1]
    large = [a for a in found if a.size is None]
    assert len(fixed) == 1 and fixed[0][source] == 0
    assert len(large) == 1 and large[0][source] == 1
    on = BooleanNetwork.create(
        "bbm145_1", {n: "1" if n == source else net.rules[n].expression for n in net.node_names}
    )
    (space,) = find_attractors(on, "most_permissive")
    assert large[0].values == space.values and len(large[0].oscillating) == 61


@pytest.mark.parametrize("quick", [1, 1_000])
def test_biobalm_candidates_with_or_without_the_quick_pass_give_aeons_attractors(
    monkeypatch, quick: int
) -> None:
    """The quick pass (no greedy ASP minimisation) and biobalm's default (reached when the
    quick pass has too many candidates: a limit of 1 forces it) give the same attractors."""
    from mtor_network.attractors import _balm

    monkeypatch.setattr(_balm, "QUICK_CANDIDATES", quick)
    net = _random_nk(30, 2, 2)
    assert _search(net, "auto:balm") == _search(net, "aeon")


@pytest.mark.slow
def test_sizek_2019_with_free_inputs_is_split_by_valuation_into_biobalm(shared_dir: Path) -> None:
    """Sizek 2019 (87 nodes, 2 free inputs; both at 0 leave 70): past BALM_WHOLE_NODES,
    split by valuation, each residual's cyclic core to biobalm (AEON's whole search does not
    finish in minutes). Its 8
    attractors are fixed points, and they are exactly the minimal trap spaces from the
    answer-set engine (every minimal trap space holds an attractor, every fixed point is a
    minimal trap space)."""
    from mtor_network.io import read_network

    path = shared_dir / "reference-models" / "sizek2019_pi3k_cell_cycle" / "BBM209_model.bnet"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = read_network(path)
    target = percolate(net)[1]
    assert target is not None and len(free_inputs(target)) == 2
    assert _portfolio.choose(target, "asynchronous") == "valuations"
    found = _search(net, "auto")
    assert len(found) == 8 and all(size == 1 and "*" not in code for code, size in found)
    assert found == _search_mp(net, _portfolio.asp_engine())


def test_mid_sized_cores_with_free_inputs_go_to_aeons_symbolic_trap_spaces(
    shared_dir: Path,
) -> None:
    """BBM 040 (23 nodes, 4 free inputs, 33 minimal trap spaces): past MP_SYMBOLIC_NODES but
    with 3+ free inputs the rule keeps AEON's symbolic search; the answer equals Trappist's.
    The same size without inputs goes to the answer-set engine."""
    net = _bbm(shared_dir, "040")
    target = percolate(net)[1]
    assert target is not None and len(target) > _portfolio.MP_SYMBOLIC_NODES
    assert len(free_inputs(target)) == 4 and len(target) <= _portfolio.MP_SYMBOLIC_INPUT_NODES
    assert _portfolio.choose(target, "most_permissive") == "plain"
    assert _portfolio.mp_engine(target) == "aeon"
    auto = _search_mp(net, "auto")
    assert len(auto) == 33 and auto == _search_mp(net, "biobalm")
    n = _portfolio.MP_SYMBOLIC_NODES + 3
    ring = {f"r{i}": f"!r{(i + 1) % n}" for i in range(n)}
    assert _portfolio.mp_engine(BooleanNetwork.create("ring", ring)) == _portfolio.asp_engine()
    fed = ring | {f"u{i}": f"u{i}" for i in range(3)} | {"r0": "!r1 | u0 & u1 & u2"}
    assert _portfolio.mp_engine(BooleanNetwork.create("fed", fed)) == "aeon"


def test_free_inputs_bound_the_attractors_from_below(five_ligands) -> None:
    """Each valuation of k free inputs is a closed subspace holding an attractor: at least
    2**k of them (the flagship with 5 free ligands, against the search itself)."""
    target = percolate(five_ligands)[1]
    assert target is not None
    bound = _portfolio.min_attractors(target)
    assert bound == 2 ** len(free_inputs(target)) >= 2
    assert sum(_search(five_ligands, "auto").values()) >= bound
    tiny = BooleanNetwork.create("tiny", {"a": "!a & u", "u": "u"})
    assert _portfolio.min_attractors(tiny) == 2
    assert len(find_attractors(tiny)) == 2


def test_a_search_over_its_budget_names_the_free_inputs_and_the_lower_bound(monkeypatch) -> None:
    """Free inputs split the state space into 2**k closed parts with an attractor each: a
    search over its time budget says so (with the inputs' names and how to fix them), so a
    published model with many inputs left free gets the reason, not only a timeout."""
    from mtor_network import BooleanNetwork
    from mtor_network.attractors import BudgetExceeded, _jobs, find_attractors

    rules = {f"I{i}": f"I{i}" for i in range(7)} | {"A": "I0 & !B", "B": "I1 & !A"}
    network = BooleanNetwork.from_rules(rules, name="inputs")

    def over(*args, **kwargs):
        raise BudgetExceeded("the search did not finish within the time budget", limit="time")

    monkeypatch.setattr(_jobs, "search", over)
    with pytest.raises(BudgetExceeded) as caught:
        find_attractors(network)
    text = str(caught.value)
    assert caught.value.limit == "time"
    assert "7 free inputs (I0, I1, I2, I3, I4, I5, I6)" in text
    assert "at least 128 attractors" in text
    assert "--knockout" in text
    few = BooleanNetwork.from_rules({"I0": "I0", "A": "I0"}, name="few")
    with pytest.raises(BudgetExceeded) as caught:
        find_attractors(few)
    assert "free inputs" not in str(caught.value)  # below INPUTS_HINT_FROM: the plain message


# ---- residuals with a cyclic core, and whole searches with many inputs -------------------------
def _gated_ring(size: int) -> BooleanNetwork:
    """One free input ``i`` gating a positive ring: at 0 the ring percolates to 0, at 1 it is
    one strongly connected component of ``size`` nodes (two fixed points)."""
    rules = {"i": "i"}
    for j in range(size):
        rules[f"r{j:02d}"] = f"r{(j - 1) % size:02d} & i"
    return BooleanNetwork.create("gated_ring", rules)


def test_a_valuation_left_with_a_cyclic_core_goes_to_biobalm(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mtor_network.attractors import _balm

    network = _gated_ring(_portfolio.BALM_SCC_NODES)
    assert _portfolio.choose(network, "asynchronous") == "valuations"
    calls: list[int] = []
    real = _balm.asynchronous

    def spy(net: BooleanNetwork, **kwargs: Any) -> Any:
        calls.append(len(net))
        return real(net, **kwargs)

    monkeypatch.setattr(_balm, "asynchronous", spy)
    auto = _search(network, "auto")
    assert calls == [_portfolio.BALM_SCC_NODES]  # the ring, once (input at 1)
    assert auto == _search(network, "aeon")  # AEON's plain search as the reference
    assert sum(auto.values()) == 3  # input 0: all 0; input 1: the ring all 0 or all 1


def _inputs_into_a_ring(inputs: int, size: int = 50) -> BooleanNetwork:
    """``inputs`` free inputs joined into one node of a negative ring: at 0 they fix nothing
    else, and the ring is a cyclic core."""
    rules = {f"i{k}": f"i{k}" for k in range(inputs)}
    joined = " & ".join(f"i{k}" for k in range(inputs))
    for j in range(size):
        prev = f"!r{size - 1:02d}" if j == 0 else f"r{j - 1:02d}"
        rules[f"r{j:02d}"] = f"{prev} | {joined}" if j == 0 else prev
    return BooleanNetwork.create("inputs_ring", rules)


def test_whole_searches_with_a_cyclic_probe_are_split_only_with_few_inputs() -> None:
    few = _inputs_into_a_ring(_portfolio.BALM_WHOLE_INPUTS)
    many = _inputs_into_a_ring(6)
    assert _portfolio.choose(few, "asynchronous") == "valuations"
    assert _portfolio.choose(many, "asynchronous") == "plain"
