"""The app parity review of 2026-12-03: a link takes every value the CLI takes for the same input, so it opens the
numbers the command prints: a model's id or an engine's name in any case, ZeRO's "fsdp", every cloud region the CLI
knows (AWS's and Azure's beside Google's), and a country given as the region."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("streamlit")
from apptest_pages import open_app, run_page  # noqa: E402

from estimator.cli.main import main  # noqa: E402
from estimator.report import humanize as hz  # noqa: E402


def shown(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def dropped(at) -> list[str]:
    return [w.value for w in at.warning if "Ignored URL parameter" in w.value or "unknown value" in w.value]


def cli(capsys, *argv) -> dict:
    assert main([*argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("written, canonical", [
    ({"model": "LLAMA-3.1-8B", "devices": "64"}, {"model": "llama-3.1-8b", "devices": "64"}),
    ({"model": "llama-3.1-8b", "devices": "64", "zero": "fsdp"}, {"model": "llama-3.1-8b", "devices": "64", "zero": "3"}),
    ({"model": "llama-3.1-8b", "devices": "64", "zero": "FSDP"}, {"model": "llama-3.1-8b", "devices": "64", "zero": "3"}),
    ({"params": "7e9", "tokens": "2e12", "devices": "256", "grid_region": "FRA"},
     {"params": "7e9", "tokens": "2e12", "devices": "256", "region": "FRA"}),
])
def test_a_link_as_the_cli_writes_it_opens_what_the_canonical_link_does(written, canonical):
    at = open_app(written)
    assert not dropped(at), dropped(at)
    assert shown(at) == shown(open_app(canonical))


@pytest.mark.parametrize("cloud", ["aws:us-east-1", "azure:westeurope"])
def test_every_cloud_region_the_cli_takes_is_offered(capsys, cloud):
    at = open_app({"params": "7e9", "tokens": "2e12", "devices": "256", "cloud": cloud})
    assert not dropped(at), dropped(at)
    co2e_kg = cli(capsys, "estimate", "--params", "7e9", "--tokens", "2e12", "--devices", "256", "--cloud", cloud)["co2e_kg"]
    # 23.2 t on AWS's us-east-1, not the world average's 45.1 t (the metric's label says CO₂e)
    assert shown(at)["CO₂e"] == hz.human("co2e_kg", co2e_kg).removesuffix(" CO₂e")
    serving = run_page("inference", {"inf_model": "llama-3.1-8b", "inf_cloud": cloud})
    assert not dropped(serving), dropped(serving)


def test_an_engine_in_any_case_is_that_engine(capsys):
    at = run_page("inference", {"inf_model": "llama-3.1-8b", "inf_engine": "VLLM-2024"})
    assert not dropped(at) and shown(at) == shown(run_page("inference", {"inf_model": "llama-3.1-8b",
                                                                          "inf_engine": "vllm-2024"}))
    assert shown(at)["Time per output token"] == "24.4 ms"  # vllm-2024's, as `inference --engine VLLM-2024` prints
    tpot_s = cli(capsys, "inference", "--model", "llama-3.1-8b", "--engine", "VLLM-2024")["seconds_per_output_token"]
    assert round(tpot_s * 1000, 1) == 24.4


def test_a_plans_own_price_is_a_link_on_a_profile_with_a_price(capsys):
    """The Plan page had read plan_price only where the profile has no price: `plan … --hardware a100-sxm-80gb
    --price-usd-per-hour 1.5` ($130k) opened at the profile's price ($300k)."""
    q = {"plan_model": "llama-3.1-8b", "plan_tokens": "1e12", "plan_devices": "64", "plan_hw": "a100-sxm-80gb"}
    at = run_page("plan", {**q, "plan_price": "1.5"})
    assert not [w.value for w in at.warning if "reads it" in w.value]
    d = cli(capsys, "plan", "--model", "llama-3.1-8b", "--tokens", "1e12", "--devices", "64", "--hardware",
            "a100-sxm-80gb", "--price-usd-per-hour", "1.5")
    cost = hz.money(d["layouts"][0]["cost_usd"])
    text = " ".join(str(x.value) for x in (*at.markdown, *at.caption, *at.metric))
    assert cost in text and cost != hz.money(cli(capsys, "plan", "--model", "llama-3.1-8b", "--tokens", "1e12",
                                                    "--devices", "64", "--hardware", "a100-sxm-80gb")["layouts"][0]["cost_usd"])


def test_a_tab_in_any_case_is_that_tab():
    """Diff review 2026-12-03: `?tab=energy` was dropped as an unknown value where `?tab=Energy` opened the tab."""
    at = open_app({"flops": "1e22", "tab": "energy"})
    assert not dropped(at), dropped(at)
    assert at.query_params["tab"] == ["Energy"] or at.query_params["tab"] == "Energy"
