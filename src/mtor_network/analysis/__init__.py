"""Analyses on top of attractors: phenotypes from the model file's declarations, the literature
evidence cases and the validation report, screens and control.

Submodules load on first use (``import mtor_network.analysis`` imports no numpy, pandas or
engine).
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "EVIDENCE_CASES": "evidence",
    "EvidenceCase": "evidence",
    "EvidenceResult": "evidence",
    "Setting": "evidence",
    "ValidationReport": "evidence",
    "validate": "evidence",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "EVIDENCE_CASES",
    "EvidenceCase",
    "EvidenceResult",
    "Setting",
    "ValidationReport",
    "validate",
]
