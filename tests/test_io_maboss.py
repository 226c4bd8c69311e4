"""MaBoSS .bnd/.cfg: round trips by function, MaBoSS itself loading our files and finding exactly
our fixed points, MaBoSS's own exports read back, and bad files named by file and line."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from mtor_network import BooleanNetwork, ModelFileError, find_attractors
from mtor_network.analysis.equivalence import rule_differences, same_function
from mtor_network.exceptions import ModelWarning, MtorNetworkError, UnknownNameError
from mtor_network.expressions import parse_expression
from mtor_network.io.bnet import parse_bnet, read_bnet
from mtor_network.io.maboss import (
    MaBoSSSettings,
    maboss_logic,
    parse_maboss,
    parse_maboss_logic,
    parse_maboss_settings,
    read_maboss,
    read_maboss_settings,
    to_maboss,
    write_maboss,
)

maboss = pytest.importorskip("maboss")

TINY_BNET = """\
ON, 1
OFF, 0
A, ON & !B
B, !A | OFF
C, (A | B) & !(A & B)
D, D
"""

TUTORIAL_BND = """\
/* A tutorial-style model written by hand: both operator spellings,
   block and line comments, a node without logic. */
Node Input {
  rate_up = 0;
  rate_down = 0;
}
node A {
  logic = Input && !B;   // activated by the input unless B is on
  rate_up = @logic ? $u_A : 0;
  rate_down = @logic ? 0 : $d_A;
}
Node B {
  logic = (A OR C) AND NOT Input;
  rate_up = ($Low_B ? 0 : ($High_B ? 1E308/$nb_mutable : (@logic ? 1.0 : 0.0)));
  rate_down = @logic ? 0.0 : 2;
}
Node C { logic = A ^ B | C; }
"""

TUTORIAL_CFG = """\
$u_A = 0.5;  $d_A = 2 * $u_A;
$Low_B = 0; $High_B = 0; $nb_mutable = 0;
Input.istate = 1;
[A, B].istate = 0.25 [0, 0], 0.5 [1, 0], 0.25 [1, 1];
C.istate = -1;
time_tick = 0.1; max_time = 20; sample_count = 500;
A.is_internal = 1;
"""


def _tiny() -> BooleanNetwork:
    return parse_bnet(TINY_BNET, name="tiny")


# ---- round trips ----------------------------------------------------------------------------
@pytest.mark.parametrize("which", ["flagship", "perturbed", "tiny"])
def test_round_trip_keeps_every_function(
    tmp_path: Path, flagship: BooleanNetwork, which: str
) -> None:
    network = {
        "flagship": flagship,
        "perturbed": flagship.perturb(
            flagship.named_perturbation("alpelisib"), flagship.named_perturbation("pten_loss")
        ),
        "tiny": _tiny(),
    }[which]
    write_maboss(network, tmp_path / "m.bnd")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.bnd", "m.cfg"]  # no temp files left
    back = read_maboss(tmp_path / "m.bnd")
    assert back.name == "m"
    assert back.node_names == network.node_names
    assert rule_differences(network, back) == {}
    # labels, modules, kinds, descriptions, justifications and the model's title survive
    for node in network.nodes:
        assert back.node(node.name) == node
        assert back.rules[node.name].justification == network.rules[node.name].justification
    assert (back.title, back.version) == (network.title, network.version)
    assert read_maboss(tmp_path / "m.cfg").node_names == network.node_names


def test_perturbation_is_written_as_constants_and_a_comment(flagship: BooleanNetwork) -> None:
    perturbed = flagship.perturb(flagship.named_perturbation("alpelisib"))
    bnd, _ = to_maboss(perturbed)
    assert "// perturbations: alpelisib (PI3K=0)" in bnd
    block = bnd.split("Node PI3K {")[1].split("}")[0]
    assert "logic = 0;" in block


def test_logic_printer_and_parser_agree() -> None:
    expr = parse_expression("!(A | B) & C | !D & (E | !F)")
    text = maboss_logic(expr)
    assert text == "NOT (A OR B) AND C OR NOT D AND (E OR NOT F)"
    assert parse_maboss_logic(text) == expr
    # MaBoSS precedence: NOT > AND > OR > XOR, all spellings
    xor = parse_maboss_logic("A ^ B | C")
    assert same_function(xor, parse_expression("A & !(B | C) | !A & (B | C)"))
    assert same_function(parse_maboss_logic("!A && B || C & A"), parse_expression("!A&B | C&A"))
    assert same_function(parse_maboss_logic("a XOR b XOR c"), parse_maboss_logic("(a ^ b) ^ c"))


def test_settings_written_and_read_back(tmp_path: Path, flagship: BooleanNetwork) -> None:
    write_maboss(
        flagship,
        tmp_path / "m.cfg",
        rates={"MTORC1": 10.0, "FOXO": (0.1, 0.2)},
        initial_state={"E2": 0, "IGF1": True, "ER": 0.25},
        settings={"sample_count": 500, "max_time": 30, "seed_pseudorandom": 7},
    )
    settings = read_maboss_settings(tmp_path / "m.bnd")
    assert isinstance(settings, MaBoSSSettings)
    assert settings.rates["MTORC1"] == (10.0, 10.0)
    assert settings.rates["FOXO"] == (0.1, 0.2)
    assert settings.rates["ER"] == (1.0, 1.0)
    assert set(settings.rates) == set(flagship.node_names)
    assert settings.initial_state["E2"] == 0.0
    assert settings.initial_state["IGF1"] == 1.0
    assert settings.initial_state["ER"] == 0.25
    assert settings.initial_state["AKT"] == 0.5
    assert settings.parameters["sample_count"] == 500
    assert settings.parameters["max_time"] == 30
    assert settings.parameters["seed_pseudorandom"] == 7
    assert settings.parameters["thread_count"] == 1
    # by default MaBoSS reports the phenotype markers only
    assert sorted(settings.outputs) == ["APOPTOSIS", "PROLIFERATION"]
    assert settings.rate_expressions["ER"] == ("@logic ? $u_ER : 0", "@logic ? 0 : $d_ER")
    _, cfg = to_maboss(flagship, settings={"outputs": "all"})
    assert "is_internal = 1" not in cfg
    _, cfg = to_maboss(flagship, settings={"outputs": ["AKT"]})
    assert "AKT.is_internal = 0;" in cfg and cfg.count("is_internal = 0;") == 1


def test_bad_writer_arguments(flagship: BooleanNetwork) -> None:
    with pytest.raises(UnknownNameError, match="MTORC"):
        to_maboss(flagship, rates={"MTORC": 2.0})
    with pytest.raises(MtorNetworkError, match="rate of 'AKT'"):
        to_maboss(flagship, rates={"AKT": -1.0})
    with pytest.raises(MtorNetworkError, match="initial state of 'AKT'"):
        to_maboss(flagship, initial_state={"AKT": 2})
    with pytest.raises(UnknownNameError, match="sample_count"):
        to_maboss(flagship, settings={"sample_cont": 10})
    with pytest.raises(UnknownNameError, match="node"):
        to_maboss(flagship, settings={"outputs": ["NOPE"]})


# ---- MaBoSS itself reads our files ------------------------------------------------------------
def _write(tmp_path: Path, network: BooleanNetwork, **settings: object) -> Path:
    bnd_path = tmp_path / f"{network.name}.bnd"
    write_maboss(network, bnd_path, settings={"outputs": "all", **settings})
    return bnd_path


def test_maboss_parsers_load_our_files(
    tmp_path: Path, flagship: BooleanNetwork, monkeypatch: pytest.MonkeyPatch
) -> None:
    bnd = _write(tmp_path, flagship, sample_count=123)
    cfg = bnd.with_suffix(".cfg")
    # the C++ engine (cMaBoSS): its reading of each node (rates included) is our function
    sim = maboss.load(str(bnd), str(cfg), cmaboss=True)
    assert sim.check() == []
    rules = sim.get_logical_rules()
    assert set(rules) == set(flagship.node_names)
    for node, text in rules.items():
        assert same_function(parse_expression(text), flagship.rules[node].expression), node
    assert "sample_count = 123;" in sim.str_cfg()
    # the Python parser of pyMaBoSS (its '--check' runs the MaBoSS binary, absent here)
    monkeypatch.setattr(maboss.simulation.Simulation, "check", lambda self, command=None: [])
    py_sim = maboss.load(str(bnd), str(cfg))
    assert list(py_sim.network) == list(flagship.node_names)
    for node in flagship.node_names:
        logic = parse_maboss_logic(py_sim.network[node].logExp)
        assert same_function(logic, flagship.rules[node].expression), node
        assert py_sim.network[node].is_internal is False
    assert py_sim.network.get_istate()["AKT"] == {0: 0.5, 1: 0.5}
    assert py_sim.param["sample_count"] == 123


def _maboss_fixed_points(tmp_path: Path, network: BooleanNetwork, samples: int) -> set[frozenset]:
    bnd = _write(
        tmp_path, network, sample_count=samples, max_time=60, seed_pseudorandom=11, thread_count=1
    )
    result = maboss.load(str(bnd), str(bnd.with_suffix(".cfg")), cmaboss=True).run()
    table = result.get_fptable()
    states = set()
    for state in table["State"]:
        on = [] if state.strip() == "<nil>" else [s.strip() for s in state.split("--")]
        assert set(on) <= set(network.node_names)
        states.add(frozenset(on))
    return states


def _our_fixed_points(network: BooleanNetwork) -> tuple[set[frozenset], bool]:
    """Our fixed points, and whether every one of them is reached from the uniform start
    surely enough to demand that MaBoSS finds it: either it is the only attractor (every
    trajectory ends in it), or the network is so small (<= 8 nodes) that each fixed point is
    itself drawn as a start state with probability >= 1/256 (missed by 4000 samples with
    probability < 2e-7; the seed is fixed anyway)."""
    result = find_attractors(network, "asynchronous")
    points = {frozenset(n for n, v in a.values if v == 1) for a in result if a.is_fixed_point}
    only_fixed_points = all(a.is_fixed_point for a in result)
    reachable = only_fixed_points and (len(result) == 1 or len(network) <= 8)
    return points, reachable


@pytest.mark.parametrize(
    "perturbations",
    [("everolimus", "letrozole"), ("everolimus", "dactolisib"), ("letrozole",)],
    ids=["everolimus+letrozole", "everolimus+dactolisib", "letrozole_cycles"],
)
def test_maboss_fixed_points_are_ours(
    tmp_path: Path, flagship: BooleanNetwork, perturbations: tuple[str, ...]
) -> None:
    network = flagship.perturb(*(flagship.named_perturbation(p) for p in perturbations))
    ours, reachable = _our_fixed_points(network)
    theirs = _maboss_fixed_points(tmp_path, network, samples=1500)
    assert theirs <= ours
    if perturbations == ("letrozole",):
        assert ours == set() and theirs == set()  # a cyclic attractor only: no fixed point
    else:
        assert reachable and len(ours) == 1
        assert theirs == ours


def test_maboss_finds_both_fixed_points_of_a_switch(tmp_path: Path) -> None:
    switch = parse_bnet("A, !B\nB, !A\nC, A & B | C\nD, A | D & !B\n", name="switch")
    ours, reachable = _our_fixed_points(switch)
    assert len(ours) >= 3 and reachable  # A/B bistable, times C and D memories
    theirs = _maboss_fixed_points(tmp_path, switch, samples=4000)
    assert theirs == ours


# ---- MaBoSS's own files read by us -------------------------------------------------------------
def test_read_bnd_written_by_maboss_from_bnet(tmp_path: Path, flagship: BooleanNetwork) -> None:
    (tmp_path / "f.bnet").write_text(flagship.to_bnet())
    maboss.bnet_to_bnd_and_cfg(
        str(tmp_path / "f.bnet"), str(tmp_path / "f.bnd"), str(tmp_path / "f.cfg")
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ModelWarning)  # standard rates, every node has logic
        back = read_maboss(tmp_path / "f.bnd")
    assert rule_differences(flagship, back) == {}
    settings = read_maboss_settings(tmp_path / "f.bnd")
    assert set(settings.rates) == set(flagship.node_names)  # default rates: 1 and 1


def test_read_reference_model_through_maboss(tmp_path: Path, shared_dir: Path) -> None:
    """Zanudo 2017 (80 nodes: MaBoSS's 128-node build). The BBM file leaves its inputs
    implicit, which MaBoSS refuses; our BNet declares them."""
    folder = shared_dir / "reference-models" / "zanudo2017_er_pik3ca"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)
        reference = read_bnet(folder / "BBM140_BREAST-CANCER-DRUG-RESISTANCE.bnet")
    (tmp_path / "z.bnet").write_text(reference.to_bnet())
    maboss.bnet_to_bnd_and_cfg(
        str(tmp_path / "z.bnet"), str(tmp_path / "z.bnd"), str(tmp_path / "z.cfg")
    )
    back = read_maboss(tmp_path / "z.bnd")
    assert len(back) == len(reference) == 80
    assert rule_differences(reference, back) == {}


def test_read_network_built_with_the_maboss_python_api() -> None:
    nodes = [
        maboss.Node("A", logExp="B AND NOT C"),
        maboss.Node("B", logExp="A XOR C"),
        maboss.Node("C", logExp="!A || B"),
    ]
    for node in nodes:
        node.set_rate("1", "1")
    network = parse_maboss(str(maboss.Network(nodes)), name="built")
    expected = parse_bnet("A, B & !C\nB, A & !C | !A & C\nC, !A | B\n", name="expected")
    assert rule_differences(expected, network) == {}
    # pyMaBoSS's default rates are constants: MaBoSS then ignores the logic, and we say so
    plain = maboss.Network([maboss.Node("A", logExp="!A")])
    with pytest.warns(ModelWarning, match="does not depend on @logic"):
        parse_maboss(str(plain), name="plain")


def test_read_tutorial_model_and_its_settings(tmp_path: Path) -> None:
    with pytest.warns(ModelWarning, match="'Input' has no 'logic'"):
        network = parse_maboss(TUTORIAL_BND, TUTORIAL_CFG, name="tutorial")
    expected = parse_bnet(
        "Input, Input\nA, Input & !B\nB, (A | C) & !Input\nC, A & !(B | C) | !A & (B | C)\n",
        name="expected",
    )
    assert rule_differences(expected, network) == {}
    assert network.node("Input").kind == "input"
    settings = parse_maboss_settings(TUTORIAL_BND, TUTORIAL_CFG)
    assert settings.variables["d_A"] == 1.0
    assert settings.rates["A"] == (0.5, 1.0)
    assert settings.rates["C"] == (1.0, 1.0)  # absent rates are MaBoSS's default, 1
    assert settings.rates["Input"] == (0.0, 0.0)  # never moves
    assert "B" not in settings.rates  # a mutation rate: kept as text only
    assert "@logic ? 1.0 : 0.0" in settings.rate_expressions["B"][0]
    assert settings.initial_state == {"Input": 1.0, "A": 0.75, "B": 0.25, "C": 0.5}
    assert settings.parameters == {"time_tick": 0.1, "max_time": 20.0, "sample_count": 500.0}
    assert settings.outputs == ("Input", "B", "C")
    # cMaBoSS accepts the same files
    (tmp_path / "t.bnd").write_text(TUTORIAL_BND)
    (tmp_path / "t.cfg").write_text(TUTORIAL_CFG)
    assert maboss.load(str(tmp_path / "t.bnd"), str(tmp_path / "t.cfg"), cmaboss=True).check() == []


def test_scalar_istate_is_read_as_maboss_reads_it() -> None:
    with pytest.warns(ModelWarning, match=r"reads 'A.istate = 0.5' as 1"):
        settings = parse_maboss_settings("Node A { logic = A; }", "A.istate = 0.5;")
    assert settings.initial_state == {"A": 1.0}


SHORT_BND = """\
targets, factors
A, B
B, !A | C // a BNet-like line
Node C {
  logic = C;
}
D : A &
  /* spans lines, no ';' */ B
E : D;
F : $choice ? D : NOT E
G: 1 AND NOT 0
H : 1 & 2;
I : A & 0.5 | 0.0
"""


def test_short_declarations_are_read_as_maboss_reads_them(tmp_path: Path) -> None:
    """``NAME : logic`` and ``NAME, logic`` (with or without ';', over lines, among node
    blocks; ``targets, factors`` declares nothing), as in MaBoSS's BooleanGrammar.y: the
    C++ engine's reading of each node is our function."""
    (tmp_path / "short.bnd").write_text(SHORT_BND)
    (tmp_path / "short.cfg").write_text("$choice = 1;\ntime_tick = 0.5;\nmax_time = 5;\n")
    network = read_maboss(tmp_path / "short.bnd")
    assert network.node_names == ("A", "B", "C", "D", "E", "F", "G", "H", "I")
    assert [network.rules[n].line for n in network.node_names] == [2, 3, 5, 7, 9, 10, 11, 12, 13]
    sim = maboss.load(str(tmp_path / "short.bnd"), str(tmp_path / "short.cfg"), cmaboss=True)
    theirs = sim.get_logical_rules()
    assert set(theirs) == set(network.node_names)
    for node in ("A", "B", "C", "D", "E", "G", "H", "I"):
        assert same_function(parse_expression(theirs[node]), network.rules[node].expression)
    # MaBoSS evaluates logic on doubles: any number but 0 is true (C : 1 & 2 is C : 1)
    assert same_function(network.rules["H"].expression, parse_expression("1"))
    assert same_function(network.rules["I"].expression, parse_expression("A"))
    # the parameter $choice = 1 selects the first branch, as MaBoSS evaluates it
    assert network.rules["F"].expression == parse_expression("D")
    assert same_function(network.rules["G"].expression, parse_expression("1"))


# ---- bad files ----------------------------------------------------------------------------------
BAD_BND = [
    ("Node A {\n  logic = A;\n\nNode B {\n  logic = A;\n}\n", 4, "node 'A' \\(line 1\\)"),
    ("Node A {\n  logic = A;\n", 1, "never closed"),
    ("Node A {\n  logic = A;\n}\n}\n", 4, "unbalanced '\\}'"),
    ("Node A {\n  logic = A AND B\n  rate_up = 1;\n}\nNode B { logic = 1; }\n", 2, "missing ';'"),
    ("Node A {\n  logic = A\n}\n", 2, "missing ';'"),
    ("Node A { logic = A; }\nNode B {\n  logic =\n    A + B;\n}\n", 4, "unknown operator '\\+'"),
    ("Node A {\n  logic = A == 1;\n}\n", 2, "unknown operator '=='"),
    ("Node A {\n  logic = A OR $x;\n}\n", 2, "unknown operator '\\$x'"),
    ("Node A {\n  logic = (A;\n}\n", 2, "missing '\\)'"),
    ("Node A { logic = A; }\nNode A { logic = 1; }\n", 2, "defined twice"),
    ("Node A {\n  logic = B;\n}\n", 2, "'B', which has no rule"),
    ("Node A { logic = A; }\n/* open", 2, "unterminated comment"),
    ("Node A { logic = A; }\nlogic = B;\n", 2, "expected 'Node NAME"),
    # the short declarations of MaBoSS's grammar ('NAME : logic', 'NAME, logic')
    ("Node A { logic = A; }\nB : ;\n", 2, "missing logic of node 'B' after ':'"),
    ("A : A;\nB = A;\n", 2, "expected 'Node NAME \\{', 'NAME : logic;'"),
    ("A : A\nB = A;\n", 2, "unknown operator '='"),
    ("A : A;\nNode A { logic = 1; }\n", 2, "defined twice"),
    ("A : A;\nB, A | C\n", 2, "'C', which has no rule"),
    ("A : A;\ndivision {\n  rate = 1;\n}\n", 2, "cell population \\(PopMaBoSS\\)"),
    ("A : A;\nDeath { rate = 0.1; }\n", 2, "cell population"),
]


@pytest.mark.parametrize(("bnd", "line", "problem"), BAD_BND)
def test_bad_bnd_names_file_and_line(tmp_path: Path, bnd: str, line: int, problem: str) -> None:
    path = tmp_path / "bad.bnd"
    path.write_text(bnd)
    with pytest.raises(ModelFileError, match=problem) as info:
        read_maboss(path)
    assert info.value.line == line
    assert str(path) in str(info.value)


@pytest.mark.parametrize("text", ["", "  \n// only a comment\n/* and another */\n"])
def test_empty_bnd(tmp_path: Path, text: str) -> None:
    path = tmp_path / "empty.bnd"
    path.write_text(text)
    with pytest.raises(ModelFileError, match="empty MaBoSS file") as info:
        read_maboss(path)
    assert str(path) in str(info.value)


BAD_CFG = [
    ("$u_A = 1;\nB.istate = 1;\n", 2, "node 'B', which the .bnd file does not define"),
    ("A.istate = 1;\n[A, Z].istate = 1 [0, 0];\n", 2, "node 'Z'"),
    ("Zed.is_internal = 1;\n", 1, "node 'Zed'"),
    ("time_tick = 0.5;\nmax_time = 10\n", 2, "missing ';'"),
    ("\n$u_A = $v;\n", 2, "\\$v is not defined"),
    ("[A].istate = 0.5 [0], 0.5 [2];\n", 1, "values 0 or 1"),
    ("A.colour = 1;\n", 1, "unknown node setting"),
    ("A istate 1;\n", 1, "cannot read"),
]


@pytest.mark.parametrize(("cfg", "line", "problem"), BAD_CFG)
def test_bad_cfg_names_file_and_line(tmp_path: Path, cfg: str, line: int, problem: str) -> None:
    (tmp_path / "m.bnd").write_text("Node A { logic = A; }\n")
    (tmp_path / "m.cfg").write_text(cfg)
    for read in (read_maboss, read_maboss_settings):
        with pytest.raises(ModelFileError, match=problem) as info:
            read(tmp_path / "m.bnd")
        assert info.value.line == line
        assert str(tmp_path / "m.cfg") in str(info.value)


def test_cfg_alone_needs_its_bnd(tmp_path: Path) -> None:
    (tmp_path / "lonely.cfg").write_text("time_tick = 1;\n")
    with pytest.raises(ModelFileError, match=r"lonely\.bnd not found"):
        read_maboss(tmp_path / "lonely.cfg")


def test_syntax_error_points_at_the_token(tmp_path: Path) -> None:
    path = tmp_path / "m.bnd"
    path.write_text("Node A {\n  logic = A AND\n    (B OR @x);\n}\nNode B { logic = 1; }\n")
    with pytest.raises(ModelFileError) as info:
        read_maboss(path)
    assert info.value.line == 3
    assert "'@x'" in str(info.value)


def test_unknown_parameter_warns_with_a_suggestion() -> None:
    with pytest.warns(ModelWarning, match="'sample_cont'.*'sample_count'"):
        settings = parse_maboss_settings("Node A { logic = A; }", "sample_cont = 10;")
    assert settings.parameters == {"sample_cont": 10.0}


def test_maboss_keywords_cannot_be_node_names() -> None:
    network = parse_bnet("XOR, XOR\nB, XOR\n", name="kw")
    with pytest.raises(MtorNetworkError, match="MaBoSS keyword"):
        to_maboss(network)


def test_write_without_suffix_writes_both_files(tmp_path: Path) -> None:
    write_maboss(_tiny(), tmp_path / "tiny")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.bnd", "tiny.cfg"]
    assert rule_differences(_tiny(), read_maboss(tmp_path / "tiny.bnd")) == {}
