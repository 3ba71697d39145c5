"""vllm-2024 prefills new prompts as steps of their own (engines.toml's prefill_steps_apart): ML.ENERGY ran vLLM 0.5.4
with chunked prefill off, and its scheduler then runs no decode in a step that prefills. Such a step, min(1, B/T) of
them a decode step, pays the engine's per-layer cost again: the other requests' in the steps a user waits on, a
request's own before its first token (2026-12-01: held out by model, TPOT 1.26x -> 1.17x)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from estimator.core.base.errors import InputError
from estimator.core.serving.estimate import InferenceScenario, inference
from estimator.io import serving_data
from estimator.io.datafiles import default_profiles

H100 = default_profiles().get("h100-sxm")
LLAMA = serving_data.catalog_model("llama-3.1-8b")   # 32 layers
VLLM = serving_data.load_serving_fit("vllm-2024")


def _serve(fit, batch: int):
    s = InferenceScenario(params=LLAMA.params, tokens=1e6, architecture=LLAMA.arch, batch_size=batch, devices=1)
    return inference(s, H100, fit)


@pytest.mark.parametrize("batch", [1, 64, 256])
def test_each_prefill_step_pays_the_per_layer_cost_again(batch):
    assert VLLM.prefill_steps_apart
    on, off = _serve(VLLM, batch), _serve(replace(VLLM, prefill_steps_apart=False), batch)
    t = on.tokens_per_query
    per_step = min(1.0, batch / t)                       # prefill steps a decode step
    layer_cost = 32 * VLLM.engine_s_per_layer            # one step's per-layer engine cost
    own = 1.0 / batch                                    # a request's own prompt's share of the step's prompts
    # the other requests' prefill steps are in the steps a user waits on; its own goes before its first token
    assert on.engine_s_per_step - off.engine_s_per_step == pytest.approx((1 - own) * per_step * layer_cost)
    assert on.own_engine_s_per_step == pytest.approx(own * per_step * layer_cost)
    assert off.own_engine_s_per_step == 0.0
    assert on.seconds_per_output_token - off.seconds_per_output_token == pytest.approx((1 - own) * per_step * layer_cost)
    # a token served holds both; the first token waits for its own prompt's whole prefill step
    assert on.served_seconds_per_output_token - off.served_seconds_per_output_token == pytest.approx(
        per_step * layer_cost)
    assert on.ttft_s - off.ttft_s == pytest.approx(layer_cost + (1 - own) * per_step * layer_cost)


def test_the_engines_that_mix_prompts_or_batch_statically_have_no_prefill_steps():
    for name in ("optimized-2024", "latency", "eager-2023"):
        fit = serving_data.load_serving_fit(name)
        assert not fit.prefill_steps_apart
        assert _serve(fit, 1).own_engine_s_per_step == 0.0


def test_the_time_note_says_the_per_layer_cost_is_paid_again():
    (note,) = [n for n in _serve(VLLM, 64).notes if n.startswith("time per output token")]
    assert "ms per layer, again in the other requests' prefill steps, and" in note
    (alone,) = [n for n in _serve(VLLM, 1).notes if n.startswith("time per output token")]
    assert "again in the other requests' prefill steps" not in alone   # at batch 1 there are no others


def test_a_step_refuses_prefill_steps_apart_with_mixed_prompts_or_a_static_batch():
    for flag in ("mixed_prefill", "static_batch"):
        fit = replace(VLLM, **{flag: True})
        with pytest.raises(InputError, match="prefills new prompts as steps of their own"):
            _serve(fit, 8)


def test_an_engine_table_with_prefill_steps_and_a_static_batch_is_refused_naming_both(tmp_path, monkeypatch):
    text = serving_data.ENGINES_PATH.read_text()
    bad = tmp_path / "engines.toml"
    head, latency = text.split("[latency]")
    bad.write_text(head + "[latency]" + latency.replace("prefill_steps_apart = false", "prefill_steps_apart = true", 1))
    monkeypatch.setattr(serving_data, "ENGINES_PATH", bad)
    serving_data.load_engines.cache_clear()
    try:
        with pytest.raises(Exception, match=r"engines.toml: 'latency' prefill_steps_apart and static_batch are both "
                                            r"true; a static batch prefills its prompts once"):
            serving_data.load_engines()
        bad.write_text(text.replace("prefill_steps_apart = true", "prefill_steps_apart = 1", 1))
        serving_data.load_engines.cache_clear()
        with pytest.raises(Exception, match="'vllm-2024' prefill_steps_apart must be true or false, got 1"):
            serving_data.load_engines()
    finally:
        monkeypatch.undo()
        serving_data.load_engines.cache_clear()
    assert serving_data.load_engines()["vllm-2024"].prefill_steps_apart   # the shipped table again


def test_the_step_chart_shows_the_own_prefill_steps_engine_cost_apart_from_the_tpot():
    """The Inference page's step chart: the counted parts add up to the TPOT, and with the uncounted own-prompt parts
    (its prefill, its prefill step's engine cost) to the time a token is served."""
    from app_pages.pages.inference_charts import step_frame
    r = _serve(VLLM, 64)
    df = step_frame(r)
    (own,) = df[df["part"] == "own prompt's engine"].itertuples()
    assert not own.counted and own.ms == pytest.approx(r.own_engine_s_per_step * 1000)
    assert df[df["counted"]]["ms"].sum() == pytest.approx(r.seconds_per_output_token * 1000)
    assert df[df["part"].str.startswith("own prompt")]["ms"].sum() + df[df["counted"]]["ms"].sum() == pytest.approx(
        r.served_seconds_per_output_token * 1000)
    assert "own prompt's engine" not in set(step_frame(_serve(serving_data.load_serving_fit("optimized-2024"), 64))["part"])
