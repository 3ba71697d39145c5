"""A hardware profile back to its TOML data (pure), from the schema's declaration.

``profile_to_dict`` is the inverse of ``estimator.core.hardware.reader.profile_from_dict`` (less
``source_file``): each declared field (``estimator.core.hardware.schema``) in its declared order, its
value as its declaration writes it, a field without a value left out (TOML has no null), an optional
table left out where the profile has none. Writing the file is ``estimator.io.calibration_io``'s job.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estimator.core.hardware.profile import HardwareProfile
from estimator.core.hardware.schema import PEAKS, SCHEMA, Table


def profile_to_dict(p: HardwareProfile, snapshot: bool = False) -> dict:
    """The TOML data of a profile (the inverse of ``profile_from_dict``, less ``source_file``).

    ``snapshot=True`` writes fitted utilisation and power as the numbers they give now, so the
    data stands alone (a calibrated profile): no reference to the fits."""
    data: dict[str, Any] = {}
    for entry in SCHEMA:
        if not isinstance(entry, Table):
            data[entry.key] = entry.value(p, snapshot)
            continue
        if entry.present is not None and not entry.present(p):
            continue
        if len(entry.fields) == 1 and entry.fields[0].path == entry.key:  # a table written whole ([sources])
            data[entry.key] = entry.fields[0].value(p, snapshot)
            continue
        table: dict[str, Any] = {}
        for f in entry.fields:
            value = f.value(p, snapshot)
            if f.type == PEAKS:
                table.update(value)
            elif value is not None:
                table[f.key] = value
        if table or entry.required:
            data[entry.key] = table
    return drop_none(data)


def drop_none(value):
    """TOML has no null: leave unset fields out (recursively)."""
    if isinstance(value, Mapping):
        return {k: drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [drop_none(v) for v in value if v is not None]
    return value


__all__ = ["drop_none", "profile_to_dict"]
