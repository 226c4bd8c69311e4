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
  perturb), their digest and the number of rows expected; a resume with other settings is
  refused.
* A resume (and a rerun of a screen its meta file calls complete) checks every row already
  written: each expected combination exactly once, every field of the right type and
  consistent with the counts. A truncated file resumes its missing rows; a bad row (corrupted
  field, duplicate, foreign combination) is reported with its file and line, dropped and its
  combination recomputed (:attr:`ScreenResult.repairs`).
* ``FILE.lock`` (``fcntl.flock``, not blocking) keeps a second screen off the same file while
  one runs: it fails at once, naming the pid of the one writing.
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

import contextlib
import csv
import hashlib
import io
import itertools
import json
import logging
import math
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from .._optional import require
from ..attractors import SEMANTICS, Budget, Semantics
from ..exceptions import (
    ConflictingPerturbationError,
    ScreenError,
    UnknownNameError,
)
from ..export._cells import safe_cell
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


# ---- output files ---------------------------------------------------------------------------
def meta_path(output: str | Path) -> Path:
    """The settings sidecar of ``output``: ``FILE.meta.json``."""
    return Path(f"{output}.meta.json")


def journal_path(output: str | Path) -> Path:
    """Where rows stream to: the output itself for CSV, else ``FILE.partial.csv``."""
    p = Path(output)
    return p if p.suffix.lower() == ".csv" else Path(f"{p}.partial.csv")


def _unescape(value: str) -> str:
    """Undo :func:`safe_cell` (a ``'`` it put before a formula-like text)."""
    if value.startswith("'") and safe_cell(value[1:]) == value:
        return value[1:]
    return value


def _csv_text(rows: Iterable[Mapping[str, Any]], header: bool = False) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if header:
        writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([safe_cell(row[c]) for c in COLUMNS])
    return buffer.getvalue()


_INT_TEXT = re.compile(r"-?[0-9]{1,18}")
MAX_LINE = 1 << 16  # a journal line longer than this is not a row we wrote
MAX_REPORTED = 20  # repair messages kept in ScreenResult.repairs (then a summary)


def _parse_strict(values: Sequence[str]) -> dict[str, Any]:
    """A journal row's fields, typed; ValueError naming the first bad field."""
    if len(values) != len(COLUMNS):
        raise ValueError(f"{len(values)} fields, expected {len(COLUMNS)}")
    row: dict[str, Any] = {c: _unescape(v) for c, v in zip(COLUMNS, values, strict=True)}
    for c in _INT_COLUMNS:
        if not _INT_TEXT.fullmatch(row[c]):
            raise ValueError(f"{c} is {row[c]!r}, not a whole number")
        row[c] = int(row[c])
    for c in _BOOL_COLUMNS:
        if row[c] not in ("True", "False"):
            raise ValueError(f"{c} is {row[c]!r}, not True or False")
        row[c] = row[c] == "True"
    text = row["proliferative_fraction"]
    try:
        fraction = float(text)
    except ValueError:
        raise ValueError(f"proliferative_fraction is {text!r}, not a number") from None
    if not 0.0 <= fraction <= 1.0:  # also refuses nan
        raise ValueError(f"proliferative_fraction is {text!r}, not between 0 and 1")
    row["proliferative_fraction"] = fraction
    return row


def _row_problem(row: Mapping[str, Any], tag: tuple[str, int, str], background: Outcome) -> str:
    """What is wrong with a typed row for the combination ``tag`` ('' if nothing): types,
    value ranges, and every derived field recomputed from the counts and the background."""
    name, size, fixes = tag
    if row.get("perturbation") != name:
        return f"row for {row.get('perturbation')!r} where {name!r} was expected"
    for c in _INT_COLUMNS:
        if not isinstance(row.get(c), int) or isinstance(row.get(c), bool):
            return f"{c} is {row.get(c)!r}, not a whole number"
    for c in _BOOL_COLUMNS:
        if not isinstance(row.get(c), bool):
            return f"{c} is {row.get(c)!r}, not True or False"
    counts = tuple(int(row[p]) for p in PHENOTYPES)
    attractors = int(row["attractors"])
    if attractors < 0 or min(counts) < 0 or sum(counts) != attractors:
        return f"the phenotype counts {counts} do not add up to {attractors} attractors"
    outcome = Outcome(attractors, counts, bool(row["endocrine_resistant"]))
    expected = make_row(name, size, fixes, outcome, background)
    for c in COLUMNS:
        value = row.get(c)
        if value != expected[c] or type(value) is not type(expected[c]):
            return f"{c} is {value!r}, expected {expected[c]!r}"
    return ""


def _lines(handle: Any) -> Iterator[tuple[int, int, bytes | None]]:
    """``(line number, offset, bytes)`` of each line of a binary file; None for a line over
    :data:`MAX_LINE` bytes (skipped without reading it into memory)."""
    number = offset = 0
    while line := handle.readline(MAX_LINE):
        number += 1
        start = offset
        offset += len(line)
        if len(line) == MAX_LINE and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = handle.readline(MAX_LINE)
                offset += len(line)
            yield number, start, None
        else:
            yield number, start, line


def _values(raw: bytes | None) -> list[str]:
    if raw is None:
        raise ValueError(f"a line of more than {MAX_LINE} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("not UTF-8 text") from None
    try:
        return next(csv.reader([text.rstrip("\r\n")]), [])
    except csv.Error as exc:
        raise ValueError(f"not a CSV row ({exc})") from None


def _check_header(journal: Path, raw: bytes | None) -> None:
    try:
        header = _values(raw)
    except ValueError:
        header = []
    if tuple(header) != COLUMNS:
        raise ScreenError(
            f"{journal}, line 1: unexpected columns; not a screen journal (use another output, "
            "or delete it and its .meta.json to start over)"
        )


Job = tuple[tuple[str, int, str], Key]


@dataclass
class _Resume:
    """What a journal already holds: rows kept, the jobs still to run, what was repaired."""

    kept: int
    pending: Iterator[Job]
    problems: list[str] = field(default_factory=list)
    dropped: int = 0
    repaired: bool = False  # rows may be out of enumeration order: sort once complete


def _read_journal(
    journal: Path, jobs: Callable[[], Iterator[Job]], index: _ComboIndex, background: Outcome
) -> _Resume:
    """Validate the journal against this screen: fast path when its rows are exactly the first
    jobs (a clean prefix: resume by appending); else repair it (:func:`_repair_journal`)."""
    if not journal.exists() or journal.stat().st_size == 0:
        return _Resume(0, jobs())
    _drop_partial_line(journal)
    pending = jobs()
    count = 0
    clean = True
    with journal.open("rb") as handle:
        lines = _lines(handle)
        first = next(lines, None)
        if first is None:
            return _Resume(0, pending)
        _check_header(journal, first[2])
        for _, _, raw in lines:
            job = next(pending, None)
            try:
                row = _parse_strict(_values(raw))
            except ValueError:
                clean = False
                break
            if job is None or _row_problem(row, job[0], background):
                clean = False
                break
            count += 1
    if clean:
        return _Resume(count, pending)
    return _repair_journal(journal, jobs, index, background)


def _repair_journal(
    journal: Path, jobs: Callable[[], Iterator[Job]], index: _ComboIndex, background: Outcome
) -> _Resume:
    """Keep each valid row of a combination of this screen once; drop the rest, naming the
    file and line; the jobs left are every combination without a kept row."""
    seen = _Seen(index.size)
    problems: list[str] = []
    dropped = kept = 0
    tmp = journal.with_name(f".{journal.name}.repair.tmp")
    with journal.open("rb") as source, tmp.open("w", newline="", encoding="utf-8") as target:
        writer = csv.writer(target, lineterminator="\n")
        writer.writerow(COLUMNS)
        lines = _lines(source)
        next(lines, None)  # the header, checked
        for number, _, raw in lines:
            try:
                values = _values(raw)
                row = _parse_strict(values)
                where = index.locate(row["perturbation"])
                if where is None:
                    raise ValueError(f"{row['perturbation']!r} is not a combination of this screen")
                rank, indices = where
                if rank in seen:
                    raise ValueError(f"a second row for {row['perturbation']!r}")
                problem = _row_problem(row, index.tag(indices), background)
                if problem:
                    raise ValueError(problem)
            except ValueError as exc:
                dropped += 1
                if len(problems) < MAX_REPORTED:
                    problems.append(f"{journal}, line {number}: {exc}; row dropped")
                continue
            seen.add(rank)
            kept += 1
            writer.writerow(values)
    if dropped:
        os.replace(tmp, journal)
        if dropped > len(problems):
            problems.append(f"{journal}: {dropped - len(problems)} more rows dropped")
        problems.append(
            f"{journal}: {dropped} rows dropped, {kept} kept; the missing combinations are "
            "recomputed"
        )
        for message in problems:
            log.info("%s", message)
    else:
        tmp.unlink()

    def missing() -> Iterator[Job]:
        for job in jobs():
            where = index.locate(job[0][0])
            if where is None or where[0] not in seen:
                yield job

    return _Resume(kept, missing(), problems, dropped, repaired=True)


def _sort_journal(journal: Path, index: _ComboIndex) -> None:
    """Rewrite the journal's rows in enumeration order (after a repair appended the missing
    ones at the end); memory: two machine integers per row."""
    from array import array

    keys: array[int] = array("q")
    offsets: array[int] = array("q")
    with journal.open("rb") as handle:
        lines = _lines(handle)
        next(lines, None)
        for number, offset, raw in lines:
            where = index.locate(_values(raw)[0])
            if where is None:  # pragma: no cover - the journal was just validated
                raise ScreenError(f"{journal}, line {number}: not a row of this screen")
            keys.append(index.order_key(where[1]))
            offsets.append(offset)
    if all(keys[i] < keys[i + 1] for i in range(len(keys) - 1)):
        return
    tmp = journal.with_name(f".{journal.name}.sort.tmp")
    with journal.open("rb") as source, tmp.open("wb") as target:
        target.write(_csv_text((), header=True).encode("utf-8"))
        for i in sorted(range(len(keys)), key=keys.__getitem__):
            source.seek(offsets[i])
            target.write(source.readline(MAX_LINE))
    os.replace(tmp, journal)


def _salvage_table(
    output: Path, journal: Path, jobs: Callable[[], Iterator[Job]], index: _ComboIndex,
    background: Outcome,
) -> tuple[bool, list[str]]:  # fmt: skip
    """Check a finished .parquet/.xlsx against this screen: ``(complete, problems)``. If it is
    not complete, its valid rows are written to a fresh ``journal`` to resume from."""
    expected = jobs()
    problems: list[str] = []
    try:
        complete = True
        for number, row in enumerate(iter_rows(output), start=2):
            job = next(expected, None)
            if job is None or _row_problem(row, job[0], background):
                complete = False
                problems.append(f"{output}, row {number}: not the row this screen expects")
                break
        if complete and next(expected, None) is not None:
            complete = False
            problems.append(f"{output}: fewer rows than the screen has combinations")
        if complete:
            return True, []
        seen = _Seen(index.size)
        writer = _Journal(journal)
        try:
            block: list[dict[str, Any]] = []
            for row in iter_rows(output):
                where = index.locate(str(row.get("perturbation")))
                if where is None or where[0] in seen:
                    continue
                if _row_problem(row, index.tag(where[1]), background):
                    continue
                seen.add(where[0])
                block.append(row)
                if len(block) >= 4096:
                    writer.append(block)
                    block = []
            writer.append(block)
        finally:
            writer.close()
    except Exception as exc:  # any unreadable table (pyarrow, zip, openpyxl errors)
        problems.append(f"{output}: cannot be read back ({type(exc).__name__}: {exc})")
    problems.append(f"{output}: incomplete or damaged; its missing rows are recomputed")
    for message in problems:
        log.info("%s", message)
    return False, problems


class _OutputLock:
    """An exclusive, non-blocking ``flock`` on ``FILE.lock`` for the time a screen writes
    ``FILE``; the file holds the writer's pid (for the message a second screen gets)."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self.path = Path(f"{output}.lock")
        self.fd: int | None = None

    def __enter__(self) -> _OutputLock:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: no lock
            return self
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                os.close(fd)
                who = f"pid {holder}" if holder.isdigit() else "another process"
                raise ScreenError(
                    f"{self.output} is being written by another screen ({who}); wait for it to "
                    "finish, stop it, or use another output file"
                ) from None
            try:  # a finishing writer may have removed the file between open and flock
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self.fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            os.close(self.fd)
            self.fd = None


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
                try:
                    yield _parse_strict(values)
                except ValueError as exc:
                    raise ScreenError(f"{p}, line {reader.line_num}: {exc}") from None
    elif suffix == ".parquet":
        pq = require("pyarrow.parquet", extra="parquet", what="reading .parquet")
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
                if len(values) != len(COLUMNS):
                    raise ScreenError(f"{p}: a row of {len(values)} cells, not {len(COLUMNS)}")
                row = dict(zip(COLUMNS, values, strict=True))
                for c in ("phenotypes_gained", "phenotypes_lost"):
                    row[c] = row[c] or ""
                yield {k: _unescape(v) if isinstance(v, str) else v for k, v in row.items()}
        finally:
            book.close()
    else:
        raise ScreenError(f"{p}: unknown table suffix; use one of {', '.join(OUTPUT_SUFFIXES)}")


def read_screen(path: str | Path) -> pd.DataFrame:
    """A screen table as a pandas DataFrame (for the web app and notebooks)."""
    import pandas as pd

    return pd.DataFrame.from_records(list(iter_rows(path)), columns=list(COLUMNS))


def _arrow_schema() -> Any:
    pa = require("pyarrow", extra="parquet", what="writing .parquet")

    types = {c: pa.int64() for c in _INT_COLUMNS}
    types.update({c: pa.bool_() for c in _BOOL_COLUMNS})
    types["proliferative_fraction"] = pa.float64()
    return pa.schema([(c, types.get(c, pa.string())) for c in COLUMNS])


def _convert(journal: Path, output: Path, chunk: int = 50_000) -> None:
    """Write the finished journal as ``output`` (.parquet or .xlsx), streaming, atomically."""
    tmp = output.with_name(f".{output.name}.tmp")
    rows = iter_rows(journal)
    if output.suffix.lower() == ".parquet":
        pa = require("pyarrow", extra="parquet", what="writing .parquet")
        pq = require("pyarrow.parquet", extra="parquet", what="writing .parquet")
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
            sheet.append([safe_cell(row[c]) for c in COLUMNS])
        book.save(tmp)
    os.replace(tmp, output)


def _write_meta(path: Path, data: Mapping[str, Any]) -> None:
    from .._files import write_text_atomic

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
    rerunning with the same output resumes (settings must match; the rows already there are
    checked, and bad ones dropped and recomputed, see ``repairs``). Without ``output`` the rows
    are kept in ``result.rows``. While a screen writes ``output``, another screen on the same
    file fails at once (``FILE.lock``).

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
        A request that cannot run: over ``max_combinations``, settings differing from those of
        ``output``, ``output`` being written by another screen, ...
    """
    _check_network(network)
    _check_order(order)
    _check_semantics(semantics)
    check_workers(workers, scheduler)
    _check_progress(progress)
    _check_int(batch_size, "batch_size", minimum=1)
    _check_budget(budget)
    _check_int(max_combinations, "max_combinations", minimum=0)
    if output is not None and not isinstance(output, str | os.PathLike):
        raise TypeError(f"output must be a path (str or Path) or None, not {type(output).__name__}")
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
        output=output,
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
    clashing: Sequence[str] = (),
) -> ScreenResult:
    order = settings.order
    total, n_skipped = count_combinations(items, order)
    _over_budget(
        total,
        f"combinations ({len(items)} target perturbations, order {order})",
        max_combinations,
    )
    out_path = Path(output) if output is not None else None
    if out_path is not None and out_path.suffix.lower() not in OUTPUT_SUFFIXES:
        raise ScreenError(
            f"{out_path}: unknown output suffix {out_path.suffix!r}; use one of "
            f"{', '.join(OUTPUT_SUFFIXES)}"
        )
    bar = _Progress(progress, total, "comb")
    try:
        bar.begin()  # may raise (a time budget): before any enumeration or search
        skipped = (*clashing, *(_skipped_names(items, order) if n_skipped else ()))

        def jobs() -> Iterator[Job]:
            for combo, sc in _combinations(bg, items, order):
                if sc is not None:
                    yield (combination_name(combo), len(combo), _fixes(combo)), key_of(sc, network)

        with BatchRunner(
            network,
            settings.semantics,
            workers=workers,
            scheduler=scheduler,
            batch_size=batch_size,
            expected=total,
            budget=budget,
        ) as runner:

            def result(
                resumed: int,
                rows: tuple[dict[str, Any], ...] | None,
                background: Outcome,
                resume: _Resume | None = None,
            ) -> ScreenResult:
                return ScreenResult(
                    settings=settings,
                    background=background,
                    output=out_path,
                    rows_total=total,
                    rows_resumed=resumed,
                    networks_evaluated=runner.evaluated,
                    skipped=tuple(skipped),
                    excluded_targets=tuple(excluded),
                    complete=True,
                    rows=rows,
                    repairs=tuple(resume.problems) if resume else (),
                    rows_dropped=resume.dropped if resume else 0,
                )

            if out_path is None:
                background_outcome = _batch.evaluate(
                    network, settings.semantics, key_of(bg, network), budget
                )
                bar.resume(0)
                kept: list[dict[str, Any]] = []
                for chunk in runner.map(jobs()):
                    kept.extend(make_row(n, s, f, o, background_outcome) for (n, s, f), o in chunk)
                    bar.update(len(chunk))
                return result(0, tuple(kept), background_outcome)

            with _OutputLock(out_path):
                background_outcome = _batch.evaluate(
                    network, settings.semantics, key_of(bg, network), budget
                )
                settings_dict = settings.to_dict()
                meta: dict[str, Any] = {
                    "schema": SCHEMA,
                    "settings": settings_dict,
                    "settings_digest": settings_digest(settings_dict),
                    "columns": list(COLUMNS),
                    "background_outcome": background_outcome.to_dict(),
                    "rows": total,
                    "skipped": len(skipped),
                    "excluded_targets": list(excluded),
                    "complete": False,
                }
                meta_file = meta_path(out_path)
                journal = journal_path(out_path)
                index = _ComboIndex(items, order)
                state = _prepare_resume(out_path, meta_file, journal, meta)
                problems: list[str] = []
                if state == "complete" and journal != out_path and not journal.exists():
                    complete, problems = _salvage_table(
                        out_path, journal, jobs, index, background_outcome
                    )
                    if complete:
                        return result(total, None, background_outcome)
                resume = _read_journal(journal, jobs, index, background_outcome)
                resume.problems[:0] = problems
                if resume.kept == total and state == "complete" and not resume.repaired:
                    return result(total, None, background_outcome)
                _write_meta(meta_file, meta)
                bar.resume(resume.kept)
                writer = _Journal(journal)
                written = resume.kept
                try:
                    for chunk in runner.map(resume.pending):
                        writer.append(
                            [make_row(n, s, f, o, background_outcome) for (n, s, f), o in chunk]
                        )
                        written += len(chunk)
                        bar.update(len(chunk))
                finally:
                    writer.close()
                if written != total:  # pragma: no cover - a bug, never user input
                    raise ScreenError(f"{journal}: {written} rows written, {total} expected")
                if resume.repaired:
                    _sort_journal(journal, index)
                if journal != out_path:
                    _convert(journal, out_path)
                    journal.unlink()
                meta["complete"] = True
                _write_meta(meta_file, meta)
                return result(resume.kept, None, background_outcome, resume)
    finally:
        bar.close()


def _prepare_resume(output: Path, meta_file: Path, journal: Path, meta: dict[str, Any]) -> str:
    """Check an existing output against ``meta``: "complete" (the meta file says so: still to
    be checked against the rows), "resume" or "fresh"."""
    if meta_file.exists():
        old = _read_meta(meta_file)
        old_settings = old.get("settings", {})
        if not isinstance(old_settings, dict):
            raise ScreenError(f"{meta_file}: 'settings' is not a table; not a screen meta file")
        diff = _differences(old_settings, meta["settings"])
        if diff:
            raise ScreenError(
                f"{output} was written by a screen with other settings ({'; '.join(diff)}); "
                "use another output file, or delete it and its .meta.json to start over"
            )
        digest = old.get("settings_digest")
        if digest is not None and digest != settings_digest(old_settings):
            raise ScreenError(
                f"{meta_file}: its settings do not match their digest (the file was edited); "
                "use another output file, or delete it and its .meta.json to start over"
            )
        if old.get("complete") is True and output.exists():
            return "complete"
        return "resume"
    if output.exists() or journal.exists():
        raise ScreenError(
            f"{output} exists but has no {meta_file.name}: not a screen this command can resume; "
            "use another output file or delete it"
        )
    return "fresh"


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
        """Write the table (.csv, .parquet or .xlsx), atomically; in CSV and XLSX a name that
        a spreadsheet would run as a formula is written as text (``'`` in front)."""
        p = Path(path)
        suffix = p.suffix.lower()
        if suffix not in OUTPUT_SUFFIXES:
            known = ", ".join(OUTPUT_SUFFIXES)
            raise ScreenError(f"{p}: unknown table suffix; use one of {known}")
        frame = self.to_frame()
        if suffix != ".parquet":
            for column in ("genotype", "treatment", "perturbation", "fixes"):
                frame[column] = frame[column].map(safe_cell)
        tmp = p.with_name(f".{p.name}.tmp")
        if suffix == ".csv":
            frame.to_csv(tmp, index=False, lineterminator="\n")
        elif suffix == ".parquet":
            frame.to_parquet(tmp, index=False)
        else:
            frame.to_excel(tmp, index=False, sheet_name="matrix", engine="openpyxl")
        os.replace(tmp, p)


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
    bar = _Progress(progress, total, "comb")
    try:
        bar.begin()
        bar.resume(0)
        with BatchRunner(
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
    "COLUMNS",
    "MATRIX_COLUMNS",
    "PERTURB_MODES",
    "BatchRunner",
    "Key",
    "MatrixResult",
    "Outcome",
    "ProgressBar",
    "ScreenError",
    "ScreenResult",
    "ScreenSettings",
    "as_scenario",
    "change_text",
    "check_int",
    "check_network",
    "check_progress",
    "check_semantics",
    "check_workers",
    "combination_name",
    "count_combinations",
    "drug_genotype_matrix",
    "iter_rows",
    "journal_path",
    "key_of",
    "make_row",
    "meta_path",
    "model_hash",
    "node_items",
    "over_budget",
    "read_screen",
    "registered",
    "screen",
    "settings_digest",
]
