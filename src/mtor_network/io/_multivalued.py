"""Booleanisation of multi-valued nodes (GINsim, SBML-qual) into threshold variables.

A node ``X`` with levels ``0..m`` becomes ``X`` (level >= 1) and ``X_2`` ... ``X_m`` (level >= 2
... level >= m; ``X_level2`` where ``X_2`` is taken): the ``X``, ``X_2`` names of the Zañudo
models. ``X_k`` is updated to ``[target level of X >= k]`` and every comparison of ``X`` with a
level is rewritten on these variables, so the fixed points are exactly those of the
multi-valued model (a Boolean fixed point always has consistent thresholds). A multi-valued
*input* (a node that keeps its level) becomes ``X = X``, ``X_k = X_k & X_(k-1)``
(:func:`input_rules`): its fixed points are the admissible states ``X_k => X_(k-1)`` only, one
per level, as in bioLQM's booleanisation; an inadmissible state falls back to one.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence

from ..exceptions import ModelWarning
from ..expressions import FALSE, TRUE, Expr, and_, not_, or_, var

MAX_LEVEL = 100
"""The highest maximum level of a multi-valued node (each level becomes a Boolean variable)."""


def threshold_names(maxima: Mapping[str, int]) -> dict[str, list[str]]:
    """Node -> its Boolean variables ``[X, X_2, ..., X_m]`` for ``maxima`` (node -> maximum
    level), none clashing with a node or another variable; an identifier that is not a valid
    name (``c-Fos``) gets one (:func:`safe_name`)."""
    from ..expressions import is_valid_name

    taken = {node for node in maxima if is_valid_name(node)}
    names: dict[str, list[str]] = {}
    for node, top in maxima.items():
        base = node if is_valid_name(node) else safe_name(node, taken)
        names[node] = [base]
        for k in range(2, top + 1):
            name = f"{base}_{k}"
            if name in taken:
                name = f"{base}_level{k}"
            n = 1
            while name in taken:
                n += 1
                name = f"{base}_level{k}_{n}"
            taken.add(name)
            names[node].append(name)
    return names


def at_least(names: Sequence[str], level: int) -> Expr:
    """``level of X >= level`` on the variables ``names`` of ``X``."""
    if level <= 0:
        return TRUE
    if level > len(names):
        return FALSE
    return var(names[level - 1])


def level_set(names: Sequence[str], accept: Callable[[int], bool]) -> Expr:
    """The expression true exactly when the level of ``X`` is one that ``accept`` admits."""
    top = len(names)
    runs: list[tuple[int, int]] = []
    for lvl in range(top + 1):
        if not accept(lvl):
            continue
        if runs and runs[-1][1] == lvl - 1:
            runs[-1] = (runs[-1][0], lvl)
        else:
            runs.append((lvl, lvl))
    parts = []
    for low, high in runs:
        items = []
        if low > 0:
            items.append(at_least(names, low))
        if high < top:
            items.append(not_(at_least(names, high + 1)))
        parts.append(and_(items))
    return or_(parts)


def in_range(names: Sequence[str], low: int, high: int) -> Expr:
    """``low <= level of X <= high``."""
    return level_set(names, lambda lvl: low <= lvl <= high)


def input_rules(names: Sequence[str]) -> list[Expr]:
    """The rules of the variables ``names`` of a multi-valued input: ``X`` keeps its value and
    ``X_k`` stays on only while ``X_(k-1)`` is on, so that only the ``len(names) + 1``
    admissible states (``X_k => X_(k-1)``) are fixed points."""
    rules: list[Expr] = []
    for k, name in enumerate(names):
        rules.append(var(name) if k == 0 else and_((var(name), var(names[k - 1]))))
    return rules


def safe_name(identifier: str, taken: set[str]) -> str:
    """A node name valid in every format for a model's ``identifier`` (``c-Fos`` -> ``c_Fos``,
    ``2A`` -> ``_2A``), distinct from the names in ``taken`` (which it joins)."""
    from ..expressions import is_valid_name

    name = re.sub(r"[^A-Za-z0-9_]", "_", identifier) or "_"
    if not re.match(r"[A-Za-z_]", name):
        name = f"_{name}"
    if not is_valid_name(name):
        name = f"{name}_"
    base, n = name, 1
    while name in taken:
        n += 1
        name = f"{base}_{n}"
    taken.add(name)
    return name


def warn_booleanised(
    where: str | None, what: str, nodes: Iterable[tuple[str, int, Sequence[str]]], stacklevel: int
) -> None:
    """One :class:`ModelWarning` naming the booleanised ``nodes`` (id, maximum, variables), if
    any; ``what`` says what they are ("nodes", "species")."""
    described = "; ".join(
        f"{node} (levels 0..{top} -> {', '.join(names)})" for node, top, names in nodes
    )
    if described:
        warnings.warn(
            ModelWarning(
                f"{where or '<text>'}: multi-valued {what} booleanised as threshold variables "
                f"(X = level >= 1, X_k = level >= k): {described}"
            ),
            stacklevel=stacklevel + 1,
        )


__all__ = [
    "MAX_LEVEL",
    "at_least",
    "in_range",
    "input_rules",
    "level_set",
    "safe_name",
    "threshold_names",
    "warn_booleanised",
]
