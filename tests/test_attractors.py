"""Attractors checked against independent oracles.

Oracles, none of which shares code with the engine under test:

- pyboolnet's own constant percolation + ``compute_attractors`` (trap spaces and NuSMV model
  checking), accepted only where pyboolnet proves completeness, univocality and faithfulness;
- minimal trap spaces from mpbn (clingo), pyboolnet (gringo/clasp) and AEON (BDDs);
- explicit state transition graphs from pyboolnet (``primes2stg``) with attracting components
  from networkx, on pyboolnet's small repository models;
- a vectorised explicit synchronous map (numpy) over pyboolnet's prime implicants.

The explicit oracles run on model 1.0.0 (``hr_breast_cancer_v1``, frozen): its settings are
small enough after percolation for state graphs, NuSMV model checking and the explicit
synchronous map; it is compared for the wild type, every drug, genotype and environment, and
drug + genotype combinations. The current flagship (2.0.0) is compared across the
most-permissive engines and against its minimal trap spaces for every registered setting at
the end of the file.
"""

from __future__ import annotations

import functools
import itertools
from collections import Counter
from collections.abc import Iterable
from typing import Any

import networkx as nx
import pytest

from mtor_network import (
    BooleanNetwork,
    EngineError,
    find_attractors,
    knockout,
    load_network,
    overexpress,
    scenario,
)
from mtor_network.attractors import _pyboolnet as pyboolnet_engine
from mtor_network.attractors import engines_for
from mtor_network.expressions import evaluate, parse_expression, to_string
from mtor_network.io.bnet import parse_bnet

FLAGSHIP = load_network("hr_breast_cancer_v1")

Values = tuple[tuple[str, Any], ...]


# ---- helpers ------------------------------------------------------------------------------------
def _pyboolnet() -> Any:
    """pyboolnet, imported without its ``logging.basicConfig`` (and with NuSMV runnable)."""
    pyboolnet_engine._prepare()
    import pyboolnet.attractors
    import pyboolnet.file_exchange
    import pyboolnet.prime_implicants
    import pyboolnet.repository
    import pyboolnet.state_transition_graphs
    import pyboolnet.trap_spaces

    return pyboolnet


@pytest.fixture(scope="module")
def nusmv() -> None:
    """Skip where pyboolnet's bundled NuSMV cannot run (Debian needs libtinfo5)."""
    if not pyboolnet_engine.nusmv_available():
        pytest.skip("pyboolnet's bundled NuSMV cannot run here (apt install libtinfo5)")


def multiset(result: Iterable[Any]) -> Counter[tuple[Values, int | None]]:
    """Attractors as a multiset of (values, size)."""
    return Counter((a.values, a.size) for a in result)


def value_set(result: Iterable[Any]) -> set[Values]:
    return {a.values for a in result}


def inside(values: Values, space: Values) -> bool:
    """True if the attractor with ``values`` lies in the subspace ``space``."""
    return all(
        (n == m) and (s == "*" or v == s) for (n, v), (m, s) in zip(values, space, strict=True)
    )


def plain_bnet(network: BooleanNetwork) -> str:
    return "\n".join(f"{n}, {to_string(network.rules[n].expression)}" for n in network.node_names)


def primes_to_bnet(primes: dict[str, Any]) -> str:
    """BNet text of prime implicants (pyboolnet's primes2bnet writes constant 0 as nothing)."""
    rows = []
    for name in sorted(primes):
        ones = primes[name][1]
        if not ones:
            function = "0"
        elif ones == [{}]:
            function = "1"
        else:
            function = " | ".join(
                " & ".join(("" if value else "!") + v for v, value in sorted(term.items()))
                for term in ones
            )
        rows.append(f"{name}, {function}")
    return "\n".join(rows) + "\n"


def stg_attractors(primes: dict[str, Any], update: str, order: Iterable[str]):
    """Attractors of the explicit STG: multiset of (values in ``order``, number of states)."""
    pbn = _pyboolnet()
    names = sorted(primes)
    stg = pbn.state_transition_graphs.primes2stg(primes, update)
    found: Counter[tuple[Values, int | None]] = Counter()
    for component in nx.attracting_components(stg):
        values = {}
        for i, name in enumerate(names):
            seen = {state[i] for state in component}
            values[name] = "*" if len(seen) == 2 else int(seen.pop())
        found[tuple((n, values[n]) for n in order), len(component)] += 1
    return found


def pyboolnet_async_oracle(network: BooleanNetwork) -> set[Values]:
    """Asynchronous attractors by pyboolnet alone: its percolation, then model checking."""
    pbn = _pyboolnet()
    pi = pbn.prime_implicants
    primes = pbn.file_exchange.bnet2primes(plain_bnet(network))
    constants = pi.find_constants(pi.percolate(primes, copy=True))
    reduced = pi.percolate(primes, remove_constants=True, copy=True)
    order = network.node_names
    if not reduced:
        return {tuple((n, constants[n]) for n in order)}
    result = pbn.attractors.compute_attractors(reduced, "asynchronous", max_output=10**6)
    assert result["is_complete"] == "yes"
    found = set()
    for attractor in result["attractors"]:
        space = attractor["min_trap_space"]
        assert space["is_univocal"] == "yes" and space["is_faithful"] == "yes", space["str"]
        values = {**constants, **{n: space["dict"].get(n, "*") for n in reduced}}
        found.add(tuple((n, values[n]) for n in order))
    return found


# ---- the flagship's settings --------------------------------------------------------------------
COMBOS = [
    (["letrozole"], ["pik3ca_mutant"]),
    (["letrozole"], ["pten_loss"]),
    (["letrozole"], ["her2_amplified"]),
    (["letrozole"], ["esr1_mutant"]),
    (["everolimus"], ["pik3ca_mutant"]),
    (["alpelisib"], ["pik3ca_mutant"]),
    (["fulvestrant"], ["esr1_mutant"]),
    (["trametinib"], ["esr1_mutant"]),
    (["lapatinib"], ["her2_amplified"]),
    (["letrozole", "everolimus"], ["pik3ca_mutant"]),
    (["trametinib", "everolimus"], []),
]
SETTINGS: list[dict[str, list[str]]] = [
    {},
    *({"drugs": [d]} for d in FLAGSHIP.drugs),
    *({"genotypes": [g]} for g in FLAGSHIP.genotypes),
    *({"environments": [e]} for e in FLAGSHIP.environments),
    *({"drugs": d, "genotypes": g} for d, g in COMBOS),
]
#: settings where the flagship has a cyclic attractor (the S6K1 -| IRS1 negative loop)
CYCLIC = [
    {"drugs": ["lapatinib"]},
    {"drugs": ["trametinib"]},
    {"drugs": ["trametinib"], "genotypes": ["esr1_mutant"]},
]


def setting_id(setting: dict[str, list[str]]) -> str:
    return "+".join(itertools.chain(*setting.values())) or "wild_type"


def perturbed(setting: dict[str, list[str]]) -> BooleanNetwork:
    return FLAGSHIP.perturb(*scenario(FLAGSHIP, **setting))


def test_the_settings_cover_cyclic_and_fixed_point_attractors() -> None:
    """The comparisons below would be weak if every setting ended in one fixed point."""
    kinds = Counter(a.kind for s in SETTINGS for a in find_attractors(perturbed(s)))
    assert kinds["cyclic"] >= 4 and kinds["fixed_point"] >= 30
    for setting in CYCLIC:
        assert setting in SETTINGS
        assert [a.kind for a in find_attractors(perturbed(setting))] == ["cyclic"]


@pytest.mark.parametrize("setting", SETTINGS, ids=setting_id)
def test_flagship_minimal_trap_spaces_agree_across_engines(setting) -> None:
    net = perturbed(setting)
    found = {
        engine: multiset(find_attractors(net, "most_permissive", engine=engine, percolate=False))
        for engine in engines_for("most_permissive")
    }
    assert found["biobalm"] == found["mpbn"] == found["pyboolnet"] == found["aeon"]
    assert sum(found["biobalm"].values()) >= 1


@pytest.mark.parametrize("setting", SETTINGS, ids=setting_id)
def test_flagship_async_attractors_are_the_minimal_trap_spaces(setting) -> None:
    """Each asynchronous attractor lies in exactly one minimal trap space and vice versa.

    The flagship has no motif-avoidant attractor and every trap space is faithful (checked by
    model checking in the next test), so the attractors' values equal the trap spaces'.
    """
    net = perturbed(setting)
    attractors = find_attractors(net, "asynchronous", engine="aeon", percolate=True)
    mpbn_spaces = find_attractors(net, "most_permissive", engine="mpbn", percolate=False)
    pbn_spaces = find_attractors(net, "most_permissive", engine="pyboolnet", percolate=False)
    assert value_set(mpbn_spaces) == value_set(pbn_spaces)
    spaces = [s.values for s in mpbn_spaces]
    for a in attractors:
        assert sum(inside(a.values, s) for s in spaces) == 1, a.values
    for s in spaces:
        assert sum(inside(a.values, s) for a in attractors) == 1, s
    assert len(attractors) == len(spaces)
    assert value_set(attractors) == set(spaces)
    for a in attractors:
        (space,) = (s for s in mpbn_spaces if s.values == a.values)
        if a.kind == "fixed_point":
            assert a.size == 1 == space.size and "*" not in a.code()
        else:
            assert a.size is not None and 1 < a.size <= space.size


@pytest.mark.parametrize("setting", SETTINGS, ids=setting_id)
def test_flagship_async_attractors_match_pyboolnet_model_checking(setting, nusmv) -> None:
    net = perturbed(setting)
    expected = pyboolnet_async_oracle(net)
    assert value_set(find_attractors(net, "asynchronous", engine="aeon")) == expected
    unreduced = find_attractors(net, "asynchronous", engine="aeon", percolate=False)
    assert value_set(unreduced) == expected


@pytest.mark.parametrize(
    ("setting", "percolate"),
    [
        ({"drugs": ["alpelisib"]}, False),
        ({"genotypes": ["pik3ca_mutant"]}, False),
        ({"drugs": ["lapatinib"]}, True),
        ({"drugs": ["trametinib"], "genotypes": ["esr1_mutant"]}, True),
    ],
    ids=lambda x: setting_id(x) if isinstance(x, dict) else f"percolate={x}",
)
def test_pyboolnet_engine_agrees_with_aeon_on_flagship(setting, percolate, nusmv) -> None:
    """The library's pyboolnet engine (not the oracle above): unpercolated, NuSMV on 41 nodes
    takes 1-50 s per setting, so only two ~1 s settings; the cyclic ones exercise its
    univocality/faithfulness checks."""
    net = perturbed(setting)
    ours = find_attractors(net, "asynchronous", engine="aeon")
    theirs = find_attractors(net, "asynchronous", engine="pyboolnet", percolate=percolate)
    assert value_set(theirs) == value_set(ours)
    assert [a.kind for a in theirs] == [a.kind for a in ours]


PERCOLATION_SETTINGS = [
    {},
    {"drugs": ["letrozole"]},
    {"drugs": ["lapatinib"]},
    {"drugs": ["trametinib"], "genotypes": ["esr1_mutant"]},
    {"drugs": ["everolimus"], "genotypes": ["pik3ca_mutant"]},
    {"knockouts": ["S6K1"]},
    {"overexpressed": ["TSC2"], "genotypes": ["pten_loss"]},
]


@pytest.mark.parametrize("setting", PERCOLATION_SETTINGS, ids=setting_id)
@pytest.mark.parametrize(
    ("semantics", "engine"),
    [
        ("asynchronous", "aeon"),
        ("synchronous", "aeon"),
        ("most_permissive", "biobalm"),
        ("most_permissive", "mpbn"),
        ("most_permissive", "aeon"),
        ("most_permissive", "pyboolnet"),
    ],
)
def test_percolation_does_not_change_flagship_attractors(setting, semantics, engine) -> None:
    net = perturbed(setting)
    on = find_attractors(net, semantics, engine=engine, percolate=True)
    off = find_attractors(net, semantics, engine=engine, percolate=False)
    assert multiset(on) == multiset(off)
    assert len(on) >= 1


def sync_oracle_numpy(network: BooleanNetwork) -> Counter[tuple[Values, int | None]]:
    """Synchronous attractors from the explicit update map over all states (vectorised)."""
    np = pytest.importorskip("numpy")
    pbn = _pyboolnet()
    pi = pbn.prime_implicants
    primes = pbn.file_exchange.bnet2primes(plain_bnet(network))
    constants = pi.find_constants(pi.percolate(primes, copy=True))
    reduced = pi.percolate(primes, remove_constants=True, copy=True)
    order = network.node_names
    if not reduced:
        return Counter({(tuple((n, constants[n]) for n in order), 1): 1})
    names = sorted(reduced)
    assert len(names) <= 22, "too many free nodes for the explicit oracle"
    states = np.arange(2 ** len(names), dtype=np.int64)
    bit = {v: ((states >> i) & 1).astype(bool) for i, v in enumerate(names)}
    succ = np.zeros_like(states)
    for i, v in enumerate(names):
        on = np.zeros(states.shape, dtype=bool)
        for term in reduced[v][1]:
            cube = np.ones(states.shape, dtype=bool)
            for u, value in term.items():
                cube &= bit[u] if value else ~bit[u]
            on |= cube
        succ |= on.astype(np.int64) << i
    recurrent = np.ones(states.shape, dtype=bool)
    while True:  # the image of the whole space, iterated to its limit: the periodic states
        image = np.zeros(states.shape, dtype=bool)
        image[succ[recurrent]] = True
        if (image == recurrent).all():
            break
        recurrent = image
    found: Counter[tuple[Values, int | None]] = Counter()
    seen: set[int] = set()
    for start in np.flatnonzero(recurrent).tolist():
        if start in seen:
            continue
        cycle = [start]
        state = int(succ[start])
        while state != start:
            cycle.append(state)
            state = int(succ[state])
        seen.update(cycle)
        values = dict(constants)
        for i, v in enumerate(names):
            bits = {(s >> i) & 1 for s in cycle}
            values[v] = "*" if len(bits) == 2 else bits.pop()
        found[tuple((n, values[n]) for n in order), len(cycle)] += 1
    return found


@pytest.mark.parametrize(
    "setting", [{}, {"drugs": ["letrozole"]}, {"genotypes": ["pten_loss"]}, *CYCLIC], ids=setting_id
)
def test_flagship_synchronous_attractors_match_explicit_map(setting) -> None:
    net = perturbed(setting)
    expected = sync_oracle_numpy(net)
    for percolate in (True, False):
        assert multiset(find_attractors(net, "synchronous", percolate=percolate)) == expected


# ---- invariants on the flagship -----------------------------------------------------------------
@pytest.mark.parametrize("node", FLAGSHIP.node_names)
def test_knocked_out_node_is_off_and_overexpressed_node_on_in_every_attractor(node) -> None:
    off = find_attractors(FLAGSHIP, "asynchronous", engine="aeon", perturbations=knockout(node))
    on = find_attractors(FLAGSHIP, "asynchronous", engine="aeon", perturbations=overexpress(node))
    assert len(off) >= 1 and all(a[node] == 0 for a in off)
    assert len(on) >= 1 and all(a[node] == 1 for a in on)
    assert off.always(node, 0) and on.always(node, 1)


INVARIANT_PERTURBATIONS = [
    *(knockout(n) for n in FLAGSHIP.node_names),
    *(overexpress(n) for n in FLAGSHIP.node_names),
]


@pytest.mark.parametrize("setting", SETTINGS, ids=setting_id)
def test_fixed_points_agree_across_semantics_named_settings(setting) -> None:
    check_fixed_points(perturbed(setting))


@pytest.mark.parametrize("perturbation", INVARIANT_PERTURBATIONS, ids=lambda p: p.name)
def test_fixed_points_agree_across_semantics_single_node_perturbations(perturbation) -> None:
    check_fixed_points(FLAGSHIP.perturb(perturbation))


def check_fixed_points(net: BooleanNetwork) -> None:
    """A fixed point is one under every semantics: async fixed points = synchronous fixed points
    = most-permissive attractors without '*'; each satisfies x = f(x)."""
    asynchronous = find_attractors(net, "asynchronous")
    fixed = {a.values for a in asynchronous if a.kind == "fixed_point"}
    sync = {a.values for a in find_attractors(net, "synchronous") if a.kind == "fixed_point"}
    mp = {a.values for a in find_attractors(net, "most_permissive") if "*" not in a.code()}
    assert fixed == sync == mp
    for values in fixed:
        state = dict(values)
        for n in net.node_names:
            assert int(evaluate(net.rules[n].expression, state)) == state[n], n
    for a in asynchronous:
        assert (a.kind == "fixed_point") == ("*" not in a.code())


# ---- pyboolnet's repository models ---------------------------------------------------------------
#: models small enough for an explicit STG (<= 13 nodes, 8192 states); not n12c5, whose
#: get_primes alone takes 50 s (pyboolnet's bnet2primes on its long rules)
SMALL_MODELS = [
    "arellano_rootstem",
    "davidich_yeast",
    "dinwoodie_stomatal",
    "faure_cellcycle",
    "krumsiek_myeloid",
    "multivalued",
    "n3s1c1a",
    "n3s1c1b",
    "n5s3",
    "n6s1c2",
    "n7s3",
    "raf",
    "randomnet_n7k3",
    "saadatpour_guardcell",
    "tournier_apoptosis",
    "xiao_wnt5a",
]


@functools.cache
def repository_primes(name: str) -> dict[str, Any]:
    return _pyboolnet().repository.get_primes(name)


@functools.cache
def repository_network(name: str) -> BooleanNetwork:
    return parse_bnet(primes_to_bnet(repository_primes(name)), name=name)


@functools.cache
def repository_stg_attractors(name: str, update: str):
    net = repository_network(name)
    return stg_attractors(repository_primes(name), update, net.node_names)


def test_repository_models_are_the_expected_sizes() -> None:
    for name in SMALL_MODELS:
        assert 3 <= len(repository_network(name)) <= 13, name
        assert repository_network(name).node_names == tuple(sorted(repository_primes(name)))


@pytest.mark.parametrize("percolate", [True, False], ids=["percolate", "no_percolate"])
@pytest.mark.parametrize("update", ["asynchronous", "synchronous"])
@pytest.mark.parametrize("model", SMALL_MODELS)
def test_aeon_engines_match_explicit_stg(model, update, percolate) -> None:
    net = repository_network(model)
    expected = repository_stg_attractors(model, update)
    found = find_attractors(net, update, engine="aeon", percolate=percolate)
    assert multiset(found) == expected


@pytest.mark.parametrize("update", ["asynchronous", "synchronous"])
@pytest.mark.parametrize("model", SMALL_MODELS)
def test_pyboolnet_engine_matches_explicit_stg(model, update, nusmv) -> None:
    """Where pyboolnet answers, the values match the STG; it may refuse (EngineError) only where
    the STG has more attractors than minimal trap spaces (so no proof can exist)."""
    net = repository_network(model)
    expected = repository_stg_attractors(model, update)
    spaces = find_attractors(net, "most_permissive", engine="pyboolnet")
    try:
        found = find_attractors(net, update, engine="pyboolnet")
    except EngineError:
        assert update == "synchronous"
        assert sum(expected.values()) > len(spaces)
        return
    assert Counter(a.values for a in found) == Counter(v for v, _ in expected.elements())


#: repository models up to 60 nodes; left out for time: jaoude_thdiff (mpbn takes minutes on
#: its long DNFs), n12c5 (see above), remy_tumorigenesis, zhang_tlgl_v2 and selvaggio_emt
#: (5-10 s each, all three engines agree on them)
MP_MODELS = [
    *SMALL_MODELS,
    "calzone_cellfate",
    "dahlhaus_neuroplastoma",
    "dinwoodie_life",
    "grieco_mapk",
    "irons_yeast",
    "klamt_tcr",
    "randomnet_n15k3",
    "zhang_tlgl",
]


@pytest.mark.parametrize("model", MP_MODELS)
def test_most_permissive_engines_agree_on_repository_models(model) -> None:
    net = repository_network(model)
    found = {
        engine: multiset(find_attractors(net, "most_permissive", engine=engine))
        for engine in engines_for("most_permissive")
    }
    assert found["biobalm"] == found["mpbn"] == found["aeon"] == found["pyboolnet"]
    assert found["mpbn"] == multiset(find_attractors(net, "most_permissive", percolate=False))
    primes = repository_primes(model)
    direct = _pyboolnet().trap_spaces.compute_trap_spaces(primes, "min", max_output=10**6)
    assert {tuple((n, s.get(n, "*")) for n in net.node_names) for s in direct} == set(
        v for v, _ in found["mpbn"]
    )


@pytest.mark.parametrize("model", SMALL_MODELS)
def test_async_attractors_lie_in_minimal_trap_spaces_on_repository_models(model) -> None:
    """True of these models (pyboolnet proves completeness for each), not of every network."""
    net = repository_network(model)
    spaces = [s.values for s in find_attractors(net, "most_permissive")]
    attractors = find_attractors(net, "asynchronous")
    for a in attractors:
        assert sum(inside(a.values, s) for s in spaces) == 1
    for s in spaces:
        assert any(inside(a.values, s) for a in attractors)


# ---- known bug: AEON rejects rules with a regulator that has no effect ---------------------------
AEON_BUG = (
    "_aeon.to_aeon builds the AEON network with BooleanNetwork.from_bnet(...), which marks every "
    "syntactic regulator essential; a rule in which a regulator has no effect then makes AEON "
    "raise 'No update functions satisfy given constraints' (fix: from_bnet(..., repair_graph=True))"
)


def _net(rules: dict[str, str]) -> BooleanNetwork:
    return BooleanNetwork.create("m", {k: parse_expression(v) for k, v in rules.items()})


@pytest.mark.parametrize("semantics", ["asynchronous", "most_permissive"])
def test_aeon_accepts_a_rule_with_a_regulator_without_effect(semantics) -> None:
    # a = b & c | !b & c = c: b is read but has no effect
    net = _net({"aa": "bb & cc | !bb & cc", "bb": "bb", "cc": "cc"})
    expected = find_attractors(net, "most_permissive", engine="mpbn")
    assert multiset(find_attractors(net, semantics, engine="aeon")) == multiset(expected)


def test_percolation_does_not_break_aeon() -> None:
    # every regulator of aa has an effect, but after percolating cc = dd = 1 the rule of aa is
    # bb | !bb, in which bb has none: the default find_attractors(net) fails
    net = _net({"aa": "bb & cc | !bb & dd", "bb": "bb", "cc": "1", "dd": "1"})
    unreduced = find_attractors(net, percolate=False)
    assert multiset(find_attractors(net)) == multiset(unreduced)


def _raw_key(raw: Any) -> list[Any]:
    return sorted((sorted(v.items()), s) for v, s in raw)


def test_peeled_asynchronous_search_equals_the_whole_network_search() -> None:
    """Peeling nodes downstream of everything and extending the core's attractors is exact:
    the same attractors (values and sizes) as AEON on the whole network, for every flagship
    single and double knockout left with free nodes and for hand-made cyclic cores feeding
    downstream nodes that read oscillating nodes together."""
    from mtor_network.attractors import _aeon, _reduce
    from mtor_network.io.bnet import parse_bnet

    net = load_network("hr_breast_cancer")
    cases = []
    for combo in itertools.chain(
        ((a,) for a in net.node_names), itertools.combinations(net.node_names, 2)
    ):
        _, rest = _reduce.percolate(net.perturb(*(knockout(a) for a in combo)))
        if rest is not None:
            cases.append(rest)
    cases += [
        parse_bnet("A, !C\nB, A\nC, B\nD, A & !B\nE, D | C\nF, A & !A\nG, G\nH, G & E"),
        parse_bnet("A, !B\nB, A\nX, A & !B | !A & B\nY, X & A\nZ, !Y"),
        parse_bnet("A, A\nB, !A & B | C\nC, B\nD, B & C"),
    ]
    assert any(_aeon.downstream_order(c) for c in cases)
    for case in cases:
        assert _raw_key(_aeon.asynchronous(case)) == _raw_key(_aeon._asynchronous(case))


# ---- the current flagship (2.0.0) ---------------------------------------------------------------
CURRENT = load_network("hr_breast_cancer")
CURRENT_SETTINGS: list[dict[str, list[str]]] = [
    {},
    *({"drugs": [d]} for d in CURRENT.drugs),
    *({"genotypes": [g]} for g in CURRENT.genotypes),
    *({"environments": [e]} for e in CURRENT.environments),
    {"drugs": ["exemestane", "everolimus"], "environments": ["lted_adapted"]},
    {"drugs": ["letrozole", "palbociclib"], "genotypes": ["ccne1_amplified"]},
    {"drugs": ["pertuzumab", "letrozole"], "genotypes": ["her2_amplified"]},
]


@pytest.mark.parametrize("setting", CURRENT_SETTINGS, ids=setting_id)
def test_current_flagship_engines_agree(setting) -> None:
    """Minimal trap spaces from biobalm's Trappist, mpbn (both clingo, separate encodings) and
    AEON (BDDs) are one set; every asynchronous attractor lies in exactly one of them."""
    net = CURRENT.perturb(*scenario(CURRENT, **setting))
    spaces = {
        engine: multiset(find_attractors(net, "most_permissive", engine=engine))
        for engine in ("biobalm", "mpbn", "aeon")
    }
    assert spaces["biobalm"] == spaces["mpbn"] == spaces["aeon"]
    minimal = [values for values, _ in spaces["biobalm"]]
    for a in find_attractors(net, "asynchronous"):
        assert sum(inside(a.values, s) for s in minimal) == 1, a.values
