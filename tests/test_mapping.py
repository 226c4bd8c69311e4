"""Mappings of our vocabulary onto other models (``analysis.mapping``): the file format and its
errors, the resolution of settings (not applicable is never a pass), and the mapped evaluation,
checked against the direct evaluation on a renamed copy of our own model (a mapped model must
give exactly the evidence report of the model it renames)."""

from __future__ import annotations

import dataclasses
import json
import textwrap
import warnings
from pathlib import Path

import pytest

from mtor_network import BooleanNetwork, load_network
from mtor_network.analysis.evidence import EVIDENCE_CASES, EvidenceCase, Setting, validate
from mtor_network.analysis.mapping import (
    MappedModel,
    MappingError,
    _kleene,
    bundled_mappings,
    evaluate_mapped_case,
    load_mapping,
    parse_mapping,
    validate_mapped,
)
from mtor_network.attractors import Budget
from mtor_network.cli import main
from mtor_network.expressions import parse_expression, rename

PREFIX = "x_"


def renamed(network: BooleanNetwork) -> BooleanNetwork:
    """``network`` with every node renamed ``x_NAME`` and no registry: another group's model."""
    names = {n: PREFIX + n for n in network.node_names}
    rules = {names[t]: rename(r.expression, names) for t, r in network.rules.items()}
    return BooleanNetwork.create("renamed", rules)


def _table(effects: dict[str, bool]) -> str:
    return "{ " + ", ".join(f"{PREFIX}{k} = {int(v)}" for k, v in effects.items()) + " }"


def mapping_of(network: BooleanNetwork, *, drop: tuple[str, ...] = ()) -> str:
    """The mapping text of our model onto its renamed copy (every registry entry, node and
    read-out), leaving out the registry names in ``drop``."""
    lines = ['[mapping]\nname = "renamed"\n', "[drugs]"]
    for section, registry in (
        ("drugs", network.drugs),
        ("genotypes", network.genotypes),
        ("environments", network.environments),
    ):
        if section != "drugs":
            lines.append(f"\n[{section}]")
        for name, p in registry.items():
            if name not in drop:
                lines.append(f'{name} = {{ fix = {_table(p.effect_map)}, why = "same node" }}')
    lines.append("\n[nodes]")
    lines += [f'{n} = {{ expr = "{PREFIX}{n}", why = "same node" }}' for n in network.node_names]
    lines.append("\n[readouts]")
    lines.append(f'proliferation = {{ expr = "{PREFIX}PROLIFERATION", why = "same node" }}')
    lines.append(f'apoptosis = {{ expr = "{PREFIX}APOPTOSIS", why = "same node" }}')
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def ours() -> BooleanNetwork:
    return load_network("hr_breast_cancer")


@pytest.fixture(scope="module")
def mapped(ours: BooleanNetwork) -> MappedModel:
    return MappedModel(renamed(ours), parse_mapping(mapping_of(ours)), reference=ours)


# ---- the mapped evaluation equals the direct one ---------------------------------------------
@pytest.mark.parametrize("semantics", ["asynchronous", "synchronous", "most_permissive"])
def test_a_renamed_copy_of_our_model_gives_our_evidence_report(
    ours: BooleanNetwork, semantics: str
) -> None:
    direct = validate(ours, semantics)  # type: ignore[arg-type]
    through = validate_mapped(
        renamed(ours),
        parse_mapping(mapping_of(ours)),
        semantics,  # type: ignore[arg-type]
        reference=ours,
    )
    assert [r.case_id for r in through.results] == [r.case.id for r in direct.results]
    for mine, theirs in zip(direct.results, through.results, strict=True):
        assert theirs.status == ("pass" if mine.passed else "fail"), mine.case.id
        assert theirs.observed == mine.observed, mine.case.id
        assert theirs.details == mine.details, mine.case.id
        assert theirs.evaluated == theirs.total and not theirs.partial


def test_mapped_attractors_are_the_models_read_in_our_names(
    ours: BooleanNetwork, mapped: MappedModel
) -> None:
    setting = Setting(genotypes=("pik3ca_mutant",), drugs=("letrozole", "everolimus"))
    direct = setting.run(ours, "asynchronous")
    result = mapped.run(setting, "asynchronous")
    assert sorted(a.phenotype for a in result) == sorted(a.phenotype for a in direct)
    assert {frozenset(a.our_values.items()) for a in result} == {
        frozenset(a.value_map.items()) for a in direct
    }
    assert {frozenset(a.value_map.items()) for a in result} == {  # the model's own values
        frozenset((PREFIX + k, v) for k, v in a.value_map.items()) for a in direct
    }
    assert result[0]["AKT"] == result[0].value_map["x_AKT"]
    assert result.endocrine_therapy  # the registry's tags reach the mapped perturbations
    assert result.has_endocrine_resistant == direct.has_endocrine_resistant


# ---- not applicable is never a pass ----------------------------------------------------------
def test_a_name_the_mapping_lacks_makes_its_settings_not_applicable(ours: BooleanNetwork) -> None:
    model = MappedModel(
        renamed(ours), parse_mapping(mapping_of(ours, drop=("everolimus",))), reference=ours
    )
    e5 = next(c for c in EVIDENCE_CASES if c.id == "E5")
    result = evaluate_mapped_case(e5, model)
    assert result.status == "not applicable"
    assert "everolimus" in result.reason and result.cell() == "n/a"


def test_an_absent_entry_says_why(ours: BooleanNetwork) -> None:
    text = mapping_of(ours, drop=("dactolisib",)).replace(
        "[drugs]\n", '[drugs]\ndactolisib = { absent = "no mTOR kinase node" }\n'
    )
    model = MappedModel(renamed(ours), parse_mapping(text), reference=ours)
    resolution = model.resolve(Setting(drugs=("dactolisib",)))
    assert not resolution.applicable and "no mTOR kinase node" in resolution.reason
    e9 = next(c for c in EVIDENCE_CASES if c.id == "E9")
    kept = tuple(s for s in e9.settings if "dactolisib" not in s.drugs)
    assert kept and len(kept) < len(e9.settings)
    result = evaluate_mapped_case(e9, model)  # node_always: judged on the other settings
    direct = validate(ours, cases=[dataclasses.replace(e9, settings=kept)]).results[0]
    assert result.status == ("pass" if direct.passed else "fail")
    assert (result.evaluated, result.total) == (len(kept), len(e9.settings))
    assert result.partial and f"({len(kept)}/{len(e9.settings)})" in result.cell()
    assert len(result.left_out) == len(e9.settings) - len(kept)


def test_baseline_genotypes_make_other_cells_not_applicable(ours: BooleanNetwork) -> None:
    text = mapping_of(ours, drop=("pik3ca_mutant",)) + textwrap.dedent(
        """
        [baseline]
        genotypes = ["pik3ca_mutant"]
        why = "the modelled cells carry it"
        """
    )
    # the renamed model's cells: PIK3CA mutant through its default inputs
    text = text.replace(
        '[mapping]\nname = "renamed"\n',
        '[mapping]\nname = "renamed"\n\n[inputs]\nwhy = "mutant cells"\nvalues = { x_PI3K = 1 }\n',
    )
    model = MappedModel(renamed(ours), parse_mapping(text), reference=ours)
    assert not model.resolve(Setting()).applicable
    mutant = model.resolve(Setting(genotypes=("pik3ca_mutant",), drugs=("letrozole",)))
    assert mutant.applicable
    assert dict(mutant.perturbations[0].effects) == {"x_PI3K": True}
    e1 = next(c for c in EVIDENCE_CASES if c.id == "E1")
    assert evaluate_mapped_case(e1, model).status == "not applicable"
    e13 = next(c for c in EVIDENCE_CASES if c.id == "E13")
    direct = validate(ours, cases=[e13]).results[0]
    assert evaluate_mapped_case(e13, model).status == ("pass" if direct.passed else "fail")


def test_a_case_on_an_unmapped_node_is_not_applicable(ours: BooleanNetwork) -> None:
    text = mapping_of(ours).replace('MTORC2 = { expr = "x_MTORC2", why = "same node" }\n', "")
    model = MappedModel(renamed(ours), parse_mapping(text), reference=ours)
    e8 = next(c for c in EVIDENCE_CASES if c.id == "E8")
    result = evaluate_mapped_case(e8, model)
    assert result.status == "not applicable" and "MTORC2" in result.reason


def test_a_setting_field_the_mapping_cannot_express_is_not_applicable(
    mapped: MappedModel,
) -> None:
    """Knockouts of a node mapped to an expression cannot be fixed on the model."""
    text = mapping_of(mapped.reference).replace(
        'ERK = { expr = "x_ERK", why = "same node" }', 'ERK = { expr = "x_ERK | x_MEK", why = "x" }'
    )
    model = MappedModel(mapped.network, parse_mapping(text), reference=mapped.reference)
    assert not model.resolve(Setting(knockouts=("ERK",))).applicable
    assert model.resolve(Setting(knockouts=("AKT",))).applicable


def test_a_search_over_budget_is_a_timeout_not_a_failure() -> None:
    network = BooleanNetwork.create("loop", {"A": "!B", "B": "A", "P": "A"})
    text = '[mapping]\nname = "loop"\n[readouts]\nproliferation = { expr = "P", why = "P" }\n'
    model = MappedModel(network, parse_mapping(text), budget=Budget(max_nodes=1))
    result = evaluate_mapped_case(EVIDENCE_CASES[0], model)
    assert result.status == "timeout" and "size budget" in result.reason
    assert result.cell() == "timeout"
    unbounded = MappedModel(network, parse_mapping(text))
    assert evaluate_mapped_case(EVIDENCE_CASES[0], unbounded).status == "pass"  # P oscillates


def test_a_new_check_kind_runs_through_the_evidence_engine(mapped: MappedModel) -> None:
    """The evidence engine judges the case: a check it does not know is an error, not a pass."""
    case = EvidenceCase("X1", "s", "e", (), "proliferative", (Setting(),))
    assert evaluate_mapped_case(case, mapped).status == "pass"
    bogus = EvidenceCase("X2", "s", "e", (), "no_such_check", (Setting(),))  # type: ignore[arg-type]
    assert evaluate_mapped_case(bogus, mapped).status == "error"


def test_kleene_reading_of_oscillating_nodes() -> None:
    expr = parse_expression("A & !B | C")
    assert _kleene(expr, {"A": 1, "B": 0, "C": "*"}) == 1
    assert _kleene(expr, {"A": "*", "B": 0, "C": 0}) == "*"
    assert _kleene(expr, {"A": "*", "B": 1, "C": 0}) == 0
    assert _kleene(parse_expression("!A"), {"A": "*"}) == "*"


# ---- the file format -------------------------------------------------------------------------
GOOD = """\
[mapping]
name = "m"

[drugs]
letrozole = { fix = { E = 0 }, why = "no estrogen" }

[readouts]
proliferation = { expr = "P", why = "the output" }
"""


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (GOOD.replace('name = "m"', "name = "), 2, "not valid TOML"),
        (GOOD + "\n[extra]\n", 10, "unknown table"),
        (GOOD.replace(', why = "no estrogen"', ""), 5, "needs a one-line 'why'"),
        (GOOD.replace("fix = { E = 0 }", "fix = { E = 2 }"), 5, "must be 0 or 1"),
        (GOOD.replace("fix = { E = 0 }, why", "fix = { E = 0 }, absent = 'x', why"), 5, "exactly"),
        (GOOD.replace('expr = "P"', 'expr = "P &"'), 8, "readout 'proliferation'"),
        (
            GOOD.replace('proliferation = { expr = "P", why = "the output" }', ""),
            7,
            "no [readouts]",
        ),
        (GOOD.replace('[mapping]\nname = "m"\n', ""), None, "no [mapping]"),
    ],
)
def test_malformed_mappings_name_file_and_line(text: str, line: int | None, words: str) -> None:
    with pytest.raises(MappingError) as info:
        parse_mapping(text, file="map.toml")
    assert words in str(info.value)
    assert info.value.file == "map.toml" and info.value.line == line
    assert str(info.value).startswith("map.toml" + (f", line {line}" if line else ""))


def test_a_node_the_model_lacks_is_an_error_at_its_line() -> None:
    network = BooleanNetwork.create("tiny", {"E": "E", "P": "E"})
    with pytest.raises(MappingError) as info:
        MappedModel(network, parse_mapping(GOOD.replace("{ E = 0 }", "{ EE = 0 }"), file="f"))
    assert info.value.line == 5 and "'EE'" in str(info.value) and "'E'" in str(info.value)


def test_a_tiny_hand_made_model() -> None:
    """Estrogen E drives P; letrozole removes it: proliferative untreated, not under the drug."""
    network = BooleanNetwork.create("tiny", {"E": "E", "G": "G", "P": "E | G"})
    text = GOOD.replace(
        "[drugs]", '[inputs]\nvalues = { E = 1, G = 0 }\nwhy = "estrogen, no G"\n\n[drugs]'
    )
    text += '\n[genotypes]\nher2_amplified = { fix = { G = 1 }, why = "G on" }\n'
    model = MappedModel(network, parse_mapping(text))
    by_id = {c.id: c for c in EVIDENCE_CASES}
    assert evaluate_mapped_case(by_id["E1"], model).status == "pass"
    e2 = evaluate_mapped_case(by_id["E2"], model)  # letrozole judged, the others not mapped
    assert e2.status == "pass" and (e2.evaluated, e2.total) == (1, len(by_id["E2"].settings))
    e3 = evaluate_mapped_case(by_id["E3"], model)
    assert e3.status == "pass" and e3.evaluated == 1


# ---- the CLI ---------------------------------------------------------------------------------
def test_cli_validate_with_a_mapping(
    ours: BooleanNetwork, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tmp_path / "renamed.bnet"
    model.write_text(renamed(ours).to_bnet())
    mapping = tmp_path / "renamed.toml"
    mapping.write_text(mapping_of(ours))
    code = main(["validate", "--model", str(model), "--mapping", str(mapping), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    direct = validate(ours)
    passed = sum(r.passed for r in direct.results)
    expected = {"pass": passed, "fail": len(direct.results) - passed}
    assert data["counts"] == {k: v for k, v in expected.items() if v}
    assert code == (0 if direct.passed else 1)
    assert [c["status"] == "pass" for c in data["cases"]] == [r.passed for r in direct.results]
    mapping.write_text(mapping_of(ours).replace('"x_AKT"', '"x_AKTT"'))
    assert main(["validate", "--model", str(model), "--mapping", str(mapping)]) == 2
    err = capsys.readouterr().err
    assert f"{mapping}, line" in err and "'x_AKTT'" in err and "Traceback" not in err


# ---- the bundled mappings --------------------------------------------------------------------
DRUGS = [
    "tamoxifen",
    "toremifene",
    "fulvestrant",
    "elacestrant",
    "camizestrant",
    "imlunestrant",
    "letrozole",
    "anastrozole",
    "exemestane",
    "everolimus",
    "temsirolimus",
    "sapanisertib",
    "alpelisib",
    "inavolisib",
    "capivasertib",
    "ipatasertib",
    "gedatolisib",
    "dactolisib",
    "palbociclib",
    "ribociclib",
    "abemaciclib",
    "trastuzumab",
    "pertuzumab",
    "lapatinib",
    "tucatinib",
    "neratinib",
    "trametinib",
    "erdafitinib",
    "ganitumab",
]
GENOTYPES = [
    "pik3ca_mutant",
    "pten_loss",
    "akt1_e17k",
    "esr1_mutant",
    "her2_amplified",
    "her2_mutant",
    "ras_mapk_activated",
    "rb1_loss",
    "ccne1_amplified",
    "fgfr1_amplified",
    "myc_amplified",
]
ENVIRONMENTS = ["estrogen_deprived", "igf_deprived", "egf_stimulated"]


@pytest.mark.parametrize("name", bundled_mappings())
def test_bundled_mappings_cover_the_registry_with_reasons(name: str) -> None:
    mapping = load_mapping(name)
    for kind, names in (("drug", DRUGS), ("genotype", GENOTYPES), ("environment", ENVIRONMENTS)):
        for n in names:
            entry = mapping.entry(kind, n)  # type: ignore[arg-type]
            assert entry is not None, f"{name}: no entry for {kind} {n}"
            assert entry.why, f"{name}: {kind} {n} has no justification"
    assert {r.name for r in mapping.readouts} >= {"proliferation", "apoptosis"}
    for needed in ("AKT", "MTORC1", "MTORC2", "S6K1", "RPS6", "IRS1"):
        assert mapping.node(needed) is not None, needed


def test_the_bundled_mappings_are_the_four_published_models() -> None:
    assert set(bundled_mappings()) >= {
        "zanudo2017",
        "zanudo2021_mcf7",
        "zanudo2021_t47d",
        "taoma2024_mcf7",
    }


@pytest.mark.parametrize("name", bundled_mappings())
def test_bundled_mappings_name_only_nodes_of_their_model(shared_dir: Path, name: str) -> None:
    mapping = load_mapping(name)
    path = shared_dir / "reference-models" / mapping.model_file
    assert path.is_file(), path
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # implicit inputs of published files
        network = load_network(path)
    MappedModel(network, mapping)  # raises MappingError on a node the model lacks
    for node, _ in mapping.inputs:  # the defaults are inputs or background nodes, not outputs
        assert node in network.node_names


def test_zanudo2017_through_its_mapping(shared_dir: Path) -> None:
    """One real model, three cases: E13 (tamoxifen + rapalog beats either alone) passes as in
    the authors' results; E8 fails because the model's Everolimus node also blocks membrane
    mTORC2 (the reference-models README notes it); E1 asks for PIK3CA-wild-type cells, which
    the model does not have."""
    mapping = load_mapping("zanudo2017")
    network = load_network(shared_dir / "reference-models" / mapping.model_file)
    by_id = {c.id: c for c in EVIDENCE_CASES}
    report = validate_mapped(network, mapping, cases=[by_id["E1"], by_id["E8"], by_id["E13"]])
    status = {r.case_id: r.cell() for r in report.results}
    assert status == {"E1": "n/a", "E8": "FAIL (1/2)", "E13": "pass"}
    e8 = report.results[1]
    assert "MTORC2=0" in e8.observed
