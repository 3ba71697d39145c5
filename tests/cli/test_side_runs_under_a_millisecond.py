"""A run a command computes on the side (a serving break-even's training, a scaling law's compute-optimal run) holds
the one device-millisecond an estimate covers, as `estimate` does (bounds.DEVICE_HOURS's low end; carried in the
2026-12-03 note: both had printed sub-millisecond runs)."""

from __future__ import annotations

import json

import pytest

from estimator import inference
from estimator.core.base.errors import ResultOutOfBounds
from estimator.services.limits.reports import flops_model


def test_a_break_even_training_run_under_a_device_millisecond_is_refused_naming_its_input(cli):
    r = cli("inference", "--model", "gpt-3-125m", "--hardware", "h100-sxm", "--train-tokens", "1")
    assert r.code == 2 and r.out == "" and r.err.count("\n") == 1
    assert r.err.startswith("error: the training run that serving is compared with (6·N·D with D = 1 tokens) would "
                            "take 1.15 × 10⁻⁵ device-seconds, less than the one device-millisecond an estimate covers: "
                            "give more training FLOPs or tokens (--train-tokens)")
    with pytest.raises(ResultOutOfBounds, match="less than the one device-millisecond") as caught:
        inference(model="gpt-3-125m", hardware="h100-sxm", train_tokens=1)
    assert caught.value.field == ("train_tokens",)


def test_a_break_even_training_run_above_it_is_answered(cli):
    # Llama 3.1 8B, one token on an A100: 4.82 × 10¹⁰ FLOPs, 1.3 ms on the device, above the floor
    r = cli("inference", "--model", "llama-3.1-8b", "--hardware", "a100-sxm4-80gb", "--train-tokens", "1",
            "--format", "json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["training"]["flops"] == pytest.approx(4.82e10, rel=0.01)


def test_a_compute_optimal_run_under_a_device_millisecond_keeps_its_split_without_a_time(cli):
    r = cli("scaling", "chinchilla", "--flops", "1e12", "--hardware", "b200", "--precision", "fp4", "--utilization",
            "1", "--format", "json")
    assert r.code == 0, r.err
    out = json.loads(r.out)
    assert out["params_opt"] == pytest.approx(91287.09, rel=1e-4) and "estimate" not in out
    assert out["estimate_omitted"] == ("time, energy, CO₂e and cost are not estimated: the run would take 0.000111 "
                                       "device-seconds, less than the one device-millisecond an estimate covers")
    model, est, why = flops_model(1e12, "b200", {"precision": "fp4", "utilization": 1.0})
    assert est is None and why == out["estimate_omitted"]
    # at the profile's own utilisation the same FLOPs take 1.48 ms: timed
    model, est, why = flops_model(1e12, "b200")
    assert why is None and est.wall_clock_s == pytest.approx(0.00148, rel=0.01)
