"""The portfolio behind ``find_attractors(engine="auto")``: one strategy per query, chosen from
cheap structure, and a race of two strategies where the choice is unclear.

Every strategy answers the same question exactly (the complete set of attractors); they differ
only in cost. The rule, applied to the network left after constant percolation
(:mod:`._reduce`), of ``n`` nodes of which ``k`` are free inputs (rules ``x, x``,
:func:`._inputs.free_inputs`):

=======================  ======================================================================
semantics, structure     strategy
=======================  ======================================================================
asynchronous, k = 0 or   ``plain``: downstream peeling and AEON's symbolic search on the core
n <= PLAIN_NODES, or     (:func:`._aeon.asynchronous`), the fixed-input path; on a tiny
inputs that do not       network one AEON call costs less than splitting it. The probe: the
shrink the core          network with every input at 0, percolated, still has more than
                         PROBE_NODES nodes and PROBE_SHARE of ``n`` (BBM 226: 64 of 75 nodes
                         left, each valuation as hard as the whole; AEON 9.8 s, the split
                         over 128 valuations timed out at 10 s); from BALM_WHOLE_NODES
                         nodes such a whole search goes to ``valuations`` instead. Except the
                         small probe: with 1 to SMALL_PROBE_INPUTS free inputs on
                         n <= PLAIN_NODES, a network that every valuation shrinks
                         (:func:`shrinks_everywhere`) goes to ``valuations``.
asynchronous,            ``valuations``: the input valuations as a tree, each percolated and
1 <= k <= VALUATION_     its residual searched by the fixed-input path, or by ``balm`` where
INPUTS                   it has a cyclic core (:func:`_residual`); residuals met twice
                         are searched once (:func:`._inputs.by_valuation`). On model 2.0 with
                         its 12 inputs free, 4,096 valuations leave 14 distinct residuals.
                         The colored probe (3-4 inputs, small networks): valuations that
                         leave mostly distinct residuals go to ``colored`` instead.
asynchronous,            ``colored``: AEON's colored search, the inputs inlined as parameters,
k > VALUATION_INPUTS     split per valuation (:func:`._inputs.colored_asynchronous`): one
                         symbolic search instead of ``2**k``.
asynchronous, k = 0      ``balm``: biobalm's succession diagram names one seed state per
and a cyclic core        attractor, AEON's forward reachability from it in the network
(:func:`cyclic_core`)    percolated to its trap space gives the attractor exactly
                         (:mod:`._balm`). Without free inputs, a diagram past
                         BALM_DIAGRAM_NODES nodes sends the search to ``plain``. A search
                         with free inputs that would otherwise go whole (n >=
                         BALM_WHOLE_NODES, or k <= BALM_WHOLE_INPUTS and a cyclic probe)
                         goes to ``valuations``, whose residuals with a cyclic core go to
                         ``balm`` one by one.
synchronous              ``plain`` (AEON image iteration).
most_permissive          ``valuations`` for MP_VALUATION_INPUTS to VALUATION_INPUTS free
                         inputs (each minimal trap space fixes every free input, so the
                         minimal trap spaces are the union over the valuations of those of
                         the network with its inputs fixed) unless the probe says whole,
                         else ``plain``. Each network searched goes to :func:`mp_engine`:
                         AEON's symbolic trap spaces up to MP_SYMBOLIC_NODES nodes (up
                         to MP_SYMBOLIC_INPUT_NODES with 3 or more free inputs), an
                         answer-set program (clingo) above it.
=======================  ======================================================================

Most-permissive engines, measured on the cores of 40 BBM models (inputs free and fixed to 0;
one process, 2 cores, 2026-12-01): AEON's symbolic minimal trap spaces
(:func:`._aeon.minimal_trap_spaces`) are 1.5-3x faster than either answer-set program on
cores of up to 20 nodes (typically 4-10 ms against 15-25 ms; at 20-30 nodes either may
win), but fall far behind on some large cyclic cores (BBM 204: 1.3 s against 55 ms; 226:
560 against 40 ms). Between the answer-set programs, mpbn's encoding (the DNF of each
function, a BDD where it is not unate) grounds far smaller programs than biobalm's Trappist
Petri net (the DNFs of ``f & !x`` and ``!f & x``): BBM 075 (47 nodes, no inputs) 116 ms
against 792 ms, and 204, 226, 178, 202 alike. So above MP_SYMBOLIC_NODES the ASP engine is
mpbn when it is installed (the optional extra ``mpbn``; its import costs about 1.3 s once
per process, for pandas) and Trappist otherwise. mpbn gets each rule's DNF ready
(:mod:`._mpbn`): from rule text it spent more on the DNFs than on the search (BBM 075: 45 of
85 ms; 67 against 44 ms CPU with the DNFs handed over, mpbn's own search 36 ms).

Measured on the Biodivine Boolean Models with free inputs (one process, 2 cores): over 60
models of 10-40 nodes with 1-12 free inputs, ``valuations`` was fastest on about half,
``colored`` on a quarter (models whose residuals stay distinct: 066, 139, 062), ``plain`` on the
rest (a few inputs feeding large cyclic cores), often within a factor of 2 of each other and
never predictable from ``n`` and ``k`` alone. So where the choice is unclear (asynchronous,
``n > PLAIN_NODES`` and ``k >= RACE_MIN_INPUTS``) and the search runs in budgeted workers
(:mod:`._budget`) with a second worker and a core free (no busy worker, load average below the
cores minus one), ``valuations`` and ``colored`` race in two killable workers; the first answer
is kept and the other worker is killed through its cancel hook (:func:`rivals`: the rule's
pick against ``colored``, or ``colored`` against ``valuations``). Without a budget the search
runs in this process with the rule's pick.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

from ..network import BooleanNetwork
from ._inputs import RawAttractor, by_valuation, colored_asynchronous, free_inputs, valuations

VALUATION_INPUTS = 14
"""Free inputs up to which the valuations are enumerated (a tree of at most ``2**14``
leaves, each a percolation and usually a memo hit); above it the colored search."""
PLAIN_NODES = 12
"""Networks (after percolation) up to this size are searched whole, inputs and all."""
SMALL_PROBE_INPUTS = 2
"""Free inputs up to which a network of at most PLAIN_NODES nodes is split by valuation
instead of searched whole when every valuation's percolation fixes a node besides the inputs
(:func:`shrinks_everywhere`): then each residual is smaller than the core, some percolate
away, and AEON's fixed cost per search (about 1 ms even on 5 nodes) is paid on fewer, smaller
networks. On the 15 BBM models of 6-12 nodes with 1-4 free inputs (2026-12-02, one niced
process, CPU time, median of 11) the split was faster than the whole search on the 9 that
shrink everywhere (029, 097, 169: every valuation percolates away, 1.5-4.4x; 095, 133, 165,
180, 189, 170: 1.1-1.9x; 064 within 3%) and slower on 3 of the 6 that do not (172, 184, 186:
0.7-0.85x). The probe costs one percolation per valuation: with 3-4 inputs (8-16 of them)
it cost more than the split saved (170, 165, 186)."""
PROBE_NODES = 40
PROBE_SHARE = 0.75
"""The probe's bounds: inputs at 0 leaving more nodes than both send the search whole."""
RACE_MIN_INPUTS = 3
"""Free inputs from which the two strategies race when a second core is free."""
COLORED_MIN_INPUTS = 3
COLORED_PROBE_INPUTS = 4
COLORED_NODES = 24
COLORED_SHARE = 0.75
"""The colored probe: with 3-4 free inputs on a network of at most 24 nodes whose valuations
leave at least 3/4 as many distinct residual networks as there are valuations (little to
share), one colored search beats the split (BBM 040: 14 distinct of 16, colored 30-100 ms
against 67-214 ms; 068: 16 of 16, 47 against 176 ms; 104: 8 of 8, 26 against 46 ms). At half
(024: 9 of 16, 089, 090) either may win; larger networks (011, 073) favour the split."""
MP_SYMBOLIC_NODES = 20
"""Networks up to this size get AEON's symbolic minimal trap spaces; larger ones an
answer-set program (:func:`mp_engine`)."""
MP_SYMBOLIC_INPUT_NODES = 30
MP_SYMBOLIC_MIN_INPUTS = 3
"""Networks of MP_SYMBOLIC_NODES to this size with at least MP_SYMBOLIC_MIN_INPUTS free inputs
(searched whole: fewer than MP_VALUATION_INPUTS, or the probe) also get AEON's symbolic
minimal trap spaces. Free inputs multiply the minimal trap spaces, and mpbn pays Python for
each answer set: on the 11 BBM models of 21-30 nodes with 3-5 free inputs (2026-12-02, one
niced process, median of 3) AEON was faster on 10 (mpbn/AEON 1.0-6.6x: 040 1.98x, 034 6.55x
with 2,363 spaces), slower on one (008, 0.76x). With 0-2 inputs the engines split evenly
(0.27-1.94x), and above 30 nodes mpbn mostly wins (011, 032, 183, 190: 0.10-0.37x)."""
MP_VALUATION_INPUTS = 6
"""Free inputs from which minimal trap spaces are split by valuation: each search costs a
few ms even on a tiny residual, so with fewer inputs one search over everything is faster."""
BALM_SCC_NODES = 40
BALM_SCC_SHARE = 0.7
"""Networks without free inputs whose largest strongly connected component has at least
BALM_SCC_NODES nodes and BALM_SCC_SHARE of the network (:func:`cyclic_core`) go to biobalm's
succession diagram (:mod:`._balm`), up to BALM_DIAGRAM_NODES diagram nodes. AEON's search
(even along the SCC decomposition, :mod:`._scc`) pays for that component's whole BDD, biobalm
for its trap spaces. Measured on the 63 BBM cases of 30-214 nodes without free inputs (inputs
fixed to 0, or none) and the random networks (2026-12-02, one niced process, 8 s limit):
every case biobalm won by 1.5x or more has such a core (random N=50-200, BBM 051, 075, 146,
148, 197, 209, 211, 224), and the cases AEON won by 2x or more without one have a core below
40 nodes or 70% (221: 6 of 190 nodes, AEON 0.16 s, biobalm over 8 s; 226: 41 of 64; 243,
252: under a third)."""
BALM_DIAGRAM_NODES = 32
"""Most succession-diagram nodes biobalm expands for a network without free inputs before the
search goes to AEON instead (``plain``): biobalm pays per node (its candidate states and
checks), and every case AEON won with a cyclic core needed more (046: 100 nodes, AEON 0.41 s,
biobalm 2.1 s; 092: 112; 078: 94 attractors, biobalm over 8 s; 284: 39), every case biobalm
won at most 24 (231; random networks 3-10)."""
BALM_RACE_NODES = 40
"""Networks without free inputs from this size race AEON's search against biobalm's where a
second core is free: neither wins by size alone (random networks of 50 nodes: biobalm 0.1-0.5
s, AEON 1.7 s; BBM 226 with its inputs at 0, 64 nodes: AEON 0.37 s, biobalm 2.4 s)."""
BALM_WHOLE_NODES = 80
"""Networks with free inputs that the probe would search whole, from this size, are split by
valuation instead, each residual with a cyclic core going to biobalm (:func:`_residual`).
Until 2026-12-02 they went whole to biobalm's succession diagram, which expands the inputs
as source nodes; measured then on the 12 BBM models the rule sent there (wall s, one niced
process, whole biobalm / split): 046 3.1 / 0.69, 051 0.94 / 0.86, 204 0.93 / 0.75, Sizek
2019 (209) 3.2 / 2.3, 224 37 / 8.2, Taoma 2024 (231) 37 / 4.0, 232 over 60 / 43, 234 over
60 / 21; 002, 079, 280 and 283 finished in neither within 60 s. Below this size such a
network stays whole with AEON (BBM 226, 75 nodes, 7 free: 0.4-6 s) unless its probe has a
cyclic core (:func:`cyclic_core`): BBM 204 (77 nodes, 1 free input; at 0, 67 of 70 nodes in
one component; AEON's whole search did not finish in 300 s), not 226 (41 of 64)."""
BALM_WHOLE_INPUTS = 2
"""Free inputs up to which a whole search below BALM_WHOLE_NODES nodes whose probe has a
cyclic core is split by valuation (residuals with a cyclic core to biobalm) rather than left
to AEON's whole search: BBM 204 (1 free input) and Sizek 2019 (2) answer so in under 1 s and
in 2-3 s, where AEON's whole search did not finish; BBM 025 (60 nodes, 6 free inputs, 52
left in one cyclic core with the inputs at 0) timed out at 10 s in biobalm, while AEON's
whole search answered in 9.5 s (2026-12-02, seed 7 sample)."""
STRATEGIES = ("plain", "valuations", "colored", "balm")


def asp_engine() -> str:
    """The answer-set engine for minimal trap spaces: ``"mpbn"`` when it is installed (its
    encoding grounds smaller programs), else ``"biobalm"`` (Trappist, in the base install)."""
    from importlib.util import find_spec

    return "mpbn" if find_spec("mpbn") is not None else "biobalm"


def mp_engine(network: BooleanNetwork) -> str:
    """The engine for the minimal trap spaces of ``network`` (percolated, any free inputs
    fixed or kept): ``"aeon"`` up to :data:`MP_SYMBOLIC_NODES` nodes, or up to
    :data:`MP_SYMBOLIC_INPUT_NODES` with at least :data:`MP_SYMBOLIC_MIN_INPUTS` free inputs;
    else :func:`asp_engine`.

    Parameters
    ----------
    network : BooleanNetwork
        The network searched.

    Returns
    -------
    str
        An engine name of ``ENGINES["most_permissive"]``.
    """
    n = len(network)
    if n <= MP_SYMBOLIC_NODES:
        return "aeon"
    if n <= MP_SYMBOLIC_INPUT_NODES and len(free_inputs(network)) >= MP_SYMBOLIC_MIN_INPUTS:
        return "aeon"
    return asp_engine()


def choose(network: BooleanNetwork, semantics: str) -> str:
    """The strategy for the percolated ``network`` under ``semantics`` (the module's rule).

    Parameters
    ----------
    network : BooleanNetwork
        The network left after constant percolation.
    semantics : str
        The update semantics.

    Returns
    -------
    str
        One of :data:`STRATEGIES`.
    """
    if semantics not in ("asynchronous", "most_permissive"):
        return "plain"
    inputs = free_inputs(network)
    k = len(inputs)
    if semantics == "asynchronous" and k == 0 and cyclic_core(network):
        return "balm"
    if (
        semantics == "asynchronous"
        and 1 <= k <= SMALL_PROBE_INPUTS
        and len(network) <= PLAIN_NODES
        and shrinks_everywhere(network)
    ):
        return "valuations"
    if k == 0 or len(network) <= PLAIN_NODES:
        return "plain"
    if semantics == "most_permissive" and k < MP_VALUATION_INPUTS:
        return "plain"
    if k > VALUATION_INPUTS:
        return "colored" if semantics == "asynchronous" else "plain"
    from ._reduce import percolate

    probe = percolate(network, dict.fromkeys(inputs, False))[1]
    left = 0 if probe is None else len(probe)
    if left > PROBE_NODES and left > PROBE_SHARE * len(network):
        # large, or a cyclic core with few inputs: split anyway, cores to biobalm one by one
        split = semantics == "asynchronous" and (
            len(network) >= BALM_WHOLE_NODES
            or (k <= BALM_WHOLE_INPUTS and probe is not None and cyclic_core(probe))
        )
        return "valuations" if split else "plain"
    if (
        semantics == "asynchronous"
        and COLORED_MIN_INPUTS <= k <= COLORED_PROBE_INPUTS
        and len(network) <= COLORED_NODES
        and distinct_residuals(network) >= COLORED_SHARE * 2**k
    ):
        return "colored"
    return "valuations"


def cyclic_core(network: BooleanNetwork) -> bool:
    """True when the largest strongly connected component of the regulatory graph of
    ``network`` has at least :data:`BALM_SCC_NODES` nodes and :data:`BALM_SCC_SHARE` of
    them (the ``balm`` rule for networks without free inputs).

    Parameters
    ----------
    network : BooleanNetwork
        The network left after constant percolation.

    Returns
    -------
    bool
        Whether the network is mostly one large cycle structure.
    """
    n = len(network)
    if n < BALM_SCC_NODES:
        return False
    from ._scc import components

    largest = max(len(c) for c in components(network))
    return largest >= BALM_SCC_NODES and largest >= BALM_SCC_SHARE * n


def min_attractors(network: BooleanNetwork) -> int:
    """A lower bound on the asynchronous (and most-permissive) attractors of the percolated
    ``network``, known before any search: ``2**k`` for its ``k`` free inputs.

    A free input (rule ``x, x``) never changes, so the state space splits into ``2**k``
    closed subspaces, one per input valuation, and each holds at least one attractor (and
    one minimal trap space). Zañudo 2021 (26 free inputs) has at least 67,108,864: no engine
    can list them within a query's limit, so a caller can say so, or ask for inputs to be
    fixed, before searching.

    Parameters
    ----------
    network : BooleanNetwork
        The network left after constant percolation.

    Returns
    -------
    int
        ``2**k``.
    """
    return 1 << len(free_inputs(network))


def shrinks_everywhere(network: BooleanNetwork) -> bool:
    """True when, under every valuation of its free inputs, constant percolation of
    ``network`` fixes at least one node besides the inputs (the first round of each
    percolation, :func:`._reduce.fixes_a_node`, stopping at the first valuation that fixes
    none).

    Parameters
    ----------
    network : BooleanNetwork
        The network left after constant percolation, with free inputs.

    Returns
    -------
    bool
        Whether every residual network is smaller than the core.
    """
    from ._reduce import fixes_a_node

    return all(fixes_a_node(network, v) for v in valuations(free_inputs(network)))


def distinct_residuals(network: BooleanNetwork) -> int:
    """How many distinct networks without free inputs the valuation tree of ``network``
    leaves to search (:func:`._inputs.by_valuation` with a search that only counts: the
    percolations, no engine)."""
    count = 0

    def tally(residual: BooleanNetwork) -> list[RawAttractor]:
        nonlocal count
        count += 1
        return []

    by_valuation(network, tally)
    return count


def rivals(network: BooleanNetwork, semantics: str) -> list[str]:
    """The two strategies a race runs on the percolated ``network``: the rule's pick and
    ``colored`` (``valuations`` when the pick is ``colored``); without free inputs, AEON's
    search (``plain``) and biobalm's (``balm``)."""
    pick = choose(network, semantics)
    if not free_inputs(network) or pick == "balm":
        return [pick, "plain" if pick == "balm" else "balm"]
    return [pick, "valuations" if pick == "colored" else "colored"]


def unclear(network: BooleanNetwork, semantics: str) -> bool:
    """True when two strategies are worth racing on the percolated ``network``."""
    if semantics != "asynchronous":
        return False
    k = len(free_inputs(network))
    if k == 0:
        return len(network) > BALM_RACE_NODES
    return len(network) > PLAIN_NODES and k >= RACE_MIN_INPUTS


def run_strategy(
    strategy: str,
    network: BooleanNetwork,
    solve_fixed: Callable[[BooleanNetwork], list[RawAttractor]],
) -> list[RawAttractor]:
    """Run one asynchronous ``strategy`` on the percolated ``network``.

    Parameters
    ----------
    strategy : str
        One of :data:`STRATEGIES`.
    network : BooleanNetwork
        The network left after constant percolation.
    solve_fixed : callable
        The fixed-input search (the caller's memoised ``plain`` engine).

    Returns
    -------
    list of RawAttractor
        The attractors over the nodes of ``network``.
    """
    if strategy == "plain":
        return solve_fixed(network)
    if strategy == "valuations":
        return by_valuation(network, lambda residual: _residual(residual, solve_fixed))
    if strategy == "colored":
        return colored_asynchronous(network)
    if strategy == "balm":
        from . import _balm
        from ._jobs import _under_safe_names

        limit = None if free_inputs(network) else BALM_DIAGRAM_NODES
        try:
            return _under_safe_names(
                lambda net: _balm.asynchronous(net, size_limit=limit), always=True
            )(network)
        except _balm.DiagramTooLarge:
            return solve_fixed(network)
    raise KeyError(f"unknown strategy {strategy!r}; choose one of {', '.join(STRATEGIES)}")


def _residual(
    residual: BooleanNetwork, solve_fixed: Callable[[BooleanNetwork], list[RawAttractor]]
) -> list[RawAttractor]:
    """One valuation's residual network (no free inputs) by the rule for such networks: a
    cyclic core (:func:`cyclic_core`) goes to ``balm``, anything else to the fixed-input
    search. BBM 145 (62 nodes, 1 free input): at 0 the network percolates away, at 1 a core
    of 51 nodes is left, which AEON did not search in 10 s and biobalm answers in 0.14 s."""
    if cyclic_core(residual):
        return run_strategy("balm", residual, solve_fixed)
    return solve_fixed(residual)


def core_free() -> bool:
    """True when a second search worker may run without slowing the first: at least two
    cores and workers, no search worker busy and the load average below the cores minus one."""
    from . import _budget

    cores = os.cpu_count() or 1
    if cores < 2 or _budget.MAX_WORKERS < 2:
        return False
    if _budget.worker_pids()["busy"]:
        return False
    try:
        load = os.getloadavg()[0]
    except OSError:
        return True
    return load < cores - 1


def race(
    jobs: list[bytes],
    run: Callable[[bytes, Callable[[], bool]], dict[str, Any]],
    cancel: Callable[[], bool] | None,
) -> dict[str, Any]:
    """The first reply of ``jobs`` run at once, each by ``run(job, cancel)`` in a thread; the
    others are cancelled (their workers killed) as soon as one answers.

    Parameters
    ----------
    jobs : list of bytes
        Encoded jobs answering the same question.
    run : callable
        ``run(job, cancel)``: one budgeted job (:func:`._budget.run_budgeted`), raising on
        failure.
    cancel : callable, optional
        The caller's own cancel hook, passed on to every job.

    Returns
    -------
    dict
        The first successful reply.

    Raises
    ------
    Exception
        What the last job raised, when none answered.
    """
    done = threading.Event()
    lock = threading.Lock()
    replies: list[dict[str, Any]] = []
    errors: list[BaseException] = []

    def stop() -> bool:
        return done.is_set() or (cancel is not None and cancel())

    def one(job: bytes) -> None:
        try:
            reply = run(job, stop)
        except BaseException as exc:  # recorded; raised if no job answers
            with lock:
                errors.append(exc)
                if len(errors) == len(jobs):
                    done.set()
            return
        with lock:
            if not replies:
                replies.append(reply)
            done.set()

    threads = [threading.Thread(target=one, args=(job,), daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    while not done.wait(0.05):
        pass
    for thread in threads:
        thread.join()
    if replies:
        return replies[0]
    real = [e for e in errors if not getattr(e, "cancelled", False)]
    raise (real or errors)[0]


__all__ = [
    "BALM_DIAGRAM_NODES",
    "BALM_RACE_NODES",
    "BALM_SCC_NODES",
    "BALM_SCC_SHARE",
    "BALM_WHOLE_INPUTS",
    "BALM_WHOLE_NODES",
    "COLORED_MIN_INPUTS",
    "COLORED_NODES",
    "COLORED_PROBE_INPUTS",
    "COLORED_SHARE",
    "MP_SYMBOLIC_INPUT_NODES",
    "MP_SYMBOLIC_MIN_INPUTS",
    "MP_SYMBOLIC_NODES",
    "MP_VALUATION_INPUTS",
    "PLAIN_NODES",
    "PROBE_NODES",
    "PROBE_SHARE",
    "RACE_MIN_INPUTS",
    "SMALL_PROBE_INPUTS",
    "STRATEGIES",
    "VALUATION_INPUTS",
    "asp_engine",
    "choose",
    "core_free",
    "cyclic_core",
    "distinct_residuals",
    "min_attractors",
    "mp_engine",
    "race",
    "rivals",
    "run_strategy",
    "shrinks_everywhere",
    "unclear",
]
