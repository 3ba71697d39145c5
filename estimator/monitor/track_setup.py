"""Setting up a tracked run (edge): its arguments checked, its backend opened, its settings settled.

:class:`estimator.monitor.track.Run` calls these once, before the training starts, so that a
typo fails at once and never in the middle of a run. Opening a backend touches the hardware
(NVML, CodeCarbon); the rest reads no file and no device.
"""

from __future__ import annotations

import json
import math
import numbers
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from estimator.core.base import bounds as B
from estimator.core.base.errors import BackendUnavailable, EstimatorError, GpuPresentError, InputError, MeasurementError
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import BYTES_PER_MB
from estimator.core.base.validation import is_real_number, require_number_in
from estimator.core.base.validation import require_whole as _whole
from estimator.core.hardware.profile import PRECISIONS, HardwareProfile, precision_name
from estimator.core.tracking import predict as tp
from estimator.core.tracking.predict import Settings
from estimator.core.training.estimate import DEFAULT_CARBON_INTENSITY_G_PER_KWH, DEFAULT_CARBON_INTENSITY_SOURCE
from estimator.device.backends import BACKENDS
from estimator.device.base import NOT_MEASURED, Backend, TimerBackend
from estimator.monitor.track_markers import ENV_TRACK_BACKEND, ENV_TRACK_DEVICE

BACKEND_CHOICES = (*BACKENDS, "none")  # "none": time only, no meter
# a CPU has no bundled profile whose price is a machine's own (the server profile's is a whole 96-core server's, left
# out): the price is asked for by itself (measuring engineer's review 2026-11-29: "give hardware= for a price", then
# with hardware="cpu-server-2s-epyc" still no cost)
NO_CPU_PROFILE = ("no profile is matched to a CPU; give hardware= a CPU profile for a peak (cpu-server-2s-epyc, or one "
                  "calibrated here) and price_usd_per_device_hour= for this machine's price")


def resolve_profile(hardware) -> HardwareProfile:
    """A HardwareProfile as given, or the bundled profile with that id (or from that file)."""
    if isinstance(hardware, HardwareProfile):
        profile = hardware
    else:
        from estimator.io.datafiles import default_profiles
        # a profile file's path as a path (``Run.write_profile``'s own return: API review 2026-12-01) as its text
        profile = default_profiles().get(os.fspath(hardware) if isinstance(hardware, os.PathLike) else hardware)
    if profile.reference_point:
        # a reference point, not a device a loop runs on (measuring engineer's review 2026-11-30: hardware="brain" was
        # taken, its note "run it where the brain is"), as `calibrate` refuses it for a base
        raise InputError(f"hardware {profile.id} is a reference point ({profile.name}), not a device a training loop "
                         "runs on: give the profile of the GPU or CPU that runs it, or leave hardware out",
                         field="hardware")
    return profile


def report_steps(report_at: int | Iterable[int] | None) -> list[int]:
    """The steps at which to print the short report, sorted, each checked: one step number (of any real type), or
    a list of them; text (audit: "abc" was read as "a", "b", "c"), a mapping (``{}`` was taken as no steps) or
    anything else that is no list of numbers is refused."""
    if report_at is None:
        return []
    if getattr(report_at, "ndim", None) == 0 and hasattr(report_at, "item"):
        report_at = report_at.item()  # a 0-d array is its one value (input fuzz 2026-12-01: a TypeError)
    if is_real_number(report_at):
        report_at = (report_at,)
    elif isinstance(report_at, (str, bytes, Mapping)) or not isinstance(report_at, Iterable):
        raise InputError(f"report_at must be a step number or a list of them, got {report_at!r}"[:120], field="report_at")
    return sorted({_whole("report_at", s, tp.TOTAL_STEPS) for s in report_at})


def file_path(name: str, value) -> str | os.PathLike:
    """A path given to write a file: text or a path, not empty; InputError naming the argument otherwise (a number
    was a TypeError, or a file named "5")."""
    if not isinstance(value, (str, os.PathLike)):
        raise InputError(f"{name} must be a file path, got {type(value).__name__}", field=name)
    if not str(os.fspath(value)).strip():
        raise InputError(f"{name} is empty: give a file path, or leave it out", field=name)
    if "\x00" in str(os.fspath(value)):  # no file system takes one (API review 2026-11-30: Python's ValueError)
        raise InputError(f"{name} holds a NUL character, which no file name can: give a file path", field=name)
    return value


def profile_id_choice(profile_id) -> str:
    """A profile id given for the profile the run writes: text a profile's id may be (``reader.id_problem``), checked
    when track() is called (code review 2026-11-27: profile_id=5 was refused only after the whole run)."""
    from estimator.core.hardware.reader import ID_FIX, id_problem
    if not isinstance(profile_id, str):
        raise InputError(f"profile_id must be text, got {type(profile_id).__name__}", field="profile_id")
    if (problem := id_problem(profile_id)) is not None:
        raise InputError(f"profile_id: {problem}; {ID_FIX}", field="profile_id")
    return profile_id


def clock_choice(clock):
    """The run's clock: a function of no arguments that returns the time in seconds (``time.perf_counter``)."""
    if not callable(clock):
        raise InputError(f"clock must be a function that returns the time in seconds, got {type(clock).__name__}",
                         field="clock")
    return clock


def clock_reading(value) -> float:
    """A reading of the run's clock as a float: a finite real number; InputError naming the clock otherwise."""
    try:  # a real number that takes part in float arithmetic (a Decimal does not: refused)
        seconds = float(value) if isinstance(value, numbers.Real) and not isinstance(value, bool) else math.nan
    except (OverflowError, ValueError):  # a Fraction past a float, a signalling NaN
        seconds = math.nan
    if not math.isfinite(seconds):
        raise InputError(f"clock must return the time in seconds as a finite number, got {repr(value)[:40]}",
                         field="clock")
    return seconds


def clock_problem(times, t0: float, last: float) -> str | None:
    """What is wrong with the run's clock, from the step times it gave (the run's clock at the kept steps, from 0)
    and its first and last readings: a reading that is not a finite number, or one before the one before; None
    when nothing is (the step statistics cannot be read from such times: an IndexError, in an audit)."""
    import numpy as np
    t = np.frombuffer(times, dtype=float)
    if not (np.isfinite(t).all() and math.isfinite(last - t0)):
        return "the clock returned a time that is not a finite number (NaN or infinity): the step times cannot be read"
    if last < t0 or (np.diff(t) < 0).any():
        return "the clock ran backwards (a later reading before an earlier one): the step times cannot be read"
    return None


def output_path(name: str, value, suffix: str | None = None, kind: str | None = None) -> Path:
    """A file the run will write (its report, its profile), checked when track() is called: text or
    a path, not empty (that would name the current folder), in a folder that exists (a typo in a
    folder name is not a folder to create) and takes new files, and not itself a folder. Else
    InputError naming the argument: a report path under a file had failed every energy window
    and repeated its failure ~100 times in the report (track audit)."""
    from estimator.io.calibration_io import check_writable
    path = Path(file_path(name, value))
    if suffix is not None and path.suffix != suffix:
        raise InputError(f"{name} must name a {suffix} file, got {str(path)[:200]!r}", field=name)
    try:
        if path.is_dir():
            raise InputError(f"{name} {path} is a folder; give a file name", field=name)
        folder = path.parent
        if not folder.is_dir():
            problem = "is not a folder" if folder.exists() else "does not exist"
            raise InputError(f"{name} {path}: {folder} {problem}; give a file in a folder that exists", field=name)
        check_writable(path)
        if kind is not None:
            check_not_clobbered(name, path, kind)
    except OSError as exc:  # a name too long for the file system, a folder that cannot be read
        raise InputError(f"{name} {str(path)[:200]}: {exc.strerror or exc}", field=name) from None
    except EstimatorError as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(f"{name}: {exc}", field=name) from None
    return path


# A track report is small (its history is capped): a larger file at report_path is something else.
REPORT_MAX_BYTES = 50 * BYTES_PER_MB


def check_not_clobbered(name: str, path: Path, kind: str) -> None:
    """An existing file at ``path`` is replaced only when it is what the run writes there (``kind``: "report",
    a track report; "profile", a hardware profile), checked when track() is called, before any training
    (audit: report_path overwrote a .py source file without a word)."""
    if not path.exists() or (path.is_file() and path.stat().st_size == 0):
        return  # nothing there yet (an empty file, as tempfile.mkstemp makes one)
    if not path.is_file():  # a FIFO or a device would block or take the report
        raise InputError(f"{name} {str(path)[:200]} is not a regular file; give a file path", field=name)
    if kind == "report":
        from estimator.report.track_report import REPORT_FORMAT
        try:
            doc = (json.loads(path.read_text(encoding="utf-8")) if path.stat().st_size <= REPORT_MAX_BYTES else None)
        except (OSError, ValueError):  # unreadable, not UTF-8, not JSON: not a report
            doc = None
        if isinstance(doc, dict) and doc.get("format") == REPORT_FORMAT:
            return
        held = "a file that is not a track report"
    else:
        from estimator.io.datafiles import load_profile_file
        try:
            held_profile = load_profile_file(path)
        except EstimatorError:
            held = "something that is not a valid profile"
        else:
            from estimator.monitor.calibration_run import TRACKED_WORKLOAD, profile_values, workload_words
            cal = held_profile.calibration or {}
            if cal and workload_words(cal) == TRACKED_WORKLOAD:
                return  # a tracked loop's profile: replaced only if it holds this run's id (check_profile_power)
            # another calibration (or a profile that is none) is never replaced by a run's end (measuring engineer's
            # review 2026-11-28: refused only after the training, or not at all)
            held = f"the profile {profile_values(held_profile)}, not a tracked loop's"
    raise InputError(f"{name} {str(path)[:200]} already holds {held}; writing would replace it: give a new file, "
                     "or remove that one first", field=name)


def _held_profile_id(path: Path) -> str | None:
    """The id of the profile a file holds, None where there is none yet (no file, or an empty one, as
    ``check_not_clobbered`` takes it; it refused any other file that is not a profile)."""
    if not path.is_file() or path.stat().st_size == 0:
        return None
    from estimator.io.datafiles import load_profile_file
    return load_profile_file(path).id


def check_profile_backend(profile_path: Path | None, backend: str | Backend, flops_per_step: float | None = None) -> None:
    """A calibrated profile at the end needs power measured: backend "none" measures none, and the
    base's power beside the measured throughput would be another machine's (track audit); and it needs the FLOPs
    of a step, known before the training (measure audit: refused only after it)."""
    if profile_path is not None and flops_per_step is None:
        raise InputError("profile_path: a calibrated profile needs flops_per_step (the FLOPs of one step); give it, "
                         "or leave profile_path out", field="profile_path")
    if profile_path is not None and backend == "none":
        raise InputError("profile_path: a calibrated profile needs the power measured over the run, and "
                         "backend='none' turns the measurement off; give backend='auto', 'cpu' or 'nvml', or leave "
                         "profile_path out", field="profile_path")


def check_profile_power(profile_path: Path | None, opened: Opened, marker=None, profile_id: str | None = None) -> None:
    """At the start, once the backend is open: a calibrated profile at the end needs power, so a
    meter that reads none (a timer, e.g. the CPU without CodeCarbon, or a backend that did not
    open) is refused now by calibration's own rule (``calibration_run.check_power_measured``:
    only a base whose power is the measured device's own may stand in; a CPU base never does),
    before the training, not after it (review: the whole run had gone before "no power was
    measured"). MeasurementError with calibration's message, after closing what the start had
    opened (the meter, the ``marker`` file). A ``profile_path`` that holds another profile than the one
    this run writes (its id from the base and the host) is refused here too, not after the training."""
    if profile_path is None:
        return  # no profile asked for
    from estimator.core.calibration.calibrate import default_profile_id, require_power_or_base_device
    from estimator.monitor.calibration_run import check_power_measured, host_name
    try:
        if opened.profile is None:  # no base given or detected: known now, not after the training (measure audit)
            how = opened.hardware_how or "none detected"
            raise InputError(f"profile_path: a calibrated profile needs a base hardware profile: {how}"
                             + ("" if "give hardware=" in how else "; give hardware="), field="profile_path")
        held = _held_profile_id(profile_path)
        own = profile_id if profile_id is not None else default_profile_id(opened.profile.id, host_name())
        if held is not None and held != own:
            # the end of the run replaces only the same id's file (review: refused after the whole training)
            raise InputError(f"profile_path {str(profile_path)[:200]} already holds the profile '{held}', not this "
                             f"run's '{own}': give a new file, or remove that one first", field="profile_path")
        from estimator.monitor.calibration_run import earlier_profile
        held_base = ((earlier_profile(profile_path).calibration or {}).get("base_profile") if held is not None
                     else None)
        if held_base not in (None, opened.profile.id):
            # the same id on another base: the end of the run would refuse it (code review 2026-11-28: after the training)
            raise InputError(f"profile_path {str(profile_path)[:200]} holds '{held}' calibrated on the base "
                             f"{held_base}, not this run's {opened.profile.id}: give a new file, or remove that one "
                             "first", field="profile_path")
        # the id itself, as the end of the run will check it: one a loaded profile already has is refused now
        # (measure review 2026-11-27: refused after the whole training, its advice an option track had not)
        from estimator.monitor.calibration_run import checked_out_path
        try:
            checked_out_path(str(profile_path), own, out_name="profile_path", force_name="a new profile_path",
                             id_name="profile_id", id_example=lambda v: f"e.g. track(..., profile_id={v!r})")
        except InputError as exc:  # named as track's arguments, not the CLI's --id
            raise InputError(str(exc), field="profile_id" if exc.field == "id" else "profile_path") from exc
        if opened.energy_on:
            return
        if isinstance(opened.backend, TimerBackend):
            check_power_measured(opened.backend, opened.profile)
        else:  # the backend asked for did not open: time only
            require_power_or_base_device(opened.profile, opened.settings.device_name, opened.settings.no_power_why)
    except EstimatorError:
        for close in (getattr(opened.backend, "close", None), getattr(marker, "close", None)):
            try:
                if close is not None:
                    close()
            except (OSError, EstimatorError):
                pass  # the refusal is what the user is told
        raise


def count_failure(failures: list[str], seen: dict[str, list[int]], what: str, text: str) -> bool:
    """Add ``text`` to ``failures`` the first time ``what`` fails (True: new, to be said); the same
    failure again (a report rewritten every window) is counted on that line, not repeated (track
    audit: one unwritable report path had filled ~100 lines of the report)."""
    entry = seen.get(what)
    if entry is None:
        seen[what] = [len(failures), 1]
        failures.append(text)
        return True
    entry[1] += 1
    failures[entry[0]] = f"{text} ({entry[1]:,} times)"
    return False


def backend_choice(backend: str | Backend | None) -> str | Backend:
    """The backend asked for: the argument, else ``calibrate -- CMD``'s environment, else "auto"."""
    if backend is None:
        backend = os.environ.get(ENV_TRACK_BACKEND) or "auto"
    # any other kind of value in the same words (API review 2026-11-30: backend=0 was refused later, its field unnamed
    # and "none" left out of the choices)
    if not isinstance(backend, Backend) and (not isinstance(backend, str) or backend not in BACKEND_CHOICES):
        raise InputError(f"backend must be one of {', '.join(BACKEND_CHOICES)} or a Backend, got {repr(backend)[:40]}",
                         field="backend")
    return backend


def device_index(given: int | None, backend: str | Backend = "auto") -> int | None:
    """The GPU to measure (NVML's number): the argument, else ``calibrate -- CMD``'s environment,
    else None: the GPU a CUDA program here uses first (CUDA_VISIBLE_DEVICES's first, else 0). A GPU
    given with ``backend="cpu"`` is refused, as ``calibrate --backend cpu --device`` is (review)."""
    if given is not None:
        if backend == "cpu":
            raise InputError("device_index picks an NVIDIA GPU, and backend='cpu' measures the CPU: give one of them",
                             field="device_index")
        if backend == "none":  # measuring reviewer 2026-12-02: taken and dropped, where 'cpu' refused it
            raise InputError("device_index picks an NVIDIA GPU to measure, and backend='none' measures nothing: give "
                             "one of them", field="device_index")
        return _whole("device_index", given, B.DEVICE_INDEX)
    env_dev = os.environ.get(ENV_TRACK_DEVICE)
    if env_dev is None:
        return None
    if not env_dev.strip().isdigit():
        raise InputError(f"{ENV_TRACK_DEVICE} must be a GPU number (NVML's), got {env_dev!r}"[:160],
                         field="device_index")
    return _whole("device_index", int(env_dev), B.DEVICE_INDEX)


def grid(region: str | None, carbon_intensity_g_per_kwh: float | None, *, country: str | None = None,
         cloud: str | None = None) -> tuple[float, str]:
    """(grid carbon intensity in g/kWh, its source) from a place (a country and a region in it, or a cloud region, as
    ``estimate`` takes them: API review 2026-11-29, a region's error had asked for a country track refused) or a given
    intensity."""
    # as estimate resolves it (the one home, services.grid): a site's own intensity beside its place (the intensity
    # wins), a cloud region alone (second diff review 2026-11-29: country="DEU" with 380 g had been refused here)
    if any(x is not None for x in (region, country, cloud)):
        from estimator.services.api import resolve_grid
        ci, src = resolve_grid(carbon_intensity_g_per_kwh, region=region, cloud=cloud, country=country)
        return float(ci), src
    if carbon_intensity_g_per_kwh is not None:
        return float(require_number_in("carbon_intensity_g_per_kwh", carbon_intensity_g_per_kwh,
                                       B.CARBON_INTENSITY_G_PER_KWH)), "given"
    return float(DEFAULT_CARBON_INTENSITY_G_PER_KWH), DEFAULT_CARBON_INTENSITY_SOURCE


def site(region: str | None, carbon_intensity_g_per_kwh: float | None, price_usd_per_device_hour: float | None,
         pue: float | None, *, country: str | None = None,
         cloud: str | None = None) -> tuple[float, str, float | None, float | None]:
    """(grid carbon intensity in g/kWh, its source, the price per device-hour given, the PUE given):
    the site's figures checked; a price or PUE not given is None (the profile's, once it is known)."""
    ci, ci_src = grid(region, carbon_intensity_g_per_kwh, country=country, cloud=cloud)
    price = None if price_usd_per_device_hour is None else require_number_in(
        "price_usd_per_device_hour", price_usd_per_device_hour, B.PRICE_USD_PER_DEVICE_HOUR)
    return ci, ci_src, price, None if pue is None else require_number_in("pue", pue, B.PUE)


def precision_choice(precision: str | None, profile: HardwareProfile | None) -> str | None:
    """The precision given (None: the profile's default, once it is known), one the profile has a peak for; "BF16" or
    an alias ("MXFP8") as the precision it names, as `estimate` takes it (diff review 2026-11-30)."""
    precision = precision_name(precision)
    if precision is not None and profile is not None and precision not in profile.peak_flops_per_s:
        raise InputError(f"{profile.id} has no peak for precision '{precision}'; it has: "
                         f"{', '.join(profile.peak_flops_per_s)}", field="precision")
    if precision is not None and precision not in PRECISIONS:
        raise InputError(f"precision must be one of {', '.join(PRECISIONS)}, got {str(precision)[:40]!r}",
                         field="precision")
    return precision


def text_stream(stream):
    """Where the reports are printed: None (stderr) or anything with a ``write``."""
    if stream is not None and not callable(getattr(stream, "write", None)):
        raise InputError(f"stream must be a text stream (with write), got {type(stream).__name__}", field="stream")
    return stream


@dataclass(frozen=True)
class Opened:
    """What opening the measurement found."""

    backend: Backend | None       # None: time only
    energy_on: bool               # the backend reads energy (not a timer)
    settings: Settings
    profile: HardwareProfile | None
    hardware_how: str
    kind: str | None = None       # the device measured: "gpu", "cpu", or None where nothing says (backend "none")


def open_measurement(choice: str | Backend, device_index: int | None, settings: Settings, profile: HardwareProfile | None,
                     hardware_how: str, failures: list[str], notes: list[str]) -> Opened:
    """Open the backend asked for; a backend that cannot open leaves time only (recorded in ``failures``).

    For a known NVIDIA GPU and no profile given, the profile is detected from the device's name.
    """
    if isinstance(choice, Backend):
        backend = choice
    elif choice == "none":
        return _time_only(replace(settings, no_power_why="energy measurement turned off (backend='none')"),
                          profile, hardware_how, None)
    elif choice == "auto" and profile is not None and not _nvml_reads(profile):
        # no meter here reads it (measuring engineer's review 2026-11-29: on a TPU VM or a ROCm host "auto" found no
        # NVML and said the steps ran on this machine's CPU): timed against its peak and price, as backend='none' is
        return _time_only(replace(settings, no_power_why=f"no meter of this tool reads the {profile.id} (NVML reads "
                                                         "NVIDIA GPUs only)"), profile, hardware_how, None)
    else:
        from estimator.device.backends import meter_to_open, open_backend
        opening = meter_to_open(choice, profile.kind if profile is not None else None)
        try:
            backend = open_backend(opening, device_index=device_index)
        except (BackendUnavailable, MeasurementError) as exc:
            # a meter named ("nvml", "cpu") that cannot open is refused now, before the training, as `calibrate
            # --backend nvml` refuses it (measure review 2026-11-27: the run went on, time only, with a failure
            # line at the end); what to ask for instead (calibrate audit: the NVML message's "the CPU backend
            # still works" read as if the CPU were measured)
            if choice != "auto":
                # a GPU that is there but cannot be read: 'auto' does not meter the CPU for it either (diff review
                # 2026-11-30)
                instead = {"nvml": ("; backend='nvml' measures a GPU only: give backend='cpu' to measure the CPU for "
                                    "a run that does not use the GPU, or backend='none' to time the run only")
                           if isinstance(exc, GpuPresentError) else
                           ("; backend='nvml' measures a GPU only: give backend='auto' to measure the CPU where "
                            "there is no GPU, or backend='none' to time the run only")}.get(
                    choice, "; give backend='none' to time the run only")
                raise BackendUnavailable(f"opening the {choice} backend: {exc}{instead}", field="backend") from exc
            # "auto" found no meter: time only, said
            failures.append(f"opening the {choice} backend: {exc}; time only")
            return _time_only(replace(settings, no_power_why=str(exc)), profile, hardware_how, None)
        fallback = getattr(backend, "fallback_reason", None)
        if fallback and device_index is not None:
            # a GPU named, and no GPU meter: refused now, as `calibrate --device N` refuses it, never answered by
            # measuring the CPU (measure review 2026-11-27: the run measured the CPU and said so only at the end)
            close = getattr(backend, "close", None)
            try:
                if close is not None:
                    close()
            except (OSError, EstimatorError):
                pass  # the refusal is what the user is told (as check_profile_power closes)
            raise InputError(f"device_index {device_index} names a GPU, and {fallback}: give the number of a GPU "
                             "here (nvidia-smi lists them), or leave device_index out to measure what is here",
                             field="device_index")
        if fallback and not _other_device(backend, profile):  # what the CPU gives: its power with CodeCarbon, else time only
            notes.append(f"{fallback}; measuring the CPU instead"
                         + ("" if not isinstance(backend, TimerBackend) else ", time only"))
    if not isinstance(choice, Backend) and _other_device(backend, profile):
        # the CPU's energy reported as another device's (measure review 2026-11-26: hardware="h100-sxm" on a machine
        # without a GPU read CodeCarbon's 4 W as the H100's run), as `calibrate --base` refuses it
        close = getattr(backend, "close", None)
        if close is not None:
            close()
        if choice == "cpu":  # the CPU's meter asked for by name: refused now (a meter object given is the caller's)
            # an accelerator no meter here reads is timed, not metered (API review 2026-12-01: "is a accelerator …
            # backend='auto' on the machine with that device", where auto times it only)
            article = "an" if profile.kind[:1] in "aeiou" else "a"
            other = ("backend='auto' on the machine with that device" if _nvml_reads(profile) else
                     "backend='none' to time it (no meter of this tool reads its power)")
            raise InputError(f"the measurement is of a cpu, but hardware {profile.id} is {article} {profile.kind}: give "
                             f"a CPU profile (e.g. cpu-server-2s-epyc), or {other}", field="backend")
        fallback = getattr(backend, "fallback_reason", None)
        why = (f"no GPU meter opened ({fallback.split(';')[0]}), and the CPU's energy would be reported as the "
               f"{profile.id}'s"
               if fallback else f"the meter reads the CPU, and its energy would be reported as the {profile.id}'s")
        # a choice made, not a failure: the run is timed (measuring engineer's review 2026-12-03: it printed under
        # "failed:" though the run completed as asked)
        notes.append(f"time only: {why}; run it where the {profile.kind} is, or give backend='cpu' with a CPU "
                     "profile to measure the CPU")
        elsewhere = (f"the steps ran on this machine's CPU, not on the {profile.id}: its peak and its hour's price are "
                     "not this run's")
        return _time_only(replace(settings, no_power_why=why, timed_elsewhere=elsewhere), profile, hardware_how, None)
    device = backend.device_name or ""
    if not device and backend.kind == "cpu":
        from estimator.device.cpu_name import cpu_device_name
        device = cpu_device_name()
    energy_on = not isinstance(backend, TimerBackend)
    if energy_on:
        settings = replace(settings, backend=backend.name, device_name=device)
    else:
        settings = replace(settings, backend=backend.name, device_name=device, power_source=NOT_MEASURED,
                           no_power_why=f"no power meter: {backend.why}")
    if profile is None and backend.kind == "gpu":
        from estimator.core.hardware.base_profile import guess_base_profile
        try:
            from estimator.io.datafiles import bundled_names, default_profiles
            profile = resolve_profile(guess_base_profile(device, "gpu", bundled_names(default_profiles())))
            hardware_how = f"detected: {device}"
        except EstimatorError as exc:
            hardware_how = f"not detected: {exc}"
    elif profile is None:
        hardware_how = NO_CPU_PROFILE
    return Opened(backend, energy_on, settings, profile, hardware_how, backend.kind)


# The makers whose accelerators no meter of this tool reads (NVML reads NVIDIA's alone), as the profiles' names begin
NO_METER_MAKERS = ("AMD", "Intel", "Google", "AWS")


def _nvml_reads(profile: HardwareProfile) -> bool:
    """Whether a meter of this tool could read a device of ``profile``: not a TPU or another accelerator, nor a GPU of
    a maker NVML does not read (``NO_METER_MAKERS``). A GPU of any other name may be NVIDIA's: a calibrated profile
    takes NVML's own name, "Tesla V100-SXM2-32GB" on older drivers (diff review 2026-11-29)."""
    if profile.kind == "cpu":  # CodeCarbon's, whoever made it ("AMD EPYC (2 CPUs)", a calibrated CPU's name)
        return True
    return profile.kind not in ("tpu", "accelerator") and not profile.name.startswith(NO_METER_MAKERS)


def _other_device(backend: Backend, profile: HardwareProfile | None) -> bool:
    """Whether the meter that opened reads the CPU while the profile is another kind of device (its energy would be
    reported as that device's)."""
    return (profile is not None and backend.kind == "cpu" and profile.kind != "cpu"
            and not isinstance(backend, TimerBackend))


def _time_only(settings: Settings, profile: HardwareProfile | None, hardware_how: str, kind: str | None) -> Opened:
    """Time only. The device named is this machine's CPU where the run is the CPU's (no profile, a CPU's, or steps
    that ran on the CPU: ``timed_elsewhere``); a device's profile taken with no meter opened is that device as given,
    none checked (measuring engineer's review 2026-11-30: backend='none' with hardware='h100-sxm' read "device AMD
    EPYC" beside the H100's peak and price)."""
    from estimator.device.cpu_name import cpu_device_name
    own = profile is None or profile.kind == "cpu" or settings.timed_elsewhere
    device = cpu_device_name() if own else f"{profile.name} (as given; no device checked)"
    return Opened(None, False, replace(settings, backend="none", device_name=device), profile,
                  hardware_how if profile is not None else NO_CPU_PROFILE, kind)


def settled(settings: Settings, profile: HardwareProfile | None, precision: str | None, price_given: float | None,
            pue_given: float | None, hardware_how: str) -> Settings:
    """The profile's figures (peak, price, PUE) in the settings, now that the hardware is known.

    A whole server's price is left out (``tracking.predict.whole_server_price``: the bundled CPU
    server profile, or one calibrated from it): it is a 96-core server's hour, and a run on
    another machine (a 2-vCPU VM, a laptop) was costed at the whole server's $7.344 an hour (track
    audit); ``no_price_why`` says so, once, in the prediction's notes. A user's own CPU profile
    keeps its price. ``price_given`` prices the machine measured."""
    p = profile
    precision = precision or (p.default_precision if p else None)
    price, price_src, no_price_why = price_given, "given", None
    if price is None and settings.timed_elsewhere:
        no_price_why = settings.timed_elsewhere
    elif price is None and tp.whole_server_price(p):
        no_price_why = (f"{p.id}'s price, ${gfmt(p.price.usd_per_device_hour)} an hour, is a whole server's "
                        f"({p.price.basis}), not the machine measured here; give price_usd_per_device_hour= for "
                        "this machine's own price")
    elif price is None and p is not None and p.price.usd_per_device_hour is not None:
        price = p.price.usd_per_device_hour
        price_src = f"profile {p.id}: " + ", ".join(x for x in (p.price.basis, p.price.date) if x)
    if pue_given is not None:
        pue, pue_src = pue_given, "given"
    elif p is not None:
        pue, pue_src = p.pue, f"profile {p.id}: {p.pue_source}"
    else:
        pue, pue_src = 1.0, tp.DEVICE_ONLY_PUE_SOURCE
    return replace(
        settings, hardware_id=p.id if p else None, hardware_name=p.name if p else None, hardware_how=hardware_how,
        precision=precision, peak_flops_per_s=p.peak(precision) if p and precision in p.peak_flops_per_s
        and not settings.timed_elsewhere else None,
        price_usd_per_device_hour=price, price_source=price_src if price is not None else "",
        no_price_why=no_price_why, pue=pue, pue_source=pue_src)
