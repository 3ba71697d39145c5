"""Stated intervals: how the estimator's ranges are built.

Every range is a stated prediction interval at ``LEVEL`` (80%): the quantity falls inside it
for about 80% of runs, a claim `python -m estimator validate` measures for device-hours.

Each uncertain input is a centre and a half-width on the natural-log scale at that level
(utilisation: the fit's predictive interval; power: the measured-draw fit; the brain's peak:
Carlsmith's range). An output that is a product of independent inputs gets the half-widths
combined in quadrature, ``h = sqrt(h₁² + h₂² + …)``, which is exact when the inputs are
log-normal and a close approximation for the fit's Student-t. The centre is the interval's
geometric middle, so the point estimate is the median of the stated range, never an end of it.
"""

from __future__ import annotations

import math

import numpy as np

LEVEL = 0.8


def half_width(center: float, low: float, high: float) -> float:
    """The log half-width of [low, high] around ``center`` (the wider side, so the symmetric
    interval contains the stated one)."""
    if low <= 0 or center <= 0:
        return 0.0
    return max(math.log(center / low), math.log(high / center), 0.0)


def combine(*half_widths: float) -> float:
    """Independent log-scale half-widths combined in quadrature."""
    return math.sqrt(sum(h * h for h in half_widths))


def around(center, half):
    """(low, high) = centre ×/÷ exp(half); works on floats and numpy arrays."""
    if center is None:
        return None, None
    factor = np.exp(half)
    return center / factor, center * factor
