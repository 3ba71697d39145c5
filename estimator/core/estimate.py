"""Scenario + hardware profile → Estimate: the estimator's public entry point.

Pure: frozen dataclasses in, a frozen dataclass out. The CLI and the app both call
``estimate`` so they give the same numbers for the same inputs.
"""

from __future__ import annotations

from dataclasses import replace

from estimator.core import bounds as B
from estimator.core import validation as v
from estimator.core import water as wt
from estimator.core.calibration_section import calibration_facts
from estimator.core.compute import compute, compute_interval
from estimator.core.equivalents import equivalents
from estimator.core.errors import InputError, ResultOutOfBounds
from estimator.core.estimate_result import (  # noqa: F401 (the estimate's types, importable from here as before)
    ALL_KEYS,
    FOOTPRINT_KEYS,
    RESULT_KEYS,
    Assumption,
    EnergyBreakdown,
    Estimate,
    GridPlace,
)
from estimator.core.fit_caveats import OtherPeak, UnlikeHeldOut
from estimator.core.footprint import footprint
from estimator.core.inference_power import power_base
from estimator.core.interval import EXACT, LEVEL, STATED, basis_of, combined_basis, sides
from estimator.core.number_text import gfmt
from estimator.core.profile import HardwareProfile, alone_words
from estimator.core.profile_limits import power_over_tdp_note, require_power_for_kind
from estimator.core.scenario import Scenario, validate_scenario
from estimator.core.units import S_PER_HOUR
from estimator.core.utilization_choice import UtilizationInfo, beyond_fitted_scale, utilization_for  # noqa: F401
from estimator.core.utilization_model import family_label
from estimator.core.workload import (
    FLOPS_PER_PARAM_TOKEN_TRAIN,
    FLOPS_PER_PARAM_TOKEN_TRAIN_RECOMPUTE,
    RECOMPUTE_TO_MODEL_FLOPS,
    dense_training_flops,
)

# World-average grid intensity when none is given: 475 gCO2e/kWh (IEA, Global Energy & CO2
# Status Report 2019), the figure CodeCarbon ships as "world_average" in
# codecarbon/data/private_infra/carbon_intensity_per_source.json.
DEFAULT_CARBON_INTENSITY_G_PER_KWH = 475.0
DEFAULT_CARBON_INTENSITY_SOURCE = "world average, IEA Global Energy & CO2 Status Report 2019 (as shipped by CodeCarbon)"


def resolve_flops(s: Scenario) -> tuple[float | None, Assumption | None]:
    """FLOPs from the scenario: given directly, or 6·N·D (8·N·D with recomputation)."""
    if s.flops is not None:
        return float(s.flops), Assumption("flops", float(s.flops), "FLOP", s.origin("flops"),
                                          s.flops_source or s.source("flops"))
    if s.params is not None or s.tokens is not None:
        if s.params is None:
            raise InputError("tokens need a parameter count (6·N·D needs both N and D)")
        if s.tokens is None:
            raise InputError("a parameter count needs the number of training tokens (6·N·D needs both N and D)",
                             field="tokens")
        flops = float(dense_training_flops(s.params, s.tokens, s.recompute))
        if not (B.FLOPS.low <= flops <= B.FLOPS.high):
            # each input is inside its own bound; their product is not: name the two, not a FLOPs input
            factor = FLOPS_PER_PARAM_TOKEN_TRAIN_RECOMPUTE if s.recompute else FLOPS_PER_PARAM_TOKEN_TRAIN
            raise InputError(f"the FLOPs from the parameters and tokens, {gfmt(factor)} × "
                             f"{gfmt(s.params, 3)} × {gfmt(s.tokens, 3)} = {gfmt(flops, 3)}, must be {B.FLOPS.describe()}: "
                             "change the parameters or the tokens", field=("params", "tokens"))
        rule = "8·N·D, full activation recomputation (Narayanan et al. 2021)" if s.recompute else \
            "6·N·D, dense transformer training (Kaplan et al. 2020, §2.1)"
        return flops, Assumption("flops", flops, "FLOP", "derived",
                                 f"{rule} with N = {gfmt(s.params, 4)}{_whose(s, 'params')}, D = {gfmt(s.tokens, 4)}{_whose(s, 'tokens')}")
    return None, None


def _whose(s: Scenario, name: str) -> str:
    """" (preset meena: Adiwardana et al. 2020, …)" after a count a preset set (its model's size, its tokens),
    so that the FLOPs derived from it name its source; nothing after one the user gave."""
    source = s.source(name)
    return "" if source == "given" else f" ({s.origin(name).replace(':', ' ', 1)}: {source})"


def _pick(s: Scenario, name: str, profile_value, profile: HardwareProfile, profile_source):
    value = getattr(s, name)
    if value is not None:
        return value, s.origin(name), s.source(name)
    return profile_value, f"profile:{profile.id}", profile_source


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


def estimate(scenario: Scenario, profile: HardwareProfile) -> Estimate:
    """Estimate time, device-hours, energy, CO₂e and cost of a scenario on a profile."""
    s = scenario
    validate_scenario(s)
    devices = int(s.devices)  # a whole number (checked): 8, never 8.0, in the assumptions and the JSON
    flops, flops_assumption = resolve_flops(s)
    time_given = s.hours is not None or s.device_hours is not None
    if flops is None and not time_given:
        raise InputError("no workload: give the FLOPs, the parameters and tokens, a preset, or a known run's hours or "
                         "device-hours", field=("flops", "params", "preset", "hours", "device_hours"))
    if flops is not None and flops < devices:
        # not a thought experiment but a contradiction: a device cannot do a fraction of an operation
        raise InputError(f"{gfmt(flops, 3)} FLOPs on {devices:,} devices is less than one operation per device: give more "
                         "FLOPs or fewer devices", field=("flops", "devices"))

    precision = s.precision or profile.default_precision
    if precision not in profile.peak_flops_per_s:
        raise InputError(f"{profile.id} has no peak for precision '{precision}'; it has: {', '.join(profile.peak_flops_per_s)}",
                         field="precision")
    peak = profile.peak(precision)
    util = half_util = util_note = util_info = recompute_note = None
    time_flops = flops
    if not time_given:
        # the fitted utilisation is model-FLOPs goodput over runs that count 6·N·D (profiles/README.md),
        # recomputation or not: with it, time comes from 6·N·D, not the 8·N·D the devices execute
        model_flops = flops * RECOMPUTE_TO_MODEL_FLOPS if s.recompute else flops
        util, half_util, util_origin, util_src, util_note, util_info = utilization_for(s, profile, model_flops)
        if s.recompute and util_origin.startswith("fit:"):
            time_flops = model_flops
            recompute_note = (f"full recomputation: the devices execute 8·N·D = {gfmt(flops, 3)} FLOPs, but the fitted "
                              f"utilisation counts model FLOPs (6·N·D = {gfmt(model_flops, 3)}) and already includes "
                              "recomputation where its runs used it, so the time comes from 6·N·D")
    power_w, power_origin, power_src = _pick(s, "power_w", profile.power.average_w, profile, profile.power.source)
    if s.power_w is not None:
        require_power_for_kind(s.power_w, profile.kind, profile.name)
    pue, pue_origin, pue_src = _pick(s, "pue", profile.pue, profile, profile.pue_source)
    if s.carbon_intensity_g_per_kwh is not None:
        ci, ci_origin, ci_src = (s.carbon_intensity_g_per_kwh, s.origin("carbon_intensity_g_per_kwh"),
                                 s.carbon_intensity_source or s.source("carbon_intensity_g_per_kwh"))
    else:
        ci, ci_origin, ci_src = DEFAULT_CARBON_INTENSITY_G_PER_KWH, "default", DEFAULT_CARBON_INTENSITY_SOURCE

    price_dh = elec = None
    price_basis = "given"  # a price per device-hour not the profile's (the user's, a preset's)
    if s.electricity_usd_per_kwh is not None:
        elec, price_basis = s.electricity_usd_per_kwh, "electricity"
        price_assumption = Assumption("electricity_usd_per_kwh", elec, "USD/kWh", s.origin("electricity_usd_per_kwh"),
                                       s.source("electricity_usd_per_kwh"))
    elif s.price_usd_per_device_hour is not None:
        price_dh = s.price_usd_per_device_hour
        price_assumption = Assumption("price_usd_per_device_hour", price_dh, "USD/device-hour",
                                      s.origin("price_usd_per_device_hour"), s.source("price_usd_per_device_hour"))
    else:
        price_dh, price_basis = profile.price.usd_per_device_hour, profile.price.kind
        price_assumption = Assumption(
            "price_usd_per_device_hour", price_dh, "USD/device-hour", f"profile:{profile.id}",
            f"{profile.price.basis}, {profile.price.date}; {profile.price.source}" if price_dh is not None
            else f"no price in the profile ({profile.price.basis}): no price per device-hour or electricity price")

    point = dict(devices=devices, power_w=power_w, pue=pue, carbon_intensity_g_per_kwh=ci,
                 price_usd_per_device_hour=price_dh, electricity_usd_per_kwh=elec)
    if s.hours is not None:
        point["hours"] = s.hours
    elif s.device_hours is not None:
        point["device_hours"] = s.device_hours
    else:
        point.update(flops=time_flops, peak_flops_per_s=peak, utilization=util)
    peak_low, peak_high = profile.peak_range(precision)
    input_sides = {
        "utilization": half_util or (0.0, 0.0),
        "peak": sides(peak, peak_low, peak_high),
        "power": (0.0, 0.0) if s.power_w is not None else sides(power_w, *profile.power.average_range_w),
    }
    mid, low, high = compute_interval(input_sides, **point)
    if not time_given:
        # no run beats 100% of the device's highest peak: the time interval stops there, and so do
        # what follows from the time (energy, CO₂e and cost at the lowest power in the range)
        power_low = power_w if s.power_w is not None else min(power_w, profile.power.average_range_w[0])
        floor = compute(**{**point, "flops": flops, "utilization": 1.0, "peak_flops_per_s": peak_high,
                           "power_w": power_low})  # the FLOPs the devices execute, recomputation included
        for key in ("wall_clock_s", "device_hours", "energy_kwh", "co2e_kg"):
            low[key] = max(low[key], floor[key])
        if low["cost_usd"] is not None:
            low["cost_usd"] = max(low["cost_usd"], floor["cost_usd"])

    for key in ("wall_clock_s", "device_hours", "energy_kwh", "co2e_kg", "cost_usd"):
        for d in (mid, low, high):
            v.require_finite_result(key.rsplit("_", 1)[0].replace("_", " "), d[key])
    _require_device_hours_in_bounds(mid, time_given, s)
    if flops is not None and time_given:
        implied = flops / (mid["device_hours"] * S_PER_HOUR * peak_high)
        if implied > 1:
            raise InputError(f"the known run's time with {gfmt(flops, 3)} FLOPs means {gfmt(implied, 3)}× the {precision} peak "
                             f"of {profile.name}: more than the peak is impossible; check the FLOPs, the time and "
                             "the devices", field=("flops", "hours", "device_hours", "devices"))
        # the least peak gives the most the run could have used: below the utilisation bound even so,
        # the FLOPs and the time cannot belong to one run (a utilisation given that low is refused too)
        most = flops / (mid["device_hours"] * S_PER_HOUR * peak_low)
        if most < B.UTILIZATION.low:
            raise InputError(f"the known run's time with {gfmt(flops, 3)} FLOPs means {gfmt(most, 3)} of the {precision} peak "
                             f"of {profile.name}, below the least utilisation taken ({gfmt(B.UTILIZATION.low)}): check "
                             "the FLOPs, the time and the devices", field=("flops", "hours", "device_hours"))

    assumptions = []
    if flops_assumption is not None:
        assumptions.append(flops_assumption)
    assumptions.append(Assumption("hardware", profile.name, "", f"profile:{profile.id}", profile.source_file or profile.id))
    devices_set = s.devices != 1 or "devices" in dict(s.origins)
    assumptions.append(Assumption("devices", devices, "devices", s.origin("devices") if devices_set else "default",
                                  s.source("devices") if devices_set else "1 device unless given"))
    if s.hours is not None:
        assumptions.append(Assumption("hours", s.hours, "h (wall clock)", s.origin("hours"),
                                      f"{s.source('hours')}: time taken from the known run"))
    elif s.device_hours is not None:
        assumptions.append(Assumption("device_hours", s.device_hours, "device-h", s.origin("device_hours"),
                                      f"{s.source('device_hours')}: time taken from the known run"))
    else:
        assumptions.append(Assumption("precision", precision, "", s.origin("precision") if s.precision else f"profile:{profile.id}",
                                      s.source("precision") if s.precision else "profile's default precision"))
        assumptions.append(Assumption("peak_flops_per_s", peak, "FLOP/s per device", f"profile:{profile.id}", profile.peak_source))
        assumptions.append(Assumption("utilization", util, "fraction of peak", util_origin, util_src))
    assumptions.append(Assumption("power_w", power_w, "W per device", power_origin,
                                  power_src + ("" if s.power_w is not None else
                                               f" (includes host share: {'yes' if profile.power.includes_host else 'no'})")))
    assumptions.append(Assumption("pue", pue, "", pue_origin, pue_src))
    assumptions.append(Assumption("carbon_intensity_g_per_kwh", ci, "gCO2e/kWh", ci_origin, ci_src))
    assumptions.append(price_assumption)

    ranges = {k: (None, None) if low[k] is None else (float(low[k]), float(high[k]))
              for k in ("wall_clock_s", "device_hours", "energy_kwh", "co2e_kg", "cost_usd")}
    ranges["flops"] = (flops, flops)
    fp = footprint(profile, device_hours=float(mid["device_hours"]), device_hours_range=ranges["device_hours"],
                   energy_kwh=float(mid["energy_kwh"]), energy_range_kwh=ranges["energy_kwh"], pue=pue,
                   include_embodied=s.embodied, lifetime_years=s.lifetime_years, cooling=s.cooling,
                   wue_l_per_kwh=s.wue_l_per_kwh, ewif_l_per_kwh=s.ewif_l_per_kwh, country=s.grid_country, origin=s.origin)
    ranges["embodied_co2e_kg"] = fp.embodied_co2e_range_kg
    ranges["water_l"] = fp.water_range_l
    range_basis = _range_bases(s, profile, input_sides, time_given, elec is not None)
    assumptions.extend(_grid_water(Assumption(*a), s) for a in fp.assumptions)

    host_share = 0.0
    if s.power_w is None and profile.power.includes_host:
        host_share = profile.power.host_share_w / profile.power.average_w
    it = mid["it_energy_kwh"]
    breakdown = EnergyBreakdown(devices_kwh=it * (1 - host_share), host_kwh=it * host_share,
                                facility_kwh=mid["energy_kwh"] - it)
    notes = []
    achieved = None
    if flops is not None:
        achieved = flops / (mid["device_hours"] * S_PER_HOUR)
        if time_given:
            notes.append(f"time taken from the known run; achieved {gfmt(achieved, 3)} FLOP/s per device = "
                         f"{achieved / peak:.1%} of the {precision} peak")
    elif s.precision is not None:
        notes.append(f"precision {precision} changes nothing here: the known run's time needs no peak (give its FLOPs "
                     "to see what share of the peak it reached)")
    if time_given and s.utilization is not None:
        notes.append(f"utilisation {gfmt(s.utilization)} changes nothing here: the time is the known run's, not one "
                     "computed from FLOPs at a utilisation")
    model = profile.utilization.model
    if s.year is not None and s.origin("year") == "user" and not (model is not None and "maturity_years" in model.spec.covariates
                                   and not time_given and s.utilization is None):
        # as for a utilisation beside a known run's time (researcher audit: --year 2026 was echoed and did nothing)
        why = ("the time is the known run's" if time_given else
               ("the utilisation is the one given" if s.origin("utilization") == "user" else "the utilisation is the "
                "preset's own") if s.utilization is not None else f"{profile.name}'s utilisation has no fit" if model is None else
               f"the shipped utilisation fit does not use the year (cross-validation chose {model.spec.label()})")
        notes.append(f"year {s.year} changes nothing here: {why}; it is checked against the hardware's release only")
    if util_note:
        notes.append(util_note)
    # where the fit does not vouch for the run, as facts beside the notes (the paper statement reads them)
    caveats = [util_info.beyond_data] if util_info is not None and util_info.beyond_data else []
    if not time_given and not util_origin.startswith("fit:") and s.utilization is None:
        notes.append(f"the time range comes from {profile.name}'s stated ranges (its peak and utilisation), not from "
                     "the fit to published runs: its coverage is not measured")
    warned = (profile.calibration or {}).get("warnings") or ()
    if warned and ((not time_given and s.utilization is None) or s.power_w is None):
        notes.append(f"the calibration behind {profile.name} warned that it was likely unreliable ({warned[0]}); "
                     "it was kept anyway: re-calibrate on an otherwise idle machine")
    if recompute_note:
        notes.append(recompute_note)
    if not time_given and util_origin.startswith(("fit:", "preset:")) and precision != profile.default_precision:
        # the fit measures each run against the default precision's peak (services/training_runs.py); at
        # another precision the same share of a different peak is an assumption (audit: fp32 on an A100 read
        # 16× the bf16 time with no word of it)
        # (review: the 30% rule and the pooled fit, for hardware without runs, are shares of that peak too;
        # scaling audit: so is a preset's own figure, no preset setting a precision: data/presets.toml)
        caveats.append(OtherPeak(profile.default_precision, precision, peak / profile.peak(), util_info.short,
                                 preset=util_origin.startswith("preset:")))
        notes.append(caveats[-1].note())
    unlike = profile.utilization.unlike_held_out
    if (unlike and not time_given and s.utilization is None and util_origin.startswith("fit:")
            and profile.utilization.model is not None):
        held = tuple(family_label(f) for f in sorted(profile.utilization.model.families))
        caveats.append(UnlikeHeldOut(profile.name, unlike, held))
        notes.append(caveats[-1].note())
    if not time_given and (more := beyond_fitted_scale(devices, profile)):
        caveats.append(more)
        notes.append(more.note())
    if not profile.power.includes_host and s.power_w is None and profile.kind != "brain":  # a brain has no host
        notes.append(f"power is {alone_words(profile.kind)}; real draw is higher")
    if profile.kind == "brain":  # scaling audit: the brain's CO2e and water read as if it ran on the grid
        notes.append("a brain's energy is metabolic (food), not grid electricity: its CO2e and water are those of the "
                     "same energy drawn from the grid, for comparison")
    if s.device_hours is not None and not devices_set:
        # researcher audit: 100,000 device-hours read as a training time of 11.4 years, of a device count never given
        notes.append(f"no device count given: the training time is that of one device doing all "
                     f"{gfmt(s.device_hours, 3)} device-hours; give the devices for the run's wall clock")
    base = power_base(profile)  # the TDP, or the chip's draw standing in for it (a TPU v4 states no TDP: review)
    if s.power_w is not None and base and (over := power_over_tdp_note(s.power_w, base[0], profile.name, base[1])):
        notes.append(over)
    if mid["cost_usd"] is None:
        notes.append("no cost: the profile has no price; give a price per device-hour or per kWh")
    if ci == 0:
        notes.append("grid intensity 0 g CO2e/kWh: the operational CO2e is zero (a grid's life-cycle intensity, "
                     "building its plants, never quite is); the devices' manufacturing share is reported apart")
    notes.extend(fp.notes)

    return Estimate(
        hardware_id=profile.id, hardware_name=profile.name, hardware_release_year=profile.release_year,
        hardware_kind=profile.kind,
        devices=devices, precision=precision, flops=flops, wall_clock_s=float(mid["wall_clock_s"]),
        device_hours=float(mid["device_hours"]),
        energy_kwh=float(mid["energy_kwh"]), co2e_kg=float(mid["co2e_kg"]),
        cost_usd=None if mid["cost_usd"] is None else float(mid["cost_usd"]),
        range=ranges, assumptions=tuple(assumptions),
        equivalents=equivalents(float(mid["energy_kwh"]), float(mid["co2e_kg"])),
        breakdown=breakdown, achieved_flops_per_s=achieved, notes=tuple(notes), fit_caveats=tuple(caveats), level=LEVEL,
        time_flops=time_flops if time_flops != flops else None,
        flops_per_param_token=(None if flops_assumption is None or flops_assumption.origin != "derived" else
                               FLOPS_PER_PARAM_TOKEN_TRAIN_RECOMPUTE if s.recompute else FLOPS_PER_PARAM_TOKEN_TRAIN),
        utilization=util_info, embodied_co2e_kg=fp.embodied_co2e_kg, water_l=fp.water_l, range_basis=range_basis,
        calibration=calibration_facts(profile.calibration, profile.power.includes_host), price_basis=price_basis,
        power_includes_host=None if s.power_w is not None else profile.power.includes_host,
        ewif_country=None if s.ewif_l_per_kwh is not None else wt.ewif_country(s.grid_country),
        ewif_fallback_country=None if s.ewif_l_per_kwh is not None else wt.ewif_fallback(s.grid_country),
        # the grid's country as the scenario names it (the service adds its name and a cloud region): a core
        # caller's provenance had the water's fallback country beside no grid country (review)
        grid=GridPlace(country=s.grid_country) if s.grid_country else None,
    )


def _grid_water(a: Assumption, s: Scenario) -> Assumption:
    """The electricity's water where it is the grid's country's own figure: set with the grid (the
    origin the grid intensity has) and saying so; the U.S. average's source alone read as a figure
    typed in ("user; 3.142 L/kWh, U.S. average" for --region USA)."""
    if a.name != "ewif_l_per_kwh" or s.ewif_l_per_kwh is not None or not s.grid_country or a.origin == "default":
        return a
    return replace(a, source=f"the grid's country ({s.grid_country}), as for the grid intensity: {a.source}")


def _range_bases(s: Scenario, profile: HardwareProfile, input_sides, time_given: bool, by_energy: bool) -> dict:
    """What each range is (interval.PREDICTION, STATED, EXACT): the fits' prediction intervals, a
    range a source states, or exact. A calibration's single measurement (a zero-width utilisation
    or power of the profile's) is one stated figure, not exact. ``by_energy``: the cost is the
    energy's (an electricity price), else the device-hours'."""
    one_figure = STATED if profile.calibration is not None else EXACT
    util = basis_of(input_sides["utilization"], profile.utilization.fitted)
    time = EXACT if time_given else combined_basis(
        one_figure if util == EXACT and s.utilization is None else util, basis_of(input_sides["peak"], fitted=False))
    power = basis_of(input_sides["power"], profile.power.fit_group is not None)
    energy = combined_basis(time, one_figure if power == EXACT and s.power_w is None else power)
    return {"flops": EXACT, "wall_clock_s": time, "device_hours": time, "energy_kwh": energy, "co2e_kg": energy,
            "cost_usd": energy if by_energy else time, "embodied_co2e_kg": STATED, "water_l": STATED}
