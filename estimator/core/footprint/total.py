"""Beyond the electricity's CO₂e: the devices' embodied carbon and the run's water.

Pure: glue between ``estimate`` and the two models (``embodied``, ``water``). Each result is a
centre, an 80% range and the assumptions it rests on, each with its source.
"""

from __future__ import annotations

from dataclasses import dataclass

from estimator.core.base.number_text import gfmt
from estimator.core.footprint import embodied as em
from estimator.core.footprint import water as wt

# The assumptions behind the embodied-carbon and water figures (what ``footprint`` adds to an estimate's).
FOOTPRINT_ASSUMPTIONS = ("embodied_kg_co2e_per_device", "lifetime_years", "wue_l_per_kwh", "ewif_l_per_kwh")


@dataclass(frozen=True)
class Footprint:
    embodied_co2e_kg: float | None
    embodied_co2e_range_kg: tuple[float | None, float | None]
    water_l: float
    water_range_l: tuple[float, float]
    assumptions: tuple[tuple[str, object, str, str, str], ...]  # (name, value, unit, origin, source)
    notes: tuple[str, ...]



def per_device_range(fig) -> str:
    """An embodied figure's per-device range in words; one figure with no spread says so (researcher review
    2026-11-27: "range 164–164 kg")."""
    if gfmt(fig.low_kg_co2e, 3) == gfmt(fig.high_kg_co2e, 3):
        return "no range of its own per device (the run's range is the lifetime's)"
    return f"range {gfmt(fig.low_kg_co2e, 3)}–{gfmt(fig.high_kg_co2e, 3)} kg"

def footprint(profile, *, device_hours: float, device_hours_range: tuple[float, float], energy_kwh: float,
              energy_range_kwh: tuple[float, float], pue: float, include_embodied: bool = True,
              lifetime_years: float | None = None, cooling: str | None = None,
              wue_l_per_kwh: float | None = None, ewif_l_per_kwh: float | None = None, country: str | None = None, origin=lambda name: "user") -> Footprint:
    """Embodied CO₂e of the run's devices (unless switched off) and the run's water."""
    assumptions, notes = [], []
    emb, emb_range = None, (None, None)
    if include_embodied:
        fig = em.device_figure(profile.embodied, profile.kind, profile.memory_gb)
        if fig is None:  # the true reason (audit: a CPU was said to be "a reference point or has no device memory")
            why = em.no_figure_why(profile.kind, bool(profile.reference_point))
            notes.append(f"no embodied carbon: {profile.name}: {why}")
        else:
            c, lo, hi = em.run_embodied(fig, device_hours, device_hours_range, lifetime_years)
            emb, emb_range = c, (lo, hi)
            who = f"profile:{profile.id}" if fig.basis != "fallback" else "default"
            assumptions.append(("embodied_kg_co2e_per_device", fig.kg_co2e, "kg CO2e per device", who,
                                f"{fig.basis}, {per_device_range(fig)}: {fig.source}"))
            assumptions.append(("lifetime_years", em.LIFETIME_YEARS if lifetime_years is None else lifetime_years,
                                "years", "default" if lifetime_years is None else origin("lifetime_years"),
                                em.LIFETIME_SOURCE if lifetime_years is None else "given"))
            if fig.basis == "fallback":
                notes.append(f"embodied carbon of {profile.name} is a fallback (no published figure): "
                             f"{fig.kg_co2e:.0f} kg per device, {per_device_range(fig)}")
    kind = cooling if cooling is not None else profile.cooling
    f = wt.factors(kind, wue_l_per_kwh, ewif_l_per_kwh, country)
    w, wlo, whi = wt.water(energy_kwh, energy_range_kwh, pue, f)
    if wue_l_per_kwh is not None:
        wue_origin, wue_source = origin("wue_l_per_kwh"), f.wue_source
    else:
        wue_origin = ("default" if kind is None else origin("cooling") if cooling is not None
                      else f"profile:{profile.id}")
        label = kind or wt.DEFAULT_COOLING
        wue_source = f.wue_source if label == wt.NO_COOLING else f"{label} cooling: {f.wue_source}"
        if cooling is None and kind is not None:
            wue_source += f"; the profile's data centre: {profile.pue_source}"
    assumptions.append(("wue_l_per_kwh", f.wue_l_per_kwh, "L/kWh of IT energy (on site)", wue_origin, wue_source))
    # a country's own figure is set by whoever set the grid (its region); the U.S. average is the default
    by_country = ewif_l_per_kwh is None and (country or "").upper() in wt.EWIF_BY_COUNTRY
    ewif_origin = (origin("ewif_l_per_kwh") if ewif_l_per_kwh is not None else
                   origin("carbon_intensity_g_per_kwh") if by_country else "default")
    assumptions.append(("ewif_l_per_kwh", f.ewif_l_per_kwh, "L/kWh of electricity (off site)", ewif_origin,
                        f.ewif_source))
    return Footprint(emb, emb_range, w, (wlo, whi), tuple(assumptions), tuple(notes))
