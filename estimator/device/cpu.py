"""The CPU path: CodeCarbon where it is installed, otherwise wall time only.

Without CodeCarbon a tracked run measures its time only, and a CPU calibration is refused: the
only power left would be the CPU base profile's, a whole 450 W server's, never the machine
measured (``estimator.core.calibration.calibrate.require_power_or_base_device``).
"""

from __future__ import annotations

from estimator.device.base import Backend, TimerBackend
from estimator.device.cpu_name import cpu_device_name
from estimator.io.paths import codecarbon_available


def cpu_backend_note() -> str:
    """What the CPU backend measures on this machine, for a message that a GPU cannot be measured:
    its power through CodeCarbon, or time only without CodeCarbon (audit: "the CPU backend still
    works" was said where only time could be measured)."""
    if codecarbon_available():
        from estimator.device.codecarbon_backend import import_problem
        if (problem := import_problem()) is not None:
            # installed but broken: time only, as `calibrate --backends` says on its next line (measuring engineer's
            # review 2026-11-30: the NVML line had promised the CPU's power the CPU line then refused)
            return (f"the CPU backend measures time only here: CodeCarbon is installed but could not be imported "
                    f"({problem}): reinstall it")
        return "the CPU backend still works (its power through CodeCarbon)"
    return ("the CPU backend measures time only here: CodeCarbon, which reads the CPU's power, is not installed "
            "(`pip install codecarbon`)")


def cpu_backend(country_iso_code: str | None = None) -> Backend:
    if not codecarbon_available():
        return TimerBackend(cpu_device_name(), "CodeCarbon, which reads the CPU's power, is not installed "
                                               "(`pip install codecarbon`)")
    from estimator.device.codecarbon_backend import CodeCarbonBackend
    return CodeCarbonBackend(country_iso_code)
