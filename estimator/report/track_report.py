"""A tracked run's reports (pure): the few lines printed while it runs, and the saved JSON
report (built here, and read back and checked for the app's Calibrate page).

The prediction they show is ``estimator.core.track_predict``'s; ``estimator.measure.track``
prints and saves them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from estimator.core.errors import InputError
from estimator.core.step_times import StepTimes
from estimator.core.track_predict import RESULT_KEYS, Power, Prediction, Settings
from estimator.core.units import BYTES_PER_MB, MS_PER_S
from estimator.report import humanize as hz

REPORT_FORMAT = "estimator-track-report"
REPORT_VERSION = 1
MAX_REPORT_BYTES = 2_000_000  # a report holds at most ~1,000 history rows (~200 B each) and a summary


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
