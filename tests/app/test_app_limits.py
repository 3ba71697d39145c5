"""AppTest of the Limits of scale and Inference & compression pages: the numbers are the core's,
widgets move them, tampered query parameters warn and fall back to the defaults."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("streamlit")
from apptest_pages import run_page, shared_page  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from app_pages.pages import inference_charts  # noqa: E402
from app_pages.pages import limits as limits_page  # noqa: E402
from app_pages.ui.common import md_escape, units_whole  # noqa: E402
from estimator.core.base.units import BYTES_PER_GB, MS_PER_S  # noqa: E402
from estimator.core.serving import estimate as inference_core
from estimator.core.serving import step as serving_step
from estimator.core.serving.step_notes import FOOTPRINT_RANGE  # noqa: E402
from estimator.io import serving_data  # noqa: E402
from estimator.io.datafiles import default_profiles  # noqa: E402
from estimator.laws import diminishing as dm
from estimator.laws import scaling
from estimator.report import humanize as hz
from estimator.services.limits import reports as limits
from estimator.services.serving import inference as serving


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
    at = shared_page("limits")
    m = metrics(at)
    model = scaling.chinchilla(5.76e23)
    assert m["Parameters"] == hz.count(model.params_opt) == "69.3 billion"
    assert m["Tokens"] == hz.count(model.tokens_opt)
    assert len(at.get("vega_lite_chart")) == 1  # only the open section is drawn: the loss curve
    m = metrics(shared_page("limits", {"lim": DIM}))
    assert m["Compute multiplier"] == hz.times(dm.compute_multiplier(11.5, 5.0, dm.DEFAULT_EXPONENT)) == "1.06 × 10⁵×"
    at = shared_page("limits", {"lim": CONTRASTS})
    assert metrics(at)["World electricity (average)"] == "3.42 TW"
    assert any("25 TW" in w.value for w in at.warning)
    at = shared_page("limits", {"lim": TRENDS})
    assert len(at.get("vega_lite_chart")) == 2  # cost over years, growth
    assert not url_warnings(at)


def test_each_section_has_its_own_link_and_draws_alone():
    for section, label in ((DIM, "Compute multiplier"), (TRENDS, "Frontier compute a year, if 2012–18 held"),
                           (CONTRASTS, "AlphaGo ÷ brain (power)")):
        m = metrics(shared_page("limits", {"lim": section}))
        assert label in m and "Parameters" not in m


def test_limits_budget_from_the_url():
    at = shared_page("limits", {"lim_budget": "USD", "lim_usd": "1e6", "lim_hw": "h100-sxm"})
    res, est = limits.budget_model("usd", 1e6, "h100-sxm")
    m = metrics(at)
    assert m["Parameters"] == hz.count(res.model.params_opt)
    assert m["Cost"] == hz.money(est.cost_usd) == "$1.0M"
    # what the budget buys with its range, and what the ranges mean, as the CLI prints them (code audit: the page
    # showed neither)
    helps = {x.label: x.proto.help for x in at.metric}
    for label, name, fmt in (("Parameters", "params_opt", hz.count), ("Tokens", "tokens_opt", hz.count),
                             ("FLOPs", "flops", hz.sci)):
        lo, hi = sorted((getattr(res.low, name), getattr(res.high, name)))
        assert lo < getattr(res.model, name) < hi
        assert helps[label].startswith(f"range {' – '.join(hz.range_ends(fmt, lo, hi))}"), helps[label]
    lo, hi = sorted((res.low.loss_opt, res.high.loss_opt))  # more FLOPs, lower loss: the ends sorted, as the CLI
    assert helps["Predicted loss (cross-entropy per token)"].startswith(f"range {lo:.3f} – {hi:.3f}; ") and lo < res.model.loss_opt < hi
    note = limits.budget_note(res, est)
    assert "it pays for exact device-hours" in note
    assert any(c.value.replace("\\", "") == f"{note[:1].upper()}{note[1:]}." for c in at.caption)
    assert "range" not in (dict((x.label, x.proto.help) for x in shared_page("limits").metric)["Parameters"] or "")


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
    assert metrics(at)["Cost in 2025"] == hz.money(rep.table.workload_cost_usd[-1])


TAMPERED = {
    None: {"lim_hw": "<script>x</script>", "lim_budget": "EUR", "lim_flops": "NaN", "lim_method": "kaplan"},
    DIM: {"dr_now": "-1", "dr_target": "abc", "dr_k": "1e9", "dr_base": "inf"},
    TRENDS: {"tr_hw": "brain", "tr_years": "2.5", "tr_doubling": "0"},
}


@pytest.mark.parametrize("section", list(TAMPERED))
def test_limits_tampered_query_params_warn_and_fall_back(section):
    params = {**TAMPERED[section], **({"lim": section} if section else {})}
    at = shared_page("limits", params)
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
        assert m["Cost in 2020"] == hz.money(limits.trend_report().base.cost_usd)  # the V100 price's year


def test_limits_inconsistent_inputs_show_an_error_box():
    at = shared_page("limits", {"lim": DIM, "dr_now": "5", "dr_target": "10"})
    assert any("below the current error" in e.value for e in at.error)


# --- Inference & compression ------------------------------------------------------------------


# The figures below are checked against the documented formulas (estimator/core/serving/step.py):
# weights = N × bits ÷ 8 bytes; KV cache per token = 2 (K, V) × layers × KV heads × d_head × bytes;
# a decode step reads the weights and the batch's KV cache (at the average context, prompt + half
# the answer) at 0.9 of the bandwidth; TPOT = max(memory, compute) + prefill + tensor parallel + engine.


def default_report(**kw):
    # the page's defaults: the default hardware (one for every command, issue 55: it was the A100 SXM 80GB)
    return serving.inference_report(**{"hardware": serving.INFERENCE_DEFAULT_HARDWARE, "params": 7e9, "tokens": 1e9, **kw})


def kv_bytes_per_token(arch, kv_bits=16) -> float:
    return 2 * arch.layers * arch.kv_heads * (arch.d_model / arch.heads) * kv_bits / 8


def shown_ms(seconds: float) -> str:
    return f"{hz.sig(seconds * MS_PER_S)} ms"


def captions(at: AppTest) -> str:
    return " ".join(x.value for x in at.caption)


def test_inference_defaults_7b_on_the_default_hardware():
    at = shared_page("inference")
    m = metrics(at)
    rep = default_report()
    r = rep.result
    # 7B at 2 bytes: 14.0 GB of weights; the shape is the catalog's nearest (Mistral 7B: 32 layers, 8 KV heads)
    assert r.weights_gb == 7e9 * 2 / BYTES_PER_GB == 14.0
    arch = serving_data.nearest_model(7e9).arch
    p, t = inference_core.DEFAULT_PROMPT_TOKENS, inference_core.DEFAULT_TOKENS_PER_QUERY
    # paged KV memory (issue 54): a sequence holds its prompt and, on average in flight, half its answer
    kv_gb = (p + t / 2) * kv_bytes_per_token(arch) / BYTES_PER_GB
    assert r.kv_cache_gb == pytest.approx(kv_gb)
    # 14.0 GB + (161 + 338 ÷ 2) tokens × 131,072 bytes (32 layers × 8 KV heads × 128 × 2 × 2 bytes) = 14.04 GB
    assert m["Memory"] == f"{hz.sig(14.0 + kv_gb)} GB" == "14.0 GB"
    assert f"weights 14.0 GB + KV cache {hz.sig(kv_gb)} GB" in captions(at)
    # batch 1: memory-bound at ≈ (weights + KV cache) ÷ 0.9 of the bandwidth; TPOT adds the engine's fitted cost
    bandwidth = default_profiles().get(serving.INFERENCE_DEFAULT_HARDWARE).memory_bandwidth_gb_per_s * BYTES_PER_GB
    read = 14e9 - 2 * arch.vocab * arch.d_model          # all but the embedding table (one row of it is read)
    memory_s = (read + (p + t / 2) * kv_bytes_per_token(arch)) / (serving_step.BANDWIDTH_FRACTION * bandwidth)
    assert r.memory_s_per_step == pytest.approx(memory_s)
    assert r.bound == "memory" and m["Bound by"] == "bandwidth"  # bandwidth, not capacity (browser review)
    # optimized-2024 (the default engine since issue 54) mixes the prompts' prefill into the decode steps (chunked
    # prefill): the step is the slower of the memory read and compute with prefill, then tensor parallel and engine
    assert r.seconds_per_output_token == pytest.approx(
        max(r.memory_s_per_step, r.compute_s_per_step + r.prefill_s_per_step) + r.tensor_parallel_s_per_step
        + r.engine_s_per_step)
    assert m["Time per output token"] == shown_ms(r.seconds_per_output_token)
    # a token served holds its request's own prompt's prefill, which the TPOT a user waits leaves out: at batch 1 the
    # throughput is the batch over the time a token is served, not 1 ÷ the TPOT (the two had rounded alike, 138)
    assert m["Throughput"] == f"{hz.sig(r.replicas * r.batch_size / r.served_seconds_per_output_token)} tokens/s"
    assert r.served_seconds_per_output_token > r.seconds_per_output_token
    # J per output token = power per device × devices × the time a token is served ÷ batch (before PUE): the TPOT and
    # the request's own prompt's prefill
    assert m["Power per device"] == hz.power(r.power_w_per_device)
    # in the SI unit it reaches, as the CLI writes it (hz.joules: one formatter for both)
    assert m["Energy per output token"] == hz.joules(r.power_w_per_device * r.served_seconds_per_output_token)
    assert (m["Devices"], m["Largest batch that fits"]) == ("1", hz.count(r.max_batch_size))
    assert m["Cost per query"] == hz.money(r.per_query("cost_usd"))
    assert m["Serving outgrows training, by cost, after"] == f"{hz.count(rep.break_even.queries['cost_usd'])} queries"
    assert md_escape(r.range_meaning.removesuffix(FOOTPRINT_RANGE), 1200) in captions(at)  # whole (the bars caption holds 1,200)
    df = at.dataframe[0].value.set_index("technique")
    # 8-bit weights: half the blocks' bytes (the embeddings and LM head stay at 16 bits); the time falls by
    # less (the KV cache and the engine stay)
    table = 2 * 32000 * 4096
    assert df.loc["quantization-8bit", "weights_gb"] == pytest.approx(((7e9 - table) * 1 + table * 2) / BYTES_PER_GB)
    assert df.loc["baseline", "tpot_ms"] / 2 < df.loc["quantization-8bit", "tpot_ms"] < df.loc["baseline", "tpot_ms"]
    for name, row in df.iterrows():
        assert row["tpot_ms_low"] < row["tpot_ms"] < row["tpot_ms_high"], name
        assert row["j_per_token_low"] < row["j_per_token"] < row["j_per_token_high"], name
        assert row["saved_pct"] == pytest.approx(100 * (1 - row["wh_per_query"] / df.loc["baseline", "wh_per_query"]))
    assert len(at.get("vega_lite_chart")) == 3  # decode step, savings, break-even
    assert not url_warnings(at) and not at.error


def test_inference_table_shows_device_time_when_quantisation_frees_a_device():
    """65B (Code Llama 70B's shape) at 16 bits (130 GB) exceeds one H100's usable 0.9 × 85.52 GB = 77 GB,
    so two; at 8 bits (66 GB with the embeddings and LM head at 16 bits, + a small KV cache) one
    fits. Device time per token, what energy and cost follow, falls by more than the wall time."""
    at = shared_page("inference", {"inf_params": "65e9", "inf_hw": "h100-sxm"})
    usable_gb = serving_step.USABLE_MEMORY_FRACTION * default_profiles().get("h100-sxm").memory_gb
    table = 2 * 32016 * 8192                              # embeddings and LM head, kept at 2 bytes
    assert 65e9 * 2 / BYTES_PER_GB > usable_gb > ((65e9 - table) * 1 + table * 2) / BYTES_PER_GB + 1
    df = at.dataframe[0].value.set_index("technique")
    base, q8 = df.loc["baseline"], df.loc["quantization-8bit"]
    assert (base["devices"], q8["devices"]) == (2, 1)
    assert metrics(at)["Devices"] == "2"
    for row in (base, q8):
        # device time per token: a token served × the devices, a token served the TPOT and the request's own prompt's
        # prefill (at batch 1 a 161-token prompt's: under 2% more)
        assert row["tpot_ms"] * row["devices"] <= row["device_ms_per_token"] <= 1.02 * row["tpot_ms"] * row["devices"]
    assert q8["device_ms_per_token"] < base["device_ms_per_token"]
    assert q8["saved_pct"] == pytest.approx(100 * (1 - q8["wh_per_query"] / base["wh_per_query"]))
    rep = default_report(params=65e9, hardware="h100-sxm")
    assert base["tpot_ms"] == pytest.approx(rep.result.seconds_per_output_token * MS_PER_S)
    assert base["device_ms_per_token"] == pytest.approx(rep.result.device_seconds_per_token * MS_PER_S)


def test_the_pages_bits_start_at_the_models_own_as_the_clis_do():
    """A model released below 16 bits is served at them until bits are chosen (as `inference` without --bits); picking
    another model starts its bits at its own default again; other changes keep the bits chosen."""
    at = run_page("inference", {"inf_model": "deepseek-r1", "inf_hw": "h200-sxm", "inf_devices": "8"})
    assert at.radio(key="inf_bits").value == "8" and not at.error
    cli = serving.inference_report(model="deepseek-r1", hardware="h200-sxm", devices=8, tokens=limits_page_tokens(at))
    assert cli.result.bits == 8
    assert metrics(at)["Time per output token"] == shown_ms(cli.result.seconds_per_output_token)  # the CLI's numbers
    shown = " ".join(str(x.value) for x in (*at.markdown, *at.caption, *at.info))
    assert "weights: 8 bits, as DeepSeek-R1 is released" in shown.replace("\\", "")   # and why, as the CLI says
    at = run_page("inference", {})
    assert at.radio(key="inf_bits").value == str(inference_core.DEFAULT_BITS)
    at.selectbox(key="inf_model").set_value("gpt-oss-120b").run()
    assert at.radio(key="inf_bits").value == "4"
    # gpt-oss-120b is MLPerf's benchmark name too: its dataset's query lengths, as the CLI takes them
    prompt, output = serving_data.benchmark_lengths("gpt-oss-120b")[:2]
    fields = {n.key: n.value for n in at.number_input}
    assert (fields["inf_prompt"], fields["inf_tpq"]) == (prompt, output)
    at.radio(key="inf_bits").set_value("8").run()
    at.selectbox(key="inf_hw").set_value("h100-sxm").run()
    assert at.radio(key="inf_bits").value == "8"                   # chosen, kept
    at.selectbox(key="inf_model").set_value("llama-3.1-8b").run()
    assert at.radio(key="inf_bits").value == "16"
    at = run_page("inference", {"inf_model": "llama-3.1-8b", "inf_bits": "4"})   # bits from a link, then a model
    at.selectbox(key="inf_model").set_value("deepseek-r1").run()
    assert at.radio(key="inf_bits").value == "8"


def limits_page_tokens(at) -> float:
    return float(next(n for n in at.number_input if n.key == "inf_tokens").value)


def test_inference_8bit_from_the_url_halves_the_weight_bytes():
    at = run_page("inference", {"inf_bits": "8"})
    r = default_report(bits=8).result
    table = 2 * 32000 * 4096                              # Mistral 7B's shape: embeddings and LM head at 2 bytes
    assert r.weights_gb == pytest.approx(((7e9 - table) * 1 + table * 2) / BYTES_PER_GB)
    assert metrics(at)["Time per output token"] == shown_ms(r.seconds_per_output_token)
    assert "weights 7.26 GB" in captions(at)
    r16 = default_report().result
    # a step reads the blocks (2 bytes → 1) and the LM head (2 bytes either way); the KV cache part stays
    bw = serving_step.BANDWIDTH_FRACTION * default_profiles().get(serving.INFERENCE_DEFAULT_HARDWARE).memory_bandwidth_gb_per_s * BYTES_PER_GB
    kv_s = r16.memory_s_per_step - (14e9 - table) / bw     # 16 bits: all but the embedding table (table ÷ 2)
    assert r.memory_s_per_step == pytest.approx(kv_s + ((7e9 - table) * 1 + table) / bw)
    at.radio(key="inf_bits").set_value("4").run()
    assert f"weights {((7e9 - table) * 4.25 / 8 + table * 2) / BYTES_PER_GB:.2f} GB" in captions(at)  # MXFP4's scales
    at.radio(key="inf_kvbits").set_value("8").run()
    r4 = default_report(bits=4, kv_bits=8).result
    assert r4.kv_cache_gb == pytest.approx(r16.kv_cache_gb / 2)
    assert metrics(at)["Memory"] == f"{hz.sig(((7e9 - table) * 4.25 / 8 + table * 2) / BYTES_PER_GB + r16.kv_cache_gb / 2)} GB"


def test_inference_chosen_techniques_and_combined_row():
    at = shared_page("inference", {"inf_bits": "8", "inf_sparsity": "0.5", "inf_student": "3.5e9", "inf_hw": "h100-sxm"})
    df = at.dataframe[0].value.set_index("technique")
    assert "combined" in df.index
    assert "(illustrative)" not in df.loc["pruning", "setting"]
    # the combined model: a 3.5B student, half of its blocks pruned, at 1 byte per weight; the embeddings and
    # LM head (2 × 32000 × 4096, Mistral 7B's shape) neither pruned nor quantised
    table = 2 * 32000 * 4096
    assert df.loc["combined", "weights_gb"] == pytest.approx(((3.5e9 - table) * 0.5 + table * 2) / BYTES_PER_GB)
    base_wh = df.loc["baseline", "wh_per_query"]
    assert df.loc["combined", "saved_pct"] == pytest.approx(100 * (1 - df.loc["combined", "wh_per_query"] / base_wh))
    alone = [df.loc[t, "saved_pct"] for t in ("quantization-8bit", "pruning", "distillation")]
    # together they save more than any alone, never everything: the engine's per-layer and
    # per-sequence costs stay
    assert max(alone) < df.loc["combined", "saved_pct"] < 100
    rep = serving.inference_report(hardware="h100-sxm", params=7e9, tokens=1e9, bits=8, sparsity=0.5,
                                  student_params=3.5e9)
    assert metrics(at)["Time per output token"] == shown_ms(rep.result.seconds_per_output_token)
    combined = next(t for t in rep.techniques if t.name == "combined")
    assert df.loc["combined", "saved_pct"] == pytest.approx(100 * combined.saving("energy_kwh"))


def test_inference_catalog_model_and_shape_from_the_url():
    at = shared_page("inference", {"inf_model": "llama-3-70b", "inf_hw": "h100-sxm", "inf_batch": "64"})
    rep = serving.inference_report(hardware="h100-sxm", model="llama-3-70b", tokens=1e9, batch_size=64)
    m = metrics(at)
    assert m["Time per output token"] == shown_ms(rep.result.seconds_per_output_token)
    # optimized-2024 (the default engine since issue 54) spends 0.684 J a token here: hz.joules writes "684 mJ"
    assert m["Energy per output token"] == hz.joules(rep.result.joules_per_output_token)
    assert m["Devices"] == str(rep.result.devices)
    at = shared_page("inference", {"inf_params": "7e9", "inf_layers": "32", "inf_dmodel": "4096", "inf_kvheads": "32"})
    r = serving.inference_report(hardware=serving.INFERENCE_DEFAULT_HARDWARE, params=7e9, layers=32, d_model=4096, kv_heads=32,
                                tokens=1e9).result
    # multi-head attention: 4 × the KV cache of the default's 8 KV heads
    assert r.kv_cache_gb == pytest.approx(4 * default_report().result.kv_cache_gb)
    assert metrics(at)["Memory"] == f"{hz.sig(r.memory_gb)} GB"
    # paged KV memory (issue 54): a batch that does not fit is no longer refused; the engine preempts the
    # sequences that do not fit, so the batch run is the largest the memory holds: (0.9 × 85.52 GB − 14.0 GB of
    # weights) ÷ 43.3 MB a sequence = 1,455
    at = shared_page("inference", {"inf_batch": "5000", "inf_devices": "1"})
    assert not at.error and metrics(at)["Largest batch that fits"] == "1,455"
    assert any("batch 5,000 does not fit" in x.value.replace("\\", "") and "is 1,455" in x.value for x in at.caption)


TAMPERED_INFERENCE = {"inf_hw": "brain", "inf_params": "-5", "inf_tokens": "NaN", "inf_bits": "3", "inf_batch": "0.5",
                      "inf_sparsity": "1.5", "inf_dense": "maybe", "inf_student": "inf", "inf_grid": "1e9",
                      "inf_price": "-1", "inf_tpq": "text", "inf_train": "0", "inf_model": "<b>gpt-9</b>",
                      "inf_prompt": "-1", "inf_kvbits": "4", "inf_devices": "0.5", "inf_power": "nan",
                      "inf_pue": "0.5", "inf_layers": "1.5"}


def test_inference_tampered_query_params_warn_and_fall_back():
    at = shared_page("inference", TAMPERED_INFERENCE)
    warned = " ".join(url_warnings(at))
    for key in TAMPERED_INFERENCE:
        assert f"`{key}`" in warned, key
    assert "<b>" not in " ".join(md.value for md in at.markdown)
    shown, defaults = metrics(at), metrics(shared_page("inference"))
    assert shown == defaults  # every figure falls back to the defaults'
    assert shown["Time per output token"] == shown_ms(default_report().result.seconds_per_output_token)


def test_inference_inconsistent_inputs_show_an_error():
    at = shared_page("inference", {"inf_student": "7e10"})
    assert at.error and "smaller" in at.error[0].value


def test_chart_specs_validate():
    model = scaling.chinchilla(1e22)
    rep = limits.trend_report()
    inf = serving.inference_report(hardware="a100-sxm-80gb", params=7e9, tokens=1e9)
    charts = [limits_page.loss_chart("fit", 1e22, model.loss_opt), limits_page.multiplier_chart(11.5, 0.072, 5.0),
              limits_page.multiplier_chart(11.5, 0.001, 5.0),  # overflowing multipliers are dropped
              limits_page.cost_chart(rep.table), limits_page.growth_chart(rep.table),
              inference_charts.savings_chart(inference_charts.technique_table(inf.techniques)),
              inference_charts.step_chart(inference_charts.step_frame(inf.result)),
              inference_charts.break_even_chart(inf)]
    for chart in charts:
        assert isinstance(chart.to_dict(validate=True), dict)
    # log axes label with the app's human labels, not d3's "~e" (which Vega renders as 1e+6)
    spec = json.dumps(inference_charts.break_even_chart(inf).to_dict())
    assert '"~e"' not in spec and "labelExpr" in spec


def test_diminishing_section_agrees_with_its_metric_and_names_the_base():
    """The intro's halving figure is the metric's (the default k), the default base names its
    source, and the caption says why the target's cost is not base × multiplier."""
    at = shared_page("limits", {"lim": DIM})
    assert not at.exception
    halving = metrics(at)["To halve the error"]
    assert halving == hz.times(dm.halving_multiplier(dm.DEFAULT_EXPONENT)) == "15,200×"
    intro = " ".join(md.value for md in at.markdown)
    assert f"2^(1/k) ≈ {halving} the compute" in intro
    caption = " ".join(c.value for c in at.caption)
    assert f"Base workload: {md_escape(dm.RESNET50_SOURCE, 300)}" in caption
    plain = caption.replace("\\", "")   # the page escapes Markdown
    assert "Note: the target costs" in plain and "not 1.06 × 10⁵×: the fitted utilisation is" in plain
    # the base's label does not claim it reaches the current error (ResNet-50 reaches ≈24%, not 11.5%; audit)
    base = at.number_input(key="dr_base")
    assert base.label == "Base compute to multiply (FLOPs)" and "reaches the current error" not in base.label
    assert "an illustrative base, not the model at the current error" in base.help


def test_the_multiplier_chart_draws_each_k_once_under_its_own_label():
    """The page showed two "k = 0.072" labels (0.072 and 0.07235): the claim's curve is the default k's
    now, drawn once when k is the default, and labels that differ when k differs, however slightly."""
    assert limits_page.k_series(dm.DEFAULT_EXPONENT) == [("k = 0.072 (10⁵× claim)", 0.072)]
    # from another current error the claim's curve is its k only (lecturer review 2026-11-29)
    assert limits_page.k_series(0.09, 20.0)[1] == ("k = 0.072 (the 10⁵× claim's k, from 20%)", 0.072)
    assert limits_page.k_series(0.1) == [("k = 0.1 (chosen)", 0.1), ("k = 0.072 (10⁵× claim)", 0.072)]
    assert [label for label, _ in limits_page.k_series(0.0723)] == ["k = 0.0723 (chosen)", "k = 0.072 (10⁵× claim)"]
    assert [label for label, _ in limits_page.k_series(0.072001)] == ["k = 0.072001 (chosen)",
                                                                      "k = 0.072 (10⁵× claim)"]
    spec = limits_page.multiplier_chart(11.5, 0.1, 5.0).to_dict(validate=True)
    rows = [r for values in spec["datasets"].values() for r in values if "k" in r]
    assert sorted({r["k"] for r in rows}) == ["k = 0.072 (10⁵× claim)", "k = 0.1 (chosen)"]
    assert spec["layer"][0]["encoding"]["color"]["legend"]["orient"] == "bottom"


def test_a_k_from_the_url_shows_with_its_digits():
    at = shared_page("limits", {"lim": DIM, "dr_k": "0.0723"})
    assert at.number_input(key="dr_k").value == 0.0723 and at.number_input(key="dr_k").format == "%.4g"
    help_ = next(m.proto.help for m in at.metric if m.label == "To halve the error")
    assert help_ == "2^(1/k) with k = 0.0723"
    assert metrics(at)["To halve the error"] == hz.times(2 ** (1 / 0.0723)) == "14,600×"


def test_the_contrasts_table_on_a_slide_gives_its_sources_once_under_it():
    """Lecturer review (2026-11-27): on a slide the table repeated AlphaGo's 13-line source in two rows (1,283 px tall
    at 1280 × 720); in lecture mode the sources are said once, under it, each once; off a slide each row keeps its."""
    from estimator.services.limits import reports as limits_service
    sources = list(dict.fromkeys(part for x in limits_service.contrast_report()
                                 for part in limits_page._source_parts(x.source)))
    assert len(sources) < sum(len(limits_page._source_parts(x.source)) for x in limits_service.contrast_report())
    slide = shared_page("limits", {"lim": CONTRASTS, "lecture": "1"})
    assert "source" not in slide.table[0].value.columns
    (said,) = [cap.value for cap in slide.caption if cap.value.startswith(md_escape("Sources: ", 100))]
    # a number and its unit joined by a no-break space (common.units_whole: a line never ends between them)
    assert said == md_escape(units_whole("Sources: " + "; ".join(sources) + "."), 3000)
    assert "Raichle & Gusnard 2002" in said and said.count("Mattheij") == 1  # AlphaGo's long source once (was twice)
    page = shared_page("limits", {"lim": CONTRASTS})
    assert "source" in page.table[0].value.columns
    assert not any(cap.value.startswith(md_escape("Sources: ", 100)) for cap in page.caption)


def test_the_savings_chart_holds_the_devices_fixed():
    """Lecturer review 2026-11-27: in lecture mode the chart drew 4-bit weights at 0.078 Wh (1 GPU) beside the
    baseline's 0.209 Wh (2 GPUs), -63%, where the same 2 GPUs save 48%: it draws the same-devices figures now."""
    from app_pages.pages.inference_charts import savings_chart, technique_table
    report = default_report(params=70e9, batch_size=16)
    df = technique_table(report.techniques).set_index("technique")
    base, q4 = df.loc["baseline"], df.loc["quantization-4bit"]
    assert q4["devices"] < base["devices"]  # the row itself runs on fewer devices
    assert round(100 * (1 - q4["wh_same_devices"] / base["wh_same_devices"])) == round(q4["saved_same_devices_pct"]) == 47  # 48 before the devices' measured matmul share (2026-11-28)
    # 63% since the requests' own prompts are phases of their own at the prefill's draw (62% before, 2026-11-29)
    assert round(q4["saved_pct"]) == 63 and base["wh_same_devices"] == pytest.approx(base["wh_per_query"])
    drawn = savings_chart(df.reset_index()).to_dict()["layer"][0]["encoding"]["x"]["field"]
    assert drawn == "wh_same_devices"


def test_a_prompt_typed_is_kept_when_the_model_changes_as_the_cli_keeps_it():
    """Serving-engineer review 2026-11-29: a prompt of 2,000 typed, then another model picked: it went back to the
    default 161 and left the address without a word; `--prompt-tokens 2000` stays beside any `--model`. A length at the
    old model's default still takes the new model's (MLPerf's dataset for a benchmark name)."""
    at = run_page("inference", {"inf_model": "llama-3.1-8b"})
    at.number_input(key="inf_prompt").set_value(2000).run()
    at.selectbox(key="inf_model").set_value("gpt-oss-120b").run()
    fields = {n.key: n.value for n in at.number_input}
    prompt, output = serving_data.benchmark_lengths("gpt-oss-120b")[:2]
    assert (fields["inf_prompt"], fields["inf_tpq"]) == (2000, output) and not at.error


def test_the_inference_pages_grid_takes_a_country_or_a_cloud_region_as_the_cli_does():
    """Serving-engineer review 2026-11-29: the page took the grid as a number alone; `inference --country FRA` or
    `--cloud gcp:europe-west1` had no equal there. A link's code is mended to the picker's label."""
    cli = serving.inference_report(model="llama-3.1-8b", tokens=1e9, country="FRA").result
    source = cli.estimate.assumption("carbon_intensity_g_per_kwh").source
    for given in ("FRA", "France (FRA)", "france"):
        at = run_page("inference", {"inf_model": "llama-3.1-8b", "inf_country": given})
        assert not at.exception and not at.error, [e.value for e in at.error]
        assert at.selectbox(key="inf_country").value == "France (FRA)"
        shown = " ".join(str(x.value) for x in (*at.markdown, *at.caption, *at.info))
        assert md_escape(source)[:40] in shown or source[:40] in shown.replace("\\", "")
    at = run_page("inference", {"inf_model": "llama-3.1-8b", "inf_cloud": "gcp:europe-west1"})
    assert not at.exception and not at.error and at.selectbox(key="inf_cloud").value == "gcp:europe-west1"
    cloud = serving.inference_report(model="llama-3.1-8b", tokens=1e9, cloud="gcp:europe-west1").result
    shown = " ".join(str(x.value) for x in (*at.markdown, *at.caption, *at.info)).replace("\\", "")
    assert cloud.estimate.assumption("carbon_intensity_g_per_kwh").source[:30] in shown


def test_the_measured_compute_growth_is_on_the_trends_tab_and_in_the_cli_as_on_the_slide(capsys):
    """Lecturer review 2026-11-29: the compute-growth slide led with ×4.6 a year since 2010 (spend ×3.47); the Trends
    tab and `scaling trend` showed 2012–18's ×11.5 (spend ×8.71) alone."""
    from estimator.cli.main import main
    from estimator.laws import trends
    at = shared_page("limits", {"lim": TRENDS})
    shown = {m.label: m.value for m in at.metric}
    spend = trends.MEASURED_COMPUTE_GROWTH_PER_YEAR / limits.trend_report().summary.price_perf_per_year
    assert shown["Compute since 2010, measured"] == "×4.6 a year" and round(spend, 2) == 3.47
    assert main(["scaling", "trend"]) == 0
    row = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("frontier compute, measured"))
    assert row.split(None, 3)[3] == "×4.6 per year, 2010–24 (×4–5); spend ×3.47 per year"


def test_a_typed_value_outside_its_bounds_is_said_under_the_field_and_not_used():
    """Lecturer reviews 2026-11-29: a target error of 150% or an exponent of 0 typed turned the field red, left the last
    numbers on screen beside it and gave the reason in a tooltip; the bound is now said in words under the field and
    the numbers are the default's, never the refused value's."""
    at = run_page("limits", {"lim": DIM})
    before = metrics(at)
    at.number_input(key="dr_target").set_value(150).run()
    assert not at.exception
    (said,) = [e.value.replace("\\", "") for e in at.error if "Target error" in e.value]
    assert said == "Target error (%): 150 is above the maximum 100, so not used: the numbers are for the default, 5"
    assert metrics(at) == before  # the default target's numbers, not 150%'s
    at.number_input(key="dr_target").set_value(4).run()
    assert not at.error and metrics(at) != before  # a value inside its bounds is used


def test_the_trends_charts_give_no_colour_two_meanings():
    """Lecturer review 2026-11-29: side by side in lecture mode, blue was "+ algorithmic efficiency" on the cost chart
    and frontier compute on the growth chart; orange price-performance on one and peak FLOP/s on the other."""
    from app_pages.pages import limits_charts
    rep = limits.trend_report()
    colours = {}
    for chart in (limits_charts.cost_chart(rep.table), limits_charts.growth_chart(rep.table)):
        spec = chart.to_dict()
        for layer in spec.get("layer", [spec]):
            scale = layer.get("encoding", {}).get("color", {}).get("scale")
            if scale and "domain" in scale:
                for name, colour in zip(scale["domain"], scale["range"]):
                    colours.setdefault(colour, set()).add(name)
    assert all(len(names) == 1 for names in colours.values()), colours
    assert len(colours) == 6  # two cost lines, four growth series


def test_the_inference_savings_lead_with_the_same_devices_and_read_from_the_back():
    """Lecturer review 2026-11-29: the Inference page's table led with 4-bit's saving on one GPU where its chart and the
    slide give the same devices'; its chart's energy axis had no tick count (36 ticks on a slide). The same devices'
    saving comes first, and the axis asks for the slide's six."""
    from app_pages.pages.inference_charts import savings_chart, technique_table
    at = run_page("inference")
    shown = next(d for d in at.dataframe if "technique" in d.value.columns)
    assert list(shown.proto.column_order)[:3] == ["technique", "saved_same_devices_pct", "saved_pct"]
    df = technique_table(default_report(params=70e9, batch_size=16).techniques)
    assert savings_chart(df).to_dict()["layer"][0]["encoding"]["x"]["axis"]["tickCount"] == 6


def test_a_lectures_savings_chart_draws_its_ranges_to_be_seen_and_says_which_mark_is_which():
    """Lecturer review 2026-11-30: in lecture mode the caption called the ranges "bars" (the bars are the estimates) and
    the range lines were 1 px: thick in a lecture, and the caption says bars and lines apart."""
    from app_pages.pages.inference_charts import savings_chart, technique_table
    from app_pages.ui.charts import LECTURE_RANGE_STROKE_PX
    df = technique_table(default_report(params=70e9, batch_size=16).techniques)
    assert savings_chart(df, lecture=True).to_dict()["layer"][1]["mark"]["strokeWidth"] == LECTURE_RANGE_STROKE_PX >= 3
    assert savings_chart(df).to_dict()["layer"][1]["mark"]["strokeWidth"] == 1
    at = run_page("inference", {"lecture": "1"})
    said = [c.value for c in at.caption if c.value.startswith("Energy per query on the baseline's devices")]
    assert said and "; bars: the estimates; lines: the " in said[0]
