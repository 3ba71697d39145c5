"""What every command shares about writing its output."""

from __future__ import annotations

import os
import sys


def stdout_to_devnull() -> None:
    """After stdout failed, point its file descriptor at /dev/null so that the interpreter's own
    flush at exit does not fail a second time (the Python docs' advice for SIGPIPE)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, AttributeError, ValueError):
        pass  # no file descriptor to redirect (stdout replaced or closed): the exit flush has nothing to fail on
