"""A review of the outputs' consistency (2026-12-01): what one format or sentence said against another."""

from __future__ import annotations

import json

from estimator.cli import main

TPU = ("estimate", "--model", "llama-3.1-8b", "--tokens", "15e12", "--hardware", "tpu-v5p", "--devices", "512")


def _out(capsys, *args) -> str:
    assert main(list(args)) == 0
    return capsys.readouterr().out


def test_the_whole_run_energy_range_is_stated_where_the_estimates_is(capsys):
    """A TPU v5p's power is assumed (×0.5–×1.5): the estimate's energy range is "stated", and the whole-run
    utilisation's energy beside it, on the same power, had been called an 80% range."""
    d = json.loads(_out(capsys, *TPU, "--format", "json"))
    assert d["range_basis"]["energy_kwh"] == "stated"
    w = d["step"]["whole_run_fit"]
    assert w["range_basis"] == {"wall_clock_s": "prediction", "energy_kwh": "stated", "co2e_kg": "stated"}
    table = " ".join(_out(capsys, *TPU).split())
    assert "746 MWh (397 MWh – 1.33 GWh, stated) and 354 t CO₂e (189 t CO₂e – 632 t CO₂e, stated) at the same power" in table
    latex = " ".join(_out(capsys, *TPU, "--format", "latex").split())
    assert "using 746 MWh (stated range 397 MWh--1.33 GWh)" in latex and "80\\% range 397 MWh" not in latex
    # a fitted power's stays a prediction interval
    h100 = json.loads(_out(capsys, *TPU[:6], "h100-sxm", "--devices", "512", "--format", "json"))
    assert h100["step"]["whole_run_fit"]["range_basis"]["energy_kwh"] == "prediction"
    assert "at the same power" in _out(capsys, *TPU[:6], "h100-sxm", "--devices", "512")
    assert ", stated) at the same power" not in _out(capsys, *TPU[:6], "h100-sxm", "--devices", "512")


def test_a_best_layouts_batch_a_little_off_the_one_asked_shows_its_change(capsys):
    """4.18 × 10⁶ tokens a step of the 4.19 × 10⁶ asked (4,177,920 of 4,194,304: -0.39%) had read "-0%"."""
    out = _out(capsys, "plan", "--model", "llama-3.1-70b", "--tokens", "15e12", "--hardware", "h100-sxm",
               "--budget-usd", "30e6")
    head = out.splitlines()[0]
    assert "the best layout's 4.18 × 10⁶ (-0.4%: whole micro-batches)" in head and "-0%" not in out


def test_a_compare_cells_range_keeps_each_ends_unit_where_the_figure_has_a_scale_word(capsys):
    """The Markdown's water cell read "1.66 thousand m³ (944 – 2.92 thousand)": the 944 m³ as if in thousands. An end
    without the figure's scale word keeps its unit; a plain figure's range keeps the short form."""
    out = _out(capsys, "compare", "--model", "llama-3.1-8b", "--tokens", "15e12", "--devices", "1024", "--hardware",
               "h100-sxm", "--format", "markdown")
    row = out.splitlines()[2]
    assert "| 1.66 thousand m³ (944 m³ – 2.92 thousand m³) (stated) |" in row
    assert "| 535,000 device-hours (438,000–649,000) |" in row  # no scale word: the unit said once
    out = _out(capsys, "compare", "--preset", "gpt3-175b", "--hardware", "a100-sxm-80gb", "--format", "markdown")
    assert "717,000 device-hours (368,000 – 1.40 million)" in out.splitlines()[2]


def test_a_given_serving_draw_is_exact_at_the_wall_only_the_hosts_part_ranges(capsys):
    """`--power-w 500` read "794 W (641 W – 985 W)" at the wall: the 500 W given scaled with the profile's interval.
    Given, it is exact; the host's 294 W (the H100 profile's) spans the interval alone."""
    from estimator.io.datafiles import default_profiles
    p = default_profiles().get("h100-sxm").power
    args = ("inference", "--model", "llama-3.1-8b", "--hardware", "h100-sxm", "--batch-size", "32", "--format", "json")
    d = json.loads(_out(capsys, *args, "--power-w", "500"))
    host = p.host_share_w
    assert d["node_power_w"] == 500 + host
    low, high = d["range"]["node_power_w"]
    assert low == 500 + host * p.average_range_w[0] / p.average_w
    assert high == 500 + host * p.average_range_w[1] / p.average_w
    modelled = json.loads(_out(capsys, *args))  # the modelled draw ranges with its host
    lo, hi = modelled["range"]["node_power_w"]
    assert lo < modelled["node_power_w"] * 0.85 and hi > modelled["node_power_w"] * 1.1
