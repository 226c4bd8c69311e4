"""Phenotypes of attractors, read from the model's marker nodes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from .network import PhenotypeMarkers

Phenotype = Literal["proliferative", "apoptotic", "quiescent", "unknown"]
PHENOTYPES: tuple[Phenotype, ...] = ("proliferative", "apoptotic", "quiescent", "unknown")
NodeValue = Literal[0, 1, "*"]


def classify(values: Mapping[str, NodeValue], markers: PhenotypeMarkers) -> Phenotype:
    """Classify one attractor.

    *proliferative*: the proliferation marker is ON or oscillates; otherwise *apoptotic*: the
    apoptosis marker is ON or oscillates; otherwise *quiescent*. A model with neither marker
    gives *unknown*.
    """
    if markers.proliferation is None and markers.apoptosis is None:
        return "unknown"
    if markers.proliferation is not None and values.get(markers.proliferation, 0) != 0:
        return "proliferative"
    if markers.apoptosis is not None and values.get(markers.apoptosis, 0) != 0:
        return "apoptotic"
    return "quiescent"
