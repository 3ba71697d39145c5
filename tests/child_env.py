"""The environment a test's child `python -m estimator` runs in: the project first on the path, then whatever
PYTHONPATH the test run itself was given (a lent GPU machine reaches some of the requirements only through it)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def child_env(**extra: str) -> dict[str, str]:
    """os.environ with the project's root ahead of the inherited PYTHONPATH, and ``extra`` on top."""
    inherited = os.environ.get("PYTHONPATH", "")
    path = os.pathsep.join(p for p in (str(ROOT), inherited) if p)
    return {**os.environ, **extra, "PYTHONPATH": path}
