"""The Inference page takes what the CLI takes for the batch (issue 54): a whole number, max (the largest batch in
memory, MLPerf's Offline) or nothing, which with a TTFT or TPOT bound is the largest batch that meets it (not batch
1 beside the bound); the same inputs give the CLI's numbers."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("streamlit")
from apptest_pages import run_page, shared_page  # noqa: E402

from app_pages.pages import inference as page  # noqa: E402
from estimator.report import humanize as hz  # noqa: E402

MODEL = ["--model", "llama-3-70b", "--hardware", "h100-sxm", "--tokens", "1e9", "--devices", "8"]
URL = {"inf_model": "llama-3-70b", "inf_hw": "h100-sxm", "inf_devices": "8"}


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def cli_json(cli, *extra: str) -> dict:
    code, out, err = cli("inference", *MODEL, *extra, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def scenario(at) -> str:
    return next(x.value for x in at.caption if "parameters served on" in x.value)


@pytest.mark.parametrize(("url", "flags"), [
    ({"inf_batch": "max"}, ("--batch-size", "max")),
    ({"inf_batch": "MAX"}, ("--batch-size", "max")),          # any case, as the CLI reads the word
    ({"inf_tpot": "40"}, ("--tpot-ms", "40")),                # a bound and no batch: the largest batch that meets it
    ({"inf_ttft": "450", "inf_tpot": "40"}, ("--ttft-ms", "450", "--tpot-ms", "40")),
    ({"inf_batch": "64"}, ("--batch-size", "64")),
    ({"inf_batch": "max", "inf_beams": "4"}, ("--batch-size", "max", "--beams", "4")),  # beam search (MLPerf's GPT-J: 4)
    ({"inf_draft": "3", "inf_accept": "0.8"}, ("--draft-tokens", "3", "--acceptance", "0.8")),  # speculative decoding
])
def test_the_page_gives_the_clis_numbers(cli, url, flags):
    doc = cli_json(cli, *flags)
    at = shared_page("inference", {**URL, **url})
    assert not at.error and not any("inf_batch" in w.value for w in at.warning)
    m = metrics(at)
    assert m["Throughput"] == page._rate(doc["tokens_per_s"])
    assert m["Time per output token"] == hz.token_time(doc["seconds_per_output_token"])
    assert f"batch {doc['batch']:,}" in scenario(at)
    assert ("4 beams a request" in scenario(at)) == (doc["beams"] == 4)
    assert ("3 draft tokens a step" in scenario(at)) == (doc["speculative"]["draft_tokens"] == 3)


def test_max_is_the_largest_batch_and_a_bound_is_not_batch_one(cli):
    free, bound = cli_json(cli, "--batch-size", "max"), cli_json(cli, "--tpot-ms", "40")
    assert free["batch"] > bound["batch"] > 1
    at = shared_page("inference", {**URL, "inf_tpot": "40"})
    assert f"batch {bound['batch']:,}" in scenario(at) and "batch 1 per" not in scenario(at)


def test_an_empty_field_is_the_clis_default_batch(cli):
    doc = cli_json(cli)
    assert doc["batch"] == 1
    assert metrics(shared_page("inference", URL))["Throughput"] == page._rate(doc["tokens_per_s"])


def test_typed_text_that_is_neither_is_refused_by_name():
    at = run_page("inference", URL)
    at.sidebar.text_input(key="inf_batch").input("lots").run()
    assert at.error and "batch size must be a whole number or max" in at.error[0].value.lower()


def test_a_bad_link_value_is_dropped_with_a_warning():
    at = shared_page("inference", {**URL, "inf_batch": "maxi"})
    assert not at.error and "batch 1 per replica" in scenario(at)
    assert any("`inf_batch`" in w.value and "nor max" in w.value for w in at.warning)


def test_a_beam_width_off_its_bound_in_a_link_is_dropped_with_a_warning():
    at = shared_page("inference", {**URL, "inf_beams": "65"})
    assert not at.error and any("`inf_beams`" in w.value and "64" in w.value for w in at.warning)


def test_the_page_serves_a_mixture_of_experts_with_expert_parallelism_as_the_cli_does(cli):
    """The Expert parallel field is the CLI's --ep: the same numbers, and the scenario line says the split."""
    code, out, err = cli("inference", "--model", "deepseek-v3", "--hardware", "h200-sxm", "--tokens", "1e9",
                         "--devices", "16", "--ep", "8", "--batch-size", "max", "--bits", "8", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    at = shared_page("inference", {"inf_model": "deepseek-v3", "inf_hw": "h200-sxm", "inf_devices": "16",
                                   "inf_ep": "8", "inf_batch": "max", "inf_bits": "8"})
    assert not at.error
    assert metrics(at)["Throughput"] == page._rate(doc["tokens_per_s"])
    assert "(expert parallel 8 × 2 replicas)" in scenario(at).replace("\\", "")


def test_the_step_chart_shows_the_all_to_alls_and_its_parts_add_up():
    """Under expert parallelism the step's bars are memory or compute, prefill, expert parallel and engine, and the
    counted ones add up to the time per output token (browser walk 2026-11-26: 64.8 of 307 ms had no bar)."""
    from app_pages.pages.inference_charts import step_frame
    from estimator import inference
    r = inference(hardware="h200-sxm", model="deepseek-v3", tokens=1e9, devices=16, ep=8, batch_size="max",
                  bits=8).result
    df = step_frame(r)
    assert "expert parallel" in set(df["part"]) and "tensor parallel" not in set(df["part"])
    assert df[df["counted"]]["ms"].sum() == pytest.approx(r.seconds_per_output_token * 1000)
    dense = step_frame(inference(hardware="h100-sxm", model="llama-3-70b", tokens=1e9, devices=8).result)
    assert "tensor parallel" in set(dense["part"]) and "expert parallel" not in set(dense["part"])


def test_a_cost_per_query_under_a_hundredth_of_a_cent_reads_per_million_queries():
    """Lecturer review 2026-11-27: on an MI325X at 8 bits and the largest batch the tile read "$6.8 × 10⁻⁵" where
    other settings read "$0.00011": below a hundredth of a cent it is per million queries, as the CLI writes it."""
    from estimator.services.serving import inference as serving
    params = {"inf_model": "llama2-70b-99", "inf_hw": "mi325x", "inf_bits": "8", "inf_batch": "max",
              "inf_tokens": "1e9"}
    at = shared_page("inference", params)
    r = serving.inference_report(model="llama2-70b-99", hardware="mi325x", tokens=1e9, bits=8, batch_size="max").result
    assert r.per_query("cost_usd") < hz.MONEY_PLAIN_FROM
    metrics = {m.label: m.value for m in at.metric}
    assert "Cost per query" not in metrics
    shown = metrics["Cost per million queries"]
    assert shown.startswith("$") and "×" not in shown  # plain dollars, no power of ten
    assert 1 <= float(shown[1:].replace(",", "")) < 1000


def test_a_batch_the_engines_cap_set_says_so_in_the_scenario_line():
    """App review 2026-12-02: "batch 2,048 per replica" stood beside "Largest batch that fits 4,079", the engine's cap
    said in the collapsed notes only."""
    from apptest_pages import run_page
    at = run_page("inference", {"inf_model": "llama-3.1-8b", "inf_hw": "mi300x", "inf_devices": "8", "inf_bits": "8",
                                "inf_batch": "max"})
    line = next(x.value for x in at.caption if "parameters served" in x.value).replace("\\", "")
    assert "batch 2,048 per replica, the engine scheduler's cap; engine" in line
