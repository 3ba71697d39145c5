"""`--etp`: the experts' tensor-parallel degree a published layout states (Megatron-Core's --expert-tensor-parallel-size;
NeMo's and Megatron-Bridge's tables give it as ETP), taken as given where the layout can run it, refused in words where
not; without it, of whole and split experts the faster that fits (``step_setup.expert_tp_of``)."""

from __future__ import annotations

import json

import pytest

from estimator import InputError, estimate
from estimator.cli.main import main

RUN = ["estimate", "--model", "qwen3-235b-a22b", "--hardware", "b200", "--devices", "64", "--tp", "2", "--ep", "8",
       "--precision", "fp8", "--tokens", "1e12", "--format", "json"]


def _run(capsys, *extra):
    assert main([*RUN, *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_each_degree_given_is_the_one_timed_and_sized(capsys):
    whole, split, chosen = _run(capsys, "--etp", "1"), _run(capsys, "--etp", "2"), _run(capsys)
    assert (whole["step"]["layout"]["etp"], split["step"]["layout"]["etp"]) == (1, 2)
    assert whole["memory"]["strategy"]["expert_tensor_parallel"] == 1
    assert split["memory"]["strategy"]["expert_tensor_parallel"] == 2
    # whole experts move fewer tokens over TP (no gather) but hold 2× the expert states: faster here, and too big
    assert whole["step"]["tokens_per_s_per_device"] > 1.5 * split["step"]["tokens_per_s_per_device"]
    assert whole["memory"]["per_device_gb"]["total"] > split["memory"]["per_device_gb"]["total"]
    assert not whole["memory"]["fits"]
    # not given: the faster of those that fit, here the split experts, as before
    assert chosen["step"]["tokens_per_s_per_device"] == split["step"]["tokens_per_s_per_device"]
    assert "ETP 1 given" in next(n for n in whole["notes"] if n.startswith("time from the step model"))
    r = estimate(model="qwen3-235b-a22b", hardware="b200", devices=64, tp=2, ep=8, precision="fp8", tokens=1e12, etp=1)
    assert r.step.step.tokens_per_s_per_device == whole["step"]["tokens_per_s_per_device"]


@pytest.mark.parametrize("argv, said", [
    (("--etp", "4"), "the experts' tensor-parallel degree is 1 (each expert whole on a device) or the run's tensor "
                     "parallelism, 2: got 4 (--etp, --tp)"),
    (("--etp", "0"), "etp"),
    (("--etp", "1.5"), "etp"),
])
def test_a_degree_the_layout_cannot_run_is_refused(capsys, argv, said):
    assert main([*RUN, *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and said in err


def test_without_experts_in_parallel_it_is_refused_by_the_cli_and_the_api(capsys):
    for argv in (["estimate", "--model", "llama-3.1-8b", "--devices", "8", "--etp", "1"],
                 ["estimate", "--model", "mixtral-8x7b", "--devices", "64", "--tokens", "1e12", "--ep", "1",
                  "--etp", "1"]):
        assert main(argv) == 2
        assert "applies to a mixture of experts in expert parallelism" in capsys.readouterr().err
    with pytest.raises(InputError, match="applies to a mixture of experts in expert parallelism") as err:
        estimate(model="llama-3.1-8b", devices=64, tokens=1e12, etp=1)
    assert err.value.field == ("etp", "ep")
    # a mixture of experts with etp alone: kept, as ep alone is, the planner choosing the rest in expert parallelism
    # (researcher review 2026-11-30: `--ep 8 --etp 1` had timed the tool's defaults, `--ep 8` alone the planner's)
    lay = estimate(model="mixtral-8x7b", devices=64, tokens=1e12, etp=1).step.step.layout
    assert lay.ep > 1 and (lay.etp == 1 or (lay.etp is None and lay.tp == 1))   # whole experts (TP 1: by the rule)
    assert main(["estimate", "--model", "mixtral-8x7b", "--devices", "64", "--tokens", "1e12", "--etp", "1"]) == 0
    assert "layout (ETP 1 given, the rest the planner’s best)" in capsys.readouterr().out
    both = estimate(model="qwen3-30b-a3b", devices=64, tokens=1e12, ep=8, etp=1).step.step.layout
    alone = estimate(model="qwen3-30b-a3b", devices=64, tokens=1e12, ep=8).step.step.layout
    assert both == alone   # the planner's best, where it took whole experts anyway
    # split experts whose expert-parallel group the data-parallel ranks cannot hold: 16 devices at TP 2 leave 8 of
    # them, which 16 does not divide (whole experts fold the group over TP × DP: taken)
    with pytest.raises(InputError, match=r"take their expert-parallel group from the 8 data- and context-parallel"):
        estimate(model="qwen3-30b-a3b", devices=16, tp=2, ep=16, tokens=1e12, etp=2)
    assert estimate(model="qwen3-30b-a3b", devices=16, tp=2, ep=16, tokens=1e12, etp=1).step.step.layout.etp == 1
    assert estimate(model="qwen3-30b-a3b", devices=32, tp=2, ep=16, tokens=1e12, etp=2).step.step.layout.etp == 2


@pytest.mark.parametrize("argv, why", [
    (("--model", "qwen3-30b-a3b", "--hardware", "h100-sxm", "--devices", "64", "--tokens", "1e12", "--tp", "2", "--ep",
      "8", "--etp", "1", "--precision", "fp32"), "the step model covers bf16, fp16, fp8, fp4, not fp32 (--etp)"),
    (("--preset", "gpt3-175b", "--etp", "1"), "the step model needs the run's tokens (--etp)"),
    (("--preset", "gpt3-175b", "--vp", "2"), "the step model needs the run's tokens (--vp)"),
    (("--model", "qwen3-30b-a3b", "--flops", "1e23", "--tp", "2", "--ep", "8", "--etp", "1"),
     "the step model needs the run's tokens (--etp)"),
    (("--model", "qwen3-30b-a3b", "--hardware", "gh200-144gb", "--devices", "64", "--tokens", "1e12", "--tp", "2",
      "--ep", "8", "--etp", "1"), "the step model needs scale_up_devices"),
])
def test_where_no_step_is_timed_the_layouts_step_inputs_are_refused_not_dropped(capsys, argv, why):
    """Etp review 2026-11-30: where no step is timed the memory sizes the layout without them, so `--etp` (and `--vp`)
    had been taken and ignored."""
    assert main(["estimate", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: the step model's inputs do not apply: ") and why in err and err.count("\n") == 1


def test_etp_above_one_alone_fixes_the_runs_tensor_parallelism_as_plan_does(capsys):
    """Diff review 2026-11-30: `estimate --etp 3` alone (Mixtral's 32 heads) was refused for the batch, and `--etp 16`
    as well, where `plan` refuses 3 for its degree and runs 16 at TP 16: the same here."""
    assert main(["estimate", "--model", "mixtral-8x7b", "--devices", "64", "--tokens", "1e12", "--etp", "3"]) == 2
    assert "the tensor-parallel degree 3 must divide the 32 attention heads" in capsys.readouterr().err
    assert main(["plan", "--model", "mixtral-8x7b", "--devices", "64", "--tokens", "1e12", "--etp", "3"]) == 2
    assert "the tensor-parallel degree 3 must divide the 32 attention heads" in capsys.readouterr().err
    lay = estimate(model="mixtral-8x7b", devices=64, tokens=1e12, etp=16).step.step.layout
    assert lay.tp == 16 and lay.etp in (None, 16) and lay.ep > 1   # None: the rule's, the run's TP


@pytest.mark.parametrize("command", ["estimate", "plan"])
def test_a_tensor_parallel_degree_set_by_etp_alone_is_refused_as_etp(capsys, command):
    """Researcher review 2026-11-30: `--ep 8 --etp 3` (DeepSeek-V3's 128 heads) was refused naming `--tp`, not given."""
    argv = [command, "--model", "deepseek-v3", "--devices", "64", "--tokens", "1e12", "--ep", "8"]
    assert main([*argv, "--etp", "3"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: the tensor-parallel degree 3 must divide the 128 attention heads (experts split over "
                          "tensor parallelism at degree 3 set the run's tensor parallelism to it)")
    assert err.rstrip().endswith("(--etp)") and "--tp" not in err
    with pytest.raises(InputError) as refused:
        estimate(model="deepseek-v3", devices=64, tokens=1e12, ep=8, etp=3)
    assert refused.value.fields == ("etp",)
    assert main([*argv, "--tp", "3"]) == 2   # the degree given as --tp: named as it
    assert capsys.readouterr().err.rstrip().endswith("(--tp)")
