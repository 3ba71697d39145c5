"""The API/CLI parity review of 2026-12-03: each path that answers an estimate holds `estimate`'s floor of one
device-millisecond, the API takes what the CLI takes, and exotic numbers are refused in the project's words."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from estimator import InputError, compare, estimate, inference, plan
from estimator.cli.main import main
from estimator.core.workload.scenario import Scenario
from estimator.io.datafiles import PROFILES_DIR

FLOOR = "less than the one device-millisecond an estimate covers"


def _cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("argv, flags", [
    (("compare", "--hardware", "h100-sxm", "--flops", "1"), "(--flops)"),
    (("plan", "--layers", "1", "--d-model", "8", "--vocab", "10", "--devices", "1", "--tokens", "4096"),
     "(--layers, --d-model, --vocab, --tokens)"),
    (("scaling", "diminishing", "--base-flops", "1", "--hardware", "h100-sxm"), "(--base-flops)"),
    # the FLOPs of a generic network or an architecture: the inputs they came from, as at the bound's top
    (("estimate", "--forward-flops", "1", "--examples", "1", "--epochs", "1"), "(--forward-flops, --examples, --epochs)"),
    (("estimate", "--layers", "1", "--d-model", "8", "--vocab", "10", "--tokens", "4096"),
     "(--layers, --d-model, --vocab, --tokens)"),
])
def test_every_command_that_answers_an_estimate_refuses_a_run_under_a_device_millisecond(capsys, argv, flags):
    code, out, err = _cli(capsys, *argv)
    assert code == 2 and out == "" and err.count("\n") == 1 and FLOOR in err and err.rstrip().endswith(flags), err


def test_the_api_refuses_them_alike():
    with pytest.raises(InputError, match=FLOOR):
        compare(["h100-sxm"], flops=1)
    with pytest.raises(InputError, match=FLOOR):
        plan(layers=1, d_model=8, vocab=10, devices=1, tokens=4096)
    with pytest.raises(InputError, match="1.53 × 10⁻¹⁴ device-seconds, " + FLOOR):
        estimate(Scenario(flops=1), "h100-sxm")  # the Scenario form, as the keyword form
    assert estimate(Scenario(flops=1e13), "h100-sxm").wall_clock_s == pytest.approx(0.153, rel=0.01)


def test_a_negative_zero_is_zero_in_the_api_as_in_the_cli(capsys):
    e = estimate(flops=1e22, carbon_intensity_g_per_kwh=-0.0, price_usd_per_device_hour=-0.0)
    assert math.copysign(1, e.co2e_kg) == math.copysign(1, e.cost_usd) == 1.0
    assert all(math.copysign(1, x) == 1.0 for x in e.range["cost_usd"])
    r = inference(model="llama-3.1-8b", carbon_intensity_g_per_kwh=-0.0, price_usd_per_device_hour=-0.0)
    assert "-0.0" not in json.dumps(r.to_dict())
    code, out, _ = _cli(capsys, "estimate", "--flops", "1e22", "--carbon-intensity", "-0", "--price-usd-per-hour", "-0",
                        "--format", "json")
    assert code == 0 and (json.loads(out)["co2e_kg"], json.loads(out)["cost_usd"]) == (e.co2e_kg, e.cost_usd) == (0.0, 0.0)


def test_compare_takes_a_profiles_path_as_estimate_does():
    path = Path(PROFILES_DIR) / "h100-sxm.toml"
    by_path = compare([path], flops=1e22).results[0].estimate
    assert by_path.wall_clock_s == estimate(flops=1e22, hardware=path).wall_clock_s == estimate(flops=1e22).wall_clock_s


@pytest.mark.parametrize("name", ["devices", "carbon_intensity_g_per_kwh", "flops"])
def test_a_numpy_time_span_is_no_number(name):
    with pytest.raises(InputError, match=r"must be a number, got np.timedelta64\(2,'s'\)"):
        estimate(**{"flops": 1e22, name: np.timedelta64(2, "s")})


def test_a_signalling_nan_is_refused_as_a_nan():
    with pytest.raises(InputError, match="beams must be a finite number, got NaN"):
        inference(model="llama-3.1-8b", beams=Decimal("sNaN"))
    with pytest.raises(InputError, match="devices must be a finite number"):
        estimate(flops=1e22, devices=Decimal("sNaN"))


def test_sweep_holds_the_floor_too():
    from estimator import sweep
    site = dict(peak_flops_per_s=989e12, utilization=0.3, devices=1, power_w=700, pue=1.1, carbon_intensity_g_per_kwh=400)
    with pytest.raises(InputError, match="1 of 2 scenarios has a run under the one device-millisecond an estimate covers"):
        sweep(flops=np.array([1.0, 1e22]), **site)
    assert sweep(flops=np.array([1e13, 1e22]), **site)["wall_clock_s"][0] == pytest.approx(0.0337, rel=0.01)


def test_sweep_gives_zero_not_negative_zero():
    from estimator import sweep
    out = sweep(flops=1e22, peak_flops_per_s=989e12, utilization=0.3, devices=1, power_w=700, pue=1.1,
                carbon_intensity_g_per_kwh=-0.0, price_usd_per_device_hour=-0.0)
    assert math.copysign(1, float(out["co2e_kg"])) == math.copysign(1, float(out["cost_usd"])) == 1.0


def test_plans_csv_writes_the_sites_numbers_as_estimates_csv_does():
    import csv
    import io

    from estimator.cli.plan_cmd import csv_text
    report = plan(model="llama-3.1-8b", tokens=1e12, devices=64, pue=1, power_w=700, price_usd_per_device_hour=2)
    row = next(csv.DictReader(io.StringIO(csv_text(report))))
    assert (row["power_w"], row["pue"], row["price_usd_per_device_hour"]) == ("700.0", "1.0", "2.0")
