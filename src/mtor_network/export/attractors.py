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

With graded outcomes (``basins=`` an :class:`~mtor_network.analysis.basins.Outcomes`), the JSON
schema is ``mtor_network.attractors/2``: the same plus ``"basins"`` (its
:meth:`~mtor_network.analysis.basins.Outcomes.to_dict`: status, reason, the state space, the
undecided share, per phenotype and the reference) and, in each attractor, ``"weak_basin"``,
``"strong_basin"``, ``"reference_share"`` and ``"reachable_from_reference"`` (null when not
computed). CSV, TSV and XLSX get the columns of :data:`BASIN_COLUMNS` after :data:`COLUMNS`
and metadata lines ``basins``, ``state_space``, ``reference`` and ``reached_from_reference``.

With free inputs left free (``groups=`` an :class:`~mtor_network.analysis.input_groups.InputSummary`
of at least two valuations), every table still holds every attractor, and says which valuation
of those inputs each belongs to: CSV, TSV and XLSX get a :data:`GROUP_COLUMN` column after
:data:`COLUMNS` (``A=0 B=1``) and an ``input_valuation`` metadata line naming the inputs; in JSON
each attractor gets ``"input_valuation": {input: 0|1}`` and the file an ``"input_groups"``
summary (:meth:`~mtor_network.analysis.input_groups.InputSummary.to_dict`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..attractors import AttractorResult
from ._cells import metadata_lines, safe_cell

if TYPE_CHECKING:
    from ..analysis.basins import Outcomes
    from ..analysis.input_groups import InputSummary

COLUMNS = ("attractor", "type", "phenotype", "endocrine_resistant", "size")
BASIN_COLUMNS = ("weak_basin", "strong_basin", "reference_share", "reachable_from_reference")
"""Columns added with graded outcomes: fractions of the state space (empty: not computed)."""
SCHEMA_WITH_BASINS = "mtor_network.attractors/2"
GROUP_COLUMN = "input_valuation"
"""The column (and JSON key) of each attractor's valuation of the free inputs left free."""


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _columns(basins: Outcomes | None, groups: InputSummary | None = None) -> tuple[str, ...]:
    grouped = (GROUP_COLUMN,) if groups is not None else ()
    return (*COLUMNS, *grouped, *(BASIN_COLUMNS if basins is not None else ()))


def _groups(result: AttractorResult, groups: InputSummary | None) -> InputSummary | None:
    """``groups`` where it adds a column (two valuations or more), after checking it is the
    summary of ``result``."""
    if groups is None:
        return None
    if groups.result is not result and groups.result != result:
        raise ValueError("groups=... must be the summary by input valuation of this result")
    return groups if groups.inputs and len(groups) > 1 else None


def _groups_line(groups: InputSummary) -> str:
    return f"{len(groups)} valuations of the free inputs left free ({', '.join(groups.inputs)})"


def _basin_metadata(basins: Outcomes) -> dict[str, str]:
    from ..analysis.basins import STATE_SPACE

    if basins.computed:
        status = (
            f"exact, {basins.semantics} (weak: can reach; strong: reaches only it; undecided "
            f"share {basins.undecided:.6g})"
        )
    else:
        status = f"{basins.status.replace('_', ' ')}: {basins.reason}"
    reached = basins.reached_from_reference
    return {
        "basins": status,
        "state_space": f"{STATE_SPACE} ({basins.states} states)",
        "reference": "none"
        if basins.reference is None
        else ", ".join(p.name for p in basins.reference) or "the unperturbed model",
        "reached_from_reference": "not computed" if reached is None else ", ".join(reached),
    }


def metadata(
    result: AttractorResult,
    generated: str | None = None,
    basins: Outcomes | None = None,
    groups: InputSummary | None = None,
) -> dict[str, str]:
    """Flat metadata for table headers (with the basin lines when ``basins`` is given, the
    ``input_valuation`` line when ``groups`` is)."""
    groups = _groups(result, groups)
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
        **(_basin_metadata(basins) if basins is not None else {}),
        **({GROUP_COLUMN: _groups_line(groups)} if groups is not None else {}),
        "generated": generated or _now(),
    }


def _cell(value: float | bool | None) -> Any:
    return "" if value is None else value


def rows(
    result: AttractorResult,
    basins: Outcomes | None = None,
    groups: InputSummary | None = None,
) -> list[dict[str, Any]]:
    """One dict per attractor: the columns of :data:`COLUMNS` (then :data:`GROUP_COLUMN` when
    ``groups`` has two valuations or more, then :data:`BASIN_COLUMNS` when ``basins`` is given,
    empty where not computed) then every node."""
    out = []
    graded = basins.attractors if basins is not None else ()
    groups = _groups(result, groups)
    valuation = groups.group_of() if groups is not None else ()
    for i, a in enumerate(result, start=1):
        row: dict[str, Any] = {
            "attractor": i,
            "type": a.kind,
            "phenotype": a.phenotype,
            "endocrine_resistant": a.endocrine_resistant,
            "size": a.size if a.size is not None else "",
        }
        if groups is not None:
            row[GROUP_COLUMN] = valuation[i - 1]
        if basins is not None:
            g = graded[i - 1]
            row["weak_basin"] = _cell(g.weak_basin)
            row["strong_basin"] = _cell(g.strong_basin)
            row["reference_share"] = _cell(g.reference_share)
            row["reachable_from_reference"] = _cell(g.reachable_from_reference)
        row.update({n: v for n, v in a.values})
        out.append(row)
    return out


def _check(result: AttractorResult, basins: Outcomes | None) -> None:
    if basins is not None and basins.result is not result and basins.result != result:
        raise ValueError("basins=... must be the graded outcomes of this result")


def to_csv(
    result: AttractorResult,
    *,
    generated: str | None = None,
    sep: str = ",",
    basins: Outcomes | None = None,
    groups: InputSummary | None = None,
) -> str:
    """CSV text with metadata comment lines (and basin columns with ``basins``, the input
    valuation column with ``groups``)."""
    _check(result, basins)
    groups = _groups(result, groups)
    buffer = io.StringIO()
    buffer.write(metadata_lines(metadata(result, generated, basins, groups), sep=sep))
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\n")
    header = [*_columns(basins, groups), *result.nodes]
    writer.writerow([safe_cell(c) for c in header])
    for row in rows(result, basins, groups):
        writer.writerow([safe_cell(row[c]) for c in header])
    return buffer.getvalue()


def to_json(
    result: AttractorResult,
    *,
    generated: str | None = None,
    indent: int = 2,
    basins: Outcomes | None = None,
    groups: InputSummary | None = None,
) -> str:
    """JSON text (schema in the module docstring; ``/2`` with ``basins``; ``input_valuation``
    per attractor and ``input_groups`` with ``groups``)."""
    _check(result, basins)
    groups = _groups(result, groups)
    data = result.to_dict()
    schema = data.pop("schema")
    if basins is not None:
        schema = SCHEMA_WITH_BASINS
        graded = basins.to_dict()
        for entry, g in zip(data["attractors"], graded["attractors"], strict=True):
            for key in ("weak_basin", "strong_basin", "reference_share"):
                entry[key] = g[key]
            entry["reachable_from_reference"] = g["reachable_from_reference"]
        data["basins"] = graded
    if groups is not None:
        for group, positions in zip(groups.groups, groups.positions, strict=True):
            for position in positions:
                data["attractors"][position][GROUP_COLUMN] = dict(group.inputs)
        data["input_groups"] = groups.to_dict()
    data = {"schema": schema, "generated": generated or _now(), **data}
    return json.dumps(data, indent=indent) + "\n"


def to_tsv(
    result: AttractorResult,
    *,
    generated: str | None = None,
    basins: Outcomes | None = None,
    groups: InputSummary | None = None,
) -> str:
    """Tab-separated variant of :func:`to_csv`."""
    return to_csv(result, generated=generated, sep="\t", basins=basins, groups=groups)


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


def to_xlsx(
    result: AttractorResult,
    *,
    generated: str | None = None,
    basins: Outcomes | None = None,
    groups: InputSummary | None = None,
) -> bytes:
    """An Excel workbook: sheet ``attractors`` (one row per attractor, with basin columns when
    ``basins`` is given, the input valuation column with ``groups``) and sheet ``settings``
    (model and version, semantics, engine, perturbations, basins, inputs, package version,
    date)."""
    _check(result, basins)
    groups = _groups(result, groups)
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "attractors"
    header = [*_columns(basins, groups), *result.nodes]
    append_safe(sheet, header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows(result, basins, groups):
        append_safe(sheet, [row[c] for c in header])
    sheet.freeze_panes = sheet.cell(row=2, column=len(_columns(basins, groups)) + 1).coordinate
    settings = book.create_sheet("settings")
    for key, value in metadata(result, generated, basins, groups).items():
        append_safe(settings, [key, value])
    fixed = ", ".join(f"{k}={int(v)}" for k, v in result.fixed_nodes)
    append_safe(settings, ["fixed_nodes", fixed])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
