"""Graded outcomes (analysis.basins): exact basin fractions checked against an explicit
enumeration of the state transition graph on small random networks (Hypothesis), with
perturbations and several attractors; the reference (untreated) reachability checked against an
explicit search; budgets, semantics and the single-attractor shortcut."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping

import networkx as nx
import pytest
from hypothesis import assume, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from mtor_network import BooleanNetwork, load_network
from mtor_network.analysis.basins import Outcomes, outcomes, untreated
from mtor_network.attractors import Budget
from mtor_network.attractors._basins import Reference, basin_counts
from mtor_network.expressions import evaluate
from mtor_network.perturbations import Perturbation
from test_properties import FAST, aeon_can_take, networks

State = tuple[bool, ...]


# ---- explicit oracle -----------------------------------------------------------------------
def explicit_graph(network: BooleanNetwork, fixed: Mapping[str, bool], update: str) -> nx.DiGraph:
    """The explicit STG over the states with ``fixed`` held (every other node free)."""
    nodes = network.node_names
    exprs = [network.rules[n].expression for n in nodes]
    graph = nx.DiGraph()
    for bits in itertools.product([False, True], repeat=len(nodes)):
        state = dict(zip(nodes, bits, strict=True))
        if any(state[n] != v for n, v in fixed.items()):
            continue
        graph.add_node(bits)
        nxt = [evaluate(e, state) for e in exprs]
        if update == "synchronous":
            graph.add_edge(bits, tuple(nxt))
            continue
        for i, value in enumerate(nxt):
            if value != bits[i]:
                graph.add_edge(bits, (*bits[:i], value, *bits[i + 1 :]))
    return graph


def values_of(nodes: tuple[str, ...], states: set[State]) -> tuple:
    out = []
    for i, n in enumerate(nodes):
        seen = {s[i] for s in states}
        out.append((n, "*" if len(seen) == 2 else int(seen.pop())))
    return tuple(out)


def explicit_basins(network: BooleanNetwork, fixed: Mapping[str, bool], update: str) -> dict:
    """Per attractor (values, weak basin states, strong basin states, its states), and the
    number of states."""
    graph = explicit_graph(network, fixed, update)
    attractors = [set(c) for c in nx.attracting_components(graph)]
    reach = {s: nx.descendants(graph, s) | {s} for s in graph}
    out = []
    for a in attractors:
        key = values_of(network.node_names, a)
        weak = {s for s in graph if reach[s] & a}
        strong = {s for s in weak if all(not (reach[s] & b) for b in attractors if b is not a)}
        out.append((key, weak, strong, a))
    return {"attractors": out, "states": graph.number_of_nodes()}


def perturbed(network: BooleanNetwork, fixed: Mapping[str, bool]) -> BooleanNetwork:
    return network.perturb(Perturbation.of("treat", "drug", fixed)) if fixed else network


@st.composite
def settings(draw: st.DrawFn) -> tuple[BooleanNetwork, dict[str, bool]]:
    network = draw(networks(aeon_safe=True))
    names = network.node_names
    chosen = draw(st.lists(st.sampled_from(names), max_size=2, unique=True))
    fixed = {n: draw(st.booleans()) for n in chosen}
    return network, fixed


def check(graded: Outcomes, expected: dict) -> None:
    """The basins found equal the explicit ones (a multiset: synchronous cycles can share
    their values)."""
    assert graded.status == "exact"
    assert graded.states == expected["states"]
    found = Counter((a.attractor.values, a.weak_states, a.strong_states) for a in graded.attractors)
    wanted = Counter((key, len(w), len(s)) for key, w, s, _ in expected["attractors"])
    assert found == wanted
    for a in graded.attractors:
        assert a.weak_basin == (a.weak_states or 0) / expected["states"]
        assert a.strong_basin == (a.strong_states or 0) / expected["states"]


def shares(graded: Outcomes) -> Counter:
    return Counter(
        (a.attractor.values, a.reference_share, a.reference_strong_share) for a in graded.attractors
    )


def expected_shares(expected: dict, initial: set) -> Counter:
    return Counter(
        (key, len(initial & w) / len(initial), len(initial & s) / len(initial))
        for key, w, s, _ in expected["attractors"]
    )


def initial_states(network: BooleanNetwork, fixed: Mapping[str, bool], update: str) -> set:
    """The unperturbed network's attractor states with the fixed nodes set."""
    ref = explicit_basins(network, {}, update)
    return {
        tuple(fixed.get(n, s[i]) for i, n in enumerate(network.node_names))
        for *_, states in ref["attractors"]
        for s in states
    }


# ---- properties ----------------------------------------------------------------------------
@FAST
@given(settings())
def test_asynchronous_basins_match_explicit_stg(setting) -> None:
    network, fixed = setting
    assume(aeon_can_take(perturbed(network, fixed), percolate=True))
    net = perturbed(network, fixed)
    expected = explicit_basins(net, fixed, "asynchronous")
    event(f"{len(expected['attractors'])} attractor(s)")
    graded = outcomes(network, net.perturbations, reference=None)
    check(graded, expected)
    # strong basins plus the undecided share partition the space
    assert (
        sum(a.strong_states or 0 for a in graded.attractors)
        + round(graded.undecided * graded.states)
        == graded.states
    )
    assert abs(sum(a.strong_basin or 0 for a in graded.attractors) + graded.undecided - 1) < 1e-12
    # every state reaches some attractor
    assert all((a.weak_basin or 0) >= (a.strong_basin or 0) for a in graded.attractors)
    assert graded.phenotype_undecided is not None
    total = sum(p.basin or 0 for p in graded.phenotypes) + graded.phenotype_undecided
    assert abs(total - 1) < 1e-12


@FAST
@given(settings())
def test_synchronous_basins_partition_and_match_explicit_map(setting) -> None:
    network, fixed = setting
    net = perturbed(network, fixed)
    expected = explicit_basins(net, fixed, "synchronous")
    graded = outcomes(network, net.perturbations, semantics="synchronous", reference=None)
    check(graded, expected)
    assert graded.undecided == 0
    assert sum(a.weak_states or 0 for a in graded.attractors) == graded.states


@FAST
@given(settings())
def test_reachable_from_reference_matches_explicit_search(setting) -> None:
    network, fixed = setting
    net = perturbed(network, fixed)
    assume(fixed)
    assume(aeon_can_take(net, percolate=True) and aeon_can_take(network, percolate=True))
    # the reference: the unperturbed network (the treatment is a drug, dropped by "untreated")
    initial = initial_states(network, fixed, "asynchronous")
    expected = explicit_basins(net, fixed, "asynchronous")
    graded = outcomes(network, net.perturbations)
    assert graded.reference == ()
    check(graded, expected)
    event(f"{len(expected['attractors'])} attractor(s)")
    if len(expected["attractors"]) > 1:
        assert graded.reference_states == len(initial)
    assert shares(graded) == expected_shares(expected, initial)
    reached = {a.phenotype for a in graded.attractors if a.reachable_from_reference}
    assert set(graded.reached_from_reference or ()) == reached
    for a in graded.attractors:
        assert a.reachable_from_reference == bool(a.reference_share)


@FAST
@given(settings())
def test_synchronous_reference_matches_explicit_search(setting) -> None:
    network, fixed = setting
    net = perturbed(network, fixed)
    initial = initial_states(network, fixed, "synchronous")
    expected = explicit_basins(net, fixed, "synchronous")
    graded = outcomes(network, net.perturbations, semantics="synchronous", reference=())
    check(graded, expected)
    assert shares(graded) == expected_shares(expected, initial)


# ---- examples ------------------------------------------------------------------------------
def bistable() -> BooleanNetwork:
    """A toggle switch with an input: two fixed points when S is off."""
    return BooleanNetwork.create(
        "toggle",
        {"S": "S", "A": "!B | S", "B": "!A & !S", "PROLIFERATION": "A"},
    )


def test_bistable_switch_by_hand() -> None:
    net = bistable()
    off = Perturbation.of("no_signal", "environment", {"S": 0})
    graded = outcomes(net, [off], reference=None)
    assert graded.states == 8  # A, B, PROLIFERATION free
    weak = sorted(a.weak_states for a in graded.attractors)
    strong = sorted(a.strong_states for a in graded.attractors)
    # A=B=0 and A=B=1 can go either way: 2 x 2 undecided states; the rest are decided
    assert weak == [6, 6] and strong == [2, 2]
    assert graded.undecided == 0.5


def test_single_attractor_needs_no_computation_and_is_one(flagship_v1) -> None:
    drug = flagship_v1.drugs["everolimus"]
    graded = outcomes(flagship_v1, [drug])
    assert len(graded.attractors) == 1
    a = graded.attractors[0]
    assert a.weak_basin == a.strong_basin == 1.0
    assert a.reachable_from_reference is True
    assert graded.basin(a.phenotype) == 1.0
    assert graded.undecided == 0.0
    assert graded.reference == ()  # a drug only: the untreated reference is the bare model


def test_untreated_keeps_environment_and_genotype(flagship_v1) -> None:
    env = flagship_v1.environments["estrogen_deprived"]
    gen = flagship_v1.genotypes["pik3ca_mutant"]
    drug = flagship_v1.drugs["everolimus"]
    assert untreated([env, gen, drug]) == (env, gen)
    graded = outcomes(flagship_v1, [env, gen, drug])
    assert graded.reference == (env, gen)
    assert graded.reference_result is not None
    assert "from the untreated state" in graded.describe_reference()


def test_most_permissive_is_not_defined() -> None:
    graded = outcomes(bistable(), semantics="most_permissive", reference=None)
    assert graded.status == "not_defined"
    assert "most-permissive" in graded.reason
    assert all(a.weak_basin is None for a in graded.attractors)


def test_budget_over_size_reports_not_computed() -> None:
    from mtor_network.analysis.phenotypes import find_attractors

    off = Perturbation.of("no_signal", "environment", {"S": 0})
    result = find_attractors(bistable(), perturbations=off)
    graded = outcomes(bistable(), [off], result=result, budget=Budget(max_nodes=2), reference=None)
    assert graded.status == "not_computed"
    assert "size budget" in graded.reason


def test_budgeted_worker_gives_the_same_counts() -> None:
    net = bistable()
    off = Perturbation.of("no_signal", "environment", {"S": 0})
    inline = outcomes(net, [off], reference=None)
    budgeted = outcomes(net, [off], reference=None, budget=Budget(seconds=60))
    assert [a.to_dict() for a in inline.attractors] == [a.to_dict() for a in budgeted.attractors]


def test_time_budget_spent_reports_not_computed(monkeypatch) -> None:
    from mtor_network.analysis import basins as module
    from mtor_network.attractors import BudgetExceeded

    def over(*args, **kwargs):
        raise BudgetExceeded("the basin computation did not finish within 1 s", limit="time")

    monkeypatch.setattr(module, "run_budgeted", over)
    off = Perturbation.of("no_signal", "environment", {"S": 0})
    graded = outcomes(bistable(), [off], reference=None, budget=Budget(seconds=1))
    assert graded.status == "not_computed"
    assert "within 1 s" in graded.reason
    assert graded.to_dict()["status"] == "not_computed"


def test_incomplete_result_is_not_computed() -> None:
    off = Perturbation.of("no_signal", "environment", {"S": 0})
    graded = outcomes(bistable(), [off], reference=None, budget=Budget(max_attractors=1))
    assert graded.status == "not_computed"
    assert "1 of 2" in graded.reason


def test_engine_counts_reject_wrong_attractors() -> None:
    from mtor_network.exceptions import EngineError

    net = bistable().perturb(Perturbation.of("no_signal", "environment", {"S": 0}))
    with pytest.raises(EngineError):
        basin_counts(net, "asynchronous", {"S": False}, [{n: 0 for n in net.node_names}])
    with pytest.raises(ValueError, match="asynchronous and synchronous"):
        basin_counts(net, "most_permissive", {}, [])
    other = BooleanNetwork.create("other", {"X": "X"})
    with pytest.raises(ValueError, match="same nodes"):
        basin_counts(net, "asynchronous", {}, [], reference=Reference(other, {}, []))


def test_to_dict_is_json_ready() -> None:
    import json

    off = Perturbation.of("no_signal", "environment", {"S": 0})
    data = outcomes(bistable(), [off], reference=()).to_dict()
    json.dumps(data)
    assert data["status"] == "exact"
    assert data["reference"]["perturbations"] == []


@pytest.fixture(scope="module")
def flagship_v1() -> BooleanNetwork:
    return load_network("hr_breast_cancer_v1")


@FAST
@given(settings())
def test_reduced_and_whole_network_computations_agree(setting) -> None:
    """The exact reductions (fixed nodes substituted, nodes read by no other peeled) give the
    counts of the whole network, reference shares included."""
    from mtor_network.analysis.phenotypes import find_attractors
    from mtor_network.attractors import _basins

    network, fixed = setting
    net = perturbed(network, fixed)
    assume(aeon_can_take(net, percolate=True) and aeon_can_take(network, percolate=True))
    values = [dict(a.values) for a in find_attractors(net)]
    ref_values = [dict(a.values) for a in find_attractors(network)]
    reference = Reference(network, {}, ref_values)
    groups = [list(range(len(values)))[:1], list(range(len(values)))[1:]]
    whole = _basins._asynchronous_full(net, fixed, values, groups, reference)
    try:
        reduced = _basins._asynchronous_core(net, fixed, values, groups, reference)
    except _basins._Fallback:
        event("no core left: the whole network is used")
        return
    except Exception:
        event("AEON refused the reduced network: the whole network is used")
        return
    event("reduced")
    assert reduced == whole


def test_reference_states_cross_graphs_whose_variable_orders_differ() -> None:
    """Regression (found by Hypothesis): fixing x0 removes x2 from x0's rule, so AEON orders the
    perturbed network's BDD variables differently from the reference's; moving the reference's
    attractor states into the perturbed graph must still work, and agree with the reduction."""
    from mtor_network.attractors import _basins

    network = BooleanNetwork.create("r", {"x0": "x0 & x2", "x1": "x0", "x2": "x0"})
    fixed = {"x0": False}
    net = perturbed(network, fixed)
    values = [{"x0": 0, "x1": 0, "x2": 0}]
    reference = Reference(network, {}, [{"x0": 0, "x1": 0, "x2": 0}, {"x0": 1, "x1": 1, "x2": 1}])
    whole = _basins._asynchronous_full(net, fixed, values, [], reference)
    # the reference's states (000, 111) with x0 held at 0 are 000 and 011: both reach 000
    assert (whole.states, whole.initial, whole.initial_weak) == (4, 2, (2,))
    assert whole == _basins.basin_counts(net, "asynchronous", fixed, values, reference=reference)


# ---- attractor sets from the SCC decomposition --------------------------------------------------
def aeon_sets(g) -> list:
    """AEON's attractor search in the space of ``g`` (an ``_Async``), with values."""
    return g._found(g.space, check=False)


def same_sets(ours: list, theirs: list) -> bool:
    """The same attractors: values equal and vertex sets equal (each a subset of the other)."""
    pool = list(theirs)
    for values, x in ours:
        for k, (v, y) in enumerate(pool):
            if v == values and x.is_subset(y) and y.is_subset(x):
                del pool[k]
                break
        else:
            return False
    return not pool


@hypothesis_settings(FAST, max_examples=50)
@given(settings())
def test_decomposed_attractor_sets_equal_aeon_search(setting) -> None:
    """The attractors' vertex sets built from the SCC decomposition's factors
    (``_scc.attractor_sets``, percolation first) are AEON's attractors in the space."""
    from mtor_network.attractors import _basins, _scc

    network, fixed = setting
    net = perturbed(network, fixed)
    assume(aeon_can_take(net, percolate=True))
    g = _basins._Async(net, fixed)
    ours = _scc.attractor_sets(net, g.graph)
    if ours is None:
        event("one component or free inputs after percolation: AEON searches")
        return
    event(f"decomposed, {len(ours)} attractor(s)")
    ours = [(v, x) for v, x in ours if all(v[n] == b for n, b in fixed.items())]
    assert same_sets(ours, aeon_sets(g))


FLAGSHIP_SEVERAL = ["ER + CDK1", "CDK46 + CDK1"]
"""Flagship double knockouts with two attractors (cyclic for ER + CDK1)."""


@pytest.mark.parametrize("pair", FLAGSHIP_SEVERAL)
def test_flagship_several_attractors_same_sets_and_basins_as_aeon_search(
    pair: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mtor_network.analysis.basins import outcomes
    from mtor_network.attractors import _basins, _scc
    from mtor_network.perturbations import Scenario, scenario

    net = load_network("hr_breast_cancer")
    sc = scenario(net, knockouts=pair.split(" + "))
    perturbed_net = net.perturb(*sc)
    fixed = {k: bool(v) for k, v in Scenario(tuple(sc)).effects().items()}
    g = _basins._Async(perturbed_net, fixed)
    ours = _scc.attractor_sets(perturbed_net, g.graph)
    assert ours is not None and len(ours) == 2
    assert same_sets(ours, aeon_sets(g))
    decomposed = outcomes(net, sc).to_dict()
    monkeypatch.setattr(_scc, "attractor_sets", lambda network, graph: None)
    searched = outcomes(net, sc).to_dict()
    assert decomposed == searched
    assert len(decomposed["attractors"]) == 2


def test_attractor_sets_past_the_cube_limit_are_searched(monkeypatch: pytest.MonkeyPatch) -> None:
    """A factor whose BDD has more paths than MAX_CUBES is not moved across: the caller's AEON
    search gives the same counts."""
    from mtor_network.analysis.basins import outcomes
    from mtor_network.attractors import _basins, _scc
    from mtor_network.perturbations import scenario

    net = load_network("hr_breast_cancer")
    sc = scenario(net, knockouts=["ER", "CDK1"])
    expected = outcomes(net, sc).to_dict()
    monkeypatch.setattr(_scc, "MAX_CUBES", 0)
    perturbed_net = net.perturb(*sc)
    assert _scc.attractor_sets(perturbed_net, _basins._Async(perturbed_net, {}).graph) is None
    assert outcomes(net, sc).to_dict() == expected


def test_a_reference_over_the_budget_leaves_the_setting_s_own_outcomes() -> None:
    """The untreated reference drops the user's knockouts: with them fixing a model's inputs
    the setting is small, the reference is not (here over a node budget). The setting's
    result and basins stand, and the reference says why it is missing (before, the
    reference's BudgetExceeded failed the whole command: a published model whose inputs the
    user fixed with --knockout timed out)."""
    from mtor_network.perturbations import knockout

    network = BooleanNetwork.from_rules(
        {"I": "I", "J": "J", "A": "I | J", "B": "A & !C", "C": "A & !B"}, name="inputs"
    )
    budget = Budget(max_nodes=4)
    fixed = (knockout("I"), knockout("J"))
    graded = outcomes(network, fixed, budget=budget)  # reference: the untreated cell
    assert graded.status == "exact" and graded.reference_result is None
    assert graded.reference_reason.startswith("not computed") and "nodes" in graded.reference_reason
    assert graded.describe_reference() == f"reference: {graded.reference_reason}"
    assert graded.to_dict()["reference"]["not_computed"] == graded.reference_reason
    assert [a.weak_basin for a in graded.attractors] == [1.0]
    # the same setting with a budget the reference fits: no reason, a reference result
    full = outcomes(network, fixed)
    assert full.reference_reason == "" and full.reference_result is not None
