"""Safe XML for the XML model formats (GINML, SBML-qual): no entity declarations, no internal
DTD subsets, bounded element nesting; errors name file, line and column.

XML is parsed with :mod:`xml.etree.ElementTree` (expat, which neither fetches external DTDs nor
expands external entities); a document type declaration is accepted only as GINsim writes it
(an external DTD reference).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import xml.parsers.expat

from ..exceptions import ModelFileError

MAX_XML_DEPTH = 50_000
"""The deepest element nesting accepted in XML models: SBML written by other tools nests a
binary MathML ``<apply>`` per operand, two elements per level, so the deepest rule of the
Biodivine corpus (parentheses 10,192 deep) gives about 20,400; libsbml then parses in a thread
with a stack for that depth (:mod:`mtor_network.io._native`)."""

_DOCTYPE_RE = re.compile(r"<!DOCTYPE\b", re.IGNORECASE)
_ENTITY_RE = re.compile(r"<!ENTITY\b", re.IGNORECASE)


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def check_xml_prolog(text: str, file: str | None = None) -> None:
    """Refuse entity declarations and internal DTD subsets (billion laughs, XXE).

    A ``<!DOCTYPE name SYSTEM "uri">`` without an internal subset is allowed: GINsim writes one,
    and expat does not fetch it.
    """
    entity = _ENTITY_RE.search(text)
    if entity:
        raise ModelFileError(
            "XML entity declarations (<!ENTITY ...>) are refused: they can expand without "
            "bound or read local files",
            file=file,
            line=_line_of(text, entity.start()),
        )
    doctype = _DOCTYPE_RE.search(text)
    if doctype:
        end = text.find(">", doctype.end())
        declaration = text[doctype.start() : end if end >= 0 else len(text)]
        if "[" in declaration or end < 0:
            raise ModelFileError(
                "XML document type declarations with an internal subset (<!DOCTYPE ... [ ... ]>) "
                "are refused",
                file=file,
                line=_line_of(text, doctype.start()),
            )


class _Refused(Exception):
    def __init__(self, problem: str, line: int) -> None:
        super().__init__(problem)
        self.problem = problem
        self.line = line


def check_xml_structure(
    data: bytes | str, file: str | None = None, *, report_malformed: bool = True
) -> int:
    """One pass of expat over ``data`` that refuses, in any encoding, entity declarations,
    internal DTD subsets and elements nested deeper than :data:`MAX_XML_DEPTH`; malformed XML is
    a :class:`ModelFileError` naming line and column (with ``report_malformed=False`` the check
    stops there silently, for a caller whose parser reports it in its own words). Returns the
    deepest nesting of elements."""
    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = deepest = 0

    def start(name: str, attributes: object) -> None:
        nonlocal depth, deepest
        depth += 1
        deepest = max(deepest, depth)
        if depth > MAX_XML_DEPTH:
            raise _Refused(
                f"XML elements nested more than {MAX_XML_DEPTH} levels deep",
                parser.CurrentLineNumber,
            )

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    def entity(*args: object) -> None:
        raise _Refused(
            "XML entity declarations (<!ENTITY ...>) are refused: they can expand without bound "
            "or read local files",
            parser.CurrentLineNumber,
        )

    def doctype(name: str, system: str | None, public: str | None, internal: int) -> None:
        if internal:
            raise _Refused(
                "XML document type declarations with an internal subset (<!DOCTYPE ... [ ... ]>) "
                "are refused",
                parser.CurrentLineNumber,
            )

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = entity
    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(data, True)
    except _Refused as exc:
        raise ModelFileError(exc.problem, file=file, line=exc.line) from None
    except xml.parsers.expat.ExpatError as exc:
        if not report_malformed:
            return deepest
        problem = xml.parsers.expat.ErrorString(exc.code)
        raise ModelFileError(
            f"malformed XML: {problem}", file=file, line=exc.lineno, column=exc.offset + 1
        ) from None
    return deepest


KNOWN_PREFIXES = {
    "xlink": "http://www.w3.org/1999/xlink",
    "xhtml": "http://www.w3.org/1999/xhtml",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "bqbiol": "http://biomodels.net/biology-qualifiers/",
    "bqmodel": "http://biomodels.net/model-qualifiers/",
    "vCard": "http://www.w3.org/2001/vcard-rdf/3.0#",
}
"""Namespaces declared for prefixes a file uses without declaring them (GINsim writes
``xlink:href`` in stored perturbations without ``xmlns:xlink``); other prefixes get a
placeholder namespace."""

_PREFIX_RE = re.compile(
    r"</?([A-Za-z_][\w.-]*):[A-Za-z_]|\s([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*\s*="
)
_ROOT_RE = re.compile(r"<(?![?!])[A-Za-z_][\w.:-]*")


def _declare_prefixes(text: str) -> str | None:
    """``text`` with the undeclared namespace prefixes it uses declared on its root element,
    or None when there is nothing to declare."""
    used = {a or b for a, b in _PREFIX_RE.findall(text)} - {"xml", "xmlns"}
    missing = sorted(p for p in used if f"xmlns:{p}=" not in text)
    root = _ROOT_RE.search(text)
    if not missing or root is None:
        return None
    declared = "".join(
        f' xmlns:{p}="{KNOWN_PREFIXES.get(p, "urn:mtor-network:undeclared:" + p)}"' for p in missing
    )
    return text[: root.end()] + declared + text[root.end() :]


def parse_xml(
    data: bytes | str, *, file: str | None = None, lenient_prefixes: bool = False
) -> ET.Element:
    """Parse XML safely (see :func:`check_xml_prolog` and :func:`check_xml_structure`); errors
    name file, line and column. With ``lenient_prefixes``, namespace prefixes used without a
    declaration (``xlink:href``, which GINsim's own files hold) are declared rather than
    refused, as GINsim's parser reads them."""
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    check_xml_prolog(text, file)
    check_xml_structure(data, file)
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        if (
            lenient_prefixes
            and exc.code
            == xml.parsers.expat.errors.codes[xml.parsers.expat.errors.XML_ERROR_UNBOUND_PREFIX]
        ):
            fixed = _declare_prefixes(text)
            if fixed is not None:
                return parse_xml(fixed, file=file)
        line, column = exc.position
        problem = re.sub(r":\s*line \d+, column \d+$", "", str(exc))
        raise ModelFileError(
            f"malformed XML: {problem}", file=file, line=line, column=column + 1
        ) from None


__all__ = ["MAX_XML_DEPTH", "check_xml_prolog", "check_xml_structure", "parse_xml"]
