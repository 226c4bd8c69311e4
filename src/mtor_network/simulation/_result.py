"""What :func:`mtor_network.simulation.simulate` returns, and its weighted read-outs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._optional import require
from ..exceptions import SimulationError, UnknownNameError
from ..types import PHENOTYPES, Phenotype
from . import Combine, Scheme

if TYPE_CHECKING:
    import numpy as np


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
