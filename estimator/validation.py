"""Input checks shared by the core: a bad number raises InputError naming the input."""

from __future__ import annotations

import math

import numpy as np

from .errors import InputError


def _as_array(name, value):
    if isinstance(value, (str, bytes)):
        raise InputError(f"{name} must be a number, got text {value!r}")
    if isinstance(value, bool):
        raise InputError(f"{name} must be a number, got {value!r}")
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be a number, got {value!r}") from exc


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


def require_pue(value):
    arr = _as_array("PUE", value)
    if not ((arr >= 1).all() and (arr < np.inf).all()):
        raise InputError(f"PUE must be 1 or more (1 = no facility overhead), got {_show(value)}")
    return value


def require_devices(value):
    arr = _as_array("devices", value)
    if not ((arr >= 1).all() and (arr < np.inf).all()):
        raise InputError(f"devices must be at least 1, got {_show(value)}")
    return value


def _show(value):
    if np.ndim(value) == 0:
        try:
            v = float(value)
        except (TypeError, ValueError):
            return repr(value)
        return repr(v) if not math.isnan(v) else "NaN"
    return "an array with out-of-range values"


# A run's year: from the first electronic computers to well past any plan (a typo guard).
YEAR_BOUNDS = (1940, 2100)


def require_year(value) -> int:
    arr = _as_array("year", value)
    if arr.ndim != 0 or not np.isfinite(arr) or float(arr) != int(arr) or not YEAR_BOUNDS[0] <= float(arr) <= YEAR_BOUNDS[1]:
        raise InputError(f"year must be a whole year between {YEAR_BOUNDS[0]} and {YEAR_BOUNDS[1]}, got {_show(value)}")
    return int(arr)
