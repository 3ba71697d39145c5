"""The grid a run draws from, named by an intensity, a country or a cloud region: its intensity and
source (``resolve_grid``), and where it is (``grid_place``: the country's code and name, the cloud region),
as data the exports state (estimator/core/estimate_result.GridPlace). ``estimator.services.api`` re-exports these.
"""

from __future__ import annotations

from estimator.core.base import bounds as B
from estimator.core.base.errors import InputError
from estimator.core.footprint.carbon import GridIntensity, cloud_intensity, country_intensity
from estimator.core.training.result import GridPlace
from estimator.io.datafiles import load_carbon_data


def text_or_none(name: str, value) -> None:
    """None (not given) or non-empty text: empty text is refused, never read as "not given"."""
    if value is not None and not isinstance(value, str):
        raise InputError(f"{name} must be text (an id), got {repr(value)[:40]}", field=name)
    if value is not None and not value.strip():
        raise InputError(f"{name} must not be empty text: give an id or leave it out", field=name)


def resolve_grid(carbon_intensity_g_per_kwh=None, region: str | None = None, cloud: str | None = None):
    """(g/kWh, source) from a number, an ISO-3 country code or ``provider:region``."""
    ci, source, _ = resolve_grid_site(carbon_intensity_g_per_kwh, region, cloud)
    return ci, source


def _intensity(region: str | None, cloud: str | None) -> GridIntensity | None:
    """CodeCarbon's figure for a country or a cloud region (None for neither)."""
    text_or_none("region", region)
    text_or_none("cloud", cloud)
    if not (region or cloud):
        return None
    return country_intensity(load_carbon_data(), region) if region else cloud_intensity(load_carbon_data(), cloud)


def resolve_grid_site(carbon_intensity_g_per_kwh=None, region: str | None = None, cloud: str | None = None):
    """(g/kWh, source, ISO-3 country or None): ``resolve_grid`` and where the grid is, when a
    country or a cloud region names it (the electricity's water depends on it)."""
    given = [x is not None for x in (carbon_intensity_g_per_kwh, region, cloud)]
    if sum(given) > 1:
        text_or_none("region", region)
        text_or_none("cloud", cloud)
        raise InputError("grid intensity given more than once (intensity, country, cloud region): give one",
                         field=("carbon_intensity_g_per_kwh", "region", "cloud"))
    g = _intensity(region, cloud)
    if g is not None:
        return g.carbon_intensity_g_per_kwh, f"{g.label}: {g.source}", g.country
    if carbon_intensity_g_per_kwh is not None:
        from estimator.core.base.validation import require_number_in
        ci = require_number_in("grid carbon intensity (g/kWh)", carbon_intensity_g_per_kwh,
                               B.CARBON_INTENSITY_G_PER_KWH, field="carbon_intensity_g_per_kwh")
        return ci, "given", None
    return None, None, None


def grid_place(region: str | None = None, cloud: str | None = None) -> GridPlace | None:
    """Where the grid of a country or a cloud region is, as data: the country's ISO-3 code and its name in
    CodeCarbon's country table (a cloud region's country too: "BEL", "Belgium"), and the cloud region as
    "provider:region"; None for neither (the world average, a preset's or a given intensity)."""
    g = _intensity(region, cloud)
    if g is None:
        return None
    data = load_carbon_data()
    name = data.countries[g.country][0] if g.country in data.countries else None
    region_id = None
    if cloud:  # the data's own key of the region cloud_intensity found (matched without case, as it matches)
        provider, _, region = cloud.strip().partition(":")
        region_id = next((f"{p}:{r}" for p, r in data.cloud if p == provider.lower()
                          and r.lower() == region.strip().lower()), cloud.strip())
    return GridPlace(country=g.country, country_name=name, cloud_region=region_id)
