"""Plain-text tables for the command line."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, wrap: int = 0) -> str:
    """A left-aligned text table; with ``wrap`` the last column wraps at that width."""
    text_rows = [[str(c) for c in r] for r in rows]
    widths = [len(h) for h in headers]
    for r in text_rows:
        for i, c in enumerate(r[:-1] if wrap else r):
            widths[i] = max(widths[i], len(c))
    if wrap:
        widths[-1] = max(
            len(headers[-1]), min(wrap, max((len(r[-1]) for r in text_rows), default=0))
        )

    def line(cells: Sequence[str]) -> list[str]:
        if not wrap:
            return ["  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()]
        last = textwrap.wrap(cells[-1], wrap) or [""]
        first = "  ".join(c.ljust(w) for c, w in zip(cells[:-1], widths, strict=False))
        pad = " " * len(first)
        return [f"{first}  {last[0]}".rstrip()] + [f"{pad}  {x}".rstrip() for x in last[1:]]

    out = line(list(headers))
    out.append("  ".join("-" * w for w in widths))
    for r in text_rows:
        out.extend(line(r))
    return "\n".join(out)
