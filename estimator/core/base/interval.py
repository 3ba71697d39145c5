"""Stated intervals: how the estimator's ranges are built.

Every range is a stated prediction interval at ``LEVEL`` (80%): the quantity falls inside it
for about 80% of runs, a claim `python -m estimator validate` measures for device-hours.

Each uncertain input is a centre and its distances down and up to the ends of its interval on
the natural-log scale, at that level (utilisation: the fit's predictive interval; power: the
measured-draw fit; the brain's peak: Carlsmith's range; a profile's stated range as stated). An
output that is a product of independent inputs gets each side combined in quadrature,
``h = sqrt(h₁² + h₂² + …)``, exact when the inputs are log-normal and a close approximation
for the fit's Student-t. Fitted inputs are symmetric, so the point estimate is then the
interval's geometric middle, never an end of it; only a range a source states one-sided (AlphaGo's
"≈1 MW", with a bottom-up 66 kW below it) stays one-sided.
"""

from __future__ import annotations

import math

import numpy as np

# The stated level of every range: 80%, the level issue 9 asks for ("say 80%"); a design choice, whose
# coverage `validate` measures (an 80% interval misses one run in five by design).
LEVEL = 0.8

# What a range is, for each quantity of an estimate (``Estimate.range_basis``):
# - PREDICTION: built only from fitted prediction intervals at LEVEL (the utilisation fit, the
#   measured-draw power fit), whose coverage `validate` measures (device-hours, power);
# - STATED: at least one input's range is as a source or a profile states it (the brain's peak,
#   AlphaGo's power, a calibration's slowest and fastest sizes, embodied carbon, water): no stated level,
#   no measured coverage;
# - EXACT: no range (low = high: a known run's time, the FLOPs, inputs taken as exact).
PREDICTION, STATED, EXACT = "prediction", "stated", "exact"

# A figure whose range has no width because it rests on one measurement (a calibration from one run: a
# CodeCarbon log, an own command): the utilisation's summary, the table's and Markdown's range cell, the
# statement and the app's caption say it in these words.
ONE_FIGURE = "one measured figure: no range"
# The same where the figure's power was modelled, not metered (a CPU's through CodeCarbon's load model without RAPL):
# measuring engineer's review 2026-11-29, an energy from an estimated power read "one measured figure"
ONE_ESTIMATED_FIGURE = "one figure, its power estimated, not metered: no range"


# What a stated range and an exact figure mean (the tail of RANGE_MEANING, and the whole legend where no range is a
# prediction interval: NO_PREDICTION_MEANING)
STATED_AND_EXACT = ("a range marked \"stated\" is as its sources state it or the tool assumes it (the brain's peak, "
                    "AlphaGo's power, a calibration's problem sizes, embodied carbon and water), with no measured "
                    "coverage; a figure without a range is taken as exact: the FLOPs, a known run's time, inputs you give "
                    "(utilisation keeps the fit's spread), PUE and grid intensity")
# What every range means, in one sentence (shown by the CLI, the app and the exports).
RANGE_MEANING = ("unmarked ranges are {level:.0%} prediction intervals from the utilisation and power fits, meant to hold "
                 "about {level:.0%} of real runs like this one (`python -m estimator validate` measures that out of "
                 "sample for device-hours and for power, and for energy and CO₂e, which combine the two, and cost, which "
                 "follows the device-hours at a price per device-hour or the energy at a price per kWh, by pairing "
                 "their held-out errors); " + STATED_AND_EXACT)
# Where no range is a prediction interval (a known run's hours, the brain's stated peak): the legend says so, with no
# "unmarked ranges are 80% prediction intervals" beside none (researcher review 2026-12-02)
NO_PREDICTION_MEANING = "no range here is a prediction interval: " + STATED_AND_EXACT


# Where the step model timed the run (a layout or a model's shape given: estimator/core/training/plan.py), the time's
# range is the step model's, held out by source on published layouts, with the goodput's (researcher review
# 2026-11-26: the JSON's range_meaning had named the utilisation fit for it)
# What the step model's time is not: a whole run's as published (its one home; the paper statement says it too)
# whose figures (512 H100s, days, tokens: published_runs.csv); the paper statement cites them (sources.toml: PHI3)
# The figures are `validate`'s check of the step path against those runs (services/training/whole_runs.py) and the device-count
# sensitivity of Meta's (research/whole_runs_step_path.py); tests hold them to both (researcher review 2026-11-29:
# Phi-3's, the mildest, had been quoted alone, beside "80% prediction intervals"; diff review 2026-11-29: Meta's
# counts are assumed, so their ratios lead nothing).
WHOLE_RUN_SOURCE = "the Phi-3, Llama 3 and 3.1 model cards, the Llama 2 paper"
WHOLE_RUN_LONGER = (f"of published whole runs ({WHOLE_RUN_SOURCE}), Phi-3's three, on their published 512 GPUs, took "
                    "1.6–2.2× its time, outside its 80% range, where a flat 30% of peak was 1.2–1.4× off; Meta's "
                    "seven, their GPU counts unpublished, 1.2–2.4× on 2,048 assumed, 0.64–1.15× on 8,192")
# what measures it: `validate`'s check of the step path against published whole runs (services/training/whole_runs.py), whose
# range holds few of them (evidence audit 2026-11-29: the range had been called an 80% interval with no coverage on
# whole runs measured; tests/services/test_whole_runs.py holds "few" to the figures)
WHOLE_RUN_COMMAND = "python -m estimator validate"
WHOLE_RUN_CAVEAT = f"the time is a tuned stack's, and {WHOLE_RUN_LONGER} (`{WHOLE_RUN_COMMAND}`)"
STEP_RANGE_MEANING = ("unmarked ranges are {level:.0%} prediction intervals: the time's from the step model's errors "
                      "on published training layouts held out by source and the goodput's stated range (`python -m "
                      "estimator validate` measures the step model's coverage; "
                      + WHOLE_RUN_CAVEAT.replace("{", "{{").replace("}", "}}") +
                      "), the power's from the power fit (its "
                      "coverage measured the same way), energy and CO₂e combine the two, and cost follows the time at a "
                      "price per device-hour or the energy at a price per kWh; a range marked "
                      "\"stated\" is as its sources state it or the tool assumes it (embodied carbon and water), with no measured coverage; a "
                      "figure without a range is taken as exact: the FLOPs, inputs you give, PUE and grid intensity")


def range_meaning(level: float, stepped: bool = False, predicted: bool = True) -> str:
    """What every range means, as a sentence (capital first letter, full stop); ``stepped``: the step model timed
    the run; ``predicted``: a range among them is a prediction interval (else ``NO_PREDICTION_MEANING``)."""
    text = meaning_text(level, stepped, predicted)
    return text[0].upper() + text[1:] + "."


def meaning_text(level: float, stepped: bool = False, predicted: bool = True) -> str:
    """``range_meaning``'s words as the JSON's ``range_meaning`` holds them (lower case first, no full stop)."""
    if not predicted:
        return NO_PREDICTION_MEANING
    return (STEP_RANGE_MEANING if stepped else RANGE_MEANING).format(level=level)


def combined_basis(*bases: str) -> str:
    """The basis of a range built from inputs of these bases: stated if any is, else a prediction
    interval if any is, else exact."""
    return STATED if STATED in bases else PREDICTION if PREDICTION in bases else EXACT


def basis_of(half_widths: tuple[float, float], fitted: bool) -> str:
    """An input's basis from its log half-widths (down, up) and whether they come from a fit."""
    return EXACT if not any(half_widths) else PREDICTION if fitted else STATED


def sides(center: float, low: float, high: float) -> tuple[float, float]:
    """The log distances (down, up) from ``center`` to the ends of [low, high]."""
    if low <= 0 or center <= 0:
        return 0.0, 0.0
    return max(math.log(center / low), 0.0), max(math.log(high / center), 0.0)


def combine(*half_widths: float) -> float:
    """Independent log-scale half-widths combined in quadrature."""
    return math.sqrt(sum(h * h for h in half_widths))


def around(center, down, up=None):
    """(low, high) = (centre ÷ exp(down), centre × exp(up)); floats or numpy arrays."""
    if center is None:
        return None, None
    return center / np.exp(down), center * np.exp(down if up is None else up)


def log_error_summary(logs, half_log: float) -> dict:
    """Predictions' errors on the natural-log scale (log predicted ÷ measured) against a stated interval of ×/÷
    exp(``half_log``): the median factor either way, the share inside, the median signed factor (above 1: predicted
    too high) and how many."""
    logs = [float(x) for x in logs]
    if not logs:
        return {"median_factor": math.nan, "coverage_80": math.nan, "median_signed_factor": math.nan, "rows": 0}
    return {"median_factor": math.exp(float(np.median([abs(x) for x in logs]))),
            "coverage_80": sum(abs(x) <= half_log for x in logs) / len(logs),
            "median_signed_factor": math.exp(float(np.median(logs))), "rows": len(logs)}
