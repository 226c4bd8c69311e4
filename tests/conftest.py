"""Shared fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mtor_network import BooleanNetwork, load_network

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def flagship() -> BooleanNetwork:
    """The bundled flagship model."""
    return load_network("hr_breast_cancer")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared (reference models); skipped where absent, a failure where CI is set."""
    if not SHARED.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED} is missing, but CI is set: the reference models are required")
        pytest.skip(f"{SHARED} not found: reference-model tests need the shared folder")
    return SHARED
