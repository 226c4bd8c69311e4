"""Combination screens: every combination of up to K perturbations on top of a background.

One row per combination: the perturbation, the number of attractors, the phenotype counts,
whether a proliferative / endocrine-resistant attractor remains, and the change against the
background. Work is deduplicated (one attractor search per distinct perturbed network), runs in
parallel on local cores (``ProcessPoolExecutor``) or on a Dask cluster (``scheduler=ADDRESS``).
:func:`screen` keeps the rows in memory (``ScreenResult.rows``) or hands the computation to a
:class:`ScreenSink`; :func:`mtor_network.export.screens.screen` with ``output=FILE`` passes the
journal sink of :mod:`mtor_network.export.screens`, which streams the rows to the file in the
order the combinations are enumerated, so an interrupted screen resumes where it stopped (the
meta file, the integrity checks of a resume, the lock and the Parquet / XLSX conversion live
there).

* The number of combinations is counted arithmetically, before any enumeration or attractor
  search, so ``max_combinations`` and a ``progress`` callback that raises hold from the start.
* Pool workers die with the screen (``PR_SET_PDEATHSIG`` on Linux, and a thread watching the
  parent pid), so killing a screen never leaves workers running.

>>> from mtor_network import load_network
>>> from mtor_network.analysis.screens import screen
>>> net = load_network("hr_breast_cancer")
>>> result = screen(net, targets=["MTORC1", "AKT"], order=2, workers=1, progress=False)
>>> result.rows_total
3
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import math
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar

from .._optional import require
from ..attractors import SEMANTICS, Budget, Semantics
from ..exceptions import (
    ConflictingPerturbationError,
    ScreenError,
    UnknownNameError,
)
from ..network import BooleanNetwork
from ..perturbations import Perturbation, Scenario, knockout, overexpress
from ..phenotypes import PHENOTYPES
from . import _batch
from ._batch import BatchRunner, Key, Outcome, check_workers, key_of

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

PerturbMode = Literal["knockout", "overexpress", "both"]
PERTURB_MODES: tuple[PerturbMode, ...] = ("knockout", "overexpress", "both")
SCHEMA = "mtor_network.screen/2"
"""Version 2 added the graded columns :data:`BASIN_COLUMNS`; journals of version 1 are refused
with a message saying to rerun."""
OLD_SCHEMAS = ("mtor_network.screen/1",)

#: Columns of a screen table, in order.
COLUMNS: tuple[str, ...] = (
    "perturbation",
    "size",
    "fixes",
    "attractors",
    *PHENOTYPES,
    "proliferative_fraction",
    "proliferative_basin",
    "proliferative_from_untreated",
    "has_proliferative",
    "endocrine_resistant",
    "phenotypes_gained",
    "phenotypes_lost",
    "change",
)
_INT_COLUMNS = ("size", "attractors", *PHENOTYPES)
_BOOL_COLUMNS = ("has_proliferative", "endocrine_resistant")
BASIN_COLUMNS = ("proliferative_basin", "proliferative_from_untreated")
"""Graded columns (empty where not computed): ``proliferative_basin``, the exact share of the
state space (perturbed nodes fixed, every other node free) from which every reachable attractor
is proliferative (its strong basin, :mod:`mtor_network.analysis.basins`);
``proliferative_from_untreated``, the share of the untreated cell's attractor states (the
background's; in the matrix the genotype's without drug) from which a proliferative attractor
can be reached once the perturbation is applied. With one attractor, or all or none
proliferative, both are 1 or 0 without any computation; most-permissive rows with
proliferative and other attractors are empty (basins not defined)."""

Progress = bool | Callable[[int, int], None] | None
T = TypeVar("T")


# ---- combinations -----------------------------------------------------------------------
def _target_names(network: BooleanNetwork, targets: object) -> list[str]:
    """The node names of ``targets`` ("all", a comma-separated string or a sequence of names or
    labels), deduplicated, in order; linear in the request and the model."""
    markers = {network.phenotypes.proliferation, network.phenotypes.apoptosis}
    if isinstance(targets, str):
        if targets.strip().lower() == "all":
            return [n for n in network.node_names if n not in markers]
        requested = [t.strip() for t in targets.split(",")]
    elif isinstance(targets, Sequence) and not isinstance(targets, bytes | bytearray):
        bad = next((t for t in targets if not isinstance(t, str)), None)
        if bad is not None:
            raise TypeError(
                f"targets must hold node names (str), not {type(bad).__name__} ({bad!r})"
            )
        requested = [t.strip() for t in targets]
    else:
        raise TypeError(
            "targets must be 'all', a comma-separated string or a sequence of node names, "
            f"not {type(targets).__name__}"
        )
    distinct = list(dict.fromkeys(t for t in requested if t))
    if len(distinct) > len(network.node_names):
        raise ScreenError(
            f"{len(distinct)} distinct targets given, but {network.name} has only "
            f"{len(network.node_names)} nodes"
        )
    rules = network.rules
    return list(dict.fromkeys(t if t in rules else network.resolve_node(t) for t in distinct))


def _node_items(
    network: BooleanNetwork, targets: object, perturb: object, background: Scenario
) -> tuple[list[Perturbation], list[str], list[str]]:
    """The single perturbations to combine, the targets excluded (fixed by the background),
    and the perturbations left out because a different background perturbation has their
    name (every combination with one would be contradictory)."""
    if not isinstance(perturb, str):
        raise TypeError(f"perturb must be a str, not {type(perturb).__name__}")
    if perturb not in PERTURB_MODES:
        raise ValueError(f"unknown perturb {perturb!r}; choose one of {', '.join(PERTURB_MODES)}")
    names = _target_names(network, targets)
    if not names:
        raise ScreenError("no targets given")
    fixed = background.effects()
    taken = {p.name: p for p in background.perturbations}
    excluded = [n for n in names if n in fixed]
    items: list[Perturbation] = []
    clashing: list[str] = []
    for n in names:
        if n in fixed:
            continue
        candidates = []
        if perturb in ("knockout", "both"):
            candidates.append(knockout(n))
        if perturb in ("overexpress", "both"):
            candidates.append(overexpress(n))
        for item in candidates:
            if item.name in taken and taken[item.name] != item:
                clashing.append(item.name)
            else:
                items.append(item)
    return items, excluded, clashing


def _count_by_groups(group_sizes: Iterable[int], order: int) -> int:
    """Combinations of 1..``order`` items taking at most one item from each group.

    The elementary symmetric polynomials e_1..e_order of the group sizes, by the recurrence
    e_k += e_{k-1} * m per group: linear in the number of groups, never enumerating.
    """
    e = [1] + [0] * order
    for m in group_sizes:
        for k in range(order, 0, -1):
            e[k] += e[k - 1] * m
    return sum(e[1:])


def _count_all(n: int, order: int) -> int:
    """Combinations of 1..``order`` of ``n`` items, contradictory ones included."""
    return sum(math.comb(n, k) for k in range(1, order + 1))


def _item_groups(items: Sequence[Perturbation]) -> list[int]:
    """How many of ``items`` act on each node (node screens: one or two per target)."""
    groups: dict[str, int] = {}
    for p in items:
        for node, _ in p.effects:
            groups[node] = groups.get(node, 0) + 1
    return list(groups.values())


def count_combinations(items: Sequence[Perturbation], order: int) -> tuple[int, int]:
    """``(rows, skipped)`` of a node screen over ``items`` (single-node perturbations of
    distinct targets, none fixed by the background) up to ``order``, counted arithmetically.

    ``rows``: combinations with at most one perturbation per node (each a row); ``skipped``:
    the contradictory rest (a node both knocked out and forced on). Exactly what the
    enumeration gives, in time linear in ``len(items)``.

    Parameters
    ----------
    items : sequence of Perturbation
        The perturbations combined (knockouts and/or overexpressions, one node each).
    order : int
        The largest combination.

    Returns
    -------
    tuple of int
        The number of rows and of skipped combinations.
    """
    rows = _count_by_groups(_item_groups(items), order)
    return rows, _count_all(len(items), order) - rows


class _ComboIndex:
    """Where a combination name sits among every combination of 1..order items (its colex
    rank, a bijection onto ``range(size)``), or None for a name this screen never writes."""

    def __init__(self, items: Sequence[Perturbation], order: int) -> None:
        self.items = list(items)
        self.position = {p.name: i for i, p in enumerate(self.items)}
        self.nodes = [p.effects[0][0] for p in self.items]
        self.order = order
        n = len(self.items)
        self.offsets = [0]
        for k in range(1, order + 1):
            self.offsets.append(self.offsets[-1] + math.comb(n, k))
        self.size = self.offsets[-1]

    def locate(self, name: str) -> tuple[int, tuple[int, ...]] | None:
        parts = name.split(" + ")
        if not 1 <= len(parts) <= self.order:
            return None
        indices: list[int] = []
        for part in parts:
            i = self.position.get(part)
            if i is None or (indices and i <= indices[-1]):
                return None
            indices.append(i)
        if len({self.nodes[i] for i in indices}) != len(indices):
            return None  # contradictory: skipped, never a row
        rank = self.offsets[len(indices) - 1]
        rank += sum(math.comb(c, j + 1) for j, c in enumerate(indices))
        return rank, tuple(indices)

    def order_key(self, indices: tuple[int, ...]) -> int:
        """An integer sorting as the enumeration does: by size, then lexicographically."""
        n = len(self.items) + 1
        key = len(indices)
        for j in range(self.order):
            key = key * n + (indices[j] + 1 if j < len(indices) else 0)
        return key

    def tag(self, indices: tuple[int, ...]) -> tuple[str, int, str]:
        combo = [self.items[i] for i in indices]
        return combination_name(combo), len(combo), _fixes(combo)


class _Seen:
    """A set of ranks below ``size``: a bitmap when it fits in 64 MB, else a Python set."""

    def __init__(self, size: int) -> None:
        self.bits = bytearray((size + 7) // 8) if size <= 1 << 29 else None
        self.items: set[int] = set()

    def __contains__(self, rank: int) -> bool:
        if self.bits is None:
            return rank in self.items
        return bool(self.bits[rank >> 3] & (1 << (rank & 7)))

    def add(self, rank: int) -> None:
        if self.bits is None:
            self.items.add(rank)
        else:
            self.bits[rank >> 3] |= 1 << (rank & 7)


def _combinations(
    background: Scenario, items: Sequence[Perturbation], order: int
) -> Iterator[tuple[tuple[Perturbation, ...], Scenario | None]]:
    """Every combination of 1..order items with its scenario (None when contradictory)."""
    for k in range(1, order + 1):
        for combo in itertools.combinations(items, k):
            nodes = [
                n for p in combo if p.kind in ("knockout", "overexpress") for n, _ in p.effects
            ]
            if len(nodes) != len(set(nodes)):
                yield combo, None
                continue
            try:
                yield combo, Scenario(background.perturbations + combo)
            except ConflictingPerturbationError:
                yield combo, None


def combination_name(combo: Iterable[Perturbation]) -> str:
    """The row key of a combination, e.g. ``AKT_ko + MTORC1_ko``."""
    return " + ".join(p.name for p in combo)


def _fixes(combo: Iterable[Perturbation]) -> str:
    return ", ".join(f"{n}={int(v)}" for p in combo for n, v in p.effects)


def change_text(outcome: Outcome, background: Outcome) -> str:
    """How ``outcome`` differs from the background, in words."""
    parts = []
    if background.has_proliferative and not outcome.has_proliferative:
        parts.append("proliferation removed")
    elif outcome.has_proliferative and not background.has_proliferative:
        parts.append("proliferation gained")
    if background.endocrine_resistant and not outcome.endocrine_resistant:
        parts.append("resistance removed")
    elif outcome.endocrine_resistant and not background.endocrine_resistant:
        parts.append("resistance gained")
    if not parts:
        if outcome.phenotypes != background.phenotypes:
            parts.append("phenotypes changed")
        elif outcome.counts != background.counts:
            parts.append("attractor counts changed")
        else:
            parts.append("unchanged")
    return "; ".join(parts)


@dataclass(frozen=True)
class Graded:
    """The graded values of a row (:data:`BASIN_COLUMNS`; None: not computed or not
    defined)."""

    proliferative_basin: float | None
    proliferative_from_untreated: float | None


def determined(outcome: Outcome) -> Graded | None:
    """The graded values the counts alone decide: every attractor proliferative (1) or none
    (0; also with no attractor held); None when they must be computed."""
    proliferative = outcome.counts[0]
    if proliferative == 0:
        return Graded(0.0, 0.0)
    if proliferative == outcome.attractors:
        return Graded(1.0, 1.0)
    return None


def graded_problem(outcome: Outcome, graded: Graded) -> str:
    """What is wrong with graded values for ``outcome`` ('' if nothing)."""
    fixed = determined(outcome)
    if fixed is not None and graded != fixed:
        return f"the graded values {graded} contradict the attractor counts (expected {fixed})"
    for name in BASIN_COLUMNS:
        value = getattr(graded, name)
        if value is not None and not (isinstance(value, float) and 0.0 <= value <= 1.0):
            return f"{name} is {value!r}, not a fraction between 0 and 1"
    return ""


def graded_of(
    network: BooleanNetwork,
    semantics: Semantics,
    key: Key,
    reference: Key | None,
    outcome: Outcome,
    budget: Budget | None = None,
) -> Graded:
    """The graded values of the setting ``key`` (the reference key: the untreated setting).

    Parameters
    ----------
    network : BooleanNetwork
        The screened network (its base is perturbed).
    semantics : str
        The update semantics.
    key, reference : Key
        The fixed node values (and tags) of the row and of its untreated setting.
    outcome : Outcome
        The row's attractor counts (which may decide the values without computation).
    budget : Budget, optional
        Bounds the basin computation (over it: the values are None).

    Returns
    -------
    Graded
    """
    fixed = determined(outcome)
    if fixed is not None:
        return fixed
    from ..attractors import BudgetExceeded
    from .basins import outcomes

    effects, tags = key
    perturbations = (
        [Perturbation("screen", "drug", effects, tags=frozenset(tags))] if effects else []
    )
    ref: tuple[Perturbation, ...] = ()
    if reference is not None and reference[0]:
        ref = (Perturbation("untreated", "environment", reference[0]),)
    try:
        graded = outcomes(
            network.base, perturbations, semantics=semantics, reference=ref, budget=budget
        )
    except BudgetExceeded as exc:
        where = ", ".join(f"{k}={int(v)}" for k, v in effects) or "no perturbation"
        raise ScreenError(
            f"the screen stopped at {where}: {exc} (screen: --network-timeout SECONDS; the "
            "rows so far are kept and a rerun resumes)"
        ) from None
    if not graded.computed:
        return Graded(None, None)
    phenotype = graded.phenotype(PHENOTYPES[0])
    return Graded(phenotype.basin, phenotype.reference_share)


def make_row(
    name: str,
    size: int,
    fixes: str,
    outcome: Outcome,
    background: Outcome,
    graded: Graded | None = None,
) -> dict[str, Any]:
    """One table row (see :data:`COLUMNS`); ``graded`` gives :data:`BASIN_COLUMNS` (default:
    what the counts decide, else empty)."""
    values = graded or determined(outcome) or Graded(None, None)
    return {
        "perturbation": name,
        "size": size,
        "fixes": fixes,
        "attractors": outcome.attractors,
        **outcome.phenotype_counts,
        "proliferative_fraction": round(outcome.proliferative_fraction, 6),
        "proliferative_basin": values.proliferative_basin,
        "proliferative_from_untreated": values.proliferative_from_untreated,
        "has_proliferative": outcome.has_proliferative,
        "endocrine_resistant": outcome.endocrine_resistant,
        "phenotypes_gained": ";".join(
            p for p in PHENOTYPES if p in outcome.phenotypes - background.phenotypes
        ),
        "phenotypes_lost": ";".join(
            p for p in PHENOTYPES if p in background.phenotypes - outcome.phenotypes
        ),
        "change": change_text(outcome, background),
    }


# ---- settings -----------------------------------------------------------------------------
def model_hash(network: BooleanNetwork) -> str:
    """The network's :attr:`~mtor_network.network.BooleanNetwork.digest` (SHA-256, 16 hex
    digits, of the unperturbed rules sorted by node); kept as the screen's older name."""
    return network.digest


@dataclass(frozen=True)
class ScreenSettings:
    """What a screen's rows depend on; stored next to the output and checked on resume."""

    model: str
    model_hash: str
    background: tuple[str, ...]
    background_fixes: tuple[tuple[str, bool], ...]
    semantics: Semantics
    order: int
    perturb: str
    targets: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "model_hash": self.model_hash,
            "background": list(self.background),
            "background_fixes": {k: int(v) for k, v in self.background_fixes},
            "semantics": self.semantics,
            "order": self.order,
            "perturb": self.perturb,
            "targets": list(self.targets),
        }


@dataclass(frozen=True)
class ScreenResult:
    """What a screen did. ``rows`` holds the rows only when no output file was given."""

    settings: ScreenSettings
    background: Outcome
    output: Path | None
    rows_total: int
    rows_resumed: int
    networks_evaluated: int
    skipped: tuple[str, ...]
    excluded_targets: tuple[str, ...]
    complete: bool
    rows: tuple[dict[str, Any], ...] | None = field(default=None, repr=False)
    #: what a resume found wrong in the file and repaired (file and line of each dropped row)
    repairs: tuple[str, ...] = ()
    rows_dropped: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "settings": self.settings.to_dict(),
            "background": self.background.to_dict(),
            "output": str(self.output) if self.output else None,
            "rows": self.rows_total,
            "rows_resumed": self.rows_resumed,
            "networks_evaluated": self.networks_evaluated,
            "skipped": list(self.skipped),
            "excluded_targets": list(self.excluded_targets),
            "complete": self.complete,
            "repairs": list(self.repairs),
            "rows_dropped": self.rows_dropped,
        }


def _as_scenario(background: object, argument: str = "background") -> Scenario:
    if background is None:
        return Scenario()
    if isinstance(background, Scenario):
        return background
    if isinstance(background, Perturbation):
        return Scenario((background,))
    if isinstance(background, Iterable) and not isinstance(background, str | bytes | Mapping):
        items = tuple(background)
        bad = next((p for p in items if not isinstance(p, Perturbation)), None)
        if bad is None:
            return Scenario(items)
        raise TypeError(
            f"{argument} must hold Perturbation objects, not {type(bad).__name__} ({bad!r})"
        )
    raise TypeError(
        f"{argument} must be a Scenario, a Perturbation, an iterable of them or None, not "
        f"{type(background).__name__}"
    )


def _check_network(network: object) -> None:
    if not isinstance(network, BooleanNetwork):
        raise TypeError(f"network must be a BooleanNetwork, not {type(network).__name__}")


def _check_int(value: object, argument: str, *, minimum: int, none: bool = True) -> None:
    """``value`` is an int (not a bool) of at least ``minimum``, or None if ``none``."""
    if value is None and none:
        return
    if not isinstance(value, int) or isinstance(value, bool):
        allowed = "an int or None" if none else "an int"
        raise TypeError(f"{argument} must be {allowed}, not {type(value).__name__} ({value!r})")
    if value < minimum:
        raise ValueError(f"{argument} must be at least {minimum}, not {value}")


def _check_progress(progress: object) -> None:
    if progress is not None and not isinstance(progress, bool) and not callable(progress):
        raise TypeError(
            f"progress must be True, False, None or a callable (done, total), not "
            f"{type(progress).__name__}"
        )


def _check_order(order: object, argument: str = "order") -> None:
    if not isinstance(order, int) or isinstance(order, bool):
        raise TypeError(f"{argument} must be an int (1, 2 or 3), not {type(order).__name__} "
                        f"({order!r})")  # fmt: skip
    if not 1 <= order <= 3:
        raise ScreenError(f"{argument} must be 1, 2 or 3, not {order!r}")


def _check_semantics(semantics: object) -> None:
    if not isinstance(semantics, str):
        raise TypeError(f"semantics must be a str, not {type(semantics).__name__}")
    if semantics not in SEMANTICS:
        raise ValueError(f"unknown semantics {semantics!r}; choose one of {', '.join(SEMANTICS)}")


def _check_budget(budget: object) -> None:
    if budget is not None and not isinstance(budget, Budget):
        raise TypeError(f"budget must be a Budget or None, not {type(budget).__name__}")


def _over_budget(total: int, what: str, max_combinations: int | None) -> None:
    if max_combinations is not None and total > max_combinations:
        raise ScreenError(
            f"{total} {what} are over the size budget of {max_combinations}; choose fewer "
            "targets or a lower order, or raise it (CLI: --max-combinations N; Python: "
            "max_combinations=N)"
        )


# ---- progress -------------------------------------------------------------------------------
class _Progress:
    """A tqdm bar on stderr (``progress=True``) or calls of ``progress(done, total)``.

    :meth:`begin` reports ``(0, total)`` before any search, so a callback that raises (a time
    budget) holds from the start; :meth:`resume` starts the bar at the rows already there.
    """

    def __init__(self, progress: Progress, total: int, what: str) -> None:
        self.callback: Callable[[int, int], None] | None = None
        self.wanted = bool(progress) and not callable(progress)
        self.bar: Any = None
        self.total = total
        self.done = 0
        self.what = what
        if callable(progress):
            self.callback = progress

    def begin(self) -> None:
        if self.callback is not None:
            self.callback(0, self.total)

    def resume(self, done: int) -> None:
        self.done = done
        if self.wanted and self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(
                total=self.total, initial=done, unit=self.what, file=sys.stderr, leave=True
            )
        if done and self.callback is not None:
            self.callback(done, self.total)

    def update(self, n: int) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
        if self.callback is not None:
            self.callback(self.done, self.total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


# ---- the screen ----------------------------------------------------------------------------
def screen(
    network: BooleanNetwork,
    *,
    background: Scenario | Perturbation | Iterable[Perturbation] | None = None,
    targets: str | Sequence[str] = "all",
    order: int = 1,
    perturb: PerturbMode = "knockout",
    semantics: Semantics = "asynchronous",
    workers: int | None = None,
    scheduler: str | None = None,
    sink: ScreenSink | None = None,
    progress: Progress = True,
    batch_size: int | None = None,
    budget: Budget | None = None,
    max_combinations: int | None = None,
) -> ScreenResult:
    """Screen every combination of 1..``order`` node perturbations on top of ``background``.

    ``targets`` is ``"all"`` (every node but the phenotype read-outs), a list of node names or
    labels, or a comma-separated string; ``perturb`` says whether targets are knocked out, forced
    on, or both. Targets the background fixes are excluded (``excluded_targets``); combinations
    that knock out and force on the same node are skipped (``skipped``). One row per combination
    (see :data:`COLUMNS`), kept in ``result.rows``; with a ``sink``
    (:class:`ScreenSink`) the rows go where it puts them instead.
    :func:`mtor_network.export.screens.screen` takes ``output=FILE`` (.csv, .parquet, .xlsx):
    rows written as they are computed, a rerun resumes, the file is locked while it is written.

    ``workers``: processes on this machine (None: all cores; 1: inline); ``scheduler``: address of
    a Dask scheduler to run on instead. ``progress``: True for a bar on stderr, or a callable
    ``(done, total)``, called with ``(0, total)`` before any search; an exception raised by the
    callable stops the screen, keeping every row already written. ``budget`` bounds each
    attractor search (see :class:`Budget`); a search over it stops the screen with a
    :class:`ScreenError`, keeping the rows written; more than ``max_combinations``
    combinations (counted arithmetically) are refused before any enumeration or search.

    Raises
    ------
    TypeError
        An argument of the wrong type (the message names it).
    ValueError
        An unknown ``perturb`` or ``semantics``, ``workers`` below 1, ...
    ScreenError
        A request that cannot run: over ``max_combinations``, a sink refusing its output, ...
    """
    _check_network(network)
    _check_order(order)
    _check_semantics(semantics)
    check_workers(workers, scheduler)
    _check_progress(progress)
    _check_int(batch_size, "batch_size", minimum=1)
    _check_budget(budget)
    _check_int(max_combinations, "max_combinations", minimum=0)
    bg = _as_scenario(background)
    fixed = bg.effects()
    bg.apply(network)  # unknown nodes in the background fail here, before any work
    items, excluded, clashing = _node_items(network, targets, perturb, bg)
    settings = ScreenSettings(
        model=network.name,
        model_hash=model_hash(network),
        background=bg.names,
        background_fixes=tuple(fixed.items()),
        semantics=semantics,
        order=order,
        perturb=perturb,
        targets=tuple(dict.fromkeys(n for p in items for n, _ in p.effects)),
    )
    return _run_screen(
        network,
        settings,
        bg,
        items,
        excluded,
        workers=workers,
        scheduler=scheduler,
        sink=sink,
        progress=progress,
        batch_size=batch_size,
        budget=budget,
        max_combinations=max_combinations,
        clashing=clashing,
    )


def _skipped_names(items: Sequence[Perturbation], order: int) -> Iterator[str]:
    """The contradictory combinations (two perturbations of one node), in enumeration order;
    called only when :func:`count_combinations` says there are some."""
    nodes = {p.name: p.effects[0][0] for p in items}
    for k in range(2, order + 1):
        for combo in itertools.combinations(items, k):
            touched = [nodes[p.name] for p in combo]
            if len(set(touched)) != len(touched):
                yield combination_name(combo)


def settings_digest(settings: Mapping[str, Any]) -> str:
    """SHA-256 of a screen's settings (as :meth:`ScreenSettings.to_dict`), canonical JSON."""
    text = json.dumps(settings, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


#: A combination to compute: its (name, size, fixes) tag and the key of its network.
Job = tuple[tuple[str, int, str], Key]


class ScreenSink(Protocol):
    """Where a screen with an output file puts its rows (resume, lock, journal, conversion):
    :class:`mtor_network.export.screens.JournalSink`, which ``export.screens.screen(...,
    output=...)`` passes. Without a sink the rows stay in memory (``ScreenResult.rows``)."""

    path: Path

    def check(self) -> None:
        """Refuse the output before any search (an unknown suffix, ...)."""

    def run(self, run: ScreenRun) -> ScreenResult:
        """Compute the rows ``run`` still needs into the file and return the result."""


@dataclass(frozen=True, eq=False)
class ScreenRun:
    """A screen ready to compute, handed to a :class:`ScreenSink`: the settings, the
    combinations (:meth:`jobs`, in enumeration order), the batch runner and the progress bar."""

    network: BooleanNetwork
    settings: ScreenSettings
    background: Scenario
    items: tuple[Perturbation, ...]
    excluded: tuple[str, ...]
    skipped: tuple[str, ...]
    total: int
    runner: BatchRunner
    bar: _Progress
    budget: Budget | None = None

    def jobs(self) -> Iterator[Job]:
        """Every combination's tag and network key, in enumeration order."""
        network = self.network
        for combo, sc in _combinations(self.background, self.items, self.settings.order):
            if sc is not None:
                yield (combination_name(combo), len(combo), _fixes(combo)), key_of(sc, network)

    def background_outcome(self) -> Outcome:
        """The attractors of the background alone (what every row is compared with)."""
        key = key_of(self.background, self.network)
        return _batch.evaluate(self.network, self.settings.semantics, key, self.budget)

    def graded(self, key: Key, outcome: Outcome) -> Graded:
        """The graded values of the combination ``key`` (the background is the untreated
        setting), computed in this process where the counts do not decide them."""
        cache: dict[Key, Graded] = self.__dict__.setdefault("_graded", {})
        if key not in cache:
            reference = key_of(self.background, self.network)
            cache[key] = graded_of(
                self.network, self.settings.semantics, key, reference, outcome, self.budget
            )
        return cache[key]

    def rows(
        self, chunk: Iterable[tuple[Job, Outcome]], background: Outcome
    ) -> list[dict[str, Any]]:
        """The rows of a chunk of :meth:`jobs` with their outcomes."""
        return [
            make_row(n, s, f, o, background, self.graded(key, o)) for ((n, s, f), key), o in chunk
        ]

    def mapped(self, jobs: Iterable[Job]) -> Iterator[list[tuple[Job, Outcome]]]:
        """``runner.map`` of ``jobs``, each outcome paired with its whole job."""
        return self.runner.map((job, job[1]) for job in jobs)

    def result(
        self,
        resumed: int,
        rows: tuple[dict[str, Any], ...] | None,
        background: Outcome,
        *,
        output: Path | None = None,
        repairs: Sequence[str] = (),
        dropped: int = 0,
    ) -> ScreenResult:
        """The :class:`ScreenResult` of this run (complete)."""
        return ScreenResult(
            settings=self.settings,
            background=background,
            output=output,
            rows_total=self.total,
            rows_resumed=resumed,
            networks_evaluated=self.runner.evaluated,
            skipped=self.skipped,
            excluded_targets=self.excluded,
            complete=True,
            rows=rows,
            repairs=tuple(repairs),
            rows_dropped=dropped,
        )


def _run_screen(
    network: BooleanNetwork,
    settings: ScreenSettings,
    bg: Scenario,
    items: Sequence[Perturbation],
    excluded: Sequence[str],
    *,
    workers: int | None,
    scheduler: str | None,
    sink: ScreenSink | None,
    progress: Progress,
    batch_size: int | None,
    budget: Budget | None = None,
    max_combinations: int | None = None,
    clashing: Sequence[str] = (),
) -> ScreenResult:
    order = settings.order
    total, n_skipped = count_combinations(items, order)
    _over_budget(
        total,
        f"combinations ({len(items)} target perturbations, order {order})",
        max_combinations,
    )
    if sink is not None:
        sink.check()
    bar = _Progress(progress, total, "comb")
    try:
        bar.begin()  # may raise (a time budget): before any enumeration or search
        skipped = (*clashing, *(_skipped_names(items, order) if n_skipped else ()))
        with BatchRunner(
            network,
            settings.semantics,
            workers=workers,
            scheduler=scheduler,
            batch_size=batch_size,
            expected=total,
            budget=budget,
        ) as runner:
            run = ScreenRun(
                network,
                settings,
                bg,
                tuple(items),
                tuple(excluded),
                tuple(skipped),
                total,
                runner,
                bar,
                budget,
            )
            if sink is not None:
                return sink.run(run)
            background_outcome = run.background_outcome()
            bar.resume(0)
            kept: list[dict[str, Any]] = []
            for chunk in run.mapped(run.jobs()):
                kept.extend(run.rows(chunk, background_outcome))
                bar.update(len(chunk))
            return run.result(0, tuple(kept), background_outcome)
    finally:
        bar.close()


# ---- drug x genotype matrix -------------------------------------------------------------------
WILD_TYPE = "wild_type"
NO_DRUG = "none"
MATRIX_COLUMNS: tuple[str, ...] = ("genotype", "treatment", *COLUMNS)


@dataclass(frozen=True)
class MatrixResult:
    """Every registered drug (and pair) against every genotype (and the wild type)."""

    model: str
    semantics: Semantics
    genotypes: tuple[str, ...]
    treatments: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]
    networks_evaluated: int

    def value(self, genotype: str, treatment: str, column: str) -> Any:
        for row in self.rows:
            if row["genotype"] == genotype and row["treatment"] == treatment:
                return row[column]
        raise KeyError((genotype, treatment))

    def to_frame(self) -> pd.DataFrame:
        """The table as a pandas DataFrame; needs pandas (extra ``pandas``)."""
        pd = require("pandas", extra="pandas", what="MatrixResult.to_frame()")
        return pd.DataFrame.from_records(list(self.rows), columns=list(MATRIX_COLUMNS))


def _registered(
    registry: Mapping[str, Perturbation], names: object, kind: str, argument: str
) -> list[Perturbation]:
    """The registered perturbations named (exactly, or case- and separator-insensitively),
    deduplicated; every registered one when ``names`` is None."""
    if names is None:
        return list(registry.values())
    if isinstance(names, str) or not isinstance(names, Sequence):
        raise TypeError(
            f"{argument} must be a sequence of {kind} names or None, not {type(names).__name__}"
        )
    chosen: dict[str, Perturbation] = {}
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"{argument} must hold {kind} names (str), not {type(name).__name__}")
        key = name if name in registry else name.strip().lower().replace("-", "_")
        key = key if key in registry else key.replace(" ", "_")
        if key not in registry:
            raise UnknownNameError(kind, name, registry)
        chosen.setdefault(key, registry[key])
    return list(chosen.values())


def drug_genotype_matrix(
    network: BooleanNetwork,
    *,
    pairs: bool = True,
    drugs: Sequence[str] | None = None,
    genotypes: Sequence[str] | None = None,
    environment: Scenario | Iterable[Perturbation] | None = None,
    semantics: Semantics = "asynchronous",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress = False,
    max_combinations: int | None = None,
) -> MatrixResult:
    """Every registered drug, and with ``pairs`` every drug pair, in every registered genotype
    and the wild type (plus "none", no drug).

    Rows carry ``genotype`` and ``treatment`` before the :data:`COLUMNS`; the change is
    against the same genotype without drug. Drugs with the same effect share one attractor
    search. ``drugs`` / ``genotypes`` choose among the registered ones (names as in the model,
    case and ``-``/space insensitive). ``progress(done, total)`` is called with ``(0, total)``
    before any search; more than ``max_combinations`` rows are refused before any search.

    Raises
    ------
    TypeError
        An argument of the wrong type (the message names it).
    UnknownNameError
        A drug or genotype the model does not register.
    ScreenError
        Over ``max_combinations``.
    """
    _check_network(network)
    if not isinstance(pairs, bool):
        raise TypeError(f"pairs must be True or False, not {type(pairs).__name__}")
    _check_semantics(semantics)
    check_workers(workers, scheduler)
    _check_progress(progress)
    _check_int(max_combinations, "max_combinations", minimum=0)
    env = _as_scenario(environment, "environment")
    drug_items = _registered(network.drugs, drugs, "drug", "drugs")
    geno_chosen = _registered(network.genotypes, genotypes, "genotype", "genotypes")
    geno_names = [g.name for g in geno_chosen]
    geno_items: list[Perturbation | None] = [None, *geno_chosen]
    order = 2 if pairs else 1
    # rows examined (contradictory pairs included): arithmetic, before any enumeration
    examined = len(geno_items) * (1 + _count_all(len(drug_items), order))
    what = (
        f"drug x genotype combinations ({len(drug_items)} drugs{' and pairs' if pairs else ''}"
        f" in {len(geno_items)} genotypes)"
    )
    if max_combinations is not None and examined > 4 * max(max_combinations, 1):
        _over_budget(examined, what, max_combinations)  # enumerating would cost too much

    def jobs() -> Iterator[tuple[tuple[str, str, int, str], Key]]:
        for g in geno_items:
            bg = env | g if g is not None else env
            gname = g.name if g is not None else WILD_TYPE
            yield (gname, NO_DRUG, 0, ""), key_of(bg, network)
            for combo, sc in _combinations(bg, drug_items, order):
                if sc is not None:
                    yield (
                        (gname, combination_name(combo), len(combo), _fixes(combo)),
                        key_of(sc, network),
                    )

    total = sum(1 for _ in jobs())  # at most 4 x max_combinations Scenario checks
    _over_budget(total, what, max_combinations)
    treatments = [NO_DRUG] + [
        combination_name(c)
        for k in range(1, order + 1)
        for c in itertools.combinations(drug_items, k)
    ]
    rows: list[dict[str, Any]] = []
    baselines: dict[str, Outcome] = {}
    baseline_keys: dict[str, Key] = {}  # each genotype's untreated setting (no drug)
    bar = _Progress(progress, total, "comb")
    try:
        bar.begin()
        bar.resume(0)
        with BatchRunner(
            network, semantics, workers=workers, scheduler=scheduler, expected=total
        ) as runner:
            for chunk in runner.map(((tag, key), key) for tag, key in jobs()):
                for ((gname, treatment, size, fixes), key), outcome in chunk:
                    base = baselines.setdefault(gname, outcome)
                    reference = baseline_keys.setdefault(gname, key)
                    graded = graded_of(network, semantics, key, reference, outcome)
                    row = make_row(treatment, size, fixes, outcome, base, graded)
                    rows.append({"genotype": gname, "treatment": treatment, **row})
                bar.update(len(chunk))
            evaluated = runner.evaluated
    finally:
        bar.close()
    used = {r["treatment"] for r in rows}
    present = [t for t in treatments if t in used]
    return MatrixResult(
        model=network.name,
        semantics=semantics,
        genotypes=(WILD_TYPE, *geno_names),
        treatments=tuple(present),
        rows=tuple(rows),
        networks_evaluated=evaluated,
    )


# ---- names other analyses use (control.py): the screen's argument checks and helpers ------
as_scenario = _as_scenario
check_int = _check_int
check_network = _check_network
check_progress = _check_progress
check_semantics = _check_semantics
node_items = _node_items
over_budget = _over_budget
ProgressBar = _Progress
registered = _registered

__all__ = [
    "BASIN_COLUMNS",
    "COLUMNS",
    "MATRIX_COLUMNS",
    "PERTURB_MODES",
    "BatchRunner",
    "Graded",
    "Key",
    "MatrixResult",
    "Outcome",
    "ProgressBar",
    "ScreenError",
    "ScreenResult",
    "ScreenRun",
    "ScreenSettings",
    "ScreenSink",
    "as_scenario",
    "change_text",
    "check_int",
    "check_network",
    "check_progress",
    "check_semantics",
    "check_workers",
    "combination_name",
    "count_combinations",
    "determined",
    "drug_genotype_matrix",
    "graded_of",
    "graded_problem",
    "key_of",
    "make_row",
    "model_hash",
    "node_items",
    "over_budget",
    "registered",
    "screen",
    "settings_digest",
]
