"""Speculative decoding's steps this project measured on a real GPU (``estimator/data/measured_speculative.csv``,
written by ``benchmarks/gpu_speculative.py``), read and checked at the edge; never fitted: ``estimator.fit.
speculative_check`` predicts each row with the latency engine as shipped.

Each row: the catalog model and the hardware profile measured, the batch, the weights' bits, the prompt already in the
KV cache and the steps a pass, the draft tokens K, and the three times measured in one process (a decode step, the
verification of K drafts, one draft pass) with the speculative step they make (K draft passes + the verification),
which must agree with them: a row whose sum disagrees is mistyped.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from estimator.core.base.errors import InputError
from estimator.core.base.number_text import gfmt
from estimator.core.serving.estimate import peak_for_bits
from estimator.core.serving.weights import WEIGHT_BITS
from estimator.fit.speculative_check import SpeculativeRow
from estimator.io import safe_read
from estimator.io.datafiles import DATA_DIR, default_profiles
from estimator.io.serving_data import catalog_model, device_for

MEASURED_SPECULATIVE_PATH = DATA_DIR / "measured_speculative.csv"
COLUMNS = ("model", "hardware_id", "batch", "bits", "prompt_tokens", "output_tokens", "draft_tokens",
           "measured_decode_step_s", "measured_verify_step_s", "measured_draft_pass_s", "measured_step_s",
           "measured_decode_power_w", "measured_step_power_w", "how", "note", "citation", "run")
WHOLE_NUMBER_COLUMNS = ("batch", "bits", "draft_tokens")
NUMBER_COLUMNS = WHOLE_NUMBER_COLUMNS + ("prompt_tokens", "output_tokens", "measured_decode_step_s",
                                         "measured_verify_step_s", "measured_draft_pass_s", "measured_step_s")
# The step column is the sum of the parts the same script wrote: they agree to rounding; 1% refuses a mistyped column.
SUM_AGREEMENT = 0.01


def load_measured_speculative(path: Path | None = None) -> tuple[SpeculativeRow, ...]:
    """The measured speculative steps (default: the shipped file)."""
    return _load(Path(path or MEASURED_SPECULATIVE_PATH).resolve())


@lru_cache(maxsize=2)
def _load(path: Path) -> tuple[SpeculativeRow, ...]:
    rows, fail = safe_read.read_data_csv(path, COLUMNS)
    profiles = default_profiles()
    out = []
    for line, r in rows:
        v = safe_read.positive_numbers(r, NUMBER_COLUMNS, WHOLE_NUMBER_COLUMNS, line, fail, "write what was measured")
        for key in ("citation", "run"):
            if not (r[key] or "").strip():
                fail(f"line {line} has no {key}", "name who measured the row and which run it comes from")
        if v["bits"] not in WEIGHT_BITS:
            fail(f"line {line}: bits {v['bits']} is not one of {WEIGHT_BITS}", f"use one of {WEIGHT_BITS}")
        total = v["draft_tokens"] * v["measured_draft_pass_s"] + v["measured_verify_step_s"]
        if abs(v["measured_step_s"] / total - 1.0) > SUM_AGREEMENT:
            fail(f"line {line}: measured_step_s {gfmt(v['measured_step_s'], 4)} is not draft_tokens × "
                 f"measured_draft_pass_s + measured_verify_step_s ({gfmt(total, 4)})", "check the four time columns")
        try:
            m = catalog_model(r["model"])
            profile = profiles.by_id(r["hardware_id"])
        except InputError as exc:
            fail(f"line {line}: {exc}", "name a catalog model and a hardware profile id")
        precision, _, _ = peak_for_bits(profile, v["bits"])
        out.append(SpeculativeRow(
            model=m.id, hardware_id=profile.id, device=device_for(profile, precision), params=m.params, arch=m.arch,
            batch=v["batch"], bits=v["bits"], prompt_tokens=v["prompt_tokens"], output_tokens=v["output_tokens"],
            draft_tokens=v["draft_tokens"], decode_step_s=v["measured_decode_step_s"],
            verify_step_s=v["measured_verify_step_s"], draft_pass_s=v["measured_draft_pass_s"],
            citation=r["citation"].strip(), run=r["run"].strip()))
    return tuple(out)


__all__ = ["COLUMNS", "MEASURED_SPECULATIVE_PATH", "load_measured_speculative"]
