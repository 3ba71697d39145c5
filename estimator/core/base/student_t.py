"""Student-t quantiles without importing SciPy.

SciPy's ``scipy.stats`` takes about a second to import, and every command that loads a hardware
profile needs one t quantile (the fitted power interval, ``estimator/fit/power_fit.py``) and the
tracker needs a few (``estimator/core/tracking/step_times.py``). That second was most of the CLI's
start-up time. The quantile is computed here from the t distribution's CDF, which is a regularized
incomplete beta function (Abramowitz & Stegun 1964, 26.7.1 with 26.5.27:
P(|T| ≤ t) = 1 − I_x(ν/2, 1/2), x = ν / (ν + t²)), evaluated by its continued fraction with the
modified Lentz method (Press et al., Numerical Recipes, 3rd ed. 2007, §6.4 and §5.2), then
inverted by bisection. ``tests/core/test_student_t.py`` holds it to ``scipy.stats.t.ppf`` to 1e-10.
"""

from __future__ import annotations

import math
from functools import lru_cache

from estimator.core.base.errors import InputError

_EPS = 1e-15          # continued-fraction convergence (relative)
_TINY = 1e-300        # Lentz's guard against division by zero
_MAX_TERMS = 10_000   # the fraction converges in O(√max(a, b)) terms; this is a safety bound
_BISECTIONS = 200     # halvings of the bracket: far below double precision long before this


def _beta_cf(a: float, b: float, x: float) -> float:
    """The continued fraction of I_x(a, b) (Numerical Recipes §6.4, eq. 6.4.5), modified Lentz."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, _MAX_TERMS):
        m2 = 2 * m
        for aa in (m * (b - m) * x / ((qam + m2) * (a + m2)), -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))):
            d = 1.0 + aa * d
            d = 1.0 / (d if abs(d) > _TINY else _TINY)
            c = 1.0 + aa / c
            c = c if abs(c) > _TINY else _TINY
            h *= d * c
        if abs(d * c - 1.0) < _EPS:
            return h
    raise ArithmeticError(f"incomplete beta continued fraction did not converge (a={a}, b={b}, x={x})")


def regularized_beta(a: float, b: float, x: float) -> float:
    """I_x(a, b) for a, b > 0 and 0 ≤ x ≤ 1."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_cf(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_cf(b, a, 1.0 - x) / b


def cdf(t: float, df: float) -> float:
    """P(T ≤ t) for Student's t with ``df`` degrees of freedom."""
    t2 = t * t
    if t2 < df:  # near the centre: P(|T| ≤ t) = I_{t²/(ν+t²)}(1/2, ν/2), no cancellation
        central = regularized_beta(0.5, df / 2.0, t2 / (df + t2))
        return 0.5 + 0.5 * central if t >= 0 else 0.5 - 0.5 * central
    tail = 0.5 * regularized_beta(df / 2.0, 0.5, df / (df + t2))  # in the tails: P(T > |t|)
    return 1.0 - tail if t >= 0 else tail


def quantile(p: float, df: float) -> float:
    """The t such that P(T ≤ t) = p (what ``scipy.stats.t.ppf(p, df)`` gives)."""
    if not (0.0 < p < 1.0) or not math.isfinite(p):
        raise InputError(f"a t quantile needs a probability between 0 and 1, got {p}")
    if not (df > 0) or not math.isfinite(df):
        raise InputError(f"a t quantile needs positive degrees of freedom, got {df}")
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -quantile(1.0 - p, df)
    return _upper_quantile(float(p), float(df))


@lru_cache(maxsize=1024)
def _upper_quantile(p: float, df: float) -> float:
    """The t for 0.5 < p < 1 (bisection: about 60 CDF evaluations, so each (p, df) asked again is remembered; a
    session asks for a few levels at a few sample sizes)."""
    lo, hi = 0.0, 1.0
    while cdf(hi, df) < p:  # bracket: the upper tail falls at least as fast as 1/t^df
        lo, hi = hi, hi * 2.0
    for _ in range(_BISECTIONS):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)
