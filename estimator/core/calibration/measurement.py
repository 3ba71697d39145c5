"""One measurement window on one device (``Measurement``), how its energy was obtained (the power-source
labels) and its mean power: the record the meters (``estimator.device``) produce and the calibration and the
CodeCarbon import (``estimator.io.calibration_io``) read. Pure data."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from estimator.core.base.errors import MeasurementError
from estimator.core.hardware.profile import alone_words

# power_source labels: how a window's energy was obtained.
NVML_ENERGY_COUNTER = "nvml-energy-counter"        # nvmlDeviceGetTotalEnergyConsumption deltas (Volta and newer)
NVML_POWER_POLLING = "nvml-power-polling"          # nvmlDeviceGetPowerUsage sampled, integrated over time
CODECARBON_RAPL = "codecarbon-rapl"                # CodeCarbon read Intel RAPL energy counters
CODECARBON_CPU_LOAD_ESTIMATE = "codecarbon-cpu-load-estimate"  # TDP × CPU-load model, no RAPL access
CODECARBON_CONSTANT_ESTIMATE = "codecarbon-constant-tdp-estimate"  # a fixed share of a (generic) TDP
NOT_MEASURED = "not-measured"                      # time only: no power meter on this machine
CODECARBON_CSV_GPU = "codecarbon-csv-gpu-nvml"     # a CodeCarbon log's GPU energy (CodeCarbon reads it through NVML)
CODECARBON_CSV_CPU = "codecarbon-csv-cpu-method-not-recorded"  # a log's CPU energy: RAPL or TDP, not recorded

# the device each meter's energy is of, where it leaves the rest of the machine out (measuring engineer's review
# 2026-12-01: a CPU run's energy read as the machine's, CodeCarbon's RAM figure in the file ~2.5× the CPU's, unsaid)
METERED_KIND = {NVML_ENERGY_COUNTER: "gpu", NVML_POWER_POLLING: "gpu", CODECARBON_CSV_GPU: "gpu",
                CODECARBON_RAPL: "cpu", CODECARBON_CPU_LOAD_ESTIMATE: "cpu", CODECARBON_CONSTANT_ESTIMATE: "cpu",
                CODECARBON_CSV_CPU: "cpu"}


# the sources whose energy is modelled, not read from a counter: what they leave out is said, not that the real draw
# is higher (code review 2026-12-02: a TDP-based estimate can be above the CPU's draw)
ESTIMATED_SOURCES = frozenset({CODECARBON_CPU_LOAD_ESTIMATE, CODECARBON_CONSTANT_ESTIMATE, CODECARBON_CSV_CPU})


def metered_alone_note(power_source: str | None) -> str | None:
    """What a measured energy covers, in words, for the meters that read one device alone (None: another source);
    an estimated one (``ESTIMATED_SOURCES``: a TDP model, or a log that does not record which) is said to be one."""
    kind = METERED_KIND.get(power_source or "")
    if kind is None:
        return None
    if power_source in ESTIMATED_SOURCES:
        return (f"the energy is {'an estimate or a reading' if power_source == CODECARBON_CSV_CPU else 'an estimate'} "
                f"of {alone_words(kind)}; a TDP-based estimate may be above or below its real draw")
    return f"the energy measured is {alone_words(kind)}: the real draw is higher"


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


def mean_power_w(energy_j: float, duration_s: float) -> float:
    """Mean power in watts over a window: its energy (J) over its duration (s), the one home of
    this division. A window of zero, negative or non-finite duration is refused (MeasurementError):
    it has nothing to average over, and the quotient would be infinite, negative or NaN."""
    if not (duration_s > 0 and math.isfinite(duration_s)):
        raise MeasurementError(f"the measurement window lasted {duration_s!r} s; nothing to average over")
    return energy_j / duration_s
