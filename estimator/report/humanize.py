"""Numbers for people: `355 years`, `1.29 GWh`, `552 t CO₂e`, `$4.6M`."""

from __future__ import annotations

import math

# powers of ten and significant figures have their home in the core (its notes use them too)
from estimator.core.base.number_text import SUPERSCRIPT, _trim, gfmt, rounded, sci  # noqa: F401
from estimator.core.base.units import (
    G_PER_KG,
    KG_PER_T,
    KWH_PER_MWH,
    KWH_PER_TWH,
    L_PER_M3,
    ML_PER_L,
    MS_PER_S,
    S_PER_DAY,
    S_PER_HOUR,
    S_PER_MINUTE,
    S_PER_YEAR,
    SI_PREFIXES,
    T_PER_KT,
    T_PER_MT,
    WH_PER_KWH,
)

# The short scale, the one table of number words and their one-letter suffixes (largest first): count()'s
# words, money()'s suffixes and the app's axis labels (app_pages/ui/axis_labels.py) are read from it.
SHORT_SCALE = ((1e12, "trillion", "T"), (1e9, "billion", "B"), (1e6, "million", "M"), (1e3, "thousand", "k"))
# Number words for people, from a million up to where they stop helping (then powers of ten).
WORDS = tuple((factor, word) for factor, word, _ in SHORT_SCALE if factor >= 1e6)
WORDS_UP_TO = 1e15
# Money's suffixes: "$1.2k" … "$4.6T", up to WORDS_UP_TO too.
MONEY_SUFFIXES = tuple((factor, suffix) for factor, _, suffix in SHORT_SCALE)
# Past this many of a table's largest unit (the next SI prefix), _scaled() writes powers of ten:
# 3.66 × 10⁶ TWh, never "3,660,000 TWh".
NEXT_PREFIX = 1e3
# Mass steps past the tonne for CO₂e (SI prefixes on the tonne) and the millilitre for water: display units
THOUSAND, MILLION = 1e3, 1e6  # number words ("1.20 thousand m³")


def magnitude(x: float) -> str:
    """The nearest power of ten, for a headline: 1.06e5 → 10⁵."""
    return f"10{str(round(math.log10(abs(x)))).translate(SUPERSCRIPT)}"


def sig(x: float, digits: int = 3) -> str:
    """x rounded to `digits` significant figures, with thousands separators: 355, 1.29, 12,300."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if x == 0:
        return "0"
    r = rounded(x, digits)
    if not math.isfinite(r) or abs(r) >= 1e15 or abs(r) < 1e-4:
        return sci(x, digits)
    # the decimals follow the rounded value: 0.99999 → "1.00", not "1.000"; 9.9996 → "10.0"
    decimals = digits - 1 - math.floor(math.log10(abs(r)))
    return f"{round(x, decimals):,.{max(decimals, 0)}f}"


# A query's token lengths to five figures: a benchmark's mean output (MLPerf's gpt-oss-120b: 1,278.2 tokens) read
# "1,280" at three, not the length used (serving-engineer review 2026-11-29)
QUERY_TOKEN_DIGITS = 5


def query_tokens(x: float) -> str:
    """A query's prompt or output tokens as the rows say them: "5,000", "2,000,000" (a whole count whole: diff review
    2026-11-29, "2.0000 million"), "1,278", "144.84"."""
    return f"{int(x):,}" if float(x).is_integer() else count(x, QUERY_TOKEN_DIGITS)


def count(x: float, digits: int = 3) -> str:
    """Counts for people: 6,450; 3.12 million; 6.07 trillion; then 1.2 × 10¹⁸."""
    if x is None:
        return "n/a"
    r = rounded(x, digits)
    if abs(x) < MILLION and (float(x).is_integer() or abs(r) < MILLION):  # 999,999.7 rounds to "1.00 million"
        if float(x).is_integer():
            return f"{int(x):,}"
        return sig(x, digits) if abs(r) < 1e3 else f"{r:,.0f}"
    if abs(r) >= WORDS_UP_TO:
        return sci(x, digits)
    for factor, word in WORDS:
        if abs(rounded(x / factor, digits)) >= 1:
            return f"{sig(x / factor, digits)} {word}"
    return sig(x, digits)


def whole(n: int | float) -> str:
    """An exact count, every digit with thousands separators: 1,234,567 devices, never "1.23 million"
    (a count of devices is an input, not an estimate to round)."""
    if n is None:
        return "n/a"
    return f"{int(n):,}" if float(n).is_integer() else count(n)


def noun(number_text: str, singular: str, plural: str | None = None) -> str:
    """A printed number and its noun, which is singular only when the number reads exactly "1":
    "1 year", "1 device-hour"; "1.5 years", "1.00 hours", "0 devices"."""
    return f"{number_text} {singular if number_text == '1' else (plural or singular + 's')}"


def queries_until(q: float) -> str:
    """When serving outgrows training, for people: "3.12 million queries"; with training cheaper
    than one query, "the first query (training costs 2.6 × 10⁻¹⁵ of one)", never a fraction of a query."""
    if q >= 1:
        return noun(count(q), "query", "queries")
    return f"the first query (training costs {count(q)} of one)"


def percent(x: float, decimals: int = 0, signed: bool = False) -> str:
    """A fraction as a percentage, "-18%", and with ``signed`` a "+" on gains, "+4%". A value that
    rounds to zero prints "0%" (or "0.0%"), never "-0%" nor "+0%": zero has no sign."""
    if x is None or math.isnan(x):
        return "n/a"
    text = f"{x:{'+' if signed else ''}.{decimals}%}"
    zero = f"{0:.{decimals}%}"
    return zero if text.lstrip("+-") == zero else text  # -0.004 → "0%": "-0%" and "+0%" read as a direction


# A share below this fraction (0.001%) reads "under 0.001%": its digits would only be counted (issue 55:
# "4.66 × 10⁻⁶%", "0.0% of the fp32 peak").
SHARE_FLOOR = 1e-5


def share(x: float | None, decimals: int | None = None) -> str:
    """A fraction as a percentage for people. With ``decimals``, that many ("38.2%"); without, three significant
    figures ("0.0466%", "12.3%"). A share too small for its decimals shows its first figure ("0.004%", never
    "0.0%" for a share that is not zero), one below 0.001% reads "under 0.001%" (never "4.66 × 10⁻⁶%"), and
    zero "0%". A negative share too small to show prints "0%", as ``percent`` writes it (zero has no sign)."""
    if x is None or math.isnan(x):
        return "n/a"
    if abs(x) < SHARE_FLOOR:
        return "under 0.001%" if x > 0 else percent(0.0, decimals or 0)
    if decimals is None:
        if not (x < 1 and sig(100 * x) == "100"):
            return f"{sig(100 * x)}%"
        figures = next((d for d in range(4, 7) if sig(100 * x, d) != sig(100.0, d)), None)
        return f"{sig(100 * x, figures)}%" if figures is not None else f"over {sig(100 * (1 - 1e-6), 6)}%"
    if 1 > x and percent(x, decimals) == percent(1.0, decimals):
        # a share short of the whole never reads as all of it (input fuzz 2026-12-01: a saving of 99.84% read "100%"):
        # the decimals it needs, up to three, else "over 99.999%"
        for more in range(decimals + 1, decimals + 4):
            if percent(x, more) != percent(1.0, more):
                return percent(x, more)
        return f"over {percent(1 - 10 ** -(decimals + 5), decimals + 3)}"
    if abs(100 * x) >= 10 ** -decimals:
        return percent(x, decimals)
    return f"{sig(100 * x, 1)}%"


def per_million_money(usd: float) -> bool:
    """Whether a sum per one thing is written per million of them (`money_per`; the Inference page's cost per query):
    below a hundredth of a cent once rounded as `money` rounds it."""
    return usd != 0 and abs(rounded(usd, MONEY_DIGITS)) < MONEY_PLAIN_FROM


def money_per(usd: float | None, per: str = "query", pers: str = "queries", more: str = "") -> str:
    """Money per something, as one reads it: "$0.0094 per query"; a sum below a hundredth of a cent per one as
    per million ("$3.8 per million queries", never "$3.8 × 10⁻⁶ per query"). ``more`` goes between the amount and
    "per" ("less": "$0.0012 less per query")."""
    if usd is None:
        return f"n/a{' ' + more if more else ''} per {per}"
    between = f" {more}" if more else ""
    if per_million_money(usd):
        return f"{money(usd * MILLION)}{between} per million {pers}"
    return f"{money(usd)}{between} per {per}"


def signed_percent(x: float, decimals: int = 0) -> str:
    """A relative difference: "+12%", "-3%", and "0%" for one that rounds to zero (never "-0%")."""
    return percent(x, decimals, signed=True)


def with_unit(value: float, unit: str) -> str:
    """A figure with its unit for people, as the lecture's contrasts give them: power in W/kW/…/TW,
    energy in Wh/kWh/…, a fraction as a percentage (one below 0.001% as "1 part in 21.5 million"), a factor as "50,000×", anything else counted
    to 3 significant digits before its unit ("7,420 years"). The CLI's and the app's one home."""
    if unit == "W":
        return power(value)
    if unit == "kWh":
        return energy(value)
    if unit == "fraction":
        # a share too small for a percentage, as a part in so many (lecturer review 2026-11-29: GPT-3's 4.7 × 10⁻⁸ of a
        # year's world electricity read "under 0.001%", 200 × its size)
        return f"1 part in {count(1 / value)}" if 0 < value < SHARE_FLOOR else share(value)
    if unit == "×":
        return times(value)
    return f"{count(value)} {unit}"


def times(x: float, digits: int = 3) -> str:
    """A multiplier: 15,000×, 1.06 × 10⁵×."""
    if x is None:
        return "n/a"
    return f"{sci(x, digits)}×" if abs(rounded(x, digits)) >= 1e5 else f"{count(x, digits)}×"


# (unit in seconds, name, shown below this many seconds); the last unit has no limit. Each unit is
# kept while the value *as printed* stays below the limit: 59.9996 s reads "1.00 min", not "60.0 s".
DURATION_UNITS = ((1.0, "s", S_PER_MINUTE), (S_PER_MINUTE, "min", S_PER_HOUR), (S_PER_HOUR, "hours", 2 * S_PER_DAY),
                  (S_PER_DAY, "days", S_PER_YEAR))


def _duration_unit(seconds: float) -> float:
    """The seconds in the unit ``duration`` writes ``seconds`` in."""
    for unit, _, below in DURATION_UNITS:
        if seconds < below and rounded(seconds / unit) < below / unit:
            return unit
    return S_PER_YEAR


def _in_unit(seconds: float, unit: float) -> str:
    if unit == S_PER_YEAR:
        return noun(count(seconds / S_PER_YEAR), "year")
    return f"{sig(seconds / unit)} {next(name for u, name, _ in DURATION_UNITS if u == unit)}"


def duration(seconds: float) -> str:
    if seconds is None:
        return "n/a"
    return _in_unit(seconds, _duration_unit(seconds))


def years_or_duration(years: float) -> str:
    """A count of years from one up ("5,820 years", "1 year"), else the duration it is ("2.86 days"; lecturer review
    2026-11-29: a brain's "0.00783 years" for ResNet-50)."""
    return noun(count(years), "year") if years >= 1 else duration(years * S_PER_YEAR)


# A range's low end is written in its high end's unit where it is at least this share of one ("1.88 days – 2.78 days",
# not "45.0 hours – 2.78 days": plan review 2026-11-28); below, in its own ("10.0 min – 3.00 days"). A design choice.
SAME_UNIT_FROM = 0.1


# A range beside its figure is written in the figure's unit where both ends read well in it: the low end at least
# SAME_UNIT_FROM of one, the high end under this many ("46.0 hours (45.0 hours – 66.7 hours)", not "(1.88 days – 2.78
# days)" beside hours: code review 2026-11-28). A design choice.
SAME_UNIT_UP_TO = 1000


def duration_range(low: float, high: float, centre: float | None = None) -> tuple[str, str]:
    """A time range's two ends, in one unit where the low end reads well in the high end's ("n/a" for a missing end);
    with its figure (``centre``), in the figure's unit where both ends read well in it."""
    if low is None or high is None:
        return duration(low), duration(high)
    if centre is not None and centre > 0:
        unit = _duration_unit(centre)
        if low / unit >= SAME_UNIT_FROM and high / unit < SAME_UNIT_UP_TO:
            return _in_unit(low, unit), _in_unit(high, unit)
    unit = _duration_unit(high)
    if low / unit >= SAME_UNIT_FROM and _duration_unit(low) != unit:
        return _in_unit(low, unit), duration(high)
    return duration(low), duration(high)


# The tables below: energy, mass and volume step through the named conversions of
# estimator/core/base/units.py; power and throughput through SI prefixes (k, M, G, T, P, E) on one unit.
def _scaled(value: float, units: list[tuple[float, str]], digits: int = 3,
            beyond: tuple[float, str] | None = None) -> str:
    """``value`` in the largest unit it reaches; past ``NEXT_PREFIX`` of the largest unit, in
    powers of ten of ``beyond`` (default: the largest unit)."""
    top_factor, _ = units[0]
    if abs(rounded(value / top_factor, digits)) >= NEXT_PREFIX:
        factor, name = beyond or units[0]
        return f"{sci(value / factor, digits)} {name}"
    for factor, name in units:  # the unit the value reaches once rounded: 999.99 Wh is "1.00 kWh"
        if abs(rounded(value / factor, digits)) >= 1:
            return f"{sig(value / factor, digits)} {name}"
    factor, name = units[-1]
    return f"{sig(value / factor, digits)} {name}"


def energy(kwh: float) -> str:
    if kwh is None:
        return "n/a"
    return _scaled(kwh, [(KWH_PER_TWH, "TWh"), (KWH_PER_TWH / KWH_PER_MWH, "GWh"), (KWH_PER_MWH, "MWh"), (1.0, "kWh"),
                         (1 / WH_PER_KWH, "Wh")])


def _si(unit: str, largest: str, smallest: str = "") -> list[tuple[float, str]]:
    """``unit`` with the SI prefixes from ``largest`` down to ``smallest`` ("" for the bare unit)."""
    names = [p for _, p in SI_PREFIXES]
    return [(f, p + unit) for f, p in SI_PREFIXES[names.index(largest):names.index(smallest) + 1]]


def power(watts: float) -> str:
    return _scaled(watts, _si("W", "T"))


def approx(text: str) -> str:
    """A quoted round figure as quoted, without digits it never had: "1.00 MW" → "≈1 MW", "66.0 kW" → "≈66 kW"
    (lecturer review 2026-11-26: "1.00 MW" and "20.0 W" stood for a quoted ≈1 MW and ≈20 W)."""
    number, _, unit = text.partition(" ")
    if "." in number:
        number = number.rstrip("0").rstrip(".")
    return f"≈{number} {unit}".rstrip()


def token_time(seconds: float) -> str:
    """A time per token or per step: milliseconds below a second, then the duration in its own unit (66.9 s,
    not 66,900 ms), for the CLI and the app alike (code audit: the app wrote "66,900 ms")."""
    return f"{sig(seconds * MS_PER_S)} ms" if rounded(seconds) < 1 else duration(seconds)


def joules(j: float) -> str:
    """An energy in joules, in the SI unit it reaches: "0.420 J", "2.93 MJ"."""
    return _scaled(j, _si("J", "G", "m"))


def flops_rate(flops_per_s: float | None) -> str:
    """A throughput in the SI unit it reaches: "43.3 TFLOP/s", "7.07 MFLOP/s"."""
    if flops_per_s is None:
        return "n/a"
    return _scaled(flops_per_s, _si("FLOP/s", "E"))


def co2e(kg: float) -> str:
    if kg is None:
        return "n/a"
    if rounded(kg) < 1:
        return f"{sig(kg * G_PER_KG)} g CO₂e"
    # Gt = kt of Mt (SI giga = kilo × mega, exact), as energy steps on to TWh (audit: "1.58 × 10³ Mt CO₂e")
    return _scaled(kg, [(KG_PER_T * T_PER_MT * T_PER_KT, "Gt"), (KG_PER_T * T_PER_MT, "Mt"), (KG_PER_T * T_PER_KT, "kt"),
                        (KG_PER_T, "t"), (1.0, "kg")]) + " CO₂e"


def co2e_short(kg: float) -> str:
    return co2e(kg).replace(" CO₂e", "")


# Money to two significant figures: an estimate is worth no more (its 80% ranges span ×2 or more).
MONEY_DIGITS = 2
# Below a hundredth of a cent money() writes powers of ten (as sig() does); money_per() a sum per million instead.
MONEY_PLAIN_FROM = 1e-4


def money_within(usd: float, limit: float) -> str:
    """``money`` of a sum at most ``limit`` (a budget), with as many more figures as keep it from reading above it
    (researcher review 2026-11-30: "the budget $27.8M pays for: … $28M"); a sum above the limit as ``money``."""
    d = MONEY_DIGITS
    while usd <= limit and rounded(usd, d) > limit and d < MONEY_WITHIN_MAX_DIGITS:
        d += 1
    if usd <= limit and rounded(usd, d) > limit:  # closer to the limit than any figures show: said as under it
        return f"under {money(limit, d)}"
    return money(usd, d)


# The most figures a sum beside its limit takes to read under it (``money_within``): past eight, "under $X" instead
MONEY_WITHIN_MAX_DIGITS = 8


def budget_cost(usd: float, budget: float | None) -> str:
    """A plan's cost: beside a budget it meets, never rounded above it (``money_within``); else as ``human`` writes
    a cost. The CLI's and the Plan page's one wording."""
    return money_within(usd, budget) if budget is not None else human("cost_usd", usd)


def money(usd: float | None, digits: int = MONEY_DIGITS) -> str:
    """Two significant figures: an estimate is worth no more. Both are kept in powers of ten too
    ("$4.0 × 10⁻⁷" beside "$8.7 × 10⁻⁷"), and the suffix follows the rounded value ("$10k" for 9,999).
    ``digits``: more, for a range whose ends would read alike (``money_range``)."""
    if usd is None:
        return "n/a"
    d = digits
    r = rounded(usd, d)
    if r >= WORDS_UP_TO or 0 < abs(r) < MONEY_PLAIN_FROM:  # past "$1000T" a suffix stops helping; tiny sums as sig() writes them
        return f"${sci(usd, d, trim=False)}"
    for factor, suffix in MONEY_SUFFIXES:
        if rounded(usd / factor, d) >= 1:
            return f"${sig(usd / factor, d)}{suffix}"
    return f"${sig(usd, d)}"


def water(litres: float | None) -> str:
    """Litres, as m³ (1,000 L) and beyond once large, at most four digits before the point as every
    scaled unit: 1.2 million L reads 1.20 thousand m³, 2.47e11 L 247 million m³; past a thousand
    million m³, powers of ten of m³ (1.48 × 10¹³ m³)."""
    if litres is None:
        return "n/a"
    m3 = (L_PER_M3, "m³")
    return _scaled(litres, [(L_PER_M3 * MILLION, "million m³"), (L_PER_M3 * THOUSAND, "thousand m³"), m3, (1.0, "L"),
                            (1 / ML_PER_L, "mL")], beyond=m3)


def flops(x: float | None) -> str:
    return "n/a" if x is None else f"{sci(x) if rounded(x) >= 1e6 else sig(x)} FLOPs"


WHOLE_FROM = 1e3  # device-hours from here on are whole numbers: rounded to 3 figures, shown as such


def device_hours_number(h: float) -> str:
    """Three significant figures, as every estimate: 699,993 (hours × devices) reads "700,000"."""
    r = rounded(h)
    return count(r) if r >= WHOLE_FROM else count(h)


def device_hours(h: float) -> str:
    return noun(device_hours_number(h), "device-hour")


def number(x: float, digits: int = 3) -> str:
    if x is None:
        return "n/a"
    r = rounded(x, digits)
    if r != 0 and (abs(r) >= MILLION or abs(r) < 1e-3):
        return count(x, digits) if MILLION <= abs(r) < WORDS_UP_TO else sci(x, digits)
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


# A money range's ends take up to this many figures to differ (audit: "$2.2 range $2.2 – $2.2" for 2.17–2.23).
MONEY_RANGE_MAX_DIGITS = 4


def money_range_digits(low: float, high: float) -> int:
    """The figures a cost range's ends need to read apart (2, up to 4; 2 where they read alike at every width: no false
    precision)."""
    return next((d for d in range(MONEY_DIGITS, MONEY_RANGE_MAX_DIGITS + 1) if money(low, d) != money(high, d)),
                MONEY_DIGITS)


def money_range(low: float, high: float) -> tuple[str, str]:
    """A cost range's two ends, with as many figures as they need to read apart (2, up to 4)."""
    d = money_range_digits(low, high)
    return money(low, d), money(high, d)


def money_with_range(usd: float, low: float, high: float) -> tuple[str, str, str]:
    """A cost and its range's ends, all three with the figures the ends need to read apart (measuring engineer's
    review 2026-12-03: "$0.0011 predicted (80%: $0.001136–$0.001137)")."""
    d = money_range_digits(low, high)
    return money(usd, d), money(low, d), money(high, d)


# A sum a user gave (a budget) is echoed with the figures it was given in, up to this many.
MONEY_GIVEN_MAX_DIGITS = 6


def money_given(usd: float) -> str:
    """A sum the user gave, as given: the fewest figures (2 up to 6) that write it whole ("$2.85M" for 2.85e6, where
    ``money`` writes "$2.9M" for its two figures; planner review 2026-11-28)."""
    for d in range(MONEY_DIGITS, MONEY_GIVEN_MAX_DIGITS + 1):
        if rounded(usd, d) == usd:
            return money(usd, d)
    return money(usd, MONEY_GIVEN_MAX_DIGITS)


def money_apart(usd: float, other: float) -> str:
    """``usd`` with the figures it needs (2, up to 4) to read apart from ``other`` written as given (``money_given``):
    a cost over a budget of $2.85M reads "$2.88M", not "$2.9M" beside a "$2.9M" budget (planner review 2026-11-28)."""
    given = money_given(other)
    for d in range(MONEY_DIGITS, MONEY_RANGE_MAX_DIGITS + 1):
        if (text := money(usd, d)) not in (given, money(other, d)):
            return text
    return money(usd)


def range_ends(fmt, low: float, high: float, centre: float | None = None) -> tuple[str, str]:
    """A range's two ends as ``fmt`` writes them; a cost's with the figures they need to read apart; a time's in one
    unit (its figure's, ``centre``, where given and both ends read well in it: ``duration_range``)."""
    if fmt is money and low != high:
        return money_range(low, high)
    if fmt is duration:
        return duration_range(low, high, centre)
    return fmt(low), fmt(high)


def human_range(key: str, low, high, centre: float | None = None) -> str:
    if low is None or high is None:
        return "n/a"
    return " – ".join(range_ends(FORMATTERS[key], low, high, centre))


def plan_tokens_cell(tokens_per_s: float) -> str:
    """A plan table's tokens/s per device (`plan` and the Plan page): whole, with thousands separators, from 100 up;
    three significant figures below (researcher review 2026-11-27: 10,260, 9528 and 986.2 in one column)."""
    return f"{tokens_per_s:,.0f}" if tokens_per_s >= 100 else gfmt(tokens_per_s, 3)


def plan_memory_cell(gb: float, capacity_gb: float | None) -> str:
    """A plan table's GB per device (`plan` and the Plan page): one decimal, marked * above ``TIGHT_MEMORY_SHARE`` of
    the device's memory (researcher review 2026-11-29: the page showed 85.0 of 85.5 GB as any roomy row)."""
    from estimator.core.training.memory import is_tight
    return f"{gb:.1f}" + ("*" if capacity_gb and is_tight(gb, capacity_gb) else "")


def plan_days_cell(days: float) -> str:
    """A plan table's days (`plan` and the Plan page): one decimal from 100 days, three significant figures below
    (CLI review 2026-11-27: a run of one token read "0.0"; researcher review 2026-11-30: runs of 8.05 and 8.6 hours
    both read "0.3")."""
    if days >= 100:
        return f"{days:,.1f}"
    if days >= PLAN_DAYS_ZEROS_FROM:  # three figures, trailing zeros kept ("24.0" beside "23.6": consistency review
        return f"{days:#.3g}".rstrip(".")  # 2026-12-01, "24" had read as less precise than its column)
    return gfmt(days, 3)


PLAN_DAYS_ZEROS_FROM = 0.001  # below, powers of ten as gfmt writes them (a design choice: a run of under 90 s)
