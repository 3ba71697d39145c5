"""A parameter count with a shape beside it (`--params 7e9 --layers 32 --d-model 4096`): `plan` took it, `estimate`
refused it ("give either the parameters or an architecture"), so a plan's own inputs could not be estimated. Now both
take the shape as the step model's and the memory's, the FLOPs 6·N·D; an architecture's context beside the parameters
(its FLOPs counted a second way) is refused by the command line and the Python API alike. A shape without a layout is
timed on the planner's best layout, as a catalog model is."""

from __future__ import annotations

import json

import pytest

from estimator import estimate
from estimator.cli import main
from estimator.core.base.errors import InputError

SHAPE = ("--params", "7e9", "--layers", "32", "--d-model", "4096", "--tokens", "1e12", "--devices", "64")


def _json(capsys, *args: str) -> dict:
    assert main([*args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_estimate_of_a_size_with_its_shape_is_the_plans_best(capsys):
    best = _json(capsys, "plan", *SHAPE)["layouts"][0]
    est = _json(capsys, "estimate", *SHAPE)
    assert est["flops"] == pytest.approx(6 * 7e9 * 1e12)  # 6·N·D of the count given, not the shape's own count
    assert est["step"]["layout_chosen_by"] == "planner" and est["step"]["layout"] == best["layout"]
    assert est["wall_clock_s"] == pytest.approx(best["wall_clock_s"], rel=1e-9)
    # the layout the plan lists, given to estimate, is the same run
    lay = best["layout"]
    given = _json(capsys, "estimate", *SHAPE, "--tp", str(lay["tp"]), "--pp", str(lay["pp"]), "--zero",
                  str(lay["zero"]), "--micro-batch", str(lay["micro_batch"]))
    assert given["wall_clock_s"] == pytest.approx(best["wall_clock_s"], rel=1e-9)


def test_the_size_alone_keeps_the_fitted_utilisation(capsys):
    alone = _json(capsys, "estimate", "--params", "7e9", "--tokens", "1e12", "--devices", "64")
    shaped = _json(capsys, "estimate", *SHAPE)
    assert alone.get("step") is None and shaped["step"] is not None
    assert alone["wall_clock_s"] > 2 * shaped["wall_clock_s"]  # 43.2 days fitted against 16.2 planned


def test_an_architecture_without_a_layout_is_timed_on_the_planners_best(capsys):
    arch = _json(capsys, "estimate", "--layers", "32", "--d-model", "4096", "--context", "2048", "--vocab", "32000",
                 "--tokens", "1e12", "--devices", "64")
    assert arch["step"]["layout_chosen_by"] == "planner"
    assert any("the planner's best on 64 devices is assumed" in n for n in arch["notes"])


def test_a_context_beside_the_parameters_is_refused_alike(capsys):
    assert main(["estimate", *SHAPE, "--context", "2048"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: give either the parameters with a shape")
    assert "--params" in err[0] and "--context" in err[0]
    with pytest.raises(InputError) as exc:
        estimate(params=7e9, layers=32, d_model=4096, n_ctx=2048, tokens=1e12, devices=64)
    assert exc.value.fields == ("params", "n_ctx") and "--" not in str(exc.value)


def test_a_width_without_layers_beside_the_parameters_is_refused_for_what_it_lacks(capsys):
    """Diff review 2026-11-29: `--params 7e9 --d-model 4096` was told it missed the layers, the context and the
    vocabulary, and giving the context was then refused; `plan` names the layers alone. Both now say the same."""
    errs = []
    for cmd in ("estimate", "plan"):
        assert main([cmd, "--params", "7e9", "--d-model", "4096", "--tokens", "1e12", "--devices", "8"]) == 2
        errs.append(capsys.readouterr().err)
    assert errs[0] == errs[1] and errs[0].startswith("error: d_model given without the layers")
