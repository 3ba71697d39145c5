"""Issue 9, in the estimates: where the utilisation came from (a preset with one override keeps its
other fields' origins), the stated ranges of time and energy, and power from measured draw.

Every figure is computed here from the shipped data files and the project's own code."""

from __future__ import annotations

import math

import numpy as np
import pytest

from estimator.fit.power_fit import (
    PowerMeasurement,
    fit_all,
    fit_ratio,
    leave_one_device_out,
    leave_one_out,
)
from estimator.io.datafiles import (
    default_profiles,
    load_power_measurements,
    load_utilization_model,
    load_validation_document,
)
from estimator.services import api

DOC = load_validation_document()

# -- provenance and stated ranges in estimates -----------------------------------------


def test_preset_with_one_override_keeps_its_other_fields_origins():
    r = api.run(preset_id="lambda-gpt3-v100", devices=8)
    origins = {a.name: a.origin for a in r.estimate.assumptions}
    assert origins["devices"] == "user"
    assert origins["utilization"] == origins["flops"] == "preset:lambda-gpt3-v100"
    assert origins["price_usd_per_device_hour"] == "profile:v100-sxm2"  # Lambda's price has its home in the profile
    plain = {a.name: a.origin for a in api.run(preset_id="lambda-gpt3-v100").estimate.assumptions}
    assert plain["devices"] == "preset:lambda-gpt3-v100"


def test_estimate_says_where_the_utilisation_came_from():
    fitted = api.run(hardware="a100-sxm-80gb", flops=1e23, devices=512, year=2023).estimate
    n_a100 = load_utilization_model().families["a100"].n_runs
    assert fitted.utilization.origin == "fit:a100"
    assert fitted.utilization.summary.startswith(f"{fitted.utilization.value:.3g}, fitted on {n_a100} A100 runs, 80% interval")
    user = api.run(hardware="a100-sxm-80gb", flops=1e23, utilization=0.5).estimate
    assert user.utilization.origin == "user" and "from the user" in user.utilization.summary
    d = fitted.to_dict()
    assert d["utilization"]["origin"] == "fit:a100" and d["range_level"] == 0.8


def test_lambda_lecture_preset_keeps_its_published_numbers_with_an_honest_range():
    from estimator.report import humanize as hz
    est = api.run(preset_id="lambda-gpt3-v100").estimate
    assert hz.duration(est.wall_clock_s) == "355 years"
    assert hz.money(est.cost_usd) == "$4.6M"
    lo, hi = est.range["wall_clock_s"]
    assert lo < est.wall_clock_s < hi
    # the centre is the interval's geometric middle, and the width is the V100 fit's spread
    assert math.sqrt(lo * hi) == pytest.approx(est.wall_clock_s, rel=1e-9)
    pred = default_profiles().get("v100-sxm2").utilization.predict(3.14e23, 2020)
    assert math.log(hi / est.wall_clock_s) == pytest.approx(math.log(pred.high / pred.center), rel=1e-6)


def test_energy_interval_combines_utilisation_and_power_in_quadrature():
    est = api.run(hardware="h100-sxm", flops=1e24, devices=1024, year=2024).estimate
    p = default_profiles().get("h100-sxm")
    u = p.utilization.predict(1e24, 2024)
    h_u = math.log(u.high / u.center)
    h_p = math.log(p.power.average_range_w[1] / p.power.average_w)
    lo, hi = est.range["energy_kwh"]
    assert math.log(hi / est.energy_kwh) == pytest.approx(math.hypot(h_u, h_p), rel=1e-6)
    assert math.sqrt(lo * hi) == pytest.approx(est.energy_kwh, rel=1e-9)


def test_no_range_end_implies_a_run_faster_than_the_peak():
    """A utilisation near the peak: the time interval stops at 100% of the highest peak, and the
    energy, CO₂e and cost intervals stop where that time, at the lowest power in the range, puts them."""
    r = api.run(hardware="h100-sxm", flops=1e22, devices=64, utilization=0.9)
    est, p = r.estimate, r.profile
    dh_floor = 1e22 / p.peak_range(est.precision)[1] / 3600
    power_low = p.power.average_range_w[0]
    pue = next(a.value for a in est.assumptions if a.name == "pue")
    assert est.range["device_hours"][0] == pytest.approx(dh_floor, rel=1e-12)
    assert est.range["energy_kwh"][0] == pytest.approx(dh_floor * power_low / 1e3 * pue, rel=1e-12)
    ci = next(a.value for a in est.assumptions if a.name == "carbon_intensity_g_per_kwh")
    assert est.range["co2e_kg"][0] == pytest.approx(est.range["energy_kwh"][0] * ci / 1e3, rel=1e-12)
    price = next(a.value for a in est.assumptions if a.name == "price_usd_per_device_hour")
    assert est.range["cost_usd"][0] == pytest.approx(dh_floor * price, rel=1e-12)
    elec = api.run(hardware="h100-sxm", flops=1e22, devices=64, utilization=0.9, electricity_usd_per_kwh=0.2).estimate
    assert elec.range["cost_usd"][0] == pytest.approx(elec.range["energy_kwh"][0] * 0.2, rel=1e-12)


# -- power -------------------------------------------------------------------------------


def test_power_ratio_interval_is_the_normal_prediction_interval():
    pts = [PowerMeasurement(str(i), "d", "gpu-system", 100.0, w, "w", "s") for i, w in enumerate((90.0, 100.0, 110.0, 121.0))]
    f = fit_ratio(pts, 0.8)
    logs = np.log([0.9, 1.0, 1.1, 1.21])
    from scipy import stats
    half = stats.t.ppf(0.9, 3) * logs.std(ddof=1) * math.sqrt(1 + 1 / 4)
    assert f.center == pytest.approx(math.exp(logs.mean()))
    assert (f.low, f.high) == pytest.approx((math.exp(logs.mean() - half), math.exp(logs.mean() + half)))


def test_gpu_power_comes_from_measured_draw_and_covers_it():
    p = default_profiles().get("a100-sxm-80gb").power
    fit_sys = fit_ratio([m for m in load_power_measurements() if m.group == "gpu-system"])
    assert p.fit_group == "gpu-system" and p.includes_host
    assert p.average_w == pytest.approx(fit_sys.center * 400.0)
    assert p.average_range_w == pytest.approx((fit_sys.low * 400.0, fit_sys.high * 400.0))
    # the stated 80% range holds at least 80% of the measured GPU system-level draws, TDP scaled
    ratios = [m.ratio for m in load_power_measurements() if m.group == "gpu-system"]
    assert np.mean([fit_sys.low <= r <= fit_sys.high for r in ratios]) >= 0.8
    checks = leave_one_out(load_power_measurements())
    assert {c.point.group for c in checks} == {"gpu-system", "gpu-chip", "tpu-system"}
    assert DOC["power_summary"]["tpu-system"]["median_factor"] < DOC["power_summary"]["tpu-system"]["tdp_median_factor"]


def test_power_held_out_by_device_uses_only_the_other_devices():
    pts = [PowerMeasurement(f"{d}{i}", d, "gpu-system", 100.0, w, "w", "s")
           for d, ws in (("a", (90.0, 95.0)), ("b", (120.0,)), ("c", (100.0, 110.0))) for i, w in enumerate(ws)]
    checks = leave_one_device_out(pts)
    assert [c.point.id for c in checks] == ["a0", "a1", "b0", "c0", "c1"]
    for c in checks:
        others = [p for p in pts if p.device != c.point.device]
        assert c.fit == fit_ratio(others)
    # a device whose removal leaves fewer than 2 measurements is not held out
    assert [c.point.id for c in leave_one_device_out(pts[:3])] == ["b0"]  # without a: 1 left


def test_validate_reports_power_with_each_device_held_out():
    checks = leave_one_device_out(load_power_measurements())
    for group, s in DOC["power_summary"].items():
        g = [c for c in checks if c.point.group == group]
        held = s["device_held_out"]
        assert held["n"] == len(g) and held["n_devices"] == len({c.point.device for c in g}) >= 1
        assert held["median_factor"] == pytest.approx(float(np.median([c.factor for c in g])))
        assert held["interval_coverage"] == pytest.approx(float(np.mean([c.inside for c in g])))
    # the GPU profiles without a measurement of their own (A100, H100, B200, …) take the gpu-system fit: of its two
    # devices only the V100 can be held out (without the P100's two runs one is left), so little vouches for them
    held = DOC["power_summary"]["gpu-system"]["device_held_out"]
    assert (held["n"], held["n_devices"], held["interval_coverage"]) == (1, 1, 1.0)


def test_profiles_readme_quotes_the_power_fits_and_their_validation():
    """The power table in profiles/README.md is the fits' and `validate`'s, to the digits shown."""
    from pathlib import Path
    text = (Path(__file__).resolve().parents[2] / "profiles" / "README.md").read_text()
    fits = fit_all(load_power_measurements())
    for group, f in fits.groups.items():
        s = DOC["power_summary"][group]
        held = s["device_held_out"]
        row = (f"| {f.n} | {f.center:.2f} | {f.low:.2f}–{f.high:.2f} | {s['median_factor']:.2f}× "
               f"({s['group_fit_median_factor']:.2f}×; {s['tdp_median_factor']:.2f}×) | {s['interval_coverage']:.0%} | "
               f"{held['median_factor']:.2f}×, {held['interval_coverage']:.0%} ({held['n_devices']} "
               f"device{'s' if held['n_devices'] != 1 else ''}) |")
        # within 5% for single GPUs, closer by much for TPUs, no closer on the three whole-server GPU runs
        assert (s["median_factor"] < s["tdp_median_factor"]) == (group != "gpu-system")
        assert f"| `{group}` |" in text and row in text, row
    # the devices' own centres: each profile that names its device, as the table gives it
    named = {(p.power.fit_group, p.power.fit_device): p.id for p in default_profiles().profiles.values()
             if p.power.fit_device}
    for (group, device), pid in named.items():
        f = fits.device(group, device)
        assert (f"| {device} (`{pid}`) | `{group}` | {f.n} | {f.n_spread} | {f.center:.2f} | "
                f"{f.low:.2f}–{f.high:.2f} |") in text
    # "every device measured twice or more in a group that profiles use names it"
    used = {p.power.fit_group for p in default_profiles().profiles.values() if p.power.fit_group}
    assert set(named) == {key for key in fits.devices if key[0] in used}
    tpu = DOC["power_summary"]["tpu-system"]
    assert (f"the TPUs' median factor from {tpu['group_fit_median_factor']:.2f}× to {tpu['median_factor']:.2f}× "
            f"at the same coverage ({tpu['interval_coverage']:.0%})") in " ".join(text.split())
    assert tpu["interval_coverage"] == tpu["group_fit_interval_coverage"]
    gs = DOC["power_summary"]["gpu-system"]["device_held_out"]
    assert (gs["n"], gs["interval_coverage"]) == (1, 1.0)
    assert (f"it can hold out one device only (the V100's one run, from the P100's two: {gs['median_factor']:.2f}×, "
            "inside its interval)") in " ".join(text.split())
