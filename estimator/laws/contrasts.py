"""The lecture's contrasts: machines against a 20 W brain and against the world's electricity.

Pure: energies and powers in (the edge takes them from the estimator's presets and profiles),
a tuple of ``Contrast`` out, each with its arithmetic and sources spelled out.
"""

from __future__ import annotations

from dataclasses import dataclass

from estimator.core.base import validation as v
from estimator.core.base.number_text import (
    count_text,  # 8,766 h, 4,000 kWh (scaling audit: "8766 h/yr")
    gfmt,
)
from estimator.core.base.units import (
    DAYS_PER_YEAR,
    HOURS_PER_YEAR,
    J_PER_EJ,
    KWH_PER_MWH,
    KWH_PER_TWH,
    S_PER_YEAR,
    W_PER_KW,
    W_PER_TW,
)
from estimator.core.footprint.equivalents import BRAIN_KWH_PER_YEAR, BRAIN_POWER_W

# World electricity ≈ 30,000 TWh a year: Ember, "Global Electricity Review 2024", reports a record
# 29,471 TWh in 2023 (IEA, "Electricity 2024", is close); rounded to 30,000 TWh.
WORLD_ELECTRICITY_TWH_PER_YEAR = 30_000.0
WORLD_ELECTRICITY_SOURCE = "≈30,000 TWh a year (Ember, Global Electricity Review 2024: 29,471 TWh in 2023; IEA, Electricity 2024)"
# The seed lecture says the world uses "around 25 TW" of electricity; shown beside the sourced figure.
LECTURE_WORLD_POWER_W = 25e12
# All primary energy (fuels, heat and electricity), what a figure of tens of terawatts is near: 620 EJ in 2023 (Energy
# Institute, Statistical Review of World Energy 2024), ≈19.6 TW on average (lecturer review 2026-11-30: the slide had
# set the lecture's ≈25 TW beside electricity alone with no hint of what it may have meant)
WORLD_PRIMARY_ENERGY_EJ_PER_YEAR = 620.0
WORLD_PRIMARY_ENERGY_SOURCE = "Energy Institute, Statistical Review of World Energy 2024: 620 EJ of primary energy in 2023"


def world_primary_power_w() -> float:
    """All primary energy's average power: EJ/yr × 10¹⁸ J/EJ ÷ the seconds of a (Julian) year."""
    return WORLD_PRIMARY_ENERGY_EJ_PER_YEAR * J_PER_EJ / S_PER_YEAR


def world_average_power_w(twh_per_year: float = WORLD_ELECTRICITY_TWH_PER_YEAR) -> float:
    """Average power of a yearly energy: TWh/yr × 1e9 kWh/TWh × 1000 W/kW ÷ 8766 h/yr (Julian year)."""
    v.require_positive("world electricity (TWh/yr)", twh_per_year)
    return twh_per_year * KWH_PER_TWH * W_PER_KW / HOURS_PER_YEAR


def world_electricity_note(twh_per_year: float = WORLD_ELECTRICITY_TWH_PER_YEAR) -> str:
    """The lecture's figure beside the sourced one, in words."""
    return (f"world electricity: the lecture says ≈{gfmt(LECTURE_WORLD_POWER_W / W_PER_TW)} TW; the sourced figure is "
            f"≈{twh_per_year:,.0f} TWh a year ≈ {gfmt(world_average_power_w(twh_per_year) / W_PER_TW, 2)} TW average; "
            f"all primary energy, not electricity alone, is ≈{gfmt(world_primary_power_w() / W_PER_TW, 3)} TW "
            f"({WORLD_PRIMARY_ENERGY_SOURCE})")


@dataclass(frozen=True)
class Contrast:
    key: str
    label: str
    value: float
    unit: str
    detail: str   # the arithmetic
    source: str
    # the range the inputs' ranges give (the estimate's energy range, AlphaGo's stated power range) and what it
    # is; None where the inputs are exact (scaling audit: 7,970 brain-years and 50,000× stood alone where the
    # estimate gives 401 MWh – 4.86 GWh and the profile 66 kW – 1 MW)
    range: tuple[float, float] | None = None
    range_basis: str | None = None

    @property
    def stated(self) -> bool:
        """Whether its range is as a source states it (no measured coverage), not a prediction interval."""
        return self.range_basis == "stated"

    def to_dict(self) -> dict:
        return {"label": self.label, "value": self.value, "unit": self.unit, "detail": self.detail,
                "source": self.source, "range": None if self.range is None else list(self.range),
                "range_basis": self.range_basis}


@dataclass(frozen=True)
class ContrastInputs:
    gpt3_energy_kwh: float            # estimated training energy
    gpt3_energy_source: str
    gpt3_published_energy_kwh: float | None
    alphago_power_w: float
    alphago_power_source: str
    alphago_game_hours: float
    gpt3_energy_range_kwh: tuple[float, float] | None = None  # the estimate's range and its basis
    gpt3_energy_basis: str | None = None
    alphago_power_range_w: tuple[float, float] | None = None   # the profile's stated range
    alphago_power_basis: str | None = None
    brain_power_w: float = BRAIN_POWER_W
    world_twh_per_year: float = WORLD_ELECTRICITY_TWH_PER_YEAR


def _scaled(rng: tuple[float, float] | None, factor: float, basis: str | None) -> tuple:
    """An input's range carried through a contrast's arithmetic (× ``factor``), with its basis; () without one."""
    if rng is None or rng[0] == rng[1]:
        return ()
    return (rng[0] * factor, rng[1] * factor), basis


def contrasts(c: ContrastInputs) -> tuple[Contrast, ...]:
    for name, x in (("GPT-3 energy (kWh)", c.gpt3_energy_kwh), ("AlphaGo power (W)", c.alphago_power_w),
                    ("game length (h)", c.alphago_game_hours), ("brain power (W)", c.brain_power_w)):
        v.require_positive(name, x)
    brain_kwh_year = c.brain_power_w * HOURS_PER_YEAR / W_PER_KW
    brain_kwh_day = brain_kwh_year / DAYS_PER_YEAR
    brain = f"{gfmt(c.brain_power_w)} W brain"
    brain_src = f"{brain} (Raichle & Gusnard 2002) × {count_text(HOURS_PER_YEAR)} h = {gfmt(brain_kwh_year, 4)} kWh a year"
    world_w = world_average_power_w(c.world_twh_per_year)
    world_kwh = c.world_twh_per_year * KWH_PER_TWH
    out = [
        # "the real run": the lecture's first slide has another GPT-3 in brain-years, one V100's (audit); "as
        # estimated": the estimate's energy, not the published one (the next row; user-journey review)
        Contrast("gpt3_brain_years", f"GPT-3's training energy (the real run, as estimated) in years of a {brain}'s energy",
                 c.gpt3_energy_kwh / brain_kwh_year, "years",
                 f"{gfmt(c.gpt3_energy_kwh, 4)} kWh ÷ {gfmt(brain_kwh_year, 4)} kWh per brain-year",
                 f"{c.gpt3_energy_source}; {brain_src}", *_scaled(c.gpt3_energy_range_kwh, 1 / brain_kwh_year,
                                                                   c.gpt3_energy_basis)),
    ]
    if c.gpt3_published_energy_kwh:
        out.append(Contrast("gpt3_published_brain_years", f"the same with the published {c.gpt3_published_energy_kwh / KWH_PER_MWH:,.0f} MWh",
                            c.gpt3_published_energy_kwh / brain_kwh_year, "years",
                            f"{gfmt(c.gpt3_published_energy_kwh, 4)} kWh ÷ {gfmt(brain_kwh_year, 4)} kWh",
                            f"Patterson et al. 2021, arXiv:2104.10350, Table 4; {brain_src}"))
    game_kwh = c.alphago_power_w * c.alphago_game_hours / W_PER_KW
    brain_game_kwh = c.brain_power_w * c.alphago_game_hours / W_PER_KW
    out += [
        Contrast("alphago_brain_power_ratio", "AlphaGo's power ÷ a human brain's", c.alphago_power_w / c.brain_power_w,
                 "×", f"{gfmt(c.alphago_power_w, 4)} W ÷ {gfmt(c.brain_power_w)} W",
                 f"{c.alphago_power_source}; {brain} (Raichle & Gusnard 2002)",
                 *_scaled(c.alphago_power_range_w, 1 / c.brain_power_w, c.alphago_power_basis)),
        Contrast("alphago_game_kwh", f"AlphaGo's energy for one {gfmt(c.alphago_game_hours)}-hour game", game_kwh, "kWh",
                 f"{gfmt(c.alphago_power_w, 4)} W × {gfmt(c.alphago_game_hours)} h; the brain: {gfmt(brain_game_kwh, 3)} kWh",
                 c.alphago_power_source,
                 *_scaled(c.alphago_power_range_w, c.alphago_game_hours / W_PER_KW, c.alphago_power_basis)),
        Contrast("alphago_game_brain_days", "… in days of a brain's energy", game_kwh / brain_kwh_day,
                 "days", f"{count_text(game_kwh)} kWh ÷ {gfmt(brain_kwh_day, 4)} kWh per brain-day", brain_src,
                 *_scaled(c.alphago_power_range_w, c.alphago_game_hours / W_PER_KW / brain_kwh_day,
                          c.alphago_power_basis)),
        Contrast("world_power_w", "World electricity, average power", world_w, "W",
                 f"{c.world_twh_per_year:,.0f} TWh/yr ÷ {count_text(HOURS_PER_YEAR)} h/yr", WORLD_ELECTRICITY_SOURCE),
        Contrast("lecture_world_power_ratio", f"the lecture's '≈{gfmt(LECTURE_WORLD_POWER_W / W_PER_TW)} TW' ÷ the sourced average",
                 LECTURE_WORLD_POWER_W / world_w, "×",
                 f"{gfmt(LECTURE_WORLD_POWER_W / W_PER_TW)} TW ÷ {gfmt(world_w / W_PER_TW, 3)} TW: the lecture's figure is too high by this factor",
                 f"seed lecture; {WORLD_ELECTRICITY_SOURCE}"),
        Contrast("world_in_brains", f"World electricity ÷ {brain}s", world_w / c.brain_power_w, "brains",
                 f"{gfmt(world_w, 3)} W ÷ {gfmt(c.brain_power_w)} W", f"{WORLD_ELECTRICITY_SOURCE}; {brain_src}"),
        Contrast("gpt3_share_of_world", "GPT-3's training energy as a share of a year's world electricity",
                 c.gpt3_energy_kwh / world_kwh, "fraction", f"{gfmt(c.gpt3_energy_kwh, 4)} kWh ÷ {gfmt(world_kwh, 3)} kWh",
                 f"{c.gpt3_energy_source}; {WORLD_ELECTRICITY_SOURCE}",
                 *_scaled(c.gpt3_energy_range_kwh, 1 / world_kwh, c.gpt3_energy_basis)),
        Contrast("gpt3_world_seconds", "… i.e. seconds of the world's electricity", c.gpt3_energy_kwh / world_kwh
                 * S_PER_YEAR, "s", "share × seconds in a year", WORLD_ELECTRICITY_SOURCE,
                 *_scaled(c.gpt3_energy_range_kwh, S_PER_YEAR / world_kwh, c.gpt3_energy_basis)),
    ]
    if c.gpt3_published_energy_kwh:  # the lecture slide's figure, from the published energy (lecturer review 2026-11-26)
        out.append(Contrast("gpt3_published_world_seconds",
                            f"the same with the published {c.gpt3_published_energy_kwh / KWH_PER_MWH:,.0f} MWh",
                            c.gpt3_published_energy_kwh / world_kwh * S_PER_YEAR, "s",
                            f"{gfmt(c.gpt3_published_energy_kwh, 4)} kWh ÷ {gfmt(world_kwh, 3)} kWh × seconds in a year",
                            f"Patterson et al. 2021, arXiv:2104.10350, Table 4; {WORLD_ELECTRICITY_SOURCE}"))
    return tuple(out)


__all__ = ["BRAIN_KWH_PER_YEAR", "Contrast", "ContrastInputs", "LECTURE_WORLD_POWER_W",
           "WORLD_ELECTRICITY_TWH_PER_YEAR", "contrasts", "world_average_power_w",
           "world_electricity_note"]
