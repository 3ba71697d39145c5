"""The estimator's arithmetic: FLOPs → time → energy → CO₂e → cost.

``compute`` uses only arithmetic operators, so the same function runs on Python floats
(one scenario) and on numpy arrays (a sweep of a million scenarios in one call), with
numpy broadcasting. Input checking happens in ``estimate.py`` and ``sweep``; this module
trusts its inputs.
"""

from __future__ import annotations

from .units import G_PER_KG, S_PER_HOUR, W_PER_KW


def compute(
    *,
    devices,
    power_w,
    pue,
    carbon_intensity_g_per_kwh,
    flops=None,
    peak_flops_per_s=None,
    utilization=None,
    hours=None,
    device_hours=None,
    price_usd_per_device_hour=None,
    electricity_usd_per_kwh=None,
):
    """One pass of the model. Returns a dict of named quantities.

    Time comes from, in this order: ``hours`` (wall clock of a known run),
    ``device_hours`` (of a known run), or FLOPs ÷ (peak × utilisation × devices).

    - device-seconds = FLOPs / (peak_flops_per_s × utilization)   [definition of utilisation]
    - wall_clock_s = device-seconds / devices
    - energy_kwh = device_hours × power_w × PUE / 1000            [P21 eq. for data-centre energy]
    - co2e_kg = energy_kwh × carbon_intensity_g_per_kwh / 1000
    - cost_usd = device_hours × price, or energy_kwh × electricity price
    """
    if hours is not None:
        wall_clock_s = hours * S_PER_HOUR
        device_seconds = wall_clock_s * devices
    elif device_hours is not None:
        device_seconds = device_hours * S_PER_HOUR
        wall_clock_s = device_seconds / devices
    else:
        device_seconds = flops / (peak_flops_per_s * utilization)
        wall_clock_s = device_seconds / devices
    dev_hours = device_seconds / S_PER_HOUR
    it_energy_kwh = dev_hours * power_w / W_PER_KW
    energy_kwh = it_energy_kwh * pue
    co2e_kg = energy_kwh * carbon_intensity_g_per_kwh / G_PER_KG
    if price_usd_per_device_hour is not None:
        cost_usd = dev_hours * price_usd_per_device_hour
    elif electricity_usd_per_kwh is not None:
        cost_usd = energy_kwh * electricity_usd_per_kwh
    else:
        cost_usd = None
    return {
        "wall_clock_s": wall_clock_s,
        "device_hours": dev_hours,
        "it_energy_kwh": it_energy_kwh,
        "energy_kwh": energy_kwh,
        "co2e_kg": co2e_kg,
        "cost_usd": cost_usd,
    }


def compute_with_range(*, utilization_range=None, power_range_w=None, peak_range_flops_per_s=None, **point):
    """Point estimate plus low and high cases.

    Low: highest utilisation and peak (shortest time) with the lowest power; high: the
    opposite. Inputs the user fixed (a known run's hours) carry no range of their own.
    """
    mid = compute(**point)
    low_kw = dict(point)
    high_kw = dict(point)
    if utilization_range is not None and point.get("utilization") is not None:
        low_kw["utilization"], high_kw["utilization"] = utilization_range[1], utilization_range[0]
    if peak_range_flops_per_s is not None and point.get("peak_flops_per_s") is not None:
        low_kw["peak_flops_per_s"], high_kw["peak_flops_per_s"] = peak_range_flops_per_s[1], peak_range_flops_per_s[0]
    if power_range_w is not None:
        low_kw["power_w"], high_kw["power_w"] = power_range_w
    return mid, compute(**low_kw), compute(**high_kw)
