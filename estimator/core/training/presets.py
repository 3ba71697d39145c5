"""Presets: famous runs as scenarios, with their published figures. Pure validation."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from estimator.core.base import bounds as B
from estimator.core.base.errors import DataFileError
from estimator.core.base.number_text import gfmt
from estimator.core.training.estimate import RESULT_KEYS, Estimate
from estimator.core.workload.flops import MLP_KINDS
from estimator.core.workload.scenario import DEVICE_SITE_FIELDS, Scenario

SCENARIO_FIELDS = ("flops", "params", "tokens", "devices", "utilization", "precision", "hours", "device_hours",
                   "power_w", "pue", "carbon_intensity_g_per_kwh", "price_usd_per_device_hour",
                   "electricity_usd_per_kwh", "year")
PUBLISHED_FIELDS = RESULT_KEYS + ("cost_usd_low", "cost_usd_high")
# A preset's model shape (``shape = { layers = …, d_model = …, heads = … }``, its source in
# why.shape), for the training memory: the published shape instead of the catalog's model nearest
# in parameter count. KV heads (grouped-query attention) where they differ from the heads; the
# sequence length the model was trained at, used unless the user gives one. The MLP's width (``ffn``) and kind (``mlp``,
# ``MLP_KINDS``: plain or gated) where it is not GPT's 4 × d_model of two matrices: its activations' width.
SHAPE_FIELDS = {"layers": B.LAYERS, "d_model": B.D_MODEL, "heads": B.HEADS, "kv_heads": B.HEADS, "seq_len": B.CONTEXT,
                "ffn": B.FFN}
SHAPE_TEXT = {"mlp": MLP_KINDS}
SHAPE_REQUIRED = ("layers", "d_model", "heads")

# A preset's inputs that belong to its own device: on other hardware they do not apply (a V100's
# utilisation, power and price say nothing about a B200; a known run's hours were on its device,
# and its year too: GPT-3 was not trained on a B200 in 2020). Its workload (FLOPs, parameters,
# tokens), scale (devices) and site (PUE, grid, electricity price) carry over; of the site, the
# device's own values are marked ``per_device`` in ``scenario.Site``.
DEVICE_FIELDS = ("utilization", "precision", "hours", "device_hours", "year") + DEVICE_SITE_FIELDS
# Inputs a preset may tie to its own power figure (``tied_to_power``): Llama 2's 400 W "adjusted for
# PUE" and BLOOM's dynamic energy (TDP × GPU-hours) come with a PUE of 1.0 that holds only with that
# power; wherever the preset's power is not used (other hardware, a power the user gives), they go too.
TIEABLE_TO_POWER = ("pue",)
# The figures a preset may qualify for the paper statement (``said``): what the source's figure is where the sentence's
# own words ("an average of … W", "a PUE of …", "a grid carbon intensity of …") would misstate it.
SAYABLE = ("power_w", "pue", "carbon_intensity_g_per_kwh")

# What each published figure depends on: once one of these differs from the preset, the
# published figure no longer describes the scenario and is not compared.
_TIME = frozenset({"hardware", "flops", "params", "tokens", "recompute", "utilization", "precision", "hours",
                   "device_hours", "year"})
PUBLISHED_DEPENDS = {
    "flops": frozenset({"flops", "params", "tokens", "recompute"}),
    "wall_clock_s": _TIME | {"devices"},
    "device_hours": _TIME,
    "energy_kwh": _TIME | {"power_w", "pue"},
    "co2e_kg": _TIME | {"power_w", "pue", "carbon_intensity_g_per_kwh"},
    "cost_usd": _TIME | {"price_usd_per_device_hour", "electricity_usd_per_kwh", "power_w", "pue"},
}


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
    model_params: float | None = None  # the model's size, for charts of a FLOPs-only preset (why["model_params"])
    time_label: str = "Training time"  # what the time is (AlphaGo's preset: one game, not training)
    shape: Mapping[str, int] | None = None  # the model's published shape (SHAPE_FIELDS; why["shape"])
    published_run: str | None = None  # the run of estimator/data/published_runs.csv this preset reproduces
    tied_to_power: tuple[str, ...] = ()  # inputs that hold only with the preset's power_w (TIEABLE_TO_POWER)
    said: Mapping[str, str] = field(default_factory=dict)  # SAYABLE figure → what it is, in the statement's words

    def other_power(self, power_w: float | None) -> bool:
        """Whether a power given is another than the preset's own (a power that is its own is its power still: the
        inputs tied to it stay; review)."""
        return power_w not in (None, self.inputs.get("power_w"))

    def dropped_inputs(self, *, other_hardware: bool, power_given: bool) -> tuple[str, ...]:
        """The preset's inputs that do not apply: its device's own on other hardware
        (``DEVICE_FIELDS``), and those tied to its power wherever that power is not used."""
        out = DEVICE_FIELDS if other_hardware else ()
        if other_hardware or power_given:
            out += tuple(k for k in self.tied_to_power if k not in out)
        return out

    def describe_shape(self, params: float, seq_len_used: bool) -> str:
        """Where the memory's shape came from: the preset's model and its source (why.shape),
        with the shape itself; the sequence length only when it is the one used."""
        s = self.shape or {}
        kv = s.get("kv_heads", s.get("heads"))
        seq = f", sequence {s['seq_len']}" if seq_len_used and "seq_len" in s else ""
        mlp = f", a {s.get('mlp', 'plain')} MLP of {s['ffn']:,}" if "ffn" in s else ""
        return (f"{gfmt(params, 3)} parameters with the shape of {self.why['shape']}: layers {s.get('layers')}, "
                f"d_model {s.get('d_model')}, heads {s.get('heads')}, KV heads {kv}{mlp}{seq}")

    def scenario(self) -> Scenario:
        kwargs = dict(self.inputs)
        if "carbon_intensity_g_per_kwh" in kwargs:
            kwargs["carbon_intensity_source"] = self.why.get("carbon_intensity_g_per_kwh", self.source)
        origin = f"preset:{self.id}"
        own = [k for k in kwargs if k != "carbon_intensity_source"]
        # each value's source: the preset's note on it (``why``), else the preset's citation key
        return Scenario(origins=tuple((k, origin) for k in own),
                        sources=tuple((k, self.why.get(k) or self.source) for k in own), **kwargs)


def _text(data, key, default, fail) -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or not value.strip():
        fail(f"'{key}' must be non-empty text")
    return value.strip()


def preset_from_dict(pid: str, data: Mapping[str, Any], source: str) -> Preset:
    def fail(what):
        raise DataFileError(f"{source}: preset '{pid}': {what}")

    if not isinstance(data, Mapping):
        fail("expected a table")
    allowed = set(SCENARIO_FIELDS) | {"title", "description", "source", "hardware", "why", "published", "compare_hardware",
                                      "model_params", "time_label", "shape", "published_run", "tied_to_power", "said"}
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
    model_params = data.get("model_params")
    if model_params is not None:
        if isinstance(model_params, bool) or not isinstance(model_params, (int, float)) or not model_params > 0:
            fail("'model_params' must be a positive number")
        if "model_params" not in why:
            fail("'model_params' needs its source in why.model_params")
    shape = _shape(data.get("shape"), why, fail)
    published_run = data.get("published_run")
    if published_run is not None and (not isinstance(published_run, str) or not published_run.strip()):
        fail("'published_run' must be the name of a run in published_runs.csv")
    tied = data.get("tied_to_power", [])
    if not isinstance(tied, list) or not all(isinstance(x, str) for x in tied):
        fail("'tied_to_power' must be a list of input names")
    for key in tied:
        if key not in TIEABLE_TO_POWER:
            fail(f"'tied_to_power' names '{key}': only {', '.join(TIEABLE_TO_POWER)} can be tied to the power")
        if key not in inputs or "power_w" not in inputs:
            fail(f"'tied_to_power' names '{key}': the preset must give both '{key}' and 'power_w'")
    said = data.get("said", {})
    if not isinstance(said, Mapping) or not all(isinstance(v, str) and v.strip() for v in said.values()):
        fail("'said' must be a table of non-empty text")
    for key in said:
        if key not in SAYABLE or key not in inputs:
            fail(f"'said' names '{key}': only figures the preset gives, of {', '.join(SAYABLE)}")
    return Preset(id=pid, title=data["title"].strip(), description=data["description"].strip(),
                  source=data["source"].strip(), hardware=data["hardware"].strip(), inputs=inputs,
                  why=dict(why), published={k: float(v) for k, v in published.items()},
                  compare_hardware=tuple(compare), model_params=None if model_params is None else float(model_params),
                  time_label=_text(data, "time_label", "Training time", fail), shape=shape,
                  published_run=None if published_run is None else published_run.strip(), tied_to_power=tuple(tied),
                  said={k: v.strip() for k, v in said.items()})


def _shape(shape, why, fail) -> dict[str, int] | None:
    """A preset's model shape: whole positive numbers inside their bounds, the heads dividing
    d_model and the KV heads dividing the heads, with its source in why.shape."""
    if shape is None:
        return None
    if not isinstance(shape, Mapping):
        fail(f"'shape' must be a table ({', '.join([*SHAPE_FIELDS, *SHAPE_TEXT])})")
    unknown = sorted(set(shape) - set(SHAPE_FIELDS) - set(SHAPE_TEXT))
    if unknown:
        fail(f"unknown field 'shape.{unknown[0]}' (one of {', '.join([*SHAPE_FIELDS, *SHAPE_TEXT])})")
    missing = [k for k in SHAPE_REQUIRED if k not in shape]
    if missing:
        fail(f"'shape.{missing[0]}' missing: a shape needs {', '.join(SHAPE_REQUIRED)}")
    out = {}
    for key, value in shape.items():
        if key in SHAPE_TEXT:
            if not isinstance(value, str) or value not in SHAPE_TEXT[key]:
                fail(f"'shape.{key}' must be one of {', '.join(SHAPE_TEXT[key])}, got {value!r}")
            out[key] = value
            continue
        bound = SHAPE_FIELDS[key]
        if (isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
                or value != int(value) or not bound.low <= value <= bound.high):
            fail(f"'shape.{key}' must be a whole number from {gfmt(bound.low)} to {gfmt(bound.high)}, got {value!r}")
        out[key] = int(value)
    if out["d_model"] % out["heads"]:
        fail(f"'shape.heads' {out['heads']} must divide shape.d_model {out['d_model']}")
    if out["heads"] % out.get("kv_heads", out["heads"]):
        fail(f"'shape.kv_heads' {out['kv_heads']} must divide shape.heads {out['heads']}")
    if ("ffn" in out) != ("mlp" in out):  # a width without its kind read as plain, a kind without its width as the count's
        fail(f"'shape.{'mlp' if 'ffn' in out else 'ffn'}' missing: give the MLP's width (ffn) and kind (mlp) together")
    if not isinstance(why.get("shape"), str) or not why["shape"].strip():
        fail("'shape' needs its source in why.shape")
    return out


@dataclass(frozen=True)
class PublishedComparison:
    """A published figure beside the estimate. A figure published as a range (Strubell et al.'s
    cost, $3,751–$12,571) keeps its two ends: ``published`` is None, and ``relative_error`` is how
    far the estimate lies outside the range, from its nearer end (0 inside)."""

    key: str
    published: float | None
    estimated: float | None
    relative_error: float | None  # (estimated − published) / published
    published_range: tuple[float, float] | None = None


def compare_with_published(preset: Preset, est: Estimate, changed=frozenset()) -> tuple[PublishedComparison, ...]:
    """The preset's published figures beside the estimate, leaving out every figure that depends
    on an input in ``changed`` (the scenario no longer is the published run for that figure)."""
    # a known run's time makes device-hours (and what follows from them) hours × devices
    per_device = {"devices"} if "hours" in preset.inputs else set()

    def comparable(key):
        return not ((PUBLISHED_DEPENDS[key] | (per_device if key != "flops" else set())) & set(changed))
    rows = []
    for key in RESULT_KEYS:
        if key not in preset.published or not comparable(key):
            continue
        pub = preset.published[key]
        value = getattr(est, key)
        err = None if value is None else (value - pub) / pub
        rows.append(PublishedComparison(key, pub, value, err))
    if "cost_usd_low" in preset.published and est.cost_usd is not None and comparable("cost_usd"):
        lo, hi = preset.published["cost_usd_low"], preset.published["cost_usd_high"]
        v = est.cost_usd
        err = (v - lo) / lo if v < lo else (v - hi) / hi if v > hi else 0.0
        rows.append(PublishedComparison("cost_usd", None, v, err, (lo, hi)))
    return tuple(rows)
