"""The step model's fit command reproduces its JSON, and the cross-validated figures are what it says."""

from __future__ import annotations

import json
import math

import numpy as np

from estimator.core.base.interval import LEVEL
from estimator.fit.grouped_conformal import pooled_cdf_quantile
from estimator.fit.step_fit import measured_mfu, measured_tokens_per_s
from estimator.io.layouts_data import STEP_FIT_PATH, fit_json, load_layout_rows


def test_fit_command_reproduces_the_shipped_json():
    """Every number within 10⁻⁶ of the shipped one (the optimiser's last digits move between machines: 2026-11-28,
    one parameter 8 × 10⁻⁷ apart), everything else equal."""
    from estimator.core.base.fit_diff import stale_fields
    assert stale_fields(json.loads(fit_json()), json.loads(STEP_FIT_PATH.read_text(encoding="utf-8"))) == []


def test_cv_figures_are_what_the_json_says():
    doc = json.loads(STEP_FIT_PATH.read_text(encoding="utf-8"))
    held = [p for p in doc["predictions"] if "held_out_tokens_per_s_per_device" in p]
    assert len(held) == doc["rows_used"] == doc["cross_validation"]["step_model"]["rows"]
    for kind, key in (("step_model", "held_out_tokens_per_s_per_device"),
                      ("flat_mfu_baseline", "held_out_baseline_tokens_per_s_per_device")):
        logs = {p["row_id"]: math.log(p[key] / p["measured_tokens_per_s_per_device"]) for p in held}
        median = math.exp(float(np.median(np.abs(list(logs.values())))))
        assert abs(median / doc["cross_validation"][kind]["median_factor"] - 1) < 1e-3   # JSON rounds to 5 figures
        covered = 0
        for p in held:   # the range of a held-out source: pooled 80% quantile of the other sources' |log ratio|
            others = [q for q in held if q["source_key"] != p["source_key"]]
            half = pooled_cdf_quantile([abs(logs[q["row_id"]]) for q in others], [q["source_key"] for q in others], LEVEL)
            covered += abs(logs[p["row_id"]]) <= half * (1 + 1e-4)
        assert abs(covered / len(held) - doc["cross_validation"][kind]["coverage_80"]) <= 1.5 / len(held)
    # the step model beats the flat MFU held out
    cv = doc["cross_validation"]
    assert cv["step_model"]["median_factor"] < cv["flat_mfu_baseline"]["median_factor"]


def test_measured_figures_in_one_convention():
    rows = {r.row_id: r for r in load_layout_rows()}
    # MosaicML's H100 MPT-70B: reported 1039 tokens/s per GPU at 42.57% MFU (6N + attention, bf16 peak 989 TFLOP/s)
    mpt = rows["trmfu-105"]
    assert measured_tokens_per_s(mpt) == 1039.0
    assert abs(measured_mfu(mpt) - 0.4257) < 0.01
    # MegaScale 530B: MFU only; tokens/s derived through model FLOPs per token and the A100's 312 TFLOP/s
    ms = rows["trmfu-032"]
    assert ms.measured_kind == "mfu_pct" and abs(measured_mfu(ms) - 0.543) < 1e-9
