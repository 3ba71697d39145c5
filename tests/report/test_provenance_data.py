"""The facts the exports state about where an estimate's inputs come from are data on the Estimate, set
where they are decided (review of session 9, findings 1, 2, 3, 5, 10, 13): the price's kind, whether the
power includes the host, where the grid is, the off-site water factor's country and its fallback, and the
source of a preset's model size. No export reads them back out of a source text, so rewording one changes
nothing, and the CSV, the table, Markdown, JSON and the app's Compare page give one answer."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest

import estimator
from estimator.core.base.tool import TOOL_NAME
from estimator.core.training.estimate import GridPlace
from estimator.io.datafiles import load_sources
from estimator.report.export import compare_csv, render, to_csv
from estimator.report.provenance import context
from estimator.services import api

ROOT = Path(__file__).resolve().parents[2]


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def _reworded(est, name: str, source: str):
    """``est`` with the source text of assumption ``name`` replaced: display text only."""
    return replace(est, assumptions=tuple(replace(a, source=source) if a.name == name else a for a in est.assumptions))


def _tex(est) -> str:
    return render("latex", est, sources=load_sources(), scenario={})


# --- finding 1: the price's kind has one home


@pytest.fixture
def spot_in_source(tmp_path):
    """A copy of h100-sxm whose price source mentions another kind (the review's h100-rv): its basis says on-demand."""
    text = (ROOT / "profiles" / "h100-sxm.toml").read_text()
    text = text.replace('id = "h100-sxm"', 'id = "h100-rv"').replace(
        'source = "AWS EC2 on-demand pricing, read 2026-11"',
        'source = "AWS EC2 on-demand pricing, read 2026-11 (spot is about 60% lower)"')
    assert "spot is about" in text and 'id = "h100-rv"' in text
    path = tmp_path / "h100-rv.toml"
    path.write_text(text)
    return path


def test_the_price_kind_is_the_profiles_in_every_output(cli, spot_in_source):
    r = api.run(flops=1e23, hardware=str(spot_in_source))
    assert r.estimate.price_basis == "on-demand" == api.price_basis(r) == api.compare_row(r)["price_basis"]
    assert context(r.estimate)["price_basis"] == "on-demand"
    res = cli("compare", "--flops", "1e23", "--hardware", spot_in_source, "h100-sxm", "--format", "csv")
    assert {row["hardware"]: row["price_basis"] for row in _rows(res.out)} == {"h100-rv": "on-demand",
                                                                              "h100-sxm": "on-demand"}  # was spot
    md = cli("compare", "--flops", "1e23", "--hardware", spot_in_source, "h100-sxm", "--format", "markdown").out
    assert md.count("| on-demand |") == 2


@pytest.mark.parametrize("inputs, basis", [(dict(), "reserved"), (dict(price_usd_per_device_hour=2.0), "given"),
                                           (dict(electricity_usd_per_kwh=0.2), "electricity")])
def test_the_price_kind_is_set_where_the_estimate_prices(inputs, basis):
    r = api.run(flops=1e21, hardware="v100-sxm2", **inputs)
    assert r.estimate.price_basis == basis == api.price_basis(r) == context(r.estimate)["price_basis"]


# --- finding 2: whether the power includes the host, one answer in every output


def test_a_given_power_says_nothing_of_the_host_in_every_output(cli):
    argv = ("compare", "--flops", "1e23", "--hardware", "h100-sxm", "v100-sxm2", "--power-w", "500")
    md = cli(*argv, "--format", "markdown").out
    rows = [x for x in md.splitlines() if x.startswith("| h100-sxm") or x.startswith("| v100-sxm2")]
    assert len(rows) == 2 and all(x.endswith("| n/a (given) |") for x in rows)  # was "yes" beside an empty CSV cell
    assert "yes" not in cli(*argv).out.split()
    assert [row["power_includes_host"] for row in _rows(cli(*argv, "--format", "csv").out)] == ["", ""]
    assert [row["power_includes_host"] for row in json.loads(cli(*argv, "--format", "json").out)] == [None, None]
    rep = api.compare(["h100-sxm", "cpu-server-2s-epyc"], flops=1e21)
    assert [r.estimate.power_includes_host for r in rep.results] == [True, False]
    assert [api.host_words(r) for r in rep.results] == ["yes", "no"]


def test_the_compare_page_reads_the_same_field():
    pytest.importorskip("streamlit")
    from app_pages.pages.compare import table_of
    df, _ = table_of(api.compare(["h100-sxm", "cpu-server-2s-epyc"], flops=1e21, power_w=500))
    assert list(df["host_in_power"]) == ["n/a (given)", "n/a (given)"]
    df, _ = table_of(api.compare(["h100-sxm", "cpu-server-2s-epyc"], flops=1e21))
    assert list(df["host_in_power"]) == ["yes", "no"]


def test_the_host_share_does_not_depend_on_the_power_source_text():
    est = api.run(flops=1e21, hardware="h100-sxm").estimate
    moved = _reworded(est, "power_w", est.assumption("power_w").source.replace(
        " (includes host share: yes)", "") + " (includes host share: yes); calibrated")
    assert context(moved)["power_includes_host"] is True
    assert "(its share of the server's host included)" in _tex(moved)


# --- finding 3: where the grid is, and the water factor's country, as data


@pytest.mark.parametrize("where, place", [(dict(region="FRA"), GridPlace("FRA", "France", None)),
                                          (dict(cloud="gcp:europe-west1"), GridPlace("BEL", "Belgium", "gcp:europe-west1")),
                                          (dict(region="ind"), GridPlace("IND", "India", None)),
                                          (dict(carbon_intensity_g_per_kwh=300), None), (dict(), None)])
def test_the_grid_place_is_data(where, place):
    assert api.run(flops=1e21, hardware="h100-sxm", **where).estimate.grid == place


@pytest.mark.parametrize("where, country, fallback", [(dict(region="FRA"), "USA", "FRA"), (dict(region="IND"), "IND", None),
                                                      (dict(region="USA"), "USA", None), (dict(), "USA", None),
                                                      (dict(cloud="gcp:europe-west1"), "USA", "BEL"),
                                                      (dict(region="FRA", ewif_l_per_kwh=2.0), None, None)])
def test_the_water_factors_country_is_set_where_water_decides_it(where, country, fallback):
    est = api.run(flops=1e21, hardware="h100-sxm", **where).estimate
    assert (est.ewif_country, est.ewif_fallback_country) == (country, fallback)


def test_reworded_source_texts_change_no_stated_fact():
    est = api.run(flops=1e21, hardware="h100-sxm", region="FRA").estimate
    # the review's plausible rewordings: the grid's data origin, the water fallback's words
    moved = _reworded(est, "carbon_intensity_g_per_kwh", "France (FRA): CodeCarbon 3.3.2 global_energy_mix.json "
                                                         "(Our World in Data / Ember (2024 release)), 2023")
    moved = _reworded(moved, "ewif_l_per_kwh", "3.142 L/kWh; no figure for FRA in Table 1, so the U.S. average")
    cells = context(moved)
    assert (cells["region"], cells["cloud"]) == ("FRA", None)
    assert ", the U.S. average, since Li et al. give no figure for France (FRA)." in _tex(moved)
    cloud = api.run(flops=1e21, hardware="h100-sxm", cloud="gcp:europe-west1").estimate
    assert (context(cloud)["region"], context(cloud)["cloud"]) == (None, "gcp:europe-west1")
    assert "give no figure for Belgium (BEL)." in _tex(cloud)  # the country's name, not a bare code


def test_a_csv_row_carries_the_place():
    est = api.run(flops=1e21, hardware="h100-sxm", cloud="gcp:europe-west1").estimate
    row = _rows(to_csv(est))[0]
    assert (row["region"], row["cloud"]) == ("", "gcp:europe-west1")
    assert _rows(compare_csv([est]))[0]["cloud"] == "gcp:europe-west1"


# --- finding 5: a preset's model size names its source where the FLOPs are derived


def test_a_presets_model_size_is_cited_in_the_flops(cli):
    d = json.loads(cli("estimate", "--preset", "gpt3-175b", "--tokens", "600e9", "--format", "json").out)
    flops = d["assumptions"]["flops"]
    assert flops["value"] == pytest.approx(6 * 175e9 * 600e9)
    assert flops["source"] == ("6·N·D, dense transformer training (Kaplan et al. 2020, §2.1) with N = 1.75 × 10¹¹ (preset "
                               "gpt3-175b: Brown et al. 2020, arXiv:2005.14165, Table 2.1: GPT-3 175B), D = 6 × 10¹¹")
    own = api.run(params=2.6e9, tokens=600e9, hardware="tpu-v3").estimate.assumption("flops").source
    assert own.endswith("with N = 2.6 × 10⁹, D = 6 × 10¹¹")  # the user's own counts: nothing to cite


# --- findings 10 and 13: the tool's name, one home, and compare's Markdown names it


def test_compare_markdown_ends_with_the_tool_line(cli):
    md = cli("compare", "--flops", "1e21", "--hardware", "h100-sxm", "a100-sxm-80gb", "--format", "markdown").out
    assert md.rstrip("\n").splitlines()[-1].startswith(f"Figures from {TOOL_NAME} ")


def test_the_cli_describes_itself_by_the_tool_name():
    from estimator.cli.main import build_parser
    assert build_parser().description.startswith(f"{TOOL_NAME}: ")


def test_a_presets_power_is_called_the_presets_and_compare_json_carries_provenance(cli):
    """Review: GPT-3's 330 W (P21's measured system average) was "n/a (given)", and compare's JSON rows, alone of
    the exports, had neither the tool nor the provenance."""
    argv = ("compare", "--preset", "gpt3-175b", "--hardware", "v100-sxm2", "h100-sxm")
    rows = [x for x in cli(*argv, "--format", "markdown").out.splitlines() if x.startswith("| ")][1:]
    assert rows[0].endswith("| n/a (preset's) |") and rows[1].endswith("| yes |")  # h100: its own profile's power
    data = json.loads(cli(*argv, "--format", "json").out)
    assert [d["provenance"]["power_includes_host"] for d in data] == [None, True]
    assert all(d["tool"] == {"name": TOOL_NAME, "version": estimator.__version__} for d in data)
    one = json.loads(cli("estimate", "--preset", "gpt3-175b", "--format", "json").out)
    assert data[0]["provenance"] == one["provenance"]


def test_a_brain_has_no_host_share_to_leave_out():
    """Newcomer's try: the brain's row said "power excludes the host's share (CPU, memory, network)"."""
    notes = api.run(flops=1e21, hardware="brain").estimate.notes
    assert not [n for n in notes if "host" in n]
    cpu = api.run(flops=1e21, hardware="cpu-server-2s-epyc").estimate.notes  # a CPU's own words remain
    assert "power is the CPU alone, not memory or the rest of the machine; real draw is higher" in cpu


def test_a_region_inside_a_country_is_in_the_region_column():
    """Researcher review 2026-11-28: California's 179 g/kWh sat beside region "USA" in the CSV."""
    import csv
    import io

    from estimator.report.export import render
    from estimator.services import api
    for kwargs, region in ((dict(country="USA", region="california"), "USA:california"),
                           (dict(region="usa:california"), "USA:california"), (dict(country="France"), "FRA")):
        r = api.run(flops=1e21, hardware="h100-sxm", **kwargs)
        rows = list(csv.DictReader(io.StringIO(render("csv", r.estimate))))
        assert {row["region"] for row in rows} == {region}
