"""Running a calibration (edge): workload + measurement window → calibrated profile data.

Shared by the CLI (``calibrate``) and the app's Calibrate page. Three ways in:
``calibrate_builtin`` (matmuls), ``calibrate_command`` (the user's own run) and
``calibrate_from_codecarbon`` (a CodeCarbon log from elsewhere). Nothing here writes a
file: the caller writes ``result.data`` with ``calibration_io.write_profile``.
"""

from __future__ import annotations

import socket
import subprocess
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Sequence

from . import matmul_bench as mb
from .calibrate import (PredictionCheck, Throughput, achieved_flops_per_s, calibrated_profile_data, choose_precision,
                        prediction_check)
from .calibration_io import CodeCarbonRun, measurement_from_codecarbon
from .errors import InputError, MeasurementError
from .measure.base import Backend, Measurement
from .profile import HardwareProfile, profile_from_dict

Progress = Callable[[float], None]  # fraction done in [0, 1]; for a user command: seconds elapsed
# Time for the not-fitted workload of the prediction check: at the CPU's ~0.1–0.2 TFLOP/s
# (measured here) one 640×1536·1536×896 product takes ~10 ms, so 0.6 s gives dozens of reps
# for a stable median while adding little to the run. A design choice, not a figure from a paper.
HOLDOUT_S = 0.6


@dataclass(frozen=True)
class CalibrationResult:
    data: dict
    profile: HardwareProfile
    measurement: Measurement
    points: tuple[Throughput, ...]
    checks: tuple[PredictionCheck, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)
    fallback_reason: str | None = None

    def summary(self) -> dict:
        cal = self.data["calibration"]
        return {
            "achieved_flops_per_s": cal["achieved_flops_per_s"], "mean_power_w": self.measurement.mean_power_w,
            "energy_j": self.measurement.energy_j, "duration_s": self.measurement.duration_s,
            "power_source": self.measurement.power_source, "power_is_estimate": self.measurement.power_is_estimate,
            "device_name": self.measurement.device_name, "backend": self.measurement.backend,
            "precision": cal["precision"], "utilization": cal["utilization"], "profile_id": self.profile.id,
            "base_profile": cal["base_profile"], "measured_at": cal["measured_at"], "host": cal["host"],
            "method": cal["method"], "fallback_reason": self.fallback_reason, "notes": list(self.notes),
            "points": [{"precision": t.precision, "size": t.size, "flops_per_s": t.flops_per_s} for t in self.points],
            "prediction_checks": [c.to_dict() for c in self.checks],
        }


def host_name() -> str:
    return socket.gethostname() or "unknown-host"


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _finish(base, points, m, *, host, measured_at, method, profile_id, extra=None):
    data, notes = calibrated_profile_data(base, points, m, host=host, measured_at=measured_at, method=method,
                                          profile_id=profile_id, extra=extra)
    return data, notes, profile_from_dict(data, f"calibrated profile {data['id']}")


def _throughputs(results: Sequence[mb.MatmulPoint]) -> tuple[Throughput, ...]:
    return tuple(Throughput(p.precision, p.achieved_flops_per_s, round(p.size, 1), (p.m, p.k, p.n), p.reps,
                            p.median_s * p.reps) for p in results)


def builtin_points(base: HardwareProfile, kind: str, precisions: Sequence[str] | None = None,
                   sizes: Sequence[int] | None = None):
    all_prec, all_sizes = (mb.GPU_PRECISIONS, mb.GPU_SIZES) if kind == "gpu" else (mb.CPU_PRECISIONS, mb.CPU_SIZES)
    precs = [p for p in (precisions or all_prec) if p in base.peak_flops_per_s]
    if not precs:
        raise InputError(f"{base.id} has no peak for the workload's precisions ({', '.join(precisions or all_prec)}); "
                         f"choose a --base with one of them")
    return mb.square_points(sizes or all_sizes, precs)


def calibrate_builtin(backend: Backend, base: HardwareProfile, seconds: float, progress: Progress | None = None,
                      *, precisions=None, sizes=None, profile_id: str | None = None,
                      holdout_s: float = HOLDOUT_S) -> CalibrationResult:
    """The matmul workload inside one measurement window, then the prediction checks."""
    spec = builtin_points(base, backend.kind, precisions, sizes)
    if backend.kind == "gpu":
        mb.require_torch()  # before the window opens
        runner = lambda: mb.run_torch(spec, seconds, progress, getattr(backend, "device_index", 0))  # noqa: E731
        library = "torch"
    else:
        runner = lambda: mb.run_numpy(spec, seconds, progress)  # noqa: E731
        import numpy
        library = f"numpy {numpy.__version__}"
    measured_at = now_iso()
    with backend:
        backend.begin_window()
        results = runner()
        m = backend.end_window()
    points = _throughputs(results)
    sizes_text = f"sizes {min(p.m for p in results)}–{max(p.m for p in results)}"
    precs_text = "+".join(dict.fromkeys(p.precision for p in results))
    method = f"built-in matmul workload ({library}, {precs_text}, {sizes_text}, {backend.name} backend)"
    data, notes, profile = _finish(base, points, m, host=host_name(), measured_at=measured_at, method=method,
                                   profile_id=profile_id, extra={"workload_flops": sum(p.flops for p in results)})
    precision = data["default_precision"]
    mine = [p for p in results if p.precision == precision]
    checks = [prediction_check(profile, f"calibration run: {len(mine)} {precision} sizes, "
                                        f"{sum(p.flops for p in mine):.3g} FLOP",
                               sum(p.flops for p in mine), sum(p.total_s for p in mine), precision=precision,
                               fitted=True)]
    if backend.kind == "cpu" and holdout_s > 0 and mb.HOLDOUT_PRECISION in profile.peak_flops_per_s:
        h = mb.run_holdout_numpy(holdout_s)
        checks.append(prediction_check(profile, f"not fitted: {h.reps} × {h.label()} products", h.flops, h.total_s,
                                       precision=h.precision, size=h.size, fitted=False))
    elif backend.kind == "gpu" and holdout_s > 0:
        m_, k_, n_ = (4 * d for d in mb.HOLDOUT_SHAPE)
        h = mb.run_torch([(m_, k_, n_, precision)], holdout_s, device_index=getattr(backend, "device_index", 0))[0]
        checks.append(prediction_check(profile, f"not fitted: {h.reps} × {h.label()} products", h.flops, h.total_s,
                                       precision=h.precision, size=h.size, fitted=False))
    return CalibrationResult(data, profile, m, points, tuple(checks), tuple(notes),
                             getattr(backend, "fallback_reason", None))


def run_command(cmd: Sequence[str], progress: Progress | None = None, poll_s: float = 0.1) -> int:
    """Run the user's command to completion; on an interrupt stop it too."""
    try:
        proc = subprocess.Popen(list(cmd))
    except OSError as exc:
        raise InputError(f"cannot run {cmd[0]!r}: {exc}") from None
    t0 = time.monotonic()
    try:
        while proc.poll() is None:
            if progress:
                progress(time.monotonic() - t0)
            time.sleep(poll_s)
    except BaseException:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        raise
    return proc.returncode


def calibrate_command(backend: Backend, base: HardwareProfile, cmd: Sequence[str], flops: float, *,
                      precision: str | None = None, progress: Progress | None = None,
                      profile_id: str | None = None, holdout_s: float = HOLDOUT_S) -> CalibrationResult:
    """Measure the user's own run (its FLOPs given): achieved FLOP/s and power."""
    if not cmd:
        raise InputError("give the command to measure after `--`, e.g. calibrate --flops 1e15 -- python train.py")
    precision = precision or base.default_precision
    if precision not in base.peak_flops_per_s:
        raise InputError(f"{base.id} has no peak for precision '{precision}'; it has: {', '.join(base.peak_flops_per_s)}")
    achieved_flops_per_s(flops, 1.0)  # check the FLOPs before running anything
    measured_at = now_iso()
    with backend:
        backend.begin_window()
        rc = run_command(cmd, progress)
        if rc != 0:
            raise MeasurementError(f"the command exited with status {rc}; no profile written")
        m = backend.end_window()
    achieved = achieved_flops_per_s(flops, m.duration_s)
    points = (Throughput(precision, achieved, seconds=m.duration_s),)
    shown = " ".join(cmd)
    method = f"user command `{shown[:200]}` ({flops:.4g} FLOP given, {backend.name} backend)"
    data, notes, profile = _finish(base, points, m, host=host_name(), measured_at=measured_at, method=method,
                                   profile_id=profile_id, extra={"workload_flops": flops, "command": shown[:500]})
    checks = [prediction_check(profile, "calibration run (the command)", flops, m.duration_s, precision=precision,
                               fitted=True)]
    if backend.kind == "cpu" and holdout_s > 0 and mb.HOLDOUT_PRECISION in profile.peak_flops_per_s:
        h = mb.run_holdout_numpy(holdout_s)
        checks.append(prediction_check(profile, f"not fitted: {h.reps} × {h.label()} products", h.flops, h.total_s,
                                       precision=h.precision, size=h.size, fitted=False))
    return CalibrationResult(data, profile, m, points, tuple(checks), tuple(notes),
                             getattr(backend, "fallback_reason", None))


def calibrate_from_codecarbon(run: CodeCarbonRun, base: HardwareProfile, flops: float, *, precision: str | None = None,
                              profile_id: str | None = None) -> CalibrationResult:
    """A calibrated profile from a CodeCarbon run measured elsewhere (its FLOPs given)."""
    m, devices = measurement_from_codecarbon(run, base.kind)
    precision = precision or base.default_precision
    choose_precision(base, [precision])  # raises when the base has no peak for it
    achieved = achieved_flops_per_s(flops, m.duration_s, devices)
    points = (Throughput(precision, achieved, seconds=m.duration_s),)
    version = run.codecarbon_version or "unknown version"
    method = (f"CodeCarbon {version} log import ({run.source}, run {run.run_id[:8] or '?'}, {run.columns} columns, "
              f"{devices} device(s), {flops:.4g} FLOP given)")
    host = f"codecarbon-run-{run.run_id[:8]}" if run.run_id else "imported-run"
    data, notes, profile = _finish(base, points, m, host=host, measured_at=run.timestamp or now_iso(), method=method,
                                   profile_id=profile_id, extra={"workload_flops": flops, "devices": devices,
                                                                 "imported_at": now_iso()})
    checks = [prediction_check(profile, "the imported run", flops / devices, m.duration_s, precision=precision,
                               fitted=True)]
    notes.append("no check on an unfitted workload: the imported run's machine is not this one")
    return CalibrationResult(data, profile, m, points, tuple(checks), tuple(notes))
