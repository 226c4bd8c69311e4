"""The evidence cases E1-E13 (BIOLOGY.md): one table used by the tests, the CLI report and the
web app. Each case names settings (genotype + treatment + environment), a check on their
attractors, and the references that support the expectation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..attractors import AttractorResult, Semantics
from ..network import BooleanNetwork
from ..perturbations import scenario
from .phenotypes import find_attractors


@dataclass(frozen=True)
class Setting:
    """A genotype + treatment + environment on the model's registry names."""

    genotypes: tuple[str, ...] = ()
    drugs: tuple[str, ...] = ()
    environments: tuple[str, ...] = ()
    overexpressed: tuple[str, ...] = ()
    knockouts: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        parts = [*self.genotypes, *self.environments]
        parts += [f"{n} forced on" for n in self.overexpressed]
        parts += [f"{n} knocked out" for n in self.knockouts]
        background = " + ".join(parts) or "wild type"
        treatment = " + ".join(self.drugs) or "no drug"
        return f"{background}, {treatment}"

    def run(self, network: BooleanNetwork, semantics: Semantics) -> AttractorResult:
        perturbation = scenario(
            network,
            genotypes=self.genotypes,
            drugs=self.drugs,
            environments=self.environments,
            overexpressed=self.overexpressed,
            knockouts=self.knockouts,
        )
        return find_attractors(network, semantics, perturbations=perturbation)


def S(
    *drugs: str, g: Sequence[str] = (), env: Sequence[str] = (), oe: Sequence[str] = ()
) -> Setting:
    """Shorthand for the table below."""
    return Setting(
        genotypes=tuple(g), drugs=tuple(drugs), environments=tuple(env), overexpressed=tuple(oe)
    )


CheckKind = Literal[
    "proliferative",  # every setting has a proliferative attractor
    "not_proliferative",  # no setting has a proliferative attractor
    "node_always",  # node has value in every attractor of every setting
    "combination_better",  # last setting's proliferative fraction < each earlier setting's
    "no_added_benefit",  # all settings non-proliferative (combination adds nothing)
    "benefit_only_secondary",  # pairs (mono, combo): primary pairs no benefit, secondary benefit
]


@dataclass(frozen=True)
class EvidenceCase:
    """One literature claim the model must reproduce."""

    id: str
    setting: str
    expected: str
    references: tuple[str, ...]
    check: CheckKind
    settings: tuple[Setting, ...]
    nodes: tuple[tuple[str, int], ...] = ()  # for node_always
    primary: tuple[Setting, ...] = ()  # for benefit_only_secondary: (mono, combo) pairs


ENDOCRINE = ("letrozole", "anastrozole", "exemestane", "tamoxifen", "fulvestrant")

EVIDENCE_CASES: tuple[EvidenceCase, ...] = (
    EvidenceCase(
        "E1",
        "wild type, estrogen present, no drug",
        "proliferative",
        ("R2",),
        "proliferative",
        (S(),),
    ),
    EvidenceCase(
        "E2",
        "wild type, an aromatase inhibitor (letrozole, anastrozole, exemestane), tamoxifen "
        "or fulvestrant",
        "no proliferative attractor (endocrine sensitive)",
        ("R2", "R3"),
        "not_proliferative",
        tuple(S(d) for d in ENDOCRINE),
    ),
    EvidenceCase(
        "E3",
        "HER2 amplified or EGFR over-active, with letrozole, tamoxifen or fulvestrant",
        "still proliferative (endocrine-resistant)",
        ("R3", "R4", "R7", "shou2004"),
        "proliferative",
        tuple(S(d, g=["her2_amplified"]) for d in ("letrozole", "tamoxifen", "fulvestrant"))
        + tuple(S(d, oe=["EGFR"]) for d in ("letrozole", "tamoxifen")),
    ),
    EvidenceCase(
        "E4",
        "PIK3CA mutant or PTEN loss, with an aromatase inhibitor or tamoxifen",
        "still proliferative (endocrine-resistant)",
        ("R7", "R10", "R11"),
        "proliferative",
        tuple(
            S(d, g=[g])
            for g in ("pik3ca_mutant", "pten_loss")
            for d in ("letrozole", "exemestane", "tamoxifen")
        ),
    ),
    EvidenceCase(
        "E5",
        "E4's resistant settings + everolimus",
        "sensitivity restored: no proliferative attractor",
        ("R11", "R19", "R22"),
        "not_proliferative",
        tuple(
            S(d, "everolimus", g=[g])
            for g in ("pik3ca_mutant", "pten_loss")
            for d in ("letrozole", "exemestane", "tamoxifen")
        ),
    ),
    EvidenceCase(
        "E6",
        "everolimus in settings with mTORC1 active (wild type; PIK3CA mutant, PTEN loss, "
        "HER2 amplified or ESR1 mutant with letrozole)",
        "S6K1 and phospho-S6 OFF in every attractor",
        ("R14", "R15"),
        "node_always",
        (
            S("everolimus"),
            *(
                S("letrozole", "everolimus", g=[g])
                for g in ("pik3ca_mutant", "pten_loss", "her2_amplified", "esr1_mutant")
            ),
        ),
        nodes=(("S6K1", 0), ("RPS6", 0)),
    ),
    EvidenceCase(
        "E7",
        "wild type with IGF-1 present + everolimus",
        "AKT ON despite mTORC1 OFF (S6K1 -| IRS1 feedback relieved)",
        ("R8", "R24", "R25"),
        "node_always",
        (S("everolimus"), S("temsirolimus")),
        nodes=(("MTORC1", 0), ("IRS1", 1), ("AKT", 1)),
    ),
    EvidenceCase(
        "E8",
        "everolimus (wild type; PIK3CA mutant with letrozole)",
        "mTORC2 stays active (rapalogs spare mTORC2)",
        ("R27", "R28"),
        "node_always",
        (S("everolimus"), S("letrozole", "everolimus", g=["pik3ca_mutant"])),
        nodes=(("MTORC2", 1),),
    ),
    EvidenceCase(
        "E9",
        "E7's setting + IGF-1R antibody (ganitumab), or a dual PI3K/mTOR inhibitor (dactolisib)",
        "AKT reactivation gone: AKT OFF in every attractor",
        ("R8", "R26"),
        "node_always",
        (S("everolimus", "ganitumab"), S("dactolisib"), S("everolimus", "dactolisib")),
        nodes=(("AKT", 0),),
    ),
    EvidenceCase(
        "E10",
        "endocrine-naive wild type: letrozole + temsirolimus vs letrozole alone",
        "no added benefit: both already non-proliferative (phase III first-line trial)",
        ("R18",),
        "no_added_benefit",
        (S("letrozole"), S("letrozole", "temsirolimus")),
    ),
    EvidenceCase(
        "E11",
        "acquired mTOR-dependent resistance after AI (PIK3CA mutant or PTEN loss): "
        "exemestane + everolimus vs exemestane",
        "combination removes proliferation, monotherapy does not (BOLERO-2)",
        ("R5", "R21", "R22", "R23"),
        "benefit_only_secondary",
        (
            S("exemestane", g=["pik3ca_mutant"]),
            S("exemestane", "everolimus", g=["pik3ca_mutant"]),
            S("exemestane", g=["pten_loss"]),
            S("exemestane", "everolimus", g=["pten_loss"]),
        ),
    ),
    EvidenceCase(
        "E12",
        "tamoxifen + everolimus vs tamoxifen: primary resistance driven outside mTOR (HER2 "
        "amplified) vs secondary mTOR-driven resistance (PIK3CA mutant, PTEN loss)",
        "benefit only in the secondary setting (TAMRAD)",
        ("R19", "R20"),
        "benefit_only_secondary",
        (
            S("tamoxifen", g=["pik3ca_mutant"]),
            S("tamoxifen", "everolimus", g=["pik3ca_mutant"]),
            S("tamoxifen", g=["pten_loss"]),
            S("tamoxifen", "everolimus", g=["pten_loss"]),
        ),
        primary=(
            S("tamoxifen", g=["her2_amplified"]),
            S("tamoxifen", "everolimus", g=["her2_amplified"]),
        ),
    ),
    EvidenceCase(
        "E13",
        "ER antagonist + temsirolimus in MCF-7 (ER+, PIK3CA E545K: pik3ca_mutant), estrogen "
        "present",
        "combination stronger than either alone",
        ("R12",),
        "combination_better",
        (
            S("tamoxifen", g=["pik3ca_mutant"]),
            S("temsirolimus", g=["pik3ca_mutant"]),
            S("tamoxifen", "temsirolimus", g=["pik3ca_mutant"]),
        ),
    ),
)


@dataclass(frozen=True)
class EvidenceResult:
    """The outcome of one evidence case."""

    case: EvidenceCase
    passed: bool
    observed: str
    details: tuple[tuple[str, str], ...]  # (setting label, attractor summary)

    def to_dict(self, network: BooleanNetwork | None = None) -> dict[str, Any]:
        refs: list[dict[str, Any]] = []
        for key in self.case.references:
            ref = network.references.get(key) if network else None
            refs.append(ref.to_dict() if ref else {"key": key})
        return {
            "id": self.case.id,
            "setting": self.case.setting,
            "expected": self.case.expected,
            "observed": self.observed,
            "passed": self.passed,
            "references": refs,
            "details": [{"setting": s, "attractors": a} for s, a in self.details],
        }


def _summary(result: AttractorResult) -> str:
    counts = {k: v for k, v in result.phenotype_counts().items() if v}
    text = ", ".join(f"{v} {k}" for k, v in counts.items()) or "no attractor"
    return f"{len(result)} attractor(s): {text}"


def _fraction(result: AttractorResult) -> float:
    if not len(result):
        return 0.0
    return sum(a.phenotype == "proliferative" for a in result) / len(result)


def _check(
    case: EvidenceCase, results: list[AttractorResult], primary: list[AttractorResult]
) -> tuple[bool, str]:
    labels = [s.label for s in case.settings]
    if case.check == "proliferative":
        bad = [lbl for lbl, r in zip(labels, results, strict=True) if not r.has_proliferative]
        return (
            not bad,
            "proliferative in every setting" if not bad else f"not proliferative: {'; '.join(bad)}",
        )
    if case.check in {"not_proliferative", "no_added_benefit"}:
        bad = [lbl for lbl, r in zip(labels, results, strict=True) if r.has_proliferative]
        message = "no proliferative attractor in any setting"
        if case.check == "no_added_benefit":
            message = "both non-proliferative: the combination adds nothing"
        return not bad, message if not bad else f"proliferative: {'; '.join(bad)}"
    if case.check == "node_always":
        problems: list[str] = []
        for lbl, r in zip(labels, results, strict=True):
            for node, value in case.nodes:
                if not r.always(node, value):  # type: ignore[arg-type]
                    seen = sorted({str(a[node]) for a in r})
                    problems.append(f"{node}={'/'.join(seen)} in {lbl}")
        want = ", ".join(f"{n}={v}" for n, v in case.nodes)
        if problems:
            return False, "; ".join(problems)
        return True, f"{want} in every attractor of every setting"
    if case.check == "combination_better":
        fractions = [_fraction(r) for r in results]
        combo, singles = fractions[-1], fractions[:-1]
        ok = all(combo < f for f in singles)
        text = ", ".join(
            f"{lbl}: {f:.0%} proliferative" for lbl, f in zip(labels, fractions, strict=True)
        )
        return ok, text
    if case.check == "benefit_only_secondary":

        def benefit(pairs: list[AttractorResult]) -> list[bool]:
            return [
                mono.has_proliferative and not combo.has_proliferative
                for mono, combo in zip(pairs[::2], pairs[1::2], strict=True)
            ]

        secondary = benefit(results)
        primary_benefit = benefit(primary) if primary else []
        ok = all(secondary) and not any(primary_benefit)
        parts = [f"secondary: benefit in {sum(secondary)}/{len(secondary)}"]
        if primary:
            parts.append(f"primary: benefit in {sum(primary_benefit)}/{len(primary_benefit)}")
        return ok, "; ".join(parts)
    raise ValueError(f"unknown check {case.check!r}")


def evaluate_case(
    case: EvidenceCase, network: BooleanNetwork, semantics: Semantics = "asynchronous"
) -> EvidenceResult:
    """Run one evidence case on ``network``."""
    results = [s.run(network, semantics) for s in case.settings]
    primary = [s.run(network, semantics) for s in case.primary]
    passed, observed = _check(case, results, primary)
    details = tuple(
        (s.label, _summary(r))
        for s, r in zip(case.settings + case.primary, results + primary, strict=True)
    )
    return EvidenceResult(case, passed, observed, details)


@dataclass(frozen=True)
class ValidationReport:
    """The evidence table with pass/fail per case."""

    model: str
    model_version: str
    semantics: Semantics
    results: tuple[EvidenceResult, ...]
    network: BooleanNetwork

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def failures(self) -> tuple[EvidenceResult, ...]:
        return tuple(r for r in self.results if not r.passed)

    def reference_text(self, key: str) -> str:
        ref = self.network.references.get(key)
        if ref is None:
            return key
        label = f"[{ref.review}]" if ref.review else key
        return f"{label} {ref.url or ref.citation}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "model_version": self.model_version,
            "semantics": self.semantics,
            "passed": self.passed,
            "cases": [r.to_dict(self.network) for r in self.results],
        }


def validate(
    network: BooleanNetwork,
    semantics: Semantics = "asynchronous",
    *,
    cases: Sequence[EvidenceCase] = EVIDENCE_CASES,
    progress: Callable[[EvidenceCase], None] | None = None,
) -> ValidationReport:
    """Run every evidence case on ``network`` (normally the flagship) and report pass/fail."""
    results = []
    for case in cases:
        if progress:
            progress(case)
        results.append(evaluate_case(case, network, semantics))
    return ValidationReport(network.name, network.version, semantics, tuple(results), network)
