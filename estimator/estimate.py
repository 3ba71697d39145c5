"""Scenario + hardware profile → Estimate: the estimator's public entry point.

Pure: frozen dataclasses in, a frozen dataclass out. The CLI and the app both call
``estimate`` so they give the same numbers for the same inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from . import validation as v
from .compute import compute, compute_with_range
from .equivalents import Equivalent, equivalents
from .errors import InputError
from .profile import HardwareProfile
from .workload import dense_training_flops

# World-average grid intensity when none is given: 475 gCO2e/kWh (IEA, Global Energy & CO2
# Status Report 2019), the figure CodeCarbon ships as "world_average" in
# codecarbon/data/private_infra/carbon_intensity_per_source.json.
DEFAULT_CARBON_INTENSITY_G_PER_KWH = 475.0
DEFAULT_CARBON_INTENSITY_SOURCE = "world average, IEA Global Energy & CO2 Status Report 2019 (as shipped by CodeCarbon)"

RESULT_KEYS = ("flops", "wall_clock_s", "device_hours", "energy_kwh", "co2e_kg", "cost_usd")


@dataclass(frozen=True)
class Scenario:
    """What the user asked. ``None`` means: take the profile's value or the default."""

    flops: float | None = None
    flops_source: str | None = None  # how the FLOPs were derived (architecture, generic network)
    params: float | None = None
    tokens: float | None = None
    recompute: bool = False
    devices: int = 1
    utilization: float | None = None
    precision: str | None = None
    hours: float | None = None
    device_hours: float | None = None
    power_w: float | None = None
    pue: float | None = None
    carbon_intensity_g_per_kwh: float | None = None
    carbon_intensity_source: str | None = None
    price_usd_per_device_hour: float | None = None
    electricity_usd_per_kwh: float | None = None
    origin: str = "user"  # who set the non-None fields: "user" or "preset:<id>"


@dataclass(frozen=True)
class Assumption:
    name: str
    value: object
    unit: str
    origin: str  # user, preset:<id>, profile:<id>, default, derived
    source: str

    def to_dict(self) -> dict:
        return {"value": self.value, "unit": self.unit, "origin": self.origin, "source": self.source}


@dataclass(frozen=True)
class EnergyBreakdown:
    """Where the energy goes: the devices, the host's share, the facility (PUE − 1)."""

    devices_kwh: float
    host_kwh: float
    facility_kwh: float


@dataclass(frozen=True)
class Estimate:
    hardware_id: str
    hardware_name: str
    devices: float
    precision: str
    flops: float | None
    wall_clock_s: float
    device_hours: float
    energy_kwh: float
    co2e_kg: float
    cost_usd: float | None
    range: Mapping[str, tuple]
    assumptions: tuple[Assumption, ...]
    equivalents: tuple[Equivalent, ...]
    breakdown: EnergyBreakdown
    achieved_flops_per_s: float | None = None  # per device, when FLOPs are known
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        """The JSON shape of ``estimate --format json``."""
        return {
            "hardware": self.hardware_id,
            "hardware_name": self.hardware_name,
            "devices": self.devices,
            "precision": self.precision,
            **{k: getattr(self, k) for k in RESULT_KEYS},
            "range": {k: list(self.range[k]) for k in RESULT_KEYS},
            "achieved_flops_per_s_per_device": self.achieved_flops_per_s,
            "energy_breakdown_kwh": {
                "devices": self.breakdown.devices_kwh,
                "host": self.breakdown.host_kwh,
                "facility": self.breakdown.facility_kwh,
            },
            "assumptions": {a.name: a.to_dict() for a in self.assumptions},
            "equivalents": {e.key: {"value": e.value, "unit": e.unit, "label": e.label, "source": e.source}
                            for e in self.equivalents},
            "notes": list(self.notes),
        }


def resolve_flops(s: Scenario) -> tuple[float | None, Assumption | None]:
    """FLOPs from the scenario: given directly, or 6·N·D (8·N·D with recomputation)."""
    if s.flops is not None:
        v.require_positive("FLOPs", s.flops)
        return float(s.flops), Assumption("flops", float(s.flops), "FLOP", s.origin, s.flops_source or "given")
    if s.params is not None or s.tokens is not None:
        if s.params is None:
            raise InputError("--tokens needs --params (the model's parameter count)")
        if s.tokens is None:
            raise InputError("--params needs --tokens (the number of training tokens)")
        flops = float(dense_training_flops(s.params, s.tokens, s.recompute))
        rule = "8·N·D, full activation recomputation (Narayanan et al. 2021)" if s.recompute else \
            "6·N·D, dense transformer training (Kaplan et al. 2020, §2.1)"
        return flops, Assumption("flops", flops, "FLOP", "derived", f"{rule} with N = {s.params:.4g}, D = {s.tokens:.4g}")
    return None, None


def _pick(value, user_origin, profile_value, profile: HardwareProfile, profile_source):
    if value is not None:
        return value, user_origin, "given"
    return profile_value, f"profile:{profile.id}", profile_source


def estimate(scenario: Scenario, profile: HardwareProfile) -> Estimate:
    """Estimate time, device-hours, energy, CO₂e and cost of a scenario on a profile."""
    s = scenario
    v.require_devices(s.devices)
    for name, value in (("hours", s.hours), ("device-hours", s.device_hours), ("power (W)", s.power_w),
                        ("carbon intensity (g/kWh)", s.carbon_intensity_g_per_kwh)):
        if value is not None:
            v.require_positive(name, value) if name != "carbon intensity (g/kWh)" else v.require_non_negative(name, value)
    for name, value in (("price per device-hour (USD)", s.price_usd_per_device_hour),
                        ("electricity price (USD/kWh)", s.electricity_usd_per_kwh)):
        if value is not None:
            v.require_non_negative(name, value)
    if s.hours is not None and s.device_hours is not None:
        raise InputError("give either --hours or --device-hours, not both")
    if s.price_usd_per_device_hour is not None and s.electricity_usd_per_kwh is not None:
        raise InputError("give either a price per device-hour or an electricity price, not both")
    if s.utilization is not None:
        v.require_fraction("utilization", s.utilization)
    if s.pue is not None:
        v.require_pue(s.pue)

    flops, flops_assumption = resolve_flops(s)
    time_given = s.hours is not None or s.device_hours is not None
    if flops is None and not time_given:
        raise InputError("give a workload: --flops, --params with --tokens, a preset, or a known run's --hours/--device-hours")

    precision = s.precision or profile.default_precision
    if precision not in profile.peak_flops_per_s:
        raise InputError(f"{profile.id} has no peak for precision '{precision}'; it has: {', '.join(profile.peak_flops_per_s)}")
    peak = profile.peak(precision)
    util, util_origin, util_src = _pick(s.utilization, s.origin, profile.utilization.default, profile,
                                        f"{profile.utilization.basis}; {profile.utilization.source}")
    power_w, power_origin, power_src = _pick(s.power_w, s.origin, profile.power.average_w, profile, profile.power.source)
    pue, pue_origin, pue_src = _pick(s.pue, s.origin, profile.pue, profile, profile.pue_source)
    if s.carbon_intensity_g_per_kwh is not None:
        ci, ci_origin, ci_src = s.carbon_intensity_g_per_kwh, s.origin, s.carbon_intensity_source or "given"
    else:
        ci, ci_origin, ci_src = DEFAULT_CARBON_INTENSITY_G_PER_KWH, "default", DEFAULT_CARBON_INTENSITY_SOURCE

    price_dh = elec = None
    if s.electricity_usd_per_kwh is not None:
        elec = s.electricity_usd_per_kwh
        price_assumption = Assumption("electricity_usd_per_kwh", elec, "USD/kWh", s.origin, "given")
    elif s.price_usd_per_device_hour is not None:
        price_dh = s.price_usd_per_device_hour
        price_assumption = Assumption("price_usd_per_device_hour", price_dh, "USD/device-hour", s.origin, "given")
    else:
        price_dh = profile.price.usd_per_device_hour
        price_assumption = Assumption(
            "price_usd_per_device_hour", price_dh, "USD/device-hour", f"profile:{profile.id}",
            f"{profile.price.basis}, {profile.price.date}; {profile.price.source}" if price_dh is not None
            else f"no price in the profile ({profile.price.basis}); give --price-usd-per-hour or --electricity-usd-per-kwh")

    user_util = s.utilization is not None
    point = dict(devices=s.devices, power_w=power_w, pue=pue, carbon_intensity_g_per_kwh=ci,
                 price_usd_per_device_hour=price_dh, electricity_usd_per_kwh=elec)
    if s.hours is not None:
        point["hours"] = s.hours
    elif s.device_hours is not None:
        point["device_hours"] = s.device_hours
    else:
        point.update(flops=flops, peak_flops_per_s=peak, utilization=util)
    power_range = None if s.power_w is not None else profile.power.average_range_w
    mid, low, high = compute_with_range(
        utilization_range=None if user_util else profile.utilization.range,
        peak_range_flops_per_s=profile.peak_range(precision),
        power_range_w=power_range, **point)

    assumptions = []
    if flops_assumption is not None:
        assumptions.append(flops_assumption)
    assumptions.append(Assumption("hardware", profile.name, "", f"profile:{profile.id}", profile.source_file or profile.id))
    assumptions.append(Assumption("devices", s.devices, "devices", s.origin if s.devices != 1 else "default",
                                  "given" if s.devices != 1 else "1 device unless given"))
    if s.hours is not None:
        assumptions.append(Assumption("hours", s.hours, "h (wall clock)", s.origin, "given: time taken from the known run"))
    elif s.device_hours is not None:
        assumptions.append(Assumption("device_hours", s.device_hours, "device-h", s.origin, "given: time taken from the known run"))
    else:
        assumptions.append(Assumption("precision", precision, "", s.origin if s.precision else f"profile:{profile.id}",
                                      "given" if s.precision else "profile's default precision"))
        assumptions.append(Assumption("peak_flops_per_s", peak, "FLOP/s per device", f"profile:{profile.id}", profile.peak_source))
        assumptions.append(Assumption("utilization", util, "fraction of peak", util_origin, util_src))
    assumptions.append(Assumption("power_w", power_w, "W per device", power_origin,
                                  power_src + ("" if s.power_w is not None else
                                               f" (includes host share: {'yes' if profile.power.includes_host else 'no'})")))
    assumptions.append(Assumption("pue", pue, "", pue_origin, pue_src))
    assumptions.append(Assumption("carbon_intensity_g_per_kwh", ci, "gCO2e/kWh", ci_origin, ci_src))
    assumptions.append(price_assumption)

    def rng(key):
        a, b = low[key], high[key]
        return (min(a, mid[key]), max(b, mid[key])) if a is not None else (None, None)

    ranges = {k: rng(k) for k in ("wall_clock_s", "device_hours", "energy_kwh", "co2e_kg", "cost_usd")}
    ranges["flops"] = (flops, flops)

    host_share = 0.0
    if s.power_w is None and profile.power.includes_host:
        host_share = profile.power.host_share_w / profile.power.average_w
    it = mid["it_energy_kwh"]
    breakdown = EnergyBreakdown(devices_kwh=it * (1 - host_share), host_kwh=it * host_share,
                                facility_kwh=mid["energy_kwh"] - it)
    notes = []
    achieved = None
    if flops is not None:
        achieved = flops / (mid["device_hours"] * 3600.0)
        if time_given:
            notes.append(f"time taken from the known run; achieved {achieved:.3g} FLOP/s per device = "
                         f"{achieved / peak:.1%} of the {precision} peak")
    if not profile.power.includes_host and s.power_w is None:
        notes.append("power excludes the host's share (CPU, memory, network); real draw is higher")
    if mid["cost_usd"] is None:
        notes.append("no cost: the profile has no price; give a price per device-hour or per kWh")

    return Estimate(
        hardware_id=profile.id, hardware_name=profile.name, devices=s.devices, precision=precision,
        flops=flops, wall_clock_s=float(mid["wall_clock_s"]), device_hours=float(mid["device_hours"]),
        energy_kwh=float(mid["energy_kwh"]), co2e_kg=float(mid["co2e_kg"]),
        cost_usd=None if mid["cost_usd"] is None else float(mid["cost_usd"]),
        range=ranges, assumptions=tuple(assumptions),
        equivalents=equivalents(float(mid["energy_kwh"]), float(mid["co2e_kg"])),
        breakdown=breakdown, achieved_flops_per_s=achieved, notes=tuple(notes),
    )


def sweep(*, flops, peak_flops_per_s, utilization, devices, power_w, pue,
          carbon_intensity_g_per_kwh, price_usd_per_device_hour=None, electricity_usd_per_kwh=None):
    """Vectorised estimate over numpy arrays (broadcast): one call for a million scenarios.

    Same arithmetic as ``estimate`` (both call ``compute``); inputs are checked once, as arrays.
    """
    v.require_positive("FLOPs", flops)
    v.require_positive("peak FLOP/s", peak_flops_per_s)
    v.require_fraction("utilization", utilization)
    v.require_devices(devices)
    v.require_positive("power (W)", power_w)
    v.require_pue(pue)
    v.require_non_negative("carbon intensity (g/kWh)", carbon_intensity_g_per_kwh)
    arrays = {k: np.asarray(x, dtype=float) for k, x in dict(
        flops=flops, peak_flops_per_s=peak_flops_per_s, utilization=utilization, devices=devices,
        power_w=power_w, pue=pue, carbon_intensity_g_per_kwh=carbon_intensity_g_per_kwh).items()}
    if price_usd_per_device_hour is not None:
        arrays["price_usd_per_device_hour"] = np.asarray(price_usd_per_device_hour, dtype=float)
    if electricity_usd_per_kwh is not None:
        arrays["electricity_usd_per_kwh"] = np.asarray(electricity_usd_per_kwh, dtype=float)
    return compute(**arrays)
