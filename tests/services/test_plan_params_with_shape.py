"""`plan` given a parameter count and a shape (researcher review 2026-11-29): the MLP width the count leaves is said,
and a count the shape's attention alone passes is refused, as `inference` refuses it (it had planned an MLP one unit
wide)."""

from __future__ import annotations

import json

import pytest

from estimator import plan
from estimator.cli import main
from estimator.core.base.errors import InputError

SHAPE = ("--layers", "32", "--d-model", "4096", "--tokens", "1e12", "--devices", "64")


def test_the_mlp_width_a_count_leaves_is_said(capsys):
    assert main(["plan", "--params", "7e10", *SHAPE, "--format", "json"]) == 0
    shape = json.loads(capsys.readouterr().out)["shape"]
    # 7e10 − 32 layers × 4 × 4,096² of attention = 6.785e10 over 32 × 2 × 4,096 (a plain MLP's two matrices)
    width = round((7e10 - 32 * 4 * 4096**2) / (32 * 2 * 4096))
    assert f"MLP width {width:,} ({width / 4096:.3g} × d_model, 2 matrices): what the 7 × 10¹⁰ parameters given leave" \
        in shape
    assert main(["plan", "--model", "llama-3.1-8b", "--tokens", "1e12", "--devices", "64", "--format", "json"]) == 0
    assert "MLP width" not in json.loads(capsys.readouterr().out)["shape"]  # a catalog model's own width


def test_a_count_the_attention_alone_passes_is_refused_as_inference_refuses_it(capsys):
    said = "the model's 10⁹ parameters cannot fill 32 layers of width 4096: their attention projections alone hold"
    for argv in (["plan", "--params", "1e9", *SHAPE], ["inference", "--params", "1e9", *SHAPE[:4], "--tokens", "1e9"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"error: {said}") and err.count("\n") == 1, err
    with pytest.raises(InputError, match="cannot fill 32 layers"):
        plan(params=1e9, layers=32, d_model=4096, tokens=1e12, devices=64)


def _memory(capsys, *shape):
    assert main(["estimate", *shape, "--tokens", "1e12", "--devices", "64", "--tp", "4", "--zero", "2",
                 "--micro-batch", "8", "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)["memory"]


@pytest.mark.parametrize("params, layers, d_model", [("7e10", "32", "4096"), ("3e10", "48", "6144")])
def test_a_count_without_a_vocabulary_sizes_the_activations_at_the_width_it_leaves(capsys, params, layers, d_model):
    # researcher review 2026-12-02: 70B on 32 × 4096 had its activations at 16,384 wide (68.6 GB, "fits") where the
    # step model and the plan took the width the count leaves; the explicit shape of the same count reads 196 GB
    d = int(d_model)
    width = round((float(params) - int(layers) * 4 * d**2) / (int(layers) * 2 * d))
    counted = _memory(capsys, "--params", params, "--layers", layers, "--d-model", d_model)
    assert counted["model"]["activation_widths"]["mlp"] == pytest.approx(width, abs=1)
    # the same count with that width given: the same activations
    explicit = _memory(capsys, "--params", params, "--layers", layers, "--d-model", d_model, "--ffn", str(width))
    for part in ("activations", "total"):
        assert counted["per_device_gb"][part] == pytest.approx(explicit["per_device_gb"][part], rel=1e-6)
    assert counted["fits"] is (params != "7e10")  # 196 GB for 70B; 73.7 of 85.5 GB for 30B


def test_a_count_that_leaves_a_vocabularys_embeddings_keeps_gpts_width():
    # BERT-base's preset (110M on 12 × 768, no vocabulary given): its 4 × 768 = 3,072 (Devlin et al. 2019; 0 is GPT's
    # width in the memory's shape); the count less those layers leaves 25M, an embedding table of BERT's 30,522 tokens
    from estimator.services.model_shape import memory_shape, resolve_architecture
    n, arch, how = resolve_architecture(params=110e6, layers=12, d_model=768, heads=12)
    assert memory_shape(n, arch, how).ffn == 0
    # the bound: 8.5e9 on 32 × 4096 leaves 2.06e9 beside 4 × d_model's layers (32 × 12 × 4096²), under 2 × 256,000 ×
    # 4,096 = 2.10e9: GPT's width; 8.6e9 leaves 2.16e9, past it: the width the count leaves
    for params, ffn in ((8.5e9, 0), (8.6e9, round((8.6e9 - 32 * 4 * 4096**2) / (32 * 2 * 4096)))):
        n, arch, how = resolve_architecture(params=params, layers=32, d_model=4096)
        assert memory_shape(n, arch, how).ffn == ffn
