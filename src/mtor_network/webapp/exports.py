"""What the export buttons download: pure functions of an explorer state (and its upload)."""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from .._filenames import safe_stem
from ..analysis.input_groups import InputSummary, summarise_inputs
from ..attractors import Budget, prime_implicants
from ..export import attractors as tables
from ..export._cells import metadata_lines, safe_cell
from ..io import WRITERS, write_network
from ..io.primes import to_primes
from ..network import BooleanNetwork
from .state import UPLOAD_PREFIX, ExplorerState, UploadedModel, analyze, state_network

TABLE_FORMATS = ("csv", "tsv", "json", "xlsx")
GROUP_COLUMN = "input_valuation"
"""The column of an attractor table export that names each attractor's valuation of the free
inputs left free (``A=0 B=1``), where the result has two or more such valuations."""


def model_formats() -> tuple[str, ...]:
    """Every writable model format, by suffix without the dot (``bnet``, ``sbml``, ...)."""
    return tuple(suffix.lstrip(".") for suffix in WRITERS)


def formats() -> tuple[str, ...]:
    """Every export the app offers: the attractor tables, then the model formats."""
    return TABLE_FORMATS + model_formats()


def export_model(
    network: BooleanNetwork, suffix: str, base: str, budget: Budget | None = None
) -> tuple[str, bytes]:
    """(file name, bytes) of ``network`` written by the library's writer for ``suffix``.

    The writer writes into a private temporary folder under a name made by
    :func:`~mtor_network._filenames.safe_stem` (``base`` may come from a model file: it never
    becomes a path). A format of several files (MaBoSS: ``.bnd`` and ``.cfg``) comes as one
    ``.zip``. Prime implicants (``.primes``), whose computation can explode, are computed
    within ``budget`` (:class:`~mtor_network.attractors.BudgetExceeded` past it); every other
    writer is linear in the model's size."""
    if suffix.lstrip(".") not in model_formats():
        raise ValueError(f"unknown model format {suffix!r}")
    base = safe_stem(base)
    if suffix == ".primes":
        primes = prime_implicants(network, budget=budget)
        return f"{base}{suffix}", to_primes(network, primes).encode("utf-8")
    with tempfile.TemporaryDirectory(prefix="mtor_export_") as folder:
        write_network(network, Path(folder) / f"{base}{suffix}")
        written = sorted(p for p in Path(folder).iterdir() if not p.name.startswith("."))
        if not written:
            raise ValueError(f"the {suffix} writer wrote no file")
        if len(written) == 1:
            return written[0].name, written[0].read_bytes()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in written:
                archive.write(path, path.name)
        return f"{base}{suffix}.zip", buffer.getvalue()


def export(
    state: ExplorerState,
    fmt: str,
    upload: UploadedModel | None = None,
    budget: Budget | None = None,
) -> tuple[str, str | bytes]:
    """(file name, content) for the attractor table (csv, tsv, json, xlsx: each with the
    settings that produced it) or the model in a writable format (with the current
    perturbations applied and listed where the format has comments)."""
    if fmt not in formats():
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(formats())}")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    if fmt not in TABLE_FORMATS:  # the model as it is perturbed: no search needed
        if state.errors:
            raise ValueError("; ".join(state.errors))
        network = state_network(state, upload if state.model.startswith(UPLOAD_PREFIX) else None)
        perturbed = network.perturb(*state.scenario(network))
        base = f"{safe_stem(network.name, max_length=48)}_{stamp}"
        return export_model(perturbed, f".{fmt}", base, budget)
    analysis = analyze(state, upload, budget)
    result = analysis.result
    if result is None:
        raise ValueError(analysis.error or "no attractors to export")
    base = f"{safe_stem(analysis.network.name, max_length=48)}_{stamp}"
    grouped = summarise_inputs(analysis.network, result)
    groups = grouped if grouped.inputs and len(grouped) > 1 else None
    if fmt in ("csv", "tsv"):
        sep = "," if fmt == "csv" else "\t"
        text = tables.to_csv(result, sep=sep)
        return f"{base}_attractors.{fmt}", _with_groups_csv(text, groups, sep)
    if fmt == "json":
        return f"{base}_attractors.json", _with_groups_json(tables.to_json(result), groups)
    return f"{base}_attractors.xlsx", _with_groups_xlsx(tables.to_xlsx(result), groups)


def _with_groups_csv(text: str, groups: InputSummary | None, sep: str) -> str:
    """The CSV (or TSV) table of :func:`~mtor_network.export.attractors.to_csv` with a
    :data:`GROUP_COLUMN` after its leading columns and a metadata line naming the inputs."""
    if groups is None:
        return text
    lines = text.split("\n")
    head = 0
    while head < len(lines) and lines[head].startswith("#"):
        head += 1  # metadata lines never hold a line break (metadata_lines joins them)
    rows = list(csv.reader(io.StringIO("\n".join(lines[head:])), delimiter=sep))
    at = len(tables.COLUMNS)
    values = groups.group_of()
    buffer = io.StringIO()
    buffer.write("\n".join(lines[:head]) + "\n" if head else "")
    buffer.write(metadata_lines({GROUP_COLUMN: _groups_line(groups)}, sep=sep))
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\n")
    for i, row in enumerate(r for r in rows if r):
        cell = GROUP_COLUMN if i == 0 else safe_cell(values[i - 1])
        writer.writerow([*row[:at], cell, *row[at:]])
    return buffer.getvalue()


def _groups_line(groups: InputSummary) -> str:
    inputs = ", ".join(groups.inputs)
    return f"{len(groups)} valuations of the free inputs left free ({inputs})"


def _with_groups_json(text: str, groups: InputSummary | None) -> str:
    """The JSON table with each attractor's ``input_valuation`` ({input: 0|1}) and an
    ``input_groups`` summary (:meth:`~mtor_network.analysis.input_groups.InputSummary.to_dict`)."""
    if groups is None:
        return text
    data = json.loads(text)
    for entry, values in zip(data["attractors"], _valuations(groups), strict=True):
        entry[GROUP_COLUMN] = values
    data["input_groups"] = groups.to_dict()
    return json.dumps(data, indent=2) + "\n"


def _valuations(groups: InputSummary) -> list[dict[str, object]]:
    out: list[dict[str, object]] = [{} for _ in range(len(groups.result))]
    for group, positions in zip(groups.groups, groups.positions, strict=True):
        for position in positions:
            out[position] = dict(group.inputs)
    return out


def _with_groups_xlsx(data: bytes, groups: InputSummary | None) -> bytes:
    """The workbook with a :data:`GROUP_COLUMN` in its attractors sheet."""
    if groups is None:
        return data
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    sheet = book["attractors"]
    at = len(tables.COLUMNS) + 1
    sheet.insert_cols(at)
    sheet.cell(row=1, column=at, value=GROUP_COLUMN)
    for i, value in enumerate(groups.group_of(), start=2):
        cell = sheet.cell(row=i, column=at, value=safe_cell(value))
        cell.data_type = "s"
    book["settings"].append([GROUP_COLUMN, safe_cell(_groups_line(groups))])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
