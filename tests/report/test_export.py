import csv
import io
import json

import pytest

from estimator.io.datafiles import load_sources
from estimator.report.export import published_cells, render, to_csv, to_markdown
from estimator.report.humanize import co2e, count, duration, energy, magnitude, money, sci, sig, times
from estimator.report.latex_text import latex_escape
from estimator.services import api


@pytest.fixture(scope="module")
def gpt3():
    return api.run(preset_id="gpt3-175b")


def test_humanize_units():
    assert duration(3.14e23 / 28e12) == "355 years"
    assert duration(14.8 * 86400) == "14.8 days"
    assert duration(13.466 * 60) == "13.5 min"
    assert energy(1287e3) == "1.29 GWh" and energy(0.4) == "400 Wh"
    assert co2e(552.1e3) == "552 t CO₂e" and co2e(0.65) == "650 g CO₂e"
    assert money(4.61e6) == "$4.6M" and money(12_345) == "$12k" and money(3.4) == "$3.4"
    assert count(3_115_079) == "3.12 million" and count(64) == "64"
    assert sig(123456) == "123,000" and sig(0.01234) == "0.0123"
    assert count(10_000) == "10,000" and count(6450.3) == "6,450"  # not "6.45k"
    assert count(2.5e14) == "250 trillion" and count(1e300) == "10³⁰⁰"  # no "1.00e+288T"
    assert duration(6.07e12 * 8766 * 3600) == "6.07 trillion years"  # not "6,070,000,000,000 years"
    assert money(9.9e14) == "$990T" and money(6.5e302) == "$6.5 × 10³⁰²"
    assert sci(3.14e23) == "3.14 × 10²³" and times(1.057e5) == "1.06 × 10⁵×" and magnitude(1.057e5) == "10⁵"


def test_csv_has_numbers_and_published(gpt3):
    rows = {r["quantity"]: r for r in csv.DictReader(io.StringIO(to_csv(gpt3.estimate, gpt3.comparison)))}
    assert float(rows["energy_kwh"]["value"]) == gpt3.estimate.energy_kwh
    assert float(rows["energy_kwh"]["published"]) == 1287e3
    low, high = gpt3.estimate.range["co2e_kg"]
    assert float(rows["co2e_kg"]["low"]) == low and float(rows["co2e_kg"]["high"]) == high
    # what low–high are is in the file: a CSV read alone still says it (export audit: embodied carbon,
    # water and the exact FLOPs were labelled 0.8 too); the level only on prediction intervals
    memory = {"memory_per_device_gb", "device_memory_gb", "memory_fits", "memory_of_defaults"}  # exact, of the shape
    assert {rows[k]["range_basis"] for k in memory} == {"exact"}
    assert {k: r["range_basis"] for k, r in rows.items() if k not in memory} == {
        k: gpt3.estimate.basis("flops" if k == "time_flops" else k) for k in rows if k not in memory}
    assert rows["energy_kwh"]["range_basis"] == "prediction" and rows["water_l"]["range_basis"] == "stated"
    assert rows["flops"]["range_basis"] == "exact"
    assert {r["range_level"] for r in rows.values() if r["range_basis"] == "prediction"} == {"0.8"}
    assert {r["range_level"] for r in rows.values() if r["range_basis"] != "prediction"} == {""}


def test_markdown_table_and_escaping(gpt3):
    md = to_markdown(gpt3.estimate, gpt3.comparison, title="GPT-3 | <b>x</b>")
    assert f"| Energy | {energy(gpt3.estimate.energy_kwh)} |" in md
    assert "\\|" in md and "\\<b\\>" in md
    # the ranges say what they are: the column names the level, and the meaning follows the table
    from estimator.core.base.interval import range_meaning
    assert "| Quantity | Estimate | 80% range | Published |" in md
    assert f"\n{range_meaning(0.8)}\n" in md and "`python -m estimator validate`" in md


def test_counts_in_the_assumptions_are_whole_numbers():
    r = api.run(params=7e9, tokens=2e12, hardware="h100-sxm", devices=256)
    assert "| devices | 256 devices | user |" in to_markdown(r.estimate)
    assert "  devices = 256 devices  (user;" in render("table", r.estimate)
    one = api.run(flops=1e20, hardware="h100-sxm").estimate
    assert "  devices = 1 device  (default;" in render("table", one) and "| devices | 1 device |" in to_markdown(one)


def test_a_long_value_never_runs_into_its_range_and_a_missing_one_reads_n_a():
    r = api.run(flops=1e32, hardware="b200", devices=10 ** 7)
    table = render("table", r.estimate)
    line = next(x for x in table.splitlines() if x.startswith("Device-hours"))
    value = line.split("range")[0]
    assert value.endswith("device-hours  ")  # two spaces before the range, whatever the value's length
    brain = render("table", api.run(flops=1e20, hardware="brain").estimate)
    assert "  price_usd_per_device_hour = n/a  (" in brain and "none" not in brain


def test_json_round_trip(gpt3):
    data = json.loads(render("json", gpt3.estimate, gpt3.comparison))
    assert data["published"]["energy_kwh"]["published"] == 1287e3
    assert data["energy_kwh"] == gpt3.estimate.energy_kwh


def test_latex_statement_and_its_bibtex(gpt3):
    tex = render("latex", gpt3.estimate, cite_keys=["P21"], sources=load_sources())
    bib = render("bibtex", gpt3.estimate, cite_keys=["P21"], sources=load_sources())
    assert f"or {count(gpt3.estimate.device_hours)} device-hours" in tex and "10,000" in tex
    assert r"\cite{patterson2021carbon}" in tex and r"\cite{codecarbon}" not in tex  # P21's own 429 g, not CodeCarbon's
    assert "@article{patterson2021carbon" in bib and "@" not in tex
    assert energy(gpt3.estimate.energy_kwh) in tex and "CO$_2$e" in tex


def test_latex_escape():
    assert latex_escape("50% & $5_x") == r"50\% \& \$5\_x"
    # an exact power of ten is written bare by humanize ("10²⁰ FLOPs"); it was printed as "10 FLOPs"
    assert latex_escape("10²⁰ FLOPs") == r"$10^{20}$ FLOPs"
    assert latex_escape("2 × 10²¹ FLOPs, 10⁻⁶ of peak") == r"2 $\times 10^{21}$ FLOPs, $10^{-6}$ of peak"
    assert latex_escape("in 2010, 110 W") == "in 2010, 110 W"


def test_latex_statement_keeps_an_exact_power_of_ten():
    r = api.run(flops=1e20, hardware="a100-sxm-80gb")
    assert "training the model ($10^{20}$ FLOPs, as given)" in render("latex", r.estimate)


def test_a_difference_from_a_published_figure_never_reads_0_percent_for_different_numbers():
    """Browser audit: "3.11 million" published against "3.12 million" estimated read "0%"."""
    from estimator.report.export import difference_text
    from estimator.services import api
    assert difference_text(0.0010120295) == "+0.1%" and difference_text(-0.004) == "-0.4%"
    assert difference_text(-0.00010772554744506687) == "-0.01%"  # BERT-base's energy (review: it read "0.0%")
    assert difference_text(0.0049) == "+0.5%" and difference_text(1e-9) == "0%"
    assert difference_text(0.0) == "0%" and difference_text(0.12) == "+12%" and difference_text(-0.0051) == "-1%"
    r = api.run(preset_id="lambda-gpt3-v100")
    cells = {c.key: published_cells(c) for c in r.comparison}
    assert cells["device_hours"] == ("3.11 million device-hours", "+0.1%")


def test_the_table_shows_its_figures_before_what_the_ranges_mean_wrapped():
    """Newcomer's try: one 700-character line of what the ranges mean stood above the figures in a terminal."""
    from estimator.core.base.interval import range_meaning
    from estimator.report.export import TEXT_WIDTH, to_table
    from estimator.services import api
    est = api.run(preset_id="lambda-gpt3-v100").estimate
    lines = to_table(est).splitlines()
    first_range_line = next(i for i, x in enumerate(lines) if x.startswith("Unmarked ranges"))
    assert next(i for i, x in enumerate(lines) if x.startswith("Training time")) < first_range_line
    block = lines[first_range_line:lines.index("", first_range_line)]
    assert " ".join(block) == range_meaning(est.level) and all(len(x) <= TEXT_WIDTH for x in block)


def test_a_querys_token_counts_are_written_whole_or_to_five_figures():
    """Serving-engineer review 2026-11-29 ("1,280" for MLPerf's 1,278.2) and diff review ("2.0000 million")."""
    from estimator.report import humanize as hz
    assert [hz.query_tokens(x) for x in (2e6, 5000, 1278.2, 144.84)] == ["2,000,000", "5,000", "1,278", "144.84"]
