"""Start the mtor_network web explorer: ``python app.py`` then open http://127.0.0.1:8050."""

from __future__ import annotations

import argparse
import sys

from mtor_network.attractors import set_max_workers
from mtor_network.exceptions import MtorNetworkError
from mtor_network.webapp import (
    HEAVY_SECONDS,
    LOCAL_HOSTS,
    MAX_JOBS,
    MEMORY_MB,
    QUICK_SECONDS,
    SCREEN_SECONDS,
    SHOWN_ATTRACTORS,
    create_app,
)


def main() -> None:
    parser = argparse.ArgumentParser(description="mtor_network web explorer")
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8050, help="port (default 8050)")
    parser.add_argument(
        "--model",
        default="hr_breast_cancer",
        help="bundled model shown first (users may upload others in their tab)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=QUICK_SECONDS,
        help=f"seconds an attractor search may take on a request (default {QUICK_SECONDS:g}); "
        "a longer one is offered as a background job",
    )
    parser.add_argument(
        "--background-timeout",
        type=float,
        default=HEAVY_SECONDS,
        help=f"seconds for a background attractor search (default {HEAVY_SECONDS:g})",
    )
    parser.add_argument(
        "--screen-timeout",
        type=float,
        default=SCREEN_SECONDS,
        help=f"seconds for a Screen-tab job (default {SCREEN_SECONDS:g})",
    )
    parser.add_argument(
        "--max-memory",
        type=int,
        default=MEMORY_MB,
        help=f"MB of memory one attractor search may use (default {MEMORY_MB})",
    )
    parser.add_argument(
        "--max-jobs",
        type=int,
        default=MAX_JOBS,
        help=f"background jobs (long searches, screens) at once on this server, one per "
        f"browser tab (default {MAX_JOBS}: the number of cores)",
    )
    parser.add_argument(
        "--search-workers",
        type=int,
        default=None,
        help="worker processes that run the requests' attractor searches at once (default: the "
        "number of cores); a request waits for a free one within its time budget",
    )
    parser.add_argument(
        "--max-shown",
        type=int,
        default=SHOWN_ATTRACTORS,
        help=f"attractors a page shows and exports at most (default {SHOWN_ATTRACTORS}; the "
        "count is always exact)",
    )
    parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a host name (or address) browsers may use to reach the app, besides "
        f"{', '.join(LOCAL_HOSTS)} and --host; repeat for several; requests with another Host "
        "header are refused (protection against DNS rebinding)",
    )
    args = parser.parse_args()
    for name, value in (
        ("--timeout", args.timeout),
        ("--background-timeout", args.background_timeout),
        ("--screen-timeout", args.screen_timeout),
    ):
        if not (0 < value < float("inf")):
            parser.error(f"{name} must be a positive number of seconds, not {value}")
    for name, number in (
        ("--max-memory", args.max_memory),
        ("--max-jobs", args.max_jobs),
        ("--max-shown", args.max_shown),
    ):
        if number < 1:
            parser.error(f"{name} must be at least 1, not {number}")
    if args.search_workers is not None:
        if args.search_workers < 1:
            parser.error(f"--search-workers must be at least 1, not {args.search_workers}")
        set_max_workers(args.search_workers)
    hosts = [*LOCAL_HOSTS, *args.allow_host]
    if args.host not in ("0.0.0.0", "::", ""):
        hosts.append(args.host)
    if args.host not in LOCAL_HOSTS:
        print(
            f"warning: serving on {args.host}: anyone who can reach this address can use the "
            "app (it has no log-in); the default 127.0.0.1 serves this machine only. Browsers "
            f"may reach it as: {', '.join(hosts)} (add names with --allow-host NAME)",
            file=sys.stderr,
        )
    try:
        app = create_app(
            args.model,
            quick_seconds=args.timeout,
            heavy_seconds=args.background_timeout,
            screen_seconds=args.screen_timeout,
            memory_mb=args.max_memory,
            max_jobs=args.max_jobs,
            shown_attractors=args.max_shown,
            allowed_hosts=hosts,
        )
    except MtorNetworkError as exc:
        parser.error(str(exc))
    app.run(host=args.host, port=args.port, debug=False)


if __name__ == "__main__":
    main()
