"""Typed attractor results."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
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

    @property
    def value_map(self) -> dict[str, NodeValue]:
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
    """All attractors of a network under one semantics, with the settings that produced them."""

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

    def phenotype_counts(self) -> dict[Phenotype, int]:
        """Number of attractors per phenotype (every phenotype listed, zeros included)."""
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
            "package_version": __version__,
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``settings``, ``nodes``, ``summary`` and ``attractors``."""
        return {
            "schema": "mtor_network.attractors/1",
            "settings": self.settings(),
            "nodes": list(self.nodes),
            "summary": {
                "attractors": len(self.attractors),
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
