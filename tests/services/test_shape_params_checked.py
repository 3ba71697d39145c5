"""A parameter count given beside a shape is checked as `estimate` checks it, before the shape's arithmetic (API review
2026-11-30: `plan --params nan` with a shape ended in a traceback; `params='7e9'` was taken by plan and inference where
estimate refuses it; 7 × 10⁹ parameters on one layer of width 1 planned with an MLP 3.5 × 10⁹ wide)."""

from __future__ import annotations

import math

import pytest

from estimator import InputError, estimate, inference, plan
from estimator.cli.main import main

SHAPE = dict(layers=32, d_model=4096, heads=32)
CALLS = {"estimate": (estimate, dict(tokens=1e12)), "plan": (plan, dict(tokens=1e12, devices=8)),
         "inference": (inference, {})}


@pytest.mark.parametrize("call", list(CALLS))
@pytest.mark.parametrize("params", [math.nan, math.inf, 10**400, "abc", "7e9", [1], 0.5])
def test_the_api_refuses_a_count_it_cannot_take_in_the_same_words(call, params):
    f, extra = CALLS[call]
    with pytest.raises(InputError, match="^parameters must be") as refused:
        f(params=params, **SHAPE, **extra)
    assert refused.value.fields == ("params",)


@pytest.mark.parametrize("command", ["plan", "inference"])
@pytest.mark.parametrize("params", ["nan", "inf", "1e400"])
def test_the_cli_refuses_a_non_finite_count_with_a_shape_in_one_line(capsys, command, params):
    argv = [command, "--params", params, "--layers", "32", "--d-model", "4096", "--heads", "32", "--tokens", "1e12"]
    assert main(argv + (["--devices", "8"] if command == "plan" else [])) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: parameters must be a finite number") and err.count("\n") == 1
    assert err.rstrip().endswith("(--params)")


def test_a_count_the_shape_cannot_hold_is_refused_for_its_mlp_width(capsys):
    assert main(["plan", "--params", "7e9", "--layers", "1", "--d-model", "1", "--heads", "1", "--tokens", "1e12",
                 "--devices", "8"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: 7 × 10⁹ parameters on 1 layer of width 1 leave an MLP 3.5 × 10⁹ wide, past the 10⁷ "
                          "an MLP width is held to")
    assert plan(params=7e9, **SHAPE, tokens=1e12, devices=8).best is not None  # a shape that holds it plans


def test_inference_refuses_a_count_the_shape_cannot_hold_as_plan_does(capsys):
    """Diff review 2026-11-30: `plan` refused 7 × 10⁹ parameters on one layer of width 1; `inference` served them."""
    assert main(["inference", "--params", "7e9", "--layers", "1", "--d-model", "1", "--heads", "1"]) == 2
    assert capsys.readouterr().err.startswith("error: 7 × 10⁹ parameters on 1 layer of width 1 leave an MLP 3.5 × 10⁹ "
                                              "wide")
    assert inference(params=7e9, **SHAPE).result.tokens_per_s > 0  # a shape that holds it serves
