"""Issue 55: a country typed by its name gives that country's grid in the app (the picker shows "France (FRA)",
so typing "France" finds it; it had shown "No results" and kept the world average), a link's code in any case
still picks it, and a country with states draws their picker."""

from __future__ import annotations

import pytest

from estimator.report import humanize as hz
from estimator.services import api
from tests.apptest_pages import run_page

SEVEN_B = {"workload": "params", "params": "7e9", "tokens": "2e12", "devices": "256", "hardware": "h100-sxm"}


def _co2e(at) -> str:
    return {m.label: m.value for m in at.metric}["CO₂e"]


def test_france_picked_by_its_name_gives_france_s_grid():
    at = run_page("estimate", {**SEVEN_B, "grid_by": "country"})
    box = at.selectbox(key="region")
    assert "France (FRA)" in box.options  # what the search box matches when "France" is typed
    world = api.run(params=7e9, tokens=2e12, devices=256, hardware="h100-sxm").estimate
    assert _co2e(at) == hz.co2e_short(world.co2e_kg)
    box.set_value("France (FRA)").run()
    france = api.run(params=7e9, tokens=2e12, devices=256, hardware="h100-sxm", country="France")
    assert france.scenario.carbon_intensity_g_per_kwh == pytest.approx(56.039)
    assert _co2e(at) == hz.co2e_short(france.estimate.co2e_kg) == "5.32 t"  # not the world average's 45.1 t


@pytest.mark.parametrize("given", ["FRA", "fra", "France", "FR"])
def test_a_link_s_country_by_code_or_name_is_mended_to_the_picker_s(given):
    at = run_page("estimate", {**SEVEN_B, "region": given})
    assert at.selectbox(key="region").value == "France (FRA)" and not at.warning
    assert _co2e(at) == "5.32 t"


def test_a_us_state_in_the_app_is_its_grid():
    at = run_page("estimate", {**SEVEN_B, "grid_by": "country", "region": "USA"})
    at.selectbox(key="grid_region").set_value("California").run()
    ca = api.run(params=7e9, tokens=2e12, devices=256, hardware="h100-sxm", country="USA", region="california")
    assert _co2e(at) == hz.co2e_short(ca.estimate.co2e_kg)
    assert ca.estimate.co2e_kg != pytest.approx(api.run(params=7e9, tokens=2e12, devices=256, hardware="h100-sxm",
                                                        country="USA").estimate.co2e_kg)
