"""SBML-qual: spec-valid export, exact round trips, other tools' files, AEON as a second opinion."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

from mtor_network import BooleanNetwork, find_attractors
from mtor_network.analysis.equivalence import rule_differences, same_function
from mtor_network.exceptions import ModelFileError, ModelWarning
from mtor_network.expressions import parse_expression
from mtor_network.io.bnet import parse_bnet, read_bnet
from mtor_network.io.sbml import (
    build_sbml_document,
    parse_sbml,
    read_sbml,
    sbml_errors,
    to_sbml,
    write_sbml,
)
from mtor_network.network import Rule

ba = pytest.importorskip("biodivine_aeon")
libsbml = pytest.importorskip("libsbml")

QUAL_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version1/core" level="3" version="1"
      xmlns:qual="http://www.sbml.org/sbml/level3/version1/qual/version1" qual:required="true">
<model id="m">
<listOfCompartments><compartment id="c" constant="true"/></listOfCompartments>
"""
MATH = '<math xmlns="http://www.w3.org/1998/Math/MathML">{}</math>'


def _species(sid: str, max_level: int = 1, name: str = "") -> str:
    label = f' qual:name="{name}"' if name else ""
    return (
        f'<qual:qualitativeSpecies qual:id="{sid}" qual:compartment="c" qual:constant="false" '
        f'qual:maxLevel="{max_level}"{label}/>'
    )


def _transition(target: str, inputs: list[str], terms: list[tuple[int, str]], default=0) -> str:
    ins = "".join(
        f'<qual:input qual:id="in_{target}_{i}" qual:qualitativeSpecies="{i}" '
        'qual:transitionEffect="none"/>'
        for i in inputs
    )
    fts = "".join(
        f'<qual:functionTerm qual:resultLevel="{lvl}">{MATH.format(m)}</qual:functionTerm>'
        for lvl, m in terms
    )
    return (
        f'<qual:transition qual:id="tr_{target}"><qual:listOfInputs>{ins}</qual:listOfInputs>'
        f'<qual:listOfOutputs><qual:output qual:qualitativeSpecies="{target}" '
        'qual:transitionEffect="assignmentLevel"/></qual:listOfOutputs>'
        f'<qual:listOfFunctionTerms><qual:defaultTerm qual:resultLevel="{default}"/>{fts}'
        "</qual:listOfFunctionTerms></qual:transition>"
    )


def _document(species: list[str], transitions: list[str]) -> str:
    return (
        QUAL_HEAD
        + "<qual:listOfQualitativeSpecies>"
        + "".join(species)
        + "</qual:listOfQualitativeSpecies><qual:listOfTransitions>"
        + "".join(transitions)
        + "</qual:listOfTransitions></model></sbml>\n"
    )


def _eq(sid: str, level: int, op: str = "eq") -> str:
    return f'<apply><{op}/><ci>{sid}</ci><cn type="integer">{level}</cn></apply>'


# ---------------------------------------------------------------------------------------------
# our export
# ---------------------------------------------------------------------------------------------
def test_flagship_export_has_no_libsbml_errors_or_warnings(flagship: BooleanNetwork) -> None:
    # checkInternalConsistency + checkConsistency with every validator (units included): nothing.
    assert sbml_errors(build_sbml_document(flagship)) == []
    assert sbml_errors(to_sbml(flagship)) == []  # also after a write/read through text


def test_flagship_export_content(flagship: BooleanNetwork) -> None:
    text = to_sbml(flagship)
    assert 'qual:required="true"' in text
    assert text.count("<qual:qualitativeSpecies ") == len(flagship)
    # level comparisons as bioLQM, GINsim and AEON write them
    assert re.search(r"<eq/>\s*<ci>\s*MTORC1\s*</ci>\s*<cn type=\"integer\">\s*1\s*</cn>", text)
    # MIRIAM references on the transitions, with metaids
    assert "bqbiol:isDescribedBy" in text
    assert "https://identifiers.org/doi:" in text
    assert re.search(r'<qual:transition metaid="meta_tr_S6K1"', text)
    # constant inputs: a transition without inputs whose default term is the constant
    constants = [r.target for r in flagship.rules.values() if r.expression[0] == "const"]
    assert constants, "the flagship has constant inputs"


def test_flagship_round_trip_is_exact(flagship: BooleanNetwork) -> None:
    back = parse_sbml(to_sbml(flagship), name=flagship.name)
    assert rule_differences(flagship, back) == {}
    assert back.node_names == flagship.node_names
    for node in flagship.nodes:
        assert back.node(node.name) == node  # label, description, module, kind
    for name, rule in flagship.rules.items():
        assert back.rules[name].justification == rule.justification
        assert back.rules[name].references == rule.references
    assert dict(back.references) == dict(flagship.references)
    assert (back.title, back.version, back.description) == (
        flagship.title,
        flagship.version,
        flagship.description,
    )


def test_write_and_read_file(flagship: BooleanNetwork, tmp_path: Path) -> None:
    path = tmp_path / "flagship.sbml"
    write_sbml(flagship, path)
    back = read_sbml(path)
    assert back.name == "flagship"
    assert rule_differences(flagship, back) == {}


def test_identity_input_is_a_constant_species_without_transition() -> None:
    net = BooleanNetwork.create("m", [Rule("A", ("var", "A")), Rule("B", ("not", ("var", "A")))])
    doc = build_sbml_document(net)
    qual = doc.getModel().getPlugin("qual")
    assert qual.getQualitativeSpecies("A").getConstant() is True
    assert qual.getNumTransitions() == 1
    assert qual.getTransition(0).getInput(0).getSign() == libsbml.INPUT_SIGN_NEGATIVE
    assert sbml_errors(doc) == []
    assert rule_differences(net, parse_sbml(to_sbml(net))) == {}


# ---------------------------------------------------------------------------------------------
# AEON as a second opinion
# ---------------------------------------------------------------------------------------------
def _aeon_name(label: str) -> str:
    """AEON names a variable after the species' qual:name, with non-identifier characters
    replaced by '_' (seen with biodivine_aeon 1.x; asserted below)."""
    return re.sub(r"[^A-Za-z0-9_]", "_", label)


def test_aeon_loads_our_sbml_with_same_functions_and_attractors(flagship: BooleanNetwork) -> None:
    aeon = ba.BooleanNetwork.from_sbml(to_sbml(flagship))
    to_ours = {_aeon_name(n.label): n.name for n in flagship.nodes}
    assert sorted(aeon.variable_names()) == sorted(to_ours)
    # AEON's BNet prefixes names that start with a digit ("4E_BP1..." -> "_4E_BP1...")
    bnet_rename = {(f"_{k}" if k[0].isdigit() else k): v for k, v in to_ours.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)
        back = parse_bnet(aeon.to_bnet())
    assert rule_differences(flagship, back, rename=bnet_rename) == {}

    ours = {tuple(sorted(a.value_map.items())) for a in find_attractors(flagship)}
    theirs = set()
    for attractor in ba.Attractors.attractors(ba.AsynchronousGraph(aeon)):
        states = [m.to_named_dict() for m in attractor.vertices()]
        values = {}
        for var, node in to_ours.items():
            seen = {s[var] for s in states}
            values[node] = int(seen.pop()) if len(seen) == 1 else "*"
        theirs.add(tuple(sorted(values.items())))
    assert ours == theirs


def test_aeon_export_is_not_valid_but_we_read_it(flagship: BooleanNetwork) -> None:
    aeon_sbml = ba.BooleanNetwork.from_bnet(flagship.to_bnet()).to_sbml()
    errors = [e for e in sbml_errors(aeon_sbml) if e[1] == "Error"]
    # biodivine_aeon 1.x: every qualitativeSpecies lacks qual:compartment (3020303), inputs carry
    # a non-qual 'essential' attribute (3020501), hence also the schema error 10103. Recorded,
    # not required: a future AEON may fix it.
    ids = {e[0] for e in errors}
    print(f"AEON SBML export: {len(errors)} libsbml errors, ids {sorted(ids)}")
    assert ids <= {3020303, 3020501, 10103}
    # ours, by contrast, has none
    assert sbml_errors(to_sbml(flagship)) == []
    # and we still read AEON's export to the same functions
    assert rule_differences(flagship, parse_sbml(aeon_sbml)) == {}


# ---------------------------------------------------------------------------------------------
# published SBML files
# ---------------------------------------------------------------------------------------------
def _booleannet(path: Path) -> BooleanNetwork:
    rules = []
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if line:
            target, expr = (p.strip() for p in line.split("*=", 1))
            rules.append(Rule(target, parse_expression(expr, keywords=True, line=number)))
    return BooleanNetwork.create(path.stem, rules)


def test_every_reference_sbml_matches_its_sibling(shared_dir: Path) -> None:
    files = sorted((shared_dir / "reference-models").glob("*/*.sbml"))
    assert len(files) >= 4
    for sbml in files:
        ours = read_sbml(sbml)
        bnet, booleannet = sbml.with_suffix(".bnet"), sbml.with_suffix(".booleannet")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ModelWarning)  # BBM's implicit inputs
            sibling = read_bnet(bnet) if bnet.exists() else _booleannet(booleannet)
        assert rule_differences(ours, sibling) == {}, sbml.name


def test_zanudo2020_authors_sbml_matches_bbm_bnet(shared_dir: Path) -> None:
    folder = shared_dir / "reference-models" / "zanudo2021_er_pi3k_cell_lines"
    ours = read_sbml(folder / "BreastCancerModel_ZanudoEtAl2020.sbml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)
        bbm = read_bnet(folder / "BBM143_BREAST-CANCER-INHIBITORS.bnet")
    rename = {n: n.removeprefix("v_") for n in bbm.node_names}
    diff = rule_differences(ours, bbm, rename=rename)
    # The authors' file has three unused levels (pRb_3, E2F_3, Proliferation_4 *= 0) that BBM
    # dropped: constant 0 and read by no rule. Everything else is the same function.
    dead = {"pRb_3", "E2F_3", "Proliferation_4"}
    assert set(diff) == dead
    for name in dead:
        assert ours.rules[name].expression == ("const", False)
        assert not any(name in r.regulators for r in ours.rules.values())


def test_bbm_input_without_function_terms_is_an_input(shared_dir: Path) -> None:
    # BBM/AEON write a free input as a transition with no terms at all: read as 'x, x'
    sbml = read_sbml(
        shared_dir
        / "reference-models"
        / "sahin2009_erbb_g1s"
        / "BBM096_ERBB-REGULATED-G1-S-TRANSITION.sbml"
    )
    assert sbml.rules["v_EGF"].expression == ("var", "v_EGF")


# ---------------------------------------------------------------------------------------------
# MathML and multi-valued species
# ---------------------------------------------------------------------------------------------
def test_mathml_operators_and_thresholds() -> None:
    xor = f"<apply><xor/>{_eq('A', 1)}{_eq('B', 1)}</apply>"
    implies = f"<apply><implies/>{_eq('A', 1)}{_eq('B', 0)}</apply>"
    neq = _eq("A", 0, "neq")
    lt = '<apply><lt/><cn type="integer">0</cn><ci>B</ci></apply>'  # 0 < B, flipped
    threshold = (
        '<qual:transition qual:id="tr_T"><qual:listOfInputs><qual:input qual:id="thA" '
        'qual:qualitativeSpecies="A" qual:transitionEffect="none" qual:thresholdLevel="1"/>'
        '</qual:listOfInputs><qual:listOfOutputs><qual:output qual:qualitativeSpecies="T" '
        'qual:transitionEffect="assignmentLevel"/></qual:listOfOutputs><qual:listOfFunctionTerms>'
        '<qual:defaultTerm qual:resultLevel="0"/><qual:functionTerm qual:resultLevel="1">'
        + MATH.format("<apply><geq/><ci>A</ci><ci>thA</ci></apply>")
        + "</qual:functionTerm></qual:listOfFunctionTerms></qual:transition>"
    )
    text = _document(
        [_species(s) for s in "ABXYZWT"],
        [
            _transition("X", ["A", "B"], [(1, xor)]),
            _transition("Y", ["A", "B"], [(1, implies)]),
            _transition("Z", ["A"], [(1, neq)]),
            _transition("W", ["B"], [(1, "<true/>")], default=0),
            _transition("B", ["B"], [(1, lt)]),
            threshold,
        ],
    )
    net = parse_sbml(text)
    expect = {
        "X": "A & !B | !A & B",
        "Y": "!A | !B",
        "Z": "A",
        "W": "1",
        "B": "B",
        "T": "A",
        "A": "A",  # no transition: an input
    }
    for node, rule in expect.items():
        assert same_function(net.rules[node].expression, parse_expression(rule)), node


def test_multi_valued_species_are_booleanised_with_a_warning() -> None:
    text = _document(
        [_species("A"), _species("P", 2, "Proliferation"), _species("R")],
        [
            _transition("P", ["A", "P"], [(2, _eq("A", 1)), (1, _eq("P", 2))]),
            _transition("R", ["P"], [(1, _eq("P", 2, "geq"))]),
            _transition("A", ["P"], [(1, _eq("P", 1))]),
        ],
    )
    with pytest.warns(ModelWarning, match=r"multi-valued.*P \(levels 0\.\.2 -> P, P_2\)"):
        net = parse_sbml(text)
    assert net.node_names == ("A", "P", "P_2", "R")
    assert net.node("P_2").label == "Proliferation (level >= 2)"
    # P >= 1 when A (-> 2) or P == 2 (-> 1); P >= 2 only when A
    assert same_function(net.rules["P"].expression, parse_expression("A | P_2"))
    assert same_function(net.rules["P_2"].expression, parse_expression("A"))
    assert same_function(net.rules["R"].expression, parse_expression("P_2"))
    # P == 1 means level >= 1 but not >= 2
    assert same_function(net.rules["A"].expression, parse_expression("P & !P_2"))


def test_function_terms_first_match_when_levels_mix() -> None:
    # terms not mutually exclusive: the first true term wins (level 0 before level 1)
    text = _document(
        [_species("A"), _species("B"), _species("C")],
        [_transition("C", ["A", "B"], [(0, _eq("A", 1)), (1, _eq("B", 1))], default=1)],
    )
    net = parse_sbml(text)
    assert same_function(net.rules["C"].expression, parse_expression("!A"))


# ---------------------------------------------------------------------------------------------
# bad files
# ---------------------------------------------------------------------------------------------
def test_malformed_xml_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.sbml"
    good = _document([_species("A")], [])
    path.write_text(good.replace("</qual:listOfQualitativeSpecies>", "", 1))
    with pytest.raises(ModelFileError) as info:
        read_sbml(path)
    assert info.value.file == str(path)
    assert info.value.line is not None and info.value.line > 1
    assert "SBML error" in str(info.value)


def test_non_qual_sbml_is_refused_clearly() -> None:
    text = """<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version1/core" level="3" version="1">
  <model id="kinetic">
    <listOfCompartments><compartment id="c" constant="true"/></listOfCompartments>
    <listOfSpecies><species id="S" compartment="c" hasOnlySubstanceUnits="false"
      boundaryCondition="false" constant="false"/></listOfSpecies>
  </model>
</sbml>
"""
    with pytest.raises(ModelFileError, match=r"not an SBML-qual model.*1 species"):
        parse_sbml(text, file="kinetic.xml")


def test_entity_declarations_are_refused() -> None:
    text = '<?xml version="1.0"?>\n<!DOCTYPE sbml [<!ENTITY a "aaaa">]>\n<sbml>&a;</sbml>'
    with pytest.raises(ModelFileError, match="entity") as info:
        parse_sbml(text)
    assert info.value.line == 2


def test_unknown_species_in_mathml_names_the_transition() -> None:
    text = _document([_species("A")], [_transition("A", ["A"], [(1, _eq("Q", 1))])])
    with pytest.raises(ModelFileError, match=r"transition 'tr_A'.*'Q'"):
        parse_sbml(text)


def test_not_xml_at_all(tmp_path: Path) -> None:
    path = tmp_path / "x.sbml"
    path.write_text("targets, factors\nA, A\n")
    with pytest.raises(ModelFileError, match="SBML error"):
        read_sbml(path)
