"""Each refusal names the inputs to change, as the CLI's flags (API review 2026-11-30: these named none, or
`--base-preset bogus` named --preset, and a trend at a price of 0 printed a table of "$0")."""

from __future__ import annotations

import pytest

from estimator.cli.main import main


@pytest.mark.parametrize("argv, flags", [
    (["scaling", "diminishing", "--current-error", "0.1", "--target-error", "0.05", "--exponent", "0.07",
      "--base-preset", "bogus"], "(--base-preset)"),
    (["scaling", "diminishing", "--current-error", "0.1", "--target-error", "0.05", "--exponent", "0.001"],
     "(--exponent, --current-error, --target-error)"),
    (["compare", "--flops", "1e23", "--params", "1e9", "--hardware", "h100-sxm"], "(--flops, --params)"),
    (["scaling", "trend", "--hardware", "h100-sxm", "--price-usd-per-hour", "0"],
     "(--price-usd-per-hour, --electricity-usd-per-kwh)"),
])
def test_the_refusal_names_its_flags(capsys, argv, flags):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and err.rstrip().endswith(flags)


def test_the_api_names_the_training_inputs_given_together():
    from estimator import InputError, inference
    with pytest.raises(InputError) as refused:
        inference(model="llama-3.1-8b", train_flops=1e24, train_tokens=1e12)
    assert refused.value.fields == ("train_flops", "train_tokens")
    with pytest.raises(InputError) as refused:
        inference(model="llama-3.1-8b", params=7e9)
    assert refused.value.fields == ("model", "params")


def test_an_unknown_scaling_setting_names_the_nearest_known_one():
    from estimator import InputError
    from estimator.services.limits import reports
    with pytest.raises(InputError) as refused:
        reports.diminishing_report(0.1, 0.05, 0.07, base_preset="gpt3-175b", setting={"carbon_intensity": 100})
    assert str(refused.value) == "unknown input 'carbon_intensity'; did you mean 'carbon_intensity_g_per_kwh'?"
    assert refused.value.fields == ("carbon_intensity",)
