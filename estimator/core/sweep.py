"""The estimate over numpy arrays: a million scenarios in one call (pure).

The same arithmetic as ``estimate.estimate`` (both call ``compute.compute``); the inputs are
checked once, as arrays, and every result must be finite.
"""

from __future__ import annotations

import numpy as np

from estimator.core import bounds as B
from estimator.core import validation as v
from estimator.core.compute import compute
from estimator.core.errors import InputError
from estimator.core.scenario import check_one_price


def sweep(*, flops, peak_flops_per_s, utilization, devices, power_w, pue,
          carbon_intensity_g_per_kwh, price_usd_per_device_hour=None, electricity_usd_per_kwh=None):
    """Vectorised estimate over numpy arrays (broadcast): one call for a million scenarios.

    Same arithmetic as ``estimate`` (both call ``compute``); inputs are checked once, as arrays.
    """
    v.require_in("FLOPs", flops, B.FLOPS)
    v.require_in("peak FLOP/s", peak_flops_per_s, B.PEAK_FLOPS_PER_S)
    v.require_in("utilisation", utilization, B.UTILIZATION, field="utilization")
    v.require_in("devices", devices, B.DEVICES)
    v.require_in("power per device (W)", power_w, B.POWER_W)
    v.require_in("PUE", pue, B.PUE, field="pue")
    v.require_in("grid carbon intensity (g/kWh)", carbon_intensity_g_per_kwh, B.CARBON_INTENSITY_G_PER_KWH)
    check_one_price(price_usd_per_device_hour, electricity_usd_per_kwh)
    if price_usd_per_device_hour is not None:
        v.require_in("price per device-hour (USD)", price_usd_per_device_hour, B.PRICE_USD_PER_DEVICE_HOUR)
    if electricity_usd_per_kwh is not None:
        v.require_in("electricity price (USD/kWh)", electricity_usd_per_kwh, B.ELECTRICITY_USD_PER_KWH)
    arrays = {k: np.asarray(x, dtype=float) for k, x in dict(
        flops=flops, peak_flops_per_s=peak_flops_per_s, utilization=utilization, devices=devices,
        power_w=power_w, pue=pue, carbon_intensity_g_per_kwh=carbon_intensity_g_per_kwh).items()}
    if price_usd_per_device_hour is not None:
        arrays["price_usd_per_device_hour"] = np.asarray(price_usd_per_device_hour, dtype=float)
    if electricity_usd_per_kwh is not None:
        arrays["electricity_usd_per_kwh"] = np.asarray(electricity_usd_per_kwh, dtype=float)
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    except ValueError:  # numpy's own words name no input: say which shapes were given
        shapes = ", ".join(f"{k} {a.shape}" for k, a in arrays.items() if a.shape)
        raise InputError(f"the inputs' shapes cannot be broadcast together: {shapes}") from None
    if 0 in shape:
        raise InputError("the inputs hold no scenario (an empty array)")
    out = compute(**arrays)
    for key, value in out.items():
        v.require_finite_result(key, value)
    return out
