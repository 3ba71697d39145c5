"""Published training layouts gathered after the step model was fitted, predicted by it as shipped (never fitted on
them), beside the flat-MFU baseline of the same fit: what ``validate`` prints and the Accuracy page shows.

Use case over ``estimator.io.later_layouts`` (the data file), ``estimator.services.workload_inputs.run_estimate`` (each
row is answered as ``python -m estimator estimate`` answers its layout) and ``estimator.services.training.step_setup`` (the shipped
fit's flat MFU). A row whose recomputation is one of the step model's modes is scored as the cross-validation scores a
layout (the factor off the measured tokens/s, inside the 80% range or not); a row between two modes is checked
against the bracket the two give (the measured tokens/s between the two predictions, or beyond which end and by how
much), and the bracket's width is reported beside it (a wide bracket holds a row easily). A row measured on a variant
of its profile's device (``device_as_profile`` no) is shown but left out of those figures; it is scored, with every
row of its ``compare_group``, as the ratio of its tokens/s to the group's first row's, the step model's ratio against
the measured one, beside the flat MFU's (which moves only with the FLOPs per token and the precision's peak).
"""

from __future__ import annotations

import math
import statistics
from functools import lru_cache

from estimator.core.base.interval import LEVEL, log_error_summary
from estimator.core.training.step import flat_mfu_tokens_per_s
from estimator.io.datafiles import default_profiles
from estimator.io.later_layouts import LATER_LAYOUTS_PATH, LaterLayout, load_later_layouts
from estimator.services.training.fitted_step import step_model
from estimator.services.training.step_setup import resolve_model
from estimator.services.workload_inputs import run_estimate

# the run's tokens, a round number: the step and its range do not depend on it
RUN_TOKENS = 1e12


def _step(row: LaterLayout, recompute: str) -> tuple[float, tuple[float, float]]:
    """(tokens/s per device, its 80% range) as `estimate` answers the row's layout with ``recompute``."""
    est = run_estimate(model=row.model, tokens=RUN_TOKENS, hardware=row.hardware_id, devices=row.devices, tp=row.tp,
                       pp=row.pp, cp=row.cp, vp=row.vp if row.vp > 1 else None, zero=row.zero,
                       micro_batch=row.micro_batch, seq_len=row.seq_len, global_batch_tokens=row.global_batch_tokens,
                       activation_recompute=recompute, precision=row.precision).estimate
    low, high = est.step.tokens_per_s_range
    return est.step.step.tokens_per_s_per_device, (low, high)


def _sources_words(layouts: tuple[LaterLayout, ...]) -> str:
    """What the rows are, from the rows: each source with its models, devices and hardware."""
    parts = []
    for source in dict.fromkeys(r.source for r in layouts):
        rows = [r for r in layouts if r.source == source]
        kit = ", ".join(dict.fromkeys(f"{r.devices} × {r.hardware_id}" for r in rows))
        parts.append(f"{source}: {', '.join(dict.fromkeys(r.model for r in rows))} on {kit}")
    return "; ".join(parts)


def _layout_words(r: LaterLayout) -> str:
    cp = f" CP{r.cp}" if r.cp > 1 else ""
    schedule = f", interleaved ×{r.vp}" if r.vp > 1 else ""
    batch = f" of {r.local_batch}" if r.local_batch != r.micro_batch else ""
    return f"TP{r.tp} PP{r.pp}{cp} DP{r.dp}, ZeRO-{r.zero}, mb {r.micro_batch}{batch}{schedule}, {r.precision}"


def _ratios(rows: list[dict]) -> dict:
    """Each compare_group's rows against its first: the measured ratio of tokens/s, the step model's, the flat MFU's."""
    groups: dict[str, list[dict]] = {}
    for x in rows:
        if x["compare_group"]:
            groups.setdefault(x["compare_group"], []).append(x)
    pairs = []
    for name, members in groups.items():
        ref = members[0]
        for x in members[1:]:
            measured = x["measured_tokens_per_s_per_device"] / ref["measured_tokens_per_s_per_device"]
            step = x["predicted_less_recompute"] / ref["predicted_less_recompute"]
            flat = x["flat_mfu_tokens_per_s_per_device"] / ref["flat_mfu_tokens_per_s_per_device"]
            pairs.append({"group": name, "reference": ref["row_id"], "row_id": x["row_id"], "measured_ratio": measured,
                          "step_model_ratio": step, "flat_mfu_ratio": flat,
                          "factor": math.exp(abs(math.log(step / measured))),
                          "flat_mfu_factor": math.exp(abs(math.log(flat / measured)))})
    median = lambda key: statistics.median(p[key] for p in pairs) if pairs else math.nan  # noqa: E731
    return {"pairs": len(pairs), "groups": len(groups), "median_factor": median("factor"),
            "flat_mfu_median_factor": median("flat_mfu_factor"),
            "within_1_10": sum(p["factor"] <= 1.10 for p in pairs), "flat_mfu_within_1_10":
                sum(p["flat_mfu_factor"] <= 1.10 for p in pairs), "rows": pairs}


def inside_words(row: dict) -> str:
    """Whether a later layout's measured tokens/s lies inside what the step model gives it, in words (`validate` and
    the Accuracy page alike): its 80% range where the published recomputation is one of the model's modes, the bracket
    of two modes' predictions where it lies between them; a row on a variant of its profile's device is not scored."""
    if not row["device_as_profile"]:
        return "not scored (a variant of the device)"
    if row["mode_is_modelled"]:
        return f"{'yes' if row['inside'] else 'no'} (range)"
    return "yes (bracket)" if row["inside_bracket"] else f"no ({row['beyond_bracket_factor']:.2f}× beyond the bracket)"


@lru_cache(maxsize=1)
def later_layouts_document() -> dict:
    """What ``validate`` reports on the later published layouts, as plain numbers."""
    layouts = load_later_layouts()
    params, step_range, doc = step_model()
    flat_mfu = doc["cross_validation"]["flat_mfu_all_sources"]
    profiles = default_profiles()
    rows, modelled_logs, flat_logs = [], [], []
    for r in layouts:
        measured = r.tokens_per_s_per_device
        less, less_range = _step(r, r.recompute_less)
        more = less if r.mode_is_modelled else _step(r, r.recompute_more)[0]
        shape = resolve_model(model=r.model)[1]
        flat = flat_mfu_tokens_per_s(shape, r.seq_len, flat_mfu, profiles.by_id(r.hardware_id).peak_flops_per_s[r.precision])
        row = {"row_id": r.row_id, "source": r.source, "model": r.model, "hardware": r.hardware_id,
               "devices": r.devices, "layout": _layout_words(r), "cp": r.cp, "vp": r.vp,
               "device_as_profile": r.device_as_profile, "compare_group": r.compare_group, "seq_len": r.seq_len, "recompute_published": r.recompute_published,
               "mode_is_modelled": r.mode_is_modelled, "recompute_less": r.recompute_less,
               "recompute_more": r.recompute_more, "measured_tokens_per_s_per_device": measured,
               "reported_mfu_pct": r.reported_mfu_pct, "predicted_less_recompute": less,
               "predicted_more_recompute": more, "flat_mfu_tokens_per_s_per_device": flat}
        if not r.device_as_profile:
            pass   # a variant of the profile's device: scored only in its group's ratios
        elif r.mode_is_modelled:
            log_ratio = math.log(less / measured)
            modelled_logs.append(log_ratio)
            flat_logs.append(math.log(flat / measured))
            row.update(interval_tokens_per_s_per_device=list(less_range),
                       inside=less_range[0] <= measured <= less_range[1], factor=math.exp(abs(log_ratio)))
        else:  # more recomputation is slower: the bracket runs from the "more" prediction up to the "less" one
            inside = more <= measured <= less
            beyond = 1.0 if inside else (more / measured if measured < more else measured / less)
            row.update(inside_bracket=inside, beyond_bracket_factor=beyond, bracket_width_factor=less / more)
        rows.append(row)
    bracketed = [x for x in rows if x["device_as_profile"] and not x["mode_is_modelled"]]
    modelled = log_error_summary(modelled_logs, step_range.half_log)
    return {
        "data": f"estimator/data/{LATER_LAYOUTS_PATH.name}",
        "method": (f"{len(rows)} published layouts gathered after the step model was fitted, from sources the fitted "
                   f"layouts do not include ({_sources_words(layouts)}), never fitted: each answered as `estimate` "
                   "answers its layout; where the published recomputation is one of the step model's modes, scored "
                   "as the cross-validation scores a layout, beside the flat MFU of the same fit "
                   f"({flat_mfu:.1%} of the peak, model FLOPs); where it lies between two, checked against the "
                   "bracket of the two modes' predictions; a row measured on a variant of its profile's device only "
                   "as the ratio of its tokens/s to its group's first row's (the rows of one benchmark on the same "
                   "machines that differ in one setting), the step model's ratio against the measured one, beside the flat MFU's"),
        "citations": list(dict.fromkeys(r.citation for r in layouts)),
        "level": LEVEL,
        "flat_mfu": flat_mfu,
        "modelled": {**modelled, "flat_mfu_median_factor": log_error_summary(flat_logs, step_range.half_log)["median_factor"]},
        "bracketed": {"rows": len(bracketed),
                      "inside": sum(x["inside_bracket"] for x in bracketed),
                      "worst_beyond_factor": max((x["beyond_bracket_factor"] for x in bracketed), default=math.nan),
                      "median_width_factor": (statistics.median(x["bracket_width_factor"] for x in bracketed)
                                              if bracketed else math.nan)},
        "variant_rows": sum(not x["device_as_profile"] for x in rows),
        # of them, those in a group (scored as ratios); the others are shown, not scored (browser review 2026-11-27)
        "variant_rows_in_groups": sum(not x["device_as_profile"] and bool(x["compare_group"]) for x in rows),
        "ratios": _ratios(rows),
        "rows": rows,
    }


__all__ = ["later_layouts_document"]
