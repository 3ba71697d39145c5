"""A head size other than d_model ÷ heads (`--head-dim`): PaLM's 48 heads of 256 on 18,432 and Gemma's 16 of 256 on
3,072 (researcher review 2026-11-29: PaLM's shape could not be given, its heads forced to 384 dimensions, 568B
parameters and 2.68 × 10²⁴ FLOPs against the published 540B and 2.56 × 10²⁴)."""

from __future__ import annotations

import json

import pytest

from estimator import estimate
from estimator.core.base.errors import InputError
from estimator.services.serving import inference as serving
from estimator.services.training import plan as plan_service

# PaLM 540B (Chowdhery et al. 2022, arXiv:2204.02311, Table 1 and §2): 118 layers, d_model 18,432, 48 heads of 256,
# multi-query attention (one KV head), SwiGLU of width 4·d_model, a 256k vocabulary; 780B tokens at 2,048.
PALM = dict(layers=118, d_model=18432, heads=48, kv_heads=1, ffn=73728, mlp="gated", vocab=256000, n_ctx=2048,
            tokens=780e9)


def test_palms_shape_counts_its_published_parameters_and_flops_with_its_head_size():
    with_size = estimate(**PALM, head_dim=256, hardware="tpu-v4", devices=6144)
    without = estimate(**PALM, hardware="tpu-v4", devices=6144)
    # 6·N·D with N = 540B and D = 780B is 2.53 × 10²⁴; the paper's 2.56 × 10²⁴ counts attention too
    assert with_size.flops == pytest.approx(2.56e24, rel=0.02)
    assert without.flops == pytest.approx(2.68e24, rel=0.01)  # each head 384 wide: 5% too many
    assert "of size 256" in with_size.assumption("flops").source


def test_a_head_size_needs_the_heads_and_is_refused_alike_by_the_cli_and_the_api(cli):
    res = cli("estimate", "--layers", "32", "--d-model", "4096", "--context", "2048", "--vocab", "32000",
              "--tokens", "1e12", "--head-dim", "256")
    assert res.code == 2 and res.out == "" and res.err.count("\n") == 1
    assert res.err.startswith("error: a head size needs the attention heads")
    with pytest.raises(InputError, match="a head size needs the attention heads"):
        estimate(layers=32, d_model=4096, n_ctx=2048, vocab=32000, tokens=1e12, head_dim=256)
    res = cli("estimate", "--layers", "32", "--d-model", "4096", "--heads", "32", "--context", "2048", "--vocab",
              "32000", "--tokens", "1e12", "--head-dim", "0")
    assert res.code == 2 and "head size" in res.err and res.err.count("\n") == 1
    res = cli("compare", "--params", "7e9", "--tokens", "1e12", "--head-dim", "128", "--hardware", "h100-sxm")
    assert res.code == 2  # compare times no layout: no shape details


def test_serving_holds_the_kv_cache_of_the_heads_size():
    """Gemma 7B's shape with its head size: K and V of 16 heads × 256 a layer, not 16 × 192."""
    kw = dict(layers=28, d_model=3072, heads=16, vocab=256000, params=8.54e9, hardware="h100-sxm", tokens=1e9,
              batch_size=64)
    wide = serving.inference_report(**kw, head_dim=256).result
    default = serving.inference_report(**kw, head_dim=192).result  # 3,072 ÷ 16: the default size, given
    assert wide.architecture.head_size == 256 and default.architecture.head_size == 192
    assert wide.kv_cache_gb / default.kv_cache_gb == pytest.approx(256 / 192)


def test_the_step_model_and_plan_take_the_head_size(cli):
    shape = dict(layers=80, d_model=8192, heads=64, kv_heads=8, vocab=128256, ffn=28672, mlp="gated", tokens=1e12,
                 devices=256)
    plain = plan_service.plan(**shape)
    wide = plan_service.plan(**shape, head_dim=256)  # twice the attention's width: more parameters, slower a token
    assert wide.params > plain.params
    assert wide.best.planned.step.tokens_per_s_per_device < plain.best.planned.step.tokens_per_s_per_device
    out = cli("plan", "--layers", "80", "--d-model", "8192", "--heads", "64", "--kv-heads", "8", "--vocab", "128256",
              "--ffn", "28672", "--mlp", "gated", "--tokens", "1e12", "--devices", "256", "--head-dim", "256",
              "--format", "json")
    assert out.code == 0 and json.loads(out.out)["params"] == pytest.approx(wide.params)


def test_the_architecture_row_gives_the_attentions_own_head_size(cli):
    """Diff review 2026-11-29: DeepSeek-V3's row read "128 heads of size 288", the size its latent KV cache is held
    at, where its heads compute 128 dimensions (+ 64 RoPE)."""
    rows = {}
    for model in ("deepseek-v3", "gemma-7b", "llama-3.1-8b"):
        out = cli("inference", "--model", model, "--hardware", "h200-sxm", "--devices", "8", "--tokens", "1e9").out
        rows[model] = next(x for x in out.splitlines() if x.startswith("architecture")).split(None, 1)[1]
    assert rows["deepseek-v3"] == ("61 layers, d_model 7168, 128 heads of size 128, latent attention (its cache 1 KV "
                                   "head of 288) (deepseek-v3)")
    assert rows["gemma-7b"] == "28 layers, d_model 3072, 16 heads of size 256, 16 KV heads (gemma-7b)"
    assert rows["llama-3.1-8b"] == "32 layers, d_model 4096, 32 heads, 8 KV heads (llama-3.1-8b)"


def test_more_heads_than_the_width_are_taken_alike_where_their_size_is_given(cli):
    """Diff review 2026-11-29: 128 heads of 16 on a width of 64 were taken by estimate and plan, refused by inference."""
    shape = ["--layers", "2", "--d-model", "64", "--heads", "128", "--head-dim", "16", "--vocab", "100"]
    assert cli("inference", *shape, "--tokens", "1e9").code == 0
    assert cli("estimate", *shape, "--context", "128", "--tokens", "1e9").code == 0
    refused = cli("inference", *shape[:6], "--vocab", "100", "--tokens", "1e9")  # no size: each head 0.5 wide
    assert refused.code == 2 and "d_model" in refused.err


def test_a_head_size_given_is_not_lost_to_a_catalog_models_of_the_same_shape():
    """A shape and count that match Gemma 7B's take its fields unless the head size given is another."""
    kw = dict(layers=28, d_model=3072, heads=16, vocab=256000, params=8.54e9, hardware="h100-sxm", tokens=1e9)
    assert serving.inference_report(**kw).result.architecture.name == "gemma-7b"  # its 256-wide heads, from the catalog
    other = serving.inference_report(**kw, head_dim=128).result.architecture
    assert other.name == "" and other.head_size == 128
