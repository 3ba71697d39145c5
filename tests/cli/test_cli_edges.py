"""Edges a hostile or careless user reaches: tiny non-zero prices, huge memory, large serving
energies, a trend before the hardware existed, two profile files of one id, help that says the
bounds the code holds."""

from __future__ import annotations

import json

import pytest

from estimator.cli.main import main
from estimator.core.base import bounds as B
from estimator.core.base.number_text import gfmt
from estimator.core.training.memory import gb
from estimator.report import humanize as hz


def _run(capsys, *argv) -> tuple[int, str, str]:
    rc = main(list(argv))
    out = capsys.readouterr()
    return rc, out.out, out.err


@pytest.mark.parametrize("argv", [
    ("scaling", "chinchilla", "--budget-usd", "1", "--hardware", "h100-sxm", "--price-usd-per-hour", "1e-310"),
    ("scaling", "chinchilla", "--budget-usd", "1", "--hardware", "h100-sxm", "--electricity-usd-per-kwh", "1e-320"),
    ("scaling", "chinchilla", "--budget-tco2e", "1", "--hardware", "h100-sxm", "--carbon-intensity", "1e-320"),
    ("scaling", "trend", "--hardware", "h100-sxm", "--price-usd-per-hour", "1e-320"),
    ("inference", "--params", "7e9", "--tokens", "1e9", "--carbon-intensity", "1e-320"),
])
def test_an_underflowing_price_or_intensity_is_refused_in_one_line(capsys, argv):
    rc, out, err = _run(capsys, *argv)
    assert rc == 2 and len(err.strip().splitlines()) == 1 and err.startswith("error: ")
    assert f"must be 0 or at least {gfmt(B.SMALLEST_NONZERO)}" in err and "10⁻⁹" in err and "Traceback" not in err


def test_an_underflowing_value_where_0_is_refused_too_is_refused_in_one_line(capsys):
    """API review 2026-11-30: an acceptance of 5e-324 (its bound open at 0) was taken."""
    rc, out, err = _run(capsys, "inference", "--model", "llama-3.1-8b", "--draft-tokens", "1", "--acceptance", "5e-324")
    assert rc == 2 and err.startswith(f"error: acceptance must be at least {gfmt(B.SMALLEST_NONZERO)} (a smaller value "
                                      "is an underflow") and err.count("\n") == 1


@pytest.mark.parametrize("argv", [
    ("estimate", "--flops", "1e22", "--carbon-intensity", "-0", "--price-usd-per-hour", "-0", "--format", "csv"),
    ("estimate", "--flops", "1e22", "--carbon-intensity", "-0", "--price-usd-per-hour", "-0", "--format", "json"),
    ("estimate", "--flops", "1e22", "--electricity-usd-per-kwh", "-0", "--wue", "-0", "--ewif", "-0", "--format", "json"),
    ("estimate", "--flops", "1e22", "--carbon-intensity", "-0"),
    ("inference", "--model", "llama-2-7b", "--tokens", "1e6", "--sparsity", "-0", "--format", "json"),
    ("compare", "--flops", "1e22", "--carbon-intensity", "-0", "--format", "csv"),
    ("scaling", "chinchilla", "--flops", "1e22", "--format", "json"),
])
def test_a_zero_is_never_printed_with_a_minus_sign(capsys, argv):
    """'-0' is 0: no result reads -0.0 (CSV, JSON) or -0 (table)."""
    rc, out, err = _run(capsys, *argv)
    assert rc == 0, err
    assert "-0.0" not in out and " -0 " not in out and ",-0," not in out


def test_zero_and_ordinary_small_prices_still_work(capsys):
    """A zero grid intensity and a tenth of a cent an hour are answered, with their numbers: no operational CO₂e, and
    the cost the device-hours at that price (code audit: the test asked only that "CO₂e" was printed)."""
    rc, out, _ = _run(capsys, "estimate", "--flops", "1e20", "--carbon-intensity", "0", "--price-usd-per-hour", "0.001",
                      "--format", "json")
    assert rc == 0
    d = json.loads(out)
    assert d["co2e_kg"] == 0 and d["range"]["co2e_kg"] == [0, 0] and d["energy_kwh"] > 0
    assert d["cost_usd"] == pytest.approx(d["device_hours"] * 0.001)
    assert d["range"]["cost_usd"] == pytest.approx([h * 0.001 for h in d["range"]["device_hours"]])


@pytest.mark.parametrize("gigabytes, text", [(5.12e16, "5.12 × 10¹⁶"), (2e-9, "2 × 10⁻⁹"), (113.4, "113"),
                                             (0.537, "0.537"), (1234.4, "1,234"), (12345.0, "1.23 × 10⁴")])
def test_memory_figures_never_print_twenty_digits_or_e_notation(gigabytes, text):
    assert gb(gigabytes) == text


def test_the_memory_line_of_an_absurd_setup_is_readable(capsys):
    # a global batch that holds the micro-batch: without one the step model refuses the setup (no replica fed)
    rc, out, _ = _run(capsys, "estimate", "--params", "7e9", "--tokens", "1e15", "--micro-batch", "1000000",
                      "--seq-len", "100000000", "--global-batch-tokens", "1e14")
    line = next(x for x in out.splitlines() if x.startswith("Memory"))
    # FlashAttention's activations (no a·s×s scores) of Mistral 7B's shape (the catalog's nearest; 8 KV heads of 128,
    # its SwiGLU 13,722 wide from the 7e9 count): 32 layers × (14 × 4096 + 4 × 1024 + 6 × 13,722) × 10⁸ × 10⁶ bytes =
    # 4.60 × 10¹¹ GB, and the final LayerNorm's and output layer's inputs and fp32 logits, 10⁸ × 10⁶ × (4 × 4096 +
    # 4 × 32,000) bytes = 1.44 × 10¹⁰ GB: 4.75 × 10¹¹
    assert rc == 0 and "4.75 × 10¹¹ GB per device" in line and "51,200" not in line and "e+" not in line


def test_device_hours_read_to_three_significant_figures(capsys):
    assert hz.device_hours(699_993) == "700,000 device-hours" and hz.device_hours(835_584) == "836,000 device-hours"
    rc, out, _ = _run(capsys, "estimate", "--hours", "99999", "--devices", "7")
    assert rc == 0 and "700,000 device-hours" in out


def test_serving_energy_and_time_move_to_larger_units(capsys):
    rc, out, _ = _run(capsys, "inference", "--params", "7e9", "--tokens", "1e9", "--power-w", "2e4", "--utilization",
                      "1e-6")  # 20 kW, the most a GPU may draw (core/hardware/plausibility.py), at a millionth of peak
    energy = next(x for x in out.splitlines() if x.startswith("energy per output token"))
    # on h100-sxm (the default since issue 54; a100-sxm-80gb's 312 TFLOP/s gave 1.31 MJ): a token's 1.4 × 10¹⁰ FLOPs
    # at 989 MFLOP/s (10⁻⁶ of the bf16 peak) plus its share of the prompts' prefill (161 ÷ 338 of it) ≈ 20.8 s a
    # step, × 20 kW ≈ 414 kJ at batch 1
    assert rc == 0 and " kJ (" in energy and energy.split()[4] == "414" and "414,000" not in energy
    assert hz.joules(0.42) == "420 mJ" and hz.joules(5.29) == "5.29 J"
    rc, out, _ = _run(capsys, "inference", "--params", "7e9", "--tokens", "1e9", "--utilization", "1e-6")
    tpot = next(x for x in out.splitlines() if x.startswith("time per output token"))
    assert rc == 0 and " ms" not in tpot.split(":")[0] and ("s (" in tpot or "min (" in tpot)


def test_a_whole_systems_power_reads_in_megawatts(capsys):
    rc, out, _ = _run(capsys, "estimate", "--preset", "alphago-vs-brain", "--format", "latex")
    assert rc == 0 and "an average of 1.00~MW per device" in out
    rc, out, _ = _run(capsys, "estimate", "--preset", "alphago-vs-brain")
    assert "power_w = 1.00 MW per device" in out


def test_a_trend_cannot_start_before_its_hardware_existed(capsys):
    rc, _, err = _run(capsys, "scaling", "trend", "--start-year", "1940")
    assert rc == 2 and "before NVIDIA V100 SXM2 32GB was released (2017)" in err and "(--start-year)" in err
    assert "leave the start year out" in err


def test_two_profile_files_of_one_id_are_not_both_ok(capsys, tmp_path):
    from estimator.io.paths import PROFILES_DIR
    first, clash = tmp_path / "first.toml", tmp_path / "clash.toml"
    text = (PROFILES_DIR / "a100-sxm-80gb.toml").read_text()
    first.write_text(text.replace('id = "a100-sxm-80gb"', 'id = "my-gpu"', 1))
    clash.write_text(text.replace('id = "a100-sxm-80gb"', 'id = "my-gpu"', 1))
    rc, out, err = _run(capsys, "profiles", "validate", str(first), str(clash))
    assert rc == 2 and out.startswith(f"ok: {first}") and "id 'my-gpu' is also the id of" in out
    # a bundled profile's id in another file is set aside as loading does (tests/cli/test_cli.py)
    bundled = tmp_path / "bundled.toml"
    bundled.write_text(text.replace('id = "a100-sxm-80gb"', 'id = "h100-sxm"', 1))
    rc, out, err = _run(capsys, "profiles", "validate", str(bundled), str(PROFILES_DIR / "h100-sxm.toml"))
    assert rc == 2 and out.startswith(f"broken: {bundled}: field 'id': 'h100-sxm' is the id of the bundled profile")


def test_help_states_the_bounds_the_code_holds(capsys):
    with pytest.raises(SystemExit):
        main(["estimate", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert B.UTILIZATION.describe() in text and B.PUE.describe() in text and B.LIFETIME_YEARS.describe() in text
    with pytest.raises(SystemExit):
        main(["inference", "--help"])
    assert B.SPARSITY.describe() in " ".join(capsys.readouterr().out.split())


def test_chinchilla_past_the_estimate_bound_gives_the_split_and_says_why_no_cost(capsys):
    from estimator.services.limits import reports as limits
    rc, out, _ = _run(capsys, "scaling", "chinchilla", "--flops", "2e33", "--hardware", "h100-sxm")
    assert rc == 0 and "4.08 × 10¹⁵" in out and limits.beyond_estimate_note() in out and "Cost" not in out


@pytest.mark.parametrize("argv, flags", [
    (("scaling", "chinchilla", "--flops", "0"), "(--flops)"),
    (("scaling", "chinchilla", "--flops", "1e22", "--tokens-per-param", "0"), "(--tokens-per-param)"),
    (("scaling", "chinchilla", "--budget-kwh", "0", "--hardware", "h100-sxm"), "(--budget-kwh)"),
    (("scaling", "diminishing", "--current-error", "0", "--target-error", "0.1"), "(--current-error)"),
    (("scaling", "diminishing", "--current-error", "0.2", "--target-error", "0"), "(--target-error)"),
    (("scaling", "diminishing", "--current-error", "0.2", "--target-error", "0.1", "--exponent", "0"), "(--exponent)"),
    (("scaling", "diminishing", "--current-error", "0.2", "--target-error", "0.1", "--base-flops", "0"),
     "(--base-flops)"),
    (("scaling", "trend", "--doubling-years", "0"), "(--doubling-years)"),
    (("inference", "--model", "llama-2-7b", "--tokens", "1e6", "--batch-size", "0"), "(--batch-size)"),
    (("inference", "--model", "llama-2-7b", "--tokens", "1e6", "--prompt-tokens", "0"), "(--prompt-tokens)"),
    (("inference", "--model", "llama-2-7b", "--tokens", "1e6", "--tokens-per-query", "0"), "(--tokens-per-query)"),
    (("inference", "--model", "llama-2-7b", "--tokens", "1e6", "--sparsity", "-1"), "(--sparsity)"),
    (("inference", "--model", "llama-2-7b", "--tokens", "1e6", "--train-flops", "0"), "(--train-flops)"),
    (("inference", "--model", "llama-2-7b", "--tokens", "1e6", "--train-tokens", "0"), "(--train-tokens)"),
    (("inference", "--params", "0", "--tokens", "1e6"), "(--params)"),
    (("inference", "--model", "abc", "--tokens", "1e6"), "(--model)"),
    (("inference", "--model", "llama-2-7b", "--tokens", "1e6", "--hardware", "brain"), "(--hardware;"),
    (("estimate", "--flops", "1e22", "--hours", "1.5"), "(--flops, --hours, --device-hours, --devices)"),
    (("estimate", "--forward-flops", "1e9"), "(--forward-flops, --examples, --epochs)"),
    (("estimate", "--flops", "1e22", "--precision", "int4"), "(--precision)"),
    (("estimate", "--preset", "alexnet", "--zero", "3"), "(--params, --model, --layers)"),
    (("estimate", "--params", "7e9"), "(--tokens)"),
    (("estimate", "--params", "7e9", "--tokens", "1e12", "--pp", "5"), "(--tp, --pp, --devices)"),
])
def test_a_refusal_names_the_flags_to_change(capsys, argv, flags):
    """The library names the inputs in neutral words (``InputError.field``); the CLI adds their flags."""
    rc, _, err = _run(capsys, *argv)
    assert rc == 2 and err.count("\n") == 1 and flags in err, err


@pytest.mark.parametrize("argv, help_of", [
    (("estimate", "--flops", "1e22", "--flop", "1"), "estimate"),
    (("presets", "x"), "presets"),
    (("scaling", "chinchilla", "--flops", "1e22", "--zzz"), "scaling chinchilla"),
])
def test_an_unknown_argument_points_to_its_commands_help(capsys, argv, help_of):
    rc, _, err = _run(capsys, *argv)
    assert rc == 2 and err.count("\n") == 1
    assert err.startswith("error: unrecognized arguments: ") and f"(see `python -m estimator {help_of} --help`)" in err


def test_fewer_flops_than_devices_is_a_contradiction_not_a_thought_experiment(capsys):
    """1 FLOP on 10 million B200s printed a training time of 1.5 × 10⁻²² s: a device cannot do a
    fraction of an operation, so the input is refused; 1 FLOP on one device too, as less than the one device-millisecond
    an estimate covers (API review 2026-12-02), while 10¹² FLOPs are answered."""
    rc, out, err = _run(capsys, "estimate", "--flops", "1", "--devices", "10000000", "--hardware", "b200")
    assert rc == 2 and out == "" and "less than one operation per device" in err and "(--flops, --devices)" in err
    rc, out, err = _run(capsys, "estimate", "--flops", "1", "--hardware", "b200")
    assert rc == 2 and out == "" and "less than the one device-millisecond an estimate covers" in err
    rc, out, _ = _run(capsys, "estimate", "--flops", "1e13", "--hardware", "b200")
    assert rc == 0 and "Training time" in out


def test_an_unknown_gpu_is_named_in_neutral_words_and_the_cli_adds_its_hints():
    from estimator.cli.main import build_parser, flag_map, with_hint
    from estimator.core.base.errors import InputError
    from estimator.core.hardware.base_profile import guess_base_profile
    with pytest.raises(InputError) as err:
        guess_base_profile("Acme Tensor 9000", "gpu")
    assert "python -m" not in str(err.value) and err.value.fields == ("base",)
    line = with_hint(err.value, flag_map(build_parser()))
    assert line.endswith("(--base; see `python -m estimator profiles list`)"), line


def test_a_served_query_under_a_device_second_is_priced(capsys):
    """One query at batch 64 takes a fraction of a device-second: it is priced (B.DEVICE_HOURS's
    device-millisecond floor), not refused (review: a one-second floor for known training runs refused
    it, and a budget of a tenth of a cent, so that floor was withdrawn)."""
    rc, out, err = _run(capsys, "inference", "--tokens", "338", "--params", "7e9", "--batch-size", "64")
    assert rc == 0 and err == "" and "total time, one replica (338 tokens)  " in out
    rc, out, err = _run(capsys, "scaling", "chinchilla", "--budget-usd", "1e-3", "--hardware", "h100-sxm")
    assert rc == 0 and err == ""


@pytest.mark.parametrize("argv", [
    ("estimate", "--hardware", "{Y}"), ("estimate", "--preset", "{Y}"), ("estimate", "--region", "{Y}"),
    ("estimate", "--cloud", "{Y}"), ("estimate", "--cloud", "gcp:{Y}"), ("estimate", "--format", "{Y}"),
    ("estimate", "--devices", "{Y}"), ("{Y}",), ("scaling", "trend", "--hardware", "{Y}"),
    ("inference", "--tokens", "1e9", "--model", "{Y}"),
])
def test_a_huge_name_is_quoted_by_its_start_not_echoed_whole(capsys, argv):
    """A 100,000-character --hardware was echoed whole: a 100 kB error line. Any name a message quotes
    shows its first 60 characters and its length."""
    huge = "y" * 100_000
    rc, out, err = _run(capsys, *(a.replace("{Y}", huge) for a in argv))
    assert rc == 2 and out == "" and err.count("\n") == 1 and err.startswith("error: ")
    assert len(err) < 1_000, err[:200]
    if "100,000 characters" not in err:  # the catalog lists its models without quoting the name
        assert argv[:2] == ("inference", "--tokens")
    else:
        assert f"'{'y' * 60}…' (100,000 characters)" in err


def test_compare_takes_every_hardware_option_given(capsys):
    """CLI audit: `compare --hardware h100-sxm --hardware a10g` showed only the a10g row."""
    rc, out, _ = _run(capsys, "compare", "--flops", "1e22", "--hardware", "h100-sxm", "--hardware", "a10g", "l4",
                      "--format", "csv")
    assert rc == 0 and [row.split(",")[0] for row in out.splitlines()[1:]] == ["h100-sxm", "a10g", "l4"]


def test_a_compare_page_in_markdown_says_which_hardware_it_left_out(capsys):
    """Exports audit: a saved Markdown comparison gave no sign that a device asked for was left out."""
    rc, out, err = _run(capsys, "compare", "--flops", "1e21", "--precision", "int8", "--hardware", "h100-sxm", "tpu-v4",
                        "--format", "markdown")
    assert rc == 0 and "| h100-sxm | int8 |" in out and "| tpu-v4" not in out
    assert "\nLeft out: tpu-v4: has no peak for precision 'int8'; it has: bf16\n" in out
    assert err == "note: tpu-v4: has no peak for precision 'int8'; it has: bf16\n"
