"""GINsim .zginml/.ginml: published models, their stored perturbations, safe XML and zip."""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import pytest

from mtor_network import BooleanNetwork, find_attractors
from mtor_network.analysis.equivalence import rule_differences, same_function
from mtor_network.exceptions import ModelFileError, ModelWarning
from mtor_network.expressions import parse_expression, substitute
from mtor_network.io import ginsim
from mtor_network.io.bnet import read_bnet
from mtor_network.io.ginsim import parse_ginml, read_ginml, read_zginml
from mtor_network.io.sbml import read_sbml
from mtor_network.perturbations import overexpress


def _quiet_bnet(path: Path) -> BooleanNetwork:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)  # BBM's implicit inputs
        return read_bnet(path)


@pytest.fixture(scope="module")
def sahin_dir(shared_dir: Path) -> Path:
    return shared_dir / "reference-models" / "sahin2009_erbb_g1s"


@pytest.fixture(scope="module")
def sahin(sahin_dir: Path) -> BooleanNetwork:
    return read_zginml(sahin_dir / "ErbB2_model.zginml")


@pytest.fixture(scope="module")
def zanudo2018(shared_dir: Path) -> BooleanNetwork:
    path = shared_dir / "reference-models" / "zanudo2018_proliferation_control"
    with pytest.warns(ModelWarning, match=r"multi-valued.*Proliferation \(levels 0\.\.2"):
        return read_zginml(path / "2018_zanudo_proliferation.zginml")


# ---------------------------------------------------------------------------------------------
# Sahin et al. 2009 (BMC Syst Biol 3:1, doi:10.1186/1752-0509-3-1)
# ---------------------------------------------------------------------------------------------
def test_sahin_zginml_bnet_and_sbml_have_the_same_functions(
    sahin: BooleanNetwork, sahin_dir: Path
) -> None:
    bnet = _quiet_bnet(sahin_dir / "BBM096_ERBB-REGULATED-G1-S-TRANSITION.bnet")
    sbml = read_sbml(sahin_dir / "BBM096_ERBB-REGULATED-G1-S-TRANSITION.sbml")
    rename = {f"v_{n}": n for n in sahin.node_names}
    assert len(sahin) == 20
    assert rule_differences(bnet, sbml) == {}
    # The one declared difference (reference-models/README): EGF is a constant 1 in the GINsim
    # file (no regulators, basevalue 1), a free input in BBM's files.
    assert sahin.rules["EGF"].expression == ("const", True)
    assert bnet.rules["v_EGF"].expression == ("var", "v_EGF")
    assert set(rule_differences(sahin, bnet, rename=rename)) == {"EGF"}
    # with BBM's input fixed to 1 the functions are identical, node by node
    fixed = bnet.perturb(overexpress("v_EGF"))
    assert rule_differences(sahin, fixed, rename=rename) == {}


def test_sahin_stored_perturbations_are_genotypes(sahin: BooleanNetwork) -> None:
    genotypes = sahin.genotypes
    assert len(genotypes) == 137  # "137 single and combined knock-downs"
    assert genotypes["myc"].effect_map == {"MYC": False}
    assert genotypes["myc"].label == "MYC"
    assert genotypes["myc"].kind == "genotype"
    assert genotypes["erbb2_3"].effect_map == {"ERBB2": False, "ERBB3": False}
    assert genotypes["cycd1"].effect_map == {"CyclinD1": False}  # GINsim name vs node id
    # faithful to the file, quirks included: "AKT1_p21" stores only the AKT1 change
    assert genotypes["akt1_p21"].effect_map == {"AKT1": False}
    assert sahin.named_perturbation("ERRB2_MYC").effect_map == {"ERBB2": False, "MYC": False}


def _prb1(network: BooleanNetwork, perturbation=None) -> set[int | str]:
    result = find_attractors(network, perturbations=perturbation)
    assert all(a.is_fixed_point for a in result)  # the paper reports stable states
    return {a.value_map["pRB1"] for a in result}


def test_sahin_reproduces_the_reported_g1s_readout(sahin: BooleanNetwork) -> None:
    g = sahin.genotypes
    # Wild type with EGF = 1: a single stable state with pRB1 (the G1/S read-out) active.
    assert _prb1(sahin) == {1}
    # The paper's point (abstract, PMID 19118495): ERBB2 is not enough - de novo trastuzumab
    # resistance - and c-MYC is the target. Checked against the model itself: knocking down
    # ERBB2, or ERBB2 with ERBB3, or EGFR (ERBB1), leaves pRB1 active ...
    for slug in ("erbb2", "erbb2_3", "erbb1"):
        assert _prb1(sahin, g[slug]) == {1}, slug
    # ... while c-MYC knock-down, alone or with ERBB2, removes it.
    assert _prb1(sahin, g["myc"]) == {0}
    assert _prb1(sahin, g["errb2_myc"]) == {0}
    # Both downstream arms (AKT1 and MEK1) together remove it; either alone does not.
    assert _prb1(sahin, g["akt1_mek1"]) == {0}
    assert _prb1(sahin, g["akt1"]) == {1}
    assert _prb1(sahin, g["mek1"]) == {1}
    # Model result over every stored single knock-down (a regression record, computed here):
    # exactly the G1/S arm (cyclin D1, CDK4, CDK6) and its transcriptional drivers (ERa, MYC).
    singles = {s: p for s, p in g.items() if len(p.effects) == 1 and "_" not in s}
    blocked = {s for s, p in singles.items() if _prb1(sahin, p) == {0}}
    assert blocked == {"cdk4", "cycd1", "cdk6", "era", "myc"}


# ---------------------------------------------------------------------------------------------
# Zañudo, Steinway, Albert 2018 (multi-valued Proliferation; the newer function syntax)
# ---------------------------------------------------------------------------------------------
def test_zanudo2018_matches_bbm_booleanisation(
    zanudo2018: BooleanNetwork, shared_dir: Path
) -> None:
    bbm = _quiet_bnet(
        shared_dir / "reference-models" / "zanudo2018_proliferation_control" / "BBM153_model.bnet"
    )
    rename = {n: n.removeprefix("v_") for n in bbm.node_names}
    diff = rule_differences(zanudo2018, bbm, rename=rename)
    # Every Boolean node is the same function. Proliferation (0/1/2) differs only in scheme:
    # ours is threshold variables (Proliferation = level >= 1, Proliferation_2 = level >= 2);
    # BBM's _b1/_b2 step one level at a time (self-loops). They agree where BBM's other bit is
    # consistent: b1 with b2 = 0 is ours >= 1, b2 with b1 = 1 is ours >= 2.
    assert set(diff) == {
        "Proliferation",
        "Proliferation_2",
        "Proliferation_b1",
        "Proliferation_b2",
    }
    b1 = bbm.rules["v_Proliferation_b1"].expression
    b2 = bbm.rules["v_Proliferation_b2"].expression
    from mtor_network.expressions import rename as rename_expr

    b1 = rename_expr(substitute(b1, {"v_Proliferation_b2": False}), rename)
    b2 = rename_expr(substitute(b2, {"v_Proliferation_b1": True}), rename)
    assert same_function(zanudo2018.rules["Proliferation"].expression, b1)
    assert same_function(zanudo2018.rules["Proliferation_2"].expression, b2)
    assert same_function(
        zanudo2018.rules["Proliferation"].expression, parse_expression("E2F | EIF4F & S6K")
    )
    # inputs: GFs is marked input="true" in the file
    assert zanudo2018.rules["GFs"].expression == ("var", "GFs")

    # threshold booleanisation keeps the fixed points exactly: same as BBM's, bit for bit
    def fixed_points(net: BooleanNetwork, names: dict[str, str]) -> set[tuple]:
        found = set()
        for a in find_attractors(net):
            if a.is_fixed_point:
                found.add(tuple(sorted((names.get(k, k), v) for k, v in a.value_map.items())))
        return found

    ours = fixed_points(zanudo2018, {"Proliferation": "b1", "Proliferation_2": "b2"})
    theirs = fixed_points(bbm, {**rename, "v_Proliferation_b1": "b1", "v_Proliferation_b2": "b2"})
    assert ours == theirs and ours


def test_zanudo2018_perturbations(zanudo2018: BooleanNetwork) -> None:
    g = zanudo2018.genotypes
    assert set(g) == {
        "pi3k_e1",
        "ras_e1",
        "rb_ko",
        "akt_e1",
        "rb_ko_akt_e1",
        "mtorc1_e1",
        "rb_ko_mtorc1_e1",
    }
    assert g["rb_ko_akt_e1"].label == "Rb KO, AKT E1"
    assert g["rb_ko_akt_e1"].effect_map == {"Rb": False, "AKT": True}
    assert zanudo2018.named_perturbation("Rb_KO").effect_map == {"Rb": False}


# ---------------------------------------------------------------------------------------------
# GINML semantics on small hand-written graphs
# ---------------------------------------------------------------------------------------------
GINML = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE gxl SYSTEM "http://ginsim.org/GINML_2_2.dtd">
<gxl xmlns:xlink="http://www.w3.org/1999/xlink">
  <graph class="regulatory" id="toy" nodeorder="A M B C">
{body}
  </graph>
</gxl>
"""


def test_parameters_basevalue_thresholds_and_inputs() -> None:
    body = """
    <node id="A" maxvalue="1" input="true" name="Ligand A"/>
    <node id="M" maxvalue="2">
      <parameter idActiveInteractions="A_M" val="2"/>
      <annotation><comment>a two-level kinase</comment></annotation>
    </node>
    <node id="B" maxvalue="1" basevalue="1">
      <parameter idActiveInteractions="M_B_2" val="1"/>
    </node>
    <node id="C" maxvalue="1">
      <value val="1"><exp str="M:2 &amp; !B"/></value>
    </node>
    <edge id="A_M" from="A" to="M" minvalue="1" sign="positive"/>
    <edge id="M_B" from="M" to="B" minvalue="1" sign="negative"/>
    <edge id="M_B_2" from="M" to="B" minvalue="2" sign="positive"/>
    <edge id="M_C" from="M" to="C" minvalue="2" sign="positive"/>
    <edge id="B_C" from="B" to="C" minvalue="1" sign="negative"/>
    """
    with pytest.warns(ModelWarning, match=r"M \(levels 0\.\.2 -> M, M_2\)"):
        net = parse_ginml(GINML.format(body=body))
    assert net.node_names == ("A", "M", "M_2", "B", "C")
    assert net.rules["A"].expression == ("var", "A")  # input="true"
    assert net.node("A").label == "Ligand A"
    assert net.node("M").description == "a two-level kinase"
    # M -> 2 when A is active: both thresholds follow A
    assert same_function(net.rules["M"].expression, parse_expression("A"))
    assert same_function(net.rules["M_2"].expression, parse_expression("A"))
    # B: basevalue 1 is the parameter of 'no interaction active'; M_B (level 1 only) and
    # M_B_2 (level 2) are separate interactions. B = 1 iff M == 0 or M == 2.
    assert same_function(net.rules["B"].expression, parse_expression("!M | M_2"))
    assert same_function(net.rules["C"].expression, parse_expression("M_2 & !B"))


def test_node_without_regulators_keeps_its_basevalue() -> None:
    body = '<node id="A" maxvalue="1" basevalue="1"/><node id="M" maxvalue="1"/>'
    body += '<node id="B" maxvalue="1"/><node id="C" maxvalue="1"/>'
    net = parse_ginml(GINML.format(body=body))
    assert net.rules["A"].expression == ("const", True)
    assert net.rules["M"].expression == ("const", False)


def test_node_positions_are_read_for_the_graph(sahin: BooleanNetwork) -> None:
    """GINsim 3 ``<nodevisualsetting x= y=>`` and older ``<rect x= y=>`` children give each
    node its position (a further level of a multi-valued node a little below); they survive
    the network's dict form, and the explorer lays out a file's graph by them."""
    from mtor_network.io.ginsim import LEVEL_OFFSET
    from mtor_network.network import network_from_dict, network_to_dict
    from mtor_network.viz.cytoscape import file_positions

    body = """
    <node id="A" maxvalue="1" input="true">
      <nodevisualsetting x="10" y="20" style="input"/>
    </node>
    <node id="M" maxvalue="2">
      <parameter idActiveInteractions="A_M" val="2"/>
      <nodevisualsetting><rect x="100" y="50" width="60" height="30"/></nodevisualsetting>
    </node>
    <node id="B" maxvalue="1"><nodevisualsetting x="nan" y="1"/></node>
    <node id="C" maxvalue="1"/>
    <edge id="A_M" from="A" to="M" minvalue="1" sign="positive"/>
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)
        net = parse_ginml(GINML.format(body=body))
    where = {n.name: n.position for n in net.nodes}
    assert where == {
        "A": (10.0, 20.0),
        "M": (100.0, 50.0),
        "M_2": (100.0, 50.0 + LEVEL_OFFSET),
        "B": None,  # not a finite number: no position
        "C": None,
    }
    back = network_from_dict(network_to_dict(net))
    assert [n.position for n in back.nodes] == [n.position for n in net.nodes]
    assert file_positions(net) is None  # some nodes have none: the automatic layout is used
    # a published file: every node placed where its authors drew it (relative positions kept)
    drawn = file_positions(sahin)
    assert drawn is not None and set(drawn) == set(sahin.node_names)
    given = {n.name: n.position for n in sahin.nodes}
    a, b = sorted(sahin.node_names)[:2]
    assert (drawn[a][0] - drawn[b][0]) * (given[a][0] - given[b][0]) >= 0  # type: ignore[index]


@pytest.mark.parametrize("bad", [["x", 1], [1.0], [1, float("inf")], [True, 2], "1,2"])
def test_a_node_position_in_a_dict_must_be_two_finite_numbers(bad: object) -> None:
    """The dict form comes back from browsers (uploaded models): a bad position is refused."""
    from mtor_network.network import network_from_dict, network_to_dict

    data = network_to_dict(BooleanNetwork.create("t", {"A": "A"}))
    data["nodes"][0]["position"] = bad
    with pytest.raises(ValueError, match="position of node 'A'"):
        network_from_dict(data)


# ---------------------------------------------------------------------------------------------
# bad files and safety
# ---------------------------------------------------------------------------------------------
def _zip(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


def test_malformed_ginml_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.ginml"
    path.write_text(GINML.format(body='<node id="A" maxvalue="1">\n<node id="B"/>'))
    with pytest.raises(ModelFileError, match="malformed XML") as info:
        read_ginml(path)
    assert info.value.file == str(path)
    assert info.value.line == 7


def test_malformed_member_in_zip_names_the_member(tmp_path: Path) -> None:
    path = _zip(tmp_path / "m.zginml", {ginsim.GRAPH_MEMBER: "<gxl><graph>\n</gxl>"})
    with pytest.raises(ModelFileError, match=r"regulatoryGraph\.ginml, line 2"):
        read_zginml(path)


def test_zip_without_ginml(tmp_path: Path) -> None:
    path = _zip(tmp_path / "empty.zginml", {"README.txt": "hello"})
    with pytest.raises(ModelFileError, match=r"no GINsim-data/regulatoryGraph\.ginml.*README"):
        read_zginml(path)


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "plain.zginml"
    path.write_text("not a zip")
    with pytest.raises(ModelFileError, match="not a zip archive"):
        read_zginml(path)


def test_entities_and_internal_dtd_are_refused() -> None:
    laughs = (
        '<?xml version="1.0"?>\n<!DOCTYPE gxl [\n<!ENTITY a "aaaaaaaaaa">\n'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n<gxl>&b;</gxl>'
    )
    with pytest.raises(ModelFileError, match="entity declarations") as info:
        parse_ginml(laughs)
    assert info.value.line == 3
    subset = '<?xml version="1.0"?>\n<!DOCTYPE gxl [ <!ELEMENT gxl ANY> ]>\n<gxl/>'
    with pytest.raises(ModelFileError, match="internal subset") as info:
        parse_ginml(subset)
    assert info.value.line == 2


def test_zip_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = '<node id="A" maxvalue="1" basevalue="1"/>'
    path = _zip(tmp_path / "ok.zginml", {ginsim.GRAPH_MEMBER: GINML.format(body=body)})
    assert read_zginml(path).rules["A"].expression == ("const", True)
    monkeypatch.setattr(ginsim, "MAX_MEMBER_BYTES", 100)
    with pytest.raises(ModelFileError, match="unpacks to"):
        read_zginml(path)
    monkeypatch.setattr(ginsim, "MAX_MEMBER_BYTES", 50 * 1024 * 1024)
    many = _zip(
        tmp_path / "many.zginml",
        {ginsim.GRAPH_MEMBER: GINML.format(body=body), **{f"x{i}": "" for i in range(5)}},
    )
    monkeypatch.setattr(ginsim, "MAX_ZIP_MEMBERS", 3)
    with pytest.raises(ModelFileError, match="members"):
        read_zginml(many)


def test_unexpressible_perturbations_warn(tmp_path: Path) -> None:
    body = '<node id="A" maxvalue="2" basevalue="1"/><node id="B" maxvalue="1"/>'
    mutants = """<mutantList>
      <mutant name="A range"><change target="A" min="0" max="1"/></mutant>
      <mutant name="A high"><change target="A" min="2" max="2"/></mutant>
      <mutant name="cond"><change target="B" min="1" max="1" condition="A:1"/></mutant>
    </mutantList>"""
    path = _zip(
        tmp_path / "p.zginml",
        {ginsim.GRAPH_MEMBER: GINML.format(body=body), "GINsim-data/mutant": mutants},
    )
    with pytest.warns(ModelWarning) as record:
        net = read_zginml(path)
    messages = " ".join(str(w.message) for w in record)
    assert "'cond'" in messages and "not imported" in messages
    # [0, 1] fixes only "level >= 2" to 0; [2, 2] fixes both thresholds to 1
    assert net.genotypes["a_range"].effect_map == {"A_2": False}
    assert net.genotypes["a_high"].effect_map == {"A": True, "A_2": True}
    assert "cond" not in net.genotypes
