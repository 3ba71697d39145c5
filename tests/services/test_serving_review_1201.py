"""A serving engineer's review (2026-12-01): one sequence in flight is a single stream, its TTFT bound held to the
time one request takes alone, not to a Poisson stream's queue behind prompts that fill the device."""

from __future__ import annotations

import pytest

from estimator import inference
from estimator.core.base.errors import InputError

LONG_PROMPT = dict(model="llama-3.1-8b", hardware="h100-sxm", prompt_tokens=8000, tokens_per_query=1, tokens=1e6)


def test_a_ttft_bound_one_request_alone_meets_is_met_at_batch_one():
    idle = inference(**LONG_PROMPT).result
    assert idle.ttft_s == pytest.approx(0.239, abs=0.002)
    bound = inference(**LONG_PROMPT, ttft_ms=2000).result   # had been refused: "at least 3,670 ms"
    assert bound.batch_size == 1 and bound.devices == 1
    assert bound.ttft_p99_s == pytest.approx(idle.ttft_s, rel=1e-9)
    assert bound.tokens_per_s == pytest.approx(idle.tokens_per_s, rel=1e-9)


def test_a_ttft_bound_below_one_request_alone_is_refused_with_that_time():
    with pytest.raises(InputError, match=r"takes at least 239 ms to the first token \(one request at a time"):
        inference(**LONG_PROMPT, ttft_ms=200)


def test_two_sequences_in_flight_still_queue_behind_each_others_prompts():
    # a batch of two under its own stream: the M/D/1 wait, not the idle TTFT
    two = inference(**LONG_PROMPT, ttft_ms=100_000).result
    assert two.batch_size > 1 and two.ttft_p99_s > 2 * two.ttft_s


@pytest.mark.parametrize("given", ["vLLM-2024", " VLLM-2024", "Optimized-2024"])
def test_an_engine_is_read_in_any_case_by_the_api_and_the_cli(given, capsys):
    from estimator.cli import main
    assert inference(params=7e9, tokens=1e6, engine=given).result.engine == given.strip().lower()
    assert main(["inference", "--params", "7e9", "--tokens", "1e6", "--engine", given, "--format", "json"]) == 0
    import json
    assert json.loads(capsys.readouterr().out)["engine"] == given.strip().lower()


def test_an_unknown_engine_is_still_refused_alike(capsys):
    from estimator.cli import main
    with pytest.raises(InputError, match="unknown engine 'vllm'"):
        inference(params=7e9, tokens=1e6, engine="vllm")
    assert main(["inference", "--params", "7e9", "--tokens", "1e6", "--engine", "vllm"]) == 2
    assert capsys.readouterr().err.startswith("error: argument --engine: invalid choice: 'vllm'")
