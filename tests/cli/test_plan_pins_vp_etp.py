"""`plan --vp` and `plan --etp`: the interleaving and the experts' tensor parallelism, which `estimate` takes, fix
them in the planner too (the 2026-11-30 notes: the planner had no --etp); each layout listed runs them, and is timed
as `estimate` times that layout."""

from __future__ import annotations

import json

import pytest

from estimator import InputError, estimate, plan
from estimator.cli.main import main

MIXTRAL = ["plan", "--model", "mixtral-8x7b", "--hardware", "h100-sxm", "--devices", "64", "--tokens", "1e12"]
LLAMA = ["plan", "--model", "llama-3.1-70b", "--hardware", "h100-sxm", "--devices", "64", "--tokens", "1e12"]


def _layouts(capsys, argv):
    assert main([*argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)["layouts"]


def test_whole_experts_given_lists_only_layouts_in_expert_parallelism_with_whole_experts(capsys):
    rows = _layouts(capsys, [*MIXTRAL, "--etp", "1"])
    assert rows
    for row in rows:
        lay = row["layout"]
        assert lay["ep"] > 1 and lay.get("etp", 1) == 1


def test_split_experts_given_alone_fix_the_run_tp_too(capsys):
    rows = _layouts(capsys, [*MIXTRAL, "--etp", "2"])
    assert rows
    assert {(r["layout"]["tp"], r["layout"]["etp"]) for r in rows} == {(2, 2)}
    assert all(r["layout"]["ep"] > 1 for r in rows)
    # the best is timed as `estimate` times its layout, with the same degree given
    best = rows[0]["layout"]
    est = estimate(model="mixtral-8x7b", hardware="h100-sxm", devices=64, tokens=1e12, tp=best["tp"], pp=best["pp"],
                   cp=best["cp"], ep=best["ep"], zero=best["zero"], micro_batch=best["micro_batch"],
                   activation_recompute=best["recompute"], vp=best["vp"], etp=2)
    assert est.step.step.tokens_per_s_per_device == pytest.approx(rows[0]["tokens_per_s_per_device"], rel=1e-9)


def test_an_interleaving_given_is_every_layout_s_and_said(capsys):
    rows = _layouts(capsys, [*LLAMA, "--vp", "2"])
    assert rows and all(r["layout"]["vp"] == 2 and r["layout"]["pp"] >= 2 for r in rows)
    assert main([*LLAMA, "--vp", "2"]) == 0
    assert "step times at the interleaving given, 2 chunks a stage" in capsys.readouterr().out
    # --vp 1 is no interleaving: every layout's one chunk a stage
    rows = _layouts(capsys, [*LLAMA, "--vp", "1"])
    assert rows and all(r["layout"]["vp"] == 1 for r in rows)


@pytest.mark.parametrize("argv, said, fields", [
    ([*LLAMA, "--etp", "1"], "applies to a mixture of experts in expert parallelism", ("etp", "ep")),
    ([*MIXTRAL, "--ep", "1", "--etp", "1"], "applies to a mixture of experts in expert parallelism", ("etp", "ep")),
    ([*MIXTRAL, "--tp", "4", "--etp", "2"], "is 1 (each expert whole on a device) or the run's tensor parallelism, 4: "
                                            "got 2", ("etp", "tp")),
    ([*LLAMA, "--pp", "1", "--vp", "2"], "it needs two or more pipeline stages (pp)", ("vp", "pp")),
    ([*LLAMA, "--vp", "0"], "vp", ("vp",)),
    ([*MIXTRAL, "--etp", "1.5"], "etp", ("etp",)),
])
def test_what_no_layout_can_run_is_refused_alike_by_the_cli_and_the_api(capsys, argv, said, fields):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and said in err
    kwargs = dict(zip((a[2:].replace("-", "_") for a in argv[1::2]), argv[2::2]))
    for k in ("devices", "tp", "pp", "ep", "vp", "etp"):
        if k in kwargs:
            kwargs[k] = float(kwargs[k]) if "." in kwargs[k] else int(kwargs[k])
    with pytest.raises(InputError) as e:
        plan(**{k: (float(x) if k == "tokens" else x) for k, x in kwargs.items()})
    assert said in str(e.value)
    assert set(fields) <= set(e.value.field if isinstance(e.value.field, tuple) else (e.value.field,))


def test_an_interleaving_no_layout_can_hold_says_so_and_names_it(capsys):
    # 8 devices hold Llama 3.1 70B's layouts without 8 chunks a stage: refused in one line, not a traceback
    assert main(["plan", "--model", "llama-3.1-70b", "--hardware", "h100-sxm", "--devices", "8", "--tokens", "1e12",
                 "--vp", "8"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert "leave the interleaving (vp) to the planner" in err and "--vp" in err


def test_a_fixed_share_of_the_model_that_does_not_fit_is_not_told_to_take_more_devices(capsys):
    """Researcher review 2026-11-30: TP 16 × PP 1 at ZeRO-0 of Llama 3.1 405B (405 GB of states a device) on 144
    GB200s had been told to give more devices, which only add replicas holding the same share."""
    argv = ["plan", "--model", "llama-3.1-405b", "--hardware", "gb200", "--tokens", "1e12", "--tp", "16", "--pp", "1",
            "--zero", "0"]
    for devices in ("144", "1440"):
        assert main([*argv, "--devices", devices]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "more devices do not shrink it" in err and "give more devices" not in err
        assert err.rstrip().endswith("(--zero, --tp, --pp)")
    # with a ZeRO stage left to the planner, more replicas shard the states: the plan is found
    assert main([argv[0], *argv[1:-2], "--devices", "144"]) == 0
    capsys.readouterr()
    # a mixture's experts split further by more devices: the old advice stands where the expert split is free
    assert main(["plan", "--model", "mixtral-8x7b", "--hardware", "h100-sxm", "--devices", "8", "--tokens", "1e12",
                 "--tp", "1", "--pp", "1", "--zero", "0"]) == 2
    assert "more devices do not shrink it" not in capsys.readouterr().err


def test_a_pinned_interleaving_is_held_evenly_as_the_planners_own(capsys):
    """Diff review 2026-11-30: `--vp 4` had listed TP4 PP8×4 (80 layers in 32 chunks, 2.5 a chunk) ranked by its
    average chunk; the busiest of the chunks given holds at most 1.05× the average, as the planner's own."""
    import math
    for row in _layouts(capsys, [*LLAMA, "--vp", "4"]):
        chunks = row["layout"]["pp"] * 4
        assert math.ceil(80 / chunks) * chunks <= 1.05 * 80
    assert main([*LLAMA, "--vp", "4", "--pp", "16"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and ("16 stages of 4 interleaved chunks are 64 chunks of the model's 80 layers, uneven "
                                     "(the busiest holds 2, 1.60× the average 1.25") in err
    assert err.rstrip().endswith("(--vp, --pp)")
