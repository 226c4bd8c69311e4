"""A result of many attractors summarised by the valuation of its free inputs, and one
valuation picked to see its attractors (issue 14, "results that scale").

A network whose free inputs (rules ``x, x``) are left free has one closed part of its state
space per valuation of them, so its attractors come in groups, one per valuation
(:func:`mtor_network.group_by_inputs`). With thousands of attractors a table with a row (or a
column) per attractor is unreadable; :func:`summarise_inputs` gives one row per valuation
(the inputs' values, the number of attractors, their phenotypes and how many are
endocrine-resistant), :func:`pick_group` checks a valuation a user chose (any text from a
browser is hostile: only known inputs with 0/1 values, every input named) and finds its
group in the server's own result, and :meth:`InputSummary.subset` is that group's
attractors as an ordinary :class:`~mtor_network.AttractorResult`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..attractors import AttractorResult, InputGroup, group_by_inputs
from ..exceptions import InvalidValuationError
from ..network import BooleanNetwork
from ..types import NodeValue

GROUPED_ABOVE = 20
"""Results with more attractors than this (and free inputs left free, in two or more groups)
are summarised by input valuation; smaller ones keep the table of every attractor."""
MAX_VALUATION_CHARS = 64 * 1024
"""The longest valuation text accepted (a request's; a real one is ~10 characters an input)."""
MAX_INPUT_COLUMNS = 24
"""Inputs shown as columns of their own in :meth:`InputSummary.rows`; more share one column."""
VALUATION_COLUMN = "inputs"


def valuation_key(values: Sequence[tuple[str, NodeValue]]) -> str:
    """The text that names one valuation: compact JSON ``{"A":0,"B":1}`` in input order.

    Parameters
    ----------
    values : sequence of (str, value)
        Each input with its value.

    Returns
    -------
    str
        The key (what a picker sends back, checked by :func:`parse_valuation`).
    """
    return json.dumps(dict(values), separators=(",", ":"))


def valuation_text(values: Sequence[tuple[str, NodeValue]]) -> str:
    """A valuation as people read it: ``A=0 B=1``.

    Parameters
    ----------
    values : sequence of (str, value)
        Each input with its value.

    Returns
    -------
    str
        The text.
    """
    return " ".join(f"{name}={value}" for name, value in values)


def parse_valuation(value: Any, inputs: Sequence[str]) -> dict[str, int]:
    """The valuation a request names, checked against the free inputs ``inputs``.

    Parameters
    ----------
    value : str or mapping
        A key of :func:`valuation_key` (JSON text) or a mapping of input name to 0 or 1.
    inputs : sequence of str
        The free inputs of the result (the server's, never the client's).

    Returns
    -------
    dict of str to int
        Every input with its value, in the order of ``inputs``.

    Raises
    ------
    InvalidValuationError
        Not a mapping (or its JSON text within :data:`MAX_VALUATION_CHARS`), a name that is
        not one of ``inputs``, a value other than 0 or 1, or an input left unset.
    """
    if isinstance(value, str):
        if len(value) > MAX_VALUATION_CHARS:
            raise InvalidValuationError(f"the valuation is over {MAX_VALUATION_CHARS:,} characters")
        try:
            value = json.loads(value)
        except ValueError:
            raise InvalidValuationError(
                'the valuation is not a mapping of inputs to 0 or 1 ({"A": 0, "B": 1})'
            ) from None
    if not isinstance(value, Mapping):
        raise InvalidValuationError(
            f"the valuation is not a mapping of inputs to 0 or 1, got {type(value).__name__}"
        )
    known = set(inputs)
    if len(value) > len(known):
        raise InvalidValuationError(
            f"the valuation names {len(value):,} inputs; the result has {len(known)} free inputs"
        )
    chosen: dict[str, int] = {}
    for name, bit in value.items():
        if not isinstance(name, str) or name not in known:
            shown = str(name)[:40]
            raise InvalidValuationError(f"{shown!r} is not a free input of this result")
        if isinstance(bit, bool) or bit not in (0, 1, "0", "1"):
            raise InvalidValuationError(f"input {name}: the value must be 0 or 1, got {bit!r:.40}")
        chosen[name] = int(bit)
    missing = [n for n in inputs if n not in chosen]
    if missing:
        raise InvalidValuationError(
            "the valuation leaves free input(s) unset: " + ", ".join(missing[:12])
        )
    return {n: chosen[n] for n in inputs}


@dataclass(frozen=True)
class InputSummary:
    """A result's attractors grouped by the valuation of the free inputs left free.

    Attributes
    ----------
    result : AttractorResult
        The result summarised (every attractor it holds is in exactly one group).
    inputs : tuple of str
        The free inputs, in the network's order.
    groups : tuple of InputGroup
        One group per valuation met, ordered by valuation.
    positions : tuple of tuple of int
        For each group, the positions (0-based) of its attractors in ``result``.
    """

    result: AttractorResult
    inputs: tuple[str, ...]
    groups: tuple[InputGroup, ...]
    positions: tuple[tuple[int, ...], ...]

    def __len__(self) -> int:
        return len(self.groups)

    def keys(self) -> tuple[str, ...]:
        """The key (:func:`valuation_key`) of each group, in order."""
        return tuple(valuation_key(g.inputs) for g in self.groups)

    def options(self) -> list[dict[str, Any]]:
        """A picker's options: one per group, labelled with its valuation and count.

        Returns
        -------
        list of dict
            ``{"label": "A=0 B=1: 3 attractors", "value": key}`` per group.
        """
        return [
            {
                "label": f"{valuation_text(g.inputs)}: {len(g.attractors)} attractor(s)",
                "value": key,
            }
            for g, key in zip(self.groups, self.keys(), strict=True)
        ]

    def rows(self) -> list[dict[str, Any]]:
        """One row per group: each input's value (or, past :data:`MAX_INPUT_COLUMNS` inputs,
        one :data:`VALUATION_COLUMN` of text), ``attractors``, ``phenotypes`` (``"2
        proliferative, 1 quiescent"``) and ``endocrine_resistant`` (a count).

        Returns
        -------
        list of dict
            The rows, in the order of the groups.
        """
        out = []
        for group in self.groups:
            row: dict[str, Any] = {}
            if len(self.inputs) <= MAX_INPUT_COLUMNS:
                row.update({name: str(v) for name, v in group.inputs})
            else:
                row[VALUATION_COLUMN] = valuation_text(group.inputs)
            counts = group.to_dict()["phenotypes"]
            assert isinstance(counts, dict)
            row["attractors"] = len(group.attractors)
            row["phenotypes"] = ", ".join(f"{n} {p}" for p, n in sorted(counts.items()))
            row["endocrine_resistant"] = sum(a.endocrine_resistant for a in group.attractors)
            out.append(row)
        return out

    def columns(self) -> list[str]:
        """The keys of :meth:`rows`, in order."""
        shown = list(self.inputs) if len(self.inputs) <= MAX_INPUT_COLUMNS else [VALUATION_COLUMN]
        return [*shown, "attractors", "phenotypes", "endocrine_resistant"]

    def find(self, valuation: Any) -> int:
        """The index of the group of a valuation a request names (:func:`parse_valuation`).

        Parameters
        ----------
        valuation : str or mapping
            The valuation chosen.

        Returns
        -------
        int
            The group's index in :attr:`groups`.

        Raises
        ------
        InvalidValuationError
            The valuation is malformed, or no attractor of the result has it.
        """
        chosen = parse_valuation(valuation, self.inputs)
        wanted = tuple(chosen.items())
        for index, group in enumerate(self.groups):
            if tuple((n, str(v)) for n, v in group.inputs) == tuple((n, str(v)) for n, v in wanted):
                return index
        raise InvalidValuationError(
            "no attractor held has the inputs "
            + " ".join(f"{n}={v}" for n, v in wanted)
            + ("" if self.result.complete else " (the result holds its first attractors only)")
        )

    def subset(self, index: int) -> AttractorResult:
        """The attractors of group ``index`` as a result of their own (same settings).

        Parameters
        ----------
        index : int
            A group's index.

        Returns
        -------
        AttractorResult
            Complete: it holds every attractor of that group the summarised result holds.
        """
        return replace(self.result, attractors=self.groups[index].attractors, total=None)

    def group_of(self) -> list[str]:
        """For each attractor of :attr:`result`, in order, the text of its group's valuation
        (:func:`valuation_text`): the group column of an export."""
        out = [""] * len(self.result)
        for group, positions in zip(self.groups, self.positions, strict=True):
            text = valuation_text(group.inputs)
            for position in positions:
                out[position] = text
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"inputs": [...], "groups": [InputGroup.to_dict() ...]}``."""
        return {"inputs": list(self.inputs), "groups": [g.to_dict() for g in self.groups]}


def summarise_inputs(network: BooleanNetwork, result: AttractorResult) -> InputSummary:
    """The attractors of ``result`` grouped by the values of the free inputs of ``network``
    (with the result's perturbations applied: inputs a perturbation fixes are not free).

    Parameters
    ----------
    network : BooleanNetwork
        The network searched, before its perturbations.
    result : AttractorResult
        Its attractors.

    Returns
    -------
    InputSummary
        One group per valuation met (a single group with no inputs when none is free).
    """
    perturbed = network.perturb(*result.perturbations) if result.perturbations else network
    groups = group_by_inputs(perturbed, result)
    inputs = tuple(name for name, _ in groups[0].inputs) if groups else ()
    place = {id(a): i for i, a in enumerate(result)}
    positions = tuple(tuple(place[id(a)] for a in g.attractors) for g in groups)
    return InputSummary(result, inputs, groups, positions)


def grouped_view(
    network: BooleanNetwork, result: AttractorResult | None, *, above: int = GROUPED_ABOVE
) -> InputSummary | None:
    """The summary by input valuation to show instead of every attractor, or None where the
    result is small (at most ``above`` attractors held), has no free input left free, or
    falls in a single group.

    Parameters
    ----------
    network : BooleanNetwork
        The network searched, before its perturbations.
    result : AttractorResult or None
        Its attractors (None: no result).
    above : int
        The largest result shown attractor by attractor.

    Returns
    -------
    InputSummary or None
        The summary, or None for the ordinary table.
    """
    if result is None or len(result) <= above:
        return None
    summary = summarise_inputs(network, result)
    return summary if summary.inputs and len(summary) > 1 else None


__all__ = [
    "GROUPED_ABOVE",
    "MAX_INPUT_COLUMNS",
    "MAX_VALUATION_CHARS",
    "InputSummary",
    "grouped_view",
    "parse_valuation",
    "summarise_inputs",
    "valuation_key",
    "valuation_text",
]
