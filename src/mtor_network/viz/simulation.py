"""Plotly figure of a stochastic simulation: probabilities over time."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import plotly.graph_objects as go

from ..simulation import SimulationResult

PHENOTYPE_COLOURS = {
    "proliferative": "#4daf4a",
    "apoptotic": "#e41a1c",
    "quiescent": "#377eb8",
    "unknown": "#999999",
}


def simulation_figure(
    result: SimulationResult,
    *,
    nodes: Iterable[str] = (),
    readouts: bool = True,
    bands: bool = True,
    title: str | None = None,
) -> go.Figure:
    """Line chart of phenotype probabilities over time (solid), the weighted read-outs
    (dashed) and any ``nodes`` asked for (dotted). ``bands`` shades +-2 standard errors.

    Phenotypes that never occur are left out (``unknown`` for a model with marker nodes).
    """
    figure = go.Figure()
    t = result.times

    def add(name: str, y: np.ndarray, se: np.ndarray, colour: str | None, dash: str) -> None:
        if bands:
            figure.add_trace(
                go.Scatter(
                    x=np.concatenate([t, t[::-1]]),
                    y=np.concatenate([y + 2 * se, (y - 2 * se)[::-1]]),
                    fill="toself",
                    fillcolor=colour or "rgba(0,0,0,0.1)",
                    opacity=0.15,
                    line={"width": 0},
                    hoverinfo="skip",
                    showlegend=False,
                    legendgroup=name,
                )
            )
        figure.add_trace(
            go.Scatter(
                x=t,
                y=y,
                mode="lines",
                name=name,
                legendgroup=name,
                line={"color": colour, "dash": dash, "width": 2},
                hovertemplate=f"{name}<br>t=%{{x:.3g}}<br>%{{y:.3f}}<extra></extra>",
            )
        )

    for i, phenotype in enumerate(result.phenotypes):
        y = result.phenotype_probabilities[:, i]
        if not np.any(y > 0):
            continue
        se = np.asarray(result.standard_error(y))
        add(f"P({phenotype})", y, se, PHENOTYPE_COLOURS.get(phenotype), "solid")
    if readouts:
        for name, y in result.readouts.items():
            add(name, y, np.asarray(result.readout_errors[name]), None, "dash")
    for node in nodes:
        y = result.node_probability(node)
        add(f"P({node} on)", y, np.asarray(result.standard_error(y)), None, "dot")

    applied = ", ".join(result.perturbations) or "no perturbation"
    top = max([1.0, *(float(np.max(y)) for y in result.readouts.values() if len(y))])
    figure.update_layout(
        title=title or f"{result.model}: {applied} ({result.runs} runs, {result.scheme})",
        xaxis_title="time",
        yaxis_title="probability / mean read-out",
        yaxis={"range": [-0.02 * top, 1.02 * top]},
        plot_bgcolor="white",
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 60, "r": 20, "t": 60, "b": 60},
    )
    figure.update_xaxes(showgrid=True, gridcolor="#eeeeee")
    figure.update_yaxes(showgrid=True, gridcolor="#eeeeee")
    return figure
