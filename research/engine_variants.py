"""A variant of the default engine (optimized-2024) refitted and checked as fit-serving fits and checks it: the shared
harness of the research scripts that try one (``kv_read_tries``, ``attention_apart_tries``).

Exploration only: nothing here feeds the shipped fit (`python -m estimator fit-serving`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from estimator.core.serving.step import ServingFit
from estimator.fit.serving_mlperf import OFFLINE, SERVER, cross_validate, fit_engine, predict
from estimator.io.serving_data import engine_profile, load_mlperf, load_serving_fit, load_trtllm_overview
from estimator.io.tpot_checks import load_rows

ENGINE = "optimized-2024"


def factor(errors) -> float:
    """The median factor of log errors (nan where there are none)."""
    return math.exp(float(np.median(np.abs(errors)))) if len(errors) else float("nan")


@dataclass(frozen=True)
class Checked:
    """One variant refitted: MLPerf held out by model and by hardware (Offline/Server median factors, as text),
    TensorRT-LLM's runs' log errors (never fitted) with their prompt lengths, and the refitted engine."""
    by_model: str
    by_hardware: str
    trt_errors: tuple[float, ...]
    trt_prompts: tuple[float, ...]
    fit: ServingFit

    def trt(self, at_least: float = 0.0, below: float = math.inf) -> float:
        """TensorRT-LLM's runs' median factor, those with prompts in [at_least, below)."""
        return factor([e for e, p in zip(self.trt_errors, self.trt_prompts) if at_least <= p < below])

    def costs_ms(self) -> str:
        """The refitted engine's costs: ms per layer, per sequence and per all-reduce."""
        f = self.fit
        return (f"{f.engine_s_per_layer * 1e3:.4f}, {f.engine_s_per_sequence * 1e3:.4f}, "
                f"{f.tp_s_per_allreduce * 1e3:.4f}")


def shipped() -> ServingFit:
    return load_serving_fit(ENGINE)


def check(base: ServingFit) -> Checked:
    """``base`` (a variant of the shipped fit) refitted to MLPerf's Offline results and the small-batch times,
    cross-validated by model and by hardware held out, and TensorRT-LLM's table predicted by the refit."""
    rows, latency, trt = load_mlperf(), load_rows(), list(load_trtllm_overview())
    cap = engine_profile(ENGINE).max_batch
    fit = replace(base, **fit_engine([r for r in rows if r.scenario == OFFLINE], latency, base, cap))
    cells = []
    for by in ("model", "hardware_id"):
        cv = cross_validate(rows, latency, base, cap, by, base.level)
        cells.append("/".join(f"{factor([h.log_error for h in cv.held if h.row.scenario == s]):.2f}"
                              for s in (OFFLINE, SERVER)))
    errors = tuple(math.log(predict(r, fit, 1.0, cap).tokens_per_s / r.tokens_per_s) for r in trt)
    return Checked(cells[0], cells[1], errors, tuple(r.prompt_tokens for r in trt), fit)
