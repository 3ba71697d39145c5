"""The serving engineer's and the researcher's reviews 2026-12-03: their findings, each as the CLI says it."""

from __future__ import annotations

import json

import pytest


def test_a_latency_bound_on_an_engine_fitted_at_batch_one_is_refused_for_the_engine_not_the_devices(cli):
    # no devices given: the engine's own refusal, not "none of the powers of two up to 64 … tried meets it"
    for extra in ((), ("--devices", "1")):
        r = cli("inference", "--model", "llama-3.1-8b", "--ttft-ms", "100", "--engine", "eager-2023", *extra)
        assert r.code == 2 and r.err.count("\n") == 1
        assert r.err.startswith("error: the eager-2023 engine is fitted at batch 1 alone, so a latency bound (a search "
                                "over batches) is beyond it"), r.err


def test_one_device_says_its_split_was_not_chosen(cli):
    r = cli("inference", "--model", "llama-3.1-8b", "--batch-size", "max")
    assert r.code == 0, r.err
    (layout,) = [line for line in r.out.splitlines() if line.startswith("  · layout: 1 device")]
    assert "tensor parallelism 1 (the one device's only split) × 1 replica" in layout
    assert "chosen" not in layout


def test_a_students_architecture_keeps_its_teachers_latent_attention_in_words(cli):
    r = cli("inference", "--model", "deepseek-v3", "--hardware", "h200-sxm", "--devices", "8", "--student-params", "100e9")
    assert r.code == 0, r.err
    (row,) = [line for line in r.out.splitlines() if line.startswith("architecture ")]
    assert row.split(None, 1)[1] == ("9 layers, d_model 7168, 128 heads of size 128, latent attention (its cache 1 KV "
                                     "head of 288) (student of deepseek-v3)")


def test_a_prefill_step_of_its_own_reads_the_weights_at_least(cli):
    """vllm-2024 prefills a prompt in a step of its own: that step reads the weights as a decode step does, so a 1-token
    prompt's first token comes no sooner than a decode step's GPU part (it had read 69.2 ms against 92.3 ms a token)."""
    r = cli("inference", "--model", "llama-3.1-70b", "--engine", "vllm-2024", "--prompt-tokens", "1", "--format", "json")
    assert r.code == 0, r.err
    out = json.loads(r.out)
    assert out["seconds_to_first_token"] == pytest.approx(0.0921, rel=0.01)
    assert out["seconds_to_first_token"] > 0.95 * out["seconds_per_output_token"]


def test_interleaving_without_stages_is_refused_for_that_whatever_the_devices(cli):
    """Researcher review 2026-12-03: on 1,024 devices `--vp 2` alone was refused for the default batch's size, on 64
    for what it is."""
    for devices in ("64", "1024"):
        r = cli("estimate", "--model", "llama-3.1-70b", "--tokens", "15e12", "--devices", devices, "--vp", "2")
        assert r.code == 2 and r.err.startswith("error: interleaving (vp 2) splits each pipeline stage's layers into "
                                                "chunks: it needs two or more pipeline stages (pp)"), r.err


def test_plans_fewest_that_hold_a_model_is_one_count_from_any_start(cli):
    """Researcher review 2026-12-03: Llama 3.1 405B read "128 hold it" from 8 devices and "80" from 56; each whole server
    up to the memory's count is tried now."""
    for devices in ("8", "56"):
        r = cli("plan", "--model", "llama-3.1-405b", "--tokens", "1e12", "--devices", devices)
        assert r.code == 2 and "give more devices: 80 hold it, the fewest tried (TP 8 × PP 10 × DP 1" in r.err, r.err
