"""Numbers for people: `355 years`, `1.29 GWh`, `552 t CO₂e`, `$4.6M`."""

from __future__ import annotations

import math

from estimator.core.units import G_PER_KG, S_PER_DAY, S_PER_HOUR, S_PER_MINUTE, S_PER_YEAR

SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
# Number words for people, up to where they stop helping (then powers of ten).
WORDS = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))
WORDS_UP_TO = 1e15
# sci() writes numbers from 1 up to 10**PLAIN_UP_TO_EXP plainly (1, not 10⁰).
PLAIN_UP_TO_EXP = 3
# Past this many of a table's largest unit (the next SI prefix), _scaled() writes powers of ten:
# 3.66 × 10⁶ TWh, never "3,660,000 TWh".
NEXT_PREFIX = 1e3


def sci(x: float, digits: int = 3) -> str:
    """3.14 × 10²³: powers of ten as people write them (not 3.14e+23)."""
    if x is None:
        return "n/a"
    if x == 0 or not math.isfinite(x):
        return f"{x:g}"
    exp = math.floor(math.log10(abs(x)))
    mant = round(x / 10 ** exp, digits - 1)
    if abs(mant) >= 10:  # 9.995 rounds up to 10.0
        mant, exp = mant / 10, exp + 1
    if 0 <= exp < PLAIN_UP_TO_EXP:  # 1, 50, 123: a power of ten would only hide a small number
        return _trim(f"{mant * 10 ** exp:.{max(digits - 1 - exp, 0)}f}")
    m = _trim(f"{mant:.{digits - 1}f}")
    power = f"10{str(exp).translate(SUPERSCRIPT)}"
    return power if m == "1" else f"{m} × {power}"


def _trim(text: str) -> str:
    """1.50 → 1.5, 2.00 → 2: no trailing zeros after a decimal point."""
    return text.rstrip("0").rstrip(".") if "." in text else text


def magnitude(x: float) -> str:
    """The nearest power of ten, for a headline: 1.06e5 → 10⁵."""
    return f"10{str(round(math.log10(abs(x)))).translate(SUPERSCRIPT)}"


def sig(x: float, digits: int = 3) -> str:
    """x rounded to `digits` significant figures, with thousands separators: 355, 1.29, 12,300."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if x == 0:
        return "0"
    magnitude_ = math.floor(math.log10(abs(x)))
    if abs(x) >= 1e15 or abs(x) < 1e-4:
        return sci(x, digits)
    decimals = digits - 1 - magnitude_
    rounded = round(x, decimals)
    return f"{rounded:,.{max(decimals, 0)}f}"


def count(x: float, digits: int = 3) -> str:
    """Counts for people: 6,450; 3.12 million; 6.07 trillion; then 1.2 × 10¹⁸."""
    if x is None:
        return "n/a"
    if abs(x) < 1e6:
        if float(x).is_integer():
            return f"{int(x):,}"
        return sig(x, digits) if abs(x) < 1e3 else f"{round(x, digits - 1 - math.floor(math.log10(abs(x)))):,.0f}"
    if abs(x) >= WORDS_UP_TO:
        return sci(x, digits)
    for factor, word in WORDS:
        if abs(x) >= factor:
            return f"{sig(x / factor, digits)} {word}"
    return sig(x, digits)


def times(x: float, digits: int = 3) -> str:
    """A multiplier: 15,000×, 1.06 × 10⁵×."""
    if x is None:
        return "n/a"
    return f"{sci(x, digits)}×" if abs(x) >= 1e5 else f"{count(x, digits)}×"


def duration(seconds: float) -> str:
    if seconds is None:
        return "n/a"
    if seconds < S_PER_MINUTE:
        return f"{sig(seconds)} s"
    if seconds < S_PER_HOUR:
        return f"{sig(seconds / S_PER_MINUTE)} min"
    if seconds < 2 * S_PER_DAY:
        return f"{sig(seconds / S_PER_HOUR)} hours"
    if seconds < S_PER_YEAR:
        return f"{sig(seconds / S_PER_DAY)} days"
    return f"{count(seconds / S_PER_YEAR)} years"


# The suffix tables below (1e3 … 1e12) are SI display prefixes (k, M, G, T), not unit conversions.
def _scaled(value: float, units: list[tuple[float, str]], digits: int = 3,
            beyond: tuple[float, str] | None = None) -> str:
    """``value`` in the largest unit it reaches; past ``NEXT_PREFIX`` of the largest unit, in
    powers of ten of ``beyond`` (default: the largest unit)."""
    top_factor, _ = units[0]
    if abs(value / top_factor) >= NEXT_PREFIX:
        factor, name = beyond or units[0]
        return f"{sci(value / factor, digits)} {name}"
    for factor, name in units:
        if abs(value) >= factor:
            return f"{sig(value / factor, digits)} {name}"
    factor, name = units[-1]
    return f"{sig(value / factor, digits)} {name}"


def energy(kwh: float) -> str:
    if kwh is None:
        return "n/a"
    return _scaled(kwh, [(1e9, "TWh"), (1e6, "GWh"), (1e3, "MWh"), (1.0, "kWh"), (1e-3, "Wh")])


def power(watts: float) -> str:
    return _scaled(watts, [(1e12, "TW"), (1e9, "GW"), (1e6, "MW"), (1e3, "kW"), (1.0, "W")])


def co2e(kg: float) -> str:
    if kg is None:
        return "n/a"
    if kg < 1:
        return f"{sig(kg * G_PER_KG)} g CO₂e"
    return _scaled(kg, [(1e9, "Mt"), (1e6, "kt"), (1e3, "t"), (1.0, "kg")]) + " CO₂e"


def co2e_short(kg: float) -> str:
    return co2e(kg).replace(" CO₂e", "")


def money(usd: float | None) -> str:
    """Two significant figures: an estimate is worth no more."""
    if usd is None:
        return "n/a"
    if usd >= 1e15:  # past "$1000T" a suffix stops helping
        return f"${sci(usd, 2)}"
    for factor, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if usd >= factor:
            return f"${sig(usd / factor, 2)}{suffix}"
    return f"${sig(usd, 2)}"


def water(litres: float | None) -> str:
    """Litres, as m³ (1,000 L) and beyond once large: 1.2 million L reads 1,200 m³; past a
    thousand million m³, powers of ten of m³ (1.48 × 10¹³ m³)."""
    if litres is None:
        return "n/a"
    m3 = (1e3, "m³")
    return _scaled(litres, [(1e9, "million m³"), (1e6, "thousand m³"), m3, (1.0, "L"), (1e-3, "mL")], beyond=m3)


def flops(x: float | None) -> str:
    return "n/a" if x is None else f"{sci(x) if x >= 1e6 else sig(x)} FLOPs"


def device_hours(h: float) -> str:
    return f"{count(h)} device-hours"


def number(x: float, digits: int = 3) -> str:
    if x is None:
        return "n/a"
    if x != 0 and (abs(x) >= 1e6 or abs(x) < 1e-3):
        return count(x, digits) if 1e6 <= abs(x) < WORDS_UP_TO else sci(x, digits)
    return sig(x, digits)


FORMATTERS = {
    "flops": flops,
    "wall_clock_s": duration,
    "device_hours": device_hours,
    "energy_kwh": energy,
    "co2e_kg": co2e,
    "cost_usd": money,
    "embodied_co2e_kg": co2e,
    "water_l": water,
}


def human(key: str, value) -> str:
    return FORMATTERS[key](value)


def human_range(key: str, low, high) -> str:
    if low is None or high is None:
        return "n/a"
    return f"{human(key, low)} – {human(key, high)}"
