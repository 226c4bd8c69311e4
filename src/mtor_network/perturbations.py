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
    """A named set of node values: ``effects`` maps node name -> value fixed (True/False).

    ``tags`` are free words a model file gives a perturbation (e.g. ``{"endocrine",
    "aromatase inhibitor (steroidal)"}``); the engine ignores them, and rules declared by the
    model (see :mod:`mtor_network.analysis.phenotypes`) read them. ``drug_class`` is the
    display name of the class (also one of the tags).

    ``yields_to`` (genotypes) names the drugs whose value wins where the drug and the genotype
    fix the same node differently (an inhibitor that also blocks the mutant protein, e.g.
    alpelisib in a PIK3CA mutant); against any other drug the genotype's value stands (the
    mutant escapes that drug, e.g. amplified HER2 signalling under pertuzumab). None (a
    genotype that declares nothing, as in model files before 2.0): every drug wins.
    """

    name: str
    kind: PerturbationKind
    effects: tuple[tuple[str, bool], ...]
    label: str = ""
    mechanism: str = ""
    drug_class: str = ""
    tags: frozenset[str] = frozenset()
    references: tuple[str, ...] = ()
    yields_to: frozenset[str] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str):
            raise TypeError(f"Perturbation name must be a str, not {type(self.name).__name__}")
        if self.kind not in _LAYER:
            raise ValueError(
                f"Perturbation {self.name!r}: unknown kind {self.kind!r}; use one of "
                + ", ".join(_LAYER)
            )
        effects = self.effects
        if isinstance(effects, str | bytes | Mapping) or not isinstance(effects, Iterable):
            raise TypeError(
                f"Perturbation {self.name!r}: effects must be (node, value) pairs, not "
                f"{type(effects).__name__} (use Perturbation.of(name, kind, {{node: 0 or 1}}))"
            )
        pairs = tuple(effects)
        for pair in pairs:
            if (
                not isinstance(pair, tuple)
                or len(pair) != 2
                or not isinstance(pair[0], str)
                or not _is_binary(pair[1])
            ):
                raise TypeError(
                    f"Perturbation {self.name!r}: each effect must be a (node name, True/False) "
                    f"pair, not {pair!r}"
                )
        object.__setattr__(self, "effects", tuple((node, bool(v)) for node, v in pairs))
        if isinstance(self.references, str):
            raise TypeError(f"Perturbation {self.name!r}: references must be a tuple of keys")
        object.__setattr__(self, "references", tuple(self.references))
        tags = self.tags
        if isinstance(tags, str | bytes) or not isinstance(tags, Iterable):
            raise TypeError(
                f"Perturbation {self.name!r}: tags must be a set of str, not {type(tags).__name__}"
            )
        tag_set = frozenset(tags)
        if not all(isinstance(t, str) for t in tag_set):
            raise TypeError(f"Perturbation {self.name!r}: tags must be str")
        if self.drug_class:
            tag_set |= {self.drug_class}
        object.__setattr__(self, "tags", tag_set)
        yields = self.yields_to
        if yields is not None:
            if isinstance(yields, str | bytes) or not isinstance(yields, Iterable):
                raise TypeError(
                    f"Perturbation {self.name!r}: yields_to must be a set of drug names or "
                    f"None, not {type(yields).__name__}"
                )
            yield_set = frozenset(yields)
            if not all(isinstance(t, str) for t in yield_set):
                raise TypeError(f"Perturbation {self.name!r}: yields_to must hold str")
            object.__setattr__(self, "yields_to", yield_set)

    def has_tag(self, tag: str) -> bool:
        """True if the perturbation carries ``tag``.

        Parameters
        ----------
        tag : str
            The tag, e.g. ``"endocrine"``.

        Returns
        -------
        bool
            Whether ``tag`` is among :attr:`tags`.
        """
        return tag in self.tags

    @property
    def endocrine(self) -> bool:
        """Compatibility name for ``has_tag("endocrine")`` (the flagship's endocrine tag)."""
        return "endocrine" in self.tags

    @classmethod
    def of(
        cls, name: str, kind: PerturbationKind, effects: Mapping[str, bool | int], **extra: Any
    ) -> Perturbation:
        """Build a perturbation from a mapping of node values.

        Parameters
        ----------
        name
            The perturbation's name.
        kind
            ``environment``, ``genotype``, ``drug``, ``knockout`` or ``overexpress``.
        effects
            Node name -> value fixed (0/1 or False/True).
        **extra
            Other fields (``label``, ``mechanism``, ``drug_class``, ``tags``,
            ``references``).

        Returns
        -------
        Perturbation
            The perturbation, its effects sorted by node.
        """
        if not isinstance(effects, Mapping):
            raise TypeError(
                f"effects must be a mapping of node -> 0/1, not {type(effects).__name__}"
            )
        pairs: Any = tuple(sorted(effects.items(), key=lambda item: str(item[0])))
        return cls(name, kind, pairs, **extra)  # __post_init__ checks and converts the values

    @property
    def effect_map(self) -> dict[str, bool]:
        return dict(self.effects)

    def __or__(self, other: Perturbation | Scenario) -> Scenario:
        if not isinstance(other, Perturbation | Scenario):
            return NotImplemented
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
            "endocrine": "endocrine" in self.tags,  # the JSON field of format 1
            "references": list(self.references),
            **({"yields_to": sorted(self.yields_to)} if self.yields_to is not None else {}),
        }


def knockout(node: str) -> Perturbation:
    """Fix ``node`` to 0."""
    _check_name(node, "node")
    return Perturbation(f"{node}_ko", "knockout", ((node, False),), label=f"{node} knocked out")


def overexpress(node: str) -> Perturbation:
    """Fix ``node`` to 1."""
    _check_name(node, "node")
    return Perturbation(f"{node}_oe", "overexpress", ((node, True),), label=f"{node} forced on")


@dataclass(frozen=True)
class Scenario:
    """An ordered combination of perturbations; combine with ``|``."""

    perturbations: tuple[Perturbation, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        given = self.perturbations
        if isinstance(given, Perturbation | str) or not isinstance(given, Iterable):
            raise TypeError(
                f"Scenario takes a tuple of Perturbation objects, not {type(given).__name__}"
            )
        seen: dict[str, Perturbation] = {}
        unique = []
        for p in given:
            if not isinstance(p, Perturbation):
                raise TypeError(
                    f"Scenario takes Perturbation objects, not {type(p).__name__} {p!r} (use "
                    "knockout(name), overexpress(name) or scenario(network, drugs=[...]))"
                )
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
        if not isinstance(other, Perturbation | Scenario):
            return NotImplemented
        extra = other.perturbations if isinstance(other, Scenario) else (other,)
        return Scenario(self.perturbations + extra)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.perturbations)

    def __len__(self) -> int:
        return len(self.perturbations)

    @property
    def tags(self) -> frozenset[str]:
        """The tags of every perturbation of the scenario."""
        return frozenset(t for p in self.perturbations for t in p.tags)

    @property
    def endocrine(self) -> bool:
        """Compatibility name for ``"endocrine" in scenario.tags``."""
        return "endocrine" in self.tags

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.perturbations)

    def effects(self) -> dict[str, bool]:
        """The node values the scenario fixes, after layering; raises on a conflict.

        Environments, then genotypes, then drugs and node fixes: a later layer wins, except
        that a genotype's value stands against a drug it does not yield to
        (:attr:`Perturbation.yields_to`).
        """
        chosen: dict[str, tuple[int, bool, Perturbation]] = {}
        for p in self.perturbations:
            layer = _LAYER[p.kind]
            for node, value in p.effects:
                if node in chosen and _resists(chosen[node][2], p, value, chosen[node][1]):
                    continue
                if node in chosen and _resists(p, chosen[node][2], chosen[node][1], value):
                    chosen[node] = (layer, value, p)  # a genotype given after the drug
                    continue
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
        from .expressions import const
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
                const(value),
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


def as_perturbations(value: object, where: str) -> tuple[Perturbation, ...]:
    """A perturbations argument (None, a Perturbation, a Scenario or an iterable of
    Perturbations) as a tuple.

    Parameters
    ----------
    value : object
        What the caller passed.
    where : str
        The argument as the error should name it, e.g. ``"find_attractors(perturbations=...)"``.

    Returns
    -------
    tuple of Perturbation
        The perturbations, in order.

    Raises
    ------
    TypeError
        Anything else, naming ``where`` and what was given.
    """
    if value is None:
        return ()
    if isinstance(value, Perturbation):
        return (value,)
    if isinstance(value, Scenario):
        return tuple(value)
    if isinstance(value, Iterable) and not isinstance(value, str | bytes | dict):
        items = tuple(value)
        wrong = [item for item in items if not isinstance(item, Perturbation)]
        if not wrong:
            return items
        raise TypeError(
            f"{where} must hold Perturbation objects, not "
            f"{type(wrong[0]).__name__} ({str(wrong[0])[:60]!r})"
        )
    raise TypeError(
        f"{where} must be a Scenario, a Perturbation, a list of them or None, not "
        f"{type(value).__name__}"
    )


def _resists(held: Perturbation, new: Perturbation, value: bool, current: bool) -> bool:
    """Whether the genotype ``held`` keeps its value against the drug ``new``."""
    return (
        held.kind == "genotype"
        and held.yields_to is not None
        and new.kind == "drug"
        and value != current
        and new.name not in held.yields_to
    )


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

    Parameters
    ----------
    network
        The network whose registry and nodes the names refer to.
    drugs, genotypes, environments
        Registered names (lists of str); the exact name wins, else the one alike ignoring
        case, spaces and ``-``/``_``.
    knockouts, overexpressed
        Node names or labels (lists of str), resolved by
        :meth:`~mtor_network.network.BooleanNetwork.resolve_node`.

    Returns
    -------
    Scenario
        The perturbations, environments first, then genotypes, drugs, knock-outs, forced nodes.

    Raises
    ------
    TypeError
        ``network`` is not a network, or an argument is a bare string (``drugs="x"``; give
        ``drugs=["x"]``) or holds something other than strings.
    UnknownNameError
        An unknown name; suggests close ones (:class:`AmbiguousNameError` when several match).
    """
    from .network import BooleanNetwork

    if not isinstance(network, BooleanNetwork):
        raise TypeError(f"network must be a BooleanNetwork, not {type(network).__name__}")
    lists = {
        "environments": _names(environments, "environments"),
        "genotypes": _names(genotypes, "genotypes"),
        "drugs": _names(drugs, "drugs"),
        "knockouts": _names(knockouts, "knockouts"),
        "overexpressed": _names(overexpressed, "overexpressed"),
    }
    items: list[Perturbation] = []
    for name in lists["environments"]:
        items.append(_lookup(network.environments, name, "environment"))
    for name in lists["genotypes"]:
        items.append(_lookup(network.genotypes, name, "genotype"))
    for name in lists["drugs"]:
        items.append(_lookup(network.drugs, name, "drug"))
    items.extend(knockout(network.resolve_node(n)) for n in lists["knockouts"])
    items.extend(overexpress(network.resolve_node(n)) for n in lists["overexpressed"])
    return Scenario(tuple(items))


def _is_binary(value: object) -> bool:
    """0, 1, False, True (also numpy's bool)."""
    is_bool = isinstance(value, bool | int) or type(value).__name__ == "bool_"
    return is_bool and value in (0, 1)


def _check_name(value: object, argument: str) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{argument} must be a str, not {type(value).__name__}")


def _names(values: Iterable[str], argument: str) -> list[str]:
    """``values`` as a list of str; a bare string (which would be read letter by letter) or a
    non-string item is a TypeError naming ``argument``."""
    if isinstance(values, str | bytes):
        raise TypeError(
            f"{argument} must be a list of names, not a bare string: {argument}=[{values!r}]"
        )
    if not isinstance(values, Iterable):
        raise TypeError(f"{argument} must be a list of names, not {type(values).__name__}")
    out = list(values)
    for item in out:
        if not isinstance(item, str):
            raise TypeError(f"{argument} must hold names (str), not {type(item).__name__}")
    return out


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
