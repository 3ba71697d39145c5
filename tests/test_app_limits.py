"""AppTest of the Limits of scale and Inference & compression pages: the numbers are the core's,
widgets move them, tampered query parameters warn and fall back to the defaults."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")
from apptest_pages import run_page  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from app_pages import inference as inference_page  # noqa: E402
from app_pages import limits as limits_page  # noqa: E402
from estimator import diminishing as dm, humanize as hz, limits, scaling  # noqa: E402

def metrics(at: AppTest) -> dict[str, str]:
    out = {}
    for m in at.metric:
        out.setdefault(m.label, m.value)  # first occurrence of a label
    return out


def url_warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if "Ignored URL parameter" in w.value]


# --- Limits of scale -------------------------------------------------------------------------


DIM, TRENDS, CONTRASTS = "Diminishing returns", "Trends", "Contrasts"


def test_limits_defaults_show_chinchilla_and_the_claim():
    at = run_page("limits")
    m = metrics(at)
    model = scaling.chinchilla(5.76e23)
    assert m["Parameters"] == hz.count(model.params_opt) == "69.3 billion"
    assert m["Tokens"] == hz.count(model.tokens_opt)
    assert len(at.get("vega_lite_chart")) == 1  # only the open section is drawn: the loss curve
    m = metrics(run_page("limits", {"lim": DIM}))
    assert m["Compute multiplier"] == hz.times(dm.compute_multiplier(11.5, 5.0, dm.DEFAULT_EXPONENT)) == "1.06 × 10⁵×"
    at = run_page("limits", {"lim": CONTRASTS})
    assert metrics(at)["World electricity (average)"] == "3.42 TW"
    assert any("25 TW" in w.value for w in at.warning)
    at = run_page("limits", {"lim": TRENDS})
    assert len(at.get("vega_lite_chart")) == 2  # cost over years, growth
    assert not url_warnings(at)


def test_each_section_has_its_own_link_and_draws_alone():
    for section, label in ((DIM, "Compute multiplier"), (TRENDS, "Frontier compute per year"),
                           (CONTRASTS, "AlphaGo ÷ brain (power)")):
        m = metrics(run_page("limits", {"lim": section}))
        assert label in m and "Parameters" not in m


def test_limits_budget_from_the_url():
    at = run_page("limits", {"lim_budget": "USD", "lim_usd": "1e6", "lim_hw": "h100-sxm"})
    res, est = limits.budget_model("usd", 1e6, "h100-sxm")
    m = metrics(at)
    assert m["Parameters"] == hz.count(res.model.params_opt)
    assert m["Cost"] == hz.money(est.cost_usd) == "$1.0M"


def test_limits_widgets_move_the_numbers():
    at = run_page("limits", {"lim": DIM})
    at.number_input(key="dr_k").set_value(0.1).run()
    assert not at.exception
    assert metrics(at)["Compute multiplier"] == hz.times(dm.compute_multiplier(11.5, 5.0, 0.1))
    at = run_page("limits")
    at.radio(key="lim_method").set_value("fit").run()
    assert metrics(at)["Parameters"] == hz.count(scaling.chinchilla(5.76e23, "fit").params_opt)
    at = run_page("limits", {"lim": TRENDS})
    at.number_input(key="tr_years").set_value(5).run()
    rep = limits.trend_report(years=5)
    assert metrics(at)["Cost in 2022"] == hz.money(rep.table.workload_cost_usd[-1])


TAMPERED = {
    None: {"lim_hw": "<script>x</script>", "lim_budget": "EUR", "lim_flops": "NaN", "lim_method": "kaplan"},
    DIM: {"dr_now": "-1", "dr_target": "abc", "dr_k": "1e9", "dr_base": "inf"},
    TRENDS: {"tr_hw": "brain", "tr_years": "2.5", "tr_doubling": "0"},
}


@pytest.mark.parametrize("section", list(TAMPERED))
def test_limits_tampered_query_params_warn_and_fall_back(section):
    params = {**TAMPERED[section], **({"lim": section} if section else {})}
    at = run_page("limits", params)
    warned = " ".join(url_warnings(at))
    for key in TAMPERED[section]:
        assert f"`{key}`" in warned, key
    assert "<script>" not in " ".join(md.value for md in at.markdown)
    m = metrics(at)
    if section is None:
        assert m["Parameters"] == "69.3 billion"  # the defaults
    elif section == DIM:
        assert m["Compute multiplier"] == "1.06 × 10⁵×"
    else:
        assert m["Cost in 2017"] == hz.money(limits.trend_report().base.cost_usd)


def test_limits_inconsistent_inputs_show_an_error_box():
    at = run_page("limits", {"lim": DIM, "dr_now": "5", "dr_target": "10"})
    assert any("below the current error" in e.value for e in at.error)


# --- Inference & compression ------------------------------------------------------------------


def test_inference_defaults_7b_on_a100():
    at = run_page("inference")
    m = metrics(at)
    assert m["Time per token"] == f"{hz.sig(14e9 / 2039e9 * 1e3)} ms" == "6.87 ms"
    assert m["Memory (weights)"] == "14.0 GB"
    assert m["Bound by"] == "memory bandwidth"
    rep = limits.inference_report(hardware="a100-sxm-80gb", params=7e9, tokens=1e9)
    assert m["Cost per query"] == hz.money(rep.result.per_query("cost_usd"))
    assert m["Serving costs more after"] == f"{hz.count(rep.break_even.queries['cost_usd'])} queries"
    df = at.dataframe[0].value.set_index("technique")
    assert df.loc["quantization-8bit", "ms_per_token"] == pytest.approx(df.loc["baseline", "ms_per_token"] / 2)
    assert df.loc["quantization-8bit", "saved_pct"] == pytest.approx(50)
    assert len(at.get("vega_lite_chart")) == 2


def test_inference_table_shows_device_time_when_quantisation_frees_a_device():
    """70B at 16 bits needs two H100s (140 GB); at 8 bits one. Wall time per token is the same,
    device time per token (what energy and cost follow) halves."""
    at = run_page("inference", {"inf_params": "70e9", "inf_hw": "h100-sxm"})
    df = at.dataframe[0].value.set_index("technique")
    base, q8 = df.loc["baseline"], df.loc["quantization-8bit"]
    assert (base["devices"], q8["devices"]) == (2, 1)
    assert q8["ms_per_token"] == pytest.approx(base["ms_per_token"])
    assert q8["device_ms_per_token"] == pytest.approx(base["device_ms_per_token"] / 2)
    assert q8["saved_pct"] == pytest.approx(50)


def test_inference_8bit_from_the_url_halves_the_time():
    at = run_page("inference", {"inf_bits": "8"})
    assert metrics(at)["Time per token"] == f"{hz.sig(14e9 / 2039e9 / 2 * 1e3)} ms"
    at.radio(key="inf_bits").set_value("4").run()
    assert metrics(at)["Memory (weights)"] == "3.50 GB"


def test_inference_chosen_techniques_and_combined_row():
    at = run_page("inference", {"inf_bits": "8", "inf_sparsity": "0.5", "inf_student": "3.5e9", "inf_hw": "h100-sxm"})
    df = at.dataframe[0].value.set_index("technique")
    assert "combined" in df.index
    assert df.loc["combined", "saved_pct"] == pytest.approx(100 * (1 - 0.125))
    assert "(illustrative)" not in df.loc["pruning", "setting"]


TAMPERED_INFERENCE = {"inf_hw": "brain", "inf_params": "-5", "inf_tokens": "NaN", "inf_bits": "3", "inf_batch": "0.5",
                      "inf_sparsity": "1.5", "inf_dense": "maybe", "inf_student": "inf", "inf_grid": "1e9",
                      "inf_price": "-1", "inf_tpq": "text", "inf_train": "0"}


def test_inference_tampered_query_params_warn_and_fall_back():
    at = run_page("inference", TAMPERED_INFERENCE)
    warned = " ".join(url_warnings(at))
    for key in TAMPERED_INFERENCE:
        assert f"`{key}`" in warned, key
    assert metrics(at)["Time per token"] == "6.87 ms"  # the defaults


def test_inference_inconsistent_inputs_show_an_error():
    at = run_page("inference", {"inf_student": "7e10"})
    assert at.error and "smaller" in at.error[0].value


def test_chart_specs_validate():
    model = scaling.chinchilla(1e22)
    rep = limits.trend_report()
    inf = limits.inference_report(hardware="a100-sxm-80gb", params=7e9, tokens=1e9)
    charts = [limits_page.loss_chart("fit", 1e22, model.loss_opt), limits_page.multiplier_chart(11.5, 0.072, 5.0),
              limits_page.multiplier_chart(11.5, 0.001, 5.0),  # overflowing multipliers are dropped
              limits_page.cost_chart(rep.table), limits_page.growth_chart(rep.table),
              inference_page.savings_chart(inference_page.technique_table(inf.techniques)),
              inference_page.break_even_chart(inf)]
    for chart in charts:
        assert isinstance(chart.to_dict(validate=True), dict)
