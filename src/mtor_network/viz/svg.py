"""Small static SVG pictures of results (no plotting library: a page shows them as an image).

The explorer draws its attractors x nodes heatmap with :func:`heatmap_svg` instead of a plotly
figure, so a page load does not need plotly's 4.8 MB script and a click redraws one image.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from ..attractors import Attractor, AttractorResult
from ..network import BooleanNetwork
from ..perturbations import Perturbation
from .cytoscape import COLUMN_WIDTH, elements, stylesheet

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


# ---- the explorer's network graph as a picture --------------------------------------------

# what cytoscape.js (3.28, inside dash-cytoscape) does where the stylesheet says nothing
DEFAULT_FONT = "Helvetica Neue, Helvetica, Arial, sans-serif"
ARROW_BASE = 29.0  # getArrowWidth: max((edge width * 13.37) ** 0.9, 29) * arrow-scale
LOOP_STEP = 40.0  # control-point-step-size: bundled (two-way) edges
ARROW_WIDTH = 0.3  # an arrowhead's width per arrow size (arrowShapeWidth)
LOOP_REACH = 30.0  # how far a self-loop's control points stand off the node's border
LOOP_INSET = 0.3  # where a self-loop leaves and meets the top border, from its centre
ARROWS: dict[str, tuple[float, ...]] = {  # unit points, tip at (0, 0), source towards -y
    "triangle": (-0.15, -0.3, 0.0, 0.0, 0.15, -0.3),
    "tee": (-0.15, 0.0, -0.15, -0.1, 0.15, -0.1, 0.15, 0.0),
    "diamond": (-0.15, -0.15, 0.0, -0.3, 0.15, -0.15, 0.0, 0.0),
}
# the module regions: the page's `drawRegions` and `.region` CSS rules take them from here
REGION_PAD = 8.0
REGION_LABEL_ROOM = 16.0
REGION_RADIUS = 8.0
REGION_STROKE = "#d6dde8"
REGION_FILL = "#243b55"
REGION_FILL_OPACITY = 0.045
REGION_FONT = 12
REGION_TEXT = "#44546a"
MARGIN = 20.0

# Helvetica's advance widths (Adobe AFM, 1/1000 em) for printable ASCII; others 556
_WIDTHS = dict(
    zip(
        " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
        "abcdefghijklmnopqrstuvwxyz{|}~",
        (
            278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
            556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
            1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
            667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
            333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
            556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
        ),
        strict=True,
    )
)  # fmt: skip
_SELECTOR = re.compile(r'^(node|edge)((?:\.[A-Za-z0-9_-]+)*)(?:\[id = "([^"]*)"\])?$')
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml(text: object) -> str:
    """Text for XML character data or an attribute: escaped, characters XML forbids replaced."""
    return escape(_XML_BAD.sub("\ufffd", str(text)), quote=True)


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _text_width(text: str, size: float) -> float:
    return sum(_WIDTHS.get(c, 556) for c in text) * size / 1000


def _wrap(label: str, size: float, max_width: float) -> list[str]:
    """The lines cytoscape draws for a ``text-wrap: wrap`` label: its own lines, each wider
    than ``max_width`` broken between words (a word wider than that keeps a line of its own).

    As cytoscape 3.28 does it (``getLabelText``): a line's text so far keeps a trailing space,
    so the text tried for the next word has two spaces before it; widths are rounded up."""
    out: list[str] = []
    for line in label.split("\n"):
        if math.ceil(_text_width(line, size)) <= max_width:
            out.append(line)
            continue
        current = ""
        for word in re.split(r"[\s\u200b]+", line):
            test = word if not current else current + " " + word
            if math.ceil(_text_width(test, size)) <= max_width:
                current += word + " "
            else:
                if current:
                    out.append(current.rstrip(" "))
                current = word + " "
        if current.strip():
            out.append(current.rstrip(" "))
    return out


Selector = tuple[str, frozenset[str], str | None]


def _parse_selectors(sheet: Sequence[Mapping[str, Any]]) -> list[tuple[list[Selector], dict]]:
    """The stylesheet's rules as (alternatives, style); each alternative is (group, classes,
    id or None). Raises ValueError for a selector this drawing does not understand."""
    rules = []
    for rule in sheet:
        alternatives: list[Selector] = []
        for part in str(rule["selector"]).split(","):
            found = _SELECTOR.match(part.strip())
            if not found:
                raise ValueError(f"unsupported cytoscape selector {part.strip()!r}")
            group, classes, ident = found.groups()
            alternatives.append((group, frozenset(c for c in classes.split(".") if c), ident))
        rules.append((alternatives, dict(rule["style"])))
    return rules


def _style(
    rules: Sequence[tuple[list[Selector], dict]], group: str, classes: set[str], ident: str
) -> dict[str, Any]:
    """The style of one element: every matching rule's properties, later rules winning."""
    out: dict[str, Any] = {}
    for alternatives, style in rules:
        for g, need, wanted in alternatives:
            if g == group and need <= classes and (wanted is None or wanted == ident):
                out.update(style)
                break
    return out


def _round_radius(width: float, height: float) -> float:
    return min(width / 4, height / 4, 8.0)


def _hexagon(cx: float, cy: float, width: float, height: float) -> list[tuple[float, float]]:
    hw, hh = width / 2, height / 2
    return [
        (cx + hw, cy),
        (cx + hw / 2, cy + hh),
        (cx - hw / 2, cy + hh),
        (cx - hw, cy),
        (cx - hw / 2, cy - hh),
        (cx + hw / 2, cy - hh),
    ]


def _shape(shape: str, cx: float, cy: float, width: float, height: float, attrs: str) -> str:
    """An SVG element drawing a cytoscape node shape of this size around (cx, cy)."""
    if shape == "ellipse":
        return (
            f'<ellipse cx="{_num(cx)}" cy="{_num(cy)}" rx="{_num(width / 2)}" '
            f'ry="{_num(height / 2)}" {attrs}/>'
        )
    if shape == "hexagon":
        points = " ".join(f"{_num(x)},{_num(y)}" for x, y in _hexagon(cx, cy, width, height))
        return f'<polygon points="{points}" {attrs}/>'
    radius = _round_radius(width, height) if shape == "round-rectangle" else 0.0
    return (
        f'<rect x="{_num(cx - width / 2)}" y="{_num(cy - height / 2)}" width="{_num(width)}" '
        f'height="{_num(height)}" rx="{_num(radius)}" {attrs}/>'
    )


def _ray_polygon(
    points: Sequence[tuple[float, float]], cx: float, cy: float, dx: float, dy: float
) -> float:
    """The largest t where the ray (cx, cy) + t (dx, dy) meets the polygon's outline."""
    best = 0.0
    for (ax, ay), (bx, by) in zip(points, [*points[1:], points[0]], strict=True):
        ex, ey = bx - ax, by - ay
        det = dx * -ey + ex * dy
        if abs(det) < 1e-12:
            continue
        rx, ry = ax - cx, ay - cy
        t = (rx * -ey + ex * ry) / det
        s = (dx * ry - dy * rx) / det
        if t > 0 and -1e-9 <= s <= 1 + 1e-9:
            best = max(best, t)
    return best


def _boundary(
    shape: str, cx: float, cy: float, width: float, height: float, px: float, py: float
) -> tuple[float, float]:
    """Where the line from the node's centre (cx, cy) towards (px, py) leaves its shape of
    this (outer) size; the centre itself when (px, py) lies inside."""
    dx, dy = px - cx, py - cy
    if math.hypot(dx, dy) < 1e-9:
        return cx, cy
    hw, hh = width / 2, height / 2
    if shape == "ellipse":
        t = 1 / math.sqrt((dx / hw) ** 2 + (dy / hh) ** 2)
    elif shape == "hexagon":
        t = _ray_polygon(_hexagon(cx, cy, width, height), cx, cy, dx, dy)
    else:
        t = min(hw / abs(dx) if dx else math.inf, hh / abs(dy) if dy else math.inf)
        radius = _round_radius(width, height) if shape == "round-rectangle" else 0.0
        x, y = dx * t, dy * t
        if radius and abs(x) > hw - radius and abs(y) > hh - radius:
            # in a corner: meet the corner's circle instead
            ox, oy = math.copysign(hw - radius, x), math.copysign(hh - radius, y)
            a = dx * dx + dy * dy
            b = -2 * (dx * ox + dy * oy)
            c = ox * ox + oy * oy - radius * radius
            root = math.sqrt(max(0.0, b * b - 4 * a * c))
            t = (-b + root) / (2 * a)
    if t > 1 + 1e-9:  # (px, py) lies inside the shape (on its border: that point)
        return cx, cy
    return cx + dx * t, cy + dy * t


def _towards(
    point: tuple[float, float], other: tuple[float, float], distance: float
) -> tuple[float, float]:
    """``point`` moved ``distance`` towards ``other`` (cytoscape's shortenIntersection)."""
    dx, dy = other[0] - point[0], other[1] - point[1]
    length = math.hypot(dx, dy)
    if length < 1e-9:
        return point
    step = min(distance, length) / length
    return point[0] + dx * step, point[1] + dy * step


def _taxi(
    source: tuple[float, float],
    target: tuple[float, float],
    source_size: tuple[float, float],
    target_size: tuple[float, float],
    style: Mapping[str, Any],
) -> list[tuple[float, float]]:
    """The bends of cytoscape's ``taxi`` route with ``taxi-direction: horizontal`` and a turn
    in model units (its findTaxiPoints, horizontal case)."""
    (x1, y1), (x2, y2) = source, target
    turn = float(style.get("taxi-turn", 0.5 * COLUMN_WIDTH))
    closest = float(style.get("taxi-turn-min-distance", 10))
    pdx, pdy = x2 - x1, y2 - y1
    dw = (source_size[0] + target_size[0]) / 2
    span = max(pdx - dw, 0.0) if pdx > 0 else min(pdx + dw, 0.0)
    sign = (pdx > 0) - (pdx < 0)
    d = turn * sign
    near_source = abs(d) < closest or abs(d) >= abs(span)
    near_target = abs(abs(span) - abs(d)) < closest or abs(abs(span) - abs(d)) >= abs(span)
    if near_source or near_target:
        if abs(pdx) <= source_size[0] / 2:
            y = (y1 + y2) / 2
            return [(x1, y), (x2, y)]
        if abs(pdy) <= target_size[1] / 2:
            x = (x1 + x2) / 2
            return [(x, y1), (x, y2)]
        return [(x2, y1)]
    x = x1 + d + source_size[0] / 2 * sign
    return [(x, y1), (x, y2)]


class _Box:
    """A growing bounding box."""

    def __init__(self) -> None:
        self.x1 = self.y1 = math.inf
        self.x2 = self.y2 = -math.inf

    def add(self, x: float, y: float, half_width: float = 0.0, half_height: float = 0.0) -> None:
        self.x1 = min(self.x1, x - half_width)
        self.x2 = max(self.x2, x + half_width)
        self.y1 = min(self.y1, y - half_height)
        self.y2 = max(self.y2, y + half_height)


def _path(points: Sequence[tuple[float, float]]) -> str:
    return "M" + " L".join(f"{_num(x)},{_num(y)}" for x, y in points)


def network_svg(
    network: BooleanNetwork,
    *,
    attractor: Attractor | None = None,
    knockouts: Sequence[str] = (),
    overexpressed: Sequence[str] = (),
    perturbations: Sequence[Perturbation] = (),
    inspected: str | None = None,
    highlighted: Sequence[str] = (),
) -> str:
    """The explorer's network graph as a standalone SVG 1.1 document, drawn on the server
    (no JavaScript, fonts or images: nothing is fetched to show it).

    It draws what the page's cytoscape graph shows for the same state, from the same
    sources: the positions, classes, labels and edges of :func:`.cytoscape.elements` and the
    colours, widths, shapes and sizes of :func:`.cytoscape.stylesheet`. Nodes are round
    rectangles (ellipses for inputs, hexagons for outputs) filled by their value in
    ``attractor`` and bordered by a knockout (red dashed), a forcing (blue) or a named
    drug, genotype or environment, with their labels wrapped as cytoscape wraps them.
    Edges end in an arrow (activation), a bar (inhibition) or a diamond (dual) at the
    target's border; edges across more than one column take cytoscape's right-angled taxi
    route, two edges joining the same nodes bend apart as cytoscape bends them, and a node's
    regulation of itself is a small loop above the node (the stylesheet's ``edge.loop``).
    The labelled pathway-module regions the page draws behind the graph are drawn from the
    node positions as the page computes them. The picture spans everything drawn plus a
    margin, and is the same for the same inputs.

    Text is measured with Helvetica's widths (the font cytoscape asks for): labels wrap
    where cytoscape wraps them with that font or a metric twin (Arial, Liberation Sans).

    Parameters
    ----------
    network
        The network drawn.
    attractor
        The attractor whose values colour the nodes; None leaves them uncoloured.
    knockouts, overexpressed
        Nodes the user knocked out or forced on.
    perturbations
        The perturbations applied (drugs, genotypes and environments are named under the
        labels of the nodes they fix).
    inspected
        The node shown in the details panel (a dark outline); None for none.
    highlighted
        Search matches: a yellow halo, the other nodes and the edges faded.

    Returns
    -------
    str
        The SVG document (UTF-8 text); every name and label from the model is escaped.
    """
    items = elements(
        network,
        attractor,
        knockouts=knockouts,
        overexpressed=overexpressed,
        perturbations=perturbations,
    )
    rules = _parse_selectors(stylesheet(inspected=inspected, highlighted=highlighted))
    box = _Box()
    nodes: dict[str, tuple[float, float, float, float, str]] = {}  # x, y, outer w, h, shape
    node_parts: list[str] = []
    edge_items = []
    for item in items:
        if "source" in item["data"]:
            edge_items.append(item)
            continue
        name = item["data"]["id"]
        classes = set(item["classes"].split())
        style = _style(rules, "node", classes, name)
        x, y = float(item["position"]["x"]), float(item["position"]["y"])
        width, height = float(style["width"]), float(style["height"])
        border = float(style.get("border-width", 0))
        shape = str(style.get("shape", "ellipse"))
        nodes[name] = (x, y, width + border, height + border, shape)
        box.add(x, y, (width + border) / 2, (height + border) / 2)
        node_parts.append(_node(item, style, classes, box))
    edge_parts = _edges(edge_items, rules, nodes, box)
    region_parts = _regions(network, nodes, box)
    x0, y0 = box.x1 - MARGIN, box.y1 - MARGIN
    width, height = box.x2 - box.x1 + 2 * MARGIN, box.y2 - box.y1 + 2 * MARGIN
    if not nodes:
        x0, y0, width, height = 0.0, 0.0, 2 * MARGIN, 2 * MARGIN
    title = network.title or network.name
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{_num(width)}" '
        f'height="{_num(height)}" viewBox="{_num(x0)} {_num(y0)} {_num(width)} '
        f'{_num(height)}" font-family="{_xml(DEFAULT_FONT)}">',
        f"<title>{_xml(title)}: regulatory network</title>",
        f'<rect class="background" x="{_num(x0)}" y="{_num(y0)}" width="{_num(width)}" '
        f'height="{_num(height)}" fill="white"/>',
        '<g class="regions">',
        *region_parts,
        '</g><g class="edges">',
        *edge_parts,
        '</g><g class="nodes">',
        *node_parts,
        "</g></svg>",
    ]
    return "\n".join(parts)


def _stroke(colour: object, width: float, style: str) -> str:
    dash = ' stroke-dasharray="4 2"' if style == "dashed" else ""
    dash = ' stroke-dasharray="1 1"' if style == "dotted" else dash
    return f'stroke="{_xml(colour)}" stroke-width="{_num(width)}"{dash}'


def _node(item: Mapping[str, Any], style: Mapping[str, Any], classes: set[str], box: _Box) -> str:
    """One node: underlay, shape with its border, outline and label, in cytoscape's order."""
    data = item["data"]
    x, y = float(item["position"]["x"]), float(item["position"]["y"])
    width, height = float(style["width"]), float(style["height"])
    shape = str(style.get("shape", "ellipse"))
    border = float(style.get("border-width", 0))
    border_style = str(style.get("border-style", "solid"))
    border_colour = style.get("border-color", "#000")
    fill = _xml(style.get("background-color", "#999"))
    opacity = float(style.get("opacity", 1))
    parts = [
        f'<g class="{_xml(" ".join(["node", *sorted(classes)]))}" data-name="{_xml(data["id"])}"'
        + (f' opacity="{_num(opacity)}">' if opacity != 1 else ">"),
        f"<title>{_xml(data['label'])} ({_xml(data['id'])})</title>",
    ]
    if style.get("underlay-color") and float(style.get("underlay-opacity", 0)) > 0:
        pad = float(style.get("underlay-padding", 10))
        parts.append(
            _shape(
                "round-rectangle",
                x,
                y,
                width + 2 * pad,
                height + 2 * pad,
                f'class="underlay" fill="{_xml(style["underlay-color"])}" '
                f'fill-opacity="{float(style["underlay-opacity"]):g}"',
            )
        )
        box.add(x, y, width / 2 + pad, height / 2 + pad)
    if border_style == "double" and border > 0:
        # cytoscape cuts the middle third out of a double border
        third = border / 3
        parts.append(_shape(shape, x, y, width, height, f'class="shape" fill="{fill}"'))
        for grow in (third, -third):
            parts.append(
                _shape(
                    shape,
                    x,
                    y,
                    width + 2 * grow,
                    height + 2 * grow,
                    f'class="border double" fill="none" {_stroke(border_colour, third, "solid")}',
                )
            )
    else:
        stroke = _stroke(border_colour, border, border_style) if border > 0 else 'stroke="none"'
        parts.append(_shape(shape, x, y, width, height, f'class="shape" fill="{fill}" {stroke}'))
    outline = float(style.get("outline-width", 0))
    if outline > 0:
        grow = border / 2 + float(style.get("outline-offset", 0)) + outline / 2
        parts.append(
            _shape(
                shape,
                x,
                y,
                width + 2 * grow,
                height + 2 * grow,
                f'class="outline" fill="none" '
                f"{_stroke(style.get('outline-color', '#999'), outline, 'solid')}",
            )
        )
        box.add(x, y, width / 2 + grow + outline / 2, height / 2 + grow + outline / 2)
    size = float(style.get("font-size", 16))
    max_width = float(style.get("text-max-width", 200))
    lines = (
        _wrap(str(data["label"]), size, max_width)
        if style.get("text-wrap") == "wrap"
        else [str(data["label"]).replace("\n", " ")]
    )
    step = size * float(style.get("line-height", 1))
    spans = []
    for i, line in enumerate(lines):
        baseline = y + (i - (len(lines) - 1) / 2) * step + 0.35 * size
        spans.append(f'<tspan x="{_num(x)}" y="{_num(baseline)}">{_xml(line)}</tspan>')
        box.add(x, baseline - 0.35 * size, _text_width(line, size) / 2, step / 2)
    parts.append(
        f'<text class="label" text-anchor="middle" font-size="{_num(size)}" '
        f'fill="{_xml(style.get("color", "#000"))}" xml:space="preserve">{"".join(spans)}</text>'
    )
    parts.append("</g>")
    return "".join(parts)


def _arrow(
    shape: str,
    tip: tuple[float, float],
    back: tuple[float, float],
    size: float,
    colour: object,
) -> str:
    """An arrowhead of cytoscape's unit ``shape`` scaled to ``size``, its tip at ``tip``,
    pointing away from ``back``."""
    points = ARROWS.get(shape)
    if points is None:
        return ""
    dx, dy = tip[0] - back[0], tip[1] - back[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    nx_, ny_ = -uy, ux
    corners = [
        (tip[0] + size * (ax * nx_ + ay * ux), tip[1] + size * (ax * ny_ + ay * uy))
        for ax, ay in zip(points[::2], points[1::2], strict=True)
    ]
    text = " ".join(f"{_num(x)},{_num(y)}" for x, y in corners)
    return f'<polygon class="arrow {shape}" points="{text}" fill="{_xml(colour)}"/>'


def _bundled(
    nodes: Mapping[str, tuple[float, float, float, float, str]],
    source: str,
    target: str,
    first: str,
    distance: float,
) -> tuple[float, float]:
    """The control point of one of several edges joining two nodes (cytoscape's bundled
    bezier): ``distance`` off the middle of the straight line between the two borders, along
    the normal of the direction from the pair's ``first`` node (the same normal for both
    directions, so the edges bend apart)."""
    a, b = (source, target) if first == source else (target, source)
    ax, ay, aw, ah, a_shape = nodes[a]
    bx, by, bw, bh, b_shape = nodes[b]
    ax, ay = _boundary(a_shape, ax, ay, aw, ah, bx, by)
    bx, by = _boundary(b_shape, bx, by, bw, bh, *nodes[a][:2])
    length = math.hypot(bx - ax, by - ay) or 1.0
    nx_, ny_ = -(by - ay) / length, (bx - ax) / length
    return (ax + bx) / 2 + nx_ * distance, (ay + by) / 2 + ny_ * distance


def _corrected(
    control: tuple[float, float],
    start: tuple[float, float],
    end: tuple[float, float],
    source: tuple[float, float, float, float, str],
    target: tuple[float, float, float, float, str],
    arrow_size: float,
) -> tuple[float, float]:
    """A bezier control point moved as cytoscape's ``tryToCorrectInvalidPoints`` moves it:
    away from the source's and then the target's centre until it stands three arrowhead
    widths from the line's ends (or, inside a node, that far outside its border)."""
    least = 3 * arrow_size * ARROW_WIDTH
    near_start = math.dist(control, start) < least
    near_end = math.dist(control, end) < least
    distances = (math.dist(control, start), math.dist(control, end))
    x, y = control
    for (cx, cy, w, h, shape), near, gone in (
        (source, near_start, distances[0]),
        (target, near_end, distances[1]),
    ):
        inside = _boundary(shape, cx, cy, w, h, x, y) == (cx, cy)
        if not (near or inside):
            continue
        length = math.hypot(x - cx, y - cy) or 1.0
        ux, uy = (x - cx) / length, (y - cy) / length
        if near:
            x, y = x + ux * (least - gone), y + uy * (least - gone)
        else:
            far = 2 * max(w, h)
            bx, by = _boundary(shape, cx, cy, w, h, x + ux * far, y + uy * far)
            x, y = bx + ux * least, by + uy * least
    return x, y


def _edges(
    items: Sequence[Mapping[str, Any]],
    rules: Sequence[tuple[list[Selector], dict]],
    nodes: Mapping[str, tuple[float, float, float, float, str]],
    box: _Box,
) -> list[str]:
    """The edges as cytoscape routes them: straight, or bent apart where two edges join the
    same nodes (``bezier`` bundling), loops for self-regulation, ``taxi`` where the
    stylesheet says so; each line ends at its arrowhead's base and the arrowhead's tip at
    the target's border."""
    styles = []
    rank = {name: i for i, name in enumerate(nodes)}
    bundles: dict[tuple[str, str], list[int]] = {}
    for i, item in enumerate(items):
        data = item["data"]
        classes = set(str(item.get("classes", "")).split())
        style = _style(rules, "edge", classes, str(data["id"]))
        styles.append((classes, style))
        source, target = str(data["source"]), str(data["target"])
        if source != target and style.get("curve-style", "bezier") == "bezier":
            # the pair in node order (cytoscape: the lower pool index is the pair's source)
            pair = (source, target) if rank[source] < rank[target] else (target, source)
            bundles.setdefault(pair, []).append(i)
    offset: dict[int, tuple[float, str]] = {}
    for pair, members in bundles.items():
        for k, i in enumerate(members):
            offset[i] = ((k - (len(members) - 1) / 2) * LOOP_STEP, pair[0])
    out = []
    for i, item in enumerate(items):
        data = item["data"]
        classes, style = styles[i]
        source, target = str(data["source"]), str(data["target"])
        sx, sy, sw, sh, s_shape = nodes[source]
        tx, ty, tw, th, t_shape = nodes[target]
        width = float(style.get("width", 3))
        scale = float(style.get("arrow-scale", 1))
        arrow = str(style.get("target-arrow-shape", "none"))
        colour = style.get("line-color", "#999")
        curve = str(style.get("curve-style", "bezier"))
        size = max((width * 13.37) ** 0.9, ARROW_BASE) * scale
        spacing, gap = {"triangle": (0.0, width * scale * 2), "tee": (1.0, 1.0)}.get(
            arrow, (0.0, width * scale if arrow == "diamond" else 0.0)
        )
        controls: list[tuple[float, float]] = []
        if source == target:
            # as the page's stylesheet draws it (edge.loop: straight up, a narrow sweep): a
            # small loop above the node, leaving right of its top centre and returning left
            inset = LOOP_INSET * min(sw, sh)
            top = sy - sh / 2
            start = _boundary(s_shape, sx, sy, sw, sh, sx + inset, top - sh)
            meet = _boundary(s_shape, sx, sy, sw, sh, sx - inset, top - sh)
            controls = [(start[0], start[1] - LOOP_REACH), (meet[0], meet[1] - LOOP_REACH)]
            tip, end = _towards(meet, controls[1], spacing), _towards(meet, controls[1], gap)
            d = "M{} C{} {} {}".format(
                *(f"{_num(x)},{_num(y)}" for x, y in [start, *controls, end])
            )
        elif curve == "taxi":
            controls = _taxi((sx, sy), (tx, ty), (sw, sh), (tw, th), style)
            start = _boundary(s_shape, sx, sy, sw, sh, *controls[0])
            meet = _boundary(t_shape, tx, ty, tw, th, *controls[-1])
            tip, end = _towards(meet, controls[-1], spacing), _towards(meet, controls[-1], gap)
            d = _path([start, *controls, end])
        else:
            distance, first = offset.get(i, (0.0, source))
            if not distance:
                start = _boundary(s_shape, sx, sy, sw, sh, tx, ty)
                meet = _boundary(t_shape, tx, ty, tw, th, sx, sy)
                tip, end = _towards(meet, (sx, sy), spacing), _towards(meet, (sx, sy), gap)
                d = _path([start, end])
            else:
                control = _bundled(nodes, source, target, first, distance)
                start = _boundary(s_shape, sx, sy, sw, sh, *control)
                meet = _boundary(t_shape, tx, ty, tw, th, *control)
                end = _towards(meet, control, gap)
                moved = _corrected(control, start, end, nodes[source], nodes[target], size)
                if moved != control:
                    control = moved
                    start = _boundary(s_shape, sx, sy, sw, sh, *control)
                    meet = _boundary(t_shape, tx, ty, tw, th, *control)
                tip, end = _towards(meet, control, spacing), _towards(meet, control, gap)
                controls = [control]
                d = "M{} Q{} {}".format(*(f"{_num(x)},{_num(y)}" for x, y in [start, control, end]))
        towards_target = controls[-1] if controls else (sx, sy)
        for x, y in [start, *controls, end]:
            box.add(x, y, width, width)
        box.add(tip[0], tip[1], size * 0.3, size * 0.3)
        opacity = float(style.get("opacity", 1))
        head = _arrow(arrow, tip, towards_target, size, style.get("target-arrow-color", colour))
        out.append(
            f'<g class="{_xml(" ".join(["edge", *sorted(classes)]))}" '
            f'data-source="{_xml(source)}" data-target="{_xml(target)}"'
            + (f' opacity="{_num(opacity)}">' if opacity != 1 else ">")
            + f"<title>{_xml(source)} \u2192 {_xml(target)} ({_xml(data.get('sign', ''))})</title>"
            f'<path class="line" d="{d}" fill="none" stroke="{_xml(colour)}" '
            f'stroke-width="{_num(width)}"/>{head}</g>'
        )
    return out


def _regions(
    network: BooleanNetwork,
    nodes: Mapping[str, tuple[float, float, float, float, str]],
    box: _Box,
) -> list[str]:
    """One labelled box per pathway module around its nodes, as the page's ``drawRegions``
    draws them (at zoom 1): the nodes' bounding box (without labels) padded by
    :data:`REGION_PAD`, with :data:`REGION_LABEL_ROOM` more above for the module's name."""
    groups: dict[str, list[str]] = {}
    for node in network.nodes:
        if node.module:
            groups.setdefault(node.module, []).append(node.name)
    out = []
    for module, names in groups.items():
        x1 = min(nodes[n][0] - nodes[n][2] / 2 for n in names) - REGION_PAD
        x2 = max(nodes[n][0] + nodes[n][2] / 2 for n in names) + REGION_PAD
        y1 = min(nodes[n][1] - nodes[n][3] / 2 for n in names) - REGION_PAD - REGION_LABEL_ROOM
        y2 = max(nodes[n][1] + nodes[n][3] / 2 for n in names) + REGION_PAD
        box.add(x1, y1)
        box.add(x2, y2)
        box.add(x1 + 7 + _text_width(module, REGION_FONT), y1)
        # the page's 1 px CSS border lies inside the box: an SVG stroke is centred
        out.append(
            f'<g class="region" data-module="{_xml(module)}">'
            f'<rect x="{_num(x1 + 0.5)}" y="{_num(y1 + 0.5)}" width="{_num(x2 - x1 - 1)}" '
            f'height="{_num(y2 - y1 - 1)}" rx="{_num(REGION_RADIUS)}" fill="{REGION_FILL}" '
            f'fill-opacity="{REGION_FILL_OPACITY:g}" stroke="{REGION_STROKE}" '
            f'stroke-width="1"/><text x="{_num(x1 + 7)}" y="{_num(y1 + 2 + 0.9 * REGION_FONT)}" '
            f'font-size="{REGION_FONT}" font-weight="600" fill="{REGION_TEXT}">'
            f"{_xml(module)}</text></g>"
        )
    return out


__all__ = ["COLOURS", "data_uri", "heatmap_svg", "network_svg"]
