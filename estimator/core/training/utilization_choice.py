"""Which utilisation an estimate uses and why (pure): the fit's prediction for the run, or a
preset's or user's figure beside it; the notes when the run lies beyond the fitted runs (their
FLOPs, years or device counts), and one line for people saying where the figure came from."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from estimator.core.base.interval import ONE_FIGURE, sides
from estimator.core.base.number_text import gfmt
from estimator.core.hardware.calibration_section import measured_utilization
from estimator.core.hardware.profile import HardwareProfile
from estimator.core.hardware.utilization_model import (
    LOG10_FLOPS_REF,
    MATURITY_REF_YEARS,
    NEAREST,
    POOLED,
    RULE,
    RULE_UTILIZATION,
    LowPrecision,
    family_label,
)
from estimator.core.training.fit_caveats import BeyondData, MoreDevices
from estimator.core.training.step import LOW_PRECISION_STEPS
from estimator.core.workload.flops import RECOMPUTE_TO_MODEL_FLOPS
from estimator.core.workload.scenario import Scenario


@dataclass(frozen=True)
class UtilizationInfo:
    """Where the utilisation came from, for people: the value, who set it, one line saying so,
    and the fit's own interval at this scale (for comparison when the user or a preset set it)."""
    value: float
    origin: str                      # fit:<family>, profile:<id>, preset:<id>, user
    summary: str                     # "0.28, fitted on 14 A100 runs, 80% interval 0.18–0.43"
    fit_interval: tuple[float, float]
    family: str | None
    n_runs: int
    borrowed: bool = False           # the device has no runs: a neighbouring family's fit, the pooled one or the rule
    same_chip: bool = False          # borrowed: its chip's family's fit (the same chip on another board)
    passed_over: str | None = None   # borrowed: the nearest family whose fit the pooled one or the rule replaced
    beyond_data: BeyondData | None = None  # fitted: the run lies beyond the fitted runs' data (held at the edge)
    # below 16 bits: the precision and the factor the 16-bit share took (``low_precision``); None: none taken
    lowered: Lowered | None = None

    @property
    def whose(self) -> str:
        """Where it came from, in a word or two: "H100 fit", "30% rule (no runs)", "given", "preset"."""
        who = self.origin.split(":", 1)[0]
        if who != "fit":
            return "given" if who == "user" else who
        return fit_words(self.family, self.borrowed, self.same_chip)

    @property
    def short(self) -> str:
        """The value and where it came from, in a few words for a table cell: "0.206, H100 fit",
        "0.3, 30% rule (no runs)", "0.224, preset". `compare` shows it beside each device."""
        value = gfmt(self.value, 3)
        if self.lowered is not None:   # "0.162 at fp8 (0.241 of bf16's × 0.67)"
            low = self.lowered
            value += f" at {low.precision} ({gfmt(self.value / low.factor, 3)} of {low.base}'s × {gfmt(low.factor, 3)})"
        return f"{value}, {self.whose}"

    @property
    def interval_of(self) -> str:
        """What ``fit_interval`` is: a profile's stated range (a calibration's problem sizes, a datasheet's), the step
        model's 80% range, or the utilisation fit's 80% interval at this scale."""
        who = self.origin.split(":", 1)[0]
        return {"profile": "the profile's stated range", "step": "the step model's 80% range"}.get(
            who, "the utilisation fit's 80% interval at this scale")

    def to_dict(self) -> dict:
        return {"value": self.value, "origin": self.origin, "summary": self.summary, "short": self.short,
                "fit_interval": list(self.fit_interval),
                # what that interval is, as its origin makes it (measuring engineer's review 2026-12-03: a calibrated
                # profile's stated problem-size range had read as a fit's beside fit_runs 0)
                "fit_interval_of": self.interval_of, "family": self.family, "fit_runs": self.n_runs,
                "borrowed": self.borrowed,
                # below 16 bits: the 16-bit share the value was taken from and how (``Lowered``); None: not lowered
                "lowered_from": None if self.lowered is None else {
                    "precision": self.lowered.base, "value": self.value / self.lowered.factor,
                    "factor": self.lowered.factor, "pace": self.lowered.pace, "peak_ratio": self.lowered.ratio}}


def year_words(profile) -> str:
    """What the run's year does to the profile's utilisation, for the year input's help: the fit
    uses it only when cross-validation kept the years since the chip's release as a covariate."""
    model = profile.utilization.model if profile is not None else None
    if model is None:
        return "The year does not change this profile's utilisation (it has no fit)."
    if "maturity_years" in model.spec.covariates:
        return ("The utilisation fit uses the years since the chip's release: software matures after a chip "
                "ships. Empty: the preset's year, or averaged over the fitted runs (a wider range).")
    return ("The shipped utilisation fit does not use the year: cross-validation chose "
            f"{model.spec.label()} (profiles/README.md). It still dates the run against the hardware's release.")


def fit_words(family: str | None, borrowed: bool, same_chip: bool = False) -> str:
    """Which fit a utilisation comes from, in a few words: "H100 fit", "H100 fit (same chip)",
    "30% rule (no runs)", "pooled fit (no runs)", "H100 fit (no runs)"."""
    if not borrowed:
        return f"{family_label(family)} fit"
    if same_chip:
        return f"{family_label(family)} fit (same chip)"
    if family == RULE:
        return f"{RULE_UTILIZATION:.0%} rule (no runs)"
    if family in (None, POOLED):
        return "pooled fit (no runs)"
    return f"{family_label(family)} fit (no runs)"


def nearest_passed_over(u) -> str | None:
    """The nearest family of a device without runs when it takes the pooled fit or the flat rule
    instead, or None."""
    return u.family if u.borrowed and u.family not in (None, POOLED) and u.fit_family in (POOLED, RULE) else None


def centre_name(used: str | None) -> str:
    """A device without runs' centre for people: "the pooled fit", "the flat 30% rule", "the H100
    family"; NEAREST (the fit's choice for such devices, not one family) "the nearest family's fit"."""
    if used == NEAREST:
        return "the nearest family's fit"
    if used in (None, POOLED):
        return "the pooled fit"
    if used == RULE:
        return f"the flat {RULE_UTILIZATION:.0%} rule"
    return f"the {family_label(used)} family"


def borrow_reason(u) -> str:
    """Why a device without runs takes the fit it does, in a few words ("" when there is nothing to
    say): "the same chip", or "its nearest family, TPU v4, passed over"."""
    if u.same_chip:
        return "the same chip"
    near = nearest_passed_over(u)
    return f"its nearest family, {family_label(near)}, passed over" if near else ""


def same_for_every_run(u) -> bool:
    """Whether the profile's utilisation is the same whatever the run (a stated value, or the flat
    rule a device without runs may take), so no reference run need be named beside it."""
    return not u.fitted or u.fit_family == RULE


def depends_on(model) -> str:
    """What a fitted utilisation depends on besides the family, in words ("FLOPs and year",
    "FLOPs", "year"; "" when neither): the covariates cross-validation kept."""
    used = model.spec.covariates if model is not None else ()
    return " and ".join(w for c, w in (("log10_flops", "FLOPs"), ("maturity_years", "year")) if c in used)


def reference_run(model, flops: float) -> str:
    """The run a fitted figure is quoted for: "1e+22 FLOPs, year unknown" (the year only when the
    fit uses it)."""
    uses_year = model is not None and "maturity_years" in model.spec.covariates
    return f"{gfmt(flops)} FLOPs" + (", year unknown" if uses_year else "")


def fit_used(u) -> str | None:
    """Which fit a profile's utilisation comes from, for people (None: a stated value): "fitted on
    the H100 family (25 runs)", "no runs of its own: the pooled fit, widened (89 runs; nearest
    family, TPU v4, passed over)", "no runs of its own: the flat 30% rule, its interval from the
    5 families held out whole (89 runs; ...)". The CLI's `profiles show` and the app's Profiles page."""
    if not u.fitted or u.model is None:
        return None
    used = u.fit_family
    name = centre_name(used)
    n = u.model.n_runs if used in (POOLED, RULE) else u.model.families[used].n_runs
    if not u.borrowed:
        return f"fitted on {name} ({n} runs)"
    why = borrow_reason(u)
    how = (f"its interval from the {len(u.model.families)} families held out whole" if used == RULE
           else "widened")
    return f"no runs of its own: {name}, {how} ({n} runs{'; ' + why if why else ''})"


def passed_over(u) -> str | None:
    """Why a device without runs takes the pooled fit or the flat rule rather than its nearest
    family's fit, or None."""
    near = nearest_passed_over(u)
    if near is None:
        return None
    n = len(u.model.families)
    if u.fit_family == RULE:
        return (f"the flat {RULE_UTILIZATION:.0%} rule, not the {family_label(near)} family's fit: with each of the {n} "
                "fitted families held out whole, the rule predicted their runs better than a nearest family's fit "
                "or the pooled fit, averaged over the families (not for every one of them; profiles/README.md)")
    return (f"the pooled fit, not the {family_label(near)} family's: with each of the {n} fitted families held out "
            "whole, a nearest family's fit predicted their runs less well than the pooled fit, averaged over the "
            "families (not for every one of them; profiles/README.md)")


def held_at_edge(model, pred, flops: float | None, year: int | None) -> BeyondData | None:
    """Where the run lies outside the fitted runs (its FLOPs, or its years since the chip's release): the
    fit is held at the edge of its data there, and no run checks it (its ``note()`` says so)."""
    if model is None or not pred.held_at_edge:
        return None
    parts = []
    for name in pred.held_at_edge:
        lo, hi = model.covariate(name).range
        if name == "log10_flops":
            parts.append(f"its {gfmt(flops, 3)} FLOPs lie outside the fitted runs' {gfmt(10 ** (lo + LOG10_FLOPS_REF), 2)}–"
                         f"{gfmt(10 ** (hi + LOG10_FLOPS_REF), 2)}")
        else:
            parts.append(f"{year} lies outside the fitted runs' {gfmt(lo + MATURITY_REF_YEARS)}–{gfmt(hi + MATURITY_REF_YEARS)} "
                         "years after their chip's release")
    return BeyondData("; ".join(parts))


def stated_range(low: float, high: float, profile: HardwareProfile) -> str:
    """A profile's stated utilisation range, "stated range 0.3–0.5"; a calibrated profile's range of no width
    rests on one measurement and says so in the words the estimate's figures use (interval.ONE_FIGURE)."""
    if low == high and profile.calibration is not None:
        return ONE_FIGURE
    return f"stated range {gfmt(low, 3)}–{gfmt(high, 3)}"


# the halvings of the bits below 16 a precision's peak stands for (the step model's fp8 and fp4, and the integer
# formats a profile may state a peak for: int8 as fp8, int4 as fp4)
HALVINGS_BELOW_16 = {**{k: v for k, v in LOW_PRECISION_STEPS.items() if v}, "int8": 1, "int4": 2}
SIXTEEN_BITS = ("bf16", "fp16")


@dataclass(frozen=True)
class Lowered:
    """A utilisation that is a share of a 16-bit peak taken at a lower precision (``low_precision``): the run goes
    ``pace`` × a 16-bit run's pace, the step fit's whole-step pace per halving of the bits (``LowPrecision``), at most
    the peaks' ``ratio``; its share of the lower peak is the 16-bit share × ``factor`` = pace ÷ ratio."""
    precision: str            # the lower one, the run's
    base: str                 # the 16-bit one the share was measured at
    halvings: int
    ratio: float              # the lower precision's peak ÷ the 16-bit one's, the profile's
    low: LowPrecision

    @property
    def pace(self) -> float:
        """A run's pace at this precision over the 16-bit one's: the step fit's per halving of the bits, at most the
        peaks' ratio (Gaudi 3's fp8 peak is its bf16 one: no faster)."""
        return min(self.low.pace ** self.halvings, self.ratio)

    @property
    def factor(self) -> float:
        return self.pace / self.ratio

    def words(self, value16: float, value: float, why: str = "") -> str:
        """The share taken, its source and what it means: "0.241 of the bf16 peak, <why>, taken × 0.67 at fp8: 0.162 of
        the fp8 peak, 1.34× a bf16 run's pace, not the peaks' 2× (the fitted step model runs …)"."""
        lo, hi = self.low.pace_range
        per = ", here per halving of the bits (no FP4 layout fitted)" if self.halvings > 1 else ""
        capped = self.pace < self.low.pace ** self.halvings
        pace = (f"{gfmt(self.pace, 3)}× a {self.base} run's pace, the peaks' ratio, which holds the step fit's "
                f"{gfmt(self.low.pace ** self.halvings, 3)}× to it" if capped else
                f"{gfmt(self.pace, 3)}× a {self.base} run's pace, not the peaks' {gfmt(self.ratio, 3)}×")
        return (f"{gfmt(value16, 3)} of the {self.base} peak{', ' + why if why else ''}, taken × {gfmt(self.factor, 3)} "
                f"at {self.precision}: {gfmt(value, 3)} of the {self.precision} peak, {pace} (the fitted step model runs "
                f"its {self.low.rows} fitted FP8 layouts a median {gfmt(self.low.pace, 3)}× ({lo:.2f}–{hi:.2f}×) their "
                f"pace at bf16{per}: attention, memory-bound work and communication gain nothing; fit-step's "
                "low_precision)")


def low_precision(profile: HardwareProfile, precision: str, base: str | None = None) -> Lowered | None:
    """A utilisation that is a share of a 16-bit peak (``base``: the fit's runs were measured at the profile's
    default; a calibration at its own precision) at a precision of fewer bits: what makes it a share of that
    precision's peak; None at 16 bits or more, from a share not of a 16-bit peak, or where no step fit is loaded
    (``Utilization.low_precision``)."""
    base = base or profile.default_precision
    low = profile.utilization.low_precision
    halvings = HALVINGS_BELOW_16.get(precision, 0)
    if (low is None or halvings <= 0 or base not in SIXTEEN_BITS or precision not in profile.peak_flops_per_s
            or base not in profile.peak_flops_per_s):
        return None
    return Lowered(precision, base, halvings, profile.peak(precision) / profile.peak(base), low)


@dataclass(frozen=True)
class UtilizationChoice:
    """The utilisation an estimate takes (``utilization_for``), with what the estimate says of it."""
    value: float                       # the fraction of peak the time is computed at
    log_sides: tuple[float, float]     # log distances (down, up) to its interval's ends at the stated level
    origin: str                        # fit:<family>, profile:<id>, preset:<id>, user
    source: str                        # the utilisation assumption's source text
    note: str | None                   # the estimate's note on it (beyond the fit's data, outside its interval)
    info: UtilizationInfo              # for people: where it came from and the fit's interval beside it
    # at a precision below 16 bits, what the share of the 16-bit peak took to be a share of this precision's
    # (``low_precision``); None: none taken
    lowered: Lowered | None = None


def utilization_for(s: Scenario, profile: HardwareProfile, flops: float | None) -> UtilizationChoice:
    """The utilisation for a run of ``flops`` model FLOPs: the fit's (or the profile's stated) figure,
    or the user's or a preset's beside it.

    A utilisation from the user or a preset is a centre, not a certainty: the family's fitted
    run-to-run spread applies around it, as around the fit's own centre."""
    pred = profile.utilization.predict(flops, s.year)
    u = profile.utilization
    precision = s.precision or profile.default_precision
    measured = (None if u.fitted or precision not in profile.peak_flops_per_s else
                measured_utilization(profile.calibration, precision, profile.peak(precision)))
    if measured is not None:  # a calibration measured this precision too: its own throughput, not the default's
        centre, low, high = measured
        pred = replace(pred, center=centre, low=low, high=high,
                       sigma_log=max(math.log(centre / low), math.log(high / centre)))
    # the share of a 16-bit peak (the fit's runs', or a calibration's at its own precision) at a lower precision: the run
    # at the step fit's whole-step pace per halving of the bits, at most the peaks' ratio (``Lowered``; review
    # 2026-12-01: fp8 had read the peaks' 2× a bf16 run's pace)
    cal_precision = (profile.calibration or {}).get("precision")
    lower = (low_precision(profile, precision, None if u.fitted else cal_precision)
             if measured is None and (u.fitted or cal_precision) else None)
    pred16 = pred
    if lower is not None:
        pred = replace(pred, center=pred.center * lower.factor, low=pred.low * lower.factor,
                       high=pred.high * lower.factor)
    half = sides(pred.center, pred.low, pred.high)
    edge = None
    if u.fitted:
        fam = family_label(pred.family) if pred.family != POOLED else "all"
        why = "; " + borrow_reason(u) if u.borrowed and borrow_reason(u) else ""
        calibrated = (", its interval calibrated on families held out whole"
                      if pred.interval_from == "held-out families" else "")
        if pred.family == RULE:
            fitted = (f"no runs on {profile.name}: the flat {RULE_UTILIZATION:.0%} of dense peak, the centre chosen for "
                      f"devices without runs ({pred.n_runs} runs in {len(u.model.families)} families{why}){calibrated}")
        else:
            fitted = (f"fitted on {pred.n_runs} {fam} runs" if not pred.borrowed else
                      f"no runs on {profile.name}: the {'pooled' if pred.family == POOLED else fam + ' family'} fit "
                      f"({pred.n_runs} runs{why}), widened by the between-family spread{calibrated}")
        used = u.model.spec.covariates  # name only what the prediction depends on: a year the fit does not use is not "at" it
        at = ", ".join(x for x in (f"{gfmt(flops, 3)} FLOPs" if flops is not None and "log10_flops" in used else "",
                                    f"in {s.year}" if s.year is not None and "maturity_years" in used else "")
                       if x and pred.family != RULE)
        desc = (f"{fitted}: {pred16.center:.2f}{' at ' + at if at else ''}, {pred.level:.0%} interval "
                f"{pred16.low:.2f}–{pred16.high:.2f} (estimator/data/utilization_fit.json; profiles/README.md)"
                + ("" if lower is None else f"; {lower.words(pred16.center, pred.center)}, interval "
                                            f"{pred.low:.2f}–{pred.high:.2f} of the {precision} peak"))
        if "maturity_years" in pred.unknown:
            desc += "; no year given: averaged over the fitted runs' years (give the year for a narrower interval)"
        edge = held_at_edge(u.model, pred, flops, s.year)
        if u.borrowed and u.basis:
            desc += f"; {u.basis}"
        not_nearest = passed_over(u)
        if not_nearest:
            desc += f"; {not_nearest}"
        origin = f"fit:{pred.family}"
    elif measured is not None:
        desc = (f"measured {precision} throughput ÷ {precision} peak ({gfmt(profile.peak(precision), 4)} FLOP/s), from the "
                f"calibration's {precision} points; {u.source}; {stated_range(pred.low, pred.high, profile)}"
                + (" (slowest and fastest problem size)" if pred.low != pred.high else ""))
        origin = f"profile:{profile.id}"
    else:
        desc = f"{u.basis}; {u.source}; {stated_range(pred.low, pred.high, profile)}"
        origin = f"profile:{profile.id}"
    short_fit = (f"{fitted}, {pred.level:.0%} interval {pred.low:.2f}–{pred.high:.2f}" if u.fitted
                 else stated_range(pred.low, pred.high, profile))
    # a calibration that measured another precision: its share of the peak taken at this one, said (measuring engineer's
    # review 2026-11-28: measured at fp64, estimated at fp32 twice as fast, "one measured figure", no word of it); at
    # fewer bits than its 16, that share × the step fit's (``low_precision``)
    taken = ("the same share of the " + precision + f" peak ({gfmt(pred.center, 3)})" if lower is None
             else lower.words(pred16.center, pred.center))
    other = (None if measured is not None or u.fitted or not cal_precision or cal_precision == precision else
             f"{profile.id} measured its throughput at {cal_precision}, not {precision}: the time takes {taken}, not "
             f"measured at {precision}; at {cal_precision} the time is the measured one")
    lowered_words = ("" if lower is None else f" of the {precision} peak ({gfmt(pred16.center, 3)} of the {lower.base} "
                                               f"peak × {gfmt(lower.factor, 3)})")
    if s.utilization is None:
        centre = gfmt(pred.center, 3) + lowered_words
        return UtilizationChoice(pred.center, half, origin, desc, other or (edge and edge.note()), UtilizationInfo(
            pred.center, origin, f"{centre}, {short_fit}" if u.fitted else f"{centre} from the profile, {short_fit}",
            (pred.low, pred.high), pred.family if u.fitted else None, pred.n_runs, u.fitted and pred.borrowed,
            u.same_chip, nearest_passed_over(u), edge, lower), lower)
    given = float(s.utilization)
    who = s.origin("utilization")
    by = f"the preset {who.removeprefix('preset:')}" if who.startswith("preset:") else "the user"
    # with full recomputation a given utilisation applies to the 8·N·D the devices execute; the fit
    # counts model FLOPs (6·N·D), so the comparison uses the given figure × 6/8
    as_model = given * RECOMPUTE_TO_MODEL_FLOPS if s.recompute else given
    in_model = f"; {gfmt(as_model, 3)} in model FLOPs, 6·N·D" if s.recompute else ""
    info = UtilizationInfo(given, who, f"{gfmt(given, 3)} from {by}{in_model.replace(';', ',')}; for comparison "
                                       f"{gfmt(pred.center, 3)}{lowered_words}, {short_fit}",
                           (pred.low, pred.high), pred.family if u.fitted else None, pred.n_runs,
                           u.fitted and pred.borrowed, u.same_chip, nearest_passed_over(u))
    note = None
    if u.fitted and not pred.low <= as_model <= pred.high:
        if pred.family == RULE:
            note = (f"the utilisation {gfmt(given, 3)} ({s.origin('utilization')}{in_model}) is outside the {pred.level:.0%} "
                    f"interval {pred.low:.2f}–{pred.high:.2f} around the flat {RULE_UTILIZATION:.0%} that hardware without "
                    f"runs takes ({fitted}); at {pred.center:.2f} the run would take {gfmt(as_model / pred.center, 2)}× as long")
        else:
            note = (f"the utilisation {gfmt(given, 3)} ({s.origin('utilization')}{in_model}) is outside the fitted "
                    f"{pred.level:.0%} interval {pred.low:.2f}–{pred.high:.2f} for this hardware and scale ({fitted}); "
                    f"at the fit's {pred.center:.2f} the run would take {gfmt(as_model / pred.center, 2)}× as long")
    return UtilizationChoice(given, half, who, f"{s.source('utilization')}; range: the run-to-run spread around it, "
                             f"from the profile ({desc})", note, info)


def beyond_fitted_scale(devices: int, profile: HardwareProfile) -> MoreDevices | None:
    """When the run uses more devices than any run the utilisation fit holds: time is taken to fall as
    1/devices, which nothing in the data vouches for beyond that size (its ``note()`` says so)."""
    model = profile.utilization.model
    most = model.max_devices if model is not None and profile.utilization.fitted else None
    if most is None or devices <= most:
        return None
    return MoreDevices(devices, most)
