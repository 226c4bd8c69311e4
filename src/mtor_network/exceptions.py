"""One exception root for everything a user can get wrong, with actionable messages."""

from __future__ import annotations

from collections.abc import Iterable


class MtorNetworkError(Exception):
    """Root of every error raised by mtor_network for bad input or impossible requests."""


class ModelFileError(MtorNetworkError):
    """A model file is malformed: names the file, the line (where there are lines), the problem."""

    def __init__(
        self,
        problem: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.problem = problem
        self.file = file
        self.line = line
        self.column = column
        super().__init__(self._format())

    def _format(self) -> str:
        where = self.file or "<text>"
        if self.line is not None:
            where += f", line {self.line}"
            if self.column is not None:
                where += f", column {self.column}"
        return f"{where}: {self.problem}"


class RuleSyntaxError(ModelFileError):
    """An update rule cannot be parsed; carries file, line, column and the offending token."""

    def __init__(
        self,
        problem: str,
        *,
        expression: str,
        position: int,
        token: str | None = None,
        file: str | None = None,
        line: int | None = None,
        target: str | None = None,
    ) -> None:
        self.expression = expression
        self.position = position
        self.token = token
        self.target = target
        detail = problem
        if target:
            detail = f"rule of {target!r}: {problem}"
        detail += f"\n    {expression}\n    {' ' * position}^"
        super().__init__(detail, file=file, line=line, column=position + 1)


def suggest(name: str, candidates: Iterable[str]) -> str:
    """Return ' Did you mean ...?' for names close to ``name`` (case-insensitive), or ''."""
    pool = list(candidates)
    lowered = {c.lower(): c for c in pool}
    import difflib  # here: importing the package stays quick

    close = difflib.get_close_matches(name.lower(), list(lowered), n=3, cutoff=0.6)
    if not close:
        return ""
    return " Did you mean " + " or ".join(repr(lowered[c]) for c in close) + "?"


def listed(names: Iterable[str], limit: int = 12) -> str:
    """``names`` for a message: the first ``limit`` joined by commas, then how many more."""
    items = list(names)
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


class UnknownNameError(MtorNetworkError, KeyError):
    """A node, drug, genotype or model name is not known; suggests the close ones."""

    def __init__(self, kind: str, name: str, candidates: Iterable[str]) -> None:
        self.kind = kind
        self.name = name
        pool = sorted(candidates)
        self.candidates = pool
        message = f"unknown {kind} {name!r}.{suggest(name, pool)}"
        if not pool:
            message += (
                f" This model registers no {kind}s (a registry of drugs, genotypes and "
                "environments comes with the TOML format; other formats carry none): fix "
                "nodes instead (CLI: --knockout / --overexpress)."
                if kind in ("drug", "genotype", "environment")
                else f" There are no {kind}s to choose from."
            )
        elif len(pool) <= 40:
            message += f" Known: {', '.join(pool)}."
        super().__init__(message)

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0])


class AmbiguousNameError(UnknownNameError):
    """A name matches several nodes (or drugs, genotypes, ...) and none exactly; lists them."""

    def __init__(self, kind: str, name: str, matches: Iterable[str]) -> None:
        self.kind = kind
        self.name = name
        self.candidates = sorted(matches)
        listed = ", ".join(repr(m) for m in self.candidates)
        message = f"ambiguous {kind} {name!r}: it matches {listed}; give the exact name"
        KeyError.__init__(self, message)


class UnknownNodeError(UnknownNameError):
    """A node name is not in the network."""

    def __init__(self, name: str, candidates: Iterable[str]) -> None:
        super().__init__("node", name, candidates)


class ConflictingPerturbationError(MtorNetworkError):
    """Two perturbations fix the same node to different values."""


class EngineError(MtorNetworkError):
    """An attractor engine failed or is not available for the requested semantics."""


class MissingDependencyError(MtorNetworkError, ImportError):
    """An optional dependency is not installed; says which extra installs it."""

    def __init__(self, module: str, extra: str, what: str = "") -> None:
        self.module = module
        self.extra = extra
        need = f"{what} needs" if what else "this needs"
        super().__init__(
            f"{need} the optional dependency {module!r}, which is not installed: "
            f'pip install "mtor-network[{extra}]" (in a checkout of the repository: '
            f'pip install -e ".[{extra}]")'
        )


class ScreenError(MtorNetworkError):
    """A screen cannot run as asked (bad output file, settings differ from the file's, ...)."""


class InteropError(MtorNetworkError, ValueError):
    """An object of another tool (biodivine-aeon, minibn, mpbn) cannot be converted: names what
    is missing (e.g. an AEON network with unspecified update functions)."""


class ServerBusy(MtorNetworkError):
    """The web app's background-job slots are all taken, or the tab already runs a job."""


class ScreenStopped(MtorNetworkError):
    """The web app's time budget for a Screen-tab job ran out."""


class MappingError(ModelFileError):
    """A mapping file (our vocabulary on another model's nodes) is malformed, or names a node
    the model lacks: names the file, the line and the problem."""


class NotApplicable(MtorNetworkError):
    """A setting of an evidence case cannot be represented on a mapped model (the reason is
    the message)."""


class CycleTooLarge(MtorNetworkError):
    """A cyclic attractor has too many states (or oscillating nodes) to list and draw them
    (the message says how many, and the bound)."""


class InvalidValuationError(MtorNetworkError, ValueError):
    """A chosen valuation of the free inputs is malformed, names an unknown input, gives a
    value other than 0 or 1, or matches no attractor held (the message says which)."""


class SimulationError(MtorNetworkError, ValueError):
    """Impossible simulation settings (a negative rate, a probability outside [0, 1], ...)."""


class BudgetExceeded(MtorNetworkError):
    """A computation went over its time, memory or size budget, was cancelled, or could not
    start because every worker was busy (``limit``: ``"time"``, ``"memory"``, ``"size"``,
    ``"cancel"`` or ``"busy"``)."""

    def __init__(self, message: str, *, limit: str = "", cancelled: bool = False) -> None:
        super().__init__(message)
        self.limit = limit
        self.cancelled = cancelled


class ModelWarning(UserWarning):
    """A model file was read, but something in it was interpreted (e.g. an implicit input)."""
