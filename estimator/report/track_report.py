"""A tracked run's reports (pure): the few lines printed while it runs, and the saved JSON
report (built here, and read back and checked for the app's Calibrate page).

The prediction they show is ``estimator.core.tracking.predict``'s; ``estimator.monitor.track``
prints and saves them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from estimator.core.base import bounds as B
from estimator.core.base.errors import InputError
from estimator.core.base.interval import LEVEL
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import BYTES_PER_MB, G_PER_KG, S_PER_HOUR, W_PER_KW
from estimator.core.tracking.predict import (
    DEVICE_ONLY_PUE_SOURCE,
    RESULT_KEYS,
    TOTAL_STEPS,
    Power,
    Prediction,
    Settings,
    over_peak_words,
)
from estimator.core.tracking.step_times import StepTimes
from estimator.report import humanize as hz

REPORT_FORMAT = "estimator-track-report"
REPORT_VERSION = 1
MAX_REPORT_BYTES = 2_000_000  # a report holds at most ~1,000 history rows (~200 B each) and a summary


# --- the short text report -------------------------------------------------------------

def _headline(p: Prediction, final: bool, status: str | None) -> str:
    """How the run stands: "no steps ran", "interrupted", "failed (…)", "finished", "stopped early" (or
    nothing while it runs); a run stopped at step 200 of 1,000 is not "finished", nor one that ran no step."""
    if final and p.steps_done == 0:
        return "no steps ran, "
    if status and status.startswith(("interrupted", "failed")):
        return f"{status}, "
    if final:
        return "finished, " if not p.total_steps or p.steps_done >= p.total_steps else "stopped early, "
    return ""


def _over(p: Prediction) -> str:
    """What the mean power is over: the steady steps' windows, not the energy so far ÷ the time so far (measuring
    engineer's review 2026-11-27: "0.00607 Wh measured; 3.50 W mean" over 4.11 s read as a mismatch)."""
    return " after the warm-up" if p.power_steady else ""


def format_report(p: Prediction, s: Settings, *, failures: Sequence[str] = (), final: bool = False,
                  status: str | None = None) -> str:
    """A few lines for a person: where the run is, and what the whole run will take.

    ``status`` is the run's ("running", "stopped", "interrupted", "failed (ValueError)"). Until the
    run has finished, the whole run's time, energy, CO₂e and cost are predictions and say so, and
    the energy measured so far is shown beside them (track audit: an interrupted run's predicted
    whole-run figures had read as what it used). A run with no total_steps that ended normally has
    finished: its energy is "measured", not "measured so far" (review)."""
    where = (f"step {p.steps_done:,} of {p.total_steps:,} ({p.steps_done / p.total_steps:.0%})"
             if p.total_steps else f"step {p.steps_done:,}")
    lines = [f"estimator.monitor.track: {_headline(p, final, status)}{where}, {hz.duration(p.elapsed_s)} elapsed"]
    # a run that ended normally with all its steps, or with no total to reach, has finished: its figures
    # are measured; a run stopped early, interrupted or failed (or still running) has "so far" and predictions
    ended = final and status in (None, "stopped") and (p.done or p.total_steps is None)
    pred = "" if ended else " predicted"
    est = ", an estimate" if s.power_is_estimate else ""
    if not p.ready:
        if p.energy_measured_kwh is not None:  # before a forecast, what was measured (code review 2026-11-27)
            one = " (one device, before PUE)" if s.devices > 1 or s.pue != 1 else ""
            lines.append(f"  energy      {hz.energy(p.energy_measured_kwh)} measured{' so far' if pred else ''}{one}; "
                         f"{hz.power(p.mean_power_w)} mean{_over(p)} [{s.power_source}{est}]")
        lines += [f"  {n}" for n in p.notes]
        lines += [f"  failed: {f}" for f in failures]
        return "\n".join(lines)
    lvl = f"{p.level:.0%}"
    measured = ""
    if p.energy_measured_kwh is not None:
        one = " (one device, before PUE)" if s.devices > 1 or s.pue != 1 else ""
        measured = f"; {hz.energy(p.energy_measured_kwh)} measured{' so far' if pred else ''}{one}"
    if p.step_s is not None:
        steady, warm = hz.noun(f"{p.steady_steps:,}", "steady step"), hz.noun(f"{p.warmup_steps:,}", "warm-up step")
        lines.append(f"  step time   {hz.token_time(p.step_s)} ({lvl}: {hz.token_time(p.step_range_s[0])}–{hz.token_time(p.step_range_s[1])}) over "
                     f"{steady}, after {warm} ({p.warmup_how})")
    if p.wall_clock_s is not None:
        lo, hi = p.range["wall_clock_s"]
        lines.append(f"  whole run   {hz.duration(p.wall_clock_s)}{pred} ({lvl}: {hz.duration(lo)}–{hz.duration(hi)})")
    if p.energy_kwh is not None:
        lo, hi = p.range["energy_kwh"]
        lines.append(f"  energy      {hz.energy(p.energy_kwh)}{pred} ({lvl}: {hz.energy(lo)}–{hz.energy(hi)}){measured}; "
                     f"{hz.power(p.mean_power_w)} mean{_over(p)} [{s.power_source}{est}]"
                     + (f", PUE {gfmt(s.pue)}" if s.pue != 1 else
                        ", PUE 1 (the device alone: no profile or pue= given)" if s.pue_source == DEVICE_ONLY_PUE_SOURCE
                        else "") + (f", × {s.devices} devices" if s.devices > 1 else ""))
        lo, hi = p.range["co2e_kg"]
        lines.append(f"  CO₂e        {hz.co2e(p.co2e_kg)}{pred} ({lvl}: {hz.co2e(lo)}–{hz.co2e(hi)}) at "
                     f"{gfmt(s.carbon_intensity_g_per_kwh)} g/kWh ({s.carbon_intensity_source})")
    elif p.mean_power_w is not None:
        lines.append(f"  power       {hz.power(p.mean_power_w)} mean{_over(p)} [{s.power_source}]{measured}")
    if p.cost_usd is not None:
        lo, hi = p.range["cost_usd"]
        point, low, high = hz.money_with_range(p.cost_usd, lo, hi)
        lines.append(f"  cost        {point}{pred} ({lvl}: {low}–{high}) at "
                     f"${gfmt(s.price_usd_per_device_hour)}/device-hour ({s.price_source})")
    if p.achieved_flops_per_s is not None:
        # above the peak, no share of it: the multiple, said impossible (API review 2026-12-02: a wrong flops_per_step
        # printed "= 13,062,935.5% of the fp32 peak" as a figure); the note says what to check
        of_peak = ("" if p.utilization is None else
                   f" = {hz.share(p.utilization, 1)} of the {s.precision} peak of {s.hardware_id}" if p.utilization <= 1
                   else f" = {over_peak_words(p.utilization)} the {s.precision} peak of {s.hardware_id}: impossible, "
                        "not a measurement (see the note)")
        lines.append(f"  throughput  {hz.sci(p.achieved_flops_per_s)} FLOP/s per device{of_peak}")
    lines.append(f"  device      {s.device_name or '?'} ({s.backend} backend); hardware profile: "
                 f"{s.hardware_id or 'none'} ({s.hardware_how})")
    lines += [f"  note: {n}" for n in p.notes]
    lines += [f"  failed: {f}" for f in failures]  # a meter's failure, or a file's (each says which)
    return "\n".join(lines)


# --- the saved JSON report -------------------------------------------------------------

def history_row(p: Prediction) -> dict:
    lo, hi = p.range.get("wall_clock_s", (None, None))
    return {"step": p.steps_done, "elapsed_s": p.elapsed_s, "wall_clock_s": p.wall_clock_s, "low_s": lo,
            "high_s": hi, "energy_kwh": p.energy_kwh,
            # the drift its range was widened for: none once the run is done, its range collapsed to what it took
            # (measuring engineer's review 2026-11-28: a finished row had read "widened for a drift of +68%")
            "drift_fraction": None if p.done else p.drift_fraction}


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
                  "per_step_sd_j": power.per_step_sd_j,
                  # two figures a step, said apart (measure review 2026-11-29: 0.0292 J here, 0.0288 J in the prediction)
                  "per_step_how": ("the windows' measured energy ÷ their steps, the time between steps counted; the "
                                   "prediction's energy_per_step_j is the steady power × the steady mean step time")}
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


def _num(where: str, value, *, allow_none: bool = True, high: float = math.inf,
         whole: bool = False) -> float | int | None:
    """A number of 0 or more, at most ``high`` (what the estimator itself could report), whole
    where it counts steps; None where the report leaves it out and that is allowed."""
    if value is None and allow_none:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            float(value)
        except OverflowError:  # an integer of hundreds of digits: no float holds it
            raise InputError(f"{where} is {str(value)[:12]}… ({len(str(value))} digits), more than a report can "
                             "hold") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise InputError(f"{where} must be a number of 0 or more, got {str(value)[:40]!r}")
    if value > high:
        raise InputError(f"{where} is {gfmt(value, 3)}, more than the {gfmt(high, 3)} a report can hold")
    if whole and value != int(value):
        raise InputError(f"{where} must be a whole number, got {gfmt(value)}")
    return int(value) if whole else float(value)  # a count stays a count: "154 steps", never "154.0"


def _drift(where: str, value) -> float | None:
    """A drift across the steady steps as a fraction: −1 (a fall to nothing) or more, None where there was none."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < -1:
        raise InputError(f"{where} must be a fraction of −1 or more, got {str(value)[:40]!r}")
    return float(value)


# The largest figure each field of a report can hold: what the tracker itself could write, from the
# estimator's bounds (estimator/core/base/bounds.py) and the tracker's (TOTAL_STEPS), so a corrupt or
# hand-edited report is refused, never shown. A measured time (elapsed, a step) is at most the
# wall-clock bound; a predicted whole run is at most that many steps of the longest step.
MAX_SECONDS = B.HOURS.high * S_PER_HOUR
MAX_PREDICTED_S = TOTAL_STEPS.high * MAX_SECONDS
MAX_DEVICE_HOURS = MAX_PREDICTED_S / S_PER_HOUR * B.DEVICES.high
MAX_ENERGY_KWH = MAX_DEVICE_HOURS * B.POWER_W.high * B.PUE.high / W_PER_KW
RESULT_HIGH = {"wall_clock_s": MAX_PREDICTED_S, "device_hours": MAX_DEVICE_HOURS, "energy_kwh": MAX_ENERGY_KWH,
               "co2e_kg": MAX_ENERGY_KWH * B.CARBON_INTENSITY_G_PER_KWH.high / G_PER_KG,
               "cost_usd": MAX_DEVICE_HOURS * B.PRICE_USD_PER_DEVICE_HOUR.high}
TEXT_CHARS = 300  # a note or a setting's text, as shown
SHOWN_SETTINGS = ("device_name", "backend", "power_source")


def _checked_prediction(pred: Mapping[str, Any], source: str) -> dict[str, Any]:
    """The prediction's shown fields, checked; the others as written."""
    where = f"{source}: prediction."
    out = dict(pred)
    out["steps_done"] = _num(where + "steps_done", pred.get("steps_done"), allow_none=False, high=TOTAL_STEPS.high,
                             whole=True)
    out["total_steps"] = _num(where + "total_steps", pred.get("total_steps"), high=TOTAL_STEPS.high, whole=True)
    out["elapsed_s"] = _num(where + "elapsed_s", pred.get("elapsed_s"), allow_none=False, high=MAX_SECONDS)
    ranges = pred.get("range") or {}
    if not isinstance(ranges, dict):
        raise InputError(f"{where}range must be an object")
    out["range"] = {}
    for key in RESULT_KEYS:
        value = out[key] = _num(where + key, pred.get(key), high=RESULT_HIGH[key])
        rng = ranges.get(key, [None, None])
        if not isinstance(rng, list) or len(rng) != 2:
            raise InputError(f"{where}range.{key} must be [low, high]")
        low, high = (_num(f"{where}range.{key}", x, high=RESULT_HIGH[key]) for x in rng)
        inside = low is None or (low <= high and (value is None or low <= value <= high))
        if (low is None) != (high is None) or not inside:
            raise InputError(f"{where}range.{key} must be [low, high] around the value, got {str(rng)[:60]}")
        out["range"][key] = [low, high]
    level = pred.get("range_level", LEVEL)
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
        raise InputError(f"{where}range_level must be a fraction between 0 and 1, got {str(level)[:40]!r}")
    out["range_level"] = float(level)
    out["step_s"] = _num(where + "step_s", pred.get("step_s"), high=MAX_SECONDS)
    # the power and the share of the peak, as a run writes them (measuring reviewer 2026-12-02: a hand-edited -7 W was
    # shown); a share above 1 is kept, as a run whose FLOPs a step overstate writes it
    out["mean_power_w"] = _num(where + "mean_power_w", pred.get("mean_power_w"), high=B.POWER_W.high)
    out["utilization"] = _num(where + "utilization", pred.get("utilization"))
    # steps past total_steps are kept: a run stepped past its total writes them, and is taken as finished (diff review
    # 2026-12-02: refused here, its own report could not be loaded)
    out["energy_measured_kwh"] = _num(where + "energy_measured_kwh", pred.get("energy_measured_kwh"), high=MAX_ENERGY_KWH)
    for key in ("steady_steps", "warmup_steps"):
        out[key] = _num(where + key, pred.get(key), high=TOTAL_STEPS.high, whole=True)
    out["warmup_how"] = str(pred.get("warmup_how") or "")[:TEXT_CHARS]
    notes = pred.get("notes") or []
    if not isinstance(notes, list):
        raise InputError(f"{where}notes must be a list")
    out["notes"] = [str(n)[:TEXT_CHARS] for n in notes]
    return out


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
    pred = _checked_prediction(pred, source)
    steps, total, elapsed = pred["steps_done"], pred["total_steps"], pred["elapsed_s"]
    settings = {**settings, **{k: str(settings.get(k) or "")[:TEXT_CHARS] for k in SHOWN_SETTINGS}}
    history = doc.get("history") or []
    if not isinstance(history, list):
        raise InputError(f"{source}: history must be a list")
    rows = []
    for i, row in enumerate(history):
        if not isinstance(row, dict):
            raise InputError(f"{source}: history row {i} is not an object")
        fields = (("step", TOTAL_STEPS.high), ("elapsed_s", MAX_SECONDS), ("wall_clock_s", MAX_PREDICTED_S),
                  ("low_s", MAX_PREDICTED_S), ("high_s", MAX_PREDICTED_S), ("energy_kwh", MAX_ENERGY_KWH))
        checked = {**{k: _num(f"{source}: history row {i}: {k}", row.get(k), high=high, whole=k == "step")
                      for k, high in fields},
                   "drift_fraction": _drift(f"{source}: history row {i}: drift_fraction", row.get("drift_fraction"))}
        low, high, point = checked["low_s"], checked["high_s"], checked["wall_clock_s"]
        # a row's range around its point, as the prediction's is checked (measuring engineer's review 2026-11-28: a
        # hand-edited row of low 99, high 1 was taken)
        if (low is None) != (high is None) or (low is not None and not (
                low <= high and (point is None or low <= point <= high))):
            raise InputError(f"{source}: history row {i}: low_s and high_s must be a range around wall_clock_s, got "
                             f"{str([low, high])[:60]}")
        rows.append(checked)
    failures = doc.get("failures") or []
    if not isinstance(failures, list):
        raise InputError(f"{source}: failures must be a list")
    # as a run writes them: its status in words, whether it finished true or false (measuring reviewer 2026-12-02:
    # 123 and "yes" were taken)
    if not isinstance(doc.get("status", ""), str):
        raise InputError(f"{source}: status must be text, as a run writes it (\"stopped\", \"interrupted\" …), got "
                         f"{str(doc.get('status'))[:40]!r}")
    if not isinstance(doc.get("finished", False), bool):
        raise InputError(f"{source}: finished must be true or false, got {str(doc.get('finished'))[:40]!r}")
    return LoadedReport(source=source, status=str(doc.get("status", ""))[:40], finished=bool(doc.get("finished")),
                        steps_done=int(steps), total_steps=None if total is None else int(total), elapsed_s=elapsed,
                        prediction=pred, settings=settings, history=tuple(rows),
                        failures=tuple(str(f)[:TEXT_CHARS] for f in failures), written_at=str(doc.get("written_at", ""))[:40])
