"""Model text from bytes: UTF-8 (a byte order mark is dropped), with clear errors for binary,
UTF-16 and mis-encoded data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .._files import read_text
from ..exceptions import ModelFileError

if TYPE_CHECKING:
    from ..network import BooleanNetwork


def read_file(parse: Callable[..., BooleanNetwork], path: str | Path) -> BooleanNetwork:
    """``parse`` (a ``parse_<fmt>(text, *, name, file)``) over the text file ``path``; the
    model is named after the file."""
    p = Path(path)
    return parse(read_text(p), name=p.stem, file=str(p))


def decode_text(data: bytes, file: str | None) -> str:
    """The UTF-8 text of ``data``, the content of the model file ``file``.

    Parameters
    ----------
    data
        The bytes of the file.
    file
        The file's name, for error messages.

    Returns
    -------
    str
        The text, without a UTF-8 byte order mark.

    Raises
    ------
    ModelFileError
        Binary data (NUL bytes), UTF-16 or UTF-32 text, or bytes that are not UTF-8.
    """
    if b"\x00" in data:
        # UTF-16 of mostly-ASCII text: a BOM, or NULs in (nearly) every other byte
        half = len(data) // 2
        zeros = sorted((data[0::2].count(0), data[1::2].count(0)))
        if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (
            half > 0 and zeros[1] >= 0.9 * half and zeros[0] <= 0.1 * half
        ):
            raise ModelFileError("UTF-16 (or UTF-32) text; save the file as UTF-8", file=file)
        raise ModelFileError("binary data (NUL bytes): not a text model file", file=file)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ModelFileError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
            file=file,
            line=line,
        ) from None
