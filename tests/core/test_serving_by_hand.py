"""The serving step worked by hand on a toy model (the mutation audit: serving formulas were caught only by
the refit-comparison test, so a formula changed and refitted in one commit would have passed). Every
number below is written out from the formulas in estimator/core/serving/step.py's docstring, not computed
by its helpers: a change to any term of the step changes one of them."""

from __future__ import annotations

import pytest

from estimator.core.serving.step import Device, ServingFit, previous_model, step
from estimator.core.workload.architecture import Architecture

# 2 layers, d_model 8, 2 query heads and 1 KV head of 4, a 10-word vocabulary (untied): 1,000 parameters.
TOY = Architecture(layers=2, d_model=8, heads=2, kv_heads=1, head_dim=4, vocab=10)
N = 1000.0
# 1 GB/s of memory, 10⁶ FLOP/s, 100 W, 1 GB/s links: round numbers the sums below use.
DEVICE = Device(id="toy", memory_gb=1.0, bandwidth_gb_per_s=1.0, peak_flops_per_s=1e6, tdp_w=100.0, link_gb_per_s=1.0)
FIT = ServingFit(engine_s_per_layer=0.01, engine_s_per_sequence=0.001, tp_s_per_allreduce=0.002,
                 busy_per_roofline_s=2.0, tpot_log_half_width=0.4, energy_log_half_width=0.4, level=0.8,
                 n_configs=1, n_models=1)


def test_with_prompts_riding_in_the_step_its_all_reduces_carry_them_too():
    """Chunked prefill (mixed_prefill): the step's matrix products carry the 4 decoded tokens and the 2 starting
    prompts' 6 each, and every all-reduce carries the decoded 4 and the riding prompts' hidden states: of the 2
    prompts a step, one request's (1 ÷ batch 4) runs apart, its all-reduces with it (a step's share, 1 ÷ 2 output
    tokens, of one prompt's); without chunked prefill, the decoded 4 only, and the own prompt's apart alike."""
    from dataclasses import replace
    kw = dict(params=N, arch=TOY, device=DEVICE, batch=4, prompt_tokens=6, output_tokens=2, tp=2, weight_bits=8,
              kv_bits=16)
    mixed = step(fit=replace(FIT, mixed_prefill=True), **kw)
    assert mixed.tp_s == pytest.approx(2 * 2 * (0.002 + 1.0 * (4 + 0.75 * 2 * 6) * 8 * 2 / 1e9))
    own = 2 * 2 * (0.002 + 1.0 * 6 * 8 * 2 / 1e9) / 2      # one prompt's, half of it a step
    assert mixed.own_tp_s == pytest.approx(own)
    apart = step(fit=FIT, **kw)
    assert apart.tp_s == pytest.approx(2 * 2 * (0.002 + 1.0 * 4 * 8 * 2 / 1e9)) and apart.own_tp_s == pytest.approx(own)
    # in a token served, not in what its user waits between tokens; in its time to the first token whole, beside the
    # prompt's compute
    assert apart.tpot_s - apart.user_tpot_s == pytest.approx(apart.own_prefill_s + own)
    assert apart.prompt_alone_s == pytest.approx((2 * 920 * 6 + 2 * 2 * 36 * 8) / (2 * 0.6e6))
    assert apart.prompt_tp_s == pytest.approx(2 * own)


def test_attention_apart_from_the_products_adds_the_kv_reads_and_the_prompts_attention_by_hand():
    """research/attention_apart_tries.py's form (no shipped engine sets it): the step's products carry every token
    (the slower of the weights' bytes and all the products' FLOPs), then the decode's attention (the slower of its KV
    bytes and its FLOPs), then the prompts' attention; as shipped, the slower of all bytes and all FLOPs. Batch 4, 6
    prompt tokens and 2 output tokens, one device, 8-bit weights and a 16-bit KV cache, on the toy device."""
    from dataclasses import replace
    kw = dict(params=N, arch=TOY, device=DEVICE, batch=4, prompt_tokens=6, output_tokens=2, tp=1, weight_bits=8,
              kv_bits=16)
    weights_s, kv_s = 1000 / 0.9e9, 4 * 7 * 32 / 0.9e9                 # 1,000 weight bytes; 4 × 7 tokens × 32 bytes
    products_s, decode_attention_s = 4 * 2 * 920 / 0.6e6, 4 * 4 * 2 * 7 * 8 / 0.6e6
    prompts_products_s, prompts_attention_s = 2 * 2 * 920 * 6 / 0.6e6, 2 * 2 * 2 * 36 * 8 / 0.6e6
    rest = 0.01 * 2 + 0.001 * 4                                          # the engine's costs, no all-reduce
    mixed = replace(FIT, mixed_prefill=True)
    assert step(fit=mixed, **kw).tpot_s == pytest.approx(
        max(weights_s + kv_s, products_s + decode_attention_s + prompts_products_s + prompts_attention_s) + rest)
    assert step(fit=replace(mixed, attention_apart=True), **kw).tpot_s == pytest.approx(
        max(weights_s, products_s + prompts_products_s) + max(kv_s, decode_attention_s) + prompts_attention_s + rest)


def test_a_tensor_parallel_quantised_step_by_hand():
    s = step(params=N, arch=TOY, device=DEVICE, fit=FIT, batch=4, prompt_tokens=6, output_tokens=2, tp=2,
             weight_bits=8, kv_bits=16)
    # the weights: embedding table 10×8 = 80 and LM head 80 at 16 bits, the other 840 at 8 bits
    assert s.weights_gb * 1e9 == pytest.approx((840 * 8 + 160 * 16) / 8)            # 1,160 bytes stored
    # read per step: the 840 block weights and the LM head (the table's 4 rows left out): 1,000 bytes;
    # KV cache: 2 × 2 layers × 1 head × 4 × 2 bytes = 32 bytes a token, at the average context 6 + 2/2 = 7,
    # held twice (2 devices, 1 KV head); over 2 devices at 0.9 of 1 GB/s
    assert s.memory_s == pytest.approx((1000 + 4 * 7 * 32 * 2) / (2 * 0.9e9))
    # FLOPs a token: 2 × (1,000 − the 80-word input table) + attention 4 × 2 layers × 7 × 8; 4 tokens over 2
    # devices at 0.6 of 10⁶ FLOP/s
    assert s.flops_per_token == pytest.approx(2 * 920 + 4 * 2 * 7 * 8)
    assert s.compute_s == pytest.approx(4 * (2 * 920 + 4 * 2 * 7 * 8) / (2 * 0.6e6))
    assert s.bound == "compute" and s.gpu_s == s.compute_s
    # the prompts that start per step: 4 sequences ÷ 2 tokens each; 2 × 920 × 6 + causal attention 2 × 2 × 6² × 8
    assert s.prefill_s == pytest.approx((4 / 2) * (2 * 920 * 6 + 2 * 2 * 36 * 8) / (2 * 0.6e6))
    # 2 all-reduces a layer, each 2 ms + a ring's 2(2−1)/2 of 4 × 8 × 2 bytes over 1 GB/s
    assert s.tp_s == pytest.approx(2 * 2 * (0.002 + 1.0 * 64 / 1e9))
    assert s.engine_s == pytest.approx(0.01 * 2 + 0.001 * 4)
    # + a request's own prompt's all-reduces (2 a layer over its 6 tokens), half a prompt a step (2026-11-30)
    tpot = 4 * 2288 / 1.2e6 + 2 * 12192 / 1.2e6 + 4 * (0.002 + 64e-9) + 0.024 + 4 * (0.002 + 96e-9) / 2
    assert s.tpot_s == pytest.approx(tpot)
    # power: idle 0.2 of TDP, + (the decode's draw − 0.2) × the decode's busy share + (1 − 0.2) × the prefill's,
    # busy = 2 × roofline; the step is compute-bound (its products take all its roofline), so the decode draws as a
    # prefill does, the TDP, not 0.58; the shares of the step without the own prompt's all-reduces, which draw as it
    # does
    steps = tpot - 4 * (0.002 + 96e-9) / 2
    frac = 0.2 + 0.8 * (2 * 4 * 2288 / 1.2e6 / steps) + 0.8 * (2 * 2 * 12192 / 1.2e6 / steps)
    assert s.power_fraction == pytest.approx(frac) and s.power_w == pytest.approx(100 * frac)
    assert s.joules_per_output_token == pytest.approx(100 * frac * 2 * tpot / 4)


def test_a_memory_bound_step_and_a_given_power_by_hand():
    """One device, batch 1, 16-bit weights; a bigger model on a faster chip so that memory bounds the step."""
    s = step(params=N, arch=TOY, device=DEVICE, fit=FIT, batch=1, prompt_tokens=6, output_tokens=2, tp=1,
             weight_bits=16, kv_bits=8, power_w=50.0)
    bytes_read = (840 * 16 + 80 * 16) / 8 + 1 * 7 * 16          # 1,840 weight bytes + an 8-bit KV cache of 16 a token
    assert s.memory_s == pytest.approx(bytes_read / 0.9e9)
    assert s.compute_s == pytest.approx(2288 / 0.6e6) and s.tp_s == 0.0
    assert s.tpot_s == pytest.approx(2288 / 0.6e6 + 0.5 * 12192 / 0.6e6 + 0.01 * 2 + 0.001)
    # a power given is the draw, whatever the load
    assert s.power_w == 50.0 and s.power_fraction == pytest.approx(0.5)
    assert s.joules_per_output_token == pytest.approx(50.0 * s.tpot_s)
    fast = Device(id="fast", memory_gb=1.0, bandwidth_gb_per_s=1e-3, peak_flops_per_s=1e9, tdp_w=100.0,
                  link_gb_per_s=1.0)
    m = step(params=N, arch=TOY, device=fast, fit=FIT, batch=1, prompt_tokens=6, output_tokens=2, tp=1)
    assert m.bound == "memory" and m.gpu_s == m.memory_s == pytest.approx((1840 + 7 * 32) / 0.9e6)
    # the KV cache read at its own share of the bandwidth (research/kv_read_tries.py), the weights still at 0.9
    from dataclasses import replace
    slow = step(params=N, arch=TOY, device=fast, fit=replace(FIT, kv_bandwidth_fraction=0.45), batch=1, prompt_tokens=6,
                output_tokens=2, tp=1)
    assert slow.memory_s == pytest.approx(1840 / 0.9e6 + 7 * 32 / 0.45e6)


def test_the_previous_model_by_hand():
    """The baseline every serving check sets beside the model: the slower of weight bytes at full bandwidth
    and 2·N FLOPs at the training utilisation, at a constant power."""
    p = previous_model(params=N, device=DEVICE, batch=4, tp=2, utilization=0.5, power_w=80.0, weight_bits=8)
    compute, memory = 4 * 2 * 1000 / (1e6 * 0.5 * 2), 1000 * 8 / 8 / (1e9 * 2)
    assert p.tpot_s == pytest.approx(max(compute, memory)) and p.tpot_s == pytest.approx(0.008)
    assert p.joules_per_output_token == pytest.approx(80.0 * 2 * 0.008 / 4)
