"""Trends: a fixed workload gets cheaper, frontier compute grows much faster, memory lags.

Pure: growth rates (each with its source) and the arithmetic of exponential trends. The base
cost of a workload comes from ``estimator.core.training.estimate`` at the edge.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from estimator.core.base import bounds as B
from estimator.core.base import validation as v
from estimator.core.base.bounds import Bound
from estimator.core.base.errors import InputError
from estimator.core.base.number_text import gfmt, sci
from estimator.core.base.units import MONTHS_PER_YEAR
from estimator.laws import plausible as P

# FLOP/s per dollar of GPUs doubles every 2.46 years (95% CI 2.24–2.72), 470 GPUs released
# 2006–2021; 2.07 years (1.54–3.13) for the GPUs used in ML research (Hobbhahn & Besiroglu 2022,
# Epoch AI, "Trends in GPU Price-Performance", Table 1).
PRICE_PERF_DOUBLING_YEARS = 2.46
PRICE_PERF_DOUBLING_RANGE_YEARS = (2.24, 2.72)
PRICE_PERF_RANGE_LEVEL = 0.95  # that range is the paper's 95% confidence interval
PRICE_PERF_ML_GPU_DOUBLING_YEARS = 2.07
PRICE_PERF_SOURCE = "Hobbhahn & Besiroglu 2022, Epoch AI, \"Trends in GPU Price-Performance\", Table 1"
# Every FLOP/s-per-dollar doubling time of that Table 1 with the 95% confidence interval it states, and of
# what: a doubling time has a range only where the paper states one for it (audit: 2.07 years had been
# given the all-GPU interval scaled, 1.88–2.29, not the paper's 1.54–3.13).
PRICE_PERF_INTERVALS = {
    PRICE_PERF_DOUBLING_YEARS: (PRICE_PERF_DOUBLING_RANGE_YEARS, "all GPUs, n = 470"),
    PRICE_PERF_ML_GPU_DOUBLING_YEARS: ((1.54, 3.13), "GPUs used in ML research, n = 26"),
    2.95: ((2.54, 3.52), "the top GPUs of each time, n = 57"),
    2.30: ((1.69, 3.62), "FP16 FLOP/s per dollar, n = 91"),
}

# Compute of the largest training runs doubled every 3.4 months from 2012 to 2018
# (Amodei & Hernandez 2018, OpenAI, "AI and Compute"); about 2 years before 2012.
TRAINING_COMPUTE_DOUBLING_MONTHS = 3.4
TRAINING_COMPUTE_SOURCE = "Amodei & Hernandez 2018, OpenAI, \"AI and Compute\""
# Measured since: the training compute of notable models grew 4.6× a year from 2010 to 2024 (Epoch AI, data
# insight "The training compute of notable AI models is doubling roughly every five months", epoch.ai/data-insights/
# compute-trend-post-2010), "4-5x per year" by the fits of Sevilla & Roldán 2024, Epoch AI, "Training Compute of
# Frontier AI Models Grows by 4-5x per Year" (4× for the frontier since 2018), updating Sevilla et al. 2022,
# "Compute Trends Across Three Eras of Machine Learning", arXiv:2202.05924 (doubling every ≈6 months since 2010).
MEASURED_COMPUTE_GROWTH_PER_YEAR = 4.6
MEASURED_COMPUTE_GROWTH_RANGE_PER_YEAR = (4.0, 5.0)
MEASURED_COMPUTE_YEARS = "2010–24"
MEASURED_COMPUTE_SOURCE = ("Sevilla & Roldán 2024, Epoch AI, \"Training Compute of Frontier AI Models Grows by 4-5x per "
                           "Year\" (4.6× a year for notable models since 2010), updating Sevilla et al. 2022, "
                           "arXiv:2202.05924")

# Compute needed to reach AlexNet-level ImageNet accuracy halved every 16 months, 2012–2019
# (Hernandez & Brown 2020, "Measuring the Algorithmic Efficiency of Neural Networks", arXiv:2005.04305).
ALGORITHMIC_HALVING_MONTHS = 16.0
ALGORITHMIC_SOURCE = "Hernandez & Brown 2020, arXiv:2005.04305"

# The memory wall: over 20 years peak server FLOP/s grew 3.0× every 2 years, DRAM bandwidth
# 1.6× and interconnect bandwidth 1.4× (Gholami et al. 2024, "AI and Memory Wall", arXiv:2403.14123).
MEMORY_WALL_YEARS = 20  # the span those rates were measured over
MEMORY_WALL_PERIOD_YEARS = 2  # each rate's period ("every 2 years")
PEAK_FLOPS_GROWTH_PER_2Y = 3.0
DRAM_BANDWIDTH_GROWTH_PER_2Y = 1.6
INTERCONNECT_GROWTH_PER_2Y = 1.4
MEMORY_WALL_SOURCE = "Gholami et al. 2024, \"AI and Memory Wall\", arXiv:2403.14123"

# How far a trend table reaches: as far as its frontier-compute what-if stays physical. At a 3.4-month
# doubling, frontier compute grows 11.5× a year and passes ``plausible.MAX_COMPUTE_MULTIPLIER`` (≈1.1e29,
# a Sun-powered year at Landauer's limit over today's largest run) after 27.3 years, so 27 years
# (audit: a century, bounds.TREND_YEARS, printed frontier compute ×1.76 × 10¹⁰⁶ and GPT-3 at $7.1 × 10⁻²⁹).
MAX_YEARS = int(np.floor(np.log2(P.MAX_COMPUTE_MULTIPLIER) * TRAINING_COMPUTE_DOUBLING_MONTHS / MONTHS_PER_YEAR))
YEARS = Bound(1, MAX_YEARS, "years", "one year up to as many as frontier training compute, doubling every "
              f"{gfmt(TRAINING_COMPUTE_DOUBLING_MONTHS)} months, can grow without passing what a computer running on the "
              "Sun's whole output could do in a year", whole=True)

# Labels built from the figures above, so that text and numbers cannot drift apart. The
# training-compute trend was measured for 2012–2018 only: projections carry it forward as a
# what-if, and say so.
TRAINING_COMPUTE_LABEL = (f"frontier training compute ({gfmt(TRAINING_COMPUTE_DOUBLING_MONTHS)}-month doubling, "
                          "if the 2012–18 trend held)")
PEAK_FLOPS_LABEL = f"peak FLOP/s ({gfmt(PEAK_FLOPS_GROWTH_PER_2Y)}× / 2 years)"
PRICE_PERF_LABEL = f"hardware FLOP/s per $ (doubling every {gfmt(PRICE_PERF_DOUBLING_YEARS)} years)"
DRAM_BANDWIDTH_LABEL = f"DRAM bandwidth ({gfmt(DRAM_BANDWIDTH_GROWTH_PER_2Y)}× / 2 years)"
INTERCONNECT_LABEL = f"interconnect bandwidth ({gfmt(INTERCONNECT_GROWTH_PER_2Y)}× / 2 years)"
MEMORY_WALL_LABEL = (f"peak FLOP/s ×{gfmt(PEAK_FLOPS_GROWTH_PER_2Y)} vs DRAM bandwidth ×{gfmt(DRAM_BANDWIDTH_GROWTH_PER_2Y)} "
                     "per 2 years")
# The halving was measured for one task (AlexNet-level ImageNet accuracy, 2012–19); applied to any other
# workload it is a what-if, and the label says so (audit: it took GPT-3's cost to $1.5k by 2030 unqualified).
ALGORITHMIC_LABEL = (f"compute for the same accuracy halving every {gfmt(ALGORITHMIC_HALVING_MONTHS)} months (measured for "
                     "AlexNet-level ImageNet accuracy, 2012–19; for other workloads a what-if)")


def growth(years, doubling_years):
    """2^(years / doubling time): the factor an exponential trend grows by (floats or arrays)."""
    v.require_number_in("doubling time (years)", doubling_years, B.DOUBLING_YEARS, field="doubling_years")
    return _growth(years, doubling_years)


def _growth(years, doubling_years):
    """``growth`` without the bound on a doubling time one gives (for the ends of its interval)."""
    with np.errstate(over="ignore"):
        out = np.power(2.0, np.asarray(years, dtype=float) / doubling_years)
    if not np.all(np.isfinite(out)):
        raise InputError(f"a doubling time of {gfmt(doubling_years, 3)} years grows past any float over "
                         f"{gfmt(float(np.max(np.abs(years))))} years: give a longer doubling time",
                         field="doubling_years")
    return out


def per_2y_growth(years, factor_per_2y):
    """factor^(years / 2): a trend quoted as a factor per two years."""
    return np.power(factor_per_2y, np.asarray(years, dtype=float) / 2.0)


def fixed_workload_cost(base_cost_usd, years, doubling_years: float = PRICE_PERF_DOUBLING_YEARS):
    """Cost of the same FLOPs ``years`` later when FLOP/s per dollar doubles every ``doubling_years``."""
    v.require_non_negative("base cost (USD)", base_cost_usd)
    return np.asarray(base_cost_usd, dtype=float) / growth(years, doubling_years)


@dataclass(frozen=True)
class TrendSummary:
    """Per-year factors and what they imply."""

    price_perf_doubling_years: float
    price_perf_per_year: float            # × FLOP/s per dollar each year
    training_compute_per_year: float      # × frontier training compute each year
    frontier_spend_per_year: float        # × cost of the frontier run each year, if both trends held
    measured_spend_per_year: float        # × its cost each year at the compute growth measured since 2010
    years_to_10x_cheaper: float           # for a fixed workload
    algorithmic_per_year: float           # × less compute for a fixed accuracy each year
    memory_wall_gap_per_2y: float         # peak FLOP/s growth ÷ DRAM bandwidth growth, per 2 years
    memory_wall_gap_20y: float
    price_perf_interval_years: tuple[float, float] | None = None  # as its source states it; None: it states none
    price_perf_interval_note: str = ""                             # what the cost's range is, or why there is none

    def to_dict(self) -> dict:
        return {**self.__dict__, "sources": {
            "price_performance": PRICE_PERF_SOURCE, "training_compute": TRAINING_COMPUTE_SOURCE,
            "algorithmic_efficiency": ALGORITHMIC_SOURCE, "memory_wall": MEMORY_WALL_SOURCE}}


def summary(price_perf_doubling_years: float = PRICE_PERF_DOUBLING_YEARS) -> TrendSummary:
    pp = float(growth(1.0, price_perf_doubling_years))
    tc = float(growth(1.0, TRAINING_COMPUTE_DOUBLING_MONTHS / MONTHS_PER_YEAR))
    gap = PEAK_FLOPS_GROWTH_PER_2Y / DRAM_BANDWIDTH_GROWTH_PER_2Y
    return TrendSummary(
        price_perf_doubling_years=price_perf_doubling_years, price_perf_per_year=pp,
        training_compute_per_year=tc, frontier_spend_per_year=tc / pp,
        measured_spend_per_year=MEASURED_COMPUTE_GROWTH_PER_YEAR / pp,
        years_to_10x_cheaper=float(price_perf_doubling_years * np.log2(10.0)),
        algorithmic_per_year=float(growth(1.0, ALGORITHMIC_HALVING_MONTHS / MONTHS_PER_YEAR)),
        memory_wall_gap_per_2y=gap, memory_wall_gap_20y=float(gap ** (MEMORY_WALL_YEARS / MEMORY_WALL_PERIOD_YEARS)),
        price_perf_interval_years=doubling_interval(price_perf_doubling_years),
        price_perf_interval_note=interval_note(price_perf_doubling_years))


@dataclass(frozen=True)
class TrendTable:
    """Year-by-year columns (numpy arrays of equal length)."""

    year: np.ndarray                     # whole years (integers)
    workload_cost_usd: np.ndarray
    # at the ends of the doubling time's stated interval (faster price-performance, then slower); None
    # where its source states no interval for that doubling time (``doubling_interval``)
    workload_cost_low_usd: np.ndarray | None
    workload_cost_high_usd: np.ndarray | None
    workload_cost_with_algorithms_usd: np.ndarray  # same capability, also algorithmic progress
    price_perf_growth: np.ndarray        # × hardware FLOP/s per dollar relative to the first year
    training_compute_growth: np.ndarray  # × relative to the first year
    peak_flops_growth: np.ndarray
    dram_bandwidth_growth: np.ndarray
    interconnect_growth: np.ndarray

    def rows(self) -> list[dict]:
        names = [n for n in self.__dataclass_fields__ if n != "year"]
        # the year a whole number (audit: the JSON wrote 2020.0); a column without a source's interval null
        return [{"year": int(self.year[i]), **{n: None if getattr(self, n) is None else float(getattr(self, n)[i])
                                                for n in names}} for i in range(len(self.year))]


def doubling_interval(doubling_years: float) -> tuple[float, float] | None:
    """The 95% interval Hobbhahn & Besiroglu 2022 state for ``doubling_years`` (``PRICE_PERF_INTERVALS``),
    or None for a doubling time they state none for: no interval is made up by scaling another one."""
    for stated, (interval, _) in PRICE_PERF_INTERVALS.items():
        if math.isclose(float(doubling_years), stated, rel_tol=1e-9):
            return interval
    return None


def interval_note(doubling_years: float) -> str:
    """What the doubling time's range is: the interval its source states for it, and of what; or that
    there is none, and for which doubling times the source states one."""
    interval = doubling_interval(doubling_years)
    level = f"{PRICE_PERF_RANGE_LEVEL:.0%}"
    if interval is not None:
        what = next(w for d, (_, w) in PRICE_PERF_INTERVALS.items() if math.isclose(float(doubling_years), d, rel_tol=1e-9))
        return (f"the cost's range: the doubling time's {level} confidence interval, {gfmt(interval[0])}–{gfmt(interval[1])} "
                f"years around {gfmt(doubling_years)}, as {PRICE_PERF_SOURCE} states it ({what})")
    each = [f"{d:.2f} ({w.split(',')[0]})" for d, (_, w) in PRICE_PERF_INTERVALS.items()]  # as the table prints them
    stated = ", ".join(each[:-1]) + f" and {each[-1]}"
    return (f"no range for the cost: {PRICE_PERF_SOURCE} states a {level} interval only for the doubling times "
            f"{stated} years, none for {gfmt(doubling_years)} years")


def trend_table(start_year: int, years: int, base_cost_usd: float,
                price_perf_doubling_years: float = PRICE_PERF_DOUBLING_YEARS) -> TrendTable:
    """Columns from ``start_year`` for ``years`` years: the cost of a fixed workload that cost
    ``base_cost_usd`` in ``start_year``, and the growth of frontier compute, peak FLOP/s and memory.
    A table with a cost below ``plausible.MIN_COST_USD`` is refused (``check_costs``)."""
    years = v.require_whole("years", years, YEARS)
    v.require_whole("start year", start_year, B.TREND_START_YEAR, field="start_year")
    if start_year + years > B.YEAR.high:  # its rows are years a run may have, as `estimate`'s (review)
        raise InputError(f"the trend would run from {start_year} to {start_year + years}, past {gfmt(B.YEAR.high)}, the last "
                         "year a run may have: give fewer years or an earlier start year", field=("years", "start_year"))
    v.require_number_in("doubling time (years)", price_perf_doubling_years, B.DOUBLING_YEARS, field="doubling_years")
    t = np.arange(years + 1, dtype=float)
    interval = doubling_interval(price_perf_doubling_years)
    cost = fixed_workload_cost(base_cost_usd, t, price_perf_doubling_years)
    base = np.asarray(base_cost_usd, dtype=float)
    table = TrendTable(
        year=int(start_year) + np.arange(years + 1),
        workload_cost_usd=cost,
        workload_cost_low_usd=None if interval is None else base / _growth(t, interval[0]),
        workload_cost_high_usd=None if interval is None else base / _growth(t, interval[1]),
        workload_cost_with_algorithms_usd=cost / growth(t, ALGORITHMIC_HALVING_MONTHS / MONTHS_PER_YEAR),
        price_perf_growth=growth(t, price_perf_doubling_years),
        training_compute_growth=growth(t, TRAINING_COMPUTE_DOUBLING_MONTHS / MONTHS_PER_YEAR),
        peak_flops_growth=per_2y_growth(t, PEAK_FLOPS_GROWTH_PER_2Y),
        dram_bandwidth_growth=per_2y_growth(t, DRAM_BANDWIDTH_GROWTH_PER_2Y),
        interconnect_growth=per_2y_growth(t, INTERCONNECT_GROWTH_PER_2Y),
    )
    check_costs(table)
    return table


# The cost columns a table prints, and how a refusal names each (the first that falls too low).
COST_COLUMNS = (("workload_cost_usd", ""),
                ("workload_cost_low_usd", " at the fast end of the doubling time's 95% interval"),
                ("workload_cost_with_algorithms_usd", " with algorithmic efficiency (the what-if)"))


def check_costs(table: TrendTable) -> None:
    """Every positive cost in ``table`` at least ``plausible.MIN_COST_USD`` (a millionth of a cent), else an
    InputError naming the year it falls below and the inputs to change (audit: GPT-3's training was
    printed at $7.1 × 10⁻²⁹ in 2120). A free workload ($0) stays free, and is shown."""
    base = float(table.workload_cost_usd[0])
    if base <= 0:
        return
    if base < P.MIN_COST_USD:
        raise InputError(f"the fixed workload costs less than {P.MIN_COST_WORDS} ({sci(P.MIN_COST_USD)} USD) in its base "
                         "year, too little for a price to mean anything: give a larger workload", field="flops")
    firsts = [(int(below[0]), where) for name, where in COST_COLUMNS if getattr(table, name) is not None
              and (below := np.flatnonzero(getattr(table, name) < P.MIN_COST_USD)).size]
    if not firsts:
        return
    first, where = min(firsts, key=lambda x: x[0])  # the earliest year; of columns that fall then, the first named
    fewer = f"at most {first - 1} years, " if first > 1 else ""
    raise InputError(f"by {int(table.year[first])} the fixed workload's cost would fall below {P.MIN_COST_WORDS} "
                     f"({sci(P.MIN_COST_USD)} USD){where}, too little for a price to mean anything: give {fewer}a longer "
                     "doubling time or a larger workload", field=("years", "doubling_years", "flops"))
