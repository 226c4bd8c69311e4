"""Graded outcomes: how much of the state space leads to each attractor and phenotype, and
what the untreated cell state becomes under a treatment.

**The state space.** For a setting (a network with perturbations), the states counted are every
state of the perturbed network in which the perturbed (fixed) nodes hold their values and every
other node, inputs and nodes with constant rules included, is free: ``2 ** free`` states, each
counted once. Fractions are exact (counted symbolically on biodivine-aeon BDDs, see
:mod:`mtor_network.attractors._basins`).

**Asynchronous semantics.** The *weak basin* of an attractor is the share of those states from
which some asynchronous path reaches it; its *strong basin* the share that reaches it and no
other attractor. A state that can reach several attractors is *undecided*; the strong basins
and the undecided share sum to 1. For a phenotype the same holds with its attractors taken
together: its strong basin (:attr:`PhenotypeOutcome.basin`, the phenotype's probability under
the basin measure) is the share of states whose every reachable attractor has that phenotype.

**Synchronous semantics.** Every state has one successor and ends in one attractor: weak and
strong basins coincide and partition the space (undecided share 0).

**Most-permissive semantics.** Basins are not defined: every state that reaches a minimal trap
space under MP reachability typically reaches others too, and no exact count is implemented, so
the status is ``"not_defined"``.

**Reachable from the untreated cell state.** The reference setting (by default the same
environment and genotype without drugs, knockouts or over-expressions) has attractors of its
own: the untreated cell's states. Taken as initial states of the treated network (its fixed
nodes set to their treated values), :attr:`AttractorOutcome.reference_share` is the share of
them that can reach each attractor, and :attr:`Outcomes.reached_from_reference` names the
phenotypes reachable from them.

A setting with a single attractor needs no computation (every state reaches it, and only it).
With a time or memory :class:`~mtor_network.attractors.Budget` the computation runs in a killable
worker; over the budget the status is ``"not_computed"`` with the reason, never a hang.

>>> from mtor_network import load_network
>>> from mtor_network.analysis.basins import outcomes
>>> net = load_network("hr_breast_cancer_v1")
>>> graded = outcomes(net, [net.drugs["everolimus"]])
>>> graded.status, graded.attractors[0].strong_basin
('exact', 1.0)
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, Literal

from ..attractors import AttractorResult, Budget, BudgetExceeded, Semantics, _basins
from ..attractors._budget import run_budgeted
from ..attractors._types import Attractor
from ..network import BooleanNetwork
from ..perturbations import Perturbation, Scenario, as_perturbations
from .phenotypes import find_attractors

BasinStatus = Literal["exact", "not_computed", "not_defined"]
UNTREATED = "untreated"
"""The default reference: the setting's environment and genotype, without treatments."""
REFERENCE_KINDS = _basins.REFERENCE_KINDS
"""Kinds of perturbation the untreated reference keeps (environment, genotype)."""

STATE_SPACE = (
    "every state of the perturbed network with the perturbed nodes at their values and every "
    "other node free"
)

ReferenceArg = str | Scenario | Perturbation | Iterable[Perturbation] | None


@dataclass(frozen=True)
class AttractorOutcome:
    """One attractor with its basins.

    ``weak_basin`` / ``strong_basin``: the share of the state space that can reach it / that
    reaches only it (None when not computed or not defined). ``reference_share``: the share of
    the reference's (untreated) attractor states that can reach it, ``reference_strong_share``
    the share that reaches only it (None without a reference or when not computed).
    """

    attractor: Attractor
    weak_basin: float | None
    strong_basin: float | None
    weak_states: int | None = None
    strong_states: int | None = None
    reference_share: float | None = None
    reference_strong_share: float | None = None

    @property
    def phenotype(self) -> str:
        """The attractor's phenotype."""
        return self.attractor.phenotype

    @property
    def reachable_from_reference(self) -> bool | None:
        """True if a reference state can reach this attractor (None: not known)."""
        return None if self.reference_share is None else self.reference_share > 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "phenotype": self.phenotype,
            "weak_basin": self.weak_basin,
            "strong_basin": self.strong_basin,
            "weak_states": self.weak_states,
            "strong_states": self.strong_states,
            "reference_share": self.reference_share,
            "reference_strong_share": self.reference_strong_share,
            "reachable_from_reference": self.reachable_from_reference,
        }


@dataclass(frozen=True)
class PhenotypeOutcome:
    """One phenotype's basins: ``basin`` is the share of states whose every reachable attractor
    has this phenotype (its strong basin: the phenotype's probability under the basin
    measure), ``weak_basin`` the share that can reach one; ``reference_share`` /
    ``reference_strong_share`` the same over the reference's attractor states."""

    phenotype: str
    attractors: int
    basin: float | None
    weak_basin: float | None
    reference_share: float | None = None
    reference_strong_share: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "phenotype": self.phenotype,
            "attractors": self.attractors,
            "basin": self.basin,
            "weak_basin": self.weak_basin,
            "reference_share": self.reference_share,
            "reference_strong_share": self.reference_strong_share,
        }


@dataclass(frozen=True)
class Outcomes:
    """Graded outcomes of one setting (see the module docstring for every measure).

    ``status``: ``"exact"``, ``"not_computed"`` (``reason`` says why: a budget, an incomplete
    result) or ``"not_defined"`` (most-permissive semantics). ``states``: the size of the state
    space (``2 ** free``). ``reference``: the reference setting's perturbations (None: no
    reference), ``reference_result`` its attractors, ``reference_states`` the number of initial
    states taken from them (None where not counted: a single attractor needs no count),
    ``reference_reason`` why the reference was not computed (its search over the budget: the
    setting's own outcomes stand; empty otherwise).
    """

    result: AttractorResult
    status: BasinStatus
    reason: str
    states: int
    attractors: tuple[AttractorOutcome, ...]
    phenotypes: tuple[PhenotypeOutcome, ...]
    undecided: float | None
    phenotype_undecided: float | None
    reference: tuple[Perturbation, ...] | None = None
    reference_result: AttractorResult | None = None
    reference_states: int | None = None
    reference_reason: str = ""

    @property
    def semantics(self) -> Semantics:
        """The semantics of the result."""
        return self.result.semantics

    @property
    def computed(self) -> bool:
        """True if the basins are exact values."""
        return self.status == "exact"

    def phenotype(self, name: str) -> PhenotypeOutcome:
        """The outcome of phenotype ``name`` (zero attractors if none has it)."""
        for p in self.phenotypes:
            if p.phenotype == name:
                return p
        zero = 0.0 if self.computed else None
        ref = zero if self.reference_result is not None and self.computed else None
        return PhenotypeOutcome(name, 0, zero, zero, ref, ref)

    def basin(self, phenotype: str) -> float | None:
        """The strong basin of ``phenotype`` (None when not computed)."""
        return self.phenotype(phenotype).basin

    @property
    def reached_from_reference(self) -> tuple[str, ...] | None:
        """The phenotypes reachable from the reference's attractor states (None: no reference
        or not computed), in the result's phenotype order."""
        if self.reference_result is None or not self.computed:
            return None
        return tuple(
            p.phenotype for p in self.phenotypes if p.reference_share and p.reference_share > 0
        )

    @property
    def reference_phenotypes(self) -> tuple[str, ...] | None:
        """The phenotypes of the reference's own attractors (the untreated cell)."""
        if self.reference_result is None:
            return None
        return tuple(dict.fromkeys(a.phenotype for a in self.reference_result))

    def describe_reference(self) -> str:
        """One line: which phenotype the untreated cell state reaches under this setting."""
        if self.reference_reason:
            return f"reference: {self.reference_reason}"
        if self.reference is None or self.reference_result is None:
            return "reference: none"
        names = ", ".join(p.describe() for p in self.reference) or "no perturbation"
        untreated = "/".join(self.reference_phenotypes or ()) or "none"
        if not self.computed:
            return f"from the untreated state ({names}: {untreated}): {self.reason}"
        parts = []
        for p in self.phenotypes:
            if p.reference_share:
                share = f"from {p.reference_share:.0%} of them"
                if p.reference_strong_share is not None and p.reference_strong_share < 1:
                    share += f", only it from {p.reference_strong_share:.0%}"
                parts.append(f"{p.phenotype} ({share})")
        reached = "; ".join(parts) or "none"
        return f"from the untreated state ({names}: {untreated}) reachable: {reached}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: status, state space, per attractor, per phenotype, reference."""
        return {
            "status": self.status,
            "reason": self.reason,
            "semantics": self.semantics,
            "state_space": STATE_SPACE,
            "states": self.states,
            "measure": "weak basin: can reach; strong basin: reaches only it",
            "undecided": self.undecided,
            "phenotype_undecided": self.phenotype_undecided,
            "attractors": [a.to_dict() for a in self.attractors],
            "phenotypes": {p.phenotype: p.to_dict() for p in self.phenotypes},
            "reference": None
            if self.reference is None
            else {
                "perturbations": [p.name for p in self.reference],
                "not_computed": self.reference_reason or None,
                "phenotypes": list(self.reference_phenotypes or ()),
                "initial_states": self.reference_states,
                "reached": None
                if self.reached_from_reference is None
                else list(self.reached_from_reference),
            },
        }


# ---- arguments -----------------------------------------------------------------------------
def _as_tuple(perturbations: object, what: str) -> tuple[Perturbation, ...]:
    return as_perturbations(perturbations, f"outcomes({what}=...)")


def untreated(perturbations: Iterable[Perturbation]) -> tuple[Perturbation, ...]:
    """The perturbations of the untreated cell: those of kinds :data:`REFERENCE_KINDS`
    (environment, genotype), without drugs, knockouts or over-expressions."""
    return tuple(p for p in perturbations if p.kind in REFERENCE_KINDS)


def _reference_of(reference: ReferenceArg, applied: tuple[Perturbation, ...]) -> Any:
    if reference is None:
        return None
    if isinstance(reference, str):
        if reference != UNTREATED:
            raise ValueError(
                f"outcomes(reference=...): {reference!r} is not known; use {UNTREATED!r}, None, "
                "or the reference's perturbations"
            )
        return untreated(applied)
    return _as_tuple(reference, "reference")


def _share(count: int, total: int | None) -> float | None:
    return None if not total else count / total


# ---- the computation -----------------------------------------------------------------------
def _counts(
    network: BooleanNetwork,
    result: AttractorResult,
    fixed: dict[str, bool],
    groups: list[list[int]],
    reference: _basins.Reference | None,
    budget: Budget | None,
    cancel: Callable[[], bool] | None,
    started: float,
) -> _basins.BasinCounts:
    values = [dict(a.values) for a in result]
    if len(values) == 1:  # every state reaches the one attractor, and only it
        free = len(network.node_names) - len(fixed)
        one = (2**free,)
        member = tuple(2**free if g else 0 for g in groups)
        if reference is None:
            return _basins.BasinCounts(2**free, one, one, member, member)
        # the initial states are not counted (None): each of them reaches the one attractor
        hit = tuple(1 if g else 0 for g in groups)
        return _basins.BasinCounts(2**free, one, one, member, member, None, (1,), (1,), hit, hit)
    if (budget is None or not budget.needs_process) and cancel is None:
        return _basins.basin_counts(
            network, result.semantics, fixed, values, groups=groups, reference=reference
        )
    job = _basins.encode_basin_job(
        network, result.semantics, fixed, values, groups=groups, reference=reference
    )
    reply = run_budgeted(
        job,
        budget or Budget(),
        what=f"the basin computation on {network.name} ({result.semantics})",
        semantics=result.semantics,
        cancel=cancel,
        started=started,
    )
    return _basins.BasinCounts.from_json(reply["basins"])


def _not_computed(
    result: AttractorResult,
    status: BasinStatus,
    reason: str,
    states: int,
    reference: tuple[Perturbation, ...] | None,
    reference_result: AttractorResult | None,
) -> Outcomes:
    attractors = tuple(AttractorOutcome(a, None, None) for a in result)
    counts = result.phenotype_counts()
    phenotypes = tuple(
        PhenotypeOutcome(p, counts.get(p, 0), None, None) for p in result.labels.phenotypes
    )
    return Outcomes(
        result,
        status,
        reason,
        states,
        attractors,
        phenotypes,
        None,
        None,
        reference,
        reference_result,
    )


def outcomes(
    network: BooleanNetwork,
    perturbations: Scenario | Perturbation | Iterable[Perturbation] | None = None,
    *,
    semantics: Semantics = "asynchronous",
    reference: ReferenceArg = UNTREATED,
    result: AttractorResult | None = None,
    engine: str = "auto",
    budget: Budget | None = None,
    cancel: Callable[[], bool] | None = None,
) -> Outcomes:
    """Graded outcomes of a setting: exact basins of every attractor and phenotype, and what
    the reference (untreated) cell state reaches.

    Parameters
    ----------
    network : BooleanNetwork
        The model (a network already perturbed keeps its perturbations).
    perturbations : Scenario, Perturbation or list of Perturbation, optional
        The setting (environment, genotype, drugs, knockouts ...), applied first.
    semantics : {"asynchronous", "synchronous", "most_permissive"}
        The update semantics (basins are not defined under most-permissive).
    reference : "untreated", Scenario, Perturbation, list or None
        The setting whose attractor states are the initial states: ``"untreated"`` (default)
        keeps the environment and genotype perturbations of the setting and drops the rest;
        ``()`` is the unperturbed model; None computes no reference.
    result : AttractorResult, optional
        The setting's attractors if already found (with the same perturbations and
        semantics); otherwise they are searched.
    engine : str
        The attractor engine (``"auto"``).
    budget : Budget, optional
        Bounds the attractor searches (which raise when over it) and the basin computation
        (which then reports ``"not_computed"`` with the reason). ``max_nodes`` bounds the
        free nodes of the basin computation.
    cancel : callable, optional
        Polled while a budgeted computation runs; True stops it.

    Returns
    -------
    Outcomes
        Per attractor and phenotype, weak and strong basin fractions, and reference shares.

    Raises
    ------
    TypeError, ValueError
        For arguments of the wrong type or value.
    BudgetExceeded
        When the setting's attractor search is over the budget. The reference's search
        over it leaves the outcomes without a reference (``reference_reason`` says why),
        and the basin computation over it reports ``"not_computed"``.
    """
    if not isinstance(network, BooleanNetwork):
        raise TypeError(f"outcomes(network): a BooleanNetwork, not {type(network).__name__}")
    started = time.monotonic()
    applied = (*network.perturbations, *_as_tuple(perturbations, "perturbations"))
    base = network.base
    ref = _reference_of(reference, applied)
    if result is None:
        result = find_attractors(
            base, semantics, perturbations=applied, engine=engine, budget=budget, cancel=cancel
        )
    elif result.semantics != semantics:
        raise ValueError(f"outcomes(result=...): the result is {result.semantics}, not {semantics}")
    reference_result = None
    reference_reason = ""
    if ref is not None:
        try:
            reference_result = find_attractors(
                base, semantics, perturbations=ref, engine=engine, budget=budget, cancel=cancel
            )
        except BudgetExceeded as exc:  # the setting's own result stands; say why not
            names = ", ".join(p.describe() for p in ref) or "no perturbation"
            reference_reason = f"not computed ({names}): {exc}"
    graded = _graded(
        result, semantics, applied, base, ref, reference_result, budget, cancel, started
    )
    return replace(graded, reference_reason=reference_reason) if reference_reason else graded


def _graded(
    result: AttractorResult,
    semantics: str,
    applied: tuple[Perturbation, ...],
    base: BooleanNetwork,
    ref: tuple[Perturbation, ...] | None,
    reference_result: AttractorResult | None,
    budget: Budget | None,
    cancel: Callable[[], bool] | None,
    started: float,
) -> Outcomes:
    perturbed = base.perturb(*applied) if applied else base
    fixed = Scenario(applied).effects()
    free = len(perturbed.node_names) - len(fixed)
    states = 2**free
    if semantics == "most_permissive":
        return _not_computed(
            result,
            "not_defined",
            "basins are not defined under most-permissive semantics (a state reaches several "
            "minimal trap spaces; no exact count of most-permissive basins is implemented)",
            states,
            ref,
            reference_result,
        )
    if not result.complete:
        return _not_computed(
            result,
            "not_computed",
            f"the result holds {len(result)} of {result.total_attractors} attractors "
            "(basins need them all: raise --max-attractors / Budget(max_attractors=...))",
            states,
            ref,
            reference_result,
        )
    if budget is not None and budget.max_nodes is not None and free > budget.max_nodes:
        return _not_computed(
            result,
            "not_computed",
            f"{free} free nodes, over the size budget of {budget.max_nodes} nodes",
            states,
            ref,
            reference_result,
        )
    order = list(result.labels.phenotypes)
    for a in result:
        if a.phenotype not in order:
            order.append(a.phenotype)
    groups = [[i for i, a in enumerate(result) if a.phenotype == p] for p in order]
    basin_reference = None
    if ref is not None and reference_result is not None:
        ref_network = base.perturb(*ref) if ref else base
        basin_reference = _basins.Reference(
            ref_network, Scenario(ref).effects(), [dict(a.values) for a in reference_result]
        )
    try:
        counts = _counts(perturbed, result, fixed, groups, basin_reference, budget, cancel, started)
    except BudgetExceeded as exc:
        return _not_computed(result, "not_computed", str(exc), states, ref, reference_result)
    initial = counts.initial
    has_reference = basin_reference is not None
    initial_total = initial if initial is not None else 1  # None: one attractor, shares 1
    iw, is_ = counts.initial_weak, counts.initial_strong
    igw, igs = counts.initial_group_weak, counts.initial_group_strong
    attractors = []
    for i, a in enumerate(result):
        attractors.append(
            AttractorOutcome(
                a,
                counts.weak[i] / states,
                counts.strong[i] / states,
                counts.weak[i],
                counts.strong[i],
                _share(iw[i], initial_total) if has_reference else None,
                _share(is_[i], initial_total) if has_reference else None,
            )
        )
    phenotypes = []
    for g, p in enumerate(order):
        phenotypes.append(
            PhenotypeOutcome(
                p,
                len(groups[g]),
                counts.group_strong[g] / states,
                counts.group_weak[g] / states,
                _share(igw[g], initial_total) if has_reference else None,
                _share(igs[g], initial_total) if has_reference else None,
            )
        )
    undecided = (states - sum(counts.strong)) / states
    phenotype_undecided = (states - sum(counts.group_strong)) / states
    return Outcomes(
        result,
        "exact",
        "",
        states,
        tuple(attractors),
        tuple(phenotypes),
        undecided,
        phenotype_undecided,
        ref,
        reference_result,
        initial,
    )


def outcomes_json(graded: Outcomes) -> str:
    """The outcomes as JSON text (:meth:`Outcomes.to_dict`)."""
    return json.dumps(graded.to_dict(), indent=2) + "\n"


__all__ = [
    "REFERENCE_KINDS",
    "STATE_SPACE",
    "UNTREATED",
    "AttractorOutcome",
    "BasinStatus",
    "Outcomes",
    "PhenotypeOutcome",
    "outcomes",
    "untreated",
]
