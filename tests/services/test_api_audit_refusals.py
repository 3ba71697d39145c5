"""Refusals from the CLI-and-API audit of 2026-11-27 (204 edge cases through both): each refused by the CLI in one
line that names the input at fault, and by the Python API the same way."""

from __future__ import annotations

import pytest

import estimator
from estimator.cli.main import main
from estimator.core.base.errors import InputError

LLAMA_8B = ("--model", "llama-3.1-8b")


def _refused(capsys, argv: list[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err
    return err


@pytest.mark.parametrize("argv, kwargs, said, flags", [
    # a global batch larger than the whole run: "0.001 steps of 1.35 × 10⁹ s" had been printed
    (["estimate", *LLAMA_8B, "--tokens", "1e12", "--devices", "64", "--global-batch-tokens", "1e15"],
     dict(model="llama-3.1-8b", tokens=1e12, devices=64, global_batch_tokens=1e15),
     "the run's 10¹² tokens are fewer than one step's global batch (10¹⁵ tokens)", "(--global-batch-tokens, --tokens)"),
    # one token: 1.5 × 10⁻⁶ s had been printed
    (["estimate", *LLAMA_8B, "--tokens", "1", "--devices", "64", "--seq-len", "2048"],
     dict(model="llama-3.1-8b", tokens=1, devices=64, seq_len=2048),
     "the run's 1 token is fewer than one sequence of 2,048", "(--tokens, --seq-len)"),
    # a step the layout rounds up past the run: timed as 0.6 of a step (code review 2026-11-27)
    (["estimate", *LLAMA_8B, "--tokens", "5e6", "--devices", "4096", "--tp", "1", "--pp", "1", "--seq-len", "2048"],
     dict(model="llama-3.1-8b", tokens=5e6, devices=4096, tp=1, pp=1, seq_len=2048),
     "the layout's smallest step, 8.39 × 10⁶ tokens (4,096 data-parallel replicas × micro-batch 1 × 2,048), is more "
     "than the run's 5 × 10⁶ tokens", "(--devices, --tokens)"),
    # a part of the layout that does not divide the devices, as `plan` says it (code review 2026-11-27)
    (["estimate", *LLAMA_8B, "--tokens", "1e10", "--devices", "6", "--cp", "4"],
     dict(model="llama-3.1-8b", tokens=1e10, devices=6, cp=4),
     "context parallel given = 4 does not divide the 6 devices", "(--cp, --devices)"),
    # the default batch holding less than one sequence: refused without a layout, had been taken with --tp 2
    (["estimate", *LLAMA_8B, "--tokens", "1e12", "--devices", "8", "--seq-len", "1e8", "--tp", "2"],
     dict(model="llama-3.1-8b", tokens=1e12, devices=8, seq_len=1e8, tp=2),
     "holds less than one sequence of 100,000,000", "(--global-batch-tokens, --seq-len)"),
])
def test_estimate_refuses_a_run_that_is_not_one_step(capsys, argv, kwargs, said, flags):
    err = _refused(capsys, argv)
    assert said in err and err.rstrip().endswith(flags)
    with pytest.raises(InputError) as exc:
        estimator.estimate(**kwargs)
    assert said in str(exc.value)


@pytest.mark.parametrize("argv, kwargs, said, flags", [
    (["plan", *LLAMA_8B, "--tokens", "1", "--devices", "64", "--seq-len", "2048"],
     dict(model="llama-3.1-8b", tokens=1, devices=64, seq_len=2048),
     "the run's 1 token is fewer than one sequence of 2,048", "(--tokens, --seq-len)"),
    # the layout's parts against the devices, as `estimate` says it (had been: "give a larger global batch")
    (["plan", *LLAMA_8B, "--tokens", "1e12", "--devices", "8", "--tp", "16"],
     dict(model="llama-3.1-8b", tokens=1e12, devices=8, tp=16),
     "tensor parallel given = 16 does not divide the 8 devices", "(--tp, --devices)"),
    (["plan", *LLAMA_8B, "--tokens", "1e12", "--devices", "64", "--pp", "3"],
     dict(model="llama-3.1-8b", tokens=1e12, devices=64, pp=3),
     "pipeline parallel given = 3 does not divide the 64 devices", "(--pp, --devices)"),
    (["plan", *LLAMA_8B, "--tokens", "1e12", "--devices", "64", "--tp", "8", "--pp", "8", "--cp", "2"],
     dict(model="llama-3.1-8b", tokens=1e12, devices=64, tp=8, pp=8, cp=2),
     "tensor × pipeline × context parallel given = 8 × 8 × 2 = 128 does not divide the 64 devices",
     "(--tp, --pp, --cp, --devices)"),
    # the sequence's own inputs named, not --devices, --tp, --pp
    (["plan", *LLAMA_8B, "--tokens", "1e12", "--devices", "64", "--seq-len", "1e8"],
     dict(model="llama-3.1-8b", tokens=1e12, devices=64, seq_len=1e8),
     "holds less than one sequence of 100,000,000", "(--global-batch-tokens, --seq-len)"),
])
def test_plan_refuses_for_the_cause_and_names_its_inputs(capsys, argv, kwargs, said, flags):
    err = _refused(capsys, argv)
    assert said in err and err.rstrip().endswith(flags) and "micro-batch" not in err
    with pytest.raises(InputError) as exc:
        estimator.plan(**kwargs)
    assert said in str(exc.value)


def test_one_expert_is_no_mixture_of_experts(capsys):
    """It had read "must be at least 1 and fewer than the 1 experts"."""
    err = _refused(capsys, ["plan", "--layers", "8", "--d-model", "1024", "--experts", "1", "--experts-per-token", "1",
                            "--tokens", "1e9", "--devices", "8"])
    assert "a mixture of experts has at least 2 experts per layer, got 1: leave both out for a dense model" in err


def test_a_power_refusal_names_no_source_file(capsys):
    err = _refused(capsys, ["estimate", "--flops", "1e23", "--power-w", "0"])
    assert ".py" not in err and "(--power-w)" in err


@pytest.mark.parametrize("argv, flags", [
    (["inference", *LLAMA_8B, "--tokens", "1e9", "--batch-size", "1e6"], "(--batch-size, --bits, --hardware;"),
    (["inference", "--params", "1e15", "--tokens", "1e9"], "(--batch-size, --bits, --hardware;"),
    (["inference", "--model", "llama-3.1-405b", "--tokens", "1e9", "--devices", "1"], "(--devices)"),
])
def test_a_serving_memory_refusal_names_its_inputs_and_not_the_citation(capsys, argv, flags):
    """These had named no flag, and quoted TensorRT-LLM's kv_cache_free_gpu_mem_fraction (KvCacheConfig) whole."""
    err = _refused(capsys, argv)
    assert flags in err and "KvCacheConfig" not in err and "0.9 of device memory for weights and KV cache)" in err


def test_inference_takes_no_hardware_as_the_default_as_estimate_and_plan_do():
    given_none = estimator.inference(model="llama-3.1-8b", tokens=1e9, hardware=None).result
    default = estimator.inference(model="llama-3.1-8b", tokens=1e9).result
    assert given_none.hardware_id == default.hardware_id == "h100-sxm"
    assert given_none.tokens_per_s == default.tokens_per_s
    report = estimator.inference(model="llama-3.1-8b", tokens=1e9, hardware=None)
    assert "on h100-sxm" in report.training_source and "None" not in report.training_source  # code review 2026-11-27


def test_a_run_under_the_default_batch_is_one_step_of_its_tokens_not_refused(capsys):
    """Code review 2026-11-27: a fine-tune of 10⁶ tokens had been refused for the tool's own default batch of 4.19M;
    it is one step of its tokens, said, as `plan` takes it too, and no larger batch is offered that would be refused."""
    from estimator.services.training import plan as plan_service
    report = plan_service.plan(model="llama-3.1-8b", tokens=1e6, devices=8)
    lay = report.best.planned.layout
    assert report.global_batch_tokens == 1e6 and lay.global_batch * lay.seq_len <= 1e6
    assert any(n.startswith("global batch: the default, 4.19 × 10⁶ tokens, is more than the run's 10⁶: the run's "
                            "tokens are the global batch asked") for n in report.notes)
    est = estimator.run(model="llama-3.1-8b", tokens=1e6, devices=8).estimate
    assert est.wall_clock_s > 0 and any("is more than the run's 10⁶: the run's tokens are the global batch" in n
                                        for n in est.notes)
    short = estimator.run(model="llama-3.1-8b", tokens=8e6, devices=4096).estimate
    assert not any("1.68 × 10⁷" in n for n in short.notes)  # a 16.8M batch is more than this run


def test_no_planned_layout_steps_past_the_run():
    """Code review 2026-11-27: 4.5M tokens on 3,072 devices ranked a layout whose rounded step held 6.29M."""
    from estimator.services.training import plan as plan_service
    report = plan_service.plan(model="llama-3.1-8b", tokens=4.5e6, devices=3072)
    assert all(r.planned.layout.global_batch * r.planned.layout.seq_len <= 4.5e6 for r in report.rows)


@pytest.mark.parametrize("tokens, devices", [(4000, 8), (2_097_151, 8), (3.01e6, 8)])
def test_a_run_whose_rounded_step_would_pass_it_steps_within_it(tokens, devices):
    """Second code review 2026-11-27: rounding the batch to the nearest whole round of micro-batches had passed the
    run's tokens, so 4,000 tokens were refused where 3,000 were taken; it rounds down to stay within the run now."""
    from estimator.services.training import plan as plan_service
    # at the tool's default sequence, 2,048 (Llama 3.1 8B's own, 8,192, is more than 4,000 tokens)
    report = plan_service.plan(model="llama-3.1-8b", tokens=tokens, devices=devices, seq_len=2048)
    lay = report.best.planned.layout
    assert 0 < lay.global_batch * lay.seq_len <= tokens
    est = estimator.run(model="llama-3.1-8b", tokens=tokens, devices=devices, seq_len=2048).estimate
    assert est.step is not None and est.step.layout.global_batch * est.step.layout.seq_len <= tokens
    # the fewest that hold it: 8B's weights and optimiser state need two 80 GB devices (ZeRO-3)
    assert plan_service.plan(model="llama-3.1-8b", tokens=2_097_151, deadline_days=1, seq_len=2048).devices == 2


def test_a_layout_whose_smallest_step_passes_the_run_names_what_to_change(capsys):
    err = _refused(capsys, ["estimate", *LLAMA_8B, "--tokens", "3e6", "--devices", "4096", "--tp", "1", "--pp", "1",
                            "--micro-batch", "1", "--seq-len", "2048"])
    assert "the layout's smallest step, 8.39 × 10⁶ tokens (4,096 data-parallel replicas × micro-batch 1 × 2,048)" in err
    assert "give fewer replicas or more tokens (--devices, --tokens)" in err  # no smaller micro-batch than 1
