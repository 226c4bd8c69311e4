"""Plotly heatmaps of a drug x genotype matrix and of a pairwise screen (pure: result -> figure;
no Dash), coloured by default by the graded ``proliferative_basin``: the exact share of the
state space from which only proliferative attractors can be reached
(:mod:`mtor_network.analysis.basins`); cells where it is not computed are left blank."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import plotly.graph_objects as go

from ..analysis.screens import MatrixResult
from ..exceptions import MtorNetworkError

MatrixValue = Literal[
    "proliferative_basin",
    "proliferative_from_untreated",
    "proliferative_fraction",
    "has_proliferative",
    "endocrine_resistant",
]
MATRIX_VALUES: tuple[MatrixValue, ...] = (
    "proliferative_basin",
    "proliferative_from_untreated",
    "proliferative_fraction",
    "has_proliferative",
    "endocrine_resistant",
)
DEFAULT_VALUE: MatrixValue = "proliferative_basin"
_TITLES = {
    "proliferative_basin": "share of states that reach only proliferative attractors",
    "proliferative_from_untreated": "share of untreated cell states that can reach proliferation",
    "proliferative_fraction": "fraction of attractors that are proliferative",
    "has_proliferative": "a proliferative attractor remains",
    "endocrine_resistant": "an endocrine-resistant attractor remains",
}


def _number(value: Any) -> float | None:
    """A cell's value for the colour scale (None: not computed, drawn blank)."""
    return None if value is None or value == "" else float(value)


def _share(value: Any) -> str:
    number = _number(value)
    return "not computed" if number is None else f"{number:.1%}"


def _check_value(value: object) -> None:
    if value not in MATRIX_VALUES:
        raise ValueError(f"unknown value {value!r}; choose one of {', '.join(MATRIX_VALUES)}")


def matrix_heatmap(result: MatrixResult, value: MatrixValue = DEFAULT_VALUE) -> go.Figure:
    """Treatments (rows) x genotypes (columns), coloured by ``value`` (default the graded
    ``proliferative_basin``; see :data:`MATRIX_VALUES`); cells where an endocrine-resistant
    attractor remains are marked ``R``. Hover shows the attractor counts and the graded
    values.

    Parameters
    ----------
    result : MatrixResult
        The table of :func:`~mtor_network.analysis.screens.drug_genotype_matrix`.
    value : str
        The column that colours the cells.

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    ValueError
        An unknown ``value``.
    """
    _check_value(value)
    cells = {(r["treatment"], r["genotype"]): r for r in result.rows}
    genotypes = list(result.genotypes)
    treatments = list(result.treatments)
    z: list[list[float | None]] = []
    text: list[list[str]] = []
    hover: list[list[str]] = []
    for t in treatments:
        zr: list[float | None] = []
        tr: list[str] = []
        hr: list[str] = []
        for g in genotypes:
            row = cells.get((t, g))
            if row is None:
                zr.append(None)
                tr.append("")
                hr.append("skipped (contradictory)")
                continue
            zr.append(_number(row[value]))
            tr.append("R" if row["endocrine_resistant"] else "")
            hr.append(
                f"{row['attractors']} attractor(s): {row['proliferative']} proliferative, "
                f"{row['apoptotic']} apoptotic, {row['quiescent']} quiescent"
                f"<br>proliferative basin: {_share(row.get('proliferative_basin'))}; "
                f"from the untreated state: {_share(row.get('proliferative_from_untreated'))}"
                f"<br>endocrine-resistant: {'yes' if row['endocrine_resistant'] else 'no'}"
                f"<br>{row['change']} (vs no drug)"
            )
        z.append(zr)
        text.append(tr)
        hover.append(hr)
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=[g.replace("_", " ") for g in genotypes],
            y=treatments,
            text=text,
            texttemplate="%{text}",
            customdata=hover,
            hovertemplate="%{y} | %{x}<br>%{customdata}<extra></extra>",
            zmin=0,
            zmax=1,
            colorscale=[[0.0, "#2c7bb6"], [0.5, "#ffffbf"], [1.0, "#d7191c"]],
            colorbar={
                "title": {"text": "proliferative" if value != "endocrine_resistant" else "R"}
            },
            xgap=1,
            ygap=1,
        )
    )
    figure.update_layout(
        title={"text": f"{result.model}: {_TITLES[value]} ({result.semantics})"},
        height=160 + 16 * max(1, len(treatments)),
        width=260 + 110 * len(genotypes),
        margin={"l": 10, "r": 10, "t": 110, "b": 10},
        xaxis={"side": "top", "tickangle": -30},
        yaxis={"autorange": "reversed", "tickfont": {"size": 9}},
        plot_bgcolor="white",
    )
    return figure


def write_figure(figure: go.Figure, path: str | Path) -> None:
    """Write ``figure`` as HTML (self-contained plotly.js) or PNG (kaleido + Chrome/Chromium)."""
    from .._files import write_bytes_atomic, write_text_atomic

    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".html":
        write_text_atomic(p, figure.to_html(include_plotlyjs=True, full_html=True))
    elif suffix == ".png":
        from .._optional import require

        require("kaleido", extra="figures", what="a PNG figure")
        try:
            image = figure.to_image(format="png", scale=2)
        except Exception as exc:  # kaleido missing, or no browser for it
            raise MtorNetworkError(
                f"{p}: cannot render PNG ({exc}); it needs Chrome or Chromium for kaleido; "
                "or write .html"
            ) from exc
        write_bytes_atomic(p, image)
    else:
        raise MtorNetworkError(f"{p}: unknown figure suffix {p.suffix!r}; use .html or .png")


def screen_heatmap(
    rows: Sequence[Mapping[str, Any]], title: str = "", value: MatrixValue = DEFAULT_VALUE
) -> go.Figure:
    """Single and pairwise perturbations of a screen as a symmetric matrix: cell (A, B) is
    ``value`` with A and B applied (default the graded ``proliferative_basin``), the diagonal A
    alone. Rows of three or more perturbations are left out (they have no place on two axes).

    Parameters
    ----------
    rows : sequence of mappings
        Screen rows (:data:`~mtor_network.analysis.screens.COLUMNS`).
    title : str, optional
        The figure title (default: the value in words).
    value : str
        The column that colours the cells (see :data:`MATRIX_VALUES`).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    _check_value(value)
    singles: list[str] = []
    values: dict[tuple[str, str], Mapping[str, Any]] = {}
    for row in rows:
        parts = str(row["perturbation"]).split(" + ")
        if len(parts) == 1:
            singles.append(parts[0])
            values[(parts[0], parts[0])] = row
        elif len(parts) == 2:
            values[(parts[0], parts[1])] = values[(parts[1], parts[0])] = row
    names = singles or sorted({a for a, _ in values})
    z: list[list[float | None]] = []
    hover: list[list[str]] = []
    for a in names:
        zr: list[float | None] = []
        hr: list[str] = []
        for b in names:
            cell = values.get((a, b))
            zr.append(None if cell is None else _number(cell.get(value)))
            hr.append(
                "not screened"
                if cell is None
                else f"{cell['perturbation']}: {cell['attractors']} attractor(s), "
                f"{cell['change']}<br>proliferative basin: "
                f"{_share(cell.get('proliferative_basin'))}"
            )
        z.append(zr)
        hover.append(hr)
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=names,
            y=names,
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            zmin=0,
            zmax=1,
            colorscale=[[0.0, "#2c7bb6"], [0.5, "#ffffbf"], [1.0, "#d7191c"]],
            colorbar={"title": {"text": "proliferative"}},
            xgap=1,
            ygap=1,
        )
    )
    figure.update_layout(
        title={"text": title or _TITLES[value]},
        height=200 + 14 * len(names),
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        xaxis={"tickangle": -60, "tickfont": {"size": 9}},
        yaxis={"autorange": "reversed", "tickfont": {"size": 9}},
        plot_bgcolor="white",
    )
    return figure
