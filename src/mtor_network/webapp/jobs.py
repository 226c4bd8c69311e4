"""Caps on the web app's background jobs: a number per server and one per browser tab.

Dash runs each background callback in a process of its own, so the cap cannot be a lock in one
process: it is a set of slot files in the jobs folder, each held with ``flock`` while a job
runs. The kernel drops a lock when its holder dies, so a killed job never keeps its slot. A
browser tab holds at most one slot at a time (its tab id, hashed, names a lock file that lives
only while the job runs); a tab id is only a courtesy bound (a client can send any), the server
cap is the hard one.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from ..exceptions import ServerBusy


def _try_lock(path: Path) -> int | None:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


class JobSlots:
    """At most ``limit`` background jobs at once across every process that shares ``folder``,
    and one per tab.

    Parameters
    ----------
    folder
        A private folder of the server (the app's jobs folder).
    limit
        Jobs that may run at once.
    """

    def __init__(self, folder: str | Path, limit: int) -> None:
        if limit < 1:
            raise ValueError(f"limit must be at least 1, not {limit!r}")
        self.folder = Path(folder) / "slots"
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.limit = limit

    @contextmanager
    def hold(self, tab: object) -> Iterator[None]:
        """Hold one slot while the ``with`` body runs; :class:`ServerBusy` if none is free or
        ``tab`` holds one already."""
        digest = hashlib.sha256(str(tab).encode("utf-8", "replace")).hexdigest()[:32]
        tab_path = self.folder / f"tab-{digest}"
        tab_fd = _try_lock(tab_path)
        if tab_fd is None:
            raise ServerBusy(
                "this tab already runs a background job; wait for it or cancel it first"
            )
        slot_fd = None
        try:
            for index in range(self.limit):
                slot_fd = _try_lock(self.folder / f"slot-{index}")
                if slot_fd is not None:
                    break
            if slot_fd is None:
                raise ServerBusy(
                    f"the server is busy: all {self.limit} background job slot(s) are in use. "
                    "Try again in a minute."
                )
            yield
        finally:
            if slot_fd is not None:
                os.close(slot_fd)
            with suppress(OSError):
                tab_path.unlink()
            os.close(tab_fd)

    def in_use(self) -> int:
        """Slots held now (by any process)."""
        held = 0
        for index in range(self.limit):
            fd = _try_lock(self.folder / f"slot-{index}")
            if fd is None:
                held += 1
            else:
                os.close(fd)
        return held


__all__ = ["JobSlots", "ServerBusy"]
