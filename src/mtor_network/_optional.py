"""Optional dependencies: imported where used, with an install hint when missing.

>>> from mtor_network._optional import require
>>> json = require("json", extra="none")  # any importable module is returned as it is
"""

from __future__ import annotations

import importlib
from types import ModuleType

from .exceptions import MissingDependencyError


def _import(module: str) -> ModuleType:
    """``importlib.import_module`` (a seam for tests that simulate a missing module)."""
    return importlib.import_module(module)


def require(module: str, *, extra: str, what: str = "") -> ModuleType:
    """Import ``module`` or say which extra of mtor-network installs it.

    Parameters
    ----------
    module : str
        The dotted module name, e.g. ``"dask.distributed"``.
    extra : str
        The extra that installs it, e.g. ``"cluster"`` (``pip install "mtor-network[cluster]"``).
    what : str, optional
        What needs it, for the message (e.g. ``"--scheduler"``).

    Returns
    -------
    module
        The imported module.

    Raises
    ------
    MissingDependencyError
        The module (or one it needs) is not installed; the message gives the pip command.
    """
    try:
        return _import(module)
    except ImportError as exc:
        raise MissingDependencyError(module, extra, what) from exc


__all__ = ["require"]
