"""Reading a text model file with a format's ``parse_<fmt>`` (the decoding of model text, with
its errors for binary, UTF-16 and mis-encoded data, is :func:`mtor_network._files.decode_text`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .._files import read_text

if TYPE_CHECKING:
    from ..network import BooleanNetwork


def read_file(parse: Callable[..., BooleanNetwork], path: str | Path) -> BooleanNetwork:
    """``parse`` (a ``parse_<fmt>(text, *, name, file)``) over the text file ``path``; the
    model is named after the file."""
    p = Path(path)
    return parse(read_text(p), name=p.stem, file=str(p))
