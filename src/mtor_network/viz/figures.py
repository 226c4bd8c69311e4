"""Plotly figures of attractor results."""

from __future__ import annotations

import plotly.graph_objects as go

from ..attractors import AttractorResult
from ..network import BooleanNetwork

_NUMERIC = {0: 0.0, 1: 1.0, "*": 0.5}


def heatmap(result: AttractorResult, network: BooleanNetwork) -> go.Figure:
    """Attractors (rows) x nodes (columns): off grey, on green, oscillating orange ('*')."""
    labels = [network.node(n).label for n in result.nodes]
    rows = [f"A{i} {a.phenotype}" for i, a in enumerate(result, start=1)]
    z = [[_NUMERIC[v] for _, v in a.values] for a in result]
    text = [["*" if v == "*" else "" for _, v in a.values] for a in result]
    hover = [
        [f"{lbl} ({n}): {v}" for lbl, (n, v) in zip(labels, a.values, strict=True)] for a in result
    ]
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=labels,
            y=rows,
            text=text,
            texttemplate="%{text}",
            customdata=hover,
            hovertemplate="%{y}<br>%{customdata}<extra></extra>",
            zmin=0,
            zmax=1,
            colorscale=[
                [0.0, "#d9d9d9"],
                [0.33, "#d9d9d9"],
                [0.33, "#f5c26b"],
                [0.67, "#f5c26b"],
                [0.67, "#4daf4a"],
                [1.0, "#4daf4a"],
            ],
            showscale=False,
            xgap=1,
            ygap=1,
        )
    )
    figure.update_layout(
        height=170 + 28 * max(1, len(rows)),
        margin={"l": 10, "r": 10, "t": 150, "b": 10},
        xaxis={"tickangle": -60, "side": "top", "tickfont": {"size": 9}},
        yaxis={"autorange": "reversed", "tickfont": {"size": 10}},
        plot_bgcolor="white",
    )
    return figure
