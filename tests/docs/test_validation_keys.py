"""The validation file's keys are documented: every key the shipped utilization_validation.json holds,
down to the fields of its rows and summaries, is named in estimator/data/README.md's key-by-key table
(review: the JSON's keys were explained only in the code that writes them)."""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "estimator" / "data"


def _keys(value, depth: int) -> set[str]:
    """Every mapping key in ``value`` to ``depth`` levels (a family's or a group's name is data, not a key)."""
    if depth < 0:
        return set()
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v, depth - 1)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v, depth)}
    return set()


def test_every_key_of_the_validation_file_is_in_the_data_readme():
    doc = json.loads((DATA / "utilization_validation.json").read_text(encoding="utf-8"))["validation"]
    text = (DATA / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## `utilization_validation.json`, key by key"):]
    families = set(doc["summary"]) | set(doc["power_summary"]) | set(doc["energy_coverage"])
    families |= set(doc["new_family"]["summary"]) | set(doc["new_family"]["nearest"])
    keys = set(doc) | _keys(doc["runs"], 1) | _keys(doc["power"], 1) | _keys(doc["excluded"], 1)
    keys |= _keys(doc["energy_checks"], 1) | _keys(list(doc["power_summary"].values()), 2)
    keys |= _keys(list(doc["energy_coverage"].values()), 2) | _keys(list(doc["summary"].values()), 2)
    keys |= _keys(doc["without_year"], 0) | _keys(doc["by_developer"], 0) | _keys(doc["new_family"], 0)
    missing = sorted(k for k in keys - families if f"`{k}`" not in section)
    assert not missing, missing
