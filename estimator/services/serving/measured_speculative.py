"""Speculative decoding's steps this project measured on a real GPU, judged by the latency engine as shipped:
``validate --inference`` prints the document (its JSON under ``measured_speculative``).

Use case over ``estimator.io.measured_speculative`` (the data file) and the pure check ``estimator.fit.
speculative_check``.
"""

from __future__ import annotations

import math
from functools import lru_cache

from estimator.core.base.units import MS_PER_S
from estimator.core.serving.engines import LATENCY_ENGINE
from estimator.fit.speculative_check import check
from estimator.io.measured_speculative import MEASURED_SPECULATIVE_PATH, load_measured_speculative
from estimator.io.serving_data import load_serving_fit

ENGINE = LATENCY_ENGINE  # the benchmark captures each step as a CUDA graph, as the latency engine's decoders do


@lru_cache(maxsize=1)
def measured_speculative_document() -> dict:
    """What `validate --inference` reports on the measured speculative steps, as plain numbers."""
    rows = load_measured_speculative()
    c = check(rows, load_serving_fit(ENGINE))
    devices = sorted({r.hardware_id for r in rows})
    return {
        "data": f"estimator/data/{MEASURED_SPECULATIVE_PATH.name}",
        "method": (f"{len(rows)} configurations this project measured on {', '.join(devices)} "
                   "(benchmarks/gpu_speculative.py: a Llama-3-8B-shaped decoder, each step one CUDA graph): a decode "
                   "step, the verification of K draft tokens and a one-layer draft pass, timed in one process; the "
                   "speculative step = K draft passes + the verification (a batch's plain step and draft pass measured "
                   "once, shared by its rows of 1 and 3 drafts); never fitted: each predicted by the "
                   f"{ENGINE} engine as shipped, the prefill taken out and its per-token cost charged once a step "
                   f"(acceptance {c.acceptance:g}: the benchmark emits no tokens and does no engine work); the naive "
                   "baseline beside: drafts free and the verification as dear as a decode step (ratio 1)"),
        "engine": ENGINE, "acceptance": c.acceptance,
        "range_factor": math.exp(c.predictions[0].half) if c.predictions else None,
        "ratio": c.ratio.to_dict(), "naive_ratio": c.naive_ratio.to_dict(),
        "step": c.step.to_dict(), "naive_step": c.naive_step.to_dict(),
        "verify": c.verify.to_dict(), "draft": c.draft.to_dict(),
        "rows": [{"model": p.row.model, "hardware": p.row.hardware_id, "batch": p.row.batch, "bits": p.row.bits,
                  "draft_tokens": p.row.draft_tokens, "run": p.row.run,
                  "measured_ratio": p.row.ratio, "predicted_ratio": p.ratio,
                  "measured_step_ms": p.row.step_s * MS_PER_S, "predicted_step_ms": p.step_s * MS_PER_S,
                  "inside_step": p.inside,
                  "measured_decode_step_ms": p.row.decode_step_s * MS_PER_S,
                  "predicted_decode_step_ms": p.plain_step_s * MS_PER_S,
                  "measured_verify_step_ms": p.row.verify_step_s * MS_PER_S,
                  "predicted_verify_step_ms": p.verify_step_s * MS_PER_S,
                  "measured_draft_pass_ms": p.row.draft_pass_s * MS_PER_S,
                  "predicted_draft_pass_ms": p.draft_pass_s * MS_PER_S, "citation": p.row.citation}
                 for p in c.predictions],
    }


__all__ = ["ENGINE", "measured_speculative_document"]
