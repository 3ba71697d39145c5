"""Input checks shared by the core: a bad number raises InputError naming the input.

One place decides what a number may be: a real number (not text, a bool, None or a list where
one number belongs), finite, inside its sourced plausible bound (``estimator.core.base.bounds``), and
whole where only whole numbers make sense (devices, years, layers). Results are checked too:
a non-finite result is refused, never printed.

Every check's ``InputError`` carries ``field``, the input's keyword, so that the CLI can add its
flag and the app its widget label: the ``field=`` given, else the name itself when it is one
(``"devices"``, ``"year"``), else none (a label such as ``"power per device (W)"``).
"""

from __future__ import annotations

import functools
import math
import numbers
import sys
from decimal import Decimal

import numpy as np

from estimator.core.base.bounds import SMALLEST_NONZERO, Bound
from estimator.core.base.errors import InputError
from estimator.core.base.number_text import exact, gfmt

# Whole floats below this print as integers ("7000000000"), above it as powers of ten ("10²⁰", number_text.exact): past 2**53 a float
# no longer holds every integer, so the digits of a larger one would pretend to a precision it lacks.
WHOLE_DIGITS_LIMIT = 1e16


def _names_field(check):
    """``check`` with a keyword-only ``field``: the keyword its InputError names (see the module's doc)."""
    @functools.wraps(check)
    def checked(name, value, *args, field: str | None = None, **kwargs):
        try:
            return check(name, value, *args, **kwargs)
        except InputError as exc:
            if exc.field is None:
                exc.field = field if field is not None else (name if str(name).isidentifier() else None)
            raise
    return checked


def _show(value) -> str:
    if np.ndim(value) == 0:
        try:
            v = float(value)
        except OverflowError:  # an integer past any float: its size, not 40 of its digits (API review 2026-11-29)
            return f"an integer of {len(str(abs(int(value)))):,} digits" if isinstance(value, numbers.Integral) \
                else "a number past 1.8 × 10³⁰⁸"
        except (TypeError, ValueError):
            return repr(value)[:40]
        if math.isnan(v):
            return "NaN"
        return repr(int(v)) if v.is_integer() and abs(v) < WHOLE_DIGITS_LIMIT else exact(v)  # "0", not "0.0", for a count
    return "an array with out-of-range values"


def _as_array(name, value) -> np.ndarray:
    """A float array of ``value`` (one number or an array of them), or InputError."""
    if isinstance(value, (str, bytes)):
        raise InputError(f"{name} must be a number, got text {str(value)[:40]!r}")
    if isinstance(value, (bool, np.bool_)) or value is None:
        raise InputError(f"{name} must be a number, got {value!r}")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError) as exc:
        raise InputError(f"{name} must be a number, got {repr(value)[:40]}") from exc
    return arr


def is_real_number(value) -> bool:
    """A real number of any type (int, float, a numpy scalar, a Fraction, a Decimal), not a bool: a True
    given for a count is a mistake, not 1."""
    # a numpy time span or date is no number, though numpy's timedelta64 is a signed integer's subclass (parity review
    # 2026-12-03: devices=np.timedelta64(2, 's') was a TypeError inside the checks)
    return (isinstance(value, (numbers.Real, Decimal)) or (isinstance(value, np.number) and np.isrealobj(value))) \
        and not isinstance(value, (bool, np.bool_, np.timedelta64, np.datetime64))


def plain_number(value):
    """``value`` as the arithmetic and the text take it: a real number of another type than int or float (a
    Fraction, a Decimal, a numpy scalar) as a float (a whole numpy integer as an int); anything else as it
    is, for the checks to refuse by name (audit: a Fraction of parameters was a TypeError while formatting)."""
    if type(value) in (int, float) or not is_real_number(value):
        return value
    if isinstance(value, Decimal) and value.is_nan():  # a signalling NaN raises on any comparison: a NaN, refused as one
        return math.nan
    if isinstance(value, (numbers.Integral, np.integer)):
        return int(value)
    try:
        return float(value)
    except (OverflowError, ValueError, TypeError):  # beyond a float: the bound checks refuse it as it is
        return value


@_names_field
def as_number(name, value) -> float:
    """One real number (``is_real_number``: an int, float, numpy scalar, Fraction or Decimal), as a float;
    InputError otherwise."""
    if not is_real_number(value):
        raise InputError(f"{name} must be a number, got {repr(value)[:40]}")
    try:
        return float(value)
    except OverflowError:  # finite, but past any float (second diff review 2026-11-29: "not finite")
        raise InputError(f"{name} is too large, got {_show(value)}") from None
    except (ValueError, TypeError):
        raise InputError(f"{name} must be a finite number, got {_show(value)}") from None


def _require_finite_from_zero(name, value, zero_ok: bool):
    arr = _as_array(name, value)
    # one pass each: NaN fails both comparisons, +inf fails the second
    if not (((arr >= 0) if zero_ok else (arr > 0)).all() and (arr < np.inf).all()):
        if not np.isfinite(arr).all():
            raise InputError(f"{name} must be a finite number, got {_show(value)}")
        raise InputError(f"{name} must be {'0 or more' if zero_ok else 'greater than 0'}, got {_show(value)}")
    return value


@_names_field
def require_positive(name, value):
    return _require_finite_from_zero(name, value, zero_ok=False)


@_names_field
def require_non_negative(name, value):
    return _require_finite_from_zero(name, value, zero_ok=True)


@_names_field
def require_fraction(name, value):
    """In (0, 1]: utilisation and similar shares."""
    arr = _as_array(name, value)
    if not ((arr > 0).all() and (arr <= 1).all()):
        raise InputError(f"{name} must be in (0, 1], got {_show(value)}")
    return value


@_names_field
def require_in(name: str, value, bound: Bound):
    """``value`` (a number or an array) is finite, inside ``bound`` and whole if it must be."""
    if isinstance(value, numbers.Integral) and is_real_number(value) and abs(value) > sys.float_info.max:
        # an integer past any float is out of its bound, not "not finite" (API review 2026-11-29)
        raise InputError(f"{name} must be {bound.describe()} ({bound.source}), got {_show(value)}")
    arr = _as_array(name, value)
    if not np.isfinite(arr).all():
        raise InputError(f"{name} must be a finite number, got {_show(value)}")
    low_ok = (arr > bound.low) if bound.low_open else (arr >= bound.low)
    if not (low_ok.all() and (arr <= bound.high).all()):
        raise InputError(f"{name} must be {bound.describe()} ({bound.source}), got {_show(value)}")
    if bound.low == 0 and ((arr > 0) & (arr < SMALLEST_NONZERO)).any():
        # an open bound at 0 too (API review 2026-11-30: an acceptance of 5e-324 was taken)
        raise InputError(f"{name} must be {'' if bound.low_open else '0 or '}at least {gfmt(SMALLEST_NONZERO)} (a smaller "
                         "value is an underflow or a typo, and the arithmetic on it is not meaningful), got "
                         f"{_show(value)}")
    if bound.whole and not (arr == np.floor(arr)).all():
        raise InputError(f"{name} must be a whole number, got {_show(value)}")
    return value


@_names_field
def require_number_in(name: str, value, bound: Bound) -> float:
    """One number inside ``bound``, as a float (``require_whole`` gives the int of a whole-number bound)."""
    if isinstance(value, numbers.Integral) and is_real_number(value) and abs(value) > sys.float_info.max:
        require_in.__wrapped__(name, value, bound)  # out of its bound, said so (not "not finite")
    x = as_number.__wrapped__(name, value)  # the undecorated checks: the outer one names the field
    require_in.__wrapped__(name, x, bound)
    return x


@_names_field
def require_whole(name: str, value, bound: Bound) -> int:
    """One whole number inside ``bound``, as an int: the one check of devices, years, batch sizes,
    layers and the like (a bool, 2.5 or 1e400 is refused)."""
    x = require_number_in.__wrapped__(name, value, bound)
    if x != math.floor(x):
        raise InputError(f"{name} must be a whole number, got {_show(x)}")
    return int(x)


def require_pue(value):
    from estimator.core.base.bounds import PUE
    return require_in("PUE", value, PUE, field="pue")


def require_finite_result(name: str, value) -> None:
    """A computed result must be a finite number: an overflow means the inputs were too large
    together, even if each was within its bound."""
    if value is None:
        return
    arr = np.asarray(value, dtype=float)
    if not np.isfinite(arr).all():
        raise InputError(f"the {name} overflows (beyond {gfmt(np.finfo(float).max, 3)}): the inputs are too large "
                         "together; reduce the workload, the devices or the price")


# How alike a typo and a name must be for a refusal to suggest the name (difflib's ratio: 'devcies' and 'devices'
# 0.86, 'preset' and 'preset_id' 0.8; 'origins' and 'region' 0.62 are no typo): a design choice.
NEAR = 0.75


def refuse_unknown(given, accepted) -> None:
    """Refuse the first of ``given`` that is none of the ``accepted`` names, by name, with the nearest one ("unknown
    input 'devcies'; did you mean 'devices'?") or, where none is near, every one: a typo is never a TypeError, nor a
    silent default. One home for the words: the services' keyword checks, ``Scenario`` and ``sweep`` use it."""
    import difflib
    names = tuple(accepted)
    for name in given:
        if name not in names:
            near = difflib.get_close_matches(str(name), names, n=1, cutoff=NEAR)
            raise InputError(f"unknown input {name!r}; " + (f"did you mean {near[0]!r}?" if near else
                                                             f"the inputs are {', '.join(sorted(names))}"), field=str(name))
