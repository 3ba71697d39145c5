"""How often an energy range holds, from the two checks it is built of.

Pure: held-out errors in, a coverage out. An estimate's energy is device-hours × average power ×
PUE, and its range combines the device-hours interval (the utilisation fit) and the power interval
(the measured-draw fit) side by side in quadrature on the log scale (``estimator.core.base.interval``);
PUE and the grid intensity are taken as exact, so CO₂e and a cost at an electricity price share
the energy's coverage. Few runs publish a measured energy, so the coverage is measured by pairing:
every run's held-out device-hours error with every held-out power error of the group its profile
uses, each pair's actual product against the combined range. That assumes the two errors
independent (a run's utilisation says nothing of its draw), which the data cannot test.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from estimator.core.base.errors import InputError
from estimator.core.base.interval import combine, sides


@dataclass(frozen=True)
class HeldOut:
    """One held-out check: the actual value, the prediction and its stated interval."""
    actual: float
    predicted: float
    low: float
    high: float


@dataclass(frozen=True)
class PairedCoverage:
    pairs: int
    coverage: float
    mean_width_factor: float   # geometric mean of the combined interval's high ÷ low


def paired_coverage(device_hours: Sequence[HeldOut], power: Sequence[HeldOut]) -> PairedCoverage:
    """Each device-hours check paired with each power check: inside when actual device-hours ×
    actual power lies in the product's range, each side the two sides combined in quadrature."""
    if not device_hours or not power:
        raise InputError("an energy coverage needs device-hours and power checks")
    inside, widths = 0, 0.0
    for d in device_hours:
        d_down, d_up = sides(d.predicted, d.low, d.high)
        for p in power:
            p_down, p_up = sides(p.predicted, p.low, p.high)
            err = math.log(d.actual * p.actual / (d.predicted * p.predicted))
            down, up = combine(d_down, p_down), combine(d_up, p_up)
            inside += -down <= err <= up
            widths += down + up
    n = len(device_hours) * len(power)
    return PairedCoverage(n, inside / n, math.exp(widths / n))
