"""What the export buttons download: pure functions of an explorer state (and its upload)."""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from .._filenames import safe_stem
from ..analysis.input_groups import summarise_inputs
from ..attractors import Budget, prime_implicants
from ..export import attractors as tables
from ..io import WRITERS, write_network
from ..io.primes import to_primes
from ..network import BooleanNetwork
from .state import UPLOAD_PREFIX, ExplorerState, UploadedModel, analyze, state_network

TABLE_FORMATS = ("csv", "tsv", "json", "xlsx")
GROUP_COLUMN = tables.GROUP_COLUMN


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
    groups = summarise_inputs(analysis.network, result)
    if fmt in ("csv", "tsv"):
        sep = "," if fmt == "csv" else "\t"
        return f"{base}_attractors.{fmt}", tables.to_csv(result, sep=sep, groups=groups)
    if fmt == "json":
        return f"{base}_attractors.json", tables.to_json(result, groups=groups)
    return f"{base}_attractors.xlsx", tables.to_xlsx(result, groups=groups)
