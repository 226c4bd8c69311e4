"""Build the API reference of mtor_network as HTML pages with pdoc, from the numpydoc docstrings.

Usage::

    python3 docs/build_api.py OUT_DIR            # the whole package, one page per module
    python3 docs/build_api.py OUT_DIR mtor_network.io mtor_network.attractors

The pages land in ``OUT_DIR`` (``OUT_DIR/mtor_network.html``, ``OUT_DIR/mtor_network/io.html``,
...; open ``OUT_DIR/index.html``). Private modules (``_name``) are left out, as pdoc does. pdoc
is in the ``test`` extra (``pip install -e '.[test]'``).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

PACKAGE = "mtor_network"


def public_modules(package: str = PACKAGE) -> list[str]:
    """``package`` and every public submodule (no ``_`` in any part of its dotted name).

    pdoc follows ``__all__``, which lists functions and classes, not submodules: the modules are
    therefore named explicitly.

    Parameters
    ----------
    package
        A dotted package name.

    Returns
    -------
    list[str]
        Dotted module names, sorted.
    """
    import importlib
    import pkgutil

    root = importlib.import_module(package)
    names = [package]
    for info in pkgutil.walk_packages(root.__path__, prefix=package + "."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return sorted(names)


def build(output: Path, modules: Sequence[str] = (PACKAGE,)) -> list[Path]:
    """Render the API pages of ``modules`` and their public submodules into ``output``.

    Parameters
    ----------
    output
        The folder to write; created if missing.
    modules
        Dotted module names; the default is the whole package.

    Returns
    -------
    list[Path]
        The HTML pages written, sorted.
    """
    try:
        import pdoc
        import pdoc.render
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise SystemExit(
            "pdoc is not installed: pip install pdoc (or the test extra: pip install -e '.[test]')"
        ) from error
    names = sorted({name for module in modules for name in public_modules(module)})
    output.mkdir(parents=True, exist_ok=True)
    pdoc.render.configure(docformat="numpy", show_source=False, search=True)
    with warnings.catch_warnings():
        # a package's spec walks its submodules, which are named again explicitly
        warnings.filterwarnings("ignore", message=".*has already been added", category=UserWarning)
        # the last spec drops what pdoc's own walk adds below a package: private modules
        pdoc.pdoc(*names, r"!.*\._", output_directory=output)
    return sorted(output.rglob("*.html"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the mtor_network API reference (pdoc).")
    parser.add_argument("output", type=Path, help="folder for the HTML pages")
    parser.add_argument(
        "modules", nargs="*", default=[PACKAGE], help=f"modules to document (default: {PACKAGE})"
    )
    args = parser.parse_args(argv)
    pages = build(args.output, args.modules)
    print(f"{len(pages)} pages in {args.output} (open {args.output / 'index.html'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
