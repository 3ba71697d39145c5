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

from estimator.core.errors import BackendUnavailable, GpuChoiceError, InputError, MeasurementError
from estimator.core.number_text import gfmt
from estimator.core.units import MILLIJOULES_PER_J, MILLIWATTS_PER_W
from estimator.measure.base import NVML_ENERGY_COUNTER, NVML_POWER_POLLING, Backend, Measurement
from estimator.measure.cpu import cpu_backend_note

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


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _names(nvml, count: int) -> set[str] | None:
    """Every GPU's model name, or None if one cannot be read (then they cannot be told alike)."""
    try:
        return {_text(nvml.nvmlDeviceGetName(nvml.nvmlDeviceGetHandleByIndex(i))) for i in range(count)}
    except nvml.NVMLError:
        return None


def _pci_order_or_refuse(nvml, count: int, environ, why: str) -> None:
    """CUDA numbers GPUs fastest first unless CUDA_DEVICE_ORDER=PCI_BUS_ID; NVML in PCI order. The
    two agree where the GPUs are all one model (then "fastest first" leaves PCI order), so an
    index is taken as NVML's only then; otherwise refused (``why``: what was to be numbered)."""
    if environ.get("CUDA_DEVICE_ORDER") == "PCI_BUS_ID" or count == 1:
        return
    names = _names(nvml, count)
    if names is None or len(names) > 1:
        models = "models NVML could not all read" if names is None else ", ".join(sorted(names))
        raise GpuChoiceError(f"{why}: CUDA numbers GPUs fastest first, and this machine mixes {models}, so which "
                             "GPU a CUDA program uses cannot be told; set CUDA_DEVICE_ORDER=PCI_BUS_ID, name the GPU "
                             "by its UUID in CUDA_VISIBLE_DEVICES, or give the GPU's number", field="device_index")


def visible_gpu(nvml, count: int, environ) -> tuple[int, str]:
    """(NVML's index of the GPU a CUDA program uses as device 0, how it was found).

    NVML numbers every GPU in PCI order; CUDA (PyTorch, JAX) numbers only those
    CUDA_VISIBLE_DEVICES lists, in its order, and by default fastest first (CUDA C++ Programming
    Guide, "CUDA Environment Variables"). A run under ``CUDA_VISIBLE_DEVICES=2`` computes on the
    machine's third GPU, so measuring NVML's GPU 0 would read another device's power (audit). The
    variable's first entry is taken: a UUID (``GPU-…``, or a unique prefix of one) by its UUID; an
    index as NVML's index where CUDA numbers as NVML does (``CUDA_DEVICE_ORDER=PCI_BUS_ID``, or
    GPUs all of one model); without the variable, GPU 0 on the same condition. Where the GPU cannot
    be told, :class:`GpuChoiceError`; where CUDA programs see no GPU, BackendUnavailable."""
    visible = environ.get("CUDA_VISIBLE_DEVICES")
    if visible is None:
        _pci_order_or_refuse(nvml, count, environ, "CUDA_VISIBLE_DEVICES is not set")
        return 0, "CUDA_VISIBLE_DEVICES not set"
    first = visible.split(",")[0].strip()
    if not first or first.startswith("-") or first == "NoDevFiles":
        raise BackendUnavailable(f"CUDA_VISIBLE_DEVICES={visible!r} hides every GPU from CUDA programs; "
                                 f"{cpu_backend_note()}", field="device_index")
    if first.startswith("MIG-"):
        raise GpuChoiceError(f"CUDA_VISIBLE_DEVICES names a MIG instance ({first}): NVML's power and energy "
                             "readings are the whole GPU's, shared by its instances, so they cannot be "
                             "charged to this run", field="device_index")
    if first.startswith("GPU-"):
        try:
            found = [i for i in range(count)
                     if _text(nvml.nvmlDeviceGetUUID(nvml.nvmlDeviceGetHandleByIndex(i))).startswith(first)]
        except nvml.NVMLError as exc:  # the GPU cannot be told: never answered with the CPU
            raise GpuChoiceError(f"CUDA_VISIBLE_DEVICES names {first}, and NVML cannot read every GPU's UUID to "
                                 f"find it ({exc})", field="device_index") from None
        if len(found) != 1:
            raise GpuChoiceError(f"CUDA_VISIBLE_DEVICES names {first}, which "
                                 + ("matches no GPU NVML sees" if not found else "matches several GPUs")
                                 + ": name the GPU by its full UUID (nvidia-smi -L)", field="device_index")
        return found[0], f"the first in CUDA_VISIBLE_DEVICES ({first})"
    if not first.isdigit():
        raise GpuChoiceError(f"CUDA_VISIBLE_DEVICES={visible!r} is neither GPU indices nor UUIDs",
                             field="device_index")
    index = int(first)
    if index >= count:
        # CUDA ignores an index it does not have and every entry after it: CUDA programs here see no GPU
        raise BackendUnavailable(f"CUDA_VISIBLE_DEVICES={visible!r} names GPU {index}, but NVML sees {count} GPU(s), "
                                 f"numbered 0 to {count - 1}, so CUDA programs here see no GPU; {cpu_backend_note()}",
                                 field="device_index")
    _pci_order_or_refuse(nvml, count, environ, f"CUDA_VISIBLE_DEVICES={visible!r} gives an index")
    return index, "the first in CUDA_VISIBLE_DEVICES"


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
            self.device_name = _text(name)
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
            which = "the GPU CUDA_VISIBLE_DEVICES names" if device_index is None else f"GPU {device_index}"
            raise BackendUnavailable(f"NVML cannot read {which}: {exc}") from None
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
            raise BackendUnavailable(f"GPU {self.device_name} does not report its power draw through NVML ({exc}), "
                                     f"so it cannot be measured; {cpu_backend_note()}", field="backend") from None
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
        if duration_s <= 0:
            raise MeasurementError("the measurement window lasted no measurable time")
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
        return Measurement(duration_s, energy_j, energy_j / duration_s, source, False, self.device_name, self.name,
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
