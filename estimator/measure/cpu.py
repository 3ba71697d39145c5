"""The CPU path: CodeCarbon where it is installed, otherwise wall time only.

Without CodeCarbon the calibration still measures throughput; the profile then keeps the
base profile's power and its [calibration] table says that power was not measured.
"""

from __future__ import annotations

import os
import platform

from estimator.io.paths import codecarbon_available
from estimator.measure.base import Backend, TimerBackend


def cpu_model_name() -> str:
    """The CPU's model name from /proc/cpuinfo (Linux), else platform.processor()."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass  # not Linux: fall through to platform's name
    return platform.processor() or platform.machine() or "CPU"


def cpu_device_name() -> str:
    return f"{cpu_model_name()} ({os.cpu_count()} CPUs)"


def cpu_backend(country_iso_code: str | None = None) -> Backend:
    if not codecarbon_available():
        return TimerBackend(cpu_device_name(), "CodeCarbon is not installed (`pip install codecarbon`): "
                                               "CPU power was not measured")
    from estimator.measure.codecarbon_backend import CodeCarbonBackend
    return CodeCarbonBackend(country_iso_code)
