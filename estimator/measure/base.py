"""The measurement interface: begin a window, end it, get duration, energy and mean power.

Backends (``nvml``, ``codecarbon_backend``, ``cpu``) implement :class:`Backend`. Only
``nvml.py`` imports ``pynvml`` and only ``codecarbon_backend.py`` imports ``codecarbon``;
this module imports neither.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from estimator.core.base.errors import BackendUnavailable, MeasurementError

# power_source labels: how a window's energy was obtained.
NVML_ENERGY_COUNTER = "nvml-energy-counter"        # nvmlDeviceGetTotalEnergyConsumption deltas (Volta and newer)
NVML_POWER_POLLING = "nvml-power-polling"          # nvmlDeviceGetPowerUsage sampled, integrated over time
CODECARBON_RAPL = "codecarbon-rapl"                # CodeCarbon read Intel RAPL energy counters
CODECARBON_CPU_LOAD_ESTIMATE = "codecarbon-cpu-load-estimate"  # TDP × CPU-load model, no RAPL access
CODECARBON_CONSTANT_ESTIMATE = "codecarbon-constant-tdp-estimate"  # a fixed share of a (generic) TDP
NOT_MEASURED = "not-measured"                      # time only: no power meter on this machine
CODECARBON_CSV_GPU = "codecarbon-csv-gpu-nvml"     # a CodeCarbon log's GPU energy (CodeCarbon reads it through NVML)
CODECARBON_CSV_CPU = "codecarbon-csv-cpu-method-not-recorded"  # a log's CPU energy: RAPL or TDP, not recorded


@dataclass(frozen=True)
class Measurement:
    """One measurement window on one device."""

    duration_s: float
    energy_j: float | None        # None only when no power meter exists (power_source == not-measured)
    mean_power_w: float | None
    power_source: str             # one of the labels above
    power_is_estimate: bool       # True when the power is modelled, not read from a meter
    device_name: str
    backend: str                  # nvml | codecarbon | timer
    details: Mapping[str, Any] = field(default_factory=dict)  # power limit, clocks, utilisation, tracking mode…

    def summary(self) -> dict:
        return {"duration_s": self.duration_s, "energy_j": self.energy_j, "mean_power_w": self.mean_power_w,
                "power_source": self.power_source, "power_is_estimate": self.power_is_estimate,
                "device_name": self.device_name, "backend": self.backend}


class Backend:
    """begin_window() … end_window() -> Measurement; close() releases the device.

    Use as a context manager so that an interrupt or an error always releases what the
    backend holds (a polling thread, CodeCarbon's scheduler).
    """

    name = "base"
    kind = "cpu"          # the device family the backend measures: "gpu" or "cpu"
    device_name = ""

    def begin_window(self) -> None:
        raise NotImplementedError

    def end_window(self) -> Measurement:
        raise NotImplementedError

    def abort_window(self) -> None:
        """Stop a window without a result (interrupt, failed workload)."""

    def close(self) -> None:
        """Release the device; safe to call twice."""

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.abort_window()
        self.close()
        return False


class TimerBackend(Backend):
    """Wall time only, for a machine where no power meter can be read.

    A calibration with it is refused unless the base's power is the measured device's own (never
    a CPU's: ``estimator.core.calibration.calibrate.require_power_or_base_device``); a tracked run reports
    its time, and no energy.
    """

    name = "timer"

    def __init__(self, device_name: str, why: str, clock: Callable[[], float] = time.perf_counter):
        self.device_name = device_name
        self.why = why
        self._clock = clock
        self._t0: float | None = None

    def begin_window(self) -> None:
        self._t0 = self._clock()

    def end_window(self) -> Measurement:
        if self._t0 is None:
            raise MeasurementError("end_window() without begin_window()")
        duration_s = self._clock() - self._t0
        self._t0 = None
        return Measurement(duration_s, None, None, NOT_MEASURED, False, self.device_name, self.name,
                           {"why_no_power": self.why})

    def abort_window(self) -> None:
        self._t0 = None


class UnavailableBackend(Backend):
    """Stands in for a backend that cannot run here; every use raises BackendUnavailable
    with the reason (what is missing)."""

    name = "unavailable"

    def __init__(self, reason: str):
        self.reason = reason

    def begin_window(self) -> None:
        raise BackendUnavailable(self.reason)

    def end_window(self) -> Measurement:
        raise BackendUnavailable(self.reason)


def mean_power_w(energy_j: float, duration_s: float) -> float:
    """Mean power in watts over a window: its energy (J) over its duration (s), the one home of
    this division. A window of zero, negative or non-finite duration is refused (MeasurementError):
    it has nothing to average over, and the quotient would be infinite, negative or NaN."""
    if not (duration_s > 0 and math.isfinite(duration_s)):
        raise MeasurementError(f"the measurement window lasted {duration_s!r} s; nothing to average over")
    return energy_j / duration_s
