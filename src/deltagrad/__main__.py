"""``python -m deltagrad ...``: the same as the ``deltagrad`` command."""

from .cli import main

raise SystemExit(main())
