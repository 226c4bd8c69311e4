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
    "phenotype_never",  # no attractor of any setting has the case's phenotype
    "combination_better",  # graded: last setting's proliferative share < each earlier one's
    "no_added_benefit",  # all settings non-proliferative (combination adds nothing)
    "benefit_only_secondary",  # graded, (mono, combo) pairs: benefit in secondary, not primary
]

COMBINATION_MARGIN = 0.05
"""A combination is 'stronger than either alone' (E13) when its proliferative share is lower
than each single treatment's by at least this much (a difference below it is not an effect)."""

BENEFIT_THRESHOLD = 0.5
"""A combination 'benefits' a pair (mono, combo) when it lowers the proliferative share (the
basin fraction of proliferative attractors, :func:`proliferative_share`) by at least this much;
E11/E12 use it, and the table prints it."""


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
    phenotype: str = ""  # for phenotype_never
    mechanism: str = ""  # Model 2.0 point (BIOLOGY.md) the case tests, for E14 on


ENDOCRINE = (
    "letrozole",
    "anastrozole",
    "exemestane",
    "tamoxifen",
    "toremifene",
    "fulvestrant",
    "elacestrant",
    "camizestrant",
    "imlunestrant",
)
"""Every endocrine therapy of the registry (E3, E4: "endocrine therapy")."""
AROMATASE_INHIBITORS = ("letrozole", "anastrozole", "exemestane")
ADAPTED = ("lted_adapted",)

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
        "wild type, an aromatase inhibitor (letrozole, anastrozole, exemestane) or tamoxifen",
        "no proliferative attractor (endocrine sensitive)",
        ("R2", "R3"),
        "not_proliferative",
        tuple(S(d) for d in (*AROMATASE_INHIBITORS, "tamoxifen")),
    ),
    EvidenceCase(
        "E3",
        "HER2 amplified or EGFR over-active, with every endocrine therapy",
        "still proliferative (endocrine-resistant)",
        ("R3", "R4", "R7", "shou2004"),
        "proliferative",
        tuple(S(d, g=["her2_amplified"]) for d in ENDOCRINE)
        + tuple(S(d, oe=["EGFR"]) for d in ENDOCRINE),
    ),
    EvidenceCase(
        "E4",
        "PIK3CA mutant or PTEN loss, with every endocrine therapy",
        "still proliferative (endocrine-resistant)",
        ("R7", "R10", "R11"),
        "proliferative",
        tuple(S(d, g=[g]) for g in ("pik3ca_mutant", "pten_loss") for d in ENDOCRINE),
    ),
    EvidenceCase(
        "E5",
        "E4's settings + everolimus",
        "sensitivity restored: no proliferative attractor",
        ("R11", "R19", "R22"),
        "not_proliferative",
        tuple(S(d, "everolimus", g=[g]) for g in ("pik3ca_mutant", "pten_loss") for d in ENDOCRINE),
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
        "wild type with IGF-1 present + everolimus or temsirolimus",
        "AKT ON despite the rapamycin-sensitive mTORC1 output OFF (S6K1 -| IRS1 relieved)",
        ("R8", "R24", "R25"),
        "node_always",
        (S("everolimus"), S("temsirolimus")),
        nodes=(("MTORC1_FRB", 0), ("S6K1", 0), ("IRS1", 1), ("AKT", 1)),
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
        "E7's setting + IGF-1R antibody (ganitumab), or a dual PI3K/mTOR inhibitor "
        "(dactolisib, gedatolisib)",
        "AKT reactivation gone: AKT OFF in every attractor",
        ("R8", "R26"),
        "node_always",
        (
            S("everolimus", "ganitumab"),
            S("dactolisib"),
            S("gedatolisib"),
            S("everolimus", "dactolisib"),
        ),
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
        "acquired, mTOR-dependent resistance after an AI (the estrogen-deprivation-adapted "
        "cell state, with or without a PIK3CA mutation): exemestane + everolimus vs exemestane",
        f"combination lowers the proliferative share by >= {BENEFIT_THRESHOLD:.0%}, "
        "monotherapy leaves it (BOLERO-2; benefit independent of PIK3CA)",
        ("R5", "R21", "R22", "R23", "hortobagyi2016jco", "miller2010"),
        "benefit_only_secondary",
        (
            S("exemestane", env=ADAPTED),
            S("exemestane", "everolimus", env=ADAPTED),
            S("exemestane", env=ADAPTED, g=["pik3ca_mutant"]),
            S("exemestane", "everolimus", env=ADAPTED, g=["pik3ca_mutant"]),
        ),
    ),
    EvidenceCase(
        "E12",
        "tamoxifen + everolimus vs tamoxifen, HER2-negative: primary resistance driven outside "
        "mTOR (RAS/MAPK activation) vs secondary, mTOR-dependent resistance (the adapted "
        "cell state)",
        f"benefit (share lowered by >= {BENEFIT_THRESHOLD:.0%}) in the secondary setting only "
        "(TAMRAD)",
        ("R19", "R20"),
        "benefit_only_secondary",
        (
            S("tamoxifen", env=ADAPTED),
            S("tamoxifen", "everolimus", env=ADAPTED),
        ),
        primary=(
            S("tamoxifen", g=["ras_mapk_activated"]),
            S("tamoxifen", "everolimus", g=["ras_mapk_activated"]),
        ),
    ),
    EvidenceCase(
        "E13",
        "ER antagonist + temsirolimus in MCF-7 (ER+, PIK3CA E545K: pik3ca_mutant), estrogen "
        "present",
        "combination stronger than either alone: proliferative share lower than each by "
        f">= {COMBINATION_MARGIN:.0%}",
        ("R12",),
        "combination_better",
        (
            S("tamoxifen", g=["pik3ca_mutant"]),
            S("temsirolimus", g=["pik3ca_mutant"]),
            S("tamoxifen", "temsirolimus", g=["pik3ca_mutant"]),
        ),
    ),
    # ---- Model 2.0 mechanisms (BIOLOGY.md, "Model 2.0"), one case each -------------------
    EvidenceCase(
        "E14",
        "everolimus, wild type with estrogen (mTORC1 driven by AKT and ERK)",
        "4E-BP1 stays phosphorylated (EIF4EBP1 OFF in every attractor) while S6K1 is blocked",
        ("choo2008", "thoreen2009", "feldman2009"),
        "node_always",
        (S("everolimus"),),
        nodes=(("EIF4EBP1", 0), ("S6K1", 0)),
        mechanism="1: mTORC1 outputs differ in rapalog sensitivity",
    ),
    EvidenceCase(
        "E15",
        "ATP-competitive mTOR or dual PI3K/mTOR inhibitor, wild type with estrogen",
        "no proliferative attractor (cap-dependent translation of cyclin D1 blocked)",
        ("thoreen2009", "feldman2009", "maira2008"),
        "not_proliferative",
        (S("sapanisertib"), S("dactolisib"), S("gedatolisib")),
        mechanism="1: mTORC1 outputs differ in rapalog sensitivity",
    ),
    EvidenceCase(
        "E16",
        "PIK3CA mutant with an aromatase inhibitor (no estradiol, no ERK input)",
        "kinase-driven ER OFF: one kinase arm does not replace estradiol",
        ("ellis2010", "kato1995", "yamnik2009"),
        "node_always",
        tuple(S(d, g=["pik3ca_mutant"]) for d in AROMATASE_INHIBITORS),
        nodes=(("ER", 0), ("ER_AF1", 0)),
        mechanism="2: ligand-independent ER is weaker than estradiol-bound ER",
    ),
    EvidenceCase(
        "E17",
        "a SERD (fulvestrant, elacestrant, camizestrant, imlunestrant) in HER2-amplified cells",
        "still proliferative: PI3K/AKT/mTOR and MAPK drive G1/S without ER",
        ("liang2002", "diehl1998", "musgrove2009", "lavoie1996"),
        "proliferative",
        tuple(
            S(d, g=["her2_amplified"])
            for d in ("fulvestrant", "elacestrant", "camizestrant", "imlunestrant")
        ),
        mechanism="3: PI3K/AKT/mTOR drives G1/S also without ER",
    ),
    EvidenceCase(
        "E18",
        "CDK4/6 inhibitor (palbociclib, ribociclib, abemaciclib) + letrozole in RB1-lost or "
        "CCNE1-amplified cells",
        "still proliferative (CDK4/6 inhibition bypassed)",
        ("herrera2016", "turner2019", "condorelli2018"),
        "proliferative",
        tuple(
            S(d, "letrozole", g=[g])
            for g in ("rb1_loss", "ccne1_amplified")
            for d in ("palbociclib", "ribociclib", "abemaciclib")
        ),
        mechanism="4: G1/S needs cyclin E-CDK2 and CDK inhibitors",
    ),
    EvidenceCase(
        "E19",
        "CDK4/6 inhibitor, wild type, with estrogen or with letrozole",
        "no proliferative attractor (RB-proficient cells arrest in G1)",
        ("finn2016", "hortobagyi2016", "goetz2017"),
        "not_proliferative",
        tuple(
            S(*drugs)
            for d in ("palbociclib", "ribociclib", "abemaciclib")
            for drugs in ((d,), (d, "letrozole"))
        ),
        mechanism="4: G1/S needs cyclin E-CDK2 and CDK inhibitors",
    ),
    EvidenceCase(
        "E20",
        "every endocrine therapy, wild type",
        "no apoptotic attractor (endocrine therapy of sensitive cells is cytostatic)",
        ("R7", "perillo2000", "mills2008"),
        "phenotype_never",
        tuple(S(d) for d in ENDOCRINE),
        phenotype="apoptotic",
        mechanism="5: apoptosis needs its real survival factors",
    ),
    EvidenceCase(
        "E21",
        "everolimus + ganitumab with insulin present (the default environment)",
        "AKT stays ON: insulin signals through the insulin receptor, which IGF-1R antibodies spare",
        ("robertson2013", "fox2011"),
        "node_always",
        (S("everolimus", "ganitumab"),),
        nodes=(("INSR", 1), ("AKT", 1)),
        mechanism="6: adaptive feedbacks the review's drugs trigger",
    ),
    EvidenceCase(
        "E22",
        "trametinib in HER2-amplified cells or with EGF-family ligands",
        "PI3K re-activated through RAS-GTP released from ERK feedback: AKT ON",
        ("mirzoeva2009", "rodriguez1994", "castellano2013"),
        "node_always",
        (S("trametinib", g=["her2_amplified"]), S("trametinib", env=["egf_stimulated"])),
        nodes=(("RAS_HIGH", 1), ("AKT", 1)),
        mechanism="6: adaptive feedbacks the review's drugs trigger",
    ),
    EvidenceCase(
        "E23",
        "the estrogen-deprivation-adapted cell state with exemestane, with and without a "
        "PIK3CA mutation",
        "proliferative under exemestane either way (acquired resistance is a state, not a "
        "genotype)",
        ("miller2010", "fox2011", "hortobagyi2016jco"),
        "proliferative",
        (
            S("exemestane", env=ADAPTED),
            S("exemestane", env=ADAPTED, g=["pik3ca_mutant"]),
        ),
        mechanism="7: acquired resistance is a state, not a genotype",
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


def proliferative_share(network: BooleanNetwork, result: AttractorResult) -> float:
    """The graded outcome of a setting: the fraction of its state space whose states reach
    only proliferative attractors (strong basins, :func:`mtor_network.analysis.basins.outcomes`;
    states that can reach both kinds count half). Where basins are not defined (most-permissive
    semantics) or not computed, the share of proliferative attractors instead."""
    if not len(result):
        return 0.0
    kinds = {a.phenotype == "proliferative" for a in result}
    if len(kinds) == 1:
        return 1.0 if True in kinds else 0.0
    from .basins import outcomes

    graded = outcomes(network, result.perturbations, semantics=result.semantics, result=result)
    basin = graded.basin("proliferative") if graded.computed else None
    if basin is None:
        return sum(a.phenotype == "proliferative" for a in result) / len(result)
    undecided = graded.phenotype_undecided or 0.0
    return basin + undecided / 2


def _check(
    case: EvidenceCase,
    results: list[AttractorResult],
    primary: list[AttractorResult],
    network: BooleanNetwork,
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
    if case.check == "phenotype_never":
        bad = [
            lbl
            for lbl, r in zip(labels, results, strict=True)
            if any(a.phenotype == case.phenotype for a in r)
        ]
        if bad:
            return False, f"{case.phenotype} attractor in: {'; '.join(bad)}"
        return True, f"no {case.phenotype} attractor in any setting"
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
        shares = [proliferative_share(network, r) for r in results]
        combo, singles = shares[-1], shares[:-1]
        ok = all(combo <= f - COMBINATION_MARGIN for f in singles)
        text = ", ".join(
            f"{lbl}: {f:.1%} proliferative" for lbl, f in zip(labels, shares, strict=True)
        )
        return ok, f"{text} (stronger: lower by >= {COMBINATION_MARGIN:.0%})"
    if case.check == "benefit_only_secondary":

        def benefit(pairs: list[AttractorResult]) -> list[float]:
            return [
                proliferative_share(network, mono) - proliferative_share(network, combo)
                for mono, combo in zip(pairs[::2], pairs[1::2], strict=True)
            ]

        secondary = benefit(results)
        primary_benefit = benefit(primary) if primary else []
        ok = all(b >= BENEFIT_THRESHOLD for b in secondary) and not any(
            b >= BENEFIT_THRESHOLD for b in primary_benefit
        )
        parts = ["secondary: share lowered by " + ", ".join(f"{b:.0%}" for b in secondary)]
        if primary:
            parts.append("primary: lowered by " + ", ".join(f"{b:.0%}" for b in primary_benefit))
        return ok, f"{'; '.join(parts)} (benefit: >= {BENEFIT_THRESHOLD:.0%})"
    raise ValueError(f"unknown check {case.check!r}")


def evaluate_case(
    case: EvidenceCase, network: BooleanNetwork, semantics: Semantics = "asynchronous"
) -> EvidenceResult:
    """Run one evidence case on ``network``."""
    results = [s.run(network, semantics) for s in case.settings]
    primary = [s.run(network, semantics) for s in case.primary]
    passed, observed = _check(case, results, primary, network)
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
