"""Readers and writers, one module per format, the same verbs everywhere:
``parse_<fmt>(text)``, ``to_<fmt>(network)``, ``read_<fmt>(path)``, ``write_<fmt>(network, path)``;
:func:`read_network` and :func:`write_network` dispatch on the file suffix."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from ..exceptions import ModelFileError
from ..network import BooleanNetwork
from . import aeon, bnet, booleannet, boolnet, ginsim, maboss, model_toml, nusmv, primes, sbml

READERS = {
    ".bnet": bnet.read_bnet,
    ".toml": model_toml.read_model_toml,
    ".booleannet": booleannet.read_booleannet,
    ".boolnet": boolnet.read_boolnet,
    ".sbml": sbml.read_sbml,
    ".aeon": aeon.read_aeon,
    ".primes": primes.read_primes,
    ".zginml": ginsim.read_zginml,
    ".ginml": ginsim.read_ginml,
    ".bnd": maboss.read_maboss,
}
WRITERS = {
    ".bnet": bnet.write_bnet,
    ".booleannet": booleannet.write_booleannet,
    ".boolnet": boolnet.write_boolnet,
    ".sbml": sbml.write_sbml,
    ".aeon": aeon.write_aeon,
    ".primes": primes.write_primes,
    ".bnd": maboss.write_maboss,
    ".smv": nusmv.write_nusmv,
}


def read_network(path: str | Path) -> BooleanNetwork:
    """Read a model file; the format comes from the suffix.

    Parameters
    ----------
    path
        The model file (a ``str`` or :class:`~pathlib.Path`); see :data:`READERS`.

    Returns
    -------
    BooleanNetwork
        The model, named after the file (or the name it declares).

    Raises
    ------
    TypeError
        ``path`` is not a str or a path.
    ModelFileError
        Unknown suffix (lists the known ones), or the file is unreadable or malformed.
    """
    p = _as_path(path, "path")
    reader = READERS.get(_suffix(p.name))
    if reader is None:
        known = ", ".join(sorted(READERS))
        raise ModelFileError(
            f"unknown model format {p.suffix or '(no suffix)'!r}; known: {known}", file=str(p)
        )
    return reader(p)


def read_network_bytes(data: bytes, filename: str) -> BooleanNetwork:
    """Read a model from the bytes of a file called ``filename`` (an upload, a download).

    The bytes go to a private temporary folder under a neutral name with the same suffix (the
    user's file name never becomes a path); errors name ``filename``, not the temporary file.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"data must be bytes, not {type(data).__name__}")
    if not isinstance(filename, str):
        raise TypeError(f"filename must be a str, not {type(filename).__name__}")
    suffix = _suffix(filename)
    if suffix not in READERS:
        known = ", ".join(sorted(READERS))
        raise ModelFileError(
            f"unknown model format {suffix or '(no suffix)'!r}; known: {known}", file=filename
        )
    stem = re.sub(r"[^A-Za-z0-9_]+", "_", Path(filename).name[: -len(suffix) or None]).strip("_")
    with tempfile.TemporaryDirectory(prefix="mtor_upload_") as folder:
        path = Path(folder) / f"{stem or 'model'}{suffix}"
        path.write_bytes(data)
        try:
            network = read_network(path)
        except ModelFileError as exc:
            message = str(exc).replace(str(path), filename)
            error = ModelFileError(message.split(": ", 1)[-1], file=filename)
            error.line, error.column = exc.line, exc.column
            error.args = (message,)
            raise error from None
    from dataclasses import replace

    return replace(network, source=filename)


def _as_path(value: object, argument: str) -> Path:
    if isinstance(value, Path):
        return value
    if isinstance(value, str | os.PathLike) and not isinstance(value, bytes):
        return Path(value)
    raise TypeError(f"{argument} must be a str or a Path, not {type(value).__name__}")


def _suffix(filename: str) -> str:
    """The format suffix of ``filename`` (two-part suffixes such as ``.primes.json`` first)."""
    lowered = filename.lower()
    for suffix in sorted(READERS, key=len, reverse=True):
        if lowered.endswith(suffix):
            return suffix
    return Path(lowered).suffix


def write_network(network: BooleanNetwork, path: str | Path) -> None:
    """Write ``network``; the format comes from the suffix. The file is replaced atomically.

    Parameters
    ----------
    network
        The network to write.
    path
        The file (a ``str`` or :class:`~pathlib.Path`); see :data:`WRITERS`.

    Raises
    ------
    TypeError
        ``network`` is not a network or ``path`` not a path.
    ModelFileError
        Unknown suffix; the message lists the known ones.
    """
    if not isinstance(network, BooleanNetwork):
        raise TypeError(f"network must be a BooleanNetwork, not {type(network).__name__}")
    p = _as_path(path, "path")
    writer = WRITERS.get(_suffix(p.name))
    if writer is None:
        known = ", ".join(sorted(WRITERS))
        raise ModelFileError(
            f"cannot write format {p.suffix or '(no suffix)'!r}; known: {known}", file=str(p)
        )
    writer(network, p)


__all__ = ["READERS", "WRITERS", "read_network", "read_network_bytes", "write_network"]
