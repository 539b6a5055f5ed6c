"""Entry point of `python -m scoring`."""

from .cli import main

raise SystemExit(main())
