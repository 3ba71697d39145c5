"""Default utilisation from published runs (the method behind each profile's [utilization]).

Whole-run model-FLOPs goodput of a run = model FLOPs ÷ (device-seconds × dense peak): what the
run achieved over its whole wall clock, restarts and stalls included. It is below the
steady-state MFU a paper may quote (e.g. PaLM: 46.2% steady, ≈31% over all chip-hours;
Chowdhery et al. 2022, App. B). The estimator uses whole-run goodput because it predicts
whole-run time.

Method (profiles/README.md): default = geometric mean of the family's runs;
range = [min(runs, default / RANGE_FACTOR), max(runs, default × RANGE_FACTOR)].
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from .errors import InputError
from .units import S_PER_HOUR

# ±25% around the default at least: the spread of the four A100 runs (0.318–0.477,
# a max/min ratio of 1.5 ≈ 1.22²) shows run-to-run variation of about that size.
RANGE_FACTOR = 1.25


def whole_run_goodput(flops: float, device_hours: float, peak_flops_per_s: float) -> float:
    if flops <= 0 or device_hours <= 0 or peak_flops_per_s <= 0:
        raise InputError("goodput needs positive FLOPs, device-hours and peak")
    return flops / (device_hours * S_PER_HOUR * peak_flops_per_s)


@dataclass(frozen=True)
class DerivedUtilization:
    default: float
    low: float
    high: float
    runs: tuple[float, ...]


def derive_utilization(goodputs: Sequence[float]) -> DerivedUtilization:
    if not goodputs:
        raise InputError("no published runs to derive a utilisation from")
    gm = math.exp(sum(math.log(g) for g in goodputs) / len(goodputs))
    return DerivedUtilization(default=gm, low=min(min(goodputs), gm / RANGE_FACTOR),
                              high=max(max(goodputs), gm * RANGE_FACTOR), runs=tuple(goodputs))
