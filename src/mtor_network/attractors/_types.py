"""Typed attractor results, generic: the engine knows networks, perturbations and attractors.

What an attractor *means* (its phenotype, flags such as a resistance rule, the conditions of
the search) is said by an annotator that a higher layer passes in
(:func:`mtor_network.analysis.phenotypes.find_attractors` passes the one that evaluates the
model file's declarations). Without one, every attractor is ``"unknown"``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, overload

from ..perturbations import Perturbation
from ..types import NodeValue, Semantics

if TYPE_CHECKING:
    from ..network import BooleanNetwork

SEMANTICS: tuple[Semantics, ...] = ("asynchronous", "synchronous", "most_permissive")
AttractorKind = Literal["fixed_point", "cyclic"]
Flags = tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class ResultLabels:
    """What an annotator declares for one search (the same for all its attractors).

    ``phenotypes``: every label an attractor can get, in display and sorting order.
    ``conditions``: named settings of the search, e.g. ``("endocrine_therapy", True)``.
    ``summaries``: (phenotype, flag) pairs the summary reports, as ``phenotype: any attractor
    has it`` and ``flag: any attractor is flagged``.
    """

    phenotypes: tuple[str, ...] = ("unknown",)
    conditions: Flags = ()
    summaries: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Annotation:
    """An annotator's answer: the labels of the search and (phenotype, flags) per attractor."""

    labels: ResultLabels
    attractors: tuple[tuple[str, Flags], ...]


Annotator = Callable[["BooleanNetwork", Sequence[Mapping[str, NodeValue]]], Annotation]


def no_annotation(network: BooleanNetwork, values: Sequence[Mapping[str, NodeValue]]) -> Annotation:
    """What the engine says of attractors by itself: nothing (every one ``"unknown"``); the
    analysis layer's annotator gives phenotypes and resistance."""
    return Annotation(ResultLabels(), tuple(("unknown", ()) for _ in values))


def _flag_attribute(obj: object, name: str, table: str) -> bool:
    """``obj.<table>[name]`` for the compatibility attributes (``attractor.endocrine_resistant``);
    AttributeError for anything else (pickling probes dunders before the fields exist)."""
    if name.startswith("_"):
        raise AttributeError(name)
    items = getattr(obj, "__dict__", {}).get(table, ())
    for key, value in items:
        if key == name:
            return bool(value)
    raise AttributeError(f"{type(obj).__name__} has no attribute or flag {name!r}")


@dataclass(frozen=True)
class Attractor:
    """One attractor: every node's value (0, 1, or ``"*"`` where it oscillates).

    ``size`` is the number of states in the attractor where the engine knows it (for
    most-permissive semantics: the number of states of the minimal trap space). ``phenotype``
    and ``flags`` (name -> bool, e.g. ``endocrine_resistant``) are what the
    annotator says; a flag reads as an attribute too (``attractor.endocrine_resistant``).
    """

    kind: AttractorKind
    values: tuple[tuple[str, NodeValue], ...]
    size: int | None
    phenotype: str = "unknown"
    flags: Flags = ()

    @cached_property
    def value_map(self) -> dict[str, NodeValue]:
        """The values by node name (built once: ``attractor[node]`` is a dictionary look-up,
        so reading every node of a large network is linear, not quadratic)."""
        return dict(self.values)

    def __getitem__(self, node: str) -> NodeValue:
        return self.value_map[node]

    def __getattr__(self, name: str) -> Any:
        return _flag_attribute(self, name, "flags")

    def flag(self, name: str) -> bool:
        """The flag ``name`` (False if the annotator did not set it)."""
        return dict(self.flags).get(name, False)

    @property
    def oscillating(self) -> tuple[str, ...]:
        """Nodes that take both values within the attractor."""
        return tuple(n for n, v in self.values if v == "*")

    @property
    def is_fixed_point(self) -> bool:
        return self.kind == "fixed_point"

    def code(self) -> str:
        """The values as one string in node order, e.g. ``"01*1"``."""
        return "".join(str(v) for _, v in self.values)

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.kind,
            "phenotype": self.phenotype,
            **{k: bool(v) for k, v in self.flags},
            "size": self.size,
            "values": dict(self.values),
        }


@dataclass(frozen=True)
class AttractorResult(Sequence[Attractor]):
    """All attractors of a network under one semantics, with the settings that produced them.

    ``total`` is None when ``attractors`` holds every attractor found. A search bounded by
    ``Budget(max_attractors=N)`` that found more keeps only the first ``N`` (in the order of
    their value codes) and sets ``total`` to the number found; :attr:`complete` is then False,
    and :meth:`phenotype_counts`, :meth:`has_phenotype`, :meth:`has_flag` and :meth:`always`
    describe the attractors held, not every attractor.

    ``labels`` says what the annotator declared. Its conditions and the summaries read as
    attributes: ``result.endocrine_therapy`` (a condition), ``result.has_proliferative``
    (a phenotype), ``result.has_endocrine_resistant`` (a flag).
    """

    model: str
    model_version: str
    semantics: Semantics
    engine: str
    nodes: tuple[str, ...]
    perturbations: tuple[Perturbation, ...]
    fixed_nodes: tuple[tuple[str, bool], ...]
    attractors: tuple[Attractor, ...]
    model_hash: str = ""
    total: int | None = None
    labels: ResultLabels = field(default_factory=ResultLabels)

    @overload
    def __getitem__(self, index: int) -> Attractor: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Attractor]: ...
    def __getitem__(self, index: int | slice) -> Attractor | Sequence[Attractor]:
        return self.attractors[index]

    def __len__(self) -> int:
        return len(self.attractors)

    def __iter__(self) -> Iterator[Attractor]:
        return iter(self.attractors)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("has_"):
            labels = self.__dict__.get("labels")
            if labels is not None:
                wanted = name[4:]
                if any(flag == wanted for _, flag in labels.summaries):
                    return self.has_flag(wanted)
                if wanted in labels.phenotypes:
                    return self.has_phenotype(wanted)
        return _flag_attribute(self.__dict__.get("labels"), name, "conditions")

    @property
    def complete(self) -> bool:
        """True if every attractor found is held (False: see ``total``)."""
        return self.total is None

    @property
    def total_attractors(self) -> int:
        """The number of attractors found (``len(self)`` when the result is complete)."""
        return len(self.attractors) if self.total is None else self.total

    def condition(self, name: str) -> bool:
        """The search condition ``name`` (e.g. ``endocrine_therapy``; False if not declared)."""
        return dict(self.labels.conditions).get(name, False)

    def has_phenotype(self, phenotype: str) -> bool:
        """True if an attractor held has ``phenotype``."""
        return any(a.phenotype == phenotype for a in self.attractors)

    def has_flag(self, name: str) -> bool:
        """True if an attractor held carries the flag ``name``."""
        return any(a.flag(name) for a in self.attractors)

    def phenotype_counts(self) -> dict[str, int]:
        """Number of attractors per phenotype (every phenotype listed, zeros included); of
        the attractors held when the result is not :attr:`complete`."""
        counts: dict[str, int] = dict.fromkeys(self.labels.phenotypes, 0)
        for a in self.attractors:
            counts[a.phenotype] = counts.get(a.phenotype, 0) + 1
        return counts

    def always(self, node: str, value: NodeValue) -> bool:
        """True if ``node`` has ``value`` in every attractor (and there is at least one)."""
        return bool(self.attractors) and all(a[node] == value for a in self.attractors)

    def settings(self) -> dict[str, Any]:
        """The settings that produced this result (model, perturbations, semantics, engine)."""
        from .. import __version__

        return {
            "model": self.model,
            "model_version": self.model_version,
            "model_hash": self.model_hash,
            "semantics": self.semantics,
            "engine": self.engine,
            "perturbations": [p.to_dict() for p in self.perturbations],
            "fixed_nodes": {k: int(v) for k, v in self.fixed_nodes},
            **{k: bool(v) for k, v in self.labels.conditions},
            "total_attractors": self.total_attractors,
            "complete": self.complete,
            "package_version": __version__,
        }

    def _repr_html_(self) -> str:
        """The result as an HTML table (Jupyter displays it)."""
        from .._html import attractors_html

        return attractors_html(self)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``settings``, ``nodes``, ``summary`` and ``attractors``.

        ``summary["attractors"]`` counts the attractors listed; ``summary["total_attractors"]``
        the attractors found and ``summary["complete"]`` whether all are listed (the phenotype
        counts are of those listed); then, for each summary the annotator declared, whether a
        phenotype remains and whether a flagged attractor does.
        """
        summary: dict[str, Any] = {
            "attractors": len(self.attractors),
            "total_attractors": self.total_attractors,
            "complete": self.complete,
            "phenotypes": self.phenotype_counts(),
        }
        for phenotype, flag in self.labels.summaries:
            summary[phenotype] = self.has_phenotype(phenotype)
            summary[flag] = self.has_flag(flag)
        return {
            "schema": "mtor_network.attractors/1",
            "settings": self.settings(),
            "nodes": list(self.nodes),
            "summary": summary,
            "attractors": [a.to_dict() for a in self.attractors],
        }


def make_attractor(
    nodes: Sequence[str],
    values: Mapping[str, NodeValue],
    size: int | None,
    phenotype: str = "unknown",
    flags: Flags = (),
) -> Attractor:
    """Build an :class:`Attractor` with values in node order."""
    ordered = tuple((n, values[n]) for n in nodes)
    fixed = all(v != "*" for _, v in ordered)
    return Attractor(
        kind="fixed_point" if fixed else "cyclic",
        values=ordered,
        size=1 if fixed else size,
        phenotype=phenotype,
        flags=tuple(flags),
    )
