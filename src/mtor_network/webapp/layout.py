"""The page layout (built per page load: no per-user state lives in the server)."""

from __future__ import annotations

import uuid
from functools import lru_cache
from typing import Any

import dash_cytoscape as cyto
from dash import dcc, html

from ..analysis.evidence import ValidationReport, validate
from ..attractors import SEMANTICS
from ..io import READERS
from ..models import FLAGSHIP, bundled_models, load_bundled
from ..network import BooleanNetwork
from ..viz import elements, stylesheet
from . import ids, screen_tab
from .exports import TABLE_FORMATS, formats
from .state import MAX_UPLOAD_BYTES

_ARIA_LIVE: dict[str, Any] = {"aria-live": "polite"}
PANEL = {"padding": "8px 12px", "borderRight": "1px solid #ddd", "overflowY": "auto"}


@lru_cache(maxsize=8)
def validation_report(model: str) -> ValidationReport:
    """The evidence report of a model (immutable, computed once)."""
    return validate(load_bundled(model))


def validation_table(report: ValidationReport) -> html.Table:
    """E1-E13 with pass/fail and references as links."""
    head = html.Thead(
        html.Tr([html.Th(h) for h in ("id", "result", "setting", "expected", "observed", "refs")])
    )
    rows = []
    for r in report.results:
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
                ]
            )
        )
    return html.Table([head, html.Tbody(rows)], className="report")


def validation_panel(model: str, network: BooleanNetwork) -> list[Any]:
    """The Validation tab: E1-E13 for the bundled flagship model; a note for any other."""
    if model != FLAGSHIP:
        return [
            html.P(
                f"The evidence cases E1-E13 are written for the {FLAGSHIP} model; "
                f"{network.name} is not checked against them.",
                className="hint",
            )
        ]
    report = validation_report(FLAGSHIP)
    return [
        html.P(
            f"{sum(r.passed for r in report.results)} of {len(report.results)} evidence "
            f"cases pass ({report.semantics} semantics)."
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


def toggle_buttons(network: BooleanNetwork) -> list[Any]:
    groups: dict[str, list[Any]] = {}
    for node in network.nodes:
        groups.setdefault(node.module or "Nodes", []).append(
            html.Button(
                node.label,
                id={"type": ids.NODE_TOGGLE, "node": node.name},
                n_clicks=0,
                className="toggle normal",
                title=f"{node.name}: click to cycle normal -> knocked out -> forced on",
            )
        )
    return [
        html.Details([html.Summary(module), html.Div(buttons, className="toggles")], open=False)
        for module, buttons in groups.items()
    ]


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
            html.H3("Nodes"),
            html.P(
                "Click a node on the graph, or a button here, to cycle it: normal -> knocked "
                "out -> forced on -> normal.",
                className="hint",
            ),
            html.Div(toggle_buttons(network), id=ids.TOGGLES),
            html.H3("Node details"),
            dcc.Dropdown(
                id=ids.NODE_PICK,
                options=node_options(network),
                placeholder="pick a node (or click one on the graph)",
            ),
            html.Div(id=ids.NODE_DETAILS, className="details"),
        ],
        style={**PANEL, "width": "300px", "flex": "none"},
    )
    explorer = html.Div(
        [
            html.Div(id=ids.ERROR, role="alert", className="error"),
            html.Div(
                [
                    html.Span("This search is over the quick time limit. "),
                    html.Button("Run it in the background", id=ids.HEAVY_RUN, n_clicks=0),
                    html.Button("Cancel", id=ids.HEAVY_CANCEL, n_clicks=0, disabled=True),
                ],
                id=ids.HEAVY,
                style={"display": "none"},
            ),
            html.Div(id=ids.SUMMARY, className="summary", **_ARIA_LIVE),
            html.Div(
                [
                    html.Span("Show attractor on the graph: "),
                    dcc.RadioItems(id=ids.ATTRACTOR_PICK, options=[], value=0, inline=True),
                ]
            ),
            cyto.Cytoscape(
                id=ids.GRAPH,
                layout={"name": "preset", "fit": True, "padding": 20},
                elements=elements(network),
                stylesheet=stylesheet(),
                autoungrabify=True,
                minZoom=0.2,
                maxZoom=2.5,
                style={"width": "100%", "height": "640px", "border": "1px solid #ddd"},
            ),
            html.Div(
                [html.Span("Export: ")]
                + [
                    html.Button(_export_label(f), id={"type": ids.EXPORT, "format": f}, n_clicks=0)
                    for f in formats()
                ],
                className="exports",
            ),
            dcc.Download(id=ids.DOWNLOAD),
            dcc.Graph(id=ids.HEATMAP, config={"displaylogo": False}),
            html.Div(id=ids.TABLE, className="table-wrap"),
        ],
        style={"flex": "1", "padding": "8px 12px", "minWidth": 0},
    )
    validation = html.Div(
        validation_panel(model, network), id=ids.VALIDATION, style={"padding": "8px 12px"}
    )
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.STATE, storage_type="memory"),
            dcc.Store(id=ids.TAB, storage_type="memory", data=uuid.uuid4().hex),
            dcc.Store(id=ids.UPLOAD_STORE, storage_type="memory"),
            dcc.Store(id=ids.CURRENT_MODEL, storage_type="memory", data=model),
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
                        children=html.Div([controls, explorer], style={"display": "flex"}),
                    ),
                    dcc.Tab(label="Screen", value="screen", children=screen_tab.layout(network)),
                    dcc.Tab(label="Validation (E1-E13)", value="validation", children=validation),
                ],
            ),
        ]
    )
