"""Equivalents a lecture would use, each constant with its source."""

from __future__ import annotations

from dataclasses import dataclass

from estimator.core.base.number_text import gfmt
from estimator.core.base.units import G_PER_KG, HOURS_PER_YEAR, KM_PER_MILE, W_PER_KW

# Human brain ≈ 20 W: the standard figure (e.g. Raichle & Gusnard 2002, PNAS 99(16),
# "Appraising the brain's energy budget": ≈20% of a ≈100 W resting body). profiles/brain.toml states the
# same figure as a profile's power, which is data; tests/io/test_profiles.py holds the two equal.
BRAIN_POWER_W = 20.0
BRAIN_KWH_PER_YEAR = BRAIN_POWER_W * HOURS_PER_YEAR / W_PER_KW  # 175.32 kWh

# Typical passenger vehicle: about 400 g CO2 per mile (US EPA, "Greenhouse Gas Emissions
# from a Typical Passenger Vehicle", EPA-420-F-23-014, June 2023).
CAR_G_CO2_PER_MILE = 400.0
CAR_KG_CO2_PER_KM = CAR_G_CO2_PER_MILE / G_PER_KG / KM_PER_MILE  # ≈ 0.2485 kg/km

# Average US residential electricity customer: 10,715 kWh in 2020 (US EIA, FAQ "How much
# electricity does an American home use?").
HOUSEHOLD_KWH_PER_YEAR = 10_715.0


@dataclass(frozen=True)
class Equivalent:
    key: str
    value: float
    unit: str
    label: str
    source: str
    of: str = "energy_kwh"  # the estimate's figure it is computed from: "energy_kwh" or "co2e_kg"


def equivalents(energy_kwh: float, co2e_kg: float) -> tuple[Equivalent, ...]:
    return (
        Equivalent("brain_years", energy_kwh / BRAIN_KWH_PER_YEAR, "years",
                   f"years of a {gfmt(BRAIN_POWER_W)} W human brain's energy",
                   f"{gfmt(BRAIN_POWER_W)} W brain (Raichle & Gusnard 2002); Julian year {gfmt(HOURS_PER_YEAR)} h"),
        Equivalent("car_km", co2e_kg / CAR_KG_CO2_PER_KM, "km",
                   "km driven by a typical passenger car",
                   f"US EPA 2023: {gfmt(CAR_G_CO2_PER_MILE)} g CO2 per mile (EPA-420-F-23-014)", of="co2e_kg"),
        Equivalent("household_years", energy_kwh / HOUSEHOLD_KWH_PER_YEAR, "years",
                   "years of a US household's electricity",
                   f"US EIA: {HOUSEHOLD_KWH_PER_YEAR:,.0f} kWh per residential customer in 2020"),
    )
