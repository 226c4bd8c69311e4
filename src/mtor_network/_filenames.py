"""The one place that decides what a file name built from untrusted text may be.

A model's name comes from its file (``[model] name = "../../x"`` in TOML, an SBML ``id``, a
GINsim graph id, an upload's file name): any of them may hold separators, ``..``, control
characters or a thousand characters. Every file name the package builds from such text (export
downloads, temporary files of a writer, screen tables) goes through :func:`safe_stem`, which
keeps letters, digits, ``_``, ``-`` and inner dots, so the result is one plain path component
and never a path.
"""

from __future__ import annotations

import re

MAX_STEM = 64
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def safe_stem(text: object, *, fallback: str = "model", max_length: int = MAX_STEM) -> str:
    """A file-name stem made from ``text``: ASCII letters, digits, ``_``, ``-`` and ``.`` only
    (anything else becomes ``_``), no leading or trailing dot, dash or underscore, at most
    ``max_length`` characters; ``fallback`` when nothing is left.

    >>> safe_stem("../../etc/x")
    'etc_x'
    >>> safe_stem("hr_breast_cancer")
    'hr_breast_cancer'
    >>> safe_stem("...")
    'model'
    """
    stem = _UNSAFE.sub("_", str(text))
    stem = re.sub(r"\.{2,}", "_", stem)[:max_length].strip("._-")
    return stem or fallback


__all__ = ["MAX_STEM", "safe_stem"]
