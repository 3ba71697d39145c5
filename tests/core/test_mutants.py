"""Mutation audit (2026-11-25): 54 single-bug mutants of the core and services, 10 of which no test caught;
each test here fails on its mutant (an exact count, a boundary, a factor left out) and passes on the code as it
is. /work/research/audit-mutation.md lists every mutant; these are the survivors' tests."""
import math

import numpy as np
import pytest

from estimator.core.base.errors import InputError
from estimator.core.hardware.utilization_model import UTILIZATION_CEILING, Spec, UtilizationModel
from estimator.core.serving.memory import devices_needed
from estimator.core.serving.step import Architecture
from estimator.core.tracking.step_times import step_times
from estimator.core.training import memory as mem
from estimator.core.training.estimate import estimate
from estimator.core.workload.flops import TransformerShape, transformer_count
from estimator.core.workload.scenario import Scenario
from estimator.io.datafiles import default_profiles
from estimator.services import api
from estimator.services.training.size_sweep import model_size_sweep


def test_a_known_run_just_above_the_peak_is_refused():
    p = default_profiles().get("h100-sxm")
    high = p.peak_range(p.default_precision)[1]
    with pytest.raises(InputError, match="more than the peak is impossible"):
        estimate(Scenario(flops=1.05 * high * 3600, hours=1), p)
    e = estimate(Scenario(flops=0.95 * high * 3600, hours=1), p)  # just below: accepted
    assert e.achieved_flops_per_s == pytest.approx(0.95 * high)


def test_params_total_counts_token_and_position_embeddings():
    c = transformer_count(TransformerShape(n_layer=96, d_model=12288, n_ctx=2048, vocab_size=50257))
    # 12·96·12288² + 50257·12288 (tokens) + 2048·12288 (positions)
    assert c.params_total == 174_588_899_328


def test_fp32_activations_are_twice_the_16_bit_ones():
    sh = mem.Shape(1e9, 24, 2048, 16)
    st = mem.Strategy(0, "full", 1, 1)
    # full recomputation: 2·s·b·h bytes per layer = 2·2048·1·2048·24 = 201,326,592 B at 16 bits
    assert mem.per_device(sh, st, 1, 2048, 1, "bf16").activations_gb == pytest.approx(0.201326592)
    assert mem.per_device(sh, st, 1, 2048, 1, "fp32").activations_gb == pytest.approx(0.402653184)


def test_selective_recomputation_splits_over_tensor_parallel():
    # Korthikanti Table 2: 34·s·b·h/t = 34·2048·1·12288/8
    assert mem.activation_bytes_per_layer(2048, 1, 12288, 96, tp=8, recompute="selective") == 106_954_752


def test_a_model_filling_memory_exactly_fits_on_one_device():
    sh, st = mem.Shape(1e9, 24, 2048, 16), mem.Strategy(0, "none", 1, 1)
    cap = mem.per_device(sh, st, 1, 2048, 1, "bf16").total_gb
    assert mem.min_devices(sh, st, cap, 2048, 1, "bf16") == 1


def test_devices_needed_rounds_up_to_a_power_of_two():
    a = Architecture(layers=80, d_model=8192, heads=64, kv_heads=8)
    # 1e11 × 2 B = 200 GB + 499 tokens × 327,680 B KV = 200.16 GB; 72 GB usable per device → 2.78 → 3 → 4
    assert devices_needed(params=1e11, arch=a, memory_gb_per_device=80, batch=1, prompt_tokens=161,
                          output_tokens=338, weight_bits=16, kv_bits=16) == 4


def test_a_configured_warmup_skips_every_value_that_holds_a_warmup_step():
    st = step_times([9.0, 9.0] + [1.0] * 20, steps_per_value=10, warmup_steps=15)
    assert st.mean_s == 1.0 and st.steps == 200 and st.warmup_steps == 15


def test_a_centre_above_the_ceiling_is_capped_at_it():
    m = UtilizationModel(spec=Spec((), 1.0), center_log=math.log(1.2), covariates=(), scale_log=0.5, tau_log=0.0,
                         families={}, param_names=("intercept",), param_cov=((0.0,),), n_runs=5)
    pr = m.predict(None)
    assert pr.center == UTILIZATION_CEILING and pr.high == UTILIZATION_CEILING
    assert pr.low == pytest.approx(1.2 * math.exp(-0.5))


def test_the_growth_curve_of_a_known_run_at_another_precision_passes_through_it():
    r = api.run(hardware="a100-sxm-80gb", flops=2e18, hours=10, devices=8, precision="fp32")
    sw = model_size_sweep(r)
    # 2e18 FLOPs ÷ 288,000 device-seconds = 6.944e12 FLOP/s = 0.356 of the fp32 peak 1.95e13
    assert sw.run_utilization == pytest.approx(2e18 / 288_000 / 1.95e13)
    df = sw.df[sw.df["quantity"] == "Training time (days)"]
    curve = df[df["kind"] == "sweep"]
    at_n = float(np.exp(np.interp(np.log(sw.n), np.log(curve["params"]), np.log(curve["value"]))))
    assert at_n == pytest.approx(10 / 24, rel=1e-6)


def test_fsdp_is_zero_stage_3():
    by_name = api.run(params=7e9, tokens=1e12, devices=8, memory={"zero": "fsdp"}).estimate.memory
    by_stage = api.run(params=7e9, tokens=1e12, devices=8, memory={"zero": 3}).estimate.memory
    assert by_name.strategy.zero == 3 and by_name.per_device == by_stage.per_device
    assert by_name.per_device.weights_gb == pytest.approx(2 * 7e9 / 8 / 1e9)


def test_a_fitted_utilisation_range_never_ends_above_the_peak():
    """The centre and the high end were capped and the low end was not: a centre far above 1 gave low > centre."""
    m = UtilizationModel(spec=Spec((), 1.0), center_log=math.log(3.0), covariates=(), scale_log=0.5, tau_log=0.0,
                         families={}, param_names=("intercept",), param_cov=((0.0,),), n_runs=5)
    pr = m.predict(None)
    assert pr.low <= pr.center == pr.high == UTILIZATION_CEILING
