"""Shared file helpers for readers and writers."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..exceptions import ModelFileError

MAX_MODEL_BYTES = 20 * 1024 * 1024


def read_text(path: str | Path) -> str:
    """Read a UTF-8 text file with clear errors (missing, too large, binary, wrong encoding)."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise ModelFileError("file not found", file=str(p)) from None
    except OSError as exc:
        raise ModelFileError(f"cannot read file: {exc.strerror}", file=str(p)) from None
    if p.is_dir():
        raise ModelFileError("is a directory, not a model file", file=str(p))
    if size > MAX_MODEL_BYTES:
        raise ModelFileError(
            f"file is {size} bytes; model files above {MAX_MODEL_BYTES} bytes are refused",
            file=str(p),
        )
    data = p.read_bytes()
    if b"\x00" in data:
        # UTF-16 of mostly-ASCII text: a BOM, or NULs in (nearly) every other byte
        half = len(data) // 2
        zeros = sorted((data[0::2].count(0), data[1::2].count(0)))
        if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (
            half > 0 and zeros[1] >= 0.9 * half and zeros[0] <= 0.1 * half
        ):
            raise ModelFileError("UTF-16 (or UTF-32) text; save the file as UTF-8", file=str(p))
        raise ModelFileError("binary data (NUL bytes): not a text model file", file=str(p))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ModelFileError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
            file=str(p),
            line=line,
        ) from None


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path`` via a temporary file and a rename."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder, flushed to disk, then
    renamed over ``path``: an interrupted write never leaves a truncated file where a good one
    was."""
    p = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", dir=p.parent or ".")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


MAX_BRACKET_DEPTH = 64


def check_bracket_depth(text: str, *, file: str | None, what: str) -> None:
    """Refuse ``[``/``{`` nested deeper than :data:`MAX_BRACKET_DEPTH` before a recursive parser
    (json, tomllib) sees the text: with a raised recursion limit (mpbn raises it to 100,000 on
    import) such input overflows the C stack and kills the process instead of raising
    ``RecursionError``. Quoted strings are skipped; the scan is linear."""
    depth = 0
    line = 1
    quote = ""
    escaped = False
    for char in text:
        if char == "\n":
            line += 1
        if quote:
            if escaped:
                escaped = False
            elif char == "\\" and quote == '"':
                escaped = True
            elif char == quote or char == "\n":
                quote = ""
            continue
        if char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
            if depth > MAX_BRACKET_DEPTH:
                raise ModelFileError(
                    f"{what} nested more than {MAX_BRACKET_DEPTH} levels deep", file=file, line=line
                )
        elif char in "]}":
            depth -= 1
