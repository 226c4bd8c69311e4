"""What the export buttons download: pure functions of an explorer state."""

from __future__ import annotations

from datetime import UTC, datetime

from ..explorer import ExplorerState, analyze
from ..io import tables
from ..io.bnet import to_bnet

FORMATS = ("csv", "json", "xlsx", "bnet")


def export(state: ExplorerState, fmt: str) -> tuple[str, str | bytes]:
    """(file name, content) for the attractor table (csv, json, xlsx) or the model (bnet).

    The BNet export carries the current perturbations (listed in its header comment)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    analysis = analyze(state)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    base = f"{state.model}_{stamp}"
    if fmt == "bnet":
        network = analysis.network
        if analysis.result is not None and analysis.result.perturbations:
            network = network.perturb(*analysis.result.perturbations)
        return f"{base}.bnet", to_bnet(network)
    if analysis.result is None:
        raise ValueError(analysis.error or "no result to export")
    if fmt == "csv":
        return f"{base}_attractors.csv", tables.to_csv(analysis.result)
    if fmt == "json":
        return f"{base}_attractors.json", tables.to_json(analysis.result)
    return f"{base}_attractors.xlsx", tables.to_xlsx(analysis.result)
