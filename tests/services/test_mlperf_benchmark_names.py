"""A model named by MLPerf Inference's benchmark name, as its results name it (``llama2-70b-99``, ``mixtral-8x7b``,
``gptj-99``, ``llama3.1-405b``, with or without ``-99``/``-99.9``/``-interactive``), is served as the benchmark serves it
where the query is not given: its dataset's prompt and output tokens a sample where MLPerf documents them (and GPT-J's 4
beams), said in a note, the default kept and said where it documents none; the model's own name (``llama-2-70b``)
keeps the default query (ShareGPT's means). The CLI and the Python API give the same numbers."""

from __future__ import annotations

import json

import pytest

from estimator.cli.main import main
from estimator.core.serving.scenario import DEFAULT_PROMPT_TOKENS, DEFAULT_TOKENS_PER_QUERY
from estimator.services.serving import inference as serving

BASE = ["inference", "--hardware", "h100-sxm", "--devices", "8", "--bits", "8", "--kv-bits", "8", "--tokens", "1e9",
        "--format", "json"]


def run(capsys, *argv) -> dict:
    base = list(BASE)
    if "--hardware" in argv:  # a hardware of the test's own in place of the base's (an option is given once)
        i = base.index("--hardware")
        del base[i:i + 2]
    assert main([*base, *argv]) == 0
    return json.loads(capsys.readouterr().out)


def query_notes(doc) -> list[str]:
    return [n for n in doc["notes"] if n.startswith("query: ")]


@pytest.mark.parametrize("name, prompt, output", [
    ("llama2-70b-99", 300.0, 294.45),  # OpenOrca: MLPerf's reference output 294.45 tokens a sample
    ("llama2-70b-99.9", 300.0, 294.45),
    ("mixtral-8x7b-99", 300.0, 144.84),
    ("mixtral-8x7b", 300.0, 144.84),  # MLPerf names Mixtral's benchmark by the model's own id, no suffix
    ("llama2-70b-interactive-99", 300.0, 294.45),  # the tighter-latency run serves the same dataset
    ("gptj-99", 781.0, 69.0),  # CNN-DailyMail: loadgen counts 69 tokens a sample
    ("llama3.1-8b", 781.0, 69.0),  # GPT-J's dataset; its output assumed as GPT-J's summaries counted
    ("llama3.1-405b", 9400.0, 684.68),  # LongBench, RULER, GovReport: MLCommons' post gives the mean input, 9,400
    ("gpt-oss-120b", 5000.0, 1278.2),  # PubMed summaries: MLCommons' post gives the mean input, 5,000
])
def test_a_benchmark_name_serves_its_datasets_queries(capsys, name, prompt, output):
    doc = run(capsys, "--model", name)
    assert (doc["prompt_tokens"], doc["tokens_per_query"]) == (prompt, output)
    (note,) = query_notes(doc)
    assert note.startswith(f"query: {prompt:,g} prompt and {output:,g} output tokens, as MLPerf's {name} benchmark (")


@pytest.mark.parametrize("name, output, hardware", [
    ("deepseek-r1", 3886.23, "h200-sxm"),  # 671B at 8 bits: 8 H100s hold 616 GB, 8 H200s enough
])
def test_a_benchmark_without_a_documented_prompt_takes_its_output_and_says_the_prompt_is_the_default(capsys, name,
                                                                                                     output, hardware):
    doc = run(capsys, "--model", name, "--hardware", hardware)
    assert (doc["prompt_tokens"], doc["tokens_per_query"]) == (DEFAULT_PROMPT_TOKENS, output)
    taken, untold = query_notes(doc)
    assert taken.startswith(f"query: {output:,g} output tokens, as MLPerf's {name} benchmark (")
    assert untold == (f"query: MLPerf's {name} benchmark documents no mean prompt length: the default's taken "
                      "(give the prompt tokens to set it)")
    given = run(capsys, "--model", name, "--hardware", hardware, "--prompt-tokens", "4000")
    assert given["prompt_tokens"] == 4000.0 and len(query_notes(given)) == 1
    assert given["tokens_per_s"] < doc["tokens_per_s"]  # a longer prompt to prefill: fewer output tokens a second


def test_the_models_own_name_keeps_the_default_query(capsys):
    for name in ("llama-2-70b", "llama-3.1-405b", "gpt-j-6b"):
        doc = run(capsys, "--model", name)
        assert (doc["prompt_tokens"], doc["tokens_per_query"]) == (DEFAULT_PROMPT_TOKENS, DEFAULT_TOKENS_PER_QUERY)
        assert query_notes(doc) == [] and doc["beams"] == 1


def test_a_query_given_is_kept_and_only_the_other_part_taken_from_the_benchmark(capsys):
    doc = run(capsys, "--model", "llama2-70b-99", "--prompt-tokens", "1000")
    assert (doc["prompt_tokens"], doc["tokens_per_query"]) == (1000.0, 294.45)
    (note,) = query_notes(doc)
    assert note.startswith("query: 294.45 output tokens, as MLPerf's llama2-70b-99 benchmark")
    both = run(capsys, "--model", "llama2-70b-99", "--prompt-tokens", "161", "--tokens-per-query", "338")
    assert (both["prompt_tokens"], both["tokens_per_query"]) == (161.0, 338.0) and query_notes(both) == []
    # the default's own values given on purpose are kept (a flag given is never mistaken for its default)
    assert both["tokens_per_s"] == run(capsys, "--model", "llama-2-70b")["tokens_per_s"]


def test_the_api_answers_a_benchmark_name_as_the_cli_does(capsys):
    cli = run(capsys, "--model", "mixtral-8x7b-99", "--batch-size", "max")
    api = serving.inference_report(hardware="h100-sxm", model="mixtral-8x7b-99", devices=8, bits=8, kv_bits=8,
                                  tokens=1e9, batch_size="max").result
    assert (api.prompt_tokens, api.tokens_per_query, api.tokens_per_s) == (
        cli["prompt_tokens"], cli["tokens_per_query"], cli["tokens_per_s"])


@pytest.mark.parametrize("model, bits", [("deepseek-r1", 8), ("gpt-oss-120b", 4), ("llama-3.1-8b", 16),
                                         ("llama2-70b-99", 16)])
def test_the_defaults_the_page_starts_at_are_what_the_cli_serves(model, bits):
    """The Inference page starts its bits and query fields at ``serving.default_bits`` and ``default_query`` (one home
    for the rule, the service's): each is what ``inference_report`` serves with nothing given."""
    r = serving.inference_report(model=model, hardware="h200-sxm", devices=8, tokens=1e9).result
    assert serving.default_bits(model) == bits == r.bits
    assert serving.default_query(model) == pytest.approx((r.prompt_tokens, r.tokens_per_query))
