"""Table cells that a spreadsheet shows as text, never runs as a formula.

A model, drug or node name comes from a file that anyone may have written. Written into a CSV,
TSV or XLSX cell, text starting with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return)
is taken as a formula by Excel, LibreOffice and Google Sheets (``=HYPERLINK(...)``, DDE). The
OWASP rule: prefix such a cell with a single quote, and quote every field so a separator inside
a value cannot start a new cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def safe_cell(value: Any) -> Any:
    """``value`` unchanged unless it is text that a spreadsheet would run as a formula, which
    gets a leading ``'``; numbers (also negative ones, and their text) pass as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _is_number(value):
        return "'" + value
    return value


def metadata_lines(items: Mapping[str, Any], *, sep: str = ",") -> str:
    """``# key: value`` comment lines for the top of a CSV/TSV table.

    ``pandas.read_csv(..., comment="#")`` skips them. Opened in a spreadsheet, a line splits
    at each separator in a value; every such cell is formula-safe (:func:`safe_cell`) and
    quoted where it must be, and the first cell (``# key: ...``) keeps its ``#`` in front (its
    double quotes become single ones), so no cell of a metadata line can run as a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    for key, value in items.items():
        text = " ".join(f"{key}: {value}".splitlines())
        first, *rest = text.split(sep)
        writer.writerow(["# " + first.replace('"', "'"), *(safe_cell(part) for part in rest)])
    return buffer.getvalue()


def safe_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows with every cell passed through :func:`safe_cell`."""
    return [{k: safe_cell(v) for k, v in row.items()} for row in rows]


__all__ = ["FORMULA_STARTS", "metadata_lines", "safe_cell", "safe_rows"]
