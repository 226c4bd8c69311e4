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

import csv
import io
import json
import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np

from ..exceptions import AmbiguousNameError, MtorNetworkError, UnknownNameError
from ..expressions import Expr
from ..network import BooleanNetwork
from ..phenotypes import PHENOTYPES, Phenotype

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
    holds every trajectory's state at ``max_time``.
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
        p = np.asarray(probability, dtype=float)
        se = np.sqrt(p * (1.0 - p) / self.runs)
        return float(se) if se.ndim == 0 else se

    def final_state_probabilities(
        self, nodes: Iterable[str] | None = None
    ) -> list[tuple[dict[str, int], float]]:
        """Distinct final states (restricted to ``nodes``, default all) with their probability,
        most probable first."""
        names = list(self.nodes) if nodes is None else list(nodes)
        idx = [self._node_index(n) for n in names]
        states, counts = np.unique(self.final_states[:, idx], axis=0, return_counts=True)
        order = sorted(range(len(counts)), key=lambda i: (-counts[i], states[i].tolist()))
        return [
            ({n: int(v) for n, v in zip(names, states[i], strict=True)}, counts[i] / self.runs)
            for i in order
        ]

    # ---- export ------------------------------------------------------------------------
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
        """A pandas DataFrame, one row per time point (see :meth:`columns`); needs pandas."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - pandas is installed where tests run
            raise MtorNetworkError(
                "to_frame() needs pandas (pip install pandas); use to_csv() instead"
            ) from None
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
            ``package_version``, ``generated``.
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
            "package_version": __version__,
            "generated": stamp,
        }

    def to_csv(
        self, path: str | Path | None = None, *, sep: str = ",", generated: str | None = None
    ) -> str:
        """The time series as CSV text (see :meth:`columns`) after ``# key: value`` lines with
        the settings (:meth:`metadata`; ``pandas.read_csv(path, comment="#")`` skips them);
        also written atomically to ``path`` if given.

        Parameters
        ----------
        path
            Also write the text to this file.
        sep
            The field separator (a tab for TSV).
        generated
            The time stated in the metadata (default now).

        Returns
        -------
        str
            The table; no cell of it can run as a spreadsheet formula.
        """
        from ..export._cells import metadata_lines, safe_cell

        cols = self.columns()
        out = io.StringIO()
        out.write(metadata_lines(self.metadata(generated), sep=sep))
        writer = csv.writer(out, delimiter=sep, lineterminator="\n")
        writer.writerow([safe_cell(c) for c in cols])
        for row in zip(*cols.values(), strict=True):
            writer.writerow([_number(v) for v in row])
        text = out.getvalue()
        if path is not None:
            from .._files import write_text_atomic

            write_text_atomic(_path(path), text)
        return text

    def to_tsv(self, path: str | Path | None = None, *, generated: str | None = None) -> str:
        """Tab-separated :meth:`to_csv`."""
        return self.to_csv(path, sep="\t", generated=generated)

    def to_parquet(self, path: str | Path | None = None, *, generated: str | None = None) -> bytes:
        """The time series as a Parquet file (needs pyarrow); the settings of :meth:`metadata`
        are in the file's key-value metadata under ``mtor_network`` (JSON).

        Parameters
        ----------
        path
            Also write the file here (atomically).
        generated
            The time stated in the metadata (default now).

        Returns
        -------
        bytes
            The Parquet file.
        """
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:  # pragma: no cover - pyarrow is a dependency
            raise MtorNetworkError("Parquet output needs pyarrow (pip install pyarrow)") from None
        table = pa.table({k: np.asarray(v, dtype=float) for k, v in self.columns().items()})
        table = table.replace_schema_metadata(
            {"mtor_network": json.dumps(self.metadata(generated))}
        )
        buffer = pa.BufferOutputStream()
        pq.write_table(table, buffer)
        data = bytes(buffer.getvalue().to_pybytes())
        if path is not None:
            from .._files import write_bytes_atomic

            write_bytes_atomic(_path(path), data)
        return data

    def to_xlsx(self, path: str | Path | None = None, *, generated: str | None = None) -> bytes:
        """An Excel workbook: sheet ``simulation`` (the time series, one row per time point)
        and sheet ``settings`` (:meth:`metadata`); no cell is stored as a formula.

        Parameters
        ----------
        path
            Also write the workbook here (atomically).
        generated
            The time stated in the settings (default now).

        Returns
        -------
        bytes
            The workbook.
        """
        from openpyxl import Workbook

        from ..export.attractors import append_safe

        cols = self.columns()
        book = Workbook()
        sheet = book.active
        sheet.title = "simulation"
        append_safe(sheet, list(cols))
        for row in zip(*cols.values(), strict=True):
            append_safe(sheet, [float(v) for v in row])
        settings = book.create_sheet("settings")
        for key, value in self.metadata(generated).items():
            append_safe(settings, [key, value])
        buffer = io.BytesIO()
        book.save(buffer)
        data = buffer.getvalue()
        if path is not None:
            from .._files import write_bytes_atomic

            write_bytes_atomic(_path(path), data)
        return data

    def write(self, path: str | Path) -> str:
        """Write the result to ``path`` atomically, in the format its suffix names
        (:data:`OUTPUT_FORMATS`).

        Parameters
        ----------
        path
            A ``.csv``, ``.tsv``, ``.json``, ``.parquet`` or ``.xlsx`` file.

        Returns
        -------
        str
            The format written (``"csv"``, ...).

        Raises
        ------
        SimulationError
            The suffix is not one of :data:`OUTPUT_FORMATS`.
        """
        p = _path(path)
        fmt = output_format(p)
        writers: dict[str, Callable[[Path], object]] = {
            "csv": self.to_csv,
            "tsv": self.to_tsv,
            "json": self.to_json,
            "parquet": self.to_parquet,
            "xlsx": self.to_xlsx,
        }
        writers[fmt](p)
        return fmt

    def to_dict(self) -> dict[str, Any]:
        """Settings, time series and final values as plain JSON-ready data."""
        return {
            "model": self.model,
            "scheme": self.scheme,
            "runs": self.runs,
            "seed": self.seed,
            "max_time": self.max_time,
            "perturbations": list(self.perturbations),
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

    def to_json(self, path: str | Path | None = None) -> str:
        """:meth:`to_dict` as JSON text; also written atomically to ``path`` if given."""
        text = json.dumps(self.to_dict(), indent=1)
        if path is not None:
            from .._files import write_text_atomic

            write_text_atomic(_path(path), text)
        return text


def _number(value: Any) -> str:
    return repr(round(float(value), 10))


#: File suffix -> format of :meth:`SimulationResult.write`.
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


# ---------------------------------------------------------------------------------------------
# compiling rules into numpy functions
# ---------------------------------------------------------------------------------------------
_Fn = Callable[[np.ndarray], Any]


def _compile(expr: Expr, index: Mapping[str, int]) -> _Fn:
    """A function of the ``(nodes, runs)`` state matrix giving the rule's value per run
    (a ``(runs,)`` bool array, or a numpy bool scalar for constants)."""
    kind = expr[0]
    if kind == "const":
        value = np.bool_(bool(expr[1]))
        return lambda x: value
    if kind == "var":
        i = index[expr[1]]  # type: ignore[index]
        return lambda x: x[i]
    if kind == "not":
        inner = _compile(expr[1], index)  # type: ignore[arg-type]
        return lambda x: ~inner(x)
    if kind in ("and", "or"):
        parts = [_compile(e, index) for e in expr[1]]  # type: ignore[union-attr]
        if len(parts) == 1:
            return parts[0]
        op = np.logical_and if kind == "and" else np.logical_or

        def combine(x: np.ndarray) -> Any:
            acc = op(parts[0](x), parts[1](x))
            for part in parts[2:]:
                acc = op(acc, part(x))
            return acc

        return combine
    raise MtorNetworkError(f"unknown expression node {kind!r}")  # pragma: no cover


# ---------------------------------------------------------------------------------------------
# settings
# ---------------------------------------------------------------------------------------------
def _resolve(network: BooleanNetwork, name: str, what: str) -> str:
    if name in network.rules:
        return name
    try:
        return network.resolve_node(name)
    except AmbiguousNameError:
        raise
    except MtorNetworkError:
        raise UnknownNameError(f"node (in {what})", name, network.node_names) from None


def _rates(
    network: BooleanNetwork,
    rates: Mapping[str, RateSpec] | None,
    slow: Iterable[str] | None,
    fast: Iterable[str] | None,
    fast_ratio: float,
) -> tuple[np.ndarray, np.ndarray]:
    names = network.node_names
    if not (math.isfinite(fast_ratio) and fast_ratio > 0):
        raise SimulationError(f"fast_ratio must be a positive number, not {fast_ratio!r}")
    slow_set = {_resolve(network, n, "slow") for n in slow} if slow is not None else None
    fast_set = {_resolve(network, n, "fast") for n in fast} if fast is not None else None
    if slow_set is not None and fast_set is not None and slow_set & fast_set:
        both = ", ".join(sorted(slow_set & fast_set))
        raise SimulationError(f"nodes listed as both slow and fast: {both}")
    base = np.ones(len(names))
    for i, n in enumerate(names):
        if fast_set is not None and n in fast_set:
            base[i] = fast_ratio
        elif slow_set is not None and fast_set is None and n not in slow_set:
            base[i] = fast_ratio  # slow given alone: every other node is fast (Zañudo 2017)
    up, down = base.copy(), base.copy()
    for name, spec in (rates or {}).items():
        i = names.index(_resolve(network, name, "rates"))
        if isinstance(spec, tuple | list):
            if len(spec) != 2:
                raise SimulationError(f"rate of {name}: give one rate or (up, down), not {spec!r}")
            u, d = float(spec[0]), float(spec[1])
        else:
            u = d = float(spec)
        for r in (u, d):
            if not (math.isfinite(r) and r >= 0):
                raise SimulationError(f"rate of {name} must be a finite number >= 0, not {r!r}")
        up[i], down[i] = u, d
    return up, down


def _initial_plan(network: BooleanNetwork, initial: Initial) -> list[tuple[tuple[int, ...], float]]:
    """Groups of node indices sharing one random draw, with P(ON)."""
    names = network.node_names
    probs: dict[int, float] = {}
    groups: list[tuple[tuple[int, ...], float]] = []
    seen: set[int] = set()
    if initial is None or (isinstance(initial, str) and initial == "uniform"):
        spec: Mapping[str | tuple[str, ...], InitialValue] = {}
    elif isinstance(initial, str):
        raise SimulationError(
            f"initial must be None, 'uniform' or a mapping of node -> 0/1/probability, "
            f"not {initial!r}"
        )
    else:
        spec = initial
    for key, value in spec.items():
        keys = (key,) if isinstance(key, str) else tuple(key)
        ok = isinstance(value, bool) or (
            isinstance(value, int | float) and math.isfinite(value) and 0 <= value <= 1
        )
        if ok:
            p = float(value)
        else:
            raise SimulationError(
                f"initial value of {key!r} must be 0, 1 or a probability in [0, 1], not {value!r}"
            )
        idx = tuple(names.index(_resolve(network, k, "initial")) for k in keys)
        repeated = [names[i] for i in idx if i in seen] + [
            names[i] for n, i in enumerate(idx) if i in idx[:n]
        ]
        if repeated:
            raise SimulationError(
                f"initial value of {repeated[0]} given twice (alone or in a group); give each "
                "node once"
            )
        seen.update(idx)
        if len(idx) == 1:
            probs[idx[0]] = p
        else:
            groups.append((idx, p))
    grouped = {i for g, _ in groups for i in g}
    plan = [((i,), probs.get(i, 0.5)) for i in range(len(names)) if i not in grouped]
    return plan + groups


def _time_points(time_points: int | Sequence[float] | None, max_time: float) -> np.ndarray:
    if time_points is None:
        time_points = 101
    if isinstance(time_points, int | np.integer):
        if time_points < 2:
            raise SimulationError(f"time_points must be at least 2, not {time_points}")
        return np.linspace(0.0, max_time, int(time_points))
    times = np.asarray(list(time_points), dtype=float)
    if times.ndim != 1 or len(times) == 0:
        raise SimulationError("time_points must be a count or a non-empty list of times")
    if np.any(~np.isfinite(times)) or np.any(np.diff(times) <= 0):
        raise SimulationError("time_points must be finite and strictly increasing")
    if times[0] < 0 or times[-1] > max_time:
        raise SimulationError(f"time_points must lie within [0, max_time={max_time}]")
    if times[-1] < max_time:
        times = np.append(times, max_time)
    return times


# ---------------------------------------------------------------------------------------------
# the engine
# ---------------------------------------------------------------------------------------------
def _run_batch(
    fns: Sequence[_Fn],
    up: np.ndarray,
    down: np.ndarray,
    x: np.ndarray,
    times: np.ndarray,
    max_time: float,
    scheme: Scheme,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Simulate the columns of ``x`` (nodes, m); return recorded states ``(T, m, nodes)`` and
    final states ``(m, nodes)``."""
    n, m = x.shape
    n_times = len(times)
    recorded = np.zeros((n_times, m, n), dtype=bool)
    final = np.zeros((m, n), dtype=bool)
    cols = np.arange(m)
    t = np.zeros(m)
    nxt = np.zeros(m, dtype=np.intp)  # next time point to record, per trajectory
    step_rate = float(np.maximum(up, down).sum())  # update steps per time unit (random_order)
    f = np.empty((n, m), dtype=bool)
    upc, downc = up[:, None], down[:, None]
    while cols.size:
        for i, fn in enumerate(fns):
            f[i] = fn(x)
        rate = np.where(f, np.where(x, 0.0, upc), np.where(x, downc, 0.0))
        cum = np.cumsum(rate, axis=0)
        total = cum[-1]
        alive = total > 0
        with np.errstate(divide="ignore"):
            if scheme == "continuous":
                dt = np.where(alive, rng.exponential(size=cols.size) / total, np.inf)
            else:
                q = np.minimum(total / step_rate, 1.0)
                steps = rng.geometric(np.where(alive, q, 1.0))
                dt = np.where(alive, steps / step_rate, np.inf)
        t_new = t + dt
        done = t_new > max_time
        go = ~done
        if done.any():
            # the current state holds until max_time: fill every remaining time point at once
            d = np.flatnonzero(done)
            state = x[:, d].T
            final[cols[d]] = state
            later = np.arange(n_times)[:, None] >= nxt[d][None, :]
            block = recorded[:, cols[d]]
            block[later] = np.broadcast_to(state[None], block.shape)[later]
            recorded[:, cols[d]] = block
        # record the current state at every time point in [t, t_new)
        while True:
            pending = go & (nxt < n_times)
            pending[pending] &= times[nxt[pending]] < t_new[pending]
            if not pending.any():
                break
            sel = np.flatnonzero(pending)
            recorded[nxt[sel], cols[sel]] = x[:, sel].T
            nxt[sel] += 1
        if go.any():
            u = rng.random(cols.size) * total
            node = np.minimum((cum <= u[None, :]).sum(axis=0), n - 1)
            j = np.flatnonzero(go)
            x[node[j], j] ^= True
        if done.any():
            keep = np.flatnonzero(go)
            x = x[:, keep]
            f = f[:, keep]
            cols, t, nxt = cols[keep], t_new[keep], nxt[keep]
        else:
            t = t_new
    return recorded, final


def _phenotype_codes(states: np.ndarray, network: BooleanNetwork) -> np.ndarray:
    """Index into PHENOTYPES for each state (last axis = nodes), as
    :func:`mtor_network.phenotypes.classify` decides for a single state."""
    markers = network.phenotypes
    names = network.node_names
    shape = states.shape[:-1]
    if markers.proliferation is None and markers.apoptosis is None:
        return np.full(shape, PHENOTYPES.index("unknown"))
    code = np.full(shape, PHENOTYPES.index("quiescent"))
    if markers.apoptosis is not None and markers.apoptosis in names:
        code[states[..., names.index(markers.apoptosis)]] = PHENOTYPES.index("apoptotic")
    if markers.proliferation is not None and markers.proliferation in names:
        code[states[..., names.index(markers.proliferation)]] = PHENOTYPES.index("proliferative")
    return code


def _readout_values(states: np.ndarray, readout: Readout, names: Sequence[str]) -> np.ndarray:
    idx = [names.index(n) for n in readout.weights]
    w = np.array([float(readout.weights[n]) for n in readout.weights])
    on = states[..., idx]
    if readout.combine == "sum":
        return (on * w).sum(axis=-1)
    return np.where(on, w, 0.0).max(axis=-1, initial=0.0)


def _check_types(
    network: object,
    initial: object,
    rates: object,
    slow: object,
    fast: object,
    readouts: object,
) -> None:
    """TypeError naming the argument of :func:`simulate` that has the wrong type."""
    if not isinstance(network, BooleanNetwork):
        raise TypeError(f"network must be a BooleanNetwork, not {type(network).__name__}")
    if initial is not None and not isinstance(initial, str | Mapping):
        raise TypeError(
            f"initial must be None, 'uniform' or a mapping, not {type(initial).__name__}"
        )
    for argument, value in (("rates", rates), ("readouts", readouts)):
        if value is not None and not isinstance(value, Mapping):
            raise TypeError(f"{argument} must be a mapping, not {type(value).__name__}")
    for argument, value in (("slow", slow), ("fast", fast)):
        if value is None:
            continue
        if isinstance(value, str | bytes) or not isinstance(value, Iterable):
            raise TypeError(
                f"{argument} must be a list of node names, not {type(value).__name__}"
                + (f": {argument}=[{value!r}]" if isinstance(value, str) else "")
            )


def simulate(
    network: BooleanNetwork,
    *,
    initial: Initial = None,
    rates: Mapping[str, RateSpec] | None = None,
    slow: Iterable[str] | None = None,
    fast: Iterable[str] | None = None,
    fast_ratio: float = 5.0,
    runs: int = 1000,
    max_time: float = 20.0,
    time_points: int | Sequence[float] | None = None,
    seed: int | None = 0,
    scheme: Scheme = "continuous",
    readouts: Mapping[str, Mapping[str, float] | Readout] | None = None,
) -> SimulationResult:
    """Simulate ``runs`` stochastic asynchronous trajectories of ``network``.

    initial
        ``None`` or ``"uniform"``: every node ON with probability 0.5, independently (MaBoSS's
        default). A mapping gives nodes (or tuples of nodes) a value 0/1 or a probability of
        being ON; a tuple key draws once for the whole group, so its nodes start equal
        (all ON with that probability). Unlisted nodes stay 0.5. Nodes fixed by the
        network's perturbations (drugs, knock-outs, ...) always start at their fixed value.
    rates
        ``{node: rate}`` or ``{node: (up, down)}``; overrides ``slow``/``fast``. Default 1.
    slow, fast, fast_ratio
        Node sets: fast nodes get rate ``fast_ratio``, slow nodes 1. Given ``slow`` alone, every
        other node is fast (as in Zañudo et al. 2017, whose ratio is 5); given ``fast`` alone,
        every other node is slow.
    runs, max_time, time_points, seed
        Number of trajectories; end time; a count of equally spaced time points from 0 to
        ``max_time`` (default 101) or the times themselves (``max_time`` is always added);
        the seed of :func:`numpy.random.default_rng` (same seed, same result).
    scheme
        ``"continuous"`` (MaBoSS) or ``"random_order"`` (Zañudo 2017); see the module docstring.
    readouts
        ``{name: {node: weight}}`` (weighted sums) or ``{name: Readout(weights, "max")}``.
    """
    _check_types(network, initial, rates, slow, fast, readouts)
    if scheme not in SCHEMES:
        raise SimulationError(f"unknown scheme {scheme!r}; use one of {', '.join(SCHEMES)}")
    if isinstance(runs, bool) or not isinstance(runs, int | np.integer) or runs < 1:
        raise SimulationError(f"runs must be a positive integer, not {runs!r}")
    if not (isinstance(max_time, int | float) and math.isfinite(max_time) and max_time > 0):
        raise SimulationError(f"max_time must be a positive number, not {max_time!r}")
    names = network.node_names
    index = {n: i for i, n in enumerate(names)}
    fns = [_compile(network.rules[n].expression, index) for n in names]
    up, down = _rates(network, rates, slow, fast, fast_ratio)
    plan = _initial_plan(network, initial)
    fixed: dict[int, bool] = {}
    if network.perturbations:
        from ..perturbations import Scenario

        fixed = {index[k]: v for k, v in Scenario(network.perturbations).effects().items()}
    readout_defs: dict[str, Readout] = {}
    for name, spec in (readouts or {}).items():
        readout = spec if isinstance(spec, Readout) else Readout(dict(spec))
        for node in readout.weights:
            if node not in index:
                raise UnknownNameError(f"node (in read-out {name!r})", node, names)
        readout_defs[name] = readout
    times = _time_points(time_points, float(max_time))

    rng = np.random.default_rng(seed)
    n_times = len(times)
    node_sum = np.zeros((n_times, len(names)))
    pheno_sum = np.zeros((n_times, len(PHENOTYPES)))
    ro_sum = {k: np.zeros(n_times) for k in readout_defs}
    ro_sq = {k: np.zeros(n_times) for k in readout_defs}
    finals = []
    for start in range(0, int(runs), BATCH):
        m = min(BATCH, int(runs) - start)
        x = np.empty((len(names), m), dtype=bool)
        for idx, p in plan:
            draw = rng.random(m) < p
            for i in idx:
                x[i] = draw
        for i, v in fixed.items():
            x[i] = v
        recorded, final = _run_batch(fns, up, down, x, times, float(max_time), scheme, rng)
        finals.append(final)
        node_sum += recorded.sum(axis=1)
        codes = _phenotype_codes(recorded, network)
        for k in range(len(PHENOTYPES)):
            pheno_sum[:, k] += (codes == k).sum(axis=1)
        for name, readout in readout_defs.items():
            values = _readout_values(recorded, readout, names)
            ro_sum[name] += values.sum(axis=1)
            ro_sq[name] += (values**2).sum(axis=1)
    mean_ro = {k: v / runs for k, v in ro_sum.items()}
    se_ro: dict[str, np.ndarray] = {}
    for key in readout_defs:
        var = np.maximum(ro_sq[key] / runs - mean_ro[key] ** 2, 0.0) * (runs / max(runs - 1, 1))
        se_ro[key] = np.sqrt(var / runs)
    return SimulationResult(
        model=network.name,
        nodes=names,
        times=times,
        node_probabilities=node_sum / runs,
        phenotype_probabilities=pheno_sum / runs,
        readouts=mean_ro,
        readout_errors=se_ro,
        final_states=np.concatenate(finals, axis=0),
        runs=int(runs),
        seed=seed,
        scheme=scheme,
        max_time=float(max_time),
        rates={n: (float(up[i]), float(down[i])) for i, n in enumerate(names)},
        perturbations=tuple(p.name for p in network.perturbations),
        readout_definitions=readout_defs,
    )
