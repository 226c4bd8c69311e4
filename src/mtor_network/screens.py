"""Combination screens: every combination of up to K perturbations on top of a background.

One row per combination: the perturbation, the number of attractors, the phenotype counts,
whether a proliferative / endocrine-resistant attractor remains, and the change against the
background. Work is deduplicated (one attractor search per distinct perturbed network), runs in
parallel on local cores (``ProcessPoolExecutor``) or on a Dask cluster (``scheduler=ADDRESS``),
and rows are streamed to the output file in the order the combinations are enumerated, so an
interrupted screen resumes where it stopped:

* ``.csv``: the output itself is the journal; each chunk of rows is appended with one
  ``write`` and flushed; a partial last line left by a kill is dropped on resume.
* ``.parquet`` / ``.xlsx``: rows stream to ``FILE.partial.csv`` and are converted (in row
  groups / write-only mode, memory flat) when the screen completes.
* ``FILE.meta.json`` records the settings (model hash, background, semantics, order, targets,
  perturb); a resume with other settings is refused.

>>> from mtor_network import load_network
>>> from mtor_network.screens import screen
>>> net = load_network("hr_breast_cancer")
>>> result = screen(net, targets=["MTORC1", "AKT"], order=2, workers=1, progress=False)
>>> result.rows_total
3
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import logging
import math
import os
import sys
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from .attractors import SEMANTICS, Budget, BudgetExceeded, Semantics, find_attractors
from .exceptions import ConflictingPerturbationError, MtorNetworkError
from .network import BooleanNetwork, PhenotypeMarkers
from .perturbations import Perturbation, Scenario, knockout, overexpress
from .phenotypes import PHENOTYPES

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

PerturbMode = Literal["knockout", "overexpress", "both"]
PERTURB_MODES: tuple[PerturbMode, ...] = ("knockout", "overexpress", "both")
OUTPUT_SUFFIXES = (".csv", ".parquet", ".xlsx")
SCHEMA = "mtor_network.screen/1"

#: Columns of a screen table, in order.
COLUMNS: tuple[str, ...] = (
    "perturbation",
    "size",
    "fixes",
    "attractors",
    *PHENOTYPES,
    "proliferative_fraction",
    "has_proliferative",
    "endocrine_resistant",
    "phenotypes_gained",
    "phenotypes_lost",
    "change",
)
_INT_COLUMNS = ("size", "attractors", *PHENOTYPES)
_BOOL_COLUMNS = ("has_proliferative", "endocrine_resistant")

CONNECT_TIMEOUT = "20s"  # to reach a Dask scheduler
INLINE_BELOW = 200  # with workers=None, smaller screens run in this process
Progress = bool | Callable[[int, int], None] | None
T = TypeVar("T")


class ScreenError(MtorNetworkError):
    """A screen cannot run as asked (bad output file, settings differ from the file's, ...)."""


# ---- outcomes: what one attractor search contributes to a row --------------------------------
@dataclass(frozen=True)
class Outcome:
    """The summary of one perturbed network's attractors (picklable, small)."""

    attractors: int
    counts: tuple[int, ...]  # per PHENOTYPES
    endocrine_resistant: bool

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


Key = tuple[tuple[tuple[str, bool], ...], bool]  # (fixed node values, endocrine therapy)


def _key(scenario: Scenario) -> Key:
    """What determines the attractors: the layered node values and the endocrine flag."""
    return tuple(sorted(scenario.effects().items())), scenario.endocrine


def _evaluate(
    network: BooleanNetwork, semantics: Semantics, key: Key, budget: Budget | None = None
) -> Outcome:
    """One attractor search on ``network`` with the fixed values of ``key`` (within
    ``budget``: over it, the screen stops with a :class:`ScreenError`, rows so far kept)."""
    effects, endocrine = key
    perturbation = Perturbation("screen", "drug", effects, endocrine=endocrine)
    try:
        result = find_attractors(network.base, semantics, perturbations=perturbation, budget=budget)
    except BudgetExceeded as exc:
        fixed = ", ".join(f"{k}={int(v)}" for k, v in effects) or "no perturbation"
        raise ScreenError(
            f"the screen stopped at {fixed}: {exc} (screen: --network-timeout SECONDS; the "
            "rows so far are kept and a rerun resumes)"
        ) from None
    counts = result.phenotype_counts()
    return Outcome(
        len(result), tuple(counts[p] for p in PHENOTYPES), result.has_endocrine_resistant
    )


# ---- workers: the network travels as plain data (BooleanNetwork holds mappingproxies) --------
Payload = tuple[str, str, tuple[tuple[str, Any], ...], tuple[str | None, str | None]]
_WORKER_NETWORKS: dict[str, BooleanNetwork] = {}


def _payload(network: BooleanNetwork) -> Payload:
    base = network.base
    rules = tuple((n, base.rules[n].expression) for n in base.node_names)
    markers = (base.phenotypes.proliferation, base.phenotypes.apoptosis)
    return base.name, base.version, rules, markers


def _payload_digest(payload: Payload) -> str:
    return hashlib.sha256(repr(payload).encode("utf-8")).hexdigest()


def _network_from_payload(payload: Payload) -> BooleanNetwork:
    digest = _payload_digest(payload)
    network = _WORKER_NETWORKS.get(digest)
    if network is None:
        name, version, rules, (prolif, apopt) = payload
        network = BooleanNetwork.create(
            name,
            dict(rules),
            version=version,
            phenotypes=PhenotypeMarkers(proliferation=prolif, apoptosis=apopt),
        )
        _WORKER_NETWORKS.clear()
        _WORKER_NETWORKS[digest] = network
    return network


def _evaluate_batch(
    payload: Payload, semantics: Semantics, keys: list[Key], budget: Budget | None = None
) -> list[Outcome]:
    """Worker entry point: evaluate a batch of perturbed networks."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        # Dask runs tasks in threads, where AEON warns that Ctrl-C cannot cancel it
        logging.getLogger("cancel_this").setLevel(logging.ERROR)
    network = _network_from_payload(payload)
    return [_evaluate(network, semantics, key, budget) for key in keys]


class _Runner:
    """Evaluates keys inline, on a local process pool, or on a Dask cluster; in order."""

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
        if workers is not None and workers < 1:
            raise ScreenError(f"workers must be at least 1, not {workers}")
        self.network = network
        self.semantics = semantics
        self.budget = budget
        self.scheduler = scheduler
        if workers is None and expected is not None and expected < INLINE_BELOW:
            workers = 1  # starting processes would cost more than the whole screen
        self.workers = workers or os.cpu_count() or 1
        self.batch_size = batch_size
        self.cache: OrderedDict[Key, Outcome] = OrderedDict()
        self.cache_size = cache_size
        self.evaluated = 0
        self._pool: Any = None
        self._client: Any = None
        self._payload: Any = None

    # context management ---------------------------------------------------------------
    def __enter__(self) -> _Runner:
        if self.scheduler:
            try:
                from dask.distributed import Client
            except ImportError as exc:  # pragma: no cover - depends on the installation
                raise ScreenError(
                    "--scheduler needs dask.distributed: pip install 'dask[distributed]'"
                ) from exc
            try:
                self._client = Client(self.scheduler, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError) as exc:
                raise ScreenError(
                    f"cannot connect to the Dask scheduler at {self.scheduler}: {exc}"
                ) from exc
            self.workers = max(1, len(self._client.scheduler_info().get("workers", {})))
            self._payload = self._client.scatter(_payload(self.network), broadcast=True)
        return self

    def _start_pool(self) -> None:
        """Start the local process pool on first use (a fully resumed screen starts none)."""
        import multiprocessing
        import threading
        from concurrent.futures import ProcessPoolExecutor

        # fork from a single-threaded process (the CLI): workers start in milliseconds with
        # everything imported; inside a threaded host (the web app) a fork server, which has
        # no threads of its own, with the library preloaded.
        context: Any
        if threading.active_count() == 1:
            context = multiprocessing.get_context("fork")
        else:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["mtor_network.screens"])
        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        self._payload = _payload(self.network)

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
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
        if key in self.cache:
            self.cache.move_to_end(key)
        self.cache[key] = outcome
        if len(self.cache) > self.cache_size:
            self.cache.popitem(last=False)

    def _compute(self, keys: list[Key]) -> list[Outcome]:
        self.evaluated += len(keys)
        if not self.parallel:
            return [_evaluate(self.network, self.semantics, k, self.budget) for k in keys]
        if self._client is None and self._pool is None:
            self._start_pool()
        size = max(1, min(self._batch(), math.ceil(len(keys) / self.workers)))
        batches = [keys[i : i + size] for i in range(0, len(keys), size)]
        if self._client is not None:
            futures = [
                self._client.submit(
                    _evaluate_batch, self._payload, self.semantics, b, self.budget, pure=False
                )
                for b in batches
            ]
            parts = self._client.gather(futures)
        else:
            futures = [
                self._pool.submit(_evaluate_batch, self._payload, self.semantics, b, self.budget)
                for b in batches
            ]
            parts = [f.result() for f in futures]
        return [o for part in parts for o in part]

    def outcome(self, key: Key) -> Outcome:
        """One evaluation (cached)."""
        return self.run_chunk([key])[0]

    def run_chunk(self, keys: Sequence[Key]) -> list[Outcome]:
        """Outcomes of ``keys`` in order, each distinct network evaluated once."""
        distinct = list(dict.fromkeys(keys))
        known = {k: self.cache[k] for k in distinct if k in self.cache}
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


# ---- combinations -----------------------------------------------------------------------
def _node_items(
    network: BooleanNetwork, targets: str | Sequence[str], perturb: PerturbMode, fixed: Mapping
) -> tuple[list[Perturbation], list[str]]:
    """The single perturbations to combine, and the targets excluded (fixed by the background)."""
    if perturb not in PERTURB_MODES:
        raise ValueError(f"unknown perturb {perturb!r}; choose one of {', '.join(PERTURB_MODES)}")
    markers = {network.phenotypes.proliferation, network.phenotypes.apoptosis}
    if isinstance(targets, str):
        if targets.strip().lower() != "all":
            targets = [t for t in targets.split(",") if t.strip()]
        else:
            targets = [n for n in network.node_names if n not in markers]
    names = list(dict.fromkeys(network.resolve_node(t.strip()) for t in targets))
    if not names:
        raise ScreenError("no targets given")
    excluded = [n for n in names if n in fixed]
    items: list[Perturbation] = []
    for n in names:
        if n in fixed:
            continue
        if perturb in ("knockout", "both"):
            items.append(knockout(n))
        if perturb in ("overexpress", "both"):
            items.append(overexpress(n))
    return items, excluded


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


def make_row(
    name: str, size: int, fixes: str, outcome: Outcome, background: Outcome
) -> dict[str, Any]:
    """One table row (see :data:`COLUMNS`)."""
    return {
        "perturbation": name,
        "size": size,
        "fixes": fixes,
        "attractors": outcome.attractors,
        **outcome.phenotype_counts,
        "proliferative_fraction": round(outcome.proliferative_fraction, 6),
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
    """SHA-256 (16 hex digits) of the unperturbed rules, sorted by node."""
    from .expressions import to_string

    base = network.base
    text = "\n".join(f"{n}, {to_string(base.rules[n].expression)}" for n in sorted(base.rules))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


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
        }


def _as_scenario(background: Scenario | Perturbation | Iterable[Perturbation] | None) -> Scenario:
    if background is None:
        return Scenario()
    if isinstance(background, Scenario):
        return background
    if isinstance(background, Perturbation):
        return Scenario((background,))
    return Scenario(tuple(background))


def _check_order(order: int) -> None:
    if not isinstance(order, int) or not 1 <= order <= 3:
        raise ScreenError(f"order must be 1, 2 or 3, not {order!r}")


def _check_semantics(semantics: str) -> None:
    if semantics not in SEMANTICS:
        raise ValueError(f"unknown semantics {semantics!r}; choose one of {', '.join(SEMANTICS)}")


# ---- output files ---------------------------------------------------------------------------
def meta_path(output: str | Path) -> Path:
    """The settings sidecar of ``output``: ``FILE.meta.json``."""
    return Path(f"{output}.meta.json")


def journal_path(output: str | Path) -> Path:
    """Where rows stream to: the output itself for CSV, else ``FILE.partial.csv``."""
    p = Path(output)
    return p if p.suffix.lower() == ".csv" else Path(f"{p}.partial.csv")


def _csv_text(rows: Iterable[Mapping[str, Any]], header: bool = False) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if header:
        writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row[c] for c in COLUMNS])
    return buffer.getvalue()


def _parse_row(values: Sequence[str]) -> dict[str, Any]:
    row: dict[str, Any] = dict(zip(COLUMNS, values, strict=True))
    for c in _INT_COLUMNS:
        row[c] = int(row[c])
    for c in _BOOL_COLUMNS:
        row[c] = row[c] == "True"
    row["proliferative_fraction"] = float(row["proliferative_fraction"])
    return row


def iter_rows(path: str | Path) -> Iterator[dict[str, Any]]:
    """Stream the rows of a screen table (.csv, .parquet or .xlsx) as typed dicts."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".csv":
        with p.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                return
            if tuple(header) != COLUMNS:
                raise ScreenError(f"{p}: not a screen table (columns {header[:4]}...)")
            for values in reader:
                yield _parse_row(values)
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(p).iter_batches(batch_size=4096):
            yield from batch.to_pylist()
    elif suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(p, read_only=True)
        try:
            sheet = book.worksheets[0]
            rows = sheet.iter_rows(values_only=True)
            header = next(rows, None)
            if header is None or tuple(header) != COLUMNS:
                raise ScreenError(f"{p}: not a screen table")
            for values in rows:
                row = dict(zip(COLUMNS, values, strict=True))
                for c in ("phenotypes_gained", "phenotypes_lost"):
                    row[c] = row[c] or ""
                yield row
        finally:
            book.close()
    else:
        raise ScreenError(f"{p}: unknown table suffix; use one of {', '.join(OUTPUT_SUFFIXES)}")


def read_screen(path: str | Path) -> pd.DataFrame:
    """A screen table as a pandas DataFrame (for the web app and notebooks)."""
    import pandas as pd

    return pd.DataFrame.from_records(list(iter_rows(path)), columns=list(COLUMNS))


def _arrow_schema() -> Any:
    import pyarrow as pa

    types = {c: pa.int64() for c in _INT_COLUMNS}
    types.update({c: pa.bool_() for c in _BOOL_COLUMNS})
    types["proliferative_fraction"] = pa.float64()
    return pa.schema([(c, types.get(c, pa.string())) for c in COLUMNS])


def _convert(journal: Path, output: Path, chunk: int = 50_000) -> None:
    """Write the finished journal as ``output`` (.parquet or .xlsx), streaming, atomically."""
    tmp = output.with_name(f".{output.name}.tmp")
    rows = iter_rows(journal)
    if output.suffix.lower() == ".parquet":
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError as exc:  # pragma: no cover
            raise ScreenError("writing .parquet needs pyarrow: pip install pyarrow") from exc
        schema = _arrow_schema()
        with pq.ParquetWriter(tmp, schema) as writer:
            while block := list(itertools.islice(rows, chunk)):
                writer.write_table(pa.Table.from_pylist(block, schema=schema))
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("screen")
        sheet.append(list(COLUMNS))
        for row in rows:
            sheet.append([row[c] for c in COLUMNS])
        book.save(tmp)
    os.replace(tmp, output)


def _write_meta(path: Path, data: Mapping[str, Any]) -> None:
    from .io._files import write_text_atomic

    write_text_atomic(path, json.dumps(data, indent=2) + "\n")


def _read_meta(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ScreenError(f"{path}: cannot read the screen settings ({exc})") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ScreenError(f"{path}: not a screen settings file (schema {SCHEMA})")
    return data


def _differences(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    return [
        f"{k}: file has {old.get(k)!r}, asked {new.get(k)!r}"
        for k in new
        if old.get(k) != new.get(k)
    ]


def _drop_partial_line(path: Path) -> None:
    """Truncate a trailing line without newline (a write cut by a kill)."""
    size = path.stat().st_size
    if size == 0:
        return
    with path.open("rb+") as handle:
        handle.seek(-1, os.SEEK_END)
        if handle.read(1) == b"\n":
            return
        block = min(size, 1 << 20)
        handle.seek(size - block)
        tail = handle.read(block)
        cut = tail.rfind(b"\n")
        keep = size - block + cut + 1 if cut >= 0 else 0
        handle.truncate(keep)
    log.info("dropped an incomplete last line of %s", path)


class _Journal:
    """Append-only CSV: one ``os.write`` per chunk (a kill cuts at most the last line)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        fresh = not path.exists() or path.stat().st_size == 0
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        if fresh:
            self.write_text(_csv_text((), header=True))

    def write_text(self, text: str) -> None:
        data = text.encode("utf-8")
        while data:
            written = os.write(self.fd, data)
            data = data[written:]

    def append(self, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            self.write_text(_csv_text(rows))

    def close(self) -> None:
        os.close(self.fd)


# ---- progress ------------------------------------------------------------------------------
class _Progress:
    def __init__(self, progress: Progress, total: int, initial: int, what: str) -> None:
        self.callback: Callable[[int, int], None] | None = None
        self.bar: Any = None
        self.total = total
        self.done = initial
        if callable(progress):
            self.callback = progress
        elif progress:
            from tqdm import tqdm

            self.bar = tqdm(total=total, initial=initial, unit=what, file=sys.stderr, leave=True)

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
    output: str | Path | None = None,
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
    (see :data:`COLUMNS`), written to ``output`` (.csv, .parquet, .xlsx) as it is computed;
    rerunning with the same output resumes (settings must match). Without ``output`` the rows are
    kept in ``result.rows``.

    ``workers``: processes on this machine (None: all cores; 1: inline); ``scheduler``: address of
    a Dask scheduler to run on instead. ``progress``: True for a bar on stderr, or a callable
    ``(done, total)``; an exception raised by the callable stops the screen, keeping every row
    already written. ``budget`` bounds each attractor search (see :class:`Budget`); a search over
    it stops the screen with a :class:`ScreenError`, keeping the rows written; more than
    ``max_combinations`` combinations are refused before any work.
    """
    _check_order(order)
    _check_semantics(semantics)
    bg = _as_scenario(background)
    fixed = bg.effects()
    bg.apply(network)  # unknown nodes in the background fail here, before any work
    items, excluded = _node_items(network, targets, perturb, fixed)
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
        output=output,
        progress=progress,
        batch_size=batch_size,
        budget=budget,
        max_combinations=max_combinations,
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
    output: str | Path | None,
    progress: Progress,
    batch_size: int | None,
    budget: Budget | None = None,
    max_combinations: int | None = None,
) -> ScreenResult:
    order = settings.order
    skipped: list[str] = []
    total = 0
    for combo, sc in _combinations(bg, items, order):
        if sc is None:
            skipped.append(combination_name(combo))
        else:
            total += 1
    if max_combinations is not None and total > max_combinations:
        raise ScreenError(
            f"{total} combinations ({len(items)} target perturbations, order {order}) are over "
            f"the size budget of {max_combinations}; choose fewer targets or a lower order, or "
            "raise it (CLI: --max-combinations N; Python: screen(..., max_combinations=N))"
        )

    def jobs() -> Iterator[tuple[tuple[str, int, str], Key]]:
        for combo, sc in _combinations(bg, items, order):
            if sc is not None:
                yield (combination_name(combo), len(combo), _fixes(combo)), _key(sc)

    out_path = Path(output) if output is not None else None
    if out_path is not None and out_path.suffix.lower() not in OUTPUT_SUFFIXES:
        raise ScreenError(
            f"{out_path}: unknown output suffix {out_path.suffix!r}; use one of "
            f"{', '.join(OUTPUT_SUFFIXES)}"
        )

    with _Runner(
        network,
        settings.semantics,
        workers=workers,
        scheduler=scheduler,
        batch_size=batch_size,
        expected=total,
        budget=budget,
    ) as runner:
        background_outcome = _evaluate(network, settings.semantics, _key(bg), budget)
        meta: dict[str, Any] = {
            "schema": SCHEMA,
            "settings": settings.to_dict(),
            "columns": list(COLUMNS),
            "background_outcome": background_outcome.to_dict(),
            "rows": total,
            "skipped": len(skipped),
            "excluded_targets": list(excluded),
            "complete": False,
        }

        def result(resumed: int, rows: tuple[dict[str, Any], ...] | None) -> ScreenResult:
            return ScreenResult(
                settings=settings,
                background=background_outcome,
                output=out_path,
                rows_total=total,
                rows_resumed=resumed,
                networks_evaluated=runner.evaluated,
                skipped=tuple(skipped),
                excluded_targets=tuple(excluded),
                complete=True,
                rows=rows,
            )

        if out_path is None:
            bar = _Progress(progress, total, 0, "comb")
            kept: list[dict[str, Any]] = []
            try:
                for chunk in runner.map(jobs()):
                    kept.extend(make_row(n, s, f, o, background_outcome) for (n, s, f), o in chunk)
                    bar.update(len(chunk))
            finally:
                bar.close()
            return result(0, tuple(kept))

        meta_file = meta_path(out_path)
        journal = journal_path(out_path)
        done = _prepare_resume(out_path, meta_file, journal, meta)
        if done == "complete":
            return result(total, None)
        pending = jobs()
        resumed = _verify_journal(journal, pending) if journal.exists() else 0
        _write_meta(meta_file, meta)
        writer = _Journal(journal)
        bar = _Progress(progress, total, resumed, "comb")
        try:
            for chunk in runner.map(pending):
                writer.append([make_row(n, s, f, o, background_outcome) for (n, s, f), o in chunk])
                bar.update(len(chunk))
        finally:
            writer.close()
            bar.close()
        if journal != out_path:
            _convert(journal, out_path)
            journal.unlink()
        meta["complete"] = True
        _write_meta(meta_file, meta)
        return result(resumed, None)


def _prepare_resume(output: Path, meta_file: Path, journal: Path, meta: dict[str, Any]) -> str:
    """Check an existing output against ``meta``: "complete", "resume" or "fresh"."""
    if meta_file.exists():
        old = _read_meta(meta_file)
        diff = _differences(old.get("settings", {}), meta["settings"])
        if diff:
            raise ScreenError(
                f"{output} was written by a screen with other settings ({'; '.join(diff)}); "
                "use another output file, or delete it and its .meta.json to start over"
            )
        if old.get("complete") and output.exists():
            return "complete"
        return "resume"
    if output.exists() or journal.exists():
        raise ScreenError(
            f"{output} exists but has no {meta_file.name}: not a screen this command can resume; "
            "use another output file or delete it"
        )
    return "fresh"


def _verify_journal(journal: Path, pending: Iterator[tuple[tuple[str, int, str], Key]]) -> int:
    """Consume from ``pending`` the jobs whose rows the journal already holds; return how many.

    Rows are written in enumeration order, so the journal is a prefix of the job sequence; every
    row's key is compared with the job's, which catches a journal from another enumeration.
    """
    _drop_partial_line(journal)
    count = 0
    with journal.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            return 0
        if tuple(header) != COLUMNS:
            raise ScreenError(f"{journal}: unexpected columns; not a screen journal")
        for line, values in enumerate(reader, start=2):
            job = next(pending, None)
            if len(values) != len(COLUMNS) or job is None or values[0] != job[0][0]:
                raise ScreenError(
                    f"{journal}, line {line}: row {values[:1]} does not match this screen's "
                    f"combination {job[0][0] if job else '(none left)'!r}; use another output"
                )
            count += 1
    return count


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
        import pandas as pd

        return pd.DataFrame.from_records(list(self.rows), columns=list(MATRIX_COLUMNS))

    def write(self, path: str | Path) -> None:
        """Write the table (.csv, .parquet or .xlsx), atomically."""
        p = Path(path)
        suffix = p.suffix.lower()
        if suffix not in OUTPUT_SUFFIXES:
            raise ScreenError(f"{p}: unknown table suffix; use one of {', '.join(OUTPUT_SUFFIXES)}")
        frame = self.to_frame()
        tmp = p.with_name(f".{p.name}.tmp")
        if suffix == ".csv":
            frame.to_csv(tmp, index=False, lineterminator="\n")
        elif suffix == ".parquet":
            frame.to_parquet(tmp, index=False)
        else:
            frame.to_excel(tmp, index=False, sheet_name="matrix", engine="openpyxl")
        os.replace(tmp, p)


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
) -> MatrixResult:
    """Every registered drug, and with ``pairs`` every drug pair, in every registered genotype
    and the wild type (plus "none", no drug). Rows carry ``genotype`` and ``treatment`` before
    the :data:`COLUMNS`; the change is against the same genotype without drug. Drugs with the
    same effect share one attractor search."""
    _check_semantics(semantics)
    env = _as_scenario(environment)
    drug_items = [network.drugs[d] for d in (drugs if drugs is not None else network.drugs)]
    geno_names = list(genotypes if genotypes is not None else network.genotypes)
    geno_items: list[Perturbation | None] = [None, *(network.genotypes[g] for g in geno_names)]
    order = 2 if pairs else 1
    treatments = [NO_DRUG] + [
        combination_name(c)
        for k in range(1, order + 1)
        for c in itertools.combinations(drug_items, k)
    ]

    def jobs() -> Iterator[tuple[tuple[str, str, int, str], Key]]:
        for g in geno_items:
            bg = env | g if g is not None else env
            gname = g.name if g is not None else WILD_TYPE
            yield (gname, NO_DRUG, 0, ""), _key(bg)
            for combo, sc in _combinations(bg, drug_items, order):
                if sc is not None:
                    yield (gname, combination_name(combo), len(combo), _fixes(combo)), _key(sc)

    total = sum(1 for _ in jobs())
    rows: list[dict[str, Any]] = []
    baselines: dict[str, Outcome] = {}
    bar = _Progress(progress, total, 0, "comb")
    try:
        with _Runner(
            network, semantics, workers=workers, scheduler=scheduler, expected=total
        ) as runner:
            for chunk in runner.map(jobs()):
                for (gname, treatment, size, fixes), outcome in chunk:
                    base = baselines.setdefault(gname, outcome)
                    row = make_row(treatment, size, fixes, outcome, base)
                    rows.append({"genotype": gname, "treatment": treatment, **row})
                bar.update(len(chunk))
            evaluated = runner.evaluated
    finally:
        bar.close()
    present = [t for t in treatments if any(r["treatment"] == t for r in rows)]
    return MatrixResult(
        model=network.name,
        semantics=semantics,
        genotypes=(WILD_TYPE, *geno_names),
        treatments=tuple(present),
        rows=tuple(rows),
        networks_evaluated=evaluated,
    )


__all__ = [
    "COLUMNS",
    "MATRIX_COLUMNS",
    "PERTURB_MODES",
    "MatrixResult",
    "Outcome",
    "ScreenError",
    "ScreenResult",
    "ScreenSettings",
    "change_text",
    "combination_name",
    "drug_genotype_matrix",
    "iter_rows",
    "journal_path",
    "make_row",
    "meta_path",
    "model_hash",
    "read_screen",
    "screen",
]
