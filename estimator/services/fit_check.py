"""``fit-utilization --check`` and ``fit-serving --check``: is the shipped fit what a fresh fit
of the data writes? One check for both fits, so that they read and compare the same way."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from estimator.core.base.errors import DataFileError
from estimator.io import safe_read

SHOWN_FIELDS = 5  # the differing fields named in the message; "…" says there are more


def check_fit(path: Path, fresh: Mapping[str, Any], fit_command: str) -> None:
    """Nothing when the shipped fit at ``path`` matches ``fresh`` (``stale_fields``);
    a DataFileError naming the file, the fields that differ and the command that re-creates it."""
    shipped = safe_read.read_data_json(path, f"re-create it with `{fit_command}`")
    stale = stale_fields(fresh, shipped)
    if stale:
        more = " …" if len(stale) > SHOWN_FIELDS else ""
        raise DataFileError(f"{path} differs from a fresh fit in {', '.join(stale[:SHOWN_FIELDS])}{more}; "
                            f"run `{fit_command}` and commit the file")


def stale_fields(document: Mapping[str, Any], shipped: Mapping[str, Any], rel_tol: float = 1e-6) -> list[str]:
    """Where a fresh fit differs from the shipped file (empty: the shipped fit is current)."""
    out: list[str] = []

    def walk(a, b, where):
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            for k in set(a) | set(b):
                if k == "about":
                    continue
                if k not in a or k not in b:
                    out.append(f"{where}{k}")
                else:
                    walk(a[k], b[k], f"{where}{k}.")
        elif isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                out.append(where.rstrip("."))
            else:
                for i, (x, y) in enumerate(zip(a, b)):
                    walk(x, y, f"{where}{i}.")
        elif isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
            if abs(a - b) > rel_tol * max(1.0, abs(a), abs(b)):
                out.append(where.rstrip("."))
        elif a != b:
            out.append(where.rstrip("."))

    walk(document, shipped, "")
    return sorted(out)
