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
