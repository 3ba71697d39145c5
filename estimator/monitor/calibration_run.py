"""Running a calibration (edge): workload + measurement window → calibrated profile data.

Shared by the CLI (``calibrate``) and the app's Calibrate page. Three ways in:
``calibrate_builtin`` (matmuls), ``calibrate_command`` (the user's own run, in
``calibration_command.py``, which builds on the parts here) and ``calibrate_from_codecarbon`` (a
CodeCarbon log from elsewhere). Nothing here writes a file: the caller writes ``result.data``
with ``calibration_io.write_profile``.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from estimator.core.base.errors import EstimatorError, InputError
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import FLOPS_PER_TFLOP
from estimator.core.calibration.calibrate import (
    PredictionCheck,
    Throughput,
    achieved_flops_per_s,
    calibrated_profile_data,
    choose_precision,
    prediction_check,
    require_power_or_base_device,
)
from estimator.core.calibration.checks import CPU_IDLE_SCATTER, check_miss_warning
from estimator.core.calibration.measurement import metered_alone_note
from estimator.core.hardware.base_profile import check_base_kind
from estimator.core.hardware.calibration_section import BUILTIN_METHOD
from estimator.core.hardware.profile import HardwareProfile
from estimator.core.hardware.reader import profile_from_dict
from estimator.device import machine_load
from estimator.device import matmul_bench as mb
from estimator.device.base import Backend, Measurement, TimerBackend, mean_power_w
from estimator.io.calibration_io import CodeCarbonRun, measurement_from_codecarbon
from estimator.report import humanize as hz

Progress = Callable[[float], None]  # fraction done in [0, 1]; for a user command: seconds elapsed
HOLDOUT_S = mb.HOLDOUT_S  # estimator/device/matmul_bench.py


@dataclass(frozen=True)
class CalibrationResult:
    data: dict
    profile: HardwareProfile
    measurement: Measurement
    points: tuple[Throughput, ...]
    checks: tuple[PredictionCheck, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)
    fallback_reason: str | None = None
    window: str | None = None  # a user command: "whole command" or "steady state (estimator.monitor.track)"
    # why the profile is likely unreliable (a busy machine, checks far off): shown, the profile still written
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self):
        # the profile carries its warnings (calibration.warnings), so a kept unreliable profile says so wherever it
        # is used, not only on the run's own screen (review: a forced one read like any other)
        if self.warnings:
            cal = {**self.data["calibration"], "warnings": list(self.warnings)}
            object.__setattr__(self, "data", {**self.data, "calibration": cal})
            object.__setattr__(self, "profile", replace(self.profile, calibration=cal))

    def summary(self) -> dict:
        cal = self.data["calibration"]
        return {
            "achieved_flops_per_s": cal["achieved_flops_per_s"], "mean_power_w": self.measurement.mean_power_w,
            "energy_j": self.measurement.energy_j, "duration_s": self.measurement.duration_s,
            "power_source": self.measurement.power_source, "power_is_estimate": self.measurement.power_is_estimate,
            "device_name": self.measurement.device_name, "backend": self.measurement.backend,
            "precision": cal["precision"], "utilization": cal["utilization"], "profile_id": self.profile.id,
            "base_profile": cal["base_profile"], "measured_at": cal["measured_at"], "host": cal["host"],
            "method": cal["method"], "fallback_reason": self.fallback_reason,
            "notes": list(self.notes) + [n for n in (metered_alone_note(self.measurement.power_source),) if n],
            "window": self.window, "warnings": list(self.warnings),
            "points": [{"precision": t.precision, "size": t.size, "flops_per_s": t.flops_per_s} for t in self.points],
            "prediction_checks": [c.to_dict() for c in self.checks],
        }


def host_name() -> str:
    return socket.gethostname() or "unknown-host"


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def finish_profile(base, points, m, *, host, measured_at, method, profile_id, extra=None, machine=None):
    data, notes = calibrated_profile_data(base, points, m, host=host, measured_at=measured_at, method=method,
                                          profile_id=profile_id, extra=extra, machine=machine)
    return data, notes, profile_from_dict(data, f"calibrated profile {data['id']}")


def check_power_measured(backend: Backend, base: HardwareProfile) -> None:
    """Before anything runs: a backend that reads no power (time only, e.g. no CodeCarbon) makes a
    profile only where the base's power is the measured device's own
    (``estimator.core.calibration.calibrate.require_power_or_base_device``; a CPU base never is)."""
    if isinstance(backend, TimerBackend):
        require_power_or_base_device(base, backend.device_name, backend.why)


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


def base_profile(profiles, base_id: str | None, kind: str, device_name: str) -> HardwareProfile:
    """The base profile a calibration starts from: the one given (``--base``, the page's choice), else the bundled
    profile the measured device's name gives (the CPU server profile for a CPU: ``guess_base_profile``). The one rule
    for `calibrate` and the Calibrate page (structure review 2026-11-30: the page had taken the CPU profile itself)."""
    from estimator.core.hardware.base_profile import guess_base_profile
    from estimator.io.datafiles import bundled_names
    return profiles.get(base_id or guess_base_profile(device_name, kind, bundled_names(profiles)))


def check_builtin_seconds(backend: Backend, seconds: float) -> None:
    """The built-in workload's duration at least the meter's power sampling (CodeCarbon's 1 s): refused before it runs,
    as the measured run would be after (measuring engineer's review 2026-11-30: `--seconds 0.1` ran 0.65 s, then was
    refused as shorter than the sampling)."""
    sampling_s = getattr(backend, "measure_power_secs", None)
    if sampling_s and seconds < sampling_s:
        raise InputError(f"the built-in workload's {gfmt(seconds, 3)} s is shorter than the meter's "
                         f"{gfmt(sampling_s, 3)}-s power sampling (CodeCarbon), so its power would be no reading: give "
                         f"at least {gfmt(sampling_s, 3)} s", field="seconds")


def calibrate_builtin(backend: Backend, base: HardwareProfile, seconds: float, progress: Progress | None = None,
                      *, precisions=None, sizes=None, profile_id: str | None = None,
                      holdout_s: float = HOLDOUT_S,
                      load: machine_load.LoadReader | None = None,
                      cpu_clock: machine_load.CpuClock | None = None) -> CalibrationResult:
    """The matmul workload inside one measurement window, then the prediction checks. The backend is
    closed on the way out, a refusal before the window opens included (conventions audit: the app's
    caller would otherwise have left it open). ``load`` reads the machine's load at the window's
    start and end (default ``machine_load.read_load``; tests give their own): a busy machine, or
    checks that miss far (CPU), add a warning to the result; ``cpu_clock`` times the CPU workload's own
    share of the CPUs (default ``machine_load.cpu_clock``)."""
    read, clock = load or machine_load.read_load, cpu_clock or machine_load.cpu_clock
    with backend:
        check_base_kind(base, backend.kind)  # before anything runs
        check_power_measured(backend, base)
        check_builtin_seconds(backend, seconds)
        spec = builtin_points(base, backend.kind, precisions, sizes)
        if backend.kind == "gpu":
            mb.require_torch()  # before the window opens
            runner = lambda: mb.run_torch(spec, seconds, progress, getattr(backend, "device_index", 0),  # noqa: E731
                                          uuid=getattr(backend, "uuid", None))
            library = "torch"
        else:
            runner = lambda: mb.run_numpy(spec, seconds, progress)  # noqa: E731
            import numpy
            library = f"numpy {numpy.__version__}"
        measured_at = now_iso()
        load_start = read()
        backend.begin_window()
        clock_start = clock()  # the workload's own run, not the meter's start and stop (a CodeCarbon tracker
        results = runner()     # starts in about 1.3 s of wall time, its CPU time in child processes; review 13)
        clock_end = clock()
        m = backend.end_window()
        load_end = read()
    points = _throughputs(results)
    if short := [p.label() for p in results if p.cut_short]:
        notes_first = [f"to stop at the {gfmt(seconds, 3)} s asked, {len(short)} of the {len(results)} matrix sizes ran "
                       f"fewer than {mb.MIN_REPS} timed products each ({', '.join(short)}): the time asked was short "
                       "for this machine (or it was busy), their medians rest on fewer samples, and a busy machine's "
                       "figures may read low; more seconds give each size its products"]
    else:
        notes_first = []
    sizes_text = f"sizes {min(p.m for p in results)}–{max(p.m for p in results)}"
    precs_text = "+".join(dict.fromkeys(p.precision for p in results))
    method = f"{BUILTIN_METHOD} ({library}, {precs_text}, {sizes_text}, {backend.name} backend)"
    data, notes, profile = finish_profile(base, points, m, host=host_name(), measured_at=measured_at, method=method,
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
        h = mb.run_torch([(m_, k_, n_, precision)], holdout_s, device_index=getattr(backend, "device_index", 0),
                         uuid=getattr(backend, "uuid", None))[0]
        checks.append(prediction_check(profile, f"not fitted: {h.reps} × {h.label()} products", h.flops, h.total_s,
                                       precision=h.precision, size=h.size, fitted=False))
    # the miss threshold rests on the CPU workload's measured scatter (calibration_checks.CHECK_MISS_FACTOR);
    # no GPU run has measured its own, and a GPU's smallest size is launch-bound (matmul_bench.GPU_SIZES)
    if backend.kind == "cpu":
        # its BLAS threads fill the CPUs, so the load at the end holds them (an idle 2-CPU machine read 1.9-2.0
        # after 60-100 s) and lags a short window: the window is judged by the share of the CPUs they got
        threads = machine_load.blas_threads()
        warnings = [machine_load.busy_warning(load_start, None),
                    machine_load.cpu_share_warning(clock_start, clock_end, threads, machine_load.cpu_quota())
                    if threads else None,
                    check_miss_warning(checks, idle=CPU_IDLE_SCATTER)]
    else:
        warnings = [machine_load.busy_warning(load_start, load_end)]
    return CalibrationResult(data, profile, m, points, tuple(checks), tuple(notes_first + notes),
                             getattr(backend, "fallback_reason", None), warnings=tuple(w for w in warnings if w))


def refit_profile(base: HardwareProfile, points, m: Measurement, **finish) -> HardwareProfile | None:
    """The calibrated profile fitted on ``points`` only; None when they cannot make one."""
    try:
        return finish_profile(base, points, m, **finish)[2]
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
        profile = refit_profile(base, [o for o in points if o is not t], m, **finish)
        if profile is None:
            continue
        checks.append(prediction_check(profile, f"size {t.size:.0f} {precision}"
                                                + (f" ({t.reps} product{'s' if t.reps != 1 else ''})" if t.reps else "")
                                                + ", from a profile fitted on the other sizes",
                                       t.flops_per_s * t.seconds, t.seconds, precision=precision, size=t.size,
                                       fitted=False))
    return checks


MAX_NAME_BYTES = 255  # the longest file name Linux's, macOS's and Windows' file systems take (NAME_MAX)


def checked_out_path(out: str | None, profile_id: str, force: bool = False, *, out_name: str = "the output file",
                     force_name: str = "the force option", id_name: str = "the profile id",
                     id_example=lambda v: f"e.g. {v}") -> Path:
    """Where to write a calibrated profile, refusing anything that would destroy a profile:

    - never a file in the bundled profiles/ folder (calibrated profiles go to profiles/calibrated/);
    - an existing file only if it holds a profile with the same id (a re-calibration), or with force;
    - in profiles/calibrated/, not a second file with an id another file there already has.
    ``out`` None: profiles/calibrated/<id>.toml. Shared by ``calibrate``, ``track`` and the app;
    ``out_name``, ``force_name`` and ``id_name`` are how the caller's user spells them in the messages
    (the CLI: its flags; ``track``: its arguments; by default neutral words), and ``id_example`` writes
    an example id the way that user would give it ("--id h100-sxm-cal"); a message about the output
    path names its value in full ("set --out to profiles/calibrated/x.toml"), so it needs no example.
    """
    from estimator.core.hardware.reader import ID_FIX, id_problem
    from estimator.io.datafiles import (
        CALIBRATED_DIR,
        PROFILES_DIR,
        default_profiles,
        display_path,
        is_bundled,
        load_profile_file,
        source_path,
    )
    from estimator.io.paths import CALIBRATED_DIR_ENV, CALIBRATED_DIR_NAMED
    if (problem := id_problem(str(profile_id))) is not None:
        raise InputError(f"{id_name}: {problem}; {ID_FIX}", field="id")
    # the input the path is, as the caller's user names it ("--out" is out; measuring reviewer 2026-12-02: these had
    # named none)
    out_field = out_name.lstrip("-")
    if out is not None:
        if not out.strip():
            raise InputError(f"{out_name} is empty: give a .toml path, or leave {out_name} out for "
                             "profiles/calibrated/<id>.toml", field=out_field)
        path = Path(out)
        if too_long := next((part for part in path.parts if len(os.fsencode(part)) > MAX_NAME_BYTES), None):
            raise InputError(f"{out_name}: the name {too_long[:40]}… is {len(os.fsencode(too_long))} bytes, over the "
                             f"{MAX_NAME_BYTES} a file system takes; give a shorter name", field=out_field)
        if path.suffix != ".toml":
            raise InputError(f"{out_name} must name a .toml file, got {out!r}", field=out_field)
        if not path.parent.is_dir():  # a typo in a folder name is not a folder to create
            raise InputError(f"{out_name} {path}: the folder {path.parent} does not exist; create it first, or give "
                             "a file in a folder that exists", field=out_field)
    else:
        if CALIBRATED_DIR_NAMED and not CALIBRATED_DIR.is_dir():  # a typo in the variable is not a folder to create
            raise InputError(f"the calibrated profiles' folder {CALIBRATED_DIR}, named by {CALIBRATED_DIR_ENV}, does "
                             f"not exist: create it, or correct or unset {CALIBRATED_DIR_ENV}")
        path = CALIBRATED_DIR / f"{profile_id}.toml"
    resolved = path.resolve()
    if resolved.parent == PROFILES_DIR.resolve():
        raise InputError(f"{path} is in the bundled profiles/ folder, which calibrate never writes: "
                         f"set {out_name} to {display_path(CALIBRATED_DIR / path.name)} or another folder")
    if path.is_dir():
        raise InputError(f"{out_name} {path} is a folder; give a .toml file name")
    if path.exists() and not path.is_file():  # a FIFO, a socket, a device: never replaced, even with force (issue 55)
        raise InputError(f"{out_name} {path} is not a regular file (a pipe, a socket or a device); give a .toml file name")
    if path.exists() and path.stat().st_size > 0 and not force:  # an empty file (mkstemp's) holds nothing yet
        try:
            existing = load_profile_file(path).id
        except EstimatorError:
            existing = None
        if existing != profile_id:
            held = f"the profile '{existing}'" if existing else "something that is not a valid profile"
            raise InputError(f"{path} already holds {held}; writing would replace it: choose another path for "
                             f"{out_name}, or use {force_name} to replace it")
    profiles = default_profiles().profiles
    other = profiles.get(profile_id)
    if other is not None and is_bundled(other):
        # wherever it is written, a calibrated profile with a bundled id would stand for that device
        # (a CPU measurement named h100-sxm counts as an H100 beside a preset) or, copied into
        # profiles/calibrated/, be set aside in favour of the bundled one: its own id, always
        free = next(f"{profile_id}-cal{n or ''}" for n in range(len(profiles) + 1)
                    if f"{profile_id}-cal{n or ''}" not in profiles)
        raise InputError(f"profile id '{profile_id}' is the bundled profile {other.source_file}, which a calibrated "
                         f"profile never stands for: give {id_name} another value ({id_example(free)})", field="id")
    if resolved.parent == CALIBRATED_DIR.resolve():
        if other is not None and source_path(other.source_file) != resolved:
            raise InputError(f"profile id '{profile_id}' is already used by {other.source_file}; "
                             f"give another {id_name}, or set {out_name} to {other.source_file} to replace it")
    elif other is not None and source_path(other.source_file) != resolved:
        # a file elsewhere with a loaded profile's id would be refused wherever it is used, as two profiles of one id
        # (review 2026-11-27: `calibrate --out /tmp/cal.toml` wrote one that every --hardware /tmp/cal.toml refused)
        free = next(f"{profile_id}-{n}" for n in range(2, len(profiles) + 3) if f"{profile_id}-{n}" not in profiles)
        raise InputError(f"profile id '{profile_id}' is already used by {other.source_file}, and profiles load "
                         f"together: a file with the same id in {path} would not be usable beside it; give "
                         f"{id_name} another value ({id_example(free)})", field="id")
    from estimator.io.calibration_io import check_writable
    check_writable(path)  # a folder that takes no file is refused before the measurement, not after it
    return path


# --- replacing a profile: one rule -----------------------------------------------------------------
# `calibrate` replaces a profile already in its output file only with --force, whatever the calibration (issue 55:
# a re-calibration that warned was written beside it as <file>.toml.new, to move by hand): refused before anything
# runs, in one line naming the file, what it holds, and the two ways on; with --force, replaced atomically
# (calibration_io.write_text_atomic) and the values it held said in one line.

BUILTIN_WORKLOAD = "the built-in matrix products"


def workload_words(calibration: Mapping | None) -> str:
    """What a calibration measured, in words that tell one calibration's workload from another's: the
    user's command as run, the built-in matrix products, an imported CodeCarbon run, a tracked loop."""
    cal = calibration or {}
    method = str(cal.get("method") or "")
    if cal.get("command"):
        return f"the command `{cal['command']}`"
    if cal.get("imported_at"):
        run_id = (cal.get("details") or {}).get("run_id") if isinstance(cal.get("details"), Mapping) else None
        return f"CodeCarbon run {str(run_id)[:8]}" if run_id else "an imported CodeCarbon run"
    if method.startswith(BUILTIN_METHOD):
        return BUILTIN_WORKLOAD
    if TRACKED_METHOD.match(method):
        return TRACKED_WORKLOAD
    return "a workload not recorded" if not method else method[:80]


# A tracked loop's calibration, as every version of the tracker wrote its method: estimator.monitor.track, and before
# it estimator.measure.track and estimator.track (code review 2026-11-28: a loop's own earlier profile was refused)
TRACKED_METHOD = re.compile(r"estimator\.(?:monitor\.|measure\.)?track\b")
TRACKED_WORKLOAD = "a loop tracked with estimator.monitor.track"  # its workload_words


def command_workload(cmd: Sequence[str]) -> str:
    """``workload_words`` of a calibration of ``cmd``, before it runs (as ``calibrate_command`` records it)."""
    return workload_words({"command": " ".join(cmd)[:500]})


def earlier_profile(path: str | Path) -> HardwareProfile | None:
    """The profile a file holds; None where there is no file, an empty one, or one that is not a valid profile."""
    from estimator.io.datafiles import load_profile_file
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        return None
    try:
        return load_profile_file(path)
    except EstimatorError:
        return None


def profile_values(profile: HardwareProfile) -> str:
    """A profile's figures in one phrase: a calibration's throughput, power, when and from what; else its name."""
    cal = profile.calibration
    if not cal:
        return f"'{profile.id}', {profile.name}, not a calibration"
    power = cal.get("mean_power_w")
    return (f"'{profile.id}': {gfmt(cal['achieved_flops_per_s'] / FLOPS_PER_TFLOP, 4)} TFLOP/s at {cal['precision']}"
            + (f", {gfmt(power, 3)} W" if power is not None else ", power not measured")
            + f", measured at {cal.get('measured_at') or 'an unknown time'} on {workload_words(cal)} with base "
              f"{cal.get('base_profile') or '?'}")


def refuse_replacing(path: str | Path, base_id: str, workload: str, *, out_name: str = "the output file",
                     force_name: str = "the force option", id_name: str = "the profile id",
                     out_given: bool = False) -> None:
    """Refuse to replace a profile already in ``path`` (the caller asks only without force): one line naming
    the file, what it holds and the two ways on. The same calibration's earlier result (the same base, the same
    ``workload_words``) is told as such, and is replaced only with force all the same. In profiles/calibrated/ the
    other way is another id (its own file there; with ``out_given``, another file there too): another file with the
    same id would not load beside it."""
    from estimator.io.datafiles import CALIBRATED_DIR, display_path
    earlier = earlier_profile(path)
    if earlier is None:
        return
    shown = display_path(Path(path))  # inside the project relative to it, as the other messages name files
    cal = earlier.calibration or {}
    in_calibrated = Path(path).resolve().parent == CALIBRATED_DIR.resolve()
    other = (f"{out_name} for another file" if not in_calibrated else
             f"another {out_name} and {id_name} for a profile beside it" if out_given else
             f"{id_name} for a profile beside it")
    field = "id" if in_calibrated else "out"
    ways = f"give {force_name} to replace it, or {other}"
    if cal.get("base_profile") == base_id and workload_words(cal) == workload:
        raise InputError(f"{shown} holds this calibration's earlier result ({profile_values(earlier)}); the new one "
                         f"replaces it only with {force_name}: give {force_name}, or {other}", field=field)
    raise InputError(f"{shown} already holds the profile {profile_values(earlier)}; calibrating {workload} with base "
                     f"{base_id} would replace it: {ways}", field=field)


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
              f"{hz.noun(f'{devices:,}', 'device')}, {gfmt(flops, 4)} FLOP given)")
    # a CodeCarbon log names no host: the id says which run; the name and sources say whose machine it was
    host = f"codecarbon-run-{run.run_id[:8]}" if run.run_id else "imported-run"
    machine = (f"the machine of CodeCarbon run {run.run_id[:8]}" if run.run_id
               else "the machine of an imported CodeCarbon run")
    data, notes, profile = finish_profile(base, points, m, host=host, machine=machine,
                                          measured_at=run.timestamp or now_iso(), method=method,
                                   profile_id=profile_id, extra={"workload_flops": flops, "devices": devices,
                                                                 "imported_at": now_iso()})
    if base.kind == "gpu" and (host_j := run.cpu_energy_j + run.ram_energy_j) > 0:
        # the log measured the host beside the GPUs; the profile's power is the GPUs' alone, as on a GPU measured
        # here (researcher audit: the logged CPU and RAM energy went unmentioned)
        host_w = mean_power_w(host_j, run.duration_s) / devices
        cpu_w, ram_w = mean_power_w(run.cpu_energy_j, run.duration_s), mean_power_w(run.ram_energy_j, run.duration_s)
        notes.append(f"the log's CPU and RAM drew {gfmt(host_w, 3)} W per GPU beside them "
                     f"({gfmt(cpu_w, 3)} W CPU, {gfmt(ram_w, 3)} W "
                     "RAM for the run; CodeCarbon may have estimated the CPU's from its TDP): not in the profile's power, "
                     "which is the GPUs' alone; to count them, give an estimate a power per device of the GPU's draw plus this "
                     "share")
    if run.pue != 1:  # divided out on reading (calibration_io._log_pue), said (engineer review 2026-11-28)
        notes.append(f"the log's energies include its PUE of {gfmt(run.pue, 3)} (CodeCarbon multiplies them by it): "
                     f"divided out, so the profile's power is the devices' own and an estimate applies the PUE "
                     f"({gfmt(base.pue, 3)}, the base profile's) once")
    # no check: the imported run is the fit itself (0% by construction), and its machine is not this one
    notes.append("no prediction check: the profile is fitted on the one imported run, and its machine is not "
                 "this one, so there is no other workload to check it on")
    return CalibrationResult(data, profile, m, points, (), tuple(notes))

