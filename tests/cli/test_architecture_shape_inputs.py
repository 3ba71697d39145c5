"""An architecture's whole shape for the step model (issue 53: "layers/d_model/heads/KV heads/vocab/FFN, and for a
mixture of experts the active parameters and experts"): `estimate` and `plan` take `--kv-heads`, `--ffn`, `--mlp
plain|gated`, `--experts` and `--experts-per-token`; the architecture's FLOPs count the shape as given (its grouped-query
attention, its MLP, its active experts), the step model times it, and a mixture of experts given so is timed as the
catalog's own model of that shape is. Without them the count is Kaplan's, as before."""

from __future__ import annotations

import json

import pytest

from estimator.cli.main import main
from estimator.core.base.errors import InputError
from estimator.core.workload import flops as wl
from estimator.services import api
from estimator.services.training import plan
from estimator.services.workload_inputs import workload_inputs

MIXTRAL = ("--layers", "32", "--d-model", "4096", "--heads", "32", "--kv-heads", "8", "--vocab", "32000",
           "--context", "4096", "--ffn", "14336", "--mlp", "gated", "--experts", "8", "--experts-per-token", "2")
RUN = ("--hardware", "h100-sxm", "--devices", "64", "--ep", "8", "--precision", "bf16", "--tokens", "1e12")


def cli_json(capsys, command, *argv) -> dict:
    assert main([command, *argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_mixtral_given_by_its_shape_is_timed_as_the_catalogs_mixtral(capsys):
    by_shape = cli_json(capsys, "estimate", *MIXTRAL, *RUN)
    by_model = cli_json(capsys, "estimate", "--model", "mixtral-8x7b", "--seq-len", "4096", *RUN)
    s, m = by_shape["step"], by_model["step"]
    assert (s["layout"]["ep"], m["layout"]["ep"]) == (8, 8)
    assert s["tokens_per_s_per_device"] == pytest.approx(m["tokens_per_s_per_device"], rel=0.02)
    # FLOPs: 6 × the active parameters a token, the architecture's attention and logits beside (Kaplan's terms)
    assert by_shape["flops"] == pytest.approx(by_model["flops"], rel=0.05)
    assert by_shape["flops"] < 0.35 * wl.transformer_training_flops(wl.TransformerShape(32, 4096, 4096, 32000), 1e12) * 8


def test_the_count_with_grouped_query_attention_and_the_mlp_given():
    """Nemotron-4 340B (arXiv:2406.11704 Table 1; NeMo's Nemotron4Config340B): 96 layers of 18,432, 8 KV heads of 96,
    a squared-ReLU MLP of 73,728: 96·(2d² + 2d²·8/96 + 2·d·73,728) = 331.6B parameters outside the embeddings."""
    d = 18432
    shape = wl.TransformerShape(96, d, 4096, 256000, heads=96, kv_heads=8, d_ff=73728, mlp_matrices=2)
    c = wl.transformer_count(shape)
    assert c.params_non_embedding == pytest.approx(96 * (2 * d * d + 2 * d * d * 8 / 96 + 2 * d * 73728))
    assert round(c.params_non_embedding / 1e9, 1) == 331.6
    # without them: Kaplan's 12·n_layer·d_model², to the FLOP
    kaplan = wl.TransformerShape(96, d, 4096, 256000)
    assert kaplan.kaplan and wl.transformer_count(kaplan).params_non_embedding == 12 * 96 * d * d
    assert wl.TransformerShape(96, d, 4096, 256000, heads=96, kv_heads=96).kaplan   # MHA: Kaplan's own attention


def test_the_cli_and_the_api_give_one_estimate(capsys):
    js = cli_json(capsys, "estimate", *MIXTRAL, *RUN)
    arch = {"layers": 32, "d_model": 4096, "n_ctx": 4096, "vocab": 32000, "tokens": 1e12, "devices": 64,
            "precision": "bf16"}
    shape = {"heads": 32, "kv_heads": 8, "ffn": 14336, "mlp": "gated", "experts": 8, "experts_per_token": 2}
    w = workload_inputs({**arch, **shape})
    est = api.run(hardware="h100-sxm", memory={"layers": 32, "d_model": 4096, "vocab": 32000, "seq_len": 4096, "ep": 8,
                                               **shape}, **w.run_kwargs()).estimate
    assert js["flops"] == pytest.approx(est.flops, rel=1e-12)
    assert js["step"]["tokens_per_s_per_device"] == pytest.approx(est.step.step.tokens_per_s_per_device, rel=1e-12)


def test_plan_takes_the_shape_and_ranks_layouts_for_it(capsys):
    argv = ("--params", "341e9", "--layers", "96", "--d-model", "18432", "--heads", "96", "--kv-heads", "8", "--vocab",
            "256000", "--ffn", "73728", "--hardware", "h100-sxm", "--devices", "512", "--tokens", "9e12")
    js = cli_json(capsys, "plan", *argv)
    report = plan.plan(params=341e9, layers=96, d_model=18432, heads=96, kv_heads=8, vocab=256000, ffn=73728,
                       hardware="h100-sxm", devices=512, tokens=9e12)
    assert js["layouts"] and js["layouts"][0]["tokens_per_s_per_device"] == pytest.approx(
        report.rows[0].planned.step.tokens_per_s_per_device, rel=1e-12)
    # the KV heads and the MLP given set the step's attention and MLP: the count of MHA and a derived MLP differs
    mha = plan.plan(params=341e9, layers=96, d_model=18432, heads=96, vocab=256000, hardware="h100-sxm", devices=512,
                    tokens=9e12, tp=8, pp=8, zero=1, micro_batch=1)
    gqa = plan.plan(params=341e9, layers=96, d_model=18432, heads=96, kv_heads=8, vocab=256000, ffn=73728,
                    hardware="h100-sxm", devices=512, tokens=9e12, tp=8, pp=8, zero=1, micro_batch=1)
    assert mha.rows[0].planned.step.tokens_per_s_per_device != gqa.rows[0].planned.step.tokens_per_s_per_device


@pytest.mark.parametrize("argv, words", [
    (("--experts", "8"), "needs both its experts per layer and the experts per token"),
    (("--experts", "8", "--experts-per-token", "2"), "needs its parameter count or its MLP's width"),
    (("--experts", "8", "--experts-per-token", "8", "--ffn", "14336"), "must be at least 1 and fewer than the 8 experts"),
    (("--kv-heads", "5"), "KV heads must divide the 32 attention heads"),
    (("--ffn", "0"), "MLP hidden size"),
])
def test_a_shape_that_cannot_be_is_refused(capsys, argv, words):
    base = ("--layers", "32", "--d-model", "4096", "--heads", "32", "--vocab", "32000", "--context", "4096",
            "--tokens", "1e12", "--hardware", "h100-sxm", "--devices", "8", "--tp", "2")
    assert main(["estimate", *base, *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and words in err and "Traceback" not in err


def test_a_catalog_model_with_a_shape_beside_it_is_refused_by_the_api_as_by_the_cli(capsys):
    assert main(["estimate", "--model", "mixtral-8x7b", "--kv-heads", "8", "--tokens", "1e12", "--tp", "2",
                 "--devices", "2"]) == 2
    assert "give either a catalog model or the parameters and architecture, not both" in capsys.readouterr().err
    with pytest.raises(InputError, match="not both"):
        api.run(hardware="h100-sxm", params=4.67e10, tokens=1e12, devices=2,
                memory={"model": "mixtral-8x7b", "kv_heads": 8, "tp": 2})
    with pytest.raises(InputError, match="the MLP must be one of plain, gated"):
        api.run(hardware="h100-sxm", params=7e9, tokens=1e12, devices=2,
                memory={"layers": 32, "d_model": 4096, "mlp": "swish", "tp": 2})


def test_the_api_given_a_count_and_a_mixtures_shape_computes_with_its_active_parameters():
    """``api.run`` with the parameters and a shape with experts (or a catalog mixture's shape and count) counts
    6·N_active·D, as the catalog's mixtral-8x7b does: all 46.7B at 6·N·D would be 1.75 × the peak in the step's time."""
    shape = {"layers": 32, "d_model": 4096, "heads": 32, "kv_heads": 8, "vocab": 32000, "ep": 8, "zero": 1,
             "seq_len": 4096}
    run = dict(hardware="h100-sxm", tokens=1e12, devices=64)
    by_experts = api.run(params=46.703e9, memory={**shape, "experts": 8, "experts_per_token": 2}, **run).estimate
    by_count = api.run(params=46.703e9, memory=shape, **run).estimate
    by_model = api.run(params=46.703e9, memory={"model": "mixtral-8x7b", "ep": 8, "zero": 1, "seq_len": 4096},
                       **run).estimate
    assert by_count.flops == by_model.flops == pytest.approx(6 * 12.88e9 * 1e12, rel=1e-3)
    assert by_experts.flops == pytest.approx(by_model.flops, rel=0.01)  # its active count from the shape's arithmetic
    assert by_experts.step.step.tokens_per_s_per_device == pytest.approx(
        by_model.step.step.tokens_per_s_per_device, rel=0.01)


def test_grouped_query_attention_or_a_gated_mlp_without_a_width_count_one_model_for_the_flops_and_the_step():
    """Without --ffn the MLP is Kaplan's 4·d_model wide, for the FLOPs and for the step model and the memory alike
    (review: the FLOPs had counted the KV heads and the MLP's kind, the step model Kaplan's 12·L·d², 5.78B against
    6.57B)."""
    from estimator.services.model_shape import resolve_architecture
    for extra, matrices in (({"kv_heads": 8}, 2), ({"mlp": "gated"}, 3), ({"kv_heads": 8, "mlp": "gated"}, 3)):
        w = workload_inputs({"layers": 32, "d_model": 4096, "n_ctx": 4096, "vocab": 32000, "tokens": 1e12,
                             "heads": 32, **extra})
        n, arch, how = resolve_architecture(layers=32, d_model=4096, heads=32, vocab=32000, **extra)
        d = 4096
        kv = extra.get("kv_heads", 32)
        expected = 32 * (2 * d * d + 2 * d * kv * 128 + matrices * d * 4 * d) + 32000 * d
        assert n == pytest.approx(expected)
        # the FLOPs' N (6·N per token beside Kaplan's attention and logits terms) is the same model's, without the
        # vocabulary table and positions the step model counts apart
        per_token = 3 * (2 * (expected - 32000 * d) + 2 * 32 * 4096 * d + 2 * d * 32000)
        assert w.inputs["flops"] == pytest.approx(per_token * 1e12)


def test_a_width_that_does_not_hold_the_parameters_given_is_refused():
    with pytest.raises(InputError, match="holds 2.57 × 10¹¹ parameters, not the 3.41 × 10¹¹ given"):
        plan.plan(params=341e9, layers=96, d_model=18432, heads=96, kv_heads=8, vocab=256000, ffn=50000,
                  hardware="h100-sxm", devices=512, tokens=9e12)


def test_a_shape_two_catalog_models_share_names_neither_without_its_vocabulary():
    """Llama 2 70B's and Llama 3 70B's shapes are one (80 × 8192, 64 heads, 8 KV heads), their counts 2% apart: without
    the vocabulary, neither is taken (review: the first in the catalog was); with it, the nearest count's."""
    from estimator.services.model_shape import catalog_match, resolve_architecture
    _, arch, how = resolve_architecture(params=70.554e9, layers=80, d_model=8192, heads=64, kv_heads=8)
    assert arch.vocab is None and how == "given"
    _, arch, how = resolve_architecture(params=70.554e9, layers=80, d_model=8192, heads=64, kv_heads=8, vocab=128256)
    assert arch.vocab == 128256 and "llama-3" in how
    _, arch, how = resolve_architecture(params=68.977e9, layers=80, d_model=8192, heads=64, kv_heads=8, vocab=32000)
    assert "the shape and parameter count of llama-2-70b" in how and catalog_match(68.977e9, arch).id == "llama-2-70b"


def test_active_parameters_given_beside_a_matched_mixtures_shape_are_the_users():
    """Mixtral's shape and count name the catalog's 12.88B active; 12B given instead count 6 × 0.88B fewer model FLOPs
    a token (review: the catalog match had refused them as a catalog model's)."""
    kw = dict(params=46.703e9, layers=32, d_model=4096, heads=32, kv_heads=8, vocab=32000, hardware="h100-sxm",
              devices=64, tokens=1e12, ep=8, tp=1, pp=1, zero=1, micro_batch=1)
    given = plan.plan(active_params=12e9, **kw).rows[0].planned.step
    matched = plan.plan(**kw).rows[0].planned.step
    assert matched.model_flops_per_token - given.model_flops_per_token == pytest.approx(6 * 0.88e9, rel=1e-6)


@pytest.mark.parametrize("mlp", [["gated"], {"gated": 1}, 3])
def test_an_mlp_kind_that_is_no_name_is_refused_not_crashed(mlp):
    with pytest.raises(InputError, match="the MLP must be one of plain, gated"):
        plan.plan(params=7e9, layers=32, d_model=4096, mlp=mlp, hardware="h100-sxm", devices=8, tokens=1e12)
    with pytest.raises(InputError, match="the MLP must be one of plain, gated"):
        api.run(hardware="h100-sxm", params=7e9, tokens=1e12, devices=8, memory={"layers": 32, "d_model": 4096,
                                                                                 "mlp": mlp, "tp": 2})
    with pytest.raises(InputError, match="the MLP must be one of plain, gated"):
        workload_inputs({"layers": 32, "d_model": 4096, "n_ctx": 4096, "vocab": 32000, "tokens": 1e12, "mlp": mlp})
