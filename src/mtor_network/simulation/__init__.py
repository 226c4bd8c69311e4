"""Stochastic asynchronous simulation: many trajectories at once, vectorised with numpy.

Two schemes share one engine:

``"continuous"`` (default) is MaBoSS's continuous-time Markov chain (Stoll et al. 2012, BMC Syst
Biol 6:116): a node whose rule disagrees with its value flips with rate ``up`` (0 -> 1) or
``down`` (1 -> 0); nothing else happens. Each step draws the waiting time ``Exp(total rate)`` and
the flipping node in proportion to its rate (Gillespie's direct method).

``"random_order"`` is the random-order asynchronous update of Zañudo, Scaltriti and Albert 2017
(Cancer Convergence 1:5): at every update step one node is picked, with probability proportional
to its rate (slow nodes rate 1, fast nodes ``fast_ratio`` times that), and set to the value of its
rule; one time unit is ``sum(rates)`` update steps, so a slow node is updated once per time unit on
average. Steps that change nothing are skipped in one draw: the number of steps to the next flip is
geometric, so the cost is the same as the continuous scheme. The two schemes follow the same jump
chain and differ only in the holding times (exponential vs. geometric/``sum(rates)``).

Rules are compiled once into numpy functions of a boolean ``(nodes, runs)`` state matrix by
walking the expression trees (never ``eval``); each step evaluates every rule for every live
trajectory, and trajectories that reach a fixed point or ``max_time`` leave the batch.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from ..exceptions import SimulationError

if TYPE_CHECKING:
    from ._engine import simulate
    from ._result import Readout, SimulationResult

Scheme = Literal["continuous", "random_order"]
SCHEMES: tuple[Scheme, ...] = get_args(Scheme)
Combine = Literal["sum", "max"]

#: Trajectories simulated together; bounds memory (recorded states are kept per batch).
BATCH = 4096

InitialValue = bool | int | float
Initial = None | str | Mapping[str | tuple[str, ...], InitialValue]
RateSpec = float | int | tuple[float, float]

__all__ = [
    "OUTPUT_FORMATS",
    "SCHEMES",
    "Readout",
    "SimulationError",
    "SimulationResult",
    "simulate",
]


#: File suffix -> format of :func:`mtor_network.export.simulation.write_simulation`.
OUTPUT_FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".json": "json",
    ".parquet": "parquet",
    ".xlsx": "xlsx",
}


def _path(path: str | Path) -> Path:
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a str or a Path, not {type(path).__name__}")
    return Path(path)


def output_format(path: str | Path) -> str:
    """The format of :data:`OUTPUT_FORMATS` that ``path``'s suffix names.

    Parameters
    ----------
    path
        An output file name.

    Returns
    -------
    str
        ``"csv"``, ``"tsv"``, ``"json"``, ``"parquet"`` or ``"xlsx"``.

    Raises
    ------
    SimulationError
        An unknown suffix; the message lists the known ones.
    """
    p = _path(path)
    fmt = OUTPUT_FORMATS.get(p.suffix.lower())
    if fmt is None:
        known = ", ".join(OUTPUT_FORMATS)
        raise SimulationError(
            f"{p}: unknown output format {p.suffix or '(no suffix)'!r}; known: {known}"
        )
    return fmt


_LAZY = {"simulate": "._engine", "Readout": "._result", "SimulationResult": "._result"}


def __getattr__(name: str) -> Any:
    """``simulate`` loads the numpy engine, ``Readout`` and ``SimulationResult`` their module, on
    first use (``mtor-network --help`` needs only the names above)."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
