"""Scenario + hardware profile → Estimate: the estimator's public entry point.

Pure: frozen dataclasses in, a frozen dataclass out. The CLI and the app both call
``estimate`` so they give the same numbers for the same inputs.

``estimate`` runs in stages, each a function of its own:

1. the workload: FLOPs, devices, precision and peak (``estimate_inputs.resolve_workload``);
2. the utilisation the time is computed at (``estimate_inputs.time_basis``);
3. the site's power, PUE, grid intensity and price (``estimate_inputs.site_inputs``);
4. the time, device-hours, energy, CO₂e and cost, with their ranges (``_time_and_energy``);
5. the embodied carbon, the water and what each range is (``_ranges``);
6. the assumptions and the notes (``estimate_words``).
"""

from __future__ import annotations

from dataclasses import dataclass

from estimator.core.base import bounds as B
from estimator.core.base import validation as v
from estimator.core.base.errors import InputError, ResultOutOfBounds
from estimator.core.base.interval import EXACT, LEVEL, STATED, basis_of, combined_basis, sides
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import S_PER_HOUR
from estimator.core.footprint import water as wt
from estimator.core.footprint.equivalents import equivalents
from estimator.core.footprint.total import Footprint, footprint
from estimator.core.hardware.calibration_section import calibration_facts
from estimator.core.hardware.profile import HardwareProfile
from estimator.core.training.compute import compute, compute_interval
from estimator.core.training.inputs import (  # noqa: F401 (the default grid intensity, importable from here as before)
    DEFAULT_CARBON_INTENSITY_G_PER_KWH,
    DEFAULT_CARBON_INTENSITY_SOURCE,
    SiteInputs,
    TimeBasis,
    Workload,
    resolve_workload,
    site_inputs,
    time_basis,
)
from estimator.core.training.result import (  # noqa: F401 (the estimate's types, importable from here as before)
    ALL_KEYS,
    FOOTPRINT_KEYS,
    RESULT_KEYS,
    Assumption,
    EnergyBreakdown,
    Estimate,
    GridPlace,
)
from estimator.core.training.words import above_published_mfu, assumptions, notes_and_caveats
from estimator.core.workload.flops import FLOPS_PER_PARAM_TOKEN_TRAIN, FLOPS_PER_PARAM_TOKEN_TRAIN_RECOMPUTE
from estimator.core.workload.scenario import Scenario

# The figures the time and the energy give, each with a range (``compute.compute_interval``'s keys).
_FIGURES = ("wall_clock_s", "device_hours", "energy_kwh", "co2e_kg", "cost_usd")


@dataclass(frozen=True)
class Figures:
    """The run's figures at the centre and at the low and high ends of their ranges (``compute``'s
    dicts), the log sides of the inputs the ranges come from, and the FLOP/s each device achieved."""
    mid: dict
    low: dict
    high: dict
    input_sides: dict                  # "utilization", "peak", "power": (down, up) log distances
    achieved_flops_per_s: float | None  # where the FLOPs are known
    stepped: bool = False              # the time is the step model's (its range a cross-validated prediction interval)
    at_peak: bool = False              # the time's shorter end is the whole peak's (the spread reached past it)


@dataclass(frozen=True)
class Ranges:
    """Each figure's (low, high), what each range is (``interval.PREDICTION``, ``STATED``, ``EXACT``),
    and the embodied carbon and water (``footprint``) whose ranges are among them."""
    ranges: dict
    basis: dict
    footprint: Footprint


def estimate(scenario: Scenario, profile: HardwareProfile, step=None) -> Estimate:
    """Estimate time, device-hours, energy, CO₂e and cost of a scenario on a profile. ``step``: the run's time
    from the step model (``estimator.core.training.plan.StepRun``: a layout or a shape was given), in place of
    the fitted utilisation; None: the FLOPs at the fitted utilisation, as before."""
    if not isinstance(scenario, Scenario):  # the project's error, not an AttributeError deep inside (audit)
        raise InputError(f"expected a Scenario, got {type(scenario).__name__}")
    if not isinstance(profile, HardwareProfile):
        raise InputError(f"expected a HardwareProfile, got {type(profile).__name__}: load one with "
                         "estimator.load_profile (an id, a name or a profile file)", field="hardware")
    s = scenario
    w = resolve_workload(s, profile)
    if step is not None and (w.time_given or w.flops is None):
        step = None  # a known run's time needs no step model
    t = time_basis(s, profile, w, step)
    site = site_inputs(s, profile)
    fig = _time_and_energy(s, profile, w, t, site)
    mid = fig.mid
    r = _ranges(s, profile, w, fig, site)
    fp = r.footprint
    said = assumptions(s, profile, w, t, site, fp.assumptions)
    # the model FLOPs' rate, as the published layouts' MFU counts (diff review 2026-11-29: with full recomputation the
    # executed 8·N·D's 73% was held to their 65% of 6·N·D)
    model_achieved = (None if fig.achieved_flops_per_s is None else fig.achieved_flops_per_s * (
        FLOPS_PER_PARAM_TOKEN_TRAIN / FLOPS_PER_PARAM_TOKEN_TRAIN_RECOMPUTE if s.recompute else 1.0))
    notes, caveats = notes_and_caveats(s, profile, w, t, achieved=fig.achieved_flops_per_s, model_achieved=model_achieved,
                                       has_cost=mid["cost_usd"] is not None,
                                       carbon_intensity_g_per_kwh=site.carbon_intensity_g_per_kwh.value, footprint_notes=fp.notes)
    if fig.at_peak:
        # said (researcher review 2026-11-28: 0.6 given, its range's 3.84 days were the whole peak's, unsaid)
        notes = (*notes, "the time's range stops at the whole peak (100% utilisation, the highest peak the profile "
                         "states): its spread reaches past it, and no run is faster; the range's shorter end is not "
                         "a run to plan on")
    derived = w.flops_assumption is not None and w.flops_assumption.origin == "derived"
    return Estimate(
        hardware_id=profile.id, hardware_name=profile.name, hardware_release_year=profile.release_year,
        hardware_kind=profile.kind,
        devices=w.devices, precision=w.precision, flops=w.flops, wall_clock_s=float(mid["wall_clock_s"]),
        device_hours=float(mid["device_hours"]),
        energy_kwh=float(mid["energy_kwh"]), co2e_kg=float(mid["co2e_kg"]),
        cost_usd=None if mid["cost_usd"] is None else float(mid["cost_usd"]),
        range=r.ranges, assumptions=tuple(said),
        equivalents=equivalents(float(mid["energy_kwh"]), float(mid["co2e_kg"])),
        breakdown=_energy_breakdown(s, profile, mid), achieved_flops_per_s=fig.achieved_flops_per_s,
        implied_peak_share=above_published_mfu(model_achieved, w.peak_flops_per_s) if w.time_given else None,
        notes=tuple(notes), fit_caveats=tuple(caveats), level=LEVEL,
        time_flops=t.time_flops if t.time_flops != w.flops else None,
        flops_per_param_token=(None if not derived else
                               FLOPS_PER_PARAM_TOKEN_TRAIN_RECOMPUTE if s.recompute else FLOPS_PER_PARAM_TOKEN_TRAIN),
        active_params=s.active_params if derived else None,
        utilization=t.choice.info if t.choice is not None else None,
        embodied_co2e_kg=fp.embodied_co2e_kg, water_l=fp.water_l, range_basis=r.basis,
        calibration=calibration_facts(profile.calibration, profile.power.includes_host),
        price_basis=site.pricing.basis,
        power_includes_host=None if s.power_w is not None else profile.power.includes_host,
        ewif_country=None if s.ewif_l_per_kwh is not None else wt.ewif_country(s.grid_country),
        ewif_fallback_country=None if s.ewif_l_per_kwh is not None else wt.ewif_fallback(s.grid_country),
        # the grid's country as the scenario names it (the service adds its name and a cloud region): a core
        # caller's provenance had the water's fallback country beside no grid country (review)
        grid=GridPlace(country=s.grid_country) if s.grid_country else None,
        step=t.step,
    )


def _time_and_energy(s: Scenario, profile: HardwareProfile, w: Workload, t: TimeBasis,
                     site: SiteInputs) -> Figures:
    """The time, device-hours, energy, CO₂e and cost at the centre and the ends of their ranges: from
    a known run's time, or from the FLOPs at the utilisation and the peak, the ranges from those of the
    utilisation, the peak and the power. Refuses figures that are not finite, device-hours past their
    bound, and a known run's time its FLOPs contradict."""
    power_w = site.power_w.value
    point = dict(devices=w.devices, power_w=power_w, pue=site.pue.value,
                 carbon_intensity_g_per_kwh=site.carbon_intensity_g_per_kwh.value,
                 price_usd_per_device_hour=site.pricing.usd_per_device_hour,
                 electricity_usd_per_kwh=site.pricing.usd_per_kwh)
    if s.hours is not None:
        point["hours"] = s.hours
    elif s.device_hours is not None:
        point["device_hours"] = s.device_hours
    else:
        point.update(flops=t.time_flops, peak_flops_per_s=w.peak_flops_per_s, utilization=t.choice.value)
    peak_low, peak_high = profile.peak_range(w.precision)
    input_sides = {
        "utilization": t.choice.log_sides if t.choice is not None else (0.0, 0.0),
        # the step model's cross-validated range already holds its error at the stated peak
        "peak": (0.0, 0.0) if t.step is not None else sides(w.peak_flops_per_s, peak_low, peak_high),
        "power": (0.0, 0.0) if s.power_w is not None else sides(power_w, *profile.power.average_range_w),
    }
    mid, low, high = compute_interval(input_sides, **point)
    at_peak = False
    if not w.time_given:
        # no run beats 100% of the device's highest peak: the time interval stops there, and so do
        # what follows from the time (energy, CO₂e and cost at the lowest power in the range)
        power_low = power_w if s.power_w is not None else min(power_w, profile.power.average_range_w[0])
        # the FLOPs the devices execute, recomputation included: the step model's own where it timed the run (a
        # mixture of experts' 6·N·D counts every expert, which its tokens do not run: the floor was above the time)
        executed = w.flops if t.step is None else t.step.step.hardware_flops_per_token * t.step.tokens
        floor = compute(**{**point, "flops": executed, "utilization": 1.0, "peak_flops_per_s": peak_high,
                           "power_w": power_low})
        at_peak = low["wall_clock_s"] < floor["wall_clock_s"]
        for key in ("wall_clock_s", "device_hours", "energy_kwh", "co2e_kg"):
            low[key] = max(low[key], floor[key])
        if low["cost_usd"] is not None:
            low["cost_usd"] = max(low["cost_usd"], floor["cost_usd"])

    for key in _FIGURES:
        for d in (mid, low, high):
            v.require_finite_result(key.rsplit("_", 1)[0].replace("_", " "), d[key])
    _require_device_hours_in_bounds(mid, w.time_given, s)
    if w.flops is not None and w.time_given:
        _require_time_within_peak(w, profile, mid["device_hours"], peak_low, peak_high)
    achieved = None if w.flops is None else w.flops / (mid["device_hours"] * S_PER_HOUR)
    return Figures(mid=mid, low=low, high=high, input_sides=input_sides, achieved_flops_per_s=achieved,
                   stepped=t.step is not None, at_peak=at_peak)


def _require_device_hours_in_bounds(mid: dict, time_given: bool, s: Scenario) -> None:
    """The estimate's device-hours inside the bound a number of device-hours given directly must meet (CLI
    audit: ``--hours 1e8 --devices 1e7`` printed 10¹⁵ device-hours, which ``--device-hours`` refuses, and
    FLOPs at a millionth of peak 2.8 × 10¹⁹ device-hours, 3 × 10¹⁵ years)."""
    if mid["device_hours"] > B.DEVICE_HOURS.high:
        if time_given:
            fields, fix = ("hours" if s.hours is not None else "device_hours", "devices"), "fewer hours or devices"
        else:  # the workload's own inputs (review: a run of parameters and tokens was told to give fewer FLOPs)
            workload = ("flops",) if s.flops is not None else ("params", "tokens")
            fields, fix = workload + ("utilization",), "a smaller workload or a higher utilisation"
        raise ResultOutOfBounds(f"the run would take {gfmt(mid['device_hours'], 3)} device-hours, more than the "
                                f"{gfmt(B.DEVICE_HOURS.high)} an estimate covers ({B.DEVICE_HOURS.source}); give {fix}",
                                field=fields, device_hours=mid["device_hours"])


def _require_time_within_peak(w: Workload, profile: HardwareProfile, device_hours: float,
                              peak_low: float, peak_high: float) -> None:
    """A known run's FLOPs and time that can belong to one run: no more than the highest peak, and no
    less than the least utilisation taken of the lowest."""
    flops, precision = w.flops, w.precision
    implied = flops / (device_hours * S_PER_HOUR * peak_high)
    if implied > 1:
        raise InputError(f"the known run's time with {gfmt(flops, 3)} FLOPs means {gfmt(implied, 3)}× the {precision} peak "
                         f"of {profile.name}: more than the peak is impossible; check the FLOPs, the time and "
                         "the devices", field=("flops", "hours", "device_hours", "devices"))
    # the least peak gives the most the run could have used: below the utilisation bound even so,
    # the FLOPs and the time cannot belong to one run (a utilisation given that low is refused too)
    most = flops / (device_hours * S_PER_HOUR * peak_low)
    if most < B.UTILIZATION.low:
        raise InputError(f"the known run's time with {gfmt(flops, 3)} FLOPs means {gfmt(most, 3)} of the {precision} peak "
                         f"of {profile.name}, below the least utilisation taken ({gfmt(B.UTILIZATION.low)}): check "
                         "the FLOPs, the time and the devices", field=("flops", "hours", "device_hours"))


def _ranges(s: Scenario, profile: HardwareProfile, w: Workload, fig: Figures, site: SiteInputs) -> Ranges:
    """Each figure's range (the FLOPs' exact), the embodied carbon and the water with theirs
    (``footprint``), and what each range is (``_range_bases``)."""
    mid, low, high = fig.mid, fig.low, fig.high
    ranges = {k: (None, None) if low[k] is None else (float(low[k]), float(high[k])) for k in _FIGURES}
    ranges["flops"] = (w.flops, w.flops)
    fp = footprint(profile, device_hours=float(mid["device_hours"]), device_hours_range=ranges["device_hours"],
                   energy_kwh=float(mid["energy_kwh"]), energy_range_kwh=ranges["energy_kwh"], pue=site.pue.value,
                   include_embodied=s.embodied, lifetime_years=s.lifetime_years, cooling=s.cooling,
                   wue_l_per_kwh=s.wue_l_per_kwh, ewif_l_per_kwh=s.ewif_l_per_kwh, country=s.grid_country, origin=s.origin)
    ranges["embodied_co2e_kg"] = fp.embodied_co2e_range_kg
    ranges["water_l"] = fp.water_range_l
    basis = _range_bases(s, profile, fig.input_sides, w.time_given, site.pricing.usd_per_kwh is not None,
                         stepped=fig.stepped)
    return Ranges(ranges=ranges, basis=basis, footprint=fp)


def _range_bases(s: Scenario, profile: HardwareProfile, input_sides, time_given: bool, by_energy: bool,
                 stepped: bool = False) -> dict:
    """What each range is (interval.PREDICTION, STATED, EXACT): the fits' prediction intervals, a
    range a source states, or exact. A calibration's single measurement (a zero-width utilisation
    or power of the profile's) is one stated figure, not exact. ``by_energy``: the cost is the
    energy's (an electricity price), else the device-hours'."""
    one_figure = STATED if profile.calibration is not None else EXACT
    util = basis_of(input_sides["utilization"], profile.utilization.fitted or stepped)
    time = EXACT if time_given else combined_basis(
        one_figure if util == EXACT and s.utilization is None else util, basis_of(input_sides["peak"], fitted=False))
    power = basis_of(input_sides["power"], profile.power.fit_group is not None)
    energy = combined_basis(time, one_figure if power == EXACT and s.power_w is None else power)
    return {"flops": EXACT, "wall_clock_s": time, "device_hours": time, "energy_kwh": energy, "co2e_kg": energy,
            "cost_usd": energy if by_energy else time, "embodied_co2e_kg": STATED, "water_l": STATED}


def _energy_breakdown(s: Scenario, profile: HardwareProfile, mid: dict) -> EnergyBreakdown:
    """Where the energy goes: the devices, the host's share of the power (where the profile's power
    includes it and none was given), and the facility (PUE − 1)."""
    host_share = 0.0
    if s.power_w is None and profile.power.includes_host:
        host_share = profile.power.host_share_w / profile.power.average_w
    it = mid["it_energy_kwh"]
    return EnergyBreakdown(devices_kwh=it * (1 - host_share), host_kwh=it * host_share,
                           facility_kwh=mid["energy_kwh"] - it)
