"""What an estimate runs on (pure): the workload (its FLOPs or a known run's time, the devices, the
precision and its peak), the utilisation the time is computed at, and the site's inputs (power, PUE,
grid intensity, price), each picked from the scenario or the hardware profile with who set it.

The first stages of ``estimator.core.training.estimate.estimate``: a checked scenario and a profile in, small
frozen dataclasses out; each refuses what cannot be estimated, in the order the estimate checks it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from estimator.core.base.errors import InputError, quoted
from estimator.core.base.number_text import gfmt
from estimator.core.hardware.plausibility import require_power_for_kind
from estimator.core.hardware.profile import PRECISIONS, HardwareProfile, precision_name
from estimator.core.training.result import Assumption
from estimator.core.training.utilization_choice import UtilizationChoice, UtilizationInfo, utilization_for
from estimator.core.workload.flops import (
    RECOMPUTE_TO_MODEL_FLOPS,
    dense_training_flops,
)
from estimator.core.workload.scenario import Scenario, validate_scenario

# World-average grid intensity when none is given: 475 gCO2e/kWh (IEA, Global Energy & CO2
# Status Report 2019), the figure CodeCarbon ships as "world_average" in
# codecarbon/data/private_infra/carbon_intensity_per_source.json.
DEFAULT_CARBON_INTENSITY_G_PER_KWH = 475.0
DEFAULT_CARBON_INTENSITY_SOURCE = "world average, IEA Global Energy & CO2 Status Report 2019 (as shipped by CodeCarbon)"


@dataclass(frozen=True)
class Workload:
    """What the run does and on how many devices: its FLOPs (None: a known run's time without them),
    whether its time is a known run's, and the precision whose peak it runs at."""
    devices: int                          # a whole number: 8, never 8.0, in the assumptions and the JSON
    devices_set: bool                     # the device count was given (or a preset's), not the default 1
    flops: float | None                   # the FLOPs the devices execute (8·N·D with recomputation)
    flops_assumption: Assumption | None
    time_given: bool                      # the time is a known run's hours or device-hours, not computed
    precision: str
    peak_flops_per_s: float               # per device at the precision


@dataclass(frozen=True)
class TimeBasis:
    """How the time follows from the FLOPs: the utilisation chosen and the FLOPs it applies to. A known
    run's time needs neither (``choice`` None, ``time_flops`` the workload's FLOPs)."""
    choice: UtilizationChoice | None
    time_flops: float | None              # 6·N·D under a fitted utilisation with recomputation, else the FLOPs
    recompute_note: str | None            # the note saying so, when the two differ
    # the run's time from the step model (estimator.core.training.plan.StepRun), when a layout or a shape was
    # given: the utilisation is then the share of peak that time means for ``time_flops``, not a fit's
    step: object | None = None


@dataclass(frozen=True)
class Picked:
    """One site input: its value, who set it ("user", "preset:<id>", "profile:<id>", "default") and its source."""
    value: float | None
    origin: str
    source: str


@dataclass(frozen=True)
class Pricing:
    """What the run costs by: a price per device-hour or an electricity price (the other None), the
    price's kind (``Estimate.price_basis``) and the assumption that states it."""
    usd_per_device_hour: float | None
    usd_per_kwh: float | None
    basis: str                            # "given", "electricity", or the profile's price kind
    assumption: Assumption


@dataclass(frozen=True)
class SiteInputs:
    """Where the devices run: their power, the data centre's PUE, the grid's intensity, the price."""
    power_w: Picked                       # per device
    pue: Picked
    carbon_intensity_g_per_kwh: Picked
    pricing: Pricing


# A mixture of experts computes each token with its active parameters only: its training FLOPs are 6·N·D with N
# the active count (DeepSeek-V3 technical report, arXiv:2412.19437, §1 and Table 1: 37B activated of 671B;
# Fedus et al. 2022, Switch Transformers, JMLR 23: a token's FLOPs stay those of one expert as experts are added).
MOE_ACTIVE_SOURCE = "each token computes with its active experts only (DeepSeek-V3, arXiv:2412.19437, §1)"


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
        n = s.params if s.active_params is None else s.active_params
        # each input inside its own bound, their product held to the FLOPs' (dense_training_flops names the two)
        flops = float(dense_training_flops(n, s.tokens, s.recompute))
        kind = "dense transformer" if s.active_params is None else "mixture-of-experts"
        rule = "8·N·D, full activation recomputation (Narayanan et al. 2021)" if s.recompute else \
            f"6·N·D, {kind} training (Kaplan et al. 2020, §2.1)"
        what = f"N = {gfmt(s.params, 4)}{_whose(s, 'params')}" if s.active_params is None else (
            f"N = {gfmt(s.active_params, 4)} active parameters of {gfmt(s.params, 4)}{_whose(s, 'params')} (a mixture "
            f"of experts: {MOE_ACTIVE_SOURCE})")
        return flops, Assumption("flops", flops, "FLOP", "derived",
                                 f"{rule} with {what}, D = {gfmt(s.tokens, 4)}{_whose(s, 'tokens')}")
    return None, None


def _whose(s: Scenario, name: str) -> str:
    """" (preset meena: Adiwardana et al. 2020, …)" after a count a preset set (its model's size, its tokens),
    so that the FLOPs derived from it name its source; nothing after one the user gave."""
    source = s.source(name)
    return "" if source == "given" else f" ({s.origin(name).replace(':', ' ', 1)}: {source})"


def resolve_workload(s: Scenario, profile: HardwareProfile) -> Workload:
    """The scenario checked and its workload on the profile: the FLOPs (given, or from parameters and
    tokens), whether the time is a known run's, the devices, and the precision with its peak. Refuses a
    scenario with no workload, fewer FLOPs than devices, or a precision the profile has no peak for."""
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
    # an empty precision is no precision, not the profile's default (audit: precision='' ran at bf16)
    precision = profile.default_precision if s.precision is None else precision_name(s.precision)
    if precision not in PRECISIONS:  # the words of track()'s check, and the CLI's choices
        raise InputError(f"precision must be one of {', '.join(PRECISIONS)}, got {quoted(precision)}", field="precision")
    if precision not in profile.peak_flops_per_s:
        raise InputError(f"{profile.id} has no peak for precision '{precision}'; it has: {', '.join(profile.peak_flops_per_s)}",
                         field="precision")
    return Workload(devices=devices, devices_set=s.devices != 1 or "devices" in dict(s.origins), flops=flops,
                    flops_assumption=flops_assumption, time_given=time_given, precision=precision,
                    peak_flops_per_s=profile.peak(precision))


def time_basis(s: Scenario, profile: HardwareProfile, w: Workload, step=None) -> TimeBasis:
    """The utilisation the time is computed at (``utilization_choice.utilization_for``) and the FLOPs it
    applies to; none for a known run's time. With the step model's run (``step``: a ``plan.StepRun``), the
    utilisation is the share of the peak its time means for the model FLOPs (``step_choice``)."""
    if w.time_given:
        return TimeBasis(choice=None, time_flops=w.flops, recompute_note=None)
    if step is not None:
        model_flops = w.flops * RECOMPUTE_TO_MODEL_FLOPS if s.recompute else w.flops
        return TimeBasis(choice=step_choice(step, w, model_flops), time_flops=model_flops, recompute_note=None,
                         step=step)
    # the fitted utilisation is model-FLOPs goodput over runs that count 6·N·D (profiles/README.md),
    # recomputation or not: with it, time comes from 6·N·D, not the 8·N·D the devices execute
    flops = w.flops
    model_flops = flops * RECOMPUTE_TO_MODEL_FLOPS if s.recompute else flops
    choice = utilization_for(s, profile, model_flops)
    if s.recompute and choice.origin.startswith("fit:"):
        return TimeBasis(choice=choice, time_flops=model_flops, recompute_note=(
            f"full recomputation: the devices execute 8·N·D = {gfmt(flops, 3)} FLOPs, but the fitted "
            f"utilisation counts model FLOPs (6·N·D = {gfmt(model_flops, 3)}) and already includes "
            "recomputation where its runs used it, so the time comes from 6·N·D"))
    return TimeBasis(choice=choice, time_flops=flops, recompute_note=None)


def step_choice(step, w: Workload, time_flops: float) -> UtilizationChoice:
    """The utilisation that gives the step model's run time for ``time_flops`` on the workload's devices at its
    peak: time_flops ÷ (peak × devices × wall clock); its log sides those of the run's time (the step model's
    cross-validated range and the goodput's, ``StepRun.time_log_sides``), a higher utilisation a shorter time."""
    value = time_flops / (w.peak_flops_per_s * w.devices * step.wall_clock_s)
    down, up = step.time_log_sides
    r = step.step_range
    lo, hi = value / math.exp(up), value * math.exp(down)
    # the MFU counts the model's FLOPs a token with attention's (12·L·s·a); the estimate's FLOPs may count fewer
    # (6·N·D): at long sequences the share of peak for them is the MFU × goodput ÷ that ratio (review 2026-11-26:
    # 0.0956 beside "MFU 55.4% × goodput 90%" at 131,072 tokens a sequence)
    # said wherever MFU × goodput alone would not read as the value printed (researcher review 2026-11-27: 0.443 beside
    # "MFU 50.4% × goodput 90%", 0.454: attention's 1.024× had been said only past 10%)
    counted = step.step.model_flops_per_token * step.tokens / time_flops
    # written as the arithmetic that gives the value (researcher review 2026-11-29: "MFU 51.1%, counting 1.137× the
    # estimate's FLOPs × goodput 90%" read as 0.511 × 1.137 × 0.9 = 0.523 beside 0.404)
    divided = gfmt(step.step.mfu * step.goodput, 3) != gfmt(value, 3)
    # the ratio is to the FLOPs the time is for: the estimate's, or with recomputation the model's 6·N·D (diff review
    # 2026-11-29: "the estimate's" beside an estimate of 8·N·D)
    whose = "the estimate's" if time_flops == w.flops else "the model's 6·N·D"
    more = (f" ÷ {gfmt(counted, 4)}, as the model FLOPs count {gfmt(counted, 4)}× {whose} (attention's among "
            "them)" if divided else "")
    # with recomputation the FLOPs shown are the devices' (8·N·D) and the time's the model's (planner review
    # 2026-11-28: "FLOPs 6.42 × 10²²" over "Utilisation 0.308" read as 0.41 of peak)
    of = ("" if time_flops == w.flops else
          f" for the model's 6·N·D = {gfmt(time_flops, 3)} FLOPs (the devices execute {gfmt(w.flops, 3)}, the "
          "recomputation included)")
    summary = (f"{gfmt(value, 3)} of the {w.precision} peak over the run{of}, from the step model (MFU "
               f"{step.step.mfu:.1%} in model FLOPs × goodput {step.goodput:.0%}{more}); {r.level:.0%} range "
               f"{gfmt(lo, 3)}–{gfmt(hi, 3)}")
    source = (f"the step model's time for the layout ({step.layout_words()}) over the run's tokens, ÷ goodput "
              f"{step.goodput:.0%} ({GOODPUT_WORDS}), as a share of the peak for "
              + ("the estimate's FLOPs" if time_flops == w.flops else "the model's FLOPs, 6·N·D"))
    info = UtilizationInfo(value=value, origin="step", summary=summary, fit_interval=(lo, hi), family=None,
                           n_runs=r.rows or 0)
    return UtilizationChoice(value=value, log_sides=(up, down), origin="step", source=source, note=None, info=info)


# How the goodput is named in the utilisation's source (its figures and sources: core/training/plan.GOODPUT_SOURCE).
GOODPUT_WORDS = "restarts, failures, checkpoints and evaluation"


def _pick(s: Scenario, name: str, profile_value, profile: HardwareProfile, profile_source) -> Picked:
    """The scenario's ``name`` where it sets one, else the profile's value."""
    value = getattr(s, name)
    if value is not None:
        return Picked(value, s.origin(name), s.source(name))
    return Picked(profile_value, f"profile:{profile.id}", profile_source)


def _pricing(s: Scenario, profile: HardwareProfile) -> Pricing:
    """An electricity price where one is given, else a price per device-hour: the scenario's (the
    user's, a preset's), else the profile's, which may have none."""
    if s.electricity_usd_per_kwh is not None:
        elec = s.electricity_usd_per_kwh
        return Pricing(None, elec, "electricity", Assumption(
            "electricity_usd_per_kwh", elec, "USD/kWh", s.origin("electricity_usd_per_kwh"),
            s.source("electricity_usd_per_kwh")))
    if s.price_usd_per_device_hour is not None:
        price_dh = s.price_usd_per_device_hour
        # "given": a price per device-hour not the profile's (the user's, a preset's)
        return Pricing(price_dh, None, "given", Assumption(
            "price_usd_per_device_hour", price_dh, "USD/device-hour", s.origin("price_usd_per_device_hour"),
            s.source("price_usd_per_device_hour")))
    price_dh = profile.price.usd_per_device_hour
    return Pricing(price_dh, None, profile.price.kind, Assumption(
        "price_usd_per_device_hour", price_dh, "USD/device-hour", f"profile:{profile.id}",
        f"{profile.price.basis}, {profile.price.date}; {profile.price.source}" if price_dh is not None
        else f"no price in the profile ({profile.price.basis}): no price per device-hour or electricity price"))


def site_inputs(s: Scenario, profile: HardwareProfile) -> SiteInputs:
    """The power per device, the PUE, the grid intensity and the price: the scenario's where it sets
    them, else the profile's (the world-average grid intensity for the grid). Refuses a power the
    device's kind cannot draw."""
    power = _pick(s, "power_w", profile.power.average_w, profile, profile.power.source)
    if s.power_w is not None:
        require_power_for_kind(s.power_w, profile.kind, profile.name, profile.peak_flops_per_s)
    pue = _pick(s, "pue", profile.pue, profile, profile.pue_source)
    if s.carbon_intensity_g_per_kwh is not None:
        ci = Picked(s.carbon_intensity_g_per_kwh, s.origin("carbon_intensity_g_per_kwh"),
                    s.carbon_intensity_source or s.source("carbon_intensity_g_per_kwh"))
    else:
        ci = Picked(DEFAULT_CARBON_INTENSITY_G_PER_KWH, "default", DEFAULT_CARBON_INTENSITY_SOURCE)
    return SiteInputs(power_w=power, pue=pue, carbon_intensity_g_per_kwh=ci, pricing=_pricing(s, profile))
