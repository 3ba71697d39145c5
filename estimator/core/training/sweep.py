"""The estimate over numpy arrays: a million scenarios in one call (pure).

The same arithmetic as ``estimate.estimate`` (both call ``compute.compute``); the inputs are
checked once, as arrays, and refused where ``estimate`` refuses them: fewer FLOPs than devices, and
fewer or more device-hours than an estimate covers. Every result must be finite.
"""

from __future__ import annotations

import numpy as np

from estimator.core.base import bounds as B
from estimator.core.base import validation as v
from estimator.core.base.errors import InputError, ResultOutOfBounds
from estimator.core.base.number_text import gfmt
from estimator.core.training.compute import compute
from estimator.core.workload.scenario import check_one_price

SWEEP_INPUTS = ("flops", "peak_flops_per_s", "utilization", "devices", "power_w", "pue", "carbon_intensity_g_per_kwh",
                "price_usd_per_device_hour", "electricity_usd_per_kwh")


def sweep(*, flops=None, peak_flops_per_s=None, utilization=None, devices=None, power_w=None, pue=None,
          carbon_intensity_g_per_kwh=None, price_usd_per_device_hour=None, electricity_usd_per_kwh=None, **other):
    """Vectorised estimate over numpy arrays (broadcast): one call for a million scenarios.

    Same arithmetic as ``estimate`` (both call ``compute``); inputs are checked once, as arrays. Every input but the
    prices is needed; one left out or misspelt is refused by name, not as Python's TypeError (API review 2026-11-29).
    """
    v.refuse_unknown(other, SWEEP_INPUTS)
    given = dict(flops=flops, peak_flops_per_s=peak_flops_per_s, utilization=utilization, devices=devices,
                 power_w=power_w, pue=pue, carbon_intensity_g_per_kwh=carbon_intensity_g_per_kwh)
    missing = [k for k, x in given.items() if x is None]
    if missing:
        raise InputError(f"a sweep needs {', '.join(missing)} (each a number or an array)", field=tuple(missing))
    v.require_in("FLOPs", flops, B.FLOPS, field="flops")
    v.require_in("peak FLOP/s", peak_flops_per_s, B.PEAK_FLOPS_PER_S, field="peak_flops_per_s")
    v.require_in("utilisation", utilization, B.UTILIZATION, field="utilization")
    v.require_in("devices", devices, B.DEVICES, field="devices")
    v.require_in("power per device (W)", power_w, B.POWER_W, field="power_w")
    v.require_in("PUE", pue, B.PUE, field="pue")
    v.require_in("grid carbon intensity (g/kWh)", carbon_intensity_g_per_kwh, B.CARBON_INTENSITY_G_PER_KWH,
                 field="carbon_intensity_g_per_kwh")
    check_one_price(price_usd_per_device_hour, electricity_usd_per_kwh)
    if price_usd_per_device_hour is not None:
        v.require_in("price per device-hour (USD)", price_usd_per_device_hour, B.PRICE_USD_PER_DEVICE_HOUR,
                     field="price_usd_per_device_hour")
    if electricity_usd_per_kwh is not None:
        v.require_in("electricity price (USD/kWh)", electricity_usd_per_kwh, B.ELECTRICITY_USD_PER_KWH,
                     field="electricity_usd_per_kwh")
    # + 0.0: a negative zero as zero, as a Scenario takes it (a result is never -0.0: diff review 2026-12-03)
    arrays = {k: np.asarray(x, dtype=float) + 0.0 for k, x in dict(
        flops=flops, peak_flops_per_s=peak_flops_per_s, utilization=utilization, devices=devices,
        power_w=power_w, pue=pue, carbon_intensity_g_per_kwh=carbon_intensity_g_per_kwh).items()}
    if price_usd_per_device_hour is not None:
        arrays["price_usd_per_device_hour"] = np.asarray(price_usd_per_device_hour, dtype=float) + 0.0
    if electricity_usd_per_kwh is not None:
        arrays["electricity_usd_per_kwh"] = np.asarray(electricity_usd_per_kwh, dtype=float) + 0.0
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    except ValueError:  # numpy's own words name no input: say which shapes were given
        shapes = ", ".join(f"{k} {a.shape}" for k, a in arrays.items() if a.shape)
        raise InputError(f"the inputs' shapes cannot be broadcast together: {shapes}") from None
    if 0 in shape:
        raise InputError("the inputs hold no scenario (an empty array)")
    few = arrays["flops"] < arrays["devices"]
    if few.any():  # as ``estimate``: a device cannot do a fraction of an operation (code audit: sweep answered)
        raise InputError(f"{_scenarios(few, shape)} less than one operation per device: give more FLOPs or fewer "
                         "devices", field=("flops", "devices"))
    out = compute(**arrays)
    for key, value in out.items():
        v.require_finite_result(key, value)
    under = np.asarray(out["device_hours"]) < B.DEVICE_HOURS.low
    if under.any():  # the bound's low end, as ``estimate`` holds it (a run of 1 FLOP had been 3.4 × 10⁻¹⁵ s)
        raise ResultOutOfBounds(f"{_scenarios(under, shape)} a run under the one device-millisecond an estimate covers: "
                                "give a larger workload", field=("flops",),
                                device_hours=float(np.min(out["device_hours"])))
    over = np.asarray(out["device_hours"]) > B.DEVICE_HOURS.high
    if over.any():  # the bound ``estimate`` holds a run to (code audit: sweep gave 2.8 × 10²⁴ device-hours)
        raise ResultOutOfBounds(f"{_scenarios(over, shape)} more device-hours than the {gfmt(B.DEVICE_HOURS.high)} an "
                                f"estimate covers ({B.DEVICE_HOURS.source}); give a smaller workload or a higher "
                                "utilisation", field=("flops", "utilization"),
                                device_hours=float(np.max(out["device_hours"])))
    return out


def _scenarios(mask, shape) -> str:
    """"2 of 5 scenarios have" / "the scenario has": how many of the broadcast scenarios a refusal is about."""
    n, total = int(np.count_nonzero(np.broadcast_to(mask, shape))), int(np.prod(shape))
    return "the scenario has" if total == 1 else f"{n:,} of {total:,} scenarios {'has' if n == 1 else 'have'}"
