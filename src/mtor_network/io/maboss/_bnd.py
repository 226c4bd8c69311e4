"""The ``.bnd`` file of a MaBoSS model: the scanner of ``Node NAME { attr = value; }`` blocks,
the ``logic`` expressions (the ``maboss`` dialect and style of :mod:`mtor_network.expressions`)
and the writer of the node blocks."""

from __future__ import annotations

import bisect
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field

from ...exceptions import ModelFileError, ModelWarning, MtorNetworkError
from ...expressions import Expr, parse_expression, to_string
from ...network import BooleanNetwork

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_NAME_RE = re.compile(_NAME)
_NODE_KW = re.compile(r"node\b", re.IGNORECASE)
_META_COMMENT = re.compile(r"^\s*([A-Za-z_]+)\s*:\s*(.*?)\s*$")
_NODE_META = ("label", "module", "kind", "description", "justification")
_MODEL_META = ("model", "title", "version", "description")
_KEYWORDS = frozenset({"AND", "OR", "NOT", "XOR"})
_POP_KW = ("division", "death")  # PopMaBoSS declarations


# ---- text helpers -----------------------------------------------------------------------------
class _Lines:
    """Offset -> line number for one text."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer(r"\n", text)]

    def __call__(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


@dataclass
class _Attr:
    name: str
    value: str  # comments removed, offsets preserved (comment characters become spaces)
    line: int


@dataclass
class _Block:
    name: str
    line: int
    attrs: dict[str, _Attr] = field(default_factory=dict)
    comments: list[str] = field(default_factory=list)


class _BndScanner:
    """A hand-written scanner for ``Node NAME { attr = value; ... }`` blocks (never eval)."""

    def __init__(self, text: str, file: str | None) -> None:
        self.text = text
        self.file = file
        self.pos = 0
        self.line_of = _Lines(text)
        self.header: list[str] = []

    def fail(self, problem: str, offset: int | None = None, line: int | None = None) -> Exception:
        where = line if line is not None else self.line_of(self.pos if offset is None else offset)
        return ModelFileError(problem, file=self.file, line=where)

    def skip(self, comments: list[str] | None) -> None:
        """Skip white space and comments, collecting comment texts into ``comments``."""
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch.isspace():
                self.pos += 1
            elif text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                end = len(text) if end < 0 else end
                if comments is not None:
                    comments.append(text[self.pos + 2 : end].strip())
                self.pos = end
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                if end < 0:
                    raise self.fail("unterminated comment: '/*' without '*/'")
                if comments is not None:
                    comments.extend(
                        line.strip(" *") for line in text[self.pos + 2 : end].splitlines()
                    )
                self.pos = end + 2
            else:
                return

    def word(self, what: str) -> str:
        m = _NAME_RE.match(self.text, self.pos)
        if not m:
            found = self.text[self.pos : self.pos + 20].split("\n")[0] or "end of file"
            raise self.fail(f"expected {what} but found {found!r}")
        self.pos = m.end()
        return m.group(0)

    def blocks(self) -> list[_Block]:
        blocks: list[_Block] = []
        while True:
            self.skip(self.header if not blocks else None)
            if self.pos >= len(self.text):
                return blocks
            if self.text[self.pos] == "}":
                raise self.fail("unbalanced '}': no node block is open")
            if _NODE_KW.match(self.text, self.pos):
                blocks.append(self.block())
                continue
            start = self.pos
            m = _NAME_RE.match(self.text, self.pos)
            after = self._after(m.end()) if m else ""
            if m and m.group(0).lower() in _POP_KW and after == "{":
                raise self.fail(
                    f"a '{m.group(0)} {{ ... }}' block describes a cell population (PopMaBoSS); "
                    "only the Boolean network of a MaBoSS model is read"
                )
            if m is None or after not in (":", ","):
                found = self.text[self.pos : self.pos + 30].split("\n")[0]
                raise self.fail(
                    f"expected 'Node NAME {{', 'NAME : logic;' or 'NAME, logic' but found {found!r}"
                )
            block = self.short(m.group(0), start)
            if block is not None:
                blocks.append(block)

    def _after(self, offset: int) -> str:
        """The first character after ``offset`` that is not white space or a comment."""
        saved = self.pos
        self.pos = offset
        try:
            self.skip(None)
            return self.text[self.pos] if self.pos < len(self.text) else ""
        finally:
            self.pos = saved

    def _declaration_at(self, offset: int) -> bool:
        """Whether a declaration starts at ``offset``: ``NAME :``, ``NAME ,`` or ``Node NAME``
        (MaBoSS's grammar ends an expression without ``;`` where the next one begins)."""
        m = _NAME_RE.match(self.text, offset)
        if m is None:
            return False
        after = self._after(m.end())
        if after in (":", ","):
            return True
        return m.group(0).lower() in ("node", *_POP_KW) and (
            after == "{" or _NAME_RE.match(after) is not None
        )

    def short(self, name: str, start: int) -> _Block | None:
        """``NAME : logic`` or ``NAME , logic`` (BNet-like), the short forms of MaBoSS's
        grammar (``BooleanGrammar.y``): a node whose logic is the expression, which ends at an
        optional ``;`` or where the next declaration starts; ``targets, factors`` (a BNet
        header) declares nothing."""
        line = self.line_of(start)
        self.pos = start + len(name)
        self.skip(None)
        separator = self.text[self.pos]
        self.pos += 1
        text = self.text
        out: list[str] = []
        operand_end = False  # the text so far ends with an operand (a name, number or ')')
        while self.pos < len(text):
            ch = text[self.pos]
            if ch == ";":
                self.pos += 1
                break
            if ch in "{}":
                raise self.fail(f"unexpected {ch!r} in the logic of node {name!r}")
            if text.startswith("//", self.pos) or text.startswith("/*", self.pos):
                before = self.pos
                self.skip(None)
                out.append(re.sub(r"[^\n]", " ", text[before : self.pos]))
                continue
            word_start = (ch.isalpha() or ch == "_") and not (
                text[self.pos - 1].isalnum() or text[self.pos - 1] in "_$@"
            )
            if operand_end and word_start and self._declaration_at(self.pos):
                break
            if not ch.isspace():
                operand_end = ch.isalnum() or ch in "_).@$"
            out.append(ch)
            self.pos += 1
        value = "".join(out)
        if not value.strip():
            raise self.fail(f"missing logic of node {name!r} after {separator!r}", line=line)
        if separator == "," and name == "targets" and value.strip() == "factors":
            return None
        block = _Block(name, line)
        block.attrs["logic"] = _Attr("logic", value, line)
        return block

    def block(self) -> _Block:
        start = self.pos
        self.pos += 4
        self.skip(None)
        name = self.word("a node name after 'Node'")
        block = _Block(name, self.line_of(start))
        self.skip(None)
        if self.pos >= len(self.text) or self.text[self.pos] != "{":
            raise self.fail(f"expected '{{' after 'Node {name}'")
        self.pos += 1
        while True:
            self.skip(block.comments)
            if self.pos >= len(self.text):
                raise self.fail(
                    f"unbalanced '{{': the block of node {name!r} (line {block.line}) is never "
                    "closed with '}'",
                    line=block.line,
                )
            ch = self.text[self.pos]
            if ch == "}":
                self.pos += 1
                return block
            if ch == "{":
                raise self.fail(f"unbalanced '{{' inside the block of node {name!r}")
            if _NODE_KW.match(self.text, self.pos) and not re.match(
                r"node\s*=", self.text[self.pos :], re.IGNORECASE
            ):
                raise self.fail(
                    f"unbalanced '{{': the block of node {name!r} (line {block.line}) is not "
                    "closed with '}' before the next 'Node'"
                )
            attr_start = self.pos
            attr = self.word(f"'attribute = value;' in the block of node {name!r}")
            self.skip(None)
            if not self.text.startswith("=", self.pos):
                raise self.fail(f"expected '=' after {attr!r} in the block of node {name!r}")
            self.pos += 1
            value = self.value(name, attr, self.line_of(attr_start))
            if attr in block.attrs:
                # MaBoSS keeps the last definition (its own full_example.bnd repeats rate_up)
                warnings.warn(
                    ModelWarning(
                        f"{self.file or '<text>'}, line {self.line_of(attr_start)}: node "
                        f"{name!r} defines {attr!r} again (first on line "
                        f"{block.attrs[attr].line}); the last definition is used, as MaBoSS does"
                    ),
                    stacklevel=2,
                )
            block.attrs[attr] = _Attr(attr, value, self.line_of(attr_start))

    def value(self, node: str, attr: str, line: int) -> str:
        """The text up to the ``;`` that ends ``attr``, comments blanked out."""
        text = self.text
        out: list[str] = []
        missing = f"missing ';' at the end of {attr!r} of node {node!r}"
        while True:
            if self.pos >= len(text):
                raise self.fail(missing, line=line)
            ch = text[self.pos]
            if ch == ";":
                self.pos += 1
                break
            if ch in "{}":
                raise self.fail(missing, line=line)
            if text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                end = len(text) if end < 0 else end
                out.append(" " * (end - self.pos))
                self.pos = end
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                if end < 0:
                    raise self.fail("unterminated comment: '/*' without '*/'")
                out.append(re.sub(r"[^\n]", " ", text[self.pos : end + 2]))
                self.pos = end + 2
            elif ch == '"':
                end = text.find('"', self.pos + 1)
                if end < 0:
                    raise self.fail(f"unterminated string in {attr!r} of node {node!r}")
                out.append(text[self.pos : end + 1])
                self.pos = end + 1
            else:
                out.append(ch)
                self.pos += 1
        value = "".join(out)
        # "logic = A AND B" followed on a later line by "rate_up = ...": the ';' was forgotten.
        m = re.search(r"\n\s*(" + _NAME + r")\s*=(?!=)", value)
        if m:
            raise self.fail(missing, line=line)
        return value


# ---- MaBoSS logic ----------------------------------------------------------------------------
def parse_maboss_logic(
    text: str, *, target: str = "", file: str | None = None, line: int = 1
) -> Expr:
    """Parse one MaBoSS ``logic`` expression into an expression tree (XOR is expanded)."""
    return parse_expression(text, dialect="maboss", target=target, file=file, line=line)


def maboss_logic(expr: Expr) -> str:
    """``expr`` in MaBoSS syntax (``AND``, ``OR``, ``NOT``, ``0``/``1``), fewest parentheses."""
    return to_string(expr, "maboss")


def _meta(comments: Iterable[str], keys: Iterable[str]) -> dict[str, str]:
    wanted = set(keys)
    found: dict[str, str] = {}
    for comment in comments:
        m = _META_COMMENT.match(comment)
        if m and m.group(1).lower() in wanted and m.group(1).lower() not in found:
            found[m.group(1).lower()] = m.group(2)
    return found


def _scan(bnd_text: str, file: str | None) -> tuple[list[str], list[_Block]]:
    scanner = _BndScanner(bnd_text, file)
    blocks = scanner.blocks()
    if not blocks:
        raise ModelFileError(
            "no 'Node NAME { logic = ...; }' blocks (empty MaBoSS file)", file=file
        )
    seen: dict[str, int] = {}
    for block in blocks:
        if block.name in seen:
            raise ModelFileError(
                f"node {block.name!r} is defined twice (first on line {seen[block.name]})",
                file=file,
                line=block.line,
            )
        seen[block.name] = block.line
    return scanner.header, blocks


# ---- writing ----------------------------------------------------------------------------------
def _comment(text: str) -> str:
    return " ".join(str(text).split())


def bnd_text(network: BooleanNetwork) -> str:
    """The ``.bnd`` text of ``network``: one node block per node, labels, modules, kinds,
    descriptions and justifications as ``// key: value`` comments, rates ``$u_X``/``$d_X``."""
    for name in network.node_names:
        if name.upper() in _KEYWORDS or name.lower() == "node":
            raise MtorNetworkError(
                f"node {name!r} cannot be written to MaBoSS: {name.upper()} is a MaBoSS keyword"
            )
    bnd: list[str] = [f"// {_comment(network.name)} {_comment(network.version)}".rstrip()]
    bnd.append(f"// model: {_comment(network.name)}")
    for key in ("title", "version", "description"):
        value = getattr(network, key)
        if value:
            bnd.append(f"// {key}: {_comment(value)}")
    if network.perturbations:
        applied = ", ".join(p.describe() for p in network.perturbations)
        bnd.append(f"// perturbations: {_comment(applied)}")
    bnd.append("// written by mtor_network; the rates $u_X and $d_X are set in the .cfg file")
    for node in network.nodes:
        rule = network.rules[node.name]
        bnd.append("")
        bnd.append(f"Node {node.name} {{")
        if node.label and node.label != node.name:
            bnd.append(f"  // label: {_comment(node.label)}")
        if node.module:
            bnd.append(f"  // module: {_comment(node.module)}")
        bnd.append(f"  // kind: {node.kind}")
        if node.description:
            bnd.append(f"  // description: {_comment(node.description)}")
        if rule.justification:
            bnd.append(f"  // justification: {_comment(rule.justification)}")
        bnd.append(f"  logic = {maboss_logic(rule.expression)};")
        bnd.append(f"  rate_up = @logic ? $u_{node.name} : 0;")
        bnd.append(f"  rate_down = @logic ? 0 : $d_{node.name};")
        bnd.append("}")
    return "\n".join(bnd) + "\n"
