"""Typed attractor results."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal, overload

from ..perturbations import Perturbation
from ..phenotypes import PHENOTYPES, NodeValue, Phenotype

Semantics = Literal["asynchronous", "synchronous", "most_permissive"]
SEMANTICS: tuple[Semantics, ...] = ("asynchronous", "synchronous", "most_permissive")
AttractorKind = Literal["fixed_point", "cyclic"]


@dataclass(frozen=True)
class Attractor:
    """One attractor: every node's value (0, 1, or ``"*"`` where it oscillates).

    ``size`` is the number of states in the attractor where the engine knows it (for
    most-permissive semantics: the number of states of the minimal trap space).
    """

    kind: AttractorKind
    values: tuple[tuple[str, NodeValue], ...]
    size: int | None
    phenotype: Phenotype
    endocrine_resistant: bool = False

    @cached_property
    def value_map(self) -> dict[str, NodeValue]:
        """The values by node name (built once: ``attractor[node]`` is a dictionary look-up,
        so reading every node of a large network is linear, not quadratic)."""
        return dict(self.values)

    def __getitem__(self, node: str) -> NodeValue:
        return self.value_map[node]

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
            "endocrine_resistant": self.endocrine_resistant,
            "size": self.size,
            "values": dict(self.values),
        }


@dataclass(frozen=True)
class AttractorResult(Sequence[Attractor]):
    """All attractors of a network under one semantics, with the settings that produced them.

    ``total`` is None when ``attractors`` holds every attractor found. A search bounded by
    ``Budget(max_attractors=N)`` that found more keeps only the first ``N`` (in the order of
    their value codes) and sets ``total`` to the number found; :attr:`complete` is then False,
    and :meth:`phenotype_counts`, :attr:`has_proliferative`, :attr:`has_endocrine_resistant`
    and :meth:`always` describe the attractors held, not every attractor.
    """

    model: str
    model_version: str
    semantics: Semantics
    engine: str
    nodes: tuple[str, ...]
    perturbations: tuple[Perturbation, ...]
    fixed_nodes: tuple[tuple[str, bool], ...]
    endocrine_therapy: bool
    attractors: tuple[Attractor, ...]
    model_hash: str = ""
    total: int | None = None

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

    @property
    def complete(self) -> bool:
        """True if every attractor found is held (False: see ``total``)."""
        return self.total is None

    @property
    def total_attractors(self) -> int:
        """The number of attractors found (``len(self)`` when the result is complete)."""
        return len(self.attractors) if self.total is None else self.total

    def phenotype_counts(self) -> dict[Phenotype, int]:
        """Number of attractors per phenotype (every phenotype listed, zeros included); of
        the attractors held when the result is not :attr:`complete`."""
        counts: dict[Phenotype, int] = dict.fromkeys(PHENOTYPES, 0)
        for a in self.attractors:
            counts[a.phenotype] += 1
        return counts

    @property
    def has_proliferative(self) -> bool:
        return any(a.phenotype == "proliferative" for a in self.attractors)

    @property
    def has_endocrine_resistant(self) -> bool:
        return any(a.endocrine_resistant for a in self.attractors)

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
            "endocrine_therapy": self.endocrine_therapy,
            "total_attractors": self.total_attractors,
            "complete": self.complete,
            "package_version": __version__,
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``settings``, ``nodes``, ``summary`` and ``attractors``.

        ``summary["attractors"]`` counts the attractors listed; ``summary["total_attractors"]``
        the attractors found and ``summary["complete"]`` whether all are listed (the phenotype
        counts are of those listed).
        """
        return {
            "schema": "mtor_network.attractors/1",
            "settings": self.settings(),
            "nodes": list(self.nodes),
            "summary": {
                "attractors": len(self.attractors),
                "total_attractors": self.total_attractors,
                "complete": self.complete,
                "phenotypes": self.phenotype_counts(),
                "proliferative": self.has_proliferative,
                "endocrine_resistant": self.has_endocrine_resistant,
            },
            "attractors": [a.to_dict() for a in self.attractors],
        }


def make_attractor(
    nodes: Sequence[str],
    values: Mapping[str, NodeValue],
    size: int | None,
    phenotype: Phenotype,
    endocrine: bool,
) -> Attractor:
    """Build an :class:`Attractor` with values in node order."""
    ordered = tuple((n, values[n]) for n in nodes)
    fixed = all(v != "*" for _, v in ordered)
    return Attractor(
        kind="fixed_point" if fixed else "cyclic",
        values=ordered,
        size=1 if fixed else size,
        phenotype=phenotype,
        endocrine_resistant=endocrine and phenotype == "proliferative",
    )
