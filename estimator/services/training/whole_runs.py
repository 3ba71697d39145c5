"""The step path's run time against published whole runs: each run of a catalog model timed as `estimate --model …
--tokens … --devices …` times it (the planner's best layout, the step model's time ÷ the goodput), its published
device-hours inside its 80% range or not, beside the flat 30%-of-peak rule in the same run. ``validate`` prints the
document (its JSON under ``whole_runs_step_path``).

The range is calibrated on the step throughput of published layouts (the step model's held-out errors) and the
goodput's stated spread, not on whole runs (evidence audit 2026-11-29: it was called an 80% interval with no
coverage on whole runs measured); this is that coverage. A run whose layouts are among the step model's fitted ones
(``WholeRun.step_fit_source``) is listed, not scored; a run whose device count was not published is scored with the
count assumed, said apart.
"""

from __future__ import annotations

import math
import statistics
from functools import lru_cache

from estimator.core.base.interval import LEVEL
from estimator.core.base.units import S_PER_HOUR
from estimator.core.hardware.utilization_model import RULE_UTILIZATION
from estimator.io.whole_runs import WHOLE_RUNS_PATH, load_whole_runs
from estimator.services.workload_inputs import run_estimate


def _summary(rows: list[dict]) -> dict:
    """How many, how many inside, the step path's and the rule's median factors and the step path's signed ratio."""
    if not rows:  # every key, so that a table of none reads (review 2026-11-29)
        return {"runs": 0, "inside": 0, "median_factor": None, "median_ratio": None, "rule_median_factor": None}
    return {"runs": len(rows), "inside": sum(r["inside"] for r in rows),
            "median_factor": statistics.median(math.exp(abs(math.log(r["ratio"]))) for r in rows),
            "median_ratio": statistics.median(r["ratio"] for r in rows),
            "rule_median_factor": statistics.median(math.exp(abs(math.log(r["rule_ratio"]))) for r in rows)}


@lru_cache(maxsize=1)
def whole_runs_document() -> dict:
    """Each published whole run timed by the step path, and how many its 80% range holds."""
    rows = []
    for run in load_whole_runs():
        e = run_estimate(model=run.model, tokens=run.tokens, devices=run.devices, hardware=run.hardware_id,
                         **run.stated()).estimate
        low, high = e.range["device_hours"]
        # the rule at the peak the estimate ran at (the precision's: its own assumption, not derived again)
        peak = float(e.assumption("peak_flops_per_s").value)
        rule_device_hours = e.flops / (RULE_UTILIZATION * peak) / S_PER_HOUR
        rows.append({"run_id": run.run_id, "model": run.model, "hardware": run.hardware_id, "devices": run.devices,
                     "devices_published": run.devices_published, "published_device_hours": run.published_device_hours,
                     "step_device_hours": e.device_hours, "range_device_hours": [low, high],
                     "ratio": e.device_hours / run.published_device_hours,
                     "inside": bool(low <= run.published_device_hours <= high),
                     "rule_device_hours": rule_device_hours, "rule_ratio": rule_device_hours / run.published_device_hours,
                     "mfu": e.step.step.mfu, "in_step_fit": bool(run.step_fit_source),
                     "step_fit_source": run.step_fit_source, "stated": run.stated(), "citation": run.citation})
    scored = [r for r in rows if not r["in_step_fit"]]
    return {"data": f"estimator/data/{WHOLE_RUNS_PATH.name}", "level": LEVEL,
            "method": ("each published whole run of a catalog model timed as `estimate` times a catalog model with its "
                       "tokens and devices (the planner's best layout on those devices, the step model's time ÷ the goodput; the "
                       "sequence, batch and precision where the developer stated them), its published device-hours "
                       "checked against the 80% range; beside it the flat 30% of the precision's peak, in the same run; a "
                       "run whose layouts are among the step model's fitted ones listed, not scored (the others' shapes "
                       "can be: NVIDIA's NeMo 24.07 rows time Llama 2 and Llama 3 models on H100s at fp8, not these runs)"),
            "rows": rows,
            "scored": _summary(scored),
            "devices_published": _summary([r for r in scored if r["devices_published"]]),
            "devices_assumed": _summary([r for r in scored if not r["devices_published"]]),
            "in_step_fit": _summary([r for r in rows if r["in_step_fit"]])}


__all__ = ["whole_runs_document"]
