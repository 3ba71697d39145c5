"""An audit of `inference`'s table and the Inference page (2026-11-25): the energy's scope (the devices
only, no host) in the headline labels; the PUE, grid intensity and price used, with their origins; the
baseline the savings are measured from; the total time as one replica's; the break-even's basis in
view on the page; and "1 FLOP", "1 output token", never "1.00 FLOPs" or "1 output tokens"."""

from __future__ import annotations

import pytest

from estimator.cli.inference_cmd import SAVES
from estimator.core.base.units import J_PER_KWH
from estimator.report import humanize as hz
from estimator.report.export import assumption_value
from estimator.services.serving import inference as serving
from estimator.services.serving.words import DEVICES_ONLY_MEANING

SERVE = {"hardware": "a100-sxm-80gb", "model": "llama-3.1-8b", "tokens": 1e6}
ARGS = ("inference", "--model", "llama-3.1-8b", "--tokens", "1e6", "--hardware", "a100-sxm-80gb")  # SERVE's


def rows(out: str) -> dict[str, str]:
    """The table's rows, label → value (two spaces or more part them; notes, "  · …", left out)."""
    table = {}
    for line in out.splitlines():
        if line.startswith(" ") or "  " not in line:
            continue
        label, value = line.split("  ", 1)
        table[label.strip()] = value.strip()
    return table


def plain(text: str) -> str:
    """A shown text without its Markdown escapes (``common.md_escape``)."""
    return text.replace("\\", "")


def page(params: dict):
    pytest.importorskip("streamlit")
    from apptest_pages import run_page

    return run_page("inference", params)


# --- 1. the energy is the devices' alone: said in the labels -------------------------------------


def test_the_cli_labels_say_the_energy_is_the_devices_alone(cli):
    r = serving.inference_report(**SERVE).result
    assert r.estimate.breakdown.host_kwh == 0  # serving counts no host (training does)
    t = rows(cli(*ARGS).out)
    per_query = t["per query (energy: devices only, PUE included)"]
    assert per_query.startswith(hz.energy(r.per_query("energy_kwh")))
    total = t["total, devices only (1.00 million tokens)"]
    assert total.startswith(f"{hz.energy(r.energy_kwh)} (")  # 1.71 kWh, with its range
    assert hz.co2e(r.co2e_kg) in total and total.endswith(DEVICES_ONLY_MEANING)
    assert "total (1.00 million tokens)" not in t


def test_the_page_labels_and_helps_say_the_energy_is_the_devices_alone():
    r = serving.inference_report(hardware="a100-sxm-80gb", model="llama-3.1-8b", tokens=1e9).result
    at = page({"inf_model": "llama-3.1-8b", "inf_hw": "a100-sxm-80gb"})
    shown = {m.label: (m.value, m.help) for m in at.metric}
    n = "1.00 billion tokens"
    for label, value in ((f"Total energy, devices only ({n})", hz.energy(r.energy_kwh)),
                         (f"Total CO₂e, devices only ({n})", hz.co2e(r.co2e_kg)),
                         ("Energy per query, devices only (338 tokens)", hz.energy(r.per_query("energy_kwh"))),
                         ("CO₂e per query, devices only", hz.co2e(r.per_query("co2e_kg")))):
        assert shown[label][0] == value
        assert "the host (CPUs, memory, network) not counted" in shown[label][1]
    assert not any(label.startswith("Total energy (") for label in shown)


# --- 2. the PUE, grid intensity and price used, with where each comes from ------------------------


def test_the_cli_prints_the_pue_grid_and_price_it_used(cli):
    r = serving.inference_report(**SERVE).result
    t = rows(cli(*ARGS).out)
    for label, name in (("PUE", "pue"), ("grid intensity", "carbon_intensity_g_per_kwh"),
                        ("price", "price_usd_per_device_hour")):
        a = r.estimate.assumption(name)
        assert t[label] == f"{assumption_value(a.value, a.unit)} ({a.origin}; {a.source})"
    assert t["grid intensity"].startswith("475.0 gCO2e/kWh (default; world average")
    assert t["price"].startswith("3.430 USD/device-hour (profile:a100-sxm-80gb; ")
    # a country's grid and a price per kWh: the user's, said so, and no price per device-hour
    t = rows(cli(*ARGS, "--region", "FRA", "--electricity-usd-per-kwh", "0.1").out)
    assert t["grid intensity"].startswith("56.04 gCO2e/kWh (user; France (FRA)")
    assert t["electricity price"] == "0.1000 USD/kWh (user; given)" and "price" not in t


def test_the_page_shows_the_pue_grid_and_price_it_used():
    r = serving.inference_report(hardware="a100-sxm-80gb", params=13e9, tokens=1e6, price_usd_per_device_hour=0).result
    at = page({"inf_params": "13e9", "inf_tokens": "1e6", "inf_price": "0", "inf_hw": "a100-sxm-80gb"})
    (used,) = [plain(x.value) for x in at.caption if plain(x.value).startswith("Used: ")]
    pue = r.estimate.assumption("pue")
    assert f"PUE {assumption_value(pue.value)} ({pue.origin}; {pue.source})" in used
    assert "grid intensity 475.0 gCO2e/kWh (default; world average" in used
    assert used.endswith("; price 0 USD/device-hour (user; given).")


# --- 3. the savings' baseline, shown, and the rows said to be against it --------------------------


def test_the_cli_shows_the_baseline_the_savings_are_measured_from(cli):
    """With 4-bit weights served, the 8-bit row saves less than the 4-bit one: both against the 16-bit
    dense model, whose own figures the table now prints."""
    rep = serving.inference_report(**SERVE, bits=4)
    base = rep.techniques[0].result
    assert rep.techniques[0].name == "baseline" and base.bits == 16 and rep.result.bits == 4
    t = rows(cli(*ARGS, "--bits", "4").out)
    row = t["baseline: 16-bit, dense, full model"]
    assert row.startswith(f"{hz.joules(base.joules_per_output_token)} (")  # 5.59 J, not the served 2.94 J
    assert f" and {hz.token_time(base.seconds_per_output_token)} (" in row
    # the batch and the throughput its saving of time is of (review 2026-11-26: "47% of time" read as TPOT)
    assert row.endswith(f"per output token (batch {hz.count(base.batch_size)}; {hz.sig(base.tokens_per_s)} tokens/s "
                        f"served) on 1 device; {hz.money(base.per_query('cost_usd'))} per query")
    assert t["energy per output token"].startswith(hz.joules(rep.result.joules_per_output_token))
    saves = [k for k in t if k.startswith("saves")]
    assert saves and all(k.startswith(f"{SAVES} ") for k in saves)
    assert SAVES == "saves vs baseline:"
    # the served one; optimized-2024 (the default since issue 54) at batch 1 on one A100: the step is mostly the
    # weights' read (5.18 ms against 10.9 ms at 16 bits, as refitted in issue 54; 4.99 and 10.7 before) at the same
    # decode draw, so energy and time both fall 52% (53% before)
    # (50% as refitted with the experts' GEMM rate: the per-layer engine cost a larger share of a short step; 51%
    # with the prompts' all-reduces, that cost smaller again)
    assert t["saves vs baseline: 4-bit weights (weight-only)"].startswith("51% of energy per token")
    # 8-bit: 7.08 ms against 10.9 ms, 35% of both (the same draw; 36% before; 34% as refitted, 35% again with the
    # prompts' all-reduces)
    assert t["saves vs baseline: 8-bit weights and activations (int8) (illustrative)"].startswith("35% of energy")


def test_the_page_says_its_savings_are_against_the_baseline_row():
    at = page({"inf_model": "llama-3.1-8b", "inf_bits": "4", "inf_hw": "a100-sxm-80gb"})
    df = at.dataframe[0].value.set_index("technique")
    assert df.loc["baseline", "setting"] == "16-bit, dense, full model" and df.loc["baseline", "saved_pct"] == 0
    assert any(x.value.startswith("Savings are against the baseline row (16-bit, dense, full model), not the model "
                                  "served.") for x in at.caption)
    assert "Energy saved vs baseline (%)" in str(at.dataframe[0].proto)


# --- 4. the total time: one replica generating every token by itself---------------------------------------


def test_the_total_time_is_one_replicas(cli):
    r = serving.inference_report(hardware="a100-sxm-80gb", model="llama-3.1-405b", tokens=1e17).result
    assert r.devices == 16
    row = rows(cli("inference", "--model", "llama-3.1-405b", "--tokens", "1e17", "--hardware", "a100-sxm-80gb").out)["total time, one replica (10¹⁷ tokens)"]
    assert row.startswith(f"{hz.duration(r.estimate.wall_clock_s)} (")  # 550 million years
    assert row.endswith(f": 16 × a100-sxm-80gb (one replica, the tensor-parallel group) at batch 1, if it generated "
                        f"every token by itself: {hz.device_hours(r.estimate.device_hours)}, however many replicas share them")


def test_the_pages_total_time_is_one_replicas():
    r = serving.inference_report(hardware="a100-sxm-80gb", model="llama-3.1-405b", tokens=1e17).result
    at = page({"inf_model": "llama-3.1-405b", "inf_hw": "a100-sxm-80gb", "inf_tokens": "1e17"})
    (m,) = [m for m in at.metric if m.label == "Total time, one replica (10¹⁷ tokens)"]
    assert m.value == hz.duration(r.estimate.wall_clock_s)
    assert m.help == (f"16 × a100-sxm-80gb (one replica, the tensor-parallel group) at batch 1, if it generated "
                      f"every token by itself: {hz.device_hours(r.estimate.device_hours)}, however many replicas share them")


# --- 5. the page's break-even says its basis, as the CLI's ---------------------------------------


@pytest.mark.parametrize("price, word", [(None, "cost"), ("0", "energy")])
def test_the_pages_break_even_says_its_basis_in_view(cli, price, word):
    kw = {"hardware": "a100-sxm-80gb", "params": 13e9, "tokens": 1e6}
    params = {"inf_params": "13e9", "inf_tokens": "1e6", "inf_hw": "a100-sxm-80gb"}
    argv = ("inference", "--params", "13e9", "--tokens", "1e6", "--hardware", "a100-sxm-80gb")
    if price is not None:
        kw["price_usd_per_device_hour"], params["inf_price"] = float(price), price
        argv += ("--price-usd-per-hour", price)
    be = serving.inference_report(**kw).break_even
    assert be.basis_word == word
    shown = {m.label: m.value for m in page(params).metric}
    assert shown[f"Serving outgrows training, by {word}, after"] == hz.queries_until(be.queries[be.basis])
    assert "Serving costs more after" not in shown
    assert rows(cli(*argv).out)["serving outgrows training"].endswith(f", by {word}")


# --- 6. one of a thing is singular -----------------------------------------------------------------


def test_one_output_token_is_singular_and_the_flops_read_alike(cli):
    """The query row said "1 output tokens"; training's FLOPs are hz.flops's in the CLI and on the page (three
    figures, as every figure: "1.00 FLOPs" as "1.00 hours")."""
    t = rows(cli(*ARGS, "--train-flops", "1e24", "--tokens-per-query", "1").out)
    assert t["training (for break-even)"].startswith(f"{hz.flops(1e24)}: ")
    assert t["query"] == "161 prompt + 1 output token"


# --- the break-even compares like with like: both energies the devices', PUE included ---------------


def test_the_break_even_compares_pue_included_device_energies():
    rep = serving.inference_report(**SERVE)
    r, be, t = rep.result, rep.break_even, rep.training
    pue = r.estimate.assumption("pue").value
    assert r.per_query("energy_kwh") == pytest.approx(r.joules_per_output_token * r.tokens_per_query * pue / J_PER_KWH)
    b = t.breakdown
    assert be.train["energy_kwh"] == pytest.approx(t.energy_kwh * b.devices_kwh / (b.devices_kwh + b.host_kwh))
    assert t.energy_kwh == pytest.approx((b.devices_kwh + b.host_kwh) * t.assumption("pue").value)


def test_a_training_cost_by_the_kwh_is_given_as_the_break_even_takes_it(cli):
    """Consistency review (2026-12-01): priced by the kWh, the break-even takes training's cost on the devices' share
    of its energy ($38k of $66k for Llama 3.1 8B on H100s), but the JSON dropped that figure as training's own and the
    text gave it without saying so. Priced by the device-hour the two are one number, given once."""
    import json
    kwh = json.loads(cli(*ARGS, "--electricity-usd-per-kwh", "0.1", "--format", "json").out)
    b = kwh["break_even"]
    assert b["train"]["cost_usd"] == pytest.approx(kwh["training"]["cost_usd"] * b["train_device_share"])
    assert b["train"]["cost_usd"] < 0.9 * kwh["training"]["cost_usd"]
    assert b["queries"]["cost_usd"] == pytest.approx(b["train"]["cost_usd"] / kwh["per_query"]["cost_usd"])
    t = rows(cli(*ARGS, "--electricity-usd-per-kwh", "0.1").out)
    assert t["training (for break-even)"].endswith(
        f", {hz.money(b['train']['cost_usd'])} (the devices' share of {hz.money(kwh['training']['cost_usd'])}, priced by "
        "the kWh)")
    hourly = json.loads(cli(*ARGS, "--format", "json").out)
    assert "cost_usd" not in hourly["break_even"]["train"]
    assert rows(cli(*ARGS).out)["training (for break-even)"].endswith(f", {hz.money(hourly['training']['cost_usd'])}")


def test_with_a_price_of_zero_the_savings_are_energy_per_query(cli):
    """A price of 0 gave "$0 less per query" on every row, while the break-even went by energy."""
    rep = serving.inference_report(**SERVE, price_usd_per_device_hour=0)
    t = rows(cli(*ARGS, "--price-usd-per-hour", "0").out)
    base = rep.techniques[0].result
    assert t["baseline: 16-bit, dense, full model"].endswith(f"; {hz.energy(base.per_query('energy_kwh'))} per query")
    four = next(x for x in rep.techniques if x.label.startswith("4-bit"))
    saved = four.to_dict()["saved_per_query"]["energy_kwh"]
    assert t["saves vs baseline: 4-bit weights (weight-only) (illustrative)"].endswith(f"; {hz.energy(saved)} less per query")
    assert not any("$0" in v for k, v in t.items() if k.startswith(("saves", "baseline")))
