"""Simulation tables: a :class:`~mtor_network.simulation.SimulationResult` as CSV / TSV
(``# key: value`` settings lines first), JSON, Parquet (settings in the key-value metadata) and
XLSX (a ``settings`` sheet); every cell formula-safe, every file written atomically;
:func:`write_simulation` picks the format from the file's suffix."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._optional import require

if TYPE_CHECKING:
    from ..simulation import SimulationResult


def _number(value: Any) -> str:
    return repr(round(float(value), 10))


def _path(path: str | Path) -> Path:
    from ..simulation import _path as check

    return check(path)


def simulation_csv(
    result: SimulationResult,
    path: str | Path | None = None,
    *,
    sep: str = ",",
    generated: str | None = None,
) -> str:
    """The time series as CSV text (see :meth:`SimulationResult.columns`) after ``# key: value``
    lines with the settings (:meth:`SimulationResult.metadata`; ``pandas.read_csv(path,
    comment="#")`` skips them).

    Parameters
    ----------
    result : SimulationResult
        The simulation.
    path : str or Path, optional
        Also write the text here (atomically).
    sep : str
        The field separator (a tab for TSV).
    generated : str, optional
        The time stated in the metadata (default now).

    Returns
    -------
    str
        The table; no cell of it can run as a spreadsheet formula.
    """
    from ._cells import metadata_lines, safe_cell

    cols = result.columns()
    out = io.StringIO()
    out.write(metadata_lines(result.metadata(generated), sep=sep))
    writer = csv.writer(out, delimiter=sep, lineterminator="\n")
    writer.writerow([safe_cell(c) for c in cols])
    for row in zip(*cols.values(), strict=True):
        writer.writerow([_number(v) for v in row])
    text = out.getvalue()
    if path is not None:
        from .._files import write_text_atomic

        write_text_atomic(_path(path), text)
    return text


def simulation_parquet(
    result: SimulationResult, path: str | Path | None = None, *, generated: str | None = None
) -> bytes:
    """The time series as a Parquet file (extra ``parquet``); the settings of
    :meth:`SimulationResult.metadata` are in the file's key-value metadata under
    ``mtor_network`` (JSON).

    Parameters
    ----------
    result : SimulationResult
        The simulation.
    path : str or Path, optional
        Also write the file here (atomically).
    generated : str, optional
        The time stated in the metadata (default now).

    Returns
    -------
    bytes
        The Parquet file.
    """
    import numpy as np

    pa = require("pyarrow", extra="parquet", what="Parquet output")
    pq = require("pyarrow.parquet", extra="parquet", what="Parquet output")
    table = pa.table({k: np.asarray(v, dtype=float) for k, v in result.columns().items()})
    table = table.replace_schema_metadata({"mtor_network": json.dumps(result.metadata(generated))})
    buffer = pa.BufferOutputStream()
    pq.write_table(table, buffer)
    data = bytes(buffer.getvalue().to_pybytes())
    if path is not None:
        from .._files import write_bytes_atomic

        write_bytes_atomic(_path(path), data)
    return data


def simulation_xlsx(
    result: SimulationResult, path: str | Path | None = None, *, generated: str | None = None
) -> bytes:
    """An Excel workbook: sheet ``simulation`` (the time series, one row per time point) and
    sheet ``settings`` (:meth:`SimulationResult.metadata`); no cell is stored as a formula.

    Parameters
    ----------
    result : SimulationResult
        The simulation.
    path : str or Path, optional
        Also write the workbook here (atomically).
    generated : str, optional
        The time stated in the settings (default now).

    Returns
    -------
    bytes
        The workbook.
    """
    from openpyxl import Workbook

    from .attractors import append_safe

    cols = result.columns()
    book = Workbook()
    sheet = book.active
    sheet.title = "simulation"
    append_safe(sheet, list(cols))
    for row in zip(*cols.values(), strict=True):
        append_safe(sheet, [float(v) for v in row])
    settings = book.create_sheet("settings")
    for key, value in result.metadata(generated).items():
        append_safe(settings, [key, value])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    if path is not None:
        from .._files import write_bytes_atomic

        write_bytes_atomic(_path(path), data)
    return data


def simulation_json(result: SimulationResult, path: str | Path | None = None) -> str:
    """:meth:`SimulationResult.to_dict` as JSON text; also written atomically to ``path``.

    Parameters
    ----------
    result : SimulationResult
        The simulation.
    path : str or Path, optional
        Also write the text here.

    Returns
    -------
    str
        The JSON text.
    """
    text = json.dumps(result.to_dict(), indent=1)
    if path is not None:
        from .._files import write_text_atomic

        write_text_atomic(_path(path), text)
    return text


def simulation_tsv(
    result: SimulationResult, path: str | Path | None = None, *, generated: str | None = None
) -> str:
    """Tab-separated :func:`simulation_csv`.

    Parameters
    ----------
    result : SimulationResult
        The simulation.
    path : str or Path, optional
        Also write the text here (atomically).
    generated : str, optional
        The time stated in the metadata (default now).

    Returns
    -------
    str
        The table.
    """
    return simulation_csv(result, path, sep="\t", generated=generated)


def write_simulation(result: SimulationResult, path: str | Path) -> str:
    """Write ``result`` to ``path`` atomically, in the format its suffix names
    (:data:`~mtor_network.simulation.OUTPUT_FORMATS`).

    Parameters
    ----------
    result : SimulationResult
        The simulation.
    path : str or Path
        A ``.csv``, ``.tsv``, ``.json``, ``.parquet`` or ``.xlsx`` file.

    Returns
    -------
    str
        The format written (``"csv"``, ...).

    Raises
    ------
    SimulationError
        The suffix is not one of :data:`~mtor_network.simulation.OUTPUT_FORMATS`.
    """
    from ..simulation import output_format

    p = _path(path)
    fmt = output_format(p)
    writers: dict[str, Callable[[SimulationResult, Path], object]] = {
        "csv": simulation_csv,
        "tsv": simulation_tsv,
        "json": simulation_json,
        "parquet": simulation_parquet,
        "xlsx": simulation_xlsx,
    }
    writers[fmt](result, p)
    return fmt


__all__ = [
    "simulation_csv",
    "simulation_json",
    "simulation_parquet",
    "simulation_tsv",
    "simulation_xlsx",
    "write_simulation",
]
