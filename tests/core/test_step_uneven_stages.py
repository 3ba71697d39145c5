"""A pipeline whose layers do not split evenly runs at its slowest stage (researcher review 2026-12-02: 80 layers on 64
stages were timed at the average stage's 1.25 layers with the logits, where 16 stages hold 2: Llama 2 70B's, its 32k
vocabulary's logits less than the difference, 755 tokens/s a device against 575 at the busiest stage; Llama 3.1 70B's
128k vocabulary makes the stage with the logits the slower, and its 558 stands)."""

from __future__ import annotations

import pytest

from estimator.core.training.step import Layout, ModelShape, StepHardware, StepParams, stage_layers, step_time

HW = StepHardware(peak_flops_per_s={"bf16": 1e15}, memory_bandwidth_gb_per_s=3000.0, scale_up_devices=8,
                  scale_up_gb_per_s=450.0, scale_out_gb_per_s=50.0)
PARAMS = StepParams(gemm_efficiency=0.7, gemm_half_dim=500.0, fp8_gemm_factor=1.0, attention_efficiency=0.5,
                    memory_efficiency=0.9, overlap_cost=0.1)


@pytest.mark.parametrize("layers, pp, vp, busiest, lightest", [
    (80, 8, 1, 10, 10), (80, 64, 1, 2, 1), (126, 16, 2, 8, 7), (70, 12, 1, 6, 5), (61, 16, 2, 4, 3), (32, 3, 1, 11, 10),
])
def test_the_busiest_and_lightest_stage_hold_whole_layers_dealt_in_turn(layers, pp, vp, busiest, lightest):
    assert stage_layers(layers, pp, vp) == (busiest, lightest)
    # every layer somewhere: the stages' layers lie between the two and sum to the model's
    assert lightest * pp <= layers <= busiest * pp


def _step(layers: int, pp: int, vocab: int = 128):
    shape = ModelShape(layers=layers, d_model=1024, heads=16, kv_heads=16, vocab=vocab, ffn=4096)
    layout = Layout(seq_len=2048, global_batch=64, micro_batch=1, pp=pp, dp=1, zero_stage=1)
    return step_time(shape, layout, HW, PARAMS)


def test_an_uneven_pipeline_runs_at_its_busiest_stage():
    # 10 layers on 8 stages: two stages hold 2 layers, six hold 1; the steady state runs at the 2-layer stages' pace,
    # as 16 layers on 8 stages (2 each) do, the fill and drain at the average stage's (1.25 layers)
    uneven, even = _step(10, 8), _step(16, 8)
    assert uneven.parts.attention_s == pytest.approx(even.parts.attention_s, rel=1e-12)
    assert uneven.parts.matmul_s < even.parts.matmul_s   # the even one's 2-layer stage also computes the logits
    assert uneven.parts.bubble_s < even.parts.bubble_s
    assert uneven.seconds > 1.4 * _step(8, 8).seconds      # not the average's 1.25 layers a stage


def test_the_stage_with_the_output_layer_is_timed_at_the_average_stage_as_an_even_split_is():
    # 9 layers on 8 stages: one stage holds 2; a 256k vocabulary's logits outweigh a layer, so the stage with the output
    # layer, at the average's 1.125 layers, is the slowest: the layers' time is 1.125 × the 8-layer model's
    nine, eight = _step(9, 8, vocab=256_000), _step(8, 8, vocab=256_000)
    assert nine.parts.attention_s == pytest.approx(9 / 8 * eight.parts.attention_s, rel=1e-12)
    # a tiny vocabulary: the 2-layer stage is the slowest
    assert _step(9, 8).parts.attention_s == pytest.approx(2 * _step(8, 8).parts.attention_s, rel=1e-12)
