"""Callbacks: each one reads the per-user state from ``dcc.Store`` and calls the library.

The pure functions here (``next_state``, ``summary``, ``table``, ``node_details``) are tested
without Dash; the ``register`` function only wires them to components."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update, set_props

from ..attractors import Budget
from ..exceptions import MtorNetworkError
from ..export import attractors as tables
from ..models import FLAGSHIP, load_bundled
from ..network import BooleanNetwork
from ..viz import elements, heatmap
from . import ids
from .exports import export
from .jobs import JobSlots, ServerBusy
from .layout import (
    drug_options,
    model_title,
    named_options,
    node_options,
    toggle_buttons,
    validation_panel,
)
from .state import Analysis, ExplorerState, UploadedModel, analyze, load_model

STATUS_TEXT = {"normal": "", "knockout": " (knocked out)", "overexpress": " (forced on)"}


def next_state(
    trigger: Any,
    current: dict[str, Any] | None,
    *,
    search: str | None = None,
    tapped: str | None = None,
    drugs: list[str] | None = None,
    genotypes: list[str] | None = None,
    environments: list[str] | None = None,
    semantics: str | None = None,
    model: str | None = None,
) -> ExplorerState:
    """The state after one user event (``trigger`` is the id of the component that fired)."""
    state = ExplorerState.from_dict(current)
    if trigger is None or trigger == ids.URL or current is None:
        return ExplorerState.from_query(search)
    if trigger == ids.MODEL_SELECT:
        if not model or model == state.model:
            return state
        return ExplorerState(model=model, semantics=state.semantics)
    if trigger == ids.GRAPH and tapped:
        return state.cycle(tapped)
    if isinstance(trigger, dict) and trigger.get("type") == ids.NODE_TOGGLE:
        return state.cycle(trigger["node"])
    if trigger == ids.RESET:
        return ExplorerState(model=state.model)
    return state.with_choices(
        drugs=drugs, genotypes=genotypes, environments=environments, semantics=semantics
    )


def summary(analysis: Analysis) -> list[Any]:
    """Phenotype counts and the differences to the reference settings."""
    result = analysis.result
    if result is None:
        return []
    counts = ", ".join(f"{n} {p}" for p, n in result.phenotype_counts().items() if n)
    applied = ", ".join(p.describe() for p in result.perturbations) or "none (unperturbed model)"
    items: list[Any] = [html.P([html.B(f"{len(result)} attractor(s): "), counts or "none"])]
    if not result.complete:
        items = [
            html.P(
                [
                    html.B(f"{result.total:,} attractors"),
                    f": too many to show; the first {len(result)} are shown and exported "
                    f"({counts or 'none'}). Write them all with the command line: "
                    f"mtor-network attractors --max-attractors 0 -o all.csv, with the same "
                    "model and perturbations.",
                ],
                className="truncated",
            )
        ]
    items.append(html.P([html.B("Perturbations: "), applied]))
    if result.has_endocrine_resistant:
        items.append(
            html.P(
                "Endocrine-resistant: a proliferative attractor persists under endocrine therapy.",
                className="resistant",
            )
        )
    for comparison in analysis.comparisons:
        items.append(
            html.P(
                [html.B(f"vs {comparison.reference_label}: "), "; ".join(comparison.messages)],
                className="comparison",
            )
        )
    return items


def table(analysis: Analysis) -> html.Table | html.P:
    """One row per attractor (type, phenotype, resistance, size, every node); '*' marks an
    oscillating node."""
    if analysis.result is None:
        return html.P("No result.", className="hint")
    labels = {n.name: n.label for n in analysis.network}
    nodes = list(analysis.result.nodes)
    head = html.Tr(
        [html.Th(c.replace("_", " ")) for c in tables.COLUMNS]
        + [html.Th(labels[n], title=n) for n in nodes]
    )
    body = []
    for row in tables.rows(analysis.result):
        resistant = row["endocrine_resistant"]
        cells = [
            html.Td(row["attractor"]),
            html.Td(row["type"].replace("_", " ")),
            html.Td(row["phenotype"]),
            html.Td("yes" if resistant else "no"),
            html.Td(row["size"]),
        ]
        cells += [html.Td(str(row[n]), className=f"v{row[n]}".replace("*", "osc")) for n in nodes]
        classes = [row["phenotype"]] + (["resistant-row"] if resistant else [])
        body.append(html.Tr(cells, className=" ".join(classes)))
    return html.Table([html.Thead(head), html.Tbody(body)], className="attractors")


def node_details(network: BooleanNetwork, node: str | None, state: ExplorerState) -> list[Any]:
    """Label, description, rule, regulators and references (links) of one node."""
    if not node or node not in network.rules:
        return [html.P("Pick a node to see its rule and references.", className="hint")]
    info, rule = network.node(node), network.rules[node]
    effect = {"+": "activates", "-": "inhibits"}
    regulators = [
        html.Li(f"{network.node(r).label} ({effect.get(s, 'activates or inhibits')})")
        for r, s in rule.regulators.items()
    ]
    references = []
    for key in rule.references:
        ref = network.references.get(key)
        if ref is None:
            continue
        text = ref.citation
        references.append(html.Li(html.A(text, href=ref.url, target="_blank") if ref.url else text))
    return [
        html.H4(f"{info.label} ({info.name}){STATUS_TEXT[state.status(node)]}"),
        html.P(info.description),
        html.P([html.B("Rule: "), html.Code(f"{node} = {rule.text}")]),
        html.P(rule.justification, className="hint"),
        html.B("Regulators"),
        html.Ul(regulators or [html.Li("none (input)")]),
        html.B("References"),
        html.Ul(references),
    ]


def upload_model(
    contents: str | None, filename: str | None, options: list[dict[str, str]] | None
) -> tuple[dict[str, str] | None, str, list[dict[str, str]], str | None]:
    """Read an uploaded model file: (upload store, status message, model options, model key).

    A bad file leaves everything as it was and says what is wrong (file, line, problem)."""
    options = [o for o in (options or []) if not o["value"].startswith("upload:")]
    if not contents or not filename:
        return None, "", options, None
    try:
        upload = UploadedModel.from_contents(contents, filename)
        network = load_model(upload.key, upload)
    except MtorNetworkError as exc:
        return None, f"Not loaded: {exc}", options, None
    options.append({"label": f"uploaded: {filename}", "value": upload.key})
    status = (
        f"Loaded {filename}: {len(network)} nodes, {len(network.registry())} named "
        "perturbations. It stays in this browser tab only."
    )
    return upload.to_dict(), status, options, upload.key


def model_panel(model: str, upload: UploadedModel | None) -> tuple[Any, ...]:
    """Everything on the page that depends on the model: title, choices, toggles, validation."""
    try:
        network = load_model(model, upload)
    except MtorNetworkError:
        model, network = FLAGSHIP, load_bundled(FLAGSHIP)
    return (
        model_title(network),
        drug_options(network),
        named_options(network.genotypes),
        named_options(network.environments),
        toggle_buttons(network),
        node_options(network),
        validation_panel(model, network),
        node_options(network),
    )


def results(analysis: Analysis) -> tuple[Any, ...]:
    """What the results area shows for an analysis: summary, error, table, heatmap, the
    attractor picker (options, value), and whether the run-in-background panel is shown."""
    result = analysis.result
    figure = heatmap(result, analysis.network) if result is not None else {}
    options = [{"label": f"A{i + 1} {a.phenotype}", "value": i} for i, a in enumerate(result or [])]
    heavy = {"display": "block" if analysis.over_budget else "none"}
    return (
        summary(analysis),
        analysis.error or "",
        table(analysis),
        figure,
        options,
        0,
        heavy,
    )


def graph_elements(analysis: Analysis, state: ExplorerState, index: int | None) -> list[Any]:
    """The graph's elements, coloured by the attractor picked (``index``)."""
    result = analysis.result
    attractor = None
    if result is not None and len(result):
        attractor = result[min(int(index or 0), len(result) - 1)]
    return elements(
        analysis.network,
        attractor,
        knockouts=state.knockouts,
        overexpressed=state.overexpressed,
        perturbations=result.perturbations if result is not None else (),
    )


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def register(
    app: Dash,
    *,
    quick: Budget | None = None,
    heavy: Budget | None = None,
    slots: JobSlots | None = None,
) -> None:
    """Wire the callbacks to the layout's components. Searches answer within ``quick`` on the
    request; one over it can be run in the background within ``heavy`` (with a cancel button),
    holding one of ``slots`` while it runs."""

    @app.callback(
        Output(ids.UPLOAD_STORE, "data"),
        Output(ids.UPLOAD_STATUS, "children"),
        Output(ids.MODEL_SELECT, "options"),
        Output(ids.MODEL_SELECT, "value", allow_duplicate=True),
        Input(ids.UPLOAD, "contents"),
        State(ids.UPLOAD, "filename"),
        State(ids.MODEL_SELECT, "options"),
        prevent_initial_call=True,
    )
    def on_upload(contents, filename, options):  # type: ignore[no-untyped-def]
        store, status, new_options, key = upload_model(contents, filename, options)
        if key is None:
            return no_update, status, no_update, no_update
        return store, status, new_options, key

    @app.callback(
        Output(ids.CURRENT_MODEL, "data"),
        Input(ids.STATE, "data"),
        State(ids.CURRENT_MODEL, "data"),
    )
    def track_model(data, current):  # type: ignore[no-untyped-def]
        model = ExplorerState.from_dict(data).model
        return no_update if model == current else model

    @app.callback(
        Output(ids.MODEL_TITLE, "children"),
        Output(ids.DRUGS, "options"),
        Output(ids.GENOTYPES, "options"),
        Output(ids.ENVIRONMENTS, "options"),
        Output(ids.TOGGLES, "children"),
        Output(ids.NODE_PICK, "options"),
        Output(ids.VALIDATION, "children"),
        Output(ids.SCREEN_TARGETS, "options"),
        Input(ids.CURRENT_MODEL, "data"),
        State(ids.UPLOAD_STORE, "data"),
        prevent_initial_call=True,
    )
    def render_model(model, upload):  # type: ignore[no-untyped-def]
        return model_panel(model or FLAGSHIP, UploadedModel.from_dict(upload))

    @app.callback(
        Output(ids.STATE, "data"),
        Output(ids.DRUGS, "value"),
        Output(ids.GENOTYPES, "value"),
        Output(ids.ENVIRONMENTS, "value"),
        Output(ids.SEMANTICS, "value"),
        Output(ids.URL, "search"),
        Output(ids.MODEL_SELECT, "value"),
        Input(ids.URL, "search"),
        Input(ids.GRAPH, "tapNode"),
        Input({"type": ids.NODE_TOGGLE, "node": ALL}, "n_clicks"),
        Input(ids.DRUGS, "value"),
        Input(ids.GENOTYPES, "value"),
        Input(ids.ENVIRONMENTS, "value"),
        Input(ids.SEMANTICS, "value"),
        Input(ids.RESET, "n_clicks"),
        Input(ids.MODEL_SELECT, "value"),
        State(ids.STATE, "data"),
    )
    def update_state(
        search, tap, _toggles, drugs, genotypes, environments, semantics, _reset, model, current
    ):  # type: ignore[no-untyped-def]
        trigger = ctx.triggered_id
        if isinstance(trigger, dict) and not ctx.triggered[0]["value"]:
            trigger = ids.URL if current is None else None  # a toggle list re-render, no click
            if trigger is None:
                return (no_update,) * 7
        tapped = (tap or {}).get("data", {}).get("id")
        state = next_state(
            trigger,
            current,
            search=search,
            tapped=tapped,
            drugs=drugs,
            genotypes=genotypes,
            environments=environments,
            semantics=semantics,
            model=model,
        )
        return (
            state.to_dict(),
            list(state.drugs),
            list(state.genotypes),
            list(state.environments),
            state.semantics,
            state.to_query(),
            state.model,
        )

    @app.callback(
        Output(ids.SUMMARY, "children"),
        Output(ids.ERROR, "children"),
        Output(ids.TABLE, "children"),
        Output(ids.HEATMAP, "figure"),
        Output(ids.ATTRACTOR_PICK, "options"),
        Output(ids.ATTRACTOR_PICK, "value"),
        Output(ids.HEAVY, "style"),
        Output({"type": ids.NODE_TOGGLE, "node": ALL}, "className"),
        Output({"type": ids.NODE_TOGGLE, "node": ALL}, "aria-pressed"),
        Input(ids.STATE, "data"),
        Input({"type": ids.NODE_TOGGLE, "node": ALL}, "id"),
        State(ids.UPLOAD_STORE, "data"),
    )
    def render_results(data, toggle_ids, upload):  # type: ignore[no-untyped-def]
        state = ExplorerState.from_dict(data)
        analysis = analyze(state, UploadedModel.from_dict(upload), quick)
        statuses = [state.status(t["node"]) for t in toggle_ids]
        return (
            *results(analysis),
            [f"toggle {s}" for s in statuses],
            ["false" if s == "normal" else "true" for s in statuses],
        )

    @app.callback(
        Output(ids.SUMMARY, "children", allow_duplicate=True),
        Output(ids.ERROR, "children", allow_duplicate=True),
        Output(ids.TABLE, "children", allow_duplicate=True),
        Output(ids.HEATMAP, "figure", allow_duplicate=True),
        Output(ids.ATTRACTOR_PICK, "options", allow_duplicate=True),
        Output(ids.ATTRACTOR_PICK, "value", allow_duplicate=True),
        Output(ids.HEAVY, "style", allow_duplicate=True),
        Output(ids.GRAPH, "elements", allow_duplicate=True),
        Input(ids.HEAVY_RUN, "n_clicks"),
        State(ids.STATE, "data"),
        State(ids.UPLOAD_STORE, "data"),
        State(ids.TAB, "data"),
        background=True,
        running=[
            (Output(ids.HEAVY_RUN, "disabled"), True, False),
            (Output(ids.HEAVY_CANCEL, "disabled"), False, True),
        ],
        cancel=[Input(ids.HEAVY_CANCEL, "n_clicks"), Input(ids.STATE, "data")],
        prevent_initial_call=True,
    )
    def run_heavy(clicks, data, upload, tab):  # type: ignore[no-untyped-def]
        if not clicks:
            return (no_update,) * 8
        state = ExplorerState.from_dict(data)
        try:
            with slots.hold(tab) if slots is not None else _nothing():
                analysis = analyze(state, UploadedModel.from_dict(upload), heavy)
        except ServerBusy as exc:
            return (no_update, f"Not run: {exc}", *(no_update,) * 6)
        return (*results(analysis), graph_elements(analysis, state, 0))

    @app.callback(
        Output(ids.GRAPH, "elements"),
        Input(ids.STATE, "data"),
        Input(ids.ATTRACTOR_PICK, "value"),
        State(ids.UPLOAD_STORE, "data"),
    )
    def render_graph(data, index, upload):  # type: ignore[no-untyped-def]
        state = ExplorerState.from_dict(data)
        analysis = analyze(state, UploadedModel.from_dict(upload), quick)
        return graph_elements(analysis, state, index)

    @app.callback(
        Output(ids.NODE_PICK, "value"), Input(ids.GRAPH, "tapNode"), prevent_initial_call=True
    )
    def pick_tapped(tap):  # type: ignore[no-untyped-def]
        return (tap or {}).get("data", {}).get("id", no_update)

    @app.callback(
        Output(ids.NODE_DETAILS, "children"),
        Input(ids.NODE_PICK, "value"),
        Input(ids.STATE, "data"),
        State(ids.UPLOAD_STORE, "data"),
    )
    def show_details(node, data, upload):  # type: ignore[no-untyped-def]
        state = ExplorerState.from_dict(data)
        try:
            network = load_model(state.model, UploadedModel.from_dict(upload))
        except MtorNetworkError as exc:
            return [html.P(str(exc), className="error")]
        return node_details(network, node, state)

    @app.callback(
        Output(ids.DOWNLOAD, "data"),
        Input({"type": ids.EXPORT, "format": ALL}, "n_clicks"),
        State(ids.STATE, "data"),
        State(ids.UPLOAD_STORE, "data"),
        prevent_initial_call=True,
    )
    def download(_clicks, data, upload):  # type: ignore[no-untyped-def]
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not ctx.triggered[0]["value"]:
            return no_update
        try:
            name, content = export(
                ExplorerState.from_dict(data),
                trigger.get("format"),
                UploadedModel.from_dict(upload),
                quick,
            )
        except (ValueError, MtorNetworkError) as exc:
            set_props(ids.ERROR, {"children": f"Export failed: {exc}"})
            return no_update
        if isinstance(content, bytes):
            return dcc.send_bytes(content, name)
        return dcc.send_string(content, name)
