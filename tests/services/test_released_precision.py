"""A catalog model released with fewer than 16-bit weights is served at them unless bits are given, and says so; served
at more bits, it says it ships at fewer (review 2026-11-26: DeepSeek-V3 at 16 bits on 32 H100s and gpt-oss-120b on 4,
with no word that they ship at 8 and 4 bits; serving review 2026-11-27: DeepSeek-R1 on 8 H200s refused by default)."""

from __future__ import annotations

import pytest

from estimator.cli.main import main
from estimator.io import serving_data
from estimator.services.serving import inference as serving


@pytest.mark.parametrize("model, bits", [("deepseek-v3", 8), ("deepseek-r1", 8), ("gpt-oss-120b", 4), ("gpt-oss-20b", 4)])
def test_a_model_released_below_16_bits_is_served_at_them_unless_bits_are_given(model, bits):
    m = serving_data.catalog_model(model)
    assert m.released_bits == bits and m.released_bits_source
    default = serving.inference_report(model=model, hardware="h200-sxm", tokens=1e6).result
    said = [n for n in default.notes if n.startswith("weights: ")]
    assert default.bits == bits and len(said) == 1
    assert said[0].startswith(f"weights: {bits} bits, as ") and said[0].endswith("give 16 bits to serve it at bf16")
    as_released = serving.inference_report(model=model, hardware="h200-sxm", tokens=1e6, bits=bits).result
    assert as_released.tokens_per_s == default.tokens_per_s and as_released.devices == default.devices
    served = serving.inference_report(model=model, hardware="h200-sxm", tokens=1e6, bits=16).result
    said = [n for n in served.notes if n.startswith("weights: ")]
    assert served.bits == 16 and len(said) == 1
    # what the bits cover, as the memory counts it (serving review 2026-11-29: "every weight matrix" beside the
    # embedding table and LM head held at 16 bits)
    assert said[0].endswith(f"served here at 16 bits: {bits}-bit weights serve it near its release (the blocks' weight "
                            "matrices at those bits here, attention's too (a release may keep some at 16 bits), the "
                            "embedding table and the LM head at 16)")
    assert as_released.weights_gb < served.weights_gb / 1.9                 # fewer devices hold it as released


def test_deepseek_r1_is_answered_on_8_h200s_by_default_and_the_cli_agrees(capsys):
    """As it is served: FP8 on one 8-GPU H200 server; at 16 bits its 1,340 GB of weights need more."""
    api = serving.inference_report(model="deepseek-r1", hardware="h200-sxm", devices=8, tokens=1e6,
                                  batch_size="max").result
    assert api.bits == 8 and api.devices == 8
    assert main(["inference", "--model", "deepseek-r1", "--hardware", "h200-sxm", "--devices", "8", "--tokens", "1e6",
                 "--batch-size", "max", "--format", "json"]) == 0
    import json
    cli = json.loads(capsys.readouterr().out)
    assert cli["tokens_per_s"] == api.tokens_per_s
    assert main(["inference", "--model", "deepseek-r1", "--hardware", "h200-sxm", "--devices", "8", "--tokens", "1e6",
                 "--bits", "16"]) == 2


def test_a_model_released_at_16_bits_says_nothing():
    r = serving.inference_report(model="llama-3.1-70b", hardware="h100-sxm", tokens=1e6).result
    assert r.bits == 16 and not any(n.startswith("weights: ") for n in r.notes)


@pytest.mark.parametrize("name, bits", [("Qwen/Qwen3-32B-FP8", 8), ("Qwen/Qwen2.5-32B-Instruct-GPTQ-Int4", 4),
                                        ("Qwen/Qwen2.5-14B-Instruct-AWQ", 4), ("Qwen/Qwen3-32B", 16)])
def test_a_checkpoint_whose_name_gives_its_format_is_served_at_those_bits(name, bits):
    """Serving review 2026-11-28: "Qwen/Qwen3-32B-FP8" resolved to Qwen3 32B and was served at 16 bits (65.5 GB where the
    checkpoint holds about 34), without a word; the name's format sets the bits where none are given, said, and the
    Inference page opens there."""
    from estimator.services.serving import inference as serving
    r = serving.inference_report(model=name, hardware="h100-sxm", tokens=1e6).result
    assert r.bits == bits and serving.default_bits(name) == bits
    said = [n for n in r.notes if n.startswith(f"weights: {bits} bits, as the checkpoint's name says")]
    assert bool(said) == (bits != 16)
    assert serving.inference_report(model=name, hardware="h100-sxm", tokens=1e6, bits=16).result.bits == 16


def test_a_format_written_after_a_dot_or_with_a_scheme_after_it_is_read_too():
    from estimator.io.serving_data import hub_bits
    assert hub_bits("neuralmagic/Meta-Llama-3.1-70B-Instruct-quantized.w8a8") == (8, "W8A8")
    assert hub_bits("org/Llama-3.1-8B-Instruct-FP8-dynamic") == (8, "FP8")
    assert hub_bits("Qwen/Qwen3-32B") is None and hub_bits("llama3.1-8b") is None   # no format: none; a catalog name


@pytest.mark.parametrize("name, bits, model", [
    ("Qwen/Qwen2.5-72B-Instruct-GPTQ-Int8", 8, "qwen2.5-72b"),        # a width beside the method: the width's
    ("Qwen/Qwen2.5-72B-Instruct-GPTQ-Int4", 4, "qwen2.5-72b"),
    ("nvidia/DeepSeek-R1-FP4", 4, "deepseek-r1"),
    ("nvidia/Llama-3.1-405B-Instruct-NVFP4", 4, "llama-3.1-405b"),
    ("RedHatAI/Meta-Llama-3.1-8B-Instruct-FP8-dynamic", 8, "llama-3.1-8b"),
    ("RedHatAI/Meta-Llama-3.1-8B-Instruct-quantized.w8a8", 8, "llama-3.1-8b"),
    ("neuralmagic/Meta-Llama-3.1-70B-Instruct-W8A8", 8, "llama-3.1-70b"),
])
def test_quantised_checkpoints_resolve_at_the_width_their_names_give(name, bits, model):
    """Serving review 2026-11-30: "…-GPTQ-Int8" was served at 4 bits (GPTQ read first: 42 GB where the checkpoint holds
    75), and NVIDIA's FP4/NVFP4, RedHatAI's FP8-dynamic and quantized.w8a8 names were refused as unknown models."""
    r = serving.inference_report(model=name, hardware="b200", tokens=1e6).result
    assert r.bits == bits and r.architecture.name == serving_data.catalog_model(model).arch.name


@pytest.mark.parametrize("name, model, window", [
    ("mistralai/Mistral-7B-Instruct-v0.3", "mistral-7b-v0.3", None),
    ("mistralai/Mistral-7B-Instruct-v0.2", "mistral-7b-v0.2", None),
    ("TheBloke/Mistral-7B-Instruct-v0.2-AWQ", "mistral-7b-v0.2", None),
    ("mistralai/Mistral-7B-Instruct-v0.1", "mistral-7b", 4096),
])
def test_mistral_7b_releases_resolve_to_their_own_shapes(name, model, window):
    """Serving review 2026-11-30: v0.2 and v0.3 (no sliding window, their model cards) had read as v0.1, its 4,096-token
    window capping their KV cache: at a 30,000-token prompt on an H100 the largest batch read 116 where it is 15."""
    m = serving_data.catalog_model(name)
    assert m.id == model and m.arch.window == window
    r = serving.inference_report(model=name, hardware="h100-sxm", prompt_tokens=30000, batch_size="max",
                                 tokens=1e6, bits=16).result
    assert r.max_batch_size == (15 if window is None else 116)


@pytest.mark.parametrize("name, bits, precision", [
    ("Qwen/Qwen2.5-72B-Instruct-GPTQ-Int8", 8, "bf16"), ("Qwen/Qwen2.5-72B-Instruct-AWQ", 4, "bf16"),
    ("RedHatAI/Meta-Llama-3.1-8B-Instruct-quantized.w8a16", 8, "bf16"),
    ("RedHatAI/Meta-Llama-3.1-8B-Instruct-quantized.w8a8", 8, "fp8"), ("nvidia/Llama-3.1-8B-Instruct-FP8", 8, "fp8"),
    ("nvidia/Llama-3.1-405B-Instruct-NVFP4", 4, "fp4"),
])
def test_a_weight_only_checkpoint_computes_at_the_16_bit_peak(name, bits, precision):
    """Diff review 2026-11-30: GPTQ-Int8 was computed at a B200's FP8 peak and AWQ at its FP4 peak, as if their
    activations were quantised too; weight-only formats (GPTQ, AWQ, W4A16, W8A16) run their products at 16 bits, bits
    given or read from the name, and formats that quantise activations keep the low-bit peak."""
    for given in (None, bits):
        r = serving.inference_report(model=name, hardware="b200", tokens=1e6, bits=given).result
        assert (r.bits, r.precision) == (bits, precision)
    assert serving_data.hub_weight_only(name) == (precision == "bf16")


def test_an_fp8_release_on_a_gpu_without_fp8_computes_weight_only():
    """Serving review 2026-11-30: DeepSeek-R1's FP8 weights on A100s were computed at the A100's int8 peak, where
    engines run them weight-only (vLLM's FP8 Marlin, W8A16): at its bf16 peak, bits given or the release's; on an H100
    at its FP8 peak."""
    for bits in (None, 8):
        r = serving.inference_report(model="deepseek-r1", hardware="a100-sxm-80gb", devices=16, tokens=1e6,
                                     bits=bits).result
        assert (r.bits, r.precision) == (8, "bf16")
    h100 = serving.inference_report(model="deepseek-r1", hardware="h100-sxm", devices=16, tokens=1e6).result
    assert (h100.bits, h100.precision) == (8, "fp8")
    default = serving.inference_report(model="deepseek-r1", hardware="a100-sxm-80gb", devices=16, tokens=1e6).result
    assert any("its FP8 weights are taken as served weight-only, dequantised to 16 bits" in n for n in default.notes)


def test_a_weight_only_format_is_its_own_rows_alone():
    """Diff review 2026-11-30: a GPTQ checkpoint's weight-only flag had leaked into the baseline and every low-bit row,
    each still labelled "weights and activations (fp8)" (its 8-bit row saved 1% where the same model's saves 37%): the
    user's own row is weight-only, the illustrative rows compute as labelled."""
    def row(model, bits, name):
        rep = serving.inference_report(model=model, hardware="h100-sxm", devices=4, bits=bits, batch_size="max",
                                       tokens=1e6)
        return next(t for t in rep.techniques if t.name == name)
    given16 = row("Qwen/Qwen2.5-72B-Instruct-GPTQ-Int8", 16, "quantization-8bit")
    plain = row("qwen2.5-72b", 16, "quantization-8bit")
    assert given16.label == plain.label == "8-bit weights and activations (fp8)"
    assert given16.saving("joules_per_output_token") == pytest.approx(plain.saving("joules_per_output_token"))
    own = row("Qwen/Qwen2.5-72B-Instruct-GPTQ-Int8", None, "quantization-8bit")
    assert own.label == "8-bit weights (weight-only)" and own.result.precision == "bf16"


@pytest.mark.parametrize("name, precision", [
    ("Qwen/Qwen3-32B-FP8", "bf16"),                      # a Hub FP8 checkpoint on a GPU without FP8: weight-only
    ("deepseek-ai/DeepSeek-R1-INT8", "int8"),            # an INT8 checkpoint: its own format, at the int8 peak
    ("RedHatAI/DeepSeek-R1-quantized.w8a8", "int8"),
])
def test_fp8_weight_only_on_an_a100_is_fp8_weights_alone(name, precision):
    """Diff review 2026-11-30: DeepSeek-R1's INT8 and W8A8 checkpoints had been taken as FP8 weight-only on an A100, and
    a Hub FP8 checkpoint (Qwen3-32B-FP8) left at the int8 peak."""
    devices = 16 if "DeepSeek" in name else 1
    r = serving.inference_report(model=name, hardware="a100-sxm-80gb", devices=devices, tokens=1e6).result
    assert (r.bits, r.precision) == (8, precision)


def test_bits_of_the_wrong_type_are_refused_in_the_projects_words():
    from estimator.core.base.errors import InputError
    for bits in ("x", [8]):
        with pytest.raises(InputError):
            serving.inference_report(model="deepseek-r1", hardware="a100-sxm-80gb", devices=16, bits=bits, tokens=1e6)
