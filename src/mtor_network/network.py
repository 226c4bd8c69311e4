"""The immutable Boolean network: nodes, update rules with their references, and its registry
of named perturbations (drugs, genotypes, environments)."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from .exceptions import (
    AmbiguousNameError,
    ModelFileError,
    ModelWarning,
    UnknownNameError,
    UnknownNodeError,
)
from .expressions import (
    as_expr,
    is_valid_name,
    parse_expression,
    signed_regulators,
    to_string,
    variables,
)
from .types import Const, Expr, Not, Var

if TYPE_CHECKING:
    import networkx as nx

    from .perturbations import Perturbation

NodeKind = Literal["input", "internal", "output"]


@dataclass(frozen=True)
class Reference:
    """A literature reference: a citation, its identifiers, and its number in the source review."""

    key: str
    citation: str
    doi: str | None = None
    pmid: str | None = None
    review: int | None = None

    @property
    def url(self) -> str | None:
        """A resolvable link (DOI preferred, else PubMed), or None."""
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "citation": self.citation,
            "doi": self.doi,
            "pmid": self.pmid,
            "review": self.review,
            "url": self.url,
        }


@dataclass(frozen=True)
class Node:
    """A node: a ``name`` valid in every format and a display ``label``; ``position`` is the
    (x, y) a model file drew it at (GINsim), or None."""

    name: str
    label: str = ""
    description: str = ""
    module: str = ""
    kind: NodeKind = "internal"
    position: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        if not self.label:
            object.__setattr__(self, "label", self.name)


@dataclass(frozen=True)
class Rule:
    """The update function of one node, with its justification and references."""

    target: str
    expression: Expr
    justification: str = ""
    references: tuple[str, ...] = ()
    line: int | None = None

    def __post_init__(self) -> None:
        expression: object = self.expression
        if isinstance(expression, str):
            expression = parse_expression(expression, line=self.line, target=self.target)
        elif not isinstance(expression, tuple | list):
            raise TypeError(
                f"the rule of {self.target!r} must be an expression or rule text, not "
                f"{type(expression).__name__}"
            )
        typed = as_expr(expression)
        if typed is not self.expression:
            object.__setattr__(self, "expression", typed)
        if not isinstance(self.references, tuple):
            object.__setattr__(self, "references", tuple(self.references))

    @property
    def text(self) -> str:
        """The rule in BNet syntax."""
        return to_string(self.expression)

    @property
    def regulators(self) -> dict[str, str]:
        """Regulator name -> sign (``+``, ``-`` or ``?``)."""
        return signed_regulators(self.expression)


@dataclass(frozen=True)
class PhenotypeMarkers:
    """The output nodes that define phenotypes (None where the model has no such node)."""

    proliferation: str | None = None
    apoptosis: str | None = None


def _frozen(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True, eq=False)
class BooleanNetwork:
    """An immutable Boolean network.

    Build one with :func:`mtor_network.load_network` or :meth:`BooleanNetwork.create`;
    perturb it with :meth:`perturb` (which returns a new network and records what was applied).
    """

    name: str
    nodes: tuple[Node, ...]
    rules: Mapping[str, Rule]
    references: Mapping[str, Reference] = field(default_factory=dict)
    version: str = ""
    title: str = ""
    description: str = ""
    phenotypes: PhenotypeMarkers = PhenotypeMarkers()
    drugs: Mapping[str, Perturbation] = field(default_factory=dict)
    genotypes: Mapping[str, Perturbation] = field(default_factory=dict)
    environments: Mapping[str, Perturbation] = field(default_factory=dict)
    perturbations: tuple[Perturbation, ...] = ()
    source: str | None = None
    unperturbed: BooleanNetwork | None = field(default=None, repr=False)

    # ---- construction -------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        name: str,
        rules: Mapping[str, Expr | str] | Iterable[Rule],
        *,
        nodes: Iterable[Node] | None = None,
        file: str | None = None,
        implicit_inputs: bool = False,
        **metadata: Any,
    ) -> BooleanNetwork:
        """Build and validate a network.

        ``rules`` maps node names to expressions or to rule text in BNet syntax, or is an
        iterable of :class:`Rule`. Every regulator must have a rule of its own; with
        ``implicit_inputs`` (the BNet convention of PyBoolNet and AEON) a regulator without a
        rule becomes an input ``x, x`` and a :class:`ModelWarning` names it.
        """
        if not isinstance(name, str):
            raise TypeError(f"name must be a str, not {type(name).__name__}")
        if isinstance(rules, Mapping):
            rule_list = [
                Rule(target, _rule_expression(expr, target)) for target, expr in rules.items()
            ]
        elif isinstance(rules, str | bytes) or not isinstance(rules, Iterable):
            raise TypeError(
                "rules must be a mapping of node -> expression or an iterable of Rule, not "
                f"{type(rules).__name__} (to read rule text use parse_bnet or read_network)"
            )
        else:
            rule_list = list(rules)
        for rule in rule_list:
            if not isinstance(rule, Rule):
                raise TypeError(f"rules must hold Rule objects, not {type(rule).__name__}")
            if not isinstance(rule.target, str):
                raise TypeError(f"node names must be str, not {type(rule.target).__name__}")
        if nodes is not None:
            if isinstance(nodes, str | bytes) or not isinstance(nodes, Iterable):
                raise TypeError(f"nodes must be an iterable of Node, not {type(nodes).__name__}")
            nodes = list(nodes)
            for n in nodes:
                if not isinstance(n, Node):
                    raise TypeError(f"nodes must hold Node objects, not {type(n).__name__}")
        by_target: dict[str, Rule] = {}
        for rule in rule_list:
            if not is_valid_name(rule.target):
                raise ModelFileError(
                    f"invalid node name {rule.target!r} (use letters, digits and '_', "
                    "not starting with a digit)",
                    file=file,
                    line=rule.line,
                )
            if rule.target in by_target:
                first = by_target[rule.target].line
                extra = f" (first defined on line {first})" if first else ""
                raise ModelFileError(
                    f"duplicate rule for {rule.target!r}{extra}", file=file, line=rule.line
                )
            by_target[rule.target] = rule
        if not by_target:
            raise ModelFileError("the model defines no nodes", file=file)
        for rule in list(by_target.values()):
            for reg in sorted(variables(rule.expression)):
                if reg not in by_target and implicit_inputs:
                    warnings.warn(
                        ModelWarning(
                            f"{file or '<text>'}, line {rule.line}: {reg!r} (read by the rule of "
                            f"{rule.target!r}) has no rule; it is taken as an input '{reg}, {reg}'"
                        ),
                        stacklevel=2,
                    )
                    by_target[reg] = Rule(reg, Var(reg), justification="implicit input")
                elif reg not in by_target:
                    raise ModelFileError(
                        f"rule of {rule.target!r} reads {reg!r}, which has no rule of its own "
                        f"(declare it, e.g. as an input '{reg}, {reg}')."
                        f"{_close(reg, by_target)}",
                        file=file,
                        line=rule.line,
                    )
        node_map = {n.name: n for n in (nodes or [])}
        for extra in node_map:
            if extra not in by_target:
                raise ModelFileError(f"node {extra!r} has no rule", file=file)
        ordered = [node_map.get(t) or Node(t, kind=_kind(t, by_target)) for t in by_target]
        references = metadata.pop("references", {})
        fields: dict[str, Any] = {
            k: (_frozen(v) if k in {"drugs", "genotypes", "environments"} else v)
            for k, v in metadata.items()
        }
        network = cls(
            name=name,
            nodes=tuple(ordered),
            rules=_frozen(by_target),
            references=_frozen(references),
            source=file,
            **fields,
        )
        if network.phenotypes == PhenotypeMarkers():
            network = replace(network, phenotypes=_guess_markers(network.node_names))
        return network

    @classmethod
    def from_rules(
        cls,
        rules: Mapping[str, str | Expr],
        *,
        name: str = "model",
        implicit_inputs: bool = False,
        **metadata: Any,
    ) -> BooleanNetwork:
        """A network from rule texts in BNet syntax (or expressions), node by node.

        Parameters
        ----------
        rules
            Node name -> rule, e.g. ``{"A": "!B", "B": "A & C", "C": "C"}``.
        name
            The network's name.
        implicit_inputs
            A regulator without a rule becomes an input ``x, x`` (with a warning) instead of
            an error.
        **metadata
            Further fields (``title``, ``description``, ``references``, ``drugs``, ...).

        Returns
        -------
        BooleanNetwork
            The validated network.

        Raises
        ------
        RuleSyntaxError
            A rule is not a BNet expression (names the node and the column).
        ModelFileError
            A rule reads a node without a rule, or a name is invalid.
        """
        if not isinstance(rules, Mapping):
            raise TypeError(f"rules must be a mapping of node -> rule, not {type(rules).__name__}")
        return cls.create(name, rules, implicit_inputs=implicit_inputs, **metadata)

    def to_dict(self) -> dict[str, Any]:
        """This network as JSON-ready data (see :func:`network_to_dict`)."""
        return network_to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BooleanNetwork:
        """The network of :meth:`to_dict` data (see :func:`network_from_dict`)."""
        return network_from_dict(data)

    # ---- queries ------------------------------------------------------------------------
    @property
    def node_names(self) -> tuple[str, ...]:
        """Node names in model order."""
        return tuple(n.name for n in self.nodes)

    def __len__(self) -> int:
        return len(self.nodes)

    def __iter__(self) -> Iterator[Node]:
        return iter(self.nodes)

    def __contains__(self, name: object) -> bool:
        return name in self.rules

    def node(self, name: str) -> Node:
        """The node called ``name``; raises :class:`UnknownNodeError` with suggestions."""
        if not isinstance(name, str):
            raise TypeError(f"node name must be a str, not {type(name).__name__}")
        for n in self.nodes:
            if n.name == name:
                return n
        raise UnknownNodeError(name, self.node_names)

    def resolve_node(self, name: str) -> str:
        """The node called ``name``, or else the one node whose name (ignoring case) or label
        (ignoring case) is ``name``.

        Parameters
        ----------
        name
            A node name or label, e.g. ``"AKT"``, ``"akt"`` or ``"4E-BP1"``.

        Returns
        -------
        str
            The node's name.

        Raises
        ------
        AmbiguousNameError
            No node is called exactly ``name`` and several match it; lists them.
        UnknownNodeError
            No node matches; suggests close names.
        """
        if not isinstance(name, str):
            raise TypeError(f"node name must be a str, not {type(name).__name__}")
        found = resolve_name(name, ((n.name, (n.label,)) for n in self.nodes), "node")
        if found is None:
            raise UnknownNodeError(name, self.node_names)
        return found

    def rule(self, name: str) -> Rule:
        """The update rule of ``name``."""
        if not isinstance(name, str):
            raise TypeError(f"node name must be a str, not {type(name).__name__}")
        try:
            return self.rules[name]
        except KeyError:
            raise UnknownNodeError(name, self.node_names) from None

    @property
    def inputs(self) -> tuple[str, ...]:
        """Nodes declared as inputs (environment), or with a constant or identity rule."""
        return tuple(n.name for n in self.nodes if n.kind == "input")

    def regulatory_graph(self) -> nx.DiGraph:
        """The signed regulatory graph (edge attribute ``sign``: ``+``, ``-``, ``?``)."""
        import networkx as nx

        graph = nx.DiGraph()
        for n in self.nodes:
            graph.add_node(n.name, label=n.label, module=n.module, kind=n.kind)
        for target, rule in self.rules.items():
            for reg, sign in rule.regulators.items():
                graph.add_edge(reg, target, sign=sign)
        return graph

    def registry(self) -> dict[str, Perturbation]:
        """Every named perturbation of the model (drugs, genotypes, environments) by name."""
        return {**self.environments, **self.genotypes, **self.drugs}

    def named_perturbation(self, name: str) -> Perturbation:
        """A registered drug, genotype or environment by name.

        The one called exactly ``name`` wins; otherwise the one whose name matches ignoring
        case, surrounding spaces and ``-``/``_``/space differences (see :func:`resolve_name`).

        Parameters
        ----------
        name
            E.g. ``"alpelisib"``, ``"pten_loss"``, ``"PTEN loss"``.

        Returns
        -------
        Perturbation
            The registered perturbation.

        Raises
        ------
        AmbiguousNameError
            Several registered names match and none exactly (also across drugs, genotypes and
            environments).
        UnknownNameError
            No registered name matches; suggests close ones.
        """
        if not isinstance(name, str):
            raise TypeError(f"name must be a str, not {type(name).__name__}")
        registries = (
            ("environment", self.environments),
            ("genotype", self.genotypes),
            ("drug", self.drugs),
        )
        entries = [(f"{kind} {key}", key) for kind, reg in registries for key in reg]
        exact = [tag for tag, key in entries if key == name]
        loose = [tag for tag, key in entries if registry_key(key) == registry_key(name)]
        for level in (exact, loose):
            if len(level) > 1:
                raise AmbiguousNameError("drug, genotype or environment", name, level)
            if level:
                kind, key = level[0].split(" ", 1)
                return dict(registries)[kind][key]
        raise UnknownNameError("drug, genotype or environment", name, self.registry())

    # ---- perturbation -------------------------------------------------------------------
    def perturb(self, *perturbations: Perturbation) -> BooleanNetwork:
        """A new network with ``perturbations`` added to those already applied.

        Parameters
        ----------
        *perturbations
            :class:`~mtor_network.perturbations.Perturbation` objects (``network.drugs[...]``,
            ``knockout("AKT")``) or :class:`~mtor_network.perturbations.Scenario` objects.

        Returns
        -------
        BooleanNetwork
            The perturbed network; this one is unchanged.

        Raises
        ------
        TypeError
            An argument is not a perturbation (e.g. a bare name ``"AKT"``).
        """
        from .perturbations import Perturbation, Scenario

        items: list[Perturbation] = []
        for p in perturbations:
            if isinstance(p, Scenario):
                items.extend(p.perturbations)
            elif isinstance(p, Perturbation):
                items.append(p)
            else:
                hint = (
                    f" (use knockout({p!r}), overexpress({p!r}) or "
                    f"network.named_perturbation({p!r}))"
                    if isinstance(p, str)
                    else ""
                )
                raise TypeError(
                    f"perturb() takes Perturbation or Scenario objects, not "
                    f"{type(p).__name__}{hint}"
                )
        return Scenario(self.perturbations + tuple(items)).apply(self.base)

    @property
    def base(self) -> BooleanNetwork:
        """The network before any perturbation."""
        return self.unperturbed or self

    def _repr_html_(self) -> str:
        """The network as an HTML table (Jupyter displays it)."""
        from ._html import network_html

        return network_html(self)

    @cached_property
    def digest(self) -> str:
        """A short content hash (SHA-256, 16 hex digits) of the update rules before any
        perturbation: two files with the same rules under the same names share it, so tables can
        say which model produced them."""
        if self.unperturbed is not None:
            return self.unperturbed.digest  # computed once, on the network before perturbation
        import hashlib

        base = self.base
        text = "\n".join(f"{n}, {to_string(base.rules[n].expression)}" for n in sorted(base.rules))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def to_bnet(self) -> str:
        """The rules in BNet format, one aligned rule per line under a provenance comment
        (what :func:`mtor_network.io.bnet.to_bnet` writes)."""
        lines = [f"# {self.name} {self.version}".rstrip()]
        if self.perturbations:
            applied = ", ".join(p.describe() for p in self.perturbations)
            lines.append(f"# perturbations: {applied}")
        lines.append("targets, factors")
        width = max(len(n) for n in self.node_names)
        for name in self.node_names:
            lines.append(f"{name + ',':<{width + 1}} {to_string(self.rules[name].expression)}")
        return "\n".join(lines) + "\n"


def registry_key(name: str) -> str:
    """``name`` as registry names are compared: no surrounding spaces, lower case, and ``-`` and
    spaces read as ``_`` (``"PTEN loss"``, ``"pten-loss"`` and ``"pten_loss"`` are alike)."""
    return name.strip().lower().replace("-", "_").replace(" ", "_")


def _node_key(name: str) -> str:
    return name.strip().lower()


def resolve_name(
    query: str,
    entries: Iterable[tuple[str, Iterable[str]]],
    kind: str,
    *,
    key: Callable[[str], str] = _node_key,
) -> str | None:
    """The one name among ``entries`` that ``query`` means, or None if none matches.

    An entry called exactly ``query`` wins. Otherwise the entries whose name or one of whose
    aliases (labels) equal ``query`` after ``key`` (default: strip and lower-case) are the
    candidates: one is the answer, several are an :class:`AmbiguousNameError` listing them.

    Parameters
    ----------
    query
        The name asked for.
    entries
        ``(name, aliases)`` pairs.
    kind
        What is named ("node", "drug", ...), for the error message.
    key
        How names are compared when none is exact.

    Returns
    -------
    str or None
        The matching entry's name.
    """
    pairs = [(name, tuple(aliases)) for name, aliases in entries]
    if any(name == query for name, _ in pairs):
        return query
    wanted = key(query)
    matches = sorted(
        {name for name, aliases in pairs if any(key(a) == wanted for a in (name, *aliases))}
    )
    if len(matches) > 1:
        raise AmbiguousNameError(kind, query, matches)
    return matches[0] if matches else None


def _close(name: str, pool: Iterable[str]) -> str:
    from .exceptions import suggest

    return suggest(name, pool)


def _rule_expression(expr: Expr | str, target: object) -> Expr:
    """``expr``, or the expression of rule text (BNet syntax) naming ``target`` in errors."""
    if isinstance(expr, str):
        return parse_expression(expr, target=target if isinstance(target, str) else None)
    return expr


def _kind(target: str, rules: Mapping[str, Rule]) -> NodeKind:
    expr = rules[target].expression
    if isinstance(expr, Const) or expr == Var(target):
        return "input"
    return "internal"


def _guess_markers(names: Iterable[str]) -> PhenotypeMarkers:
    lowered = {n.lower(): n for n in names}
    return PhenotypeMarkers(
        proliferation=lowered.get("proliferation"), apoptosis=lowered.get("apoptosis")
    )


# ---- the dict form ----------------------------------------------------------------------------
SCHEMA = "mtor_network.network"
SCHEMA_VERSION = 1
"""The version of the dict form written by :func:`network_to_dict` (read back by
:func:`network_from_dict`, which refuses other versions)."""

_REGISTRIES = ("drugs", "genotypes", "environments")


def expression_to_data(expr: Expr) -> list[Any]:
    """An expression as nested JSON lists (``["not", ["var", "A"]]``)."""
    if isinstance(expr, Var | Const):
        return [expr[0], expr[1]]
    if isinstance(expr, Not):
        return ["not", expression_to_data(expr[1])]
    return [expr[0], [expression_to_data(e) for e in expr[1]]]


def _perturbation_to_data(p: Perturbation) -> dict[str, Any]:
    import dataclasses

    out: dict[str, Any] = {}
    for f in dataclasses.fields(p):
        value = getattr(p, f.name)
        if f.name == "effects":
            value = {node: int(v) for node, v in value}
        elif isinstance(value, frozenset | set):
            value = sorted(value)
        elif isinstance(value, tuple):
            value = list(value)
        out[f.name] = value
    return out


def _perturbation_from_data(data: Any, where: str) -> Perturbation:
    import dataclasses

    from .perturbations import Perturbation

    if not isinstance(data, Mapping) or not isinstance(data.get("effects"), Mapping):
        raise ValueError(f"{where}: a perturbation needs 'name', 'kind' and 'effects'")
    known = {f.name: f for f in dataclasses.fields(Perturbation)}
    fields: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            continue  # a field of a newer version: ignored
        if key == "effects":
            value = tuple((str(node), bool(v)) for node, v in value.items())
        elif key == "tags" or (key == "yields_to" and value is not None):
            value = frozenset(value)
        elif isinstance(value, list):
            value = tuple(value)
        fields[key] = value
    return Perturbation(**fields)


def network_to_dict(network: BooleanNetwork, *, metadata: bool = True) -> dict[str, Any]:
    """The network as JSON-ready data, with a schema version (as cobrapy's ``model_to_dict``).

    Parameters
    ----------
    network
        The network.
    metadata
        Everything the network holds (default): nodes with labels, descriptions, modules and
        kinds; rules with justifications, references and lines; references; the registries of
        drugs, genotypes and environments; phenotype markers; the perturbations applied (with
        the network before them). ``False`` keeps the nodes and rules only (a worker's job).

    Returns
    -------
    dict
        ``{"schema": "mtor_network.network", "version": 1, "name": ..., "nodes": [...],
        "rules": [...], ...}``; rules are expression trees as nested lists.
    """
    if not isinstance(network, BooleanNetwork):
        raise TypeError(f"network must be a BooleanNetwork, not {type(network).__name__}")
    rules: list[dict[str, Any]] = [
        {"target": n, "expression": expression_to_data(network.rules[n].expression)}
        for n in network.node_names
    ]
    data: dict[str, Any] = {"schema": SCHEMA, "version": SCHEMA_VERSION, "name": network.name}
    if not metadata:
        data["nodes"] = [{"name": n} for n in network.node_names]
        data["rules"] = rules
        return data
    import dataclasses

    for rule, name in zip(rules, network.node_names, strict=True):
        r = network.rules[name]
        rule.update(justification=r.justification, references=list(r.references), line=r.line)
    data.update(
        model_version=network.version,
        title=network.title,
        description=network.description,
        source=network.source,
        nodes=[
            {k: v for k, v in dataclasses.asdict(n).items() if k != "position" or v is not None}
            for n in network.nodes
        ],
        rules=rules,
        references=[
            {k: v for k, v in ref.to_dict().items() if k != "url"}
            for ref in network.references.values()
        ],
        phenotypes=_phenotypes_to_data(network.phenotypes),
    )
    for registry in _REGISTRIES:
        entries = getattr(network, registry)
        data[registry] = [_perturbation_to_data(p) for p in entries.values()]
    if network.perturbations:
        data["perturbations"] = [_perturbation_to_data(p) for p in network.perturbations]
        data["unperturbed"] = network_to_dict(network.base)
    return data


def _position(value: object, name: str) -> tuple[float, float]:
    """A node position from a dict: two finite numbers."""
    if (
        isinstance(value, (list, tuple))
        and len(value) == 2
        and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            for v in value
        )
    ):
        return (float(value[0]), float(value[1]))
    raise ValueError(f"the position of node {name!r} is not two finite numbers")


def network_from_dict(data: Mapping[str, Any]) -> BooleanNetwork:
    """The network of :func:`network_to_dict` data, validated like any other network.

    Parameters
    ----------
    data
        The dict (e.g. read from JSON).

    Returns
    -------
    BooleanNetwork
        The network; a network with perturbations applied is rebuilt by applying them to the
        network before them.

    Raises
    ------
    ValueError
        Not the dict form of a network, or another schema version.
    ModelFileError
        The rules do not make a valid network (an unknown regulator, an invalid name).
    """
    if not isinstance(data, Mapping) or data.get("schema") != SCHEMA:
        raise ValueError(f"not a network dict (expected 'schema': {SCHEMA!r})")
    if data.get("version") != SCHEMA_VERSION:
        raise ValueError(
            f"network dict version {data.get('version')!r}; this version reads {SCHEMA_VERSION}"
        )
    if "unperturbed" in data:
        from .perturbations import Scenario

        base = network_from_dict(data["unperturbed"])
        applied = [_perturbation_from_data(p, "perturbations") for p in data["perturbations"]]
        return Scenario(tuple(applied)).apply(base)
    name = data.get("name")
    raw_nodes, raw_rules = data.get("nodes"), data.get("rules")
    if not isinstance(name, str) or not isinstance(raw_nodes, list):
        raise ValueError("a network dict needs a 'name' and a list of 'nodes'")
    if not isinstance(raw_rules, list) or len(raw_rules) != len(raw_nodes):
        raise ValueError("a network dict needs as many 'rules' as 'nodes'")
    nodes: list[Node] = []
    for entry in raw_nodes:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
            raise ValueError(f"not a node: {str(entry)[:80]}")
        if not is_valid_name(entry["name"]):
            raise ValueError(f"not a node name: {str(entry['name'])[:80]}")
        fields = {k: entry[k] for k in ("label", "description", "module", "kind") if k in entry}
        if entry.get("position") is not None:
            fields["position"] = _position(entry["position"], entry["name"])
        nodes.append(Node(entry["name"], **fields))
    rules: list[Rule] = []
    for entry in raw_rules:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("target"), str):
            raise ValueError(f"not a rule: {str(entry)[:80]}")
        try:
            expression = as_expr(entry.get("expression"))
        except TypeError as exc:
            raise ValueError(f"rule of {entry['target']!r}: {exc}") from None
        rules.append(
            Rule(
                entry["target"],
                expression,
                justification=str(entry.get("justification", "")),
                references=tuple(entry.get("references", ())),
                line=entry.get("line"),
            )
        )
    if [r.target for r in rules] != [n.name for n in nodes]:
        raise ValueError("the rules of a network dict must follow its nodes")
    metadata: dict[str, Any] = {}
    if "references" in data:
        metadata["references"] = {r["key"]: Reference(**r) for r in data["references"]}
    for key, field_name in (("model_version", "version"), ("title", "title")):
        if key in data:
            metadata[field_name] = data[key]
    if "description" in data:
        metadata["description"] = data["description"]
    if "phenotypes" in data:
        metadata["phenotypes"] = _phenotypes_from_data(data["phenotypes"])
    for registry in _REGISTRIES:
        if registry in data:
            metadata[registry] = {
                p.name: p for p in (_perturbation_from_data(e, registry) for e in data[registry])
            }
    network = BooleanNetwork.create(name, rules, nodes=nodes, **metadata)
    if data.get("source") is not None:
        network = replace(network, source=data["source"])
    return network


def _phenotypes_to_data(markers: PhenotypeMarkers) -> dict[str, Any]:
    """The phenotype declarations: marker fields, and the roles, classes and resistance rules
    of a model file's declarations (:class:`mtor_network.phenotypes.PhenotypeSpec`)."""
    data: dict[str, Any] = {"proliferation": markers.proliferation, "apoptosis": markers.apoptosis}
    roles = getattr(markers, "roles", None)
    if roles is not None:
        classes = getattr(markers, "classes", None)
        resistance = getattr(markers, "resistance", None)
        data["roles"] = [list(pair) for pair in roles]
        data["classes"] = None if classes is None else [list(pair) for pair in classes]
        data["resistance"] = None if resistance is None else [r.to_dict() for r in resistance]
        data["sustained"] = list(getattr(markers, "sustained", ()))
    return data


def _phenotypes_from_data(data: Any) -> PhenotypeMarkers:
    if not isinstance(data, Mapping):
        raise ValueError("'phenotypes' must be an object")
    markers = {"proliferation": data.get("proliferation"), "apoptosis": data.get("apoptosis")}
    if "roles" not in data:
        return PhenotypeMarkers(**markers)
    from .phenotypes import PhenotypeSpec, ResistanceRule

    classes, resistance = data.get("classes"), data.get("resistance")
    return PhenotypeSpec(
        **markers,
        roles=tuple((str(r), str(n)) for r, n in data["roles"]),
        classes=None if classes is None else tuple((str(p), str(r)) for p, r in classes),
        resistance=None if resistance is None else tuple(ResistanceRule(**r) for r in resistance),
        sustained=tuple(str(r) for r in data.get("sustained", ())),
    )
