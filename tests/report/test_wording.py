"""Printed numbers read as people write them: a count of exactly one is singular ("1 year", not
"1 years"); a rounding that reaches the next unit moves to it ("1.00 kWh", not "1,000 Wh"); money
keeps its two significant figures ("$10k", "$4.0 × 10⁻⁷"); zero has no sign ("0%", not "-0%");
the scaling table writes its budget and device count as every other number ("$100k", "1,024 ×").

Each case names the text printed before the fix in a comment."""

from __future__ import annotations

import json

import pytest

from estimator.cli.accuracy_cmds import energy_check_rows
from estimator.core.base.units import S_PER_DAY, S_PER_HOUR, S_PER_YEAR
from estimator.report import humanize as hz
from estimator.services.serving import inference as serving


def line(out: str, start: str) -> str:
    return next(x for x in out.splitlines() if x.startswith(start)).rstrip()


# --- 1. one is singular ------------------------------------------------------------------------


@pytest.mark.parametrize("text, singular, plural, expected", [
    ("1", "year", None, "1 year"),
    ("1.5", "year", None, "1.5 years"),
    ("1.00", "hour", None, "1.00 hours"),  # only exactly "1" as printed is singular
    ("0", "device", None, "0 devices"),
    ("1", "query", "queries", "1 query"),
    ("2", "query", "queries", "2 queries"),
])
def test_noun_is_singular_only_for_exactly_one(text, singular, plural, expected):
    assert hz.noun(text, singular, plural) == expected


def test_one_device_hour_and_one_year():
    assert hz.device_hours(1) == "1 device-hour"  # was "1 device-hours"
    assert hz.device_hours(0) == "0 device-hours" and hz.device_hours(2) == "2 device-hours"
    assert hz.device_hours(1.5) == "1.50 device-hours"
    assert hz.duration(S_PER_YEAR) == "1 year"  # was "1 years"
    assert hz.duration(1.5 * S_PER_YEAR) == "1.50 years" and hz.duration(2 * S_PER_YEAR) == "2 years"
    assert hz.duration(S_PER_HOUR) == "1.00 hours"


def test_the_cli_prints_one_device_hour_and_one_year(cli):
    out = cli("estimate", "--device-hours", "1", "--hardware", "h100-sxm").out
    assert line(out, "Device-hours") == "Device-hours   1 device-hour"  # was "1 device-hours"
    out = cli("estimate", "--hours", "8766", "--hardware", "h100-sxm").out
    assert line(out, "Training time") == "Training time  1 year"  # was "1 years"


def test_one_token_takes(cli):
    r = cli("inference", "--params", "1e8", "--batch-size", "256", "--tokens", "1", "--tokens-per-query", "1",
            "--prompt-tokens", "1", "--hardware", "a100-sxm-80gb")
    assert r.code != 0
    # optimized-2024 (the default engine since issue 54; 0.000193 with vllm-2024): one step is the engine's
    # 0.083 ms a layer + 0.060 ms × 256 sequences = 15.3 ms + GPU and prefill 0.274 ms each = 15.9 ms (as refitted
    # with the GH200 rows: 16.4 ms before them, 11.9 ms before issue 54), shared by the batch's 256 tokens:
    # 6.23 × 10⁻⁵ device-seconds a token; 5.75 × 10⁻⁵ as refitted with the experts' GEMM rate (0.091 ms a layer,
    # 0.055 ms a sequence); 5.83 × 10⁻⁵ as refitted with the prompts' all-reduces (0.084 ms, 0.056 ms); 5.84 × 10⁻⁵
    # with the experts' GEMM size in the device's peak (0.0560 ms a sequence); 5.7 × 10⁻⁵ as refitted with MLPerf's power-capped results served under their GPUs' limits (0.0545 ms a sequence, 0.0847 ms a layer); 5.54 × 10⁻⁵ as refitted with the devices' measured matmul share (2026-11-28); 5.9 × 10⁻⁵ with GPT-3 Small's 12
    # layers as 10⁸ parameters' shape (one of Gemma 2B's 18 layers before: the engine's time a layer × 12)
    # 5.9 × 10⁻⁵ before the engine's refit of 2026-12-01 (six devices' memory as each reports it)
    assert "error: 1 token takes 5.91 × 10⁻⁵ device-seconds: less than one device-millisecond" in r.err  # was "1 tokens take"


def test_one_query_is_priced(cli):
    """Audit: one 338-token answer at batch 64 (0.21 device-seconds with vllm-2024) was refused as "too
    little to price", though per-query figures are the page's headline."""
    r = cli("inference", "--model", "llama-3-8b", "--tokens", "338", "--batch-size", "64", "--hardware", "h100-sxm",
            "--format", "json")
    assert r.code == 0, r.err
    d = json.loads(r.out)
    # its share of the batch: 338 steps of 12.5 ms (optimized-2024, the default engine since issue 54: GPU 5.90 ms
    # memory-bound + engine 0.083 ms × 32 layers + 0.060 ms × 64 sequences = 6.48 ms, as refitted with the GH200 rows) ÷ 64
    # = 0.0658 device-seconds, well above the one device-millisecond it must reach to be priced
    assert d["device_hours"] * S_PER_HOUR == pytest.approx(338 * d["seconds_per_token"])  # a token served, ÷ 64
    assert d["tokens"] == 338 and 0.05 < d["device_hours"] * S_PER_HOUR < 0.07 and d["energy_kwh"] > 0
    r = cli("inference", "--params", "1e8", "--batch-size", "256", "--tokens", "2", "--tokens-per-query", "1",
            "--prompt-tokens", "1")
    # on h100-sxm, the default (issue 54), a step of the 1e8-parameter model is mostly the engine's 15.3 ms, so
    # a token is 6.1 × 10⁻⁵ device-seconds and two 0.000122 (0.000125 before the GH200 rows, 8.97 × 10⁻⁵ before
    # issue 54's refit; 0.000386 on a100-sxm-80gb with vllm-2024); 0.000112 as refitted with the experts' GEMM rate,
    # 0.000114 with the prompts' all-reduces; 0.000111 as refitted with MLPerf's power-capped results served under their GPUs' limits (0.0545 ms a sequence, 0.0847 ms a layer); 0.000108 with the devices' measured matmul share; 0.000115 with GPT-3 Small's 12 layers as its shape
    assert "error: 2 tokens take 0.000116 device-seconds" in r.err  # 0.000115 before the refit of 2026-12-01


# --- 2. the unit follows the rounded value ------------------------------------------------------


@pytest.mark.parametrize("show, x, expected, before", [
    (hz.duration, 0.99999 * S_PER_HOUR, "1.00 hours", "60.0 min"),
    (hz.duration, 59.9996, "1.00 min", "60.0 s"),
    (hz.duration, 47.9999 * S_PER_HOUR, "2.00 days", "48.0 hours"),
    (hz.device_hours, 0.99999, "1.00 device-hours", "1.000 device-hours"),
    (hz.energy, 0.99999, "1.00 kWh", "1,000 Wh"),
    (hz.energy, 999_999.7, "1.00 GWh", "1,000 MWh"),
    (hz.energy, 999.9996e9, "10³ TWh", "1,000 TWh"),
    (hz.power, 999.9996, "1.00 kW", "1,000 W"),
    (hz.co2e, 0.99999, "1.00 kg CO₂e", "1,000 g CO₂e"),
    (hz.co2e, 999_999.7, "1.00 kt CO₂e", "1,000 t CO₂e"),
    (hz.water, 999.9996, "1.00 m³", "1,000 L"),
    (hz.sig, 0.99999, "1.00", "1.000"),
    (hz.sig, 9.9996, "10.0", "10.00"),
    (hz.sig, 999.99e12, "10¹⁵", "1,000,000,000,000,000"),
    (hz.count, 999_999.7, "1.00 million", "1,000,000"),
    (hz.count, 999_999_999.0, "1.00 billion", "1,000 million"),
    (hz.number, 999_999.9, "1.00 million", "1,000,000"),
    (hz.flops, 999_999.9, "10⁶ FLOPs", "1,000,000 FLOPs"),
    (hz.times, 99_999.7, "10⁵×", "100,000×"),
    (hz.money, 999.99, "$1.0k", "$1,000"),
    (hz.money, 999_999, "$1.0M", "$1,000k"),
])
def test_a_rounding_that_reaches_the_next_unit_moves_to_it(show, x, expected, before):
    assert show(x) == expected, before


@pytest.mark.parametrize("show, x, expected", [
    (hz.duration, 59.4, "59.4 s"), (hz.duration, 59.9 * 60, "59.9 min"), (hz.duration, 365.2 * S_PER_DAY, "365 days"),
    (hz.duration, 365.3 * S_PER_DAY, "1.00 years"),  # past a year stays in years, though 365.3 days reads "365"
    (hz.energy, 0.4, "400 Wh"), (hz.energy, 0.9994, "999 Wh"), (hz.co2e, 0.65, "650 g CO₂e"),
    (hz.sig, 0.9994, "0.999"), (hz.count, 999_999, "999,999"), (hz.count, 6450.3, "6,450"),
    (hz.money, 994, "$990"), (hz.money, 12_345, "$12k"),
])
def test_values_that_stay_below_the_next_unit_keep_theirs(show, x, expected):
    assert show(x) == expected


def test_the_cli_moves_to_the_next_unit(cli):
    out = cli("estimate", "--hours", "0.99999", "--power-w", "999.99", "--pue", "1", "--hardware", "h100-sxm").out
    assert line(out, "Training time") == "Training time  1.00 hours"  # was "60.0 min"
    assert line(out, "Device-hours") == "Device-hours   1.00 device-hours"  # was "1.000 device-hours"
    assert line(out, "Energy") == "Energy         1.00 kWh"  # was "1,000 Wh"


# --- 3. money: two significant figures, in every notation ---------------------------------------


def test_money_keeps_two_significant_figures():
    assert hz.money(9999) == "$10k"  # was "$10.0k"
    assert hz.money(9.96e6) == "$10M"  # was "$10.0M"
    assert hz.money(4e-7) == "$4.0 × 10⁻⁷"  # was "$4 × 10⁻⁷" beside "$8.7 × 10⁻⁷"
    assert hz.money(8.7e-7) == "$8.7 × 10⁻⁷"
    assert hz.money(1e-6) == "$1.0 × 10⁻⁶"  # was "$10⁻⁶"
    assert hz.money(2e18) == "$2.0 × 10¹⁸"  # was "$2 × 10¹⁸"
    assert hz.money(6.5e302) == "$6.5 × 10³⁰²" and hz.money(9.9e14) == "$990T"  # unchanged
    assert hz.money(0) == "$0" and hz.money(0.00013) == "$0.00013" and hz.money(3.4) == "$3.4"
    # the other numbers in powers of ten keep their style: no trailing zeros
    assert hz.sci(4e-7) == "4 × 10⁻⁷" and hz.sig(1e-6) == "10⁻⁶"


def test_the_cli_prints_money_with_two_figures(cli):
    out = cli("estimate", "--device-hours", "9999", "--price-usd-per-hour", "1", "--hardware", "h100-sxm").out
    assert line(out, "Cost") == "Cost           $10k"  # was "$10.0k"
    out = cli("inference", "--model", "mistral-7b", "--tokens", "1e8", "--batch-size", "192", "--hardware", "a100-sxm-80gb").out
    # was "$3 × 10⁻⁵", then "$3.0 × 10⁻⁵ less per query"; a hundredth of a cent or less per million queries (issue 55)
    student = next(t for t in serving.inference_report(hardware="a100-sxm-80gb", model="mistral-7b", tokens=1e8,
                                                      batch_size=192).techniques if t.name == "distillation")
    saved = student.to_dict()["saved_per_query"]["cost_usd"]
    assert saved < 1e-4 and line(out, "saves vs baseline: student of").endswith(
        f"; ${hz.sig(saved * 1e6, 2)} less per million queries")


def test_a_cost_range_takes_the_figures_its_ends_need_to_differ(cli):
    """Exports audit: "Cost $2.2 range $2.2 – $2.2 (stated)" for a cost of 2.17–2.23 (JSON)."""
    assert hz.human_range("cost_usd", 2.17, 2.23) == "$2.17 – $2.23"
    assert hz.human_range("cost_usd", 1.7e6, 3.2e6) == "$1.7M – $3.2M"  # two figures where they suffice
    assert hz.human_range("cost_usd", 9990, 10010) == "$9.99k – $10.0k"
    assert hz.range_ends(hz.money, 2.2001, 2.2002) == ("$2.2", "$2.2")  # alike at four figures too: two
    assert hz.range_ends(hz.energy, 1.0, 2.0) == (hz.energy(1.0), hz.energy(2.0))  # other units as before
    # the calibrated CPU profile's cost range in the audit, here from a price whose ends differ by a few percent
    out = cli("estimate", "--flops", "1e18", "--hardware", "cpu-server-2s-epyc", "--electricity-usd-per-kwh", "0.2",
              "--utilization", "0.05", "--format", "json").out
    low, high = json.loads(out)["range"]["cost_usd"]
    text = cli("estimate", "--flops", "1e18", "--hardware", "cpu-server-2s-epyc", "--electricity-usd-per-kwh", "0.2",
               "--utilization", "0.05").out
    assert f"range {hz.human_range('cost_usd', low, high)}" in line(text, "Cost")
    ends = hz.range_ends(hz.money, low, high)
    assert ends[0] != ends[1]


# --- 4. zero has no sign --------------------------------------------------------------------------


@pytest.mark.parametrize("x, decimals, signed, unsigned", [
    (-0.004, 0, "0%", "0%"),  # was "-0%"
    (0.004, 0, "0%", "0%"),  # was "+0%"
    (0.0, 0, "0%", "0%"),
    (-0.0, 0, "0%", "0%"),
    (-0.0004, 1, "0.0%", "0.0%"),  # was "-0.0%"
    (-0.18, 0, "-18%", "-18%"),
    (0.12, 0, "+12%", "12%"),
    (0.004, 1, "+0.4%", "0.4%"),
    (-0.006, 0, "-1%", "-1%"),
])
def test_a_percentage_that_rounds_to_zero_has_no_sign(x, decimals, signed, unsigned):
    assert hz.signed_percent(x, decimals) == signed
    assert hz.percent(x, decimals) == unsigned
    assert hz.signed_percent(None) == "n/a" and hz.percent(float("nan")) == "n/a"


def test_inference_savings_never_read_minus_zero(cli):
    out = cli("inference", "--model", "llama-3.1-70b", "--tokens", "1e8", "--batch-size", "128", "--hardware",
              "a100-sxm-80gb").out
    pruned = serving.inference_report(hardware="a100-sxm-80gb", model="llama-3.1-70b", tokens=1e8, batch_size=128)
    saved = next(t for t in pruned.techniques if t.name == "pruning").saving("seconds_per_token")
    assert 0 < abs(saved) < 0.005
    row = line(out, "saves vs baseline: 50% of weights pruned")
    # was "-0% of time", then "0% of time"; a small change as a figure, an increase in words (issue 55); a small
    # saving since the prompts' all-reduces count in the step (its 4-device baseline all-reduces more than 2 do)
    phrase = f"{hz.share(-saved, 0)} more time" if saved < 0 else f"{hz.share(saved, 0)} of time"
    assert f"energy per token, {phrase} per token served (1 ÷ tokens/s, not the time per output token) on 2 devices " \
           "(not 4); " in row and " 0% of" not in row
    assert "-0%" not in out
    # a small increase: Llama 2 70B at batch 1 on 40 GB A100s, its pruned step on 2 devices a little longer than the
    # baseline's on 4: "0.3% more time", never "-0%"
    small = cli("inference", "--model", "llama-2-70b", "--tokens", "1e8", "--batch-size", "1", "--hardware",
                "a100-sxm-40gb").out
    rep = serving.inference_report(hardware="a100-sxm-40gb", model="llama-2-70b", tokens=1e8, batch_size=1)
    more = -next(t for t in rep.techniques if t.name == "pruning").saving("seconds_per_token")
    assert 0 < more < 0.005
    assert f"{hz.share(more, 0)} more time per token served" in line(small, "saves vs baseline: 50% of weights pruned")
    assert "-0%" not in small
    # a real increase, in words (was "-18% of time"). With optimized-2024 (the default engine since issue 54) the
    # step at tensor parallel 2 doubles each device's GPU and prefill parts (compute 23.9 → 47.8 ms, prefill 11.3
    # → 22.7 ms at the sourced 0.6 of the peak) while the engine's 14.4 ms stays: 90.6 ms ÷ 55.9 ms = 1.62 (1.69
    # before issue 54's refit; 1.63 as refitted with the experts' GEMM rate, 1.62 with the prompts' all-reduces, 1.60
    # with the A100's measured matmul share);
    # vllm-2024's 78 ms of engine time a step hid most of it (23%)
    assert "60% more time per token served (1 ÷ tokens/s, not the time per output token) on 2 devices (not 4)" in line(out, "saves vs baseline: 8-bit KV cache")
    assert "-18%" not in out


def test_validate_energy_check_never_reads_minus_zero():
    checks = [{"run": "a", "source": "S", "published_energy_kwh": 100.0, "energy_kwh_from_published_hours": 99.99,
               "published_co2e_kg": 10.0, "co2e_kg_from_published_hours": 10.04},
              {"run": "b", "source": "S", "published_energy_kwh": 100.0, "energy_kwh_from_published_hours": 99.6,
               "published_co2e_kg": None, "co2e_kg_from_published_hours": None}]
    assert energy_check_rows(checks) == [["a", "S", "0.0%", "+0.4%"],  # was "-0.0%"
                                         ["b", "S", "-0.4%", ""]]


# --- 5. the scaling table writes its numbers as every other ------------------------------------


def test_chinchilla_budget_and_devices_read_as_numbers(cli):
    out = cli("scaling", "chinchilla", "--budget-usd", "1e5", "--hardware", "a100-sxm-80gb", "--devices", "1024").out
    assert line(out, "budget") == "budget                $100k on a100-sxm-80gb"  # was "1e+05 USD"
    assert line(out, "time") == "time                  28.5 hours (exact) on 1,024 × a100-sxm-80gb"  # was "1024 ×"
    assert line(out, "cost") == "cost                  $100k (exact)"
    out = cli("scaling", "chinchilla", "--budget-kwh", "1e6", "--hardware", "h100-sxm").out
    assert line(out, "budget") == "budget                1.00 GWh on h100-sxm"  # was "1e+06 kWh"
    assert line(out, "energy") == "energy                1.00 GWh (exact)"  # was "1,000 MWh"
    out = cli("scaling", "chinchilla", "--budget-tco2e", "12.345", "--hardware", "h100-sxm").out
    assert line(out, "budget") == "budget                12.3 t CO₂e on h100-sxm"  # was "12.35 t CO₂e"


def test_trend_growth_columns_use_powers_of_ten(cli):
    out = cli("scaling", "trend").out
    assert "1.54 × 10³" in line(out, "2023") and "4.21 × 10¹⁰" in line(out, "2030")  # was "1.54e+03", "4.21e+10"
    assert "e+" not in out


def test_a_students_size_reads_as_a_model_card_gives_it(cli):
    out = cli("inference", "--model", "llama-3.1-70b", "--tokens", "1e8", "--batch-size", "32").out
    assert "saves vs baseline: student of 42.3 billion parameters (illustrative)" in out and "e+10" not in out
    small = cli("inference", "--params", "110e6", "--tokens", "1e6", "--hardware", "t4").out
    assert "student of 66 million parameters" in small
