"""The Estimate page's step-model inputs (issue 53): every one `estimate` takes (the layout, sequence, micro-batch,
ZeRO, recomputation, attention kernel, and the global batch, active parameters and interleaving) is a sidebar
widget bound to its URL key, so that a link gives the page the CLI's numbers and the Export tab's link carries
them; the page shows the step model's cross-validated figures beside the flat-MFU baseline's, and a layout that
idles in the pipeline bubble is said above the tabs."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest

from estimator.core.base.number_text import gfmt

pytest.importorskip("streamlit")

from apptest_pages import run_page, shared_page  # noqa: E402

from estimator.cli.main import main  # noqa: E402
from estimator.report import humanize as hz  # noqa: E402
from estimator.services import inputs as I  # noqa: E402
from estimator.services.training import fitted_step

# (the page's link, the CLI's flags for the same inputs)
LAYOUTS = {
    "interleaved": ({"workload": "params", "params": "7e9", "tokens": "2e12", "hardware": "h100-sxm", "devices": "64",
                     "tp": "2", "pp": "4", "vp": "2", "gbt": "8e6"},
                    ("--params", "7e9", "--tokens", "2e12", "--hardware", "h100-sxm", "--devices", "64", "--tp", "2",
                     "--pp", "4", "--vp", "2", "--global-batch-tokens", "8e6")),
    "active": ({"workload": "params", "params": "47e9", "active_params": "13e9", "tokens": "1e12",
                "hardware": "h100-sxm", "devices": "64", "tp": "4"},
               ("--params", "47e9", "--active-params", "13e9", "--tokens", "1e12", "--hardware", "h100-sxm",
                "--devices", "64", "--tp", "4")),
    "preset": ({"preset": "llama2-70b", "tp": "8", "pp": "4", "cp": "2", "micro_batch": "2", "zero": "1",
                "act_recompute": "selective", "attn_kernel": "flash"},
               ("--preset", "llama2-70b", "--tp", "8", "--pp", "4", "--cp", "2", "--micro-batch", "2", "--zero", "1",
                "--activation-recompute", "selective", "--attention-kernel", "flash")),
}
# 16 stages, 15 micro-batches a step: the bubble is as long as the compute
BUBBLY = {"workload": "params", "params": "7e9", "tokens": "1e12", "hardware": "h100-sxm", "devices": "256",
          "pp": "16", "gbt": "5e5"}


def cli_json(capsys, *argv) -> dict:
    assert main(["estimate", *argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_every_step_input_of_estimate_is_a_declared_sidebar_widget():
    at = shared_page("estimate", LAYOUTS["interleaved"][0])
    drawn = {w.key for kind in (at.number_input, at.selectbox) for w in kind}
    for name in I.MEMORY_NAMES + I.STEP_NAMES:
        i = I.TRAINING[name]
        assert i.flag and i.url_key in drawn, name


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_a_link_with_a_layout_gives_the_page_the_clis_step_figures(layout, capsys):
    params, argv = LAYOUTS[layout]
    cli = cli_json(capsys, *argv)
    step = cli["step"]
    shown = metrics(shared_page("estimate", params))
    assert shown["Tokens/s per device"] == gfmt(step["tokens_per_s_per_device"], 3)  # as the CLI's step line
    assert shown["MFU (model FLOPs)"] == f"{step['mfu']:.1%}" and shown["HFU (hardware FLOPs)"] == f"{step['hfu']:.1%}"
    assert shown["Step"] == f"{step['seconds']:.3g} s"
    assert shown["Training time"] == hz.duration(cli["wall_clock_s"])
    assert shown["Energy"] == hz.energy(cli["energy_kwh"])


def test_the_interleaved_layout_is_the_one_timed(capsys):
    step = cli_json(capsys, *LAYOUTS["interleaved"][1])["step"]
    assert (step["layout"]["vp"], step["layout"]["pp"], step["layout"]["tp"]) == (2, 4, 2)
    captions = " ".join(c.value for c in shared_page("estimate", LAYOUTS["interleaved"][0]).caption)
    assert "interleaved ×2" in captions


def test_the_export_link_carries_the_step_inputs():
    at = run_page("estimate", {**LAYOUTS["interleaved"][0], "active_params": "6e9", "tab": "Export & share"})
    link = next(code.value for code in at.code if code.value.startswith("http"))
    query = dict(parse_qsl(urlsplit(link).query))
    assert {"gbt": "8000000", "vp": "2", "active_params": "6000000000", "tp": "2", "pp": "4"}.items() <= query.items()


def test_the_page_shows_the_cross_validated_figures_beside_the_baseline():
    at = shared_page("estimate", LAYOUTS["interleaved"][0])
    cv = fitted_step.cross_validated()
    line = next(c.value for c in at.caption if "Cross" in c.value and "validated" in c.value).replace("\\", "")
    step, base = cv["step_model"], cv["flat_mfu_baseline"]
    assert f"{step['median_factor']:.3g}" in line and f"{step['coverage_80']:.0%}" in line
    assert "flat MFU" in line and f"{base['median_factor']:.3g}" in line and f"{base['coverage_80']:.0%}" in line


def test_without_the_step_model_the_page_shows_no_step_figures():
    at = shared_page("estimate", {"preset": "gpt3-175b"})
    assert "Tokens/s per device" not in metrics(at)
    assert not [c for c in at.caption if "Cross" in c.value]


def test_a_layout_that_idles_in_the_bubble_is_said_above_the_tabs(capsys):
    at = shared_page("estimate", BUBBLY)
    cli = cli_json(capsys, "--params", "7e9", "--tokens", "1e12", "--hardware", "h100-sxm", "--devices", "256",
                   "--pp", "16", "--global-batch-tokens", "5e5")
    note = next(n for n in cli["notes"] if n.startswith("pipeline bubble:"))
    said = [i.value for i in at.info if "pipeline bubble" in i.value]
    assert len(said) == 1 and "15/15 of the compute time" in note
    assert "15/15 of the compute time" in said[0].replace("\\", "")
