"""Callbacks: each one reads the per-user state from ``dcc.Store`` and calls the library.

The pure functions here (``next_state``, ``summary``, ``table``, ``node_details``, ...) are
tested without Dash; the ``register`` function only wires them to components."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, TypeVar

from dash import ALL, MATCH, Dash, Input, Output, State, ctx, dcc, html, no_update, set_props

from .._filenames import safe_stem
from ..analysis.input_groups import InputSummary, grouped_view
from ..analysis.readouts import declared_readouts, free_inputs, with_readouts
from ..attractors import AttractorResult, Budget
from ..exceptions import InvalidValuationError, MtorNetworkError, listed
from ..export import attractors as tables
from ..models import FLAGSHIP, load_bundled
from ..network import BooleanNetwork
from ..viz import elements, stylesheet
from ..viz.cytoscape import elements_key, node_styles, search_nodes
from ..viz.svg import data_uri, heatmap_svg, network_svg
from . import ids
from ._page import (
    CYCLE_GATE_JS,
    FIT_JS,
    PAGE_VIEW_JS,
    REDO_JS,
    TOGGLE_BUTTONS_JS,
    UNDO_JS,
    ZOOM_IN_JS,
    ZOOM_OUT_JS,
)
from .exports import export
from .jobs import JobSlots, ServerBusy
from .layout import (
    CYCLE_SHOW_TEXT,
    MAX_SIMULATION_RUNS,
    _attrs,
    cycle_graph,
    drug_options,
    input_switches,
    model_title,
    named_options,
    no_node_details,
    node_options,
    readout_panel,
    toggle_buttons,
    validation_panel,
    validation_report,
)
from .state import (
    READOUT_ROLES,
    Analysis,
    ExplorerState,
    NodeStatus,
    UploadedModel,
    analyze,
    attractor_count,
    load_model,
    lookup_attractors,
    state_network,
)

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
    mode: str | None = "perturb",
    value: Any = None,
    inspected: str | None = None,
    free: tuple[str, ...] = (),
) -> ExplorerState:
    """The state after one user event (``trigger`` is the id of the component that fired;
    ``value`` the value of a pattern-matched input that fired, ``inspected`` the node the
    details panel shows, ``free`` the model's free inputs). A tap on the graph cycles the node
    in ``mode`` "perturb" and changes nothing in "inspect"."""
    state = ExplorerState.from_dict(current)
    if trigger is None or trigger == ids.URL or current is None:
        return ExplorerState.from_query(search)
    if trigger == ids.MODEL_SELECT:
        if not model or model == state.model:
            return state
        return ExplorerState(model=model, semantics=state.semantics)
    if trigger == ids.GRAPH:
        return state.cycle(tapped) if tapped and mode != "inspect" else state
    if isinstance(trigger, dict):
        kind = trigger.get("type")
        if kind == ids.NODE_TOGGLE and isinstance(trigger.get("node"), str):
            return state.cycle(trigger["node"])
        if kind == ids.DETAIL_SET and inspected and trigger.get("status") in STATUS_TEXT:
            return state.with_status(inspected, trigger["status"])
        if kind == ids.INPUT_SWITCH and isinstance(trigger.get("node"), str):
            status = SWITCH_STATUS.get(str(value), "normal")
            node = trigger["node"]
            return state if state.status(node) == status else state.with_status(node, status)
        if kind == ids.INPUTS_ALL and trigger.get("value") in SWITCH_STATUS and value:
            for node in free:
                state = state.with_status(node, SWITCH_STATUS[trigger["value"]])
            return state
        if kind == ids.READOUT_PICK and trigger.get("role") in READOUT_ROLES:
            return state.with_readout(trigger["role"], value if isinstance(value, str) else None)
        return state
    if trigger == ids.RESET:
        return ExplorerState(model=state.model)
    return state.with_choices(
        drugs=drugs, genotypes=genotypes, environments=environments, semantics=semantics
    )


SWITCH_STATUS: Mapping[str, NodeStatus] = MappingProxyType(
    {"free": "normal", "0": "knockout", "1": "overexpress"}
)


def case_state(case: Any, setting: Any, semantics: str | None = None) -> ExplorerState | None:
    """The Explorer state of setting number ``setting`` of evidence case number ``case`` (of
    the flagship's validation report), or None for numbers that name no setting."""
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in (case, setting)):
        return None
    report = validation_report(FLAGSHIP)
    if not (0 <= case < len(report.results)):
        return None
    settings = report.results[case].case.settings
    if not (0 <= setting < len(settings)):
        return None
    chosen = settings[setting]
    return ExplorerState.from_dict(
        {
            "model": FLAGSHIP,
            "drugs": list(chosen.drugs),
            "genotypes": list(chosen.genotypes),
            "environments": list(chosen.environments),
            "knockouts": list(chosen.knockouts),
            "overexpressed": list(chosen.overexpressed),
            "semantics": semantics,
        }
    )


def line(text: str, label: str = "", class_name: str = "") -> dict[str, str]:
    """One line of the summary as the page script draws it (``window.mtorLines``): a
    paragraph of class ``class_name`` with ``label`` in bold, then ``text``."""
    return {"label": label, "text": text, "class": class_name}


def summary(analysis: Analysis) -> list[dict[str, str]]:
    """Phenotype counts, the semantics, and the differences to the reference settings (with
    attractor counts, e.g. ``1 -> 7 attractors``), as lines (:func:`line`) that the page
    draws into the summary (no Dash component per line: each would be mounted anew on every
    click)."""
    result = analysis.result
    if result is None:
        return []
    counts = ", ".join(f"{n} {p}" for p, n in result.phenotype_counts().items() if n)
    applied = ", ".join(p.describe() for p in result.perturbations) or "none (unperturbed model)"
    items = [line(counts or "none", f"{len(result)} attractor(s): ")]
    if not result.complete:
        items = [
            line(
                f": too many to show; the first {len(result)} are shown and exported "
                f"({counts or 'none'}). Write them all with the command line: "
                f"mtor-network attractors --max-attractors 0 -o all.csv, with the same "
                "model and perturbations.",
                f"{result.total:,} attractors",
                "truncated",
            )
        ]
    items.append(line(applied, "Perturbations: "))
    semantics = analysis.state.semantics
    items.append(line(SEMANTICS_TEXT.get(semantics, semantics), "Semantics: ", "semantics"))
    markers = declared_readouts(analysis.network)
    if markers:
        read_outs = ", ".join(f"{r} {n}" for r, n in markers.items())
        items.append(line(read_outs, "Read-outs: ", "readouts"))
    if result.has_endocrine_resistant:
        items.append(
            line(
                "Endocrine-resistant: a proliferative attractor persists under endocrine therapy.",
                class_name="resistant",
            )
        )
    current = attractor_count(result)
    counts_before = analysis.reference_counts or (None,) * len(analysis.comparisons)
    if analysis.comparison_note:  # e.g. the unperturbed model frees inputs the user fixed
        items.append(line(analysis.comparison_note, class_name="hint comparison"))
    for comparison, before in zip(analysis.comparisons, counts_before, strict=True):
        messages = list(comparison.messages)
        if before is not None and before != current:
            messages.insert(0, f"attractors {before} -> {current}")
        label = f"vs {comparison.reference_label}: "
        items.append(line("; ".join(messages), label, "comparison"))
    return items


SEMANTICS_TEXT: Mapping[str, str] = MappingProxyType(
    {
        "asynchronous": "asynchronous (one node updates at a time; exact attractors)",
        "synchronous": "synchronous (every node updates at once)",
        "most_permissive": "most permissive (minimal trap spaces)",
    }
)


def input_note(network: BooleanNetwork, state: ExplorerState, *, over_budget: bool) -> str:
    """A sentence naming the free inputs left free when they make a search large (or it went
    over the time limit), and what to do about it; empty otherwise."""
    free = [n for n in free_inputs(network) if state.status(n) == "normal"]
    if not free or (len(free) < LARGE_FREE_INPUTS and not over_budget):
        return ""
    shown = listed(free)
    return (
        f"{len(free)} free input(s) are left free ({shown}): the search covers every "
        f"combination of their values (2^{len(free)}). Fix them under 'Inputs' on the left "
        "to make the search small."
    )


LARGE_FREE_INPUTS = 8


CYCLE_OUTPUTS: tuple[tuple[str, str], ...] = (
    (ids.CYCLE_VIEW, "style"),
    (ids.CYCLE_SUMMARY, "children"),
    (ids.CYCLE_PICK, "options"),
    (ids.CYCLE_PICK, "value"),
)
"""The cycle panel's head: whether it is shown, its line, and the cyclic attractors to pick."""
CYCLE_BODY: tuple[tuple[str, str], ...] = (
    (ids.CYCLE_SHOW, "children"),
    (ids.CYCLE_NOTE, "children"),
    (ids.CYCLE_DRAWING, "children"),
    (ids.CYCLE_CONTENT, "data"),
)
"""The cycle panel's body: the show button's text, a note, the drawn state-transition graph
and the table of states (its content)."""
STATE_COLUMN = " state"  # the states' column (a space: never a node name)


def cyclic_attractors(analysis: Analysis) -> list[int]:
    """Indices (in the result) of the cyclic attractors."""
    result = analysis.result
    return [i for i, a in enumerate(result or []) if not a.is_fixed_point]


def cycle_head(analysis: Analysis, picked: Any = None) -> tuple[Any, ...]:
    """The values of :data:`CYCLE_OUTPUTS`: the panel is shown when the result has a cyclic
    attractor; the pick stays on ``picked`` when it is still a cyclic attractor, else the
    first one."""
    cyclic = cyclic_attractors(analysis)
    if not cyclic or analysis.result is None:
        return ({"display": "none"}, "", [], None)
    options = []
    for i in cyclic:
        attractor = analysis.result[i]
        size = f"{attractor.size} states" if attractor.size else "states not counted"
        label = f"A{i + 1} ({len(attractor.oscillating)} nodes oscillate, {size})"
        options.append({"label": label, "value": i})
    value = picked if picked in cyclic else cyclic[0]
    line = (
        f"{len(cyclic)} cyclic attractor(s), with their states and transitions under "
        f"{analysis.result.semantics.replace('_', ' ')} semantics:"
    )
    return ({"display": "block"}, line, options, value)


def cycle_body(analysis: Analysis, picked: Any) -> tuple[Any, ...]:
    """The values of :data:`CYCLE_BODY` for cyclic attractor number ``picked``: its
    state-transition graph (:func:`~mtor_network.analysis.cycles.state_transition_graph`)
    drawn and its states as a table (one row per state, one column per oscillating node), or
    why it is not drawn (too many states)."""
    from ..analysis.cycles import state_transition_graph
    from ..exceptions import CycleTooLarge
    from ..viz.cytoscape import cycle_elements

    empty: tuple[Any, ...] = ("", [], None)
    result = analysis.result
    if result is None or picked not in cyclic_attractors(analysis):
        return empty
    attractor = result[picked]
    labels = {n.name: n.label for n in analysis.network}
    perturbed = analysis.network.perturb(*result.perturbations)
    try:
        found = state_transition_graph(
            perturbed, attractor.value_map, result.semantics, size=attractor.size
        )
    except CycleTooLarge as exc:
        oscillating = ", ".join(labels.get(n, n) for n in attractor.oscillating)
        return (f"A{picked + 1}: {exc}. Oscillating: {oscillating}.", [], None)
    except ValueError as exc:
        return (f"A{picked + 1}: {exc}.", [], None)
    columns = [{"name": "state", "id": STATE_COLUMN}] + [
        {"name": labels.get(n, n), "id": n} for n in found.nodes
    ]
    data = [
        {STATE_COLUMN: found.label(i), **{n: str(v) for n, v in zip(found.nodes, s, strict=True)}}
        for i, s in enumerate(found.states)
    ]
    moves = ", ".join(f"{found.label(a)} -> {found.label(b)}" for a, b in found.transitions)
    note = (
        f"A{picked + 1}: {len(found)} states; transitions: {moves}."
        if moves
        else f"A{picked + 1}: a trap space of {len(found)} states: every state of it belongs "
        "to the attractor."
    ) + " Every other node keeps its value in the attractor table."
    return (note, cycle_elements(found, labels), {"columns": columns, "data": data})


def table(
    analysis: Analysis,
    shown: AttractorResult | None = None,
    positions: tuple[int, ...] | None = None,
) -> dict[str, Any]:
    """The attractor table's content, as the page draws it (:func:`~.layout.plain_table`):
    ``columns`` (name, id), ``data`` (one row per attractor: type, phenotype, resistance,
    size, every node; '*' marks an oscillating node; node columns keyed by node name),
    ``classes`` (the cell colours: node cells by value, "on" for 1 and "osc" for *, and a
    resistant "yes" marked) and ``tooltips`` (each node column's label and name). ``shown``
    (one input valuation's attractors) replaces the result's attractors, numbered by their
    ``positions`` in the result."""
    result = shown if shown is not None else analysis.result
    if result is None:
        return {"columns": [{"name": "result", "id": "result"}], "data": [{"result": "No result."}]}
    labels = {n.name: n.label for n in analysis.network}
    nodes = list(result.nodes)
    keys = {n: n if n not in tables.COLUMNS else f"node:{n}" for n in nodes}
    columns = [{"name": c.replace("_", " "), "id": c} for c in tables.COLUMNS] + [
        {"name": labels[n], "id": keys[n]} for n in nodes
    ]
    data = []
    for i, row in enumerate(tables.rows(result)):
        record = {c: row[c] for c in tables.COLUMNS}
        if positions is not None:
            record["attractor"] = positions[i] + 1
        record["type"] = str(row["type"]).replace("_", " ")
        record["endocrine_resistant"] = "yes" if row["endocrine_resistant"] else "no"
        record.update({keys[n]: str(row[n]) for n in nodes})
        data.append(record)
    return {
        "columns": columns,
        "data": data,
        "classes": {
            "nodes": [keys[n] for n in nodes],
            "values": dict(CELL_CLASSES),
            "columns": {"endocrine_resistant": {"yes": "resistant"}},
        },
        "tooltips": {keys[n]: f"{labels[n]} ({n})" for n in nodes},
    }


CELL_CLASSES: Mapping[str, str] = MappingProxyType({"1": "on", "*": "osc"})
"""The class of a node's cell in the attractor table by its value (the page's style sheet
colours them as the graph does: green on, orange oscillating)."""


DETAIL_ACTIONS = (("normal", "Normal"), ("knockout", "Knock out"), ("overexpress", "Force on"))


def node_details(network: BooleanNetwork, node: str | None, state: ExplorerState) -> list[Any]:
    """Label, description, rule, regulators and references (links) of one node, with buttons
    that set it normal, knocked out or forced on (the perturbation as a separate choice)."""
    if not node or node not in network.rules:
        return no_node_details()
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
    status = state.status(node)
    actions = html.Div(
        [
            html.Span("Set: "),
            *[
                html.Button(
                    text,
                    id={"type": ids.DETAIL_SET, "status": key},
                    n_clicks=0,
                    className="detail-set",
                    title=f"{text.lower()}: {info.label}",
                    **_attrs({"aria-pressed": "true" if status == key else "false"}),
                )
                for key, text in DETAIL_ACTIONS
            ],
        ],
        className="detail-actions",
    )
    return [
        html.H4(f"{info.label} ({info.name}){STATUS_TEXT[status]}"),
        actions,
        html.P(info.description),
        html.P([html.B("Rule: "), html.Code(f"{node} = {rule.text}")]),
        html.P(rule.justification, className="hint"),
        html.B("Regulators"),
        html.Ul(regulators or [html.Li("none (input)")]),
        html.B("References"),
        html.Ul(references),
    ]


def node_view(
    state: ExplorerState,
    upload: UploadedModel | None,
    inspected: Any,
    text: Any,
    *,
    details: bool = True,
) -> tuple[Any, Any, Any]:
    """(graph stylesheet, search status, details panel) for the node inspected and the node
    search text: the inspected node and the matches marked on the graph; the details panel
    only when ``details`` (a new search text leaves it as it is: ``no_update``)."""
    try:
        network = state_network(state, upload)
    except MtorNetworkError as exc:
        panel = [html.P(str(exc), className="error")] if details else no_update
        return stylesheet(), "", panel
    node = inspected if isinstance(inspected, str) and inspected in network.rules else None
    found, message = search_status(network, text)
    panel = node_details(network, node, state) if details else no_update
    return stylesheet(inspected=node, highlighted=found), message, panel


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
    free = free_inputs(network)
    markers = declared_readouts(network)
    status = (
        f"Loaded {filename}: {len(network)} nodes, {len(network.registry())} named "
        "perturbations"
        + (f", {len(free)} free inputs (switches under 'Inputs')" if free else "")
        + (
            ", read-outs " + ", ".join(f"{r} {n}" for r, n in markers.items())
            if markers
            else ", no phenotype read-out recognised (choose one under 'Phenotype read-outs')"
        )
        + ". It stays in this browser tab only."
    )
    return upload.to_dict(), status, options, upload.key


def model_panel(
    model: str, upload: UploadedModel | None, state: ExplorerState | None = None
) -> tuple[Any, ...]:
    """Everything on the page that depends on the model: title, choices, toggles, validation,
    screen targets, input switches (and whether their group is open), read-out choices and
    the time course's nodes."""
    try:
        network = load_model(model, upload)
    except MtorNetworkError:
        model, network = FLAGSHIP, load_bundled(FLAGSHIP)
    if state is not None and state.model != model:
        state = None
    shown = network
    if state is not None and state.readouts:
        with contextlib.suppress(MtorNetworkError):
            shown = with_readouts(network, dict(state.readouts))
    return (
        model_title(network),
        drug_options(network),
        named_options(network.genotypes),
        named_options(network.environments),
        toggle_buttons(network),
        node_options(network),
        validation_panel(model, network),
        node_options(network),
        input_switches(network, state),
        bool(free_inputs(network)),
        readout_panel(shown),
        node_options(network),
    )


RESULT_OUTPUTS: tuple[tuple[str, str], ...] = (
    (ids.SUMMARY_CONTENT, "data"),
    (ids.ERROR, "children"),
    (ids.TABLE_CONTENT, "data"),
    (ids.HEATMAP, "src"),
    (ids.ATTRACTOR_PICK, "options"),
    (ids.ATTRACTOR_PICK, "value"),
    (ids.HEAVY, "style"),
    (ids.GROUPS, "style"),
    (ids.GROUPS_NOTE, "children"),
    (ids.GROUPS_CONTENT, "data"),
    (ids.GROUP_PICK, "options"),
    (ids.GROUP_PICK, "value"),
)
"""The components and properties :func:`results` fills, in its order."""
PICK_VALUE = RESULT_OUTPUTS.index((ids.ATTRACTOR_PICK, "value"))
PICK_OPTIONS = RESULT_OUTPUTS.index((ids.ATTRACTOR_PICK, "options"))
GROUP_VALUE = RESULT_OUTPUTS.index((ids.GROUP_PICK, "value"))
GROUP_START = RESULT_OUTPUTS.index((ids.GROUPS, "style"))
HEAVY_STYLE = RESULT_OUTPUTS.index((ids.HEAVY, "style"))
ERROR_TEXT = RESULT_OUTPUTS.index((ids.ERROR, "children"))
ATTRACTOR_VIEW: tuple[tuple[str, str], ...] = RESULT_OUTPUTS[2 : PICK_VALUE + 1]
"""What shows the attractors of the valuation picked: the table, the heatmap, the picker."""


def attractor_view(
    analysis: Analysis, grouped: InputSummary | None = None, index: int = 0
) -> tuple[Any, ...]:
    """The values of :data:`ATTRACTOR_VIEW`: the table's properties, the heatmap picture and
    the attractor picker (options, value) of the result, or with ``grouped`` of the
    attractors of its group ``index`` only (numbered, and picked, by their place in the
    result)."""
    result = analysis.result
    shown, positions = result, None
    if grouped is not None:
        shown, positions = grouped.subset(index), grouped.positions[index]
    places = positions if positions is not None else range(len(shown or ()))
    numbers = [i + 1 for i in places]
    picture = data_uri(heatmap_svg(shown, analysis.network, numbers)) if shown is not None else ""
    options = [
        {"label": f"A{i + 1} {a.phenotype}", "value": i}
        for i, a in zip(places, shown or (), strict=True)
    ]
    return (
        table(analysis, shown, positions),
        picture,
        options,
        options[0]["value"] if options else 0,
    )


def groups_view(grouped: InputSummary | None, index: int = 0) -> tuple[Any, ...]:
    """The values of the groups panel in :data:`RESULT_OUTPUTS` (style, note, the table's
    columns and data, the picker's options and value): hidden without ``grouped``."""
    if grouped is None:
        return ({"display": "none"}, "", None, [], None)
    result = grouped.result
    scope = "" if result.complete else f" (the first {len(result)} of {result.total:,} found)"
    note = (
        f"{len(grouped.inputs)} free input(s) are left free, so the {len(result)} attractors"
        f"{scope} fall into {len(grouped)} valuations of them: one row each. Pick one to see "
        "its attractors in the table below; fix inputs under 'Inputs' on the left to narrow "
        "the search."
    )
    columns = [{"name": c.replace("_", " "), "id": c} for c in grouped.columns()]
    return (
        {"display": "block"},
        note,
        {"columns": columns, "data": grouped.rows()},
        grouped.options(),
        grouped.keys()[index],
    )


def results(analysis: Analysis, picked_group: Any = None) -> tuple[Any, ...]:
    """What the results area shows for an analysis, in the order of :data:`RESULT_OUTPUTS`:
    summary, error, the table's properties, the heatmap picture, the attractor picker
    (options, value), whether the run-in-background panel is shown, and the summary by input
    valuation. Free inputs that make the search large are named (in the error when it went
    over). A result of many attractors with free inputs left free
    (:func:`~mtor_network.analysis.input_groups.grouped_view`) shows one row per valuation
    and, in the table, the attractors of one: ``picked_group`` (the valuation picked before)
    where the new result has it, else the first."""
    result = analysis.result
    heavy = {"display": "block" if analysis.over_budget else "none"}
    error = analysis.error or ""
    note = input_note(analysis.network, analysis.state, over_budget=analysis.over_budget)
    items = summary(analysis)
    if note and result is None:
        if "free inputs (" not in error:  # the engine's message may name them already
            error = f"{error} {note}".strip()
    elif note:
        items.append(line(note, class_name="hint inputs-note"))
    grouped = grouped_view(analysis.network, result)
    index = 0
    if grouped is not None and picked_group is not None:
        with contextlib.suppress(InvalidValuationError):
            index = grouped.find(picked_group)
    return (
        items,
        error,
        *attractor_view(analysis, grouped, index),
        heavy,
        *groups_view(grouped, index),
    )


def group_attractors(analysis: Analysis, valuation: Any) -> tuple[Any, ...]:
    """The values of :data:`ATTRACTOR_VIEW` for the input valuation a user picked, found in
    the server's own result (:meth:`~mtor_network.analysis.input_groups.InputSummary.find`).

    Raises
    ------
    InvalidValuationError
        The valuation is malformed, names inputs the result does not have, or matches no
        attractor; or the result is not summarised by input valuation.
    """
    grouped = grouped_view(analysis.network, analysis.result)
    if grouped is None:
        raise InvalidValuationError("this result is not summarised by input valuation")
    return attractor_view(analysis, grouped, grouped.find(valuation))


STATE_OUTPUTS: tuple[tuple[str, str], ...] = (
    (ids.STATE, "data"),
    (ids.DRUGS, "value"),
    (ids.GENOTYPES, "value"),
    (ids.ENVIRONMENTS, "value"),
    (ids.SEMANTICS, "value"),
    (ids.URL, "search"),
    (ids.MODEL_SELECT, "value"),
    (ids.NODE_PICK, "value"),
    (ids.TABS, "value"),
)
"""The state and the controls that show it; then come the input switches' values (one per
switch), :data:`RESULT_OUTPUTS`, the graph's elements, :data:`CYCLE_OUTPUTS` and
:data:`CYCLE_BODY` and the background run's status (:func:`event_outputs`)."""
NODE_PICK_OUTPUT = STATE_OUTPUTS.index((ids.NODE_PICK, "value"))
GRAPH_OUTPUTS: tuple[tuple[str, str], ...] = (
    (ids.GRAPH, "elements"),
    (ids.GRAPH_KEY, "data"),
    (ids.GRAPH_VIEW, "data"),
)
"""The graph's outputs of the main callback, as :func:`graph_outputs` gives them."""


@dataclass(frozen=True)
class Event:
    """One user event as the page sends it (every value hostile until
    :class:`ExplorerState` has read it): the id of the component that fired and its value,
    the stored state, the controls' values, the click mode, the node inspected and the
    model's free inputs (the switches on the page)."""

    trigger: Any
    value: Any = None
    current: Any = None
    search: Any = None
    tap: Any = None
    drugs: Any = None
    genotypes: Any = None
    environments: Any = None
    semantics: Any = None
    model: Any = None
    mode: Any = "perturb"
    inspected: Any = None
    free: tuple[str, ...] = ()


@dataclass(frozen=True)
class Shown:
    """What the page shows now, as a request sends it (hostile: only compared, never
    trusted): a value the new answer would send unchanged is not sent again, since each value
    sent is drawn again and some fire callbacks of their own (new options redraw a whole
    picker). ``picked``: the attractor picked; ``cycle``: the cyclic attractor picked;
    ``shows``: the cycle panel's button clicks; ``group``: the input valuation picked;
    ``heavy``: the background panel's style; ``error``: the error shown; ``status``: the
    background status; ``pick_options``, ``cycle_style``, ``cycle_line``,
    ``cycle_options``: the attractor picker's options and the cycle panel's head."""

    picked: Any = None
    cycle: Any = None
    shows: Any = None
    group: Any = None
    heavy: Any = None
    error: Any = None
    status: Any = None
    pick_options: Any = None
    cycle_style: Any = None
    cycle_line: Any = None
    cycle_options: Any = None


def user_trigger(triggered: Any, prop_ids: Any) -> tuple[Any, Any]:
    """(component id, value) of the change a request answers. The renderer merges the
    changes that arrive while a request of the same callback is pending: a button just
    drawn (``n_clicks`` 0, e.g. the new model's input switches, whose values come too) and
    the user's click on another can come in one request, in any order; the click is the
    event (a component drawn is none)."""
    items = [
        t for t in triggered or () if isinstance(t, dict) and isinstance(t.get("prop_id"), str)
    ]
    if not items:
        return None, None
    clicks = [t for t in items if t["prop_id"].endswith(".n_clicks")]
    chosen = next(
        (t for t in clicks if t.get("value")),  # a press of a button is the user's
        next((t for t in items if t not in clicks), items[0]),
    )
    ids_of = prop_ids if isinstance(prop_ids, dict) else {}
    return ids_of.get(chosen["prop_id"]), chosen.get("value")


def event_state(
    event: Event, upload: UploadedModel | None
) -> tuple[ExplorerState | None, Any, Any]:
    """(new state, node to inspect, tab to show) after ``event``; the state is None when
    nothing changes (a re-rendered button list, a tap on a node of a graph being replaced or
    in inspect mode: then only the node to inspect is given). ``no_update`` stands for
    "unchanged"."""
    trigger, value, current = event.trigger, event.value, event.current
    clicked = isinstance(trigger, dict) and trigger.get("type") in (
        ids.NODE_TOGGLE,
        ids.DETAIL_SET,
        ids.CASE_OPEN,
        ids.INPUTS_ALL,
    )
    if clicked and not value:
        if current is not None:
            return None, no_update, no_update  # a re-rendered button list, no click
        trigger = ids.URL
    before = ExplorerState.from_dict(current)
    if before.errors and current is not None and trigger != ids.URL:
        return before, no_update, no_update  # a stored state that was refused: say why
    tap = event.tap
    tapped = (tap or {}).get("data", {}).get("id") if isinstance(tap, dict) else None
    pick: Any = no_update
    tab: Any = no_update
    if trigger == ids.GRAPH:
        try:
            network = state_network(before, upload)
        except MtorNetworkError:
            return None, no_update, no_update
        if not isinstance(tapped, str) or tapped not in network.rules:
            return None, no_update, no_update  # a node of a graph that is being replaced
        if event.mode == "inspect":  # inspecting changes nothing but the details shown
            return None, tapped, no_update
        # perturbing is a gesture of its own: the details keep the node inspected
    if isinstance(trigger, dict) and trigger.get("type") == ids.CASE_OPEN:
        state = case_state(trigger.get("case"), trigger.get("setting"), before.semantics)
        if state is None:
            return None, no_update, no_update
        tab = "explorer"
    else:
        state = next_state(
            trigger,
            current,
            search=event.search,
            tapped=tapped,
            drugs=event.drugs,
            genotypes=event.genotypes,
            environments=event.environments,
            semantics=event.semantics,
            model=event.model,
            mode=event.mode,
            value=value,
            inspected=event.inspected if isinstance(event.inspected, str) else None,
            free=event.free,
        )
    if trigger == ids.RESET or (current is not None and state.model != before.model):
        pick = None
    return state, pick, tab


def event_outputs(
    event: Event,
    upload: UploadedModel | None,
    budget: Budget | None,
    *,
    shown: Shown = Shown(),
    graph_key: Any = None,
) -> tuple[Any, ...]:
    """Everything one user event changes on the page, in the order of the explorer's main
    callback (:data:`STATE_OUTPUTS`, the input switches, :data:`RESULT_OUTPUTS`, the graph,
    the cycle panel, the background status, the details panel): the new state
    (:func:`event_state`) and the analysis of it within ``budget`` (:func:`results`), in one
    answer. ``shown`` is what the page shows now (:class:`Shown`): a value that stays is not
    sent again; the graph's elements neither while the page's graph holds them
    (``graph_key``, :func:`graph_outputs`)."""
    picked, cycle, shows, group = shown.picked, shown.cycle, shown.shows, shown.group
    width = len(RESULT_OUTPUTS) + len(GRAPH_OUTPUTS) + len(CYCLE_OUTPUTS + CYCLE_BODY) + 1 + 1
    switches = [no_update] * len(event.free)
    changed, pick, tab = event_state(event, upload)
    if changed is None:
        outputs: list[Any] = [no_update] * len(STATE_OUTPUTS)
        outputs[NODE_PICK_OUTPUT] = pick
        return (*outputs, switches, *(no_update,) * width)
    # the controls' values are a request's too: bound and check them as a stored state is
    state = ExplorerState.from_dict(changed.to_dict())
    if changed.errors:
        state = replace(state, errors=changed.errors + state.errors)
    network: BooleanNetwork | None = None
    with contextlib.suppress(MtorNetworkError):  # a model that cannot load: analyze says why
        network = state_network(state, upload)
        state = state.canonical(network)  # a URL's spellings, as the model spells them
    switch_values = [
        {"knockout": "0", "overexpress": "1"}.get(state.status(node), "free") for node in event.free
    ]
    analysis = analyze(state, upload, budget)
    shown_results = list(results(analysis, group))
    index = shown_results[PICK_VALUE]
    if index == picked:
        shown_results[PICK_VALUE] = no_update  # the picker stays (its callback would redraw)
    if shown_results[GROUP_START] == {"display": "none"} and group is None:
        shown_results[GROUP_START:] = [no_update] * (len(RESULT_OUTPUTS) - GROUP_START)
    elif shown_results[GROUP_VALUE] == group:
        shown_results[GROUP_VALUE] = no_update  # the valuation stays (its callback would redo)
    if shown_results[PICK_OPTIONS] == shown.pick_options:
        shown_results[PICK_OPTIONS] = no_update
    if shown_results[HEAVY_STYLE] == shown.heavy:
        shown_results[HEAVY_STYLE] = no_update
    if shown_results[ERROR_TEXT] == (shown.error or ""):
        shown_results[ERROR_TEXT] = no_update
    cycle_panel = list(cycles(analysis, cycle, _shown(shows)))
    if not _shown(shows):  # the body is hidden, and stays so
        cycle_panel[len(CYCLE_OUTPUTS) :] = [no_update] * len(CYCLE_BODY)
    for i, now in enumerate((shown.cycle_style, shown.cycle_line, shown.cycle_options)):
        if cycle_panel[i] == now:
            cycle_panel[i] = no_update
    # a control is sent only when its value changes (each one sent is redrawn)

    def listed_in(names: tuple[str, ...], registry: Any) -> list[str]:
        # a picker shows registered names only: it would drop an unknown one and send the
        # change, and the state, the URL and the error naming it would go with it
        return [n for n in names if network is None or n in registry]

    controls = [
        (listed_in(state.drugs, network and network.drugs), event.drugs),
        (listed_in(state.genotypes, network and network.genotypes), event.genotypes),
        (listed_in(state.environments, network and network.environments), event.environments),
        (state.semantics, event.semantics),
        (state.to_query(), event.search),
        (state.model, event.model),
    ]
    shown_controls = [new if new != (old or type(new)()) else no_update for new, old in controls]
    return (
        state.to_dict(),
        *shown_controls,
        pick,
        tab,
        switch_values,
        *shown_results,
        *graph_outputs(analysis, state, index, graph_key),
        *cycle_panel,
        "" if shown.status else no_update,
        inspected_details(analysis, ExplorerState.from_dict(event.current), event.inspected),
    )


def inspected_details(analysis: Analysis, before: ExplorerState, node: Any) -> Any:
    """The details panel after a change of state: redrawn only when the node it shows changed
    its status (knocked out, forced on, normal), else ``no_update``."""
    state = analysis.state
    if not isinstance(node, str) or node not in analysis.network.rules:
        return no_update
    if state.status(node) == before.status(node) and state.model == before.model:
        return no_update
    return node_details(analysis.network, node, state)


def shown_body(analysis: Analysis, picked: Any, opened: bool) -> tuple[Any, ...]:
    """The values of :data:`CYCLE_BODY`: computed and drawn only while shown (``opened``)."""
    if not opened:
        return (CYCLE_SHOW_TEXT[False], "", [], None)
    note, elements, content = cycle_body(analysis, picked)
    drawing = [cycle_graph(elements)] if elements else []
    return (CYCLE_SHOW_TEXT[True], note, drawing, content)


def cycles(analysis: Analysis, picked: Any, opened: Any) -> tuple[Any, ...]:
    """The values of :data:`CYCLE_OUTPUTS` then :data:`CYCLE_BODY` after a new result: the
    pick keeps its value when it can (``no_update``: nothing is redrawn twice), and the body
    is computed only while it is shown (a click with it hidden costs nothing)."""
    head = list(cycle_head(analysis, picked))
    value = head[3]
    if value == picked:
        head[3] = no_update
    return (*head, *shown_body(analysis, value, bool(opened)))


def _is_placeholder(children: Any) -> bool:
    """Whether the Validation tab still shows the page's placeholder (one paragraph)."""
    if isinstance(children, list):
        children = children[0] if len(children) == 1 else None
    return isinstance(children, dict) and children.get("type") == "P"


def _shown(clicks: Any) -> bool:
    """Whether the cycle panel's body is shown after ``clicks`` presses of its button."""
    return isinstance(clicks, int) and not isinstance(clicks, bool) and clicks % 2 == 1


def _graph_state(analysis: Analysis, state: ExplorerState, index: Any) -> dict[str, Any]:
    """The arguments of :func:`elements` and :func:`node_styles` for the attractor picked."""
    result = analysis.result
    attractor = None
    if result is not None and len(result):
        attractor = result[min(_index(index), len(result) - 1)]
    return {
        "attractor": attractor,
        "knockouts": state.knockouts,
        "overexpressed": state.overexpressed,
        "perturbations": result.perturbations if result is not None else (),
    }


def graph_elements(analysis: Analysis, state: ExplorerState, index: Any) -> list[Any]:
    """The graph's elements, coloured by the attractor picked (``index``)."""
    return elements(analysis.network, **_graph_state(analysis, state, index))


def graph_styles(analysis: Analysis, state: ExplorerState, index: Any) -> dict[str, list[str]]:
    """Each graph node's classes and label (:func:`node_styles`) for the attractor picked
    (``index``): what :data:`~mtor_network.webapp._page.PAGE_VIEW_JS` applies in the page."""
    return node_styles(analysis.network, **_graph_state(analysis, state, index))


def picture_stem(state: ExplorerState) -> str:
    """The file-name stem of the network picture of ``state`` (its model's name, safe)."""
    return safe_stem(state.model.replace("upload:", "uploaded_"), max_length=48)


def network_picture(
    analysis: Analysis, index: Any, *, inspected: Any = None, text: Any = None
) -> tuple[str, str]:
    """(file name, SVG document) of the network graph as the page shows it: the attractor
    picked (``index``), the perturbations, the node inspected and the search matches
    (:func:`~mtor_network.viz.svg.network_svg`, drawn on the server)."""
    network = analysis.network
    node = inspected if isinstance(inspected, str) and inspected in network.rules else None
    found, _ = search_status(network, text)
    svg = network_svg(
        network, **_graph_state(analysis, analysis.state, index), inspected=node, highlighted=found
    )
    return f"{picture_stem(analysis.state)}_network.svg", svg


def graph_outputs(
    analysis: Analysis, state: ExplorerState, index: Any, key: Any = None
) -> tuple[Any, Any, Any]:
    """The graph's (elements, key, node styles) after a change of state: the elements and
    their key (:func:`elements_key`) only when the page's graph does not hold the elements of
    this network already (its ``key`` differs), else ``no_update``; the node styles always.
    Keeping the elements spares the page cytoscape's diff of every element and a new
    layout on each click (issue 13)."""
    styles = graph_styles(analysis, state, index)
    new_key = elements_key(analysis.network)
    if isinstance(key, str) and key == new_key:
        return no_update, no_update, styles
    return graph_elements(analysis, state, index), new_key, styles


def _index(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        return 0
    return max(0, value)


def search_status(network: BooleanNetwork, text: Any) -> tuple[tuple[str, ...], str]:
    """(matching nodes, message) of the node search box."""
    if not isinstance(text, str) or not text.strip():
        return (), ""
    found = search_nodes(network, text)
    if not found:
        return (), f"no node matches {text.strip()[:64]!r}"
    shown = ", ".join(found[:5]) + (" ..." if len(found) > 5 else "")
    return found, f"{len(found)} found: {shown}"


SIMULATION_WORK = 200_000  # runs x nodes of one time-course request


def simulate_view(
    state: ExplorerState,
    upload: UploadedModel | None,
    *,
    nodes: Any = None,
    runs: Any = 500,
    seed: Any = 0,
) -> tuple[dict[str, Any], str]:
    """(plotly figure, status) of the stochastic time course of a state's perturbations,
    seeded (the same settings give the same curves). Runs and seed are bounded (runs x nodes
    at most :data:`SIMULATION_WORK`); nodes not in the model are left out."""
    from ..simulation import simulate
    from ..viz.simulation import simulation_figure

    if state.errors:
        raise ValueError("; ".join(state.errors))
    network = state_network(state, upload if state.model.startswith("upload:") else None)
    runs = runs if isinstance(runs, int) and not isinstance(runs, bool) else 500
    runs = max(10, min(runs, MAX_SIMULATION_RUNS, SIMULATION_WORK // max(1, len(network))))
    seed = seed if isinstance(seed, int) and not isinstance(seed, bool) else 0
    seed = min(max(seed, 0), 2**31 - 1)
    chosen = [n for n in (nodes or [])[:12] if isinstance(n, str) and n in network.rules]
    perturbed = network.perturb(*state.scenario(network))
    result = simulate(perturbed, runs=runs, max_time=20.0, seed=seed)
    figure = simulation_figure(result, nodes=chosen)
    final = ", ".join(
        f"{p} {v:.2f}" for p, v in result.final_phenotype_probabilities.items() if v > 0
    )
    return (
        figure.to_plotly_json(),
        f"{runs} runs, seed {seed}: at t=20, {final or 'no phenotype'}.",
    )


@contextmanager
def _nothing() -> Iterator[None]:
    yield


T = TypeVar("T")


def _run_with_clock(
    work: Callable[[], T], report: Callable[[float], None], every: float = 1.0
) -> T:
    """``work()`` in a thread while ``report(elapsed seconds)`` is called every ``every``
    seconds (the progress of a background search that has no progress of its own)."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    started = time.monotonic()
    thread = threading.Thread(target=target, name="heavy-search", daemon=True)
    thread.start()
    while thread.is_alive():
        report(time.monotonic() - started)
        thread.join(every)
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


def register(
    app: Dash,
    *,
    quick: Budget | None = None,
    heavy: Budget | None = None,
    slots: JobSlots | None = None,
) -> None:
    """Wire the callbacks to the layout's components. Searches answer within ``quick`` on the
    request; one over it can be run in the background within ``heavy`` (with a cancel button),
    holding one of ``slots`` while it runs. Each change runs one search (``update`` draws the
    summary, the tables and the graph from it); the other views read its cached result."""

    def searched(
        data: Any, upload: Any
    ) -> tuple[ExplorerState, UploadedModel | None, AttractorResult | None]:
        """The state a view shows, its upload, and the cached result of the state's own search
        (None if it has none: such a view never starts a search of its own)."""
        state = ExplorerState.from_dict(data)
        uploaded = UploadedModel.from_dict(upload)
        result = lookup_attractors(state, uploaded, quick) or lookup_attractors(
            state, uploaded, heavy
        )
        return state, uploaded, result

    @app.callback(
        Output(ids.UPLOAD_STORE, "data"),
        Output(ids.UPLOAD_STATUS, "children"),
        Output(ids.MODEL_SELECT, "options"),
        Output(ids.MODEL_SELECT, "value", allow_duplicate=True),
        Output(ids.GRAPH, "elements", allow_duplicate=True),
        Output(ids.GRAPH_KEY, "data", allow_duplicate=True),
        Output(ids.SUMMARY_CONTENT, "data", allow_duplicate=True),
        Input(ids.UPLOAD, "contents"),
        State(ids.UPLOAD, "filename"),
        State(ids.MODEL_SELECT, "options"),
        prevent_initial_call=True,
    )
    def on_upload(contents, filename, options):  # type: ignore[no-untyped-def]
        store, status, new_options, key = upload_model(contents, filename, options)
        if key is None:
            return no_update, status, no_update, no_update, no_update, no_update, no_update
        network = load_model(key, UploadedModel.from_dict(store))
        searching = [line(f"Searching the attractors of {network.name} ...", class_name="hint")]
        return store, status, new_options, key, elements(network), elements_key(network), searching

    # in the page: what a new state changes there (toggle classes, Cancel while a background
    # search runs, the model shown), set only where it changes, and what an answer draws there
    # (the graph's nodes take the classes and labels of the state, the elements stay unless
    # the network drawn changes: graph_outputs; the tables and the summary); one callback
    app.clientside_callback(
        PAGE_VIEW_JS,
        Output(ids.CLIENT_SINK, "data", allow_duplicate=True),
        Input(ids.STATE, "data"),
        Input({"type": ids.NODE_TOGGLE, "node": ALL}, "id"),
        Input(ids.GRAPH_VIEW, "data"),
        *[Input(content, "data") for content in ids.TABLES.values()],
        *[Input(content, "data") for content in ids.LINES.values()],
        State(ids.HEAVY_RUN, "disabled"),
        State(ids.HEAVY_CANCEL, "n_clicks"),
        State(ids.CURRENT_MODEL, "data"),
        State({"type": ids.NODE_TOGGLE, "node": ALL}, "className"),
        prevent_initial_call="initial_duplicate",
    )

    @app.callback(
        Output(ids.MODEL_TITLE, "children"),
        Output(ids.DRUGS, "options"),
        Output(ids.GENOTYPES, "options"),
        Output(ids.ENVIRONMENTS, "options"),
        Output(ids.TOGGLES, "children"),
        Output(ids.NODE_PICK, "options"),
        Output(ids.VALIDATION, "children"),
        Output(ids.SCREEN_TARGETS, "options"),
        Output(ids.INPUTS, "children"),
        Output(ids.INPUTS_NOTE, "open"),
        Output(ids.READOUTS, "children"),
        Output(ids.TIMECOURSE_NODES, "options"),
        Input(ids.CURRENT_MODEL, "data"),
        State(ids.UPLOAD_STORE, "data"),
        State(ids.STATE, "data"),
        prevent_initial_call=True,
    )
    def render_model(model, upload, data):  # type: ignore[no-untyped-def]
        return model_panel(
            model if isinstance(model, str) else FLAGSHIP,
            UploadedModel.from_dict(upload),
            ExplorerState.from_dict(data),
        )

    @app.callback(
        *[Output(i, p) for i, p in STATE_OUTPUTS],
        Output({"type": ids.INPUT_SWITCH, "node": ALL}, "value"),
        *[Output(i, p) for i, p in RESULT_OUTPUTS],
        *[Output(i, p) for i, p in GRAPH_OUTPUTS],
        *[Output(i, p) for i, p in CYCLE_OUTPUTS + CYCLE_BODY],
        Output(ids.HEAVY_STATUS, "children"),
        Output(ids.NODE_DETAILS, "children", allow_duplicate=True),
        Input(ids.URL, "search"),
        Input(ids.GRAPH_TAP, "data"),
        Input(ids.GRAPH, "tapNode"),
        Input({"type": ids.NODE_TOGGLE, "node": ALL}, "n_clicks"),
        Input(ids.DRUGS, "value"),
        Input(ids.GENOTYPES, "value"),
        Input(ids.ENVIRONMENTS, "value"),
        Input(ids.SEMANTICS, "value"),
        Input(ids.RESET, "n_clicks"),
        Input(ids.MODEL_SELECT, "value"),
        Input({"type": ids.DETAIL_SET, "status": ALL}, "n_clicks"),
        Input({"type": ids.INPUT_SWITCH, "node": ALL}, "value"),
        Input({"type": ids.READOUT_PICK, "role": ALL}, "value"),
        Input({"type": ids.CASE_OPEN, "case": ALL, "setting": ALL}, "n_clicks"),
        Input({"type": ids.INPUTS_ALL, "value": ALL}, "n_clicks"),
        State(ids.STATE, "data"),
        State(ids.CLICK_MODE, "value"),
        State(ids.NODE_PICK, "value"),
        State(ids.UPLOAD_STORE, "data"),
        State(ids.ATTRACTOR_PICK, "value"),
        State(ids.CYCLE_PICK, "value"),
        State(ids.CYCLE_SHOW, "n_clicks"),
        State(ids.GROUP_PICK, "value"),
        State(ids.HEAVY, "style"),
        State(ids.ERROR, "children"),
        State(ids.HEAVY_STATUS, "children"),
        State(ids.GRAPH_KEY, "data"),
        State(ids.ATTRACTOR_PICK, "options"),
        State(ids.CYCLE_VIEW, "style"),
        State(ids.CYCLE_SUMMARY, "children"),
        State(ids.CYCLE_PICK, "options"),
        prevent_initial_call=True,
    )
    def update(
        search,
        tap,
        tap_node,
        _toggles,
        drugs,
        genotypes,
        environments,
        semantics,
        _reset,
        model,
        _details,
        _switches,
        _readouts,
        _cases,
        _all_inputs,
        current,
        mode,
        inspected,
        upload,
        picked,
        cycle,
        shows,
        group,
        heavy_style,
        error,
        status,
        graph_key,
        pick_options,
        cycle_style,
        cycle_line,
        cycle_options,
    ):  # type: ignore[no-untyped-def]
        # one request per user event: the new state and everything it shows
        switch_ids = [o["id"] for o in ctx.outputs_list[len(STATE_OUTPUTS)]]
        trigger, value = user_trigger(ctx.triggered, ctx.triggered_prop_ids)
        if trigger == ids.GRAPH_TAP:
            trigger = ids.GRAPH  # the page's own tap handler (dash-cytoscape's: tap_node)
        else:
            tap = tap_node
        event = Event(
            trigger=trigger,
            value=value,
            current=current,
            search=search,
            tap=tap,
            drugs=drugs,
            genotypes=genotypes,
            environments=environments,
            semantics=semantics,
            model=model,
            mode=mode,
            inspected=inspected,
            free=tuple(i["node"] for i in switch_ids),
        )
        return event_outputs(
            event,
            UploadedModel.from_dict(upload),
            quick,
            shown=Shown(
                picked=picked,
                cycle=cycle,
                shows=shows,
                group=group,
                heavy=heavy_style,
                error=error,
                status=status,
                pick_options=pick_options,
                cycle_style=cycle_style,
                cycle_line=cycle_line,
                cycle_options=cycle_options,
            ),
            graph_key=graph_key,
        )

    @app.callback(
        Output(ids.GRAPH_VIEW, "data", allow_duplicate=True),
        Input(ids.ATTRACTOR_PICK, "value"),
        State(ids.STATE, "data"),
        State(ids.UPLOAD_STORE, "data"),
        prevent_initial_call=True,
    )
    def recolour(index, data, upload):  # type: ignore[no-untyped-def]
        state, uploaded, result = searched(data, upload)
        if result is None:
            return no_update  # never a search of its own: results come from update
        try:
            network = state_network(state, uploaded)
        except MtorNetworkError:
            return no_update
        return graph_styles(Analysis(state, network, result, ()), state, index)

    @app.callback(
        *[Output(i, p, allow_duplicate=True) for i, p in ATTRACTOR_VIEW],
        Input(ids.GROUP_PICK, "value"),
        State(ids.STATE, "data"),
        State(ids.UPLOAD_STORE, "data"),
        prevent_initial_call=True,
    )
    def show_group(valuation, data, upload):  # type: ignore[no-untyped-def]
        state, uploaded, result = searched(data, upload)
        if result is None or valuation is None:
            return (no_update,) * len(ATTRACTOR_VIEW)  # never a search of its own
        try:
            network = state_network(state, uploaded)
            view = group_attractors(Analysis(state, network, result, ()), valuation)
        except MtorNetworkError as exc:  # InvalidValuationError among them
            set_props(ids.ERROR, {"children": f"Not shown: {exc}"})
            return (no_update,) * len(ATTRACTOR_VIEW)
        return view

    @app.callback(
        *[Output(i, p, allow_duplicate=True) for i, p in RESULT_OUTPUTS],
        Output(ids.GRAPH_VIEW, "data", allow_duplicate=True),
        *[Output(i, p, allow_duplicate=True) for i, p in CYCLE_OUTPUTS + CYCLE_BODY],
        Output(ids.HEAVY_STATUS, "children", allow_duplicate=True),
        Input(ids.HEAVY_RUN, "n_clicks"),
        State(ids.STATE, "data"),
        State(ids.UPLOAD_STORE, "data"),
        State(ids.TAB, "data"),
        background=True,
        running=[
            (Output(ids.HEAVY_RUN, "disabled"), True, False),
            (Output(ids.HEAVY_CANCEL, "disabled"), False, True),
        ],
        progress=[Output(ids.HEAVY_STATUS, "children")],
        # a change of state cancels too (PAGE_VIEW_JS presses Cancel while it runs)
        cancel=[Input(ids.HEAVY_CANCEL, "n_clicks")],
        prevent_initial_call=True,
    )
    def run_heavy(set_progress, clicks, data, upload, tab):  # type: ignore[no-untyped-def]
        if not clicks:
            return (no_update,) * (len(RESULT_OUTPUTS) + len(CYCLE_OUTPUTS + CYCLE_BODY) + 2)
        state = ExplorerState.from_dict(data)
        limit = heavy.seconds if heavy is not None and heavy.seconds else None
        bound = f" (stops after {limit:g} s)" if limit else ""

        def tick(elapsed: float) -> None:
            set_progress((f"Running in the background: {elapsed:.0f} s{bound} ...",))

        try:
            with slots.hold(tab) if slots is not None else _nothing():
                analysis = _run_with_clock(
                    lambda: analyze(state, UploadedModel.from_dict(upload), heavy), tick
                )
        except ServerBusy as exc:
            skipped = len(RESULT_OUTPUTS) - 2 + 1 + len(CYCLE_OUTPUTS + CYCLE_BODY)
            return (no_update, f"Not run: {exc}", *(no_update,) * skipped, "")
        shown = results(analysis)
        return (
            *shown,
            graph_styles(analysis, state, 0),
            *cycles(analysis, None, True),
            "Done." if analysis.result is not None else "",
        )

    # in the page: a group of toggle buttons is drawn when it is first opened
    app.clientside_callback(
        TOGGLE_BUTTONS_JS,
        Output({"type": ids.TOGGLE_GROUP, "group": MATCH}, "children"),
        Input({"type": ids.TOGGLE_OPEN, "group": MATCH}, "n_clicks"),
        State({"type": ids.TOGGLE_GROUP, "group": MATCH}, "id"),
        State(ids.TOGGLE_NODES, "data"),
        State(ids.STATE, "data"),
        State({"type": ids.TOGGLE_GROUP, "group": MATCH}, "children"),
        prevent_initial_call=True,
    )

    # in the page: only a change the shown body needs asks the server (CYCLE_GATE_JS)
    app.clientside_callback(
        CYCLE_GATE_JS,
        Output(ids.CYCLE_REQUEST, "data"),
        Input(ids.CYCLE_SHOW, "n_clicks"),
        Input(ids.CYCLE_PICK, "value"),
        State(ids.CYCLE_REQUEST, "data"),
        prevent_initial_call=True,
    )

    @app.callback(
        *[Output(i, p, allow_duplicate=True) for i, p in CYCLE_BODY],
        Input(ids.CYCLE_REQUEST, "data"),
        State(ids.CYCLE_SHOW, "n_clicks"),
        State(ids.CYCLE_PICK, "value"),
        State(ids.STATE, "data"),
        State(ids.UPLOAD_STORE, "data"),
        prevent_initial_call=True,
    )
    def render_cycle(_request, shows, picked, data, upload):  # type: ignore[no-untyped-def]
        if not _shown(shows):
            return (CYCLE_SHOW_TEXT[False], "", [], None)
        state, uploaded, result = searched(data, upload)
        if result is None:
            return (no_update,) * len(CYCLE_BODY)  # never a search of its own
        try:
            network = state_network(state, uploaded)
        except MtorNetworkError:
            return (no_update,) * len(CYCLE_BODY)
        return shown_body(Analysis(state, network, result, ()), picked, True)

    @app.callback(
        Output(ids.GRAPH, "stylesheet"),
        Output(ids.SEARCH_STATUS, "children"),
        Output(ids.NODE_DETAILS, "children"),
        Input(ids.NODE_PICK, "value"),
        Input(ids.NODE_SEARCH, "value"),
        State(ids.STATE, "data"),
        State(ids.UPLOAD_STORE, "data"),
        # the page starts with what no node and no search show (no_node_details and the
        # plain stylesheet): a page load needs no request for them
        prevent_initial_call=True,
    )
    def show_node(inspected, text, data, upload):  # type: ignore[no-untyped-def]
        return node_view(
            ExplorerState.from_dict(data),
            UploadedModel.from_dict(upload),
            inspected,
            text,
            details=ctx.triggered_id != ids.NODE_SEARCH,
        )

    @app.callback(
        Output(ids.VALIDATION, "children", allow_duplicate=True),
        Input(ids.TABS, "value"),
        State(ids.CURRENT_MODEL, "data"),
        State(ids.UPLOAD_STORE, "data"),
        State(ids.VALIDATION, "children"),
        prevent_initial_call=True,
    )
    def fill_validation(tab, model, upload, shown):  # type: ignore[no-untyped-def]
        if tab != "validation" or not _is_placeholder(shown):
            return no_update
        model = model if isinstance(model, str) else FLAGSHIP
        try:
            network = load_model(model, UploadedModel.from_dict(upload))
        except MtorNetworkError:
            model, network = FLAGSHIP, load_bundled(FLAGSHIP)
        return validation_panel(model, network)

    @app.callback(
        Output(ids.GRAPH, "generateImage"),
        Input(ids.PNG, "n_clicks"),
        State(ids.STATE, "data"),
        prevent_initial_call=True,
    )
    def picture(_png, data):  # type: ignore[no-untyped-def]
        return {  # drawn by cytoscape in the page, as shown
            "type": "png",
            "action": "download",
            "filename": f"{picture_stem(ExplorerState.from_dict(data))}_network",
            "options": {"full": True, "bg": "white", "scale": 2},
        }

    @app.callback(
        Output(ids.DOWNLOAD, "data", allow_duplicate=True),
        Input(ids.SVG, "n_clicks"),
        State(ids.STATE, "data"),
        State(ids.UPLOAD_STORE, "data"),
        State(ids.ATTRACTOR_PICK, "value"),
        State(ids.NODE_PICK, "value"),
        State(ids.NODE_SEARCH, "value"),
        prevent_initial_call=True,
    )
    def picture_svg(clicks, data, upload, picked, inspected, text):  # type: ignore[no-untyped-def]
        if not clicks:
            return no_update
        state, uploaded, result = searched(data, upload)  # the result shown; never a search
        try:
            network = state_network(state, uploaded)
        except MtorNetworkError:
            return no_update
        name, svg = network_picture(
            Analysis(state, network, result, ()), picked, inspected=inspected, text=text
        )
        return {"content": svg, "filename": name, "type": "image/svg+xml"}

    @app.callback(
        Output(ids.TIMECOURSE_WRAP, "children"),
        Output(ids.TIMECOURSE_STATUS, "children"),
        Input(ids.TIMECOURSE_RUN, "n_clicks"),
        State(ids.STATE, "data"),
        State(ids.UPLOAD_STORE, "data"),
        State(ids.TIMECOURSE_NODES, "value"),
        State(ids.TIMECOURSE_RUNS, "value"),
        State(ids.TIMECOURSE_SEED, "value"),
        prevent_initial_call=True,
    )
    def time_course(clicks, data, upload, nodes, runs, seed):  # type: ignore[no-untyped-def]
        if not clicks:
            return no_update, no_update
        try:
            figure, status = simulate_view(
                ExplorerState.from_dict(data),
                UploadedModel.from_dict(upload),
                nodes=nodes if isinstance(nodes, list) else None,
                runs=runs,
                seed=seed,
            )
        except (MtorNetworkError, ValueError) as exc:
            return no_update, f"Not simulated: {exc}"
        from .layout import GRAPH_CONFIG

        return dcc.Graph(id=ids.TIMECOURSE_FIGURE, figure=figure, config=GRAPH_CONFIG), status

    for button, script in (
        (ids.ZOOM_IN, ZOOM_IN_JS),
        (ids.ZOOM_OUT, ZOOM_OUT_JS),
        (ids.FIT, FIT_JS),
        (ids.UNDO, UNDO_JS),
        (ids.REDO, REDO_JS),
    ):
        app.clientside_callback(
            script,
            Output(ids.CLIENT_SINK, "data", allow_duplicate=True),
            Input(button, "n_clicks"),
            prevent_initial_call=True,
        )

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
