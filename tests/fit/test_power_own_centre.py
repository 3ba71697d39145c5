"""A measured device's own power centre (``[power] measured_device``, ``power_fit.fit_device``):
the model's numbers by hand, its held-out check, and the profile field's errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from estimator.core.base.errors import InputError, ProfileError
from estimator.core.calibration.calibrate import profile_to_dict
from estimator.core.hardware.reader import profile_from_dict
from estimator.fit.power_fit import MIN_OWN, PowerMeasurement, fit_all, fit_device, fit_ratio, leave_one_out
from estimator.io.datafiles import (
    PROFILES_DIR,
    default_profiles,
    load_power_fits,
    load_power_measurements,
    load_utilization_model,
)


def _m(device: str, ratio: float, group: str = "tpu-system", i: int = 0) -> PowerMeasurement:
    return PowerMeasurement(f"{device}-{i}", device, group, 100.0, 100.0 * ratio, "w", "s")


def test_the_centre_is_the_devices_own_and_the_spread_is_pooled_within_devices():
    pts = [_m("a", r, i=i) for i, r in enumerate((0.8, 0.9, 1.0))] + [_m("b", r, i=i) for i, r in enumerate((0.5, 0.6))]
    f = fit_device(pts, "a", level=0.8)
    a, b = np.log([0.8, 0.9, 1.0]), np.log([0.5, 0.6])
    s_w = math.sqrt((((a - a.mean()) ** 2).sum() + ((b - b.mean()) ** 2).sum()) / 3)  # ν = 2 + 1
    half = 1.637744353696210 * s_w * math.sqrt(1 + 1 / 3)  # t_{3, 0.9} (scipy.stats.t.ppf(0.9, 3))
    assert f.center == pytest.approx(math.exp(a.mean()))
    assert (f.low, f.high) == pytest.approx((math.exp(a.mean() - half), math.exp(a.mean() + half)))
    assert (f.device, f.n, f.n_spread, f.sigma_log) == ("a", 3, 5, pytest.approx(s_w))
    assert ("the centre fitted on the 3 measured runs of the a, the spread pooled within devices over the 5 runs of "
            "the group's devices measured more than once") in f.describe()
    assert f.device_tdp_w == 100.0
    # a device measured once gives no spread of its own, but takes no part in the pooled one either
    assert fit_device([*pts, _m("c", 2.0)], "a", level=0.8) == f


def test_a_device_needs_min_own_measurements_and_one_group():
    with pytest.raises(InputError, match=f"at least {MIN_OWN}"):
        fit_device([_m("a", 0.8), _m("b", 0.5, i=1), _m("b", 0.6, i=2)], "a")
    with pytest.raises(InputError, match="one group"):
        fit_device([_m("a", 0.8), _m("a", 0.9, "gpu-system", 1)], "a")


def test_the_shipped_fits_hold_each_device_measured_twice_or_more():
    fits = load_power_fits()
    points = load_power_measurements()
    for (group, device), f in fits.devices.items():
        own = [p.ratio for p in points if p.group == group and p.device == device]
        assert len(own) >= MIN_OWN and f.n == len(own)
        assert f.center == pytest.approx(math.exp(np.mean(np.log(own))))
    assert set(fits.groups) == {"gpu-system", "gpu-chip", "tpu-system"}


def test_tpu_profiles_take_their_generations_draw():
    """The pooled TPU fit was 11% above every v3 measurement and 12% below every v2 one; each
    generation's own centre sits among its measurements (Patterson et al. 2021, Tables 1 and 4)."""
    points = load_power_measurements()
    for pid, device in (("tpu-v2", "TPU v2"), ("tpu-v3", "TPU v3")):
        power = default_profiles().get(pid).power
        measured = [p.measured_w for p in points if p.device == device]
        assert power.fit_device == device and min(measured) < power.average_w < max(measured)
        group = load_power_fits().groups["tpu-system"]
        low, high = power.average_range_w
        assert high / low < group.high / group.low  # narrower than one fit for both generations
        assert f"the {len(measured)} measured runs of the {device}" in power.source
    assert default_profiles().get("tpu-v3").power.average_w == pytest.approx(282.0, abs=0.1)
    assert default_profiles().get("tpu-v2").power.average_w == pytest.approx(221.1, abs=0.1)


def test_leave_one_out_uses_the_own_centre_only_where_named_and_two_remain():
    pts = load_power_measurements()
    own = {("tpu-system", "TPU v2"), ("tpu-system", "TPU v3")}
    named = leave_one_out(pts, 0.8, own)
    plain = leave_one_out(pts, 0.8)
    for a, b in zip(named, plain, strict=True):
        assert a.point == b.point and b.fit.device is None
        mine = sum(p.device == a.point.device and p.group == a.point.group for p in pts) - 1
        if (a.point.group, a.point.device) in own and mine >= MIN_OWN:
            others = [p for p in pts if p.group == a.point.group and p != a.point]
            assert a.fit == fit_device(others, a.point.device, 0.8)
        else:
            assert a.fit == b.fit
    tpu = [c for c in named if c.point.group == "tpu-system"]
    assert all(c.fit.device == c.point.device for c in tpu)
    # the held-out check the profiles' choice rests on: closer than one fit for both generations
    assert np.median([c.factor for c in tpu]) < np.median([c.factor for c in plain if c.point.group == "tpu-system"])


def _tpu_v3_data() -> dict:
    import tomllib
    return tomllib.loads((PROFILES_DIR / "tpu-v3.toml").read_text())


def _load(data: dict) -> object:
    return profile_from_dict(data, "tpu.toml", load_utilization_model(), load_power_fits())


@pytest.mark.parametrize("device", ["TPU v4", "tpu v3", "H100 SXM"])
def test_an_unmeasured_device_is_refused_naming_the_measured_ones(device):
    data = _tpu_v3_data()
    data["power"]["measured_device"] = device
    with pytest.raises(ProfileError) as err:
        _load(data)
    assert err.value.field == "power.measured_device" and f"'{device}'" in err.value.problem
    assert "use one of TPU v2, TPU v3, or drop measured_device" in err.value.fix


def test_a_measured_device_without_a_fit_is_refused():
    data = _tpu_v3_data()
    data["power"] = {"tdp_w": 450.0, "average_w": 300.0, "includes_host": True, "measured_device": "TPU v3",
                     "source": "s"}
    with pytest.raises(ProfileError) as err:
        _load(data)
    assert err.value.field == "power.measured_device" and "without power.fit" in err.value.problem


def test_a_written_profile_keeps_its_measured_device():
    p = default_profiles().get("tpu-v3")
    data = profile_to_dict(p)
    assert data["power"]["measured_device"] == "TPU v3"
    assert _load(data).power == p.power
    # a calibrated (snapshot) profile writes the numbers the device's fit gives now
    snap = profile_to_dict(p, snapshot=True)["power"]
    assert "measured_device" not in snap and snap["average_w"] == pytest.approx(p.power.average_w)


def test_the_fits_group_each_measurement_once():
    fits = fit_all(load_power_measurements())
    for group, f in fits.groups.items():
        assert f == fit_ratio([p for p in load_power_measurements() if p.group == group])


def test_the_docs_give_the_h100s_power_from_its_profile():
    from pathlib import Path
    power = default_profiles().get("h100-sxm").power
    text = " ".join((Path(__file__).resolve().parents[2] / "docs" / "how-to" / "write-a-paper-statement.md").read_text().split())
    assert f"the H100's {power.average_w:.0f} W against its {power.tdp_w:.0f} W TDP" in text


def test_a_device_named_with_another_tdp_is_refused():
    """Review: the own centre is a share of the measured device's TDP; a V100 PCIe (250 W) naming the P100
    SXM2's 300 W runs would have taken the SXM2's share of its own TDP."""
    import tomllib
    data = tomllib.loads((PROFILES_DIR / "v100-pcie.toml").read_text())
    data["power"]["measured_device"] = "P100 SXM2"
    with pytest.raises(ProfileError) as err:
        profile_from_dict(data, "pcie.toml", load_utilization_model(), load_power_fits())
    assert err.value.field == "power.measured_device"
    assert "the P100 SXM2's measurements are shares of a 300 W TDP, but tdp_w is 250 W" in err.value.problem
    with pytest.raises(InputError, match="2 TDPs"):
        fit_device([_m("a", 0.8), PowerMeasurement("a-1", "a", "tpu-system", 200.0, 150.0, "w", "s")], "a")
