"""``python -m mtor_network``: the command line (the same as ``mtor-network``)."""

from .cli import main

raise SystemExit(main())
