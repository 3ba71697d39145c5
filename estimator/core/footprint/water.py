"""Water consumed by a run: on site (cooling) and off site (the electricity's generation).

Pure. Li, Yang, Islam and Ren, "Making AI Less 'Thirsty'" (arXiv:2304.03271), §3.1: operational
water = e × (WUE_on-site + PUE × EWIF), with e the servers' (IT) energy, WUE the data centre's
on-site water usage effectiveness and EWIF the electricity's water intensity (off site), both in
litres of water consumed per kWh. With the estimate's facility energy E = e × PUE:

    water_l = (E ÷ PUE) × WUE + E × EWIF

The range combines, in quadrature on the log scale, the range of the water per kWh (the WUE's
and EWIF's ranges, their low ends together and their high ends together) and the energy's.
"""

from __future__ import annotations

from dataclasses import dataclass

from estimator.core.base.errors import InputError
from estimator.core.base.interval import around, combine, sides
from estimator.core.base.number_text import gfmt

LI_2023 = "Li et al. 2023, 'Making AI Less Thirsty', arXiv:2304.03271"


@dataclass(frozen=True)
class Cooling:
    """On-site water of a kind of data centre: WUE centre and stated range, L/kWh of IT energy."""
    wue_l_per_kwh: float
    low_l_per_kwh: float
    high_l_per_kwh: float
    source: str


NO_COOLING = "none"  # the kind for a machine with no cooling plant (a workstation; the brain)

# Kinds of data centre by cooling, each figure water consumed per kWh of IT energy.
COOLING = {
    # Google's annualised global on-site figure and Li et al.'s own assumption for AI data
    # centres (Google and Equinix reports, appendix); range: Microsoft's fleet FY2023 (0.30) up to
    # the ≈1.8 L/kWh industry average of the LBNL 2016 report (research notes hardware.md §3.2).
    "average": Cooling(1.0, 0.30, 1.8, f"1.0 L/kWh on site, Google's annualised global figure, as {LI_2023} "
                                       "assume for AI data centres (appendix); range 0.30 (Microsoft fleet, FY2023) "
                                       "to 1.8 (industry average, LBNL 2016)"),
    # Hyperscale fleets that report low water use: Microsoft 0.30 (FY2023); AWS 0.15 (2024) to
    # Microsoft's U.S. sites 0.55 (Li et al. Table 1, "U.S. Average" row).
    "efficient": Cooling(0.30, 0.15, 0.55, "0.30 L/kWh, Microsoft's fleet (FY2023); range 0.15 (AWS, 2024) to 0.55 "
                                           f"(Microsoft's U.S. sites, {LI_2023}, Table 1)"),
    # Outside-air or dry cooling in cool climates: Microsoft's Nordic sites 0.01 (Li et al. Table 1:
    # Denmark, Finland), up to Ireland's 0.02 and the Netherlands' 0.06.
    "dry": Cooling(0.01, 0.0, 0.06, f"0.01 L/kWh, Microsoft's Danish and Finnish sites ({LI_2023}, Table 1); range 0 "
                                    "(India) to 0.06 (the Netherlands)"),
    # Evaporative cooling in a hot, dry climate: Arizona 1.63 (Li et al. Table 1), up to 9 L/kWh
    # in summer (§2.2).
    "evaporative-hot": Cooling(1.63, 0.74, 9.0, f"1.63 L/kWh, Microsoft's Arizona sites ({LI_2023}, Table 1); range "
                                                "0.74 (Illinois) to 9 (Arizona in summer, §2.2)"),
    # No cooling water at all: a desk-side workstation cooled by room air, or no machine (the brain
    # reference point). On-site water is what a data centre's cooling consumes, mostly evaporated
    # in cooling towers (Li et al. 2023); with no cooling plant there is none.
    NO_COOLING: Cooling(0.0, 0.0, 0.0, f"no cooling plant: no on-site water (on-site water is what a data centre's cooling "
                                   f"consumes, {LI_2023})"),
}
DEFAULT_COOLING = "average"

# Off-site: the U.S. average water consumption of electricity generation, 3.142 L/kWh (WRI, Reig et
# al. 2020), as Li et al. 2023 use (Table 1, "U.S. Average"; §3.3). Range: the second lowest and
# second highest of the eight U.S. states in their Table 1 (Illinois 2.233, Arizona 4.959), about
# 80% of the locations; LBNL 2024 gives 4.35 for U.S. data centres, inside it.
EWIF_L_PER_KWH = 3.142
EWIF_RANGE = (2.233, 4.959)
EWIF_SOURCE = (f"3.142 L/kWh, U.S. average consumption for electricity (WRI, Reig et al. 2020), as {LI_2023}, "
               "Table 1; range 2.233–4.959 (the 2nd lowest and 2nd highest of the eight U.S. states there)")


# Off-site by country: the countries in Li et al.'s Table 1 (the locations of Microsoft's data
# centres, each with its electricity's consumption from WRI, Reig et al. 2020), ISO 3166 alpha-3.
# Table 1 gives no spread within a country, so a country's range is the U.S. states' relative
# spread above (×0.71–×1.58 of the average), an assumption the source text states.
EWIF_BY_COUNTRY = {
    "USA": ("the United States", EWIF_L_PER_KWH), "AUS": ("Australia", 4.259), "DNK": ("Denmark", 3.180),
    "FIN": ("Finland", 4.542), "IND": ("India", 3.445), "IDN": ("Indonesia", 2.271), "IRL": ("Ireland", 1.476),
    "MEX": ("Mexico", 5.300), "NLD": ("the Netherlands", 3.445), "SWE": ("Sweden", 6.019),
}
EWIF_RELATIVE_RANGE = (EWIF_RANGE[0] / EWIF_L_PER_KWH, EWIF_RANGE[1] / EWIF_L_PER_KWH)


def ewif_country(country: str | None) -> str:
    """The country (ISO-3) whose off-site factor stands for the grid's ``country``: its own where Li et al.'s
    Table 1 has a figure for it, else "USA" (the U.S. average: no country given, or none in the table)."""
    code = (country or "").strip().upper()
    return code if code in EWIF_BY_COUNTRY else "USA"


def ewif_fallback(country: str | None) -> str | None:
    """The grid's country (ISO-3) when Li et al.'s Table 1 has no figure for it and the U.S. average stands
    in ("FRA"); None when no country is given or the table has its figure."""
    code = (country or "").strip().upper()
    return code if code and ewif_country(code) != code else None


def ewif_for(country: str | None) -> tuple[float, tuple[float, float], str]:
    """The electricity's water (L/kWh), its range and source for an ISO-3 country: its own figure
    where Li et al.'s Table 1 has one, else the U.S. average, saying so."""
    code = ewif_country(country)
    missing = ewif_fallback(country)
    if missing:
        return EWIF_L_PER_KWH, EWIF_RANGE, f"{EWIF_SOURCE}; no figure for {missing} there, so the U.S. average"
    if code == "USA":
        return EWIF_L_PER_KWH, EWIF_RANGE, EWIF_SOURCE
    name, value = EWIF_BY_COUNTRY[code]
    lo, hi = EWIF_RELATIVE_RANGE
    return value, (value * lo, value * hi), (
        f"{gfmt(value)} L/kWh, consumption for electricity in {name} (WRI, Reig et al. 2020), as {LI_2023}, Table 1; "
        f"range ×{lo:.2f}–×{hi:.2f} of it, the U.S. states' relative spread there (no spread is given for {name})")


def cooling(kind: str | None) -> Cooling:
    kind = DEFAULT_COOLING if kind is None else kind
    if kind not in COOLING:
        raise InputError(f"unknown kind of cooling {str(kind)[:40]!r}; use one of {', '.join(COOLING)}",
                         field="cooling")
    return COOLING[kind]


@dataclass(frozen=True)
class WaterFactors:
    wue_l_per_kwh: float
    wue_range: tuple[float, float]
    wue_source: str
    ewif_l_per_kwh: float
    ewif_range: tuple[float, float]
    ewif_source: str


def factors(kind: str | None = None, wue_l_per_kwh: float | None = None, ewif_l_per_kwh: float | None = None,
            country: str | None = None) -> WaterFactors:
    """The on-site and off-site factors: given ones exact, the others from the cooling kind and the
    grid's country (``ewif_for``; none: the U.S. average)."""
    c = cooling(kind)
    wue, ewif = wue_l_per_kwh, ewif_l_per_kwh
    w = (wue, (wue, wue), "given") if wue is not None else (c.wue_l_per_kwh, (c.low_l_per_kwh, c.high_l_per_kwh), c.source)
    e = (ewif, (ewif, ewif), "given") if ewif is not None else ewif_for(country)
    return WaterFactors(w[0], w[1], w[2], e[0], e[1], e[2])


def water(energy_kwh: float, energy_range_kwh: tuple[float, float], pue: float,
          f: WaterFactors) -> tuple[float, float, float]:
    """(centre, low, high) litres for a run that used ``energy_kwh`` at the facility (PUE included)."""
    per_kwh = f.wue_l_per_kwh / pue + f.ewif_l_per_kwh
    center = energy_kwh * per_kwh
    if center <= 0:
        return 0.0, 0.0, 0.0
    low_k = f.wue_range[0] / pue + f.ewif_range[0]
    high_k = f.wue_range[1] / pue + f.ewif_range[1]
    k_down, k_up = sides(per_kwh, low_k, high_k) if low_k > 0 else (float("inf"), sides(per_kwh, per_kwh, high_k)[1])
    e_down, e_up = sides(energy_kwh, *energy_range_kwh)
    low, high = around(center, combine(k_down, e_down), combine(k_up, e_up))
    return center, float(low), float(high)
