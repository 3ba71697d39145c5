"""A researcher's exports (journeys review, R1–R7): the CSVs carry what the numbers were computed from
(grid, its source and place, PUE, power, utilisation, precision, price basis, the tool's version); JSON
and Markdown name the tool and its version; the paper statement says when the water factor is the U.S.
average for a country Li et al. give no figure for, states a memory verdict for a user's own run only
when the user set a memory input, leads a calibrated profile's utilisation with its measured throughput
and names the peak as the base profile's, says that a power per device includes its host's share, and
a figure that rests on one measurement says so, in the same words, in the table, Markdown, LaTeX and the
app."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from pathlib import Path

import pytest
from latex_batch import to_compile

from estimator import __version__
from estimator.core.base.interval import ONE_ESTIMATED_FIGURE, ONE_FIGURE
from estimator.core.base.tool import TOOL_NAME
from estimator.io.datafiles import load_profile_file, load_sources
from estimator.report import humanize as hz
from estimator.report.export import render
from estimator.report.latex_text import bib_key
from estimator.report.provenance import CONTEXT_COLUMNS, CONTEXT_TEXT_COLUMNS
from estimator.report.statement import Statement
from estimator.services import api

FRA = ["--params", "7e9", "--tokens", "2e12", "--hardware", "h100-sxm", "--devices", "256", "--region", "FRA"]
CODECARBON_CSV = Path(__file__).resolve().parents[1] / "data" / "codecarbon" / "emissions_codecarbon_3.3.2.csv"
OLD_COLUMNS = ["quantity", "value", "low", "high", "published", "hardware", "devices", "published_low",
               "published_high", "range_level", "range_basis"]


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def fra():
    return api.run(params=7e9, tokens=2e12, hardware="h100-sxm", devices=256, region="FRA")


@pytest.fixture
def imported(tmp_path, cli):
    """The journeys' one-run calibration: a CodeCarbon log imported on the EPYC server's base profile."""
    out = tmp_path / "cc.toml"
    assert cli("calibrate", "--from-codecarbon", CODECARBON_CSV, "--flops", "1e11", "--base", "cpu-server-2s-epyc",
               "--out", out).code == 0
    return out


# --- R1. the CSVs say what the numbers were computed from


def test_the_estimate_csv_carries_its_context_on_every_row(cli, fra):
    res = cli("estimate", *FRA, "--format", "csv")
    assert res.code == 0
    header = next(csv.reader(io.StringIO(res.out)))
    assert header[:len(OLD_COLUMNS)] == OLD_COLUMNS  # the columns a reader had stay where they were
    assert header[len(OLD_COLUMNS):] == ["precision", *CONTEXT_COLUMNS]
    rows = _rows(res.out)
    est = fra.estimate
    a = {x.name: x for x in est.assumptions}
    for row in rows:
        assert row["region"] == "FRA" and row["cloud"] == "" and row["precision"] == "bf16"
        assert float(row["carbon_intensity_g_per_kwh"]) == a["carbon_intensity_g_per_kwh"].value == pytest.approx(56.039)
        assert row["carbon_intensity_source"].startswith("France (FRA): CodeCarbon")
        assert float(row["pue"]) == a["pue"].value == 1.1 and row["pue_origin"] == "profile:h100-sxm"
        assert float(row["power_w"]) == a["power_w"].value and row["power_includes_host"] == "true"
        assert float(row["utilization"]) == est.utilization.value and row["utilization_origin"] == "fit:h100"
        assert float(row["peak_flops_per_s"]) == 989e12
        assert row["price_basis"] == "on-demand" and float(row["price_usd_per_device_hour"]) == 6.88
        assert row["electricity_usd_per_kwh"] == ""
        assert float(row["ewif_l_per_kwh"]) == 3.142 and float(row["wue_l_per_kwh"]) == 1.0
        assert (row["tool"], row["tool_version"]) == (TOOL_NAME, __version__)
        # numbers are numbers: every column that is not text parses as one
        for column in CONTEXT_COLUMNS:
            if column not in CONTEXT_TEXT_COLUMNS and row[column]:
                float(row[column])
    # the numbers themselves: 5.62 t from 100 MWh at 56 g/kWh, as the file's own columns say
    co2 = next(r for r in rows if r["quantity"] == "co2e_kg")
    energy = next(r for r in rows if r["quantity"] == "energy_kwh")
    assert float(co2["value"]) == pytest.approx(float(energy["value"]) * float(co2["carbon_intensity_g_per_kwh"]) / 1e3)


def test_a_cloud_region_and_an_electricity_price_are_named(cli):
    res = cli("estimate", "--flops", "1e22", "--hardware", "a100-sxm-80gb", "--cloud", "gcp:europe-west1",
              "--electricity-usd-per-kwh", "0.2", "--format", "csv")
    row = _rows(res.out)[0]
    assert (row["cloud"], row["region"]) == ("gcp:europe-west1", "")
    assert row["price_basis"] == "electricity" and float(row["electricity_usd_per_kwh"]) == 0.2
    assert row["price_usd_per_device_hour"] == ""


def test_the_compare_csv_carries_each_rows_context(cli):
    res = cli("compare", "--flops", "1e21", "--hardware", "h100-sxm", "cpu-server-2s-epyc", "--region", "FRA",
              "--format", "csv")
    header = next(csv.reader(io.StringIO(res.out)))
    assert header[header.index("range_level") + 1:] == list(CONTEXT_COLUMNS)
    rows = {r["hardware"]: r for r in _rows(res.out)}
    for hw, row in rows.items():
        est = api.run(hardware=hw, flops=1e21, region="FRA").estimate
        assert float(row["power_w"]) == est.assumption("power_w").value
        assert float(row["pue"]) == est.assumption("pue").value
        assert row["region"] == "FRA" and row["tool_version"] == __version__
    assert rows["h100-sxm"]["power_includes_host"] == "true" and rows["cpu-server-2s-epyc"]["power_includes_host"] == "false"
    assert float(rows["h100-sxm"]["pue"]) == 1.1 and float(rows["cpu-server-2s-epyc"]["pue"]) == 1.25


# --- R2. the tool's name and version in JSON and Markdown, from the one place the version lives


def test_json_and_markdown_name_the_tool_and_its_version(cli):
    d = json.loads(cli("estimate", *FRA, "--format", "json").out)
    assert next(iter(d)) == "tool" and d["tool"] == {"name": "Compute Cost Estimator", "version": __version__}
    md = cli("estimate", *FRA, "--format", "markdown").out
    key = bib_key(load_sources()["TOOL"]["bibtex"])
    assert md.splitlines()[-1] == (f"Figures from Compute Cost Estimator {__version__}; cite it with the BibTeX "
                                   f"entry {key} (the BibTeX export).")
    assert f"@misc{{{key}," in cli("estimate", *FRA, "--format", "bibtex").out  # the entry the line names
    tex = cli("estimate", *FRA, "--format", "latex").out
    assert f"Figures from {TOOL_NAME} {__version__}~\\cite{{{key}}}." in tex


# --- R3. the water factor's fallback


@pytest.mark.parametrize("where, said", [
    (dict(region="FRA"), ", the U.S. average, since Li et al. give no figure for France (FRA)."),
    # a cloud region's country by its name too (it was the bare code, read back from the source text)
    (dict(cloud="gcp:europe-west1"), ", the U.S. average, since Li et al. give no figure for Belgium (BEL)."),
    # the world-average grid: no country, the U.S. figure all the same, and why (researcher review 2026-12-02)
    (dict(), ", the U.S. average, as no country or region is given."),
    (dict(region="USA"), ", the U.S. average."),
    # a grid given by its intensity alone names no place (researcher review 2026-12-02, second: BLOOM's preset gives
    # "57 gCO2e/kWh (French grid)" and the statement had said no country or region was given)
    (dict(carbon_intensity_g_per_kwh=57), ", the U.S. average, as the grid is given by its intensity alone, not by a "
                                          "country or region."),
])
def test_the_statement_says_the_water_factor_is_the_us_average(where, said):
    r = api.run(params=7e9, tokens=2e12, hardware="h100-sxm", devices=256, **where)
    assert r.estimate.assumption("ewif_l_per_kwh").value == 3.142
    tex = render("latex", r.estimate, sources=load_sources(), scenario={})
    assert f"off site for the electricity at 3.14~L/kWh~\\cite{{li2023thirsty}}{said}" in tex


def test_a_presets_published_grid_intensity_is_not_called_no_place_given():
    r = api.run(preset_id="bloom-176b")
    tex = render("latex", r.estimate, sources=load_sources(), scenario={})
    assert ", the U.S. average, as the grid is given by its intensity alone, not by a country or region." in tex
    assert "as no country or region is given" not in tex


def test_a_countrys_own_water_factor_is_not_called_the_us_average():
    r = api.run(params=7e9, tokens=2e12, hardware="h100-sxm", devices=256, region="IND")
    tex = render("latex", r.estimate, sources=load_sources(), scenario={})
    # and named (paper-statement review 2026-12-03: Sweden's figure had read as no place's)
    assert "at 3.44~L/kWh~\\cite{li2023thirsty}, the figure for India (IND)." in tex and "U.S. average" not in tex


# --- R4. a memory verdict only of settings the user chose


def test_a_users_own_run_states_no_memory_verdict_of_settings_it_did_not_choose(cli):
    for extra in ((), ("--hours", "400")):
        tex = cli("estimate", *FRA, *extra, "--format", "latex").out
        bib = cli("estimate", *FRA, *extra, "--format", "bibtex").out
        assert "Training needs" not in tex and "does not fit" not in tex and "mistral-7b" not in tex
        assert "rajbhandari2020zero" not in bib and "korthikanti2022reducing" not in bib  # no citation left dangling
    # the table still shows the memory under the defaults, its settings named: 16 × 7e9 bytes of model states and
    # FlashAttention's 9.4 GB of activations of Mistral 7B's shape and 0.3 GB of the output layer's (core/test_memory.py)
    assert "122 GB per device of 85.52 GB" in cli("estimate", *FRA).out


def test_a_memory_setting_given_brings_the_sentence_back(cli):
    tex = cli("estimate", *FRA, "--zero", "3", "--format", "latex").out
    # ZeRO-3 over 256 devices: 16 × 7e9 / 256 = 0.44 GB of model states beside 9.43 GB of activations (Mistral 7B's
    # layer at its widths, core/test_memory.py) and the output layer's 2048 · (4 · 4096 + 4 · 32,000) bytes = 0.30 GB,
    # and one layer gathered whole, 0.87 GB: 11.0 GB
    assert ("Training would need 11~GB per device for weights, gradients, Adam states~\\cite{rajbhandari2020zero} and "
            "activations~\\cite{korthikanti2022reducing} with FlashAttention~\\cite{dao2022flashattention} (the model's shape assumed from mistral-7b") in tex
    assert "against 85.52~GB of device memory, which would fit." in tex
    # a sequence alone is no split: no verdict on the defaults (code review 2026-11-27)
    tex = cli("estimate", *FRA, "--seq-len", "8192", "--format", "latex").out
    assert "GB of device memory" not in tex
    tex = cli("estimate", *FRA, "--seq-len", "8192", "--zero", "0", "--format", "latex").out
    assert "which would not fit with no ZeRO sharding, no activation recomputation" in tex


def test_a_preset_states_its_memory_only_on_a_split_it_records_or_one_given(cli):
    """Researcher review 2026-11-27: GPT-3's statement said it "would need 2,883 GB per device" under settings the run
    never used, then that this "says nothing of whether the run's own setup fitted". The run's split is not recorded,
    so its statement says nothing of memory; a split given is stated."""
    tex = cli("estimate", "--preset", "gpt3-175b", "--format", "latex").out
    assert "Training would need" not in tex and "GB of device memory" not in tex
    tex = cli("estimate", "--preset", "gpt3-175b", "--zero", "3", "--activation-recompute", "full", "--format", "latex").out
    # 12.9 GB with the 7.24 GB of one GPT-3 layer gathered whole on one tensor-parallel rank (5.62 GB before it was counted)
    assert "Training would need 12.9~GB per device" in tex and "which would fit" in tex


def test_a_known_runs_time_with_a_model_and_no_split_states_no_memory(cli):
    """Researcher review 2026-11-27: a finished run (--hours) of a catalog model "took 5.00 days", then "needs 139 GB per
    device … which does not fit with no ZeRO sharding", settings nobody chose (without --hours the planner's layout,
    73.4 GB since a layout with room leads a tight one within 5% of its time, 2026-11-28; 84.4 GB before, fits). With a known time and no split given the statement says nothing of memory; a split given, it does."""
    run = ("estimate", "--model", "llama-3.1-8b", "--tokens", "1e12", "--devices", "256", "--hours", "120", "--format", "latex")
    tex = cli(*run).out
    assert "took 5.00 days" in tex and "GB of device memory" not in tex
    tex = cli(*run, "--zero", "1").out
    assert "Training needs" in tex and "which fits" in tex
    planned = cli("estimate", "--model", "llama-3.1-8b", "--tokens", "1e12", "--devices", "256", "--format", "latex").out
    assert "Training would need 75.5~GB per device" in planned and "which would fit" in planned


@pytest.mark.parametrize("run", [("--preset", "gpt3-175b", "--micro-batch", "1"),
                                 ("--preset", "gpt3-175b", "--seq-len", "2048"),
                                 ("--params", "8e9", "--seq-len", "8192", "--tokens", "1e12", "--devices", "256")])
def test_a_micro_batch_or_a_sequence_alone_is_no_split(cli, run):
    """Code review (2026-11-27): a micro-batch or a sequence given had counted as the split, and GPT-3's statement said
    again that it "would need 2,883 GB … says nothing of whether the run's own setup fitted"; a size with a sequence
    "would not fit with no ZeRO sharding", settings nobody chose."""
    tex = cli("estimate", *run, "--format", "latex").out
    assert "GB of device memory" not in tex and "Training would need" not in tex


# --- R5. a calibrated profile's throughput first, its peak the base profile's


def test_a_calibrated_profile_leads_with_its_measured_throughput(cli, imported):
    profile = load_profile_file(imported)
    measured = profile.calibration["achieved_flops_per_s"]
    tex = cli("estimate", "--flops", "1e12", "--hardware", imported, "--electricity-usd-per-kwh", "0.3",
              "--format", "latex").out
    assert hz.flops_rate(measured) == "33.2 GFLOP/s"
    assert ("assuming a throughput of 33.2 GFLOP/s per device, measured by CodeCarbon 3.3.2 in an imported run on "
            "2026-11-23") in tex
    assert "or 0.00470 of the fp32 peak of the base profile cpu-server-2s-epyc (7.07 TFLOP/s per device)." in tex
    assert "of the fp32 peak (7.07" not in tex  # never as the measured machine's own peak
    est = api.run(flops=1e12, hardware=str(imported)).estimate
    assert est.wall_clock_s == pytest.approx(1e12 / measured)  # the time is the measured throughput's


# --- R6. one measured figure: no range, in the same words everywhere


def test_a_one_run_calibration_says_one_measured_figure_everywhere(cli, imported):
    run = ("estimate", "--flops", "1e12", "--hardware", imported, "--electricity-usd-per-kwh", "0.3")
    table = cli(*run).out
    line = next(x for x in table.splitlines() if x.startswith("Training time"))
    assert line.split() == ["Training", "time", "30.1", "s", *ONE_FIGURE.split()]
    figures = [x for x in table.splitlines() if x.split(" ")[0] in ("Training", "Device-hours", "Energy", "CO₂e", "Cost")]
    # time and device-hours measured; the energy, CO₂e and cost (per kWh) on CodeCarbon's modelled CPU power: said
    # (measuring engineer's review 2026-11-29: "one measured figure" on an estimated power)
    assert [x.endswith(ONE_FIGURE) for x in figures] == [True, True, False, False, False]
    assert all(x.endswith(ONE_ESTIMATED_FIGURE) for x in figures[2:])
    # the utilisation's summary in the same words (review finding 12: it said "stated range 0.0047–0.0047")
    assert f"Utilisation 0.0047 from the profile, {ONE_FIGURE}" in table.splitlines()
    assert "stated range 0.0047–0.0047" not in table
    assert "range 0.206 mL – 0.534 mL (stated)" in table  # a real range keeps its ends
    md = cli(*run, "--format", "markdown").out
    assert f"| Training time | 30.1 s | {ONE_FIGURE} |  |" in md and "30.1 s – 30.1 s" not in md
    tex = cli(*run, "--format", "latex").out
    assert ("The time, energy, CO$_2$e and cost rest on one measurement, its power estimated rather than metered, and "
            "have no range.") in tex
    d = json.loads(cli(*run, "--format", "json").out)
    assert d["range_basis"]["wall_clock_s"] == "stated" and d["range"]["wall_clock_s"] == [d["wall_clock_s"]] * 2


def test_the_app_says_it_in_the_same_words(calibrated_dir, cli):
    from apptest_pages import run_page
    out = calibrated_dir / "cc.toml"
    assert cli("calibrate", "--from-codecarbon", CODECARBON_CSV, "--flops", "1e11", "--base", "cpu-server-2s-epyc",
               "--out", out).code == 0
    at = run_page("estimate", {"workload": "flops", "flops": "1e12", "hardware": load_profile_file(out).id,
                               "elec": "0.3"})
    assert {m.label: m.value for m in at.metric}["Training time"] == "30.1 s"
    captions = [c.value for c in at.caption]
    assert captions.count(ONE_FIGURE) == 1 and captions.count(ONE_ESTIMATED_FIGURE) == 3  # time; energy, CO₂e, cost


# --- R7. a power that includes its host's share says so


def test_the_power_per_device_says_it_includes_the_host(fra):
    tex = render("latex", fra.estimate, sources=load_sources(), scenario={})
    # the whole servers' measured draw per GPU (the gpu-system fit, 0.99 of TDP), host included
    assert fra.estimate.assumption("power_w").value == pytest.approx(695.4, abs=0.1)
    # and where it comes from: the fit to whole systems' measured draws (researcher review 2026-11-27: no source)
    assert ("At an average of 695~W per device (its share of the server's host included), 0.99~$\\times$ its TDP as "
            "the tool's fit to 3 whole systems' measured draws (P100 SXM2 and V100 SXM2 servers) gives it~\\cite{patterson2021carbon} (this project measured 684~W at the chip alone") in tex
    given = api.run(params=7e9, tokens=2e12, hardware="h100-sxm", devices=256, power_w=700)
    # taken as --power-w defines it, with the host's share (paper-statement review 2026-12-03)
    assert "At an average of 700~W per device (given, taken to include its share of the server's host)" in render("latex", given.estimate, sources=load_sources(),
                                                                   scenario={})
    # its power is the two CPUs' TDP (profiles/cpu-server-2s-epyc.toml: memory, disks and fans not included),
    # so no host share is included, and the statement claims none
    cpu = api.run(flops=1e20, hardware="cpu-server-2s-epyc")
    assert "host included" not in render("latex", cpu.estimate, sources=load_sources(), scenario={})


# --- the new statements compile


def _printed(*argv) -> str:
    """What ``python -m estimator *argv`` prints (in this process), where no ``cli`` fixture is at hand."""
    from estimator.cli import main
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main([str(a) for a in argv]) == 0, argv
    return out.getvalue()


def _cli_statement(argv) -> Statement:
    tex, bib = _printed("estimate", *argv, "--format", "latex"), _printed("estimate", *argv, "--format", "bibtex")
    return Statement(tex, bib, tuple(bib_key(e) for e in bib.strip().split("\n\n")))


def _imported_argv(folder):
    out = folder / "cc.toml"
    _printed("calibrate", "--from-codecarbon", CODECARBON_CSV, "--flops", "1e11", "--base", "cpu-server-2s-epyc",
             "--out", out)
    return ["--flops", "1e12", "--hardware", out, "--electricity-usd-per-kwh", "0.3"]


to_compile("the CLI's statement of a run in France")(lambda folder: _cli_statement(FRA))
to_compile("the CLI's statement of an imported log")(lambda folder: _cli_statement(_imported_argv(folder)))


@pytest.mark.parametrize("which", ["a run in France", "an imported log"])
def test_the_new_statements_compile(compiled_statements, which):
    assert compiled_statements[f"the CLI's statement of {which}"] == []


def test_a_given_utilisation_on_a_calibrated_profile_compares_with_its_measured_figure(cli, imported):
    """The measured 0.0047 beside a given 0.5, to three figures (review: "for comparison 0.00")."""
    table = cli("estimate", "--flops", "1e12", "--hardware", imported, "--utilization", "0.5").out
    assert f"Utilisation 0.5 from the user; for comparison 0.0047, {ONE_FIGURE}" in table.splitlines()


def test_a_whole_system_s_power_is_its_own_draw_in_the_statement(cli):
    """AlphaGo is one device that is the whole system: no server whose host it shares (review)."""
    tex = cli("estimate", "--preset", "alphago-vs-brain", "--format", "latex").out
    assert "per device (the whole system's draw)" in tex and "share of the server's host" not in tex
    tex = cli("estimate", "--flops", "1e21", "--hardware", "h100-sxm", "--format", "latex").out
    assert "per device (its share of the server's host included)" in tex


def test_an_estimate_made_in_the_core_names_its_grid_country():
    """The water's fallback country never stands beside no grid country (review)."""
    from estimator.core.training.estimate import estimate
    from estimator.core.workload.scenario import Scenario
    from estimator.io.datafiles import load_profiles
    est = estimate(Scenario(flops=1e21, grid_country="FRA", carbon_intensity_g_per_kwh=56),
                   load_profiles().get("h100-sxm"))
    prov = est.to_dict()["provenance"]
    assert (prov["grid_country"], prov["ewif_fallback_country"], prov["cloud_region"]) == ("FRA", "FRA", None)
    assert estimate(Scenario(flops=1e21), load_profiles().get("h100-sxm")).grid is None


def test_a_price_entry_carries_the_year_its_source_was_read():
    """Researcher's statement review 2026-11-27: the price entries had no year (and sorted under the vendor)."""
    from estimator.report.statement_parts import embodied_entry
    est = api.run(params=7e9, tokens=2e12, hardware="h100-sxm", devices=256).estimate
    entry = embodied_entry(est, "on-demand, AWS p5.48xlarge (8 GPUs), us-east-1, 2025-03; read 2026-11", "price",
                           "price per device-hour")
    assert entry.endswith("year={2026}}") and "year={48}" not in entry
    assert "year=" not in embodied_entry(est, "no date given here", "price", "price per device-hour")


def test_only_a_fit_to_whole_systems_is_cited_as_patterson_s_measured_draws():
    """Second code review 2026-11-27: a board-only fit (gpu-chip, Dodge et al. 2022's runs) had been cited as whole
    systems' draws from Patterson et al.; and a count of 2,048 GPUs read as a year."""
    from types import SimpleNamespace

    from estimator.report.statement import system_power_fit
    from estimator.report.statement_parts import embodied_entry
    system = ("average 0.99 × TDP, 80% interval 0.80–1.23 × TDP, fitted on 3 measured runs (GPU share of the whole "
              "server (host included); estimator/data/measured_power.csv)")
    board = "average 0.57 × TDP, 80% interval 0.32–1.04 × TDP, fitted on 9 measured runs (the GPU board alone)"
    assert system_power_fit(SimpleNamespace(origin="profile:h100-sxm", source=system))["runs"] == "3"
    assert system_power_fit(SimpleNamespace(origin="profile:x", source=board)) is None
    assert system_power_fit(SimpleNamespace(origin="user", source=system)) is None
    est = api.run(params=7e9, tokens=2e12, hardware="h100-sxm", devices=256).estimate
    assert embodied_entry(est, "a cluster of 2048 GPUs, 2023", "price", "price").endswith("year={2023}}")


def test_the_csv_carries_the_memory_every_other_format_states(capsys):
    """Researcher review 2026-11-29: the table, Markdown, LaTeX and JSON said "41.2 GB of 85.52 GB: fits"; the CSV
    had no row for memory at all."""
    import csv
    import io
    import json

    from estimator.cli.main import main
    args = ["estimate", "--model", "llama-3.1-70b", "--tokens", "15e12", "--hardware", "h100-sxm", "--devices", "1024",
            "--tp", "8", "--pp", "4"]
    assert main([*args, "--format", "json"]) == 0
    mem = json.loads(capsys.readouterr().out)["memory"]
    assert main([*args, "--format", "csv"]) == 0
    rows = {r["quantity"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert float(rows["memory_per_device_gb"]["value"]) == mem["per_device_gb"]["total"]
    assert float(rows["device_memory_gb"]["value"]) == mem["device_memory_gb"] == 85.52
    assert (rows["memory_fits"]["value"], rows["memory_of_defaults"]["value"]) == ("1.0", "0.0")  # numbers, as the column
    assert {rows[k]["range_basis"] for k in ("memory_per_device_gb", "memory_fits")} == {"exact"}
    # FLOPs alone: no shape, the rows kept with empty cells (every file the same rows)
    assert main(["estimate", "--flops", "1e22", "--hardware", "h100-sxm", "--format", "csv"]) == 0
    rows = {r["quantity"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert [rows[k]["value"] + rows[k]["range_basis"] for k in ("memory_per_device_gb", "memory_fits")] == ["", ""]
