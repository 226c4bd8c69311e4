"""The breast-cancer reading of attractors, evaluated from what the model file declares.

A model file declares (see the header of ``networks/hr_breast_cancer.toml``):

* ``phenotypes = { ROLE = "NODE", ... }``: marker nodes of any roles (``proliferation``,
  ``apoptosis``, ``senescence``, ...);
* ``phenotype_classes = { PHENOTYPE = "ROLE", ... }``: in priority order, the phenotype of an
  attractor whose ROLE marker is ON or oscillates (the first that matches wins; none:
  ``quiescent``; a model with no marker for any class: ``unknown``). Default:
  ``{ proliferative = "proliferation", apoptotic = "apoptosis" }``;
* ``resistance = { phenotype = "...", under_tag = "...", name = "...", condition = "..." }``
  (or a list of them): an attractor of that phenotype found while a perturbation tagged
  ``under_tag`` is applied is flagged ``name``. Default: proliferative under ``endocrine``
  is ``endocrine-resistant`` (condition ``endocrine_therapy``).

:func:`annotate` turns these into the phenotype and flags of each attractor, and
:func:`find_attractors` (the package's public ``find_attractors``) is the engine's search with
this annotator. The engine itself knows none of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from ..attractors import find_attractors as _engine_find_attractors
from ..attractors._types import Annotation, ResultLabels
from ..network import BooleanNetwork, PhenotypeMarkers
from ..phenotypes import PhenotypeSpec, ResistanceRule, roles_of
from ..types import NodeValue

DEFAULT_CLASSES: tuple[tuple[str, str], ...] = (
    ("proliferative", "proliferation"),
    ("apoptotic", "apoptosis"),
)
"""Phenotype -> role, in priority order, for a model that declares no classes."""

QUIESCENT = "quiescent"
UNKNOWN = "unknown"

DEFAULT_RESISTANCE: tuple[ResistanceRule, ...] = (
    ResistanceRule(
        phenotype="proliferative",
        under_tag="endocrine",
        name="endocrine-resistant",
        condition="endocrine_therapy",
    ),
)
"""The resistance rule of a model that declares none (the flagship's rule)."""


def classes_of(markers: PhenotypeMarkers) -> tuple[tuple[str, str], ...]:
    """The (phenotype, role) classes a model declares, else :data:`DEFAULT_CLASSES`."""
    if isinstance(markers, PhenotypeSpec) and markers.classes is not None:
        return markers.classes
    return DEFAULT_CLASSES


def rules_of(markers: PhenotypeMarkers) -> tuple[ResistanceRule, ...]:
    """The resistance rules a model declares, else :data:`DEFAULT_RESISTANCE`."""
    if isinstance(markers, PhenotypeSpec) and markers.resistance is not None:
        return markers.resistance
    return DEFAULT_RESISTANCE


def phenotype_names(markers: PhenotypeMarkers) -> tuple[str, ...]:
    """Every phenotype an attractor of this model can get, in display order: the classes,
    then ``quiescent`` and ``unknown``."""
    names = [name for name, _ in classes_of(markers)]
    return tuple(dict.fromkeys([*names, QUIESCENT, UNKNOWN]))


def classify(values: Mapping[str, NodeValue], markers: PhenotypeMarkers) -> str:
    """Classify one attractor by the model's marker nodes.

    Parameters
    ----------
    values : mapping of str to {0, 1, "*"}
        The attractor's node values.
    markers : PhenotypeMarkers
        The network's phenotype declarations (``network.phenotypes``).

    Returns
    -------
    str
        The first class whose role's marker is ON or oscillates (by default *proliferative*,
        then *apoptotic*; a role the model declares ``phenotype_sustained`` counts only when
        ON throughout); otherwise *quiescent*; *unknown* for a model with no marker node for
        any class.
    """
    roles = roles_of(markers)
    sustained = markers.sustained if isinstance(markers, PhenotypeSpec) else ()
    classes = [(name, roles.get(role), role in sustained) for name, role in classes_of(markers)]
    if all(node is None for _, node, _ in classes):
        return UNKNOWN
    for name, node, always in classes:
        value = None if node is None else values.get(node, 0)
        if value == 1 or (value == "*" and not always):
            return name
    return QUIESCENT


def tags_applied(network: BooleanNetwork) -> frozenset[str]:
    """The tags of every perturbation applied to ``network``."""
    return frozenset(t for p in network.perturbations for t in p.tags)


def annotate(network: BooleanNetwork, values: Sequence[Mapping[str, NodeValue]]) -> Annotation:
    """The phenotype and resistance flags of each attractor of ``network``.

    Parameters
    ----------
    network : BooleanNetwork
        The (perturbed) network searched; its ``phenotypes`` hold the declarations and its
        ``perturbations`` the tags the rules read.
    values : sequence of mappings
        The value maps of the attractors found.

    Returns
    -------
    Annotation
        Per attractor ``(phenotype, ((rule key, flagged), ...))``; the labels list the
        phenotypes in order, the rules' conditions and their (phenotype, flag) summaries.
    """
    markers = network.phenotypes
    rules = rules_of(markers)
    tags = tags_applied(network)
    conditions = dict.fromkeys(r.condition for r in rules)
    condition_values = tuple(
        (c, any(r.under_tag in tags for r in rules if r.condition == c)) for c in conditions
    )
    annotated = []
    for v in values:
        phenotype = classify(v, markers)
        flags = tuple((r.key, r.under_tag in tags and phenotype == r.phenotype) for r in rules)
        annotated.append((phenotype, flags))
    labels = ResultLabels(
        phenotypes=phenotype_names(markers),
        conditions=condition_values,
        summaries=tuple((r.phenotype, r.key) for r in rules),
    )
    return Annotation(labels, tuple(annotated))


def resistance_keys(network: BooleanNetwork) -> tuple[str, ...]:
    """The flag keys of ``network``'s resistance rules (e.g. ``("endocrine_resistant",)``)."""
    return tuple(r.key for r in rules_of(network.phenotypes))


def rule_tags(network: BooleanNetwork) -> frozenset[str]:
    """The tags ``network``'s resistance rules read (what a perturbation's tags can change)."""
    return frozenset(r.under_tag for r in rules_of(network.phenotypes))


if TYPE_CHECKING:
    from ..attractors import AttractorResult, Budget, Semantics
    from ..perturbations import Perturbation, Scenario


def find_attractors(
    network: BooleanNetwork,
    semantics: Semantics = "asynchronous",
    *,
    perturbations: Scenario | Perturbation | Iterable[Perturbation] | None = None,
    engine: str = "auto",
    percolate: bool = True,
    budget: Budget | None = None,
    cancel: Callable[[], bool] | None = None,
) -> AttractorResult:
    """Every attractor of ``network`` under ``semantics``, each with its phenotype and the
    flags of the model's resistance rules.

    The engine's :func:`mtor_network.attractors.find_attractors` with :func:`annotate`; the
    parameters, result and errors are the engine's (see there).

    Parameters
    ----------
    network : BooleanNetwork
        The network (a network already perturbed keeps its perturbations).
    semantics : {"asynchronous", "synchronous", "most_permissive"}
        The update semantics.
    perturbations : Scenario, Perturbation or list of Perturbation, optional
        Applied first.
    engine : str
        The solver: ``"auto"`` or one of :func:`mtor_network.attractors.engines_for`.
    percolate : bool
        Propagate constant nodes first (default).
    budget : Budget, optional
        Bounds on the search.
    cancel : callable, optional
        Polled while the search runs in a worker; True stops it.

    Returns
    -------
    AttractorResult
        The attractors, ordered by phenotype then values.
    """
    return _engine_find_attractors(
        network,
        semantics,
        perturbations=perturbations,
        engine=engine,
        percolate=percolate,
        budget=budget,
        cancel=cancel,
        annotator=annotate,
    )


__all__ = [
    "DEFAULT_CLASSES",
    "DEFAULT_RESISTANCE",
    "annotate",
    "classes_of",
    "classify",
    "find_attractors",
    "phenotype_names",
    "resistance_keys",
    "rule_tags",
    "rules_of",
    "tags_applied",
]
