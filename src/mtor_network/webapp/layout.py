"""The page layout (built per page load: no per-user state lives in the server)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import dash_cytoscape as cyto
from dash import dcc, html

from ..analysis.evidence import ValidationReport, validate
from ..attractors import SEMANTICS
from ..models import FLAGSHIP, load_network
from ..network import BooleanNetwork
from ..viz import elements, stylesheet
from . import ids
from .exports import FORMATS

_ARIA_LIVE: dict[str, Any] = {"aria-live": "polite"}
PANEL = {"padding": "8px 12px", "borderRight": "1px solid #ddd", "overflowY": "auto"}


@lru_cache(maxsize=8)
def validation_report(model: str) -> ValidationReport:
    """The evidence report of a model (immutable, computed once)."""
    return validate(load_network(model))


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


def _toggle_buttons(network: BooleanNetwork) -> list[Any]:
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
    network = load_network(model)
    drug_options = [
        {"label": f"{p.label} ({p.drug_class})", "value": name} for name, p in network.drugs.items()
    ]
    controls = html.Div(
        [
            html.H3("Treatment and background"),
            html.Label("Drugs", htmlFor=ids.DRUGS),
            dcc.Dropdown(id=ids.DRUGS, options=drug_options, multi=True, placeholder="no drug"),
            html.Label("Genotype", htmlFor=ids.GENOTYPES),
            dcc.Dropdown(
                id=ids.GENOTYPES,
                options=[{"label": p.label, "value": n} for n, p in network.genotypes.items()],
                multi=True,
                placeholder="wild type",
            ),
            html.Label("Environment"),
            dcc.Checklist(
                id=ids.ENVIRONMENTS,
                options=[{"label": p.label, "value": n} for n, p in network.environments.items()],
                value=[],
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
            *_toggle_buttons(network),
            html.H3("Node details"),
            dcc.Dropdown(
                id=ids.NODE_PICK,
                options=[{"label": f"{n.label} ({n.name})", "value": n.name} for n in network],
                placeholder="pick a node (or click one on the graph)",
            ),
            html.Div(id=ids.NODE_DETAILS, className="details"),
        ],
        style={**PANEL, "width": "300px", "flex": "none"},
    )
    explorer = html.Div(
        [
            html.Div(id=ids.ERROR, role="alert", className="error"),
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
                    html.Button(
                        "model as BNet" if f == "bnet" else f"attractors as {f.upper()}",
                        id={"type": ids.EXPORT, "format": f},
                        n_clicks=0,
                    )
                    for f in FORMATS
                ],
                className="exports",
            ),
            dcc.Download(id=ids.DOWNLOAD),
            dcc.Graph(id=ids.HEATMAP, config={"displaylogo": False}),
            html.Div(id=ids.TABLE, className="table-wrap"),
        ],
        style={"flex": "1", "padding": "8px 12px", "minWidth": 0},
    )
    report = validation_report(model)
    validation = html.Div(
        [
            html.P(
                f"{sum(r.passed for r in report.results)} of {len(report.results)} evidence "
                f"cases pass ({report.semantics} semantics)."
            ),
            validation_table(report),
        ],
        id=ids.VALIDATION,
        style={"padding": "8px 12px"},
    )
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.STATE, storage_type="memory"),
            html.Header(
                [
                    html.H1("mtor_network explorer"),
                    html.Span(f"{network.title} - model {network.name} {network.version}"),
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
                    dcc.Tab(label="Validation (E1-E13)", value="validation", children=validation),
                ],
            ),
        ]
    )
