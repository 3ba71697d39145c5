"""Expert parallelism folded over the tensor-parallel ranks (MoE parallel folding, Megatron-Core's expert tensor
parallelism 1): an expert-parallel degree that divides TP × CP × DP but not CP × DP is a layout people publish
(DeepSeek-V3 at TP 2, PP 16, EP 64 on 1,024 GPUs: DP 32), answered with each expert whole on its device; one that
divides neither is refused, in words that say both."""

from __future__ import annotations

import json

import pytest

from estimator.cli.main import main
from estimator.core.base.errors import InputError
from estimator.core.base.units import BYTES_PER_GB
from estimator.core.training import memory as mem

RUN = ("--hardware", "h100-sxm", "--tokens", "1e12", "--seq-len", "4096", "--zero", "1", "--format", "json")


def estimate(capsys, *argv) -> dict:
    assert main(["estimate", *argv, *RUN]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_experts_tensor_parallel_degree():
    assert mem.expert_tensor_parallel(tp=2, ep=8, dp_cp=8) == 2      # EP within the data-parallel ranks: TP's
    assert mem.expert_tensor_parallel(tp=2, ep=8, dp_cp=4) == 1      # folded over TP: experts whole
    assert mem.expert_tensor_parallel(tp=1, ep=1, dp_cp=3) == 1
    with pytest.raises(InputError, match="must divide the 3 data- and context-parallel ranks .* or with the "
                                         "tensor-parallel ranks the 6"):
        mem.expert_tensor_parallel(tp=2, ep=4, dp_cp=3)


def test_a_folded_layout_is_answered_and_holds_the_experts_as_the_unfolded_one_does(capsys):
    """Mixtral 8x7B on 8 H100s, TP 2: EP 8 folded (each device 1 whole expert) holds the same bytes of expert weights
    and optimizer state as EP 4 within TP (each device half of 2 experts): 1/8 of them either way."""
    folded = estimate(capsys, "--model", "mixtral-8x7b", "--devices", "8", "--tp", "2", "--ep", "8")
    within = estimate(capsys, "--model", "mixtral-8x7b", "--devices", "8", "--tp", "2", "--ep", "4")
    assert folded["step"]["layout"]["ep"] == 8 and within["step"]["layout"]["ep"] == 4
    mf, mw = folded["memory"]["per_device_gb"], within["memory"]["per_device_gb"]
    for part in ("weights", "optimizer"):
        assert mf[part] == pytest.approx(mw[part], rel=1e-9)
    argv = ["estimate", "--model", "mixtral-8x7b", "--devices", "8", "--tp", "2", *RUN[:-2]]
    assert main([*argv, "--ep", "8"]) == 0
    assert "TP 2 × PP 1 × DP 4, EP 8 (over TP × DP, experts whole)" in capsys.readouterr().out
    assert main([*argv, "--ep", "4"]) == 0
    assert "DP 4, EP 4 (within DP), ZeRO-1" in capsys.readouterr().out


def test_deepseek_v3s_published_layout_is_answered_its_experts_whole(capsys):
    """TP 2, PP 16, EP 64 on 1,024 GPUs (DP 32): each device holds 4 whole experts of the 256, as at TP 1 (DP 64), and
    half the rest of its stage: the weights differ by the non-expert half alone."""
    from estimator.services.training.step_setup import resolve_model
    argv = ("--model", "deepseek-v3", "--devices", "1024", "--pp", "16", "--ep", "64", "--precision", "fp8",
            "--micro-batch", "1", "--global-batch-tokens", str(8192 * 4096))
    folded = estimate(capsys, *argv, "--tp", "2")
    plain = estimate(capsys, *argv, "--tp", "1")
    assert (folded["step"]["layout"]["dp"], plain["step"]["layout"]["dp"]) == (32, 64)
    _, _, mshape, _, _ = resolve_model(model="deepseek-v3")
    bytes_per_weight = folded["memory"]["bytes_per_param"][0]   # weights, gradients, optimizer
    non_expert_gb = (mshape.params - mshape.expert_params) / 16 * bytes_per_weight / BYTES_PER_GB
    assert plain["memory"]["per_device_gb"]["weights"] - folded["memory"]["per_device_gb"]["weights"] == pytest.approx(
        non_expert_gb / 2, rel=1e-9)


def test_an_expert_degree_that_divides_neither_is_refused(capsys):
    assert main(["estimate", "--model", "mixtral-8x7b", "--devices", "6", "--tp", "2", "--ep", "4", *RUN]) == 2
    err = capsys.readouterr().err
    assert "must divide the 3 data- and context-parallel ranks" in err and "Traceback" not in err


def test_the_dense_layers_of_a_mixture_hold_no_routed_copies():
    """MoE review 2026-11-30: DeepSeek-V3's first 3 of 61 layers are dense (its config's first_k_dense_replace), at
    the routed layers' width (18,432 = 8 routed + 1 shared expert of 2,048), yet each had been counted with the 8
    routed copies of its input and the 8 expert outputs the combine keeps. Now 58 layers hold them, 3 do not: the
    activations fall by 3/61 of the routed terms' share."""
    from dataclasses import replace

    from estimator.core.training import memory as mem
    from estimator.services.training.step_setup import resolve_model
    _, _, mshape, _, _ = resolve_model(model="deepseek-v3")
    assert mshape.moe_layer_share * mshape.layers == pytest.approx(58)
    st = mem.Strategy(zero=1, pp=16, ep=64)
    kw = dict(dp=128, seq_len=4096, micro_batch=1, precision="bf16")
    mixed = mem.per_device(mshape, st, **kw).activations_gb
    all_moe = mem.per_device(replace(mshape, moe_layer_share=1.0), st, **kw).activations_gb
    layer = dict(seq_len=4096, micro_batch=1, d_model=mshape.d_model, heads=mshape.heads)
    routed = mem.activation_bytes_per_layer(**layer, **mshape.widths)
    dense = mem.activation_bytes_per_layer(**layer, **{**mshape.widths, "mlp_inputs": 1.0})
    assert 1 - mixed / all_moe == pytest.approx(3 / 61 * (1 - dense / routed), rel=1e-9)
    assert 0.015 < 1 - mixed / all_moe < 0.03          # about 2%: 96.6 -> 94.5 GB at its published layout
