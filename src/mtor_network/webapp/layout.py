"""The page layout (built per page load: no per-user state lives in the server)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import dash_cytoscape as cyto
from dash import dcc, html

from ..analysis.evidence import EVIDENCE_CASES, ValidationReport, validate
from ..analysis.readouts import declared_readouts, free_inputs, readout_candidates
from ..attractors import SEMANTICS
from ..io import READERS
from ..models import FLAGSHIP, bundled_models, load_bundled
from ..network import BooleanNetwork
from ..viz import elements, stylesheet
from ..viz.cytoscape import cycle_stylesheet, elements_key
from . import ids, screen_tab
from .exports import TABLE_FORMATS, formats
from .state import MAX_UPLOAD_BYTES, READOUT_ROLES, ExplorerState

_ARIA_LIVE: dict[str, Any] = {"aria-live": "polite"}


def _attrs(values: dict[str, Any]) -> Any:
    """Attributes with dashes (``aria-*``) for a component's keyword arguments."""
    return values


_HIDDEN = _attrs({"aria-hidden": "true"})
WHEEL_SENSITIVITY = 0.25  # cytoscape's default (1) zooms far too much per wheel step


@lru_cache(maxsize=8)
def validation_report(model: str) -> ValidationReport:
    """The evidence report of a model (immutable, computed once)."""
    return validate(load_bundled(model))


def validation_table(report: ValidationReport) -> html.Table:
    """E1-E13 with pass/fail, references as links, and one button per setting of a case that
    opens that setting (its genotype, drugs, environment, node perturbations) in the Explorer."""
    head = html.Thead(
        html.Tr(
            [
                html.Th(h)
                for h in ("id", "result", "setting", "expected", "observed", "refs", "explore")
            ]
        )
    )
    rows = []
    for index, r in enumerate(report.results):
        links: list[Any] = []
        for key in r.case.references:
            ref = report.network.references.get(key)
            text = f"[{ref.review}]" if ref and ref.review else key
            href = ref.url if ref else None
            title = ref.citation if ref else key
            links.append(
                html.A(text, href=href, title=title, target="_blank")
                if href
                else html.Span(text, title=title)
            )
            links.append(" ")
        opens = [
            html.Button(
                setting.label,
                id={"type": ids.CASE_OPEN, "case": index, "setting": number},
                n_clicks=0,
                className="case-open",
                title=f"open {r.case.id}: {setting.label} in the Explorer",
            )
            for number, setting in enumerate(r.case.settings)
        ]
        rows.append(
            html.Tr(
                [
                    html.Td(r.case.id),
                    html.Td(
                        "PASS" if r.passed else "FAIL", className="pass" if r.passed else "fail"
                    ),
                    html.Td(r.case.setting),
                    html.Td(r.case.expected),
                    html.Td(r.observed),
                    html.Td(links),
                    html.Td(opens),
                ]
            )
        )
    return html.Table([head, html.Tbody(rows)], className="report")


def validation_label() -> str:
    """The Validation tab's label, with the ids of the evidence cases (E1-E13, ...)."""
    names = [case.id for case in EVIDENCE_CASES]
    return f"Validation ({names[0]}-{names[-1]})" if names else "Validation"


def validation_panel(model: str, network: BooleanNetwork) -> list[Any]:
    """The Validation tab: E1-E13 for the bundled flagship model; a note for any other."""
    if model != FLAGSHIP:
        return [
            html.P(
                f"The evidence cases of the Validation tab are written for the {FLAGSHIP} model; "
                f"{network.name} is not checked against them.",
                className="hint",
            )
        ]
    report = validation_report(FLAGSHIP)
    return [
        html.P(
            f"{sum(r.passed for r in report.results)} of {len(report.results)} evidence "
            f"cases pass ({report.semantics} semantics). A button under 'explore' opens "
            "that setting in the Explorer tab."
        ),
        validation_table(report),
    ]


def model_title(network: BooleanNetwork) -> str:
    """The header line naming the model on screen."""
    return f"{network.title or network.name} - model {network.name} {network.version}".strip()


def drug_options(network: BooleanNetwork) -> list[dict[str, str]]:
    return [
        {"label": f"{p.label} ({p.drug_class})" if p.drug_class else p.label, "value": name}
        for name, p in network.drugs.items()
    ]


def named_options(perturbations: dict[str, Any] | Any) -> list[dict[str, str]]:
    return [{"label": p.label or n, "value": n} for n, p in perturbations.items()]


def node_options(network: BooleanNetwork) -> list[dict[str, str]]:
    return [{"label": f"{n.label} ({n.name})", "value": n.name} for n in network]


FORMAT_NAMES = {
    "bnet": "BNet",
    "sbml": "SBML-qual",
    "aeon": "AEON",
    "bnd": "MaBoSS",
    "booleannet": "BooleanNet",
    "boolnet": "BoolNet",
    "smv": "NuSMV",
    "primes": "PyBoolNet primes",
}


def _export_label(fmt: str) -> str:
    if fmt in TABLE_FORMATS:
        return f"attractors as {fmt.upper()}"
    return f"model as {FORMAT_NAMES.get(fmt, fmt)}"


NO_NODE_TEXT = "Pick a node to see its rule and references."
"""The details panel while no node is picked."""


def no_node_details() -> list[Any]:
    """The details panel while no node is picked (also the page's first)."""
    return [html.P(NO_NODE_TEXT, className="hint")]


def toggle_groups(network: BooleanNetwork) -> list[list[tuple[str, str]]]:
    """The nodes of each group of toggle buttons (one per pathway module, in the network's
    order), as (name, label)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for node in network.nodes:
        groups.setdefault(node.module or "Nodes", []).append((node.name, node.label))
    return list(groups.values())


def toggle_buttons(network: BooleanNetwork) -> list[Any]:
    """One closed group per pathway module; a group's buttons (``TOGGLE_BUTTONS_JS``: normal
    -> knocked out -> forced on) are drawn in the page when it is first opened, so a page
    does not mount the ~60 buttons nobody sees (every update of the page's store visits each
    mounted component)."""
    modules = list(dict.fromkeys(node.module or "Nodes" for node in network.nodes))
    return [
        *[
            html.Details(
                [
                    html.Summary(module, id={"type": ids.TOGGLE_OPEN, "group": i}, n_clicks=0),
                    html.Div([], id={"type": ids.TOGGLE_GROUP, "group": i}, className="toggles"),
                ],
                open=False,
            )
            for i, module in enumerate(modules)
        ],
        dcc.Store(id=ids.TOGGLE_NODES, data=toggle_groups(network)),
    ]


LEGEND_ITEMS = (
    ("fill on", "ON in the attractor shown"),
    ("fill off", "OFF"),
    ("fill osc", "oscillates (cyclic attractor)"),
    ("border ko", "knocked out by you"),
    ("border oe", "forced on by you"),
    ("border drug", "target of a drug"),
    ("border genotype", "changed by the genotype"),
    ("border environment", "set by the environment"),
    ("border inspected", "shown in Node details"),
    ("edge activation", "activates"),
    ("edge inhibition", "inhibits"),
)


def legend() -> html.Div:
    """What the graph's fills, borders and edges mean."""
    return html.Div(
        [html.Span("Legend: ", className="legend-title")]
        + [html.Span(text, className=f"legend-item {kind}") for kind, text in LEGEND_ITEMS],
        id=ids.LEGEND,
        className="legend",
    )


def toolbar() -> html.Div:
    """Above the graph, one line of fixed height: what a click does, view and history
    buttons, node search and picture downloads."""

    def button(label: str, id_: str, title: str) -> html.Button:
        return html.Button(label, id=id_, n_clicks=0, title=title, className="tool")

    return html.Div(
        [
            html.Span("Click on a node: ", className="tool-label"),
            dcc.RadioItems(
                id=ids.CLICK_MODE,
                options=[
                    {"label": "perturb (normal, knocked out, forced on)", "value": "perturb"},
                    {"label": "inspect only", "value": "inspect"},
                ],
                value="perturb",
                inline=True,
                className="click-mode",
            ),
            button("+", ids.ZOOM_IN, "zoom in"),
            button("-", ids.ZOOM_OUT, "zoom out"),
            button("Fit", ids.FIT, "fit the whole network in view"),
            button("Undo", ids.UNDO, "undo the last change (the browser's back button)"),
            button("Redo", ids.REDO, "redo (the browser's forward button)"),
            html.Label("Find:", htmlFor=ids.NODE_SEARCH, className="inline-label"),
            dcc.Input(
                id=ids.NODE_SEARCH,
                type="search",
                placeholder="find a node",
                debounce=False,
                maxLength=64,
                className="node-search",
            ),
            html.Span(id=ids.SEARCH_STATUS, className="hint", **_ARIA_LIVE),
            button("PNG", ids.PNG, "download the network picture as PNG"),
            button("SVG", ids.SVG, "download the network picture as SVG"),
        ],
        className="toolbar",
    )


def input_switches(network: BooleanNetwork, state: ExplorerState | None = None) -> list[Any]:
    """One switch per free input (rule ``x, x``): free (both values searched, the default),
    off or on. A model without free inputs gets a short note."""
    free = free_inputs(network)
    if not free:
        return [html.P("This model has no free inputs.", className="hint")]

    def value(node: str) -> str:
        status = state.status(node) if state is not None else "normal"
        return {"knockout": "0", "overexpress": "1"}.get(status, "free")

    rows = [
        html.Div(
            [
                html.Span(network.node(node).label, className="switch-name", title=node),
                dcc.RadioItems(
                    id={"type": ids.INPUT_SWITCH, "node": node},
                    options=[
                        {"label": "free", "value": "free"},
                        {"label": "off", "value": "0"},
                        {"label": "on", "value": "1"},
                    ],
                    value=value(node),
                    inline=True,
                ),
            ],
            className="switch",
        )
        for node in free
    ]
    bulk = html.Div(
        [html.Span("All: ")]
        + [
            html.Button(
                text,
                id={"type": ids.INPUTS_ALL, "value": key},
                n_clicks=0,
                className="tool",
                title=f"set every free input {text}",
            )
            for key, text in (("free", "free"), ("0", "off"), ("1", "on"))
        ],
        className="switch-all",
    )
    return [
        html.P(
            f"{len(free)} free input(s): 'free' (the default) searches both values of each; "
            "every free input doubles the search. Fix them here.",
            className="hint",
        ),
        bulk,
        *rows,
    ]


def readout_panel(network: BooleanNetwork) -> list[Any]:
    """Which node reads out each phenotype (proliferation, apoptosis): the model's own, else
    recognised by name; any node can be chosen."""
    declared = declared_readouts(network)
    panel: list[Any] = []
    for role in READOUT_ROLES:
        ranked = readout_candidates(network.node_names, role)
        others = [n for n in network.node_names if n not in ranked]
        panel += [
            html.Label(f"{role.capitalize()} read-out", htmlFor=f"readout-{role}"),
            dcc.Dropdown(
                id={"type": ids.READOUT_PICK, "role": role},
                options=[{"label": n, "value": n} for n in (*ranked, *others)],
                value=declared.get(role),
                placeholder="none",
                clearable=True,
            ),
        ]
    return panel


def timecourse_panel(network: BooleanNetwork) -> html.Details:
    """The stochastic time course of the current perturbations (seeded, reproducible)."""
    return html.Details(
        [
            html.Summary("Time course (stochastic simulation)"),
            html.P(
                "Phenotype probabilities over time for the current perturbations: "
                "asynchronous stochastic runs from a random start (MaBoSS-like), seeded.",
                className="hint",
            ),
            html.Div(
                [
                    html.Label("Nodes to plot", htmlFor=ids.TIMECOURSE_NODES),
                    dcc.Dropdown(
                        id=ids.TIMECOURSE_NODES,
                        options=node_options(network),
                        multi=True,
                        placeholder="phenotypes only",
                    ),
                    html.Label("Runs", htmlFor=ids.TIMECOURSE_RUNS),
                    dcc.Input(
                        id=ids.TIMECOURSE_RUNS,
                        type="number",
                        min=10,
                        max=MAX_SIMULATION_RUNS,
                        step=10,
                        value=500,
                    ),
                    html.Label("Seed", htmlFor=ids.TIMECOURSE_SEED),
                    dcc.Input(id=ids.TIMECOURSE_SEED, type="number", min=0, max=2**31 - 1, value=0),
                    html.Button("Simulate", id=ids.TIMECOURSE_RUN, n_clicks=0),
                ],
                className="timecourse-controls",
            ),
            html.Div(id=ids.TIMECOURSE_STATUS, role="status", className="hint"),
            # the plot is made when a time course is run: a page load needs no plotly
            html.Div(id=ids.TIMECOURSE_WRAP),
        ],
        className="timecourse",
    )


GRAPH_CONFIG: Any = screen_tab.GRAPH_CONFIG
"""Plotly figure options everywhere in the app: no logo, no cloud ("share") buttons."""

MAX_SIMULATION_RUNS = 2000


def cycle_panel() -> html.Div:
    """The cyclic attractors: pick one, then 'Show' draws its state-transition graph and lists
    its states; shown when the result has a cycle."""
    return html.Div(
        [
            html.Span(id=ids.CYCLE_SUMMARY, className="cycle-summary"),
            html.Button(CYCLE_SHOW_TEXT[False], id=ids.CYCLE_SHOW, n_clicks=0, className="tool"),
            dcc.RadioItems(id=ids.CYCLE_PICK, options=[], value=None, inline=True),
            html.P(id=ids.CYCLE_NOTE, className="hint transitions"),
            html.Div(id=ids.CYCLE_DRAWING),
            plain_table(ids.CYCLE_STATES, page_size=64),
        ],
        id=ids.CYCLE_VIEW,
        className="cycles",
        style={"display": "none"},
    )


CYCLE_SHOW_TEXT: Mapping[bool, str] = MappingProxyType(
    {False: "Show states and transitions", True: "Hide states and transitions"}
)


def cycle_graph(elements: list[Any]) -> Any:
    """The drawn state-transition graph of one cycle (made when shown, so cytoscape measures
    a visible container)."""
    return cyto.Cytoscape(
        id=ids.CYCLE_GRAPH,
        elements=elements,
        layout={"name": "preset", "fit": True, "padding": 12},
        stylesheet=cycle_stylesheet(),
        autoungrabify=True,
        autounselectify=True,
        boxSelectionEnabled=False,
        userZoomingEnabled=False,
        style={"width": "100%", "maxWidth": "420px", "height": "260px"},
        className="cycle-graph",
    )


def groups_panel() -> html.Div:
    """The summary of a result by input valuation (free inputs left free, many attractors):
    one row per valuation and a picker of the valuation whose attractors the table shows;
    hidden for other results."""
    return html.Div(
        [
            html.P(id=ids.GROUPS_NOTE, className="groups-note"),
            plain_table(ids.GROUPS_TABLE, page_size=GROUPS_PAGE_SIZE),
            html.Label("Input valuation shown in the table", htmlFor=ids.GROUP_PICK),
            dcc.Dropdown(id=ids.GROUP_PICK, options=[], value=None, clearable=False),
        ],
        id=ids.GROUPS,
        className="groups",
        style={"display": "none"},
    )


GROUPS_PAGE_SIZE = 16  # valuations per page of the summary by input valuation


def attractor_table() -> html.Div:
    """The attractor table, filled by the results callback (its columns, rows and cell
    colours change; nothing new is mounted on a click)."""
    return plain_table(ids.TABLE, page_size=TABLE_PAGE_SIZE)


def plain_table(id_: str, *, page_size: int) -> html.Div:
    """A table drawn by the page script (``window.mtorTable`` in
    :mod:`~mtor_network.webapp._page`) into the container ``id_`` from its content store
    (:data:`~mtor_network.webapp.ids.TABLES`; ``{"columns", "data", "classes", "tooltips"}``
    as :func:`~mtor_network.webapp.callbacks.table` makes it), ``page_size`` rows a page with
    Previous and Next buttons. A new content is one update of the page's store: no Dash
    component per cell, and no DataTable (whose bundle and cell styles cost a fifth of a page
    load)."""
    size: dict[str, Any] = {"data-page-size": str(page_size)}
    return html.Div(
        [
            dcc.Store(id=ids.TABLES[id_], storage_type="memory"),
            html.Div(id=id_, className="plain-table", **size),
        ]
    )


TABLE_PAGE_SIZE = 50  # attractor rows per page of the table


def build_layout(model: str = FLAGSHIP) -> html.Div:
    """The whole page."""
    network = load_bundled(model)
    accepted = ",".join(sorted(READERS))
    controls = html.Div(
        [
            html.H3("Model"),
            dcc.Dropdown(
                id=ids.MODEL_SELECT,
                options=[{"label": m, "value": m} for m in bundled_models()],
                value=model,
                clearable=False,
            ),
            dcc.Upload(
                id=ids.UPLOAD,
                children=html.Div(["Load a model file: drop it here or ", html.A("choose one")]),
                accept=accepted,
                max_size=MAX_UPLOAD_BYTES,
                multiple=False,
                className="upload",
            ),
            html.Div(id=ids.UPLOAD_STATUS, role="status", className="hint"),
            html.H3("Treatment and background"),
            html.Label("Drugs", htmlFor=ids.DRUGS),
            dcc.Dropdown(
                id=ids.DRUGS, options=drug_options(network), multi=True, placeholder="no drug"
            ),
            html.Label("Genotype", htmlFor=ids.GENOTYPES),
            dcc.Dropdown(
                id=ids.GENOTYPES,
                options=named_options(network.genotypes),
                multi=True,
                placeholder="wild type",
            ),
            html.Label("Environment"),
            dcc.Checklist(
                id=ids.ENVIRONMENTS, options=named_options(network.environments), value=[]
            ),
            html.Label("Semantics"),
            dcc.RadioItems(
                id=ids.SEMANTICS,
                options=[{"label": s.replace("_", " "), "value": s} for s in SEMANTICS],
                value="asynchronous",
            ),
            html.Button("Reset", id=ids.RESET, n_clicks=0, className="reset"),
            html.Details(
                [
                    html.Summary("Inputs"),
                    html.Div(input_switches(network), id=ids.INPUTS),
                ],
                open=bool(free_inputs(network)),
                id=ids.INPUTS_NOTE,
            ),
            html.Details(
                [
                    html.Summary("Phenotype read-outs"),
                    html.Div(readout_panel(network), id=ids.READOUTS),
                ],
                open=False,
            ),
            html.H3("Nodes"),
            html.P(
                "Click a node on the graph (in 'perturb' mode), or a button here, to cycle it: "
                "normal -> knocked out -> forced on -> normal.",
                className="hint",
            ),
            html.Div(toggle_buttons(network), id=ids.TOGGLES),
            html.H3("Node details"),
            dcc.Dropdown(
                id=ids.NODE_PICK,
                options=node_options(network),
                placeholder="pick a node (or click one on the graph)",
            ),
            html.Div(no_node_details(), id=ids.NODE_DETAILS, className="details"),
        ],
        className="controls",
    )
    explorer = html.Div(
        [
            toolbar(),
            html.Div(
                [
                    html.Div(
                        id=ids.REGIONS, className="regions", **_attrs({"aria-hidden": "true"})
                    ),
                    cyto.Cytoscape(
                        id=ids.GRAPH,
                        layout={"name": "preset", "fit": True, "padding": 16},
                        elements=elements(network),
                        stylesheet=stylesheet(),
                        autoungrabify=True,
                        autounselectify=True,
                        boxSelectionEnabled=False,
                        minZoom=0.2,
                        maxZoom=3,
                        wheelSensitivity=WHEEL_SENSITIVITY,
                        style={"width": "100%", "height": "100%"},
                    ),
                ],
                className="graph-wrap",
            ),
            legend(),
            html.Div(
                [
                    html.Span("Show attractor on the graph: "),
                    dcc.RadioItems(id=ids.ATTRACTOR_PICK, options=[], value=0, inline=True),
                ],
                className="attractor-pick",
            ),
            html.Div(id=ids.ERROR, role="alert", className="error"),
            html.Div(
                [
                    html.Span("This search is over the quick time limit. ", id=ids.HEAVY + "-text"),
                    html.Button("Run it in the background", id=ids.HEAVY_RUN, n_clicks=0),
                    html.Button("Cancel", id=ids.HEAVY_CANCEL, n_clicks=0, disabled=True),
                    html.Span(id=ids.HEAVY_STATUS, role="status", className="hint"),
                ],
                id=ids.HEAVY,
                style={"display": "none"},
            ),
            html.Div(id=ids.SUMMARY, className="summary", **_ARIA_LIVE),
            dcc.Store(id=ids.SUMMARY_CONTENT, storage_type="memory"),
            cycle_panel(),
            groups_panel(),
            html.Div(
                [html.Span("Export: ")]
                + [
                    html.Button(_export_label(f), id={"type": ids.EXPORT, "format": f}, n_clicks=0)
                    for f in formats()
                ],
                className="exports",
            ),
            dcc.Download(id=ids.DOWNLOAD),
            html.Img(
                id=ids.HEATMAP,
                src="",
                alt="heatmap of the attractors (rows) and node values (columns): grey off, "
                "green on, orange oscillating",
                className="heatmap",
            ),
            attractor_table(),
            timecourse_panel(network),
        ],
        className="explorer",
    )
    # filled when the tab is first opened: a page load does not carry (and the renderer does
    # not crawl) the report's ~200 buttons
    validation = html.Div(
        html.P("Loading the evidence report ...", className="hint"),
        id=ids.VALIDATION,
        style={"padding": "8px 12px"},
    )
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.STATE, storage_type="memory"),
            dcc.Store(id=ids.TAB, storage_type="memory", data=uuid.uuid4().hex),
            dcc.Store(id=ids.UPLOAD_STORE, storage_type="memory"),
            dcc.Store(id=ids.CURRENT_MODEL, storage_type="memory", data=model),
            dcc.Store(id=ids.CLIENT_SINK, storage_type="memory"),
            dcc.Store(id=ids.CYCLE_REQUEST, storage_type="memory", data=0),
            # the graph keeps its elements while the network drawn stays (GRAPH_KEY); a
            # state restyles them in the page from GRAPH_VIEW (viz node_styles)
            dcc.Store(id=ids.GRAPH_KEY, storage_type="memory", data=elements_key(network)),
            dcc.Store(id=ids.GRAPH_VIEW, storage_type="memory"),
            # a tap on a graph node: {"data": {"id": node}, "timeStamp": ms} (_page SCRIPT)
            dcc.Store(id=ids.GRAPH_TAP, storage_type="memory"),
            html.Header(
                [
                    html.H1("mtor_network explorer"),
                    html.Span(model_title(network), id=ids.MODEL_TITLE),
                ]
            ),
            dcc.Tabs(
                id=ids.TABS,
                value="explorer",
                children=[
                    dcc.Tab(
                        label="Explorer",
                        value="explorer",
                        children=html.Div([controls, explorer], className="explorer-tab"),
                    ),
                    dcc.Tab(label="Screen", value="screen", children=screen_tab.layout(network)),
                    dcc.Tab(label=validation_label(), value="validation", children=validation),
                ],
            ),
        ]
    )
