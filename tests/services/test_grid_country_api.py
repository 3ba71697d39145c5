"""Issue 55: the API takes the grid's country by name or code, a state or province, and AWS/Azure/GCP regions, as
the CLI does, and refuses what it refuses (``api.run``, ``serving.inference_report``)."""

from __future__ import annotations

import pytest

from estimator.core.base.errors import InputError
from estimator.services import api
from estimator.services.grid import region_read_as_country, resolve_grid_site
from estimator.services.serving import inference as serving


def test_run_by_country_name_is_the_country_code_s_run():
    by_name = api.run(params=7e9, tokens=2e12, devices=256, hardware="h100-sxm", country="france").estimate
    by_code = api.run(params=7e9, tokens=2e12, devices=256, hardware="h100-sxm", region="FRA").estimate
    assert by_name.co2e_kg == by_code.co2e_kg and by_name.grid == by_code.grid
    assert by_name.grid.country == "FRA" and by_name.grid.country_name == "France"


def test_inference_report_takes_a_country():
    a = serving.inference_report(hardware="h100-sxm", params=7e9, tokens=1e9, country="France")
    b = serving.inference_report(hardware="h100-sxm", params=7e9, tokens=1e9, region="FRA")
    c = serving.inference_report(hardware="h100-sxm", params=7e9, tokens=1e9)
    assert a.result.co2e_kg == b.result.co2e_kg < c.result.co2e_kg


def test_a_state_a_province_and_a_bidding_zone():
    ca, source, country = resolve_grid_site(country="USA", region="california")
    assert ca == pytest.approx(394.769 * 0.45359237) and country == "USA" and "eGRID2023" in source
    qc, _, _ = resolve_grid_site(region="can:quebec")
    on, _, _ = resolve_grid_site(country="Canada", region="Ontario")
    assert qc < on  # Quebec's hydro against Ontario's gas share
    se3, _, _ = resolve_grid_site(country="SWE", region="SE3")
    assert se3 == pytest.approx(27.0)


def test_aws_and_azure_regions_take_their_location_s_grid_and_say_so():
    ci, source, country = resolve_grid_site(cloud="aws:us-east-1")
    assert ci == pytest.approx(539.599 * 0.45359237) and country == "USA"
    assert "AWS publishes no grid figure per region" in source and "Virginia" in source
    ci, source, country = resolve_grid_site(cloud="Azure:WestEurope")
    assert ci == pytest.approx(267.622) and country == "NLD"
    est = api.run(flops=1e23, cloud="azure:westeurope").estimate
    assert est.grid.cloud_region == "azure:westeurope" and est.grid.country == "NLD"


def test_region_fra_alone_is_read_as_the_country_and_said():
    assert resolve_grid_site(region="FRA") == resolve_grid_site(country="FRA")
    assert region_read_as_country(region="FRA") == ("France (FRA)", "FRA")
    assert region_read_as_country(country="USA", region="california") is None


def test_a_region_of_one_country_alone_is_that_countrys_in_the_api_too():
    """Researcher review 2026-11-30: "texas" alone, a region of the USA only, is read as usa:texas, its source naming
    it (it had been refused with that reading named)."""
    alone, pair = api.run(flops=1e23, region="texas").estimate, api.run(flops=1e23, region="usa:texas").estimate
    assert alone.co2e_kg == pair.co2e_kg and alone.grid.country == "USA"
    assert alone.assumption("carbon_intensity_g_per_kwh").source.startswith("Texas, United States (USA)")


@pytest.mark.parametrize("kwargs, words", [
    (dict(country="Frnace"), "did you mean France (FRA)?"),
    (dict(region="georgia"), "give country GEO for Georgia (GEO) or country USA and region georgia"),
    (dict(country="", region=None), "must not be empty"),
    (dict(country="FRA", cloud="gcp:europe-west1"), "given more than once"),
    (dict(country=3), "must be text"),
])
def test_the_api_refuses_what_the_cli_refuses(kwargs, words):
    with pytest.raises(InputError, match=None) as exc:
        api.run(flops=1e23, **kwargs)
    assert words in str(exc.value)
