"""argparse ``type`` functions shared by every command of the CLI: numbers that must be whole,
positive or finite are refused with a message naming the value (``--timeout nan`` must never
silently remove a limit)."""

from __future__ import annotations

import argparse
import math


def seconds_option(text: str) -> float:
    """A finite number of seconds >= 0 (0: no limit); ``nan``, ``inf`` and negatives refused."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number of seconds (0 for no limit), not {text!r}"
        ) from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(
            f"expected a finite number of seconds >= 0 (0 for no limit), not {text!r}"
        )
    return value


def count_option(text: str) -> int:
    """A whole number >= 0."""
    return _whole(text, 0)


def positive_option(text: str) -> int:
    """A whole number >= 1."""
    return _whole(text, 1)


def _whole(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number >= {least}, not {text!r}"
        ) from None
    if value < least:
        raise argparse.ArgumentTypeError(f"expected a whole number >= {least}, not {text!r}")
    return value


__all__ = ["count_option", "positive_option", "seconds_option"]
