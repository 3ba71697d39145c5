"""Calibrating on the user's own command (edge): run it, measure it, and make the profile from
its steady state when it tracks its loop with ``estimator.monitor.track`` (checked on a split of
its steps), or from the whole command otherwise.

``calibrate_command`` is the entry. The other two ways in (the built-in matmuls and a CodeCarbon
log) and the parts all three share are in ``calibration_run``.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from estimator.core.base.errors import InputError, MeasurementError
from estimator.core.base.number_text import gfmt
from estimator.core.calibration.calibrate import (
    PredictionCheck,
    Throughput,
    achieved_flops_per_s,
    prediction_check,
)
from estimator.core.calibration.checks import (
    COMMAND_FAR_FACTOR,
    check_miss_warning,
    command_far_warning,
    idle_gpu_warning,
)
from estimator.core.hardware.base_profile import check_base_kind
from estimator.core.hardware.profile import HardwareProfile
from estimator.core.tracking.predict import drift_text
from estimator.core.tracking.step_times import MSER_HOW
from estimator.device import machine_load
from estimator.device import matmul_bench as mb
from estimator.device.base import Backend, Measurement
from estimator.monitor.calibration_run import (
    HOLDOUT_S,
    CalibrationResult,
    Progress,
    check_power_measured,
    finish_profile,
    host_name,
    now_iso,
    refit_profile,
)


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
    if len(means) < 2 or batch_steps < 1 or steps_done < 1 or min(means) <= 0 or not all(map(math.isfinite, means)):
        return None  # (review: an infinite batch mean, which a JSON report may hold, divided by zero later)
    half = len(means) // 2
    first_steps, second_steps = half * batch_steps, (len(means) - half) * batch_steps
    first_s, second_s = sum(means[:half]) * batch_steps, sum(means[half:]) * batch_steps
    per_step = flops / steps_done
    if not all(math.isfinite(per_step * steps / s) for steps, s in ((first_steps, first_s), (second_steps, second_s))):
        return None  # no throughput a run can have (review: batch means of 1e-320 s printed "error +inf%")
    profile = refit_profile(base, (Throughput(precision, per_step * first_steps / first_s, seconds=first_s),), m, **finish)
    if profile is None:
        return None
    # the oldest steady steps that fill no whole batch are in neither half (step_times: ``lead``)
    left = int(st.get("steady_steps") or 0) - len(means) * batch_steps
    unbatched = (f" (the first {left:,} steady steps fill no batch of {batch_steps:,} and are in neither half)"
                 if left > 0 else "")
    return prediction_check(profile, f"the last {second_steps:,} steady steps, from a profile fitted on the "
                                     f"{first_steps:,} before them{unbatched}", per_step * second_steps, second_s,
                            precision=precision, fitted=False)


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
        while True:
            if progress:
                progress(time.monotonic() - t0)
            try:
                proc.wait(timeout=poll_s)  # returns as the command ends (a poll-then-sleep loop added up to poll_s)
                break
            except subprocess.TimeoutExpired:
                continue
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


# What the prediction check of a command says when the command did not use estimator.monitor.track.
WHOLE_COMMAND_NOTE = ("the measured window is the whole command, start-up included (interpreter, imports, data "
                      "loading, warm-up): use estimator.monitor.track in the training loop (examples/train_numpy.py) to "
                      "measure only its steady state")


def check_command(cmd: Sequence[str], flops: float) -> None:
    """Refuse, before any backend is opened or anything runs, a command that cannot be measured:
    none given, FLOPs out of bounds, or a program that is not on PATH (or not an executable file)."""
    if not cmd:
        raise InputError("no command to measure: give the command, with the FLOPs it performs", field=("cmd", "flops"))
    achieved_flops_per_s(flops, 1.0)
    if shutil.which(cmd[0]) is None:
        raise InputError(f"command not found: {cmd[0]!r} is not on PATH or not an executable file", field="cmd")


def check_precision(base, precision: str | None) -> str:
    """The precision a command's FLOPs are counted at (the base's default where none is given), one the base has a
    peak for; InputError otherwise."""
    precision = precision or base.default_precision
    if precision not in base.peak_flops_per_s:
        raise InputError(f"{base.id} has no peak for precision '{precision}'; it has: {', '.join(base.peak_flops_per_s)}",
                         field="precision")
    return precision


def calibrate_command(backend: Backend, base: HardwareProfile, cmd: Sequence[str], flops: float, *,
                      precision: str | None = None, progress: Progress | None = None,
                      profile_id: str | None = None, holdout_s: float = HOLDOUT_S,
                      stdout_to_stderr: bool = False,
                      load: machine_load.LoadReader | None = None) -> CalibrationResult:
    """Measure the user's own run (its FLOPs given): achieved FLOP/s and power.

    The command runs with ``ESTIMATOR_TRACK_FILE`` set: if it tracks its loop with
    ``estimator.monitor.track``, the profile is made from the steady-state steps it reports (FLOPs
    shared equally among the steps it ran; its own measured power); otherwise, or when it ran more
    than one tracked run (whose steps need not do alike), from the whole command, start-up
    included, and a note says so. A backend that reads no power is refused before the command runs
    (``check_power_measured``).

    ``load`` reads the machine's load at the window's start and end (``calibrate_builtin``): a busy
    machine adds a warning, and so does a split-half check that misses far. The whole-command check
    (start-up included) and the one on matrix products measure other things than the profile's
    steady steps (README), so their misses add none, unless the products run more than
    COMMAND_FAR_FACTOR times faster than the command (``command_far_warning``); a command more than that
    faster than the products is refused (the FLOPs given are wrong).
    """
    read = load or machine_load.read_load
    from estimator.monitor.track_markers import ENV_TRACK_BACKEND, ENV_TRACK_DEVICE, ENV_TRACK_FILE, read_track_file
    check_command(cmd, flops)  # before running anything
    check_base_kind(base, backend.kind)
    check_power_measured(backend, base)
    precision = check_precision(base, precision)
    measured_at = now_iso()
    with tempfile.TemporaryDirectory(prefix="estimator-track-") as tmp:
        marker = Path(tmp) / "track.jsonl"
        env = {**os.environ, ENV_TRACK_FILE: str(marker),
               ENV_TRACK_BACKEND: "nvml" if backend.kind == "gpu" else ("cpu" if backend.name == "codecarbon" else "none")}
        if backend.kind == "gpu":  # a GPU index only for a GPU: on the CPU it named a GPU the run never asked for (review)
            env[ENV_TRACK_DEVICE] = str(getattr(backend, "device_index", 0))
        with backend:
            load_start = read()
            backend.begin_window()
            rc = run_command(cmd, progress, env=env, stdout_to_stderr=stdout_to_stderr)
            if rc != 0:
                raise MeasurementError(f"the command exited with status {rc}; no profile written")
            whole = backend.end_window()
            load_end = read()
        tracked = read_track_file(marker)
    shown = " ".join(cmd)
    # several tracked runs: the FLOPs given are the whole command's, and the runs' steps need not do alike
    # (a training loop and an evaluation loop), so they are not shared among them: the whole command is
    # measured, which is right for all of them together (track audit: the last run alone took all the FLOPs)
    child = tracked.report if tracked.runs <= 1 else None
    if tracked.broken:
        # a tracked loop an exception (the command caught it) or an interrupt ended: what ran is not the work the FLOPs
        # given describe, as track(profile_path=…) refuses such a run (measuring engineer's review 2026-11-30: a run
        # failed at step 401 of 1,000 had made a profile without a word); a loop that stopped early of its own accord
        # (a break) is a finished run, its FLOPs the user's to give
        raise MeasurementError(f"the command's tracked run did not finish ({tracked.broken[0]}): a calibrated profile "
                               "comes from a run that ended without an error; no profile written")
    steady = _steady_window(child, whole, flops) if child else None
    notes_pre: list[str] = []
    if steady is None:
        m = replace(whole, details={**whole.details, "window": "the whole command, start-up included",
                                    "step_markers": tracked.markers, "tracked_runs": tracked.runs})
        window_flops = flops
        window = "whole command"
        if tracked.runs > 1:
            notes_pre.append(f"the command ran {tracked.runs} tracked runs (estimator.monitor.track): the FLOPs given "
                             "are the whole command's and are not shared among runs whose steps may differ, so all "
                             "of them were taken over the whole command, start-up included; track one loop only to "
                             "measure its steady state")
        else:
            notes_pre.append(WHOLE_COMMAND_NOTE if not child else
                             "the command's estimator.monitor.track run reported no steady state (too few steps); "
                             + WHOLE_COMMAND_NOTE)
    else:
        m, window_flops, window_note = steady
        window = "steady state (estimator.monitor.track)"
        notes_pre.append(window_note)
    achieved = achieved_flops_per_s(window_flops, m.duration_s)
    points = (Throughput(precision, achieved, seconds=m.duration_s),)
    method = (f"user command `{shown[:200]}` ({gfmt(flops, 4)} FLOP given, {backend.name} backend, window: {window})")
    data, notes, profile = finish_profile(base, points, m, host=host_name(), measured_at=measured_at, method=method,
                                   profile_id=profile_id, extra={"workload_flops": window_flops, "command": shown[:500]})
    half = None
    if steady is None:
        # one window, one number: a check on it would be the fit itself (0% by construction)
        checks = []
        notes_pre.append(_no_command_check_note(tracked.runs, child))
    else:
        half = split_half_check(base, child, flops, precision, m, host=host_name(), measured_at=measured_at,
                                method=method, profile_id=profile_id)
        checks = ([half] if half is not None else []) + [
            prediction_check(profile, "the whole command, start-up included", flops, whole.duration_s,
                             precision=precision, fitted=False)]
    products = None
    if backend.kind == "cpu" and holdout_s > 0 and mb.HOLDOUT_PRECISION in profile.peak_flops_per_s:
        h = mb.run_holdout_numpy(holdout_s)
        products = prediction_check(profile, f"not fitted: {h.reps} × {h.label()} products", h.flops, h.total_s,
                                    precision=h.precision, size=h.size, fitted=False)
        checks.append(products)
        over = products.measured_s / products.predicted_s  # the command's throughput over the products'
        if over > COMMAND_FAR_FACTOR:
            # far more than the machine multiplies: the FLOPs given are wrong, and a profile at a raised peak would
            # time the run that many times too fast (measuring engineer's review 2026-11-30: --flops 100× the loop's
            # own count wrote a profile at utilisation 1 whose estimate read 0.1 s for a 144-s run)
            raise InputError(f"the command reached {gfmt(over, 2)}× the throughput of this machine's matrix products "
                             f"({h.reps} × {h.label()} products, timed after it), more than the machine computes: "
                             "check the FLOPs given; no profile written", field="flops")
    warnings = [machine_load.busy_warning(load_start, load_end, own_work="the command's own threads count in it"),
                # the FLOPs given against the loop's own count, a warning as well as a note (measuring engineer's
                # review 2026-11-30: 10× the loop's count wrote a profile and exited 0, said in a note alone)
                flops_disagree_words(child, flops) if steady is not None else None,
                check_miss_warning([half]) if half is not None else None, command_far_warning(products),
                # the whole command's utilisation (start-up included) only where the whole command is the window
                # measured: a tracked loop's steady window says its own (diff review 2026-11-30)
                idle_gpu_warning(m.details.get("mean_gpu_utilization_percent"), m.device_name)
                if backend.kind == "gpu" and steady is None else None]
    return CalibrationResult(data, profile, m, points, tuple(checks), tuple(notes_pre + notes),
                             getattr(backend, "fallback_reason", None), window, tuple(w for w in warnings if w))


def _no_command_check_note(runs: int, child: Mapping | None) -> str:
    """Why the command itself has no check, and why no split-half check either: its tracked runs
    were several (measured whole), or its one run reported no steady state, or it tracked none
    (review: a command with two tracked loops was told that a tracked loop gets a split-half check)."""
    head = ("no check on the command itself: it ran as one window, and a profile checked on the run it was fitted "
            "on is 0% off by construction; ")
    if runs > 1:
        return head + (f"no split-half check either: its {runs} tracked runs were measured whole, and a split-half "
                       "check needs one tracked run's steady steps")
    if runs == 1:
        return head + ("no split-half check either: its tracked run " + (
            "reported no steady state to split in two" if child is not None else "wrote no final report"))
    return head + "a loop tracked with estimator.monitor.track gets a split-half check"


# How far --flops may be from the tracked loop's own flops_per_step × its steps before the two are said (a design
# choice: a count's rounding, an embedding or a loss left out, sit well inside 10%)
FLOPS_AGREE = 0.10


# The whole command's measured figures among a meter's details (CodeCarbon's RAM energy, CPU power and load; NVML's
# mean SM clock and utilisation and its samples, each over the whole command), named so in a profile measured over the
# steady steps, whose energy and duration are that window's (measuring engineer's review 2026-12-03: ram_energy_j over
# 57.9 s beside energy_j over 22.8 s, unlabelled)
WHOLE_COMMAND_FIGURES = ("ram_energy_j", "cpu_power_w_reported", "cpu_utilization_percent", "mean_sm_clock_mhz",
                         "mean_gpu_utilization_percent", "samples")


def _whole_command_details(details: Mapping) -> dict:
    return {(f"whole_command_{k}" if k in WHOLE_COMMAND_FIGURES else k): x for k, x in details.items()}


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
    details = {"window": "the steady-state steps estimator.monitor.track reported", "steps_done": steps_done,
               "warmup_steps": warmup, "steady_steps": steady_steps, "whole_command_s": whole.duration_s}
    power_w = energy.get("mean_power_w") if isinstance(energy, Mapping) else None
    if isinstance(power_w, (int, float)) and power_w > 0:
        source = str(settings.get("power_source") or "estimator.monitor.track")
        m = Measurement(steady_s, power_w * steady_s, float(power_w), source, bool(settings.get("power_is_estimate")),
                        str(settings.get("device_name") or whole.device_name), f"track:{settings.get('backend', '?')}",
                        {**_whole_command_details(whole.details), **details, "power_from": "the command's own measurement of its steady steps"
                         if energy.get("steady", True) else "the command's own measurement, warm-up included"})
        # a run whose energy windows all began in its warm-up reports their power (measure review 2026-11-26: the
        # note said "of those steps" where the command's own report said "windows that include the warm-up")
        power_note = ("power from the command's own measurement of those steps" if energy.get("steady", True) else
                      "power from the command's own measurement, over energy windows that include its warm-up (none "
                      "began after it)")
    elif whole.mean_power_w is not None:
        m = Measurement(steady_s, whole.mean_power_w * steady_s, whole.mean_power_w, whole.power_source,
                        whole.power_is_estimate, whole.device_name, whole.backend,
                        {**_whole_command_details(whole.details), **details, "power_from": "the whole command's mean power"})
        power_note = "power: the whole command's mean (start-up included), as the command measured none"
    else:
        m = Measurement(steady_s, None, None, whole.power_source, False, whole.device_name, whole.backend,
                        {**_whole_command_details(whole.details), **details})
        power_note = "power not measured"
    note = (f"measured the steady state only: {steady_steps:,} steps after {warmup:,} warm-up steps, "
            f"{gfmt(steady_s, 3)} s of the command's {gfmt(whole.duration_s, 3)} s, as its estimator.monitor.track run reported; "
            f"{gfmt(flops, 4)} FLOP shared equally among its {steps_done:,} steps; {power_note}")
    drift = pred.get("drift_fraction")
    if isinstance(drift, (int, float)) and math.isfinite(drift):
        # the tail the profile takes still drifted: said (measuring engineer's review 2026-12-03: 468 of 1,000 steps cut
        # as warm-up, the profile the last 532's speed, with no word but the busy machine's); the cut said to be
        # perhaps part of the drift only where MSER made one (diff review 2026-12-03)
        cut = (", and the steps cut before them as a warm-up may be part of the drift" if warmup and
               st.get("warmup_how") == MSER_HOW else "")
        note += (f"; those steps' time still drifted ({drift_text(float(drift))} across them): the throughput is "
                 f"their mean{cut}")
    if (disagree := flops_disagree_words(child, flops)) is not None:
        # the loop's own count beside the one given (measuring engineer's review 2026-11-28: --flops 1.23e11 where the
        # loop reported 4.1e8 a step × 600 = 2.46e11, its throughput half, with no word)
        note += f"; {disagree}"
    return m, window_flops, note


def flops_disagree_words(child: Mapping | None, flops: float) -> str | None:
    """Where a tracked loop's own flops_per_step × its steps is more than ``FLOPS_AGREE`` from the FLOPs given: the two,
    in words; None where they agree or the loop counted none."""
    settings = (child or {}).get("settings") or {}
    own = settings.get("flops_per_step")
    try:
        steps_done = int(((child or {}).get("prediction") or {})["steps_done"])
    except (TypeError, KeyError, ValueError):
        return None
    if not (isinstance(own, (int, float)) and own > 0 and steps_done > 0):
        return None
    ratio = flops / (own * steps_done)
    if abs(ratio - 1.0) <= FLOPS_AGREE:
        return None
    return (f"the command's own flops_per_step ({gfmt(own, 4)} × {steps_done:,} steps = {gfmt(own * steps_done, 4)} "
            f"FLOP) is not the FLOPs given ({gfmt(flops, 4)}, {gfmt(ratio, 3)}× it): the throughput uses the FLOPs "
            "given; check which is right")
