"""A whole training run predicted from its first steps (pure): warm-up, steady-state step
time, power between measurement windows, and the prediction with its 80% range.

``estimator.measure.track`` (the edge) times the user's steps and reads the power meter; this module
turns those numbers into a :class:`Prediction` in the shape of an estimate (``wall_clock_s``,
``energy_kwh``, ``co2e_kg``, ``cost_usd`` and ``range[key] == (low, high)``), formats the short
text report and builds / reads the saved JSON report. No clock, no files, no devices here.

How the numbers are made
------------------------
- **Warm-up**: a configured count, or MSER (the Marginal Standard Error Rule, White 1997): the
  truncation point d that minimises Σ_{i>d}(x_i − x̄_d)² / (n − d)², the squared standard error of
  the mean of what is kept. Leading steps that are slower (compilation, allocation, caches
  filling) inflate it, so they are cut; a steady series is cut little or not at all. The search is
  limited to the first half of the steps (``WARMUP_MAX_FRACTION``).
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
  to the end" (the point stays the steady mean, a note says so). A trend smaller than the
  window's noise cannot be seen; the range then assumes the step time stays at the level seen.
- **Energy**: device energy measured in windows (cut at step boundaries); the energy after the
  last window = mean steady power × the predicted time after it. Power's range: the windows'
  mean powers, t₀.₉(k − 1)·s_P·√(1/k + 1/k_future); combined with the time's relative range in
  quadrature. One window only: the time's range alone, with a note. No power meter: no energy.
- **CO₂e** = energy × grid intensity; **cost** = price per device-hour × devices × hours.

Measured coverage (``python -m benchmarks.bench_track --coverage``, 400 simulated runs a case,
predicted from the first 10% / 30% of 300 and 3,000 steps): steady, batch-size-skewed and
log-normal step times 77–85%; autocorrelated (AR(1), φ = 0.9) 42–80%, improving with the steps
seen; a warm-up then thermal plateau 44–100%; rare 10× slow steps (1%) 22–73%; a linear +20%
drift over the run 7–69% and a random-walk level 42–58%. The range is honest for step times that
are steady after the warm-up; a drift or level change it cannot yet see is not in it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from estimator.core import student_t
from estimator.core.bounds import Bound
from estimator.core.errors import InputError
from estimator.core.interval import LEVEL
from estimator.core.units import BYTES_PER_MB, G_PER_KG, J_PER_KWH, MS_PER_S, S_PER_HOUR
from estimator.report import humanize as hz

REPORT_FORMAT = "estimator-track-report"
REPORT_VERSION = 1
MAX_REPORT_BYTES = 2_000_000  # a report holds at most ~1,000 history rows (~200 B each) and a summary

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
TOTAL_STEPS = Bound(1, 1e12, "steps", "up to 1e12 steps (~300 years at 10 ms a step)", whole=True)
WARMUP_STEPS = Bound(0, 1e12, "steps", "0 up to the largest step count", whole=True)
# A tracked run's first energy window (estimator/measure/track.py): 1 s, because CodeCarbon samples
# power every 1 s (MEASURE_POWER_SECS), so a shorter window holds little more than its start and
# stop readings.
FIRST_WINDOW_S = 1.0
# Its longest window: from the first, one second, up to an hour; longer windows would blur the
# steady state the windows are there to find.
ENERGY_WINDOW = Bound(FIRST_WINDOW_S, S_PER_HOUR, "s", "one second (the first window) up to an hour")

RANGE_MEANING = ("{level:.0%} prediction interval for the whole run: the remaining steps' time from the observed "
                 "step-time variance (batch means, Student t), energy adding the spread of power between "
                 "measurement windows; it assumes the step time stays at the level seen (a detected drift widens it)")
RESULT_KEYS = ("wall_clock_s", "device_hours", "energy_kwh", "co2e_kg", "cost_usd")


def t_quantile(dof: int, level: float = LEVEL) -> float:
    """Two-sided Student-t quantile: mean ± t·se holds ``level`` of the mass."""
    return float(student_t.quantile(0.5 + level / 2, dof))


def mser_truncation(x: Sequence[float], max_fraction: float = WARMUP_MAX_FRACTION) -> int:
    """MSER's truncation point: how many leading values to drop (White 1997).

    Standard errors within a millionth of the mean step time of the smallest are ties, resolved
    to the fewest steps dropped: a clock's rounding never decides the warm-up."""
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
    tie = TIE_FRACTION * float(np.mean(a[int(np.argmin(mser)):]))
    return int(np.flatnonzero(se <= se.min() + tie)[0])


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
        """The drift across the steady window, as a fraction of the mean step time."""
        if self.slope_s_per_step is None or self.mean_s <= 0:
            return None
        return self.slope_s_per_step * self.steps / self.mean_s

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
        return mid, max(low, 0.0), high


def _linear_sum(level: float, slope: float, r: float, floor: float) -> float:
    """Σ_{j=1..r} max(level + slope·j, floor): a linear drift that goes on, never below ``floor``."""
    if slope >= 0 or level + slope * r >= floor:
        return r * level + slope * r * (r + 1) / 2
    j = max((level - floor) / -slope, 0.0)  # steps until the floor is reached
    return j * level + slope * j * (j + 1) / 2 + floor * (r - j)


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
        how = "detected by MSER"
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


@dataclass(frozen=True)
class Window:
    """One energy measurement window, cut at step boundaries."""

    first_step: int      # steps done when the window opened
    last_step: int       # steps done when it closed
    start_s: float       # time since the start of the run (the run's clock)
    end_s: float
    duration_s: float    # as the backend measured it
    energy_j: float | None

    @property
    def power_w(self) -> float | None:
        return None if self.energy_j is None or self.duration_s <= 0 else self.energy_j / self.duration_s


@dataclass(frozen=True)
class Power:
    """Mean power over the steady windows and its spread."""

    mean_w: float
    windows: int
    sd_w: float | None           # None with one window: no spread known
    steady: bool                 # False: the windows include warm-up steps
    energy_done_j: float         # all windows so far (warm-up included)
    measured_until_s: float      # the end of the last window, on the run's clock
    per_step_j: float | None     # steady energy per step, and the spread between windows
    per_step_sd_j: float | None

    def half_width_w(self, future_windows: float) -> float:
        """Half-width of the interval of the mean power over the rest of the run."""
        if self.sd_w is None or self.windows < 2:
            return 0.0
        return t_quantile(self.windows - 1) * self.sd_w * math.sqrt(1 / self.windows + 1 / max(future_windows, 1.0))


def power_from_windows(windows: Sequence[Window], warmup_steps: int) -> Power | None:
    """Steady mean power: Σ energy ÷ Σ duration over the windows after the warm-up (all windows,
    marked not steady, while none is). None without a window that measured energy."""
    measured = [w for w in windows if w.energy_j is not None and w.duration_s > 0 and w.last_step > w.first_step]
    if not measured:
        return None
    steady = [w for w in measured if w.first_step >= warmup_steps]
    use = steady or measured
    energy = sum(w.energy_j for w in use)
    duration = sum(w.duration_s for w in use)
    steps = sum(w.last_step - w.first_step for w in use)
    powers = [w.power_w for w in use]
    per_step = [w.energy_j / (w.last_step - w.first_step) for w in use]
    return Power(
        mean_w=energy / duration, windows=len(use), sd_w=float(np.std(powers, ddof=1)) if len(use) > 1 else None,
        steady=bool(steady), energy_done_j=sum(w.energy_j for w in measured),
        measured_until_s=max(w.end_s for w in measured), per_step_j=energy / steps,
        per_step_sd_j=float(np.std(per_step, ddof=1)) if len(use) > 1 else None)


@dataclass(frozen=True)
class Settings:
    """What the run was told and what it found: the inputs of a prediction other than timings."""

    total_steps: int | None = None
    flops_per_step: float | None = None
    devices: int = 1
    hardware_id: str | None = None
    hardware_name: str | None = None
    hardware_how: str = ""                  # "given" / "detected: …" / why none
    precision: str | None = None
    peak_flops_per_s: float | None = None
    price_usd_per_device_hour: float | None = None
    price_source: str = ""
    pue: float = 1.0
    pue_source: str = ""
    carbon_intensity_g_per_kwh: float = 0.0
    carbon_intensity_source: str = ""
    device_name: str = ""
    backend: str = ""
    power_source: str = ""
    power_is_estimate: bool = False
    no_power_why: str | None = None          # why energy is not measured (no meter, failure)
    energy_window_s: float = 10.0

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(frozen=True)
class Prediction:
    """The whole run predicted from the steps so far, in the shape of an estimate."""

    ready: bool
    steps_done: int
    total_steps: int | None
    elapsed_s: float
    wall_clock_s: float | None
    device_hours: float | None
    energy_kwh: float | None
    co2e_kg: float | None
    cost_usd: float | None
    range: Mapping[str, tuple]
    step_s: float | None = None
    step_range_s: tuple[float, float] | None = None  # 80% interval of the steady mean step time
    warmup_steps: int | None = None
    warmup_how: str | None = None
    steady_steps: int = 0
    achieved_flops_per_s: float | None = None      # per device
    utilization: float | None = None
    mean_power_w: float | None = None
    energy_per_step_j: float | None = None
    energy_measured_kwh: float | None = None        # device energy measured so far (PUE, devices not applied)
    drift_fraction: float | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    level: float = LEVEL

    @property
    def done(self) -> bool:
        return self.total_steps is not None and self.steps_done >= self.total_steps

    def to_dict(self) -> dict:
        return {
            "ready": self.ready, "steps_done": self.steps_done, "total_steps": self.total_steps,
            "elapsed_s": self.elapsed_s, **{k: getattr(self, k) for k in RESULT_KEYS},
            "range": {k: list(self.range.get(k, (None, None))) for k in RESULT_KEYS},
            "range_level": self.level, "range_meaning": RANGE_MEANING.format(level=self.level),
            "step_s": self.step_s, "step_range_s": list(self.step_range_s) if self.step_range_s else None,
            "warmup_steps": self.warmup_steps, "warmup_how": self.warmup_how, "steady_steps": self.steady_steps,
            "achieved_flops_per_s_per_device": self.achieved_flops_per_s, "utilization": self.utilization,
            "mean_power_w": self.mean_power_w, "energy_per_step_j": self.energy_per_step_j,
            "energy_measured_kwh": self.energy_measured_kwh, "drift_fraction": self.drift_fraction,
            "notes": list(self.notes),
        }


def _none_range() -> dict:
    return {k: (None, None) for k in RESULT_KEYS}


def predict(settings: Settings, times: StepTimes | None, power: Power | None, steps_done: int,
            elapsed_s: float, *, extra_notes: Sequence[str] = ()) -> Prediction:
    """The whole run from the steps so far (``elapsed_s`` on the run's wall clock)."""
    s = settings
    notes = list(extra_notes)
    total = s.total_steps
    finished = total is not None and steps_done >= total
    if times is None and not finished:
        notes.insert(0, f"not enough steps yet: a prediction needs {MIN_STEADY_STEPS} steps after the warm-up "
                        f"({steps_done} steps done)")
        return Prediction(False, steps_done, total, elapsed_s, None, None, None, None, None, _none_range(),
                          notes=tuple(notes))
    step_s = step_range = achieved = util = drift = None
    if times is not None:
        step_s = times.mean_s
        se = times.t * times.mean_se_s
        step_range = (max(step_s - se, 0.0), step_s + se)
        drift = times.drift_fraction()
        if drift is not None and not finished:
            notes.append(f"the step time drifts ({drift:+.0%} across the steady steps): the range spans the drift "
                         "stopping now and going on linearly to the end")
        if s.flops_per_step is not None:
            achieved = s.flops_per_step / step_s / s.devices
            if s.peak_flops_per_s:
                util = achieved / s.peak_flops_per_s
    if total is None:
        notes.append("no total_steps: time and energy per step only")
        rem = (0.0, 0.0, 0.0)
        wall = wall_lo = wall_hi = None
    else:
        remaining = max(total - steps_done, 0)
        if steps_done > total:
            notes.append(f"{steps_done} steps done, more than total_steps ({total}): the run is taken as finished")
        rem = times.remaining_s(remaining) if (times is not None and remaining > 0) else (0.0, 0.0, 0.0)
        wall, wall_lo, wall_hi = elapsed_s + rem[0], elapsed_s + rem[1], elapsed_s + rem[2]

    ranges = _none_range()
    device_hours = None
    if wall is not None:
        ranges["wall_clock_s"] = (wall_lo, wall_hi)
        device_hours = wall * s.devices / S_PER_HOUR
        ranges["device_hours"] = (wall_lo * s.devices / S_PER_HOUR, wall_hi * s.devices / S_PER_HOUR)

    energy_kwh = co2e = cost = None
    mean_power = per_step_j = measured_kwh = None
    if power is not None:
        mean_power, per_step_j = power.mean_w, power.per_step_j
        measured_kwh = power.energy_done_j / J_PER_KWH
        if not power.steady:
            notes.append("power so far comes from windows that include the warm-up")
        if power.sd_w is None:
            notes.append("one power window so far: the energy range holds the time's spread only")
        if wall is not None:
            after_mid = max(elapsed_s - power.measured_until_s, 0.0) + rem[0]  # time not yet measured
            future_windows = after_mid / s.energy_window_s if s.energy_window_s > 0 else 1.0
            r_p = power.half_width_w(future_windows) / power.mean_w
            r_lo = (rem[0] - rem[1]) / after_mid if after_mid > 0 else 0.0
            r_hi = (rem[2] - rem[0]) / after_mid if after_mid > 0 else 0.0
            e_after = power.mean_w * after_mid
            e_lo = power.energy_done_j + max(e_after * (1 - math.hypot(r_lo, r_p)), 0.0)
            e_hi = power.energy_done_j + e_after * (1 + math.hypot(r_hi, r_p))
            scale = s.devices * s.pue / J_PER_KWH
            energy_kwh = (power.energy_done_j + e_after) * scale
            ranges["energy_kwh"] = (e_lo * scale, e_hi * scale)
            co2 = s.carbon_intensity_g_per_kwh / G_PER_KG
            co2e = energy_kwh * co2
            ranges["co2e_kg"] = (ranges["energy_kwh"][0] * co2, ranges["energy_kwh"][1] * co2)
    elif s.no_power_why:
        notes.append(f"no energy, CO₂e: {s.no_power_why}")
    if wall is not None and s.price_usd_per_device_hour is not None:
        per_s = s.price_usd_per_device_hour * s.devices / S_PER_HOUR
        cost = wall * per_s
        ranges["cost_usd"] = (wall_lo * per_s, wall_hi * per_s)
    elif wall is not None:
        notes.append("no cost: no price per device-hour (give hardware= a profile with a price, or "
                     "price_usd_per_device_hour=)")
    return Prediction(
        ready=True, steps_done=steps_done, total_steps=total, elapsed_s=elapsed_s, wall_clock_s=wall,
        device_hours=device_hours, energy_kwh=energy_kwh, co2e_kg=co2e, cost_usd=cost, range=ranges,
        step_s=step_s, step_range_s=step_range, warmup_steps=None if times is None else times.warmup_steps,
        warmup_how=None if times is None else times.warmup_how, steady_steps=0 if times is None else times.steps,
        achieved_flops_per_s=achieved, utilization=util, mean_power_w=mean_power, energy_per_step_j=per_step_j,
        energy_measured_kwh=measured_kwh, drift_fraction=drift, notes=tuple(notes))


# --- the short text report -------------------------------------------------------------

def _ms(seconds: float) -> str:
    return f"{hz.sig(seconds * MS_PER_S)} ms" if seconds < 1 else hz.duration(seconds)


def format_report(p: Prediction, s: Settings, *, failures: Sequence[str] = (), final: bool = False) -> str:
    """A few lines for a person: where the run is, and what the whole run will take."""
    where = (f"step {p.steps_done:,} of {p.total_steps:,} ({p.steps_done / p.total_steps:.0%})"
             if p.total_steps else f"step {p.steps_done:,}")
    lines = [f"estimator.measure.track: {'finished, ' if final else ''}{where}, {hz.duration(p.elapsed_s)} elapsed"]
    if not p.ready:
        lines += [f"  {n}" for n in p.notes]
        lines += [f"  measurement failed: {f}" for f in failures]
        return "\n".join(lines)
    lvl = f"{p.level:.0%}"
    if p.step_s is not None:
        lines.append(f"  step time   {_ms(p.step_s)} ({lvl}: {_ms(p.step_range_s[0])}–{_ms(p.step_range_s[1])}) over "
                     f"{p.steady_steps:,} steady steps, after {p.warmup_steps:,} warm-up steps ({p.warmup_how})")
    if p.wall_clock_s is not None:
        lo, hi = p.range["wall_clock_s"]
        lines.append(f"  whole run   {hz.duration(p.wall_clock_s)} ({lvl}: {hz.duration(lo)}–{hz.duration(hi)})")
    if p.energy_kwh is not None:
        lo, hi = p.range["energy_kwh"]
        est = ", an estimate" if s.power_is_estimate else ""
        lines.append(f"  energy      {hz.energy(p.energy_kwh)} ({lvl}: {hz.energy(lo)}–{hz.energy(hi)}); "
                     f"{hz.power(p.mean_power_w)} mean [{s.power_source}{est}]"
                     + (f", PUE {s.pue:g}" if s.pue != 1 else "") + (f", × {s.devices} devices" if s.devices > 1 else ""))
        lo, hi = p.range["co2e_kg"]
        lines.append(f"  CO₂e        {hz.co2e(p.co2e_kg)} ({lvl}: {hz.co2e(lo)}–{hz.co2e(hi)}) at "
                     f"{s.carbon_intensity_g_per_kwh:g} g/kWh ({s.carbon_intensity_source})")
    elif p.mean_power_w is not None:
        lines.append(f"  power       {hz.power(p.mean_power_w)} mean [{s.power_source}]")
    if p.cost_usd is not None:
        lo, hi = p.range["cost_usd"]
        lines.append(f"  cost        {hz.money(p.cost_usd)} ({lvl}: {hz.money(lo)}–{hz.money(hi)}) at "
                     f"${s.price_usd_per_device_hour:g}/device-hour ({s.price_source})")
    if p.achieved_flops_per_s is not None:
        of_peak = (f" = {p.utilization:.1%} of the {s.precision} peak of {s.hardware_id}"
                   if p.utilization is not None else "")
        lines.append(f"  throughput  {hz.sci(p.achieved_flops_per_s)} FLOP/s per device{of_peak}")
    lines.append(f"  device      {s.device_name or '?'} ({s.backend} backend); hardware profile: "
                 f"{s.hardware_id or 'none'} ({s.hardware_how})")
    lines += [f"  note: {n}" for n in p.notes]
    lines += [f"  measurement failed: {f}" for f in failures]
    return "\n".join(lines)


# --- the saved JSON report -------------------------------------------------------------

def history_row(p: Prediction) -> dict:
    lo, hi = p.range.get("wall_clock_s", (None, None))
    return {"step": p.steps_done, "elapsed_s": p.elapsed_s, "wall_clock_s": p.wall_clock_s, "low_s": lo,
            "high_s": hi, "energy_kwh": p.energy_kwh}


def report_dict(p: Prediction, s: Settings, *, times: StepTimes | None, power: Power | None,
                history: Sequence[Mapping], failures: Sequence[str], finished: bool, status: str,
                written_at: str, host: str) -> dict:
    """The saved report: the prediction, the per-step summary, where it came from, the history."""
    step_time = None
    if times is not None:
        step_time = {"mean_s": times.mean_s, "median_s": times.median_s, "sd_s": times.sd_s,
                     "steady_steps": times.steps, "steady_s": times.steady_s, "warmup_steps": times.warmup_steps,
                     "warmup_how": times.warmup_how, "batches": times.batches, "batch_steps": times.batch_steps,
                     "batch_sd_s": times.batch_sd_s, "batch_lag1": times.batch_lag1,
                     "variance_factor": times.variance_factor, "drift_fraction": times.drift_fraction(),
                     "batch_means_s": list(times.batch_means_s[-200:])}
    energy = None
    if power is not None:
        energy = {"mean_power_w": power.mean_w, "power_sd_w": power.sd_w, "windows": power.windows,
                  "steady": power.steady, "measured_j": power.energy_done_j, "per_step_j": power.per_step_j,
                  "per_step_sd_j": power.per_step_sd_j}
    return {
        "format": REPORT_FORMAT, "version": REPORT_VERSION, "written_at": written_at, "host": host,
        "status": status, "finished": finished, "settings": s.to_dict(), "prediction": p.to_dict(),
        "step_time": step_time, "energy": energy, "history": list(history), "failures": list(failures),
    }


@dataclass(frozen=True)
class LoadedReport:
    """A saved report, checked: what the app shows."""

    source: str
    status: str
    finished: bool
    steps_done: int
    total_steps: int | None
    elapsed_s: float
    prediction: Mapping[str, Any]
    settings: Mapping[str, Any]
    history: tuple[Mapping[str, Any], ...]
    failures: tuple[str, ...]
    written_at: str


def _num(where: str, value, *, allow_none: bool = True) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise InputError(f"{where} must be a number of 0 or more, got {str(value)[:40]!r}")
    return float(value)


def parse_report(data: bytes, source: str = "track report") -> LoadedReport:
    """A saved track report from its bytes (InputError naming the file when it is not one)."""
    if len(data) > MAX_REPORT_BYTES:
        raise InputError(f"{source} is {len(data) / BYTES_PER_MB:.1f} MB; a track report is at most "
                         f"{MAX_REPORT_BYTES / BYTES_PER_MB:.0f} MB")
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InputError(f"{source} is not a JSON file: {str(exc)[:80]}") from None
    if not isinstance(doc, dict) or doc.get("format") != REPORT_FORMAT:
        raise InputError(f"{source} is not a track report (no \"format\": \"{REPORT_FORMAT}\"); save one with "
                         "track(..., report_path=...) or run.save_report(path)")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version > REPORT_VERSION:
        raise InputError(f"{source}: report version {str(version)[:20]!r} is not one this version reads "
                         f"(up to {REPORT_VERSION})")
    pred, settings = doc.get("prediction"), doc.get("settings")
    if not isinstance(pred, dict) or not isinstance(settings, dict):
        raise InputError(f"{source}: no prediction or settings in the report")
    steps = _num(f"{source}: prediction.steps_done", pred.get("steps_done"), allow_none=False)
    total = _num(f"{source}: prediction.total_steps", pred.get("total_steps"))
    elapsed = _num(f"{source}: prediction.elapsed_s", pred.get("elapsed_s"), allow_none=False)
    for key in RESULT_KEYS:
        _num(f"{source}: prediction.{key}", pred.get(key))
        rng = (pred.get("range") or {}).get(key, [None, None])
        if not isinstance(rng, list) or len(rng) != 2:
            raise InputError(f"{source}: prediction.range.{key} must be [low, high]")
        for v in rng:
            _num(f"{source}: prediction.range.{key}", v)
    history = doc.get("history") or []
    if not isinstance(history, list):
        raise InputError(f"{source}: history must be a list")
    rows = []
    for i, row in enumerate(history):
        if not isinstance(row, dict):
            raise InputError(f"{source}: history row {i} is not an object")
        rows.append({k: _num(f"{source}: history row {i}: {k}", row.get(k))
                     for k in ("step", "elapsed_s", "wall_clock_s", "low_s", "high_s", "energy_kwh")})
    failures = doc.get("failures") or []
    if not isinstance(failures, list):
        raise InputError(f"{source}: failures must be a list")
    return LoadedReport(source=source, status=str(doc.get("status", ""))[:40], finished=bool(doc.get("finished")),
                        steps_done=int(steps), total_steps=None if total is None else int(total), elapsed_s=elapsed,
                        prediction=pred, settings=settings, history=tuple(rows),
                        failures=tuple(str(f)[:300] for f in failures), written_at=str(doc.get("written_at", ""))[:40])
