"""A request's own prompt is prefilled before it decodes: it rides in the other sequences' steps, never its own
(serving review 2026-11-29: Llama 3.1 8B alone on an H100 with a 100,000-token prompt had hidden its 7 s prefill under
its own 500 decode steps, 8.4 s in all, and counted that prefill into each token's TPOT, 16.8 ms where the decode
alone is about 12)."""

from __future__ import annotations

import pytest

from estimator.core.serving.step import own_prompt_share
from estimator.services import serving

LONG = dict(model="llama-3.1-8b", hardware="h100-sxm", prompt_tokens=100_000, tokens_per_query=500, tokens=500,
            devices=1)


def test_alone_a_long_prompt_is_prefilled_and_then_decoded():
    r = serving.inference_report(**LONG, batch_size=1).result
    # what the user waits between tokens: the decode step alone (memory-bound: the weights and the KV cache read),
    # no prefill in it
    assert r.bound == "memory"
    assert r.seconds_per_output_token == pytest.approx(r.memory_s_per_step + r.engine_s_per_step)
    assert 0.010 < r.seconds_per_output_token < 0.014
    # the prompt's prefill is its first token's (about 7 s), and the whole answer is that and then its 499 other tokens
    assert 6.0 < r.ttft_s < 8.0
    assert r.estimate.wall_clock_s == pytest.approx(r.ttft_s + 499 * r.seconds_per_output_token, rel=0.01)
    assert r.tokens_per_s == pytest.approx(500 / r.estimate.wall_clock_s, rel=0.01)
    assert r.own_prefill_s_per_step == r.prefill_s_per_step  # alone: all the step's prefill is its own
    (note,) = [n for n in r.notes if n.startswith("time per output token")]
    assert "a token served 26 ms, with the request's own prompt's prefill" in note
    assert "alone in its batch, its prefill and its decode add up" in note


def test_a_second_request_carries_the_others_prompt_in_its_steps():
    one = serving.inference_report(**LONG, batch_size=1).result
    two = serving.inference_report(**LONG, batch_size=2).result
    # half of the step's prefill is the other request's: it rides in this one's steps (chunked prefill), so each
    # token waits longer, while the pair serves more tokens a second than one alone
    assert two.own_prefill_s_per_step == pytest.approx(two.prefill_s_per_step / 2)
    assert two.seconds_per_output_token > 1.3 * one.seconds_per_output_token
    assert two.tokens_per_s > one.tokens_per_s


def test_at_a_large_batch_the_tpot_and_a_token_served_agree():
    r = serving.inference_report(model="llama-3.1-8b", hardware="h100-sxm", tokens=1e9, batch_size=256).result
    assert r.served_seconds_per_output_token == pytest.approx(r.seconds_per_output_token, rel=0.01)
    assert not [n for n in r.notes if "a token served" in n]  # under 1% apart: not said


def test_a_tpot_bound_is_held_to_what_the_user_waits():
    # one request alone at 12 ms a token meets a 20-ms p99 bound, though a token served (its prefill in) takes 26
    r = serving.inference_report(**LONG, tpot_ms=20).result
    assert r.batch_size == 1 and r.seconds_per_output_token <= 0.020 < r.served_seconds_per_output_token


def test_a_static_batch_prefills_every_prompt_before_its_first_token():
    r = serving.inference_report(**LONG, batch_size=1, engine="latency").result
    assert r.own_prefill_s_per_step == pytest.approx(r.prefill_s_per_step)
    assert own_prompt_share(8, static=True) == 1.0


@pytest.mark.parametrize("batch, ep, share", [(1, 1, 1.0), (4, 1, 0.25), (4, 2, 0.5), (2, 8, 1.0), (0, 1, 1.0)])
def test_the_own_share_is_one_requests_of_the_devices_prompts(batch, ep, share):
    assert own_prompt_share(batch, ep) == pytest.approx(share)
