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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from .._optional import require
from ..exceptions import MtorNetworkError, UnknownNameError
from ..phenotypes import PHENOTYPES, Phenotype

if TYPE_CHECKING:
    import numpy as np

    from ._engine import simulate

Scheme = Literal["continuous", "random_order"]
SCHEMES: tuple[Scheme, ...] = get_args(Scheme)
Combine = Literal["sum", "max"]

#: Trajectories simulated together; bounds memory (recorded states are kept per batch).
BATCH = 4096

__all__ = [
    "OUTPUT_FORMATS",
    "SCHEMES",
    "Readout",
    "SimulationError",
    "SimulationResult",
    "simulate",
]


class SimulationError(MtorNetworkError, ValueError):
    """Impossible simulation settings (a negative rate, a probability outside [0, 1], ...)."""


@dataclass(frozen=True)
class Readout:
    """A weighted read-out of node values, averaged over trajectories.

    ``combine="sum"``: the sum of the weights of the nodes that are ON.
    ``combine="max"``: the largest weight among the nodes that are ON (0 if none). With
    multi-level nodes booleanised as ``X, X_2, X_3`` and increasing weights this is the weight of
    the highest level reached, which is how Zañudo et al. 2017 compute ``Proliferation_norm`` and
    ``Apoptosis_norm``.
    """

    weights: Mapping[str, float]
    combine: Combine = "sum"

    def __post_init__(self) -> None:
        if self.combine not in ("sum", "max"):
            raise SimulationError(f"unknown combine {self.combine!r}; use 'sum' or 'max'")
        object.__setattr__(self, "weights", dict(self.weights))

    def to_dict(self) -> dict[str, Any]:
        return {"weights": dict(self.weights), "combine": self.combine}


InitialValue = bool | int | float
Initial = None | str | Mapping[str | tuple[str, ...], InitialValue]
RateSpec = float | int | tuple[float, float]


# ---------------------------------------------------------------------------------------------
# result
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class SimulationResult:
    """Probabilities over time from :func:`simulate`.

    ``times`` has shape ``(T,)``; ``node_probabilities`` ``(T, nodes)`` is the fraction of
    trajectories with each node ON at each time; ``phenotype_probabilities`` ``(T, 4)`` the
    fraction in each of :data:`~mtor_network.phenotypes.PHENOTYPES` (classified from the model's
    marker nodes, as for attractors); ``readouts[name]`` ``(T,)`` the mean of each weighted
    read-out and ``readout_errors[name]`` its standard error. ``final_states`` ``(runs, nodes)``
    holds every trajectory's state at ``max_time``. ``initial_condition`` states in words where
    the trajectories started (the probabilities are conditional on it).
    """

    model: str
    nodes: tuple[str, ...]
    times: np.ndarray
    node_probabilities: np.ndarray
    phenotype_probabilities: np.ndarray
    readouts: Mapping[str, np.ndarray]
    readout_errors: Mapping[str, np.ndarray]
    final_states: np.ndarray
    runs: int
    seed: int | None
    scheme: Scheme
    max_time: float
    rates: Mapping[str, tuple[float, float]]
    perturbations: tuple[str, ...] = ()
    readout_definitions: Mapping[str, Readout] = field(default_factory=dict)
    phenotypes: tuple[Phenotype, ...] = PHENOTYPES
    initial_condition: str = ""

    # ---- access ------------------------------------------------------------------------
    def _node_index(self, node: str) -> int:
        try:
            return self.nodes.index(node)
        except ValueError:
            raise UnknownNameError("node", node, self.nodes) from None

    def node_probability(self, node: str) -> np.ndarray:
        """P(node ON) at each time."""
        return self.node_probabilities[:, self._node_index(node)]

    def phenotype_probability(self, phenotype: str) -> np.ndarray:
        """P(phenotype) at each time."""
        if phenotype not in self.phenotypes:
            raise UnknownNameError("phenotype", phenotype, self.phenotypes)
        return self.phenotype_probabilities[:, self.phenotypes.index(phenotype)]

    @property
    def final_node_probabilities(self) -> dict[str, float]:
        """P(node ON) at ``max_time``."""
        return {n: float(v) for n, v in zip(self.nodes, self.node_probabilities[-1], strict=True)}

    @property
    def final_phenotype_probabilities(self) -> dict[str, float]:
        """P(phenotype) at ``max_time``."""
        row = self.phenotype_probabilities[-1]
        return {p: float(v) for p, v in zip(self.phenotypes, row, strict=True)}

    @property
    def final_readouts(self) -> dict[str, float]:
        """Each read-out's mean at ``max_time``."""
        return {k: float(v[-1]) for k, v in self.readouts.items()}

    def standard_error(self, probability: float | np.ndarray) -> float | np.ndarray:
        """Binomial standard error ``sqrt(p (1 - p) / runs)`` of a probability estimated here."""
        import numpy as np

        p = np.asarray(probability, dtype=float)
        se = np.sqrt(p * (1.0 - p) / self.runs)
        return float(se) if se.ndim == 0 else se

    def final_state_probabilities(
        self, nodes: Iterable[str] | None = None
    ) -> list[tuple[dict[str, int], float]]:
        """Distinct final states (restricted to ``nodes``, default all) with their probability,
        most probable first."""
        import numpy as np

        names = list(self.nodes) if nodes is None else list(nodes)
        idx = [self._node_index(n) for n in names]
        states, counts = np.unique(self.final_states[:, idx], axis=0, return_counts=True)
        order = sorted(range(len(counts)), key=lambda i: (-counts[i], states[i].tolist()))
        return [
            ({n: int(v) for n, v in zip(names, states[i], strict=True)}, counts[i] / self.runs)
            for i in order
        ]

    # ---- tables (written by mtor_network.export.simulation) ----------------------------
    def columns(self) -> dict[str, np.ndarray]:
        """Every time series by column name: ``time``, ``phenotype:<name>``,
        ``readout:<name>``, ``readout_se:<name>`` and ``node:<name>``."""
        cols: dict[str, np.ndarray] = {"time": self.times}
        for i, p in enumerate(self.phenotypes):
            cols[f"phenotype:{p}"] = self.phenotype_probabilities[:, i]
        for name, values in self.readouts.items():
            cols[f"readout:{name}"] = values
            cols[f"readout_se:{name}"] = self.readout_errors[name]
        for i, n in enumerate(self.nodes):
            cols[f"node:{n}"] = self.node_probabilities[:, i]
        return cols

    def to_frame(self) -> Any:
        """A pandas DataFrame, one row per time point (see :meth:`columns`); needs pandas
        (extra ``pandas``; :func:`mtor_network.export.simulation.simulation_csv` does not)."""
        pd = require("pandas", extra="pandas", what="SimulationResult.to_frame()")
        return pd.DataFrame(self.columns())

    def metadata(self, generated: str | None = None) -> dict[str, str]:
        """The settings of the run, flat, for the ``# key: value`` lines of a table.

        Parameters
        ----------
        generated
            The time to state (ISO 8601); default now (UTC).

        Returns
        -------
        dict
            ``model``, ``scheme``, ``runs``, ``seed``, ``max_time``, ``perturbations``,
            ``initial``, ``package_version``, ``generated``.
        """
        from datetime import UTC, datetime

        from .. import __version__

        stamp = generated or datetime.now(UTC).replace(microsecond=0).isoformat()
        return {
            "model": self.model,
            "scheme": self.scheme,
            "runs": str(self.runs),
            "seed": str(self.seed),
            "max_time": f"{self.max_time:g}",
            "perturbations": "; ".join(self.perturbations) or "none",
            "initial": self.initial_condition or "not stated",
            "package_version": __version__,
            "generated": stamp,
        }

    def to_dict(self) -> dict[str, Any]:
        """Settings, time series and final values as plain JSON-ready data."""
        return {
            "model": self.model,
            "scheme": self.scheme,
            "runs": self.runs,
            "seed": self.seed,
            "max_time": self.max_time,
            "perturbations": list(self.perturbations),
            "initial_condition": self.initial_condition,
            "rates": {n: list(r) for n, r in self.rates.items()},
            "readout_definitions": {k: r.to_dict() for k, r in self.readout_definitions.items()},
            "times": self.times.tolist(),
            "phenotypes": {
                p: self.phenotype_probabilities[:, i].tolist()
                for i, p in enumerate(self.phenotypes)
            },
            "readouts": {k: v.tolist() for k, v in self.readouts.items()},
            "readout_errors": {k: v.tolist() for k, v in self.readout_errors.items()},
            "nodes": {n: self.node_probabilities[:, i].tolist() for i, n in enumerate(self.nodes)},
            "final": {
                "phenotypes": self.final_phenotype_probabilities,
                "readouts": self.final_readouts,
                "nodes": self.final_node_probabilities,
            },
        }


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


def __getattr__(name: str) -> Any:
    """``simulate`` loads the numpy engine on first use."""
    if name == "simulate":
        from ._engine import simulate

        return simulate
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
