"""The step model (core/training/step.py) worked by hand on a toy configuration."""

from __future__ import annotations

import math

import pytest

from estimator.core.base.errors import InputError
from estimator.core.training.step import (
    FLASH2_ON_HOPPER,
    Layout,
    ModelShape,
    StepHardware,
    StepParams,
    bubble_fraction,
    flops_per_token,
    overlapped_seconds,
    ring_seconds,
    step_time,
)

GB = 1e9
# A toy: 2 layers, d 64, 4 heads (head dim 16), vocab 100, ffn 256 (plain MLP), sequence 8.
SHAPE = ModelShape(layers=2, d_model=64, heads=4, kv_heads=4, vocab=100, ffn=256)
HW = StepHardware(peak_flops_per_s={"bf16": 1e12, "fp8": 2e12}, memory_bandwidth_gb_per_s=100.0,
                  scale_up_devices=8, scale_up_gb_per_s=10.0, scale_out_gb_per_s=1.0)
# Efficiency 0.5 at every size (half_dim tiny), memory at full bandwidth, nothing hidden.
PARAMS = StepParams(gemm_efficiency=0.5, gemm_half_dim=1e-12, fp8_gemm_factor=1.0, attention_efficiency=1.0,
                    memory_efficiency=1.0, overlap_cost=1.0)


def test_every_part_by_hand_on_one_device():
    layout = Layout(seq_len=8, global_batch=2, micro_batch=1, zero_stage=0)
    st = step_time(SHAPE, layout, HW, PARAMS)
    m, s, d, f, V = 2, 8, 64, 256, 100
    rate = 1e12 * 0.5
    # linear layers per layer per token, forward: QKV 2·d·3d, out 2·d·d, MLP 2·d·f·2
    gemm_fwd_flops = s * (2 * d * 3 * d + 2 * d * d + 2 * d * f + 2 * f * d)
    logits_flops = 3 * 2 * s * d * V
    assert st.parts.matmul_s == pytest.approx(m * (2 * 3 * gemm_fwd_flops + logits_flops) / rate)
    # FlashAttention: forward half of 4·s·s·a, backward 2.5× the forward
    attn_fwd = 0.5 * 4 * s * s * d / rate
    assert st.parts.attention_s == pytest.approx(m * 2 * attn_fwd * 3.5)
    # memory-bound: (15·d + 2·f) elements × 2 bytes per token per layer, ×3 with the backward; logits 4 passes fp32
    mem = (15 * d + 2 * f) * s * 2 / 100e9
    logit_mem = 4 * s * V * 4 / 100e9
    assert st.parts.memory_ops_s == pytest.approx(m * (2 * mem * 3 + logit_mem))
    assert st.parts.recompute_s == st.parts.tp_comm_s == st.parts.bubble_s == st.parts.dp_comm_s == 0.0
    # optimizer: 30 bytes per parameter at the memory bandwidth
    params = 2 * (4 * d * d + 2 * d * f) + 2 * V * d
    assert st.parts.optimizer_s == pytest.approx(params * 30 / 100e9)
    assert st.seconds == pytest.approx(st.parts.total_s)
    assert st.tokens_per_s_per_device == pytest.approx(2 * 8 / st.seconds)
    # MFU: (6·N + 12·L·s·a) per token, N = layers' matrices + output projection
    n = 2 * (4 * d * d + 2 * d * f) + V * d
    assert st.model_flops_per_token == pytest.approx(6 * n + 12 * 2 * s * d)
    assert st.mfu == pytest.approx(st.model_flops_per_token * st.tokens_per_s_per_device / 1e12)
    assert st.hfu == st.mfu


def test_recomputation_adds_a_forward_and_counts_in_hfu_only():
    base = step_time(SHAPE, Layout(seq_len=8, global_batch=2, zero_stage=0), HW, PARAMS)
    full = step_time(SHAPE, Layout(seq_len=8, global_batch=2, zero_stage=0, recompute="full"), HW, PARAMS)
    per_layer_fwd = (base.parts.matmul_s - 2 * 3 * 2 * 8 * 64 * 100 / 0.5e12) / 3  # both layers, forward, both micro-batches
    attn_fwd = base.parts.attention_s / 3.5
    mem_fwd = (base.parts.memory_ops_s - 2 * 4 * 8 * 100 * 4 / 100e9) / 3
    assert full.parts.recompute_s == pytest.approx(per_layer_fwd + attn_fwd + mem_fwd)
    assert full.mfu < base.mfu and full.hfu > full.mfu
    model, hardware = flops_per_token(SHAPE, 8, "full")
    assert hardware - model == pytest.approx(2 * 2 * (4 * 64 * 64 + 2 * 64 * 256) + 4 * 2 * 8 * 64)


def test_bubble_formula_and_interleaving():
    assert bubble_fraction(4, 1, 8) == pytest.approx(3 / 8)
    assert bubble_fraction(4, 2, 8) == pytest.approx(3 / 16)
    assert bubble_fraction(1, 1, 8) == 0.0
    layout = Layout(seq_len=8, global_batch=8, pp=2, zero_stage=0)
    st = step_time(SHAPE, layout, HW, PARAMS)
    busy = st.seconds - st.parts.bubble_s - st.parts.dp_comm_s - st.parts.optimizer_s
    assert st.parts.bubble_s == pytest.approx(busy * (2 - 1) / 8)
    four = ModelShape(layers=4, d_model=64, heads=4, kv_heads=4, vocab=100, ffn=256)
    plain = step_time(four, Layout(seq_len=8, global_batch=8, pp=2, zero_stage=0), HW, PARAMS)
    interleaved = step_time(four, Layout(seq_len=8, global_batch=8, pp=2, vp=2, zero_stage=0), HW, PARAMS)
    assert interleaved.parts.bubble_s < plain.parts.bubble_s


def test_tp_collectives_by_hand_and_dearer_off_nvlink():
    layout = Layout(seq_len=8, global_batch=1, tp=2, zero_stage=0)
    st = step_time(SHAPE, layout, HW, PARAMS)
    # 2 all-reduces forward + 2 backward per layer, of s·d·2 bytes, ring 2·(n−1)/n over 10 GB/s
    one = 2 * (2 - 1) / 2 * 8 * 64 * 2 / 10e9
    assert st.parts.tp_comm_s == pytest.approx(2 * 4 * one)
    assert ring_seconds(8 * 64 * 2, 2, 10.0) == pytest.approx(one)
    small_domain = StepHardware(HW.peak_flops_per_s, 100.0, scale_up_devices=1, scale_up_gb_per_s=10.0,
                                scale_out_gb_per_s=1.0)
    off = step_time(SHAPE, layout, small_domain, PARAMS)
    assert off.parts.tp_comm_s == pytest.approx(10 * st.parts.tp_comm_s)
    assert off.seconds > st.seconds


def test_dp_reduction_overlap_cost():
    layout = Layout(seq_len=8, global_batch=4, dp=2, zero_stage=1)
    exposed = step_time(SHAPE, layout, HW, PARAMS)
    params = 2 * (4 * 64 * 64 + 2 * 64 * 256) + 2 * 100 * 64
    assert exposed.parts.dp_comm_total_s == pytest.approx(2 * 1 / 2 * params * 4 / 10e9)
    assert exposed.parts.dp_comm_s == exposed.parts.dp_comm_total_s     # overlap cost 1: nothing hidden
    free = step_time(SHAPE, layout, HW, PARAMS.__class__(**{**PARAMS.as_dict(), "overlap_cost": 0.0}))
    # perfect hiding: only what outlasts the last micro-batch's backward (2/3 of its matmul, attention, memory)
    window = (free.parts.matmul_s + free.parts.attention_s + free.parts.memory_ops_s) / 2 * 2 / 3
    assert free.parts.dp_comm_s == pytest.approx(max(0.0, free.parts.dp_comm_total_s - window))
    assert free.parts.dp_comm_s < exposed.parts.dp_comm_s


def test_overlap_exposes_what_outlasts_the_window_and_a_share_of_the_rest():
    assert overlapped_seconds(3.0, 10.0, 0.0) == 0.0
    assert overlapped_seconds(3.0, 10.0, 0.25) == pytest.approx(0.75)
    assert overlapped_seconds(12.0, 10.0, 0.25) == pytest.approx(2.0 + 2.5)
    assert overlapped_seconds(12.0, 10.0, 1.0) == pytest.approx(12.0)
    # TP collectives overlapped with the GEMMs: at overlap cost c, c of them stay while they are shorter
    layout = Layout(seq_len=8, global_batch=1, tp=2, zero_stage=0)
    plain = step_time(SHAPE, layout, HW, PARAMS)
    fast_links = StepHardware(HW.peak_flops_per_s, 100.0, scale_up_devices=8, scale_up_gb_per_s=1e6,
                              scale_out_gb_per_s=1.0)
    half = PARAMS.__class__(**{**PARAMS.as_dict(), "overlap_cost": 0.5})
    over = Layout(seq_len=8, global_batch=1, tp=2, zero_stage=0, tp_comm_overlap=True)
    assert step_time(SHAPE, over, HW, PARAMS).parts.tp_comm_s == pytest.approx(plain.parts.tp_comm_s)
    fast_plain = step_time(SHAPE, layout, fast_links, half).parts.tp_comm_s
    assert step_time(SHAPE, over, fast_links, half).parts.tp_comm_s == pytest.approx(0.5 * fast_plain)


def test_attention_kernel_share_slows_attention_only():
    layout = Layout(seq_len=8, global_batch=2, zero_stage=0)
    native = step_time(SHAPE, layout, HW, PARAMS)
    old = step_time(SHAPE, Layout(seq_len=8, global_batch=2, zero_stage=0, attention_kernel_share=FLASH2_ON_HOPPER),
                    HW, PARAMS)
    assert FLASH2_ON_HOPPER == pytest.approx(0.35 / 0.75)
    assert old.parts.attention_s == pytest.approx(native.parts.attention_s / FLASH2_ON_HOPPER)
    assert old.parts.matmul_s == native.parts.matmul_s
    with pytest.raises(InputError):
        step_time(SHAPE, Layout(seq_len=8, global_batch=2, attention_kernel_share=0.0), HW, PARAMS)


def test_refusals():
    with pytest.raises(InputError):
        step_time(SHAPE, Layout(seq_len=8, global_batch=1, dp=2), HW, PARAMS)
    with pytest.raises(InputError):
        step_time(SHAPE, Layout(seq_len=8, global_batch=1, recompute="some"), HW, PARAMS)
    with pytest.raises(InputError):
        step_time(SHAPE, Layout(seq_len=8, global_batch=1, precision="fp16"), HW, PARAMS)
    assert math.isfinite(step_time(SHAPE, Layout(seq_len=8, global_batch=1, precision="fp8"), HW, PARAMS).seconds)


def test_fp4_runs_the_gemms_at_its_peak_at_fp8s_factor_again():
    """NVFP4 (arXiv:2509.25149) where the device has the peak: the linear layers' GEMMs at the FP4 peak, reaching
    fp8_gemm_factor of FP8's share as FP8 reaches of 16-bit's; the rest of the step as in FP8."""
    hw = StepHardware(peak_flops_per_s={"bf16": 1e12, "fp8": 2e12, "fp4": 4e12}, memory_bandwidth_gb_per_s=100.0,
                      scale_up_devices=8, scale_up_gb_per_s=10.0, scale_out_gb_per_s=1.0)
    params = StepParams(gemm_efficiency=0.5, gemm_half_dim=1e-12, fp8_gemm_factor=0.6, attention_efficiency=1.0,
                        memory_efficiency=1.0, overlap_cost=1.0)
    at = {p: step_time(SHAPE, Layout(seq_len=8, global_batch=2, zero_stage=0, precision=p), hw, params).parts
          for p in ("bf16", "fp8", "fp4")}
    # the GEMMs' rate: bf16 1e12 × 0.5; fp8 2e12 × 0.5 × 0.6; fp4 4e12 × 0.5 × 0.6²
    assert at["fp8"].matmul_s == pytest.approx(at["bf16"].matmul_s / (2 * 0.6))
    assert at["fp4"].matmul_s == pytest.approx(at["bf16"].matmul_s / (4 * 0.36))
    # attention and the memory-bound kernels stay at 16 bits
    assert at["fp4"].attention_s == at["fp8"].attention_s == at["bf16"].attention_s
    assert at["fp4"].memory_ops_s == at["bf16"].memory_ops_s
    with pytest.raises(InputError, match=r"precision 'fp4' is not one the step model or this hardware has \(bf16, fp8\)"):
        step_time(SHAPE, Layout(seq_len=8, global_batch=1, precision="fp4"), HW, PARAMS)


def test_sms_kept_for_communication_slow_the_compute_only():
    """DeepSeek-V3 runs its all-to-all on 20 of the H800's 132 SMs (arXiv:2412.19437 §3.2.2): the GEMMs and attention
    at 112/132 of the peak; memory-bound work and MFU's peak unchanged."""
    full = step_time(SHAPE, Layout(seq_len=8, global_batch=2, zero_stage=0), HW, PARAMS)
    part = step_time(SHAPE, Layout(seq_len=8, global_batch=2, zero_stage=0, compute_sm_share=112 / 132), HW, PARAMS)
    assert part.parts.matmul_s == pytest.approx(full.parts.matmul_s * 132 / 112)
    assert part.parts.attention_s == pytest.approx(full.parts.attention_s * 132 / 112)
    assert part.parts.memory_ops_s == full.parts.memory_ops_s
    assert part.mfu == pytest.approx(part.model_flops_per_token * part.tokens_per_s_per_device / 1e12)
    with pytest.raises(InputError, match="compute_sm_share must be above 0 and at most 1"):
        step_time(SHAPE, Layout(seq_len=8, global_batch=2, compute_sm_share=0.0), HW, PARAMS)


def test_a_gemms_half_efficiency_size_follows_the_16_bit_peak_not_the_bandwidth():
    """The half-efficiency dimension is gemm_half_dim × the device's 16-bit peak in PFLOP/s, whatever the precision
    run: an H100 (0.989 PFLOP/s) at 535 elements per PFLOP/s loses half its GEMM efficiency at 529 elements. A device
    with more memory bandwidth and the same peak (an H200 against an H100) runs a compute-bound step's matrix
    multiplies in the same time (measured 2026-11-27: 5-11% faster steps, from the memory-bound work)."""
    from estimator.core.training.step import half_efficiency_dim
    assert half_efficiency_dim(989e12, 535.0) == pytest.approx(529.115)
    assert half_efficiency_dim(2 * 989e12, 535.0) == pytest.approx(2 * 529.115)
    params = StepParams(gemm_efficiency=0.8, gemm_half_dim=535.0, fp8_gemm_factor=0.75, attention_efficiency=0.5,
                        memory_efficiency=0.9, overlap_cost=0.1)
    shape = ModelShape(layers=4, d_model=4096, heads=32, kv_heads=32, vocab=32000, ffn=16384)
    layout = Layout(seq_len=2048, global_batch=8, micro_batch=8, zero_stage=0)

    def hardware(bandwidth_gb_per_s, peaks):
        return StepHardware(peak_flops_per_s=peaks, memory_bandwidth_gb_per_s=bandwidth_gb_per_s,
                            scale_up_devices=8, scale_up_gb_per_s=450.0, scale_out_gb_per_s=50.0)
    h100 = {"bf16": 989e12, "fp8": 1979e12}
    slow, fast = step_time(shape, layout, hardware(3350.0, h100), params), step_time(shape, layout, hardware(4800.0, h100), params)
    assert fast.parts.matmul_s == pytest.approx(slow.parts.matmul_s)
    assert fast.parts.memory_ops_s == pytest.approx(slow.parts.memory_ops_s * 3350 / 4800)
    # FP8 takes the 16-bit peak's size: the same as at bf16 with the FP8 factor on the efficiency; a device whose
    # FP8 peak equals its 16-bit one (as a Gaudi 3's) does not halve it, and there its GEMMs run as at bf16, no slower
    # (2026-12-01: the FP8 factor on a peak no higher had made them 1/0.75 slower)
    fp8 = Layout(seq_len=2048, global_batch=8, micro_batch=8, zero_stage=0, precision="fp8")
    flat = {"bf16": 989e12, "fp8": 989e12}
    at_fp8 = step_time(shape, fp8, hardware(3350.0, h100), params).parts.matmul_s
    flat_fp8 = step_time(shape, fp8, hardware(3350.0, flat), params).parts.matmul_s
    flat_bf16 = step_time(shape, layout, hardware(3350.0, flat), params).parts.matmul_s
    assert flat_fp8 == pytest.approx(flat_bf16) and at_fp8 < flat_fp8
    assert flat_fp8 == pytest.approx(at_fp8 * 1979 / 989 * params.fp8_gemm_factor, rel=0.02)


def test_expert_gradients_reduce_over_the_ranks_that_hold_the_same_experts():
    """Under expert parallelism the experts' gradients are reduced apart from the rest, over the ranks holding the same
    experts (Megatron-Core's expert data-parallel group), and ZeRO shards their optimizer state over those ranks. The
    toy with 8 experts on 16 devices, EP 8 in the 8-device scale-up domain: the dense part's ring runs 8 ranks inside
    the domain and 2 domains over scale-out; the experts' 2 holders of each shard sit in different domains, so their
    whole ring crosses scale-out (planner review 2026-11-28: they had been reduced with the rest, 8 inside the domain)."""
    moe = ModelShape(layers=2, d_model=64, heads=4, kv_heads=4, vocab=100, ffn=256, experts=8, experts_per_token=2)
    layout = Layout(seq_len=8, global_batch=16, dp=16, ep=8, zero_stage=1)
    st = step_time(moe, layout, HW, PARAMS)
    dense = 2 * 4 * 64 * 64 + 2 * 100 * 64
    expert_per_device = 2 * 8 * (2 * 64 * 256) / 8
    grad_bytes = 4
    dense_ring = (2 * 7 / 8 * dense * grad_bytes / 10e9            # 8 ranks inside the domain
                  + 2 * 1 / 2 * dense * grad_bytes / 8 / 1e9)      # then 2 domains over scale-out
    expert_ring = 2 * 1 / 2 * expert_per_device * grad_bytes / 1e9  # 2 holders, each in its own domain
    assert st.parts.dp_comm_total_s == pytest.approx(dense_ring + expert_ring, rel=1e-12)
    # the optimizer: the dense states sharded 16 ways, the experts' 2 ways, read and written at the bandwidth
    adam_bytes = 4 * 4 + 3 * 4 + 2
    assert st.parts.optimizer_s == pytest.approx((dense / 16 + expert_per_device / 2) * adam_bytes / 100e9, rel=1e-12)
    # without expert parallelism every parameter reduces over the 16 together, as a dense model's
    whole = step_time(moe, Layout(seq_len=8, global_batch=16, dp=16, zero_stage=1), HW, PARAMS)
    every = dense + 8 * expert_per_device
    assert whole.parts.dp_comm_total_s == pytest.approx(
        2 * 7 / 8 * every * grad_bytes / 10e9 + 2 * 1 / 2 * every * grad_bytes / 8 / 1e9, rel=1e-12)
