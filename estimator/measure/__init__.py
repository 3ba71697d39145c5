"""Measurement adapters at the edge: NVML for NVIDIA GPUs, CodeCarbon for the CPU.

``open_backend("auto" | "nvml" | "cpu")`` returns a :class:`~.base.Backend`; "nvml" on a
machine without a GPU or driver raises BackendUnavailable naming what is missing, and
"auto" then falls back to the CPU, keeping the reason in ``fallback_reason``.
"""

from __future__ import annotations

from estimator.core.errors import BackendUnavailable, InputError
from estimator.measure.base import Backend, Measurement, TimerBackend, UnavailableBackend

__all__ = ["BACKENDS", "Backend", "Measurement", "TimerBackend", "UnavailableBackend", "open_backend"]

BACKENDS = ("auto", "nvml", "cpu")


def open_backend(kind: str = "auto", *, country_iso_code: str | None = None, device_index: int = 0,
                 nvml_module=None) -> Backend:
    if kind not in BACKENDS:
        raise InputError(f"unknown backend {kind!r}; use one of {', '.join(BACKENDS)}")
    from estimator.measure.cpu import cpu_backend
    if kind == "cpu":
        return cpu_backend(country_iso_code)
    from estimator.measure.nvml import NvmlBackend
    try:
        return NvmlBackend(nvml_module, device_index=device_index)
    except BackendUnavailable as exc:
        if kind == "nvml":
            raise
        backend = cpu_backend(country_iso_code)
        backend.fallback_reason = str(exc)
        return backend
