"""The steady state of a run's step times (pure): warm-up, steady per-step time, the range of
the remaining steps' time and drift, from the step times a tracked run has seen.

``estimator.core.tracking.predict`` turns them, with power, into a whole-run prediction.

- **Warm-up**: a configured count, or MSER (the Marginal Standard Error Rule, White 1997): the
  truncation point d that minimises Σ_{i>d}(x_i − x̄_d)² / (n − d)², the squared standard error of
  the mean of what is kept, or the smallest d within one standard error of it (``mser_truncation``).
  Leading steps that are slower (compilation, allocation, caches filling) inflate it, so they are
  cut; a steady series is cut little or not at all. The search is limited to the first half of the
  steps (``WARMUP_MAX_FRACTION``).
- **Steady per-step time**: the plain mean of the steps after warm-up. The remaining time is a
  *sum* of steps, and the mean is the unbiased per-step figure for a sum; a median or trimmed
  mean is robust to a stray slow step but biased low whenever step times are skewed (varying
  batch sizes, occasional slow steps): in a simulation of 3,000 steps predicted from the first
  300, the median missed the total by a median 8–10% on skewed step times and its range held it in
  2–14% of runs, the mean by 2–3% with 80% coverage. Stray slow steps at the start are the
  warm-up's job.
- **Range of the remaining time** (R steps): batch means (Flegal & Jones 2010, "Batch means and
  spectral variance estimators in Markov chain Monte Carlo", Ann. Statist. 38(2):1034–1070): the
  m steady steps in b batches of L = ⌊√m⌋ steps (at most 30 batches); s_b = the standard
  deviation of the batch means. Then
  Var(remaining − R·mean) ≈ R·L·s_b² (the future steps' own run-to-run noise, autocorrelation
  included up to the batch length) + R²·s_b²/b (the uncertainty of the mean), and the range is
  R·mean ± t₀.₉(b − 1)·s_b·√(R·L + R²/b): an 80% Student-t prediction interval. When successive
  batch means are positively correlated (lag-1 ρ > 0), s_b² is scaled by (1 + ρ)/(1 − ρ).
- **Drift**: the batch means are regressed on their position; a slope significant at
  ``DRIFT_ALPHA`` widens the range to cover both "the drift stops now" and "it goes on linearly
  to the end" (the point stays the steady mean; ``predict`` adds a note saying so). A trend smaller than the
  window's noise cannot be seen; the range then assumes the step time stays at the level seen.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from estimator.core.base import student_t
from estimator.core.base.interval import LEVEL

# At least 10 steady steps before a prediction: with batches of ⌊√m⌋ steps that is 3 batches of
# 3, the fewest that give a spread with 2 degrees of freedom and a drift check with 1.
MIN_STEADY_STEPS = 10
# MSER searches its truncation point in the first half of the series only: a later "optimum"
# is an artefact of the few points left after it (White 1997; Hoad, Robinson & Davies 2010,
# "Automating warm-up length estimation", J. Oper. Res. Soc. 61:1389–1403).
WARMUP_MAX_FRACTION = 0.5
# Successive batch means that are positively correlated (batches shorter than the step times'
# memory) understate the spread: it is scaled by (1 + ρ)/(1 − ρ), the variance of a mean of AR(1)
# values relative to independent ones (Bartlett 1946, J. R. Stat. Soc. Suppl. 8:27–41), ρ their
# lag-1 autocorrelation, capped at 0.9 (×19) as a few batches estimate it roughly. It took the
# coverage of autocorrelated step times from 65% to 73% (3,000 steps from the first 10%; 72% to 80%
# from the first 30%) and of steady ones from 81–83% to 82–85% (benchmarks/bench_track.py --coverage).
MAX_LAG1 = 0.9
# Standard errors of the mean within a millionth of the mean step time are equal for MSER, and a
# spread of batch means below it is none: below what a step's timing resolves (µs on ms steps).
TIE_FRACTION = 1e-6
# A drift is acted on when the slope of the batch means is significant at 10% (two-sided).
# Chosen by simulation (benchmarks/bench_track.py --coverage): 1% left steadily rising step times
# (thermal throttling) uncovered; 10% costs little on steady series, where a false alarm only
# widens the range.
DRIFT_ALPHA = 0.10
# At most 30 batches: beyond that, longer batches absorb more of the steps' autocorrelation while
# t(29) is already within 3% of the normal quantile (Schmeiser 1982, "Batch size effects in the
# analysis of simulation output", Oper. Res. 30(3):556–568: 10 to 30 batches).
MAX_BATCHES = 30


def t_quantile(dof: int, level: float = LEVEL) -> float:
    """Two-sided Student-t quantile: mean ± t·se holds ``level`` of the mass."""
    return float(student_t.quantile(0.5 + level / 2, dof))


def mser_truncation(x: Sequence[float], max_fraction: float = WARMUP_MAX_FRACTION) -> int:
    """MSER's truncation point: how many leading values to drop (White 1997), by the one-standard-error rule.

    Standard errors within one standard error of the smallest are ties, resolved to the fewest steps dropped: the
    simplest choice within the noise of the best one (Breiman, Friedman, Olshen & Stone 1984, *Classification and
    Regression Trees*, §3.4.3; Hastie, Tibshirani & Friedman, *The Elements of Statistical Learning*, 2nd ed.,
    §7.10). A sample standard deviation of m values has a relative standard error of about 1/√(2(m − 1)), so the
    tolerance is the smallest standard error × that, m the steps it keeps; never below a millionth of the mean
    step time (``TIE_FRACTION``), so that a clock's rounding never decides the warm-up. On steady step times MSER's
    smallest had cut a warm-up from 42% of 12-step series, so a run's forecast came, went and came back between steps
    10 and 20 (a review's 20-step loop); within one standard error 10%, a forecast withdrawn after it was given in 24%
    of such loops rather than 29%; a warm-up 3% slower than the steady steps is found less often (43% against 93%),
    one 10% slower or more as always (``python -m benchmarks.bench_track --warmup``, 400 simulated runs each)."""
    a = np.asarray(x, dtype=float)
    n = len(a)
    if n < 3:
        return 0
    s1 = np.cumsum(a[::-1])[::-1]          # Σ_{i≥d} x_i
    s2 = np.cumsum((a * a)[::-1])[::-1]     # Σ_{i≥d} x_i²
    kept = n - np.arange(n)
    ss = np.maximum(s2 - s1 * s1 / kept, 0.0)
    d_max = int(n * max_fraction)
    mser = (ss / kept ** 2)[:d_max + 1]
    se = np.sqrt(mser)
    best = int(np.argmin(mser))
    tie = max(TIE_FRACTION * float(np.mean(a[best:])), float(se[best]) / math.sqrt(2 * max(int(kept[best]) - 1, 1)))
    return int(np.flatnonzero(se <= se[best] + tie)[0])


# how a warm-up MSER found is said (``StepTimes.warmup_how``; the other: "configured")
MSER_HOW = "detected by MSER"


@dataclass(frozen=True)
class StepTimes:
    """The steady state of the step times (all per step, in seconds)."""

    steps: int                # steady steps used
    warmup_steps: int
    warmup_how: str           # "configured" or "detected by MSER"
    mean_s: float
    median_s: float
    sd_s: float               # of the per-step values (per unit of ``steps_per_value`` steps)
    steady_s: float           # the steady steps' total time
    batches: int
    batch_steps: int
    batch_sd_s: float         # standard deviation of the batch means
    t: float                  # t₀.₉(batches − 1)
    slope_s_per_step: float | None = None  # a significant drift of the step time, else None
    slope_t: float | None = None
    level_end_s: float | None = None  # with a drift: the fitted step time at the last steady step
    min_s: float = 0.0        # the fastest per-step value seen (a floor for a falling drift)
    batch_means_s: tuple[float, ...] = ()
    batch_lag1: float | None = None  # lag-1 autocorrelation of the batch means
    variance_factor: float = 1.0     # (1 + ρ)/(1 − ρ) when ρ > 0: batches shorter than the steps' memory

    @property
    def spread_s(self) -> float:
        """The batch means' standard deviation, widened for their autocorrelation."""
        return self.batch_sd_s * math.sqrt(self.variance_factor)

    @property
    def mean_se_s(self) -> float:
        return self.spread_s / math.sqrt(self.batches)

    def drift_fraction(self) -> float | None:
        """The drift across the steady window: the fitted step time at its end over the fitted one at its start, less 1,
        each never below the fastest step seen, so that a fall reads −100% at most (measuring engineer's review
        2026-11-27: "−189%", the slope × the steps ÷ the mean, on a busy machine's falling step times) and a rise from
        a fitted start near zero is not a ratio to nothing (code review 2026-11-27: +10,217%)."""
        if self.slope_s_per_step is None or self.level_end_s is None or self.mean_s <= 0:
            return None
        start = max(self.level_end_s - self.slope_s_per_step * self.steps, self.min_s)
        if start <= 0:  # the fastest step took no time on the run's clock: as a share of the mean instead
            return self.slope_s_per_step * self.steps / self.mean_s
        return max(self.level_end_s, self.min_s) / start - 1

    def remaining_s(self, remaining_steps: float) -> tuple[float, float, float]:
        """(point, low, high) of the time the remaining steps take."""
        r = float(remaining_steps)
        if r <= 0:
            return 0.0, 0.0, 0.0
        mid = r * self.mean_s
        half = self.t * self.spread_s * math.sqrt(r * self.batch_steps + r * r / self.batches)
        low, high = mid - half, mid + half
        if self.slope_s_per_step is not None and self.level_end_s is not None:
            level_end = self.level_end_s
            stop = r * level_end
            go_on = _linear_sum(level_end, self.slope_s_per_step, r, self.min_s)
            low = min(low, min(stop, go_on) - half)
            high = max(high, max(stop, go_on) + half)
        # never faster than every remaining step at the fastest one seen (review 2026-11-27: a falling drift's
        # range, less its noise, had put 270 steps at 1.4 ms each where none had taken under 2.9 ms)
        return mid, max(low, r * self.min_s, 0.0), high


def _linear_sum(level: float, slope: float, r: float, floor: float) -> float:
    """Σ_{j=1..r} max(level + slope·j, floor): a linear drift that goes on, never below ``floor``."""
    if slope >= 0 or level + slope * r >= floor:
        return r * level + slope * r * (r + 1) / 2
    j = max((level - floor) / -slope, 0.0)  # steps until the floor is reached
    return j * level + slope * j * (j + 1) / 2 + floor * (r - j)


def warmup_so_far(values_s: Sequence[float], steps_per_value: int = 1, warmup_steps: int | None = None) -> int:
    """The steps ``step_times`` leaves out as the warm-up of these values: those configured, else MSER's (a
    prediction not yet made says them: measuring reviewer 2026-12-02, "11 steps done" and no forecast, unexplained)."""
    if warmup_steps is not None:
        return int(warmup_steps)
    x = np.asarray(values_s, dtype=float)
    return mser_truncation(x) * int(steps_per_value) if len(x) else 0


def step_times(values_s: Sequence[float], steps_per_value: int = 1,
               warmup_steps: int | None = None) -> StepTimes | None:
    """The steady state of a series of step times; None while fewer than MIN_STEADY_STEPS are steady.

    ``values_s`` are per-step times; each stands for ``steps_per_value`` consecutive steps (their
    mean) when a long run's history is kept at a coarser grain.
    """
    x = np.asarray(values_s, dtype=float)
    k = int(steps_per_value)
    if warmup_steps is None:
        skip = mser_truncation(x)
        how = MSER_HOW
    else:
        skip = -(-int(warmup_steps) // k)  # ceil: a value that holds a warm-up step is skipped
        how = "configured"
    steady = x[skip:]
    m_steps = len(steady) * k
    if m_steps < MIN_STEADY_STEPS or len(steady) < 3:
        return None
    # values per batch: ⌊√m⌋ (Flegal & Jones 2010), but at most MAX_BATCHES batches (Schmeiser 1982)
    batch_len = max(1, math.isqrt(len(steady)), -(-len(steady) // MAX_BATCHES))
    b = len(steady) // batch_len
    lead = len(steady) - b * batch_len            # the oldest values that do not fill a batch
    means = steady[lead:].reshape(b, batch_len).mean(axis=1)
    batch_sd = float(means.std(ddof=1)) if b > 1 else 0.0
    if batch_sd < TIE_FRACTION * float(steady.mean()):
        batch_sd = 0.0  # rounding of the clock's sums, not a spread of the step times
    lag1, factor = None, 1.0
    if b >= 4 and batch_sd > 0:
        d = means - means.mean()
        lag1 = float((d[1:] * d[:-1]).sum() / (d * d).sum())
        if lag1 > 0:
            rho = min(lag1, MAX_LAG1)
            factor = (1 + rho) / (1 - rho)
    slope = slope_t = level_end = None
    if b >= 3 and batch_sd > 0:
        centres = (lead + (np.arange(b) + 0.5) * batch_len) * k
        fit_slope, fit_icpt = np.polyfit(centres, means, 1)
        resid = means - (fit_icpt + fit_slope * centres)
        sxx = float(((centres - centres.mean()) ** 2).sum())
        se = math.sqrt(float((resid ** 2).sum()) / (b - 2) / sxx) if b > 2 else math.inf
        tt = abs(fit_slope) / se if se > 0 else math.inf
        if tt > float(student_t.quantile(1 - DRIFT_ALPHA / 2, b - 2)):
            slope, slope_t = float(fit_slope), float(tt)
            level_end = float(fit_icpt + fit_slope * m_steps)
    return StepTimes(
        steps=m_steps, warmup_steps=skip * k if warmup_steps is None else int(warmup_steps), warmup_how=how,
        mean_s=float(steady.mean()), median_s=float(np.median(steady)), sd_s=float(steady.std(ddof=1)),
        steady_s=float(steady.sum() * k), batches=b, batch_steps=batch_len * k, batch_sd_s=batch_sd,
        t=t_quantile(b - 1) if b > 1 else math.inf, slope_s_per_step=slope, slope_t=slope_t, level_end_s=level_end,
        min_s=float(steady.min()), batch_means_s=tuple(float(v) for v in means), batch_lag1=lag1,
        variance_factor=factor)
