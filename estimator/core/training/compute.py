"""The estimator's arithmetic: FLOPs → time → energy → CO₂e → cost.

``compute`` uses only arithmetic operators, so the same function runs on Python floats
(one scenario) and on numpy arrays (a sweep of a million scenarios in one call), with
numpy broadcasting. Input checking happens in ``scenario.validate_scenario`` and
``sweep.sweep``; this module trusts its inputs.
"""

from __future__ import annotations

from estimator.core.base.units import G_PER_KG, S_PER_HOUR, W_PER_KW


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


# Which uncertain inputs each output depends on (their log distances combine in quadrature, each
# side separately, estimator/core/base/interval.py). Time depends on utilisation and peak only when it comes
# from FLOPs; they divide (more utilisation, less time), every other input multiplies.
TIME_FACTORS = ("utilization", "peak")
DIVIDING = frozenset(TIME_FACTORS)
OUTPUT_FACTORS = {
    "wall_clock_s": TIME_FACTORS,
    "device_hours": TIME_FACTORS,
    "energy_kwh": TIME_FACTORS + ("power", "pue"),
    "co2e_kg": TIME_FACTORS + ("power", "pue", "carbon_intensity"),
}


def compute_interval(sides, **point):
    """Point estimate plus the stated interval of each output.

    ``sides`` maps an uncertain input (utilisation, peak, power, pue, carbon_intensity, price)
    to its log distances (down, up) to the ends of its stated interval; an input not named is
    exact. Returns (mid, low, high) dicts. Cost follows device-hours (a price per device-hour)
    or energy (an electricity price).
    """
    from estimator.core.base.interval import around, combine
    mid = compute(**point)
    time_known = point.get("hours") is not None or point.get("device_hours") is not None
    factors = dict(OUTPUT_FACTORS)
    factors["cost_usd"] = (TIME_FACTORS + ("price",) if point.get("price_usd_per_device_hour") is not None
                           else OUTPUT_FACTORS["energy_kwh"] + ("price",))
    low, high = {}, {}
    for key, names in factors.items():
        down, up = [], []
        for n in names:
            if n not in sides or (time_known and n in TIME_FACTORS):
                continue
            d, u = sides[n]
            # a dividing input lowers the output when it goes up
            down.append(u if n in DIVIDING else d)
            up.append(d if n in DIVIDING else u)
        low[key], high[key] = around(mid[key], combine(*down), combine(*up))
    return mid, low, high
