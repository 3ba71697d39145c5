"""Running a calibration (edge): workload + measurement window → calibrated profile data.

Shared by the CLI (``calibrate``) and the app's Calibrate page. Three ways in:
``calibrate_builtin`` (matmuls), ``calibrate_command`` (the user's own run) and
``calibrate_from_codecarbon`` (a CodeCarbon log from elsewhere). Nothing here writes a
file: the caller writes ``result.data`` with ``calibration_io.write_profile``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from estimator.core.calibrate import (
    PredictionCheck,
    Throughput,
    achieved_flops_per_s,
    calibrated_profile_data,
    choose_precision,
    prediction_check,
)
from estimator.core.errors import EstimatorError, InputError, MeasurementError
from estimator.core.profile import HardwareProfile
from estimator.core.profile_reader import profile_from_dict
from estimator.io.calibration_io import CodeCarbonRun, measurement_from_codecarbon
from estimator.measure import matmul_bench as mb
from estimator.measure.base import Backend, Measurement

Progress = Callable[[float], None]  # fraction done in [0, 1]; for a user command: seconds elapsed
HOLDOUT_S = mb.HOLDOUT_S  # estimator/measure/matmul_bench.py


@dataclass(frozen=True)
class CalibrationResult:
    data: dict
    profile: HardwareProfile
    measurement: Measurement
    points: tuple[Throughput, ...]
    checks: tuple[PredictionCheck, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)
    fallback_reason: str | None = None
    window: str | None = None  # a user command: "whole command" or "steady state (estimator.measure.track)"

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
            "window": self.window,
            "points": [{"precision": t.precision, "size": t.size, "flops_per_s": t.flops_per_s} for t in self.points],
            "prediction_checks": [c.to_dict() for c in self.checks],
        }


def host_name() -> str:
    return socket.gethostname() or "unknown-host"


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


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
                         "choose a base profile with one of them", field="base")
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
    checks = held_out_size_checks(base, points, m, precision, host=host_name(), measured_at=measured_at,
                                  method=method, profile_id=profile_id)
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


def _refit(base: HardwareProfile, points, m: Measurement, **finish) -> HardwareProfile | None:
    """The calibrated profile fitted on ``points`` only; None when they cannot make one."""
    try:
        return _finish(base, points, m, **finish)[2]
    except EstimatorError:
        return None


def held_out_size_checks(base: HardwareProfile, points: Sequence[Throughput], m: Measurement, precision: str,
                         **finish) -> list[PredictionCheck]:
    """Leave one size out: each measured size of ``precision``, predicted by a profile fitted on the
    other points (interpolated between the other sizes, or the nearest one at the ends), against
    its measured time. Out of sample: the size checked is never in the fit that predicts it."""
    mine = [t for t in points if t.precision == precision and t.size and t.seconds]
    if len(mine) < 2:
        return []
    checks = []
    for t in mine:
        profile = _refit(base, [o for o in points if o is not t], m, **finish)
        if profile is None:
            continue
        checks.append(prediction_check(profile, f"size {t.size:.0f} {precision}"
                                                + (f" ({t.reps} products)" if t.reps else "")
                                                + ", from a profile fitted on the other sizes",
                                       t.flops_per_s * t.seconds, t.seconds, precision=precision, size=t.size,
                                       fitted=False))
    return checks


def split_half_check(base: HardwareProfile, child: Mapping, flops: float, precision: str, m: Measurement,
                     **finish) -> PredictionCheck | None:
    """A tracked command's steady steps split in two: a profile fitted on the first half of its
    batches predicts the second half's time (the command's --flops shared equally among its
    steps). None when the command reported fewer than two batches."""
    st, pred = child.get("step_time") or {}, child.get("prediction") or {}
    try:
        means = [float(v) for v in st["batch_means_s"]]
        batch_steps, steps_done = int(st["batch_steps"]), int(pred["steps_done"])
    except (TypeError, KeyError, ValueError):
        return None
    if len(means) < 2 or batch_steps < 1 or steps_done < 1 or min(means) <= 0:
        return None
    half = len(means) // 2
    first_steps, second_steps = half * batch_steps, (len(means) - half) * batch_steps
    first_s, second_s = sum(means[:half]) * batch_steps, sum(means[half:]) * batch_steps
    per_step = flops / steps_done
    profile = _refit(base, (Throughput(precision, per_step * first_steps / first_s, seconds=first_s),), m, **finish)
    if profile is None:
        return None
    return prediction_check(profile, f"the last {second_steps:,} steady steps, from a profile fitted on the "
                                     f"{first_steps:,} before them", per_step * second_steps, second_s,
                            precision=precision, fitted=False)


def checked_out_path(out: str | None, profile_id: str, force: bool = False, *, out_name: str = "the output file",
                     force_name: str = "the force option", id_name: str = "the profile id") -> Path:
    """Where to write a calibrated profile, refusing anything that would destroy a profile:

    - never a file in the bundled profiles/ folder (calibrated profiles go to profiles/calibrated/);
    - an existing file only if it holds a profile with the same id (a re-calibration), or with force;
    - in profiles/calibrated/, not a second file with an id another file there already has.
    ``out`` None: profiles/calibrated/<id>.toml. Shared by ``calibrate``, ``track`` and the app;
    ``out_name``, ``force_name`` and ``id_name`` are how the caller's user spells them in the messages
    (the CLI: its flags; ``track``: its arguments; by default neutral words).
    """
    from estimator.io.datafiles import CALIBRATED_DIR, PROFILES_DIR, default_profiles, load_profile_file
    if out is not None:
        if not out.strip():
            raise InputError(f"{out_name} is empty: give a .toml path, or leave {out_name} out for "
                             "profiles/calibrated/<id>.toml")
        path = Path(out)
        if path.suffix != ".toml":
            raise InputError(f"{out_name} must name a .toml file, got {out!r}")
    else:
        path = CALIBRATED_DIR / f"{profile_id}.toml"
    resolved = path.resolve()
    if resolved.parent == PROFILES_DIR.resolve():
        raise InputError(f"{path} is in the bundled profiles/ folder, which calibrate never writes: "
                         f"set {out_name} to {CALIBRATED_DIR.relative_to(PROFILES_DIR.parent) / path.name} or another folder")
    if path.is_dir():
        raise InputError(f"{out_name} {path} is a folder; give a .toml file name")
    if path.exists() and not force:
        try:
            existing = load_profile_file(path).id
        except EstimatorError:
            existing = None
        if existing != profile_id:
            held = f"the profile '{existing}'" if existing else "something that is not a valid profile"
            raise InputError(f"{path} already holds {held}; writing would replace it: choose another path for "
                             f"{out_name}, or use {force_name} to replace it")
    if resolved.parent == CALIBRATED_DIR.resolve():
        other = default_profiles().profiles.get(profile_id)
        if other is not None and Path(other.source_file).resolve() != resolved:
            raise InputError(f"profile id '{profile_id}' is already used by {other.source_file}; "
                             f"give another {id_name}, or set {out_name} to {other.source_file} to replace it")
    return path


def _forward(stream, sink) -> None:
    """Copy the child's output to ``sink`` line by line (a thread)."""
    for line in iter(stream.readline, b""):
        try:
            sink.write(line.decode("utf-8", errors="replace"))
            sink.flush()
        except (OSError, ValueError):  # the sink closed (the parent is exiting): keep draining the pipe,
            sink = open(os.devnull, "w")  # so that the child never blocks on a full one
    stream.close()


def run_command(cmd: Sequence[str], progress: Progress | None = None, poll_s: float = 0.1, *,
                env: Mapping[str, str] | None = None, stdout_to_stderr: bool = False) -> int:
    """Run the user's command to completion; on an interrupt stop it too.

    ``stdout_to_stderr``: the child's stdout goes to our stderr, so that our stdout holds only
    what we print (``calibrate --format json``)."""
    try:
        proc = subprocess.Popen(list(cmd), env=None if env is None else dict(env),
                                stdout=subprocess.PIPE if stdout_to_stderr else None)
    except OSError as exc:
        raise InputError(f"cannot run {cmd[0]!r}: {exc}") from None
    pump = None
    if stdout_to_stderr:
        pump = threading.Thread(target=_forward, args=(proc.stdout, sys.stderr), name="child-stdout", daemon=True)
        pump.start()
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
    finally:
        if pump is not None:
            pump.join(timeout=5)
    return proc.returncode


# What the prediction check of a command says when the command did not use estimator.measure.track.
WHOLE_COMMAND_NOTE = ("the measured window is the whole command, start-up included (interpreter, imports, data "
                      "loading, warm-up): use estimator.measure.track in the training loop (examples/train_numpy.py) to "
                      "measure only its steady state")


def calibrate_command(backend: Backend, base: HardwareProfile, cmd: Sequence[str], flops: float, *,
                      precision: str | None = None, progress: Progress | None = None,
                      profile_id: str | None = None, holdout_s: float = HOLDOUT_S,
                      stdout_to_stderr: bool = False) -> CalibrationResult:
    """Measure the user's own run (its FLOPs given): achieved FLOP/s and power.

    The command runs with ``ESTIMATOR_TRACK_FILE`` set: if it tracks its loop with
    ``estimator.measure.track``, the profile is made from the steady-state steps it reports (FLOPs
    shared equally among the steps it ran; its own measured power); otherwise from the whole
    command, start-up included, and a note says so.
    """
    from estimator.measure.track_markers import ENV_TRACK_BACKEND, ENV_TRACK_DEVICE, ENV_TRACK_FILE, read_track_file
    if not cmd:
        raise InputError("no command to measure: give the command, with the FLOPs it performs", field=("cmd", "flops"))
    precision = precision or base.default_precision
    if precision not in base.peak_flops_per_s:
        raise InputError(f"{base.id} has no peak for precision '{precision}'; it has: {', '.join(base.peak_flops_per_s)}")
    achieved_flops_per_s(flops, 1.0)  # check the FLOPs before running anything
    measured_at = now_iso()
    with tempfile.TemporaryDirectory(prefix="estimator-track-") as tmp:
        marker = Path(tmp) / "track.jsonl"
        env = {**os.environ, ENV_TRACK_FILE: str(marker),
               ENV_TRACK_BACKEND: "nvml" if backend.kind == "gpu" else ("cpu" if backend.name == "codecarbon" else "none"),
               ENV_TRACK_DEVICE: str(getattr(backend, "device_index", 0))}
        with backend:
            backend.begin_window()
            rc = run_command(cmd, progress, env=env, stdout_to_stderr=stdout_to_stderr)
            if rc != 0:
                raise MeasurementError(f"the command exited with status {rc}; no profile written")
            whole = backend.end_window()
        child, markers = read_track_file(marker)
    shown = " ".join(cmd)
    steady = _steady_window(child, whole, flops) if child else None
    notes_pre: list[str] = []
    if steady is None:
        m = replace(whole, details={**whole.details, "window": "the whole command, start-up included",
                                    "step_markers": markers})
        window_flops = flops
        window = "whole command"
        notes_pre.append(WHOLE_COMMAND_NOTE if not child else
                         "the command's estimator.measure.track run reported no steady state (too few steps); " + WHOLE_COMMAND_NOTE)
    else:
        m, window_flops, window_note = steady
        window = "steady state (estimator.measure.track)"
        notes_pre.append(window_note)
    achieved = achieved_flops_per_s(window_flops, m.duration_s)
    points = (Throughput(precision, achieved, seconds=m.duration_s),)
    method = (f"user command `{shown[:200]}` ({flops:.4g} FLOP given, {backend.name} backend, window: {window})")
    data, notes, profile = _finish(base, points, m, host=host_name(), measured_at=measured_at, method=method,
                                   profile_id=profile_id, extra={"workload_flops": window_flops, "command": shown[:500]})
    if steady is None:
        # one window, one number: a check on it would be the fit itself (0% by construction)
        checks = []
        notes_pre.append("no check on the command itself: it ran as one window, and a profile checked on the run "
                         "it was fitted on is 0% off by construction; a loop tracked with estimator.measure.track gets a "
                         "split-half check")
    else:
        half = split_half_check(base, child, flops, precision, m, host=host_name(), measured_at=measured_at,
                                method=method, profile_id=profile_id)
        checks = ([half] if half is not None else []) + [
            prediction_check(profile, "the whole command, start-up included", flops, whole.duration_s,
                             precision=precision, fitted=False)]
    if backend.kind == "cpu" and holdout_s > 0 and mb.HOLDOUT_PRECISION in profile.peak_flops_per_s:
        h = mb.run_holdout_numpy(holdout_s)
        checks.append(prediction_check(profile, f"not fitted: {h.reps} × {h.label()} products", h.flops, h.total_s,
                                       precision=h.precision, size=h.size, fitted=False))
    return CalibrationResult(data, profile, m, points, tuple(checks), tuple(notes_pre + notes),
                             getattr(backend, "fallback_reason", None), window)


def _steady_window(child: Mapping, whole: Measurement, flops: float):
    """(measurement, FLOPs, note) of the steady-state steps a tracked command reported; None
    when it reported none. The command's --flops are shared equally among the steps it ran."""
    st, pred, energy = child.get("step_time"), child.get("prediction") or {}, child.get("energy")
    try:
        steps_done = int(pred["steps_done"])
        steady_steps, steady_s = int(st["steady_steps"]), float(st["steady_s"])
        warmup = int(st["warmup_steps"])
    except (TypeError, KeyError, ValueError):
        return None
    if not (0 < steady_steps <= steps_done and steady_s > 0):
        return None
    settings = child.get("settings") or {}
    window_flops = flops * steady_steps / steps_done
    details = {"window": "the steady-state steps estimator.measure.track reported", "steps_done": steps_done,
               "warmup_steps": warmup, "steady_steps": steady_steps, "whole_command_s": whole.duration_s}
    power_w = energy.get("mean_power_w") if isinstance(energy, Mapping) else None
    if isinstance(power_w, (int, float)) and power_w > 0:
        source = str(settings.get("power_source") or "estimator.measure.track")
        m = Measurement(steady_s, power_w * steady_s, float(power_w), source, bool(settings.get("power_is_estimate")),
                        str(settings.get("device_name") or whole.device_name), f"track:{settings.get('backend', '?')}",
                        {**whole.details, **details, "power_from": "the command's own measurement of its steady steps"})
        power_note = "power from the command's own measurement of those steps"
    elif whole.mean_power_w is not None:
        m = Measurement(steady_s, whole.mean_power_w * steady_s, whole.mean_power_w, whole.power_source,
                        whole.power_is_estimate, whole.device_name, whole.backend,
                        {**whole.details, **details, "power_from": "the whole command's mean power"})
        power_note = "power: the whole command's mean (start-up included), as the command measured none"
    else:
        m = Measurement(steady_s, None, None, whole.power_source, False, whole.device_name, whole.backend,
                        {**whole.details, **details})
        power_note = "power not measured"
    note = (f"measured the steady state only: {steady_steps:,} steps after {warmup:,} warm-up steps, "
            f"{steady_s:.3g} s of the command's {whole.duration_s:.3g} s, as its estimator.measure.track run reported; "
            f"{flops:.4g} FLOP shared equally among its {steps_done:,} steps; {power_note}")
    return m, window_flops, note


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
    # no check: the imported run is the fit itself (0% by construction), and its machine is not this one
    notes.append("no prediction check: the profile is fitted on the one imported run, and its machine is not "
                 "this one, so there is no other workload to check it on")
    return CalibrationResult(data, profile, m, points, (), tuple(notes))
