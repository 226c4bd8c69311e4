"""Phenotype read-outs and free inputs of an imported model, found by name and by rule.

Published models name their read-out nodes in many ways: ``Proliferation``,
``v_Proliferation`` (the biodivine-boolean-models prefix), ``PROLIF``, ``Cell_Proliferation``,
``Apoptosis``, ``APOP``, ``CellDeath``; booleanised multi-level nodes add ``_2``, ``_3``
(``v_Proliferation_2``). :func:`readout_candidates` ranks the nodes of a model that can be the
marker of a phenotype role; :func:`guess_readouts` picks the best of each and
:func:`with_readouts` gives the network those markers, so the attractors of an imported model
get phenotypes as the flagship's do. :func:`free_inputs` lists the inputs whose rule is the
node itself (``x, x``): each doubles what an attractor search explores.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace

from ..attractors._inputs import free_inputs
from ..network import BooleanNetwork, PhenotypeMarkers
from ..phenotypes import PhenotypeSpec, roles_of

# role -> name stems, best first (compared lower case, with prefixes and suffixes removed)
READOUT_STEMS: Mapping[str, tuple[str, ...]] = {
    "proliferation": (
        "proliferation",
        "prolif",
        "cellproliferation",
        "proliferative",
        "cellcycleprogression",
        "growth",
        "cellgrowth",
    ),
    "apoptosis": (
        "apoptosis",
        "apop",
        "apoptotic",
        "cellapoptosis",
        "celldeath",
        "death",
    ),
}
"""Name stems of the read-out of each role, best first."""

_PREFIXES = ("v_", "n_", "node_", "out_", "output_", "phen_", "phenotype_")
_SUFFIX = re.compile(r"(?:_(?:\d+|t|out|output|node|readout)|\d+)$")


def _stem(name: str) -> tuple[str, int]:
    """(stem, level) of a node name: lower case, known prefixes, separators and a level suffix
    removed (``v_Proliferation_2`` -> ``("proliferation", 2)``; no suffix: level 1)."""
    lowered = name.lower()
    for prefix in _PREFIXES:
        if lowered.startswith(prefix) and len(lowered) > len(prefix):
            lowered = lowered[len(prefix) :]
            break
    level = 1
    match = _SUFFIX.search(lowered)
    if match and match.start() > 0:
        digits = re.sub(r"\D", "", match.group(0))
        level = int(digits) if digits else 1
        lowered = lowered[: match.start()]
    return re.sub(r"[^a-z0-9]", "", lowered), level


def readout_candidates(names: Iterable[str], role: str) -> tuple[str, ...]:
    """The node names that can be the read-out of ``role``, best first.

    Parameters
    ----------
    names : iterable of str
        Node names of a model.
    role : str
        A role of :data:`READOUT_STEMS` (``"proliferation"``, ``"apoptosis"``).

    Returns
    -------
    tuple of str
        Names whose stem is one of the role's stems (an exact stem before a later one, the
        lowest level before ``_2``, ``_3``, then the shorter name), then names that only
        contain the role's first stem.

    Raises
    ------
    ValueError
        For a role that has no stems, naming the known roles.
    """
    if role not in READOUT_STEMS:
        raise ValueError(
            f"unknown read-out role {role!r}; choose one of {', '.join(READOUT_STEMS)}"
        )
    stems = READOUT_STEMS[role]
    ranked: list[tuple[tuple[int, int, int, str], str]] = []
    for name in dict.fromkeys(names):
        stem, level = _stem(name)
        if stem in stems:
            ranked.append(((0, stems.index(stem), level, name), name))
        elif stems[0] in stem or (len(stems[1]) >= 4 and stem.startswith(stems[1])):
            ranked.append(((1, 0, level, name), name))
    return tuple(
        name for _, name in sorted(ranked, key=lambda item: (item[0][:3], len(item[1]), item[1]))
    )


def guess_readouts(names: Iterable[str]) -> dict[str, str]:
    """The best read-out of each role of :data:`READOUT_STEMS` among ``names`` (roles with no
    candidate left out); one node is never the read-out of two roles.

    Parameters
    ----------
    names : iterable of str
        Node names of a model.

    Returns
    -------
    dict of str to str
        Role -> node name.
    """
    names = list(names)
    chosen: dict[str, str] = {}
    for role in READOUT_STEMS:
        for candidate in readout_candidates(names, role):
            if candidate not in chosen.values():
                chosen[role] = candidate
                break
    return chosen


def declared_readouts(network: BooleanNetwork) -> dict[str, str]:
    """Role -> marker node the network declares (or was given)."""
    return {role: node for role, node in roles_of(network.phenotypes).items() if node}


def with_readouts(network: BooleanNetwork, readouts: Mapping[str, str | None]) -> BooleanNetwork:
    """``network`` with the phenotype markers ``readouts`` (role -> node; None removes a role).

    Roles not given keep their declared marker. A network whose file declares phenotype classes
    or resistance rules keeps them.

    Parameters
    ----------
    network : BooleanNetwork
        Any network.
    readouts : mapping of str to str or None
        Role -> node name.

    Returns
    -------
    BooleanNetwork
        The same network, or a copy with the new markers.

    Raises
    ------
    UnknownNodeError
        When a node is not in the network (with close names).
    """
    roles = declared_readouts(network)
    for role, node in readouts.items():
        if node is None:
            roles.pop(role, None)
        else:
            network.rule(node)  # UnknownNodeError with close names
            roles[role] = node
    if roles == declared_readouts(network):
        return network
    current = network.phenotypes
    if isinstance(current, PhenotypeSpec):
        markers: PhenotypeMarkers = PhenotypeSpec.declare(
            roles,
            classes=None if current.classes is None else dict(current.classes),
            resistance=current.resistance,
        )
    else:
        markers = PhenotypeMarkers(
            proliferation=roles.get("proliferation"), apoptosis=roles.get("apoptosis")
        )
    return replace(network, phenotypes=markers)


def recognise_readouts(network: BooleanNetwork) -> BooleanNetwork:
    """``network`` with the guessed read-outs (:func:`guess_readouts`) of the roles it declares
    no marker for; a network that declares them all is returned as it is."""
    declared = declared_readouts(network)
    missing = {
        role: node
        for role, node in guess_readouts(network.node_names).items()
        if role not in declared and node not in declared.values()
    }
    return with_readouts(network, missing) if missing else network


__all__ = [
    "READOUT_STEMS",
    "declared_readouts",
    "free_inputs",
    "guess_readouts",
    "readout_candidates",
    "recognise_readouts",
    "with_readouts",
]
