"""Small static SVG pictures of results (no plotting library: a page shows them as an image).

The explorer draws its attractors x nodes heatmap with :func:`heatmap_svg` instead of a plotly
figure, so a page load does not need plotly's 4.8 MB script and a click redraws one image.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from html import escape

from ..attractors import AttractorResult
from ..network import BooleanNetwork

COLOURS = {0: "#d9d9d9", 1: "#4daf4a", "*": "#f5c26b"}
"""Cell fill per value: off grey, on green, oscillating orange (as the graph's fills)."""
CELL_WIDTH = 14
CELL_HEIGHT = 18
LABEL_FONT = 10
ROW_LABEL_WIDTH = 150
COLUMN_LABEL_HEIGHT = 120


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def heatmap_svg(
    result: AttractorResult, network: BooleanNetwork, numbers: Sequence[int] | None = None
) -> str:
    """Attractors (rows) x nodes (columns) as an SVG document: off grey, on green, oscillating
    orange with a '*'. Node labels stand rotated above their columns, ``A<i> <phenotype>``
    left of each row; each cell has a ``<title>`` (attractor, node, value).

    Parameters
    ----------
    result
        The attractors to draw (rows in their order).
    network
        The network the result belongs to (for the node labels).
    numbers
        The attractors' numbers in the row labels (default 1, 2, ...; e.g. their places in
        a larger result when these are one input valuation's attractors).

    Returns
    -------
    str
        A standalone SVG document (UTF-8 text); every name from the model is escaped.
    """
    labels = [_clip(network.node(n).label, 20) for n in result.nodes]
    shown = list(numbers) if numbers is not None else range(1, len(result) + 1)
    rows = [_clip(f"A{i} {a.phenotype}", 24) for i, a in zip(shown, result, strict=True)]
    # the rotated column labels reach past the last column: room for them on the right
    width = ROW_LABEL_WIDTH + CELL_WIDTH * max(1, len(labels)) + COLUMN_LABEL_HEIGHT // 2 + 4
    height = COLUMN_LABEL_HEIGHT + CELL_HEIGHT * max(1, len(rows)) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="{LABEL_FONT}">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    for j, label in enumerate(labels):
        x = ROW_LABEL_WIDTH + j * CELL_WIDTH + CELL_WIDTH / 2 + 3
        y = COLUMN_LABEL_HEIGHT - 4
        parts.append(f'<text transform="translate({x:g},{y}) rotate(-60)">{escape(label)}</text>')
    for i, (row, attractor) in enumerate(zip(rows, result, strict=True)):
        y = COLUMN_LABEL_HEIGHT + i * CELL_HEIGHT
        parts.append(
            f'<text x="{ROW_LABEL_WIDTH - 6}" y="{y + CELL_HEIGHT - 5}" '
            f'text-anchor="end">{escape(row)}</text>'
        )
        for j, (node, value) in enumerate(attractor.values):
            x = ROW_LABEL_WIDTH + j * CELL_WIDTH
            title = escape(f"A{i + 1} {network.node(node).label} ({node}): {value}")
            parts.append(
                f'<rect x="{x}" y="{y}" width="{CELL_WIDTH - 1}" height="{CELL_HEIGHT - 1}" '
                f'fill="{COLOURS[value]}"><title>{title}</title></rect>'
            )
            if value == "*":
                parts.append(
                    f'<text x="{x + CELL_WIDTH / 2 - 0.5:g}" y="{y + CELL_HEIGHT - 4}" '
                    f'text-anchor="middle">*</text>'
                )
    parts.append("</svg>")
    return "".join(parts)


def data_uri(svg: str) -> str:
    """An SVG document as a ``data:`` URI (for an ``<img src>``)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


__all__ = ["COLOURS", "data_uri", "heatmap_svg"]
