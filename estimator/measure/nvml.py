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

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from estimator.core.errors import BackendUnavailable, InputError, MeasurementError
from estimator.core.units import MILLIJOULES_PER_J, MILLIWATTS_PER_W
from estimator.measure.base import NVML_ENERGY_COUNTER, NVML_POWER_POLLING, Backend, Measurement, integrate_power_w

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


def energy_from_samples(samples: Sequence[Sample], has_counter: bool) -> tuple[float, str, dict]:
    """(energy_j, power_source, notes) for one window's samples (pure)."""
    if len(samples) < 2:
        raise MeasurementError("a measurement window needs a sample at its start and at its end")
    polled_j = integrate_power_w([(s.t_s, s.power_w) for s in samples])
    if not has_counter:
        return polled_j, NVML_POWER_POLLING, {}
    counter_j = 0.0
    resets = 0
    for a, b in zip(samples, samples[1:]):
        delta_mj = b.counter_mj - a.counter_mj
        if delta_mj >= 0:
            counter_j += delta_mj / MILLIJOULES_PER_J
        else:  # the counter went back: bridge this interval with the power samples
            resets += 1
            counter_j += 0.5 * (a.power_w + b.power_w) * (b.t_s - a.t_s)
    notes: dict[str, Any] = {"counter_resets": resets}
    if counter_j == 0.0 and polled_j > 0.0:
        notes["fallback"] = "window shorter than the energy counter's update interval: power samples integrated"
        return polled_j, NVML_POWER_POLLING, notes
    notes["power_polling_energy_j"] = polled_j  # a cross-check of the counter
    return counter_j, NVML_ENERGY_COUNTER, notes


class NvmlBackend(Backend):
    name = "nvml"
    kind = "gpu"

    def __init__(self, nvml=None, device_index: int = 0, poll_interval_s: float = MAX_POLL_INTERVAL_S,
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
        self._samples: list[Sample] = []
        self._error: BaseException | None = None
        self._error_at_s: float | None = None
        n = self.nvml
        try:
            n.nvmlInit()
        except n.NVMLError as exc:
            raise BackendUnavailable(f"NVML is not available: {exc} (no NVIDIA GPU or driver: libnvidia-ml.so "
                                     "could not be used); the CPU backend still works", field="backend") from None
        self._initialised = True
        try:
            count = n.nvmlDeviceGetCount()
            if count == 0:
                raise BackendUnavailable("NVML is running but finds no NVIDIA GPU; the CPU backend still works",
                                         field="backend")
            if not 0 <= device_index < count:
                raise BackendUnavailable(f"GPU index {device_index} does not exist: NVML sees {count} GPU(s)")
            self.device_index = device_index
            self.handle = n.nvmlDeviceGetHandleByIndex(device_index)
            name = n.nvmlDeviceGetName(self.handle)
            self.device_name = name.decode() if isinstance(name, bytes) else str(name)
            self.has_counter, self.counter_note = self._probe_counter()
            self.power_limit_w = self._optional(lambda: n.nvmlDeviceGetEnforcedPowerLimit(self.handle) / MILLIWATTS_PER_W)
            self.max_sm_clock_mhz = self._optional(lambda: n.nvmlDeviceGetMaxClockInfo(self.handle, n.NVML_CLOCK_SM))
            # the GPU's identity across numberings: NVML counts every GPU in PCI order, CUDA (and so
            # PyTorch) only those CUDA_VISIBLE_DEVICES shows, fastest first unless CUDA_DEVICE_ORDER says
            # otherwise (CUDA C Programming Guide, "CUDA Environment Variables")
            self.uuid = self._uuid()
        except n.NVMLError as exc:
            self.close()
            raise BackendUnavailable(f"NVML cannot read GPU {device_index}: {exc}") from None
        except BackendUnavailable:
            self.close()
            raise

    def _probe_counter(self) -> tuple[bool, str]:
        n = self.nvml
        try:
            n.nvmlDeviceGetTotalEnergyConsumption(self.handle)
        except n.NVMLError as exc:
            return False, f"no energy counter ({exc}; it needs a Volta or newer GPU): power polled every " \
                          f"{self.poll_interval_s:g} s"
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
            self._samples.append(self._sample())
        except self.nvml.NVMLError as exc:
            self._error, self._error_at_s = exc, self._clock()

    def _poll_loop(self) -> None:
        while self._error is None and not self._stop.wait(self.poll_interval_s):
            self.poll()

    def begin_window(self) -> None:
        if self._open:
            raise MeasurementError("a measurement window is already open")
        self._samples, self._error, self._error_at_s = [], None, None
        try:
            self._samples.append(self._sample())
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
        t0 = self._samples[0].t_s
        if self._error is None:
            try:
                self._samples.append(self._sample())
            except self.nvml.NVMLError as exc:
                self._error, self._error_at_s = exc, self._clock()
        if self._error is not None:
            raise MeasurementError(f"NVML failed {self._error_at_s - t0:.1f} s into the measurement on "
                                   f"{self.device_name}: {self._error}; the measurement is incomplete")
        samples = self._samples
        energy_j, source, notes = energy_from_samples(samples, self.has_counter)
        duration_s = samples[-1].t_s - t0
        if duration_s <= 0:
            raise MeasurementError("the measurement window lasted no measurable time")
        utils = [s.utilization_percent for s in samples if s.utilization_percent is not None]
        clocks = [s.sm_clock_mhz for s in samples if s.sm_clock_mhz is not None]
        details = {"device_index": self.device_index, "power_limit_w": self.power_limit_w,
                   "max_sm_clock_mhz": self.max_sm_clock_mhz,
                   "mean_sm_clock_mhz": sum(clocks) / len(clocks) if clocks else None,
                   "mean_gpu_utilization_percent": sum(utils) / len(utils) if utils else None,
                   "samples": len(samples), "poll_interval_s": self.poll_interval_s,
                   "method": self.counter_note, **notes}
        return Measurement(duration_s, energy_j, energy_j / duration_s, source, False, self.device_name, self.name,
                           {k: v for k, v in details.items() if v is not None})

    def abort_window(self) -> None:
        self._join()
        self._open = False
        self._samples = []

    def close(self) -> None:
        self._join()
        if getattr(self, "_initialised", False):
            self._initialised = False
            try:
                self.nvml.nvmlShutdown()
            except self.nvml.NVMLError:
                pass  # the driver is already gone; nothing is left to release
