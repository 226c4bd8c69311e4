"""Attractor tables: CSV and JSON with the settings that produced them.

CSV: leading ``# key: value`` metadata lines (read with ``pandas.read_csv(path, comment="#")``),
then a header ``attractor,type,phenotype,endocrine_resistant,size,<node>...`` and one row per
attractor; node values are ``0``, ``1`` or ``*`` (oscillating). Every field is quoted where
it must be and no cell starts a formula (a name ``=HYPERLINK(...)`` is written ``'=HYPERLINK(...)``;
see :mod:`mtor_network.export._cells`), in CSV, TSV and XLSX alike.

JSON (schema ``mtor_network.attractors/1``)::

    {"schema": ..., "generated": ISO-8601 UTC time,
     "settings": {"model", "model_version", "model_hash", "semantics", "engine", "perturbations": [
                    {"name", "kind", "effects": {node: 0|1}, "mechanism", "class",
                     "endocrine", "references"}],
                  "fixed_nodes": {node: 0|1}, "endocrine_therapy",
                  "total_attractors": n found, "complete": bool, "package_version"},
     "nodes": [node, ...],
     "summary": {"attractors": n in this file, "total_attractors": n found,
                 "complete": bool (false: the file holds the first ones only),
                 "phenotypes": {phenotype: count}, "proliferative": bool,
                 "endocrine_resistant": bool},
     "attractors": [{"type": "fixed_point"|"cyclic", "phenotype", "endocrine_resistant",
                     "size": states or null, "values": {node: 0|1|"*"}}]}
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from ..attractors import AttractorResult
from ._cells import metadata_lines, safe_cell

COLUMNS = ("attractor", "type", "phenotype", "endocrine_resistant", "size")


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def metadata(result: AttractorResult, generated: str | None = None) -> dict[str, str]:
    """Flat metadata for table headers."""
    settings = result.settings()
    perturbations = "; ".join(
        f"{p['name']} ({p['kind']}: " + ", ".join(f"{k}={v}" for k, v in p["effects"].items()) + ")"
        for p in settings["perturbations"]
    )
    return {
        "model": f"{result.model} {result.model_version}".strip(),
        "model_hash": settings["model_hash"],
        "semantics": result.semantics,
        "engine": result.engine,
        "perturbations": perturbations or "none",
        "attractors": f"{result.total_attractors}"
        + ("" if result.complete else f" (the first {len(result)} are in this table)"),
        "complete": "yes" if result.complete else "no",
        "package_version": settings["package_version"],
        "generated": generated or _now(),
    }


def rows(result: AttractorResult) -> list[dict[str, Any]]:
    """One dict per attractor: the columns of :data:`COLUMNS` then every node."""
    out = []
    for i, a in enumerate(result, start=1):
        row: dict[str, Any] = {
            "attractor": i,
            "type": a.kind,
            "phenotype": a.phenotype,
            "endocrine_resistant": a.endocrine_resistant,
            "size": a.size if a.size is not None else "",
        }
        row.update({n: v for n, v in a.values})
        out.append(row)
    return out


def to_csv(result: AttractorResult, *, generated: str | None = None, sep: str = ",") -> str:
    """CSV text with metadata comment lines."""
    buffer = io.StringIO()
    buffer.write(metadata_lines(metadata(result, generated), sep=sep))
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\n")
    header = [*COLUMNS, *result.nodes]
    writer.writerow([safe_cell(c) for c in header])
    for row in rows(result):
        writer.writerow([safe_cell(row[c]) for c in header])
    return buffer.getvalue()


def to_json(result: AttractorResult, *, generated: str | None = None, indent: int = 2) -> str:
    """JSON text (schema in the module docstring)."""
    data = result.to_dict()
    data = {"schema": data.pop("schema"), "generated": generated or _now(), **data}
    return json.dumps(data, indent=indent) + "\n"


def to_tsv(result: AttractorResult, *, generated: str | None = None) -> str:
    """Tab-separated variant of :func:`to_csv`."""
    return to_csv(result, generated=generated, sep="\t")


def append_safe(sheet: Any, values: Sequence[Any]) -> None:
    """Append a row to an openpyxl worksheet with every cell stored as data, never a formula.

    Text goes through :func:`~mtor_network.export._cells.safe_cell` (``=...`` becomes ``'=...``),
    and any cell openpyxl still took for a formula is stored as a string.

    Parameters
    ----------
    sheet
        An ``openpyxl`` worksheet.
    values
        The cells of the row.
    """
    sheet.append([safe_cell(v) for v in values])
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"


def to_xlsx(result: AttractorResult, *, generated: str | None = None) -> bytes:
    """An Excel workbook: sheet ``attractors`` (one row per attractor) and sheet ``settings``
    (model and version, semantics, engine, perturbations, package version, date)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "attractors"
    header = [*COLUMNS, *result.nodes]
    append_safe(sheet, header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows(result):
        append_safe(sheet, [row[c] for c in header])
    sheet.freeze_panes = "F2"
    settings = book.create_sheet("settings")
    for key, value in metadata(result, generated).items():
        append_safe(settings, [key, value])
    fixed = ", ".join(f"{k}={int(v)}" for k, v in result.fixed_nodes)
    append_safe(settings, ["fixed_nodes", fixed])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
