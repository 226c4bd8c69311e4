"""Metadata that text formats without fields for it carry in comments.

Writers put a provenance header (``model:``, ``title:``, ``perturbations:``) and, above a rule,
``label:`` lines; readers give titles and labels back from exactly these keys and ignore every
other comment, so files from other tools read as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from ..network import BooleanNetwork

_KEY_RE = re.compile(r"^\s*(model|title|label)\s*:\s*(.*?)\s*$")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def header_lines(network: BooleanNetwork, prefix: str = "#") -> list[str]:
    """Comment lines naming the model, its version, title and the perturbations applied."""
    lines = [f"{prefix} model: {network.name} {network.version}".rstrip()]
    if network.title:
        lines.append(f"{prefix} title: {_one_line(network.title)}")
    if network.perturbations:
        applied = ", ".join(p.describe() for p in network.perturbations)
        lines.append(f"{prefix} perturbations: {_one_line(applied)}")
    return lines


def label_line(network: BooleanNetwork, name: str, prefix: str = "#") -> str | None:
    """``# label: ...`` for a node whose display label differs from its name, else None."""
    label = _one_line(network.node(name).label)
    if not label or label == name:
        return None
    return f"{prefix} label: {label}"


def commented_rules(
    network: BooleanNetwork, rule: Callable[[str], str], prefix: str = "#"
) -> list[str]:
    """One line per node, ``rule(node)``, each under its ``label:`` comment (where the label
    differs from the name)."""
    lines: list[str] = []
    for node in network.node_names:
        label = label_line(network, node, prefix)
        if label:
            lines.append(label)
        lines.append(rule(node))
    return lines


def metadata_key(comment: str) -> tuple[str, str] | None:
    """``("title"|"label"|"model", value)`` for a comment body written by us, else None."""
    m = _KEY_RE.match(comment)
    if not m or not m.group(2):
        return None
    return m.group(1), m.group(2)


class CommentMetadata:
    """Collects ``title:`` and per-rule ``label:`` comments while a reader walks its lines."""

    def __init__(self) -> None:
        self.title = ""
        self.labels: dict[str, str] = {}
        self._pending: str | None = None

    def comment(self, body: str) -> None:
        """Note one comment (the text after the comment marker)."""
        found = metadata_key(body)
        if found is None:
            return
        key, value = found
        if key == "title" and not self.title:
            self.title = value
        elif key == "label":
            self._pending = value

    def rule(self, target: str) -> None:
        """A rule of ``target`` was read: a ``label:`` comment right above it is its label."""
        if self._pending is not None:
            self.labels.setdefault(target, self._pending)
        self._pending = None

    def other(self) -> None:
        """A line that is neither a comment nor a rule: a pending label is dropped."""
        self._pending = None

    def apply(self, network: BooleanNetwork) -> BooleanNetwork:
        """``network`` with the collected title and labels."""
        if not self.title and not self.labels:
            return network
        nodes = tuple(
            replace(n, label=self.labels[n.name]) if n.name in self.labels else n
            for n in network.nodes
        )
        title = self.title or network.title
        return replace(network, nodes=nodes, title=title)
