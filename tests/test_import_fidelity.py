"""Import fidelity (issue 15): small hand-made GINsim, SBML, BNet and text files for the defects
that gave wrong functions without an error, and for valid files that were refused.

Multi-valued models are checked by enumerating the fixed points of the multi-valued model
directly (every level vector, the target levels computed from the GINsim parameters by hand)
and comparing them with the Boolean fixed points of the booleanised network.
"""

from __future__ import annotations

import itertools
import warnings
from pathlib import Path

import pytest

from mtor_network import BooleanNetwork
from mtor_network.exceptions import ModelFileError
from mtor_network.expressions import evaluate, parse_expression, to_string
from mtor_network.io import read_network, read_network_bytes
from mtor_network.io.bnet import plain_bnet, to_bnet
from mtor_network.io.ginsim import parse_ginml
from mtor_network.io.primes import primes_of
from mtor_network.io.sbml import parse_sbml


def _fixed_points(network: BooleanNetwork) -> set[tuple[int, ...]]:
    names = network.node_names
    found = set()
    for values in itertools.product((0, 1), repeat=len(names)):
        state = dict(zip(names, values, strict=True))
        if all(evaluate(network.rules[n].expression, state) == bool(state[n]) for n in names):
            found.add(values)
    return found


def _ginml(nodes: str, edges: str = "", order: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE gxl SYSTEM "http://ginsim.org/GINML_2_2.dtd">\n'
        f'<gxl xmlns:xlink="http://www.w3.org/1999/xlink"><graph class="regulatory" id="m" '
        f'nodeorder="{order}">{nodes}{edges}</graph></gxl>\n'
    )


def _quiet(function, *args, **kwargs):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


# ---- 1. GINsim: a node without regulators and a logical parameter 1 is constant 1 -------------
def test_ginsim_node_without_regulators_takes_its_parameter() -> None:
    text = _ginml(
        '<node id="CGC" maxvalue="1"><parameter val="1"/></node>'
        '<node id="ZERO" maxvalue="1"/>'
        '<node id="B" maxvalue="1"><parameter idActiveInteractions="CGC_B" val="1"/></node>',
        '<edge id="CGC_B" from="CGC" to="B" minvalue="1" sign="positive"/>',
        "CGC ZERO B",
    )
    network = parse_ginml(text)
    assert network.rules["CGC"].expression == ("const", True)
    assert network.rules["ZERO"].expression == ("const", False)
    assert _fixed_points(network) == {(1, 0, 1)}


# ---- 2. multi-valued inputs keep admissible states only -------------------------------------
def _multivalued_input_model() -> str:
    """An input E with levels 0..2 and A = [E >= 2]."""
    return _ginml(
        '<node id="E" maxvalue="2" input="true"/>'
        '<node id="A" maxvalue="1"><parameter idActiveInteractions="E_A" val="1"/></node>',
        '<edge id="E_A" from="E" to="A" minvalue="2" sign="positive"/>',
        "E A",
    )


def _multivalued_fixed_points() -> set[tuple[int, int]]:
    """(E, A) fixed points of the multi-valued model, by enumeration of the levels."""
    return {(e, a) for e in range(3) for a in range(2) if a == int(e >= 2)}  # E keeps its level


def test_ginsim_multivalued_input_has_one_fixed_point_per_level() -> None:
    network = _quiet(parse_ginml, _multivalued_input_model())
    assert network.node_names == ("E", "E_2", "A")
    boolean = _fixed_points(network)
    as_levels = {(e1 + e2, a) for e1, e2, a in boolean}
    assert len(boolean) == 3  # was 4: (E=0, E_2=1) was a fixed point
    assert as_levels == _multivalued_fixed_points()
    assert all(e1 >= e2 for e1, e2, _ in boolean)  # only admissible states


def _sbml_multivalued_input() -> str:
    return """<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version1/core" level="3" version="1"
 xmlns:qual="http://www.sbml.org/sbml/level3/version1/qual/version1" qual:required="true">
<model id="m"><listOfCompartments><compartment id="c" constant="true"/></listOfCompartments>
<qual:listOfQualitativeSpecies>
 <qual:qualitativeSpecies qual:id="E" qual:compartment="c" qual:constant="false" qual:maxLevel="2"/>
 <qual:qualitativeSpecies qual:id="A" qual:compartment="c" qual:constant="false" qual:maxLevel="1"/>
</qual:listOfQualitativeSpecies>
<qual:listOfTransitions><qual:transition qual:id="tA">
 <qual:listOfInputs><qual:input qual:id="iE" qual:qualitativeSpecies="E"
   qual:transitionEffect="none" qual:thresholdLevel="2"/></qual:listOfInputs>
 <qual:listOfOutputs><qual:output qual:qualitativeSpecies="A"
   qual:transitionEffect="assignmentLevel"/></qual:listOfOutputs>
 <qual:listOfFunctionTerms><qual:defaultTerm qual:resultLevel="0"/>
  <qual:functionTerm qual:resultLevel="1"><math xmlns="http://www.w3.org/1998/Math/MathML">
   <apply><geq/><ci>E</ci><ci>iE</ci></apply></math></qual:functionTerm>
 </qual:listOfFunctionTerms></qual:transition></qual:listOfTransitions></model></sbml>
"""


def test_sbml_multivalued_input_has_one_fixed_point_per_level() -> None:
    network = _quiet(parse_sbml, _sbml_multivalued_input())
    assert set(network.node_names) == {"E", "E_2", "A"}
    boolean = set()
    for values in _fixed_points(network):
        state = dict(zip(network.node_names, values, strict=True))
        boolean.add((state["E"] + state["E_2"], state["A"]))
    assert len(_fixed_points(network)) == 3
    assert boolean == _multivalued_fixed_points()


def test_multivalued_fixed_points_match_enumeration_with_regulated_levels() -> None:
    """A three-level node regulated by an input, with parameters per interaction set: the
    Boolean fixed points are exactly the multi-valued ones (enumerated from the parameters)."""
    text = _ginml(
        '<node id="I" maxvalue="1" input="true"/>'
        '<node id="X" maxvalue="2"><parameter idActiveInteractions="I_X" val="2"/>'
        '<parameter idActiveInteractions="X_X" val="1"/></node>'
        '<node id="Y" maxvalue="1"><parameter idActiveInteractions="X_Y" val="1"/></node>',
        '<edge id="I_X" from="I" to="X" minvalue="1" sign="positive"/>'
        '<edge id="X_X" from="X" to="X" minvalue="1" maxvalue="1" sign="positive"/>'
        '<edge id="X_Y" from="X" to="Y" minvalue="2" sign="positive"/>',
        "I X Y",
    )
    network = _quiet(parse_ginml, text)

    def target_x(i: int, x: int) -> int:
        active = {name for name, on in (("I_X", i >= 1), ("X_X", x == 1)) if on}
        if active == {"I_X"}:
            return 2
        if active == {"X_X"}:
            return 1
        return 0  # no parameter for {I_X, X_X} nor {}: level 0

    expected = {
        (i, x, y)
        for i in range(2)
        for x in range(3)
        for y in range(2)
        if target_x(i, x) == x and y == int(x >= 2)
    }
    found = set()
    for values in _fixed_points(network):
        s = dict(zip(network.node_names, values, strict=True))
        found.add((s["I"], s["X"] + s["X_2"], s["Y"]))
    assert found == expected


# ---- 3. a node named Targets ------------------------------------------------------------------
@pytest.mark.parametrize("name", ["Targets", "targets", "TARGETS"])
def test_targets_node_survives_bnet_export_into_aeon_and_back(name: str) -> None:
    import biodivine_aeon as ba

    network = BooleanNetwork.from_rules({"A": name, name: "A", "B": f"{name} | B"})
    for text in (to_bnet(network), plain_bnet(network)):
        bn = ba.BooleanNetwork.from_bnet(text)
        functions = {
            bn.get_variable_name(v): str(bn.get_update_function(v)) for v in bn.variables()
        }
        assert functions == {"A": name, name: "A", "B": f"{name} | B"}
        back = read_network_bytes(text.encode(), "m.bnet")
        assert {n: r.text for n, r in back.rules.items()} == functions


@pytest.mark.parametrize("name", ["Targets", "targets"])
@pytest.mark.parametrize("semantics", ["asynchronous", "synchronous", "most_permissive"])
def test_targets_node_gives_the_three_fixed_points_in_every_engine(
    name: str, semantics: str
) -> None:
    from mtor_network.attractors import find_attractors

    network = BooleanNetwork.from_rules({"A": name, name: "A", "B": f"{name} | B"})
    result = find_attractors(network, semantics=semantics)  # type: ignore[arg-type]
    fixed = {
        tuple(dict(a.values)[n] for n in ("A", name, "B"))
        for a in result.attractors
        if a.kind == "fixed_point"
    }
    assert fixed == {(0, 0, 0), (0, 0, 1), (1, 1, 1)}
    if semantics != "synchronous":  # synchronously, A and Targets also swap in a 2-cycle
        assert len(result.attractors) == 3


def test_targets_node_through_interop_to_aeon() -> None:
    from mtor_network.interop import to_aeon

    bn = to_aeon(BooleanNetwork.from_rules({"A": "Targets", "Targets": "A", "B": "Targets | B"}))
    assert str(bn.get_update_function("Targets")) == "A"


# ---- 4. GINsim ids with '-', undeclared xlink: prefixes ---------------------------------------
def test_ginsim_hyphenated_ids_get_valid_names_and_keep_their_labels() -> None:
    text = _ginml(
        '<node id="PGRP-SA" maxvalue="1" input="true"/>'
        '<node id="c-Fos" maxvalue="1"><value val="1"><exp str="PGRP-SA &amp; !c-Fos"/></value>'
        "</node>",
        '<edge id="e1" from="PGRP-SA" to="c-Fos" minvalue="1" sign="positive"/>'
        '<edge id="e2" from="c-Fos" to="c-Fos" minvalue="1" sign="negative"/>',
        "PGRP-SA c-Fos",
    )
    network = parse_ginml(text)
    assert network.node_names == ("PGRP_SA", "c_Fos")
    assert network.node("c_Fos").label == "c-Fos"
    assert network.node("PGRP_SA").label == "PGRP-SA"
    assert to_string(network.rules["c_Fos"].expression) == "PGRP_SA & !c_Fos"


def test_ginsim_undeclared_xlink_prefix_in_mutants_is_read(tmp_path: Path) -> None:
    import zipfile

    graph = _ginml(
        '<node id="A" maxvalue="1" input="true"/>'
        '<node id="B" maxvalue="1"><parameter idActiveInteractions="A_B" val="1"/></node>',
        '<edge id="A_B" from="A" to="B" minvalue="1" sign="positive"/>',
        "A B",
    )
    mutants = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<mutantList><mutant name="A KO">'
        '<change target="A" min="0" max="0"/><annotation><linklist>'
        '<link xlink:href="doi:10.1000/x"/></linklist></annotation></mutant></mutantList>\n'
    )
    path = tmp_path / "m.zginml"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("GINsim-data/regulatoryGraph.ginml", graph)
        archive.writestr("GINsim-data/mutant", mutants)
    network = read_network(path)
    assert network.genotypes["a_ko"].effects == {"A": False} or dict(
        network.genotypes["a_ko"].effects
    ) == {"A": False}


# ---- 5, 9. limits from the corpus, primes from BDDs ---------------------------------------
def test_a_chain_nested_far_beyond_the_old_limit_reads_and_round_trips(tmp_path: Path) -> None:
    depth = 12_000  # the corpus nests 10,192 deep (model 248)
    text = "(" * depth + " | ".join(["a"] * 3) + ")" * depth
    expr = parse_expression(text)
    assert expr == ("or", (("var", "a"),) * 3)
    chain = "a"
    for k in range(depth):
        chain = f"(x{k % 7} | {chain})"
    network = BooleanNetwork.from_rules({"a": chain, **{f"x{k}": f"x{k}" for k in range(7)}})
    assert len(network.rules["a"].expression[1]) == depth + 1
    for suffix in (".aeon", ".sbml", ".bnet"):
        path = tmp_path / f"deep{suffix}"
        from mtor_network.io import write_network

        write_network(network, path)
        back = read_network(path)
        assert set(back.rules["a"].expression[1]) == set(network.rules["a"].expression[1])


def test_sbml_export_of_nested_rules_is_not_indented_and_reads_back() -> None:
    """libsbml indents each MathML level further: the export of BBM model 248 (1.5 MB of BNet)
    was 25 MB, past the 20 MB our readers accept, so it could not be read back. Our export
    drops that indentation (9.9 MB there)."""
    import libsbml

    from mtor_network.io.sbml import build_sbml_document, to_sbml

    rule = "a"
    for k in range(45):  # alternating OR/AND, 90 levels (MAX_NESTING is 100)
        rule = f"(x{k % 5} | x{(k + 1) % 5} & ({rule}))"
    network = BooleanNetwork.from_rules({"a": rule, **{f"x{k}": f"!x{k}" for k in range(5)}})
    text = to_sbml(network)
    indented = str(libsbml.writeSBMLToString(build_sbml_document(network)))
    assert not any(line[:1] in (" ", "\t") for line in text.splitlines())
    assert len(text) < len(indented) / 3
    document = libsbml.readSBMLFromString(text)
    document.checkConsistency()
    assert document.getNumErrors(libsbml.LIBSBML_SEV_ERROR) == 0
    back = parse_sbml(text)
    assert all(back.rules[n].expression == network.rules[n].expression for n in network.node_names)


def test_parentheses_beyond_the_bound_are_still_refused() -> None:
    from mtor_network.exceptions import RuleSyntaxError
    from mtor_network.expressions import MAX_PARENTHESES

    with pytest.raises(RuleSyntaxError, match="parentheses nested more than"):
        parse_expression("(" * (MAX_PARENTHESES + 1) + "a" + ")" * (MAX_PARENTHESES + 1))


def test_primes_from_bdds_equal_pyboolnet() -> None:
    from mtor_network.io._pyboolnet import prime_implicants

    network = BooleanNetwork.from_rules(
        {
            "a": "b & !c | c & d | !b & !d",
            "b": "a & !c | !a & c",
            "c": "1",
            "d": "!(a | b) | c & !a",
        }
    )

    def normal(primes: dict) -> dict:  # type: ignore[type-arg]
        return {
            n: [sorted(sorted(p.items()) for p in side) for side in pair]
            for n, pair in primes.items()
        }

    assert normal(primes_of(network)) == normal(prime_implicants(network))


def test_aeon_regulation_warnings_still_name_the_line() -> None:
    from mtor_network.exceptions import ModelWarning
    from mtor_network.io.aeon import parse_aeon

    with pytest.warns(ModelWarning, match=r"line 2: Regulator `a` is not negatively monotone"):
        parse_aeon("a -> a\na -| b\n$a: a\n$b: a\n", file="m.aeon")


# ---- 7. .txt files by content ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("targets, factors\nCycD, CycD\nRb, !CycD & !CycE\nCycE, !Rb\n", "!CycD & !CycE"),
        ("# BooleanNet\nCycD *= CycD\nRb *= not CycD and not CycE\nCycE *= not Rb\n", None),
        ("CycD, CycD\nRb, !CycD & !CycE\nCycE, !Rb\n", None),
    ],
    ids=["boolnet", "booleannet", "bnet"],
)
def test_txt_models_are_read_by_their_content(tmp_path: Path, text: str, rule: str | None) -> None:
    path = tmp_path / "cellcycle.txt"
    path.write_text(text)
    network = read_network(path)
    assert network.rules["Rb"].text == "!CycD & !CycE"
    assert read_network_bytes(text.encode(), "model.booleannet.txt").rules["CycE"].text == "!Rb"


def test_txt_format_can_be_forced() -> None:
    with pytest.raises(ModelFileError, match="expected 'target, function'"):
        read_network(b"A *= A\n", format="bnet")
    assert read_network(b"A *= not A\n", format="txt").rules["A"].text == "!A"


# ---- 8. MaBoSS and BooleanNet forms the original tools accept --------------------------------
_BND = (
    "Node p53 {\n  logic = p53;\n  rate_up = @logic ? 1 : 0;\n  rate_up = @logic ? 2 : 0;\n"
    "  rate_down = @logic ? 0 : 1;\n}\n"
    "Node p53_h {\n  logic = p53_h;\n  rate_up = @logic ? 1 : 0;\n"
    "  rate_down = @logic ? 0 : 1;\n}\n"
    "Node X {\n  logic = $case_a ? p53_h : p53;\n  rate_up = @logic ? 1 : 0;\n"
    "  rate_down = @logic ? 0 : 1;\n}\n"
)


@pytest.mark.parametrize(("case", "rule"), [("1", "p53_h"), ("0", "p53")])
def test_maboss_parameter_ternary_in_a_logic_takes_the_cfg_branch(
    tmp_path: Path, case: str, rule: str
) -> None:
    (tmp_path / "m.bnd").write_text(_BND)
    (tmp_path / "m.cfg").write_text(f"$case_a = {case};\n")
    network = _quiet(read_network, tmp_path / "m.bnd")
    assert network.rules["X"].text == rule


def test_maboss_parameter_ternary_without_its_parameter_names_it(tmp_path: Path) -> None:
    (tmp_path / "m.bnd").write_text(_BND)
    with pytest.raises(ModelFileError, match=r"line 13: .*parameter \$case_a"):
        _quiet(read_network, tmp_path / "m.bnd")


def test_maboss_repeated_rate_up_keeps_the_last_with_a_warning(tmp_path: Path) -> None:
    from mtor_network.exceptions import ModelWarning

    (tmp_path / "m.bnd").write_text(_BND)
    (tmp_path / "m.cfg").write_text("$case_a = 1;\n")
    with pytest.warns(ModelWarning, match=r"line 4: node 'p53' defines 'rate_up' again"):
        network = read_network(tmp_path / "m.bnd")
    assert network.rules["p53"].text == "p53"


@pytest.mark.parametrize(
    ("suffix", "text"),
    [
        (".bnd", b"// mod\xe8le de Fran\xe7ois\nNode A {\n  logic = A; // r\xe9gul\xe9\n}\n"),
        (".booleannet", b"# mod\xe8le\nA *= A  # r\xe9gul\xe9\n"),
    ],
)
def test_a_non_utf8_byte_in_a_comment_is_read(tmp_path: Path, suffix: str, text: bytes) -> None:
    from mtor_network.exceptions import ModelWarning

    path = tmp_path / f"m{suffix}"
    path.write_bytes(text)
    with pytest.warns(ModelWarning, match="not UTF-8 in comments"):
        assert read_network(path).rules["A"].text == "A"
    with pytest.warns(ModelWarning, match="not UTF-8 in comments"):
        assert read_network_bytes(text, f"m{suffix}").rules["A"].text == "A"


def test_a_non_utf8_byte_outside_a_comment_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.booleannet"
    path.write_bytes(b"A\xe9 *= A\n")
    with pytest.raises(ModelFileError, match=r"line 1: not valid UTF-8 .* outside a comment"):
        read_network(path)


def test_booleannet_hyphenated_names_get_valid_names_and_labels() -> None:
    text = b"c-Fos *= not c-Fos and c_Fos\nc_Fos *= c-Fos or PGRP-SA\n"
    network = _quiet(read_network_bytes, text, "m.booleannet")
    assert set(network.node_names) == {"c_Fos_2", "c_Fos", "PGRP_SA"}
    assert network.node("c_Fos_2").label == "c-Fos"
    assert network.rules["c_Fos"].text == "c_Fos_2 | PGRP_SA"
    assert network.rules["c_Fos_2"].text == "!c_Fos_2 & c_Fos"
