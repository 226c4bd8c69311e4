"""``.txt`` model files, whose format is told by their content: BoolNet's (``cellcycle.txt``:
the header ``targets, factors``), BooleanNet's (the ``model.booleannet.txt`` files of the
Biodivine corpus: ``A* = ...`` or ``A *= ...`` rules) or plain BNet (``A, ...`` without a
header). ``read_network(path, format="booleannet")`` (the CLI's ``--format``) forces one."""

from __future__ import annotations

import re
from pathlib import Path

from ..network import BooleanNetwork
from ._source import read_file

_HEADER_RE = re.compile(r"^\s*targets\s*,\s*(factors|functions)\s*$", re.IGNORECASE)
_BOOLEANNET_RE = re.compile(r"^\s*[A-Za-z0-9_.\-]+\s*\*\s*=")


def detect_text_format(text: str) -> str:
    """The suffix of the format of model ``text`` (``.boolnet``, ``.booleannet`` or ``.bnet``)
    judged by its first rule line; ``.bnet`` when nothing tells."""
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if _HEADER_RE.match(line):
            return ".boolnet"
        if _BOOLEANNET_RE.match(line) or re.match(r"^[\w.\-]+\s*=", line):
            return ".booleannet"
        return ".bnet"
    return ".bnet"


def parse_txt(text: str, *, name: str = "model", file: str | None = None) -> BooleanNetwork:
    """Parse a ``.txt`` model in the format its content shows (:func:`detect_text_format`)."""
    from . import FORMATS, _function

    suffix = detect_text_format(text)
    fmt = FORMATS[suffix]
    parse = _function(fmt.module, fmt.parse or "")
    network: BooleanNetwork = parse(text, name=name, file=file)
    return network


def read_txt(path: str | Path) -> BooleanNetwork:
    """Read a ``.txt`` model file in the format its content shows."""
    return read_file(parse_txt, path)


__all__ = ["detect_text_format", "parse_txt", "read_txt"]
