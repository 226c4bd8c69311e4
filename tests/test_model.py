"""The flagship model: structure, annotations, registry, and the generated BNet kept in sync."""

from __future__ import annotations

import re

import pytest

from mtor_network import BooleanNetwork, bundled_models, load_network
from mtor_network.io.bnet import read_bnet, to_bnet
from mtor_network.models import networks_dir

REQUIRED_NODES = {
    # BIOLOGY.md: "A model of this review needs at least ..."
    "E2", "IGF1", "EGF", "ER", "EGFR", "HER2", "IGF1R", "IRS1", "RAS", "RAF", "MEK", "ERK",
    "PI3K", "PTEN", "PDK1", "PIP3", "AKT", "TSC2", "RHEB", "MTORC1", "MTORC2", "S6K1",
    "EIF4EBP1", "EIF4E", "CCND1", "CDK46", "RB1", "E2F", "MYC", "PROLIFERATION", "APOPTOSIS",
    # Model 2.0: cyclin E-CDK2 and CDK inhibitors, the real survival factors, insulin receptor
    "CDK2", "CCNE1", "P27", "MCL1", "BCL2", "BAD", "BIM", "INSR", "FOXO", "ER_AF1",
}  # fmt: skip

# issue 12: every drug approved or in phase III for HR+ breast cancer by 2026 (and the review's)
DRUGS = {
    "tamoxifen", "toremifene", "fulvestrant", "elacestrant", "camizestrant", "imlunestrant",
    "letrozole", "anastrozole", "exemestane", "everolimus", "temsirolimus", "sapanisertib",
    "alpelisib", "inavolisib", "capivasertib", "ipatasertib", "gedatolisib", "dactolisib",
    "palbociclib", "ribociclib", "abemaciclib", "trastuzumab", "pertuzumab", "lapatinib",
    "tucatinib", "neratinib", "trametinib", "erdafitinib", "ganitumab",
}  # fmt: skip
GENOTYPES = {
    "pik3ca_mutant", "pten_loss", "akt1_e17k", "esr1_mutant", "her2_amplified", "her2_mutant",
    "ras_mapk_activated", "rb1_loss", "ccne1_amplified", "fgfr1_amplified", "myc_amplified",
}  # fmt: skip
ENDOCRINE = {
    "tamoxifen", "toremifene", "fulvestrant", "elacestrant", "camizestrant", "imlunestrant",
    "letrozole", "anastrozole", "exemestane",
}  # fmt: skip


def test_size_and_required_nodes(flagship: BooleanNetwork) -> None:
    assert 50 <= len(flagship) <= 80
    assert flagship.version == "2.0.0"
    assert set(flagship.node_names) >= REQUIRED_NODES
    assert flagship.phenotypes.proliferation == "PROLIFERATION"
    assert flagship.phenotypes.apoptosis == "APOPTOSIS"


def test_every_node_has_label_description_justification_and_references(
    flagship: BooleanNetwork,
) -> None:
    for node in flagship.nodes:
        rule = flagship.rules[node.name]
        assert node.label and node.description, node.name
        assert node.module, node.name
        assert rule.justification, node.name
        assert rule.references, node.name
        for key in rule.references:
            assert key in flagship.references, (node.name, key)


def test_references_have_identifiers_or_review_text(flagship: BooleanNetwork) -> None:
    doi = re.compile(r"^10\.\d{4,9}/\S+$")
    for ref in flagship.references.values():
        assert ref.citation
        if ref.doi:
            assert doi.match(ref.doi), ref.key
            assert ref.url == f"https://doi.org/{ref.doi}"
    # every review reference used by the model carries its number in the review
    for key, ref in flagship.references.items():
        if re.fullmatch(r"R\d+", key):
            assert ref.review == int(key[1:])


@pytest.mark.parametrize(
    ("source", "target", "sign"),
    [
        ("S6K1", "IRS1", "-"),  # the S6K1 -| IRS1 feedback
        ("MTORC2", "AKT", "+"),  # the mTORC2 -> AKT loop ...
        ("AKT", "MTORC2", "+"),  # ... closed through AKT
        ("ERK", "ER_AF1", "+"),  # ligand-independent ER: Ser118 (ERK) ...
        ("S6K1", "ER_AF1", "+"),  # ... and Ser167 (S6K1)
        ("PTEN", "PIP3", "-"),
        ("MTORC1", "EIF4EBP1", "-"),
        ("MTORC1_FRB", "S6K1", "+"),  # the rapalog-sensitive branch
        ("E2", "ER_E2", "+"),
        ("ESR1", "ER", "+"),
        ("P27", "CDK2", "-"),  # CDK inhibitors restrain cyclin E-CDK2
        ("CDK2", "RB1", "-"),
        ("CDK1", "CDK2", "-"),  # the reset at mitosis
        ("ER", "HER2", "-"),  # ER-PAX2 represses ERBB2
        ("FOXO", "IGF1R", "+"),  # FOXO re-induces RTKs
        ("INSR", "IRS1", "+"),
        ("ERK", "RAS_HIGH", "-"),  # ERK's feedback onto SOS
        ("RAS_HIGH", "PI3K", "+"),  # RAS-GTP activates p110alpha
        ("MCL1", "APOPTOSIS", "-"),
    ],
)
def test_required_regulations(
    flagship: BooleanNetwork, source: str, target: str, sign: str
) -> None:
    graph = flagship.regulatory_graph()
    assert graph.has_edge(source, target)
    assert graph.edges[source, target]["sign"] == sign


def test_registry_names_every_drug_and_genotype(flagship: BooleanNetwork) -> None:
    assert set(flagship.drugs) == DRUGS
    assert set(flagship.genotypes) == GENOTYPES
    for p in [*flagship.drugs.values(), *flagship.genotypes.values()]:
        assert p.effects and p.mechanism and p.references, p.name
        assert p.name == p.name.lower()
        for node, _ in p.effects:
            assert node in flagship.rules
    endocrine = {d for d, p in flagship.drugs.items() if p.endocrine}
    assert endocrine == ENDOCRINE
    # drugs act on what they bind: rapalogs block the rapamycin-sensitive output of mTORC1
    # only, mTOR kinase and dual inhibitors the kinase in both complexes
    for rapalog in ("everolimus", "temsirolimus"):
        assert flagship.drugs[rapalog].effect_map == {"MTORC1_FRB": False}
    for name in ("sapanisertib", "dactolisib", "gedatolisib"):
        assert flagship.drugs[name].effect_map["MTORC1"] is False
        assert flagship.drugs[name].effect_map["MTORC2"] is False


def test_a_genotype_yields_only_to_drugs_that_fix_its_nodes_the_other_way(
    flagship: BooleanNetwork,
) -> None:
    for genotype in flagship.genotypes.values():
        for name in genotype.yields_to or ():
            drug = flagship.drugs[name].effect_map
            assert any(node in drug and drug[node] != v for node, v in genotype.effects), (
                genotype.name,
                name,
            )


def test_v1_stays_loadable_by_name() -> None:
    v1 = load_network("hr_breast_cancer_v1")
    assert v1.version == "1.0.0" and len(v1) == 41
    assert "hr_breast_cancer_v1" in bundled_models()


def test_generated_bnet_is_in_sync_with_the_toml_source(flagship: BooleanNetwork) -> None:
    path = networks_dir() / "hr_breast_cancer.bnet"
    assert path.read_text(encoding="utf-8") == to_bnet(flagship), (
        "networks/hr_breast_cancer.bnet is stale: regenerate it with "
        "'mtor-network convert hr_breast_cancer networks/hr_breast_cancer.bnet'"
    )
    from_bnet = read_bnet(path)
    assert from_bnet.node_names == flagship.node_names
    for name in flagship.node_names:
        assert from_bnet.rules[name].expression == flagship.rules[name].expression


def test_loads_by_name_and_lists_bundled_models() -> None:
    assert "hr_breast_cancer" in bundled_models()
    assert load_network("hr_breast_cancer") is load_network("hr_breast_cancer")  # cached


def test_inputs_are_declared(flagship: BooleanNetwork) -> None:
    assert {"AROMATASE", "IGF1", "EGF", "PTEN", "PIK3CB"} <= set(flagship.inputs)
