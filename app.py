"""Start the mtor_network web explorer: ``python app.py`` then open http://127.0.0.1:8050."""

from __future__ import annotations

import argparse
import sys

from mtor_network.webapp import (
    HEAVY_SECONDS,
    MEMORY_MB,
    QUICK_SECONDS,
    SCREEN_SECONDS,
    create_app,
)


def main() -> None:
    parser = argparse.ArgumentParser(description="mtor_network web explorer")
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8050, help="port (default 8050)")
    parser.add_argument("--model", default="hr_breast_cancer", help="bundled model name")
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
    args = parser.parse_args()
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"warning: serving on {args.host}: anyone who can reach this address can use the "
            "app (it has no log-in); the default 127.0.0.1 serves this machine only",
            file=sys.stderr,
        )
    app = create_app(
        args.model,
        quick_seconds=args.timeout,
        heavy_seconds=args.background_timeout,
        screen_seconds=args.screen_timeout,
        memory_mb=args.max_memory,
    )
    app.run(host=args.host, port=args.port, debug=False)


if __name__ == "__main__":
    main()
