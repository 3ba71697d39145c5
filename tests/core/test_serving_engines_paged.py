"""Serving engines as data, paged KV memory with preemption, FP4, and the most tokens a set of devices serves
(issue 54): numbers by hand on toys where possible."""

from __future__ import annotations

import math

import pytest

from estimator.core.base.errors import InputError
from estimator.core.serving.device import peak_for_bits
from estimator.core.serving.engines import DEFAULT_ENGINE, ENGINE_ALIASES, ENGINES, engine_name
from estimator.core.serving.estimate import InferenceScenario, inference
from estimator.core.serving.memory import serving_footprint
from estimator.core.serving.step import Architecture, Device, ServingFit, step
from estimator.core.serving.throughput import max_throughput, tensor_parallel_options
from estimator.io import serving_data
from estimator.io.datafiles import default_profiles

# A toy: 2 layers, d_model 64, 4 heads, 2 KV heads of 16 → KV per token at 16 bits = 2·2·2·16·2 = 256 bytes.
TOY = Architecture(2, 64, 4, 2)
TOY_DEVICE = Device("toy", memory_gb=1.0, bandwidth_gb_per_s=100.0, peak_flops_per_s=1e12, tdp_w=100.0,
                    link_gb_per_s=10.0)
TOY_FIT = ServingFit(engine_s_per_layer=1e-4, engine_s_per_sequence=1e-5, tp_s_per_allreduce=1e-5,
                     busy_per_roofline_s=1.0, tpot_log_half_width=0.1, energy_log_half_width=0.1, level=0.8,
                     n_configs=1, n_models=1)


def test_every_engine_has_a_profile_and_the_alias_names_vllm_2024():
    engines = serving_data.load_engines()
    assert set(engines) == {e for e in ENGINES if e not in ENGINE_ALIASES}
    assert engine_name("online") == "vllm-2024" and engine_name("optimized-2024") == "optimized-2024"
    with pytest.raises(InputError, match="unknown engine"):
        engine_name("tgi-2022")
    for name in engines:
        fit = serving_data.load_serving_fit(name)
        assert fit.engine == name and fit.memory_fraction == engines[name].memory_fraction
    assert serving_data.load_serving_fit("online") == serving_data.load_serving_fit("vllm-2024")
    assert serving_data.load_serving_fit("optimized-2024").mixed_prefill
    assert DEFAULT_ENGINE in engines


def test_paged_memory_holds_the_average_sequence_by_hand():
    # 1 GB × 0.5 usable = 0.5 GB; weights 1e6 parameters × 2 bytes = 2 MB; each sequence at 100 + 200/2 = 200
    # tokens × 256 bytes = 51,200 bytes: (0.5e9 − 2e6) ÷ 51,200 = 9,726.5 → 9,726 sequences
    fp = serving_footprint(params=1e6, arch=TOY, memory_gb_per_device=1.0, devices=1, batch=100, prompt_tokens=100,
                           output_tokens=200, memory_fraction=0.5)
    assert fp.kv_gb_per_sequence == pytest.approx(51_200 / 1e9)
    assert fp.max_batch == math.floor((0.5e9 - 2e6) / 51_200) == 9726
    assert fp.fits and fp.effective_batch == 100 and fp.kv_cache_gb == pytest.approx(100 * 51_200 / 1e9)
    over = serving_footprint(params=1e6, arch=TOY, memory_gb_per_device=1.0, devices=1, batch=20_000,
                             prompt_tokens=100, output_tokens=200, memory_fraction=0.5)
    assert not over.fits and over.runs and over.effective_batch == 9726
    assert over.needed_gb == pytest.approx(2e-3 + 20_000 * 51_200 / 1e9)
    assert over.total_gb == pytest.approx(2e-3 + 9726 * 51_200 / 1e9)


def test_a_batch_beyond_memory_runs_the_batch_that_fits_and_says_so():
    m = serving_data.catalog_model("llama-3.1-8b")
    profile = default_profiles().get("a100-sxm-80gb")
    fit = serving_data.load_serving_fit("vllm-2024")
    asked = inference(InferenceScenario(params=m.params, tokens=1e9, architecture=m.arch, batch_size=4000, devices=1),
                      profile, fit)
    largest = asked.max_batch_size
    assert asked.batch_size == largest < 4000
    assert any(n.startswith("batch 4,000 does not fit") and "preempts" in n for n in asked.notes)
    same = inference(InferenceScenario(params=m.params, tokens=1e9, architecture=m.arch, batch_size=largest, devices=1),
                     profile, fit)
    assert asked.seconds_per_output_token == same.seconds_per_output_token


def test_every_measured_ml_energy_configuration_is_answered_by_vllm_2024():
    fit = serving_data.load_serving_fit("vllm-2024")
    profiles = default_profiles()
    for m in serving_data.load_measurements():
        r = inference(InferenceScenario(params=m.params, tokens=1e9, architecture=m.arch, batch_size=int(m.batch),
                                        devices=m.tp, prompt_tokens=m.prompt_tokens, tokens_per_query=m.output_tokens),
                      profiles.get(m.hardware_id), fit)
        assert r.seconds_per_output_token > 0


def test_four_bit_weights_use_the_fp4_peak_where_the_device_has_one():
    b200 = default_profiles().get("b200")
    precision, peak, note = peak_for_bits(b200, 4)
    assert (precision, peak) == ("fp4", b200.peak("fp4")) and "NVFP4" in note
    a100 = default_profiles().get("a100-sxm-80gb")
    assert peak_for_bits(a100, 4)[0] in ("bf16", "fp16")        # no FP4 or INT4 peak: weight-only


def test_a_7b_model_at_batch_1_on_an_a100_by_default_and_at_8_bits():
    m = serving_data.catalog_model("llama-2-7b")
    profile = default_profiles().get("a100-sxm-80gb")
    fit = serving_data.load_serving_fit("optimized-2024")
    sixteen = inference(InferenceScenario(params=m.params, tokens=1e6, architecture=m.arch), profile, fit)
    eight = inference(InferenceScenario(params=m.params, tokens=1e6, architecture=m.arch, bits=8), profile, fit)
    assert 6.8e-3 <= sixteen.seconds_per_output_token <= 14e-3
    assert 0.45 <= eight.seconds_per_output_token / sixteen.seconds_per_output_token <= 0.70


def test_the_most_tokens_the_devices_serve_by_hand():
    assert tensor_parallel_options(8, TOY) == [1, 2, 4]        # 8 would split 4 attention heads 8 ways
    cap = 64
    t = max_throughput(params=1e6, arch=TOY, device=TOY_DEVICE, fit=TOY_FIT, devices=8, prompt_tokens=100,
                       output_tokens=200, max_batch=cap)
    # memory holds thousands of toy sequences: the engine's cap sets the batch, each replica one device
    assert (t.tp, t.replicas, t.batch, t.limit) == (1, 8, cap, "engine")
    s = step(params=1e6, arch=TOY, device=TOY_DEVICE, fit=TOY_FIT, batch=cap, prompt_tokens=100, output_tokens=200, tp=1)
    assert t.tokens_per_s == pytest.approx(8 * cap / s.tpot_s)
    # under a TPOT bound the batch is the largest that keeps within it
    bound = step(params=1e6, arch=TOY, device=TOY_DEVICE, fit=TOY_FIT, batch=10, prompt_tokens=100, output_tokens=200,
                 tp=1).tpot_s
    b = max_throughput(params=1e6, arch=TOY, device=TOY_DEVICE, fit=TOY_FIT, devices=8, prompt_tokens=100,
                       output_tokens=200, max_batch=cap, tpot_bound_s=bound, tp=1)
    assert (b.batch, b.limit) == (10, "tpot")
    with pytest.raises(InputError, match="no tensor-parallel split"):
        max_throughput(params=1e6, arch=TOY, device=TOY_DEVICE, fit=TOY_FIT, devices=1, prompt_tokens=100,
                       output_tokens=200, max_batch=cap, tpot_bound_s=1e-9)


def test_an_engines_memory_source_must_state_its_fraction(tmp_path, monkeypatch):
    """The source is printed beside the fraction in refusals and notes: engines.toml saying 0.95 in one and 0.9 in the
    other is refused, naming the file, the engine, the field and the fix."""
    from estimator.core.base.errors import DataFileError
    text = serving_data.ENGINES_PATH.read_text(encoding="utf-8").replace(
        "memory_fraction = 0.95\n", "memory_fraction = 0.9\n", 1)
    path = tmp_path / "engines.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(serving_data, "ENGINES_PATH", path)
    serving_data.load_engines.cache_clear()
    try:
        with pytest.raises(DataFileError, match=r"engines\.toml: 'vllm-2024' memory_fraction_source must begin "
                                                r"\"0\.9 of device memory\" \(memory_fraction is 0\.9\); state the"):
            serving_data.load_engines()
    finally:
        serving_data.load_engines.cache_clear()
