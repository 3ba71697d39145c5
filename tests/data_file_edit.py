"""A shipped CSV data file copied into a test's folder with its first row edited, for the loaders' refusals (each
refusal names the file, the line and the fix)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path


def edited_copy(source: Path, folder: Path, edit) -> Path:
    """``source`` copied into ``folder`` under its own name, ``edit`` applied to its first row (a dict)."""
    path = folder / source.name
    shutil.copy(source, path)
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    fields = list(rows[0])
    edit(rows[0])
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    return path
