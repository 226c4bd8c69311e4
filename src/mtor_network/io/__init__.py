"""Readers and writers, one module per format, the same verbs everywhere:
``parse_<fmt>(text)``, ``to_<fmt>(network)``, ``read_<fmt>(path)``, ``write_<fmt>(network, path)``;
:func:`read_network` and :func:`write_network` dispatch on the file suffix."""

from __future__ import annotations

from pathlib import Path

from ..exceptions import ModelFileError
from ..network import BooleanNetwork
from . import bnet, model_toml

READERS = {".bnet": bnet.read_bnet, ".toml": model_toml.read_model_toml}
WRITERS = {".bnet": bnet.write_bnet}


def read_network(path: str | Path) -> BooleanNetwork:
    """Read a model file; the format comes from the suffix."""
    p = Path(path)
    reader = READERS.get(p.suffix.lower())
    if reader is None:
        known = ", ".join(sorted(READERS))
        raise ModelFileError(
            f"unknown model format {p.suffix or '(no suffix)'!r}; known: {known}", file=str(p)
        )
    return reader(p)


def write_network(network: BooleanNetwork, path: str | Path) -> None:
    """Write ``network``; the format comes from the suffix. The file is replaced atomically."""
    p = Path(path)
    writer = WRITERS.get(p.suffix.lower())
    if writer is None:
        known = ", ".join(sorted(WRITERS))
        raise ModelFileError(
            f"cannot write format {p.suffix or '(no suffix)'!r}; known: {known}", file=str(p)
        )
    writer(network, p)


__all__ = ["READERS", "WRITERS", "read_network", "write_network"]
