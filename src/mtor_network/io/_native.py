"""Native parsers (biodivine-aeon's, libsbml's) recurse on the C stack, one frame per level of
nesting: the Biodivine corpus nests parentheses 10,192 deep (model 248), which overflows the
8 MB stack of the main thread and kills the process. :func:`with_stack` runs such a call in a
thread whose stack is sized by the nesting (a resource bound: at most :data:`MAX_STACK` bytes,
reached only at the parsers' nesting limits)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

SHALLOW = 1_000
"""Up to this nesting a native call runs in the calling thread."""
BYTES_PER_LEVEL = 4 * 1024
"""Stack per level of nesting (biodivine-aeon and libsbml need below 2 KB)."""
MAX_STACK = 512 * 1024 * 1024
"""The largest stack given to one call."""

_LOCK = threading.Lock()


def with_stack(function: Callable[[], T], depth: int) -> T:
    """``function()``, in a thread with a stack for ``depth`` levels of native recursion when
    ``depth`` is above :data:`SHALLOW`; its exception is re-raised in the caller."""
    if depth <= SHALLOW:
        return function()
    size = min(MAX_STACK, 32 * 1024 * 1024 + depth * BYTES_PER_LEVEL)
    out: dict[str, T] = {}
    failed: list[BaseException] = []

    def run() -> None:
        try:
            out["value"] = function()
        except BaseException as exc:  # re-raised in the caller's thread
            failed.append(exc)

    with _LOCK:  # threading.stack_size is process-wide: set it only for this thread
        before = threading.stack_size(size)
        try:
            thread = threading.Thread(target=run, name="mtor-network-native-parse", daemon=True)
            thread.start()
        finally:
            threading.stack_size(before)
    thread.join()
    if failed:
        raise failed[0]
    return out["value"]


def paren_depth(text: str) -> int:
    """The deepest nesting of parentheses in ``text``."""
    depth = deepest = 0
    for char in text:
        if char == "(":
            depth += 1
            if depth > deepest:
                deepest = depth
        elif char == ")":
            depth -= 1
    return deepest


__all__ = ["MAX_STACK", "paren_depth", "with_stack"]
