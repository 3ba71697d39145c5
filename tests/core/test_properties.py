"""Invariants of the model, held by hypothesis."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from estimator.core.base.errors import InputError
from estimator.core.hardware.plausibility import MAX_FLOPS_PER_J
from estimator.core.training.estimate import DEFAULT_CARBON_INTENSITY_G_PER_KWH, estimate
from estimator.core.training.sweep import sweep
from estimator.core.workload.scenario import Scenario
from estimator.io.datafiles import default_profiles

PROFILES = default_profiles().profiles
IDS = sorted(i for i, p in PROFILES.items() if p.price.usd_per_device_hour is not None)

flops = st.floats(1e15, 1e26)
devices = st.integers(1, 100_000)
util = st.floats(0.01, 1.0)
factor = st.floats(0.1, 10.0)
hw = st.sampled_from(IDS)
settings.register_profile("ci", deadline=None, max_examples=60)
settings.load_profile("ci")


@given(hw, flops, devices, devices, util)
def test_more_devices_never_change_device_hours(h, f, d1, d2, u):
    a = estimate(Scenario(flops=f, devices=d1, utilization=u), PROFILES[h])
    b = estimate(Scenario(flops=f, devices=d2, utilization=u), PROFILES[h])
    assert a.device_hours == pytest.approx(b.device_hours, rel=1e-12)
    assert a.wall_clock_s * d1 == pytest.approx(b.wall_clock_s * d2, rel=1e-12)
    assert a.energy_kwh == pytest.approx(b.energy_kwh, rel=1e-12)


@given(hw, st.floats(1, 1e7), factor, devices)
def test_energy_proportional_to_device_hours(h, dh, k, d):
    a = estimate(Scenario(device_hours=dh, devices=d), PROFILES[h])
    b = estimate(Scenario(device_hours=dh * k, devices=d), PROFILES[h])
    assert b.energy_kwh == pytest.approx(a.energy_kwh * k, rel=1e-9)


@given(hw, flops, factor)
def test_cost_and_co2e_scale_linearly_with_flops_at_a_given_utilisation(h, f, k):
    a = estimate(Scenario(flops=f, utilization=0.3), PROFILES[h])
    b = estimate(Scenario(flops=f * k, utilization=0.3), PROFILES[h])
    assert b.cost_usd == pytest.approx(a.cost_usd * k, rel=1e-9)
    assert b.co2e_kg == pytest.approx(a.co2e_kg * k, rel=1e-9)


@given(hw, flops, st.floats(1, 190), factor)
def test_co2e_linear_in_intensity_and_cost_linear_in_price(h, f, ci, k):
    a = estimate(Scenario(flops=f, carbon_intensity_g_per_kwh=ci, price_usd_per_device_hour=2.0), PROFILES[h])
    b = estimate(Scenario(flops=f, carbon_intensity_g_per_kwh=ci * k, price_usd_per_device_hour=2.0 * k), PROFILES[h])
    assert b.co2e_kg == pytest.approx(a.co2e_kg * k, rel=1e-9)
    assert b.cost_usd == pytest.approx(a.cost_usd * k, rel=1e-9)


# power from 2 W: the least a GPU may draw (core/hardware/plausibility.py: a GPU given 1 W is refused)
@given(st.sampled_from(sorted(PROFILES)), flops, devices, st.one_of(st.none(), util), st.one_of(st.none(), st.floats(2, 2000)))
def test_ranges_contain_point_estimate(h, f, d, u, p):
    # a power the device's peak per watt allows (plausibility.MAX_FLOPS_PER_J: 2 W on an H100 is refused)
    assume(p is None or max(PROFILES[h].peak_flops_per_s.values()) / p <= MAX_FLOPS_PER_J)
    e = estimate(Scenario(flops=f, devices=d, utilization=u, power_w=p), PROFILES[h])
    for key in ("flops", "wall_clock_s", "device_hours", "energy_kwh", "co2e_kg"):
        low, high = e.range[key]
        assert low <= getattr(e, key) * (1 + 1e-12) and getattr(e, key) <= high * (1 + 1e-12)


@given(st.lists(st.tuples(flops, devices, util), min_size=1, max_size=20))
def test_sweep_equals_scalar_estimates(rows):
    p = PROFILES["a100-sxm-80gb"]
    f, d, u = (np.array(x, dtype=float) for x in zip(*rows))
    out = sweep(flops=f, peak_flops_per_s=p.peak(), utilization=u, devices=d, power_w=p.power.average_w,
                pue=p.pue, carbon_intensity_g_per_kwh=DEFAULT_CARBON_INTENSITY_G_PER_KWH,
                price_usd_per_device_hour=p.price.usd_per_device_hour)
    for i, (fi, di, ui) in enumerate(rows):
        e = estimate(Scenario(flops=fi, devices=di, utilization=ui), p)
        assert out["co2e_kg"][i] == pytest.approx(e.co2e_kg, rel=1e-12)
        assert out["cost_usd"][i] == pytest.approx(e.cost_usd, rel=1e-12)
        assert out["wall_clock_s"][i] == pytest.approx(e.wall_clock_s, rel=1e-12)


@pytest.mark.parametrize("flops, devices, utilization, words", [
    (10.0, 1000, 0.3, "less than one operation per device"),       # estimate refuses FLOPs < devices
    (1e32, 1, 0.01, "than the 10¹⁴ an estimate covers"),          # and more device-hours than it covers
])
def test_sweep_refuses_what_estimate_refuses(flops, devices, utilization, words):
    """The array path holds the scalar path's refusals (code audit: sweep answered 2.5 × 10⁻¹⁷ s for 10 FLOPs on
    1,000 devices, and 2.8 × 10²⁴ device-hours): each input alone is in bounds, together they are not."""
    p = PROFILES["v100-sxm2"]
    kw = dict(peak_flops_per_s=p.peak(), power_w=p.power.average_w, pue=p.pue,
              carbon_intensity_g_per_kwh=DEFAULT_CARBON_INTENSITY_G_PER_KWH)
    with pytest.raises(InputError, match=words):
        estimate(Scenario(flops=flops, devices=devices, utilization=utilization), p)
    with pytest.raises(InputError, match=words):
        sweep(flops=np.array([1e20, flops]), utilization=utilization, devices=devices, **kw)
    with pytest.raises(InputError, match="1 of 2 scenarios has "):
        sweep(flops=np.array([1e20, flops]), utilization=utilization, devices=devices, **kw)


def test_sweep_rejects_bad_arrays():
    with pytest.raises(InputError, match="utilisation"):
        sweep(flops=np.array([1e20]), peak_flops_per_s=1e14, utilization=np.array([1.2]), devices=1,
              power_w=300, pue=1.1, carbon_intensity_g_per_kwh=400)
    with pytest.raises(InputError, match="finite"):
        sweep(flops=np.array([1e20, np.nan]), peak_flops_per_s=1e14, utilization=0.3, devices=1,
              power_w=300, pue=1.1, carbon_intensity_g_per_kwh=400)


@given(st.sampled_from(sorted(p for p in PROFILES if PROFILES[p].utilization.fitted)), flops, st.floats(1.01, 10.0))
def test_fitted_cost_grows_with_flops_but_never_faster(h, f, k):
    """The fitted utilisation rises (or stays) with FLOPs: cost per FLOP never rises."""
    a = estimate(Scenario(flops=f), PROFILES[h])
    b = estimate(Scenario(flops=f * k), PROFILES[h])
    assert a.cost_usd is None or a.cost_usd < b.cost_usd <= a.cost_usd * k * (1 + 1e-9)
    assert a.co2e_kg < b.co2e_kg <= a.co2e_kg * k * (1 + 1e-9)
