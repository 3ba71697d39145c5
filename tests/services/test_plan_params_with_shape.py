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
