"""A run whose energy is fixed (a budget in kWh or in t CO₂e), not its FLOPs.

Pure: an estimate, its scenario and profile in; the same estimate with its ranges re-derived out.

An estimate of a number of FLOPs puts the uncertainty of utilisation, peak and power into the
time and everything that follows from it. When the energy is what is fixed, it is not uncertain:
neither is the operational CO₂e (energy × grid intensity) nor an electricity-priced cost. What the
fixed energy buys is uncertain instead: its FLOPs (``laws.scaling.BudgetResult``) and its
device-hours. Energy = device-hours × power × PUE (``core.training.compute``), so device-hours =
energy ÷ (power × PUE): the power's range, inverted, is the range of the device-hours, the time and
a cost priced per device-hour. Utilisation and peak no longer enter them (they set the FLOPs).
"""

from __future__ import annotations

from dataclasses import replace

from estimator.core.base.interval import EXACT as EXACT_BASIS
from estimator.core.base.interval import basis_of, sides
from estimator.core.footprint.total import footprint
from estimator.core.hardware.profile import HardwareProfile
from estimator.core.training.estimate import Estimate
from estimator.core.workload.scenario import Scenario

BY_TIME = ("wall_clock_s", "device_hours")
EXACT = ("energy_kwh", "co2e_kg")


def with_energy_fixed(e: Estimate, scenario: Scenario, profile: HardwareProfile) -> Estimate:
    """``e`` (the estimate of the run the energy buys, at its central FLOPs) with the ranges of a
    run of fixed energy (the module docstring)."""
    power = e.assumption("power_w").value
    if scenario.power_w is not None:
        fewest, most = 1.0, 1.0          # a power the user gives has no range
    else:
        low_w, high_w = profile.power.average_range_w
        fewest, most = min(1.0, power / high_w), max(1.0, power / low_w)
    ranges = dict(e.range)
    for key in BY_TIME:
        x = getattr(e, key)
        ranges[key] = (x * fewest, x * most)
    for key in EXACT:
        ranges[key] = (getattr(e, key), getattr(e, key))
    by_hours = e.cost_usd is not None and e.assumption("electricity_usd_per_kwh") is None
    if e.cost_usd is not None:
        ranges["cost_usd"] = (e.cost_usd * fewest, e.cost_usd * most) if by_hours else (e.cost_usd, e.cost_usd)
    fp = footprint(profile, device_hours=e.device_hours, device_hours_range=ranges["device_hours"],
                   energy_kwh=e.energy_kwh, energy_range_kwh=ranges["energy_kwh"], pue=e.assumption("pue").value,
                   include_embodied=scenario.embodied, lifetime_years=scenario.lifetime_years,
                   cooling=scenario.cooling, wue_l_per_kwh=scenario.wue_l_per_kwh,
                   ewif_l_per_kwh=scenario.ewif_l_per_kwh,
                   country=scenario.grid_country, origin=scenario.origin)
    ranges["embodied_co2e_kg"] = fp.embodied_co2e_range_kg
    ranges["water_l"] = fp.water_range_l
    # what each range now is (scaling audit: the ranges were re-derived but kept the FLOPs estimate's bases, so a
    # time from a stated power range printed unmarked): the time's is the power's, the energy's exact
    power_basis = EXACT_BASIS if fewest == most else basis_of(sides(power, *profile.power.average_range_w),
                                                              fitted=profile.power.fit_group is not None)
    basis = {**e.range_basis, **dict.fromkeys(BY_TIME, power_basis), **dict.fromkeys(EXACT, EXACT_BASIS)}
    if e.cost_usd is not None:
        basis["cost_usd"] = power_basis if by_hours else EXACT_BASIS
    note = ("the energy is fixed: it, the operational CO₂e" + ("" if e.cost_usd is None or by_hours
                                                               else " and the cost at the electricity price")
            + " are exact; device-hours = energy ÷ (power × PUE), so the time" + (" and the cost" if by_hours else "")
            + f" take the power's range, and {_flops_ranges(profile, e.precision, scenario)}")
    return replace(e, range=ranges, range_basis=basis, notes=(*e.notes, note))


def _flops_ranges(profile: HardwareProfile, precision: str, scenario: Scenario) -> str:
    """What ranges go into the FLOPs a fixed energy buys, in words: the utilisation's (a fit's interval, a stated
    range, or the fit's spread around a given figure) and the peak's where it is uncertain (the brain's), or none
    (scaling audit: "the utilisation's range" was said of the brain, whose utilisation is 1 and whose range is
    its peak's)."""
    u = profile.utilization
    util_wide = u.fitted or scenario.utilization is not None or (u.range is not None and u.range[0] < u.range[1])
    low, high = profile.peak_range(precision)
    wide = [w for w, is_wide in (("the utilisation's", util_wide), ("the peak's", low < high)) if is_wide]
    if not wide:
        return "the FLOPs it buys have no range"
    return f"{' and '.join(wide)} range{'s go' if len(wide) > 1 else ' goes'} into the FLOPs it buys"


__all__ = ["with_energy_fixed"]
