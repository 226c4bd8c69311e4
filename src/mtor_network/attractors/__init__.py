"""Attractors of Boolean networks: one entry point, engines as strategies.

=================  ==============================================  ==========================
semantics          default engine                                  second opinion
=================  ==============================================  ==========================
asynchronous       ``aeon``: biodivine-aeon symbolic SCC search    ``biobalm`` (seeds, AEON
                                                                   reachability),
                                                                   ``pyboolnet`` (NuSMV)
synchronous        ``aeon``: symbolic image iteration on AEON BDDs ``pyboolnet`` (NuSMV)
most_permissive    ``biobalm``: Trappist minimal trap spaces       ``mpbn`` (extra), ``aeon``,
                   (clingo ASP)                                    ``pyboolnet``
=================  ==============================================  ==========================

``engine="auto"`` (the default) is the portfolio of :mod:`._portfolio` on the default engine:
after constant percolation, free inputs (``x, x``) are split by valuation or searched as AEON
parameters, and where the choice is unclear two strategies race in budgeted workers. For
most-permissive semantics the portfolio splits by valuation from 6 free inputs and sends each
network to AEON's symbolic trap spaces (up to 20 nodes) or to an answer-set program (mpbn when
installed, else biobalm's Trappist). A named engine runs alone (``"aeon"``: percolation, then the
decomposition along the SCC DAG of :mod:`._scc`, where AEON searches only the components that
oscillate, or else downstream peeling and one AEON search over the rest; free inputs are never
split). :func:`group_by_inputs` summarises
many attractors by input valuation.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from .._cache import ByteBoundedCache
from ..exceptions import EngineError, MtorNetworkError, listed
from ..network import BooleanNetwork
from ..perturbations import Perturbation, Scenario, as_perturbations
from ..types import Semantics
from . import _aeon, _budget, _jobs, _portfolio, _reduce
from ._budget import Budget, BudgetExceeded, run_budgeted, set_max_workers, start_workers
from ._inputs import InputGroup, free_inputs, group_by_inputs
from ._types import (
    SEMANTICS,
    Annotation,
    Annotator,
    Attractor,
    AttractorResult,
    ResultLabels,
    make_attractor,
    no_annotation,
)

ENGINES: dict[str, tuple[str, ...]] = {
    "asynchronous": ("aeon", "biobalm", "pyboolnet"),
    "synchronous": ("aeon", "pyboolnet"),
    "most_permissive": ("biobalm", "mpbn", "aeon", "pyboolnet"),
}


DEFAULT_ENGINE: dict[str, str] = {
    "asynchronous": "aeon",
    "synchronous": "aeon",
    "most_permissive": "biobalm",
}


MEMO_BYTES = 64 * 2**20
"""Bytes of attractors remembered for residual networks searched in this process."""
# Attractors of the network left after constant propagation, by its exact rules: perturbations
# whose residual networks coincide (frequent in screens: a knockout upstream of another) share
# one engine run. A pure function's cache, bounded by the bytes it holds. Budgeted searches run
# in worker processes, which keep memos of their own (``_budget.WORKER_MEMO_BYTES``).
_MEMO: _jobs.Memo = ByteBoundedCache(MEMO_BYTES, size=_jobs.memo_size)


def clear_cache() -> None:
    """Forget the attractors remembered for residual networks, in this process and in its
    search workers, and this process's per-rule facts (percolated rules, AEON texts, walks),
    so that a search is timed from nothing remembered (e.g. to time an engine)."""
    _MEMO.clear()
    _aeon.clear_rule_caches()
    _reduce.clear_rule_caches()
    _budget.forget_worker_memos()


def engines_for(semantics: Semantics) -> list[str]:
    """Engine names available for ``semantics``."""
    return sorted(ENGINES[semantics])


def _perturbations(perturbations: object) -> tuple[Perturbation, ...]:
    """The perturbations argument as a tuple, or a TypeError naming it."""
    return as_perturbations(perturbations, "find_attractors(perturbations=...)")


def _check_arguments(
    network: object,
    semantics: object,
    engine: object,
    budget: object,
    cancel: object,
) -> None:
    if not isinstance(network, BooleanNetwork):
        raise TypeError(
            "find_attractors(network): network must be a BooleanNetwork (e.g. from "
            f"load_network), not {type(network).__name__}"
        )
    if not isinstance(semantics, str):
        raise TypeError(
            f"find_attractors(semantics=...) must be a str ({', '.join(SEMANTICS)}), not "
            f"{type(semantics).__name__}"
        )
    if semantics not in SEMANTICS:
        raise ValueError(f"unknown semantics {semantics!r}; choose one of {', '.join(SEMANTICS)}")
    if not isinstance(engine, str):
        raise TypeError(f"find_attractors(engine=...) must be a str, not {type(engine).__name__}")
    if budget is not None and not isinstance(budget, Budget):
        raise TypeError(
            f"find_attractors(budget=...) must be a Budget or None, not {type(budget).__name__}"
        )
    if cancel is not None and not callable(cancel):
        raise TypeError(
            "find_attractors(cancel=...) must be a function returning True to stop, or None, "
            f"not {type(cancel).__name__}"
        )


INPUTS_HINT_FROM = 6  # free inputs from which an over-budget message names them


def _inputs_hint(network: BooleanNetwork) -> str:
    """What free inputs mean for a search over its budget: they split the state space into
    ``2**k`` closed parts, each with an attractor at least (``_portfolio.min_attractors``);
    empty below :data:`INPUTS_HINT_FROM` of them."""
    free = free_inputs(network)
    if len(free) < INPUTS_HINT_FROM:
        return ""
    shown = listed(free)
    return (
        f"{network.name} has {len(free)} free inputs ({shown}): at least "
        f"{_portfolio.min_attractors(network):,} attractors, one or more per valuation of them. "
        "Fix some of them (CLI: --knockout / --overexpress; web app: the switches under "
        "'Inputs') to make the search small."
    )


def _size_message(what: str, nodes: int, limit: int | None) -> str:
    return (
        f"{what} has {nodes} nodes left after constant propagation, over the "
        f"size budget of {limit} nodes. Raise it (CLI: --max-nodes N; "
        "Python: Budget(max_nodes=...)) or fix more inputs."
    )


def _race_strategies(
    network: BooleanNetwork, semantics: str, engine: str, percolate: bool
) -> list[str]:
    """The job engines of one budgeted search: ``[engine]``, or two portfolio strategies to
    race when ``engine`` is ``"auto"``, the choice is unclear and a second core is free (see
    :mod:`._portfolio`)."""
    if engine != "auto" or not percolate or not _portfolio.core_free():
        return [engine]
    from ._reduce import percolate as percolate_constants

    _, target = percolate_constants(network)
    if target is None or not _portfolio.unclear(target, semantics):
        return [engine]
    return [f"auto:{strategy}" for strategy in _portfolio.rivals(target, semantics)]


def find_attractors(
    network: BooleanNetwork,
    semantics: Semantics = "asynchronous",
    *,
    perturbations: Scenario | Perturbation | Iterable[Perturbation] | None = None,
    engine: str = "auto",
    percolate: bool = True,
    budget: Budget | None = None,
    cancel: Callable[[], bool] | None = None,
    annotator: Annotator | None = None,
) -> AttractorResult:
    """Every attractor of ``network`` (exactly and completely) under ``semantics``.

    Parameters
    ----------
    network : BooleanNetwork
        The network (a network already perturbed keeps its perturbations).
    semantics : {"asynchronous", "synchronous", "most_permissive"}
        The update semantics.
    perturbations : Scenario, Perturbation or list of Perturbation, optional
        Applied first.
    engine : str
        The solver: ``"auto"`` or one of :func:`engines_for`.
    percolate : bool
        Propagate constant nodes first (default), an exact reduction (see ``_reduce``).
    budget : Budget, optional
        Bounds on the search (time, memory, nodes left after propagation, attractors kept;
        see :class:`Budget`). With a time or memory limit the whole search after the
        perturbation (propagation, the size check, the engine, trimming the result) runs in
        a warm worker process that is killed when the budget is spent.
    cancel : callable, optional
        Polled while the search runs in a worker; True stops it.
    annotator : callable, optional
        Says what the attractors mean (phenotype, flags; see :class:`Annotation`); without
        one every attractor is ``"unknown"``.
        :func:`mtor_network.analysis.phenotypes.find_attractors` (the package's public
        ``find_attractors``) passes the model file's.

    Returns
    -------
    AttractorResult
        Each attractor carries every node's value (0, 1, ``"*"`` = oscillating), its size in
        states where known, and what the registered annotator says of it (its phenotype and
        flags; :mod:`mtor_network.analysis.phenotypes` evaluates the model file's roles and
        rules). Attractors are ordered by phenotype (in the annotator's order), then
        values. With ``Budget(max_attractors=N)`` and more found, the first ``N`` by value
        code are kept and ``total`` says how many were found.

    Raises
    ------
    TypeError
        An argument of the wrong type (named in the message).
    ValueError
        An unknown semantics or engine.
    BudgetExceeded
        A limit was hit (``limit``: time, memory, size, cancel, busy), with how to raise it.
    EngineError
        The engine failed.
    """
    started = time.monotonic()
    _check_arguments(network, semantics, engine, budget, cancel)
    items = _perturbations(perturbations)
    if items:
        network = network.perturb(*items)
    name = DEFAULT_ENGINE[semantics] if engine == "auto" else engine
    if engine != "auto" and engine not in ENGINES[semantics]:
        raise ValueError(
            f"unknown engine {engine!r} for {semantics}; choose one of "
            f"{', '.join(['auto', *engines_for(semantics)])}"
        )
    what = f"the {semantics} attractor search on {network.name} ({name})"
    max_nodes = budget.max_nodes if budget is not None else None
    max_attractors = budget.max_attractors if budget is not None else None
    try:
        if (budget is not None and budget.needs_process) or cancel is not None:
            strategies = _race_strategies(network, semantics, engine, bool(percolate))
            jobs = [
                _jobs.encode_job(
                    network,
                    semantics,
                    strategy,
                    percolate=bool(percolate),
                    max_nodes=max_nodes,
                    max_attractors=max_attractors,
                    generation=_budget.generation(),
                )
                for strategy in strategies
            ]

            def run(job: bytes, stop: Callable[[], bool] | None) -> dict[str, Any]:
                return run_budgeted(
                    job,
                    budget or Budget(),
                    what=what,
                    semantics=semantics,
                    cancel=stop,
                    started=started,
                )

            reply = run(jobs[0], cancel) if len(jobs) == 1 else _portfolio.race(jobs, run, cancel)
            if reply["status"] == "size":
                raise BudgetExceeded(
                    _size_message(what, int(reply["nodes"]), max_nodes), limit="size"
                )
            found = _jobs.found_from_reply(reply)
        else:
            found = _jobs.search(
                network,
                semantics,
                engine if engine == "auto" else name,
                percolate=bool(percolate),
                max_nodes=max_nodes,
                max_attractors=max_attractors,
                memo=_MEMO,
            )
    except _jobs.TooManyNodes as exc:
        raise BudgetExceeded(_size_message(what, exc.nodes, max_nodes), limit="size") from None
    except BudgetExceeded as exc:
        hint = _inputs_hint(network) if exc.limit in ("time", "memory") else ""
        if not hint:
            raise
        raise BudgetExceeded(f"{exc} {hint}", limit=exc.limit, cancelled=exc.cancelled) from None
    except (EngineError, MtorNetworkError):
        raise
    except Exception as exc:  # an engine's own failure, wrapped with what was asked
        raise EngineError(f"{name} failed on {network.name} ({semantics}): {exc}") from exc
    scenario = Scenario(network.perturbations)
    nodes = network.node_names
    found_values = [(_jobs.values_of(nodes, code), size) for code, size in found.codes]
    if annotator is not None and not callable(annotator):
        raise TypeError(f"annotator must be a function, not {type(annotator).__name__}")
    value_maps = [values for values, _ in found_values]
    annotation = (annotator or no_annotation)(network, value_maps)
    attractors = [
        make_attractor(nodes, values, size, phenotype, flags)
        for (values, size), (phenotype, flags) in zip(
            found_values, annotation.attractors, strict=True
        )
    ]
    order = {p: i for i, p in enumerate(annotation.labels.phenotypes)}
    attractors.sort(key=lambda a: (order.get(a.phenotype, len(order)), a.code()))
    return AttractorResult(
        model=network.name,
        model_version=network.version,
        semantics=semantics,
        engine=name,
        nodes=nodes,
        perturbations=network.perturbations,
        fixed_nodes=tuple(scenario.effects().items()),
        attractors=tuple(attractors),
        model_hash=network.digest,
        total=found.total,
        labels=annotation.labels,
    )


def prime_implicants(
    network: BooleanNetwork,
    *,
    budget: Budget | None = None,
    cancel: Callable[[], bool] | None = None,
) -> dict[str, list[list[dict[str, int]]]]:
    """The prime implicants of ``network`` (:func:`mtor_network.io.primes.primes_of`), within
    ``budget``: computing them can take exponential time (the ``.primes`` export of a large
    model), so with a time or memory budget or a ``cancel`` hook they are computed in a
    killable worker, like an attractor search.

    Raises
    ------
    BudgetExceeded
        Over time or memory, cancelled, or every worker busy.
    """
    if not isinstance(network, BooleanNetwork):
        raise TypeError(f"network must be a BooleanNetwork, not {type(network).__name__}")
    if budget is not None and not isinstance(budget, Budget):
        raise TypeError(f"budget must be a Budget, not {type(budget).__name__}")
    if (budget is None or not budget.needs_process) and cancel is None:
        from ..io.primes import primes_of

        return primes_of(network)
    reply = run_budgeted(
        _jobs.encode_primes_job(network),
        budget or Budget(),
        what=f"computing the prime implicants of {network.name}",
        semantics=None,
        cancel=cancel,
    )
    primes: dict[str, list[list[dict[str, int]]]] = reply["primes"]
    return primes


__all__ = [
    "DEFAULT_ENGINE",
    "SEMANTICS",
    "Annotation",
    "Annotator",
    "Attractor",
    "AttractorResult",
    "Budget",
    "BudgetExceeded",
    "InputGroup",
    "ResultLabels",
    "Semantics",
    "clear_cache",
    "engines_for",
    "find_attractors",
    "free_inputs",
    "group_by_inputs",
    "prime_implicants",
    "set_max_workers",
    "start_workers",
]
