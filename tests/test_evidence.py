"""Every evidence case E1-E13 of BIOLOGY.md passes, from the one table in the library."""

from __future__ import annotations

import pytest

from mtor_network import BooleanNetwork, find_attractors, scenario
from mtor_network.analysis import EVIDENCE_CASES, validate
from mtor_network.analysis.evidence import evaluate_case


def test_the_table_holds_e1_to_e13_with_references(flagship: BooleanNetwork) -> None:
    assert [c.id for c in EVIDENCE_CASES] == [f"E{i}" for i in range(1, 14)]
    for case in EVIDENCE_CASES:
        assert case.references and case.settings and case.expected
        for key in case.references:
            assert key in flagship.references, (case.id, key)


@pytest.mark.parametrize("case", EVIDENCE_CASES, ids=lambda c: c.id)
@pytest.mark.parametrize("semantics", ["asynchronous", "synchronous", "most_permissive"])
def test_evidence_case_passes(flagship: BooleanNetwork, case, semantics) -> None:  # type: ignore[no-untyped-def]
    result = evaluate_case(case, flagship, semantics)
    assert result.passed, f"{case.id} ({semantics}): {result.observed}"


def test_report_fails_on_a_model_that_breaks_a_case(flagship: BooleanNetwork) -> None:
    """The report is not vacuous: removing the S6K1 -| IRS1 feedback's target breaks E7."""
    broken = flagship.perturb(*scenario(flagship, knockouts=["IRS1"]))
    report = validate(broken)
    failed = {r.case.id for r in report.failures}
    assert "E7" in failed
    assert not report.passed


def test_endocrine_resistance_flag(flagship: BooleanNetwork) -> None:
    resistant = find_attractors(
        flagship,
        perturbations=scenario(flagship, genotypes=["her2_amplified"], drugs=["letrozole"]),
    )
    assert resistant.endocrine_therapy and resistant.has_endocrine_resistant
    untreated = find_attractors(
        flagship, perturbations=scenario(flagship, genotypes=["her2_amplified"])
    )
    assert untreated.has_proliferative and not untreated.has_endocrine_resistant


def test_phenotypes_of_key_settings(flagship: BooleanNetwork) -> None:
    def phenotypes(**kw: list[str]) -> set[str]:
        return {
            a.phenotype for a in find_attractors(flagship, perturbations=scenario(flagship, **kw))
        }

    assert phenotypes() == {"proliferative"}
    assert phenotypes(drugs=["letrozole"]) == {"apoptotic"}
    assert phenotypes(drugs=["palbociclib"]) == {"quiescent"}
    # alpelisib spares p110beta, on which PTEN-null cells depend
    assert phenotypes(genotypes=["pten_loss"], drugs=["letrozole", "alpelisib"]) == {
        "proliferative"
    }
    assert phenotypes(genotypes=["pten_loss"], drugs=["letrozole", "capivasertib"]) != {
        "proliferative"
    }
