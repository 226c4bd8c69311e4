"""Shared file helpers for readers and writers: bounded reads of regular files only, and atomic
writes that keep the file's mode and write through symlinks."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Sequence
from pathlib import Path

from .exceptions import ModelFileError

MAX_MODEL_BYTES = 20 * 1024 * 1024

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _not_regular(mode: int) -> str | None:
    """What a non-regular file is ("a FIFO (named pipe)", ...), or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return "not a regular file"  # pragma: no cover - every kind is listed above


def _refuse(kind: str, file: str) -> ModelFileError:
    return ModelFileError(f"is {kind}, not a model file (only regular files are read)", file=file)


def read_bytes(path: str | Path, *, limit: int = MAX_MODEL_BYTES) -> bytes:
    """The bytes of the regular file ``path`` (after following symlinks), at most ``limit``.

    A directory, FIFO, device or socket is refused with a :class:`ModelFileError` naming the
    file, without opening it for reading (opening a FIFO blocks): the type is checked with
    :func:`os.stat` first, the file is then opened with ``O_NONBLOCK`` and checked again on the
    open descriptor (closing the race of a file swapped in between). At most ``limit + 1`` bytes
    are read, whatever the size the file claims, so a file that grows or lies is refused too.

    Parameters
    ----------
    path
        The file to read.
    limit
        The largest size accepted, in bytes.

    Returns
    -------
    bytes
        The content of the file.

    Raises
    ------
    ModelFileError
        The file is missing, unreadable, not a regular file or larger than ``limit``.
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a str or a Path, not {type(path).__name__}")
    p = Path(path)
    file = str(p)
    try:
        info = os.stat(p)
    except FileNotFoundError:
        raise ModelFileError("file not found", file=file) from None
    except OSError as exc:
        raise ModelFileError(f"cannot read file: {exc.strerror}", file=file) from None
    kind = _not_regular(info.st_mode)
    if kind:
        raise _refuse(kind, file)
    if info.st_size > limit:
        raise ModelFileError(
            f"file is {info.st_size} bytes; model files above {limit} bytes are refused",
            file=file,
        )
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(p, flags)
    except OSError as exc:
        raise ModelFileError(f"cannot read file: {exc.strerror}", file=file) from None
    with open(fd, "rb", closefd=True) as handle:
        kind = _not_regular(os.fstat(fd).st_mode)
        if kind:
            raise _refuse(kind, file)
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise ModelFileError(f"cannot read file: {exc.strerror}", file=file) from None
    if len(data) > limit:
        raise ModelFileError(
            f"file is larger than {limit} bytes; model files above {limit} bytes are refused",
            file=file,
        )
    return data


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


def read_text(path: str | Path) -> str:
    """Read a UTF-8 text model file with clear errors.

    Parameters
    ----------
    path
        The file to read; it must be a regular file (see :func:`read_bytes`).

    Returns
    -------
    str
        The text, without a UTF-8 byte order mark.

    Raises
    ------
    ModelFileError
        The file is missing, not a regular file, too large, binary or not UTF-8.
    """
    p = Path(path) if isinstance(path, str | os.PathLike) else path
    return decode_text(read_bytes(p), str(p))


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path`` atomically.

    Parameters
    ----------
    path
        The file to write (see :func:`write_files_atomic`).
    text
        The text to write.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    write_files_atomic([(path, text.encode("utf-8"))])


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`write_files_atomic`).

    Parameters
    ----------
    path
        The file to write.
    data
        The bytes to write.
    """
    write_files_atomic([(path, data)])


def _write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` to ``fd`` (``os.write`` may write fewer)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _destination(path: str | Path) -> Path:
    """Where writing ``path`` lands: the final target of a symlink (the link stays a link)."""
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a str or a Path, not {type(path).__name__}")
    p = Path(path)
    return Path(os.path.realpath(p)) if p.is_symlink() else p


def _temporary(target: Path) -> tuple[int, Path]:
    """A new file beside ``target``, created with mode 0666 less the umask (as ``open`` does)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = target.parent / f".{target.name[:200]}.{_token()}.tmp"
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
        except OSError as exc:  # name the file asked for, not the temporary one
            if exc.errno == errno.ENOENT:
                raise FileNotFoundError(
                    errno.ENOENT, "the folder does not exist", str(target.parent)
                ) from None
            raise OSError(exc.errno, exc.strerror, str(target)) from None
    raise FileExistsError(f"cannot create a temporary file beside {target}")  # pragma: no cover


def write_files_atomic(items: Sequence[tuple[str | Path, bytes]]) -> None:
    """Write several files so that each is either its old content or its new one, complete.

    Every file is first written in full to a temporary file in its folder and flushed to disk;
    only when all of them are written are they renamed over their targets. So an interrupted
    write or a full disk never leaves a truncated file, nor one new file of a pair (a MaBoSS
    ``.bnd`` without its ``.cfg``) beside the other one's old content.

    A new file gets the mode that the umask gives (``0666 & ~umask``, as ``open`` does); a
    replaced file keeps its mode. A symlink is written through: its target is replaced and the
    link stays. An existing device or FIFO (``/dev/stdout``) is written directly, as no rename
    can replace it; a directory is refused.

    Parameters
    ----------
    items
        ``(path, data)`` pairs.

    Raises
    ------
    IsADirectoryError
        A path is an existing directory.
    OSError
        A file cannot be written (no permission, disk full, ...); no target has changed then.
    """
    plan: list[tuple[Path, bytes, bool]] = []  # target, data, atomic
    for path, data in items:
        if not isinstance(data, bytes | bytearray | memoryview):
            raise TypeError(f"data for {path} must be bytes, not {type(data).__name__}")
        target = _destination(path)
        try:
            mode: int | None = os.stat(target).st_mode
        except FileNotFoundError:
            mode = None
        if mode is not None and stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "is a directory, not a file", str(path))
        plan.append((target, bytes(data), mode is None or stat.S_ISREG(mode)))
    temporaries: list[tuple[Path, Path]] = []
    try:
        for target, data, atomic in plan:
            if not atomic:
                continue
            fd, tmp = _temporary(target)
            temporaries.append((tmp, target))
            try:
                with contextlib.suppress(FileNotFoundError):  # a new file: the umask's mode
                    os.fchmod(fd, stat.S_IMODE(os.stat(target).st_mode))
                _write_all(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
        for tmp, target in temporaries:
            os.replace(tmp, target)
    except BaseException:
        for tmp, _ in temporaries:
            tmp.unlink(missing_ok=True)
        raise
    for target, data, atomic in plan:
        if not atomic:
            with open(target, "wb") as handle:
                handle.write(data)


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


def _token() -> str:
    """A random suffix for a temporary file (``secrets`` is imported on first write: it loads
    ``hashlib``, which ``mtor-network --help`` does not need)."""
    import secrets

    return secrets.token_hex(6)
