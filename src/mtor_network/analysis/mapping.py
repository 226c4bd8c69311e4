"""The evidence cases on other groups' models: a mapping from our vocabulary to a model's nodes.

A *mapping file* (TOML, ``networks/mappings/*.toml``) says, for one published model, how our
registry names (drugs, genotypes, environments), our node names and our phenotype roles read on
that model's nodes. It names the model's nodes only; it never holds a rule of the model.

.. code-block:: toml

    [mapping]
    name = "zanudo2017"                    # the mapping's name (the table's column)
    title = "Zañudo, Scaltriti & Albert 2017: ER+ PIK3CA-mutant breast cancer"
    reference = "doi:10.1186/s41236-017-0007-6"
    model_file = "zanudo2017_er_pik3ca/BreastCancerModel_ZanudoEtAl2017.booleannet"
    # where the model lies in the shared reference-models folder (information only)

    [inputs]                               # the model's default values of its input nodes
    why = "the authors' initial conditions (sim_settings/..._InitialConditions.txt)"
    values = { IGF1R_T = 1, HER2 = 0, ER = 1 }
    free = ["BIM_T"]                       # left free on purpose (both values are explored)
    free_why = "drawn at random per run by the authors"

    [baseline]                             # genotypes the modelled cells always carry
    genotypes = ["pik3ca_mutant"]
    why = "the model is of PIK3CA-mutant cells; no node makes PI3K-alpha wild type"

    [drugs]                                # one entry per registry name
    fulvestrant = { fix = { Fulvestrant = 1 }, why = "the model's own fulvestrant node" }
    erdafitinib = { absent = "the model has no FGFR node" }

    [genotypes]
    pik3ca_mutant = { baseline = true, why = "the modelled cells" }
    her2_amplified = { fix = { HER2 = 1 }, why = "HER2 is an input node: amplified = ON" }

    [environments]
    estrogen_deprived = { fix = { ER = 0 }, why = "..." }

    [nodes]                                # our node names -> the model's nodes or expressions
    S6K1 = { expr = "S6K", why = "the model's S6K node" }
    ERK = { expr = "MAPK | MAPK_2", why = "booleanised levels of MAPK: ON from level 1" }

    [readouts]                             # our phenotype roles -> the model's nodes/expressions
    proliferation = { expr = "Proliferation", why = "the model's proliferation output" }
    apoptosis = { expr = "Apoptosis", why = "the model's apoptosis output" }

Every entry carries ``why`` (one line: why that node stands for that drug, genotype or read-out)
or, with ``absent``, why the model cannot represent it. A setting of an evidence case that needs
an absent entry, an entry the mapping does not name, or cells without a baseline genotype is
*not applicable* on that model, never a silent pass. Expressions use the BNet operators
(``&``, ``|``, ``!``, parentheses).

:func:`evaluate_mapped_case` runs one case of :mod:`mtor_network.analysis.evidence` on the
mapped model through the evidence engine's own :func:`~mtor_network.analysis.evidence.evaluate_case`
(each setting's attractors are computed on the other model, then read in our vocabulary), and
:func:`validate_mapped` the whole table.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from ..attractors import AttractorResult, Budget, BudgetExceeded
from ..attractors import find_attractors as _engine_find_attractors
from ..attractors._types import Annotation, Attractor
from ..exceptions import (
    MappingError,
    MtorNetworkError,
    NotApplicable,
    RuleSyntaxError,
    UnknownNameError,
)
from ..expressions import parse_expression, to_string, variables
from ..network import BooleanNetwork
from ..perturbations import Perturbation, PerturbationKind
from ..types import Expr, NodeValue, Semantics
from .evidence import EVIDENCE_CASES, EvidenceCase, EvidenceResult, Setting, evaluate_case
from .phenotypes import annotate

log = logging.getLogger(__name__)

EntryKind = Literal["drug", "genotype", "environment"]
EntryStatus = Literal["fix", "baseline", "absent"]
CaseStatus = Literal["pass", "fail", "not applicable", "timeout", "error"]

_SECTIONS: dict[str, EntryKind] = {
    "drugs": "drug",
    "genotypes": "genotype",
    "environments": "environment",
}
_KNOWN_TABLES = ("mapping", "inputs", "baseline", *_SECTIONS, "nodes", "readouts")

PER_SETTING_CHECKS = frozenset({"proliferative", "not_proliferative", "node_always"})
"""Check kinds that judge each setting on its own: on a model where only some settings of a
case are applicable, the case is judged on those (and the result says how many)."""


PAIRED_CHECKS = frozenset({"benefit_only_secondary"})
"""Check kinds whose settings come in (monotherapy, combination) pairs: a pair the model cannot
represent is left out, and the case is judged on the other pairs while each group (secondary,
primary) keeps at least one."""


# ---- the mapping file ------------------------------------------------------------------------
@dataclass(frozen=True)
class MappingEntry:
    """How the mapped model represents one registry name (a drug, genotype or environment).

    ``status``: ``"fix"`` (fix ``effects`` on the model), ``"baseline"`` (the modelled cells
    already carry it: nothing to fix) or ``"absent"`` (the model cannot represent it; ``why``
    says why).
    """

    name: str
    kind: EntryKind
    status: EntryStatus
    effects: tuple[tuple[str, bool], ...]
    why: str
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "status": self.status,
            "effects": {k: int(v) for k, v in self.effects},
            "why": self.why,
        }


@dataclass(frozen=True)
class MappedExpression:
    """One of our node names or phenotype roles, read on the mapped model as an expression."""

    name: str
    expression: Expr
    text: str
    why: str
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "expr": self.text, "why": self.why}


@dataclass(frozen=True)
class ModelMapping:
    """A mapping file: our vocabulary on one published model (see the module docstring)."""

    name: str
    title: str = ""
    reference: str = ""
    model_file: str = ""
    inputs: tuple[tuple[str, bool], ...] = ()
    inputs_why: str = ""
    free: tuple[str, ...] = ()
    free_why: str = ""
    baseline: tuple[str, ...] = ()
    baseline_why: str = ""
    entries: tuple[MappingEntry, ...] = ()
    nodes: tuple[MappedExpression, ...] = ()
    readouts: tuple[MappedExpression, ...] = ()
    source: str | None = None
    lines: tuple[tuple[str, int], ...] = field(default=(), compare=False, repr=False)

    def entry(self, kind: EntryKind, name: str) -> MappingEntry | None:
        """The entry for registry name ``name`` of ``kind`` (None if the mapping has none)."""
        for e in self.entries:
            if e.kind == kind and e.name == name:
                return e
        return None

    def node(self, name: str) -> MappedExpression | None:
        """How our node ``name`` reads on the model (None if not mapped)."""
        return next((n for n in self.nodes if n.name == name), None)

    def readout(self, role: str) -> MappedExpression | None:
        """How phenotype role ``role`` reads on the model (None if not mapped)."""
        return next((r for r in self.readouts if r.name == role), None)

    def names_used(self) -> dict[str, int | None]:
        """Every node of the model the mapping names, with the line that names it first."""
        line = dict(self.lines)
        used: dict[str, int | None] = {}
        for node, _ in self.inputs:
            used.setdefault(node, line.get("inputs"))
        for node in self.free:
            used.setdefault(node, line.get("inputs"))
        for e in self.entries:
            for node, _ in e.effects:
                used.setdefault(node, e.line)
        for m in (*self.nodes, *self.readouts):
            for node in sorted(variables(m.expression)):
                used.setdefault(node, m.line)
        return used

    def check(self, network: BooleanNetwork) -> None:
        """Check that every node the mapping names is a node of ``network``.

        Raises
        ------
        MappingError
            Names the mapping file, the line of the entry and the unknown node (with close
            names of the model).
        """
        known = set(network.node_names)
        for node, line in self.names_used().items():
            if node not in known:
                hint = str(UnknownNameError("node", node, known)).split(".", 1)[1].strip()
                hint = hint.split(" Known:")[0]
                raise MappingError(
                    f"node {node!r} is not a node of the model {network.name!r}."
                    + (f" {hint}" if hint else ""),
                    file=self.source,
                    line=line,
                )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "reference": self.reference,
            "model_file": self.model_file,
            "inputs": {k: int(v) for k, v in self.inputs},
            "inputs_why": self.inputs_why,
            "free": list(self.free),
            "baseline": list(self.baseline),
            "entries": [e.to_dict() for e in self.entries],
            "nodes": [n.to_dict() for n in self.nodes],
            "readouts": [r.to_dict() for r in self.readouts],
        }


_TABLE_RE = re.compile(r"^\s*\[\s*([A-Za-z0-9_\-\"' .]+?)\s*\]\s*(?:#.*)?$")
_KEY_RE = re.compile(r"^\s*(?:\"([^\"]+)\"|'([^']+)'|([A-Za-z0-9_\-]+))\s*=")


def _line_index(text: str) -> dict[str, int]:
    """``"table"`` and ``"table.key"`` -> the line that starts them (for error messages)."""
    index: dict[str, int] = {}
    table = ""
    for number, line in enumerate(text.splitlines(), start=1):
        m = _TABLE_RE.match(line)
        if m:
            table = m.group(1).strip().strip("\"'")
            index.setdefault(table, number)
            continue
        k = _KEY_RE.match(line)
        if k:
            key = next(g for g in k.groups() if g)
            index.setdefault(f"{table}.{key}" if table else key, number)
    return index


def _bit(value: object, what: str, fail: Callable[[str], MappingError]) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise fail(f"{what} must be 0 or 1, not {value!r}")


def _text(table: Mapping[str, Any], key: str, fail: Callable[[str], MappingError]) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise fail(f"{key!r} must be a string, not {type(value).__name__}")
    return value.strip()


def _names(value: object, what: str, fail: Callable[[str], MappingError]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(f"{what} must be a list of names")
    return tuple(value)


def _effects(
    value: object, what: str, fail: Callable[[str], MappingError]
) -> tuple[tuple[str, bool], ...]:
    if not isinstance(value, dict) or not value:
        raise fail(f"{what} must be a table of node = 0 or 1, e.g. {{ AKT = 0 }}")
    return tuple(sorted((str(node), _bit(v, f"{what}: {node}", fail)) for node, v in value.items()))


def _entry(
    kind: EntryKind, name: str, value: object, line: int | None, fail: Callable[[str], MappingError]
) -> MappingEntry:
    where = f"{kind} {name!r}"
    if not isinstance(value, dict):
        raise fail(
            f'{where} must be a table: {{ fix = {{ NODE = 0 or 1 }}, why = "..." }}, '
            '{ baseline = true, why = "..." } or { absent = "why not" }'
        )
    unknown = sorted(set(value) - {"fix", "why", "baseline", "absent"})
    if unknown:
        raise fail(f"{where}: unknown key {unknown[0]!r} (use fix, why, baseline or absent)")
    chosen = [k for k in ("fix", "baseline", "absent") if k in value]
    if len(chosen) != 1:
        raise fail(f"{where} needs exactly one of fix, baseline or absent, not {chosen or 'none'}")
    if "absent" in value:
        why = value["absent"]
        if not isinstance(why, str) or not why.strip():
            raise fail(f"{where}: absent must say why the model cannot represent it")
        return MappingEntry(name, kind, "absent", (), why.strip(), line)
    why = _text(value, "why", fail)
    if not why:
        raise fail(f"{where} needs a one-line 'why' (why those nodes stand for it)")
    if "baseline" in value:
        if value["baseline"] is not True:
            raise fail(f"{where}: baseline must be true")
        return MappingEntry(name, kind, "baseline", (), why, line)
    return MappingEntry(name, kind, "fix", _effects(value["fix"], f"{where}: fix", fail), why, line)


def _expression(
    name: str, value: object, what: str, line: int | None, file: str | None
) -> MappedExpression:
    def fail(problem: str) -> MappingError:
        return MappingError(problem, file=file, line=line)

    if isinstance(value, str):
        raise fail(f'{what} {name!r} must be a table {{ expr = "...", why = "..." }}')
    if not isinstance(value, dict):
        raise fail(f"{what} {name!r} must be a table {{ expr = ..., why = ... }}")
    unknown = sorted(set(value) - {"expr", "why"})
    if unknown:
        raise fail(f"{what} {name!r}: unknown key {unknown[0]!r} (use expr and why)")
    text = _text(value, "expr", fail)
    why = _text(value, "why", fail)
    if not text:
        raise fail(f"{what} {name!r} needs expr (a node of the model or a Boolean expression)")
    if not why:
        raise fail(f"{what} {name!r} needs a one-line 'why'")
    try:
        expression = parse_expression(text, file=file, line=line, target=name)
    except RuleSyntaxError as exc:
        raise MappingError(
            f"{what} {name!r}: {exc.problem}", file=file, line=line, column=exc.column
        ) from None
    return MappedExpression(name, expression, text, why, line)


def parse_mapping(text: str, *, file: str | None = None) -> ModelMapping:
    """Read a mapping from TOML text.

    Parameters
    ----------
    text : str
        The mapping file's text (see the module docstring for its tables).
    file : str, optional
        The file name, for error messages.

    Returns
    -------
    ModelMapping
        The mapping (not yet checked against a model: see :meth:`ModelMapping.check`).

    Raises
    ------
    MappingError
        The text is not TOML, or a table or entry is malformed; names file, line and problem.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise MappingError(
            f"not valid TOML: {problem}",
            file=file,
            line=int(m.group(1)) if m else None,
            column=int(m.group(2)) if m else None,
        ) from None
    lines = _line_index(text)

    def failing(key: str) -> Callable[[str], MappingError]:
        def fail(problem: str) -> MappingError:
            line = lines.get(key) or lines.get(key.split(".")[0])
            return MappingError(problem, file=file, line=line)

        return fail

    unknown = sorted(set(data) - set(_KNOWN_TABLES))
    if unknown:
        raise failing(unknown[0])(
            f"unknown table or key {unknown[0]!r}; a mapping has {', '.join(_KNOWN_TABLES)}"
        )
    for table in _KNOWN_TABLES:
        if table in data and not isinstance(data[table], dict):
            raise failing(table)(f"{table!r} must be a table ([{table}])")
    head = data.get("mapping")
    if head is None:
        raise MappingError('no [mapping] table (it needs at least name = "...")', file=file)
    fail = failing("mapping")
    name = _text(head, "name", failing("mapping.name"))
    if not name:
        raise failing("mapping.name")('[mapping] needs name = "..." (the mapping\'s name)')
    inputs = data.get("inputs", {})
    values = inputs.get("values", {})
    input_effects = _effects(values, "[inputs] values", failing("inputs.values")) if values else ()
    free = _names(inputs.get("free", []), "[inputs] free", failing("inputs.free"))
    baseline_table = data.get("baseline", {})
    baseline = _names(
        baseline_table.get("genotypes", []), "[baseline] genotypes", failing("baseline.genotypes")
    )
    entries: list[MappingEntry] = []
    for section, kind in _SECTIONS.items():
        for key, value in data.get(section, {}).items():
            entries.append(
                _entry(kind, key, value, lines.get(f"{section}.{key}"), failing(f"{section}.{key}"))
            )
    for g in baseline:
        e = next((x for x in entries if x.kind == "genotype" and x.name == g), None)
        if e is not None and e.status != "baseline":
            raise failing(f"genotypes.{g}")(
                f"genotype {g!r} is a baseline genotype ([baseline]) but its entry says {e.status}"
            )
        if e is None:
            entries.append(
                MappingEntry(g, "genotype", "baseline", (), baseline_table.get("why", ""), None)
            )
    nodes = tuple(
        _expression(k, v, "node", lines.get(f"nodes.{k}"), file)
        for k, v in data.get("nodes", {}).items()
    )
    readouts = tuple(
        _expression(k, v, "readout", lines.get(f"readouts.{k}"), file)
        for k, v in data.get("readouts", {}).items()
    )
    if not readouts:
        raise failing("readouts")(
            "no [readouts]: a mapping needs at least proliferation = { expr = ..., why = ... }"
        )
    del fail
    return ModelMapping(
        name=name,
        title=_text(head, "title", failing("mapping.title")),
        reference=_text(head, "reference", failing("mapping.reference")),
        model_file=_text(head, "model_file", failing("mapping.model_file")),
        inputs=input_effects,
        inputs_why=_text(inputs, "why", failing("inputs.why")),
        free=free,
        free_why=_text(inputs, "free_why", failing("inputs.free_why")),
        baseline=baseline,
        baseline_why=_text(baseline_table, "why", failing("baseline.why")),
        entries=tuple(entries),
        nodes=nodes,
        readouts=readouts,
        source=file,
        lines=tuple(sorted(lines.items())),
    )


def read_mapping(path: str | Path) -> ModelMapping:
    """Read a mapping file.

    Parameters
    ----------
    path : str or Path
        A ``.toml`` mapping file.

    Returns
    -------
    ModelMapping
        The mapping.

    Raises
    ------
    MappingError
        The file cannot be read or is malformed (file, line, problem).
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise MappingError(
            f"cannot read the mapping file: {exc.strerror}", file=str(path)
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MappingError(
            f"not UTF-8 text (byte {exc.start}): a mapping file is TOML", file=str(path)
        ) from None
    return parse_mapping(text, file=str(path))


def mappings_dir() -> Path:
    """The folder of bundled mapping files (``networks/mappings``)."""
    from ..models import networks_dir

    return networks_dir() / "mappings"


def bundled_mappings() -> list[str]:
    """Names of the bundled mapping files (their stems)."""
    folder = mappings_dir()
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.toml"))


def load_mapping(name_or_path: str | Path) -> ModelMapping:
    """A bundled mapping by name (``"zanudo2017"``) or a mapping file by path.

    Raises
    ------
    UnknownNameError
        A name that is neither a bundled mapping nor a ``.toml`` path.
    MappingError
        The file is malformed.
    """
    text = str(name_or_path)
    if isinstance(name_or_path, Path) or text.endswith(".toml") or "/" in text or "\\" in text:
        return read_mapping(name_or_path)
    if text in bundled_mappings():
        return read_mapping(mappings_dir() / f"{text}.toml")
    raise UnknownNameError("mapping", text, bundled_mappings())


# ---- a mapped model --------------------------------------------------------------------------
@dataclass(frozen=True)
class Resolution:
    """A setting of our vocabulary on the mapped model: the perturbations to apply, or why the
    setting is not applicable there (``reason``)."""

    perturbations: tuple[Perturbation, ...] = ()
    reason: str = ""

    @property
    def applicable(self) -> bool:
        return not self.reason


_SETTING_FIELDS = frozenset({"genotypes", "drugs", "environments", "overexpressed", "knockouts"})
"""The fields of :class:`Setting` a mapping translates; a setting that uses any other field
(added to the evidence engine later) is not applicable on a mapped model."""


def _default(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return None


def _kleene(expr: Expr, values: Mapping[str, NodeValue]) -> NodeValue:
    """The value of ``expr`` on an attractor's node summary (0, 1, ``"*"`` = oscillating):
    0 or 1 where the fixed nodes decide it, ``"*"`` otherwise (Kleene's three-valued logic)."""
    if expr[0] == "var":
        return values[expr[1]]
    if expr[0] == "const":
        return 1 if expr[1] else 0
    if expr[0] == "not":
        inner = _kleene(expr[1], values)
        return "*" if inner == "*" else (0 if inner else 1)
    items = [_kleene(e, values) for e in expr[1]]
    decisive: NodeValue = 0 if expr[0] == "and" else 1
    if decisive in items:
        return decisive
    return "*" if "*" in items else (1 if decisive == 0 else 0)


class MappedModel:
    """A published model with a mapping bound to it: our settings in, attractors in our
    vocabulary out.

    Parameters
    ----------
    network : BooleanNetwork
        The published model.
    mapping : ModelMapping
        Its mapping (checked against the model here).
    reference : BooleanNetwork, optional
        Our model whose phenotype classes, resistance rules and registry tags are used to read
        the mapped attractors (default: the bundled flagship).
    budget : Budget, optional
        Bounds on each attractor search (default: 120 s).

    Raises
    ------
    MappingError
        The mapping names a node the model lacks.
    """

    def __init__(
        self,
        network: BooleanNetwork,
        mapping: ModelMapping,
        *,
        reference: BooleanNetwork | None = None,
        budget: Budget | None = None,
    ) -> None:
        if not isinstance(network, BooleanNetwork):
            raise TypeError(f"network must be a BooleanNetwork, not {type(network).__name__}")
        if not isinstance(mapping, ModelMapping):
            raise TypeError(f"mapping must be a ModelMapping, not {type(mapping).__name__}")
        mapping.check(network)
        if reference is None:
            from ..models import load_network

            reference = load_network()
        self.network = network
        self.mapping = mapping
        self.reference = reference
        self.budget = budget if budget is not None else Budget(seconds=120)
        markers = reference.phenotypes
        roles = dict(getattr(markers, "roles", ()) or ())
        for role in ("proliferation", "apoptosis"):
            node = getattr(markers, role, None)
            if node:
                roles.setdefault(role, node)
        self._roles = roles  # role -> our marker node name
        self._defaults = (
            Perturbation.of(f"{mapping.name}_inputs", "environment", dict(mapping.inputs))
            if mapping.inputs
            else None
        )

    def _tags(self, kind: EntryKind, name: str) -> frozenset[str]:
        registry = {
            "drug": self.reference.drugs,
            "genotype": self.reference.genotypes,
            "environment": self.reference.environments,
        }[kind]
        ours = registry.get(name)
        return ours.tags if ours is not None else frozenset()

    def resolve(self, setting: Setting) -> Resolution:
        """The perturbations of the mapped model that stand for ``setting``.

        Parameters
        ----------
        setting : Setting
            Genotypes, drugs, environments, forced-on and knocked-out nodes in our names.

        Returns
        -------
        Resolution
            The perturbations (the model's default inputs first), or the reason the setting
            is not applicable on this model (a name the mapping marks absent or does not name,
            a node it does not map to a single node, or cells without a baseline genotype).
        """
        m = self.mapping
        extra = [
            f.name
            for f in dataclasses.fields(Setting)
            if f.name not in _SETTING_FIELDS and getattr(setting, f.name) != _default(f)
        ]
        if extra:
            return Resolution(
                reason=f"the mapping cannot express the setting's {', '.join(extra)} on {m.name}"
            )
        missing = [g for g in m.baseline if g not in setting.genotypes]
        if missing:
            return Resolution(
                reason=f"{m.name} models {' and '.join(missing)} cells only (see its [baseline])"
            )
        items: list[Perturbation] = [self._defaults] if self._defaults else []
        layered: tuple[tuple[EntryKind, tuple[str, ...]], ...] = (
            ("environment", setting.environments),
            ("genotype", setting.genotypes),
            ("drug", setting.drugs),
        )
        for kind, names in layered:
            for name in names:
                entry = m.entry(kind, name)
                if entry is None:
                    return Resolution(reason=f"the mapping does not say how {m.name} has {name}")
                if entry.status == "absent":
                    return Resolution(reason=f"{name} is not represented in {m.name}: {entry.why}")
                if entry.status == "fix":
                    items.append(
                        Perturbation(
                            f"{m.name}:{name}",
                            kind,
                            entry.effects,
                            label=name,
                            mechanism=entry.why,
                            tags=self._tags(kind, name),
                        )
                    )
        clicks: tuple[tuple[tuple[str, ...], bool, PerturbationKind], ...] = (
            (setting.overexpressed, True, "overexpress"),
            (setting.knockouts, False, "knockout"),
        )
        for names, value, click in clicks:
            for node in names:
                mapped = m.node(node)
                if mapped is None or mapped.expression[0] != "var":
                    why = "is not mapped" if mapped is None else f"maps to {mapped.text!r}"
                    return Resolution(
                        reason=f"{node} {why} in {m.name}: it cannot be fixed on the model"
                    )
                target = mapped.expression[1]
                items.append(
                    Perturbation(
                        f"{m.name}:{node}_{'oe' if value else 'ko'}",
                        click,
                        ((target, value),),
                        label=f"{node} ({target}) {'forced on' if value else 'knocked out'}",
                    )
                )
        return Resolution(tuple(items))

    def _translate(self, values: Mapping[str, NodeValue]) -> dict[str, NodeValue]:
        """An attractor of the model read in our vocabulary: mapped nodes and our markers."""
        out: dict[str, NodeValue] = {
            n.name: _kleene(n.expression, values) for n in self.mapping.nodes
        }
        for r in self.mapping.readouts:
            node = self._roles.get(r.name, r.name.upper())
            out[node] = _kleene(r.expression, values)
        return out

    def our_nodes(self) -> tuple[str, ...]:
        """Our names the mapped attractors carry (mapped nodes, then phenotype markers)."""
        names = [n.name for n in self.mapping.nodes]
        names += [self._roles.get(r.name, r.name.upper()) for r in self.mapping.readouts]
        return tuple(dict.fromkeys(names))

    def run(self, setting: Setting, semantics: Semantics = "asynchronous") -> AttractorResult:
        """The attractors of the mapped model under ``setting``, in our vocabulary.

        Returns
        -------
        AttractorResult
            One attractor per attractor of the model; its values are our mapped node names
            and our phenotype markers (read through the mapping's expressions, ``"*"`` where
            the oscillating nodes leave an expression undecided); phenotypes and resistance
            flags are those of the reference model's declarations.

        Raises
        ------
        NotApplicable
            The setting cannot be represented on the model (the reason is the message).
        BudgetExceeded
            The search went over the budget.
        """
        resolution = self.resolve(setting)
        if not resolution.applicable:
            raise NotApplicable(resolution.reason)
        spec = self.reference.phenotypes

        def annotator(net: BooleanNetwork, values: Sequence[Mapping[str, NodeValue]]) -> Annotation:
            viewed = dataclasses.replace(net, phenotypes=spec)
            return annotate(viewed, [self._translate(v) for v in values])

        found = _engine_find_attractors(
            self.network,
            semantics,
            perturbations=resolution.perturbations,
            budget=self.budget,
            annotator=annotator,
        )
        names = self.our_nodes()
        attractors = tuple(
            MappedAttractor(
                a.kind,
                a.values,
                a.size,
                a.phenotype,
                a.flags,
                ours=tuple((n, v) for n, v in self._translate(a.value_map).items() if n in names),
            )
            for a in found
        )
        return dataclasses.replace(found, attractors=attractors)


@dataclass(frozen=True)
class MappedAttractor(Attractor):
    """An attractor of a mapped model: ``values`` are the model's own node values (what basin
    counts and exports read), ``attractor[NAME]`` reads our vocabulary (:attr:`ours`: our mapped
    node names and phenotype markers), so that the evidence checks ask in our names."""

    ours: tuple[tuple[str, NodeValue], ...] = ()

    @cached_property
    def our_values(self) -> dict[str, NodeValue]:
        """Our names -> values (read through the mapping)."""
        return dict(self.ours)

    def __getitem__(self, node: str) -> NodeValue:
        try:
            return self.our_values[node]
        except KeyError:
            raise KeyError(
                f"{node!r} is not mapped: a mapped attractor is read in our node names "
                f"({', '.join(self.our_values)})"
            ) from None


@dataclass(frozen=True)
class _MappedSetting(Setting):
    """A setting whose attractors come from a mapped model (for the evidence engine)."""

    model: MappedModel | None = field(default=None, compare=False, repr=False)

    def run(self, network: BooleanNetwork, semantics: Semantics) -> AttractorResult:
        assert self.model is not None  # built only by _mapped_case
        return self.model.run(self, semantics)


def _setting_fields(case: EvidenceCase) -> list[str]:
    """The fields of ``case`` that hold settings (``settings``, ``primary``, and any new one)."""
    names = []
    for f in dataclasses.fields(case):
        value = getattr(case, f.name)
        if isinstance(value, tuple) and value and all(isinstance(s, Setting) for s in value):
            names.append(f.name)
    return names


def _as_mapped(setting: Setting, model: MappedModel) -> _MappedSetting:
    values = {f.name: getattr(setting, f.name) for f in dataclasses.fields(Setting)}
    return _MappedSetting(**values, model=model)


# ---- the evidence table on a mapped model ----------------------------------------------------
@dataclass(frozen=True)
class MappedCaseResult:
    """One evidence case on a mapped model.

    ``status``: ``pass``, ``fail``, ``not applicable`` (``reason`` says which setting the model
    cannot represent and why), ``timeout`` (a search went over the budget) or ``error``.
    ``evaluated`` / ``total``: settings judged / settings of the case (a case of per-setting
    checks is judged on its applicable settings); ``left_out``: (setting label, reason) of each
    setting the model cannot represent.
    """

    case_id: str
    status: CaseStatus
    observed: str = ""
    reason: str = ""
    evaluated: int = 0
    total: int = 0
    details: tuple[tuple[str, str], ...] = ()
    left_out: tuple[tuple[str, str], ...] = ()

    @property
    def partial(self) -> bool:
        """True if the case was judged on only some of its settings."""
        return self.status in ("pass", "fail") and self.evaluated < self.total

    def cell(self) -> str:
        """The table cell: ``pass``, ``FAIL``, ``n/a``, ``timeout`` or ``error`` (with
        ``(k/n)`` when judged on k of n settings)."""
        text = {
            "pass": "pass",
            "fail": "FAIL",
            "not applicable": "n/a",
            "timeout": "timeout",
            "error": "error",
        }[self.status]
        return f"{text} ({self.evaluated}/{self.total})" if self.partial else text

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.case_id,
            "status": self.status,
            "observed": self.observed,
            "reason": self.reason,
            "settings_evaluated": self.evaluated,
            "settings_total": self.total,
            "details": [{"setting": s, "attractors": a} for s, a in self.details],
            "not_applicable": [{"setting": s, "reason": r} for s, r in self.left_out],
        }


def _nodes_needed(case: EvidenceCase) -> tuple[str, ...]:
    nodes = getattr(case, "nodes", ()) or ()
    return tuple(n for n, *_ in nodes)


def evaluate_mapped_case(
    case: EvidenceCase, model: MappedModel, semantics: Semantics = "asynchronous"
) -> MappedCaseResult:
    """Run one evidence case on a mapped model.

    Every setting of the case is resolved through the mapping; the case is then judged by the
    evidence engine's :func:`~mtor_network.analysis.evidence.evaluate_case` on the model's
    attractors read in our vocabulary. Where a setting cannot be represented, a case of
    per-setting checks (:data:`PER_SETTING_CHECKS`) is judged on the settings that can (the
    result says how many); any other case is *not applicable*.

    Parameters
    ----------
    case : EvidenceCase
        The case (any case of the table, including new check kinds that read attractors).
    model : MappedModel
        The published model with its mapping.
    semantics : {"asynchronous", "synchronous", "most_permissive"}
        The update semantics.

    Returns
    -------
    MappedCaseResult
        pass / fail / not applicable / timeout / error, with what was observed or why not.
    """
    fields = _setting_fields(case)
    total = sum(len(getattr(case, f)) for f in fields)
    unmapped = [n for n in _nodes_needed(case) if model.mapping.node(n) is None]
    if unmapped:
        return MappedCaseResult(
            case.id,
            "not applicable",
            reason=f"{', '.join(unmapped)} not mapped to a node of {model.mapping.name}",
            total=total,
        )
    replaced: dict[str, tuple[Setting, ...]] = {}
    left_out: list[tuple[str, str]] = []
    groups = 2 if case.check in PAIRED_CHECKS else 1
    for name in fields:
        kept: list[Setting] = []
        given = getattr(case, name)
        for start in range(0, len(given), groups):
            group = given[start : start + groups]
            resolutions = [model.resolve(s) for s in group]
            bad = [(s, r) for s, r in zip(group, resolutions, strict=True) if not r.applicable]
            if bad:
                left_out.extend((s.label, r.reason) for s, r in bad)
            else:
                kept.extend(_as_mapped(s, model) for s in group)
        replaced[name] = tuple(kept)
    evaluated = sum(len(v) for v in replaced.values())
    reasons = [f"{label}: {why}" for label, why in left_out]
    if reasons:
        judged_in_parts = (
            case.check in PER_SETTING_CHECKS and fields == ["settings"]
        ) or case.check in PAIRED_CHECKS
        emptied = [name for name in fields if not replaced[name]]
        if not judged_in_parts or emptied:
            return MappedCaseResult(
                case.id,
                "not applicable",
                reason=reasons[0],
                total=total,
                left_out=tuple(left_out),
            )
    mapped_case = dataclasses.replace(case, **replaced)  # type: ignore[arg-type]
    try:
        result: EvidenceResult = evaluate_case(mapped_case, model.network, semantics)
    except BudgetExceeded as exc:
        return MappedCaseResult(case.id, "timeout", reason=str(exc), total=total)
    except NotApplicable as exc:  # a setting the resolution accepted but the run refused
        return MappedCaseResult(case.id, "not applicable", reason=str(exc), total=total)
    except (MtorNetworkError, KeyError, ValueError) as exc:
        return MappedCaseResult(
            case.id, "error", reason=f"{type(exc).__name__}: {exc}", total=total
        )
    return MappedCaseResult(
        case.id,
        "pass" if result.passed else "fail",
        observed=result.observed,
        reason="; ".join(reasons),
        left_out=tuple(left_out),
        evaluated=evaluated,
        total=total,
        details=result.details,
    )


@dataclass(frozen=True)
class MappedValidationReport:
    """The evidence table on a mapped model."""

    model: str
    mapping: str
    semantics: Semantics
    results: tuple[MappedCaseResult, ...]
    cases: tuple[EvidenceCase, ...]

    def counts(self) -> dict[str, int]:
        """Cases per status."""
        out: dict[str, int] = {}
        for r in self.results:
            out[r.status] = out.get(r.status, 0) + 1
        return out

    @property
    def passed(self) -> bool:
        """True if no applicable case failed, timed out or errored."""
        return all(r.status in ("pass", "not applicable") for r in self.results)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": "mtor_network.mapped_validation/1",
            "model": self.model,
            "mapping": self.mapping,
            "semantics": self.semantics,
            "counts": self.counts(),
            "cases": [
                {"setting": c.setting, "expected": c.expected, **r.to_dict()}
                for c, r in zip(self.cases, self.results, strict=True)
            ],
        }

    def table(self) -> str:
        """The report as a text table."""
        from .._format import table

        rows = []
        for c, r in zip(self.cases, self.results, strict=True):
            text = r.observed if r.status in ("pass", "fail") else r.reason
            if r.status in ("pass", "fail") and r.reason:
                text += f" (left out: {r.reason})"
            rows.append([c.id, r.cell(), f"{c.setting} | expected: {c.expected} | {text}"])
        counts = ", ".join(f"{v} {k}" for k, v in sorted(self.counts().items()))
        head = (
            f"Evidence report on {self.model} through the mapping {self.mapping}, "
            f"{self.semantics} semantics\n"
        )
        return (
            head
            + table(["id", "result", "setting | expected | result"], rows, wrap=80)
            + (f"\n{counts}")
        )


def validate_mapped(
    network: BooleanNetwork,
    mapping: ModelMapping,
    semantics: Semantics = "asynchronous",
    *,
    cases: Sequence[EvidenceCase] = EVIDENCE_CASES,
    reference: BooleanNetwork | None = None,
    budget: Budget | None = None,
    progress: Callable[[EvidenceCase], None] | None = None,
) -> MappedValidationReport:
    """Run the evidence table on a published model through its mapping.

    Parameters
    ----------
    network : BooleanNetwork
        The published model.
    mapping : ModelMapping
        Its mapping (:func:`load_mapping`).
    semantics : {"asynchronous", "synchronous", "most_permissive"}
        The update semantics.
    cases : sequence of EvidenceCase
        The cases (default: the whole table).
    reference : BooleanNetwork, optional
        Our model whose phenotype declarations and registry tags read the attractors
        (default: the bundled flagship).
    budget : Budget, optional
        Bounds on each attractor search (default 120 s): a case over it is ``timeout``.
    progress : callable, optional
        Called with each case before it runs.

    Returns
    -------
    MappedValidationReport
        Pass / fail / not applicable / timeout per case.

    Raises
    ------
    MappingError
        The mapping names a node the model lacks (file and line of the entry).
    """
    model = MappedModel(network, mapping, reference=reference, budget=budget)
    results = []
    for case in cases:
        if progress:
            progress(case)
        results.append(evaluate_mapped_case(case, model, semantics))
    return MappedValidationReport(
        network.name, mapping.name, semantics, tuple(results), tuple(cases)
    )


def describe_mapping(mapping: ModelMapping) -> Iterable[str]:
    """Lines describing a mapping (one per entry, with its justification)."""
    for e in mapping.entries:
        effect = ", ".join(f"{k}={int(v)}" for k, v in e.effects) or e.status
        yield f"{e.kind} {e.name}: {effect} ({e.why})"
    for n in (*mapping.nodes, *mapping.readouts):
        yield f"{n.name} = {to_string(n.expression)} ({n.why})"


__all__ = [
    "PER_SETTING_CHECKS",
    "MappedAttractor",
    "MappedCaseResult",
    "MappedExpression",
    "MappedModel",
    "MappedValidationReport",
    "MappingEntry",
    "MappingError",
    "ModelMapping",
    "NotApplicable",
    "Resolution",
    "bundled_mappings",
    "describe_mapping",
    "evaluate_mapped_case",
    "load_mapping",
    "mappings_dir",
    "parse_mapping",
    "read_mapping",
    "validate_mapped",
]
