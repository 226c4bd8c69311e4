"""The members of a MaBoSS archive (``.bnd.zip``): one ``.bnd`` and at most one ``.cfg``.

This is what the explorer's MaBoSS export gives (a MaBoSS model is two files), and what a user
gets by zipping a ``.bnd``/``.cfg`` pair, with or without a folder around it. Which members
count:

- the one member whose name ends in ``.bnd`` (any case, in any folder) is the model, and the
  one ending in ``.cfg``, if any, its configuration; their names need not match (MaBoSS is
  given both files by name, ``MaBoSS -c any.cfg model.bnd``);
- folders, macOS metadata (``__MACOSX/`` and ``._*`` resource forks, which Finder's "Compress"
  adds and which end in ``.bnd`` too) and hidden files (``.DS_Store``) are skipped silently;
- any other member (a README, a figure, a model in another format) is ignored with a
  :class:`~mtor_network.exceptions.ModelWarning` naming it: a user who zipped a model's folder
  expects the model to load;
- no ``.bnd``, two ``.bnd`` or two ``.cfg`` members are a
  :class:`~mtor_network.exceptions.ModelFileError` listing what the archive holds.

The archive is checked by :mod:`mtor_network.io._zip` (encrypted, oversized or corrupt members,
zip bombs); each member may unpack to at most :data:`~mtor_network._files.MAX_MODEL_BYTES`, the
size of a ``.bnd`` read from disk. Nothing is written to disk and no member name becomes a path.
"""

from __future__ import annotations

import warnings
import zipfile
from dataclasses import dataclass

from ..._files import MAX_MODEL_BYTES
from ...exceptions import ModelFileError, ModelWarning
from .._zip import member_file, open_zip, read_member, shown_name

MAX_ZIP_MEMBERS = 200
"""The most members a MaBoSS archive may have."""
MAX_LISTED = 10
"""Member names listed in a message."""


@dataclass(frozen=True)
class ArchiveMembers:
    """The ``.bnd`` (and ``.cfg``) of a MaBoSS archive: member names and unpacked bytes."""

    bnd_name: str
    bnd: bytes
    cfg_name: str | None
    cfg: bytes | None


def _skipped(info: zipfile.ZipInfo) -> bool:
    """Folders, macOS metadata and hidden files: not part of any model."""
    name = info.filename.replace("\\", "/")
    parts = [p for p in name.split("/") if p]  # (ZipInfo.is_dir fails on an empty name)
    return name.endswith("/") or not parts or "__MACOSX" in parts or parts[-1].startswith(".")


def _listed(names: list[str]) -> str:
    shown = ", ".join(repr(shown_name(n)) for n in names[:MAX_LISTED])
    more = len(names) - MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "") if names else "nothing"


def archive_members(data: bytes, file: str | None) -> ArchiveMembers:
    """The ``.bnd`` and ``.cfg`` members of the MaBoSS archive ``data`` (see the module).

    Parameters
    ----------
    data
        The bytes of the ``.zip``.
    file
        The archive's name in messages and warnings.

    Returns
    -------
    ArchiveMembers
        The members' names (as in the archive) and unpacked bytes.

    Raises
    ------
    ModelFileError
        Not a zip archive, too many members, no ``.bnd``, several ``.bnd`` or several ``.cfg``
        members, or a member that is encrypted, too large or corrupt.
    """
    with open_zip(data, file, kind=".bnd.zip", max_members=MAX_ZIP_MEMBERS) as (archive, infos):
        kept = [i for i in infos if not _skipped(i)]
        bnds = [i for i in kept if i.filename.lower().endswith(".bnd")]
        cfgs = [i for i in kept if i.filename.lower().endswith(".cfg")]
        others = [i.filename for i in kept if i not in bnds and i not in cfgs]
        if not bnds:
            raise ModelFileError(
                "not a MaBoSS archive: no .bnd member (it holds "
                f"{_listed([i.filename for i in infos])})",
                file=file,
            )
        if len(bnds) > 1:
            raise ModelFileError(
                f"the archive holds {len(bnds)} .bnd files ({_listed([i.filename for i in bnds])});"
                " a MaBoSS archive holds one model: one .bnd and at most one .cfg",
                file=file,
            )
        if len(cfgs) > 1:
            raise ModelFileError(
                f"the archive holds {len(cfgs)} .cfg files ({_listed([i.filename for i in cfgs])});"
                " a MaBoSS archive holds one model: one .bnd and at most one .cfg",
                file=file,
            )
        if others:
            warnings.warn(
                ModelWarning(
                    f"{file or '<archive>'}: members other than the .bnd and .cfg are ignored: "
                    f"{_listed(others)}"
                ),
                stacklevel=3,
            )
        bnd = read_member(archive, bnds[0], file, limit=MAX_MODEL_BYTES)
        cfg = read_member(archive, cfgs[0], file, limit=MAX_MODEL_BYTES) if cfgs else None
    return ArchiveMembers(bnds[0].filename, bnd, cfgs[0].filename if cfgs else None, cfg)


__all__ = ["MAX_ZIP_MEMBERS", "ArchiveMembers", "archive_members", "member_file"]
