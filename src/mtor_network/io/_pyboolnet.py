"""pyboolnet, imported without side effects: the tool of the ``.primes`` format (its prime
implicants) and of the pyboolnet attractor engines, which import :func:`prepare` from here."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from ..network import BooleanNetwork
from .bnet import plain_bnet


def prepare() -> Any:
    """Import pyboolnet without letting it reconfigure logging, and make its NuSMV runnable.

    pyboolnet's bundled NuSMV links ``libreadline.so.6``, shipped next to it; on Debian it also
    needs ``libtinfo5`` (apt). We put the bundled folder on ``LD_LIBRARY_PATH``.
    """
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    guard = logging.NullHandler()  # basicConfig() in pyboolnet is a no-op while root has one
    root.addHandler(guard)
    try:
        import pyboolnet
        import pyboolnet.file_exchange
    finally:
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)
    nusmv_dir = Path(pyboolnet.__file__).parent / "binaries" / "linux64" / "NuSMV-a"
    current = os.environ.get("LD_LIBRARY_PATH", "")
    if str(nusmv_dir) not in current.split(os.pathsep):
        os.environ["LD_LIBRARY_PATH"] = os.pathsep.join(p for p in (str(nusmv_dir), current) if p)
    return pyboolnet


def prime_implicants(network: BooleanNetwork) -> dict[str, Any]:
    """pyboolnet's prime implicants of ``network`` (``bnet2primes``)."""
    pbn = prepare()
    primes: dict[str, Any] = pbn.file_exchange.bnet2primes(plain_bnet(network))
    return primes
