"""Serving engineer's review 2026-12-02: the time to the first token at a batch of many says it counts no queue."""

from __future__ import annotations


def test_the_first_token_at_a_large_batch_says_it_leaves_the_queue_out(cli):
    full = cli("inference", "--model", "llama-3.1-8b", "--batch-size", "max", "--tokens", "1e6")
    line = next(x for x in full.out.splitlines() if x.startswith("time to first token"))
    assert line.endswith("the prompt's prefill and one step; no wait in a queue counted (a TTFT bound gives the p99 "
                         "under this load)")
    bound = cli("inference", "--model", "llama-3.1-8b", "--batch-size", "max", "--ttft-ms", "600000", "--tokens", "1e6")
    line = next(x for x in bound.out.splitlines() if x.startswith("time to first token"))
    assert "; p99 under this load " in line and "no wait in a queue" not in line
    alone = cli("inference", "--model", "llama-3.1-8b", "--batch-size", "1", "--tokens", "1e6")
    line = next(x for x in alone.out.splitlines() if x.startswith("time to first token"))
    assert line.endswith("the prompt's prefill and one step")  # one request at a time waits for none


def test_a_bound_refused_on_the_devices_given_names_what_meets_it():
    """70B on 2 H100s within 20 ms a token had been refused naming neither more devices nor fewer bits."""
    import pytest

    from estimator import inference
    from estimator.core.base.errors import InputError
    with pytest.raises(InputError) as refused:
        inference(model="llama-3.1-70b", devices=2, tpot_ms=20, tokens=1e6)
    assert str(refused.value).endswith("(tensor parallelism 2); 8 devices meet it, or at 4 bits a weight the 2 given do "
                                       "(weight-only: the h100-sxm states no FP4 peak)")
    assert set(refused.value.fields) == {"devices", "tpot_ms", "bits"}
    assert inference(model="llama-3.1-70b", devices=8, tpot_ms=20, tokens=1e6).to_dict()["seconds_per_output_token"] <= 0.020
    inference(model="llama-3.1-70b", devices=2, tpot_ms=20, bits=4, tokens=1e6)
    with pytest.raises(InputError) as none:  # no way the search tries meets 2 ms: the refusal as it was
        inference(model="llama-3.1-70b", devices=8, tpot_ms=2, tokens=1e6)
    assert str(none.value).endswith("(tensor parallelism 8)")
