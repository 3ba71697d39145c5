"""Independent small-batch TPOT measurements at the edge: read and checked (judged by the shipped fits in
``estimator.services.serving.accuracy``).

Edge module: reads ``estimator/data/small_batch_tpot.csv`` and ``small_batch_tpot_later.csv`` (each
row cited; the sources and their caveats are in ``estimator/data/README.md``) through the guarded
reader, joins each row to the catalog's architecture and the hardware profile, and hands plain rows
to the pure check (``estimator.fit.tpot_check``). The online engine never sees the first file's rows;
the latency engine is fitted to them, and judged on them leave-one-benchmark-out. Neither engine is
fitted to the second file: both are only checked on it; nor is the online engine to ``vllm_2024_later.csv``
(vLLM 0.5 at a held batch, its own kind), only checked on it. The third, ``measured_decode.csv``, holds
decode steps this project measured on a real GPU, with their energy (NVML): only checked
(``estimator.fit.decode_check``).
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

from estimator.core.base.errors import DataFileError, InputError
from estimator.core.base.number_text import gfmt
from estimator.core.serving.estimate import peak_for_bits
from estimator.core.serving.weights import WEIGHT_BITS
from estimator.fit.decode_check import DecodeMeasurement
from estimator.fit.tpot_check import TpotRow
from estimator.io import safe_read
from estimator.io.datafiles import DATA_DIR, default_profiles
from estimator.io.serving_data import SERVING_FIT_PATH, catalog_model, device_for

TPOT_CHECKS_PATH = DATA_DIR / "small_batch_tpot.csv"
# Published decode times gathered after both engines were fitted, from nine other benchmarks
# (TensorRT-LLM, PPL.LLM, SGLang, NIM, MLC, ExLlamaV2, AutoAWQ, TinyChat, llama.cpp): never fitted,
# only checked. NVIDIA NeMo's table was left out whole, before any prediction was looked at: its
# 13B rows are faster than reading the weights at full bandwidth allows, so its labels are suspect.
LATER_CHECKS_PATH = DATA_DIR / "small_batch_tpot_later.csv"
# vLLM 0.5 serving at a held batch on models ML.ENERGY's configurations do not have (Llama 3.1 8B, 70B and 405B): the vllm-2024 engine's own kind, gathered after it was fitted, only checked (estimator/data/README.md).
VLLM_LATER_CHECKS_PATH = DATA_DIR / "vllm_2024_later.csv"
COLUMNS = ("source", "engine", "model", "hardware_id", "tensor_parallel", "batch", "bits", "prompt_tokens",
           "output_tokens", "measured_tpot_s", "published", "how", "prefill_included", "note", "citation")
# Decode steps this project measured on a real GPU, time and energy (benchmarks/gpu_decode.py, run by
# benchmarks/gpu_check.sh): never fitted, only checked, each engine against them.
MEASURED_DECODE_PATH = DATA_DIR / "measured_decode.csv"
MEASURED_DECODE_COLUMNS = COLUMNS + ("measured_power_w", "measured_j_per_output_token", "idle_power_w", "run")


# The measured J per output token and power × TPOT ÷ batch are two readings of one window (the
# elapsed time by the host's clock, the energy by NVML's counter over the same steps): they agree
# to well under 1% (the shipped rows: within 0.1%); 2% refuses a mistyped column, not a rounding.
ENERGY_AGREEMENT = 0.02


def _number(row: dict, key: str, line: int, whole: bool, path: Path) -> float:
    try:
        x = float(row[key])
    except (KeyError, TypeError, ValueError):
        raise DataFileError(f"{path}: line {line}: '{key}' is missing or not a number") from None
    if not math.isfinite(x) or x <= 0 or (whole and x != int(x)):
        raise DataFileError(f"{path}: line {line}: '{key}' must be a positive "
                            f"{'whole number' if whole else 'number'}, got {row[key]!r}")
    return x


def load_rows(path: Path | None = None) -> tuple[TpotRow, ...]:
    """The published decode times in ``path`` (default: the fitted set; or the later one, only checked)."""
    return _load(Path(path or TPOT_CHECKS_PATH).resolve())


def _tpot_row(r: dict, line: int, path: Path, profiles, fail) -> TpotRow:
    """One row's decode time, joined to the catalog's architecture and the hardware profile."""
    def number(key, whole=False):
        return _number(r, key, line, whole, path)
    if not (r["citation"] or "").strip():
        fail(f"line {line} has no citation", "every measurement names where it was published")
    bits = int(number("bits", whole=True))
    if bits not in WEIGHT_BITS:
        fail(f"line {line}: bits {bits} is not one of {WEIGHT_BITS}", "use 16, 8 or 4")
    try:
        m = catalog_model(r["model"])
        profile = profiles.by_id(r["hardware_id"])
    except InputError as exc:
        raise DataFileError(f"{path}: line {line}: {exc}") from None
    if r["prefill_included"] not in ("yes", "no"):
        fail(f"line {line}: prefill_included is {r['prefill_included']!r}",
             "write yes where the published time spreads the prompts' prefill over the tokens, else no")
    precision, _, _ = peak_for_bits(profile, bits)
    return TpotRow(
        source=r["source"], engine=r["engine"], model=m.id, hardware_id=profile.id,
        device=device_for(profile, precision), params=m.params, arch=m.arch,
        tp=int(number("tensor_parallel", whole=True)), batch=int(number("batch", whole=True)),
        bits=bits, prompt_tokens=number("prompt_tokens"), output_tokens=number("output_tokens"),
        tpot_s=number("measured_tpot_s"), prefill_included=r["prefill_included"] == "yes",
        note=r["note"], citation=r["citation"],
        previous_utilization=profile.utilization.default)


@lru_cache(maxsize=4)
def _load(path: Path) -> tuple[TpotRow, ...]:
    rows, fail = safe_read.read_data_csv(path, COLUMNS)
    profiles = default_profiles()
    return tuple(_tpot_row(r, line, path, profiles, fail) for line, r in rows)


def load_measured_decode(path: Path | None = None) -> tuple[DecodeMeasurement, ...]:
    """The decode steps measured on a real GPU, time and energy (default: the shipped file)."""
    return _load_measured(Path(path or MEASURED_DECODE_PATH).resolve())


@lru_cache(maxsize=2)
def _load_measured(path: Path) -> tuple[DecodeMeasurement, ...]:
    rows, fail = safe_read.read_data_csv(path, MEASURED_DECODE_COLUMNS)
    profiles = default_profiles()
    out = []
    for line, r in rows:
        row = _tpot_row(r, line, path, profiles, fail)
        power_w, j, idle_w = (_number(r, k, line, False, path) for k in
                              ("measured_power_w", "measured_j_per_output_token", "idle_power_w"))
        # the energy per token is the power over the tokens: a row whose three figures disagree is mistyped
        implied = power_w * row.tp * row.tpot_s / row.batch
        if abs(j / implied - 1.0) > ENERGY_AGREEMENT:
            fail(f"line {line}: {gfmt(j, 4)} J per output token is not the power × TPOT ÷ batch ({gfmt(implied, 4)} J)",
                 "check the three measured columns")
        if not (r["run"] or "").strip():
            fail(f"line {line} has no run", "name the run the row comes from, so repeats are told apart")
        out.append(DecodeMeasurement(row, power_w, j, idle_w, r["run"].strip()))
    return tuple(out)


@lru_cache(maxsize=1)
def shipped_latency_validation() -> dict:
    """The latency engine's leave-one-benchmark-out figures as serving_fit.json holds them (written by
    ``fit-serving``, which ``--check`` compares with a fresh run)."""
    return json.loads(safe_read.read_data_text(SERVING_FIT_PATH))["latency_engine"]["validation"]


__all__ = ["COLUMNS", "LATER_CHECKS_PATH", "VLLM_LATER_CHECKS_PATH", "MEASURED_DECODE_COLUMNS", "MEASURED_DECODE_PATH", "TPOT_CHECKS_PATH",
           "load_measured_decode", "load_rows", "shipped_latency_validation"]
