"""Inference: the roofline per token, quantisation, pruning, distillation, break-even."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from estimator import compression, limits
from estimator.datafiles import default_profiles
from estimator.errors import InputError
from estimator.inference import InferenceScenario, inference

A100 = default_profiles().get("a100-sxm-80gb")
H100 = default_profiles().get("h100-sxm")
V100 = default_profiles().get("v100-sxm2")
BASE = InferenceScenario(params=7e9, tokens=1e6)


def test_7b_16bit_a100_batch1_is_no_faster_than_weights_over_bandwidth():
    r = inference(BASE, A100)
    bound = 14e9 / 2039e9  # 14 GB of 16-bit weights ÷ 2039 GB/s ≈ 6.87 ms
    assert r.memory_gb == pytest.approx(14.0)
    assert r.seconds_per_token >= bound * (1 - 1e-12)
    assert r.seconds_per_token == pytest.approx(bound)  # memory-bound at batch 1
    assert r.bound == "memory" and r.devices == 1 and r.precision == "bf16"
    assert r.flops_per_token == pytest.approx(1.4e10)
    assert r.compute_s_per_step == pytest.approx(1.4e10 / (312e12 * A100.utilization.default))


def test_8bit_halves_time_and_memory():
    r16, r8 = inference(BASE, A100), inference(replace(BASE, bits=8), A100)
    assert r8.seconds_per_token == pytest.approx(r16.seconds_per_token / 2)
    assert r8.memory_gb == pytest.approx(7.0)
    assert r8.energy_kwh == pytest.approx(r16.energy_kwh / 2)
    assert r8.precision == "int8" and r8.peak_flops_per_s == 624e12   # A100 INT8 dense
    assert inference(replace(BASE, bits=8), H100).precision == "fp8"  # H100 FP8


def test_missing_low_precision_falls_back_to_16bit_peak_and_says_so():
    r = inference(replace(BASE, bits=8), V100)
    assert r.precision == "fp16" and r.peak_flops_per_s == V100.peak("fp16")
    assert any("no 8-bit peak" in n for n in r.notes)
    r4 = inference(replace(BASE, bits=4), A100)
    assert r4.memory_gb == pytest.approx(3.5) and r4.precision == "bf16"
    assert any("no 4-bit peak" in n for n in r4.notes)


def test_large_batch_becomes_compute_bound():
    r = inference(replace(BASE, batch_size=4096), A100)
    assert r.bound == "compute"
    assert r.seconds_per_token == pytest.approx(1.4e10 / (312e12 * A100.utilization.default))
    assert r.latency_s_per_token == pytest.approx(4096 * r.seconds_per_token)
    small = inference(replace(BASE, batch_size=8), A100)
    assert small.bound == "memory" and small.seconds_per_token == pytest.approx(14e9 / 2039e9 / 8)


def test_energy_cost_co2e_follow_the_estimator():
    r = inference(BASE, A100)
    device_hours = 1e6 * 14e9 / 2039e9 / 3600
    assert r.estimate.device_hours == pytest.approx(device_hours)
    assert r.energy_kwh == pytest.approx(device_hours * A100.power.average_w * 1.1 / 1000)   # A100, PUE 1.1
    assert r.co2e_kg == pytest.approx(r.energy_kwh * 0.475)                 # world-average 475 g/kWh
    assert r.cost_usd == pytest.approx(device_hours * 3.43)                 # AWS p4de per GPU-hour
    assert r.per_token("energy_kwh") == pytest.approx(r.energy_kwh / 1e6)
    assert r.per_query("cost_usd") == pytest.approx(r.cost_usd / 1e6 * 500)
    d = r.to_dict()
    for key in ("seconds_per_token", "memory_gb", "energy_kwh", "co2e_kg", "cost_usd"):
        assert d[key] == pytest.approx(getattr(r, key))
    assert d["assumptions"]["device_hours"]["origin"] == "derived"


def test_user_settings_apply():
    r = inference(replace(BASE, power_w=250.0, pue=1.5, carbon_intensity_g_per_kwh=100.0,
                          electricity_usd_per_kwh=0.1), A100)
    dh = r.estimate.device_hours
    assert r.energy_kwh == pytest.approx(dh * 0.25 * 1.5)
    assert r.co2e_kg == pytest.approx(r.energy_kwh * 0.1)
    assert r.cost_usd == pytest.approx(r.energy_kwh * 0.1)


def test_pruning_ideal_and_dense_kernels():
    pruned = inference(replace(BASE, sparsity=0.5), A100)
    assert pruned.memory_gb == pytest.approx(7.0) and pruned.flops_per_token == pytest.approx(7e9)
    dense = inference(replace(BASE, sparsity=0.5, sparse_kernels=False), A100)
    assert dense.seconds_per_token == pytest.approx(inference(BASE, A100).seconds_per_token)
    assert any("no saving" in n for n in dense.notes)
    assert any("rarely speeds up dense hardware" in n for n in pruned.notes)


def test_distillation_serves_the_student():
    r = inference(replace(BASE, student_params=3.5e9), A100)
    assert r.params_served == 3.5e9 and r.memory_gb == pytest.approx(7.0)
    with pytest.raises(InputError, match="smaller"):
        inference(replace(BASE, student_params=7e9), A100)


def test_weights_that_do_not_fit_use_more_devices():
    r = inference(InferenceScenario(params=70e9, tokens=1e6), A100)    # 140 GB of 16-bit weights
    assert r.devices == 2
    assert r.seconds_per_token == pytest.approx(140e9 / (2 * 2039e9))
    assert r.estimate.device_hours == pytest.approx(1e6 * r.seconds_per_token * 2 / 3600)
    with pytest.raises(InputError, match="at least 2 devices"):
        inference(InferenceScenario(params=70e9, tokens=1e6, devices=1), A100)


@pytest.mark.parametrize("change", [dict(params=-1), dict(tokens=0), dict(bits=3), dict(sparsity=1.0),
                                    dict(sparsity=-0.1), dict(batch_size=0), dict(batch_size=2.5),
                                    dict(utilization=1.5), dict(tokens=float("nan")), dict(tokens_per_query=0)])
def test_bad_inputs(change):
    with pytest.raises(InputError):
        inference(replace(BASE, **change), A100)


def test_profiles_without_memory_are_refused():
    with pytest.raises(InputError, match="bandwidth"):
        inference(BASE, default_profiles().get("brain"))


def test_techniques_savings():
    s = replace(BASE, bits=8, sparsity=0.5, student_params=3.5e9)
    ts = {t.name: t for t in compression.techniques(s, A100, illustrate=False)}
    assert set(ts) == {"baseline", "quantization-8bit", "pruning", "distillation", "combined"}
    assert ts["quantization-8bit"].saving("energy_kwh") == pytest.approx(0.5)
    assert ts["pruning"].saving("memory_gb") == pytest.approx(0.5)
    assert ts["distillation"].saving("cost_usd") == pytest.approx(0.5)
    assert ts["combined"].saving("energy_kwh") == pytest.approx(1 - 0.5 * 0.5 * 0.5)   # 3.5e9 × 0.5 × 1 byte
    d = ts["quantization-8bit"].to_dict()
    base = ts["baseline"].result
    assert d["saved_per_query"]["energy_kwh"] == pytest.approx(base.per_query("energy_kwh") / 2)
    assert d["saved_total"]["cost_usd"] == pytest.approx(base.cost_usd / 2)
    shown = {t.name: t for t in compression.techniques(BASE, A100, illustrate=True)}
    assert not shown["pruning"].chosen and shown["pruning"].result.memory_gb == pytest.approx(7.0)
    assert shown["distillation"].result.params_served == pytest.approx(0.6 * 7e9)
    assert shown["quantization-4bit"].saving("seconds_per_token") == pytest.approx(0.75)


def test_break_even():
    rep = limits.inference_report(hardware="a100-sxm-80gb", params=7e9, tokens=1e9)
    assert rep.training.flops == pytest.approx(6 * 7e9 * 140e9)   # D = 20·N
    be = rep.break_even
    per_query = rep.result.per_query("cost_usd")
    assert be.queries["cost_usd"] == pytest.approx(rep.training.cost_usd / per_query)
    assert be.tokens["energy_kwh"] == pytest.approx(be.queries["energy_kwh"] * 500)
    # same hardware, power and PUE: energy break-even = training device-hours ÷ serving device-hours per query
    assert be.queries["energy_kwh"] == pytest.approx(
        rep.training.device_hours / (rep.result.estimate.device_hours / 1e9 * 500))
    given = limits.inference_report(hardware="a100-sxm-80gb", params=7e9, tokens=1e9, train_tokens=2e12)
    assert given.training.flops == pytest.approx(6 * 7e9 * 2e12)
    with pytest.raises(InputError):
        limits.inference_report(hardware="a100-sxm-80gb", params=7e9, tokens=1e9, train_tokens=1e12, train_flops=1e22)


def test_report_resolves_the_grid_by_region():
    rep = limits.inference_report(hardware="a100-sxm-80gb", params=7e9, tokens=1e6, region="FRA")
    world = limits.inference_report(hardware="a100-sxm-80gb", params=7e9, tokens=1e6)
    assert rep.result.co2e_kg < world.result.co2e_kg
    assert rep.training.co2e_kg / rep.training.energy_kwh == pytest.approx(rep.result.co2e_kg / rep.result.energy_kwh)
    assert math.isclose(rep.result.energy_kwh, world.result.energy_kwh)
