"""Serving edge cases a user can reach (an audit of the inference path): a scenario whose
uncompressed comparison row cannot be served, the illustrative pruning row's kernel assumption,
queries past a catalog model's context window, and parameter counts that cannot fill their shape."""

from __future__ import annotations

import pytest
from apptest_pages import shared_page

from estimator.core.base.errors import InputError
from estimator.core.serving import compression
from estimator.core.serving.step import attention_params
from estimator.io import serving_data
from estimator.services.limits import reports as limits
from estimator.services.serving import inference as serving

# ---- the comparison row cannot be served, the user's own scenario can

def test_the_users_scenario_is_answered_when_the_16_bit_model_does_not_fit():
    """8-bit KV cache at batch 14,000 fits one A100 (47.6 GB, each sequence at prompt + half its output, as a
    paged engine holds it); the 16-bit cache it is compared with needs 90.2 GB, which no split of gemma-2b's single KV head holds. The user's answer stands; the savings
    table is left out with the reason, instead of the whole report failing on a row not asked for."""
    rep = serving.inference_report(hardware="a100-sxm-80gb", model="gemma-2b", kv_bits=8, batch_size=14_000, tokens=1e9)
    assert rep.result.devices == 1 and rep.result.memory_gb == pytest.approx(47.6, rel=0.01)
    assert rep.techniques == []
    (note,) = rep.techniques_left_out
    assert note.startswith("savings left out: the model they are measured from (16-bit weights and KV cache")
    assert "90.2 GB" in note
    assert note in rep.result.notes  # the CLI's notes and the JSON carry it too
    assert rep.to_dict()["techniques"] == []


def test_the_cli_answers_and_says_why_the_savings_are_missing(cli):
    code, out, err = cli("inference", "--model", "gemma-2b", "--kv-bits", "8", "--batch-size", "14000", "--tokens", "1e9")
    assert code == 0, err
    assert err == ""
    assert "savings left out: the model they are measured from" in out
    assert not any(x.startswith(("saves vs baseline:", "baseline:")) for x in out.splitlines())


def test_a_baseline_past_the_device_hour_bound_leaves_only_the_savings_out():
    """4-bit 405B on GTX 1080 Ti cards, 2e16 tokens: 8.9e13 device-hours, inside the bound; the
    16-bit model would need 1.7e14, past it."""
    # vllm-2024's times (the optimised engine, the default since issue 54, serves the 16-bit model inside the bound)
    rep = serving.inference_report(hardware="gtx-1080-ti", model="llama-3.1-405b", bits=4, tokens=2e16, engine="vllm-2024")
    assert rep.result.estimate.device_hours < 1e14
    assert rep.techniques == [] and "beyond 10¹⁴" in rep.techniques_left_out[0]


def test_the_app_shows_the_answer_and_the_reason():
    at = shared_page("inference", {"inf_model": "gemma-2b", "inf_kvbits": "8", "inf_batch": "14000"})
    assert not at.error, [e.value for e in at.error]
    assert any(x.value.startswith(r"Savings left out\: the model they are measured from") for x in at.caption)
    assert not at.dataframe or all("technique" not in d.value.columns for d in at.dataframe)


def test_a_row_that_cannot_be_served_is_left_out_with_a_note_and_the_others_stay():
    """An illustrative student below one layer of the model's width: that row is noted, the rest shown."""
    params, arch, _ = limits.resolve_architecture(params=3e6)
    from estimator.core.serving.estimate import InferenceScenario
    from estimator.io.datafiles import default_profiles
    s = InferenceScenario(params=params, tokens=1e6, architecture=arch)
    rows, notes = compression.techniques(s, default_profiles().get("a100-sxm-80gb"), serving_data.load_serving_fit("vllm-2024"))
    assert [t.name for t in rows] == ["baseline", "quantization-8bit", "quantization-4bit", "kv-cache-8bit", "pruning"]
    assert len(notes) == 1 and notes[0].startswith("illustrative distillation left out: the student's 1.8 × 10⁶ parameters")


# ---- the illustrative pruning row says what it assumes

def test_the_illustrative_pruning_row_names_its_kernel_assumption():
    rep = serving.inference_report(hardware="a100-sxm-80gb", model="llama-3.1-8b", tokens=1e6)
    pruning = next(t for t in rep.techniques if t.name == "pruning")
    assert pruning.label == "50% of weights pruned, skipped by the kernels" and not pruning.chosen
    assert "assumes kernels that skip the pruned weights" in compression.ILLUSTRATIVE_NOTE
    assert "2:4" in compression.ILLUSTRATIVE_NOTE
    dense = serving.inference_report(hardware="a100-sxm-80gb", model="llama-3.1-8b", tokens=1e6, sparse_kernels=False)
    pruning = next(t for t in dense.techniques if t.name == "pruning")
    assert pruning.label == "50% of weights pruned (dense kernels)"
    assert pruning.saving("energy_kwh") == pytest.approx(0.0, abs=1e-12)


# ---- a catalog model's context window

def test_the_catalog_context_reaches_the_architecture():
    assert serving_data.catalog_model("llama-2-7b").arch.context == 4096
    assert serving_data.catalog_model("gemma-2b").arch.context == 8192


def test_queries_past_the_context_window_are_refused(cli):
    with pytest.raises(InputError, match="longer than llama-2-7b's context window of 4,096 tokens") as exc:
        serving.inference_report(hardware="a100-sxm-80gb", model="llama-2-7b", tokens=1e8, prompt_tokens=1e5,
                                tokens_per_query=1e5)
    assert exc.value.field == ("prompt_tokens", "tokens_per_query")
    # 3,000 + 1,096 = 4,096: exactly the window, served
    ok = serving.inference_report(hardware="a100-sxm-80gb", model="llama-2-7b", tokens=1e8, prompt_tokens=3000,
                                 tokens_per_query=1096)
    assert ok.result.kv_cache_gb > 0
    # the same shape given by hand has no known window: served
    serving.inference_report(hardware="a100-sxm-80gb", params=6.738e9, layers=32, d_model=4096, heads=32, kv_heads=32,
                            tokens=1e8, prompt_tokens=1e5, tokens_per_query=1e5)
    code, out, err = cli("inference", "--model", "llama-2-7b", "--tokens", "1e8", "--prompt-tokens", "100000",
                         "--tokens-per-query", "100000")
    assert code == 2 and out == ""
    assert err.startswith("error: a query of 100,000 prompt and 100,000 output tokens is longer than")
    assert err.rstrip().endswith("(--prompt-tokens, --tokens-per-query)") and err.count("\n") == 1


# ---- parameters that cannot fill their shape

def test_attention_params_count_the_four_projections():
    arch = serving_data.catalog_model("llama-2-7b").arch  # 32 layers, d 4096, 32 heads of 128, MHA
    assert attention_params(arch) == 32 * 4 * 4096 * 4096
    assert attention_params(arch, layers=1) == 4 * 4096 * 4096


@pytest.mark.parametrize("kw, field, needle", [
    (dict(params=1e3, layers=80, d_model=8192), "params", "the model's 1,000 parameters cannot fill 80 layers of width 8192"),
    (dict(model="llama-3.1-8b", student_params=1), "student_params",
     # one layer's attention (4.19e+07) and Llama 3.1 8B's untied embeddings (2 × 128256 × 4096)
     "a student keeps the model's width, so give one of at least 1.09 × 10⁹ parameters"),
])
def test_a_parameter_count_that_cannot_fill_the_shape_is_refused(kw, field, needle):
    with pytest.raises(InputError, match=needle.replace("+", r"\+").replace(".", r"\.")) as exc:
        serving.inference_report(hardware="a100-sxm-80gb", tokens=1e6, **kw)
    assert exc.value.field == field


def test_a_small_model_given_by_its_parameters_takes_layers_in_proportion():
    """30M parameters alone: the smallest catalog shape's width (GPT-3 Small's 768) with layers in proportion, said
    so; below one such layer, the user is asked for the shape. 110M (BERT-base's 12 layers of 768) takes GPT-3
    Small's whole shape (it had taken one of Gemma 2B's 18 layers of 2048)."""
    params, arch, how = limits.resolve_architecture(params=30e6)
    assert arch.d_model == 768 and arch.layers == 3 and attention_params(arch) <= params
    assert "3 of its 12 layers, in proportion to the parameters" in how
    _, arch, how = limits.resolve_architecture(params=110e6)
    assert (arch.layers, arch.d_model) == (12, 768) and "with the shape of gpt-3-125m" in how
    with pytest.raises(InputError, match="give the architecture") as exc:
        limits.resolve_architecture(params=1)
    assert exc.value.field == ("params", "layers", "d_model")
    # a catalog-sized count keeps the nearest model's whole shape
    _, arch, how = limits.resolve_architecture(params=7e9)
    assert arch.layers == 32 and "with the shape of" in how


# --- the break-even uses the model's own pretraining tokens (audit 2026-11-25) -------------------


def test_a_catalog_models_break_even_uses_its_published_training_tokens():
    """Llama 3 8B was trained on 15T tokens (1,870 per parameter): with Chinchilla's 20 per parameter
    its training looked 94× cheaper than it was, and serving overtook it that much too soon."""
    from estimator.io.serving_data import catalog_model
    from estimator.services.serving.inference import inference_report
    m = catalog_model("llama-3-8b")
    assert m.train_tokens == 15e12 and "model card" in m.train_tokens_source
    rep = inference_report(hardware="h100-sxm", tokens=1e8, model="llama-3-8b")
    assert rep.training.flops == pytest.approx(6 * m.params * 15e12)
    assert "published: Meta Llama 3 model card" in rep.training_source
    given = inference_report(hardware="h100-sxm", tokens=1e8, model="llama-3-8b", train_tokens=1e12)
    assert given.training.flops == pytest.approx(6 * m.params * 1e12) and "published" not in given.training_source
    assert rep.break_even.queries["cost_usd"] > 10 * given.break_even.queries["cost_usd"]
    # a model whose tokens are not published keeps the stated rule
    mistral = inference_report(hardware="h100-sxm", tokens=1e8, model="mistral-7b")
    assert "20 tokens per parameter, Hoffmann et al. 2022" in mistral.training_source


def refused_catalog(tmp_path, monkeypatch, text: str, match: str) -> None:
    """The catalog written as ``text`` is refused on load with ``match`` (the cache cleared before and after)."""
    from estimator.core.base.errors import DataFileError
    from estimator.io import serving_data
    bad = tmp_path / "models.toml"
    bad.write_text(text)
    monkeypatch.setattr(serving_data, "CATALOG_PATH", bad)
    serving_data.load_catalog.cache_clear()
    try:
        with pytest.raises(DataFileError, match=match):
            serving_data.load_catalog()
    finally:
        serving_data.load_catalog.cache_clear()


def test_the_catalog_refuses_training_tokens_without_a_source(tmp_path, monkeypatch):
    refused_catalog(tmp_path, monkeypatch, '[m]\nname = "M"\nparams = 1e9\nlayers = 8\nd_model = 1024\nheads = 8\n'
                    'kv_heads = 8\nsource = "x"\ntrain_tokens = 1e12\n',
                    "train_tokens must be a positive number with a train_tokens_source")


def test_the_catalog_refuses_released_bits_without_a_source(tmp_path, monkeypatch):
    """A model released at fewer bits says where that is stated (open_models.toml's released_bits_source)."""
    from estimator.io import serving_data
    text = serving_data.CATALOG_PATH.read_text()
    refused_catalog(tmp_path, monkeypatch,
                    text.replace('released_bits_source = "OpenAI 2025', '# released_bits_source = "OpenAI 2025', 1),
                    "'gpt-oss-120b' released_bits must be 4 or 8 with a released_bits_source")
    refused_catalog(tmp_path, monkeypatch, text.replace("released_bits = 8", "released_bits = 6", 1),
                    "'deepseek-v3' released_bits must be 4 or 8")


def test_the_page_says_it_ignores_a_custom_models_parameters_beside_a_catalog_model():
    """The CLI refuses --model with --params; the page had dropped ?inf_params silently."""
    pytest.importorskip("streamlit")
    at = shared_page("inference", {"inf_model": "llama-3-8b", "inf_params": "7e9"})
    warnings = [w.value for w in at.warning]
    assert any("Ignored URL parameter `inf_params` = `7e9`: the model is llama-3-8b; choose Model = custom" in w
               for w in warnings), warnings
    # the break-even's training tokens default to the model's published ones, and the input says so
    train = next(t for t in at.number_input if t.label == "Training tokens (break-even)")
    assert train.proto.placeholder == "published: 15.0 trillion"


# --- an estimate outside the measured configurations says so (audit 2026-11-25) -----------------


def _domain(hw, devices=1, batch=128, bits=16, kv_bits=16):
    from types import SimpleNamespace

    from estimator.services.serving.accuracy import domain_notes
    return domain_notes(SimpleNamespace(hardware_id=hw, devices=devices, batch_size=batch, bits=bits, kv_bits=kv_bits,
                                        engine="online", ep=1))  # the result's fields domain_notes reads


def test_inside_the_measured_configurations_nothing_is_said():
    assert _domain("h100-sxm", batch=128) == ()
    assert _domain("a100-sxm-40gb", devices=8, batch=256) == ()
    # the A100 chip, measured as the 40GB board; at batch 64 only what the small-batch benchmarks showed
    from estimator.services.serving.accuracy import small_batch_note
    assert _domain("a100-sxm-80gb", devices=2, batch=64) == small_batch_note(64) != ()
    assert _domain("h200-sxm", batch=128) == () and _domain("h100-pcie", batch=128) == ()  # the H100's chip


@pytest.mark.parametrize("kw, said", [
    ({"hw": "cpu-server-2s-epyc"}, "no serving configuration was measured on cpu-server-2s-epyc's chip"),
    ({"hw": "tpu-v4"}, "the ranges are likely too narrow"),
    # a device that only borrows the H100's or the A100's utilisation fit is a chip nobody measured (review)
    ({"hw": "l4"}, "no serving configuration was measured on l4's chip"),
    ({"hw": "mi300x"}, "no serving configuration was measured on mi300x's chip"),
    ({"hw": "rtx-3090"}, "no serving configuration was measured on rtx-3090's chip"),
    ({"hw": "h100-sxm", "devices": 16}, "16 devices: the measured configurations on this chip split a model over at most 4"),
    ({"hw": "h100-sxm", "bits": 4}, "4-bit weights and a 16-bit KV cache: the measured configurations ran 16-bit weights"),
    ({"hw": "h100-sxm", "batch": 1}, "batch 1: the measured batches on this chip run from 64 to 512"),
    ({"hw": "a100-sxm-80gb", "batch": 1}, "are v1 (FastChat/PyTorch)'s, not v2 (vLLM)'s like the rest"),
])
def test_outside_the_measured_configurations_the_estimate_says_how(kw, said):
    hw = kw.pop("hw")
    notes = _domain(hw, **kw)
    assert any(said in n for n in notes), notes


def test_the_cli_and_the_page_give_the_notes():
    from estimator.services.serving.inference import inference_report
# ML.ENERGY's measured configurations are vllm-2024's (no longer the default engine since issue 54)
    rep = inference_report(hardware="h100-sxm", tokens=1e6, model="llama-3-8b", engine="vllm-2024")
    assert any(n.startswith("batch 1: the measured batches on this chip") for n in rep.result.notes)
    pytest.importorskip("streamlit")
    at = shared_page("inference", {"inf_model": "llama-3-8b", "inf_hw": "h100-sxm", "inf_engine": "vllm-2024"})
    text = " ".join(x.value for x in [*at.caption, *at.markdown]).replace("\\", "")
    assert "batch 1: the measured batches on this chip run from 64 to 512" in text


def test_a_fine_tunes_training_is_its_base_models_and_its_own():
    """Review: Code Llama and Vicuna fell back to 20 tokens per parameter, so serving overtook their
    training 12× sooner than their own base model's."""
    from estimator.io.serving_data import catalog_model
    assert catalog_model("codellama-7b").train_tokens == 2.5e12 and "500B code tokens" in \
        catalog_model("codellama-7b").train_tokens_source
    assert catalog_model("codellama-70b").train_tokens == 3.0e12
    assert catalog_model("vicuna-7b").train_tokens == catalog_model("llama-2-7b").train_tokens == 2.0e12


def test_the_compression_charts_use_short_labels_with_the_full_one_in_the_tooltip():
    """Newcomer audit: at 1280×720 the lecture's bars read "student of 42 billion param…" and "50% of
    weights pruned, ski…"."""
    from estimator.services.serving.inference import inference_report
    rep = inference_report(hardware="h100-sxm", tokens=1e9, params=70e9)
    by = {t.name: t for t in rep.techniques}
    assert by["pruning"].short_label == "50% pruned" and by["pruning"].label.startswith("50% of weights pruned")
    assert by["distillation"].short_label == "student, 42B params"  # (lecturer review 2026-11-29: a unit)
    assert by["quantization-8bit"].short_label == "8-bit (fp8)"  # activations too (lecturer review 2026-11-30)
    assert by["quantization-4bit"].short_label == "4-bit weights"
    # the full label says what it computes in: the H100's FP8 peak, activations quantised too (audit)
    assert by["quantization-8bit"].label == "8-bit weights and activations (fp8)"
    assert by["quantization-4bit"].label == "4-bit weights (weight-only)"  # no INT4 peak: dequantised to 16 bits
    assert all(len(t.short_label) <= 24 for t in rep.techniques if t.name != "combined")


def test_the_combined_row_and_illustrative_rows_have_short_chart_labels():
    """Review: the combined row's axis label was 92 characters, and a chosen setting and an
    illustrative one looked the same on the chart's axis."""
    pytest.importorskip("streamlit")
    from app_pages.pages.inference_charts import technique_table
    from estimator.services.serving.inference import inference_report
    rep = inference_report(hardware="h100-sxm", tokens=1e9, model="llama-3-70b", bits=8, sparsity=0.5,
                           student_params=7e9)
    df = technique_table(rep.techniques).set_index("technique")
    assert df.loc["combined", "short"] == "8-bit (fp8) + 50% pruned + student, 7B params"
    assert df.loc["quantization-4bit", "short"] == "4-bit weights *"  # illustrative: not chosen
    assert df.loc["quantization-8bit", "short"] == "8-bit (fp8)"    # chosen


def test_a_parameter_count_below_the_embeddings_is_refused_and_a_tiny_one_drops_the_vocabulary():
    """Review: 2e8 parameters with a 256k vocabulary at width 2048 (two 0.52 B tables) were all counted
    as embeddings, so quantising and pruning them saved nothing; a Gemma 2B student smaller than its
    own 0.52 B table was accepted. A count given alone below the smallest shape's floor takes its width
    without its vocabulary, and says so."""
    with pytest.raises(InputError, match="attention projections and embeddings alone hold 1.08 × 10⁹"):
        serving.inference_report(hardware="a100-sxm-80gb", tokens=1e6, params=2e8, layers=2, d_model=2048, heads=16,
                                kv_heads=16, vocab=256000)
    with pytest.raises(InputError, match="a student keeps the model's width"):
        serving.inference_report(hardware="a100-sxm-80gb", tokens=1e6, model="gemma-2b", student_params=3e8)
    small = serving.inference_report(hardware="a100-sxm-80gb", tokens=1e6, params=3e7)
    assert small.result.architecture.vocab is None
    assert any("not its vocabulary, too big for them" in n for n in small.result.notes)


# CLI audit: a refusal named an input the user never gave ------------------------------------------

LOW_TDP_GPU = """id = "t-low-tdp"
name = "Test low-TDP GPU"
kind = "gpu"
release_year = 2020
default_precision = "fp32"
[peak_flops_per_s]
fp32 = 1e14
source = "test"
[memory]
capacity_gb = 80
bandwidth_gb_per_s = 1000
source = "test"
[power]
includes_host = false
average_w = 2
source = "test"
[utilization]
basis = "test"
default = 0.3
source = "test"
[price]
usd_per_device_hour = 1.0
date = "2024"
basis = "test"
source = "test"
[datacenter]
pue = 1.2
source = "test"
"""


def test_the_break_even_s_training_run_past_the_bound_names_the_training_inputs():
    """--train-flops 1e30 on a GTX 580 was refused with "(--utilization)"; --utilization 1 gave the same refusal."""
    with pytest.raises(InputError) as err:
        serving.inference_report(hardware="gtx-580", tokens=1e6, model="llama-3.1-8b", train_flops=1e30)
    assert err.value.fields == ("train_flops",) and "the training run that serving is compared with" in str(err.value)


def test_a_break_even_past_the_bound_names_the_tokens_given_or_both_training_inputs(tmp_path):
    path = tmp_path / "slow.toml"
    path.write_text(LOW_TDP_GPU.replace("fp32 = 1e14", "fp32 = 1e10").replace("average_w = 2", "average_w = 300"))
    with pytest.raises(InputError) as err:
        serving.inference_report(hardware=str(path), tokens=1e6, model="llama-3.1-8b", train_tokens=1e17)
    assert err.value.fields == ("train_tokens",)
    path.write_text(LOW_TDP_GPU.replace("fp32 = 1e14", "fp32 = 1e6").replace("average_w = 2", "average_w = 300"))
    with pytest.raises(InputError) as err:  # the model's published 15T tokens, not given: either training input
        serving.inference_report(hardware=str(path), tokens=1e3, model="llama-3.1-8b")
    assert err.value.fields == ("train_flops", "train_tokens") and "published" in str(err.value)


def test_a_serving_power_derived_from_a_profile_is_not_blamed_on_a_power_given(tmp_path):
    """A profile of 2 W (which validates) served at 0.59 × its TDP: "1.17 W … (--power-w)", never given."""
    path = tmp_path / "low.toml"
    path.write_text(LOW_TDP_GPU)
    with pytest.raises(InputError) as err:
        serving.inference_report(hardware=str(path), tokens=1e6, model="llama-3.1-8b")
    assert err.value.fields == ("power_w", "hardware") and "the serving model's draw" in str(err.value)
    report = serving.inference_report(hardware=str(path), tokens=1e6, model="llama-3.1-8b", power_w=50.0)
    assert report.result.power_w_per_device == 50.0
