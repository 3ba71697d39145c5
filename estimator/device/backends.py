"""Measurement adapters at the edge: NVML for NVIDIA GPUs, CodeCarbon for the CPU.

``open_backend("auto" | "nvml" | "cpu")`` returns a :class:`~.base.Backend`; "nvml" on a
machine without a GPU or driver raises BackendUnavailable naming what is missing, and
"auto" then falls back to the CPU, keeping the reason in ``fallback_reason``.
``backend_status()`` says which meters this machine has, and why one is missing (the Calibrate
page and ``calibrate --backends``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from estimator.core.base.errors import BackendUnavailable, GpuPresentError, InputError
from estimator.device.base import Backend, Measurement, TimerBackend, UnavailableBackend

__all__ = ["BACKENDS", "Backend", "BackendStatus", "Measurement", "TimerBackend", "UnavailableBackend",
           "backend_status", "open_backend"]

# Linux's RAPL energy counters, which CodeCarbon reads where it may (codecarbon_backend.py)
RAPL_DIR = "/sys/class/powercap/intel-rapl"

BACKENDS = ("auto", "nvml", "cpu")


def meter_to_open(choice: str, base_kind: str | None) -> str:
    """The meter ``choice`` opens beside a profile of ``base_kind``: under "auto" a CPU profile measures the CPU,
    never a GPU beside it, in `calibrate --base` and `track(hardware=...)` alike (measuring engineer's review
    2026-11-28: a GPU's 400 W recorded as a CPU run's; diff review 2026-11-30: a GPU that reports no power had
    refused a CPU calibration)."""
    return "cpu" if choice == "auto" and base_kind == "cpu" else choice


def open_backend(kind: str = "auto", *, country_iso_code: str | None = None, device_index: int | None = None,
                 nvml_module=None) -> Backend:
    """``device_index``: NVML's number of the GPU; None, the GPU a CUDA program here uses first
    (CUDA_VISIBLE_DEVICES's first, else GPU 0: ``estimator.device.nvml.visible_gpu``). A GPU
    index that does not exist is an InputError, never answered by measuring the CPU."""
    if kind not in BACKENDS:
        raise InputError(f"unknown backend {kind!r}; use one of {', '.join(BACKENDS)}")
    from estimator.device.cpu import cpu_backend
    if kind == "cpu":
        return cpu_backend(country_iso_code)
    from estimator.device.nvml import NvmlBackend
    try:
        return NvmlBackend(nvml_module, device_index=device_index)
    except GpuPresentError:
        raise  # a GPU is there but cannot be told or read: the CPU's energy would be the wrong device's
    except BackendUnavailable as exc:
        if kind == "nvml":
            raise
        backend = cpu_backend(country_iso_code)
        backend.fallback_reason = str(exc)
        return backend


@dataclass(frozen=True)
class BackendStatus:
    """Whether one measurement backend can be used on this machine, and what it would measure or
    why it cannot."""

    backend: str      # "nvml" or "cpu"
    available: bool
    detail: str

    @property
    def line(self) -> str:
        """One line for the user (an unavailable backend's detail says so itself: "NVML is not available: …")."""
        label = {"nvml": "NVIDIA GPU (NVML)", "cpu": "CPU (CodeCarbon)"}[self.backend]
        return f"{label}: {'available: ' if self.available else ''}{self.detail}"


def backend_status(nvml_module=None) -> tuple[BackendStatus, ...]:
    """The NVML and CPU backends on this machine. NVML is opened and closed again (no window is
    started); the CPU's line says whether CodeCarbon is installed and whether it can read RAPL
    energy counters or only estimates CPU power from load."""
    from estimator.device.codecarbon_backend import import_problem as codecarbon_import_problem
    from estimator.device.cpu_name import cpu_device_name
    from estimator.device.nvml import NvmlBackend
    from estimator.io.paths import codecarbon_available
    try:
        gpu = NvmlBackend(nvml_module)
    except BackendUnavailable as exc:
        nvml = BackendStatus("nvml", False, str(exc))
    else:
        try:
            count = gpu.nvml.nvmlDeviceGetCount()
            nvml = BackendStatus("nvml", True, f"{gpu.device_name} (GPU {gpu.device_index} of {count}; "
                                               f"{gpu.chosen_by}): {gpu.counter_note}")
        finally:
            gpu.close()
    device = cpu_device_name()
    if not codecarbon_available():
        cpu = BackendStatus("cpu", False, f"{device}: CodeCarbon is not installed (`pip install codecarbon`), "
                                          "so only time is measured: a tracked run reports no energy, and a CPU "
                                          "calibration, which needs the CPU's power, is refused")
    elif (problem := codecarbon_import_problem()) is not None:
        cpu = BackendStatus("cpu", False, f"{device}: CodeCarbon is installed but could not be imported ({problem}): "
                                          "reinstall it; until then only time is measured")
    elif _rapl_readable():
        cpu = BackendStatus("cpu", True, f"{device}: CodeCarbon reads the RAPL energy counters")
    else:
        cpu = BackendStatus("cpu", True, f"{device}: CodeCarbon estimates CPU power from load "
                                         "(no RAPL energy counter readable here), not a meter reading")
    return nvml, cpu


def _rapl_readable() -> bool:
    try:
        return any(os.access(os.path.join(RAPL_DIR, f, "energy_uj"), os.R_OK) for f in os.listdir(RAPL_DIR))
    except OSError:
        return False  # no powercap folder (not Linux, or a container without it)
