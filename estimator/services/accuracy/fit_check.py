"""``fit-utilization --check``, ``fit-serving --check`` and ``fit-step --check``: is the shipped fit what a fresh
fit of the data writes? One check for every fit, so that they read and compare the same way."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from estimator.core.base.errors import DataFileError
from estimator.core.base.fit_diff import stale_fields
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
