"""Intervention search: every returned set removes proliferation (checked with
find_attractors), no proper subset does, and nothing smaller is missed (brute force without
pruning); biobalm's succession-diagram control as a second method; the targets CLI.

The exhaustive checks run on model 1.0.0 (``hr_breast_cancer_v1``, frozen; the ``flagship``
fixture of this file): brute force over every pair of 2.0.0's 29 drugs and biobalm's succession
diagram of 2.0.0 with its inputs free take minutes. The current flagship is checked at the end
with single drugs."""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence

import pytest

from mtor_network import BooleanNetwork, Perturbation, Scenario, find_attractors, scenario
from mtor_network.analysis.control import (
    InterventionSearch,
    minimal_interventions,
    succession_controls,
)
from mtor_network.cli.screens import main


def proliferates(net: BooleanNetwork, bg: Scenario, combo: Sequence[Perturbation]) -> bool:
    return find_attractors(
        net, perturbations=Scenario(bg.perturbations + tuple(combo))
    ).has_proliferative


def check_exact(net: BooleanNetwork, bg: Scenario, result: InterventionSearch) -> None:
    """Each solution works, no proper subset works, and ranking is by size."""
    sizes = [s.size for s in result.solutions]
    assert sizes == sorted(sizes)
    for sol in result.solutions:
        assert not proliferates(net, bg, sol.perturbations), sol.name
        assert sol.outcome.proliferative_fraction == 0
        for k in range(1, sol.size):
            for subset in itertools.combinations(sol.perturbations, k):
                assert proliferates(net, bg, subset), f"{sol.name} is not minimal"


def brute_force(
    net: BooleanNetwork, bg: Scenario, items: Sequence[Perturbation], max_size: int
) -> set[frozenset[str]]:
    """All minimal working sets, without any pruning."""
    working: list[frozenset[str]] = []
    for k in range(1, max_size + 1):
        for combo in itertools.combinations(items, k):
            names = frozenset(p.name for p in combo)
            if any(w <= names for w in working):
                continue
            try:
                sc = Scenario(bg.perturbations + combo)
            except Exception:
                continue
            if not find_attractors(net, perturbations=sc).has_proliferative:
                working.append(names)
    return set(working)


@pytest.fixture(scope="module")
def flagship() -> BooleanNetwork:
    from mtor_network import load_network

    return load_network("hr_breast_cancer_v1")


def names(result: InterventionSearch) -> set[frozenset[str]]:
    return {frozenset(p.name for p in s.perturbations) for s in result.solutions}


def test_drugs_that_restore_sensitivity_in_pik3ca_mutant(flagship: BooleanNetwork) -> None:
    bg = scenario(flagship, genotypes=["pik3ca_mutant"], drugs=["letrozole"])
    result = minimal_interventions(flagship, background=bg, using="drugs", max_size=2)
    assert result.background_outcome.endocrine_resistant
    singles = {s.name for s in result if s.size == 1}
    # E5: everolimus restores sensitivity; mTORC1 and PI3K-alpha inhibitors and CDK4/6 do too
    assert {"everolimus", "temsirolimus", "alpelisib", "palbociclib"} <= singles
    assert result.smallest_size == 1
    assert "ganitumab" in result.pruned  # IGF-1R: no path to proliferation here
    check_exact(flagship, bg, result)
    drugs = [d for d in flagship.drugs.values() if d.name != "letrozole"]
    assert names(result) == brute_force(flagship, bg, drugs, 2)


def test_pairs_needed_under_her2_amplification(flagship: BooleanNetwork) -> None:
    bg = scenario(flagship, genotypes=["her2_amplified"], drugs=["tamoxifen"])
    result = minimal_interventions(flagship, background=bg, using="drugs", max_size=2)
    check_exact(flagship, bg, result)
    pairs = {s.name for s in result if s.size == 2}
    assert "everolimus + trametinib" in pairs
    assert "everolimus" not in {s.name for s in result}  # E12: no benefit of everolimus alone
    drugs = [d for d in flagship.drugs.values() if d.name != "tamoxifen"]
    assert names(result) == brute_force(flagship, bg, drugs, 2)
    assert result.complete


def test_node_knockouts_in_wild_type(flagship: BooleanNetwork) -> None:
    bg = Scenario()
    result = minimal_interventions(flagship, using="nodes", max_size=1)
    found = {s.name for s in result}
    assert {"AROMATASE_ko", "E2_ko", "ER_E2_ko"} <= found  # E2: endocrine targets
    assert "MTORC1_ko" not in found
    assert "PROLIFERATION_ko" not in found  # read-outs are not candidates
    check_exact(flagship, bg, result)
    from mtor_network import knockout

    items = [knockout(n) for n in flagship.node_names if n not in ("PROLIFERATION", "APOPTOSIS")]
    assert names(result) == brute_force(flagship, bg, items, 1)


def test_nodes_both_directions_with_limit(flagship: BooleanNetwork) -> None:
    bg = scenario(flagship, genotypes=["pten_loss"], drugs=["exemestane"])
    result = minimal_interventions(
        flagship,
        background=bg,
        using="nodes",
        candidates=["MTORC1", "AKT", "TSC2", "RB1", "ERK", "PTEN"],
        perturb="both",
        max_size=2,
    )
    assert "PTEN" not in result.candidates  # fixed by the genotype
    check_exact(flagship, bg, result)
    assert {"MTORC1_ko", "TSC2_oe"} <= {s.name for s in result}
    limited = minimal_interventions(
        flagship, background=bg, using="nodes", candidates=["MTORC1", "AKT", "TSC2"],
        perturb="both", max_size=2, limit=1,
    )  # fmt: skip
    assert len(limited) == 1 and not limited.complete


def test_already_non_proliferative_background(flagship: BooleanNetwork) -> None:
    bg = scenario(flagship, drugs=["letrozole"])
    result = minimal_interventions(flagship, background=bg)
    assert [s.size for s in result] == [0]
    assert result.sets_checked == 0


def test_biobalm_succession_control_agrees(flagship: BooleanNetwork) -> None:
    """Second method. With the flagship's inputs fixed, a background percolates to one trap
    space and biobalm finds nothing to steer; with the inputs left free (x = x) it steers between
    input trap spaces. Every such override set must remove proliferation, and contain one of the
    exact search's minimal sets."""
    pytest.importorskip("biobalm")
    assert succession_controls(flagship) == []
    inputs = ("E2", "EGF", "PIK3CB", "PTEN")
    rules = {
        n: ("var", n) if n in flagship.inputs else flagship.rules[n].expression
        for n in flagship.node_names
    }
    free = BooleanNetwork.create("free_inputs", rules, phenotypes=flagship.phenotypes)
    controls = succession_controls(free, max_drivers=None)
    assert controls
    exact = minimal_interventions(
        free, using="nodes", candidates=list(inputs), perturb="both", max_size=3
    )
    assert exact.solutions
    minimal = [s.fixes for s in exact]
    for control in controls:
        fixed = Perturbation.of("biobalm", "knockout", control)
        assert not find_attractors(free, perturbations=fixed).has_proliferative, control
        restricted = {k: v for k, v in control.items() if k in inputs}
        assert any(m.items() <= restricted.items() for m in minimal), control


def test_bad_requests(flagship: BooleanNetwork) -> None:
    with pytest.raises(KeyError, match="everolimus"):
        minimal_interventions(flagship, candidates=["everolimuss"])
    with pytest.raises(ValueError, match="max_size"):
        minimal_interventions(flagship, max_size=0)


def test_progress_counts_candidate_sets_from_zero(flagship: BooleanNetwork) -> None:
    """progress(done, total) counts candidate sets, starting at (0, total) before any search
    (so a time budget in the callback holds from the start), ending at (total, total)."""
    import math

    seen: list[tuple[int, int]] = []
    bg = scenario(flagship, genotypes=["pik3ca_mutant"], drugs=["letrozole"])
    result = minimal_interventions(
        flagship, background=bg, max_size=2, progress=lambda d, t: seen.append((d, t))
    )
    r = len(result.candidates)
    total = r + math.comb(r, 2)
    assert seen[0] == (0, total) and seen[-1] == (total, total)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert result.sets_checked <= total


def test_cli_targets(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["targets", "--genotype", "her2_amplified", "--drug", "letrozole", "--max-size",
                 "1"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "background: her2_amplified + letrozole" in out
    assert any(line.split()[:2] == ["1", "trastuzumab"] for line in out.splitlines())
    code = main(["targets", "--genotype", "her2_amplified", "--drug", "tamoxifen", "--using",
                 "nodes", "--max-size", "1", "--format", "json"])  # fmt: skip
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["using"] == "nodes"
    assert all(s["proliferative"] is False for s in data["solutions"])
    assert main(["targets", "--drug", "nope"]) == 2
    assert "unknown drug 'nope'" in capsys.readouterr().err


def test_single_drugs_that_remove_her2_driven_resistance_in_model_2() -> None:
    from mtor_network import load_network

    current = load_network("hr_breast_cancer")
    bg = scenario(current, genotypes=["her2_amplified"], drugs=["letrozole"])
    result = minimal_interventions(current, background=bg, using="drugs", max_size=1)
    check_exact(current, bg, result)
    drugs = [d for d in current.drugs.values() if d.name != "letrozole"]
    found = names(result)
    assert found == brute_force(current, bg, drugs, 1)
    # the HER2 blockers that beat amplified HER2, and MEK inhibition; not pertuzumab alone
    assert {frozenset({"trastuzumab"}), frozenset({"trametinib"})} <= found
    assert frozenset({"pertuzumab"}) not in found
