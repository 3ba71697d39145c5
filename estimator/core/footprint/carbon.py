"""Grid carbon intensity by country, by a country's region, or by cloud region. Pure lookups.

The tables come from the data CodeCarbon ships (loaded by ``estimator.io.carbon_data``):
``private_infra/global_energy_mix.json`` (per country, Our World in Data / Ember, 2023), its sub-national
tables (U.S. states, Canadian provinces, Chinese provinces, Nordic bidding zones) and ``cloud/impact.csv``
(per cloud region, from the providers' own figures). Words as CodeCarbon uses them: a *country* (ISO 3166,
its ``country_iso_code``), a *region* inside it (a state or province, its ``region``), a *cloud region*
(``provider:region``). A cloud region whose provider publishes no figure (AWS, Azure: CodeCarbon 3 then uses
the location's grid) takes the grid of where it is, from the project's table of locations.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field

from estimator.core.base.errors import MAX_QUOTED_CHARS, UnknownRegionError, quoted


@dataclass(frozen=True)
class GridIntensity:
    carbon_intensity_g_per_kwh: float
    label: str
    source: str
    country: str | None = None  # ISO 3166 alpha-3 of where the grid is, when known (the water uses it)


@dataclass(frozen=True)
class SubRegion:
    """A region inside a country as CodeCarbon's data names it (a U.S. state, a Canadian province)."""

    name: str                      # "California"
    carbon_intensity_g_per_kwh: float
    source: str                    # the file and who measured it, with the year
    aliases: tuple[str, ...] = ()  # other spellings, lower case ("ca", "nei mongol")


@dataclass(frozen=True)
class CloudPlace:
    """Where a cloud region is, for a provider that publishes no grid figure per region (AWS, Azure)."""

    country: str           # ISO 3166 alpha-3
    region: str | None     # the key of its region in ``CarbonData.regions[country]``, where CodeCarbon has one
    location: str          # "Ashburn, Virginia"
    source: str            # where the location is stated


@dataclass(frozen=True)
class CarbonData:
    countries: Mapping[str, tuple[str, float, int]]  # ISO3 → (name, g/kWh, year)
    cloud: Mapping[tuple[str, str], tuple[float, str, str]]  # (provider, region) → (g/kWh, location, ISO3 or "")
    country_source: str
    cloud_source: str
    # ISO3 → the region's key (CodeCarbon's, lower case) → the region
    regions: Mapping[str, Mapping[str, SubRegion]] = field(default_factory=dict)
    # another name of a country (lower case: "united states of america", "south korea", ISO-2 "fr") → ISO3
    country_aliases: Mapping[str, str] = field(default_factory=dict)
    # (provider, region) → where it is, for a provider whose regions ``cloud`` lacks (the providers publish none)
    cloud_places: Mapping[tuple[str, str], CloudPlace] = field(default_factory=dict)


PROVIDER_NAMES = {"aws": "AWS", "azure": "Azure", "gcp": "Google Cloud"}
COUNTRY_FORMS = "a country's name (France) or its ISO 3166 code (FRA, FR)"


# How near a name must be to be offered: difflib's ratio, 0.7 (paper-statement review 2026-12-03: at difflib's default
# 0.6, "Atlantis" was offered Albania, 0.67; typed slips stay above: "Frnace" 0.83, "Germny" 0.92, "Holland" 0.77). A
# three-letter code keeps difflib's 0.6: one letter off ("FRN" for FRA) is 0.67 (diff review 2026-12-03).
NEAR_NAME_RATIO = 0.7
NEAR_CODE_RATIO = 0.6


def _close(word: str, names: list[str], n: int = 3, cutoff: float = NEAR_NAME_RATIO) -> list[str]:
    return difflib.get_close_matches(word, names, n=n, cutoff=cutoff) if len(word) <= MAX_QUOTED_CHARS else []


def country_label(data: CarbonData, iso3: str) -> str:
    """"France (FRA)": how a picker and a message show a country."""
    return f"{data.countries[iso3][0]} ({iso3})"


def country_code(data: CarbonData, given: str) -> str | None:
    """The ISO 3166 alpha-3 code of a country given by its name (any case) or its alpha-3 or alpha-2 code,
    among the countries CodeCarbon's data has; None where it names none."""
    text = " ".join(str(given).split())
    if text.upper() in data.countries:
        return text.upper()
    by_name = {name.lower(): code for code, (name, _, _) in data.countries.items()}
    code = by_name.get(text.lower()) or data.country_aliases.get(text.lower())
    return code if code in data.countries else None


def find_country(data: CarbonData, given: str, field_name: str = "country") -> str:
    """``country_code``, or a refusal that names the nearest countries ("did you mean France (FRA)?")."""
    code = country_code(data, given)
    if code is not None:
        return code
    text = " ".join(str(given).split()).lower()
    names = {name.lower(): code for code, (name, _, _) in data.countries.items()}
    names.update({alias: code for alias, code in data.country_aliases.items() if len(alias) > 3})
    near = list(dict.fromkeys(names[n] for n in _close(text, list(names))))
    near += [c for c in _close(text.upper(), list(data.countries), cutoff=NEAR_CODE_RATIO) if c not in near]
    hint = f"; did you mean {', '.join(country_label(data, c) for c in near[:3])}?" if near else ""
    if field_name == "region":  # a region given alone: a country (its earlier meaning), or country:region
        # a cloud provider's region name ("us-east-1") is a cloud region (researcher review 2026-11-27: the hint named
        # usa:california only)
        clouds = sorted(f"{p}:{r}" for p, r in (*data.cloud, *data.cloud_places) if r == text)
        if clouds:  # refused as the cloud's input, so that the CLI names its flag (code review 2026-11-27)
            raise UnknownRegionError(f"{quoted(given)} is a cloud's region, not a country's: give the cloud region "
                                     f"{' or '.join(clouds)}", field="cloud")
        raise UnknownRegionError(f"unknown region {quoted(given)}: give {COUNTRY_FORMS}, or a region with its country "
                                 f"(usa:california){hint}", field=field_name)
    raise UnknownRegionError(f"unknown country {quoted(given)}: give {COUNTRY_FORMS}{hint}", field=field_name)


def country_intensity(data: CarbonData, iso3: str) -> GridIntensity:
    """A country's grid, the country given by name or code (``find_country``)."""
    code = find_country(data, iso3, "region")
    name, value, year = data.countries[code]
    return GridIntensity(value, f"{name} ({code})", f"{data.country_source}, {year}", code)


def sub_region_key(data: CarbonData, iso3: str, given: str) -> str | None:
    """The key of a region of ``iso3`` named by its key, name or an alias (any case); None where none is."""
    text = " ".join(str(given).split()).lower()
    regions = data.regions.get(iso3, {})
    for key, r in regions.items():
        if text in (key.lower(), r.name.lower(), *r.aliases):
            return key
    return None


def region_intensity(data: CarbonData, iso3: str, given: str, field_name: str = "region") -> GridIntensity:
    """The grid of a region inside the country ``iso3`` (a U.S. state, a Canadian province), refused with the
    nearest names where the data has no such region, or has none for the country."""
    regions = data.regions.get(iso3, {})
    if not regions:
        having = ", ".join(country_label(data, c) for c in sorted(data.regions) if c in data.countries)
        raise UnknownRegionError(f"CodeCarbon's data has no regions of {country_label(data, iso3)}, only its country's "
                                 f"grid: leave the region out (regions: {having})", field=field_name)
    key = sub_region_key(data, iso3, given)
    if key is None:
        names = sorted(r.name for r in regions.values())
        near = _close(" ".join(str(given).split()).lower(), [n.lower() for n in names])
        shown = [n for n in names if n.lower() in near]
        hint = (f"did you mean {', '.join(shown)}?" if shown else f"its regions: {', '.join(names)}")
        raise UnknownRegionError(f"unknown region {quoted(given)} of {country_label(data, iso3)}; {hint}",
                                 field=field_name)
    r = regions[key]
    return GridIntensity(r.carbon_intensity_g_per_kwh, f"{r.name}, {country_label(data, iso3)}", r.source, iso3)


@dataclass(frozen=True)
class Place:
    """Where a grid is, as given: a country's ISO-3 code, a region key inside it (or None), and whether a
    ``region`` given alone was read as a country (the CLI's `--region FRA`, from before regions)."""

    country: str
    region: str | None = None
    region_read_as_country: bool = False
    # a ``region`` given alone that is a region of one country only ("california"): read as that country's region, and
    # said (researcher review 2026-11-30: refused, where the refusal named the one reading it could have)
    country_from_region: bool = False


def find_place(data: CarbonData, country: str | None = None, region: str | None = None) -> Place | None:
    """The country and region given, in CodeCarbon's words: ``country`` by name or code; ``region`` a region of it
    ("california" with "USA"), or alone as "country:region" ("usa:california"), or alone a country's ISO-3 code or
    name (the earlier meaning of ``region``: read as that country, and said). A region's name given without its
    country is read as the one country's that has it, and said; where several have it (or it names a country too),
    refused with the countries to give; never a silent world average."""
    if country is None and region is None:
        return None
    if country is not None:
        code = find_country(data, country, "country")
        if region is None:
            return Place(code)
        head, sep, tail = region.partition(":")
        if sep and country_code(data, head) == code:  # "--country USA --region usa:california" says it twice
            region = tail
        region_intensity(data, code, region)
        return Place(code, sub_region_key(data, code, region))
    head, sep, tail = region.partition(":")
    if sep and country_code(data, head) is None and head.strip().lower() in {p for p, _ in (*data.cloud, *data.cloud_places)}:
        # "aws:us-east-1" is a cloud region (code review 2026-11-27: read as a country, "did you mean Samoa")
        raise UnknownRegionError(f"{quoted(region)} is a cloud region, not a country's: give it as the cloud region",
                                 field="cloud")
    if sep:
        code = find_country(data, head, "region")
        region_intensity(data, code, tail)
        return Place(code, sub_region_key(data, code, tail))
    code = country_code(data, region)
    owners = [c for c in data.regions if sub_region_key(data, c, region) is not None]
    if code is not None and (region.strip().upper() == code or not owners):
        return Place(code, None, region_read_as_country=True)
    if len(owners) == 1 and code is None:  # one country has it, and it names no country: that country's, said
        return Place(owners[0], sub_region_key(data, owners[0], region), country_from_region=True)
    if owners:
        ways = [f"country {c} and region {sub_region_key(data, c, region)} ({c.lower()}:"
                f"{sub_region_key(data, c, region)})" for c in owners]
        if code is not None:
            ways.insert(0, f"country {code} for {country_label(data, code)}")
        raise UnknownRegionError(f"region {quoted(region)} needs its country (a region is a state or province, as in "
                                 f"CodeCarbon): give {' or '.join(ways)}", field="region")
    find_country(data, region, "region")  # refused with the nearest countries
    raise AssertionError("unreachable: find_country refuses what country_code does not find")


def place_intensity(data: CarbonData, place: Place) -> GridIntensity:
    if place.region is None:
        return country_intensity(data, place.country)
    return region_intensity(data, place.country, place.region)


def cloud_specs(data: CarbonData) -> list[str]:
    """Every cloud region ``cloud_intensity`` takes, as "provider:region", sorted: those with a published figure
    (CodeCarbon's, Google's) and those located on a grid (AWS's, Azure's). The app offers these (app parity review
    2026-12-03: it offered Google's alone, and a link's aws:us-east-1 fell back to the world average)."""
    return [f"{p}:{r}" for p, r in sorted(set(data.cloud) | set(data.cloud_places))]


def cloud_intensity(data: CarbonData, spec: str) -> GridIntensity:
    """``spec`` is ``provider:region``, e.g. ``gcp:europe-west1``, ``aws:us-east-1``, ``azure:westeurope``."""
    provider, sep, region = spec.strip().partition(":")
    provider = provider.lower()
    if not sep or not region:
        raise UnknownRegionError(f"cloud region {quoted(spec)} must look like provider:region, e.g. gcp:us-central1",
                                 field="cloud")
    # regions are matched without case (CodeCarbon's names are lower-case, none differing by case alone)
    region = region.strip()
    keys = list(data.cloud) + [k for k in data.cloud_places if k not in data.cloud]
    key = (provider, next((r for p, r in keys if p == provider and r.lower() == region.lower()), region))
    region = key[1]
    if key in data.cloud:
        value, location, country = data.cloud[key]
        return GridIntensity(value, f"{provider}:{region} ({location})", data.cloud_source, country.upper() or None)
    if key in data.cloud_places:
        at = data.cloud_places[key]
        grid = place_intensity(data, Place(at.country, at.region))
        name = data.countries[at.country][0]
        where = at.location if at.location == name else f"{at.location}, {name}"
        return GridIntensity(grid.carbon_intensity_g_per_kwh, f"{provider}:{region} ({where})",
                             f"{PROVIDER_NAMES.get(provider, provider)} publishes no grid figure per region, so the "
                             f"grid of {grid.label}, as CodeCarbon takes it: "
                             f"{grid.source}; location: {at.source}", at.country)
    known = sorted(r for p, r in keys if p == provider)
    if not known:
        providers = sorted({p for p, _ in keys})
        raise UnknownRegionError(f"unknown cloud provider {quoted(provider)}; known: {', '.join(providers)}",
                                 field="cloud")
    close = difflib.get_close_matches(region.lower(), known, n=3) if len(region) <= MAX_QUOTED_CHARS else []
    hint = f"did you mean {', '.join(close)}?" if close else f"known: {', '.join(known)}"
    raise UnknownRegionError(f"unknown {provider} region {quoted(region)}; {hint}", field="cloud")
