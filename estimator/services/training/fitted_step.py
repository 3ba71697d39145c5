"""The training step model as fitted and shipped (estimator/data/step_fit.json, written by `python -m estimator
fit-step`): its parameters, the 80% range a new run takes, and the cross-validated figures beside the flat-MFU
baseline that `validate` and the Accuracy page show."""

from __future__ import annotations

import math
from functools import lru_cache

from estimator.core.base.interval import LEVEL
from estimator.core.training import plan as core_plan
from estimator.core.training.plan import StepRange
from estimator.core.training.step import StepParams


@lru_cache(maxsize=1)
def step_model() -> tuple[StepParams, StepRange, dict]:
    """The fitted step parameters and the step model's 80% range for a new run: the CDF-pooled 80% quantile
    (each source once) of all sources' held-out |log ratio| (step_fit.json's predictions), the cross-validated
    figures beside it."""
    from estimator.fit.grouped_conformal import pooled_cdf_quantile
    from estimator.fit.step_fit import params_from_document
    from estimator.io.layouts_data import load_step_fit
    doc = load_step_fit()
    held = [(p["source_key"], abs(math.log(p["held_out_tokens_per_s_per_device"] / p["measured_tokens_per_s_per_device"])))
            for p in doc["predictions"] if p.get("used") and p.get("held_out_tokens_per_s_per_device")]
    half = pooled_cdf_quantile([x for _, x in held], [s for s, _ in held], LEVEL)
    return params_from_document(doc), core_plan.step_range_from(doc, half), doc


def cross_validated() -> dict:
    """The step model's and the flat-MFU baseline's cross-validated figures (step_fit.json), for validate and
    the Accuracy page."""
    doc = step_model()[2]
    cv = doc["cross_validation"]
    return {"by": cv["by"], "level": cv["level"], "range": cv["range"], "baseline": cv["baseline"],
            "flat_mfu_all_sources": cv["flat_mfu_all_sources"], "step_model": dict(cv["step_model"]),
            "flat_mfu_baseline": dict(cv["flat_mfu_baseline"]), "in_sample": dict(doc["in_sample"]),
            "sources": list(doc["sources_used"]), "rows": doc["rows_used"], "command": doc["command"],
            "conventions": dict(doc["conventions"])}
