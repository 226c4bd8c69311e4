"""HTML views of a network and of attractor results, for notebooks (``_repr_html_``).

Pure functions: an object in, an HTML string out, nothing imported beyond the standard library.
Every text comes from a model file or a user and is escaped (:func:`html.escape`); links are
made only from the ``https://`` addresses a :class:`~mtor_network.network.Reference` builds.
Large objects are cut politely: the first rows (and columns) are shown and a note says how
many are left out.

>>> from mtor_network import BooleanNetwork
>>> net = BooleanNetwork.from_rules({"A": "!B", "B": "A"}, name="<b>t</b>")
>>> page = network_html(net)
>>> "&lt;b&gt;t&lt;/b&gt;" in page and "<b>t</b>" not in page
True
>>> "2 nodes" in page
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .attractors import AttractorResult
    from .network import BooleanNetwork

MAX_NODE_ROWS = 100
"""Node rows shown for a network (the rest is counted in a note)."""

MAX_ATTRACTOR_ROWS = 20
"""Attractor rows shown for a result."""

MAX_VALUE_COLUMNS = 60
"""Node-value columns shown for a result."""

_STYLE = (
    "<style>"
    ".mtor-html table{border-collapse:collapse;font-size:0.9em}"
    ".mtor-html th,.mtor-html td{padding:2px 6px;text-align:left;vertical-align:top}"
    ".mtor-html td.v1{background:#c7e9c0}"
    ".mtor-html td.v0{background:#f0f0f0}"
    ".mtor-html td.vs{background:#fdd0a2}"
    ".mtor-html .note{color:#666;font-style:italic}"
    "</style>"
)


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A table from already escaped cells (a cell may carry its own ``<td ...>``)."""
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(c if c.startswith("<td") else f"<td>{c}</td>" for c in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _note(text: str) -> str:
    return f'<p class="note">{text}</p>'


def _reference_html(key: str, network: BooleanNetwork) -> str:
    reference = network.references.get(key)
    url = reference.url if reference is not None else None
    if reference is None or not url or not url.startswith("https://"):
        return _text(key)
    return f'<a href="{_text(url)}" title="{_text(reference.citation)}">{_text(key)}</a>'


def network_html(network: BooleanNetwork, *, max_rows: int = MAX_NODE_ROWS) -> str:
    """The network as HTML: name, version and title, counts, the perturbations applied, and a
    table of nodes (name, label, rule, references linked to their DOI or PubMed page).

    Parameters
    ----------
    network
        The network.
    max_rows
        Node rows shown; a note counts the others.

    Returns
    -------
    str
        An HTML fragment (a ``<div>``).
    """
    title = f"<strong>{_text(network.name)}</strong>"
    if network.version:
        title += f" {_text(network.version)}"
    parts = [f'<div class="mtor-html mtor-network">{_STYLE}<p>{title}']
    if network.title:
        parts.append(f"<br>{_text(network.title)}")
    counts = [_plural(len(network.nodes), "node"), _plural(len(network.references), "reference")]
    registry = [
        _plural(len(network.drugs), "drug"),
        _plural(len(network.genotypes), "genotype"),
        _plural(len(network.environments), "environment"),
    ]
    parts.append(f"<br>{', '.join(counts)}; registry: {', '.join(registry)}</p>")
    if network.perturbations:
        applied = ", ".join(_text(p.name) for p in network.perturbations)
        parts.append(f"<p>Perturbations applied: {applied}</p>")
    rows = []
    for node in network.nodes[: max(max_rows, 0)]:
        rule = network.rules[node.name]
        refs = ", ".join(_reference_html(key, network) for key in rule.references)
        label = _text(node.label) if node.label != node.name else ""
        rows.append(
            [f"<code>{_text(node.name)}</code>", label, f"<code>{_text(rule.text)}</code>", refs]
        )
    parts.append(_table(["Node", "Label", "Rule", "References"], rows))
    hidden = len(network.nodes) - len(rows)
    if hidden > 0:
        parts.append(_note(f"… and {_plural(hidden, 'more node')} not shown."))
    parts.append("</div>")
    return "".join(parts)


def _value_cell(value: object) -> str:
    css = {"1": "v1", "0": "v0"}.get(str(value), "vs")
    return f'<td class="{css}">{_text(value)}</td>'


def attractors_html(
    result: AttractorResult,
    *,
    max_rows: int = MAX_ATTRACTOR_ROWS,
    max_columns: int = MAX_VALUE_COLUMNS,
) -> str:
    """An attractor result as HTML: the settings that produced it, then one row per attractor
    (type, phenotype, the annotations the result carries, and every node's value).

    Parameters
    ----------
    result
        The result of :func:`mtor_network.find_attractors`.
    max_rows
        Attractor rows shown; a note counts the others.
    max_columns
        Node-value columns shown; a note counts the others.

    Returns
    -------
    str
        An HTML fragment (a ``<div>``).
    """
    settings = result.settings()
    names = [str(p.get("name", "")) for p in settings.get("perturbations", [])]
    found = int(settings.get("total_attractors", len(result)))
    lines = [
        f"<strong>{_plural(found, 'attractor')}</strong> of {_text(settings.get('model', ''))}"
        + (f" {_text(settings['model_version'])}" if settings.get("model_version") else ""),
        f"semantics: {_text(settings.get('semantics', ''))}, "
        f"engine: {_text(settings.get('engine', ''))}",
        "perturbations: " + (", ".join(_text(n) for n in names) if names else "none"),
    ]
    parts = [f'<div class="mtor-html mtor-attractors">{_STYLE}<p>{"<br>".join(lines)}</p>']
    if not settings.get("complete", True):
        parts.append(_note(f"The search was bounded: the result holds {len(result):,} of them."))
    nodes = list(result.nodes)
    shown_nodes = nodes[: max(max_columns, 0)]
    shown = [a.to_dict() for a in result.attractors[: max(max_rows, 0)]]
    flags = sorted(
        {k for d in shown for k, v in d.items() if isinstance(v, bool)}
    )  # e.g. endocrine_resistant
    header = ["#", "Type", "Phenotype"] + [_text(f.replace("_", " ")) for f in flags]
    header += [f"<code>{_text(n)}</code>" for n in shown_nodes]
    rows: list[list[str]] = []
    for index, data in enumerate(shown, start=1):
        values: dict[str, Any] = data.get("values", {})
        kind = str(data.get("type", "")).replace("_", " ")
        row = [str(index), _text(kind), _text(data.get("phenotype", ""))]
        row += ["yes" if data.get(f) else "" for f in flags]
        row += [_value_cell(values.get(n, "")) for n in shown_nodes]
        rows.append(row)
    parts.append(_table(header, rows))
    notes = []
    if len(result) > len(shown):
        notes.append(f"{_plural(len(result) - len(shown), 'more attractor')} not shown")
    if len(nodes) > len(shown_nodes):
        notes.append(f"{_plural(len(nodes) - len(shown_nodes), 'more node')} not shown")
    if notes:
        parts.append(_note("… " + "; ".join(notes) + "."))
    parts.append("</div>")
    return "".join(parts)


__all__ = [
    "MAX_ATTRACTOR_ROWS",
    "MAX_NODE_ROWS",
    "MAX_VALUE_COLUMNS",
    "attractors_html",
    "network_html",
]
