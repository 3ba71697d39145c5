import math

import pytest

from estimator.core.base.errors import InputError
from estimator.core.base.units import HOURS_PER_YEAR, S_PER_YEAR
from estimator.core.training.estimate import estimate
from estimator.core.workload.scenario import Scenario
from estimator.io.datafiles import default_profiles
from estimator.report.humanize import co2e, duration, energy, money
from estimator.services import api


@pytest.fixture(scope="module")
def profiles():
    return default_profiles().profiles


def test_lambda_preset_python_api():
    r = api.run(preset_id="lambda-gpt3-v100")
    # 3.14e23 FLOPs / 28e12 FLOP/s = 1.1214e10 s = 355.4 Julian years (Lambda 2020)
    assert r.estimate.wall_clock_s == pytest.approx(3.14e23 / 28e12)
    assert r.estimate.wall_clock_s / S_PER_YEAR == pytest.approx(355.36, abs=0.01)
    assert duration(r.estimate.wall_clock_s) == "355 years"
    assert r.estimate.cost_usd == pytest.approx(3.14e23 / 28e12 / 3600 * 1.48)
    assert money(r.estimate.cost_usd) == "$4.6M"
    pub = {c.key: c for c in r.comparison}
    assert abs(pub["wall_clock_s"].relative_error) < 0.002
    assert abs(pub["cost_usd"].relative_error) < 0.01


def test_a_cost_published_as_a_range_is_compared_with_the_range():
    """Strubell et al. (2019, Table 3) published BERT-base's cloud cost as $3,751–$12,571, never a
    single figure: the comparison keeps both ends and says whether the estimate is inside."""
    from estimator.report.export import published_cells, render
    r = api.run(preset_id="bert-base")
    cost = {c.key: c for c in r.comparison}["cost_usd"]
    assert cost.published is None and cost.published_range == (3751.0, 12571.0)
    assert 3751 <= r.estimate.cost_usd <= 12571 and cost.relative_error == 0
    assert published_cells(cost) == ("$3.8k – $13k", "inside")
    assert "published $3.8k – $13k (inside)" in render("table", r.estimate, r.comparison)
    # the JSON says "inside" plainly: its relative_error 0 would otherwise read as an exact match (export audit)
    import json
    doc = json.loads(render("json", r.estimate, r.comparison))
    assert doc["published"]["cost_usd"]["inside_published_range"] is True
    assert "inside_published_range" not in doc["published"]["device_hours"]
    from estimator.core.training.presets import PublishedComparison
    assert published_cells(PublishedComparison("cost_usd", None, 1875.5, -0.5, (3751.0, 12571.0)))[1] == "-50% below"
    assert published_cells(PublishedComparison("cost_usd", None, 15085.2, 0.2, (3751.0, 12571.0)))[1] == "+20% above"


def test_devices_changed_on_a_run_of_known_hours_drops_what_hours_times_devices_gives():
    """BERT-base's published time is hours on 64 V100s: on 32 devices its device-hours, energy,
    CO₂e and cost are no longer the published run's, so none of them is compared."""
    assert {c.key for c in api.run(preset_id="bert-base").comparison} >= {"device_hours", "energy_kwh", "co2e_kg"}
    assert api.run(preset_id="bert-base", devices=32).comparison == ()
    # a preset given by FLOPs: device-hours do not depend on the count of devices and stay compared
    assert "energy_kwh" in {c.key for c in api.run(preset_id="gpt3-175b", devices=5000).comparison}


def test_recomputation_does_not_count_twice_with_the_fitted_utilisation():
    """The fitted utilisation is model-FLOPs goodput (its runs count 6·N·D, recomputation or not):
    --recompute reports the 8·N·D the devices execute but times 6·N·D; a utilisation the user gives
    applies to the 8·N·D, and no range end goes below 8·N·D at 100% of the peak."""
    kw = dict(params=7e9, tokens=2e12, hardware="h100-sxm", devices=256)
    plain, rec = api.run(**kw).estimate, api.run(**kw, recompute=True).estimate
    assert rec.flops == 8 * 7e9 * 2e12 and plain.flops == 6 * 7e9 * 2e12
    assert rec.wall_clock_s == pytest.approx(plain.wall_clock_s, rel=1e-12)
    assert any("time comes from 6·N·D" in n for n in rec.notes)
    given = api.run(**kw, recompute=True, utilization=0.25).estimate
    peak = given.assumption("peak_flops_per_s").value
    assert given.device_hours == pytest.approx(8 * 7e9 * 2e12 / (0.25 * peak) / 3600, rel=1e-12)
    assert not any("6·N·D" in n for n in given.notes)
    # the comparison with the fitted interval converts the given figure to model FLOPs (× 6/8):
    # 0.7 of 8·N·D is 0.525 of 6·N·D, and the time at the fit's centre is 0.525 ÷ centre as long
    high = api.run(**kw, recompute=True, utilization=0.7).estimate
    centre = high.utilization.fit_interval
    (note,) = [n for n in high.notes if "outside the fitted" in n]
    assert "0.7 (user; 0.525 in model FLOPs, 6·N·D)" in note
    assert high.utilization.summary.startswith("0.7 from the user, 0.525 in model FLOPs, 6·N·D; for comparison")
    fit_centre = plain.utilization.value
    assert f"the run would take {0.525 / fit_centre:.2g}× as long" in note
    assert centre[0] <= 0.25 * 6 / 8 <= centre[1]   # 0.25 of 8·N·D is inside: no note
    assert not any("outside the fitted" in n for n in given.notes)
    near_peak = api.run(**kw, recompute=True, utilization=0.99).estimate
    high_peak = api.run(**kw).profile.peak_range(near_peak.precision)[1]
    assert near_peak.range["device_hours"][0] >= 8 * 7e9 * 2e12 / high_peak / 3600 * (1 - 1e-12)


def test_gpt3_patterson_from_flops(profiles):
    s = Scenario(flops=3.14e23, devices=10000, power_w=330, pue=1.1, carbon_intensity_g_per_kwh=429, year=2020)
    p = profiles["v100-sxm2"]
    e = estimate(s, p)
    util = p.utilization.predict(3.14e23, 2020).center
    device_hours = 3.14e23 / (125e12 * util) / 3600
    assert e.device_hours == pytest.approx(device_hours)
    assert e.wall_clock_s == pytest.approx(device_hours * 3600 / 10000)
    assert e.energy_kwh == pytest.approx(device_hours * 0.330 * 1.1)
    assert e.co2e_kg == pytest.approx(e.energy_kwh * 0.429)
    assert e.cost_usd == pytest.approx(device_hours * p.price.usd_per_device_hour)
    # published: 1,287 MWh and 552 t (Patterson et al. 2021, Table 4), inside the stated ranges
    assert e.range["energy_kwh"][0] <= 1287e3 <= e.range["energy_kwh"][1]
    assert e.range["co2e_kg"][0] <= 552.1e3 <= e.range["co2e_kg"][1]
    assert energy(1287e3) == "1.29 GWh" and co2e(552.1e3) == "552 t CO₂e"


def test_range_is_the_utilisation_interval_and_power_in_quadrature(profiles):
    p = profiles["a100-sxm-80gb"]
    e = estimate(Scenario(flops=1e22, devices=64), p)
    u = p.utilization.predict(1e22)
    lo, hi = e.range["device_hours"]
    assert lo == pytest.approx(1e22 / (312e12 * u.high) / 3600)
    assert hi == pytest.approx(1e22 / (312e12 * u.low) / 3600)
    h_u = math.log(u.high / u.center)
    h_p = math.log(p.power.average_range_w[1] / p.power.average_w)
    elo, ehi = e.range["energy_kwh"]
    assert (elo, ehi) == pytest.approx((e.energy_kwh / math.exp(math.hypot(h_u, h_p)),
                                        e.energy_kwh * math.exp(math.hypot(h_u, h_p))))
    for key in ("wall_clock_s", "device_hours", "energy_kwh", "co2e_kg", "cost_usd"):
        low, high = e.range[key]
        assert low < getattr(e, key) < high
        assert math.sqrt(low * high) == pytest.approx(getattr(e, key))  # the point is the interval's middle


def test_user_power_is_exact_and_user_utilisation_keeps_the_fitted_spread(profiles):
    p = profiles["h100-sxm"]
    e = estimate(Scenario(flops=1e22, utilization=0.5, power_w=500), p)
    u = p.utilization.predict(1e22)
    h_u = math.log(u.high / u.center)
    assert e.device_hours == pytest.approx(1e22 / (989e12 * 0.5) / 3600)
    assert math.log(e.range["device_hours"][1] / e.device_hours) == pytest.approx(h_u)
    # power given: the energy interval is the utilisation's alone
    assert math.log(e.range["energy_kwh"][1] / e.energy_kwh) == pytest.approx(h_u)


def test_brain_peak_range_drives_time_range(profiles):
    e = estimate(Scenario(flops=1e21), profiles["brain"])
    assert e.wall_clock_s == pytest.approx(1e21 / 1e15)
    assert e.range["wall_clock_s"] == pytest.approx((1e21 / 1e17, 1e21 / 1e13))
    assert e.energy_kwh == pytest.approx(1e6 / 3600 * 20 / 1000)  # 20 W, PUE 1


def test_hours_given_time_from_run(profiles):
    e = estimate(Scenario(hours=79.2, devices=64, power_w=188.15, pue=1.58, carbon_intensity_g_per_kwh=433),
                 profiles["v100-sxm2"])
    assert e.wall_clock_s == pytest.approx(79.2 * 3600)
    assert e.device_hours == pytest.approx(64 * 79.2)
    assert e.energy_kwh == pytest.approx(1507, rel=0.01)  # Strubell et al. 2019: 1,507 kWh
    assert e.flops is None


def test_device_hours_given(profiles):
    p = profiles["h100-sxm"]
    e = estimate(Scenario(device_hours=1000, devices=10), p)
    assert e.wall_clock_s == pytest.approx(100 * 3600)
    assert e.energy_kwh == pytest.approx(1000 * p.power.average_w / 1000 * 1.1)
    assert e.range["device_hours"] == pytest.approx((1000, 1000))  # a known run's time is exact


def test_a_precision_given_with_a_known_time_says_it_changes_nothing(profiles):
    p = profiles["h100-sxm"]
    plain = estimate(Scenario(device_hours=1000), p)
    fp8 = estimate(Scenario(device_hours=1000, precision="fp8"), p)
    assert fp8.energy_kwh == plain.energy_kwh and fp8.wall_clock_s == plain.wall_clock_s
    assert any("precision fp8 changes nothing" in n for n in fp8.notes)
    assert not any("changes nothing" in n for n in plain.notes)
    with_flops = estimate(Scenario(device_hours=1000, flops=1e21, precision="fp8"), p)
    assert not any("changes nothing" in n for n in with_flops.notes)
    assert any("of the fp8 peak" in n for n in with_flops.notes)


def test_a_known_run_far_below_any_utilisation_is_refused(profiles):
    """1 FLOP in 1,000 hours is 9e-22 of an A100's peak: refused, as a utilisation that low is."""
    with pytest.raises(InputError, match="below the least utilisation taken"):
        estimate(Scenario(flops=1.0, hours=1000), profiles["a100-sxm-80gb"])
    with pytest.raises(InputError):
        estimate(Scenario(flops=1e20, utilization=1e-7), profiles["a100-sxm-80gb"])
    # at the bound itself it is taken
    peak = profiles["a100-sxm-80gb"].peak("bf16")
    assert estimate(Scenario(flops=peak * 3600 * 2e-6, hours=1), profiles["a100-sxm-80gb"]).device_hours == 1


def test_params_tokens_and_recompute(profiles):
    a = estimate(Scenario(params=7e9, tokens=1e12, utilization=0.4), profiles["h100-sxm"])
    b = estimate(Scenario(params=7e9, tokens=1e12, recompute=True, utilization=0.4), profiles["h100-sxm"])
    assert a.flops == pytest.approx(4.2e22)
    assert b.flops == pytest.approx(5.6e22)
    assert b.device_hours / a.device_hours == pytest.approx(8 / 6)


def test_electricity_price(profiles):
    e = estimate(Scenario(flops=1e21, electricity_usd_per_kwh=0.1), profiles["h100-sxm"])
    assert e.cost_usd == pytest.approx(e.energy_kwh * 0.1)


def test_no_price_is_none_with_note(profiles):
    e = estimate(Scenario(flops=1e21), profiles["brain"])
    assert e.cost_usd is None
    assert any("no cost" in n for n in e.notes)


def test_more_devices_than_any_fitted_run_says_scaling_is_assumed(profiles):
    from estimator.io.datafiles import load_utilization_model
    from estimator.services.training.runs import training_runs
    most = load_utilization_model().max_devices
    assert most == max(r.devices for r in training_runs().runs if r.devices is not None and math.isfinite(r.devices))
    said = "is more than any run the utilisation fit holds"
    beyond = estimate(Scenario(flops=1e25, devices=most + 1), profiles["b200"])
    assert any(n.startswith(f"{most + 1:,} devices {said} (at most {most:,})") for n in beyond.notes)
    assert not any(said in n for n in estimate(Scenario(flops=1e25, devices=most), profiles["b200"]).notes)
    # a known run's hours say how it scaled, and a stated utilisation has no fit to exceed
    assert not any(said in n for n in estimate(Scenario(flops=1e25, devices=most + 1, hours=100.0),
                                               profiles["b200"]).notes)
    assert not any(said in n for n in estimate(Scenario(flops=1e21, devices=10 ** 6), profiles["brain"]).notes)
    # time still falls as 1/devices: the note says so, it does not change the number
    assert beyond.wall_clock_s * (most + 1) == pytest.approx(
        estimate(Scenario(flops=1e25, devices=1), profiles["b200"]).wall_clock_s)


def test_default_intensity_is_world_average(profiles):
    e = estimate(Scenario(flops=1e21), profiles["h100-sxm"])
    assert e.co2e_kg == pytest.approx(e.energy_kwh * 0.475)
    a = {x.name: x for x in e.assumptions}
    assert a["carbon_intensity_g_per_kwh"].origin == "default"
    assert a["utilization"].origin == "fit:h100"


def test_energy_breakdown_sums(profiles):
    e = estimate(Scenario(flops=1e22, devices=8), profiles["v100-sxm2"])
    b = e.breakdown
    assert b.devices_kwh + b.host_kwh + b.facility_kwh == pytest.approx(e.energy_kwh)
    p = profiles["v100-sxm2"]
    assert b.host_kwh == pytest.approx(e.energy_kwh / 1.1 * p.power.host_share_w / p.power.average_w)
    assert 0 < b.host_kwh < b.devices_kwh
    assert b.facility_kwh == pytest.approx(e.energy_kwh * (1 - 1 / 1.1))


def test_equivalents_gpt3():
    r = api.run(preset_id="gpt3-175b")
    eq = {x.key: x.value for x in r.estimate.equivalents}
    assert eq["brain_years"] == pytest.approx(r.estimate.energy_kwh / (20 * HOURS_PER_YEAR / 1000))
    assert eq["car_km"] == pytest.approx(r.estimate.co2e_kg / (0.400 / 1.609344))
    assert eq["household_years"] == pytest.approx(r.estimate.energy_kwh / 10715)


@pytest.mark.parametrize("kwargs, message", [
    (dict(flops=-1), "FLOPs"),
    (dict(flops=float("nan")), "finite"),
    (dict(flops=float("inf")), "finite"),
    (dict(flops=1e20, devices=0), "devices"),
    (dict(flops=1e20, utilization=1.5), r"utilisation must be at least"),
    (dict(flops=1e20, utilization=0), r"utilisation must be at least"),
    (dict(flops=1e20, pue=0.9), "PUE"),
    (dict(params=1e9), "training tokens"),
    (dict(), "workload"),
    (dict(hours=1, device_hours=2), "either"),
    (dict(flops=1e20, power_w=-5), "power"),
    (dict(flops=1e20, precision="fp8"), "precision"),
])
def test_bad_inputs(profiles, kwargs, message):
    with pytest.raises(InputError, match=message):
        estimate(Scenario(**kwargs), profiles["v100-sxm2"])


def test_unknown_hardware_lists_valid_ids():
    with pytest.raises(InputError, match="valid ids: .*a100-sxm-80gb"):
        api.run(hardware="a100-typo", flops=1e20)


def test_region_and_cloud_resolution():
    from estimator.io.datafiles import load_carbon_data
    data = load_carbon_data()
    r = api.run(hardware="h100-sxm", flops=1e21, region="fra")
    assert r.scenario.carbon_intensity_g_per_kwh == data.countries["FRA"][1]
    assert r.estimate.co2e_kg == pytest.approx(r.estimate.energy_kwh * data.countries["FRA"][1] / 1000)
    r2 = api.run(hardware="h100-sxm", flops=1e21, cloud="gcp:europe-west1")
    assert r2.scenario.carbon_intensity_g_per_kwh == data.cloud[("gcp", "europe-west1")][0]
    assert math.isfinite(r2.estimate.co2e_kg)


def test_a_zero_grid_intensity_says_what_zero_means():
    from estimator.core.training.estimate import estimate
    from estimator.core.workload.scenario import Scenario
    from estimator.io.datafiles import default_profiles
    h100 = default_profiles().get("h100-sxm")
    e = estimate(Scenario(flops=1e21, carbon_intensity_g_per_kwh=0.0), h100)
    assert e.co2e_kg == 0.0 and any(n.startswith("grid intensity 0 g CO2e/kWh: the operational CO2e is zero")
                                     for n in e.notes)
    assert not any("grid intensity 0" in n for n in estimate(Scenario(flops=1e21), h100).notes)
