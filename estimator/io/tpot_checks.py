"""Independent small-batch TPOT measurements at the edge: read and checked (judged by the shipped fits in
``estimator.services.serving_accuracy``).

Edge module: reads ``estimator/data/small_batch_tpot.csv`` and ``small_batch_tpot_later.csv`` (each
row cited; the sources and their caveats are in ``estimator/data/README.md``) through the guarded
reader, joins each row to the catalog's architecture and the hardware profile, and hands plain rows
to the pure check (``estimator.fit.tpot_check``). The online engine never sees the first file's rows;
the latency engine is fitted to them, and judged on them leave-one-benchmark-out. Neither engine is
fitted to the second file: both are only checked on it.
"""

from __future__ import annotations

import csv
import io
import json
import math
from functools import lru_cache
from pathlib import Path

from estimator.core.errors import DataFileError, InputError
from estimator.core.inference import peak_for_bits
from estimator.core.serving import WEIGHT_BITS
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
COLUMNS = ("source", "engine", "model", "hardware_id", "tensor_parallel", "batch", "bits", "prompt_tokens",
           "output_tokens", "measured_tpot_s", "published", "how", "prefill_included", "note", "citation")


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


@lru_cache(maxsize=4)
def _load(path: Path) -> tuple[TpotRow, ...]:
    def fail(problem, fix):
        raise DataFileError(f"{path}: {problem}; {fix}")

    def number(r, key, line, whole=False):
        return _number(r, key, line, whole, path)
    text = safe_read.read_text(path, safe_read.MAX_DATA_BYTES, fail)
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        fail(f"columns {reader.fieldnames} are not {list(COLUMNS)}", "keep the header as shipped")
    profiles = default_profiles()
    out = []
    for line, r in enumerate(reader, start=2):
        if not (r["citation"] or "").strip():
            fail(f"line {line} has no citation", "every measurement names where it was published")
        bits = int(number(r, "bits", line, whole=True))
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
        out.append(TpotRow(
            source=r["source"], engine=r["engine"], model=m.id, hardware_id=profile.id,
            device=device_for(profile, precision), params=m.params, arch=m.arch,
            tp=int(number(r, "tensor_parallel", line, whole=True)), batch=int(number(r, "batch", line, whole=True)),
            bits=bits, prompt_tokens=number(r, "prompt_tokens", line), output_tokens=number(r, "output_tokens", line),
            tpot_s=number(r, "measured_tpot_s", line), prefill_included=r["prefill_included"] == "yes",
            note=r["note"], citation=r["citation"],
            previous_utilization=profile.utilization.default))
    if not out:
        fail("no rows", "restore the shipped file")
    return tuple(out)


@lru_cache(maxsize=1)
def shipped_latency_validation() -> dict:
    """The latency engine's leave-one-benchmark-out figures as serving_fit.json holds them (written by
    ``fit-serving``, which ``--check`` compares with a fresh run)."""
    return json.loads(safe_read.read_data_text(SERVING_FIT_PATH))["latency_engine"]["validation"]


__all__ = ["COLUMNS", "LATER_CHECKS_PATH", "TPOT_CHECKS_PATH", "load_rows", "shipped_latency_validation"]
