"""What a model file declares about phenotypes, as data: roles (role -> marker node), the
phenotype classes named by those roles, and resistance rules (a phenotype under a tag).

The declarations are evaluated in :mod:`mtor_network.analysis.phenotypes`; the attractor engine
below knows none of them. A model that declares nothing gets the defaults of that module (the
flagship's classes and its endocrine-resistance rule), so every model's tables keep the same
columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .network import PhenotypeMarkers
from .types import PHENOTYPES, NodeValue, Phenotype


@dataclass(frozen=True)
class ResistanceRule:
    """An attractor of ``phenotype`` found while a perturbation tagged ``under_tag`` is applied
    is flagged ``name`` (e.g. ``endocrine-resistant``: proliferative under endocrine therapy).

    ``condition`` names the search setting "a perturbation tagged ``under_tag`` is applied"
    (e.g. ``endocrine_therapy``) in result settings and tables.
    """

    phenotype: str
    under_tag: str
    name: str
    condition: str = ""

    def __post_init__(self) -> None:
        for field_name in ("phenotype", "under_tag", "name", "condition"):
            if not isinstance(getattr(self, field_name), str):
                raise TypeError(f"ResistanceRule.{field_name} must be a str")
        if not self.condition:
            object.__setattr__(self, "condition", f"under_{self.under_tag}")

    @property
    def key(self) -> str:
        """The name as a field of tables and JSON (``endocrine-resistant`` ->
        ``endocrine_resistant``)."""
        return self.name.replace("-", "_").replace(" ", "_")

    def to_dict(self) -> dict[str, str]:
        """The rule as the model file writes it."""
        return {
            "phenotype": self.phenotype,
            "under_tag": self.under_tag,
            "name": self.name,
            "condition": self.condition,
        }


@dataclass(frozen=True)
class PhenotypeSpec(PhenotypeMarkers):
    """The phenotype declarations of a model file.

    ``roles``: every declared (role, marker node) pair, in file order (``proliferation`` and
    ``apoptosis`` are also the inherited fields of :class:`PhenotypeMarkers`; other roles, such
    as ``senescence``, are kept here). ``classes``: (phenotype, role) pairs in priority order
    (the first whose marker is ON or oscillates names the attractor), or None for the default
    classes. ``resistance``: the declared rules, or None for the default rule. ``sustained``:
    roles whose marker counts only when ON in every state of the attractor (an irreversible
    fate such as apoptosis is not reached by a marker that merely oscillates); the other
    roles count when their marker is ON or oscillates.
    """

    roles: tuple[tuple[str, str], ...] = ()
    classes: tuple[tuple[str, str], ...] | None = None
    resistance: tuple[ResistanceRule, ...] | None = None
    sustained: tuple[str, ...] = ()

    @classmethod
    def declare(
        cls,
        roles: Mapping[str, str],
        *,
        classes: Mapping[str, str] | None = None,
        resistance: tuple[ResistanceRule, ...] | None = None,
        sustained: tuple[str, ...] = (),
    ) -> PhenotypeSpec:
        """Build a spec from a role -> marker node mapping (and optional classes and rules).

        Parameters
        ----------
        roles : mapping of str to str
            Role -> marker node, any roles.
        classes : mapping of str to str, optional
            Phenotype -> role, in priority order.
        resistance : tuple of ResistanceRule, optional
            The resistance rules.
        sustained : tuple of str, optional
            Roles whose marker must be ON in the whole attractor to count.

        Returns
        -------
        PhenotypeSpec
            The spec.
        """
        return cls(
            proliferation=roles.get("proliferation"),
            apoptosis=roles.get("apoptosis"),
            roles=tuple(roles.items()),
            classes=None if classes is None else tuple(classes.items()),
            resistance=resistance,
            sustained=tuple(sustained),
        )

    @property
    def role_map(self) -> dict[str, str]:
        """Role -> marker node (the declared roles, else the inherited two)."""
        if self.roles:
            return dict(self.roles)
        return {
            k: v
            for k, v in (("proliferation", self.proliferation), ("apoptosis", self.apoptosis))
            if v is not None
        }

    def marker(self, role: str) -> str | None:
        """The marker node of ``role``, or None if the model declares none."""
        return self.role_map.get(role)


def roles_of(markers: PhenotypeMarkers) -> dict[str, str]:
    """Role -> marker node of any network's markers (a plain :class:`PhenotypeMarkers` has
    the two inherited roles)."""
    if isinstance(markers, PhenotypeSpec):
        return markers.role_map
    return {
        k: v
        for k, v in (("proliferation", markers.proliferation), ("apoptosis", markers.apoptosis))
        if v is not None
    }


__all__ = [
    "PHENOTYPES",
    "NodeValue",
    "Phenotype",
    "PhenotypeSpec",
    "ResistanceRule",
    "roles_of",
]
