"""Plausible bounds on what the laws compute (a multiplier on compute, a cost), each with its reason.

``estimator.core.base.bounds`` bounds what a user gives; these bound what the laws derive from it, so
that a result past them is refused with the input to change, never printed (audit: a trend printed
GPT-3's training at $7.1 × 10⁻²⁹ and frontier compute ×1.76 × 10¹⁰⁶; halving an error at k = 0.001
printed 1.07 × 10³⁰¹× the compute). Pure.
"""

from __future__ import annotations

import math

from estimator.core.base.errors import InputError
from estimator.core.base.number_text import sci
from estimator.core.base.units import S_PER_YEAR

# The Sun's luminosity: 3.828e26 W (IAU 2015 Resolution B3, the nominal solar luminosity).
SUN_LUMINOSITY_W = 3.828e26
# Boltzmann's constant, exact in the SI since 2019 (BIPM, The International System of Units, 9th ed.).
BOLTZMANN_J_PER_K = 1.380649e-23
# Room temperature for Landauer's limit: a computer cooled by surroundings at 300 K.
ROOM_TEMPERATURE_K = 300.0
# Landauer's limit: erasing one bit dissipates at least k·T·ln 2 (Landauer 1961, IBM J. Res. Dev. 5(3)),
# ≈2.9e-21 J at 300 K.
LANDAUER_J_PER_BIT = BOLTZMANN_J_PER_K * ROOM_TEMPERATURE_K * math.log(2)
# What a computer running on the Sun's whole output for a year could do at that limit: ≈4.2e54 bit
# operations. A FLOP erases many bits, so no FLOP count in any year can come near it.
SUN_YEAR_MAX_OPERATIONS = SUN_LUMINOSITY_W * S_PER_YEAR / LANDAUER_J_PER_BIT
# The largest training run with a published FLOP count: Llama 3.1 405B, 3.8e25 FLOPs (Llama Team 2024,
# arXiv:2407.21783, §1), as estimator/core/base/bounds.py cites for its FLOPs bound.
LARGEST_RUN_FLOPS = 3.8e25
# A multiplier on compute past ≈1.1e29 would take today's largest run beyond that Sun-powered year.
MAX_COMPUTE_MULTIPLIER = SUN_YEAR_MAX_OPERATIONS / LARGEST_RUN_FLOPS
MULTIPLIER_REASON = (f"today's largest training run ({sci(LARGEST_RUN_FLOPS, 2)} FLOPs, Llama 3.1 405B) multiplied by "
                     "more would take more operations than a computer running on the Sun's whole output could do in a "
                     f"year at the physical limit of computation (≈{sci(SUN_YEAR_MAX_OPERATIONS, 2)}, Landauer's "
                     "limit at 300 K)")

# A cost below a millionth of a cent (1e-8 USD) is refused: money is billed in cents, and a sum a
# million times smaller than one is no price anyone pays. A design choice, not a published figure.
MIN_COST_USD = 1e-8
MIN_COST_WORDS = "a millionth of a cent"


def check_multiplier(what: str, value: float, fix: str, field) -> None:
    """``value`` (a multiplier on compute) finite and at most ``MAX_COMPUTE_MULTIPLIER``, else an
    InputError: "``what`` is more than 1.1 × 10²⁹×: <reason>; ``fix``"."""
    if not (math.isfinite(value) and value <= MAX_COMPUTE_MULTIPLIER):
        raise InputError(f"{what} is more than {sci(MAX_COMPUTE_MULTIPLIER, 2)}×: {MULTIPLIER_REASON}; {fix}",
                         field=field)


# Rounding's slack: x ÷ scale is off by a few ulps (3e33 ÷ 1e32 = 29.999999999999996), which floor()
# would take a whole step down (review: 3e33 suggested as 2.9e33); a relative 1e-9 is far above that and
# far below any figure's own precision.
ROUNDING_SLACK = 1e-9


def floor_sig(x: float, digits: int = 2) -> float:
    """``x`` rounded down to ``digits`` significant figures (a largest value to suggest that still works)."""
    scale = 10.0 ** (math.floor(math.log10(x)) - digits + 1)
    return float(f"{math.floor(x / scale * (1 + ROUNDING_SLACK)) * scale:.{digits - 1}e}")


def ceil_sig(x: float, digits: int = 2) -> float:
    """``x`` rounded up to ``digits`` significant figures (a least value to suggest that still works)."""
    scale = 10.0 ** (math.floor(math.log10(x)) - digits + 1)
    return float(f"{math.ceil(x / scale * (1 - ROUNDING_SLACK)) * scale:.{digits - 1}e}")
