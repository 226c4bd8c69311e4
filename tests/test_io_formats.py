"""BooleanNet, BoolNet, PyBoolNet primes, AEON and NuSMV: round trips keep every update function,
other tools load our exports and find the same attractors, published files read right, and bad
files fail with the file, the line and the problem."""

from __future__ import annotations

import subprocess
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mtor_network import BooleanNetwork, ModelFileError, find_attractors
from mtor_network.analysis.equivalence import rule_differences
from mtor_network.exceptions import ModelWarning, MtorNetworkError
from mtor_network.io.aeon import parse_aeon, read_aeon, to_aeon, write_aeon
from mtor_network.io.bnet import read_bnet, write_bnet
from mtor_network.io.booleannet import (
    parse_booleannet,
    read_booleannet,
    to_booleannet,
    write_booleannet,
)
from mtor_network.io.boolnet import parse_boolnet, read_boolnet, to_boolnet, write_boolnet
from mtor_network.io.nusmv import Update, to_nusmv, write_nusmv
from mtor_network.io.primes import parse_primes, read_primes, to_primes, write_primes
from mtor_network.network import Rule

# suffix -> (writer, reader)
FORMATS: dict[str, tuple[Callable[..., None], Callable[[Path], BooleanNetwork]]] = {
    ".booleannet": (write_booleannet, read_booleannet),
    ".boolnet": (write_boolnet, read_boolnet),
    ".primes": (write_primes, read_primes),
    ".aeon": (write_aeon, read_aeon),
}
WITH_COMMENTS = (".booleannet", ".boolnet", ".aeon")

TINY_BNET = """targets, factors
ON,    1
OFF,   0
INPUT, INPUT
AA,    INPUT & !BB | OFF
BB,    AA | OFF & ON
OSC,   !OSC & ON
"""


def _tiny() -> BooleanNetwork:
    """Constants 1 and 0, a self-loop input, a negative loop (AA/BB) and a self-oscillator."""
    from mtor_network.io.bnet import parse_bnet

    return parse_bnet(TINY_BNET, name="tiny")


# The flagship's signal inputs (ligands and aromatase). Freeing all eleven inputs of model 2.0
# gives 2,048 attractors, one of 10^8 states, which takes minutes in every engine; five free
# ligands give 32 attractors with cycles of millions of states, which is what these tests need.
LIGANDS = ("AROMATASE", "IGF1", "INSULIN", "EGF", "FGF")


def _free_inputs(network: BooleanNetwork) -> BooleanNetwork:
    """``network`` with each constant ligand input turned into a self-loop ``X, X``."""
    rules = [
        Rule(n, ("var", n))
        if n in LIGANDS and network.rules[n].expression[0] == "const"
        else network.rules[n]
        for n in network.node_names
    ]
    return BooleanNetwork.create(f"{network.name}_free", rules)


def _networks(flagship: BooleanNetwork) -> dict[str, BooleanNetwork]:
    drug = flagship.named_perturbation("alpelisib")
    deprived = flagship.named_perturbation("estrogen_deprived")
    return {
        "flagship": flagship,
        "perturbed": flagship.perturb(drug, deprived),
        "free_inputs": _free_inputs(flagship),
        "tiny": _tiny(),
    }


@pytest.fixture(scope="module")
def networks(flagship: BooleanNetwork) -> dict[str, BooleanNetwork]:
    return _networks(flagship)


# ---- round trips ---------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", list(FORMATS))
@pytest.mark.parametrize("which", ["flagship", "perturbed", "free_inputs", "tiny"])
def test_round_trip_keeps_every_update_function(
    tmp_path: Path, networks: dict[str, BooleanNetwork], suffix: str, which: str
) -> None:
    network = networks[which]
    write, read = FORMATS[suffix]
    path = tmp_path / f"{which}{suffix}"
    write(network, path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ModelWarning)  # our own files need no interpretation
        back = read(path)
    assert rule_differences(network, back) == {}
    assert back.name == which
    if suffix in WITH_COMMENTS:
        assert back.node_names == network.node_names
        assert [n.label for n in back.nodes] == [n.label for n in network.nodes]
        assert back.title == network.title


def test_round_trip_keeps_labels_and_title_of_the_flagship(flagship: BooleanNetwork) -> None:
    assert any(n.label != n.name for n in flagship.nodes)  # the check below means something
    for text, parse in (
        (to_booleannet(flagship), parse_booleannet),
        (to_boolnet(flagship), parse_boolnet),
        (to_aeon(flagship), parse_aeon),
    ):
        back = parse(text)
        assert {n.name: n.label for n in back.nodes} == {n.name: n.label for n in flagship.nodes}
        assert back.title == flagship.title
        assert f"model: {flagship.name} {flagship.version}" in text


def test_perturbations_are_named_in_the_exports(networks: dict[str, BooleanNetwork]) -> None:
    perturbed = networks["perturbed"]
    for text in (to_booleannet(perturbed), to_boolnet(perturbed), to_aeon(perturbed)):
        assert "# perturbations: " in text and "alpelisib" in text
    assert "-- perturbations: " in to_nusmv(perturbed)


def test_aeon_writes_the_name_and_inferred_signs(flagship: BooleanNetwork) -> None:
    text = to_aeon(flagship)
    assert text.startswith(f"#name:{flagship.name}\n")
    assert "S6K1 -| IRS1" in text.splitlines()
    assert "IGF1R -> IRS1" in text.splitlines()
    assert parse_aeon(text).name == flagship.name  # no name given: the annotation


def test_aeon_reads_every_operator_and_keeps_non_monotone_regulations() -> None:
    text = "a -? a\nb -? a\na -?? b\nb -? b\n$a: a <=> b\n$b: (a => !b) ^ b\n"
    net = parse_aeon(text)
    from mtor_network.expressions import parse_expression

    expected = {
        "a": parse_expression("a & b | !a & !b"),
        "b": parse_expression("((!a | !b) & !b) | (!(!a | !b) & b)"),
    }
    reference = BooleanNetwork.create("x", expected)
    assert rule_differences(net, reference) == {}
    back = parse_aeon(to_aeon(net))
    assert rule_differences(net, back) == {}


# ---- other tools load our exports -----------------------------------------------------------
def _our(network: BooleanNetwork, semantics: str) -> set[tuple[tuple[str, Any], ...]]:
    return {a.values for a in find_attractors(network, semantics)}  # type: ignore[arg-type]


def _our_sized(network: BooleanNetwork) -> set[tuple[tuple[tuple[str, Any], ...], int | None]]:
    return {(a.values, a.size) for a in find_attractors(network, "asynchronous")}


# Attractors with more states than this are compared by subspace and state count: listing the
# states of a large cyclic attractor one by one (model 2.0 with free inputs) would take hours.
EXACT_STATE_LIMIT = 4096


def _aeon_attractors(bn: Any, nodes: tuple[str, ...]) -> tuple[set[Any], set[Any], set[Any]]:
    """biodivine-aeon's own asynchronous attractors (subspace and size), their exact state sets,
    and its fixed points."""
    import biodivine_aeon as ba

    graph = ba.AsynchronousGraph(bn)
    sized, exact = set(), set()
    for attractor in ba.Attractors.attractors(graph):
        vertices = attractor.vertices()
        enclosing = vertices.enclosing_subspace()
        assert enclosing is not None  # an attractor is never empty
        space = {graph.get_network_variable_name(v): int(x) for v, x in enclosing.items()}
        values = tuple((n, space.get(n, "*")) for n in nodes)
        sized.add((values, int(vertices.cardinality())))
        if vertices.cardinality() <= EXACT_STATE_LIMIT:
            exact.add(
                frozenset(tuple(int(m.to_named_dict()[n]) for n in nodes) for m in vertices.items())
            )
        else:  # too many states to list one by one: the subspace and the count stand for it
            exact.add((values, int(vertices.cardinality())))
    fixed = {
        tuple((n, int(m.to_named_dict()[n])) for n in nodes)
        for m in ba.FixedPoints.symbolic_vertices(graph).items()
    }
    return sized, exact, fixed


@pytest.mark.parametrize("which", ["flagship", "perturbed", "free_inputs", "tiny"])
def test_biodivine_aeon_loads_our_bnet_and_aeon_and_agrees(
    tmp_path: Path, networks: dict[str, BooleanNetwork], which: str
) -> None:
    import biodivine_aeon as ba

    network = networks[which]
    nodes = network.node_names
    write_bnet(network, tmp_path / "m.bnet")
    write_aeon(network, tmp_path / "m.aeon")
    from_bnet = ba.BooleanNetwork.from_file(str(tmp_path / "m.bnet"))
    from_aeon = ba.BooleanNetwork.from_file(str(tmp_path / "m.aeon"))
    assert from_aeon.check_regulation_constraints() == []  # our signs and observability hold
    ours = _our_sized(network)
    ours_fixed = {a.values for a in find_attractors(network, "asynchronous") if a.is_fixed_point}
    exact_sets = []
    for bn in (ba.BooleanNetwork.from_bnet(from_bnet.to_bnet(), repair_graph=True), from_aeon):
        sized, exact, fixed = _aeon_attractors(bn, nodes)
        assert sized == ours
        assert fixed == ours_fixed
        exact_sets.append(exact)
    assert exact_sets[0] == exact_sets[1]
    if which == "tiny":  # the oscillations are real: AA/BB loop and OSC
        assert any(size and size > 1 for _, size in ours)


def test_biodivine_aeon_reads_our_booleannet(networks: dict[str, BooleanNetwork]) -> None:
    import biodivine_aeon as ba

    from mtor_network.io.bnet import parse_bnet

    for network in networks.values():
        theirs = ba.BooleanNetwork.from_booleannet(to_booleannet(network))
        assert rule_differences(network, parse_bnet(theirs.to_bnet())) == {}


@pytest.fixture(scope="module")
def pyboolnet_modules() -> Any:
    from mtor_network.attractors._pyboolnet import _prepare

    _prepare()
    import pyboolnet.file_exchange
    import pyboolnet.trap_spaces

    return pyboolnet


def _canonical_primes(primes: dict[str, Any]) -> dict[str, list[list[tuple[Any, ...]]]]:
    """Prime implicants as sorted lists: a primes file may list them in any order."""
    return {
        node: [sorted(tuple(sorted(p.items())) for p in side) for side in sides]
        for node, sides in primes.items()
    }


@pytest.mark.parametrize("which", ["flagship", "perturbed", "free_inputs", "tiny"])
def test_pyboolnet_loads_our_bnet_and_primes_and_agrees(
    tmp_path: Path, networks: dict[str, BooleanNetwork], which: str, pyboolnet_modules: Any
) -> None:
    pbn = pyboolnet_modules
    network = networks[which]
    nodes = network.node_names
    write_bnet(network, tmp_path / "m.bnet")
    write_primes(network, tmp_path / "m.primes")
    ours_fixed = {a.values for a in find_attractors(network, "asynchronous") if a.is_fixed_point}
    ours_traps = _our(network, "most_permissive")
    loaded = [
        pbn.file_exchange.bnet2primes(str(tmp_path / "m.bnet")),
        pbn.file_exchange.read_primes(str(tmp_path / "m.primes")),
    ]
    assert _canonical_primes(loaded[0]) == _canonical_primes(loaded[1])  # the order is free
    for primes in loaded:
        steady = pbn.trap_spaces.compute_steady_states(primes, max_output=10**6)
        assert {tuple((n, int(s[n])) for n in nodes) for s in steady} == ours_fixed
        spaces = pbn.trap_spaces.compute_trap_spaces(primes, "min", max_output=10**6)
        assert {tuple((n, s.get(n, "*")) for n in nodes) for s in spaces} == ours_traps


def test_our_primes_reader_reads_what_pyboolnet_writes(
    tmp_path: Path, networks: dict[str, BooleanNetwork], pyboolnet_modules: Any
) -> None:
    pbn = pyboolnet_modules
    network = networks["perturbed"]
    path = tmp_path / "theirs.primes"
    primes = pbn.file_exchange.bnet2primes(network.to_bnet())
    pbn.file_exchange.write_primes(primes, str(path))  # a Python literal, single quotes
    assert "'" in path.read_text()
    back = read_primes(path)
    assert rule_differences(network, back) == {}
    assert back.name == "theirs"


@pytest.mark.parametrize("which", ["flagship", "perturbed", "free_inputs", "tiny"])
def test_mpbn_loads_our_bnet_and_agrees(
    tmp_path: Path, networks: dict[str, BooleanNetwork], which: str
) -> None:
    import mpbn

    network = networks[which]
    write_bnet(network, tmp_path / "m.bnet")
    theirs = mpbn.MPBooleanNetwork(str(tmp_path / "m.bnet"))
    found = {tuple((n, a[n]) for n in network.node_names) for a in theirs.attractors()}
    assert found == _our(network, "most_permissive")


# ---- NuSMV ----------------------------------------------------------------------------------
def _nusmv(path: Path) -> list[bool]:
    from mtor_network.attractors._pyboolnet import _prepare, nusmv_available

    _prepare()
    if not nusmv_available():
        pytest.skip("pyboolnet's NuSMV does not run here (Debian needs libtinfo5)")
    import pyboolnet.model_checking as mc

    done = subprocess.run(
        [mc.CMD_NUSMV, "-dcx", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=mc.get_env_with_libreadline6_on_ld_library_path(),
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    verdicts = [line for line in done.stdout.splitlines() if line.startswith("-- specification")]
    return [line.rstrip().endswith("is true") for line in verdicts]


def _state(values: dict[str, Any]) -> str:
    return "(" + " & ".join(n if v else f"!{n}" for n, v in values.items() if v != "*") + ")"


@pytest.mark.parametrize("update", ["asynchronous", "synchronous"])
@pytest.mark.parametrize("which", ["flagship", "perturbed", "free_inputs"])
def test_nusmv_accepts_our_file_and_proves_our_fixed_points(
    tmp_path: Path, networks: dict[str, BooleanNetwork], which: str, update: Update
) -> None:
    network = networks[which]
    fixed = [a.value_map for a in find_attractors(network, "asynchronous") if a.is_fixed_point]
    path = tmp_path / "m.smv"
    if not fixed:  # the untreated model 2.0 cycles (the cell cycle): NuSMV must agree
        specs = ["CTLSPEC AG(!STEADYSTATE)", "CTLSPEC EF(STEADYSTATE)"]
        write_nusmv(network, path, update=update, specifications=specs)
        assert _nusmv(path) == [True, False]
        return
    steady = " | ".join(_state(v) for v in fixed)
    first = _state(fixed[0])
    specs = [
        f"CTLSPEC AG(STEADYSTATE <-> ({steady}))",  # exactly our fixed points are steady
        f"CTLSPEC AG({first} -> AX({first}))",  # a fixed point is never left
        "CTLSPEC AG(!STEADYSTATE)",  # false: there are steady states (NuSMV really checks)
    ]
    write_nusmv(network, path, update=update, specifications=specs)
    assert _nusmv(path) == [True, True, False]


def test_nusmv_sees_the_oscillation_of_the_tiny_network(tmp_path: Path) -> None:
    tiny = _tiny()
    path = tmp_path / "tiny.smv"
    specs = [
        "CTLSPEC AG(!STEADYSTATE)",  # OSC = !OSC: no steady state at all
        "CTLSPEC AG(EF(OSC) & EF(!OSC))",  # asynchronously OSC keeps flipping
        "CTLSPEC AG(INPUT -> AG(INPUT))",  # the self-loop input keeps its value
        "CTLSPEC AG(OFF -> EF(!OFF))",  # the constant 0 goes to 0
    ]
    write_nusmv(tiny, path, specifications=specs)
    assert _nusmv(path) == [True, True, True, True]
    text = path.read_text()
    assert "next(OSC) := {OSC, OSC_IMAGE};" in text
    assert "ON_IMAGE := TRUE;" in text and "OFF_IMAGE := FALSE;" in text


def test_nusmv_labels_are_comments_and_reserved_names_refused(flagship: BooleanNetwork) -> None:
    text = to_nusmv(flagship)
    assert "-- Aromatase (CYP19A1)" in text
    clash = BooleanNetwork.create("x", {"AG": ("var", "AG"), "next": ("not", ("var", "AG"))})
    with pytest.raises(MtorNetworkError, match=r"reserved in NuSMV: AG, next"):
        to_nusmv(clash)
    with pytest.raises(MtorNetworkError, match="unknown update"):
        to_nusmv(flagship, update="mixed")  # type: ignore[arg-type]


# ---- published models -----------------------------------------------------------------------
def _strip_v(network: BooleanNetwork) -> dict[str, str]:
    return {n: n[2:] for n in network.node_names if n.startswith("v_")}


def _quiet_bnet(path: Path) -> BooleanNetwork:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)  # BBM lists inputs implicitly
        return read_bnet(path)


def test_zanudo2017_booleannet_matches_the_bbm_bnet(shared_dir: Path) -> None:
    folder = shared_dir / "reference-models" / "zanudo2017_er_pik3ca"
    theirs = read_booleannet(folder / "BreastCancerModel_ZanudoEtAl2017.booleannet")
    assert len(theirs) == 80
    assert theirs.rule("Alpelisib").expression == ("var", "Alpelisib")  # drug: self-loop input
    bbm = _quiet_bnet(folder / "BBM140_BREAST-CANCER-DRUG-RESISTANCE.bnet")
    assert rule_differences(theirs, bbm, rename=_strip_v(bbm)) == {}


def test_zanudo2021_booleannet_files(shared_dir: Path) -> None:
    folder = shared_dir / "reference-models" / "zanudo2021_er_pi3k_cell_lines"
    general = read_booleannet(folder / "BreastCancerModel_ZanudoEtAl2020.booleannet")
    mcf7 = read_booleannet(folder / "BreastCancerModel_ZanudoEtAl2020_MCF7.booleannet")
    t47d = read_booleannet(folder / "BreastCancerModel_ZanudoEtAl2020_T47D.booleannet")
    assert len(general) == len(mcf7) == len(t47d) == 100
    assert set(rule_differences(mcf7, t47d)) == {"BCLXL_T"}  # as the README says
    bbm = _quiet_bnet(folder / "BBM143_BREAST-CANCER-INHIBITORS.bnet")
    # every rule BBM143 has agrees; it lacks three top levels of multi-level nodes
    assert rule_differences(general, bbm, rename=_strip_v(bbm)) == {
        name: "missing in the second network" for name in ("pRb_3", "E2F_3", "Proliferation_4")
    }


def test_published_booleannet_agrees_with_biodivine_aeons_reader(shared_dir: Path) -> None:
    import biodivine_aeon as ba

    from mtor_network.io.bnet import parse_bnet

    paths = sorted((shared_dir / "reference-models").glob("zanudo*/*.booleannet"))
    assert len(paths) == 4
    for path in paths:
        ours = read_booleannet(path)
        theirs = ba.BooleanNetwork.from_booleannet(path.read_text())
        assert rule_differences(ours, parse_bnet(theirs.to_bnet())) == {}, path.name


@pytest.mark.parametrize("suffix", list(FORMATS))
def test_published_model_round_trips(shared_dir: Path, tmp_path: Path, suffix: str) -> None:
    folder = shared_dir / "reference-models" / "zanudo2017_er_pik3ca"
    model = read_booleannet(folder / "BreastCancerModel_ZanudoEtAl2017.booleannet")
    write, read = FORMATS[suffix]
    write(model, tmp_path / f"z{suffix}")
    assert rule_differences(model, read(tmp_path / f"z{suffix}")) == {}


# ---- format details -------------------------------------------------------------------------
def test_booleannet_accepts_initial_states_ranks_and_tight_syntax() -> None:
    text = (
        "# initial state\nA = True\nB = C = False\nD = Random\n"
        "A*=A\nB *= not A and (C or False)\n1: C* = B or 0\nD* = not D\n"
    )
    with pytest.warns(ModelWarning, match="ranks"):
        net = parse_booleannet(text)
    expected = {"A": "A", "B": "!A & (C | 0)", "C": "B | 0", "D": "!D"}
    assert {n: r.text for n, r in net.rules.items()} == expected


def test_booleannet_refuses_to_write_operator_names() -> None:
    net = BooleanNetwork.create("x", {"Not": ("var", "Not"), "A": ("var", "Not")})
    with pytest.raises(MtorNetworkError, match="Not are BooleanNet operators"):
        to_booleannet(net)


def test_booleannet_node_without_rule_becomes_an_input() -> None:
    with pytest.warns(ModelWarning, match="'B' .* input"):
        net = parse_booleannet("A* = B and not A\n")
    assert net.rule("B").expression == ("var", "B")


def test_boolnet_output_has_the_header_loadnetwork_needs(flagship: BooleanNetwork) -> None:
    lines = [x for x in to_boolnet(flagship).splitlines() if not x.startswith("#")]
    assert lines[0] == "targets, factors"
    assert all(", " in x for x in lines[1:])
    assert parse_boolnet("TARGETS, FUNCTIONS\nA, !A\n").rule("A").text == "!A"


def test_aeon_free_input_becomes_an_input_with_a_warning() -> None:
    with pytest.warns(ModelWarning, match="'a' has no regulators and no update function"):
        net = parse_aeon("a -> b\n$b: a\n")
    assert net.rule("a").expression == ("var", "a")


def test_aeon_contradicted_annotation_warns_with_its_line() -> None:
    with pytest.warns(ModelWarning, match=r"line 1: Regulator `a` is not positively monotone"):
        net = parse_aeon("a -> b\n$a: true\n$b: !a\n", file="m.aeon")
    assert net.rule("b").text == "!a"


def test_primes_are_complete_dnf_of_the_one_primes(networks: dict[str, BooleanNetwork]) -> None:
    tiny = networks["tiny"]
    text = to_primes(tiny)
    assert '"ON": [[], [{}]]' in text and '"OFF": [[{}], []]' in text
    assert parse_primes(text).rule("ON").expression == ("const", True)


# ---- bad files ------------------------------------------------------------------------------
BAD_FILES: list[tuple[str, str, int | None, str]] = [
    # (suffix, text, line, words in the message)
    (".booleannet", "", None, "empty BooleanNet file"),
    (".booleannet", "# only a comment\n", None, "empty BooleanNet file"),
    (".booleannet", "A* = A\nB = A and C\n", 2, "needs '*='"),
    (".booleannet", "A* = A\nB* = A and (A or B\n", 2, "unbalanced '('"),
    (".booleannet", "A* = A\nB* = A and A) or B\n", 2, "unbalanced ')'"),
    (".booleannet", "A* = A\nB* = A\nA* = not A\n", 3, "duplicate rule for 'A'"),
    (".booleannet", "A* = A and\n", 1, "expression ends"),
    (".booleannet", "A B* = A\n", 1, "expected an update rule"),
    (".boolnet", "", None, "empty BoolNet file"),
    (".boolnet", "A, B\nB, A\n", 1, "header 'targets, factors'"),
    (".boolnet", "targets, factors\nA, B & (A\nB, A\n", 2, "unbalanced '('"),
    (".boolnet", "targets, factors\nA, B &\nB, A\n", 2, "expression ends"),
    (".boolnet", "targets, factors\nA, B\nB, A\nA, !B\n", 4, "second rule for 'A'"),
    (".boolnet", "targets, factors\nA, B & C\nB, A\n", 2, "reads 'C', which has no rule"),
    (".boolnet", "targets, factors, probabilities\nA, A, 1\n", 1, "probabilistic"),
    (".boolnet", "targets, factors\nA, A, 0.5\n", 2, "probabilistic"),
    (".boolnet", "targets, factors\nA, maj(A, A, A)\n", 2, "maj(...)"),
    (".boolnet", "targets, factors\nA, A[-2]\n", 2, "time delay"),
    (".primes", "", None, "empty primes file"),
    (".primes", '{"A": [[{"A": 0}], [{"A": 1}]]', 1, "not valid JSON"),
    (".primes", '{\n"A": [[{"A": 0}], [{"A": 1}]],\n"A": [[], [{}]]\n}', 3, "twice"),
    (".primes", '{\n"A": [[{"B": 0}], [{"B": 1}]]\n}', 2, "'B', which is not a node"),
    (".primes", '{\n"A": [[{"A": 0}]]\n}', 2, "pair [zero_primes, one_primes]"),
    (".primes", '{\n"A": [[], []]\n}', 2, "not complementary"),
    (".primes", '{\n"A": [[{"A": 2}], [{"A": 1}]]\n}', 2, "must be 0 or 1"),
    (".primes", "[]", 1, "expected an object"),
    (".aeon", "", None, "empty AEON file"),
    (".aeon", "#name:x\n# nothing else\n", None, "empty AEON file"),
    (".aeon", "a -> b\na => b\n", 2, "expected a regulation"),
    (".aeon", "a -> b\n$a: true\n$b: (a & a\n", 3, "Expected ')'"),
    (".aeon", "a -> b\n$a: true\n$b: a & a)\n", 3, "update function of 'b'"),
    (".aeon", "a -> b\n$a: true\n$b: a\n$b: !a\n", 4, "second update function for 'b'"),
    (".aeon", "a -> b\na -| b\n$a: true\n$b: a\n", 2, "second regulation a -> b"),
    (".aeon", "a -> b\n$a: true\n$b: a & c\n", 3, "'c', which is not a variable"),
    (".aeon", "a -> b\nc -> c\n$a: true\n$c: c\n$b: a & c\n", 5, "no regulation 'c -> b'"),
    (".aeon", "a -> b\n$a: true\n", 1, "no update function '$b: ...'"),
    (".aeon", "a -> b\n$a: true\n$b: f(a)\n", 3, "uninterpreted function"),
    (".aeon", "a -> 1b\n$a: true\n", 1, "invalid node name '1b'"),
    (".aeon", "$: true\n", 1, "missing node name"),
]


@pytest.mark.parametrize(
    ("suffix", "text", "line", "words"),
    BAD_FILES,
    ids=[f"{s[1:]}-{i}" for i, (s, *_rest) in enumerate(BAD_FILES)],
)
def test_bad_files_name_file_line_and_problem(
    tmp_path: Path, suffix: str, text: str, line: int | None, words: str
) -> None:
    path = tmp_path / f"bad{suffix}"
    path.write_text(text, encoding="utf-8")
    _write, read = FORMATS[suffix]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)
        with pytest.raises(ModelFileError) as info:
            read(path)
    error = info.value
    assert error.file == str(path)
    assert error.line == line
    assert words in str(error)
    assert str(error).startswith(str(path) + (f", line {line}" if line else ":"))


def test_missing_and_binary_files_are_model_file_errors(tmp_path: Path) -> None:
    for _write, read in FORMATS.values():
        with pytest.raises(ModelFileError, match="file not found"):
            read(tmp_path / "nope.txt")
    binary = tmp_path / "b.aeon"
    binary.write_bytes(b"a -> b\x00\n")
    with pytest.raises(ModelFileError, match="binary"):
        read_aeon(binary)
