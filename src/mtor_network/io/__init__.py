"""Model formats, one module per format, the same verbs everywhere:
``parse_<fmt>(text)``, ``to_<fmt>(network)``, ``read_<fmt>(path)``, ``write_<fmt>(network, path)``;
:func:`read_network` and :func:`write_network` dispatch on the file suffix.

The registry (:data:`READERS`, :data:`WRITERS`) imports a format's module only when one of its
functions is looked up, so ``import mtor_network`` loads neither libsbml nor biodivine-aeon nor
pyboolnet. Readers take a path, the bytes of a file, or an open file (text or binary).
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from .._files import MAX_MODEL_BYTES, decode_text
from ..exceptions import ModelFileError
from ._source import decode_commented

if TYPE_CHECKING:
    from ..network import BooleanNetwork


class _Format(NamedTuple):
    """Where a format's functions live (``mtor_network.io.<module>``) and how it parses (a
    named tuple: ``dataclasses`` costs ``mtor-network --help`` ~10 ms)."""

    module: str
    read: str | None = None
    parse: str | None = None
    write: str | None = None
    binary: bool = False  # parse takes bytes (an archive), not text
    named: bool = True  # parse takes ``name=``
    comments: tuple[str, ...] = ()  # bytes that are not UTF-8 are accepted after these


FORMATS: dict[str, _Format] = {
    ".bnet": _Format("bnet", "read_bnet", "parse_bnet", "write_bnet"),
    ".toml": _Format(
        "model_toml", "read_model_toml", "parse_model_toml", "write_model_toml", named=False
    ),
    ".booleannet": _Format(
        "booleannet", "read_booleannet", "parse_booleannet", "write_booleannet", comments=("#",)
    ),
    ".boolnet": _Format("boolnet", "read_boolnet", "parse_boolnet", "write_boolnet"),
    ".sbml": _Format("sbml", "read_sbml", "parse_sbml", "write_sbml"),
    ".aeon": _Format("aeon", "read_aeon", "parse_aeon", "write_aeon"),
    ".primes": _Format("primes", "read_primes", "parse_primes", "write_primes"),
    ".zginml": _Format("ginsim", "read_zginml", "parse_zginml", binary=True),
    ".ginml": _Format("ginsim", "read_ginml", "parse_ginml"),
    ".bnd": _Format("maboss", "read_maboss", "parse_maboss", "write_maboss", comments=("//", "/*")),
    # a MaBoSS .bnd and its .cfg in one zip (the explorer's MaBoSS export)
    ".bnd.zip": _Format("maboss", "read_maboss_zip", "parse_maboss_zip", binary=True),
    ".smv": _Format("nusmv", write="write_nusmv"),
    ".txt": _Format("txt", "read_txt", "parse_txt"),  # BoolNet, BooleanNet or BNet by content
}
"""Every suffix and the module and functions of its format."""


def _function(module: str, name: str) -> Callable[..., Any]:
    function: Callable[..., Any] = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    return function


class _Registry(Mapping[str, Callable[..., Any]]):
    """Suffix -> function, importing the format's module only when a function is looked up
    (listing the suffixes or testing one imports nothing)."""

    def __init__(self, role: str) -> None:
        self._role = role
        self._names = {
            suffix: getattr(fmt, role)
            for suffix, fmt in FORMATS.items()
            if getattr(fmt, role) is not None
        }

    def __getitem__(self, suffix: str) -> Callable[..., Any]:
        return _function(FORMATS[suffix].module, self._names[suffix])

    def __contains__(self, suffix: object) -> bool:
        return suffix in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return f"<{self._role} for {', '.join(self._names)}>"


READERS: Mapping[str, Callable[..., BooleanNetwork]] = _Registry("read")
"""Suffix -> ``read_<fmt>(path)``."""
WRITERS: Mapping[str, Callable[..., None]] = _Registry("write")
"""Suffix -> ``write_<fmt>(network, path)``."""

Source = str | os.PathLike[str] | bytes | bytearray | memoryview | IO[str] | IO[bytes]
"""What :func:`read_network` reads: a path, the bytes of a file, or an open file."""


def read_network(source: Source, format: str | None = None) -> BooleanNetwork:
    """Read a model; the format comes from ``format`` or else from the file's suffix.

    Parameters
    ----------
    source
        A path (``str`` or :class:`~pathlib.Path`), the bytes of a model file, or a file opened
        for reading (text or binary; its ``name`` gives the suffix unless ``format`` does).
    format
        A suffix (``".bnet"`` or ``"bnet"``; see :data:`READERS`); needed for bytes and for
        files without a name.

    Returns
    -------
    BooleanNetwork
        The model, named after the file (or the name it declares; ``"model"`` for bytes).

    Raises
    ------
    TypeError
        ``source`` is none of these.
    ModelFileError
        Unknown suffix (lists the known ones), or the model is unreadable or malformed.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        return _read_data(bytes(source), f"model{_format_suffix(format, None)}", format)
    if hasattr(source, "read") and not isinstance(source, str | os.PathLike):
        return _read_handle(source, format)
    p = _as_path(source, "path")
    suffix = _format_suffix(format, str(p))
    return READERS[suffix](p)


def _read_handle(handle: Any, format: str | None) -> BooleanNetwork:
    name = getattr(handle, "name", None)
    filename = name if isinstance(name, str) else None
    suffix = _format_suffix(format, filename)
    data = handle.read(MAX_MODEL_BYTES + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, bytes):
        raise TypeError(f"source.read() must give str or bytes, not {type(data).__name__}")
    return _read_data(data, filename or f"model{suffix}", suffix)


def read_network_bytes(data: bytes, filename: str) -> BooleanNetwork:
    """Read a model from the bytes of a file called ``filename`` (an upload, a download).

    Nothing is written to disk and the user's file name never becomes a path; errors name
    ``filename``.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"data must be bytes, not {type(data).__name__}")
    if not isinstance(filename, str):
        raise TypeError(f"filename must be a str, not {type(filename).__name__}")
    return _read_data(bytes(data), filename, None)


def _read_data(data: bytes, filename: str, format: str | None) -> BooleanNetwork:
    """The network in ``data``, the content of a file called ``filename``."""
    suffix = _format_suffix(format, filename)
    fmt = FORMATS[suffix]
    if len(data) > MAX_MODEL_BYTES:
        raise ModelFileError(
            f"file is {len(data)} bytes; model files above {MAX_MODEL_BYTES} bytes are refused",
            file=filename,
        )
    stem = re.sub(r"[^A-Za-z0-9_]+", "_", Path(filename).name[: -len(suffix) or None]).strip("_")
    parse = _function(fmt.module, fmt.parse or "")
    content: str | bytes
    if fmt.binary:
        content = data
    elif fmt.comments:
        content = decode_commented(data, filename, fmt.comments)
    else:
        content = decode_text(data, filename)
    if fmt.named:
        return parse(content, name=stem or "model", file=filename)  # type: ignore[no-any-return]
    return parse(content, file=filename)  # type: ignore[no-any-return]


def _format_suffix(format: str | None, filename: str | None) -> str:
    """The readable suffix ``format`` names, else that of ``filename``; an unknown one is a
    :class:`ModelFileError` listing the known ones."""
    if format is not None:
        if not isinstance(format, str):
            raise TypeError(f"format must be a str, not {type(format).__name__}")
        suffix = format.lower() if format.startswith(".") else f".{format.lower()}"
        shown = format
    elif filename is None:
        raise ModelFileError(
            "the format of the model is unknown: give format= (e.g. 'bnet'); known: "
            + ", ".join(sorted(READERS))
        )
    else:
        suffix, shown = _suffix(filename), Path(filename).suffix
    if suffix not in READERS:
        known = ", ".join(sorted(READERS))
        hint = ""
        if suffix == ".zip":  # which archive it is comes from the name, as MaBoSS exports it
            hint = " (a MaBoSS .bnd/.cfg pair in a zip is read as .bnd.zip, GINsim's as .zginml)"
        raise ModelFileError(
            f"unknown model format {shown or '(no suffix)'!r}{hint}; known: {known}",
            file=filename,
        )
    return suffix


def _as_path(value: object, argument: str) -> Path:
    if isinstance(value, Path):
        return value
    if isinstance(value, str | os.PathLike) and not isinstance(value, bytes):
        return Path(value)
    raise TypeError(
        f"{argument} must be a str or a Path (or the bytes of a file, or an open file), "
        f"not {type(value).__name__}"
    )


def _suffix(filename: str) -> str:
    """The format suffix of ``filename`` (two-part suffixes such as ``.primes.json`` first)."""
    lowered = filename.lower()
    for suffix in sorted(FORMATS, key=len, reverse=True):
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
    from ..network import BooleanNetwork

    if not isinstance(network, BooleanNetwork):
        raise TypeError(f"network must be a BooleanNetwork, not {type(network).__name__}")
    p = _as_path(path, "path")
    suffix = _suffix(p.name)
    if suffix not in WRITERS:
        known = ", ".join(sorted(WRITERS))
        raise ModelFileError(
            f"cannot write format {p.suffix or '(no suffix)'!r}; known: {known}", file=str(p)
        )
    WRITERS[suffix](network, p)


__all__ = [
    "FORMATS",
    "READERS",
    "WRITERS",
    "Source",
    "read_network",
    "read_network_bytes",
    "write_network",
]
