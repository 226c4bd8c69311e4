"""Reading model archives (``.zginml``, ``.bnd.zip``) that may be uploads from a browser.

Nothing is extracted: members are read into memory and their names are only ever shown (in
messages, as ``archive!member``), never used as paths. The checks:

- the archive itself: not a zip, truncated, or central-directory offsets pointing outside the
  data (:class:`zipfile.BadZipFile`, :class:`OSError`), and more than ``max_members`` members;
- each member read: encrypted (flag bit 0), a declared size above ``limit``, an unknown
  compression method or a corrupt stream, a CRC mismatch, and a member that inflates past
  ``limit`` whatever size it declares. At most ``limit + 1`` bytes of a member are ever
  decompressed, which is what defuses a zip bomb (deflate cannot exceed ~1000:1, so a ratio test
  would refuse nothing that this bound lets through).
"""

from __future__ import annotations

import io
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from ..exceptions import ModelFileError

_UNREADABLE = (
    zipfile.BadZipFile,
    OSError,  # offsets pointing outside the data
    EOFError,
    NotImplementedError,  # a zip version or feature zipfile does not read
    ValueError,  # UnicodeDecodeError of a member name flagged UTF-8
    OverflowError,
    struct.error,
)
"""What :class:`zipfile.ZipFile` raises for data that is no readable archive."""

MAX_SHOWN_NAME = 120
"""Characters of a member name shown in a message (the rest is elided)."""


def shown_name(name: str) -> str:
    """A member name fit for a one-line message: control and other unprintable characters
    become ``?`` (a name from an upload may hold newlines or terminal escapes), and a name
    longer than :data:`MAX_SHOWN_NAME` characters is cut."""
    cleaned = "".join("?" if unicodedata.category(char).startswith("C") else char for char in name)
    if len(cleaned) > MAX_SHOWN_NAME:
        cleaned = cleaned[: MAX_SHOWN_NAME - 3] + "..."
    return cleaned


def member_file(file: str | None, name: str) -> str:
    """How a message names a member: ``archive!member`` (the member alone without a file)."""
    member = shown_name(name)
    return f"{file}!{member}" if file else member


@contextmanager
def open_zip(
    data: bytes, file: str | None, *, kind: str, max_members: int
) -> Iterator[tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]]:
    """The archive in ``data`` and its members, for reading with :func:`read_member`.

    Parameters
    ----------
    data
        The bytes of the archive (already capped in size by the caller).
    file
        The archive's name in messages.
    kind
        What the archive should be (``".zginml"``), for the message when it is no zip.
    max_members
        The most members accepted.

    Raises
    ------
    ModelFileError
        ``data`` is not a readable zip archive (also when that shows while the ``with`` body
        reads it), or it has more than ``max_members`` members.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _UNREADABLE as exc:  # e.g. "zip file version 7.8", a name that is not UTF-8
        raise ModelFileError(f"not a zip archive ({kind}): {exc}", file=file) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > max_members:
            raise ModelFileError(
                f"the archive has {len(infos)} members; more than {max_members} are refused",
                file=file,
            )
        try:
            yield archive, infos
        except (zipfile.BadZipFile, OSError) as exc:  # OSError: offsets outside the file
            raise ModelFileError(f"not a zip archive ({kind}): {exc}", file=file) from None


def read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, file: str | None, *, limit: int
) -> bytes:
    """The unpacked bytes of the member ``info``, at most ``limit`` of them.

    Raises
    ------
    ModelFileError
        The member is encrypted, declares or inflates to more than ``limit`` bytes, or cannot
        be unpacked (unknown compression, corrupt data, bad CRC, bad local header); the message
        names the member.
    """
    name = shown_name(info.filename)
    if info.file_size > limit:
        raise ModelFileError(
            f"archive member {name!r} unpacks to {info.file_size} bytes; members above "
            f"{limit} bytes are refused",
            file=file,
        )
    if info.flag_bits & 0x1:
        raise ModelFileError(f"archive member {name!r} is encrypted", file=file)
    try:
        with archive.open(info) as handle:
            data = handle.read(limit + 1)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
        RuntimeError,
        ValueError,
        OSError,
    ) as exc:
        raise ModelFileError(
            f"archive member {name!r} cannot be unpacked: {exc}", file=file
        ) from None
    if len(data) > limit:
        raise ModelFileError(
            f"archive member {name!r} unpacks to more than {limit} bytes", file=file
        )
    return data
