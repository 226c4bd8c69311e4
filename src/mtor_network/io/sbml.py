"""SBML-qual: SBML Level 3 with the ``qual`` package (bioLQM, GINsim, AEON, CellCollective, BBM).

Written with python-libsbml as SBML Level 3 Version 1 + qual Version 1, valid against the
specification (no errors from ``checkConsistency``/``checkInternalConsistency``):

- one ``qualitativeSpecies`` per node (``id`` = node name, ``name`` = label, ``maxLevel`` 1) in a
  single compartment; an input with the identity rule ``x, x`` is ``constant="true"`` and has no
  transition (its level never changes); every other node has one transition;
- a transition has the regulators as ``input`` (``sign`` positive/negative/dual from
  :attr:`Rule.regulators`), the node as ``output`` (``assignmentLevel``), a default term 0 and a
  function term 1 whose MathML compares levels as bioLQM, GINsim and AEON write them
  (``<apply><eq/><ci>A</ci><cn type="integer">1</cn></apply>``); a constant rule is a
  transition without inputs whose default term is the constant;
- a node's description (and module, kind) are XHTML notes on its species; a rule's justification
  and reference keys are notes on its transition, and the rule's references are MIRIAM RDF
  annotations on the transition (``bqbiol:isDescribedBy`` with
  ``https://identifiers.org/doi:...`` or ``https://identifiers.org/pubmed:...``); the model's
  reference list, description and version are notes on the model.

Reading accepts any SBML-qual file: MathML ``and``/``or``/``not``/``xor``/``implies``,
``eq``/``neq``/``geq``/``gt``/``leq``/``lt`` of a species against a level (a number, or an input's
``thresholdLevel`` named by the input id), ``true``/``false``, and a bare species (``level >= 1``).
A species without a transition is an input (``x, x``), as bioLQM, GINsim and AEON read it.

Multi-valued species (``maxLevel`` > 1) are booleanised with threshold variables: ``X`` means
``level >= 1`` and ``X_2`` ... ``X_m`` mean ``level >= 2`` ... ``level >= m`` (the ``X``, ``X_2``
names of the Zañudo models; ``X_level2`` if ``X_2`` is taken). ``X_k`` is updated to
``[target level of X >= k]`` and every comparison of ``X`` with a level is rewritten on these
variables, so the fixed points are exactly those of the multi-valued model (a Boolean fixed point
always has consistent thresholds); the dynamics is not the stepwise one of van Ham's mapping (as
BBM's ``X_b1``/``X_b2``), since a threshold variable may change without the one below it. A
:class:`ModelWarning` names the booleanised species.

Function terms are read in document order, the first true one giving the level (the spec asks
for mutually exclusive terms, where order does not matter).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from .._files import write_text_atomic
from ..exceptions import ModelFileError
from ..expressions import (
    FALSE,
    MAX_NESTING,
    TRUE,
    Expr,
    Guard,
    and_,
    const,
    implies,
    nesting_depth,
    not_,
    or_,
    simplify,
    to_string,
    var,
    xor,
)
from ..network import BooleanNetwork, Node, NodeKind, Reference, Rule
from . import _multivalued as mv
from ._native import with_stack
from ._source import read_file
from ._xml import check_xml_prolog, check_xml_structure

XHTML_NS = "http://www.w3.org/1999/xhtml"
MATHML_NS = "http://www.w3.org/1998/Math/MathML"
QUAL_PREFIX = "http://www.sbml.org/sbml/level3/version"
COMPARTMENT_ID = "cell"
IDENTIFIERS = "https://identifiers.org/"

# libsbml XML errors (ids below 10000) that do not stop a model from being read.
_BENIGN_XML_ERRORS = {1002, 1003}  # missing XML encoding / version in the declaration


# ---------------------------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------------------------
def _xhtml(body: str) -> str:
    return f'<body xmlns="{XHTML_NS}">{body}</body>'


def _p(cls: str, text: str) -> str:
    return f"<p class={quoteattr(cls)}>{escape(text)}</p>"


def _is_identity(rule: Rule) -> bool:
    return rule.expression == var(rule.target)


def _reference_uris(ref: Reference) -> list[str]:
    uris = []
    if ref.doi:
        uris.append(f"{IDENTIFIERS}doi:{ref.doi}")
    if ref.pmid:
        uris.append(f"{IDENTIFIERS}pubmed:{ref.pmid}")
    return uris


def _reference_item(ref: Reference) -> str:
    parts = [f'<span class="citation">{escape(ref.citation)}</span>']
    if ref.doi:
        parts.append(
            f' <a class="doi" href={quoteattr("https://doi.org/" + ref.doi)}>'
            f"doi:{escape(ref.doi)}</a>"
        )
    if ref.pmid:
        parts.append(
            f' <a class="pmid" href={quoteattr(IDENTIFIERS + "pubmed:" + ref.pmid)}>'
            f"PMID {escape(ref.pmid)}</a>"
        )
    if ref.review is not None:
        parts.append(f' <span class="review">{ref.review}</span>')
    return f'<li class="reference" title={quoteattr(ref.key)}>{"".join(parts)}</li>'


def _check(status: int, what: str) -> None:
    import libsbml

    if status != libsbml.LIBSBML_OPERATION_SUCCESS:
        raise ValueError(f"libsbml refused {what}: {libsbml.OperationReturnValue_toString(status)}")


def _unique_id(base: str, used: set[str]) -> str:
    candidate, n = base, 1
    while candidate in used:
        n += 1
        candidate = f"{base}_{n}"
    used.add(candidate)
    return candidate


def _sid(text: str) -> str:
    sid = re.sub(r"[^A-Za-z0-9_]", "_", text) or "model"
    return sid if re.match(r"[A-Za-z_]", sid) else f"m_{sid}"


def build_sbml_document(network: BooleanNetwork) -> Any:
    """The libsbml ``SBMLDocument`` of ``network`` (SBML L3V1 + qual v1)."""
    import libsbml

    doc = libsbml.SBMLDocument(libsbml.SBMLNamespaces(3, 1, "qual", 1))
    _check(doc.setPackageRequired("qual", True), "qual:required")
    model = doc.createModel()
    used = {n.name for n in network.nodes}
    _check(model.setId(_unique_id(_sid(network.name), used)), "the model id")
    _check(model.setName(network.title or network.name), "the model name")
    model_notes = []
    if network.description:
        model_notes.append(_p("description", network.description))
    if network.version:
        model_notes.append(_p("version", network.version))
    if network.references:
        items = "".join(_reference_item(r) for r in network.references.values())
        model_notes.append(f'<ul class="references">{items}</ul>')
    if model_notes:
        _check(model.setNotes(_xhtml("".join(model_notes))), "the model notes")

    compartment = model.createCompartment()
    compartment_id = _unique_id(COMPARTMENT_ID, used)
    _check(compartment.setId(compartment_id), "the compartment id")
    _check(compartment.setConstant(True), "compartment constant")
    # An abstract container of size 1: with dimensions and units set, the unit validators have
    # nothing to warn about (20518, 99508).
    _check(compartment.setSpatialDimensions(3), "compartment dimensions")
    _check(compartment.setSize(1.0), "compartment size")
    _check(compartment.setUnits("dimensionless"), "compartment units")

    qual = model.getPlugin("qual")
    for node in network.nodes:
        rule = network.rules[node.name]
        species = qual.createQualitativeSpecies()
        _check(species.setId(node.name), f"species id {node.name!r}")
        _check(species.setName(node.label or node.name), f"the label of {node.name!r}")
        _check(species.setCompartment(compartment_id), "species compartment")
        _check(species.setMaxLevel(1), "maxLevel")
        _check(species.setConstant(_is_identity(rule)), "species constant")
        notes = []
        if node.description:
            notes.append(_p("description", node.description))
        if node.module:
            notes.append(_p("module", node.module))
        notes.append(_p("kind", node.kind))
        _check(species.setNotes(_xhtml("".join(notes))), f"the notes of {node.name!r}")

    for node in network.nodes:
        rule = network.rules[node.name]
        if _is_identity(rule):
            continue
        transition = qual.createTransition()
        tid = _unique_id(f"tr_{node.name}", used)
        _check(transition.setId(tid), "transition id")
        _check(transition.setMetaId(f"meta_{tid}"), "transition metaid")
        signs = {
            "+": libsbml.INPUT_SIGN_POSITIVE,
            "-": libsbml.INPUT_SIGN_NEGATIVE,
            "?": libsbml.INPUT_SIGN_DUAL,
        }
        for regulator, sign in rule.regulators.items():
            item = transition.createInput()
            _check(item.setId(_unique_id(f"{tid}_in_{regulator}", used)), "input id")
            _check(item.setQualitativeSpecies(regulator), "input species")
            _check(item.setTransitionEffect(libsbml.INPUT_TRANSITION_EFFECT_NONE), "input effect")
            _check(item.setSign(signs[sign]), "input sign")
        output = transition.createOutput()
        _check(output.setId(_unique_id(f"{tid}_out", used)), "output id")
        _check(output.setQualitativeSpecies(node.name), "output species")
        _check(
            output.setTransitionEffect(libsbml.OUTPUT_TRANSITION_EFFECT_ASSIGNMENT_LEVEL),
            "output effect",
        )
        expr = rule.expression
        default = transition.createDefaultTerm()
        if expr[0] == "const":
            _check(default.setResultLevel(int(expr[1])), "default level")
        else:
            _check(default.setResultLevel(0), "default level")
            term = transition.createFunctionTerm()
            _check(term.setResultLevel(1), "function term level")
            math = libsbml.readMathMLFromString(
                f'<math xmlns="{MATHML_NS}">{to_string(expr, "mathml")}</math>'
            )
            if math is None:
                raise ValueError(f"could not build MathML for {node.name!r}")
            _check(term.setMath(math), "function term math")
        notes = []
        if rule.justification:
            notes.append(_p("justification", rule.justification))
        if rule.references:
            keys = "".join(f"<li title={quoteattr(k)}>{escape(k)}</li>" for k in rule.references)
            notes.append(f'<ul class="rule-references">{keys}</ul>')
        if notes:
            _check(transition.setNotes(_xhtml("".join(notes))), "transition notes")
        uris = [
            uri
            for key in rule.references
            if key in network.references
            for uri in _reference_uris(network.references[key])
        ]
        if uris:
            term_cv = libsbml.CVTerm(libsbml.BIOLOGICAL_QUALIFIER)
            _check(term_cv.setBiologicalQualifierType(libsbml.BQB_IS_DESCRIBED_BY), "qualifier")
            for uri in dict.fromkeys(uris):
                _check(term_cv.addResource(uri), f"resource {uri}")
            _check(transition.addCVTerm(term_cv), "the RDF annotation")
    return doc


_INDENT = re.compile(r"\n[ \t]+(?=<)")


def to_sbml(network: BooleanNetwork) -> str:
    """SBML-qual text of ``network`` (SBML L3V1 + qual v1, spec-valid), one element a line
    without libsbml's indentation: nested MathML indents each level further, which made the
    export of BBM model 248 (1.5 MB of BNet) 25 MB, past the size our readers accept; without
    it the file is 9.9 MB. Only white space between a line break and a tag is dropped, which
    XML (and the XHTML of the notes) does not read."""
    import libsbml

    return _INDENT.sub("\n", str(libsbml.writeSBMLToString(build_sbml_document(network))))


def write_sbml(network: BooleanNetwork, path: str | Path) -> None:
    """Write ``network`` as SBML-qual (atomically)."""
    write_text_atomic(path, to_sbml(network))


# ---------------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------------
@dataclass
class _Species:
    id: str
    name: str
    max_level: int
    constant: bool
    notes: dict[str, str] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)  # Boolean variables: >=1, >=2, ...


def _notes(sbase: Any) -> ET.Element | None:
    if not sbase.isSetNotes():
        return None
    text = sbase.getNotesString()
    try:
        return ET.fromstring(text)
    except ET.ParseError:
        return None


def _text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _classed(root: ET.Element | None, tag: str) -> dict[str, ET.Element]:
    found: dict[str, ET.Element] = {}
    if root is None:
        return found
    for element in root.iter(f"{{{XHTML_NS}}}{tag}"):
        cls = element.get("class")
        if cls and cls not in found:
            found[cls] = element
    return found


def _plain_notes(root: ET.Element | None) -> str:
    return "" if root is None else _text(root)


def _parse_reference_list(root: ET.Element | None) -> dict[str, Reference]:
    refs: dict[str, Reference] = {}
    lists = _classed(root, "ul")
    if "references" not in lists:
        return refs
    for item in lists["references"].iter(f"{{{XHTML_NS}}}li"):
        key = item.get("title")
        if not key:
            continue
        spans = {s.get("class"): _text(s) for s in item.iter(f"{{{XHTML_NS}}}span")}
        links = {a.get("class"): a.get("href", "") for a in item.iter(f"{{{XHTML_NS}}}a")}
        doi = links.get("doi", "").removeprefix("https://doi.org/") or None
        pmid = links.get("pmid", "").removeprefix(IDENTIFIERS + "pubmed:") or None
        review = spans.get("review")
        refs[key] = Reference(
            key=key,
            citation=spans.get("citation", ""),
            doi=doi,
            pmid=pmid,
            review=int(review) if review and review.isdigit() else None,
        )
    return refs


def _reference_from_uri(uri: str) -> Reference | None:
    m = re.match(r"(?:https?://identifiers\.org/|urn:miriam:)(doi|pubmed)[:/](.+)$", uri)
    if m:
        kind, value = m.group(1), m.group(2)
    else:
        m2 = re.match(r"https?://(?:dx\.)?doi\.org/(.+)$", uri)
        if not m2:
            return None
        kind, value = "doi", m2.group(1)
    key = f"{'doi' if kind == 'doi' else 'pubmed'}:{value}"
    if kind == "doi":
        return Reference(key=key, citation=uri, doi=value)
    return Reference(key=key, citation=uri, pmid=value)


def _cv_resources(sbase: Any) -> list[str]:
    import libsbml

    uris = []
    for i in range(sbase.getNumCVTerms()):
        term = sbase.getCVTerm(i)
        if term.getQualifierType() != libsbml.BIOLOGICAL_QUALIFIER:
            continue
        if term.getBiologicalQualifierType() not in (
            libsbml.BQB_IS_DESCRIBED_BY,
            libsbml.BQB_IS,
        ):
            continue
        for j in range(term.getNumResources()):
            uris.append(term.getResourceURI(j))
    return uris


MAX_OPERANDS = 100_000
"""The most operands one MathML ``<apply>`` may have (libsbml's ``getChild`` walks a list, so
reading them is quadratic; our export of the largest Biodivine model joins about 20,000 in one
``<or/>``)."""


class _MathCompiler:
    """MathML (libsbml AST) of one transition -> expression on the Boolean variables."""

    def __init__(
        self,
        species: Mapping[str, _Species],
        thresholds: Mapping[str, int],
        fail: Callable[[str], ModelFileError],
    ) -> None:
        self.species = species
        self.thresholds = thresholds  # input id -> thresholdLevel
        self.fail = fail
        self.depth = 0
        self.guard = Guard()

    def at_least(self, sid: str, level: int) -> Expr:
        return mv.at_least(self.species[sid].names, level)

    def levels(self, sid: str, accept: Callable[[int], bool]) -> Expr:
        """The expression true exactly when the level of ``sid`` is one ``accept`` admits."""
        return mv.level_set(self.species[sid].names, accept)

    def number(self, node: Any) -> float | None:
        import libsbml

        kind = node.getType()
        if kind == libsbml.AST_INTEGER:
            return float(node.getInteger())
        if kind in (libsbml.AST_REAL, libsbml.AST_REAL_E, libsbml.AST_RATIONAL):
            return float(node.getReal())
        if kind == libsbml.AST_NAME and node.getName() in self.thresholds:
            return float(self.thresholds[node.getName()])
        if kind == libsbml.AST_MINUS and node.getNumChildren() == 1:
            inner = self.number(node.getChild(0))
            return None if inner is None else -inner
        return None

    def compile(self, node: Any) -> Expr:
        """The expression of a MathML node, built without recursion (MathML written by other
        tools nests a binary ``<apply>`` per operand); chains of ``and``/``or`` are joined, and
        the result nests at most :data:`MAX_NESTING` deep."""
        import libsbml

        junctions = {libsbml.AST_LOGICAL_AND: "and", libsbml.AST_LOGICAL_OR: "or"}
        operators = {
            *junctions,
            libsbml.AST_LOGICAL_NOT,
            libsbml.AST_LOGICAL_XOR,
            libsbml.AST_LOGICAL_IMPLIES,
        }
        results: list[Expr] = []
        stack: list[tuple[Any, bool]] = [(node, False)]
        while stack:
            current, done = stack.pop()
            kind = current.getType()
            if kind not in operators:
                results.append(self._leaf(current))
                continue
            count = current.getNumChildren()
            if not done:
                if count > MAX_OPERANDS:
                    raise self.fail(
                        f"a MathML <apply> with {count} operands; more than {MAX_OPERANDS} are "
                        "refused"
                    )
                if kind == libsbml.AST_LOGICAL_NOT and count != 1:
                    raise self.fail("<not/> needs exactly one argument")
                if kind == libsbml.AST_LOGICAL_IMPLIES and count != 2:
                    raise self.fail("<implies/> needs exactly two arguments")
                if kind == libsbml.AST_LOGICAL_XOR:
                    self.guard.expand(self.fail, max(0, count - 1))
                stack.append((current, True))
                stack.extend((current.getChild(i), False) for i in reversed(range(count)))
                continue
            children = results[len(results) - count :]
            del results[len(results) - count :]
            if kind in junctions:
                build = and_ if junctions[kind] == "and" else or_
                results.append(build(children, flatten=True))
            elif kind == libsbml.AST_LOGICAL_NOT:
                results.append(not_(children[0]))
            elif kind == libsbml.AST_LOGICAL_IMPLIES:
                results.append(implies(children[0], children[1]))
            else:
                result: Expr = FALSE
                for child in children:
                    result = xor(result, child)
                results.append(result)
        expr = results[0]
        if nesting_depth(expr) > MAX_NESTING:
            raise self.fail(f"MathML nested more than {MAX_NESTING} levels deep")
        return expr

    def _leaf(self, node: Any) -> Expr:
        """A MathML node that is not a logical operator: a constant, a comparison, a name."""
        import libsbml

        kind = node.getType()
        count = node.getNumChildren()
        if count > MAX_OPERANDS:
            raise self.fail(
                f"a MathML <apply> with {count} operands; more than {MAX_OPERANDS} are refused"
            )
        children = [node.getChild(i) for i in range(count)]
        if kind == libsbml.AST_CONSTANT_TRUE:
            return TRUE
        if kind == libsbml.AST_CONSTANT_FALSE:
            return FALSE
        relations: dict[int, Callable[[float, float], bool]] = {
            libsbml.AST_RELATIONAL_EQ: lambda a, b: a == b,
            libsbml.AST_RELATIONAL_NEQ: lambda a, b: a != b,
            libsbml.AST_RELATIONAL_GEQ: lambda a, b: a >= b,
            libsbml.AST_RELATIONAL_GT: lambda a, b: a > b,
            libsbml.AST_RELATIONAL_LEQ: lambda a, b: a <= b,
            libsbml.AST_RELATIONAL_LT: lambda a, b: a < b,
        }
        if kind in relations:
            return self.relation(relations[kind], children, node)
        if kind == libsbml.AST_NAME:
            name = node.getName()
            if name in self.species:
                return self.at_least(name, 1)
            raise self.fail(f"MathML names {name!r}, which is not a qualitative species")
        value = self.number(node)
        if value is not None:
            return const(value != 0)
        formula = libsbml.formulaToL3String(node)
        raise self.fail(f"unsupported MathML in a function term: {formula!r}")

    def relation(
        self, test: Callable[[float, float], bool], children: list[Any], node: Any
    ) -> Expr:
        import libsbml

        if len(children) != 2:
            formula = libsbml.formulaToL3String(node)
            raise self.fail(f"a comparison needs two arguments: {formula!r}")
        left, right = children
        for child in children:
            if (
                child.getType() == libsbml.AST_NAME
                and child.getName() not in self.species
                and child.getName() not in self.thresholds
            ):
                raise self.fail(
                    f"MathML names {child.getName()!r}, which is neither a qualitative species "
                    "nor an input with a thresholdLevel"
                )

        def species_of(n: Any) -> str | None:
            if n.getType() == libsbml.AST_NAME and n.getName() in self.species:
                return str(n.getName())
            return None

        sid, value = species_of(left), self.number(right)
        flipped = False
        if sid is None or value is None:
            sid, value, flipped = species_of(right), self.number(left), True
        if sid is None or value is None:
            formula = libsbml.formulaToL3String(node)
            raise self.fail(f"unsupported comparison {formula!r} (expected species vs. level)")
        v = value
        if flipped:
            return self.levels(sid, lambda lvl: test(v, lvl))
        return self.levels(sid, lambda lvl: test(lvl, v))


def _booleanised_names(species: dict[str, _Species]) -> None:
    names = mv.threshold_names({sp.id: sp.max_level for sp in species.values()})
    for sp in species.values():
        sp.names = names[sp.id]


def _libsbml_document(text: str, file: str | None) -> Any:
    import libsbml

    if not text.strip():
        raise ModelFileError("empty file: no SBML document", file=file)
    check_xml_prolog(text, file)
    # before libsbml, which overflows its stack on deep XML; libsbml (built on expat as well)
    # stops at the first malformed spot and reports it as an SBML error
    check_xml_structure(text, file, report_malformed=False)
    doc = libsbml.readSBMLFromString(text)  # in a thread with a deep stack: see parse_sbml
    errors = [doc.getError(i) for i in range(doc.getNumErrors())]
    model = doc.getModel()
    for error in errors:
        xml_error = error.getErrorId() < 10000 and error.getErrorId() not in _BENIGN_XML_ERRORS
        if xml_error or error.getSeverity() == libsbml.LIBSBML_SEV_FATAL or model is None:
            raise ModelFileError(
                f"SBML error {error.getErrorId()}: {error.getShortMessage() or error.getMessage()}"
                f" ({' '.join(error.getMessage().split())[:300]})",
                file=file,
                line=error.getLine() or None,
                column=error.getColumn() or None,
            )
    if model is None:
        raise ModelFileError("no <model> in the SBML document", file=file)
    return doc


def parse_sbml(text: str, *, name: str = "model", file: str | None = None) -> BooleanNetwork:
    """Parse SBML-qual text into a Boolean network (see the module docstring for the rules)."""
    if not text.strip():
        raise ModelFileError("empty file: no SBML document", file=file)
    check_xml_prolog(text, file)
    depth = check_xml_structure(text, file, report_malformed=False)
    # libsbml builds, walks and frees deep MathML recursively: all of it in one thread
    return with_stack(lambda: _parse_sbml(text, name=name, file=file), depth)


def _parse_sbml(text: str, *, name: str, file: str | None) -> BooleanNetwork:
    doc = _libsbml_document(text, file)
    model = doc.getModel()
    qual = model.getPlugin("qual")
    if qual is None or qual.getNumQualitativeSpecies() == 0:
        kinds = []
        if model.getNumSpecies():
            kinds.append(f"{model.getNumSpecies()} species")
        if model.getNumReactions():
            kinds.append(f"{model.getNumReactions()} reactions")
        found = f" (it has {', '.join(kinds)})" if kinds else ""
        raise ModelFileError(
            "not an SBML-qual model: no qual:listOfQualitativeSpecies"
            f"{found}; only logical (SBML-qual) models can be read as Boolean networks",
            file=file,
            line=model.getLine() or None,
        )

    species: dict[str, _Species] = {}
    transitions = [qual.getTransition(i) for i in range(qual.getNumTransitions())]
    for i in range(qual.getNumQualitativeSpecies()):
        q = qual.getQualitativeSpecies(i)
        sid = q.getId()
        if sid in species:
            raise ModelFileError(
                f"duplicate qualitative species {sid!r}", file=file, line=q.getLine() or None
            )
        max_level = q.getMaxLevel() if q.isSetMaxLevel() else 1
        if max_level > mv.MAX_LEVEL:
            raise ModelFileError(
                f"qualitative species {sid!r}: maxLevel {max_level} is above {mv.MAX_LEVEL} (each "
                "level becomes a Boolean variable)",
                file=file,
                line=q.getLine() or None,
            )
        if max_level < 1:
            max_level = 1
        classed = _classed(_notes(q), "p")
        notes = {k: _text(v) for k, v in classed.items()}
        if not classed and q.isSetNotes():
            notes["description"] = _plain_notes(_notes(q))
        species[sid] = _Species(
            sid, q.getName() if q.isSetName() else "", max_level, q.getConstant(), notes
        )
    _booleanised_names(species)
    multi = [(sp.id, sp.max_level, sp.names) for sp in species.values() if sp.max_level > 1]
    mv.warn_booleanised(file, "species", multi, stacklevel=3)

    model_root = _notes(model)
    model_notes = {k: _text(v) for k, v in _classed(model_root, "p").items()}
    references = _parse_reference_list(model_root)

    rules: dict[str, Rule] = {}
    for tr in transitions:
        line = tr.getLine() or None
        tid = tr.getId() or "(no id)"

        def fail(problem: str, tid: str = tid, line: int | None = line) -> ModelFileError:
            return ModelFileError(f"transition {tid!r}: {problem}", file=file, line=line)

        thresholds: dict[str, int] = {}
        for j in range(tr.getNumInputs()):
            item = tr.getInput(j)
            if item.getQualitativeSpecies() not in species:
                raise fail(f"input names unknown species {item.getQualitativeSpecies()!r}")
            if item.isSetId() and item.isSetThresholdLevel():
                thresholds[item.getId()] = item.getThresholdLevel()
        outputs = [tr.getOutput(j).getQualitativeSpecies() for j in range(tr.getNumOutputs())]
        if not outputs:
            raise fail("no output species")
        for output in outputs:
            if output not in species:
                raise fail(f"output names unknown species {output!r}")
        compiler = _MathCompiler(species, thresholds, fail)
        terms: list[tuple[int, Expr]] = []
        for j in range(tr.getNumFunctionTerms()):
            term = tr.getFunctionTerm(j)
            if not term.isSetMath():
                raise fail("a function term without MathML")
            terms.append((term.getResultLevel(), compiler.compile(term.getMath())))
        default_term = tr.getDefaultTerm()
        if default_term is None and not terms:
            # No terms at all (not spec-valid): AEON and BBM write an unknown update function
            # this way, and read it back as a free input; so do we.
            for output in outputs:
                names = species[output].names
                for target, held in zip(names, mv.input_rules(names), strict=True):
                    rules[target] = Rule(
                        target,
                        held,
                        justification="input (transition without function terms)",
                        line=line,
                    )
            continue
        default = default_term.getResultLevel() if default_term is not None else 0

        root = _notes(tr)
        classed = _classed(root, "p")
        justification = _text(classed["justification"]) if "justification" in classed else ""
        if not classed and root is not None:
            justification = _plain_notes(root)
        keys: list[str] = []
        ref_lists = _classed(root, "ul")
        if "rule-references" in ref_lists:
            keys = [
                li.get("title") or _text(li)
                for li in ref_lists["rule-references"].iter(f"{{{XHTML_NS}}}li")
            ]
        for uri in _cv_resources(tr):
            ref = _reference_from_uri(uri)
            if ref is None:
                continue
            known = next(
                (
                    k
                    for k, r in references.items()
                    if (ref.doi and r.doi == ref.doi) or (ref.pmid and r.pmid == ref.pmid)
                ),
                None,
            )
            if known is None:
                references.setdefault(ref.key, ref)
                known = ref.key
            if known not in keys:
                keys.append(known)
        for output in outputs:
            sp = species[output]
            for k, target in enumerate(sp.names, start=1):
                parts = []
                for index, (level, cond) in enumerate(terms):
                    if level < k:
                        continue
                    earlier = [c for lvl, c in terms[:index] if lvl < k]
                    parts.append(and_([cond, *(not_(c) for c in earlier)]))
                if default >= k:
                    parts.append(and_([not_(c) for _, c in terms]))
                if target in rules:
                    raise fail(f"species {output!r} is the output of two transitions")
                rules[target] = Rule(
                    target,
                    simplify(or_(parts)),
                    justification=justification,
                    references=tuple(keys),
                    line=line,
                )
    nodes: list[Node] = []
    for sp in species.values():
        kept = mv.input_rules(sp.names)  # a multi-valued input keeps admissible levels only
        for k, target in enumerate(sp.names, start=1):
            if target not in rules:  # no transition: an input, as bioLQM/GINsim/AEON read it
                justification = "input (no transition in the SBML file)"
                rules[target] = Rule(target, kept[k - 1], justification=justification)
            expr = rules[target].expression
            kind: NodeKind = sp.notes.get("kind", "")  # type: ignore[assignment]
            if kind not in ("input", "internal", "output"):
                constant = expr[0] == "const" or expr == var(target) or expr == kept[k - 1]
                kind = "input" if constant else "internal"
            label = sp.name or sp.id
            if k > 1:
                label = f"{label} (level >= {k})"
            nodes.append(
                Node(
                    target,
                    label=label,
                    description=sp.notes.get("description", ""),
                    module=sp.notes.get("module", ""),
                    kind=kind,
                )
            )
    for rule in rules.values():
        for key in rule.references:
            references.setdefault(key, Reference(key=key, citation=key))
    title = model.getName() if model.isSetName() else ""
    ordered = [rules[n.name] for n in nodes]
    return BooleanNetwork.create(
        name,
        ordered,
        nodes=nodes,
        file=file,
        title=title,
        description=model_notes.get("description", ""),
        version=model_notes.get("version", ""),
        references=references,
    )


def read_sbml(path: str | Path) -> BooleanNetwork:
    """Read an SBML-qual file; the model is named after the file."""
    return read_file(parse_sbml, path)


def sbml_errors(
    text_or_document: str | Any, *, consistency: bool = True
) -> list[tuple[int, str, int, str]]:
    """libsbml's findings on an SBML text or document: ``(id, severity, line, message)``.

    Reading errors always; with ``consistency`` also those of ``checkInternalConsistency`` and
    ``checkConsistency`` (all validators on).
    """
    import libsbml

    if isinstance(text_or_document, str):
        doc = libsbml.readSBMLFromString(text_or_document)
    else:
        doc = text_or_document
    found: list[tuple[int, str, int, str]] = []

    def collect() -> None:
        for i in range(doc.getNumErrors()):
            e = doc.getError(i)
            entry = (
                e.getErrorId(),
                e.getSeverityAsString(),
                e.getLine(),
                " ".join(e.getMessage().split()),
            )
            if entry not in found:
                found.append(entry)

    collect()
    if consistency:
        doc.getErrorLog().clearLog()
        doc.checkInternalConsistency()
        collect()
        doc.getErrorLog().clearLog()
        doc.checkConsistency()
        collect()
    return found


__all__ = ["build_sbml_document", "parse_sbml", "read_sbml", "sbml_errors", "to_sbml", "write_sbml"]
