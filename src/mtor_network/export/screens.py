"""Screen files: the resumable journal a screen writes its rows to, its meta file, the
integrity checks of a resume, the lock, and the Parquet / XLSX conversion
(see :mod:`mtor_network.analysis.screens` for the rules).

:func:`screen` is :func:`mtor_network.analysis.screens.screen` with ``output=FILE``: it passes a
:class:`JournalSink`, which drives the screen into the file:

* ``.csv``: the output itself is the journal; each chunk of rows is appended with one
  ``write`` and flushed; a partial last line left by a kill is dropped on resume.
* ``.parquet`` / ``.xlsx``: rows stream to ``FILE.partial.csv`` and are converted (in row
  groups / write-only mode, memory flat) when the screen completes.
* ``FILE.meta.json`` records the settings and their digest; a resume with other settings is
  refused; the rows already written are checked, bad ones dropped and recomputed.
* ``FILE.lock`` keeps a second screen off the same file while one runs.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import json
import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._optional import require
from ..analysis._batch import Outcome
from ..analysis.screens import (
    _BOOL_COLUMNS,
    _INT_COLUMNS,
    BASIN_COLUMNS,
    COLUMNS,
    MATRIX_COLUMNS,
    OLD_SCHEMAS,
    SCHEMA,
    Graded,
    Job,
    MatrixResult,
    Progress,
    ScreenError,
    ScreenResult,
    ScreenRun,
    _ComboIndex,
    _Seen,
    graded_problem,
    make_row,
    settings_digest,
)
from ..analysis.screens import screen as _screen
from ..phenotypes import PHENOTYPES
from ._cells import safe_cell

if TYPE_CHECKING:
    import pandas as pd

    from ..analysis.screens import PerturbMode
    from ..attractors import Budget, Semantics
    from ..network import BooleanNetwork
    from ..perturbations import Perturbation, Scenario

log = logging.getLogger(__name__)

OUTPUT_SUFFIXES = (".csv", ".parquet", ".xlsx")


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
    for c in BASIN_COLUMNS:
        text = row[c]
        if text == "":
            row[c] = None
            continue
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"{c} is {text!r}, not a number or empty") from None
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{c} is {text!r}, not between 0 and 1")
        row[c] = value
    return row


def _graded(row: Mapping[str, Any]) -> Graded:
    """The graded values of a typed row (as parsed: float or None)."""
    values = [row.get(c) for c in BASIN_COLUMNS]
    cleaned = [
        float(v) if isinstance(v, int | float) and not isinstance(v, bool) else v for v in values
    ]
    return Graded(*cleaned)


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
    graded = _graded(row)
    problem = graded_problem(outcome, graded)
    if problem:
        return problem
    expected = make_row(name, size, fixes, outcome, background, graded)
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
    """A screen table as a pandas DataFrame (for notebooks); needs pandas (extra ``pandas``)."""
    pd = require("pandas", extra="pandas", what="read_screen")

    return pd.DataFrame.from_records(list(iter_rows(path)), columns=list(COLUMNS))


def _arrow_schema(columns: Sequence[str] = COLUMNS) -> Any:
    pa = require("pyarrow", extra="parquet", what="writing .parquet")

    types = {c: pa.int64() for c in _INT_COLUMNS}
    types.update({c: pa.bool_() for c in _BOOL_COLUMNS})
    types["proliferative_fraction"] = pa.float64()
    types.update({c: pa.float64() for c in BASIN_COLUMNS})  # null: not computed
    return pa.schema([(c, types.get(c, pa.string())) for c in columns])


def _write_table(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    output: Path,
    sheet_name: str,
    chunk: int = 50_000,
) -> None:
    """Write ``rows`` as ``output`` (.csv, .parquet or .xlsx by suffix), streaming, atomically;
    in CSV and XLSX a text a spreadsheet would run as a formula is stored as text."""
    tmp = output.with_name(f".{output.name}.tmp")
    suffix = output.suffix.lower()
    rows = iter(rows)
    if suffix == ".parquet":
        pa = require("pyarrow", extra="parquet", what="writing .parquet")
        pq = require("pyarrow.parquet", extra="parquet", what="writing .parquet")
        schema = _arrow_schema(columns)
        with pq.ParquetWriter(tmp, schema) as writer:
            while block := list(itertools.islice(rows, chunk)):
                writer.write_table(pa.Table.from_pylist(block, schema=schema))
    elif suffix == ".csv":
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            for row in rows:
                writer.writerow([safe_cell(row[c]) for c in columns])
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(sheet_name)
        sheet.append(list(columns))
        for row in rows:
            sheet.append([safe_cell(row[c]) for c in columns])
        book.save(tmp)
    os.replace(tmp, output)


def _convert(journal: Path, output: Path) -> None:
    """Write the finished journal as ``output`` (.parquet or .xlsx), streaming, atomically."""
    _write_table(iter_rows(journal), COLUMNS, output, "screen")


def _write_meta(path: Path, data: Mapping[str, Any]) -> None:
    from .._files import write_text_atomic

    write_text_atomic(path, json.dumps(data, indent=2) + "\n")


def _read_meta(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ScreenError(f"{path}: cannot read the screen settings ({exc})") from None
    if isinstance(data, dict) and data.get("schema") in OLD_SCHEMAS:
        raise ScreenError(
            f"{path}: written by an older version of mtor-network (schema {data['schema']}, "
            f"without the graded columns {', '.join(BASIN_COLUMNS)} of {SCHEMA}); it cannot be "
            "resumed: use another output file, or delete it and its .meta.json to rerun"
        )
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


class JournalSink:
    """Puts a screen's rows into ``path`` (.csv, .parquet, .xlsx) as they are computed; a rerun
    on the same file resumes (see the module docstring).

    Parameters
    ----------
    path : str or Path
        The output file.
    """

    def __init__(self, path: str | Path) -> None:
        if not isinstance(path, str | os.PathLike):
            raise TypeError(
                f"output must be a path (str or Path) or None, not {type(path).__name__}"
            )
        self.path = Path(path)

    def check(self) -> None:
        """Refuse an unknown suffix, before any search."""
        if self.path.suffix.lower() not in OUTPUT_SUFFIXES:
            raise ScreenError(
                f"{self.path}: unknown output suffix {self.path.suffix!r}; use one of "
                f"{', '.join(OUTPUT_SUFFIXES)}"
            )

    def run(self, run: ScreenRun) -> ScreenResult:
        """Resume or start the journal of ``run``, compute the missing rows, convert.

        Parameters
        ----------
        run : ScreenRun
            The screen, ready to compute.

        Returns
        -------
        ScreenResult
            With ``output`` set and ``rows`` None.
        """
        out_path = self.path
        settings, total, bar, jobs = run.settings, run.total, run.bar, run.jobs
        skipped, excluded = run.skipped, run.excluded

        def result(
            resumed: int, rows: None, background: Outcome, resume: _Resume | None = None
        ) -> ScreenResult:
            return run.result(
                resumed,
                rows,
                background,
                output=out_path,
                repairs=resume.problems if resume else (),
                dropped=resume.dropped if resume else 0,
            )

        with _OutputLock(out_path):
            background_outcome = run.background_outcome()
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
            index = _ComboIndex(run.items, settings.order)
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
                for chunk in run.mapped(resume.pending):
                    writer.append(run.rows(chunk, background_outcome))
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
    """:func:`mtor_network.analysis.screens.screen`, with the rows written to ``output``.

    One row per combination (see :data:`~mtor_network.analysis.screens.COLUMNS`), written to
    ``output`` (.csv, .parquet, .xlsx) as it is computed; rerunning with the same output
    resumes (settings must match; the rows already there are checked, and bad ones dropped and
    recomputed, see ``repairs``). Without ``output`` the rows are kept in ``result.rows``.
    While a screen writes ``output``, another screen on the same file fails at once
    (``FILE.lock``). The other parameters are those of the analysis function.

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
    return _screen(
        network,
        background=background,
        targets=targets,
        order=order,
        perturb=perturb,
        semantics=semantics,
        workers=workers,
        scheduler=scheduler,
        sink=None if output is None else JournalSink(output),
        progress=progress,
        batch_size=batch_size,
        budget=budget,
        max_combinations=max_combinations,
    )


def write_matrix(result: MatrixResult, path: str | Path) -> None:
    """Write a drug x genotype table (.csv, .parquet or .xlsx), atomically; in CSV and XLSX a
    name that a spreadsheet would run as a formula is written as text (``'`` in front).

    Parameters
    ----------
    result : MatrixResult
        The table of :func:`~mtor_network.analysis.screens.drug_genotype_matrix`.
    path : str or Path
        The file; its suffix names the format.

    Raises
    ------
    ScreenError
        An unknown suffix.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        known = ", ".join(OUTPUT_SUFFIXES)
        raise ScreenError(f"{p}: unknown table suffix; use one of {known}")
    _write_table(result.rows, MATRIX_COLUMNS, p, "matrix")


__all__ = [
    "OUTPUT_SUFFIXES",
    "JournalSink",
    "iter_rows",
    "journal_path",
    "meta_path",
    "read_screen",
    "screen",
    "write_matrix",
]
