"""A layout's parts given alone (issue 53, review 2026-11-26): tensor or pipeline parallelism or ZeRO fix the
layout, the rest at its defaults; context or expert parallelism, the micro-batch or recomputation alone are kept
and the planner chooses the rest, as `plan` does. A global batch grows at most 1.5× to fill the replicas."""

from __future__ import annotations

import json

import pytest

from estimator.cli import main
from estimator.core.training.plan import BATCH_GROWTH_MAX, global_batch_for

SEVENTY = ["--model", "llama-3.1-70b", "--tokens", "15e12", "--hardware", "h100-sxm", "--devices", "1024"]


def _json(capsys, *argv):
    assert main([*argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_recomputation_alone_is_kept_and_the_planner_fits_the_rest(capsys):
    d = _json(capsys, "estimate", *SEVENTY, "--activation-recompute", "selective")
    step = d["step"]
    assert step["layout_chosen_by"] == "planner" and step["layout_parts_given"] == "selective recomputation"
    assert step["layout"]["recompute"] == "selective" and d["memory"]["fits"] is True
    # the plan with the same part fixed ranks the same layout first
    p = _json(capsys, "plan", *SEVENTY, "--activation-recompute", "selective")
    best = p["layouts"][0]
    assert best["layout"] == step["layout"]
    assert best["tokens_per_s_per_device"] == pytest.approx(step["tokens_per_s_per_device"])


def test_tensor_parallelism_or_zero_fix_the_layout(capsys):
    d = _json(capsys, "estimate", *SEVENTY, "--zero", "1")
    lay = d["step"]["layout"]
    assert d["step"]["layout_chosen_by"] == "given" and (lay["tp"], lay["pp"], lay["zero"]) == (1, 1, 1)
    assert d["memory"]["fits"] is False  # 70B with ZeRO-1 over data parallelism alone: said, not planned away
    d = _json(capsys, "estimate", *SEVENTY, "--tp", "8")
    assert d["step"]["layout_chosen_by"] == "given" and d["step"]["layout"]["tp"] == 8


def test_a_global_batch_grows_at_most_half_again():
    # 2,048 sequences asked: one round of 3,072 micro-batches is 1.5× the batch, one of 3,073 more; 1,366 is one round
    # (2,048 ÷ 1,366 rounds to 1), 1,365 two (2,048 ÷ 1,365 = 1.5 rounds to 2: 2,730, 1.33×)
    assert global_batch_for(2048 * 8192, 8192, 3072, 1) == 3072
    assert global_batch_for(2048 * 8192, 8192, 3073, 1) is None
    assert global_batch_for(2048 * 8192, 8192, 1366, 1) == 1366 and global_batch_for(2048 * 8192, 8192, 1365, 1) == 2730
    assert global_batch_for(2048 * 8192, 8192, 4096, 1) is None  # twice the batch asked had been planned
    assert global_batch_for(2048 * 8192, 8192, 512, 1) == 2048 and BATCH_GROWTH_MAX == 1.5


def test_the_planner_keeps_an_explicit_global_batch(capsys):
    """Review: Llama 3.1 405B at 16.8M tokens a step was planned at 33.6M in its four fastest rows."""
    p = _json(capsys, "plan", "--model", "llama-3.1-405b", "--tokens", "15.6e12", "--hardware", "h100-sxm",
              "--devices", "16384", "--seq-len", "8192", "--global-batch-tokens", "16777216")
    sizes = [r["layout"]["global_batch"] * r["layout"]["seq_len"] for r in p["layouts"]]
    assert sizes and all(16777216 / BATCH_GROWTH_MAX <= s <= 16777216 * BATCH_GROWTH_MAX for s in sizes)
