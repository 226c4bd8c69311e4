"""``python -m mtor_network.cli``: the command line."""

from . import main

raise SystemExit(main())
