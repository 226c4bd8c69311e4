"""Cytoscape.js elements and stylesheet for a network and an attractor.

Node classes: ``on``, ``off``, ``osc`` (value in the shown attractor), ``ko`` / ``oe`` (knocked
out / forced on by the user), ``drug`` / ``genotype`` / ``environment`` (fixed by a named
perturbation, whose names are shown under the label), ``input``, ``output``.
Edge classes: ``activation`` (arrow), ``inhibition`` (bar), ``dual``; ``loop`` (a node
regulating itself) and ``long`` (across more than one column, routed at right angles).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
import weakref
from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx

from ..analysis.cycles import StateTransitionGraph
from ..attractors import Attractor
from ..network import BooleanNetwork
from ..perturbations import Perturbation

MODULE_ORDER = (
    "Environment",
    "ER",
    "RTK/MAPK",
    "PI3K/AKT/mTOR",
    "Translation",
    "Cell cycle",
    "Apoptosis",
    "Outputs",
)
COLUMN_WIDTH = 150
ROW_HEIGHT = 58
NODE_WIDTH = 118
NODE_HEIGHT = 40
FONT_SIZE = 15  # model units: >= 11 px on screen at the zoom that fits the flagship at 1400 px


def _depths(network: BooleanNetwork) -> dict[str, int]:
    """Shortest distance from the inputs (nodes unreachable from inputs get the max + 1)."""
    graph = network.regulatory_graph()
    sources = [n for n in network.inputs] or [network.node_names[0]]
    lengths = nx.multi_source_dijkstra_path_length(graph, sources)
    worst = max(lengths.values(), default=0) + 1
    return {n: int(lengths.get(n, worst)) for n in network.node_names}


ORDER_SWEEPS = 4  # barycentre sweeps that order the nodes of each column


def _columns(network: BooleanNetwork, depth: Mapping[str, int]) -> dict[str, int]:
    """The column of each node: its pathway module (in :data:`MODULE_ORDER`) when every node
    has one, else its distance from the inputs (a layered layout)."""
    modules = {n.name: n.module for n in network.nodes}
    if all(modules.values()):
        known = [m for m in MODULE_ORDER if m in set(modules.values())]
        extra = sorted(set(modules.values()) - set(known))
        columns = {m: i for i, m in enumerate(known + extra)}
        return {n: columns[modules[n]] for n in network.node_names}
    return dict(depth)


def _ordered(
    network: BooleanNetwork, column_of: Mapping[str, int], depth: Mapping[str, int]
) -> dict[int, list[str]]:
    """The nodes of each column, top-down: first by distance from the inputs, then a few
    barycentre sweeps (Sugiyama's crossing reduction) move each node towards the mean row of
    its regulators and targets in the other columns, so edges stay short and cross less.
    Deterministic: ties keep the previous order."""
    order = {name: i for i, name in enumerate(network.node_names)}
    grouped: dict[int, list[str]] = {}
    for name in network.node_names:
        grouped.setdefault(column_of[name], []).append(name)
    for names in grouped.values():
        names.sort(key=lambda n: (depth[n], order[n]))
    neighbours: dict[str, list[str]] = {n: [] for n in network.node_names}
    for target, rule in network.rules.items():
        for source in rule.regulators:
            if source in neighbours and source != target:
                neighbours[target].append(source)
                neighbours[source].append(target)
    for sweep in range(ORDER_SWEEPS):
        row = {n: i / max(1, len(ns) - 1) for ns in grouped.values() for i, n in enumerate(ns)}
        columns = sorted(grouped) if sweep % 2 == 0 else sorted(grouped, reverse=True)
        for column in columns:
            names = grouped[column]
            current = {n: i for i, n in enumerate(names)}
            last = max(1, len(names) - 1)
            centre = {}
            for n in names:
                others = [row[m] for m in neighbours[n] if column_of[m] != column]
                centre[n] = round(sum(others) / len(others), 6) if others else current[n] / last
            names.sort(key=lambda n: (centre[n], current[n]))
            for i, n in enumerate(names):
                row[n] = i / max(1, len(names) - 1)
    return grouped


def file_positions(network: BooleanNetwork) -> dict[str, tuple[float, float]] | None:
    """The node positions a model file gave (e.g. GINsim's ``nodevisualsetting`` x, y), read
    from each node's ``position`` (x, y), scaled so that the closest two nodes are a node
    apart; None unless every node has one (and they are distinct)."""
    found = {n.name: getattr(n, "position", None) for n in network.nodes}
    if not found or any(p is None for p in found.values()):
        return None
    points = {k: (float(p[0]), float(p[1])) for k, p in found.items() if p is not None}
    if len(set(points.values())) < len(points):
        return None
    values = list(points.values())
    closest = min(
        (math.dist(a, b) for i, a in enumerate(values) for b in values[i + 1 :]),
        default=1.0,
    )
    scale = max(1.0, (NODE_WIDTH + 12) / closest) if closest > 0 else 1.0
    return {k: (x * scale, y * scale) for k, (x, y) in points.items()}


# positions per network object (networks are immutable and hash by identity): computed once,
# forgotten with the network; ~45% of a click's server time before (issue 13)
_POSITIONS: weakref.WeakKeyDictionary[BooleanNetwork, dict[str, tuple[float, float]]] = (
    weakref.WeakKeyDictionary()
)
_POSITIONS_LOCK = threading.Lock()


def positions(network: BooleanNetwork) -> dict[str, tuple[float, float]]:
    """Preset positions: the model file's own where every node has one
    (:func:`file_positions`); else one column per pathway module (or per distance from the
    inputs when the model has no modules: a layered layout, whose long layers wrap into
    several columns so the picture keeps about the graph area's shape); within a column,
    nodes ordered to keep edges short (:func:`_ordered`). Remembered per network object."""
    with _POSITIONS_LOCK:
        known = _POSITIONS.get(network)
    if known is None:
        known = _positions(network)
        with _POSITIONS_LOCK:
            _POSITIONS[network] = known
    return dict(known)


def _positions(network: BooleanNetwork) -> dict[str, tuple[float, float]]:
    given = file_positions(network)
    if given is not None:
        return given
    depth = _depths(network)
    column_of = _columns(network, depth)
    grouped = _ordered(network, column_of, depth)
    modules = [n.module for n in network.nodes]
    out: dict[str, tuple[float, float]] = {}
    wrap = None if all(modules) else max(6, math.ceil(math.sqrt(len(network) / 0.7)))
    x = 0
    for column in sorted(grouped):
        names = grouped[column]
        rows = wrap or len(names) or 1
        for row, name in enumerate(names):
            sub = x + row // rows
            out[name] = (
                sub * COLUMN_WIDTH,
                (row % rows) * ROW_HEIGHT + (sub % 2) * ROW_HEIGHT / 2,
            )
        x += max(1, math.ceil(len(names) / rows))
    return out


def node_styles(
    network: BooleanNetwork,
    attractor: Attractor | None = None,
    *,
    knockouts: Sequence[str] = (),
    overexpressed: Sequence[str] = (),
    perturbations: Sequence[Perturbation] = (),
) -> dict[str, list[str]]:
    """What a node of :func:`elements` shows for a state: per node name, its classes
    (``on`` / ``off`` / ``osc`` in ``attractor``, ``ko`` / ``oe``, the kinds of the named
    ``perturbations`` that fix it, its own kind) and its label (with those perturbations'
    names and the user's knockout or forcing under it), as ``[classes, label]``.

    The same for every network drawn the same way, so a page can keep the elements and
    restyle them with this alone (much less to send and redraw than the elements).

    Parameters
    ----------
    network
        The network drawn.
    attractor
        The attractor whose values colour the nodes; None leaves them uncoloured.
    knockouts, overexpressed
        Nodes the user knocked out or forced on.
    perturbations
        The perturbations applied (only ``drug``, ``genotype`` and ``environment`` ones are
        named on the graph).

    Returns
    -------
    dict
        ``{node name: [classes separated by spaces, label]}`` in the network's node order.
    """
    values: Mapping[str, Any] = attractor.value_map if attractor else {}
    named: dict[str, list[Perturbation]] = {}
    for p in perturbations:
        if p.kind in {"drug", "genotype", "environment"}:
            for target, _ in p.effects:
                named.setdefault(target, []).append(p)
    ko, oe = set(knockouts), set(overexpressed)
    out: dict[str, list[str]] = {}
    for node in network.nodes:
        classes: list[str] = [node.kind]
        value = values.get(node.name)
        if value is not None:
            classes.append({0: "off", 1: "on", "*": "osc"}[value])
        if node.name in ko:
            classes.append("ko")
        if node.name in oe:
            classes.append("oe")
        label = node.label
        by = named.get(node.name, [])
        if by:
            classes.extend(sorted({p.kind for p in by}))
            label += "\n[" + ", ".join(p.name for p in by) + "]"
        if node.name in ko:
            label += "\n(knocked out)"
        elif node.name in oe:
            label += "\n(forced on)"
        out[node.name] = [" ".join(classes), label]
    return out


def elements(
    network: BooleanNetwork,
    attractor: Attractor | None = None,
    *,
    knockouts: Sequence[str] = (),
    overexpressed: Sequence[str] = (),
    perturbations: Sequence[Perturbation] = (),
) -> list[dict[str, Any]]:
    """Nodes (with preset positions) and signed edges for dash-cytoscape; each node's classes
    and label are those of :func:`node_styles`."""
    pos = positions(network)
    styles = node_styles(
        network,
        attractor,
        knockouts=knockouts,
        overexpressed=overexpressed,
        perturbations=perturbations,
    )
    out: list[dict[str, Any]] = []
    for node in network.nodes:
        classes, label = styles[node.name]
        x, y = pos[node.name]
        out.append(
            {
                "data": {
                    "id": node.name,
                    "label": label,
                    "name": node.name,
                    "module": node.module,
                },
                "position": {"x": x, "y": y},
                "classes": classes,
            }
        )
    for target, rule in network.rules.items():
        for source, sign in rule.regulators.items():
            kind = {"+": "activation", "-": "inhibition"}.get(sign, "dual")
            span = abs(pos[source][0] - pos[target][0]) / COLUMN_WIDTH
            if source == target:
                kind += " loop"  # self-regulation: a small loop above the node
            elif span > 1.5:
                kind += " long"  # routed orthogonally (taxi), drawn lighter
            out.append(
                {
                    "data": {
                        "id": f"{source}->{target}",
                        "source": source,
                        "target": target,
                        "sign": sign,
                    },
                    "classes": kind,
                }
            )
    return out


def elements_key(network: BooleanNetwork) -> str:
    """A digest (SHA-256, 16 hex digits) of what :func:`elements` draws for ``network`` before
    any state (nodes, positions, edges, kinds, labels): networks with the same key are drawn
    alike, so a page showing one needs only :func:`node_styles` to show the other's states."""
    text = json.dumps(elements(network), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


_SAFE_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,200}$")


def search_nodes(network: BooleanNetwork, text: str, limit: int = 200) -> tuple[str, ...]:
    """Nodes whose name or label contains ``text`` (case-insensitive), in the network's
    order; an exact name or label first. Empty text finds nothing."""
    needle = text.strip().lower()[:64] if isinstance(text, str) else ""
    if not needle:
        return ()
    exact = [n.name for n in network.nodes if needle in (n.name.lower(), n.label.lower())]
    partial = [
        n.name
        for n in network.nodes
        if n.name not in exact and (needle in n.name.lower() or needle in n.label.lower())
    ]
    return tuple([*exact, *partial][:limit])


def _id_selector(names: Sequence[str]) -> str:
    return ", ".join(f'node[id = "{n}"]' for n in names if _SAFE_ID.match(n))


def stylesheet(
    *, inspected: str | None = None, highlighted: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """The cytoscape stylesheet for :func:`elements`; ``inspected`` (the node shown in the
    details panel) gets a thick dark border, ``highlighted`` (search matches) a yellow halo
    while the other nodes fade."""
    rules = _base_stylesheet()
    if highlighted:
        selector = _id_selector(highlighted)
        if selector:
            rules.append({"selector": "node", "style": {"opacity": 0.35}})
            rules.append({"selector": "edge", "style": {"opacity": 0.2}})
            rules.append(
                {
                    "selector": selector,
                    "style": {
                        "opacity": 1,
                        "underlay-color": "#ffd400",
                        "underlay-padding": 8,
                        "underlay-opacity": 0.8,
                    },
                }
            )
    if inspected:
        selector = _id_selector([inspected])
        if selector:
            rules.append(
                {
                    "selector": selector,
                    "style": {
                        "opacity": 1,
                        "outline-width": 3,
                        "outline-color": "#111111",
                        "outline-offset": 3,
                        "underlay-color": "#f5c26b",
                        "underlay-padding": 6,
                        "underlay-opacity": 0.9,
                    },
                }
            )
    return rules


def _base_stylesheet() -> list[dict[str, Any]]:
    return [
        {
            "selector": "node",
            "style": {
                "label": "data(label)",
                "shape": "round-rectangle",
                "width": NODE_WIDTH,
                "height": NODE_HEIGHT,
                "font-size": FONT_SIZE,
                "text-wrap": "wrap",
                "text-max-width": NODE_WIDTH - 6,
                "line-height": 1.05,
                "text-valign": "center",
                "text-halign": "center",
                "background-color": "#e8e8e8",
                "border-width": 1,
                "border-color": "#888",
                "color": "#111",
            },
        },
        {"selector": "node.input", "style": {"shape": "ellipse"}},
        {"selector": "node.output", "style": {"shape": "hexagon", "width": NODE_WIDTH + 10}},
        {"selector": "node.on", "style": {"background-color": "#7bc67b"}},
        {"selector": "node.off", "style": {"background-color": "#e3e3e3", "color": "#333"}},
        {"selector": "node.osc", "style": {"background-color": "#f5c26b"}},
        {
            "selector": "node.drug",
            "style": {"border-color": "#7b3294", "border-width": 4, "border-style": "double"},
        },
        {"selector": "node.genotype", "style": {"border-color": "#e66101", "border-width": 4}},
        {"selector": "node.environment", "style": {"border-color": "#5e3c99", "border-width": 3}},
        {
            "selector": "node.ko",
            "style": {"border-color": "#d7191c", "border-width": 6, "border-style": "dashed"},
        },
        {"selector": "node.oe", "style": {"border-color": "#2c7bb6", "border-width": 6}},
        {
            "selector": "edge",
            "style": {
                "curve-style": "bezier",
                "width": 1.5,
                "line-color": "#999",
                "target-arrow-color": "#999",
                "arrow-scale": 1.1,
            },
        },
        {
            "selector": "edge.activation",
            "style": {
                "target-arrow-shape": "triangle",
                "line-color": "#3a8a3a",
                "target-arrow-color": "#3a8a3a",
            },
        },
        {
            "selector": "edge.inhibition",
            "style": {
                "target-arrow-shape": "tee",
                "line-color": "#c0392b",
                "target-arrow-color": "#c0392b",
            },
        },
        {"selector": "edge.dual", "style": {"target-arrow-shape": "diamond"}},
        {
            # cytoscape puts a loop's control points 1.4 steps from the node's centre in the
            # loop's direction (default: to the upper left, 56 units), inside a node this wide,
            # and then draws no loop at all: straight up, with a narrow sweep, they stand above
            # the node's top border
            "selector": "edge.loop",
            "style": {
                "loop-direction": "0deg",
                "loop-sweep": "-50deg",
                "control-point-step-size": 26,
            },
        },
        {
            # an edge across columns runs in the gaps between them (right angles) and is
            # drawn lighter, so it does not cut through the modules it passes
            "selector": "edge.long",
            "style": {
                "curve-style": "taxi",
                "taxi-direction": "horizontal",
                "taxi-turn": 0.5 * COLUMN_WIDTH,
                "taxi-turn-min-distance": 8,
                "width": 1.2,
                "opacity": 0.55,
            },
        },
    ]


STATE_SIZE = 34  # diameter of a state of a drawn cycle (model units)


def cycle_elements(
    graph: StateTransitionGraph, labels: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """Cytoscape elements of a cycle's state-transition graph: one node per state (``S1``,
    ``S2``, ...; its values of the oscillating nodes as the data field ``values``), on a
    circle in the order a walk along the transitions meets them (so most transitions join
    neighbours; preset positions), and one edge per transition."""
    labels = labels or {}
    count = max(1, len(graph.states))
    radius = max(60.0, count * (STATE_SIZE + 14) / (2 * math.pi))
    walk = nx.DiGraph(list(graph.transitions))
    walk.add_nodes_from(range(len(graph.states)))
    order: list[int] = []
    for start in range(len(graph.states)):
        if start not in order:
            order += [i for i in nx.dfs_preorder_nodes(walk, start) if i not in order]
    place = {state: k for k, state in enumerate(order)}
    out: list[dict[str, Any]] = []
    for i, state in enumerate(graph.states):
        angle = 2 * math.pi * place[i] / count - math.pi / 2
        values = ", ".join(
            f"{labels.get(n, n)}={v}" for n, v in zip(graph.nodes, state, strict=True)
        )
        out.append(
            {
                "data": {"id": graph.label(i), "label": graph.label(i), "values": values},
                "position": {"x": radius * math.cos(angle), "y": radius * math.sin(angle)},
                "classes": "state",
            }
        )
    for a, b in graph.transitions:
        source, target = graph.label(a), graph.label(b)
        out.append({"data": {"id": f"{source}->{target}", "source": source, "target": target}})
    return out


def cycle_stylesheet() -> list[dict[str, Any]]:
    """The stylesheet of :func:`cycle_elements` (orange states, as oscillating nodes)."""
    return [
        {
            "selector": "node",
            "style": {
                "label": "data(label)",
                "width": STATE_SIZE,
                "height": STATE_SIZE,
                "font-size": 12,
                "text-valign": "center",
                "text-halign": "center",
                "background-color": "#f5c26b",
                "border-width": 1,
                "border-color": "#8a6d2b",
            },
        },
        {
            "selector": "edge",
            "style": {
                "curve-style": "bezier",
                "width": 1.5,
                "line-color": "#777",
                "target-arrow-color": "#777",
                "target-arrow-shape": "triangle",
                "arrow-scale": 0.9,
            },
        },
    ]
