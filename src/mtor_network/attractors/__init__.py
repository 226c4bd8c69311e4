"""Attractors of Boolean networks: one entry point, engines as strategies.

=================  ==============================================  ==========================
semantics          default engine                                  second opinion
=================  ==============================================  ==========================
asynchronous       ``aeon``: biodivine-aeon symbolic SCC search    ``pyboolnet`` (NuSMV)
synchronous        ``aeon``: symbolic image iteration on AEON BDDs ``pyboolnet`` (NuSMV)
most_permissive    ``mpbn``: minimal trap spaces by clingo ASP     ``aeon``, ``pyboolnet``
=================  ==============================================  ==========================
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from ..exceptions import EngineError, MtorNetworkError
from ..network import BooleanNetwork
from ..perturbations import Perturbation, Scenario
from ..phenotypes import PHENOTYPES, classify
from . import _reduce
from ._budget import Budget, BudgetExceeded, run_budgeted
from ._types import SEMANTICS, Attractor, AttractorResult, Semantics, make_attractor

RawAttractor = tuple[dict, int | None]


def _engine(semantics: str, name: str) -> Callable[[BooleanNetwork], list[RawAttractor]]:
    """The engine function; each engine's library is imported only when it is used."""
    if name == "aeon":
        from . import _aeon

        return {
            "asynchronous": _aeon.asynchronous,
            "synchronous": _aeon.synchronous,
            "most_permissive": _aeon.minimal_trap_spaces,
        }[semantics]
    if name == "mpbn":
        from . import _mpbn

        return _mpbn.most_permissive
    from . import _pyboolnet

    if semantics == "most_permissive":
        return _pyboolnet.minimal_trap_spaces
    return lambda network: _pyboolnet.attractors(network, semantics)


ENGINES: dict[str, tuple[str, ...]] = {
    "asynchronous": ("aeon", "pyboolnet"),
    "synchronous": ("aeon", "pyboolnet"),
    "most_permissive": ("mpbn", "aeon", "pyboolnet"),
}


DEFAULT_ENGINE: dict[str, str] = {
    "asynchronous": "aeon",
    "synchronous": "aeon",
    "most_permissive": "mpbn",
}


# Attractors of the network left after constant propagation, by its exact rules: perturbations
# whose residual networks coincide (frequent in screens: a knockout upstream of another) share
# one engine run. A pure function's cache, bounded.
_MEMO: OrderedDict[tuple[str, str, str], list[RawAttractor]] = OrderedDict()
MEMO_SIZE = 4096


_MEMO_LOCK = threading.Lock()


def _remember(key: tuple[str, str, str], raw: list[RawAttractor]) -> None:
    with _MEMO_LOCK:
        _MEMO[key] = raw
        _MEMO.move_to_end(key)
        while len(_MEMO) > MEMO_SIZE:
            _MEMO.popitem(last=False)


def _needs_child(budget: Budget | None, cancel: Callable[[], bool] | None, size: int) -> bool:
    """A budget or a cancel hook needs the killable child process, except for networks small
    enough (``Budget.inline_below``) to answer at once."""
    if budget is not None and size <= budget.inline_below:
        return False
    return (budget is not None and budget.needs_process) or cancel is not None


def clear_cache() -> None:
    """Forget the attractors remembered for residual networks (e.g. to time an engine)."""
    with _MEMO_LOCK:
        _MEMO.clear()


def engines_for(semantics: Semantics) -> list[str]:
    """Engine names available for ``semantics``."""
    return sorted(ENGINES[semantics])


def find_attractors(
    network: BooleanNetwork,
    semantics: Semantics = "asynchronous",
    *,
    perturbations: Scenario | Perturbation | None = None,
    engine: str = "auto",
    percolate: bool = True,
    budget: Budget | None = None,
    cancel: Callable[[], bool] | None = None,
) -> AttractorResult:
    """Every attractor of ``network`` (exactly and completely) under ``semantics``.

    ``perturbations`` (optional) are applied first; a network already perturbed keeps its
    perturbations. Each attractor carries every node's value (0, 1, ``"*"`` = oscillating), its
    size in states where known, and its phenotype (and whether it is endocrine-resistant, i.e.
    proliferative under endocrine therapy). Attractors are ordered by phenotype, then values.

    ``engine`` picks the solver (``"auto"`` or one of :func:`engines_for`); with ``percolate``
    (default) constant nodes are propagated first, an exact reduction (see ``_reduce``).

    ``budget`` bounds the search (time, memory, nodes left after propagation; see
    :class:`Budget`) and ``cancel`` (polled) stops it; either runs the engine in a child
    process that is killed when the budget is spent, raising :class:`BudgetExceeded` with what
    limit was hit and how to raise it. Without them the engine runs in this process.
    """
    if semantics not in SEMANTICS:
        raise ValueError(f"unknown semantics {semantics!r}; choose one of {', '.join(SEMANTICS)}")
    if perturbations is not None:
        items = (
            (perturbations,) if isinstance(perturbations, Perturbation) else tuple(perturbations)
        )
        network = network.perturb(*items)
    name = DEFAULT_ENGINE[semantics] if engine == "auto" else engine
    if name not in ENGINES[semantics]:
        raise ValueError(
            f"unknown engine {engine!r} for {semantics}; choose one of "
            f"{', '.join(['auto', *engines_for(semantics)])}"
        )
    constants: dict[str, bool] = {}
    target: BooleanNetwork | None = network
    if percolate:
        constants, target = _reduce.percolate(network)
    what = f"the {semantics} attractor search on {network.name} ({name})"
    limit = budget.max_nodes if budget is not None else None
    if limit is not None and target is not None and len(target) > limit:
        raise BudgetExceeded(
            f"{what} has {len(target)} nodes left after constant propagation, over the "
            f"size budget of {limit} nodes. Raise it (CLI: --max-nodes N; "
            "Python: Budget(max_nodes=...)) or fix more inputs.",
            limit="size",
        )
    try:
        if target is None:
            raw: list[RawAttractor] = [({}, 1)]
        else:
            from ._aeon import engine_bnet

            text = engine_bnet(target)
            memo_key = (semantics, name, text)
            with _MEMO_LOCK:
                known = _MEMO.get(memo_key)
            if known is not None:
                raw = known
            elif _needs_child(budget, cancel, len(target)):
                raw = run_budgeted(
                    text, semantics, name, budget or Budget(), what=what, cancel=cancel
                )
            else:
                raw = _engine(semantics, name)(target)
            _remember(memo_key, raw)
    except (EngineError, MtorNetworkError):
        raise
    except Exception as exc:  # an engine's own failure, wrapped with what was asked
        raise EngineError(f"{name} failed on {network.name} ({semantics}): {exc}") from exc
    scenario = Scenario(network.perturbations)
    endocrine = scenario.endocrine
    nodes = network.node_names
    attractors = []
    for partial, size in raw:
        values = {**{k: int(v) for k, v in constants.items()}, **partial}
        pheno = classify(values, network.phenotypes)
        attractors.append(make_attractor(nodes, values, size, pheno, endocrine))
    order = {p: i for i, p in enumerate(PHENOTYPES)}
    attractors.sort(key=lambda a: (order[a.phenotype], a.code()))
    return AttractorResult(
        model=network.name,
        model_version=network.version,
        semantics=semantics,
        engine=name,
        nodes=nodes,
        perturbations=network.perturbations,
        fixed_nodes=tuple(scenario.effects().items()),
        endocrine_therapy=endocrine,
        attractors=tuple(attractors),
        model_hash=network.digest,
    )


__all__ = [
    "DEFAULT_ENGINE",
    "SEMANTICS",
    "Attractor",
    "AttractorResult",
    "Budget",
    "BudgetExceeded",
    "Semantics",
    "clear_cache",
    "engines_for",
    "find_attractors",
]
