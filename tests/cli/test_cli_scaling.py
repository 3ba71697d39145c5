"""CLI: scaling chinchilla / diminishing / trend, inference, contrasts; JSON keys and errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from estimator.cli.main import main
from estimator.laws import diminishing as dm
from estimator.laws import scaling
from estimator.report import humanize as hz
from estimator.services.limits import reports as limits

ROOT = Path(__file__).resolve().parents[2]


def run_json(capsys, *argv):
    assert main([*argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_chinchilla_json(capsys):
    out = run_json(capsys, "scaling", "chinchilla", "--flops", "5.76e23")
    assert out["params_opt"] == pytest.approx(69.3e9, rel=0.01)
    assert out["tokens_opt"] == pytest.approx(1.4e12, rel=0.02)
    assert out["loss_opt"] == pytest.approx(scaling.chinchilla(5.76e23).loss_opt)
    fit = run_json(capsys, "scaling", "chinchilla", "--flops", "5.76e23", "--method", "fit")
    assert fit["params_opt"] == pytest.approx(scaling.chinchilla(5.76e23, "fit").params_opt)
    with_hw = run_json(capsys, "scaling", "chinchilla", "--flops", "1e22", "--hardware", "h100-sxm")
    assert with_hw["estimate"]["cost_usd"] == pytest.approx(limits.estimate_flops(1e22, "h100-sxm").cost_usd)


def test_chinchilla_budget(capsys):
    out = run_json(capsys, "scaling", "chinchilla", "--budget-usd", "1e6", "--hardware", "h100-sxm")
    assert out["estimate"]["cost_usd"] == pytest.approx(1e6)
    res, _ = limits.budget_model("usd", 1e6, "h100-sxm")
    assert out["params_opt"] == pytest.approx(res.model.params_opt)
    out = run_json(capsys, "scaling", "chinchilla", "--budget-tco2e", "10", "--hardware", "a100-sxm-80gb",
                   "--region", "FRA")
    assert out["estimate"]["co2e_kg"] == pytest.approx(10_000)
    out = run_json(capsys, "scaling", "chinchilla", "--budget-kwh", "1e4", "--hardware", "v100-sxm2", "--pue", "1.5")
    assert out["estimate"]["energy_kwh"] == pytest.approx(1e4)


def test_diminishing_json(capsys):
    out = run_json(capsys, "scaling", "diminishing", "--current-error", "11.5", "--target-error", "5",
                   "--exponent", "0.072", "--hardware", "a100-sxm-80gb")
    assert out["compute_multiplier"] == pytest.approx(dm.compute_multiplier(11.5, 5, 0.072))
    assert out["compute_multiplier"] == pytest.approx(1e5, rel=0.1)
    u = out["base"]["utilization"]["value"] / out["target"]["utilization"]["value"]
    assert out["target"]["cost_usd"] == pytest.approx(out["base"]["cost_usd"] * out["compute_multiplier"] * u)
    default = run_json(capsys, "scaling", "diminishing")
    # the CLI's default k is the app's (same numbers for the same inputs): 0.072, 1.06e5×
    assert default["exponent"] == dm.DEFAULT_EXPONENT == 0.072
    assert default["compute_multiplier"] == pytest.approx(1.057e5, rel=1e-3)
    assert default["base"]["hardware"] == "h100-sxm"


def test_trend_json(capsys):
    out = run_json(capsys, "scaling", "trend", "--years", "5")
    # the base year is the year of the profile's price (V100: Lambda's 2020-06 price), not the release year
    assert len(out["rows"]) == 6 and out["start_year"] == 2020
    assert out["start_year_basis"].startswith("the year of the profile's price (2020-06")
    assert out["rows"][0]["workload_cost_usd"] == pytest.approx(out["base"]["cost_usd"])
    assert out["summary"]["training_compute_per_year"] == pytest.approx(2 ** (12 / 3.4))


def test_inference_json(capsys):
    out = run_json(capsys, "inference", "--params", "7e9", "--hardware", "a100-sxm-80gb", "--tokens", "1e6")
    table = 32000 * 4096                                   # Mistral 7B's shape: the embedding table, not read
    weights_s = (14e9 - 2 * table) / (0.9 * 2039e9)        # weight bytes read ÷ achievable bandwidth
    assert out["step_s"]["memory"] >= weights_s and out["bound"] == "memory"
    assert out["seconds_per_output_token"] > out["step_s"]["memory"]       # + engine and prefill
    assert out["memory_gb"]["weights"] == pytest.approx(14.0)
    for key in ("energy_kwh", "co2e_kg", "cost_usd"):
        assert out[key] > 0 and out["per_token"][key] == pytest.approx(out[key] / 1e6)
    q8 = run_json(capsys, "inference", "--params", "7e9", "--hardware", "a100-sxm-80gb", "--tokens", "1e6", "--bits", "8")
    # the blocks at 1 byte; the embeddings and LM head stay at 2 (and a step reads only the LM head of them)
    assert q8["memory_gb"]["weights"] == pytest.approx((7e9 + 2 * table) / 1e9)
    assert out["step_s"]["memory"] - q8["step_s"]["memory"] == pytest.approx((7e9 - 2 * table) / (0.9 * 2039e9))
    # the chosen techniques, then the illustrative ones (as the app shows them), each flagged
    chosen = [t["technique"] for t in q8["techniques"] if t["chosen"]]
    assert chosen == ["baseline", "quantization-8bit"]
    assert [t["technique"] for t in q8["techniques"][:2]] == chosen
    assert {t["technique"] for t in q8["techniques"] if not t["chosen"]} == {
        "quantization-4bit", "kv-cache-8bit", "pruning", "distillation"}
    assert q8["break_even"]["basis"] == "cost_usd"
    assert 0 < q8["techniques"][1]["saving_fraction"]["energy_kwh"] < 0.5
    assert q8["break_even"]["queries"]["cost_usd"] == pytest.approx(
        q8["training"]["cost_usd"] / q8["per_query"]["cost_usd"])
    lo, hi = q8["break_even"]["queries_range"]["cost_usd"]
    assert lo < q8["break_even"]["queries"]["cost_usd"] < hi


def test_contrasts_json(capsys):
    out = run_json(capsys, "contrasts")
    assert out["world_power_w"]["value"] == pytest.approx(3.42e12, rel=0.01)
    assert out["alphago_brain_power_ratio"]["value"] == pytest.approx(50_000)


@pytest.mark.parametrize("argv, shown", [
    (["scaling", "chinchilla", "--flops", "5.76e23"], ["69.3 billion", "1.39 trillion", "5.76 × 10²³ FLOPs"]),
    (["scaling", "chinchilla", "--budget-usd", "1e6", "--hardware", "h100-sxm"], ["28.9 billion", "578 billion"]),
    (["scaling", "diminishing"], ["1.06 × 10⁵×"]),
    (["scaling", "trend"], ["$4.6M in 2020", "as the lecture's preset lambda-gpt3-v100", "2027"]),
    (["inference", "--params", "70e9", "--hardware", "h100-sxm", "--tokens", "1e9", "--bits", "4", "--sparsity", "0.5",
      "--student-params", "7e9", "--batch-size", "16"], ["4.55 billion parameters at 4 bits", "5.50 GB"]),
    (["contrasts"], ["3.42 TW", "50,000×", "1 part in "]),  # GPT-3's share of world electricity (was "4.66 × 10⁻⁶%")
])
def test_tables_print(capsys, argv, shown):
    assert main(argv) == 0
    out = capsys.readouterr().out
    for text in shown:
        assert text in out


@pytest.mark.parametrize("argv, message", [
    (["scaling", "chinchilla"], "give --flops or a budget"),
    (["scaling", "chinchilla", "--flops", "-1e20"], "FLOPs"),
    (["scaling", "chinchilla", "--budget-usd", "100"], "a budget needs the hardware it is spent on (--hardware"),
    (["scaling", "chinchilla", "--budget-usd", "100", "--hardware", "brain"], "no price"),
    (["scaling", "chinchilla", "--flops", "1e20", "--budget-usd", "5"], "not allowed with"),
    (["scaling", "diminishing", "--target-error", "20"], "below the current error"),
    (["scaling", "diminishing", "--exponent", "0"], "exponent"),
    (["scaling", "diminishing", "--hardware", "nope"], "nope"),
    (["scaling", "trend", "--years", "2.5"], "whole number"),
    (["scaling", "trend", "--doubling-years", "1e-4", "--format", "json"], "doubling time (years) must be at least 0.1"),
    (["scaling", "diminishing", "--current-error", "1.001", "--target-error", "1", "--exponent", "5e-4"],
     "exponent k must be at least 0.001 and at most 5"),
    (["scaling", "diminishing", "--exponent", "1e300"], "exponent k must be at least 0.001 and at most 5"),
    (["scaling", "chinchilla", "--flops", "1e23", "--method", "fit", "--tokens-per-param", "5"],
     "a tokens-per-parameter ratio sets D = k·N for the tokens-per-param method; the fit's minimum sets its own tokens "
     "per parameter: leave one of them out (--tokens-per-param, --method)"),
    (["inference", "--params", "7e9", "--hardware", "a100-sxm-80gb", "--tokens", "nan"], "tokens"),
    (["inference", "--params", "7e9", "--hardware", "a100-sxm-80gb", "--tokens", "1e6", "--sparsity", "1"], "sparsity"),
    (["inference", "--params", "7e9", "--hardware", "a100-sxm-80gb", "--tokens", "1e6", "--bits", "3"], "invalid choice"),
    (["inference", "--params", "7e9", "--tokens", "1e6", "--hardware", "no-such-gpu"], "--hardware"),
    (["inference", "--params", "7e9", "--hardware", "a100-sxm-80gb", "--tokens", "1e6", "--batch-size", "0.5"], "batch"),
    (["scaling"], "required"),
])
def test_bad_input_is_one_error_line_and_exit_2(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ")
    assert message in err[0]


@pytest.mark.slow
def test_module_entry_point():
    p = subprocess.run([sys.executable, "-m", "estimator", "scaling", "chinchilla", "--flops", "5.76e23",
                        "--format", "json"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["params_opt"] == pytest.approx(69.3e9, rel=0.01)


def test_diminishing_base_preset_keeps_the_presets_scenario(capsys):
    """--base-preset prices the base exactly as `estimate --preset` does (10,000 V100s, the
    preset's grid and power); only the FLOPs are multiplied."""
    out = run_json(capsys, "scaling", "diminishing", "--base-preset", "gpt3-175b")
    est = run_json(capsys, "estimate", "--preset", "gpt3-175b")
    u = out["base"]["utilization"]["value"] / out["target"]["utilization"]["value"]
    for key in ("co2e_kg", "energy_kwh", "wall_clock_s", "cost_usd"):
        assert out["base"][key] == pytest.approx(est[key])
        assert out["target"][key] == pytest.approx(est[key] * out["compute_multiplier"] * u)


@pytest.mark.parametrize("argv, message", [
    (["scaling", "chinchilla", "--flops", "1e-300"], "at least 10¹²"),
    (["scaling", "chinchilla", "--flops", "1e20", "--tokens-per-param", "1e300"], "at most 100,000"),
    (["scaling", "trend", "--start-year", "1e300"], "at least 1940 and at most 2100"),
])
def test_implausible_inputs_are_refused(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


def test_a_budget_is_exact_and_what_it_buys_has_the_range():
    """A fixed budget has no range of its own: the uncertainty (utilisation, power) is in the FLOPs,
    parameters and tokens it buys. Dollars at a price per device-hour buy exact device-hours."""

    res, est = limits.budget_model("usd", 1e5, "a100-sxm-80gb", {"devices": 8})
    assert est.cost_usd == pytest.approx(1e5, rel=1e-6)
    assert est.range["cost_usd"] == pytest.approx((est.cost_usd, est.cost_usd))
    assert est.range["device_hours"] == pytest.approx((est.device_hours, est.device_hours))
    assert est.range["energy_kwh"][0] < est.energy_kwh < est.range["energy_kwh"][1]  # power's range
    central = limits.estimate_flops(res.flops, "a100-sxm-80gb", {"devices": 8})
    lo_cost, hi_cost = central.range["cost_usd"]
    assert res.low.flops == pytest.approx(res.flops * 1e5 / hi_cost) and res.high.flops == pytest.approx(res.flops * 1e5 / lo_cost)
    assert res.low.params_opt < res.model.params_opt < res.high.params_opt
    doc = res.to_dict()["range"]
    assert doc["loss_opt"][0] < res.model.loss_opt < doc["loss_opt"][1]
    _, kwh = limits.budget_model("kwh", 1e4, "a100-sxm-80gb", {"devices": 8})
    assert kwh.range["energy_kwh"] == pytest.approx((1e4, 1e4), rel=1e-6)


@pytest.mark.parametrize("kind, budget, setting", [
    ("kwh", 1e4, {"devices": 8}),
    ("tco2e", 5.0, {"devices": 8}),
    ("usd", 1e5, {"devices": 8, "electricity_usd_per_kwh": 0.1}),
])
def test_a_fixed_energy_moves_the_power_range_into_the_time(kind, budget, setting):
    """kWh, t CO₂e, or dollars at an electricity price fix the energy: energy, CO₂e and such a cost
    are exact, and device-hours = energy ÷ (power × PUE) take the power's range, inverted."""
    from estimator.services import api
    from estimator.services.limits import reports as limits
    res, est = limits.budget_model(kind, budget, "a100-sxm-80gb", setting)
    for key in ("energy_kwh", "co2e_kg"):
        assert est.range[key] == pytest.approx((getattr(est, key),) * 2)
    profile = api.run(hardware="a100-sxm-80gb", flops=1e20).profile
    power = est.assumption("power_w").value
    low_w, high_w = profile.power.average_range_w
    for key in ("device_hours", "wall_clock_s"):
        x = getattr(est, key)
        assert est.range[key] == pytest.approx((x * power / high_w, x * power / low_w))
    cost = est.range["cost_usd"]
    if "electricity_usd_per_kwh" in setting:
        assert cost == pytest.approx((est.cost_usd, est.cost_usd))
        assert est.cost_usd == pytest.approx(budget, rel=1e-6)
    else:
        assert cost == pytest.approx((est.cost_usd * power / high_w, est.cost_usd * power / low_w))
    # the device-hours' range is the energy's at a fixed time, turned over: a run at the range's
    # highest power uses the fewest device-hours for the same energy
    assert est.range["device_hours"][0] * high_w == pytest.approx(est.device_hours * power)
    # the FLOPs it buys still take the utilisation's and power's ranges
    assert res.low.flops < res.flops < res.high.flops
    assert any("the energy is fixed" in n for n in est.notes)


def test_a_fixed_energy_at_a_given_power_has_exact_device_hours():

    _, est = limits.budget_model("kwh", 1e4, "a100-sxm-80gb", {"devices": 8, "power_w": 400})
    assert est.range["device_hours"] == pytest.approx((est.device_hours, est.device_hours))
    assert est.device_hours == pytest.approx(1e4 * 1000 / (400 * est.assumption("pue").value))


def test_budget_rows_show_each_range_or_exact(capsys):
    assert main(["scaling", "chinchilla", "--budget-kwh", "1e5", "--hardware", "a100-sxm-80gb", "--devices", "8"]) == 0
    out = capsys.readouterr().out
    assert "100 MWh (exact)" in out and "47.5 t CO₂e (exact)" in out
    assert "time                  3.26 years (range 2.63 years – 4.04 years)" in out
    assert main(["scaling", "chinchilla", "--budget-usd", "1e5", "--hardware", "a100-sxm-80gb", "--devices", "8"]) == 0
    out = capsys.readouterr().out
    assert "$100k (exact)" in out and "152 days (exact)" in out


def test_trend_base_year_follows_the_price(capsys):
    """A price the user gives has no date: it is taken as of the release year, and says so; a
    start year given wins."""
    out = run_json(capsys, "scaling", "trend", "--price-usd-per-hour", "2", "--years", "2")
    assert out["start_year"] == 2017 and "release year" in out["start_year_basis"]
    out = run_json(capsys, "scaling", "trend", "--start-year", "2023", "--years", "2")
    assert out["start_year"] == 2023 and out["start_year_basis"] == "given"


def test_trend_overflow_names_the_doubling_time_given(capsys):
    """A table whose cost falls below a millionth of a cent is refused with the years that work (it had
    printed GPT-3 at $7.1 × 10⁻²⁹); a century is past the years a trend reaches (trends.YEARS)."""
    assert main(["scaling", "trend", "--doubling-years", "0.1", "--years", "27"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: by 2025 the fixed workload's cost would fall below a millionth of a cent") \
        and "give at most 4 years, a longer doubling time or a larger workload" in err and err.count("\n") == 1
    assert main(["scaling", "trend", "--doubling-years", "0.1", "--years", "4"]) == 0
    capsys.readouterr()
    assert main(["scaling", "trend", "--years", "100"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: years must be at least 1 and at most 27 years") and "(--years)" in err


def test_diminishing_says_why_the_cost_is_not_the_multiplier(capsys):
    """The fitted utilisation grows with a run's size, so the target's cost is less than the base's ×
    the compute multiplier; the note gives both factors and both utilisations."""

    rep = limits.diminishing_report(11.5, 5.0, 0.072)
    ratio = rep.target.cost_usd / rep.base.cost_usd
    ub, ut = rep.base.assumption("utilization").value, rep.target.assumption("utilization").value
    assert ratio == pytest.approx(rep.result.compute_multiplier * ub / ut, rel=1e-9)
    assert rep.cost_note.startswith(f"the target costs {hz.times(ratio)} the base, not 1.06 × 10⁵×")
    assert f"{ut:.2f} at the target's size against {ub:.2f}" in rep.cost_note
    assert main(["scaling", "diminishing"]) == 0
    assert rep.cost_note in capsys.readouterr().out


def test_diminishing_prints_errors_that_differ(capsys):
    assert main(["scaling", "diminishing", "--current-error", "100", "--target-error", "99.999999", "--exponent", "5"]) == 0
    assert "error               100 → 99.999999 " in capsys.readouterr().out


def test_budget_loss_has_its_range_in_text(capsys):

    res, _ = limits.budget_model("usd", 1e5, "a100-sxm-80gb", {"devices": 8})
    lo, hi = res.to_dict()["range"]["loss_opt"]
    assert main(["scaling", "chinchilla", "--budget-usd", "1e5", "--hardware", "a100-sxm-80gb", "--devices", "8"]) == 0
    assert (f"predicted loss        {res.model.loss_opt:.3f} cross-entropy per token (range {lo:.3f} – {hi:.3f})"
            in capsys.readouterr().out)


def test_serving_never_outgrows_training_after_a_fraction_of_a_query(capsys):
    """Training cheaper than one query (a toy --train-flops, above one token's training, the least taken): the first
    query outgrows it, and the text says so instead of "after 2.6 × 10⁻¹⁵ queries"."""
    assert hz.queries_until(3.2e6) == "3.20 million queries" and hz.queries_until(1.0) == "1 query"
    assert hz.queries_until(2.61e-15) == "the first query (training costs 2.61 × 10⁻¹⁵ of one)"
    assert main(["inference", "--model", "llama-3.1-8b", "--tokens", "1e9", "--train-flops", "1e11"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("serving outgrows training"))
    assert "after the first query (training costs" in line and "queries" not in line


def test_a_tenth_of_a_cent_buys_half_a_device_second(capsys):
    """Device-hours now start at one device-millisecond (a single served query is priced), so a
    $0.001 budget is a run of 0.523 s; below the scaling law's 1e12 FLOPs a budget is refused."""
    assert main(["scaling", "chinchilla", "--budget-usd", "1e-3", "--hardware", "h100-sxm"]) == 0
    assert "time                  0.523 s (exact) on 1 × h100-sxm" in capsys.readouterr().out
    assert main(["scaling", "chinchilla", "--budget-usd", "1e-6", "--hardware", "h100-sxm"]) == 2
    assert "but the scaling law covers at least 10¹²" in capsys.readouterr().err


def test_a_range_that_rounds_to_one_figure_is_not_called_exact():
    """Review: the scaling table called a cost range of $2.17–$2.23 "(exact)", its ends reading alike at two figures."""
    from types import SimpleNamespace

    from estimator.cli.scaling_cmds import _ranged
    e = SimpleNamespace(cost_usd=2.2, range={"cost_usd": (2.17, 2.23)}, basis=lambda key: "prediction")
    assert _ranged(e, "cost_usd", hz.money) == "$2.2 (range $2.17 – $2.23)"
    e = SimpleNamespace(cost_usd=2.2, range={"cost_usd": (2.2, 2.2)})
    assert _ranged(e, "cost_usd", hz.money) == "$2.2 (exact)"
