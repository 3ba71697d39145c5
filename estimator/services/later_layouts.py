"""Published training layouts gathered after the step model was fitted, predicted by it as shipped (never fitted on
them), beside the flat-MFU baseline of the same fit: what ``validate`` prints and the Accuracy page shows.

Use case over ``estimator.io.later_layouts`` (the data file), ``estimator.services.public.estimate`` (each row is
answered as ``python -m estimator estimate`` answers its layout) and ``estimator.services.plan`` (the shipped fit's
flat MFU). A row whose recomputation is one of the step model's modes is scored as the cross-validation scores one
(the factor off the measured tokens/s, inside the 80% range or not); a row between two modes is checked against the
bracket the two give (the measured tokens/s between the two predictions, or which end it lies beyond, and by how
much).
"""

from __future__ import annotations

import math
import statistics
from functools import lru_cache

from estimator.core.base.interval import LEVEL
from estimator.core.training.step import flat_mfu_tokens_per_s
from estimator.io.datafiles import default_profiles
from estimator.io.later_layouts import LATER_LAYOUTS_PATH, LaterLayout, load_later_layouts
from estimator.services.plan import resolve_model, step_model
from estimator.services.public import estimate

# the run's tokens, a round number: the step and its range do not depend on it
RUN_TOKENS = 1e12


def _step(row: LaterLayout, recompute: str) -> tuple[float, tuple[float, float]]:
    """(tokens/s per device, its 80% range) as `estimate` answers the row's layout with ``recompute``."""
    est = estimate(model=row.model, tokens=RUN_TOKENS, hardware=row.hardware_id, devices=row.devices, tp=row.tp,
                   pp=row.pp, zero=row.zero, micro_batch=row.micro_batch, seq_len=row.seq_len,
                   global_batch_tokens=row.devices // (row.tp * row.pp) * row.micro_batch * row.seq_len,
                   activation_recompute=recompute, precision=row.precision)
    low, high = est.step.tokens_per_s_range
    return est.step.step.tokens_per_s_per_device, (low, high)


def _factor(logs: list[float]) -> float:
    return math.exp(statistics.median(abs(x) for x in logs)) if logs else math.nan


@lru_cache(maxsize=1)
def later_layouts_document() -> dict:
    """What ``validate`` reports on the later published layouts, as plain numbers."""
    layouts = load_later_layouts()
    doc = step_model()[2]
    flat_mfu = doc["cross_validation"]["flat_mfu_all_sources"]
    profiles = default_profiles()
    rows, exact_logs, flat_logs = [], [], []
    for r in layouts:
        measured = r.tokens_per_s_per_device
        less, less_range = _step(r, r.recompute_less)
        more, more_range = (less, less_range) if r.exact else _step(r, r.recompute_more)
        shape = resolve_model(model=r.model)[1]
        flat = flat_mfu_tokens_per_s(shape, r.seq_len, flat_mfu, profiles.by_id(r.hardware_id).peak_flops_per_s[r.precision])
        row = {"row_id": r.row_id, "model": r.model, "hardware": r.hardware_id, "devices": r.devices,
               "layout": f"TP{r.tp} PP{r.pp} DP{r.devices // (r.tp * r.pp)}, ZeRO-{r.zero}, mb {r.micro_batch}",
               "seq_len": r.seq_len, "recompute_published": r.recompute_published, "exact": r.exact,
               "recompute_less": r.recompute_less, "recompute_more": r.recompute_more,
               "measured_tokens_per_s_per_device": measured, "reported_mfu_pct": r.reported_mfu_pct,
               "predicted_less_recompute": less, "predicted_more_recompute": more,
               "flat_mfu_tokens_per_s_per_device": flat}
        if r.exact:
            log_ratio = math.log(less / measured)
            exact_logs.append(log_ratio)
            flat_logs.append(math.log(flat / measured))
            row.update(interval_tokens_per_s_per_device=list(less_range),
                       inside=less_range[0] <= measured <= less_range[1], factor=math.exp(abs(log_ratio)))
        else:  # more recomputation is slower: the bracket runs from the "more" prediction up to the "less" one
            inside = more <= measured <= less
            beyond = 1.0 if inside else (more / measured if measured < more else measured / less)
            row.update(inside_bracket=inside, beyond_bracket_factor=beyond)
        rows.append(row)
    bracketed = [x for x in rows if not x["exact"]]
    return {
        "data": f"estimator/data/{LATER_LAYOUTS_PATH.name}",
        "method": (f"{len(rows)} published layouts gathered after the step model was fitted (torchtitan's FSDP2 tables on "
                   "64 A100 80GB: a framework and a source none of the fit's layouts came from), never fitted: each "
                   "answered as `estimate` answers its layout; where the published recomputation is one of the step "
                   f"model's modes, scored as the cross-validation scores a layout, beside the flat MFU of the same fit "
                   f"({flat_mfu:.1%} of the peak, model FLOPs); where it lies between two (torchtitan's per-layer and "
                   "per-operation checkpointing), checked against the bracket of the two modes' predictions"),
        "citation": layouts[0].citation,
        "level": LEVEL,
        "flat_mfu": flat_mfu,
        "exact": {"rows": len(exact_logs), "median_factor": _factor(exact_logs),
                  "coverage_80": sum(x["inside"] for x in rows if x["exact"]) / len(exact_logs) if exact_logs else math.nan,
                  "median_signed_factor": math.exp(statistics.median(exact_logs)) if exact_logs else math.nan,
                  "flat_mfu_median_factor": _factor(flat_logs)},
        "bracketed": {"rows": len(bracketed),
                      "inside": sum(x["inside_bracket"] for x in bracketed),
                      "worst_beyond_factor": max((x["beyond_bracket_factor"] for x in bracketed), default=math.nan)},
        "rows": rows,
    }


__all__ = ["later_layouts_document"]
