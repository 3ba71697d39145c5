"""A calibrated profile from a tracked run's steady steps (edge: writes the profile file).

``run.write_profile()`` and ``track(profile_path=...)`` end here: the achieved FLOP/s of the
steady-state steps and the power measured over them, on the base profile, written atomically
with the same refusals as ``calibrate`` (never into the bundled profiles/ folder, never over
another profile's file).
"""

from __future__ import annotations

import os
from pathlib import Path

from estimator.core.base.errors import InputError, MeasurementError
from estimator.core.base.number_text import gfmt
from estimator.core.calibration.calibrate import Throughput, calibrated_profile_data
from estimator.core.hardware.base_profile import check_base_kind
from estimator.core.hardware.profile import HardwareProfile
from estimator.core.tracking import predict as tp
from estimator.core.tracking import step_times as steps_mod
from estimator.core.tracking.predict import Settings
from estimator.device.base import NOT_MEASURED, Measurement
from estimator.io.calibration_io import write_profile
from estimator.monitor.calibration_run import (
    TRACKED_WORKLOAD,
    checked_out_path,
    earlier_profile,
    host_name,
    now_iso,
    profile_values,
    refuse_replacing,
    workload_words,
)


def write_calibrated_profile(path: str | os.PathLike | None, *, profile: HardwareProfile | None,
                             hardware_how: str, settings: Settings, times: steps_mod.StepTimes | None,
                             power: tp.Power | None, steps_done: int, flops_per_step: float | None, devices: int,
                             precision: str | None, profile_id: str | None = None, force: bool = False,
                             measured_kind: str | None = None, warnings: tuple[str, ...] = (),
                             say=None) -> Path:
    """Write the profile; ``path`` None: profiles/calibrated/<id>.toml. Returns where it was written. ``warnings``: the
    run's notes that make its energy unreliable (``calibration.warnings``); ``say`` tells a replacement.

    ``measured_kind`` is the kind of device the backend measured ("gpu" for NVML, "cpu" for
    CodeCarbon or the CPU's timer; None where no backend says, time only with backend "none"): the
    base must be of that kind, whatever the backend (as ``calibrate`` checks; track audit: a CPU
    run on an h100-sxm base became a GPU profile with the CPU's throughput and 6.7 W)."""
    if flops_per_step is None:
        raise InputError("a calibrated profile needs flops_per_step (the FLOPs of one step)")
    if profile is None:
        raise InputError(f"a calibrated profile needs a base hardware profile: give track(hardware=...) "
                         f"({hardware_how or 'none detected'})")
    if times is None:
        raise MeasurementError(f"not enough steps to calibrate: {steps_mod.MIN_STEADY_STEPS} steps after the warm-up "
                               f"are needed ({steps_done:,} step{'' if steps_done == 1 else 's'} done)")
    s = settings
    if measured_kind is not None:
        check_base_kind(profile, measured_kind)
    details = {"window": "steady-state steps of the training loop (estimator.monitor.track)", "steady_steps": times.steps,
               "warmup_steps": times.warmup_steps, "mean_step_s": times.mean_s, "step_sd_s": times.sd_s}
    if s.ram_total_gb:
        details["ram_total_gb"] = s.ram_total_gb  # the measured machine's RAM: a CPU profile's memory
    if power is not None:
        m = Measurement(times.steady_s, power.mean_w * times.steady_s, power.mean_w, s.power_source,
                        s.power_is_estimate, s.device_name, s.backend,
                        {**details, "power_windows": power.windows, "power_from_steady_windows": power.steady})
    else:
        m = Measurement(times.steady_s, None, None, NOT_MEASURED, False, s.device_name, s.backend,
                        {**details, "why_no_power": s.no_power_why or "no power meter"})
    precision = precision or profile.default_precision
    achieved = flops_per_step / times.mean_s / devices
    method = (f"estimator.monitor.track in the user's training loop: {times.steps} steady steps after "
              f"{times.warmup_steps} warm-up steps ({times.warmup_how}), {gfmt(flops_per_step, 4)} FLOP a step, "
              f"{s.backend} backend")
    data, _ = calibrated_profile_data(
        profile, [Throughput(precision, achieved, seconds=times.steady_s)], m, host=host_name(),
        measured_at=now_iso(), method=method, profile_id=profile_id,
        extra={"workload_flops": flops_per_step * times.steps, "devices": devices})  # the FLOPs are every device's
    if warnings:  # carried as `calibrate` carries them, so `estimate` with the profile repeats them
        data = {**data, "calibration": {**data["calibration"], "warnings": list(warnings)}}
    out = checked_out_path(None if path is None else str(path), data["id"], force, out_name="path",
                           force_name="force=True", id_name="profile_id",
                           id_example=lambda v: f"e.g. profile_id={v!r}")
    # a tracked loop's earlier profile of this base is this calibration's, updated; another calibration of the same id
    # (the built-in matrix products, a command, an import, another base) is replaced only with force=True, as the
    # command line's --force (measuring engineer's review 2026-11-28: run.write_profile() had replaced a `calibrate`
    # profile of the same default id without a word)
    earlier = None if force else earlier_profile(out)
    cal = (earlier.calibration or {}) if earlier is not None else {}
    if earlier is not None and (cal.get("base_profile") != profile.id or workload_words(cal) != TRACKED_WORKLOAD):
        refuse_replacing(out, profile.id, TRACKED_WORKLOAD, out_name="path", force_name="force=True",
                         id_name="profile_id", out_given=path is not None)
    replaced = earlier if earlier is not None else (earlier_profile(out) if force else None)
    written = write_profile(data, out)
    if replaced is not None and say is not None:  # said as `calibrate` says it (measure review 2026-11-29: silent)
        say(f"estimator.monitor.track: replaced the profile that was in {out}, {profile_values(replaced)}")
    if say is not None:  # where it went and how to use it, as `calibrate` says (measure review 2026-11-29: silent)
        say(f"estimator.monitor.track: profile {data['id']} written to {written}; use hardware={str(written)!r}")
    return written
