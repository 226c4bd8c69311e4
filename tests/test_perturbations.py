"""Perturbations are data: layering, conflicts, immutability, and name resolution."""

from __future__ import annotations

import pytest

from mtor_network import (
    BooleanNetwork,
    ConflictingPerturbationError,
    Scenario,
    UnknownNameError,
    find_attractors,
    knockout,
    overexpress,
    scenario,
)


def test_apply_returns_a_new_network_and_records_what_was_applied(flagship: BooleanNetwork) -> None:
    treated = flagship.perturb(flagship.drugs["everolimus"])
    assert treated is not flagship
    assert flagship.rules["MTORC1_FRB"].text == "MTORC1"
    assert treated.rules["MTORC1_FRB"].text == "0"
    assert [p.name for p in treated.perturbations] == ["everolimus"]
    assert treated.base is flagship
    again = treated.perturb(knockout("IGF1R"))
    assert [p.name for p in again.perturbations] == ["everolimus", "IGF1R_ko"]
    assert again.rules["MTORC1_FRB"].text == "0" and again.rules["IGF1R"].text == "0"


def test_knockout_and_overexpression_of_the_same_node_conflict(flagship: BooleanNetwork) -> None:
    with pytest.raises(ConflictingPerturbationError, match="AKT"):
        scenario(flagship, knockouts=["AKT"], overexpressed=["AKT"])


def test_a_drug_and_a_forced_node_conflict(flagship: BooleanNetwork) -> None:
    with pytest.raises(ConflictingPerturbationError, match="everolimus"):
        scenario(flagship, drugs=["everolimus"], overexpressed=["MTORC1_FRB"])


def test_a_drug_overrides_the_genotype_on_its_target(flagship: BooleanNetwork) -> None:
    s = scenario(flagship, genotypes=["pik3ca_mutant"], drugs=["alpelisib"])
    assert s.effects() == {"PI3K": False}
    s = scenario(flagship, genotypes=["her2_amplified"], drugs=["trastuzumab"])
    assert s.effects() == {"HER2": False}


def test_a_genotype_stands_against_a_drug_it_does_not_yield_to(flagship: BooleanNetwork) -> None:
    # pertuzumab blocks ligand-induced HER2 dimers, not amplified HER2 signalling
    s = scenario(flagship, genotypes=["her2_amplified"], drugs=["pertuzumab"])
    assert s.effects() == {"HER2": True}
    # the order of the lists does not matter, and a knockout the user asks for still wins
    s = scenario(flagship, drugs=["pertuzumab"], genotypes=["her2_amplified"])
    assert s.effects() == {"HER2": True}
    s = scenario(flagship, genotypes=["her2_amplified"], knockouts=["HER2"])
    assert s.effects() == {"HER2": False}
    pertuzumab, amplified = flagship.drugs["pertuzumab"], flagship.genotypes["her2_amplified"]
    assert (
        (pertuzumab | amplified).effects() == (amplified | pertuzumab).effects() == {"HER2": True}
    )
    trastuzumab = flagship.drugs["trastuzumab"]
    assert (trastuzumab | amplified).effects() == {"HER2": False}


def test_redundant_perturbations_are_fine(flagship: BooleanNetwork) -> None:
    s = scenario(flagship, drugs=["letrozole", "anastrozole", "letrozole"])
    assert s.names == ("letrozole", "anastrozole")
    assert s.effects() == {"AROMATASE": False}
    assert s.endocrine


def test_combination_operator(flagship: BooleanNetwork) -> None:
    combined = flagship.drugs["tamoxifen"] | flagship.drugs["everolimus"] | knockout("ERK")
    assert isinstance(combined, Scenario)
    assert combined.effects() == {"ER_E2": False, "ERK": False, "MTORC1_FRB": False}


@pytest.mark.parametrize(
    ("kwargs", "kind", "suggestion"),
    [
        ({"drugs": ["evrolimus"]}, "drug", "everolimus"),
        ({"genotypes": ["pik3ca"]}, "genotype", "pik3ca_mutant"),
        ({"knockouts": ["MTORC"]}, "node", "MTORC1"),
        ({"environments": ["estrogen_deprivd"]}, "environment", "estrogen_deprived"),
    ],
)
def test_unknown_names_suggest_close_ones(flagship, kwargs, kind, suggestion) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownNameError) as info:
        scenario(flagship, **kwargs)
    assert info.value.kind == kind
    assert suggestion in str(info.value)


def test_nodes_resolve_by_label_case_insensitively(flagship: BooleanNetwork) -> None:
    s = scenario(flagship, knockouts=["mtorc1", "4E-BP1 (active)"])
    assert s.effects() == {"EIF4EBP1": False, "MTORC1": False}


def test_unknown_node_in_a_raw_perturbation_is_an_error(flagship: BooleanNetwork) -> None:
    with pytest.raises(UnknownNameError, match="NOPE"):
        flagship.perturb(overexpress("NOPE"))


def test_environment_is_a_perturbation(flagship: BooleanNetwork) -> None:
    deprived = find_attractors(
        flagship, perturbations=scenario(flagship, environments=["estrogen_deprived"])
    )
    assert not deprived.has_proliferative
    assert not deprived.endocrine_therapy  # deprivation is not a drug
    esr1 = scenario(flagship, environments=["estrogen_deprived"], genotypes=["esr1_mutant"])
    assert find_attractors(flagship, perturbations=esr1).has_proliferative
