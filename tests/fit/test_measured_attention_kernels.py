"""The attention kernels this project timed on an H100 (estimator/data/measured_attention_kernels.csv): the figures the
serving docs and research/vllm_tpot_tries.py quote, recomputed from the rows, and each row's own arithmetic."""

from __future__ import annotations

import csv
import math

import pytest

from estimator.io.datafiles import DATA_DIR, default_profiles

PATH = DATA_DIR / "measured_attention_kernels.csv"


@pytest.fixture(scope="module")
def rows():
    with PATH.open(newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def h100():
    return default_profiles().get("h100-sxm")


def _decode(rows, kernel, heads, kv_heads, dtype="bf16"):
    """The decode rows at the leaderboard's context (205 tokens on average; the context sweep's rows left out)."""
    return [r for r in rows if r["kernel"] == kernel and r["phase"] == "decode" and r["dtype"] == dtype
            and int(r["heads"]) == heads and int(r["kv_heads"]) == kv_heads
            and 150 < float(r["context_tokens"]) < 250]


def test_each_decode_row_reads_its_k_and_v_over_its_time(rows):
    """kv_gb_per_s is K and V of every token in the context, each KV head once, 2 bytes, over the time."""
    decode = [r for r in rows if r["phase"] == "decode" and r["kernel"].startswith("torch")]
    assert len(decode) == 18
    for r in decode:
        kv_bytes = 2 * int(r["batch"]) * int(r["kv_heads"]) * float(r["context_tokens"]) * int(r["head_dim"]) * 2
        assert kv_bytes / (float(r["time_us"]) * 1e-6) / 1e9 == pytest.approx(float(r["kv_gb_per_s"]), rel=2e-3)


def test_each_prefill_row_counts_causal_attention_flops(rows):
    prefill = [r for r in rows if r["phase"] == "prefill"]
    assert {r["kernel"] for r in prefill} == {"torch-2.11-sdpa-flash", "torch-2.11-sdpa-cudnn"}
    for r in prefill:
        s, h, d, b = int(r["context_tokens"]), int(r["heads"]), int(r["head_dim"]), int(r["batch"])
        assert b * s == 32768
        flops = 4 * b * s * s * h * d / 2
        assert flops / (float(r["time_us"]) * 1e-6) / 1e12 == pytest.approx(float(r["tflops"]), rel=2e-3)


def test_the_7b_kv_read_fraction_from_batch_64_is_0_48_to_0_87_of_the_bandwidth(rows, h100):
    """As docs/explanation/serving-model.md states it: CodeLlama-7B's shape (32 query and 32 KV heads), bf16 and the
    paged kernel's fp16 row, batch 64 and up; the step assumes 0.9."""
    bw = h100.memory_bandwidth_gb_per_s
    fractions = {}
    for kernel in ("vllm-0.4.2-paged-v1", "torch-2.11-sdpa-flash", "torch-2.11-sdpa-cudnn"):
        rs = [r for dtype in ("bf16", "fp16") for r in _decode(rows, kernel, 32, 32, dtype) if int(r["batch"]) >= 64]
        fractions[kernel] = [float(r["kv_gb_per_s"]) / bw for r in rs]
    everything = [f for fs in fractions.values() for f in fs]
    assert round(min(everything), 2) == 0.48 and round(max(everything), 2) == 0.87
    assert max(fractions["torch-2.11-sdpa-flash"]) < 0.6 < min(fractions["torch-2.11-sdpa-cudnn"])
    assert max(everything) < 0.9


def test_attention_per_sequence_and_step_at_batch_256(rows):
    """The 7B over its 32 layers, 37-57 µs a sequence; the 70B over 4 GPUs (16 and 2 heads each, 80 layers), 9-37 µs:
    each under a quarter of the 0.25 ms a sequence both models' TPOT grows by on the H100 (batches 64-320)."""
    def per_sequence_us(heads, kv_heads, layers):
        out = []
        for kernel in ("vllm-0.4.2-paged-v1", "torch-2.11-sdpa-flash", "torch-2.11-sdpa-cudnn"):
            for dtype in ("bf16", "fp16"):
                out += [float(r["time_us"]) / int(r["batch"]) * layers
                        for r in _decode(rows, kernel, heads, kv_heads, dtype) if int(r["batch"]) == 256]
        return out
    seven = per_sequence_us(32, 32, 32)
    seventy = per_sequence_us(16, 2, 80)
    assert (math.floor(min(seven)), math.ceil(max(seven))) == (37, 58)
    assert (math.floor(min(seventy)), math.ceil(max(seventy))) == (9, 37)
    assert max(seven + seventy) < 0.25e3 / 4


def test_prefill_attention_rate_brackets_the_serving_models_compute_fraction(rows, h100):
    """Causal prefill from 4k tokens: cuDNN's fused kernel 0.62-0.68 of the dense BF16 peak, FlashAttention-2
    0.34-0.36; the serving step's 0.6 sits near the faster."""
    from estimator.core.serving.step import COMPUTE_FRACTION
    peak = h100.peak_flops_per_s["bf16"]
    def fractions(kernel):
        return [float(r["tflops"]) * 1e12 / peak for r in rows
                if r["kernel"] == kernel and r["phase"] == "prefill" and int(r["context_tokens"]) >= 4096]
    cudnn, flash = fractions("torch-2.11-sdpa-cudnn"), fractions("torch-2.11-sdpa-flash")
    assert (round(min(cudnn), 2), round(max(cudnn), 2)) == (0.62, 0.68)
    assert (round(min(flash), 2), round(max(flash), 2)) == (0.34, 0.36)
    assert max(flash) < COMPUTE_FRACTION < max(cudnn)
