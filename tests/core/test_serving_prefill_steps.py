"""vllm-2024 prefills new prompts as steps of their own (engines.toml's prefill_steps_apart): ML.ENERGY ran vLLM 0.5.4
with chunked prefill off, and its scheduler then runs no decode in a step that prefills. Such a step, min(1, B/T) of
them a decode step, pays the engine's per-layer cost again: the other requests' in the steps a user waits on, a
request's own before its first token (2026-12-01: held out by model, TPOT 1.26x -> 1.17x)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from estimator.core.base.errors import DataFileError, InputError
from estimator.core.serving.estimate import InferenceScenario, inference
from estimator.core.serving.step import BANDWIDTH_FRACTION
from estimator.core.serving.weights import read_weight_bytes
from estimator.io import serving_data
from estimator.io.datafiles import default_profiles

H100 = default_profiles().get("h100-sxm")
LLAMA = serving_data.catalog_model("llama-3.1-8b")   # 32 layers
VLLM = serving_data.load_serving_fit("vllm-2024")


def _serve(fit, batch: int, **kw):
    s = InferenceScenario(params=LLAMA.params, tokens=1e6, architecture=LLAMA.arch, batch_size=batch, devices=1, **kw)
    return inference(s, H100, fit)


# batch 1, batches below the output's 338 tokens, and one above the output's 100 tokens (a prefill step every step)
@pytest.mark.parametrize("batch, out", [(1, None), (64, None), (256, None), (256, 100)])
def test_each_prefill_step_pays_the_per_layer_cost_again(batch, out):
    assert VLLM.prefill_steps_apart
    kw = {} if out is None else {"tokens_per_query": out}
    on, off = _serve(VLLM, batch, **kw), _serve(replace(VLLM, prefill_steps_apart=False), batch, **kw)
    t = on.tokens_per_query
    assert out is None or t == out
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
    # the first token: its prompt's prefill step, which emits it, in place of a decode step (review 2026-12-01: both),
    # with the prompts of every request that finished in the step before (B ÷ T of them where B > T)
    prompt = off.ttft_s - off.seconds_per_output_token          # one prompt's prefill (no all-reduces on one GPU)
    # that step reads the weights at least, as a decode step does (serving review 2026-12-03: a 1-token prompt's first
    # token had come sooner than a decode step's)
    read = (read_weight_bytes(LLAMA.arch, LLAMA.params, 16, on.prompt_tokens)
            / (H100.memory_bandwidth_bytes_per_s * BANDWIDTH_FRACTION))
    assert on.ttft_s == pytest.approx(max(prompt * max(1.0, batch / t), read) + layer_cost)
    if batch == 1:  # one 161-token prompt: its weights' read is the longer
        assert read > prompt


def test_the_engines_that_mix_prompts_or_batch_statically_have_no_prefill_steps():
    for name in ("optimized-2024", "latency", "eager-2023"):
        fit = serving_data.load_serving_fit(name)
        assert not fit.prefill_steps_apart
        assert _serve(fit, 1).own_engine_s_per_step == 0.0


def test_the_time_note_says_the_per_layer_cost_is_paid_again():
    (note,) = [n for n in _serve(VLLM, 64).notes if n.startswith("time per output token")]
    from estimator.core.serving.step_notes import fmt_ms
    r = _serve(VLLM, 64)
    others = r.engine_s_per_step - 32 * VLLM.engine_s_per_layer - 64 * VLLM.engine_s_per_sequence
    assert f"ms per layer, again in the other requests' prefill steps ({fmt_ms(others)} a step), and" in note
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
        with pytest.raises(DataFileError, match=r"engines.toml: 'latency' prefill_steps_apart and static_batch are both "
                                            r"true; a static batch prefills its prompts once"):
            serving_data.load_engines()
        bad.write_text(text.replace("prefill_steps_apart = true", "prefill_steps_apart = 1", 1))
        serving_data.load_engines.cache_clear()
        with pytest.raises(DataFileError, match="'vllm-2024' prefill_steps_apart must be true or false, got 1"):
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


def test_under_a_power_limit_the_prefill_steps_engine_cost_stretches_with_the_step():
    free, held = _serve(VLLM, 256), _serve(VLLM, 256, power_limit_w=250)
    assert held.power_limit_stretch > 1.05                # the whole step held (it draws ~311 W unlimited)
    assert held.own_engine_s_per_step == pytest.approx(free.own_engine_s_per_step * held.power_limit_stretch)
    assert held.served_seconds_per_output_token == pytest.approx(
        held.seconds_per_output_token + held.own_prefill_s_per_step + held.own_engine_s_per_step)


def test_the_decode_step_alone_and_the_queue_count_every_prefill_steps_engine_cost():
    """A decode step alone (what a fixed batch's published time measures) holds no prefill step; the load of a stream's
    prefills (loaded TTFT's M/D/1 wait) holds all of them, not the request's own share alone (review 2026-12-01)."""
    from estimator.core.serving.device import device_of
    from estimator.core.serving.step import step
    from estimator.core.serving.throughput import loaded_ttft_s, prefill_s_at_its_draw, ttft_s
    from estimator.fit.tpot_check import measured_time
    kw = dict(params=LLAMA.params, arch=LLAMA.arch, device=device_of(H100, H100.peak()), batch=64, prompt_tokens=200,
              output_tokens=100, tp=1)
    on, off = step(fit=VLLM, **kw), step(fit=replace(VLLM, prefill_steps_apart=False), **kw)
    layer_cost = 32 * VLLM.engine_s_per_layer
    assert on.others_engine_s + on.own_engine_s == pytest.approx(min(1.0, 64 / 100) * layer_cost)
    assert on.decode_s == pytest.approx(off.decode_s)
    row = type("Row", (), {"prefill_included": False})()
    assert measured_time(row, on, False) == pytest.approx(measured_time(row, off, False))
    step_s = on.tpot_s * on.tokens_per_step
    rho = (prefill_s_at_its_draw(on) + on.own_tp_s + on.own_engine_s + on.others_engine_s) / step_s
    idle = ttft_s(on, 64, 100)
    # S, the prefill each request is served: all of its first token's time (its prefill step emits it)
    assert idle == pytest.approx(ttft_s(off, 64, 100) - off.user_tpot_s + 32 * VLLM.engine_s_per_layer)
    assert loaded_ttft_s(on, 64, 100) == pytest.approx(idle + rho / (2 * (1 - rho)) * idle + step_s / 2)
