"""A Hypothesis strategy shared by the test files: random rule texts (BNet syntax) over given
node names, for networks built from them."""

from __future__ import annotations

from hypothesis import strategies as st


def expression_texts(
    names: tuple[str, ...], *, leaves: int = 6, constants: bool = True, name_weight: int = 2
) -> st.SearchStrategy[str]:
    """Rule texts over ``names``: negations, and conjunctions and disjunctions of two or three
    operands, with at most ``leaves`` leaves; a leaf is a name, or with ``constants`` also
    ``0`` or ``1`` (a name ``name_weight`` times as likely as a constant)."""
    choices = [st.sampled_from(names)] * name_weight
    if constants:
        choices.append(st.sampled_from(["0", "1"]))
    leaf = st.one_of(*choices)

    def branch(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        operands = st.lists(inner, min_size=2, max_size=3)
        return st.one_of(
            inner.map(lambda e: "!" + e),
            operands.map(lambda xs: "(" + " & ".join(xs) + ")"),
            operands.map(lambda xs: "(" + " | ".join(xs) + ")"),
        )

    return st.recursive(leaf, branch, max_leaves=leaves)
