"""Inference: the decode step (weights + KV cache, prefill, tensor parallelism, engine costs),
power by load, memory and the largest batch, ranges; quantisation, pruning, distillation,
break-even."""

from __future__ import annotations

import math
import re
from dataclasses import replace

import pytest

from estimator.core.base.errors import InputError
from estimator.core.serving import compression
from estimator.core.serving.estimate import InferenceScenario, inference
from estimator.core.serving.step import (
    BANDWIDTH_FRACTION,
    COMPUTE_FRACTION,
    DECODE_POWER_FRACTION,
    IDLE_POWER_FRACTION,
    USABLE_MEMORY_FRACTION,
    check_architecture,
    compute_share,
    load_power_fraction,
)
from estimator.core.serving.weights import weights_read_fraction
from estimator.io import serving_data
from estimator.io.datafiles import default_profiles
from estimator.services.serving import inference as serving

A100 = default_profiles().get("a100-sxm-80gb")
H100 = default_profiles().get("h100-sxm")
V100 = default_profiles().get("v100-sxm2")
FIT = serving_data.load_serving_fit("vllm-2024")
LLAMA2_7B = serving_data.catalog_model("llama-2-7b")     # 32 layers, d_model 4096, 32 heads, 32 KV heads
LLAMA3_8B = serving_data.catalog_model("llama-3-8b")     # same width, 8 KV heads (grouped-query)
BASE = InferenceScenario(params=LLAMA2_7B.params, tokens=1e6, architecture=LLAMA2_7B.arch)
BW_A100 = 2039e9 * BANDWIDTH_FRACTION                    # achievable bytes/s
KV_PER_TOKEN = 2 * 32 * 32 * 128 * 2                     # 512 KiB: 2 · layers · KV heads · d_head · 2 bytes
CONTEXT = 161 + 338 / 2                                  # prompt + half the answer, on average while decoding
TABLE_7B = 32000 * 4096                                  # the embedding table; the untied LM head the same again


def run(s=BASE, profile=A100):
    return inference(s, profile, FIT)


def test_7b_at_batch_1_is_memory_bound_at_weight_bytes_over_achievable_bandwidth():
    r = run()
    weight_bytes = 2 * LLAMA2_7B.params                  # 13.5 GB at 16 bits
    read_bytes = 2 * (LLAMA2_7B.params - TABLE_7B)       # all but the embedding table (only its row is read)
    assert r.bound == "memory" and r.devices == 1 and r.precision == "bf16"
    assert r.weights_gb == pytest.approx(weight_bytes / 1e9)
    # the GPU part of the step: weight bytes ÷ achievable bandwidth (the KV cache adds 1.3%)
    assert r.memory_s_per_step == pytest.approx(read_bytes / BW_A100, rel=0.015)
    assert r.memory_s_per_step == pytest.approx((read_bytes + CONTEXT * KV_PER_TOKEN) / BW_A100)
    assert r.compute_s_per_step < 0.02 * r.memory_s_per_step
    # the A100's best matmul reaches 86.9% of its peak, the reference H100's 80.3% (core/hardware/matmul.py)
    assert r.compute_s_per_step == pytest.approx(r.flops_per_token / (312e12 * COMPUTE_FRACTION * (0.869 / 0.8033)), rel=1e-3)
    # TPOT = that + the prompt's prefill share + the engine's fitted costs (no tensor parallelism)
    assert r.tensor_parallel_s_per_step == 0
    assert r.engine_s_per_step == pytest.approx(32 * FIT.engine_s_per_layer + FIT.engine_s_per_sequence)
    # what a user waits between tokens: its own prompt's prefill is before its first token, the one sequence's here
    assert r.seconds_per_output_token == pytest.approx(r.memory_s_per_step + r.engine_s_per_step)
    # a token served (throughput, time per token): that prefill added, a request alone having no other steps to ride in,
    # with its prefill step's engine cost (vllm-2024 prefills new prompts as steps of their own), once in 338 tokens
    assert r.own_engine_s_per_step == pytest.approx(32 * FIT.engine_s_per_layer / 338)
    assert r.seconds_per_token == pytest.approx(r.memory_s_per_step + r.prefill_s_per_step + r.engine_s_per_step
                                                + r.own_engine_s_per_step)
    assert r.tokens_per_s == pytest.approx(1 / r.seconds_per_token)


def test_larger_batches_raise_the_step_time_through_the_kv_cache():
    one, b32 = run(), run(replace(BASE, batch_size=32))
    kv_read = 31 * CONTEXT * KV_PER_TOKEN / BW_A100          # 31 more sequences' caches read each step
    assert b32.memory_s_per_step - one.memory_s_per_step == pytest.approx(kv_read)
    assert b32.bound == "memory" and b32.memory_s_per_step > 1.3 * one.memory_s_per_step
    assert b32.seconds_per_output_token > one.seconds_per_output_token + kv_read
    assert b32.seconds_per_token < one.seconds_per_token / 10   # but each step serves 32 sequences
    # an 8-bit KV cache halves that rise; grouped-query attention (8 of 32 KV heads) quarters it
    kv8 = run(replace(BASE, batch_size=32, kv_bits=8))
    assert kv8.memory_s_per_step - run(replace(BASE, kv_bits=8)).memory_s_per_step == pytest.approx(kv_read / 2)
    gqa = [run(InferenceScenario(params=LLAMA3_8B.params, tokens=1e6, architecture=LLAMA3_8B.arch, batch_size=b))
           for b in (1, 32)]
    assert gqa[1].memory_s_per_step - gqa[0].memory_s_per_step == pytest.approx(kv_read / 4)


def test_very_large_batches_become_compute_bound():
    r = run(replace(BASE, batch_size=200, prompt_tokens=16, tokens_per_query=16))
    assert r.bound == "compute" and r.compute_s_per_step > r.memory_s_per_step


def test_memory_is_weights_plus_kv_cache_and_gives_the_largest_batch():
    r = run(replace(BASE, batch_size=100))
    # a paged engine holds each sequence at its length so far: prompt + half the output on average
    per_seq_gb = (161 + 338 / 2) * KV_PER_TOKEN / 1e9
    assert r.kv_cache_gb == pytest.approx(100 * per_seq_gb)
    assert r.memory_gb == pytest.approx(r.weights_gb + r.kv_cache_gb)
    # the A100 80GB's 81,920 MiB (profiles/a100-sxm-80gb.toml) at vllm-2024's 0.95 (ML.ENERGY's
    # --gpu-memory-utilization; engines.toml), not vLLM's default 0.9 (USABLE_MEMORY_FRACTION)
    assert FIT.memory_fraction == 0.95 != USABLE_MEMORY_FRACTION
    usable = 85.9 * FIT.memory_fraction
    assert r.max_batch_size == math.floor((usable - r.weights_gb) / per_seq_gb) == 393
    full = run(replace(BASE, batch_size=393, devices=1))
    assert full.batch_size == 393 and not any("preempts" in n for n in full.notes)
    # one more is not refused: the engine preempts it and runs the 393 that fit, and says so
    over = run(replace(BASE, batch_size=394, devices=1))
    assert over.batch_size == 393 and over.seconds_per_output_token == full.seconds_per_output_token
    assert any(n.startswith("batch 394 does not fit") and "preempts" in n and n.endswith("is 393") for n in over.notes)
    # without --devices: the fewest devices (a power of two) that hold weights and the whole batch's KV cache
    assert run(replace(BASE, batch_size=394)).devices == 2
    assert run(replace(BASE, batch_size=1000)).devices == 4


def test_weights_that_do_not_fit_use_more_devices_with_tensor_parallel_costs():
    m = serving_data.catalog_model("llama-2-70b")
    s = InferenceScenario(params=m.params, tokens=1e6, architecture=m.arch)
    r = run(s)                                           # 138 GB of 16-bit weights
    assert r.devices == 2
    read = 2 * (m.params - 32000 * 8192)                 # all but the embedding table
    assert r.memory_s_per_step == pytest.approx((read + CONTEXT * 2 * 80 * 8 * 128 * 2) / (2 * BW_A100))
    link = 300e9                                         # NVLink, per direction (A100 datasheet)
    assert r.tensor_parallel_s_per_step == pytest.approx(2 * 80 * (FIT.tp_s_per_allreduce + 1 * 8192 * 2 / link))
    assert r.estimate.device_hours == pytest.approx(1e6 * r.seconds_per_token * 2 / 3600)
    with pytest.raises(InputError, match="use more devices"):
        run(replace(s, devices=1))


def test_power_lies_between_idle_and_tdp_and_energy_follows_it():
    for b in (1, 32, 200):
        r = run(replace(BASE, batch_size=b))
        assert IDLE_POWER_FRACTION * 400 < r.power_w_per_device <= 400
        # the devices' energy over the time a token is served (its own prompt's prefill included: at batch 1 apart
        # from the TPOT a user waits)
        assert r.joules_per_output_token == pytest.approx(r.power_w_per_device * r.seconds_per_token)
    assert run(replace(BASE, batch_size=32)).power_w_per_device > run().power_w_per_device  # more load, more draw
    r = run()
    busy = FIT.busy_per_roofline_s * r.memory_s_per_step / r.seconds_per_token
    # the decode's draw lifted towards the TDP by the share of its (memory-bound) roofline its products take
    draw = DECODE_POWER_FRACTION + (1 - DECODE_POWER_FRACTION) * r.compute_s_per_step / r.memory_s_per_step
    assert r.power_w_per_device == pytest.approx(
        400 * (IDLE_POWER_FRACTION + (draw - IDLE_POWER_FRACTION) * busy
               + (1 - IDLE_POWER_FRACTION) * FIT.busy_per_roofline_s * r.prefill_s_per_step
               / r.seconds_per_token))


def test_a_decode_step_draws_more_as_its_matrix_products_take_more_of_it():
    """Between Splitwise's memory-bound decode draw (0.58 of TDP) and its compute-bound prefill's (the TDP) by the
    roofline's compute share: at full load, a step all memory draws 0.58, one half compute 0.79, one all compute 1."""
    busy = replace(FIT, busy_per_roofline_s=1.0)
    assert load_power_fraction(busy, 1.0, 0.0, 1.0) == pytest.approx(DECODE_POWER_FRACTION)
    assert load_power_fraction(busy, 1.0, 0.0, 1.0, compute_share(0.5, 1.0)) == pytest.approx(0.79)
    assert load_power_fraction(busy, 1.0, 0.0, 1.0, compute_share(2.0, 1.0)) == pytest.approx(1.0)
    # half the step idle: halfway from idle to that draw
    assert load_power_fraction(busy, 0.5, 0.0, 1.0, 0.5) == pytest.approx(IDLE_POWER_FRACTION + (0.79 - 0.2) / 2)
    # a large batch's step (compute-bound) draws more a device than batch 1's, and so a larger share of the TDP
    big = run(replace(BASE, batch_size=200))
    assert big.power_w_per_device > run(replace(BASE, batch_size=32)).power_w_per_device > run().power_w_per_device


def test_energy_cost_co2e_follow_the_estimator():
    r = run()
    device_hours = 1e6 * r.seconds_per_token / 3600
    assert r.estimate.device_hours == pytest.approx(device_hours)
    assert r.energy_kwh == pytest.approx(1e6 * r.joules_per_output_token * 1.1 / 3.6e6)   # A100 profile: PUE 1.1
    assert r.co2e_kg == pytest.approx(r.energy_kwh * 0.475)                 # world-average 475 g/kWh
    assert r.cost_usd == pytest.approx(device_hours * 3.43)                 # AWS p4de per GPU-hour
    assert r.per_token("energy_kwh") == pytest.approx(r.energy_kwh / 1e6)
    assert r.per_query("cost_usd") == pytest.approx(r.cost_usd / 1e6 * 338)
    d = r.to_dict()
    for key in ("seconds_per_output_token", "joules_per_output_token", "tokens_per_s", "energy_kwh", "co2e_kg",
                "cost_usd"):
        assert d[key] == pytest.approx(getattr(r, key))
    assert d["memory_gb"] == {"weights": r.weights_gb, "kv_cache": r.kv_cache_gb, "total": r.memory_gb}
    assert d["assumptions"]["device_hours"]["origin"] == "derived"
    assert d["assumptions"]["power_w"]["origin"] == "model"


def test_every_figure_has_its_stated_range():
    r = run(replace(BASE, batch_size=16))
    kt, ke = math.exp(FIT.tpot_log_half_width), math.exp(FIT.energy_log_half_width)
    for key, k in (("seconds_per_output_token", kt), ("tokens_per_s", kt), ("wall_clock_s", kt),
                   ("device_hours", kt), ("cost_usd", kt), ("joules_per_output_token", ke), ("energy_kwh", ke),
                   ("co2e_kg", ke)):
        x = getattr(r.estimate, key) if key in ("wall_clock_s", "device_hours") else getattr(r, key)
        lo, hi = r.range[key]
        assert lo == pytest.approx(x / k) and hi == pytest.approx(x * k), key
    lo, hi = r.range["per_query"]["energy_kwh"]
    assert lo == pytest.approx(r.per_query("energy_kwh") / ke) and hi == pytest.approx(r.per_query("energy_kwh") * ke)
    assert r.range["memory_gb"] == (r.memory_gb, r.memory_gb)
    assert r.level == 0.8 and "leave-one-model-out" in r.range_meaning
    # review: the coverage counts same-shape models apart; held out together, batched ranges can't be calibrated
    assert "too few to calibrate a range for batches and tensor parallelism" in r.range_meaning
    # a price per kWh follows the energy's range; a given power leaves only the time's
    e = run(replace(BASE, electricity_usd_per_kwh=0.1))
    assert e.range["cost_usd"][1] / e.cost_usd == pytest.approx(ke)
    p = run(replace(BASE, power_w=250.0))
    assert p.range["joules_per_output_token"][1] / p.joules_per_output_token == pytest.approx(kt)


def test_user_settings_apply():
    r = run(replace(BASE, power_w=250.0, pue=1.5, carbon_intensity_g_per_kwh=100.0, electricity_usd_per_kwh=0.1))
    assert r.power_w_per_device == 250.0
    assert r.joules_per_output_token == pytest.approx(250.0 * r.seconds_per_token)  # batch 1, one device
    assert r.energy_kwh == pytest.approx(r.estimate.device_hours * 0.25 * 1.5)
    assert r.co2e_kg == pytest.approx(r.energy_kwh * 0.1)
    assert r.cost_usd == pytest.approx(r.energy_kwh * 0.1)
    u = run(replace(BASE, utilization=0.3))
    # a fraction given is of the device's own peak: the default's is 0.6 × the A100's matmul ratio (0.649)
    assert u.compute_s_per_step == pytest.approx(run().utilization / 0.3 * run().compute_s_per_step)


def test_quantisation_shrinks_bytes_and_uses_the_faster_peak():
    r16, r8 = run(), run(replace(BASE, bits=8))
    # the blocks at 1 byte; the embedding table and the LM head stay at 2 (GPTQ, AWQ, FP8 checkpoints)
    assert r8.weights_gb == pytest.approx(((LLAMA2_7B.params - 2 * TABLE_7B) * 1 + 2 * TABLE_7B * 2) / 1e9)
    # a step reads the blocks (one byte saved on each) and the LM head (none saved)
    assert r16.memory_s_per_step - r8.memory_s_per_step == pytest.approx((LLAMA2_7B.params - 2 * TABLE_7B) / BW_A100)
    assert any("the embedding table and the LM head, 0.262 B parameters, stay at 16 bits" in n for n in r8.notes)
    assert not any("stay at 16 bits" in n for n in r16.notes)
    assert r8.precision == "int8" and r8.peak_flops_per_s == 624e12   # A100 INT8 dense
    assert inference(replace(BASE, bits=8), H100, FIT).precision == "fp8"
    saving = 1 - r8.energy_kwh / r16.energy_kwh
    assert 0 < saving < 0.5          # the engine's costs and the KV cache stay: less than half is saved


def test_missing_low_precision_falls_back_to_16bit_peak_and_says_so():
    r = run(replace(BASE, bits=8), V100)
    assert r.precision == "fp16" and r.peak_flops_per_s == V100.peak("fp16")
    assert any("no 8-bit peak" in n for n in r.notes)
    r4 = run(replace(BASE, bits=4))
    # 4-bit block weights as stored with MXFP4's block scales, 4.25 bits (serving review 2026-11-29)
    assert r4.weights_gb == pytest.approx(((LLAMA2_7B.params - 2 * TABLE_7B) * 4.25 / 8 + 4 * TABLE_7B) / 1e9)
    assert r4.precision == "bf16"
    assert any("no 4-bit peak" in n for n in r4.notes)


def test_pruning_ideal_and_dense_kernels():
    pruned = run(replace(BASE, sparsity=0.5))
    # half of the blocks' weights; the embeddings and LM head are kept (SparseGPT prunes the blocks' linears)
    pruned_params = 2 * TABLE_7B + (LLAMA2_7B.params - 2 * TABLE_7B) / 2
    assert pruned.params_served == pytest.approx(pruned_params)
    assert pruned.weights_gb == pytest.approx(2 * pruned_params / 1e9)
    assert any("of the blocks' weights removed (the embeddings and LM head kept)" in n for n in pruned.notes)
    assert pruned.kv_cache_gb == pytest.approx(run().kv_cache_gb)      # the cache keeps its shape
    dense = run(replace(BASE, sparsity=0.5, sparse_kernels=False))
    assert dense.seconds_per_output_token == pytest.approx(run().seconds_per_output_token)
    assert any("no saving" in n for n in dense.notes)
    assert any("rarely speeds up dense hardware" in n for n in pruned.notes)


def test_distillation_serves_a_student_with_fewer_layers():
    r = run(replace(BASE, student_params=3.5e9))
    assert r.params_served == 3.5e9 and r.weights_gb == pytest.approx(7.0)
    # layers in proportion to the weights outside the embeddings (the student keeps the vocabulary)
    assert r.architecture.layers == round(32 * (3.5e9 - 2 * TABLE_7B) / (LLAMA2_7B.params - 2 * TABLE_7B)) == 16
    assert r.architecture.d_model == 4096
    assert r.engine_s_per_step == pytest.approx(16 * FIT.engine_s_per_layer + FIT.engine_s_per_sequence)
    with pytest.raises(InputError, match="smaller"):
        run(replace(BASE, student_params=LLAMA2_7B.params))


def test_mixture_of_experts_holds_all_weights_reads_the_routed_experts_and_computes_with_the_active_ones():
    m = serving_data.catalog_model("mixtral-8x7b")        # 46.7 B stored, 12.9 B active, top-2 of 8 experts
    bw_h100 = H100.memory_bandwidth_gb_per_s * 1e9 * BANDWIDTH_FRACTION
    kv = 2 * 32 * 8 * 128 * 2                              # bytes per token: 8 KV heads
    expert_params = (46.703e9 - 12.880e9) / (1 - 2 / 8)    # 45.1 B in the experts, 1.6 B shared

    def at(batch):
        return inference(InferenceScenario(params=m.params, tokens=1e6, architecture=m.arch, batch_size=batch), H100, FIT)

    one, four, many = at(1), at(4), at(64)
    for r in (one, four, many):                           # memory holds every expert; FLOPs use the active weights
        assert r.weights_gb == pytest.approx(2 * 46.703)
        # 2 FLOPs per active weight a token multiplies: the input embedding table is a lookup
        assert r.flops_per_token == pytest.approx(2 * (12.880e9 - 32000 * 4096) + 4 * 32 * CONTEXT * 4096)
    # batch 1 reads the shared weights and its 2 experts: the active parameters
    assert one.devices == four.devices == 2               # 93 GB of weights: two H100s, each reads half
    # (of the embedding table only the batch's rows: its 32000 × 4096 are left out of every read)
    table = 32000 * 4096
    assert one.memory_s_per_step == pytest.approx((2 * (12.880e9 - table) + CONTEXT * kv) / (2 * bw_h100))
    # batch 4 reads 8 · (1 − 0.75⁴) = 5.47 experts per layer on average
    read_4 = 46.703e9 - expert_params + expert_params * (1 - 0.75 ** 4)
    assert four.memory_s_per_step == pytest.approx((2 * (read_4 - table) + 4 * CONTEXT * kv) / (2 * bw_h100))
    # from batch 64 on every expert is read: all 46.7 B
    assert many.memory_s_per_step == pytest.approx((2 * (46.703e9 - table) + 64 * CONTEXT * kv)
                                                   / (many.devices * bw_h100), rel=1e-6)
    note = next(n for n in one.notes if "mixture of experts" in n)
    assert "2 of 8 experts per token" in note and "12.7 B of the 46.7 B parameters" in note  # the input embedding table is not read


def test_weights_read_fraction_of_dense_models_and_mixtures():
    m = serving_data.catalog_model("mixtral-8x7b")
    assert weights_read_fraction(LLAMA2_7B.arch, LLAMA2_7B.params, 1) == 1.0
    assert weights_read_fraction(m.arch, m.params, 1) == pytest.approx(12.880 / 46.703)
    fractions = [weights_read_fraction(m.arch, m.params, b) for b in (1, 2, 8, 32, 256)]
    assert fractions == sorted(fractions) and fractions[-1] == pytest.approx(1.0)
    # active parameters without the routing: every weight is read, as before
    assert weights_read_fraction(replace(m.arch, experts=None, experts_per_token=None), m.params, 1) == 1.0


@pytest.mark.parametrize("arch", [dict(experts=8, experts_per_token=None), dict(experts=8, experts_per_token=8),
                                  dict(experts=8, experts_per_token=0), dict(experts=2.5, experts_per_token=1),
                                  dict(experts=8, experts_per_token=2, active_params=None)])
def test_bad_mixtures_of_experts(arch):
    with pytest.raises(InputError):
        check_architecture(replace(serving_data.catalog_model("mixtral-8x7b").arch, **arch))


@pytest.mark.parametrize("change", [dict(params=-1), dict(tokens=0), dict(bits=3), dict(kv_bits=4), dict(sparsity=1.0), dict(sparsity=0.999999),
                                    dict(sparsity=-0.1), dict(batch_size=0), dict(batch_size=2.5),
                                    dict(utilization=1.5), dict(tokens=float("nan")), dict(tokens_per_query=0),
                                    dict(prompt_tokens=0), dict(architecture=None), dict(power_w=0.0),
                                    dict(tokens=1.0), dict(bits=True)])
def test_bad_inputs(change):
    with pytest.raises(InputError):
        run(replace(BASE, **change))


@pytest.mark.parametrize("arch", [dict(kv_heads=64), dict(heads=0), dict(heads=5000), dict(layers=0.5),
                                  dict(d_model=float("inf"))])
def test_bad_architectures(arch):
    with pytest.raises(InputError):
        run(replace(BASE, architecture=replace(LLAMA2_7B.arch, **arch)))


def test_profiles_without_memory_are_refused():
    with pytest.raises(InputError, match="bandwidth"):
        run(BASE, default_profiles().get("brain"))


def test_techniques_savings_come_from_the_same_model():
    s = replace(BASE, bits=8, kv_bits=8, sparsity=0.5, student_params=3.5e9)
    rows, notes = compression.techniques(s, A100, FIT, illustrate=False)
    assert notes == ()
    ts = {t.name: t for t in rows}
    assert set(ts) == {"baseline", "quantization-8bit", "kv-cache-8bit", "pruning", "distillation", "combined"}
    base = ts["baseline"].result
    for name in ("quantization-8bit", "kv-cache-8bit", "pruning", "distillation"):
        assert 0 < ts[name].saving("energy_kwh") < 0.5, name       # fixed engine costs stay
    assert ts["quantization-8bit"].saving("energy_kwh") == pytest.approx(
        1 - ts["quantization-8bit"].result.joules_per_output_token / base.joules_per_output_token)
    assert ts["kv-cache-8bit"].result.kv_cache_gb == pytest.approx(base.kv_cache_gb / 2)
    assert ts["combined"].saving("energy_kwh") > max(ts[n].saving("energy_kwh") for n in ts if n != "combined")
    d = ts["quantization-8bit"].to_dict()
    assert d["saved_per_query"]["energy_kwh"] == pytest.approx(
        base.per_query("energy_kwh") - ts["quantization-8bit"].result.per_query("energy_kwh"))
    assert d["range"]["per_query"]["energy_kwh"][0] < d["per_query"]["energy_kwh"] < d["range"]["per_query"]["energy_kwh"][1]
    shown = {t.name: t for t in compression.techniques(BASE, A100, FIT, illustrate=True)[0]}
    assert not shown["pruning"].chosen
    assert shown["pruning"].result.weights_gb == pytest.approx(2 * (LLAMA2_7B.params + 2 * TABLE_7B) / 2 / 1e9)
    assert shown["distillation"].result.params_served == pytest.approx(0.6 * LLAMA2_7B.params)
    assert 0 < shown["quantization-4bit"].saving("seconds_per_token") < 0.75


def test_break_even_with_its_range():
    rep = serving.inference_report(hardware="a100-sxm-80gb", params=7e9, tokens=1e9)
    assert rep.training.flops == pytest.approx(6 * 7e9 * 140e9)   # D = 20·N
    be = rep.break_even
    per_query = rep.result.per_query("cost_usd")
    assert be.queries["cost_usd"] == pytest.approx(rep.training.cost_usd / per_query)
    assert be.tokens["energy_kwh"] == pytest.approx(be.queries["energy_kwh"] * 338)
    # energy like with like: serving counts the devices only, so training counts the devices' share
    b = rep.training.breakdown
    share = b.devices_kwh / (b.devices_kwh + b.host_kwh)
    assert 0.3 < share < 1 and be.train_device_share == pytest.approx(share)
    assert be.queries["energy_kwh"] == pytest.approx(rep.training.energy_kwh * share / rep.result.per_query("energy_kwh"))
    lo, hi = be.queries_range["energy_kwh"]
    t_lo, t_hi = rep.training.range["energy_kwh"]
    s_lo, s_hi = rep.result.range["per_query"]["energy_kwh"]
    assert lo == pytest.approx(t_lo * share / s_hi) and hi == pytest.approx(t_hi * share / s_lo)
    assert lo < be.queries["energy_kwh"] < hi
    # a cost per kWh follows the energy; a cost per device-hour is compared whole (above)
    kwh = serving.inference_report(hardware="a100-sxm-80gb", params=7e9, tokens=1e9, electricity_usd_per_kwh=0.2)
    assert kwh.break_even.train["cost_usd"] == pytest.approx(kwh.training.cost_usd * share)
    given = serving.inference_report(hardware="a100-sxm-80gb", params=7e9, tokens=1e9, train_tokens=2e12)
    assert given.training.flops == pytest.approx(6 * 7e9 * 2e12)
    with pytest.raises(InputError):
        serving.inference_report(hardware="a100-sxm-80gb", params=7e9, tokens=1e9, train_tokens=1e12, train_flops=1e22)


def test_report_resolves_the_grid_by_region():
    rep = serving.inference_report(hardware="a100-sxm-80gb", params=7e9, tokens=1e6, region="FRA")
    world = serving.inference_report(hardware="a100-sxm-80gb", params=7e9, tokens=1e6)
    assert rep.result.co2e_kg < world.result.co2e_kg
    assert rep.training.co2e_kg / rep.training.energy_kwh == pytest.approx(rep.result.co2e_kg / rep.result.energy_kwh)
    assert math.isclose(rep.result.energy_kwh, world.result.energy_kwh)


def test_report_architecture_from_a_model_a_shape_or_params_alone():
    alone = serving.inference_report(hardware="h100-sxm", params=7e9, tokens=1e6)
    assert alone.result.architecture.name == "mistral-7b"      # nearest in parameter count (7.24e9)
    assert "assumed" in alone.result.notes[0] and "mistral-7b" in alone.architecture_source
    cat = serving.inference_report(hardware="h100-sxm", model="llama-3.1-8b", tokens=1e6)
    assert cat.result.params_served == 8.030e9 and cat.result.architecture.kv_heads == 8
    shape = serving.inference_report(hardware="h100-sxm", layers=32, d_model=4096, tokens=1e6)
    assert shape.result.params_served == pytest.approx(12 * 32 * 4096 ** 2)
    assert shape.result.architecture.heads == 32 and shape.result.architecture.kv_heads == 32
    with pytest.raises(InputError, match="not both"):
        serving.inference_report(hardware="h100-sxm", model="llama-3.1-8b", layers=32, tokens=1e6)
    # a count beside the model: its own (nominal, within 5%) taken, another refused, as estimate and plan do
    assert serving.inference_report(hardware="h100-sxm", model="llama-3.1-8b", params=8e9, tokens=1e6).result.params_served == 8e9
    with pytest.raises(InputError, match="are not the catalog model's"):
        serving.inference_report(hardware="h100-sxm", model="llama-3.1-8b", params=9e9, tokens=1e6)
    with pytest.raises(InputError, match="unknown model"):
        serving.inference_report(hardware="h100-sxm", model="gpt-5", tokens=1e6)
    with pytest.raises(InputError, match="layers and d_model"):
        serving.inference_report(hardware="h100-sxm", layers=32, tokens=1e6)
    with pytest.raises(InputError, match="no model: give the parameters"):
        serving.inference_report(hardware="h100-sxm", tokens=1e6)


def test_a_technique_that_needs_fewer_devices_says_so(cli):
    """8-bit weights fit Llama 3.1 70B and a batch of 128 on 2 A100s instead of 4: the CLI's "saves" row
    says its time is on 2 devices, so "0% of time" is not read as the same devices doing the same work."""
    code, out, _ = cli("inference", "--model", "llama-3.1-70b", "--tokens", "1e8", "--batch-size", "128")
    assert code == 0
    row = next(line for line in out.splitlines() if line.startswith("saves vs baseline: 8-bit weights"))
    assert re.search(r"\d+% (of|more) time per token served \(1 ÷ tokens/s, not the time per output token\) on 2 devices \(not 4\);", row)


def test_quantised_weights_keep_a_tied_table_once_and_say_when_the_vocabulary_is_unknown():
    """Gemma's LM head is its embedding table (one 256000 × 2048 matrix in its 2.506 B): that table
    stays at 16 bits once, and a step reads it whole as the LM head. Without a vocabulary nothing
    can be kept apart, every weight counts at the low bits, and the note says so."""
    g = serving_data.catalog_model("gemma-2b")
    assert g.arch.tied_embeddings and not LLAMA2_7B.arch.tied_embeddings
    table = 256000 * 2048
    r16, r4 = (run(InferenceScenario(params=g.params, tokens=1e6, architecture=g.arch, bits=b)) for b in (16, 4))
    assert r16.weights_gb == pytest.approx(2 * g.params / 1e9)
    assert r4.weights_gb == pytest.approx(((g.params - table) * 4.25 / 8 + 2 * table) / 1e9)  # MXFP4's scales
    assert r16.memory_s_per_step - r4.memory_s_per_step == pytest.approx(1.5 * (g.params - table) / BW_A100)
    assert any("the embedding table (tied to the LM head), 0.524 B parameters, stay at 16 bits" in n for n in r4.notes)
    bare = replace(LLAMA2_7B.arch, vocab=None)
    r = run(replace(BASE, architecture=bare, bits=4))
    assert r.weights_gb == pytest.approx(LLAMA2_7B.params * 4.25 / 8 / 1e9)
    assert any("the vocabulary is not given, so every weight counts at 4 bits" in n for n in r.notes)


def test_a_refusal_names_the_memory_fraction_its_engine_holds():
    """vllm-2024 holds 0.95 of each device (ML.ENERGY's --gpu-memory-utilization), the default engine TensorRT-LLM's
    and vLLM's 0.9: a refusal says which, with its source (engines.toml; it once said "0.9 … vLLM's default" whatever
    the engine). The figure only, not its whole citation (API audit 2026-11-27: KvCacheConfig in a one-line error)."""
    m = serving_data.catalog_model("llama-3.1-70b")
    s = InferenceScenario(params=m.params, tokens=1e6, architecture=m.arch, devices=1)
    with pytest.raises(InputError, match=r"offer 81\.2 GB \(0\.95 of device memory\): use more devices$"):
        inference(s, H100, FIT)
    with pytest.raises(InputError, match=r"offer 77 GB \(0\.9 of device memory for weights and KV cache\): use more"):
        inference(s, H100, serving_data.load_serving_fit("optimized-2024"))
    with pytest.raises(InputError, match=r"offer 77 GB \(0\.9 of device memory\): use more devices$"):
        inference(s, H100, serving_data.load_serving_fit("latency"))
