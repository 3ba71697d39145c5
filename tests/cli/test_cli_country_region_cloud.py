"""Issue 55: the grid by a country's name or code (--country), by a state or province (--region, CodeCarbon's
meaning) and by AWS, Azure and GCP regions (--cloud); today's --region FRA keeps its meaning, said on stderr;
an unknown name is refused with the nearest ones, never the world average."""

from __future__ import annotations

import json

import pytest

from estimator.cli.main import main
from estimator.services import api

BASE = ["estimate", "--params", "7e9", "--tokens", "2e12", "--hardware", "h100-sxm", "--devices", "256",
        "--format", "json"]


def _run(capsys, *grid):
    code = main([*BASE, *grid])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else None), err


@pytest.mark.parametrize("given", ["France", "france", "FRA", "FR", "fra"])
def test_a_country_by_name_or_code_is_region_fra_s_grid(capsys, given):
    _, old, note = _run(capsys, "--region", "FRA")
    code, new, err = _run(capsys, "--country", given)
    assert code == 0 and err == ""
    assert new["co2e_kg"] == old["co2e_kg"] and new["co2e_kg"] == pytest.approx(5.32e3, rel=5e-3)  # not 45.1 t
    assert note.startswith("note: --region FRA read as the country France (FRA)")


def test_region_fra_keeps_its_stdout_and_the_note_is_on_stderr(capsys):
    code = main(["estimate", "--flops", "1e23", "--region", "FRA"])
    out, err = capsys.readouterr()
    assert code == 0 and "France (FRA)" in out and "note: --region FRA" not in out
    assert err.count("\n") == 1 and "--country FRA" in err


@pytest.mark.parametrize("grid", [("--country", "USA", "--region", "california"), ("--region", "usa:california"),
                                  ("--country", "United States", "--region", "CA")])
def test_a_us_state_is_its_egrid_figure(capsys, grid):
    _, us, _ = _run(capsys, "--country", "USA")
    code, ca, err = _run(capsys, *grid)
    assert code == 0 and err == ""
    # EPA eGRID2023's 394.769 lb/MWh for California (CodeCarbon's usa_emissions.json) × 0.45359237 = 179.06 g/kWh
    assert ca["co2e_kg"] / us["co2e_kg"] == pytest.approx(179.064 / 369.47, rel=2e-3)


@pytest.mark.parametrize("cloud, ci_g_per_kwh", [
    ("aws:us-east-1", 539.599 * 0.45359237),   # Northern Virginia: Virginia's eGRID2023 figure
    ("azure:westeurope", 267.622),             # the Netherlands: CodeCarbon's country figure (Ember 2023)
    ("gcp:europe-west1", 122.0),               # Google's own figure for St. Ghislain (CodeCarbon's impact.csv)
])
def test_aws_azure_and_gcp_regions(capsys, cloud, ci_g_per_kwh):
    _, world, _ = _run(capsys)
    code, got, err = _run(capsys, "--cloud", cloud)
    assert code == 0 and err == ""
    assert got["co2e_kg"] / world["co2e_kg"] == pytest.approx(ci_g_per_kwh / 475.0, rel=1e-6)


@pytest.mark.parametrize("grid, words", [
    (("--country", "Frnace"), "did you mean France (FRA)?"),
    (("--region", "Germny"), "did you mean Germany (DEU)?"),
    # a region of one country only is read as that country's (test_a_region_of_one_country_alone_is_read_as_its);
    # one of two is refused with both (Georgia the country, or the U.S. state)
    (("--region", "georgia"), "give country GEO for Georgia (GEO) or country USA and region georgia (usa:georgia)"),
    (("--country", "USA", "--region", "californa"), "did you mean California?"),
    (("--country", "FRA", "--region", "paris"), "no regions of France (FRA)"),
    (("--cloud", "aws:us-est-1"), "did you mean us-west-1, us-east-1"),
    (("--cloud", "oracle:x"), "unknown cloud provider 'oracle'; known: aws, azure, gcp"),
    (("--country", "FRA", "--cloud", "gcp:europe-west1"), "grid intensity given more than once"),
    (("--carbon-intensity", "100", "--cloud", "gcp:europe-west1"), "grid intensity given more than once"),
])
def test_unknown_names_are_refused_with_suggestions(capsys, grid, words):
    code, _, err = _run(capsys, *grid)
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1 and words in err, err


def test_nothing_given_is_the_world_average_and_says_so(capsys):
    assert main(["estimate", "--flops", "1e23"]) == 0
    out = capsys.readouterr().out
    assert "carbon_intensity_g_per_kwh = 475.0 gCO2e/kWh  (default; world average" in out


@pytest.mark.parametrize("argv", [["estimate", "--flops", "1e22", "--hardware", "h800", "--cloud", "aws:us-east-1"],
                                  ["compare", "--flops", "1e22", "--hardware", "h800", "a100-sxm-80gb",
                                   "--cloud", "aws:us-east-1"]])
def test_a_cloud_region_with_a_profile_that_states_no_price_is_estimated_without_a_cost(argv, capsys):
    """Researcher review 2026-11-28: `--cloud` with any of the 18 profiles that state no price (the H800 among them)
    raised a TypeError formatting the price it lacks (exit 1, a traceback). Now it estimates, its cost n/a, and no note
    compares a price it does not have with the region's provider."""
    assert main(argv) == 0
    out = capsys.readouterr()
    assert "Traceback" not in out.err and "no cost: the profile has no price" in out.out
    assert "not Amazon Web Services's" not in out.out and "per device-hour is" not in out.out


def test_a_sites_own_intensity_goes_with_its_country_whose_water_it_takes(capsys):
    """Researcher review 2026-11-28: an on-premise site in Germany with its own measured 380 g/kWh was refused with its
    country; now the intensity given sets the CO₂e, the country the electricity's water (and the API takes the same)."""
    assert main(["estimate", "--flops", "1e23", "--country", "IRL", "--carbon-intensity", "380", "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assumed = d["assumptions"]
    assert assumed["carbon_intensity_g_per_kwh"]["value"] == 380.0
    assert assumed["carbon_intensity_g_per_kwh"]["source"] == "given"
    ireland = api.run(flops=1e23, country="IRL").estimate
    assert assumed["ewif_l_per_kwh"]["value"] == ireland.assumption("ewif_l_per_kwh").value == 1.476  # Li et al.'s
    assert assumed["ewif_l_per_kwh"]["source"].startswith("the site's country (IRL): ")
    assert d["co2e_kg"] == pytest.approx(d["energy_kwh"] * 0.380)
    assert "as for the grid intensity" in ireland.assumption("ewif_l_per_kwh").source
    same = api.run(flops=1e23, country="IRL", carbon_intensity_g_per_kwh=380).estimate
    assert same.co2e_kg == pytest.approx(d["co2e_kg"]) and same.water_l == pytest.approx(d["water_l"])


def test_a_states_own_intensity_is_taken_by_the_cli_as_by_the_api(capsys):
    """Code review 2026-11-28: `--country USA --region california --carbon-intensity 300` was refused by the command
    line's argument groups while the API took it; a cloud region with an intensity stays refused."""
    assert main(["estimate", "--flops", "1e23", "--country", "USA", "--region", "california", "--carbon-intensity",
                 "300", "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    api_side = api.run(flops=1e23, country="USA", region="california", carbon_intensity_g_per_kwh=300).estimate
    assert d["co2e_kg"] == pytest.approx(api_side.co2e_kg) == pytest.approx(d["energy_kwh"] * 0.300)
    code, _, err = _run(capsys, "--cloud", "gcp:europe-west1", "--carbon-intensity", "300")
    assert code == 2 and "grid intensity given more than once" in err


def test_a_region_of_one_country_alone_is_read_as_its(capsys):
    """Researcher review 2026-11-30: `--region california` was refused with "give country USA and region california
    (usa:california)", the one reading it could have; now read so, and said on stderr after the result."""
    code, got, err = _run(capsys, "--region", "california")
    assert code == 0 and err.rstrip().endswith("note: --region california read as usa:california, the one country's "
                                               "region of that name")
    _, same, _ = _run(capsys, "--region", "usa:california")
    assert got["co2e_kg"] == same["co2e_kg"]
