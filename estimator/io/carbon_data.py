"""Grid carbon intensity from the data CodeCarbon ships: by country (``global_energy_mix.json``), by a country's
region (its sub-national files: U.S. states, Canadian provinces, Chinese provinces, Nordic bidding zones) and by
cloud region (``cloud/impact.csv``), read through the guarded reader; a row without a usable figure is left out.
AWS and Azure regions, for which CodeCarbon ships no figure (their providers publish none), are placed by the
project's ``estimator/data/cloud_region_locations.csv`` and take the grid of where they are."""

from __future__ import annotations

import csv
import io
import math
import re
from functools import lru_cache

from estimator.core.base import bounds as B
from estimator.core.base.units import G_PER_KG, KG_PER_LB, KWH_PER_MWH
from estimator.core.footprint.carbon import CarbonData, CloudPlace, SubRegion
from estimator.io import safe_read
from estimator.io.paths import DATA_DIR, codecarbon_data_dir, codecarbon_version

CLOUD_LOCATIONS_PATH = DATA_DIR / "cloud_region_locations.csv"
# eGRID's unit, lb/MWh: × KG_PER_LB × G_PER_KG ÷ KWH_PER_MWH = g/kWh (the factor 0.45359237).
LB_PER_MWH_TO_G_PER_KWH = KG_PER_LB * G_PER_KG / KWH_PER_MWH
# CodeCarbon's factors for a Canadian province's mix (kg CO2/kWh by fuel; the other sources count as zero):
# codecarbon/core/emissions.py ``_region_energy_mix_to_emissions_rate``, from energy-usage
# (github.com/responsibleproblemsolving/energy-usage#conversion-to-co2). Kept as CodeCarbon computes them.
CANADA_FUEL_KG_PER_KWH = {"coal": 0.995725971, "petroleum": 0.8166885263, "naturalGas": 0.7438415916}
# What each file's intensities count: a US state's (EPA eGRID's output emission rates) and a Canadian province's (the
# fossil fuels' factors above) the emissions of the fuel burnt at the plant; a country's (Ember's, through Our World
# in Data) life-cycle emissions of every source, hydro, nuclear, wind and solar included (Ember's methodology) — so a
# mostly hydro province reads lower than a country of like mix.
SCOPE_AT_PLANT = "combustion at the plant only, not life-cycle as a country's figure is"
SCOPE_LIFE_CYCLE = "life-cycle emissions of every source"
# A Chinese province's (MEE/NBS's 2023 factors, the file's metadata "convention": "CO2 only (not CO2eq, no lifecycle
# emissions)", the average over the province's generation with the transfers between provinces counted) and a Nordic
# bidding zone's (the file's metadata "method": the zone's own generation mix, ENTSO-E A75, × CodeCarbon's per-source
# factors, life-cycle for hydro, wind, nuclear and solar, combustion for coal, oil and gas (energy-usage's EIA
# conversion; diff review 2026-12-02); the types the derivation had no factor for ("Other", waste, biomass) at zero, so
# a zone whose "coverage" is well below 100% reads low: SE4's 85%). Researcher review 2026-12-02 left these two unsaid.
SCOPE_CO2_AT_PLANT = "CO₂ only, at the plant, not life-cycle as a country's figure is"
SCOPE_ZONE_MIX = ("the zone's own generation mix, not its imports, × CodeCarbon's per-source factors (life-cycle for "
                  "the low-carbon sources, combustion for the fossil ones), the sources the derivation had no factor "
                  "for counted as zero")
# Below this share of a zone's generation with a factor, its figure is said to be a lower bound (a design choice: the
# file's own words for SE4 at 85% are "Lower bound", its metadata's "well below 100%"; in CodeCarbon 3.3 it flags SE4
# and SE3 at 94.6%, the other zones holding 98.6% or more)
ZONE_COVERAGE_FULL = 0.95


def _intensity(value) -> float | None:
    """A grid intensity from CodeCarbon's data, or None for a row that carries none usable: not a number, not
    finite, or outside the bound an intensity given by hand must meet (code audit: an ``inf`` or ``nan`` row was
    taken, and the refusal then blamed the user's --region). Such a row is left out, as one without a number."""
    if isinstance(value, bool):
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    bound = B.CARBON_INTENSITY_G_PER_KWH
    return value if math.isfinite(value) and bound.low <= value <= bound.high else None


def _optional_json(path, fix):
    """A sub-national file CodeCarbon ships, or None where this CodeCarbon has none (older releases lack some):
    the country's own grid then stands, and the region is refused by name."""
    return safe_read.read_data_json(path, fix) if path.is_file() else None


def _us_states(data, version: str) -> dict[str, SubRegion]:
    src = data.get("_source", {}) if isinstance(data.get("_source"), dict) else {}
    # the scope said, as a country's: eGRID's output rates are the plants' own (combustion) emissions, Ember's
    # country figures life-cycle ones (researcher review 2026-12-02: Quebec read 7× cleaner than Norway, unsaid)
    source = (f"CodeCarbon {version} 2023/usa_emissions.json ({src.get('name', 'EPA eGRID')}: {SCOPE_AT_PLANT}), "
              f"{src.get('year', '')}").rstrip(", ")
    out = {}
    for key, row in data.items():
        if key.startswith("_") or key == "usa" or not isinstance(row, dict):
            continue
        lbs = _intensity(row.get("emissions"))
        value = _intensity(lbs * LB_PER_MWH_TO_G_PER_KWH) if lbs is not None else None
        if value is not None:
            code = str(row.get("regionCode", "")).strip().lower()
            out[key] = SubRegion(key.title().replace(" Of ", " of "), value, source, (code,) if code else ())
    return out


def _canada_provinces(data, version: str) -> dict[str, SubRegion]:
    source = (f"CodeCarbon {version} 2023/canada_energy_mix.json (the province's generation mix × CodeCarbon's fuel "
              f"factors: coal, petroleum, natural gas, the other sources counted as zero: {SCOPE_AT_PLANT})")
    out = {}
    for key, mix in data.items():
        if not isinstance(mix, dict) or not _intensity(mix.get("total")):
            continue
        try:
            kg = sum(float(mix.get(fuel, 0.0)) / float(mix["total"]) * f for fuel, f in CANADA_FUEL_KG_PER_KWH.items())
        except (TypeError, ValueError):
            continue
        value = _intensity(kg * G_PER_KG)
        if value is not None:
            out[key] = SubRegion(key.title().replace(" And ", " and "), value, source)
    return out


def _coverage(text) -> float | None:
    """The share of a zone's generation that has a factor, from the file's ``coverage`` ("85.05% (uncovered: …)"),
    or None where it is not stated as a percentage."""
    match = re.match(r"\s*([0-9.]+)\s*%", text) if isinstance(text, str) else None
    try:
        share = float(match.group(1)) / 100 if match else None
    except ValueError:
        return None
    return share if share is not None and 0 <= share <= 1 else None


def _tabled(data, version: str, file: str, who: str, scope: str, by_key: bool = False) -> dict[str, SubRegion]:
    """China's provinces and the Nordic bidding zones: ``{"data": {key: {"emission_factor", "description",
    "year", "names", "coverage"}}, "metadata": {"source"}}``; ``scope`` what the figures count, said in the source with
    a zone's share of generation left at zero where it makes the figure a lower bound."""
    meta = data.get("metadata", {}) if isinstance(data.get("metadata"), dict) else {}
    out = {}
    for key, row in (data.get("data") or {}).items():
        value = _intensity(row.get("emission_factor")) if isinstance(row, dict) else None
        if value is None:
            continue
        names = tuple(str(n).lower() for n in row.get("names", ()) if isinstance(n, str))
        name = key.upper() if by_key or not names else names[0].title()
        year = row.get("year", meta.get("year", ""))
        share = _coverage(row.get("coverage"))
        low = (f", a lower bound here with {1 - share:.0%} of the generation at zero"
               if share is not None and share < ZONE_COVERAGE_FULL else "")
        out[key.lower()] = SubRegion(name, value, f"CodeCarbon {version} {file} ({who}: {scope}{low}), {year}",
                                     (*names, str(row.get("description", "")).lower()))
    return out


# Names people type that pycountry does not hold (researcher review 2026-12-01: "UK" was refused, "did you mean
# Ukraine?"): ISO 3166-1's exceptionally reserved alpha-2 codes, UK for the United Kingdom and EL for Greece (ISO 3166
# Maintenance Agency, https://www.iso.org/obp/ui/#search/code, "Exceptionally reserved code elements"), the nations
# of Great Britain, whose grid is the United Kingdom's in CodeCarbon's table, and former or short names.
OTHER_COUNTRY_NAMES = {"uk": "GBR", "u.k.": "GBR", "great britain": "GBR", "britain": "GBR", "england": "GBR",
                       "scotland": "GBR", "wales": "GBR", "el": "GRC", "holland": "NLD", "uae": "ARE",
                       "ivory coast": "CIV", "burma": "MMR", "macedonia": "MKD", "swaziland": "SWZ"}


def _country_aliases(countries) -> dict[str, str]:
    """Other names and the ISO alpha-2 code of each country, lower case, from pycountry (a CodeCarbon dependency;
    none where it is missing: the names in CodeCarbon's table and the alpha-3 codes still work), and
    ``OTHER_COUNTRY_NAMES``."""
    out = {}
    try:
        import pycountry
    except ImportError:
        pycountry = None
    for c in pycountry.countries if pycountry is not None else ():
        if c.alpha_3 in countries:
            for name in (c.alpha_2, c.name, getattr(c, "official_name", None), getattr(c, "common_name", None)):
                if name:
                    out.setdefault(name.lower(), c.alpha_3)
    for name, code in OTHER_COUNTRY_NAMES.items():
        if code in countries:
            out.setdefault(name, code)
    return out


def _cloud_places(countries, regions) -> dict[tuple[str, str], CloudPlace]:
    text = safe_read.read_data_text(CLOUD_LOCATIONS_PATH, "reinstall the estimator")
    out = {}
    for row in csv.DictReader(io.StringIO(text, newline="")):
        country, region = row["country"].strip().upper(), row["codecarbon_region"].strip().lower() or None
        if country not in countries:
            continue  # the country's grid is not in this CodeCarbon's data: the region stays unknown, refused
        if region is not None and region not in regions.get(country, {}):
            region = None  # a CodeCarbon without that region's file: the country's grid
        out[(row["provider"].strip().lower(), row["region"].strip())] = CloudPlace(
            country, region, row["location"].strip(), row["source"].strip())
    return out


@lru_cache(maxsize=1)
def load_carbon_data() -> CarbonData:
    base = codecarbon_data_dir()
    mix_path = base / "private_infra" / "global_energy_mix.json"
    cloud_path = base / "cloud" / "impact.csv"
    fix = "reinstall CodeCarbon (`pip install codecarbon`)"
    mix = safe_read.read_data_json(mix_path, fix)
    cloud_rows = list(csv.DictReader(io.StringIO(safe_read.read_data_text(cloud_path, fix), newline="")))
    countries = {}
    for code, row in mix.items():
        value = _intensity(row.get("carbon_intensity"))
        if value is not None:
            countries[code.upper()] = (row.get("country_name", code), value, int(row.get("year", 0)))
    cloud = {}
    for row in cloud_rows:
        value = _intensity(row.get("impact"))
        if value is not None and row.get("provider") and row.get("region"):
            cloud[(row["provider"].strip().lower(), row["region"].strip())] = (
                value, ", ".join(x for x in (row.get("city"), row.get("country_name")) if x),
                (row.get("countryIsoCode") or "").strip())
    version = codecarbon_version()
    private = base / "private_infra"
    regions = {}
    for country, path, read in (("USA", private / "2023" / "usa_emissions.json", _us_states),
                                ("CAN", private / "2023" / "canada_energy_mix.json", _canada_provinces)):
        data = _optional_json(path, fix)
        if isinstance(data, dict):
            regions[country] = read(data, version)
    china = _optional_json(private / "2023" / "china_provincial_emissions.json", fix)
    if isinstance(china, dict):
        regions["CHN"] = _tabled(china, version, "2023/china_provincial_emissions.json", "MEE and NBS of China",
                                 SCOPE_CO2_AT_PLANT)
    nordic = _optional_json(private / "nordic_emissions.json", fix)
    if isinstance(nordic, dict):
        zones = _tabled(nordic, version, "nordic_emissions.json", "ENTSO-E Transparency, by bidding zone",
                        SCOPE_ZONE_MIX, by_key=True)
        for country, prefix in (("SWE", "se"), ("NOR", "no"), ("FIN", "fi")):
            # Finland's one zone is the country itself: no region of it
            if country != "FIN":
                regions[country] = {k: v for k, v in zones.items() if k.startswith(prefix)}
    regions = {c: r for c, r in regions.items() if r and c in countries}
    return CarbonData(countries, cloud,
                      country_source=f"CodeCarbon {version} global_energy_mix.json (Our World in Data / Ember: "
                                     f"{SCOPE_LIFE_CYCLE})",
                      cloud_source=f"CodeCarbon {version} cloud/impact.csv (provider's published region figures)",
                      regions=regions, country_aliases=_country_aliases(countries),
                      cloud_places=_cloud_places(countries, regions))
