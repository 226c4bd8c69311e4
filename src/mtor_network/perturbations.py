"""Perturbations are data: a named set of node values (drug, genotype, environment, or a click).

Layers, from bottom to top: ``environment`` < ``genotype`` < ``drug`` = ``knockout`` =
``overexpress``. A higher layer overrides a lower one on the same node (a drug binds the mutant
protein too: alpelisib inhibits mutant PI3K-alpha, fulvestrant degrades ESR1-mutant ER). Two
perturbations of the same layer that fix a node to different values are a conflict and raise
:class:`ConflictingPerturbationError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from .exceptions import ConflictingPerturbationError, UnknownNameError

if TYPE_CHECKING:
    from .network import BooleanNetwork

PerturbationKind = Literal["environment", "genotype", "drug", "knockout", "overexpress"]
_LAYER: dict[str, int] = {
    "environment": 0,
    "genotype": 1,
    "drug": 2,
    "knockout": 2,
    "overexpress": 2,
}


@dataclass(frozen=True)
class Perturbation:
    """A named set of node values: ``effects`` maps node name -> value fixed (True/False)."""

    name: str
    kind: PerturbationKind
    effects: tuple[tuple[str, bool], ...]
    label: str = ""
    mechanism: str = ""
    drug_class: str = ""
    endocrine: bool = False
    references: tuple[str, ...] = ()

    @classmethod
    def of(
        cls, name: str, kind: PerturbationKind, effects: Mapping[str, bool | int], **extra: Any
    ) -> Perturbation:
        """Build a perturbation from a mapping of node values."""
        return cls(name, kind, tuple(sorted((k, bool(v)) for k, v in effects.items())), **extra)

    @property
    def effect_map(self) -> dict[str, bool]:
        return dict(self.effects)

    def __or__(self, other: Perturbation | Scenario) -> Scenario:
        return Scenario((self,)) | other

    def describe(self) -> str:
        """E.g. ``everolimus (MTORC1=0)``."""
        values = ", ".join(f"{k}={int(v)}" for k, v in self.effects)
        return f"{self.name} ({values})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "effects": {k: int(v) for k, v in self.effects},
            "mechanism": self.mechanism,
            "class": self.drug_class,
            "endocrine": self.endocrine,
            "references": list(self.references),
        }


def knockout(node: str) -> Perturbation:
    """Fix ``node`` to 0."""
    return Perturbation(f"{node}_ko", "knockout", ((node, False),), label=f"{node} knocked out")


def overexpress(node: str) -> Perturbation:
    """Fix ``node`` to 1."""
    return Perturbation(f"{node}_oe", "overexpress", ((node, True),), label=f"{node} forced on")


@dataclass(frozen=True)
class Scenario:
    """An ordered combination of perturbations; combine with ``|``."""

    perturbations: tuple[Perturbation, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        seen: dict[str, Perturbation] = {}
        unique = []
        for p in self.perturbations:
            if p.name in seen:
                if seen[p.name] != p:
                    raise ConflictingPerturbationError(
                        f"two different perturbations named {p.name!r}"
                    )
                continue
            seen[p.name] = p
            unique.append(p)
        object.__setattr__(self, "perturbations", tuple(unique))
        self.effects()  # validate early

    def __or__(self, other: Perturbation | Scenario) -> Scenario:
        extra = other.perturbations if isinstance(other, Scenario) else (other,)
        return Scenario(self.perturbations + extra)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.perturbations)

    def __len__(self) -> int:
        return len(self.perturbations)

    @property
    def endocrine(self) -> bool:
        """True if any perturbation is an endocrine therapy."""
        return any(p.endocrine for p in self.perturbations)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.perturbations)

    def effects(self) -> dict[str, bool]:
        """The node values the scenario fixes, after layering; raises on a conflict."""
        chosen: dict[str, tuple[int, bool, Perturbation]] = {}
        for p in self.perturbations:
            layer = _LAYER[p.kind]
            for node, value in p.effects:
                if node not in chosen or layer > chosen[node][0]:
                    chosen[node] = (layer, value, p)
                elif layer == chosen[node][0] and value != chosen[node][1]:
                    other = chosen[node][2]
                    raise ConflictingPerturbationError(
                        f"{p.name!r} fixes {node}={int(value)} but {other.name!r} fixes "
                        f"{node}={int(chosen[node][1])}; remove one of them"
                    )
        return {node: value for node, (_, value, _) in sorted(chosen.items())}

    def apply(self, network: BooleanNetwork) -> BooleanNetwork:
        """A new network whose perturbed nodes have constant rules; ``network`` is unchanged."""
        from .network import Rule

        base = network.base
        effects = self.effects()
        for node in effects:
            if node not in base.rules:
                source = next(p.name for p in self.perturbations if node in p.effect_map)
                raise UnknownNameError(f"node (fixed by {source!r})", node, base.node_names)
        rules = dict(base.rules)
        for node, value in effects.items():
            by = [p.name for p in self.perturbations if node in p.effect_map]
            rules[node] = Rule(
                node,
                ("const", value),
                justification=f"fixed to {int(value)} by {', '.join(by)}",
                references=tuple(
                    r for p in self.perturbations if node in p.effect_map for r in p.references
                ),
            )
        return replace(
            base,
            rules=rules,
            perturbations=self.perturbations,
            unperturbed=base,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "perturbations": [p.to_dict() for p in self.perturbations],
            "fixed_nodes": {k: int(v) for k, v in self.effects().items()},
        }


def scenario(
    network: BooleanNetwork,
    *,
    drugs: Iterable[str] = (),
    genotypes: Iterable[str] = (),
    environments: Iterable[str] = (),
    knockouts: Iterable[str] = (),
    overexpressed: Iterable[str] = (),
) -> Scenario:
    """Resolve names against ``network``'s registry into a :class:`Scenario`.

    Unknown names raise :class:`UnknownNameError` listing the close ones.
    """
    items: list[Perturbation] = []
    for name in environments:
        items.append(_lookup(network.environments, name, "environment"))
    for name in genotypes:
        items.append(_lookup(network.genotypes, name, "genotype"))
    for name in drugs:
        items.append(_lookup(network.drugs, name, "drug"))
    items.extend(knockout(network.resolve_node(n)) for n in knockouts)
    items.extend(overexpress(network.resolve_node(n)) for n in overexpressed)
    return Scenario(tuple(items))


def _lookup(registry: Mapping[str, Perturbation], name: str, kind: str) -> Perturbation:
    """The registered perturbation ``name`` means: the one called exactly that, else the one
    whose name is alike ignoring case, spaces and ``-``/``_`` (see
    :func:`mtor_network.network.registry_key`); several alike are an ambiguity error."""
    from .network import registry_key, resolve_name

    if not isinstance(name, str):
        raise TypeError(f"{kind} names must be str, not {type(name).__name__}")
    found = resolve_name(name, ((k, ()) for k in registry), kind, key=registry_key)
    if found is None:
        raise UnknownNameError(kind, name, registry)
    return registry[found]
