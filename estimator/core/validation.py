"""Input checks shared by the core: a bad number raises InputError naming the input.

One place decides what a number may be: a real number (not text, a bool, None or a list where
one number belongs), finite, inside its sourced plausible bound (``estimator.core.bounds``), and
whole where only whole numbers make sense (devices, years, layers). Results are checked too:
a non-finite result is refused, never printed.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from estimator.core.bounds import YEAR, Bound
from estimator.core.errors import InputError


def _show(value) -> str:
    if np.ndim(value) == 0:
        try:
            v = float(value)
        except (TypeError, ValueError, OverflowError):
            return repr(value)[:40]
        return "NaN" if math.isnan(v) else repr(v)
    return "an array with out-of-range values"


def _as_array(name, value) -> np.ndarray:
    """A float array of ``value`` (one number or an array of them), or InputError."""
    if isinstance(value, (str, bytes)):
        raise InputError(f"{name} must be a number, got text {str(value)[:40]!r}")
    if isinstance(value, bool) or value is None:
        raise InputError(f"{name} must be a number, got {value!r}")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError) as exc:
        raise InputError(f"{name} must be a number, got {repr(value)[:40]}") from exc
    return arr


def as_number(name, value) -> float:
    """One real number (an int, float or numpy scalar), as a float; InputError otherwise."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.number)):
        raise InputError(f"{name} must be a number, got {repr(value)[:40]}")
    try:
        return float(value)
    except (OverflowError, ValueError, TypeError):
        raise InputError(f"{name} must be a finite number, got {repr(value)[:40]}") from None


def require_finite(name, value):
    arr = _as_array(name, value)
    if not np.isfinite(arr).all():
        raise InputError(f"{name} must be a finite number, got {_show(value)}")
    return value


def require_positive(name, value):
    arr = _as_array(name, value)
    # one pass each: NaN fails both comparisons, +inf fails the second
    if not ((arr > 0).all() and (arr < np.inf).all()):
        if not np.isfinite(arr).all():
            raise InputError(f"{name} must be a finite number, got {_show(value)}")
        raise InputError(f"{name} must be greater than 0, got {_show(value)}")
    return value


def require_non_negative(name, value):
    arr = _as_array(name, value)
    if not ((arr >= 0).all() and (arr < np.inf).all()):
        if not np.isfinite(arr).all():
            raise InputError(f"{name} must be a finite number, got {_show(value)}")
        raise InputError(f"{name} must be 0 or more, got {_show(value)}")
    return value


def require_fraction(name, value):
    """In (0, 1]: utilisation and similar shares."""
    arr = _as_array(name, value)
    if not ((arr > 0).all() and (arr <= 1).all()):
        raise InputError(f"{name} must be in (0, 1], got {_show(value)}")
    return value


def require_in(name: str, value, bound: Bound):
    """``value`` (a number or an array) is finite, inside ``bound`` and whole if it must be."""
    arr = _as_array(name, value)
    if not np.isfinite(arr).all():
        raise InputError(f"{name} must be a finite number, got {_show(value)}")
    low_ok = (arr > bound.low) if bound.low_open else (arr >= bound.low)
    if not (low_ok.all() and (arr <= bound.high).all()):
        raise InputError(f"{name} must be {bound.describe()} ({bound.source}), got {_show(value)}")
    if bound.whole and not (arr == np.floor(arr)).all():
        raise InputError(f"{name} must be a whole number, got {_show(value)}")
    return value


def require_number_in(name: str, value, bound: Bound) -> float:
    """One number inside ``bound``, as a float (int for whole-number bounds is up to the caller)."""
    x = as_number(name, value)
    require_in(name, x, bound)
    return x


def require_pue(value):
    from estimator.core.bounds import PUE
    return require_in("PUE", value, PUE)


def require_devices(value):
    from estimator.core.bounds import DEVICES
    return require_in("devices", value, DEVICES)


def require_year(value) -> int:
    return int(require_number_in("year", value, YEAR))


def require_finite_result(name: str, value) -> None:
    """A computed result must be a finite number: an overflow means the inputs were too large
    together, even if each was within its bound."""
    if value is None:
        return
    arr = np.asarray(value, dtype=float)
    if not np.isfinite(arr).all():
        raise InputError(f"the {name} overflows (beyond {np.finfo(float).max:.3g}): the inputs are too large "
                         "together; reduce the workload, the devices or the price")
