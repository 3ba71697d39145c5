"""Numbers as people write them, shared by the core's own notes and ``estimator.report.humanize``:
powers of ten (3.14 × 10²³, never 3.14e+23) and significant figures. Pure."""

from __future__ import annotations

import math

SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
# sci() writes numbers from 1 up to 10**PLAIN_UP_TO_EXP plainly (1, not 10⁰).
PLAIN_UP_TO_EXP = 3
# gfmt() writes whole numbers from 10**COMMAS_FROM_EXP (not years) below 10**COMMAS_UP_TO_EXP with thousands commas
# (12,300), larger ones as powers of ten (10⁶ and up: "1.2 × 10⁶" reads at a glance, "1,200,000" must be counted).
COMMAS_FROM_EXP, COMMAS_UP_TO_EXP = 4, 6

# Whole counts below a million written in full with thousands separators, as the report layer's
# humanize.count and humanize.whole write them (the core cannot import the report layer): the CLI's table
# read "largest that fits: 17,472" beside a note's "is 17472" (inference audit).
COUNT_IN_FULL_BELOW = 1e6


def sci(x: float, digits: int = 3, trim: bool = True) -> str:
    """3.14 × 10²³: powers of ten as people write them (not 3.14e+23). ``trim=False`` keeps the
    trailing zeros of the mantissa (4.0 × 10⁻⁷, 1.0 × 10⁻⁶), as money does."""
    if x is None:
        return "n/a"
    if x == 0 or not math.isfinite(x):
        return f"{x:g}"
    # Python's own correctly rounded mantissa and exponent (9.9996 → 1.00e+01; 1.835e15 → 1.84, as :.3g writes
    # it: dividing by 10**exp first gave 1.8349… → 1.83)
    m_text, e_text = f"{x:.{max(digits - 1, 0)}e}".split("e")
    mant, exp = float(m_text), int(e_text)
    if 0 <= exp < PLAIN_UP_TO_EXP:  # 1, 50, 123: a power of ten would only hide a small number
        return _trim(f"{mant * 10 ** exp:.{max(digits - 1 - exp, 0)}f}")
    m = f"{mant:.{digits - 1}f}"
    m = _trim(m) if trim else m
    power = f"10{str(exp).translate(SUPERSCRIPT)}"
    return f"{'-' if m.startswith('-') else ''}{power}" if m.lstrip("-") == "1" else f"{m} × {power}"


def gfmt(x: float, digits: int = 6) -> str:
    """Python's ``:.{digits}g`` (``:g`` at the default 6), but never its e-notation, and a whole number from
    10⁴ up to 10⁶ (as rounded) with thousands commas: 12,300 and 131,072, where :g writes 1.23e+04 and 131072;
    3.14 × 10²³ where it writes 3.14e+23 (audit: notes read "N = 7e+10", "shape: 1.75e+11 parameters",
    "weights 2e+03 GB"). Years and other numbers below 10⁴ stay as :g writes them (2024)."""
    if not math.isfinite(x) or x == 0:
        return f"{x:.{digits}g}"
    shown = float(f"{x:.{max(digits - 1, 0)}e}")  # x as :g rounds it (999999.5 → 1e+06)
    text = f"{x:.{digits}g}"
    if 10 ** COMMAS_FROM_EXP <= abs(shown) < 10 ** COMMAS_UP_TO_EXP and shown.is_integer():
        return f"{shown:,.0f}"
    if "e" not in text:
        return text
    if 1 <= abs(shown) < 10 ** COMMAS_UP_TO_EXP:
        return f"{shown:,.0f}"
    return sci(x, digits)


def count_text(x: float, digits: int = 6) -> str:
    """A count: a whole number below a million with thousands separators (1,200; 17,472; 338), anything
    else as ``gfmt(x, digits)`` writes it (161.31, 2 × 10⁹). A step's 2,048 tokens are 2,048 beside its
    "1 × 2,048", never 2,050 (planner review 2026-11-28)."""
    if float(x).is_integer() and abs(x) < COUNT_IN_FULL_BELOW:
        return f"{int(x):,}"
    return gfmt(x, digits)


def as_typed(x: float) -> str:
    """A figure the user typed, echoed so that it reads back as the same number: a whole number below a million with
    thousands separators (8,191), else in the fewest significant digits that read back as ``x``, as ``gfmt`` writes
    them (1.5 × 10¹³, 1234567, 1.23456789 × 10¹²) (planner review 2026-11-28, second: 8,191 had read "8,190", 16,383
    "16,400", and 1,234,567 "1.23457 × 10⁶")."""
    if float(x).is_integer() and abs(x) < COUNT_IN_FULL_BELOW:
        return f"{int(x):,}"
    for digits in range(1, 18):
        if math.isfinite(x) and float(f"{x:.{digits - 1}e}") == x:
            return gfmt(x, digits)
    return exact(x)


def exact(x: float) -> str:
    """``x`` with every digit Python's ``repr`` keeps (the shortest text that reads back as ``x``), but its
    e-notation as a power of ten: 1e+40 → 10⁴⁰, 1.5e-07 → 1.5 × 10⁻⁷ (CLI audit: a refusal echoed
    "got 1e+40" beside its bound's "10³²"). For a value echoed back exactly, as a refusal does."""
    text = repr(float(x))
    if "e" not in text or not math.isfinite(x):
        return text
    m, e = text.split("e")
    power = f"10{str(int(e)).translate(SUPERSCRIPT)}"
    return f"{'-' if m.startswith('-') else ''}{power}" if m.lstrip("-") == "1" else f"{m} × {power}"


def rounded(x: float, digits: int = 3) -> float:
    """``x`` as it prints at ``digits`` significant figures (0.99999 → 1.0): every formatter picks its
    unit, word or notation from this, never from the raw value, so a rounding that reaches the next
    unit moves to it ("1.00 kWh", never "1,000 Wh")."""
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, digits - 1 - math.floor(math.log10(abs(x))))


def _trim(text: str) -> str:
    """1.50 → 1.5, 2.00 → 2: no trailing zeros after a decimal point."""
    return text.rstrip("0").rstrip(".") if "." in text else text
