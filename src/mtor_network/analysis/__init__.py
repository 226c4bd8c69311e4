"""Analyses on top of attractors: the literature evidence cases and the validation report."""

from .evidence import (
    EVIDENCE_CASES,
    EvidenceCase,
    EvidenceResult,
    Setting,
    ValidationReport,
    validate,
)

__all__ = [
    "EVIDENCE_CASES",
    "EvidenceCase",
    "EvidenceResult",
    "Setting",
    "ValidationReport",
    "validate",
]
