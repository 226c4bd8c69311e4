"""The numpy engine of :func:`mtor_network.simulation.simulate`: rules compiled into
vectorised functions of a boolean ``(nodes, runs)`` state matrix, run in batches."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from ..exceptions import AmbiguousNameError, MtorNetworkError, UnknownNameError
from ..expressions import And, Const, Expr, Not, Or, Var, as_expr
from ..network import BooleanNetwork
from ..perturbations import Perturbation
from ..phenotypes import PHENOTYPES
from . import SCHEMES, Initial, InitialValue, RateSpec, Scheme, SimulationError
from ._result import Readout, SimulationResult

# ---------------------------------------------------------------------------------------------
# compiling rules into numpy functions
# ---------------------------------------------------------------------------------------------
_Fn = Callable[[np.ndarray], Any]


def _compile(expr: Expr, index: Mapping[str, int]) -> _Fn:
    """A function of the ``(nodes, runs)`` state matrix giving the rule's value per run
    (a ``(runs,)`` bool array, or a numpy bool scalar for constants)."""
    node = as_expr(expr)
    if isinstance(node, Const):
        value = np.bool_(node.value)
        return lambda x: value
    if isinstance(node, Var):
        i = index[node.name]
        return lambda x: x[i]
    if isinstance(node, Not):
        inner = _compile(node.operand, index)
        return lambda x: ~inner(x)
    if isinstance(node, And | Or):
        parts = [_compile(e, index) for e in node.operands]
        if len(parts) == 1:
            return parts[0]
        op = np.logical_and if isinstance(node, And) else np.logical_or

        def combine(x: np.ndarray) -> Any:
            acc = op(parts[0](x), parts[1](x))
            for part in parts[2:]:
                acc = op(acc, part(x))
            return acc

        return combine
    raise MtorNetworkError(f"unknown expression node {node!r}")  # pragma: no cover


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


MAX_UNTREATED_STATES = 1_000_000
"""The most attractor states ``initial="untreated"`` samples from."""


def untreated_setting(network: BooleanNetwork) -> tuple[Perturbation, ...]:
    """The perturbations of ``network`` an untreated cell keeps (environment, genotype)."""
    from ..attractors._basins import REFERENCE_KINDS

    return tuple(p for p in network.perturbations if p.kind in REFERENCE_KINDS)


def untreated_states(network: BooleanNetwork) -> tuple[np.ndarray, str]:
    """The states of the asynchronous attractors of ``network``'s untreated setting (its
    environment and genotype perturbations, without drugs, knockouts or over-expressions), with
    the nodes fixed by ``network``'s perturbations set to their values: a boolean
    ``(states, nodes)`` matrix of the distinct states, and the condition in words."""
    from ..attractors import find_attractors
    from ..attractors._basins import attractor_states
    from ..perturbations import Scenario

    kept = untreated_setting(network)
    base = network.base
    reference = base.perturb(*kept) if kept else base
    found = find_attractors(reference, "asynchronous")
    try:
        states = attractor_states(
            reference,
            Scenario(kept).effects(),
            [dict(a.values) for a in found],
            MAX_UNTREATED_STATES,
        )
    except ValueError as exc:
        raise SimulationError(f"initial='untreated': {exc}") from None
    names = network.node_names
    fixed = Scenario(network.perturbations).effects() if network.perturbations else {}
    rows = {tuple(fixed.get(n, s[n]) for n in names) for s in states}
    matrix = np.array(sorted(rows), dtype=bool).reshape(len(rows), len(names))
    setting = ", ".join(p.name for p in kept) or "no perturbation"
    text = (
        f"untreated: uniformly one of the {len(rows)} distinct states of the "
        f"{len(found)} asynchronous attractor(s) of the untreated setting ({setting}), with "
        "the perturbed nodes at their values"
    )
    return matrix, text


def describe_initial(network: BooleanNetwork, initial: Initial) -> str:
    """The initial condition of :func:`simulate` in words (stored in the result)."""
    fixed = "; nodes fixed by perturbations start at their values" if network.perturbations else ""
    if initial is None or initial == "uniform":
        return f"uniform: every node ON with probability 0.5, independently{fixed}"
    if isinstance(initial, str):
        return str(initial)
    given = ", ".join(
        f"{'+'.join(k) if isinstance(k, tuple) else k}={float(v):g}" for k, v in initial.items()
    )
    return f"given: {given}; every other node ON with probability 0.5, independently{fixed}"


def _initial_plan(network: BooleanNetwork, initial: Initial) -> list[tuple[tuple[int, ...], float]]:
    """Groups of node indices sharing one random draw, with P(ON)."""
    names = network.node_names
    probs: dict[int, float] = {}
    groups: list[tuple[tuple[int, ...], float]] = []
    seen: set[int] = set()
    if initial is None or (isinstance(initial, str) and initial in ("uniform", "untreated")):
        spec: Mapping[str | tuple[str, ...], InitialValue] = {}
    elif isinstance(initial, str):
        raise SimulationError(
            f"initial must be None, 'uniform', 'untreated' or a mapping of node -> "
            f"0/1/probability, not {initial!r}"
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
        default). ``"untreated"``: each trajectory starts in a state drawn uniformly from the
        distinct states of the asynchronous attractors of the untreated setting (the
        network's environment and genotype perturbations, without drugs, knockouts or
        over-expressions; the untreated cell), with the perturbed nodes set to their values:
        what a treatment acts on (the same initial states as
        :func:`mtor_network.analysis.basins.outcomes`' reference). A mapping gives nodes (or
        tuples of nodes) a value 0/1 or a probability of being ON; a tuple key draws once for
        the whole group, so its nodes start equal (all ON with that probability). Unlisted
        nodes stay 0.5. Nodes fixed by the network's perturbations (drugs, knock-outs, ...)
        always start at their fixed value. The result states the condition
        (:attr:`SimulationResult.initial_condition`).
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
    condition = describe_initial(network, initial)
    start_states = None
    if initial == "untreated":
        start_states, condition = untreated_states(network)
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
    from . import BATCH  # read at each call (tests lower it)

    for start in range(0, int(runs), BATCH):
        m = min(BATCH, int(runs) - start)
        x = np.empty((len(names), m), dtype=bool)
        if start_states is not None:
            x[:] = start_states[rng.integers(len(start_states), size=m)].T
        else:
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
        initial_condition=condition,
    )
