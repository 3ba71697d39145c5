"""The checks a data file's row of a published run shares with the others (the later layouts, the whole runs): its
text fields present, its id its own, its model a catalog model, its hardware a shipped profile. Each fails through the
reader's ``fail`` (``safe_read.read_data_csv``), naming the line and the fix."""

from __future__ import annotations

from collections.abc import Callable, Mapping


def check_run_row(r: Mapping[str, str], line: int, fail: Callable, *, id_key: str, text_keys: tuple[str, ...],
                  seen: set, catalog: Mapping, profiles):
    """The row's shared checks; returns its hardware profile."""
    for key in text_keys:
        if not (r[key] or "").strip():
            fail(f"line {line} has no {key}", "every row says what was published and where")
    if r[id_key] in seen:
        fail(f"line {line}: {id_key} {r[id_key]!r} is used twice", "give each row its own id")
    seen.add(r[id_key])
    if r["model"] not in catalog:
        fail(f"line {line}: model {r['model']!r} is not in the catalog", "use an id of estimator/data/open_models.toml")
    profile = profiles.profiles.get(r["hardware_id"])
    if profile is None:
        fail(f"line {line}: hardware {r['hardware_id']!r} has no profile", "use a shipped profile's id")
    return profile


__all__ = ["check_run_row"]
