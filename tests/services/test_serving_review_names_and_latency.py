"""Serving-engineer review 2026-11-29: a Qwen3 "-2507" release read its base model's 32,768-token context (a
65,536-token prompt refused, where the release reads 262,144 natively), its Thinking variant was an unknown model, and
the time-to-first-token row showed the idle TTFT beside a TTFT bound held to the p99 under load."""

import json

import pytest

from estimator.cli import main
from estimator.core.base.errors import InputError
from estimator.io import serving_data


@pytest.mark.parametrize("name, model, context", [
    ("Qwen/Qwen3-30B-A3B-Instruct-2507", "qwen3-30b-a3b", 262_144),
    ("Qwen/Qwen3-30B-A3B-Thinking-2507", "qwen3-30b-a3b", 262_144),
    ("Qwen/Qwen3-235B-A22B-Instruct-2507-FP8", "qwen3-235b-a22b", 262_144),
    ("Qwen/Qwen3-30B-A3B", "qwen3-30b-a3b", 32_768),
    ("qwen3-30b-a3b", "qwen3-30b-a3b", 32_768),
])
def test_a_release_reads_its_own_context(name, model, context):
    m = serving_data.catalog_model(name)
    assert (m.id, m.context, m.arch.context) == (model, context, context)
    assert ("-2507 release" in m.source) == (context == 262_144)


def test_a_long_prompt_to_the_2507_release_is_served_and_to_the_base_refused(capsys):
    args = ["inference", "--prompt-tokens", "65536", "--tokens-per-query", "1000", "--tokens", "1e6", "--hardware",
            "h200-sxm", "--format", "json"]
    assert main([*args, "--model", "Qwen/Qwen3-30B-A3B-Instruct-2507"]) == 0
    capsys.readouterr()
    assert main([*args, "--model", "Qwen/Qwen3-30B-A3B"]) == 2
    assert "context window of 32,768 tokens" in capsys.readouterr().err
    with pytest.raises(InputError, match="unknown model"):
        serving_data.catalog_model("Qwen/Qwen3-31B-A3B-Instruct-2507")


def test_the_first_token_row_says_the_p99_a_ttft_bound_is_held_to(capsys):
    args = ["inference", "--model", "llama-3.1-8b", "--ttft-ms", "200", "--tpot-ms", "30", "--tokens", "1e9"]
    assert main([*args, "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    r = d.get("inference", d)
    p99_ms = r["seconds_to_first_token_p99_under_load"] * 1000
    assert r["seconds_to_first_token"] * 1000 < p99_ms <= 200
    assert main(args) == 0
    row = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("time to first token"))
    assert f"p99 under this load {p99_ms:.3g} ms (what a TTFT bound is held to)" in row
    # without a bound, no p99 is said
    assert main(["inference", "--model", "llama-3.1-8b", "--tokens", "1e9"]) == 0
    row = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("time to first token"))
    assert "p99" not in row


def test_the_default_batch_says_what_a_batched_stream_costs():
    """Review: Llama 3.1 8B on an H100 read $15 a million output tokens at the default batch of 1, $0.18 at the largest
    batch, with no word but "batch 1"; the note gives the batched figure, as `--batch-size max` answers it."""
    from estimator.services.serving.inference import inference_report
    one = inference_report(model="llama-3.1-8b", tokens=1e9).result
    full = inference_report(model="llama-3.1-8b", tokens=1e9, batch_size="max").result
    (note,) = [n for n in one.notes if n.startswith("batch: the default, 1")]
    assert f"({full.batch_size:,} per replica)" in note
    assert f"cost ${full.per_token('cost_usd') * 1e6:.2f}, not $15 " in note
    assert full.per_token("cost_usd") < one.per_token("cost_usd") / 50
    # a batch given, or a bound, says nothing of the kind
    for given in ({"batch_size": 1}, {"tpot_ms": 30}):
        assert not [n for n in inference_report(model="llama-3.1-8b", tokens=1e9, **given).result.notes
                    if n.startswith("batch: the default")]


def test_batch_one_on_many_replicas_is_not_called_a_single_users_latency():
    """Serving-engineer review 2026-11-29: Llama 3.1 70B on 8 H100s at the default batch ran tensor parallel 1 × 8
    replicas, 8 requests in flight, and the note called it "a single user's latency"."""
    from estimator.services.serving.inference import inference_report
    many = inference_report(model="llama-3.1-70b", devices=8, bits=8, tokens=1e9).result
    (note,) = [n for n in many.notes if n.startswith("batch: the default, 1")]
    assert many.replicas == 8 and note.startswith("batch: the default, 1 (one request at a time on each replica, 8 in "
                                                  "flight)")
    one = inference_report(model="llama-3.1-8b", tokens=1e9).result
    (note,) = [n for n in one.notes if n.startswith("batch: the default, 1")]
    assert one.replicas == 1 and "a single user's latency" in note
