"""What an estimate says in words (pure): the assumptions behind its figures, each with who set it
and its source, and the notes beside them, with the fit's caveats the notes say
(``fit_caveats``), in the order the estimate shows them.

The last stage of ``estimator.core.training.estimate.estimate``: it reads the stages' dataclasses
(``estimate_inputs``) and the figures computed from them, and decides nothing about the numbers.
"""

from __future__ import annotations

from dataclasses import replace

from estimator.core.base.number_text import count_text, gfmt
from estimator.core.hardware.calibration_section import LONGER_RUN_MARKERS, calibration_facts
from estimator.core.hardware.plausibility import power_over_tdp_note
from estimator.core.hardware.power_base import power_base
from estimator.core.hardware.profile import HardwareProfile, alone_words
from estimator.core.hardware.utilization_model import RULE, family_label
from estimator.core.training.fit_caveats import FitCaveat, OtherPeak, UnlikeHeldOut
from estimator.core.training.inputs import SiteInputs, TimeBasis, Workload
from estimator.core.training.result import Assumption
from estimator.core.training.utilization_choice import beyond_fitted_scale
from estimator.core.workload.scenario import Scenario


def assumptions(s: Scenario, profile: HardwareProfile, w: Workload, t: TimeBasis, site: SiteInputs,
                footprint_assumptions) -> list[Assumption]:
    """The estimate's assumptions: the FLOPs, the hardware and the devices; the known run's time, or the
    precision, its peak and the utilisation; the site's power, PUE, grid and price; then the embodied
    carbon's and the water's (``footprint_assumptions``: ``Footprint.assumptions``)."""
    out = []
    if w.flops_assumption is not None:
        out.append(w.flops_assumption)
    out.append(Assumption("hardware", profile.name, "", f"profile:{profile.id}", profile.source_file or profile.id))
    out.append(Assumption("devices", w.devices, "devices", s.origin("devices") if w.devices_set else "default",
                          s.source("devices") if w.devices_set else "1 device unless given"))
    if s.hours is not None:
        out.append(Assumption("hours", s.hours, "h (wall clock)", s.origin("hours"),
                              f"{s.source('hours')}: time taken from the known run"))
    elif s.device_hours is not None:
        out.append(Assumption("device_hours", s.device_hours, "device-h", s.origin("device_hours"),
                              f"{s.source('device_hours')}: time taken from the known run"))
    else:
        out.append(Assumption("precision", w.precision, "",
                              s.origin("precision") if s.precision else f"profile:{profile.id}",
                              s.source("precision") if s.precision else "profile's default precision"))
        out.append(Assumption("peak_flops_per_s", w.peak_flops_per_s, "FLOP/s per device", f"profile:{profile.id}",
                              profile.peak_source))
        out.append(Assumption("utilization", t.choice.value, "fraction of peak", t.choice.origin, t.choice.source))
    out.append(Assumption("power_w", site.power_w.value, "W per device", site.power_w.origin,
                          site.power_w.source + ("" if s.power_w is not None else
                                               f" (includes host share: {'yes' if profile.power.includes_host else 'no'})")))
    out.append(Assumption("pue", site.pue.value, "", site.pue.origin, site.pue.source))
    out.append(Assumption("carbon_intensity_g_per_kwh", site.carbon_intensity_g_per_kwh.value, "gCO2e/kWh",
                          site.carbon_intensity_g_per_kwh.origin, site.carbon_intensity_g_per_kwh.source))
    out.append(site.pricing.assumption)
    out.extend(_grid_water(Assumption(*a), s) for a in footprint_assumptions)
    return out


def _grid_water(a: Assumption, s: Scenario) -> Assumption:
    """The electricity's water where it is the grid's country's own figure: set with the grid (the
    origin the grid intensity has) and saying so; the U.S. average's source alone read as a figure
    typed in ("user; 3.142 L/kWh, U.S. average" for --region USA)."""
    if a.name != "ewif_l_per_kwh" or s.ewif_l_per_kwh is not None or not s.grid_country or a.origin == "default":
        return a
    # a site's own intensity given with its country: the water is the country's, the intensity not
    how = ("the site's country" if s.carbon_intensity_source == "given" else "the grid's country")
    also = "" if s.carbon_intensity_source == "given" else ", as for the grid intensity"
    return replace(a, source=f"{how} ({s.grid_country}){also}: {a.source}")


def notes_and_caveats(s: Scenario, profile: HardwareProfile, w: Workload, t: TimeBasis, *,
                      achieved: float | None, has_cost: bool, carbon_intensity_g_per_kwh: float,
                      footprint_notes, model_achieved: float | None = None) -> tuple[list[str], list[FitCaveat]]:
    """The estimate's notes, in order: on the known run's time and the inputs that change nothing; on
    the utilisation and where the fit does not vouch for the run (with those caveats as facts); on the
    power, the device count, the price and the grid; then the embodied carbon's and the water's
    (``footprint_notes``). ``achieved``: the FLOP/s per device, where the FLOPs are known; ``has_cost``:
    whether the estimate has a cost; ``model_achieved``: the model FLOPs' rate (6·N·D with recomputation), as a
    published layout's MFU counts it."""
    notes = _input_notes(s, profile, w, achieved, achieved if model_achieved is None else model_achieved)
    fit_notes, caveats = _utilization_notes(s, profile, w, t)
    notes += fit_notes
    notes += _site_notes(s, profile, w, has_cost, carbon_intensity_g_per_kwh)
    notes.extend(footprint_notes)
    return notes, caveats


# The highest model-FLOPs utilisation among the published training layouts the step model is fitted on
# (estimator/data/training_layouts.csv, reported_mfu_pct): MegaScale's GPT-175B on 256 A100s, 65.3% MFU (Jiang et al.
# 2024, arXiv:2402.15627, Table 2), a step's, not a whole run's. A known run's time that implies more of the peak is
# said, as the likelier reading is a slip in the hours, devices or FLOPs (researcher review 2026-11-29: 96.8% of the
# bf16 peak went into a paper statement without a word). tests/core/test_highest_published_mfu.py holds it to the data.
HIGHEST_PUBLISHED_MFU = 0.653


# The most devices of any published layout here: Llama 3 405B on 16,384 H100s (Dubey et al. 2024, arXiv:2407.21783,
# Table 4; estimator/data/training_layouts.csv, held to it by tests/core/test_highest_published_mfu.py). A plan or a
# step run on more is said to be beyond what the step model was fitted or checked on (researcher review 2026-11-30: a
# 3-day deadline for Llama 3.1 70B answered 42,120 H100s without a word).
LARGEST_PUBLISHED_DEVICES = 16384


def beyond_published_devices_words(devices: int) -> str | None:
    """The note for a run on more devices than ``LARGEST_PUBLISHED_DEVICES``; None within it."""
    if devices <= LARGEST_PUBLISHED_DEVICES:
        return None
    return (f"{devices:,} devices: more than any published layout the step model was fitted or checked on "
            f"({LARGEST_PUBLISHED_DEVICES:,} GPUs, Llama 3 405B): its communication at that scale and the goodput "
            "(failures and restarts grow with the devices) are extrapolated")


def above_published_mfu(achieved: float | None, peak: float | None) -> float | None:
    """The share of the peak a known run's time implies where it is above ``HIGHEST_PUBLISHED_MFU``; else None."""
    if achieved is None or not peak:
        return None
    share = achieved / peak
    return share if share > HIGHEST_PUBLISHED_MFU else None


def above_published_words(share: float, precision: str) -> str:
    """The words a note and the paper statement give a share above ``HIGHEST_PUBLISHED_MFU``."""
    return (f"the time given implies {share:.1%} of the {precision} peak in model FLOPs, above the highest model-FLOPs utilisation "
            f"of any published layout here ({HIGHEST_PUBLISHED_MFU:.1%}, MegaScale's GPT-175B steps): check the hours, "
            "the devices and the FLOPs")


def _input_notes(s: Scenario, profile: HardwareProfile, w: Workload, achieved: float | None,
                 model_achieved: float | None = None) -> list[str]:
    """What a known run's time achieved, and the inputs given that change nothing here (a precision, a
    utilisation or a year beside a time that needs none of them)."""
    notes = []
    time_given, precision = w.time_given, w.precision
    if w.flops is not None:
        if time_given:
            notes.append(f"time taken from the known run; achieved {gfmt(achieved, 3)} FLOP/s per device = "
                         f"{achieved / w.peak_flops_per_s:.1%} of the {precision} peak")
            if (share := above_published_mfu(model_achieved, w.peak_flops_per_s)) is not None:
                notes.append(above_published_words(share, precision))
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
    return notes


def _utilization_notes(s: Scenario, profile: HardwareProfile, w: Workload,
                       t: TimeBasis) -> tuple[list[str], list[FitCaveat]]:
    """The notes on the utilisation: its own (``UtilizationChoice.note``), a range not from the fit, a
    calibration that warned, recomputation; and where the fit does not vouch for the run (beyond its
    data, another precision's peak, a device unlike those held out, more devices than any fitted run),
    each also a caveat the estimate carries as a fact."""
    notes = []
    time_given, precision = w.time_given, w.precision
    choice = t.choice
    util_info = choice.info if choice is not None else None
    if choice is not None and choice.note:
        notes.append(choice.note)
    # where the fit does not vouch for the run, as facts beside the notes (the paper statement reads them)
    caveats = [util_info.beyond_data] if util_info is not None and util_info.beyond_data else []
    stepped = t.step is not None
    if stepped:
        notes += step_notes(t.step)
    peak_low, peak_high = profile.peak_range(precision)
    # a range there is to come from them (measuring-engineer review 2026-11-29: a profile calibrated on a command, one
    # measured figure and no range, was told its range came from its stated ranges)
    ranged = choice is not None and (any(choice.log_sides) or peak_low != peak_high)
    if not time_given and not stepped and not choice.origin.startswith("fit:") and s.utilization is None and ranged:
        notes.append(f"the time range comes from {profile.name}'s stated ranges (its peak and utilisation), not from "
                     "the fit to published runs: its coverage is not measured")
    facts = calibration_facts(profile.calibration)
    if (facts is not None and facts.matrix_products_only and not time_given and not stepped and s.utilization is None
            and not choice.origin.startswith("fit:")):
        # a real H200 (2026-11-26): the built-in workload's 0.55 made a 10²¹-FLOP run 21 days, where the
        # fit to published runs on the same chip gives 94 (benchmarks/gpu_check.sh; README, "On a real GPU")
        notes.append(f"{profile.name}'s utilisation ({gfmt(choice.value, 3)}) is the speed of its matrix products "
                     "alone (the built-in calibration workload): an upper bound for a training run, which also spends "
                     "time outside them (attention, communication, data loading, restarts), so a run's time is likely "
                     "longer; calibrate on a run of your own training for its speed, or estimate on the base profile "
                     f"({facts.base_profile}) for the fit to published whole runs")
    warned = (profile.calibration or {}).get("warnings") or ()
    if warned and ((not time_given and not stepped and s.utilization is None) or s.power_w is None):
        # the fix its warning names: a longer run where the windows were short, else an idle machine (measuring-engineer
        # review 2026-11-29: a warning that asked for a longer run was answered "on an otherwise idle machine")
        # (each warning's: a busy machine's and a short run's can both be there, CI 2026-11-29)
        short = [any(m in w for m in LONGER_RUN_MARKERS) for w in warned]
        fix = ("re-calibrate" + (" with a longer run" if any(short) else "")
               + (" on an otherwise idle machine" if not all(short) else ""))
        notes.append(f"the calibration behind {profile.name} warned that it was likely unreliable ({warned[0]}); "
                     f"it was kept anyway: {fix}")
    if t.recompute_note:
        notes.append(t.recompute_note)
    if not time_given and choice.origin.startswith(("fit:", "preset:")) and precision != profile.default_precision:
        # the fit measures each run against the default precision's peak (services/training/runs.py); at
        # another precision the same share of a different peak is an assumption (audit: fp32 on an A100 read
        # 16× the bf16 time with no word of it)
        # (review: the 30% rule and the pooled fit, for hardware without runs, are shares of that peak too;
        # scaling audit: so is a preset's own figure, no preset setting a precision: data/presets.toml)
        other = OtherPeak(profile.default_precision, precision, w.peak_flops_per_s / profile.peak(), util_info.short,
                          preset=choice.origin.startswith("preset:"), rule=choice.origin == f"fit:{RULE}")
        if choice.lowered is not None:  # at fewer bits, the share the step fit gives (utilization_choice.Lowered); the
            # note gives the figures once (diff review 2026-12-01: the table cell's had repeated them)
            other = replace(other, utilization=util_info.whose, lowered=choice.lowered.words(
                choice.value / choice.lowered.factor, choice.value, other.why))
        caveats.append(other)
        notes.append(caveats[-1].note())
    unlike = profile.utilization.unlike_held_out
    if (unlike and not time_given and s.utilization is None and choice.origin.startswith("fit:")
            and profile.utilization.model is not None):
        held = tuple(family_label(f) for f in sorted(profile.utilization.model.families))
        caveats.append(UnlikeHeldOut(profile.name, unlike, held))
        notes.append(caveats[-1].note())
    if not time_given and not stepped and (more := beyond_fitted_scale(w.devices, profile)):
        caveats.append(more)
        notes.append(more.note())
    return notes, caveats


# Precisions the step model answers for with no published layout of them in its fit data (core/training/step.py:
# LOW_PRECISION_STEPS): its notes (estimate's and plan's) say the range's coverage there is not measured.
UNFITTED_STEP_PRECISIONS = ("fp4",)


# how the note that a run is outside the step model's fit data begins (services.training.fitted_layouts'
# outside_fit_words; the statement finds the note by it)
OUTSIDE_FIT_START = "the step model's range is measured out of sample on published layouts, but "
# what the note of a device whose matmul holds the step down says of its range (services.training.step_setup's
# device_matmul_note; that note names the device in place of the note above, and the statement finds it by this)
DEVICE_NOT_IN_FIT = "no training run on this device is in the step model's data"


def unfitted_precision_note(precision: str) -> str | None:
    """What the step model's figures rest on at a precision no published layout in its fit data ran, or None."""
    if precision not in UNFITTED_STEP_PRECISIONS:
        return None
    return (f"no published layout in the step model's fit data ran {precision}: its GEMMs' share of the peak is "
            "extrapolated from FP8's, so the range's coverage on it is not measured")


def step_notes(step) -> list[str]:
    """What the step model's time rests on (``plan.StepRun``): the layout (given, or the planner's best), the
    step's figures with the FLOPs convention of each, its range, and the steps and goodput that make the run."""
    lo, hi = step.tokens_per_s_range
    r = step.step_range
    who = ((f"{step.kept} given, the rest of the layout the tool's defaults" if step.kept else "the layout given")
           if step.chosen_by == "given" else
           f"no layout given: the planner's best on {step.layout.devices:,} devices is assumed (`plan` lists the others)"
           if not step.kept else
           f"{step.kept} given, the rest of the layout the planner's best on {step.layout.devices:,} devices (`plan` "
           "lists the others)")
    checked = (f"; cross-validated by source on {r.rows} published layouts: median factor ×{gfmt(r.median_factor, 3)}, "
               f"{r.coverage:.0%} inside the {r.level:.0%} range" if r.rows and r.median_factor and r.coverage is not None
               else "")
    if checked and r.baseline_median_factor and r.baseline_coverage is not None:
        checked += (f", against ×{gfmt(r.baseline_median_factor, 3)} and {r.baseline_coverage:.0%} for a flat MFU fitted "
                    "on the other sources")
    unfitted = unfitted_precision_note(step.layout.precision)
    if unfitted:
        checked += f"; {unfitted}"
    return [
        f"time from the step model: {who}, {step.layout_words()}; {gfmt(step.step.tokens_per_s_per_device, 3)} tokens/s "
        f"per device ({r.level:.0%} range {gfmt(lo, 3)}–{gfmt(hi, 3)}{checked}), MFU {step.step.mfu:.1%} (model FLOPs: "
        f"6·N + 12·L·s·a per token, no recomputation), HFU {step.step.hfu:.1%} (hardware FLOPs, recomputation "
        f"included), both of the {step.layout.precision} peak",
        f"run time: {gfmt(step.steps, 3)} step{'' if gfmt(step.steps, 3) == '1' else 's'} of {gfmt(step.step.seconds, 3)} s for "
        f"{count_text(step.tokens, 3)} tokens, ÷ "
        f"goodput {step.goodput:.0%} (range {step.goodput_range[0]:.0%}–{step.goodput_range[1]:.0%}: restarts, "
        "failures, checkpoints, evaluation; Llama 3 arXiv:2407.21783 §3.3.4, MegaScale arXiv:2402.15627, Gemini "
        "arXiv:2312.11805 §3)",
    ]


def _site_notes(s: Scenario, profile: HardwareProfile, w: Workload, has_cost: bool,
                carbon_intensity_g_per_kwh: float) -> list[str]:
    """The notes on the site's inputs: power without the host, a brain's metabolic energy, a known run's
    device-hours without a device count, a power above the device's TDP, no price, a zero grid intensity."""
    notes = []
    if not profile.power.includes_host and s.power_w is None and profile.kind != "brain":  # a brain has no host
        notes.append(f"power is {alone_words(profile.kind)}; real draw is higher")
    if profile.kind == "brain":  # scaling audit: the brain's CO2e and water read as if it ran on the grid
        notes.append("a brain's energy is metabolic (food), not grid electricity: its CO2e and water are those of the "
                     "same energy drawn from the grid, for comparison")
    if s.device_hours is not None and not w.devices_set:
        # researcher audit: 100,000 device-hours read as a training time of 11.4 years, of a device count never given
        notes.append(f"no device count given: the training time is that of one device doing all "
                     f"{gfmt(s.device_hours, 3)} device-hours; give the devices for the run's wall clock")
    base = power_base(profile)  # the TDP, or the chip's draw standing in for it (a TPU v4 states no TDP: review)
    if s.power_w is not None and base and (over := power_over_tdp_note(s.power_w, base[0], profile.name, base[1])):
        notes.append(over)
    if not has_cost:
        notes.append("no cost: the profile has no price; give a price per device-hour or per kWh")
    if carbon_intensity_g_per_kwh == 0:
        notes.append("grid intensity 0 g CO2e/kWh: the operational CO2e is zero (a grid's life-cycle intensity, "
                     "building its plants, never quite is); the devices' manufacturing share is reported apart")
    return notes
