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


def decode_commented(data: bytes, file: str | None, markers: tuple[str, ...]) -> str:
    """The text of ``data`` where bytes that are not UTF-8 stand in comments only (after one of
    ``markers`` on their line: Latin-1 accents in the comments of published MaBoSS and
    BooleanNet files, which their tools ignore); such bytes become U+FFFD with a
    :class:`~mtor_network.exceptions.ModelWarning`. Elsewhere they are an error
    (:func:`mtor_network._files.decode_text`)."""
    import warnings

    from .._files import decode_text
    from ..exceptions import ModelFileError, ModelWarning

    try:
        return decode_text(data, file)
    except ModelFileError as error:
        if "not valid UTF-8" not in str(error):
            raise
        lines = data.split(b"\n")
        for number, raw in enumerate(lines, start=1):
            try:
                raw.decode("utf-8")
                continue
            except UnicodeDecodeError as exc:
                start = exc.start
            head = raw[:start].decode("utf-8", errors="replace")
            if not any(marker in head for marker in markers):
                raise ModelFileError(
                    f"not valid UTF-8 (byte 0x{raw[start]:02x}) outside a comment; save the "
                    "file as UTF-8",
                    file=file,
                    line=number,
                ) from None
        warnings.warn(
            ModelWarning(
                f"{file or '<text>'}: bytes that are not UTF-8 in comments were replaced by "
                "U+FFFD (the file is not UTF-8; its comments are not read exactly)"
            ),
            stacklevel=3,
        )
        return data.decode("utf-8-sig", errors="replace")
