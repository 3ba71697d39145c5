"""NVIDIA GPU energy through NVML (``nvidia-ml-py``, imported as ``pynvml``).

The only module that imports pynvml. The backend takes the pynvml-like module and the clock
as constructor arguments, so tests inject a fake NVML (held to the real module's API,
``tests/fake_nvml.py``) and a fake clock. A background thread calls :meth:`NvmlBackend.poll`
every ``poll_interval_s``; with ``poll_in_thread=False`` the caller calls it instead (a test
that drives the clock, a loop that samples at its own steps).

- GPUs with an energy counter (Volta and newer, ``nvmlDeviceGetTotalEnergyConsumption``,
  mJ since the driver loaded): energy = the counter's deltas. A counter that goes back
  (driver reload, reset) is bridged with the integrated power samples of that interval.
- Older GPUs: ``nvmlDeviceGetPowerUsage`` (mW) sampled every ``poll_interval_s`` ≤ 0.1 s
  and integrated over time (trapezoid rule).
- A window shorter than the counter's update interval (delta 0) falls back to the power
  samples: a sample is always taken at the start and at the end, so it is never 0 J.
Device name, enforced power limit, SM clocks and GPU utilisation are recorded.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from estimator.core.base.errors import BackendUnavailable, GpuPresentError, InputError, MeasurementError
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import MILLIJOULES_PER_J, MILLIWATTS_PER_W
from estimator.device.base import NVML_ENERGY_COUNTER, NVML_POWER_POLLING, Backend, Measurement, mean_power_w
from estimator.device.cpu import cpu_backend_note
from estimator.device.gpu_choice import (
    nvml_text,
    visible_gpu,  # noqa: F401 (visible_gpu importable from here as before)
)

# Power polling every ≤ 100 ms (used only where the energy counter is missing). The reading
# is coarse whatever the rate: nvmlDeviceGetPowerUsage averages over 1 s on Ampere (not GA100)
# and newer (NVML API reference), and on A100/H100 the sensor samples only ~25% of the time
# (Yang et al. 2023, "Part-time Power Measurements", arXiv:2312.02741). 100 ms keeps several
# samples inside a short window without loading the CPU.
MAX_POLL_INTERVAL_S = 0.1


def _import_pynvml():
    try:
        import pynvml  # from nvidia-ml-py
    except ImportError:
        raise BackendUnavailable("NVML is not available: the Python package nvidia-ml-py is not installed "
                                 "(`pip install nvidia-ml-py`)") from None
    return pynvml


@dataclass(frozen=True)
class Sample:
    t_s: float
    power_w: float
    counter_mj: float | None
    utilization_percent: float | None
    sm_clock_mhz: float | None


class WindowSums:
    """One window's samples as running sums: the energy (power trapezoids and counter deltas,
    a counter that goes back bridged by that interval's power), the means of utilisation and
    clock, and the first and last sample. A window keeps no list of its samples: at 10 polls a
    second a 72-hour ``calibrate -- CMD`` had held 2.6 million of them, about 0.6 GB (audit)."""

    def __init__(self, first: Sample, has_counter: bool):
        self.first = self.last = first
        self.has_counter = has_counter
        self.n = 1
        self.polled_j = 0.0
        self.counter_j = 0.0
        self.resets = 0
        self._util = [0.0, 0]
        self._clock = [0.0, 0]
        self._mean_in(first)

    def _mean_in(self, s: Sample) -> None:
        for acc, x in ((self._util, s.utilization_percent), (self._clock, s.sm_clock_mhz)):
            if x is not None:
                acc[0] += x
                acc[1] += 1

    def add(self, s: Sample) -> None:
        a = self.last
        if s.t_s < a.t_s:
            raise MeasurementError("power samples are not in time order")
        self.polled_j += 0.5 * (a.power_w + s.power_w) * (s.t_s - a.t_s)
        if self.has_counter:
            delta_mj = s.counter_mj - a.counter_mj
            if delta_mj >= 0:
                self.counter_j += delta_mj / MILLIJOULES_PER_J
            else:  # the counter went back: bridge this interval with the power samples
                self.resets += 1
                self.counter_j += 0.5 * (a.power_w + s.power_w) * (s.t_s - a.t_s)
        self.last = s
        self.n += 1
        self._mean_in(s)

    @property
    def mean_utilization_percent(self) -> float | None:
        return self._util[0] / self._util[1] if self._util[1] else None

    @property
    def mean_sm_clock_mhz(self) -> float | None:
        return self._clock[0] / self._clock[1] if self._clock[1] else None

    def energy(self) -> tuple[float, str, dict]:
        """(energy_j, power_source, notes)."""
        if self.n < 2:
            raise MeasurementError("a measurement window needs a sample at its start and at its end")
        if not self.has_counter:
            return self.polled_j, NVML_POWER_POLLING, {}
        notes: dict[str, Any] = {"counter_resets": self.resets}
        if self.counter_j == 0.0 and self.polled_j > 0.0:
            notes["fallback"] = "window shorter than the energy counter's update interval: power samples integrated"
            return self.polled_j, NVML_POWER_POLLING, notes
        notes["power_polling_energy_j"] = self.polled_j  # a cross-check of the counter
        return self.counter_j, NVML_ENERGY_COUNTER, notes


def energy_from_samples(samples: Sequence[Sample], has_counter: bool) -> tuple[float, str, dict]:
    """(energy_j, power_source, notes) for one window's samples (pure; :class:`WindowSums` over them)."""
    if not samples:
        raise MeasurementError("a measurement window needs a sample at its start and at its end")
    sums = WindowSums(samples[0], has_counter)
    for sample in samples[1:]:
        sums.add(sample)
    return sums.energy()


class NvmlBackend(Backend):
    name = "nvml"
    kind = "gpu"

    def __init__(self, nvml=None, device_index: int | None = None, poll_interval_s: float = MAX_POLL_INTERVAL_S,
                 clock: Callable[[], float] = time.monotonic, poll_in_thread: bool = True):
        if not 0 < poll_interval_s <= MAX_POLL_INTERVAL_S:
            raise InputError(f"the power polling interval must be in (0, {MAX_POLL_INTERVAL_S}] s, got {poll_interval_s!r}")
        self.nvml = nvml if nvml is not None else _import_pynvml()
        self.poll_interval_s = poll_interval_s
        self._clock = clock
        self.poll_in_thread = poll_in_thread
        self._open = False
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._sums: WindowSums | None = None
        self._error: BaseException | None = None
        self._error_at_s: float | None = None
        n = self.nvml
        try:
            n.nvmlInit()
        except n.NVMLError as exc:
            raise BackendUnavailable(f"NVML is not available: {exc} (no NVIDIA GPU or driver: libnvidia-ml.so "
                                     f"could not be used); {cpu_backend_note()}", field="backend") from None
        self._initialised = True
        count = None
        try:
            count = n.nvmlDeviceGetCount()
            if count == 0:
                raise BackendUnavailable(f"NVML is running but finds no NVIDIA GPU; {cpu_backend_note()}",
                                         field="backend")
            if device_index is None:
                device_index, self.chosen_by = visible_gpu(n, count, os.environ)
            else:
                self.chosen_by = "as given"
            if not 0 <= device_index < count:
                # a typo, not a missing GPU: refused, never answered by measuring the CPU instead
                raise InputError(f"GPU index {device_index} does not exist: NVML sees {count} GPU(s), "
                                 f"numbered 0 to {count - 1}", field="device_index")
            self.device_index = device_index
            self.handle = n.nvmlDeviceGetHandleByIndex(device_index)
            name = n.nvmlDeviceGetName(self.handle)
            self.device_name = nvml_text(name)
            self.has_counter, self.counter_note = self._probe_counter()
            self.power_limit_w = self._optional(lambda: n.nvmlDeviceGetEnforcedPowerLimit(self.handle) / MILLIWATTS_PER_W)
            # the board's rated power (the enforced limit may be an administrator's cap)
            self.default_power_limit_w = self._optional(
                lambda: n.nvmlDeviceGetPowerManagementDefaultLimit(self.handle) / MILLIWATTS_PER_W)
            self.max_sm_clock_mhz = self._optional(lambda: n.nvmlDeviceGetMaxClockInfo(self.handle, n.NVML_CLOCK_SM))
            # the GPU's identity across numberings: NVML counts every GPU in PCI order, CUDA (and so
            # PyTorch) only those CUDA_VISIBLE_DEVICES shows, fastest first unless CUDA_DEVICE_ORDER says
            # otherwise (CUDA C Programming Guide, "CUDA Environment Variables")
            self.uuid = self._uuid()
        except n.NVMLError as exc:
            self.close()
            which = f"GPU {device_index}" if device_index is not None else "the GPU a CUDA program here uses"
            if count is None:  # not even how many GPUs there are
                raise BackendUnavailable(f"NVML cannot count the GPUs: {exc}; {cpu_backend_note()}",
                                         field="backend") from None
            # a GPU is there: never answered by measuring the CPU (measure audit: a lost GPU was)
            raise GpuPresentError(f"NVML sees {count} GPU(s) but cannot read {which}: {exc}; the CPU is not measured "
                                  "in its place, as its energy would not be the GPU's", field="backend") from None
        except (BackendUnavailable, InputError):
            self.close()
            raise

    def _not_supported(self, exc) -> bool:
        return getattr(exc, "value", None) == self.nvml.NVML_ERROR_NOT_SUPPORTED

    def _probe_counter(self) -> tuple[bool, str]:
        """Whether the GPU has the energy counter, and whether it reports its power at all (the
        power samples bridge counter resets and short windows, and are the energy without the
        counter). Only "Not Supported" means a counter is missing: any other error (a timeout, a
        lost GPU) is an error, not a pre-Volta GPU (audit)."""
        n = self.nvml
        try:
            n.nvmlDeviceGetPowerUsage(self.handle)
        except n.NVMLError as exc:
            if not self._not_supported(exc):
                raise
            # a GPU is there, so `auto` does not measure the CPU in its place, whose energy would be another device's
            # (measuring engineer's review 2026-11-30: a GPU run had been metered on the CPU and filed as a CPU's)
            raise GpuPresentError(f"GPU {self.device_name} does not report its power draw through NVML ({exc}), so "
                                  "it cannot be measured; the CPU is not measured in its place, as its energy would "
                                  "not be the GPU's: choose the CPU backend for a run that does not use the GPU",
                                  field="backend") from None
        try:
            n.nvmlDeviceGetTotalEnergyConsumption(self.handle)
        except n.NVMLError as exc:
            if not self._not_supported(exc):
                raise
            return False, f"no energy counter ({exc}; it needs a Volta or newer GPU): power polled every " \
                          f"{gfmt(self.poll_interval_s)} s"
        return True, "energy counter (nvmlDeviceGetTotalEnergyConsumption)"

    def _uuid(self) -> str | None:
        try:
            uuid = self.nvml.nvmlDeviceGetUUID(self.handle)
        except self.nvml.NVMLError:
            return None  # then the GPU is found by its index alone
        return uuid.decode() if isinstance(uuid, bytes) else str(uuid)

    def _optional(self, read):
        try:
            return float(read())
        except self.nvml.NVMLError:
            return None  # not every GPU reports every figure; the detail is then left out

    def _sample(self) -> Sample:
        n, h = self.nvml, self.handle
        t = self._clock()
        power_w = n.nvmlDeviceGetPowerUsage(h) / MILLIWATTS_PER_W
        counter = float(n.nvmlDeviceGetTotalEnergyConsumption(h)) if self.has_counter else None
        util = self._optional(lambda: n.nvmlDeviceGetUtilizationRates(h).gpu)
        clock = self._optional(lambda: n.nvmlDeviceGetClockInfo(h, n.NVML_CLOCK_SM))
        return Sample(t, power_w, counter, util, clock)

    def poll(self) -> None:
        """Take one power sample now (inside a window). The polling thread calls this every
        ``poll_interval_s``; with ``poll_in_thread=False`` the caller does. After an NVML error
        the window is spoilt: the error is kept for :meth:`end_window` and nothing more is read."""
        if not self._open:
            raise MeasurementError("poll() outside a measurement window")
        if self._error is not None:
            return
        try:
            self._sums.add(self._sample())
        except self.nvml.NVMLError as exc:
            self._error, self._error_at_s = exc, self._clock()

    def _poll_loop(self) -> None:
        while self._error is None and not self._stop.wait(self.poll_interval_s):
            self.poll()

    def begin_window(self) -> None:
        if self._open:
            raise MeasurementError("a measurement window is already open")
        self._sums, self._error, self._error_at_s = None, None, None
        try:
            self._sums = WindowSums(self._sample(), self.has_counter)
        except self.nvml.NVMLError as exc:
            raise MeasurementError(f"NVML failed at the start of the measurement on {self.device_name}: {exc}") from None
        self._open = True
        if self.poll_in_thread:
            self._stop.clear()
            self._thread = threading.Thread(target=self._poll_loop, name="nvml-power-poll", daemon=True)
            self._thread.start()

    def _join(self) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._thread = None

    def end_window(self) -> Measurement:
        if not self._open:
            raise MeasurementError("end_window() without begin_window()")
        self._join()
        self._open = False
        sums = self._sums
        t0 = sums.first.t_s
        if self._error is None:
            try:
                sums.add(self._sample())
            except self.nvml.NVMLError as exc:
                self._error, self._error_at_s = exc, self._clock()
        if self._error is not None:
            raise MeasurementError(f"NVML failed {self._error_at_s - t0:.1f} s into the measurement on "
                                   f"{self.device_name}: {self._error}; the measurement is incomplete")
        energy_j, source, notes = sums.energy()
        duration_s = sums.last.t_s - t0
        power_w = mean_power_w(energy_j, duration_s)  # refuses a window that lasted no measurable time
        if not (math.isfinite(energy_j) and energy_j > 0):
            # a counter that did not move and polled power of 0 W (some virtual GPUs, a driver that reports no
            # power): a silent 0 J would be recorded as a measured zero (conventions audit; CodeCarbon refuses it too)
            raise MeasurementError(f"NVML reported {energy_j!r} J over {gfmt(duration_s, 3)} s on {self.device_name} "
                                   f"({source}): the GPU's power could not be read here")
        details = {"device_index": self.device_index, "device_chosen_by": self.chosen_by,
                   "power_limit_w": self.power_limit_w, "default_power_limit_w": self.default_power_limit_w,
                   "max_sm_clock_mhz": self.max_sm_clock_mhz,
                   "mean_sm_clock_mhz": sums.mean_sm_clock_mhz,
                   "mean_gpu_utilization_percent": sums.mean_utilization_percent,
                   "samples": sums.n, "poll_interval_s": self.poll_interval_s,
                   "method": self.counter_note, **notes}
        return Measurement(duration_s, energy_j, power_w, source, False, self.device_name, self.name,
                           {k: v for k, v in details.items() if v is not None})

    def abort_window(self) -> None:
        self._join()
        self._open = False
        self._sums = None

    def close(self) -> None:
        self._join()
        if getattr(self, "_initialised", False):
            self._initialised = False
            try:
                self.nvml.nvmlShutdown()
            except self.nvml.NVMLError:
                pass  # the driver is already gone; nothing is left to release
