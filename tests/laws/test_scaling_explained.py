"""The audit of `python -m estimator scaling`: each figure says why it is what it is.

1. diminishing: a target that does not cost the base × the multiplier says why, also for a preset's known run;
2. trend: a doubling time's range only where its source states one (Hobbhahn & Besiroglu 2022, Table 1);
3. chinchilla and diminishing: stated ranges marked "(stated)" as `estimate` marks them;
4. a budget's note names the inputs whose ranges set what it buys (the brain: its stated peak);
5. the fit's caveat compares its minimum with ≈20 tokens per parameter at the budget given;
6. CO₂e steps up to Gt; the trend's JSON years are whole numbers.
"""

from __future__ import annotations

import json

import pytest
from apptest_pages import shared_page

from estimator.cli.main import main
from estimator.laws import scaling, trends
from estimator.report import humanize as hz
from estimator.services.limits import reports as limits


def _out(capsys, *argv) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


# --- 1. why the target does not cost the base × the multiplier -------------------------------------


def test_a_preset_base_says_its_time_is_the_published_runs_own(capsys):
    rep = limits.diminishing_report(11.5, 5.0, 0.072, base_preset="bert-base")
    ratio = rep.target.cost_usd / rep.base.cost_usd
    assert ratio == pytest.approx(15_632, rel=1e-3) and rep.result.compute_multiplier == pytest.approx(1.0568e5, rel=1e-3)
    peak = rep.target.assumption("peak_flops_per_s").value
    implied = rep.base.flops / (rep.base.device_hours * 3600 * peak)  # 8.45e19 ÷ (5,068.8 h × 3600 × 125e12)
    assert implied == pytest.approx(0.0370, abs=5e-4) and rep.base.device_hours == pytest.approx(5068.8)
    ut = rep.target.assumption("utilization").value
    assert f"{ut:.2f}" == "0.25"
    note = rep.cost_note  # was None: the note needed a utilisation on both sides
    assert note == ("the target costs 15,600× the base, not 1.06 × 10⁵×: the base's time is the published run's own "
                    "(3.30 days on 64 devices, an implied utilisation of 0.037 of the peak), the target's comes from the "
                    "fitted utilisation 0.25 at its size; time, energy and cost follow the utilisation")
    out = _out(capsys, "scaling", "diminishing", "--base-preset", "bert-base")
    assert note in out and "base cost         $7.5k (exact)" in out


def test_two_fitted_runs_keep_their_note_and_equal_utilisations_give_none():
    rep = limits.diminishing_report(11.5, 5.0, 0.072)
    assert rep.cost_note.startswith("the target costs 34,700× the base, not 1.06 × 10⁵×: the fitted utilisation is 0.21 "
                                    "at the target's size against 0.07 at the base's")
    same = limits.diminishing_report(11.5, 5.0, 0.072, setting={"utilization": 0.3})
    assert same.target.cost_usd / same.base.cost_usd == pytest.approx(same.result.compute_multiplier)
    assert same.cost_note is None
    given = limits.diminishing_report(11.5, 5.0, 0.072, base_preset="bert-base", setting={"utilization": 0.3})
    assert "the target's comes from the given utilisation 0.30 at its size" in given.cost_note
    assert "13,000× the base" in given.cost_note


# --- 2. a doubling time's range only as its source states it ----------------------------------------


def test_each_stated_doubling_time_has_its_own_interval_and_others_none():
    assert trends.doubling_interval(2.46) == (2.24, 2.72)
    assert trends.doubling_interval(2.07) == (1.54, 3.13)  # was 1.88–2.29: the all-GPU interval scaled
    assert trends.doubling_interval(2.95) == (2.54, 3.52) and trends.doubling_interval(2.3) == (1.69, 3.62)
    assert trends.doubling_interval(2.2) is None and trends.doubling_interval(2.0) is None
    t = trends.trend_table(2020, 2, 100.0, 2.07)
    assert t.workload_cost_low_usd[1] == pytest.approx(100.0 / 2 ** (1 / 1.54))
    assert t.workload_cost_high_usd[1] == pytest.approx(100.0 / 2 ** (1 / 3.13))


def test_the_ml_gpu_doubling_time_prints_the_papers_interval(capsys):
    out = _out(capsys, "scaling", "trend", "--doubling-years", "2.07", "--years", "2")
    base = limits.trend_report(doubling_years=2.07, years=2).base.cost_usd
    row = next(line for line in out.splitlines() if line.startswith("2021"))
    lo, hi = hz.money(base / 2 ** (1 / 1.54)), hz.money(base / 2 ** (1 / 3.13))
    assert f"{lo}–{hi}" in row and (lo, hi) == ("$2.9M", "$3.7M")
    assert "$3.2M–$3.4M" not in row  # the scaled all-GPU interval (1.88–2.29 years)
    assert ("the cost's range: the doubling time's 95% confidence interval, 1.54–3.13 years around 2.07, as "
            f"{trends.PRICE_PERF_SOURCE} states it (GPUs used in ML research, n = 26)") in out


def test_a_doubling_time_without_a_stated_interval_has_no_range(capsys):
    out = _out(capsys, "scaling", "trend", "--doubling-years", "2.2", "--years", "2")
    header = next(line for line in out.splitlines() if line.startswith("year"))
    assert "range" not in header and "+ algorithms (what-if)" in header
    assert (f"no range for the cost: {trends.PRICE_PERF_SOURCE} states a 95% interval only for the doubling times 2.46 "
            "(all GPUs), 2.07 (GPUs used in ML research), 2.95 (the top GPUs of each time) and 2.30 (FP16 FLOP/s per "
            "dollar) years, none for 2.2 years") in out
    data = json.loads(_out(capsys, "scaling", "trend", "--doubling-years", "2.2", "--years", "2", "--format", "json"))
    assert data["summary"]["price_perf_interval_years"] is None
    assert all(r["workload_cost_low_usd"] is None and r["workload_cost_high_usd"] is None for r in data["rows"])
    assert data["rows"][1]["workload_cost_usd"] == pytest.approx(data["rows"][0]["workload_cost_usd"] / 2 ** (1 / 2.2))


# --- 3. stated ranges marked as `estimate` marks them -----------------------------------------------


def test_chinchilla_marks_a_stated_range_and_its_footnote_claims_no_interval_for_it(capsys):
    argv = ("scaling", "chinchilla", "--flops", "5.76e23", "--hardware", "tpu-v4", "--devices", "1000")
    out = _out(capsys, *argv)
    # the TPU v4 fit's utilisation at 5.76 × 10²³ FLOPs: 0.268, σ = 0.270 (ln units); since issue 53 (1545519) every
    # family takes the multiplier calibrated on the Epoch rows (utilization_fit.json: 2.57, was the pooled 1.78), so
    # time and cost go ×/÷ e^(2.57 × 0.270) = 2.00 (was 1.62): $7.0M → $3.5M – $14M; the energy's range adds the
    # stated power's (GLaM's 326 W and PaLM's 378.5 W around their geometric mean 351.3 W: ln 1.078 = 0.075) in
    # quadrature, e^√(0.694² + 0.075²) = 2.01: 838 MWh → 417 MWh – 1.68 GWh, CO₂e at the same factor
    assert "energy                838 MWh (range 417 MWh – 1.68 GWh) (stated)" in out
    assert "CO₂e                  398 t CO₂e (range 198 t CO₂e – 800 t CO₂e) (stated)" in out
    assert "cost                  $7.0M (range $3.5M – $14M)\n" in out  # a prediction interval: unmarked, as `estimate`
    assert ("ranges: unmarked ones are 80% prediction intervals from the utilisation and power fits; those marked "
            "\"stated\" are as their sources state them, with no measured coverage") in out
    assert "80% prediction intervals from the utilisation and power fits and as their sources state them" not in out
    basis = json.loads(_out(capsys, *argv, "--format", "json"))["estimate"]["range_basis"]
    assert basis["energy_kwh"] == "stated" and basis["cost_usd"] == "prediction"
    est = _out(capsys, "estimate", "--flops", "5.76e23", "--hardware", "tpu-v4", "--devices", "1000")
    assert "range 417 MWh – 1.68 GWh (stated)" in est  # the same range, the same mark


def test_diminishing_on_the_brain_marks_its_stated_ranges(capsys):
    out = _out(capsys, "scaling", "diminishing", "--hardware", "brain")
    assert "target energy     1.54 MWh (range 15.4 kWh – 154 MWh) (stated)" in out
    assert "ranges: those marked \"stated\" are as their sources state them, with no measured coverage" in out
    assert "prediction interval" not in out


# --- 4. what a budget's range comes from ------------------------------------------------------------


def test_the_brains_budget_range_is_its_stated_peak(capsys):
    res, est = limits.budget_model("kwh", 100, "brain")
    assert res.range_from == (("peak", "stated"),)
    assert res.high.flops / res.low.flops == pytest.approx(1e4)  # Carlsmith's 10¹³–10¹⁷ around 10¹⁵
    note = limits.budget_note(res, est)
    assert note == ("the budget is fixed; what it buys (FLOPs, parameters, tokens, loss) varies with the peak (a range "
                    "as its source states it, with no measured coverage); the utilisation and the power have no range "
                    "here; it fixes the energy, and device-hours = energy ÷ (power × PUE), and each row says whether it "
                    "is exact")
    out = _out(capsys, "scaling", "chinchilla", "--budget-kwh", "100", "--hardware", "brain")
    assert note in out and "80% ranges" not in out and "varies with the utilisation and the power" not in out
    data = json.loads(_out(capsys, "scaling", "chinchilla", "--budget-kwh", "100", "--hardware", "brain", "--format", "json"))
    assert data["range_from"] == {"peak": "stated"}


@pytest.mark.parametrize("kind, budget, hardware, setting, words, range_from", [
    ("kwh", 1e5, "h100-sxm", None, "varies with the utilisation and the power (80% prediction intervals from their fits); "
     "it fixes the energy", {"utilization": "prediction", "power": "prediction"}),
    ("usd", 1e6, "h100-sxm", None, "varies with the utilisation (80% prediction interval from its fit); it pays for exact "
     "device-hours", {"utilization": "prediction"}),
    ("tco2e", 100, "tpu-v4", None, "varies with the utilisation (80% prediction interval from its fit) and the power (a "
     "range as its source states it, with no measured coverage); it fixes", {"utilization": "prediction", "power": "stated"}),
    ("kwh", 1e5, "h100-sxm", {"power_w": 700}, "varies with the utilisation (80% prediction interval from its fit); the "
     "power has no range here", {"utilization": "prediction"}),
])
def test_a_budget_note_names_the_inputs_with_width(kind, budget, hardware, setting, words, range_from):
    res, est = limits.budget_model(kind, budget, hardware, setting)
    assert dict(res.range_from) == range_from and res.to_dict()["range_from"] == range_from
    assert words in limits.budget_note(res, est)


# --- 5. the fit's caveat at the budget --------------------------------------------------------------


def test_the_fits_caveat_is_true_at_every_budget(capsys):
    crossing = scaling.fit_crossing_flops()
    assert crossing == pytest.approx(7.594e16, rel=1e-3)
    assert scaling.chinchilla(crossing, "fit").tokens_per_param == pytest.approx(20.0)
    small = scaling.chinchilla(1e15, "fit")
    assert f"{small.tokens_per_param:.3g}" == "13.2"
    assert ("the minimum here has 13.2 tokens per parameter, a larger model on fewer tokens than the ≈20 tokens per "
            "parameter of Hoffmann et al.'s other two approaches (its tokens per parameter grow as C^0.097, crossing 20 "
            "near 7.6 × 10¹⁶ FLOPs)") in small.source
    assert "biased toward smaller models on more tokens" not in small.source
    big = scaling.chinchilla(5.76e23, "fit")
    assert "the minimum here has 92.6 tokens per parameter, a smaller model on more tokens than the ≈20" in big.source
    out = _out(capsys, "scaling", "chinchilla", "--method", "fit", "--flops", "1e12")
    assert "tokens per parameter  6.74" in out and "the minimum here has 6.74 tokens per parameter, a larger model" in out
    assert "toward smaller models" not in out


# --- 6. Gt and whole years --------------------------------------------------------------------------


def test_co2e_steps_up_to_gigatonnes(capsys):
    assert hz.co2e(3.55e12) == "3.55 Gt CO₂e" and hz.co2e(9.99e11) == "999 Mt CO₂e"
    assert hz.co2e(2.5e16) == "2.5 × 10⁴ Gt CO₂e"
    out = _out(capsys, "scaling", "diminishing", "--base-flops", "1e22", "--exponent", "0.04")
    # the H100 fit's σ at the target is 0.242 (ln units); its own multiplier (1.17) gave way to the Epoch rows'
    # 2.57 in issue 53 (1545519): e^(2.57 × 0.242) = 1.86 on the device-hours (was 1.33), and with the H100 power
    # fit's 80% half-width (0.215 in ln units: the gpu-system group's, the H100 having no measurements of its own) in
    # quadrature, e^√(0.623² + 0.215²) = 1.93 on the energy and CO₂e
    assert "target CO₂e       3.29 Gt CO₂e (range 1.70 Gt CO₂e – 6.36 Gt CO₂e)" in out
    assert "× 10³ Mt" not in out


def test_the_trend_json_writes_whole_years(capsys):
    raw = _out(capsys, "scaling", "trend", "--years", "2", "--format", "json")
    rows = json.loads(raw)["rows"]
    assert [r["year"] for r in rows] == [2020, 2021, 2022] and all(isinstance(r["year"], int) for r in rows)
    assert "2020.0" not in raw
    assert trends.trend_table(2020, 1, 100.0).rows()[1]["year"] == 2021


# --- the app says the same -------------------------------------------------------------------------


@pytest.mark.parametrize("doubling, banded", [("2.07", True), ("2.2", False)])
def test_the_limits_page_draws_a_band_only_for_a_stated_interval(doubling, banded):
    pytest.importorskip("streamlit")

    from app_pages.pages import limits_charts
    at = shared_page("limits", {"lim": "Trends", "tr_doubling": doubling})
    assert not at.exception and not at.error
    note = limits.trend_report(doubling_years=float(doubling)).summary.price_perf_interval_note
    captions = " ".join(c.value.replace("\\", "") for c in at.caption)
    assert (note[:1].upper() + note[1:]) in captions
    assert ("The shaded band is the cost's range." in captions) is banded
    table = trends.trend_table(2020, 3, 100.0, float(doubling))
    band = limits_charts.cost_chart(table).to_dict()["layer"][0]
    assert band["mark"]["opacity"] == (0.25 if banded else 0.0)


def test_the_limits_page_budget_note_is_the_clis(capsys):
    pytest.importorskip("streamlit")
    at = shared_page("limits", {"lim_budget": "t CO₂e", "lim_tco2e": "100", "lim_hw": "tpu-v4"})  # the page prices only
    res, est = limits.budget_model("tco2e", 100, "tpu-v4")
    note = limits.budget_note(res, est)
    assert "the power (a range as its source states it, with no measured coverage)" in note
    assert any(c.value.replace("\\", "") == f"{note[:1].upper()}{note[1:]}." for c in at.caption)
