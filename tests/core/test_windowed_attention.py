"""Windowed attention (serving-engineer review 2026-11-27): gpt-oss alternates full and 128-token banded layers,
Mistral 7B and StarCoder2 slide a 4,096-token window in every layer, Gemma 2 in every other; engines keep a windowed
layer's KV cache at its window. gpt-oss-120b's KV cache had been counted whole in every layer, twice what it holds at
MLPerf's 5,000-token prompts, and its largest batch on one H100 half what fits."""

from __future__ import annotations

from dataclasses import replace

import pytest

from estimator import inference
from estimator.core.base.errors import InputError
from estimator.core.workload.architecture import Architecture, check_architecture
from estimator.io.serving_data import load_catalog

GPT_OSS = dict(model="gpt-oss-120b", tokens=1e9, hardware="h100-sxm", devices=1, batch_size="max")


def test_a_windowed_layer_holds_at_most_its_window():
    a = load_catalog()["gpt-oss-120b"].arch
    assert (a.window, a.windowed_layers, a.layers) == (128, 18, 36)
    # half the layers hold the whole context (prompt + half the output, on average over the answer), half 128 tokens
    assert a.held_tokens(5000, 1278) == pytest.approx((18 * (5000 + 639) + 18 * 128) / 36)
    assert a.held_share(5000, 1278) == pytest.approx(a.held_tokens(5000, 1278) / 5639)
    assert a.held_tokens(50, 50) == 75  # shorter than the window all its life: every token in every layer
    # a 4,096-token prompt's prefill: p²/2 pairs in a full layer, p·w − w²/2 in a banded one
    assert a.prompt_attention_pairs(4096) == pytest.approx((18 * 4096**2 / 2 + 18 * (4096 * 128 - 128**2 / 2)) / 36)
    assert a.prompt_attention_pairs(100) == pytest.approx(100**2 / 2)
    full = replace(a, window=None, windowed_layers=0)
    assert full.held_tokens(5000, 1278) == 5639 and full.prompt_attention_pairs(4096) == pytest.approx(4096**2 / 2)


@pytest.mark.parametrize("prompt, output, held", [(161, 8000, 3128.2), (1000, 8000, 3496.9), (5000, 1278, 4096)])
def test_a_sequence_that_crosses_the_window_holds_its_lifetime_average(prompt, output, held):
    """Code review (2026-11-27): the window was taken at the average context, min(p + t/2, w), where the average over
    the answer of min(p + x, w) is less for a sequence that crosses it (Mistral 7B, 161 + 8,000 tokens: 4,096 against
    3,128, 31% over). ((w − p)(p + w)/2 + w(t − (w − p)))/t."""
    a = load_catalog()["mistral-7b"].arch  # every layer windowed at 4,096
    w = 4096
    exact = ((w - prompt) * (prompt + w) / 2 + w * (output - (w - prompt))) / output if prompt < w else w
    assert a.held_tokens(prompt, output) == pytest.approx(exact) == pytest.approx(held, abs=0.1)


def test_the_decode_step_reads_a_windowed_layers_cache_at_its_window():
    """Code review (2026-11-27): the memory was held to the window, the step's reads were not tested. Mistral 7B at a
    16,000-token prompt, batch 8 on one H100: each sequence reads 4,096 tokens' keys and values a layer, not 16,100,
    and its TPOT is shorter by that read."""
    from estimator.core.serving.estimate import InferenceScenario
    from estimator.core.serving.estimate import inference as core_inference
    from estimator.io.datafiles import default_profiles
    from estimator.io.serving_data import catalog_model, load_serving_fit
    m, h100, fit = catalog_model("mistral-7b"), default_profiles().get("h100-sxm"), load_serving_fit("optimized-2024")
    s = InferenceScenario(params=m.params, tokens=1e6, architecture=m.arch, prompt_tokens=16000, tokens_per_query=200,
                          batch_size=8, batch_given=True)
    win = core_inference(s, h100, fit)
    full = core_inference(replace(s, architecture=replace(m.arch, window=None, windowed_layers=0)), h100, fit)
    kv_bytes_per_token = 2 * 32 * 8 * 128 * 2  # 32 layers, 8 KV heads of 128, 16 bits
    read_s = 8 * (16100 - 4096) * kv_bytes_per_token / (h100.memory_bandwidth_bytes_per_s * 0.9)
    assert full.memory_s_per_step - win.memory_s_per_step == pytest.approx(read_s, rel=1e-6)
    assert win.kv_cache_gb / full.kv_cache_gb == pytest.approx(4096 / 16100)
    assert win.seconds_per_output_token < full.seconds_per_output_token


@pytest.mark.parametrize("model, window, windowed", [("mistral-7b", 4096, 32), ("gemma-2-9b", 4096, 21),
                                                     ("starcoder2-15b", 4096, 40), ("gpt-oss-20b", 128, 12),
                                                     ("llama-3.1-8b", None, 0), ("mixtral-8x7b", None, 0)])
def test_the_catalog_says_which_layers_are_windowed(model, window, windowed):
    a = load_catalog()[model].arch
    assert (a.window, a.windowed_layers) == (window, windowed)


def test_gpt_oss_serves_about_twice_the_batch_its_whole_cache_allowed():
    r = inference(**GPT_OSS).result
    context = r.prompt_tokens + r.tokens_per_query / 2  # MLPerf's gpt-oss query: 5,000 prompt and 1,278.2 output tokens
    held = load_catalog()["gpt-oss-120b"].arch.held_share(r.prompt_tokens, r.tokens_per_query)
    assert held == pytest.approx(0.511, abs=0.001)
    # the KV cache a sequence holds: the whole-context count (2 × 36 layers × 8 KV heads × 64 × 2 bytes a token) × that
    # share
    whole_gb = context * 2 * 36 * 8 * 64 * 2 / 1e9
    assert r.kv_cache_gb / r.batch_size == pytest.approx(whole_gb * held, rel=1e-6)
    # was 40 with every layer's cache whole; 75–85 before MXFP4's block scales were stored with the weights (4.25 bits
    # a weight, gpt-oss's release: arXiv:2508.10925), 2026-11-29
    assert 55 <= r.batch_size <= 70


def test_a_shape_assumed_from_a_parameter_count_takes_no_window():
    """A bare count near Mistral 7B takes its shape, not its sliding window, which the count does not say."""
    r = inference(params=7.2e9, tokens=1e6, hardware="h100-sxm", prompt_tokens=8000, tokens_per_query=200).result
    assert r.architecture.window is None and r.architecture.windowed_layers == 0


@pytest.mark.parametrize("window, windowed", [(None, 4), (128, 0), (128, 40), (0, 4)])
def test_a_window_without_its_layers_or_past_them_is_refused(window, windowed):
    a = Architecture(32, 4096, 32, 8, window=window, windowed_layers=windowed)
    with pytest.raises(InputError):
        check_architecture(a)
