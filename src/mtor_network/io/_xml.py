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

MAX_XML_DEPTH = 256
"""The deepest element nesting accepted in XML models (SBML and GINML stay below 150 even for
rules nested :data:`~mtor_network.expressions.MAX_NESTING` deep); libsbml overflows its native
stack on ~10^5 levels."""

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
) -> None:
    """One pass of expat over ``data`` that refuses, in any encoding, entity declarations,
    internal DTD subsets and elements nested deeper than :data:`MAX_XML_DEPTH`; malformed XML is
    a :class:`ModelFileError` naming line and column (with ``report_malformed=False`` the check
    stops there silently, for a caller whose parser reports it in its own words)."""
    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = 0

    def start(name: str, attributes: object) -> None:
        nonlocal depth
        depth += 1
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
            return
        problem = xml.parsers.expat.ErrorString(exc.code)
        raise ModelFileError(
            f"malformed XML: {problem}", file=file, line=exc.lineno, column=exc.offset + 1
        ) from None


def parse_xml(data: bytes | str, *, file: str | None = None) -> ET.Element:
    """Parse XML safely (see :func:`check_xml_prolog` and :func:`check_xml_structure`); errors
    name file, line and column."""
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    check_xml_prolog(text, file)
    check_xml_structure(data, file)
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        line, column = exc.position
        problem = re.sub(r":\s*line \d+, column \d+$", "", str(exc))
        raise ModelFileError(
            f"malformed XML: {problem}", file=file, line=line, column=column + 1
        ) from None


__all__ = ["MAX_XML_DEPTH", "check_xml_prolog", "check_xml_structure", "parse_xml"]
