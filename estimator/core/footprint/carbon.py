"""Grid carbon intensity by country (ISO 3166 alpha-3) or cloud region. Pure lookups.

The tables come from the data CodeCarbon ships (loaded by ``estimator.io.datafiles``):
``private_infra/global_energy_mix.json`` (per country, Our World in Data / Ember, 2023)
and ``cloud/impact.csv`` (per cloud region, from the providers' own figures).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass

from estimator.core.base.errors import MAX_QUOTED_CHARS, UnknownRegionError, quoted


@dataclass(frozen=True)
class GridIntensity:
    carbon_intensity_g_per_kwh: float
    label: str
    source: str
    country: str | None = None  # ISO 3166 alpha-3 of where the grid is, when known (the water uses it)


@dataclass(frozen=True)
class CarbonData:
    countries: Mapping[str, tuple[str, float, int]]  # ISO3 → (name, g/kWh, year)
    cloud: Mapping[tuple[str, str], tuple[float, str, str]]  # (provider, region) → (g/kWh, location, ISO3 or "")
    country_source: str
    cloud_source: str


def country_intensity(data: CarbonData, iso3: str) -> GridIntensity:
    code = iso3.strip().upper()
    if code not in data.countries:
        close = difflib.get_close_matches(code, list(data.countries), n=3) if len(code) <= MAX_QUOTED_CHARS else []
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UnknownRegionError(
            f"unknown region {quoted(iso3)}: use an ISO 3166 alpha-3 country code such as USA, FRA, DEU{hint}")
    name, value, year = data.countries[code]
    return GridIntensity(value, f"{name} ({code})", f"{data.country_source}, {year}", code)


def cloud_intensity(data: CarbonData, spec: str) -> GridIntensity:
    """``spec`` is ``provider:region``, e.g. ``gcp:europe-west1``."""
    provider, sep, region = spec.strip().partition(":")
    provider = provider.lower()
    if not sep or not region:
        raise UnknownRegionError(f"cloud region {quoted(spec)} must look like provider:region, e.g. gcp:us-central1",
                                 field="cloud")
    # regions are matched without case (CodeCarbon's names are lower-case, none differing by case alone)
    region = region.strip()
    key = (provider, next((r for p, r in data.cloud if p == provider and r.lower() == region.lower()), region))
    region = key[1]
    if key not in data.cloud:
        known = sorted(r for p, r in data.cloud if p == provider)
        if not known:
            providers = sorted({p for p, _ in data.cloud})
            raise UnknownRegionError(f"unknown cloud provider {quoted(provider)}; CodeCarbon's data has: {', '.join(providers)}",
                                     field="cloud")
        close = difflib.get_close_matches(region.lower(), known, n=3) if len(region) <= MAX_QUOTED_CHARS else []
        hint = f"did you mean {', '.join(close)}?" if close else f"known: {', '.join(known)}"
        raise UnknownRegionError(f"unknown {provider} region {quoted(region)}; {hint}", field="cloud")
    value, location, country = data.cloud[key]
    return GridIntensity(value, f"{provider}:{region} ({location})", data.cloud_source, country.upper() or None)
