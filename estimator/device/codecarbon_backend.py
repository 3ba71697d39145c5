"""CPU energy through CodeCarbon's ``OfflineEmissionsTracker``.

The only module that imports codecarbon. The tracker is used as a context manager
(entered at begin_window, left at end_window or on an interrupt), with quiet logging and
no file output: the calibration writes its own profile, and an interrupted run leaves
nothing behind.

CodeCarbon reads Intel RAPL energy counters where it can (Linux with
/sys/class/powercap/intel-rapl readable). Without them it *models* CPU power: "cpu_load"
mode (the CPU's TDP × a load curve) or "constant" mode (a share of a TDP from its table or
a generic one). Those are labelled estimates here, never passed off as measurements.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import math
from collections.abc import Callable
from typing import Any

from estimator.core.base.errors import BackendUnavailable, MeasurementError
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import J_PER_KWH
from estimator.device.base import (
    CODECARBON_CONSTANT_ESTIMATE,
    CODECARBON_CPU_LOAD_ESTIMATE,
    CODECARBON_RAPL,
    Backend,
    Measurement,
    mean_power_w,
)
from estimator.device.cpu_name import cpu_device_name
from estimator.io.calibration_io import codecarbon_ram_gb

# CodeCarbon needs a country for its CO2 figure; the calibration uses only its energy, so the
# country only changes CodeCarbon's own emissions number (the CLI passes the user's --region).
DEFAULT_COUNTRY_ISO_CODE = "USA"
# CodeCarbon samples power every measure_power_secs (its default, 15 s, is longer than a
# short calibration); 1 s gives several samples in a few seconds.
MEASURE_POWER_SECS = 1.0

# CodeCarbon's CPU modes (codecarbon/core/resource_tracker.py) → (power_source, is_estimate)
CPU_MODES = {
    "intel_rapl": (CODECARBON_RAPL, False),
    "intel_power_gadget": ("codecarbon-intel-power-gadget", False),
    "windows_emi": ("codecarbon-windows-emi", False),
    "cpu_load": (CODECARBON_CPU_LOAD_ESTIMATE, True),
    "constant": (CODECARBON_CONSTANT_ESTIMATE, True),
}


def cpu_power_source(tracker) -> tuple[str, bool, str]:
    """(power_source, is_estimate, CodeCarbon's mode) from a tracker's hardware list.

    CodeCarbon keeps the CPU's mode in ``CPU._mode``, a private attribute: a mode this
    module does not know, or no CPU entry at all, is labelled an estimate.
    """
    for hw in getattr(tracker, "_hardware", ()):
        if type(hw).__name__ in ("CPU", "AppleSiliconChip"):
            mode = str(getattr(hw, "_mode", "unknown"))
            source, estimate = CPU_MODES.get(mode, (f"codecarbon-{mode.replace('_', '-')}", mode != "apple_powermetrics"))
            return source, estimate, mode
    return "codecarbon-cpu-unknown-method", True, "unknown"


def cpu_model_tdp(tracker) -> tuple[float | None, bool]:
    """(the CPU power CodeCarbon's model starts from, W; whether it is CodeCarbon's generic figure) where it models the
    CPU's power (cpu_load, constant), else (None, False). Private attributes (``CPU._tdp``, ``CPU._is_generic_tdp``),
    as ``cpu_power_source`` reads ``CPU._mode``: a figure that is not a positive number is left out."""
    for hw in getattr(tracker, "_hardware", ()):
        if type(hw).__name__ == "CPU":
            tdp = getattr(hw, "_tdp", None)
            if isinstance(tdp, (int, float)) and math.isfinite(tdp) and tdp > 0:
                return float(tdp), bool(getattr(hw, "_is_generic_tdp", False)) or per_thread_fallback(hw, tdp)
    return None, False


def per_thread_fallback(hw, tdp: float) -> bool:
    """Whether CodeCarbon took its per-thread default for a CPU model its table lacks (codecarbon/core/cpu.py,
    ``TDP._main``: DEFAULT_POWER_PER_CORE W × the threads, 4 W each in 3.x), a generic figure its ``_is_generic_tdp``
    leaves unflagged (measuring engineer's review 2026-11-29: a 2-vCPU "AMD EPYC" read 8 W, never called generic).
    False where CodeCarbon's private names are not there to check it."""
    try:
        from codecarbon.core.cpu import DEFAULT_POWER_PER_CORE, TDP, count_cpus
        if not math.isclose(float(tdp), DEFAULT_POWER_PER_CORE * count_cpus()):
            return False
        model = getattr(hw, "_model", None)
        # the table lookup alone: TDP() would run CodeCarbon's CPU detection (and its warnings) again
        return not model or TDP.__new__(TDP)._get_cpu_power_from_registry(str(model)) is None
    except (ImportError, AttributeError):  # CodeCarbon's private names moved: not known to be its default
        return False


# CodeCarbon 3.x's cpu_load model of a machine's CPU power (codecarbon/external/hardware.py,
# CPU._get_power_from_cpu_load, tracking_mode "machine"): the TDP × (0.1 + 0.9 × load³).
CPU_LOAD_MODEL_WORDS = "× (0.1 + 0.9 × load³), CodeCarbon's cpu_load curve"


def import_problem() -> str | None:
    """Why CodeCarbon, installed, cannot be imported here (it or what it needs fails to import), or None where it
    imports (``calibrate --backends`` imports it to say so: measure review 2026-11-26, it read "available")."""
    try:
        import codecarbon  # noqa: F401
    except ImportError as exc:
        return f"{type(exc).__name__}: {str(exc)[:200]}"
    return None


def _default_factory(**kwargs):
    try:
        from codecarbon import OfflineEmissionsTracker
        from codecarbon.emissions_tracker import BaseEmissionsTracker
    except ImportError as exc:
        if isinstance(exc, ModuleNotFoundError) and (exc.name or "").split(".")[0] == "codecarbon":
            raise BackendUnavailable("CodeCarbon is not installed (`pip install codecarbon`): the CPU's power cannot "
                                     "be measured") from None
        # installed, but it or what it needs fails to import (measure review 2026-11-26: said "not installed")
        raise BackendUnavailable(f"CodeCarbon is installed but could not be imported ({type(exc).__name__}: "
                                 f"{str(exc)[:200]}): reinstall it") from None
    # Quiet: CodeCarbon resets its logger on import and logs its first lines before it applies
    # log_level, so the level is set here, after the import and before the tracker exists.
    logging.getLogger("codecarbon").setLevel(logging.ERROR)
    if not kwargs.pop("save_to_file", True):
        if "output_methods" in inspect.signature(BaseEmissionsTracker.__init__).parameters:
            kwargs["output_methods"] = []  # CodeCarbon ≥ 3.3 deprecates save_to_file; [] = no output at all
        else:
            kwargs["save_to_file"] = False
    return OfflineEmissionsTracker(**kwargs)


# What CodeCarbon raises when it cannot start or stop on a machine (a counter it may not read: PermissionError,
# FileNotFoundError; its scheduler: RuntimeError; a value it cannot parse: ValueError): a measurement that failed,
# not a bug of this project's
CODECARBON_FAILURES = (OSError, RuntimeError, ValueError)


def _stop_half_started(tracker) -> None:
    """Stop a tracker whose start did not finish (its ``stop`` may find parts never set up: those failures are the
    start's, already being reported)."""
    stop = getattr(tracker, "stop", None)
    if stop is not None:
        with contextlib.suppress(*CODECARBON_FAILURES, AttributeError):
            stop()


class CodeCarbonBackend(Backend):
    name = "codecarbon"
    kind = "cpu"

    def __init__(self, country_iso_code: str | None = None, measure_power_secs: float = MEASURE_POWER_SECS,
                 tracker_factory: Callable[..., Any] = _default_factory):
        self.country_iso_code = (country_iso_code or DEFAULT_COUNTRY_ISO_CODE).upper()
        self.measure_power_secs = measure_power_secs
        self._factory = tracker_factory
        self._stack: contextlib.ExitStack | None = None
        self._tracker = None
        self.device_name = cpu_device_name()  # this machine's, until CodeCarbon's own reading names it

    def _new_tracker(self):
        # pue=1: CodeCarbon multiplies every energy by its PUE (its config file or CODECARBON_PUE may set one); the
        # device's own draw is measured here, the PUE applied once by the estimate (code review 2026-11-28: a
        # CODECARBON_PUE of 2 had doubled the calibrated power)
        return self._factory(country_iso_code=self.country_iso_code, log_level="error", save_to_file=False,
                             measure_power_secs=self.measure_power_secs, tracking_mode="machine",
                             allow_multiple_runs=True, project_name="compute-cost-estimator-calibration", pue=1.0)

    def begin_window(self) -> None:
        if self._stack is not None:
            raise MeasurementError("a measurement window is already open")
        stack = contextlib.ExitStack()
        tracker = None
        try:
            tracker = self._new_tracker()
            stack.enter_context(tracker)  # OfflineEmissionsTracker.__enter__ starts it, __exit__ stops it
        except CODECARBON_FAILURES as exc:
            # a RAPL counter it may not read, a scheduler that will not start (CodeCarbon issues #232, #950): said
            # in one line, not a traceback (measure review 2026-11-26)
            stack.close()
            _stop_half_started(tracker)
            raise MeasurementError(f"CodeCarbon could not start measuring the CPU ({type(exc).__name__}: "
                                   f"{str(exc)[:200]})") from None
        except BaseException:
            # Ctrl-C inside CodeCarbon's start (its schedulers launched, its first reading under way): its __exit__
            # was never registered, so it is stopped here, not left sampling (code review 2026-11-28)
            _stop_half_started(tracker)
            raise
        self._stack, self._tracker = stack, tracker

    def end_window(self) -> Measurement:
        if self._stack is None:
            raise MeasurementError("end_window() without begin_window()")
        tracker = self._tracker
        stack, self._stack, self._tracker = self._stack, None, None
        try:
            stack.close()
        except CODECARBON_FAILURES as exc:
            raise MeasurementError(f"CodeCarbon failed while stopping its measurement ({type(exc).__name__}: "
                                   f"{str(exc)[:200]}); the measurement is incomplete") from None
        data = getattr(tracker, "final_emissions_data", None)
        if data is None:
            raise MeasurementError("CodeCarbon stopped without emissions data; the measurement is incomplete")
        duration_s = float(data.duration)
        cpu_energy_j = float(data.cpu_energy) * J_PER_KWH
        if not (duration_s > 0 and math.isfinite(cpu_energy_j)):
            raise MeasurementError(f"CodeCarbon reported {duration_s!r} s and {cpu_energy_j!r} J; nothing to use")
        if cpu_energy_j <= 0:
            # a RAPL counter that does not move (some VMs) or a tracker without a CPU: a silent 0 J would be
            # recorded as a measured zero (measure audit)
            raise MeasurementError(f"CodeCarbon reported no CPU energy over {gfmt(duration_s, 3)} s (its CPU method: "
                                   f"{cpu_power_source(tracker)[2]}): the CPU's power could not be read here")
        source, estimate, mode = cpu_power_source(tracker)
        cpu_model = getattr(data, "cpu_model", "") or "CPU"
        cpu_count = getattr(data, "cpu_count", None)
        self.device_name = f"{cpu_model} ({cpu_count} CPUs)" if cpu_count else cpu_model
        details = {
            "codecarbon_cpu_mode": mode,
            "tracking_mode": getattr(data, "tracking_mode", None),
            "codecarbon_version": getattr(data, "codecarbon_version", None),
            "cpu_power_w_reported": float(getattr(data, "cpu_power", 0.0) or 0.0),
            "ram_energy_j": float(getattr(data, "ram_energy", 0.0) or 0.0) * J_PER_KWH,
            "ram_power_w": float(getattr(data, "ram_power", 0.0) or 0.0),
            "ram_total_gb": codecarbon_ram_gb(getattr(data, "ram_total_size", None)),
            "country_iso_code": self.country_iso_code,
            # 0.0 where CodeCarbon took no load sample in the window, not an idle CPU (measure review 2026-11-29: a
            # full-load calibration recorded 0.0): left out then
            "cpu_utilization_percent": getattr(data, "cpu_utilization_percent", None) or None,
            "power_sampling_s": self.measure_power_secs,  # a window shorter than it is not measured (calibrate)
        }
        if estimate:
            tdp_w, generic = cpu_model_tdp(tracker)
            # what the estimate is made of (measuring engineer's review 2026-11-27: 7.84 W with no word of its 8 W)
            base = ("" if tdp_w is None else
                    f": {gfmt(tdp_w, 3)} W{' (its generic figure: the CPU is not in its table)' if generic else ''}"
                    + (f" {CPU_LOAD_MODEL_WORDS}" if mode == "cpu_load" else ""))
            if tdp_w is not None:
                details["codecarbon_cpu_tdp_w"] = tdp_w
            details["estimate_note"] = (f"CPU power is CodeCarbon's {mode} estimate (no RAPL energy counter readable "
                                        f"on this machine), not a measurement{base}")
        return Measurement(duration_s, cpu_energy_j, mean_power_w(cpu_energy_j, duration_s), source, estimate,
                           self.device_name, self.name, {k: v for k, v in details.items() if v is not None})

    def abort_window(self) -> None:
        stack, self._stack, self._tracker = self._stack, None, None
        if stack is not None:
            try:
                stack.close()
            except CODECARBON_FAILURES as exc:
                raise MeasurementError(f"CodeCarbon failed while stopping its measurement ({type(exc).__name__}: "
                                       f"{str(exc)[:200]})") from None

    def close(self) -> None:
        self.abort_window()
