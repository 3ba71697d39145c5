"""Grid carbon intensity from the data CodeCarbon ships: by country (``global_energy_mix.json``) and by cloud
region (``cloud/impact.csv``), read through the guarded reader; a row without a usable figure is left out."""

from __future__ import annotations

import csv
import io
import math
from functools import lru_cache

from estimator.core.base import bounds as B
from estimator.core.footprint.carbon import CarbonData
from estimator.io import safe_read
from estimator.io.paths import codecarbon_data_dir, codecarbon_version


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
    return CarbonData(countries, cloud,
                      country_source=f"CodeCarbon {version} global_energy_mix.json (Our World in Data / Ember)",
                      cloud_source=f"CodeCarbon {version} cloud/impact.csv (provider's published region figures)")
