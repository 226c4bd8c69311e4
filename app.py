"""Start the mtor_network web explorer: ``python app.py`` then open http://127.0.0.1:8050."""

from __future__ import annotations

import argparse

from mtor_network.webapp import create_app


def main() -> None:
    parser = argparse.ArgumentParser(description="mtor_network web explorer")
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8050, help="port (default 8050)")
    parser.add_argument("--model", default="hr_breast_cancer", help="bundled model name")
    args = parser.parse_args()
    create_app(args.model).run(host=args.host, port=args.port, debug=False)


if __name__ == "__main__":
    main()
