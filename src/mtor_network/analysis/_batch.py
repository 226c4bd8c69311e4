"""The batch runtime of screens, matrices and intervention searches: many attractor searches
of one network under different fixed node values, through ONE ``concurrent.futures.Executor``
path.

* inline (one worker, or a small batch): searched in this process;
* local cores: a :class:`~concurrent.futures.ProcessPoolExecutor` whose workers die with the
  process that started them;
* a Dask cluster (``scheduler=ADDRESS``): the executor of ``Client.get_executor()``, the same
  ``submit`` / ``result`` calls (Dask is the optional extra ``cluster``).

Work is deduplicated (each distinct key is searched once per run; outcomes of the run are
kept by key, bounded). The only memo of attractors is the residual-network one of
:mod:`mtor_network.attractors`, in each process. The network travels to the workers as its dict
form (rules and phenotype declarations), rebuilt once per worker and run.
"""

from __future__ import annotations

import itertools
import logging
import math
import os
import signal
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from .._optional import require
from ..attractors import Budget, BudgetExceeded, Semantics
from ..exceptions import ScreenError
from ..network import BooleanNetwork, network_from_dict, network_to_dict
from ..perturbations import Perturbation, Scenario
from ..phenotypes import PHENOTYPES
from .phenotypes import find_attractors, resistance_keys, rule_tags

CONNECT_TIMEOUT = "20s"  # to reach a Dask scheduler
INLINE_BELOW = 200  # with workers=None, smaller batches run in this process
PR_SET_PDEATHSIG = 1  # linux/prctl.h
WATCHDOG_SECONDS = 0.5  # how often a pool worker checks that its parent is alive

T = TypeVar("T")


# ---- outcomes: what one attractor search contributes to a row --------------------------------
@dataclass(frozen=True)
class Outcome:
    """The summary of one perturbed network's attractors (picklable, small)."""

    attractors: int
    counts: tuple[int, ...]  # per PHENOTYPES
    endocrine_resistant: bool  # an attractor flagged by a resistance rule of the model

    @property
    def phenotype_counts(self) -> dict[str, int]:
        return dict(zip(PHENOTYPES, self.counts, strict=True))

    @property
    def has_proliferative(self) -> bool:
        return self.counts[0] > 0

    @property
    def proliferative_fraction(self) -> float:
        return self.counts[0] / self.attractors if self.attractors else 0.0

    @property
    def phenotypes(self) -> frozenset[str]:
        return frozenset(p for p, c in zip(PHENOTYPES, self.counts, strict=True) if c)

    def to_dict(self) -> dict[str, Any]:
        return {
            "attractors": self.attractors,
            "phenotypes": self.phenotype_counts,
            "proliferative": self.has_proliferative,
            "endocrine_resistant": self.endocrine_resistant,
        }


Key = tuple[tuple[tuple[str, bool], ...], tuple[str, ...]]
"""What determines an outcome: (fixed node values, the tags the model's rules read)."""


def key_of(scenario: Scenario, network: BooleanNetwork) -> Key:
    """The :data:`Key` of ``scenario`` on ``network``: its layered node values and those of
    its tags that a resistance rule of the model reads (e.g. ``endocrine``).

    Parameters
    ----------
    scenario : Scenario
        The perturbations.
    network : BooleanNetwork
        The network (its phenotype declarations say which tags matter).

    Returns
    -------
    Key
        A hashable, picklable key.
    """
    relevant = sorted(scenario.tags & rule_tags(network))
    return tuple(sorted(scenario.effects().items())), tuple(relevant)


def evaluate(
    network: BooleanNetwork, semantics: Semantics, key: Key, budget: Budget | None = None
) -> Outcome:
    """One attractor search on ``network`` with the fixed values of ``key``.

    Parameters
    ----------
    network : BooleanNetwork
        The network (its unperturbed base is searched).
    semantics : str
        The update semantics.
    key : Key
        Fixed node values and tags (:func:`key_of`).
    budget : Budget, optional
        Bounds of the search; over it, a :class:`ScreenError` (rows so far are kept).

    Returns
    -------
    Outcome
        Attractor and phenotype counts, and whether a resistance rule flags an attractor.
    """
    effects, tags = key
    perturbation = Perturbation("screen", "drug", effects, tags=frozenset(tags))
    try:
        result = find_attractors(network.base, semantics, perturbations=perturbation, budget=budget)
    except BudgetExceeded as exc:
        fixed = ", ".join(f"{k}={int(v)}" for k, v in effects) or "no perturbation"
        raise ScreenError(
            f"the screen stopped at {fixed}: {exc} (screen: --network-timeout SECONDS; the "
            "rows so far are kept and a rerun resumes)"
        ) from None
    counts = result.phenotype_counts()
    flagged = any(result.has_flag(k) for k in resistance_keys(network))
    return Outcome(len(result), tuple(counts.get(p, 0) for p in PHENOTYPES), flagged)


# ---- workers: the network travels as its dict form (BooleanNetwork holds mappingproxies) -----
Payload = dict[str, Any]
_WORKER_NETWORK: dict[str, BooleanNetwork] = {}  # the one network a worker last rebuilt


def payload_of(network: BooleanNetwork) -> Payload:
    """The picklable form of ``network``'s base a worker rebuilds: its dict form
    (:func:`mtor_network.network.network_to_dict`, which keeps the phenotype declarations)."""
    return network_to_dict(network.base)


def _network_from_payload(payload: Payload, digest: str) -> BooleanNetwork:
    network = _WORKER_NETWORK.get(digest)
    if network is None:
        network = network_from_dict(payload)
        _WORKER_NETWORK.clear()
        _WORKER_NETWORK[digest] = network
    return network


def evaluate_batch(
    payload: Payload,
    digest: str,
    semantics: Semantics,
    keys: list[Key],
    budget: Budget | None = None,
) -> list[Outcome]:
    """Worker entry point: evaluate a batch of keys on the network of ``payload`` (``digest``:
    the sender's :attr:`BooleanNetwork.digest` plus the declarations, to rebuild it once)."""
    if threading.current_thread() is not threading.main_thread():
        # Dask runs tasks in threads, where AEON warns that Ctrl-C cannot cancel it
        logging.getLogger("cancel_this").setLevel(logging.ERROR)
    network = _network_from_payload(payload, digest)
    return [evaluate(network, semantics, key, budget) for key in keys]


def _die_with_parent(parent: int | None) -> None:
    """Pool initializer: this worker dies with the process that started it.

    On Linux the kernel sends SIGKILL when the parent exits (``PR_SET_PDEATHSIG``); everywhere,
    a daemon thread exits the worker once its parent pid changes (it was re-parented because
    its parent died). ``parent``: the expected parent pid (None under a fork server, where the
    parent is the server, which exits with the screen).
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no libc prctl
            pass
    started_under = os.getppid()
    if parent is not None and started_under != parent:
        os._exit(1)  # the parent died before the death signal was armed

    def watch() -> None:
        while True:
            time.sleep(WATCHDOG_SECONDS)
            if os.getppid() != started_under:
                os._exit(1)

    threading.Thread(target=watch, name="mtor-network-parent-watch", daemon=True).start()


def check_workers(workers: object, scheduler: object) -> None:
    """TypeError / ValueError for a ``workers`` that is not a positive int or None, or a
    ``scheduler`` that is not an address (str) or None."""
    if workers is not None:
        if not isinstance(workers, int) or isinstance(workers, bool):
            raise TypeError(
                f"workers must be an int or None, not {type(workers).__name__} ({workers!r})"
            )
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
    if scheduler is not None and not isinstance(scheduler, str):
        raise TypeError(
            f"scheduler must be an address (str) or None, not {type(scheduler).__name__}"
        )


def _local_pool(workers: int) -> Any:
    """A process pool whose workers die with this process."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork from a single-threaded process (the CLI): workers start in milliseconds with
    # everything imported; inside a threaded host (the web app) a fork server, which has
    # no threads of its own, with the library preloaded.
    context: Any
    parent: int | None
    if threading.active_count() == 1:
        context = multiprocessing.get_context("fork")
        parent = os.getpid()
    else:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["mtor_network.analysis.screens"])
        parent = None
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_die_with_parent, initargs=(parent,)
    )


class BatchRunner:
    """Evaluates keys inline or through one executor (local pool or Dask), in order."""

    def __init__(
        self,
        network: BooleanNetwork,
        semantics: Semantics,
        *,
        workers: int | None = None,
        scheduler: str | None = None,
        batch_size: int | None = None,
        cache_size: int = 20_000,
        expected: int | None = None,
        budget: Budget | None = None,
    ) -> None:
        check_workers(workers, scheduler)
        self.network = network
        self.semantics = semantics
        self.budget = budget
        self.scheduler = scheduler
        if workers is None and expected is not None and expected < INLINE_BELOW:
            workers = 1  # starting processes would cost more than the whole batch
        self.workers = workers or os.cpu_count() or 1
        self.batch_size = batch_size
        self.done: OrderedDict[Key, Outcome] = OrderedDict()  # this run's outcomes, by key
        self.cache_size = cache_size
        self.evaluated = 0
        self._executor: Any = None
        self._client: Any = None
        self._payload = payload_of(network)
        self._digest = f"{network.digest}:{hash(repr(network.base.phenotypes))}"

    # context management ---------------------------------------------------------------
    def __enter__(self) -> BatchRunner:
        if self.scheduler:
            distributed = require("dask.distributed", extra="cluster", what="--scheduler")
            try:
                self._client = distributed.Client(self.scheduler, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError) as exc:
                raise ScreenError(
                    f"cannot connect to the Dask scheduler at {self.scheduler}: {exc}"
                ) from exc
            self.workers = max(1, len(self._client.scheduler_info().get("workers", {})))
            self._executor = self._client.get_executor(pure=False)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._executor is not None and self._client is None:
            self._executor.shutdown(wait=True, cancel_futures=True)
        self._executor = None
        if self._client is not None:
            self._client.close()
            self._client = None

    @property
    def parallel(self) -> bool:
        return self._client is not None or self.workers > 1

    @property
    def chunk_size(self) -> int:
        """How many jobs are taken from the input at a time (and written as one chunk)."""
        return self._batch() * self.workers * 4 if self.parallel else 64

    def _batch(self) -> int:
        return self.batch_size or 16

    # evaluation ----------------------------------------------------------------------
    def _remember(self, key: Key, outcome: Outcome) -> None:
        if key in self.done:
            self.done.move_to_end(key)
        self.done[key] = outcome
        if len(self.done) > self.cache_size:
            self.done.popitem(last=False)

    def _compute(self, keys: list[Key]) -> list[Outcome]:
        self.evaluated += len(keys)
        if not self.parallel:
            return [evaluate(self.network, self.semantics, k, self.budget) for k in keys]
        if self._executor is None:  # started on first use: a fully resumed screen starts none
            self._executor = _local_pool(self.workers)
        size = max(1, min(self._batch(), math.ceil(len(keys) / self.workers)))
        batches = [keys[i : i + size] for i in range(0, len(keys), size)]
        futures = [
            self._executor.submit(
                evaluate_batch, self._payload, self._digest, self.semantics, b, self.budget
            )
            for b in batches
        ]
        return [o for f in futures for o in f.result()]

    def outcome(self, key: Key) -> Outcome:
        """One evaluation (each distinct key once per run)."""
        return self.run_chunk([key])[0]

    def run_chunk(self, keys: Sequence[Key]) -> list[Outcome]:
        """Outcomes of ``keys`` in order, each distinct network evaluated once."""
        distinct = list(dict.fromkeys(keys))
        known = {k: self.done[k] for k in distinct if k in self.done}
        todo = [k for k in distinct if k not in known]
        if todo:
            known.update(zip(todo, self._compute(todo), strict=True))
        for k in distinct:
            self._remember(k, known[k])
        return [known[k] for k in keys]

    def map(self, jobs: Iterable[tuple[T, Key]]) -> Iterator[list[tuple[T, Outcome]]]:
        """Chunks of ``(tag, outcome)`` in input order."""
        iterator = iter(jobs)
        while True:
            chunk = list(itertools.islice(iterator, self.chunk_size))
            if not chunk:
                return
            outcomes = self.run_chunk([k for _, k in chunk])
            yield [(tag, o) for (tag, _), o in zip(chunk, outcomes, strict=True)]


__all__ = [
    "BatchRunner",
    "Key",
    "Outcome",
    "check_workers",
    "evaluate",
    "evaluate_batch",
    "key_of",
    "payload_of",
]
