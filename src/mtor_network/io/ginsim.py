"""GINsim models: ``.zginml`` (a zip archive holding ``GINsim-data/regulatoryGraph.ginml``, and
the stored perturbations in ``GINsim-data/mutant``) and plain ``.ginml`` XML. Read only.

What is read, following GINsim's own parser (``RegulatoryParser``, ``PerturbationParser``):

- ``<node id= maxvalue= basevalue= input= name=>``: ``name`` becomes the label, an
  ``<annotation><comment>`` the description;
- ``<edge id= from= to= minvalue= maxvalue= sign=>`` (or the older ``effects="min:sign ..."``):
  an interaction is active while its source's level lies in ``[minvalue, maxvalue]``, where a
  missing ``maxvalue`` runs up to the next threshold of the same source on the same target (or
  the source's maximum);
- logical parameters ``<parameter idActiveInteractions="e1 e2" val="k"/>``: the node's target
  level is ``k`` when exactly those interactions are active, 0 when no parameter matches;
  ``basevalue`` is the parameter of the empty set (GINsim adds it as such);
- logical functions ``<value val="k"><exp str="A & !B:2"/></value>`` (GINsim's syntax: ``!``,
  ``&``, ``|``, parentheses; ``A:t`` is A's interaction of threshold ``t``, or ``level >= t``
  where there is none; bare ``A`` is ``level >= `` A's lowest threshold on this node); when the
  expressions of several values hold, the highest value is taken;
- a node without regulators keeps its ``basevalue`` (a constant), unless it is marked
  ``input="true"``, which makes it an input ``x, x``;
- ``<mutant name=><change target= min= max=/></mutant>``: registered as genotype perturbations
  ``{slug: Perturbation.of(slug, "genotype", {...}, label=name)}``.

Multi-valued nodes (``maxvalue`` > 1) are booleanised into threshold variables as in
:mod:`mtor_network.io.sbml` (``X`` = level >= 1, ``X_2`` = level >= 2, ...; fixed points are
preserved exactly) with a :class:`ModelWarning` naming them; a perturbation fixing a range
``[min, max]`` fixes each threshold variable it determines.

Safety: XML is parsed with :mod:`xml.etree.ElementTree` (expat, which neither fetches external
DTDs nor expands external entities); a document type declaration is accepted only as GINsim writes
it (an external DTD reference) and entity declarations or internal DTD subsets are refused; zip
archives are capped in member count and uncompressed member size, and encrypted or corrupt
members are refused (:mod:`mtor_network.io._zip`, shared with MaBoSS archives).
"""

from __future__ import annotations

import math
import re
import warnings
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .._files import read_bytes
from ..exceptions import ModelFileError, ModelWarning, RuleSyntaxError
from ..expressions import TRUE, Expr, and_, not_, or_, parse_expression, simplify, var
from ..network import BooleanNetwork, Node, NodeKind, Rule
from ..perturbations import Perturbation
from . import _multivalued as mv
from ._source import read_file
from ._xml import MAX_XML_DEPTH, check_xml_prolog, check_xml_structure, parse_xml
from ._zip import open_zip, read_member, shown_name

GRAPH_MEMBER = "GINsim-data/regulatoryGraph.ginml"
MUTANT_MEMBERS = ("GINsim-data/mutant", "GINsim-data/mutant.xml")
MAX_ZIP_MEMBERS = 200
LEVEL_OFFSET = 40.0
"""How far below a multi-valued node (in GINsim's pixels) each of its further levels
``X_2``, ``X_3`` ... is placed."""
MAX_MEMBER_BYTES = 50 * 1024 * 1024


# ---------------------------------------------------------------------------------------------
# the regulatory graph
# ---------------------------------------------------------------------------------------------
@dataclass
class _Interaction:
    id: str
    source: str
    target: str
    min: int
    max: int | None  # None: up to the next threshold (or the source's maximum)
    sign: str = ""


@dataclass
class _GNode:
    id: str
    max: int
    base: int
    input: bool
    label: str
    description: str
    parameters: list[tuple[int, list[str]]] = field(default_factory=list)
    values: list[tuple[int, str]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    position: tuple[float, float] | None = None


def _position(element: ET.Element) -> tuple[float, float] | None:
    """Where GINsim drew the node: ``<nodevisualsetting x= y=>`` (GINsim 3) or its
    ``<rect|ellipse x= y=>`` child (older files); None when absent or not finite numbers
    (a position only places the node in a picture)."""
    setting = element.find("nodevisualsetting")
    if setting is None:
        return None
    for candidate in (setting, *setting):
        x, y = candidate.get("x"), candidate.get("y")
        if x is None or y is None:
            continue
        try:
            point = (float(x), float(y))
        except ValueError:
            return None
        return point if all(math.isfinite(v) for v in point) else None
    return None


def _int(value: str | None, default: int, what: str, file: str | None) -> int:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ModelFileError(f"{what}: expected an integer, found {value!r}", file=file) from None


class _Graph:
    def __init__(self, root: ET.Element, file: str | None) -> None:
        self.file = file
        graph = root if root.tag == "graph" else root.find("graph")
        if graph is None:
            raise ModelFileError(
                f"not a GINsim regulatory graph: root <{root.tag}> has no <graph>", file=file
            )
        cls = graph.get("class")
        if cls not in (None, "regulatory"):
            raise ModelFileError(
                f"not a regulatory graph (class={cls!r}); only regulatory graphs can be read",
                file=file,
            )
        self.id = graph.get("id") or ""
        self.order = (graph.get("nodeorder") or "").split()
        annotation = graph.find("annotation/comment")
        self.description = (
            " ".join((annotation.text or "").split()) if annotation is not None else ""
        )
        self.nodes: dict[str, _GNode] = {}
        for element in graph.findall("node"):
            self._node(element)
        self.interactions: dict[str, _Interaction] = {}
        for element in graph.findall("edge"):
            self._edge(element)
        if not self.nodes:
            raise ModelFileError("the GINsim graph has no nodes", file=file)
        self._booleanise_names()

    def _node(self, element: ET.Element) -> None:
        nid = element.get("id")
        if not nid:
            raise ModelFileError("a <node> without id", file=self.file)
        if nid in self.nodes:
            raise ModelFileError(f"duplicate node {nid!r}", file=self.file)
        comment = element.find("annotation/comment")
        if _int(element.get("maxvalue"), 1, f"maxvalue of {nid!r}", self.file) > mv.MAX_LEVEL:
            raise ModelFileError(
                f"node {nid!r}: maxvalue {element.get('maxvalue')} is above {mv.MAX_LEVEL} (each "
                "level becomes a Boolean variable)",
                file=self.file,
            )
        node = _GNode(
            id=nid,
            max=max(1, _int(element.get("maxvalue"), 1, f"maxvalue of {nid!r}", self.file)),
            base=_int(element.get("basevalue"), 0, f"basevalue of {nid!r}", self.file),
            input=(element.get("input") or "").lower() in ("true", "1"),
            label=element.get("name") or "",
            description=" ".join((comment.text or "").split()) if comment is not None else "",
            position=_position(element),
        )
        for parameter in element.findall("parameter"):
            val = _int(parameter.get("val"), 0, f"parameter value of {nid!r}", self.file)
            ids = (parameter.get("idActiveInteractions") or "").split()
            node.parameters.append((val, ids))
        for value in element.findall("value"):
            val = _int(value.get("val"), 0, f"function value of {nid!r}", self.file)
            for exp in value.findall("exp"):
                node.values.append((val, exp.get("str") or ""))
        self.nodes[nid] = node

    def _edge(self, element: ET.Element) -> None:
        source, target, eid = element.get("from"), element.get("to"), element.get("id") or ""
        for end in (source, target):
            if end not in self.nodes:
                raise ModelFileError(f"edge {eid!r} names unknown node {end!r}", file=self.file)
        assert source is not None and target is not None
        effects = element.get("effects")
        if effects:
            for item in effects.split():
                threshold, _, sign = item.partition(":")
                low = _int(threshold, 1, f"threshold of edge {eid!r}", self.file)
                key = f"{eid}:{low}"
                self.interactions[key] = _Interaction(key, source, target, low, None, sign)
            return
        low = _int(element.get("minvalue"), 1, f"minvalue of edge {eid!r}", self.file)
        raw_max = element.get("maxvalue") or ""
        high = None if raw_max in ("", "-1") or raw_max.startswith("m") else int(raw_max)
        self.interactions[eid] = _Interaction(
            eid, source, target, low, high, element.get("sign") or ""
        )

    def _booleanise_names(self) -> None:
        names = mv.threshold_names({n.id: n.max for n in self.nodes.values()})
        for node in self.nodes.values():
            node.names = names[node.id]

    # ---- levels as Boolean expressions ------------------------------------------------------
    def at_least(self, nid: str, level: int) -> Expr:
        return mv.at_least(self.nodes[nid].names, level)

    def in_range(self, nid: str, low: int, high: int) -> Expr:
        return mv.in_range(self.nodes[nid].names, low, high)

    def incoming(self, target: str) -> list[_Interaction]:
        return [i for i in self.interactions.values() if i.target == target]

    def active(self, interaction: _Interaction) -> Expr:
        high = interaction.max
        if high is None:
            higher = [
                i.min
                for i in self.incoming(interaction.target)
                if i.source == interaction.source and i.min > interaction.min
            ]
            high = min(higher) - 1 if higher else self.nodes[interaction.source].max
        return self.in_range(interaction.source, interaction.min, high)

    # ---- logical functions ------------------------------------------------------------------
    def level_conditions(self, nid: str) -> list[tuple[int, Expr]]:
        """``(value, condition)`` pairs: the node's target level is the highest value whose
        condition holds, 0 if none does."""
        node = self.nodes[nid]
        incoming = self.incoming(nid)
        if not incoming:
            # GINsim: the parameter of the empty set of interactions (``<parameter val="1"/>``)
            # is the node's level; without one, its base value
            empty = [val for val, ids in node.parameters if not ids]
            return [(max(empty) if empty else node.base, TRUE)]
        pairs: list[tuple[int, Expr]] = []
        by_id = {i.id: i for i in incoming}
        if node.values:
            for val, text in node.values:
                pairs.append((val, self.expression(text, nid, incoming)))
        parameters = list(node.parameters)
        if node.base and not any(not ids for _, ids in parameters):
            parameters.insert(0, (node.base, []))
        for val, ids in parameters:
            unknown = [i for i in ids if i not in by_id]
            if unknown:
                warnings.warn(
                    ModelWarning(
                        f"{self.file or '<text>'}: a logical parameter of {nid!r} names unknown "
                        f"interactions {', '.join(unknown)}; they are ignored, as GINsim does"
                    ),
                    stacklevel=4,
                )
            chosen = {i for i in ids if i in by_id}
            pairs.append(
                (
                    val,
                    and_(
                        self.active(i) if i.id in chosen else not_(self.active(i)) for i in incoming
                    ),
                )
            )
        return pairs

    def expression(self, text: str, nid: str, incoming: list[_Interaction]) -> Expr:
        """A logical function (GINsim's syntax) on the threshold variables."""
        shown = text if len(text) <= 80 else text[:60] + f"... ({len(text)} characters)"

        def fail(problem: str) -> ModelFileError:
            return ModelFileError(
                f"logical function of {nid!r}: {problem} in {shown!r}", file=self.file
            )

        def atom(token: str) -> Expr:
            name, _, threshold = token.partition(":")
            if name not in self.nodes:
                raise fail(f"unknown node {name!r}")
            mine = sorted((i for i in incoming if i.source == name), key=lambda i: i.min)
            if threshold:
                t = int(threshold)
                match = [i for i in mine if i.min == t]
                return self.active(match[0]) if match else self.at_least(name, t)
            return self.at_least(name, mine[0].min if mine else 1)

        try:
            return parse_expression(text, dialect="ginsim", variable=atom)
        except RuleSyntaxError as exc:
            raise fail(exc.problem.split("\n", 1)[0]) from None

    def rules(self) -> tuple[list[Rule], list[Node]]:
        rules: list[Rule] = []
        nodes: list[Node] = []
        order = [n for n in self.order if n in self.nodes]
        order += [n for n in self.nodes if n not in order]
        for nid in order:
            node = self.nodes[nid]
            pairs = None if node.input else self.level_conditions(nid)
            kept = mv.input_rules(node.names)
            for k, name in enumerate(node.names, start=1):
                if pairs is None:
                    expr: Expr = kept[k - 1]
                else:
                    expr = simplify(or_(cond for val, cond in pairs if val >= k))
                constant = expr[0] == "const" or expr == var(name)
                kind: NodeKind = "input" if pairs is None or constant else "internal"
                label = node.label or nid
                if k > 1:
                    label = f"{label} (level >= {k})"
                rules.append(Rule(name, expr))
                at = node.position
                if at is not None and k > 1:  # each level a little below the one before
                    at = (at[0], at[1] + LEVEL_OFFSET * (k - 1))
                nodes.append(
                    Node(name, label=label, description=node.description, kind=kind, position=at)
                )
        return rules, nodes


# ---------------------------------------------------------------------------------------------
# perturbations
# ---------------------------------------------------------------------------------------------
def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "mutant"


def _perturbations(root: ET.Element, graph: _Graph, file: str | None) -> dict[str, Perturbation]:
    found: dict[str, Perturbation] = {}
    where = file or "<text>"
    for mutant in root.iter("mutant"):
        label = mutant.get("name") or "mutant"
        effects: dict[str, bool] = {}
        skipped = False
        for change in mutant:
            if change.tag == "change":
                target = change.get("target") or ""
                if target not in graph.nodes:
                    warnings.warn(
                        ModelWarning(
                            f"{where}: perturbation {label!r} changes unknown node {target!r}; "
                            "the change is ignored, as GINsim does"
                        ),
                        stacklevel=3,
                    )
                    continue
                if (change.get("condition") or "").strip():
                    skipped = True
                    break
                low = _int(change.get("min"), 0, f"min of perturbation {label!r}", file)
                high = _int(change.get("max"), low, f"max of perturbation {label!r}", file)
                node = graph.nodes[target]
                for k, name in enumerate(node.names, start=1):
                    if low >= k:
                        effects[name] = True
                    elif high < k:
                        effects[name] = False
            elif change.tag == "regulatorChange":
                skipped = True
                break
        if skipped:
            warnings.warn(
                ModelWarning(
                    f"{where}: perturbation {label!r} uses a conditional or regulator change, "
                    "which a Boolean perturbation cannot express; it is not imported"
                ),
                stacklevel=3,
            )
            continue
        if not effects:
            continue
        slug, n = _slug(label), 1
        while slug in found:
            n += 1
            slug = f"{_slug(label)}_{n}"
        found[slug] = Perturbation.of(slug, "genotype", effects, label=label)
    return found


# ---------------------------------------------------------------------------------------------
# public verbs
# ---------------------------------------------------------------------------------------------
def _network(
    graph_xml: bytes | str,
    mutants_xml: bytes | str | None,
    *,
    name: str,
    file: str | None,
    member: str | None = None,
) -> BooleanNetwork:
    where = f"{file}!{member}" if file and member else file
    graph = _Graph(parse_xml(graph_xml, file=where, lenient_prefixes=True), where)
    multi = [(n.id, n.max, n.names) for n in graph.nodes.values() if n.max > 1]
    mv.warn_booleanised(where, "nodes", multi, stacklevel=3)
    genotypes: dict[str, Perturbation] = {}
    if mutants_xml is not None:
        mutant_file = f"{file}!{MUTANT_MEMBERS[0]}" if file else None
        genotypes = _perturbations(
            parse_xml(mutants_xml, file=mutant_file, lenient_prefixes=True), graph, mutant_file
        )
    rules, nodes = graph.rules()
    return BooleanNetwork.create(
        name,
        rules,
        nodes=nodes,
        file=file,
        title=graph.id,
        description=graph.description,
        genotypes=genotypes,
    )


def parse_ginml(text: str, *, name: str = "model", file: str | None = None) -> BooleanNetwork:
    """Parse GINML text (a regulatory graph); a plain ``.ginml`` holds no perturbations."""
    return _network(text, None, name=name, file=file)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, file: str | None) -> bytes:
    return read_member(archive, info, file, limit=MAX_MEMBER_BYTES)


def read_zginml(path: str | Path) -> BooleanNetwork:
    """Read a GINsim ``.zginml`` archive with its stored perturbations (as genotypes)."""
    p = Path(path)
    # a regular file of at most MAX_MODEL_BYTES, never a FIFO or device
    return parse_zginml(read_bytes(p), name=p.stem, file=str(p))


def parse_zginml(data: bytes, *, name: str = "model", file: str | None = None) -> BooleanNetwork:
    """Parse the bytes of a GINsim ``.zginml`` archive (perturbations become genotypes)."""
    with open_zip(data, file, kind=".zginml", max_members=MAX_ZIP_MEMBERS) as (archive, infos):
        by_name = {i.filename: i for i in infos}
        if GRAPH_MEMBER not in by_name:
            listed = ", ".join(shown_name(n) for n in sorted(by_name)[:10]) or "nothing"
            raise ModelFileError(
                f"not a GINsim archive: no {GRAPH_MEMBER} (it holds {listed})", file=file
            )
        graph = _read_member(archive, by_name[GRAPH_MEMBER], file)
        mutants = None
        for member in MUTANT_MEMBERS:
            if member in by_name:
                mutants = _read_member(archive, by_name[member], file)
                break
    return _network(graph, mutants, name=name, file=file, member=GRAPH_MEMBER)


def read_ginml(path: str | Path) -> BooleanNetwork:
    """Read a plain GINML file (``.ginml``)."""
    return read_file(parse_ginml, path)


__all__ = [
    "GRAPH_MEMBER",
    "MAX_XML_DEPTH",
    "check_xml_prolog",
    "check_xml_structure",
    "parse_ginml",
    "parse_xml",
    "parse_zginml",
    "read_ginml",
    "read_zginml",
]
