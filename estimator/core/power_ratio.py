"""Average draw ÷ TDP, as fitted to measured power: what a profile's ``[power] fit`` reads.

Pure. The groups of like measurements and the fitted ratio (:class:`RatioFit`); the fit itself,
and its model, are in ``estimator/fit/power_fit.py``, the measurements in
``estimator/data/measured_power.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass

# The groups, never mixed: they measure different things (estimator/fit/power_fit.py's docstring).
GROUPS = {
    "gpu-system": "GPU share of the whole server (host included)",
    "gpu-chip": "GPU board only",
    "tpu-system": "TPU chip share of its system (host included)",
}


@dataclass(frozen=True)
class RatioFit:
    """Average draw ÷ TDP for one group: the centre and the stated interval."""

    group: str
    n: int
    center: float
    low: float
    high: float
    level: float
    sigma_log: float

    def describe(self) -> str:
        return (f"{self.center:.2f} × TDP, {self.level:.0%} interval {self.low:.2f}–{self.high:.2f} × TDP, "
                f"fitted on {self.n} measured runs ({GROUPS[self.group]}; estimator/data/measured_power.csv)")
