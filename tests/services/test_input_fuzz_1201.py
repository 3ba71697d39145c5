"""An input fuzz (2026-12-01): inputs that contradict each other whatever times the run are refused on every device,
as where the step model times it, by the CLI and the Python API alike."""

from __future__ import annotations

import pytest

from estimator import InputError, estimate
from estimator.cli import main

DEVICES = ("h100-sxm", "v100-sxm2", "tpu-v3", "gtx-580")  # the step model times the first only


@pytest.mark.parametrize("hardware", DEVICES)
def test_a_run_shorter_than_one_sequence_is_refused_on_every_device(hardware, capsys):
    with pytest.raises(InputError, match="the run's 1 token is fewer than one sequence of 4,096"):
        estimate(model="llama-2-7b", tokens=1, hardware=hardware)
    assert main(["estimate", "--model", "llama-2-7b", "--tokens", "1", "--hardware", hardware]) == 2
    assert capsys.readouterr().err.startswith("error: the run's 1 token is fewer than one sequence of 4,096")


@pytest.mark.parametrize("hardware", DEVICES)
def test_a_sequence_longer_than_the_models_batch_is_refused_on_every_device(hardware):
    with pytest.raises(InputError, match="Llama 2 7B's pretraining global batch, .* holds less than one sequence"):
        estimate(model="llama-2-7b", tokens=2e12, hardware=hardware, seq_len=100_000_000)


def test_compare_refuses_what_every_device_refuses(capsys):
    assert main(["compare", "--model", "llama-2-7b", "--tokens", "1", "--hardware", "h100-sxm", "v100-sxm2"]) == 2


def test_a_known_runs_time_and_a_run_of_a_sequence_or_more_still_answer():
    assert estimate(model="llama-2-7b", tokens=4096, hardware="v100-sxm2").wall_clock_s > 0
    assert estimate(model="llama-2-7b", tokens=2e12, hardware="v100-sxm2", seq_len=2048).wall_clock_s > 0


@pytest.mark.parametrize("hardware", ("h100-sxm", "v100-sxm2", "brain"))
def test_flops_fewer_than_one_tokens_training_of_the_model_given_are_refused(hardware):
    """`--flops 1 --model llama-2-7b` read 1.5 × 10⁻¹⁴ s; `inference --train-flops 1` is refused in these words."""
    with pytest.raises(InputError, match=r"the FLOPs, 1, are fewer than one token's training of the model \(6·N = 4.04"):
        estimate(flops=1, model="llama-2-7b", hardware=hardware)
    with pytest.raises(InputError, match=r"6·N = 7.73 × 10¹⁰"):  # a mixture of experts: its active parameters'
        estimate(flops=1e10, model="mixtral-8x7b", hardware=hardware)
    assert estimate(flops=1e23, model="llama-2-7b", hardware=hardware).flops == 1e23


@pytest.mark.parametrize("hardware", ("h100-sxm", "brain", "alphago-2016"))
def test_active_parameters_beside_the_flops_alone_are_refused_on_every_device(hardware, capsys):
    """`--flops 1e23 --active-params 1e9 --hardware brain` was taken and ignored; refused on an H100. The keyword and
    Scenario forms of the API now agree."""
    from estimator import Scenario
    with pytest.raises(InputError, match="the step model's inputs need the model and the run's tokens"):
        estimate(flops=1e23, active_params=1e9, hardware=hardware)
    with pytest.raises(InputError):
        estimate(Scenario(flops=1e23, active_params=1e9), hardware)
    assert main(["estimate", "--flops", "1e23", "--active-params", "1e9", "--hardware", hardware]) == 2


def test_a_scenarios_grid_country_is_a_code_the_grid_data_knows():
    """`Scenario(grid_country='nope')` was taken (its water the U.S. average's), where `--country nope` is refused."""
    from estimator import Scenario
    with pytest.raises(InputError, match="unknown country 'nope'"):
        estimate(Scenario(flops=1e23, grid_country="nope"), "h100-sxm")
    with pytest.raises(InputError, match="give 'FRA', not 'France'"):
        estimate(Scenario(flops=1e23, grid_country="France"), "h100-sxm")
    assert estimate(Scenario(flops=1e23, grid_country="FRA"), "h100-sxm").water_l > 0


@pytest.mark.parametrize("given", [{"mlp_matrices": 10**300}, {"mlp_matrices": 1}, {"d_ff": 10**400}, {"d_ff": 10**8},
                                   {"experts": 10**400, "experts_per_token": 2}, {"heads": 10**300, "head_dim": 1}])
def test_a_transformer_shape_is_held_to_the_bounds_the_command_line_holds_it_to(given):
    """transformer_count returned infinite parameters for mlp_matrices=10**300 and raised a bare OverflowError for
    d_ff=10**400; d_ff=10**8 was taken where `--ffn 100000000` is refused."""
    from estimator import TransformerShape, transformer_count
    with pytest.raises(InputError):
        transformer_count(TransformerShape(n_layer=32, d_model=4096, n_ctx=4096, vocab_size=32000, **given))


def test_a_gated_transformer_shape_still_counts():
    from estimator import TransformerShape, transformer_count
    c = transformer_count(TransformerShape(n_layer=32, d_model=4096, n_ctx=4096, vocab_size=32000, heads=32, kv_heads=8,
                                           d_ff=14336, mlp_matrices=3))
    # 32 × (Q, O: 2·4096², K, V at 8 of 32 heads: 2·4096²·0.25; SwiGLU 3·4096·14,336)
    assert c.params_non_embedding == 32 * (2 * 4096**2 * 1.25 + 3 * 4096 * 14336)


@pytest.mark.parametrize("argv", [
    ["estimate", "--flops", "1e23", "--price-usd-per-hour", "2", "--price-usd-per-hour", "3"],
    ["estimate", "--flops=1e23", "--flops", "2e23"],
    ["inference", "--model", "llama-2-7b", "--model", "llama-2-70b"],
    ["plan", "--model", "llama-3.1-8b", "--tokens", "1e12", "--devices", "8", "--devices", "16"],
    ["estimate", "--flops", "1e23", "--country", "FRA", "--country", "DEU"],
])
def test_an_option_of_one_value_given_twice_is_refused_not_read_as_its_last(argv, capsys):
    """`--price-usd-per-hour 2 --price-usd-per-hour 3` had priced at 3, silently."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "given twice: give it once" in err


def test_options_that_add_and_flags_may_repeat(capsys):
    assert main(["compare", "--flops", "1e23", "--hardware", "h100-sxm", "--hardware", "b200", "--format", "json"]) == 0
    assert main(["estimate", "--flops", "1e23", "--no-embodied", "--no-embodied"]) == 0


def test_a_power_given_is_held_to_the_peak_per_watt_a_profile_is(capsys):
    """2 W a B200 (4.5 × 10¹⁵ FLOP/J at its fp4 peak) was taken, 67.5 kWh for 10²³ FLOPs, where a profile stating it
    fails `profiles validate`; in training and serving alike."""
    with pytest.raises(InputError, match=r"power per device 2 W for NVIDIA B200 .* above 10¹⁴"):
        estimate(flops=1e23, hardware="b200", power_w=2)
    assert main(["inference", "--model", "llama-3.1-70b", "--hardware", "b200", "--power-w", "2"]) == 2
    assert "above 10¹⁴" in capsys.readouterr().err
    assert estimate(flops=1e23, hardware="b200", power_w=600).energy_kwh > 0


def test_a_predicted_loss_worse_than_a_uniform_guess_is_not_given_as_a_figure(capsys):
    """`scaling chinchilla --flops 1e12 --tokens-per-param 100000` printed "predicted loss 39.473" beside a note that a
    loss above ln 32,000 means nothing; it now says so in its row, and the JSON gives null."""
    import json
    argv = ["scaling", "chinchilla", "--flops", "1e12", "--tokens-per-param", "100000"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "predicted loss        n/a: above ln 32,000 ≈ 10.4, worse than a uniform guess" in out and "39.4" not in out
    assert main([*argv, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["loss_opt"] is None
    assert main(["scaling", "chinchilla", "--flops", "1e23", "--format", "json"]) == 0
    assert 1.9 < json.loads(capsys.readouterr().out)["loss_opt"] < 2.1  # inside the law's reach: a figure


@pytest.mark.parametrize("current, target", [("1e-299", "1e-300"), ("1e308", "1e307")])
def test_diminishing_returns_errors_are_held_to_their_bound(current, target, capsys):
    """`scaling diminishing --current-error 1e-299 --target-error 1e-300` was answered (10⁻²⁹⁹ → 10⁻³⁰⁰), and 10³⁰⁸%
    too: an error rate is more than 0 (at least 10⁻⁹, as every input from 0) and at most 100%."""
    assert main(["scaling", "diminishing", "--current-error", current, "--target-error", target]) == 2
    assert "(--current-error)" in capsys.readouterr().err


def test_a_zero_dimensional_array_is_one_value_or_refused_never_a_type_error():
    """`compare(np.array(8.0), …)` and `track(report_at=np.array(8.0))` raised a bare TypeError."""
    import numpy as np

    import estimator
    with pytest.raises(InputError, match="hardware must be a list of profile ids"):
        estimator.compare(np.array(8.0), flops=1e23)
    import io
    stream = io.StringIO()
    with estimator.track(total_steps=10, report_at=np.array(8.0), flops_per_step=1e9, hardware="cpu-server-2s-epyc",
                         backend="none", stream=stream) as run:  # taken as report_at=8
        for _ in range(10):
            run.step()
    reports = [line for line in stream.getvalue().splitlines() if "estimator.monitor.track: step " in line]
    assert len(reports) == 1 and "step 8 of 10" in reports[0]
    with pytest.raises(InputError, match="report_at must be a step number"):
        estimator.track(total_steps=10, report_at=np.array("a"), flops_per_step=1e9, hardware="cpu-server-2s-epyc",
                        backend="none")


@pytest.mark.parametrize("recompute", ["False", "no", float("nan"), [1]])
def test_dense_training_flops_takes_a_bool_for_recompute(recompute):
    """`dense_training_flops(7e9, 1e12, recompute='False')` counted 8·N·D: any truthy value was recomputation."""
    from estimator import dense_training_flops
    with pytest.raises(InputError, match="recompute must be True or False"):
        dense_training_flops(7e9, 1e12, recompute=recompute)
    assert dense_training_flops(7e9, 1e12, recompute=False) == 6 * 7e9 * 1e12
