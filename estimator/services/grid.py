"""The grid a run draws from, named by an intensity, a country (and a region inside it) or a cloud region: its
intensity and source (``resolve_grid``), and where it is (``grid_place``: the country's code and name, the cloud
region), as data the exports state (estimator/core/training/result.GridPlace). ``estimator.services.api``
re-exports these.

Words as CodeCarbon uses them: ``country`` a country by its name or ISO 3166 code ("France", "FRA", "FR");
``region`` a state or province inside it ("california", with the country, or "usa:california"), where CodeCarbon's
data has one; ``cloud`` a cloud region ("gcp:europe-west1", "aws:us-east-1", "azure:westeurope"). A ``region``
given alone that is a country ("FRA", the meaning it had before regions) is read as that country, and
``region_note`` says so. An unknown name is refused with the nearest ones; the world average only when no grid
is given (the scenario's default, which says so).
"""

from __future__ import annotations

import os

from estimator.core.base import bounds as B
from estimator.core.base.errors import InputError
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import G_PER_KG
from estimator.core.footprint.carbon import (
    GridIntensity,
    Place,
    cloud_intensity,
    country_label,
    find_place,
    place_intensity,
)
from estimator.core.training.result import GridPlace
from estimator.io.datafiles import load_carbon_data

# What text a profile may be given as, where a refusal says what is taken (API review 2026-11-30: "an id" alone)
HARDWARE_TEXT = "an id, a name, or a profile file's path (text or a path)"


def hardware_text(value):
    """The hardware as the services take it: a profile file's path given as a path (``os.PathLike``: what
    ``Run.write_profile`` returns; API review 2026-12-01: it was refused by the next call) as its text; else as given;
    checked by ``text_or_none``."""
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    text_or_none("hardware", value, HARDWARE_TEXT)
    return value


def text_or_none(name: str, value, what: str | None = None) -> None:
    """None (not given) or non-empty text: empty text is refused, never read as "not given". ``what``: the text taken,
    where it is more than a plain word (the hardware's ``HARDWARE_TEXT``)."""
    if value is not None and not isinstance(value, str):
        raise InputError(f"{name} must be text{f' ({what})' if what else ''}, got {repr(value)[:40]}", field=name)
    if value is not None and not value.strip():
        raise InputError(f"{name} must not be empty text: give a value or leave it out", field=name)


def place(country: str | None = None, region: str | None = None) -> Place | None:
    """The country and region given, checked (``core.footprint.carbon.find_place``); None for neither."""
    text_or_none("country", country)
    text_or_none("region", region)
    return find_place(load_carbon_data(), country, region)


def region_read_as_country(country: str | None = None, region: str | None = None) -> tuple[str, str] | None:
    """Where a ``region`` given alone names a country (the meaning a region had before countries had their own
    input), that country as (label, ISO-3 code), e.g. ("France (FRA)", "FRA"); else None. The CLI says it."""
    p = place(country, region)
    if p is None or not p.region_read_as_country:
        return None
    return country_label(load_carbon_data(), p.country), p.country


def region_read_with_country(country: str | None = None, region: str | None = None) -> str | None:
    """Where a ``region`` given alone is a region of one country only ("california"), how it was read: "usa:california";
    else None. The CLI says it."""
    p = place(country, region)
    if p is None or not p.country_from_region:
        return None
    return f"{p.country.lower()}:{p.region}"


def resolve_grid(carbon_intensity_g_per_kwh=None, region: str | None = None, cloud: str | None = None,
                 country: str | None = None):
    """(g/kWh, source) from a number, a country (and region), or ``provider:region``."""
    ci, source, _ = resolve_grid_site(carbon_intensity_g_per_kwh, region, cloud, country)
    return ci, source


def _intensity(region: str | None, cloud: str | None, country: str | None = None) -> GridIntensity | None:
    """CodeCarbon's figure for a country (and region) or a cloud region (None for neither)."""
    text_or_none("cloud", cloud)
    p = place(country, region)
    if p is not None:
        return place_intensity(load_carbon_data(), p)
    return cloud_intensity(load_carbon_data(), cloud) if cloud else None


def resolve_grid_site(carbon_intensity_g_per_kwh=None, region: str | None = None, cloud: str | None = None,
                      country: str | None = None):
    """(g/kWh, source, ISO-3 country or None): ``resolve_grid`` and where the grid is, when a
    country or a cloud region names it (the electricity's water depends on it)."""
    # a country and a region inside it are one place, and a site's own intensity may be given with its place (the
    # intensity wins; the place sets the electricity's water: researcher review 2026-11-28, an on-premise site in
    # Germany with its measured 380 g had been refused, its water then the U.S. average's); a cloud region is a place
    # and an intensity of its own
    if cloud is not None and (carbon_intensity_g_per_kwh is not None or region is not None or country is not None):
        text_or_none("country", country)
        text_or_none("region", region)
        text_or_none("cloud", cloud)
        raise InputError("grid intensity given more than once (a cloud region, and an intensity, a country or a "
                         "region): give one", field=("carbon_intensity_g_per_kwh", "country", "region", "cloud"))
    g = _intensity(region, cloud, country)
    if carbon_intensity_g_per_kwh is not None:
        from estimator.core.base.validation import require_number_in
        ci = require_number_in("grid carbon intensity (g/kWh)", carbon_intensity_g_per_kwh,
                               B.CARBON_INTENSITY_G_PER_KWH, field="carbon_intensity_g_per_kwh")
        return ci, "given", None if g is None else g.country
    if g is not None:
        return g.carbon_intensity_g_per_kwh, f"{g.label}: {g.source}", g.country
    return None, None, None


def place_set_aside_note(carbon_intensity_g_per_kwh: float | None, source: str | None, region: str | None = None,
                         country: str | None = None) -> str | None:
    """Where an intensity is given with a place (a country or a region): that the place's own annual figure is set
    aside for it, and what the place still sets (researcher review 2026-11-30: `--country FRA --carbon-intensity 500`
    took 500 g with no word of France's 56 g). None where no place is given beside it."""
    if carbon_intensity_g_per_kwh is None or source != "given" or (region is None and country is None):
        return None
    g = _intensity(region, None, country)
    if g is None:
        return None
    return (f"grid: the {gfmt(float(carbon_intensity_g_per_kwh), 3)} g CO₂e/kWh given is used, in place of "
            f"{g.label}'s {gfmt(g.carbon_intensity_g_per_kwh, 3)} g (the data CodeCarbon ships); the place given sets "
            "the electricity's off-site water only")


def given_intensity_note(carbon_intensity_g_per_kwh: float | None, source: str | None) -> str | None:
    """A note where an intensity given is below every country's annual average in the data CodeCarbon ships: a figure
    in kg/kWh typed as g/kWh reads 1,000 times too clean (researcher review 2026-11-27: 0.4 taken as 0.4 g/kWh without
    a word). Not refused: a contract's market-based figure may be that low. None else."""
    if carbon_intensity_g_per_kwh is None or source != "given":
        return None
    # the countries with a grid that emits at all (the data holds a 0), and the highest: a figure is taken for kg/kWh
    # only where, read so, it is a grid's (below the lowest, and 1,000 × it no more than the highest)
    grids = [(g, name, year) for name, g, year in load_carbon_data().countries.values() if g > 0]
    (lowest, name, year), highest = min(grids), max(grids)[0]
    if not 0 < carbon_intensity_g_per_kwh < lowest or carbon_intensity_g_per_kwh * G_PER_KG > highest:
        return None
    return (f"grid: {gfmt(carbon_intensity_g_per_kwh, 3)} g CO₂e/kWh given, below the annual average of every country "
            f"in the data CodeCarbon ships whose grid emits (the lowest, {gfmt(lowest, 3)} g, {name} {year}): if it was "
            "kg/kWh, that is "
            f"{gfmt(carbon_intensity_g_per_kwh * G_PER_KG, 3)} g/kWh")


def grid_place(region: str | None = None, cloud: str | None = None, country: str | None = None) -> GridPlace | None:
    """Where the grid of a country (or a region of it) or a cloud region is, as data: the country's ISO-3 code and
    its name in CodeCarbon's country table (a cloud region's country too: "BEL", "Belgium"), and the cloud region
    as "provider:region"; None for neither (the world average, a preset's or a given intensity)."""
    g = _intensity(region, cloud, country)
    if g is None:
        return None
    data = load_carbon_data()
    name = data.countries[g.country][0] if g.country in data.countries else None
    region_id = None
    if cloud:  # the data's own key of the region cloud_intensity found (matched without case, as it matches)
        provider, _, region = cloud.strip().partition(":")
        keys = list(data.cloud) + list(data.cloud_places)
        region_id = next((f"{p}:{r}" for p, r in keys if p == provider.lower()
                          and r.lower() == region.strip().lower()), cloud.strip())
    p = place(country, region) if not cloud else None
    return GridPlace(country=g.country, country_name=name, cloud_region=region_id,
                     region=p.region if p is not None else None)


def another_clouds_price_note(est, region: str | None, cloud: str | None, country: str | None) -> str | None:
    """Where the grid is a cloud region and the price the profile's rate at another provider, the note that says so
    (``Estimate.price_of_another_cloud``); ``estimate`` and ``plan`` both say it (planner review 2026-11-28: `plan
    --cloud gcp:europe-west1` priced at AWS's p5 rate without the word `estimate` gives)."""
    from dataclasses import replace
    if not cloud:
        return None
    placed = replace(est, grid=grid_place(region, cloud, country))
    if (provider := placed.price_of_another_cloud()) is None:
        return None
    price = placed.assumption("price_usd_per_device_hour")
    return (f"price: the profile's ${gfmt(price.value, 3)} per device-hour is {price.source.split(';')[0]}, not "
            f"{provider}'s for {cloud}: give the region's own price per device-hour for its cost")
