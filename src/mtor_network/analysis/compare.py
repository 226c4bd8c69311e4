"""What changed between two attractor results: phenotypes gained or lost, in words."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..attractors import AttractorResult
from ..phenotypes import PHENOTYPES


@dataclass(frozen=True)
class Comparison:
    """The difference of ``current`` against a ``reference`` result."""

    reference_label: str
    reference: dict[str, int]
    current: dict[str, int]
    gained: tuple[str, ...] = field(default=())
    lost: tuple[str, ...] = field(default=())
    messages: tuple[str, ...] = field(default=())

    @property
    def changed(self) -> bool:
        return bool(self.gained or self.lost)

    def to_dict(self) -> dict[str, Any]:
        return {
            "reference": self.reference_label,
            "reference_phenotypes": self.reference,
            "current_phenotypes": self.current,
            "gained": list(self.gained),
            "lost": list(self.lost),
            "messages": list(self.messages),
        }


def _labels(result: AttractorResult) -> dict[str, int]:
    counts: dict[str, int] = {k: v for k, v in result.phenotype_counts().items() if v}
    resistant = sum(a.endocrine_resistant for a in result)
    if resistant:
        counts["endocrine-resistant"] = resistant
    return counts


def compare(reference: AttractorResult, current: AttractorResult, label: str) -> Comparison:
    """Phenotypes present in one result and not the other, e.g. ``proliferative attractor
    eliminated`` or ``endocrine-resistant attractor eliminated``."""
    ref, cur = _labels(reference), _labels(current)
    order = [*PHENOTYPES, "endocrine-resistant"]
    gained = tuple(p for p in order if p in cur and p not in ref)
    lost = tuple(p for p in order if p in ref and p not in cur)
    messages = [f"{p} attractor eliminated" for p in lost]
    messages += [f"{p} attractor gained" for p in gained]
    if not messages:
        same = ", ".join(f"{n} {p}" for p, n in cur.items()) or "no attractor"
        messages.append(f"no phenotype change ({same})")
    return Comparison(label, ref, cur, gained, lost, tuple(messages))
