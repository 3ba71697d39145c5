"""Axis labels for people, as Vega ``labelExpr`` expressions (pure text, no Streamlit): numbers
as people read them, SI units, powers of ten with superscripts. ``charts`` uses them."""

from __future__ import annotations

from estimator.core.base import units
from estimator.report import humanize as hz

# Axis labels for people: 0.5, 10, 1,000, 2.5M, 3B, 1T (never d3's SI "100m" for 0.1 or "1G"),
# with an optional unit before ("$") or after; beyond a thousand trillion, powers of ten.
_SUPER = [("0", "⁰"), ("1", "¹"), ("2", "²"), ("3", "³"), ("4", "⁴"), ("5", "⁵"), ("6", "⁶"), ("7", "⁷"),
          ("8", "⁸"), ("9", "⁹"), ("-", "⁻")]


def _superscript(expr: str) -> str:
    """Every digit of ``expr`` as a superscript (a global regular expression: Vega's ``replace``
    with a string pattern replaces the first match only, which drew 10¹¹ as "10¹1")."""
    for digit, sup in _SUPER:
        expr = f"replace({expr}, /{digit}/g, '{sup}')"
    return expr


def _pow10(value: str) -> str:
    """A Vega expression: ``value`` (an expression) as its nearest power of ten, 10⁵."""
    return "'10' + " + _superscript(f"format(round(log(abs({value})) / LN10), 'd')")


POW10 = _pow10("datum.value")


# The short scale's letters an axis uses (humanize.SHORT_SCALE): M, B and T; below a million the number is
# written out ("1,000", "250,000"), as count() writes it.
SHORT_SCALE_LETTERS = tuple((factor, letter) for factor, _, letter in hz.SHORT_SCALE if factor >= 1e6)


def _vega_number(x: float) -> str:
    """``x`` as a Vega expression's number literal, short: 1e12, 1e9 (Python's :g writes "1e+12", "1e+09")."""
    mantissa, _, exponent = f"{x:g}".partition("e")
    return f"{mantissa}e{int(exponent)}" if exponent else mantissa


def human_labels(prefix: str = "", suffix: str = "", linear: bool = False) -> str:
    """A Vega labelExpr: numbers as people read them, with ``prefix`` and ``suffix`` ("$", " days"). Below
    10⁻³ a log axis's ticks are powers of ten and read as such; a ``linear`` axis's (0.0002, 0.0004…) are
    written out (browser audit: rounded to powers of ten they read "10⁻⁴, 10⁻³, 10⁻³")."""
    v = "abs(datum.value)"
    small = "format(datum.value, '~g')" if linear else POW10
    body = f"{v} >= 1 || {v} == 0 ? format(datum.value, ',~g') : {v} >= 1e-3 ? format(datum.value, '~g') : {small}"
    for factor, letter in reversed(SHORT_SCALE_LETTERS):
        body = f"{v} >= {_vega_number(factor)} ? format(datum.value / {_vega_number(factor)}, '~g') + '{letter}' : {body}"
    body = f"{v} >= {_vega_number(hz.WORDS_UP_TO)} ? {POW10} : {body}"
    return f"'{prefix}' + ({body}) + '{suffix}'"


# SI prefixes for axis labels in a unit: display prefixes, as the tables of estimator/report/humanize.py
# (1 kW, 1 MW, 1 GW: never "1M W" nor "1B W").
SI_PREFIXES = tuple((f, p) for f, p in units.SI_PREFIXES if 1e3 <= f <= 1e12)  # k … T
FLOPS_PREFIXES = tuple((f, p) for f, p in units.SI_PREFIXES if 1e3 <= f <= 1e15)  # k … P: a 2024 GPU reaches PFLOP/s


def si_labels(unit: str, prefixes=SI_PREFIXES) -> str:
    """A Vega labelExpr in one style across the axis: ``unit`` with SI prefixes, "1 W", "10 kW", "1 MW",
    "100 TW"; from a thousand of the largest prefix up, powers of ten of it ("10³ TW", as
    ``humanize`` writes such numbers); below 1, decimals ("0.5 W") down to 10⁻³, then powers of ten."""
    v = "abs(datum.value)"
    expr = (f"{v} >= 1 || {v} == 0 ? format(datum.value, '~g') + ' ' : "
            f"{v} >= 1e-3 ? format(datum.value, '~g') + ' ' : {POW10} + ' '")
    for factor, name in reversed(prefixes):
        expr = f"{v} >= {factor:g} ? format(datum.value / {factor:g}, '~g') + ' {name}' : {expr}"
    top, name = prefixes[0]
    expr = f"{v} >= {top * hz.NEXT_PREFIX:g} ? {_pow10(f'datum.value / {top:g}')} + ' {name}' : {expr}"
    return f"({expr}) + '{unit}'"


POWER_LABELS = si_labels("W")
FLOPS_PER_S_LABELS = si_labels("FLOP/s", FLOPS_PREFIXES)


def pow10_labels() -> str:
    """A Vega labelExpr for log axes spanning many decades: 10⁵, 10²³."""
    return POW10
