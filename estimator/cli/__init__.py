"""Command line: ``python -m estimator``. The only place (with the app) that catches the
library's exceptions and turns them into one line ``error: …`` and exit status 2."""

from estimator.cli.main import main

__all__ = ["main"]
