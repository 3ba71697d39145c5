"""The notes of the limits of scale that say why a figure is what it is: what a fixed budget's ranges come
from (``budget_note``), and why a diminishing-returns target does not cost the base × the compute multiplier
(``diminishing_cost_note``); a contrast with its range (``contrast_text``). Shared by the CLI and the app through ``estimator.services.limits.reports``.
"""

from __future__ import annotations

from estimator.core.base.interval import EXACT, LEVEL, PREDICTION, STATED, basis_of, sides
from estimator.core.hardware.profile import HardwareProfile
from estimator.core.training.estimate import Estimate
from estimator.core.workload.scenario import Scenario
from estimator.laws.contrasts import Contrast
from estimator.laws.scaling import BudgetResult
from estimator.report import humanize as hz

# What a budget buys is FLOPs = device-hours × peak × utilisation, and device-hours = energy ÷ (power × PUE)
# when the energy is fixed: the inputs whose range can reach it (the JSON's keys), in the words of the notes.
BUDGET_INPUTS = {"utilization": "the utilisation", "peak": "the peak", "power": "the power"}
# A ratio within this of the compute multiplier is the multiplier, as printed to 2–3 figures.
RATIO_TOLERANCE = 0.05


def budget_range_inputs(est: Estimate, scenario: Scenario, profile: HardwareProfile,
                        hours_bought: bool) -> tuple[tuple[str, str], ...]:
    """The inputs whose range goes into what a budget buys, each with its basis (``interval.PREDICTION`` or
    ``STATED``), as the core builds an estimate's ranges (``core.training.estimate``): the utilisation's interval, the
    peak's stated range (the brain's) and, where the budget fixes the energy (not ``hours_bought``), the
    power's range unless the power is given. ``est``: the estimate of the run at the budget's FLOPs."""
    out = []
    u = est.utilization
    if u is not None and u.fit_interval[0] < u.fit_interval[1]:  # a given utilisation keeps the fit's spread
        out.append(("utilization", PREDICTION if profile.utilization.fitted else STATED))
    peak = profile.peak(est.precision)
    if basis_of(sides(peak, *profile.peak_range(est.precision)), fitted=False) == STATED:
        out.append(("peak", STATED))
    if not hours_bought and scenario.power_w is None:
        power = est.assumption("power_w").value
        basis = basis_of(sides(power, *profile.power.average_range_w), profile.power.fit_group is not None)
        if basis != EXACT:
            out.append(("power", basis))
    return tuple(out)


def _joined(names) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"


def budget_note(result: BudgetResult, est: Estimate) -> str:
    """What a fixed budget's ranges mean, for the CLI's notes and the Limits page alike: which inputs' ranges
    what it buys varies with, and what kind of range each is (review: "80% ranges … the utilisation and the
    power" was said of the brain, whose utilisation and power are fixed and whose range is its stated peak);
    dollars at a price per device-hour buy exact device-hours, any other budget fixes the energy."""
    hours_bought = result.kind == "usd" and est.assumption("electricity_usd_per_kwh") is None
    by = dict(result.range_from)
    candidates = ("utilization", "peak") if hours_bought else tuple(BUDGET_INPUTS)
    fitted = [BUDGET_INPUTS[n] for n in candidates if by.get(n) == PREDICTION]
    stated = [BUDGET_INPUTS[n] for n in candidates if by.get(n) == STATED]
    fixed = [BUDGET_INPUTS[n] for n in candidates if n not in by and n != "peak"]  # a peak without a range is the rule: unsaid
    parts = []
    if fitted:
        parts.append(f"{_joined(fitted)} ({LEVEL:.0%} prediction interval{'s' if len(fitted) > 1 else ''} from "
                     f"{'their fits' if len(fitted) > 1 else 'its fit'})")
    if stated:
        parts.append(f"{_joined(stated)} ({'ranges as their sources state them' if len(stated) > 1 else 'a range as its source states it'}, "
                     "with no measured coverage)")
    what = "what it buys (FLOPs, parameters, tokens, loss)"
    varies = f"{what} varies with {' and '.join(parts)}" if parts else f"{what} is exact"
    if fixed:
        varies += f"; {_joined(fixed)} {'have' if len(fixed) > 1 else 'has'} no range here"
    return (f"the budget is fixed; {varies}; " + ("it pays for exact device-hours" if hours_bought else
                                                  "it fixes the energy, and device-hours = energy ÷ (power × PUE)")
            + ", and each row says whether it is exact")


def _utilisation(e: Estimate, peak: float | None) -> tuple[float | None, str]:
    """A run's utilisation and where it comes from: the estimate's own (fitted, the profile's, given), or, for
    a known run's time, the one it implies (achieved FLOP/s per device ÷ the peak)."""
    u = e.assumption("utilization")
    if u is not None:
        how = ("the fitted utilisation" if u.origin.startswith("fit:") else "the given utilisation" if u.origin == "user"
               else "the profile's utilisation" if u.origin.startswith("profile:") else "the utilisation")
        return u.value, how
    if e.achieved_flops_per_s is not None and peak:
        return e.achieved_flops_per_s / peak, "implied"
    return None, ""


def diminishing_cost_note(base: Estimate, target: Estimate, multiplier: float) -> str | None:
    """Why the target's cost (else its energy) is not the base's × the compute multiplier, whenever it is not
    (audit: BERT-base's target cost 15,632× its base, not 1.06 × 10⁵×, and nothing said why): time, energy and
    cost follow the utilisation, which the fit raises with a run's size, and which a known run's time sets at
    what that run reached. None when the ratio is the multiplier."""
    key = "cost_usd" if base.cost_usd and target.cost_usd else "energy_kwh"
    b, t = getattr(base, key), getattr(target, key)
    if not (b and t):
        return None
    ratio = t / b
    if abs(ratio / multiplier - 1) < RATIO_TOLERANCE:
        return None
    peaks = [e.assumption("peak_flops_per_s") for e in (target, base)]
    peak = next((p.value for p in peaks if p is not None), None)
    (ub, how_b), (ut, how_t) = _utilisation(base, peak), _utilisation(target, peak)
    head = (f"the target costs {hz.times(ratio)} the base" if key == "cost_usd" else
            f"the target uses {hz.times(ratio)} the base's energy") + f", not {hz.times(multiplier)}"
    follow = "time, energy and cost follow the utilisation"
    if ub is None or ut is None:
        return f"{head}: the FLOP/s reached per device differ between the two runs; {follow}"
    if how_b == "implied":
        time = base.assumption("hours") or base.assumption("device_hours")
        run = "the published run's" if time is not None and time.origin.startswith("preset:") else "the known run's"
        return (f"{head}: the base's time is {run} own ({hz.duration(base.wall_clock_s)} on {hz.count(base.devices)} "
                f"{'device' if base.devices == 1 else 'devices'}, "
                f"an implied utilisation of {ub:.2g} of the peak), the target's comes from {how_t} {ut:.2f} at its size; "
                f"{follow}")
    if how_b == how_t == "the fitted utilisation":
        return (f"{head}: the fitted utilisation is {ut:.2f} at the target's size against {ub:.2f} at the base's "
                f"(larger runs reach more of the peak); {follow}")
    return f"{head}: the base runs at {how_b} {ub:.2f} and the target at {how_t} {ut:.2f}; {follow}"


def contrast_text(c: Contrast) -> str:
    """A contrast's value, and its range where its inputs have one: "7,970 years (range 2,290 years – 27,700 years)",
    "50,000× (range 3,300× – 50,000×) (stated)" (the CLI's `contrasts` and the Limits page's table)."""
    text = hz.with_unit(c.value, c.unit)
    if c.range is None:
        return text
    low, high = (hz.with_unit(x, c.unit) for x in c.range)
    if low == high == text:  # a range whose ends read as the value says nothing more ("under 0.001%")
        return text
    return f"{text} (range {low} – {high})" + (" (stated)" if c.stated else "")


__all__ = ["BUDGET_INPUTS", "budget_note", "budget_range_inputs", "contrast_text", "diminishing_cost_note"]
