"""The measurement interface: begin a window, end it, get duration, energy and mean power.

Backends (``nvml``, ``codecarbon_backend``, ``cpu``) implement :class:`Backend`. Only
``nvml.py`` imports ``pynvml`` and only ``codecarbon_backend.py`` imports ``codecarbon``;
this module imports neither.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from estimator.core.base.errors import BackendUnavailable, MeasurementError
from estimator.core.calibration.measurement import (  # noqa: F401 (the meters' record, re-exported here)
    CODECARBON_CONSTANT_ESTIMATE,
    CODECARBON_CPU_LOAD_ESTIMATE,
    CODECARBON_CSV_CPU,
    CODECARBON_CSV_GPU,
    CODECARBON_RAPL,
    NOT_MEASURED,
    NVML_ENERGY_COUNTER,
    NVML_POWER_POLLING,
    Measurement,
    mean_power_w,
)


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
