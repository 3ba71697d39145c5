"""The sidebar's site sections: "Grid and price" (where the grid's carbon intensity comes from, and the
prices) and "Embodied carbon and water". They describe the user's own setting: picking a preset keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from app_pages.inputs import declared as d
from app_pages.inputs.defaults import GRID_BY
from app_pages.inputs.placeholders import PresetInputs, sig
from app_pages.ui import common as c
from estimator.core.base.errors import EstimatorError
from estimator.core.footprint.carbon import cloud_specs, country_code, country_label
from estimator.core.footprint.water import DEFAULT_COOLING, ewif_fallback
from estimator.core.training.estimate import DEFAULT_CARBON_INTENSITY_G_PER_KWH
from estimator.services import inputs as I
from estimator.services.grid import place


@dataclass(frozen=True)
class GridChoice:
    """Where the grid's carbon intensity comes from (a ``GRID_BY`` choice), the country (ISO-3), the state or
    province inside it, or the cloud region picked (None when not), and a typed intensity (``kwargs``, for
    ``api.run``)."""

    grid_by: str
    region: str | None
    cloud: str | None
    kwargs: dict[str, Any]
    country: str | None = None


def country_labels(data: Any) -> dict[str, str]:
    """ISO-3 → "France (FRA)", by name: what the picker shows, so that typing a name or a code finds it."""
    return {code: country_label(data, code) for code in sorted(data.countries, key=lambda c: data.countries[c][0])}


def mend_country_link(data: Any, labels: dict[str, str], key: str = I.COUNTRY.url_key) -> None:
    """A link's ``?region=FRA`` (the ISO-3 code, as links had it), ``?region=france`` or ``?region=FR`` is the
    picker's "France (FRA)": the URL is mended and the page runs again (the key stays ``region``; ``key``: a page's
    own country key, the Inference and Plan pages')."""
    raw = st.query_params.get(key)
    if raw is None or raw in labels.values():
        return
    code = country_code(data, raw)
    if code is not None:
        st.query_params[key] = labels[code]
        st.rerun()


# the URL key of the grid's source (the Estimate and Plan pages share it, and the grid's other keys)
GRID_BY_KEY = "grid_by"
# The command line's name for the country, in a link: the picker's URL key is "region" (``inputs.COUNTRY``).
CLI_COUNTRY_KEY = "country"


def mend_cli_grid_keys() -> None:
    """A link written with the command line's words, ``?country=USA`` (and ``&region=california``, the CLI's
    --region: a state), is read as the CLI reads it (review 2026-11-27: ``?country=USA`` was ignored as a typo and
    the world average taken): the country moves to the picker's key, a region beside it to the state's key."""
    country = st.query_params.get(CLI_COUNTRY_KEY)
    if country is None or I.COUNTRY.url_key == CLI_COUNTRY_KEY:
        return
    state = st.query_params.get(I.COUNTRY.url_key)
    if state is not None and I.REGION.url_key not in st.query_params:
        st.query_params[I.REGION.url_key] = state
        c.url_key_written_as(I.REGION.url_key, I.COUNTRY.url_key)  # the CLI's --region: a state, as the link wrote it
    st.query_params[I.COUNTRY.url_key] = country
    del st.query_params[CLI_COUNTRY_KEY]
    # a warning of the value names the key the link wrote (lecturer review 2026-11-30: ?country=ZZZ was "region")
    c.url_key_written_as(I.COUNTRY.url_key, CLI_COUNTRY_KEY)


def mend_region_alone() -> None:
    """A link's state or zone without its country, as the CLI takes ``--region`` alone (``read as usa:california``):
    ``?grid_region=California``, or the CLI's words under the country's key, ``?region=usa:california`` or
    ``?region=california``, is read as that one country's region: the country to the picker's key, the region's name
    to the region's (app review 2026-12-02: the world average had been taken, or the text refused as a country); a
    country alone there (``?grid_region=FRA``) is that country. A name that is no one country's region is left as it
    is, for the picker to say so."""
    picker, region_key = I.COUNTRY.url_key, I.REGION.url_key
    given = st.query_params.get(picker)
    text = st.query_params.get(region_key) if given is None else given
    if not text or (given is not None and region_key in st.query_params):
        return
    try:
        found = place(None, text)
    except EstimatorError:
        return   # neither: the picker says so
    if found is not None and found.region is None and given is None:
        # a country alone under the region's key (``?grid_region=FRA``), as `--region FRA` alone is read as that
        # country (app parity review 2026-12-03: the link was ignored and the world average taken): the picker's
        st.query_params[picker] = found.country
        del st.query_params[region_key]
        return
    if found is None or found.region is None or not (found.country_from_region or ":" in text):
        return   # a country (or a country's code read as one): the picker's own
    st.query_params[picker] = found.country
    st.query_params[region_key] = c.carbon_data().regions[found.country][found.region].name


def infer_grid_source_from_link() -> None:
    """A link with ?grid=…, ?region=… or ?cloud=… but no ?grid_by= means that source (as the CLI's flags do): an
    intensity first, its country beside it being the site's (``--carbon-intensity 380 --country DEU``); one with the
    CLI's ?country=… is read as the CLI reads it first (``mend_cli_grid_keys``), and a region without its country as
    the CLI reads ``--region`` alone (``mend_region_alone``)."""
    mend_cli_grid_keys()
    if CLI_COUNTRY_KEY not in st.query_params:
        mend_region_alone()
    if GRID_BY_KEY in st.session_state or GRID_BY_KEY in st.query_params:
        return
    for key, source in ((I.GRID.url_key, "g/kWh"), (I.COUNTRY.url_key, "country"), (I.CLOUD.url_key, "cloud")):
        if key in st.query_params:
            st.session_state[GRID_BY_KEY] = source
            break


def _until_chosen(shown: PresetInputs) -> str:
    """What the grid intensity is while no country or cloud region is chosen (user-journey review)."""
    return ("until one is chosen, " + (f"the preset's {sig(shown['carbon_intensity_g_per_kwh'])}"
                                       if "carbon_intensity_g_per_kwh" in shown
                                       else f"the world average, {sig(DEFAULT_CARBON_INTENSITY_G_PER_KWH)}")
            + " gCO2e/kWh")


def draw_grid(side: Any, shown: PresetInputs) -> GridChoice:
    """The "Grid and price" subsection's grid part: the source switch (inferred from a link that implies
    one), then the country, the cloud region or the intensity itself."""
    side.subheader("Grid and price")
    region = cloud = None
    kwargs: dict[str, Any] = {}
    infer_grid_source_from_link()
    grid_by = c.url_radio("Grid carbon intensity from", GRID_BY_KEY, GRID_BY, default="default", where=side)
    unset = _until_chosen(shown)
    country = None
    if grid_by == "country":
        data, country = pick_country(side, "type a name or code, e.g. France")
        grid_text = f"No country: {unset}"
        if country:
            grid_text = f"{data.countries[country][0]}: {sig(data.countries[country][1])} gCO2e/kWh"
            regions = data.regions.get(country, {})
            if regions:
                names = {r.name: key for key, r in sorted(regions.items(), key=lambda kv: kv[1].name)}
                name = d.select(I.REGION, list(names), where=side, any_case=True,
                                placeholder=f"the whole of {data.countries[country][0]}")
                region = names.get(name) if name else None
                if region:
                    r = regions[region]
                    grid_text = f"{r.name}, {data.countries[country][0]}: {sig(r.carbon_intensity_g_per_kwh)} gCO2e/kWh"
        side.caption(c.md_escape(grid_text))
    elif grid_by == "cloud":
        data = c.carbon_data()
        cloud = d.select(I.CLOUD, cloud_specs(data), placeholder="e.g. gcp:europe-west1", where=side, any_case=True)
        if not cloud:
            side.caption(f"No cloud region: {unset}")
    elif grid_by == "g/kWh":
        kwargs["carbon_intensity_g_per_kwh"] = d.number(I.GRID, fmt="%.4g", placeholder=_empty_intensity(shown),
                                                        where=side)
        country = _site_country(side, kwargs["carbon_intensity_g_per_kwh"] is not None)
    return GridChoice(grid_by, region, cloud, kwargs, country)


def grid_place(side: Any, country_input: I.Input, cloud_input: I.Input, country_placeholder: str) -> tuple[str | None, str | None]:
    """A page's grid place under its own URL keys (the Inference and Plan pages'), as `--country/--cloud` take it: the
    country (ISO-3) from the Estimate page's labels ("France (FRA)"), a link's code or name mended to one, and the cloud
    region; with an intensity given too, the number sets the CO₂e and the country the electricity's water, as the CLI
    reads both (serving-engineer and researcher reviews 2026-11-29: a French grid was the CLI's alone there)."""
    data, country = pick_country(side, country_placeholder, country_input)
    cloud = d.select(cloud_input, cloud_specs(data), where=side, any_case=True,
                     placeholder="none, e.g. gcp:europe-west1")
    return country, (cloud or None)


def _empty_intensity(shown: PresetInputs) -> str:
    """What an empty g/kWh field means: the country picked below, where one is (it sets the CO₂e then, as `--country`
    alone does), else the preset's figure, else the world average (browser review 2026-11-29: "475 (profile)" stood
    over a CO₂e at Germany's 381, and 475 is no profile's)."""
    data = c.carbon_data()
    picked = st.session_state.get(I.COUNTRY.url_key, st.query_params.get(I.COUNTRY.url_key))
    code = {v: k for k, v in country_labels(data).items()}.get(picked) if picked else None
    if code is not None:
        name, intensity = data.countries[code][0], data.countries[code][1]
        return f"{sig(intensity)} ({name}'s, below)"
    if "carbon_intensity_g_per_kwh" in shown:
        return shown.placeholder("carbon_intensity_g_per_kwh")
    return f"{sig(DEFAULT_CARBON_INTENSITY_G_PER_KWH)} (world average)"


def pick_country(side: Any, placeholder: str, country_input: I.Input = I.COUNTRY) -> tuple[Any, str | None]:
    """CodeCarbon's data and the country picked (ISO-3), or None: the Country box, by name or code, a link's code
    mended to the box's label first; the grid's country and a site's own intensity's country are this one box (a page
    with keys of its own gives its ``country_input``)."""
    data = c.carbon_data()
    labels = country_labels(data)
    mend_country_link(data, labels, country_input.url_key)
    by_label = {v: k for k, v in labels.items()}
    picked = d.select(country_input, list(labels.values()), where=side, any_case=True, placeholder=placeholder)
    return data, (by_label.get(picked) if picked else None)


def _site_country(side: Any, number_given: bool = True) -> str | None:
    """Where a site with its own intensity is (optional, as the CLI's ``--carbon-intensity 380 --country DEU``): the
    number sets the CO₂e and the country the electricity's water (docs/how-to/choose-the-grid.md)."""
    data, country = pick_country(side, "optional: where the site is")
    if country is None:
        side.caption("A country, if given, sets the electricity's water; the number, the CO₂e.")
    else:
        name = data.countries[country][0]
        water = (f"{name}'s electricity sets the water" if ewif_fallback(country) is None
                 else f"no water figure for {name} in Li et al.'s table, so the U.S. average's")
        sets = "The number sets the CO₂e" if number_given else f"With no number, {name}'s grid sets the CO₂e"
        side.caption(c.md_escape(f"{sets}; {water}."))
    return country


def draw_prices(side: Any, shown: PresetInputs, profile: Any) -> dict[str, Any]:
    """The "Grid and price" subsection's prices: per device-hour, or of electricity. Both given is refused beside
    them, as the command line refuses both (issue 55: the page had been one red line); the estimate stays, priced
    as with both empty, and the message says with which price."""
    per_hour = profile.price.usd_per_device_hour if profile else None
    prices = {
        "price_usd_per_device_hour": d.number(
            I.PRICE, fmt="%.4g", placeholder=shown.placeholder("price_usd_per_device_hour", per_hour), where=side),
        "electricity_usd_per_kwh": d.number(I.ELECTRICITY, fmt="%.4g", placeholder="none", where=side),
    }
    if None not in prices.values():
        side.error(c.md_escape(both_prices_message(shown, per_hour), limit=400), icon=":material/error:")
        return {}
    return prices


def both_prices_message(shown: PresetInputs, profile_per_hour: float | None) -> str:
    """Why both prices are left out, and the price the estimate uses instead (the preset's, else the profile's)."""
    if "electricity_usd_per_kwh" in shown:
        used = f"the preset's ${sig(shown['electricity_usd_per_kwh'])} per kWh"
    elif "price_usd_per_device_hour" in shown:
        used = f"the preset's ${sig(shown['price_usd_per_device_hour'])} per device-hour"
    elif profile_per_hour is not None:
        used = f"the profile's ${sig(profile_per_hour)} per device-hour"
    else:
        used = "no price (the profile has none), so no cost"
    return (f"Give one price, not both: the command line refuses both. "
            f"Until one is cleared, the estimate uses {used}.")


def draw_footprint(side: Any, profile: Any) -> dict[str, Any]:
    """The "Embodied carbon and water" subsection: the embodied-CO₂e switch (off: ``embodied=False``)
    and the data centre's cooling."""
    kwargs: dict[str, Any] = {}
    side.subheader("Embodied carbon and water")
    if not d.toggle(I.EMBODIED, default=True, where=side):
        kwargs["embodied"] = False
    kwargs["cooling"] = d.select(I.COOLING_INPUT, list(I.COOLING_INPUT.choices), where=side,
                                 placeholder=(f"{profile.cooling} (profile)" if profile and profile.cooling
                                              else f"{DEFAULT_COOLING} (default)"))
    return kwargs
