"""A whole training run predicted from its first steps (pure): from the steady step time
(``step_times``) and the power between measurement windows, the prediction with its 80% range.

``estimator.monitor.track`` (the edge) times the user's steps and reads the power meter; this module
turns those numbers into a :class:`Prediction` in the shape of an estimate (``wall_clock_s``,
``energy_kwh``, ``co2e_kg``, ``cost_usd`` and ``range[key] == (low, high)``). The short text
report and the saved JSON report are ``estimator.report.track_report``. No clock, no files, no
devices here.

How the numbers are made
------------------------
- **Step time, its range and drift**: ``estimator.core.tracking.step_times`` (warm-up by MSER, the
  steady mean, batch means for the range, a drift check).
- **Energy**: device energy measured in windows (cut at step boundaries); the energy after the
  last window = mean steady power × the predicted time after it. Power's range: the windows'
  mean powers, t₀.₉(k − 1)·s_P·√(1/k + 1/k_future); combined with the time's relative range in
  quadrature. One window only: the time's range alone, with a note. No power meter: no energy.
- **CO₂e** = energy × grid intensity; **cost** = price per device-hour × devices × hours.

Measured coverage (``python -m benchmarks.bench_track --coverage``, 400 simulated runs a case,
predicted from the first 10% / 30% of 300 and 3,000 steps): steady, batch-size-skewed and
log-normal step times 74–85%; autocorrelated (AR(1), φ = 0.9) 44–81%, improving with the steps
seen; a warm-up then thermal plateau 50–100%; rare 10× slow steps (1%) 22–73%; a linear +20%
drift over the run 7–69% and a random-walk level 42–60%. The range is honest for step times that
are steady after the warm-up; a drift or level change it cannot yet see is not in it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from estimator.core.base.bounds import Bound
from estimator.core.base.interval import LEVEL
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import G_PER_KG, J_PER_KWH, S_PER_HOUR
from estimator.core.hardware.base_profile import whole_server_price  # noqa: F401  (re-exported: the tracker reads it here)
from estimator.core.tracking.step_times import MIN_STEADY_STEPS, MSER_HOW, StepTimes, t_quantile

TOTAL_STEPS = Bound(1, 1e12, "steps", "up to 1e12 steps (~300 years at 10 ms a step)", whole=True)
WARMUP_STEPS = Bound(0, 1e12, "steps", "0 up to the largest step count", whole=True)
# A tracked run's first energy window (estimator/monitor/track.py): 1 s, because CodeCarbon samples
# power every 1 s (MEASURE_POWER_SECS), so a shorter window holds little more than its start and
# stop readings.
FIRST_WINDOW_S = 1.0
# Without a profile or a PUE given, a tracked run's energy is the measured device's alone: said on the report's energy
# line, since a profile calibrated from the run takes its base's PUE (measuring engineer's review 2026-11-30: 0.320 Wh
# tracked, 0.400 Wh from the calibrated profile's estimate, with no word of why)
DEVICE_ONLY_PUE_SOURCE = "1.0: the measured device only, no facility overhead (give pue= or hardware=)"
# Its longest window: from the first, one second, up to an hour; longer windows would blur the
# steady state the windows are there to find.
ENERGY_WINDOW = Bound(FIRST_WINDOW_S, S_PER_HOUR, "s", "one second (the first window) up to an hour")

# From this share of the peak up, a multiple ("8.43×") reads better than a percentage; below it, a percentage keeps
# the digits that say it is above the peak ("100.4%"). A choice of wording, not a measured figure.
SHARE_AS_MULTIPLE_FROM = 1.1


def over_peak_words(share: float) -> str:
    """A share of the peak above 1 as words that never read as the peak itself: "8.43×" from
    ``SHARE_AS_MULTIPLE_FROM`` up, "100.4% of" below it (diff review 2026-12-03: 1.004 had read "1× the peak")."""
    return f"{gfmt(share, 3)}×" if share >= SHARE_AS_MULTIPLE_FROM else f"{share:.1%} of"


RANGE_MEANING = ("{level:.0%} prediction interval for the whole run: the remaining steps' time from the observed "
                 "step-time variance (batch means, Student t), energy adding the spread of power between "
                 "measurement windows; it assumes the step time stays at the level seen (a detected drift widens it)")
RESULT_KEYS = ("wall_clock_s", "device_hours", "energy_kwh", "co2e_kg", "cost_usd")


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
    marked not steady, while none is, or while those after it last less than ``FIRST_WINDOW_S`` in all,
    the meter's sampling: measuring engineer's review 2026-11-30, a 0.03-s last window after a 500-step
    warm-up had set a run's power, and its profile's, anywhere from 0.01 to 7 W where the run drew 4.4).
    None without a window that measured energy."""
    measured = [w for w in windows if w.energy_j is not None and w.duration_s > 0 and w.last_step > w.first_step]
    if not measured:
        return None
    steady = [w for w in measured if w.first_step >= warmup_steps]
    if len(steady) < len(measured) and sum(w.duration_s for w in steady) < FIRST_WINDOW_S:
        steady = []  # warm-up windows to read with them: all of them, marked not steady (a run all steady stays so)
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
    ram_total_gb: float | None = None        # the machine's RAM as the meter records it (CodeCarbon's), in GB
    no_price_why: str | None = None          # why the profile's price was left out (a whole server's hour)
    # the run timed on another device than the profile's (a GPU profile on a machine without one): why its price and
    # peak are not this run's (measure review 2026-11-29: the CPU's time was priced at an H100's hour)
    timed_elsewhere: str | None = None
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
    power_steady: bool | None = None                # the mean power is over the steady steps' windows (None: no power)
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
            "power_steady": self.power_steady, "notes": list(self.notes),
        }


def _none_range() -> dict:
    return {k: (None, None) for k in RESULT_KEYS}


def drift_text(drift: float) -> str:
    """A drift as a signed percentage that never reads "+0%": "+12%", "+0.4%", "+less than 0.1%"."""
    if abs(drift) >= 0.01:
        return f"{drift:+.0%}"
    if abs(drift) >= 0.0005:
        return f"{drift:+.1%}"
    return f"{'+' if drift >= 0 else '-'}less than 0.1%"


def predict(settings: Settings, times: StepTimes | None, power: Power | None, steps_done: int,
            elapsed_s: float, *, extra_notes: Sequence[str] = (), warmup_steps: int = 0,
            ended: bool = False) -> Prediction:
    """The whole run from the steps so far (``elapsed_s`` on the run's wall clock); ``warmup_steps``: those taken as
    the warm-up so far, said where there are not yet enough steps after them; ``ended``: the run has stopped, so too
    few steps are not said to be "yet" (measuring engineer's review 2026-12-03)."""
    s = settings
    notes = list(extra_notes)
    total = s.total_steps
    finished = total is not None and steps_done >= total
    if times is None and not finished:
        warm = min(max(int(warmup_steps), 0), steps_done)
        notes.insert(0, f"not enough steps{'' if ended else ' yet'}: a prediction needs {MIN_STEADY_STEPS} steps after the warm-up "
                        f"({steps_done} step{'' if steps_done == 1 else 's'} done"
                        + (f", the first {warm} taken as the warm-up{'' if ended else ' so far'}: {steps_done - warm} after it" if warm else "")
                        + ")")
        # the energy measured so far, with or without a forecast (measuring engineer's review 2026-11-27: a run
        # stopped at step 8 had printed none, though its report file held it)
        return Prediction(False, steps_done, total, elapsed_s, None, None, None, None, None, _none_range(),
                          mean_power_w=None if power is None else power.mean_w,
                          energy_measured_kwh=None if power is None else power.energy_done_j / J_PER_KWH,
                          power_steady=None if power is None else power.steady, notes=tuple(notes))
    step_s = step_range = achieved = util = drift = None
    if times is not None:
        step_s = times.mean_s
        se = times.t * times.mean_se_s
        # the mean step never below the fastest step seen (measuring engineer's review 2026-11-30: spiky steps read
        # "5.09 ms (80%: 0 ms–10.6 ms)", the whole run's low taken at the fastest step)
        step_range = (max(step_s - se, times.min_s, 0.0), step_s + se)
        drift = times.drift_fraction()
        if drift is not None and not finished:
            # with no total_steps there is no whole run's range, nor an end (measuring engineer's review 2026-12-01)
            notes.append(f"the step time drifts ({drift_text(drift)} across the steady steps)"
                         + (": the range spans the drift stopping now and going on linearly to the end"
                            if total is not None else ": the mean step time is of the steps so far"))
        elif drift is not None:
            # a finished run whose steady steps still drifted: its step time and throughput are those steps' mean, and
            # the steps before them, where MSER cut them, may be part of the drift rather than a warm-up (measuring
            # engineer's review 2026-12-03: step times rising from the first step, 133 of 300 taken as warm-up, the
            # throughput 7.17 × 10⁹ FLOP/s where the whole run's FLOPs over its time were 9.29 × 10⁹, and the drift,
            # said at steps 30 and 150, unsaid at the end)
            over = f"across the {times.steps:,} steady steps"
            if times.warmup_steps and times.warmup_how == MSER_HOW:
                then = (f", after the {times.warmup_steps:,} MSER took as the warm-up): the step time and throughput "
                        "are the mean of those steps, and the steps cut before them may be part of the drift rather "
                        "than a warm-up")
            elif times.warmup_steps:
                then = (f", after the {times.warmup_steps:,}-step warm-up given): the step time and throughput are the "
                        "mean of those steps")
            else:
                then = "): the step time and throughput are the mean of every step"
            notes.append(f"the step time drifted ({drift_text(drift)} {over}{then}")
        if s.flops_per_step is not None and step_s <= 0:
            notes.append("the steps took no measurable time on the run's clock: no throughput")
        elif s.flops_per_step is not None:
            achieved = s.flops_per_step / step_s / s.devices
            if s.timed_elsewhere:
                notes.append(f"no utilisation: {s.timed_elsewhere}")
            if s.peak_flops_per_s:
                util = achieved / s.peak_flops_per_s
                if util > 1:  # impossible: said beside the figure, never passed off as a measurement
                    notes.append(f"the achieved throughput is {over_peak_words(util)} the device's {gfmt(s.peak_flops_per_s, 3)} FLOP/s "
                                 "peak, which no run reaches: check flops_per_step, the devices and the hardware")
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
        # a step's energy: the steady power over the steady step time; the windows' energy ÷ their steps counts the
        # time between steps too (measuring engineer's review 2026-11-28: the last window, all that was steady after a
        # late warm-up, held the tracker's own writing at its end: 8.75 J a step where 400 W × 10.2 ms is 4.1 J)
        mean_power = power.mean_w
        per_step_j = power.mean_w * step_s if step_s else power.per_step_j
        measured_kwh = power.energy_done_j / J_PER_KWH
        # a finished run's windows are all it has: "so far" only while it runs (measuring-engineer review 2026-11-29)
        so_far = "" if finished else " so far"
        if not power.steady:
            notes.append(f"power{so_far} comes from windows that include the warm-up")
        if power.sd_w is None:
            notes.append(f"one power window{so_far}: the energy range holds the time's spread only")
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
    elif wall is not None:  # one note on why there is no cost: the price left out, or none given
        notes.append(f"no cost: {s.no_price_why}" if s.no_price_why else
                     "no cost: no price per device-hour (give price_usd_per_device_hour=, this machine's price)"
                     if s.hardware_id is None else
                     "no cost: no price per device-hour (give hardware= a profile with a price, or "
                     "price_usd_per_device_hour=)")
    return Prediction(
        ready=True, steps_done=steps_done, total_steps=total, elapsed_s=elapsed_s, wall_clock_s=wall,
        device_hours=device_hours, energy_kwh=energy_kwh, co2e_kg=co2e, cost_usd=cost, range=ranges,
        step_s=step_s, step_range_s=step_range, warmup_steps=None if times is None else times.warmup_steps,
        warmup_how=None if times is None else times.warmup_how, steady_steps=0 if times is None else times.steps,
        achieved_flops_per_s=achieved, utilization=util, mean_power_w=mean_power, energy_per_step_j=per_step_j,
        energy_measured_kwh=measured_kwh, drift_fraction=drift, power_steady=None if power is None else power.steady,
        notes=tuple(notes))
