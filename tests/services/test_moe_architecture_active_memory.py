"""A mixture of experts given by its architecture and its active parameters is sized at the active count given, as
its FLOPs and its step are (researcher review 2026-11-30: DeepSeek-V3's shape with --active-params 37e9 read 103 GB on
the memory line, at the 34.9B the shape alone implies, and 106 GB in the step's note, at 37B)."""

from __future__ import annotations

import json

from estimator.cli import main

SHAPE = ("--params", "671e9", "--active-params", "37e9", "--experts", "256", "--experts-per-token", "8", "--layers",
         "61", "--d-model", "7168", "--heads", "128", "--vocab", "129280", "--mlp", "gated", "--tokens", "14.8e12",
         "--devices", "2048", "--hardware", "h800", "--precision", "fp8", "--zero", "1", "--seq-len", "4096")


def test_the_memory_line_and_the_steps_memory_agree_at_the_active_parameters_given(capsys):
    assert main(["estimate", *SHAPE, "--pp", "16", "--ep", "64", "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert round(d["memory"]["per_device_gb"]["total"], 6) == round(d["step"]["memory_per_device_gb"], 6)
    assert "3.7 × 10¹⁰ active parameters (given)" in d["memory"]["model"]["source"]


def test_without_the_active_parameters_the_shape_implies_them_and_says_so(capsys):
    shape = [x for x in SHAPE if x not in ("--active-params", "37e9")]
    assert main(["estimate", *shape, "--pp", "16", "--ep", "64", "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert "so 3.49 × 10¹⁰ active parameters (the shared weights and 8/256 of the experts')" in d["memory"]["model"]["source"]
    assert round(d["memory"]["per_device_gb"]["total"], 6) == round(d["step"]["memory_per_device_gb"], 6)


def test_active_parameters_fewer_than_the_shape_makes_a_token_use_are_refused(capsys):
    """Diff review 2026-11-30: 5 × 10⁹ active for DeepSeek-V3's shape read "weights -0.718 GB" on the memory line."""
    shape = [x for x in SHAPE if x not in ("--active-params", "37e9")]
    assert main(["estimate", *shape, "--pp", "16", "--ep", "64", "--active-params", "5e9"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: the active parameters 5 × 10⁹ are fewer than 8/256 of the 6.71 × 10¹¹ parameters, "
                          "2.1 × 10¹⁰") and err.count("\n") == 1
    from estimator import estimate
    from estimator.core.base.errors import InputError
    kw = dict(params=671e9, experts=256, experts_per_token=8, layers=61, d_model=7168, heads=128, vocab=129280,
              mlp="gated", tokens=14.8e12, devices=2048, hardware="h800")
    try:
        estimate(**kw, active_params=5e9)
    except InputError as e:
        assert "fewer than 8/256 of the 6.71 × 10¹¹ parameters" in str(e)
    else:
        raise AssertionError("the API answered what the CLI refuses")
