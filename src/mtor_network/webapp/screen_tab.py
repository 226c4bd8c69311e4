"""The Screen tab: node-combination screens, the drug x genotype matrix and the minimal
intervention search, run as background jobs (progress bar, cancel button) so the page stays
responsive. The pure functions here do the work; ``register`` only wires them to components."""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from datetime import UTC, datetime
from typing import Any

from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from .. import __version__
from .._filenames import safe_stem
from ..analysis.control import minimal_interventions
from ..analysis.screens import COLUMNS, drug_genotype_matrix, screen
from ..exceptions import MtorNetworkError, ScreenStopped
from ..export._cells import metadata_lines, safe_rows
from ..network import BooleanNetwork
from ..viz.screens import matrix_heatmap, screen_heatmap
from . import ids
from .jobs import JobSlots
from .state import ExplorerState, UploadedModel, state_network

MODES = {
    "nodes": "Node combinations (knockouts / forced on)",
    "matrix": "Drug and drug pair x genotype matrix",
    "interventions": "Smallest interventions that stop proliferation",
}
# plotly options (no logo, no cloud "share" buttons); the layout module imports this one
GRAPH_CONFIG: Any = {
    "displaylogo": False,
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "modeBarButtonsToRemove": ["sendDataToCloud", "editInChartStudio"],
}
MAX_TARGETS = 2000  # node names a request may list as targets
MAX_COMBINATIONS = 10_000  # per screen in the app; the CLI's default is far higher, and resumes
SHOWN_ROWS = 200

Progress = Callable[[int, int], None]


def run_job(
    mode: str,
    state: ExplorerState,
    upload: UploadedModel | None,
    *,
    targets: Sequence[str] | None = None,
    order: int = 1,
    perturb: str = "knockout",
    using: str = "drugs",
    max_size: int = 2,
    seconds: float | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Run one Screen-tab job on the explorer's current background (drugs, genotypes,
    environment, clicks); returns plain data for a ``dcc.Store``: mode, title, columns, rows,
    the figure (or None), the settings and a message."""
    if mode not in MODES:
        raise ValueError(f"unknown screen mode {mode!r}")
    network = state_network(state, upload)
    background = state.scenario(network)
    started = time.monotonic()

    def tick(done: int, total: int) -> None:
        if seconds is not None and time.monotonic() - started > seconds:
            raise ScreenStopped(
                f"stopped after {seconds:g} s, the app's time budget for a screen "
                f"({done} of {total} done). Use fewer targets or a lower order, or run "
                "`mtor-network screen` (no limit, resumable); start the app with "
                "--screen-timeout SECONDS to raise it."
            )
        if progress is not None:
            progress(done, total)

    settings: dict[str, Any] = {
        "model": network.name,
        "model_hash": network.digest,
        "mode": mode,
        "background": ", ".join(p.describe() for p in background) or "none",
        "semantics": state.semantics,
        "package_version": __version__,
        "generated": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }
    figure: Any = None
    if mode == "nodes":
        result = screen(
            network,
            background=background,
            targets=list(targets) if targets else "all",
            order=order,
            perturb=perturb,  # type: ignore[arg-type]
            semantics=state.semantics,
            workers=1,
            progress=tick,
            max_combinations=MAX_COMBINATIONS,
        )
        settings.update(targets=",".join(result.settings.targets), order=order, perturb=perturb)
        rows = [dict(r) for r in result.rows or ()]
        columns = list(COLUMNS)
        title = f"{len(rows)} combinations on {settings['background']}"
        if order <= 2:
            figure = screen_heatmap(rows, title).to_plotly_json()
        rows.sort(key=lambda r: (r["proliferative_fraction"], r["size"], r["perturbation"]))
    elif mode == "matrix":
        matrix = drug_genotype_matrix(
            network,
            pairs=True,
            environment=[p for p in background if p.kind == "environment"],
            semantics=state.semantics,
            workers=1,
            progress=tick,
            max_combinations=MAX_COMBINATIONS,
        )
        rows = [dict(r) for r in matrix.rows]
        columns = list(rows[0]) if rows else []
        title = f"{len(matrix.treatments)} treatments x {len(matrix.genotypes)} genotypes"
        figure = matrix_heatmap(matrix).to_plotly_json()
    else:
        candidates = list(targets) if (targets and using == "nodes") else None
        search = minimal_interventions(
            network,
            background=background,
            using=using,  # type: ignore[arg-type]
            candidates=candidates,
            perturb=perturb,  # type: ignore[arg-type]
            max_size=max_size,
            semantics=state.semantics,
            progress=tick,
            max_combinations=MAX_COMBINATIONS,
        )
        rows = [
            {
                "intervention": s.name,
                "size": s.size,
                "fixes": ", ".join(f"{k}={int(v)}" for k, v in s.fixes.items()),
                **{k: v for k, v in s.outcome.to_dict().items() if not isinstance(v, dict)},
            }
            for s in search.solutions
        ]
        columns = list(rows[0]) if rows else ["intervention", "size", "fixes"]
        settings.update(using=using, max_size=max_size, sets_checked=search.sets_checked)
        title = (
            f"{len(rows)} minimal intervention(s) of up to {max_size} "
            f"{'drugs' if using == 'drugs' else 'node perturbations'}"
            + ("" if search.complete else " (search stopped early)")
        )
    return {
        "mode": mode,
        "title": title,
        "columns": columns,
        "rows": rows,
        "figure": figure,
        "settings": settings,
    }


def to_csv(job: dict[str, Any]) -> str:
    """The job's table as CSV with ``# key: value`` settings lines first."""
    buffer = io.StringIO()
    buffer.write(metadata_lines(job["settings"]))
    writer = csv.DictWriter(buffer, fieldnames=job["columns"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(safe_rows(job["rows"]))
    return buffer.getvalue()


_CLI_HINT = re.compile(r",? or raise it \(CLI: --max-combinations N; Python: max_combinations=N\)")


def refusal(error: Exception) -> str:
    """The message of a run the app refused or stopped, with advice the app can follow (the
    library's pointers to command-line options the app has not are replaced)."""
    text = str(error)
    if _CLI_HINT.search(text):
        text = _CLI_HINT.sub("", text) + (
            f" (the app runs at most {MAX_COMBINATIONS:,} combinations; `mtor-network screen` "
            "on the command line has no such limit and resumes)"
        )
    return f"Not run: {text}"


def result_table(job: dict[str, Any] | None) -> Any:
    """The first rows of a job's table (the best first: no proliferation, smallest)."""
    if not job:
        return html.P("No screen run yet.", className="hint")
    columns = [c for c in job["columns"] if c not in ("phenotypes_gained", "phenotypes_lost")]
    rows = job["rows"][:SHOWN_ROWS]
    head = html.Tr([html.Th(c.replace("_", " ")) for c in columns])
    body = [
        html.Tr(
            [html.Td(str(r.get(c, ""))) for c in columns],
            className="" if r.get("has_proliferative", True) else "stops",
        )
        for r in rows
    ]
    more = len(job["rows"]) - len(rows)
    note = [html.P(f"... and {more} more rows in the download.", className="hint")] if more else []
    return [
        html.P(job["title"]),
        html.Table([html.Thead(head), html.Tbody(body)], className="report"),
        *note,
    ]


def layout(network: BooleanNetwork) -> html.Div:
    """The tab's controls and outputs."""
    return html.Div(
        [
            html.P(
                "Runs on the Explorer tab's current background (drugs, genotype, environment, "
                "clicked nodes) and semantics, in the background: the page stays usable.",
                className="hint",
            ),
            dcc.RadioItems(
                id=ids.SCREEN_MODE,
                options=[{"label": v, "value": k} for k, v in MODES.items()],
                value="nodes",
            ),
            html.Label("Targets (empty: every node but the read-outs)", htmlFor=ids.SCREEN_TARGETS),
            dcc.Dropdown(
                id=ids.SCREEN_TARGETS,
                options=[{"label": f"{n.label} ({n.name})", "value": n.name} for n in network],
                multi=True,
                placeholder="all nodes",
            ),
            html.Div(
                [
                    html.Label("Order (screens), largest set (interventions)"),
                    dcc.RadioItems(id=ids.SCREEN_ORDER, options=[1, 2, 3], value=1, inline=True),
                    html.Label("Perturb"),
                    dcc.RadioItems(
                        id=ids.SCREEN_PERTURB,
                        options=["knockout", "overexpress", "both"],
                        value="knockout",
                        inline=True,
                    ),
                    html.Label("Interventions from"),
                    dcc.RadioItems(
                        id=ids.SCREEN_USING,
                        options=[
                            {"label": "registered drugs", "value": "drugs"},
                            {"label": "node perturbations", "value": "nodes"},
                        ],
                        value="drugs",
                        inline=True,
                    ),
                ]
            ),
            html.Div(
                [
                    html.Button("Run", id=ids.SCREEN_RUN, n_clicks=0),
                    html.Button("Cancel", id=ids.SCREEN_CANCEL, n_clicks=0, disabled=True),
                    html.Progress(id=ids.SCREEN_PROGRESS, value="0", max="1"),
                    html.Button(
                        "Download table (CSV)",
                        id=ids.SCREEN_EXPORT,
                        n_clicks=0,
                        disabled=True,
                        title="run a screen first",
                    ),
                ],
                className="exports",
            ),
            html.Div(id=ids.SCREEN_STATUS, role="status", className="hint"),
            dcc.Store(id=ids.SCREEN_RESULT, storage_type="memory"),
            dcc.Download(id=ids.SCREEN_DOWNLOAD),
            dcc.Graph(id=ids.SCREEN_FIGURE, figure={}, config=GRAPH_CONFIG),
            html.Div(id=ids.SCREEN_TABLE, className="table-wrap"),
        ],
        style={"padding": "8px 12px"},
    )


def register(app: Dash, *, seconds: float | None, slots: JobSlots | None = None) -> None:
    """Wire the tab: a background callback with progress and cancel (holding one of
    ``slots`` while it runs), and the download."""

    @app.callback(
        Output(ids.SCREEN_RESULT, "data", allow_duplicate=True),
        Output(ids.SCREEN_STATUS, "children", allow_duplicate=True),
        Output(ids.SCREEN_STATUS, "className", allow_duplicate=True),
        Output(ids.SCREEN_FIGURE, "figure", allow_duplicate=True),
        Output(ids.SCREEN_TABLE, "children", allow_duplicate=True),
        Output(ids.SCREEN_PROGRESS, "value", allow_duplicate=True),
        Input(ids.SCREEN_RUN, "n_clicks"),
        Input(ids.SCREEN_CANCEL, "n_clicks"),
        prevent_initial_call=True,
    )
    def clear(_run, _cancel):  # type: ignore[no-untyped-def]
        """A new run or a cancel first clears the last run's status, bar, figure and table."""
        if ctx.triggered_id == ids.SCREEN_CANCEL:
            text = "Cancelled: the screen was stopped; nothing was kept."
        else:
            text = "Running ..."
        return None, text, "hint", {}, result_table(None), "0"

    @app.callback(
        Output(ids.SCREEN_EXPORT, "disabled"),
        Output(ids.SCREEN_EXPORT, "title"),
        Input(ids.SCREEN_RESULT, "data"),
    )
    def export_enabled(job):  # type: ignore[no-untyped-def]
        ready = isinstance(job, dict) and bool(job.get("rows") is not None)
        return (
            not ready,
            "download the table with its settings" if ready else "run a screen first",
        )

    @app.callback(
        Output(ids.SCREEN_RESULT, "data"),
        Output(ids.SCREEN_STATUS, "children"),
        Output(ids.SCREEN_STATUS, "className"),
        Output(ids.SCREEN_FIGURE, "figure"),
        Output(ids.SCREEN_TABLE, "children"),
        Input(ids.SCREEN_RUN, "n_clicks"),
        State(ids.SCREEN_MODE, "value"),
        State(ids.SCREEN_TARGETS, "value"),
        State(ids.SCREEN_ORDER, "value"),
        State(ids.SCREEN_PERTURB, "value"),
        State(ids.SCREEN_USING, "value"),
        State(ids.STATE, "data"),
        State(ids.UPLOAD_STORE, "data"),
        State(ids.TAB, "data"),
        background=True,
        running=[
            (Output(ids.SCREEN_RUN, "disabled"), True, False),
            (Output(ids.SCREEN_CANCEL, "disabled"), False, True),
        ],
        cancel=[Input(ids.SCREEN_CANCEL, "n_clicks")],
        progress=[Output(ids.SCREEN_PROGRESS, "value"), Output(ids.SCREEN_PROGRESS, "max")],
        prevent_initial_call=True,
    )
    def run(set_progress, clicks, mode, targets, order, perturb, using, state, upload, tab):  # type: ignore[no-untyped-def]
        if not clicks:
            return no_update, no_update, no_update, no_update, no_update
        try:
            with slots.hold(tab) if slots is not None else nullcontext():
                job = _job(set_progress, mode, targets, order, perturb, using, state, upload)
        except (MtorNetworkError, ValueError, TypeError) as exc:
            return None, refusal(exc), "status-error", {}, result_table(None)
        return (
            job,
            f"Done: {job['title']}.",
            "status-done",
            job["figure"] or {},
            result_table(job),
        )

    def _job(set_progress, mode, targets, order, perturb, using, state, upload):  # type: ignore[no-untyped-def]
        if targets is not None and (
            not isinstance(targets, list)
            or len(targets) > MAX_TARGETS
            or not all(isinstance(t, str) for t in targets)
        ):
            raise ValueError(f"targets: at most {MAX_TARGETS} node names")
        order = order if order in (1, 2, 3) else 1
        state = ExplorerState.from_dict(state)
        if state.errors:
            raise ValueError("; ".join(state.errors))
        return run_job(
            mode,
            state,
            UploadedModel.from_dict(upload),
            targets=targets,
            order=order,
            perturb=perturb if perturb in ("knockout", "overexpress", "both") else "knockout",
            using=using if using in ("drugs", "nodes") else "drugs",
            max_size=order,
            seconds=seconds,
            progress=lambda done, total: set_progress((str(done), str(max(total, 1)))),
        )

    @app.callback(
        Output(ids.SCREEN_DOWNLOAD, "data"),
        Input(ids.SCREEN_EXPORT, "n_clicks"),
        State(ids.SCREEN_RESULT, "data"),
        prevent_initial_call=True,
    )
    def download(clicks, job):  # type: ignore[no-untyped-def]
        if not clicks or not job:
            return no_update
        try:
            text = to_csv(job)
            settings = job["settings"]
            model = safe_stem(settings.get("model"), max_length=48)
            mode = safe_stem(job.get("mode"), fallback="job")
        except (KeyError, TypeError, AttributeError, ValueError):
            return no_update  # not a table this app made
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        return dcc.send_string(text, f"{model}_{mode}_screen_{stamp}.csv")
