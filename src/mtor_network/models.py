"""Bundled models: files in ``networks/`` (shipped inside the wheel), loaded by name."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from .exceptions import ModelFileError, UnknownNameError
from .io import READERS, _suffix, read_network

if TYPE_CHECKING:
    from .network import BooleanNetwork

FLAGSHIP = "hr_breast_cancer"


def networks_dir() -> Path:
    """The folder of bundled model files (inside the installed package, or the source tree)."""
    packaged = resources.files("mtor_network").joinpath("networks")
    if packaged.is_dir():
        return Path(str(packaged))
    source = Path(__file__).resolve().parents[2] / "networks"
    return source


def bundled_models() -> list[str]:
    """Names of the bundled models (one per source file; TOML sources win over generated files)."""
    names: dict[str, Path] = {}
    for path in sorted(networks_dir().iterdir()):
        if path.suffix == ".toml" or (path.suffix in READERS and path.stem not in names):
            names.setdefault(path.stem, path)
    return sorted(names)


def _bundled_path(name: str) -> Path | None:
    folder = networks_dir()
    for suffix in (".toml", ".bnet"):
        candidate = folder / f"{name}{suffix}"
        if candidate.is_file():
            return candidate
    return None


@lru_cache(maxsize=32)
def _load_bundled(name: str) -> BooleanNetwork:
    path = _bundled_path(name)
    assert path is not None
    return read_network(path)


def load_bundled(name: str) -> BooleanNetwork:
    """Load a bundled model by its name only: never a path (a name with a separator, a suffix
    or anything not in :func:`bundled_models` is an :class:`UnknownNameError`). This is what a
    server uses for names that come from a client."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, not {type(name).__name__}")
    if name not in bundled_models():
        raise UnknownNameError("model", name[:80], bundled_models())
    return _load_bundled(name)


def load_network(name_or_path: str | Path = FLAGSHIP) -> BooleanNetwork:
    """Load a bundled model by name (``"hr_breast_cancer"``) or a model file by path.

    A string containing a path separator or a known suffix is read as a file; otherwise it is
    looked up among :func:`bundled_models`, and an unknown name suggests the close ones.
    """
    text = str(name_or_path)
    path = Path(text)
    looks_like_path = (
        isinstance(name_or_path, Path)
        or _suffix(path.name) in READERS
        or ("/" in text or "\\" in text)
    )
    if not looks_like_path:
        if _bundled_path(text) is not None:
            return _load_bundled(text)
        if path.is_file():  # a file of a format that is written, not read (e.g. .smv)
            raise ModelFileError(
                f"{_suffix(path.name) or 'files without a suffix'}: a format this tool writes "
                f"but does not read; readable: {', '.join(sorted(READERS))}",
                file=str(path),
            )
        raise UnknownNameError("model", text, bundled_models())
    return read_network(path)
