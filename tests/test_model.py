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
}  # fmt: skip

DRUGS = {
    "tamoxifen", "fulvestrant", "letrozole", "anastrozole", "exemestane", "everolimus",
    "temsirolimus", "alpelisib", "capivasertib", "dactolisib", "palbociclib", "ribociclib",
    "abemaciclib", "trastuzumab", "lapatinib", "trametinib", "ganitumab",
}  # fmt: skip
GENOTYPES = {"pik3ca_mutant", "pten_loss", "her2_amplified", "esr1_mutant"}


def test_size_and_required_nodes(flagship: BooleanNetwork) -> None:
    assert 30 <= len(flagship) <= 60
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
        ("ERK", "ER", "+"),  # ligand-independent ER activation by the kinase arms
        ("AKT", "ER", "+"),
        ("S6K1", "ER", "+"),
        ("PTEN", "PIP3", "-"),
        ("MTORC1", "EIF4EBP1", "-"),
        ("E2", "ER_E2", "+"),
    ],
)
def test_required_regulations(
    flagship: BooleanNetwork, source: str, target: str, sign: str
) -> None:
    graph = flagship.regulatory_graph()
    assert graph.has_edge(source, target)
    assert graph.edges[source, target]["sign"] == sign


def test_registry_names_every_drug_and_genotype(flagship: BooleanNetwork) -> None:
    assert set(flagship.drugs) >= DRUGS
    assert set(flagship.genotypes) == GENOTYPES
    for p in [*flagship.drugs.values(), *flagship.genotypes.values()]:
        assert p.effects and p.mechanism and p.references, p.name
        assert p.name == p.name.lower()
        for node, _ in p.effects:
            assert node in flagship.rules
    endocrine = {d for d, p in flagship.drugs.items() if p.endocrine}
    assert endocrine == {"tamoxifen", "fulvestrant", "letrozole", "anastrozole", "exemestane"}
    # drugs act on what they bind: rapalogs spare mTORC2, dual inhibitors do not
    assert flagship.drugs["everolimus"].effect_map == {"MTORC1": False}
    assert flagship.drugs["dactolisib"].effect_map["MTORC2"] is False


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
