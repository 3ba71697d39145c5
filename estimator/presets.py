"""Presets: famous runs as scenarios, with their published figures. Pure validation."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping

from .errors import DataFileError
from .estimate import RESULT_KEYS, Estimate, Scenario

SCENARIO_FIELDS = ("flops", "params", "tokens", "devices", "utilization", "precision", "hours", "device_hours",
                   "power_w", "pue", "carbon_intensity_g_per_kwh", "price_usd_per_device_hour",
                   "electricity_usd_per_kwh", "year")
PUBLISHED_FIELDS = RESULT_KEYS + ("cost_usd_low", "cost_usd_high")


@dataclass(frozen=True)
class Preset:
    id: str
    title: str
    description: str
    source: str
    hardware: str
    inputs: Mapping[str, Any]
    why: Mapping[str, str]
    published: Mapping[str, float]
    compare_hardware: tuple[str, ...] = field(default_factory=tuple)

    def scenario(self) -> Scenario:
        kwargs = dict(self.inputs)
        if "carbon_intensity_g_per_kwh" in kwargs:
            kwargs["carbon_intensity_source"] = self.why.get("carbon_intensity_g_per_kwh", self.source)
        origin = f"preset:{self.id}"
        return Scenario(origins=tuple((k, origin) for k in kwargs if k != "carbon_intensity_source"), **kwargs)


def preset_from_dict(pid: str, data: Mapping[str, Any], source: str) -> Preset:
    def fail(what):
        raise DataFileError(f"{source}: preset '{pid}': {what}")

    if not isinstance(data, Mapping):
        fail("expected a table")
    allowed = set(SCENARIO_FIELDS) | {"title", "description", "source", "hardware", "why", "published", "compare_hardware"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        fail(f"unknown field '{unknown[0]}'")
    for key in ("title", "description", "source", "hardware"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            fail(f"'{key}' must be non-empty text")
    inputs = {}
    for key in SCENARIO_FIELDS:
        if key in data:
            value = data[key]
            if key == "precision":
                if not isinstance(value, str):
                    fail("'precision' must be text")
            elif isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
                fail(f"'{key}' must be a positive number, got {value!r}")
            inputs[key] = value
    published = data.get("published", {})
    if not isinstance(published, Mapping):
        fail("'published' must be a table")
    for key, value in published.items():
        if key not in PUBLISHED_FIELDS:
            fail(f"published figure '{key}' is not one of {', '.join(PUBLISHED_FIELDS)}")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            fail(f"published '{key}' must be a positive number")
    why = data.get("why", {})
    if not isinstance(why, Mapping):
        fail("'why' must be a table of text")
    compare = data.get("compare_hardware", [])
    if not isinstance(compare, list) or not all(isinstance(x, str) for x in compare):
        fail("'compare_hardware' must be a list of hardware ids")
    return Preset(id=pid, title=data["title"].strip(), description=data["description"].strip(),
                  source=data["source"].strip(), hardware=data["hardware"].strip(), inputs=inputs,
                  why=dict(why), published={k: float(v) for k, v in published.items()},
                  compare_hardware=tuple(compare))


@dataclass(frozen=True)
class PublishedComparison:
    key: str
    published: float
    estimated: float | None
    relative_error: float | None  # (estimated − published) / published


def compare_with_published(preset: Preset, est: Estimate) -> tuple[PublishedComparison, ...]:
    rows = []
    for key in RESULT_KEYS:
        if key not in preset.published:
            continue
        pub = preset.published[key]
        value = getattr(est, key)
        err = None if value is None else (value - pub) / pub
        rows.append(PublishedComparison(key, pub, value, err))
    if "cost_usd_low" in preset.published and est.cost_usd is not None:
        lo, hi = preset.published["cost_usd_low"], preset.published["cost_usd_high"]
        mid = math.sqrt(lo * hi)
        rows.append(PublishedComparison("cost_usd", mid, est.cost_usd, (est.cost_usd - mid) / mid))
    return tuple(rows)
