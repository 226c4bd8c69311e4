"""Intervention search: the smallest sets of drugs or node perturbations that remove every
proliferative attractor in a genotype + treatment background.

The search is exact up to ``max_size``: every candidate set of size 1, then 2, ... is checked
with :func:`mtor_network.find_attractors`, except

* supersets of a set already found (they are not minimal), and
* candidates acting only on nodes with no path to the proliferation marker in the background
  network. Such a node cannot change whether a proliferative attractor exists: the marker's
  ancestors form a closed subnetwork whose dynamics do not depend on the other nodes, and the
  network's attractors project onto exactly that subnetwork's attractors.

Each solution is a minimal set (no proper subset works), and every minimal set up to
``max_size`` is found. Candidates are tried in order of their distance to the marker.

:func:`succession_controls` wraps biobalm's succession-diagram control as a second method; it
answers a narrower question (steering among the trap spaces the background leaves open) and
finds nothing where the background percolates to a single trap space.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .._optional import require
from ..attractors import Semantics
from ..exceptions import MtorNetworkError
from ..network import BooleanNetwork
from ..perturbations import Perturbation, Scenario
from ._batch import BatchRunner, Key, Outcome, check_workers, key_of
from .screens import (
    PerturbMode,
    Progress,
    ProgressBar,
    as_scenario,
    check_int,
    check_network,
    check_progress,
    check_semantics,
    combination_name,
    node_items,
    over_budget,
    registered,
)

Using = Literal["drugs", "nodes"]


@dataclass(frozen=True)
class Intervention:
    """One minimal set of perturbations and what its attractors look like."""

    perturbations: tuple[Perturbation, ...]
    outcome: Outcome

    @property
    def size(self) -> int:
        return len(self.perturbations)

    @property
    def name(self) -> str:
        return combination_name(self.perturbations) or "(nothing: already non-proliferative)"

    @property
    def fixes(self) -> dict[str, bool]:
        return {n: v for p in self.perturbations for n, v in p.effects}

    def to_dict(self) -> dict[str, Any]:
        return {
            "intervention": self.name,
            "size": self.size,
            "perturbations": [p.name for p in self.perturbations],
            "fixes": {k: int(v) for k, v in self.fixes.items()},
            **self.outcome.to_dict(),
        }


@dataclass(frozen=True)
class InterventionSearch:
    """The minimal interventions found, ranked by size (then name), and how they were sought."""

    model: str
    background: tuple[str, ...]
    semantics: Semantics
    using: Using
    max_size: int
    candidates: tuple[str, ...]
    pruned: tuple[str, ...]
    background_outcome: Outcome
    solutions: tuple[Intervention, ...]
    sets_checked: int
    complete: bool

    def __iter__(self) -> Iterator[Intervention]:
        return iter(self.solutions)

    def __len__(self) -> int:
        return len(self.solutions)

    @property
    def smallest_size(self) -> int | None:
        return self.solutions[0].size if self.solutions else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "background": list(self.background),
            "semantics": self.semantics,
            "using": self.using,
            "max_size": self.max_size,
            "candidates": list(self.candidates),
            "pruned": list(self.pruned),
            "background_outcome": self.background_outcome.to_dict(),
            "sets_checked": self.sets_checked,
            "complete": self.complete,
            "solutions": [s.to_dict() for s in self.solutions],
        }


def _upstream_distance(network: BooleanNetwork, marker: str) -> dict[str, int]:
    """Ancestors of ``marker`` in ``network`` (as perturbed) with their shortest distance."""
    import networkx as nx

    graph = network.regulatory_graph()
    return dict(nx.single_source_shortest_path_length(graph.reverse(copy=False), marker))


def minimal_interventions(
    network: BooleanNetwork,
    *,
    background: Scenario | Perturbation | Iterable[Perturbation] | None = None,
    using: Using = "drugs",
    candidates: Sequence[str] | None = None,
    perturb: PerturbMode = "knockout",
    max_size: int = 3,
    semantics: Semantics = "asynchronous",
    limit: int | None = None,
    workers: int | None = 1,
    scheduler: str | None = None,
    progress: Progress = False,
    max_combinations: int | None = None,
) -> InterventionSearch:
    """The smallest sets of registered drugs (``using="drugs"``) or node perturbations
    (``using="nodes"``, knockouts/forced-on per ``perturb``) that leave no proliferative
    attractor on top of ``background``, ranked by size.

    ``candidates``: drug names or node names to draw from (default: every registered drug not in
    the background / every node but the phenotype read-outs and nodes the background fixes).
    ``limit`` stops after that many solutions (``complete`` is then False). If the background
    has no proliferative attractor the single solution is the empty set. ``progress(done,
    total)`` counts candidate sets (``total``: every set up to ``max_size``, the ones pruned as
    supersets of a solution included) and is called with ``(0, total)`` before any search; an
    exception it raises stops the search. More than ``max_combinations`` candidate sets are
    refused before any search.

    Raises
    ------
    TypeError
        An argument of the wrong type (the message names it).
    ValueError
        An unknown ``using``, ``perturb`` or ``semantics``; ``max_size`` or ``limit`` below 1.
    ScreenError
        Over ``max_combinations``.
    """
    check_network(network)
    check_semantics(semantics)
    check_int(max_size, "max_size", minimum=1, none=False)
    check_int(limit, "limit", minimum=1)
    check_workers(workers, scheduler)
    check_progress(progress)
    check_int(max_combinations, "max_combinations", minimum=0)
    if not isinstance(using, str):
        raise TypeError(f"using must be a str, not {type(using).__name__}")
    if using not in ("drugs", "nodes"):
        raise ValueError(f"unknown using {using!r}; choose drugs or nodes")
    if candidates is not None and (
        isinstance(candidates, str) or not isinstance(candidates, Sequence)
    ):
        raise TypeError(
            f"candidates must be a sequence of names or None, not {type(candidates).__name__}"
        )
    marker = network.phenotypes.proliferation
    if marker is None:
        raise MtorNetworkError(f"{network.name} has no proliferation marker node to control")
    bg = as_scenario(background)
    perturbed = bg.apply(network)
    if using == "drugs":
        chosen = registered(network.drugs, candidates, "drug", "candidates")
        items = [d for d in chosen if d.name not in bg.names]
    else:
        items, _, _ = node_items(
            network, "all" if candidates is None else list(candidates), perturb, bg
        )
    distance = _upstream_distance(perturbed, marker)
    relevant = [p for p in items if any(n in distance and n != marker for n, _ in p.effects)]
    pruned = tuple(p.name for p in items if p not in relevant)
    relevant.sort(key=lambda p: (min(distance.get(n, 1 << 30) for n, _ in p.effects), p.name))
    sizes = range(1, min(max_size, len(relevant)) + 1)
    total = sum(math.comb(len(relevant), k) for k in sizes)
    over_budget(
        total,
        f"candidate sets ({len(relevant)} candidates, up to {max_size} at a time)",
        max_combinations,
    )

    solutions: list[Intervention] = []
    found: list[frozenset[int]] = []
    checked = 0
    complete = True
    bar = ProgressBar(progress, total, "set")
    try:
        bar.begin()  # may raise (a time budget): before any search
        with BatchRunner(network, semantics, workers=workers, scheduler=scheduler) as runner:
            base = runner.outcome(key_of(bg, network))
            if not base.has_proliferative:
                return InterventionSearch(
                    network.name,
                    bg.names,
                    semantics,
                    using,
                    max_size,
                    tuple(p.name for p in relevant),
                    pruned,
                    base,
                    (Intervention((), base),),
                    0,
                    True,
                )
            bar.resume(0)
            for size in sizes:
                jobs: list[tuple[tuple[int, ...], Key]] = []
                for combo in itertools.combinations(range(len(relevant)), size):
                    chosen_set = frozenset(combo)
                    if any(s <= chosen_set for s in found):
                        continue
                    sc = _scenario(bg, [relevant[i] for i in combo])
                    if sc is not None:
                        jobs.append((combo, key_of(sc, network)))
                checked += len(jobs)
                for chunk in runner.map(jobs):
                    for combo, outcome in chunk:
                        if not outcome.has_proliferative:
                            found.append(frozenset(combo))
                            chosen_items = sorted(
                                (relevant[i] for i in combo), key=lambda p: p.name
                            )
                            solutions.append(Intervention(tuple(chosen_items), outcome))
                    bar.update(len(chunk))
                bar.update(math.comb(len(relevant), size) - len(jobs))  # pruned, contradictory
                if limit is not None and len(solutions) >= limit and size < max_size:
                    complete = False  # larger minimal sets were not sought
                    break
    finally:
        bar.close()
    solutions.sort(key=lambda s: (s.size, s.name))
    if limit is not None and len(solutions) > limit:
        solutions = solutions[:limit]
        complete = False
    return InterventionSearch(
        network.name,
        bg.names,
        semantics,
        using,
        max_size,
        tuple(p.name for p in relevant),
        pruned,
        base,
        tuple(solutions),
        checked,
        complete,
    )


def _scenario(bg: Scenario, combo: Sequence[Perturbation]) -> Scenario | None:
    nodes = [n for p in combo if p.kind in ("knockout", "overexpress") for n, _ in p.effects]
    if len(nodes) != len(set(nodes)):
        return None
    try:
        return Scenario(bg.perturbations + tuple(combo))
    except MtorNetworkError:
        return None


def succession_controls(
    network: BooleanNetwork,
    *,
    background: Scenario | Perturbation | Iterable[Perturbation] | None = None,
    max_drivers: int | None = 2,
    forbidden: Iterable[str] = (),
) -> list[dict[str, bool]]:
    """biobalm's succession-diagram control towards ``proliferation marker = 0``.

    Returns the permanent overrides (node -> value) of each successful intervention found by
    ``biobalm.control.succession_control`` (strategy "internal"), smallest first. biobalm only
    overrides nodes on the way between trap spaces of the background network; nodes the
    background or percolation fixes are not candidates, so a background that percolates to a
    single trap space yields ``[]``. Needs ``pip install biobalm``.
    """
    biobalm = require("biobalm", extra="control", what="succession_controls")
    succession_control = require(
        "biobalm.control", extra="control", what="succession_controls"
    ).succession_control
    marker = network.phenotypes.proliferation
    if marker is None:
        raise MtorNetworkError(f"{network.name} has no proliferation marker node to control")
    perturbed = as_scenario(background).apply(network)
    diagram = biobalm.SuccessionDiagram.from_rules(perturbed.to_bnet())
    interventions = succession_control(
        diagram,
        {marker: 0},
        strategy="internal",
        max_drivers_per_succession_node=max_drivers,
        forbidden_drivers={marker, *forbidden},
    )
    found: list[dict[str, bool]] = []
    for item in interventions:
        merged: dict[str, bool] = {}
        for step in item.control:
            # each step lists alternatives; the first (smallest) suffices
            choice = min(step, key=lambda d: (len(d), sorted(d.items())))
            merged.update({k: bool(v) for k, v in choice.items()})
        if merged not in found:
            found.append(merged)
    found.sort(key=lambda d: (len(d), sorted(d.items())))
    return found


__all__ = [
    "Intervention",
    "InterventionSearch",
    "minimal_interventions",
    "succession_controls",
]
