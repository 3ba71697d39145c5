"""Beam search in the serving step (issue 54): a request of ``beams`` beams decodes that many sequences a step, each
reading its whole context, while its prompt is prefilled once and its KV cache held once, shared by the beams
(TensorRT-LLM's attention); one token a request counted a step. Worked by hand on the toy model of
test_serving_by_hand.py."""

from __future__ import annotations

import pytest

from estimator.core.serving.memory import serving_footprint
from estimator.core.serving.step import beam_search_holds, step
from estimator.core.serving.throughput import max_throughput
from tests.core.test_serving_by_hand import DEVICE, FIT, TOY, N


def test_beams_by_hand():
    # 3 requests of 4 beams: 12 sequences a step, one device, 16 bits, prompt 6, 2 tokens a beam
    s = step(params=N, arch=TOY, device=DEVICE, fit=FIT, batch=3, prompt_tokens=6, output_tokens=2, tp=1, beams=4)
    # each of the 12 sequences reads the context 6 + 2/2 = 7 at 32 bytes a token (16-bit KV), beside the
    # 1,840 weight bytes read once
    assert s.memory_s == pytest.approx((1840 + 12 * 7 * 32) / 0.9e9)
    assert s.compute_s == pytest.approx(12 * (2 * 920 + 4 * 2 * 7 * 8) / 0.6e6)
    # the prompts: 3 requests ÷ 2 tokens each start a step, each prefilled once (not once a beam)
    assert s.prefill_s == pytest.approx((3 / 2) * (2 * 920 * 6 + 2 * 2 * 36 * 8) / 0.6e6)
    # the per-sequence cost is a decoded sequence's: 12 of them
    assert s.engine_s == pytest.approx(0.01 * 2 + 0.001 * 12)
    # held: the prompt once and each beam's half output, 6 + 4 × 1 = 10 tokens a request
    assert beam_search_holds(6, 2, 4) == 10
    assert s.kv_cache_gb * 1e9 == pytest.approx(3 * 10 * 32)
    # energy per counted token: 3 tokens a step, one a request
    assert s.joules_per_output_token == pytest.approx(s.power_w * s.tpot_s / 3)


def test_one_beam_is_the_step_without_beams():
    kw = dict(params=N, arch=TOY, device=DEVICE, fit=FIT, batch=5, prompt_tokens=6, output_tokens=3, tp=2)
    assert step(**kw, beams=1) == step(**kw)
    fp = dict(params=N, arch=TOY, memory_gb_per_device=1e-6, devices=1, batch=5, prompt_tokens=6, output_tokens=3)
    assert serving_footprint(**fp, beams=1) == serving_footprint(**fp)


def test_the_memory_holds_the_prompt_once_a_request():
    # 2,000 bytes of room beside the 2,000 weight bytes (16 bits): a request of 4 beams holds 6 + 4 × 1 = 10 tokens
    # of 32 bytes, so 6 requests fit where 4 × (6 + 1) = 28 tokens a request (the prompt held per beam) would fit 2
    fp = serving_footprint(params=N, arch=TOY, memory_gb_per_device=4000 / 0.9 / 1e9, devices=1, batch=1,
                           prompt_tokens=6, output_tokens=2, beams=4)
    assert fp.weights_gb * 1e9 == pytest.approx(2000) and fp.max_batch == 2000 // (10 * 32)
    t = max_throughput(params=N, arch=TOY, device=DEVICE, fit=FIT, devices=1, prompt_tokens=6, output_tokens=2,
                       max_batch=4, beams=4)
    assert t.batch == 4 and t.tokens_per_s == pytest.approx(4 / t.step.tpot_s)
