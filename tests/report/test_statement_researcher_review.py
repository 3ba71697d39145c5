"""A researcher's review of the paper statement (2026-11-28): figures cited to a paper that states them otherwise,
an MFU that did not reconcile with the utilisation beside it, a range sentence that called a device-hour price a
combination of two fits, and a small model timed on a shape twice its size."""

from __future__ import annotations

import contextlib
import io

import pytest

from estimator.cli.main import main
from estimator.core.base.errors import DataFileError
from estimator.core.base.interval import range_meaning
from estimator.core.training.presets import preset_from_dict
from estimator.services.workload_inputs import run_estimate


def _latex(*argv) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["estimate", *argv, "--format", "latex"]) == 0
    return out.getvalue()


def test_llama_2s_figures_are_said_as_the_paper_states_them():
    """Llama 2's 400 W is its paper's peak power per GPU adjusted for PUE: no "average", and the PUE of 1.00 and the
    424 g/kWh are this tool's readings of the paper's figures, said so."""
    tex = _latex("--preset", "llama2-70b")
    assert "an average of 400" not in tex
    assert r"At 400~W per device (the paper's peak power per GPU, adjusted for its PUE)~\cite{touvron2023llama2}" in tex
    assert r"a PUE of 1.00 (the paper's power per GPU already includes the PUE)~\cite{touvron2023llama2}" in tex
    assert (r"424~g\,CO$_2$e/kWh (derived from the paper's 291.42 t CO$_2$e over 1,720,320 GPU-hours at 400 W)"
            r"~\cite{touvron2023llama2}") in tex


def test_bloom_s_power_is_its_tdp_and_its_pue_the_presets_reading():
    tex = _latex("--preset", "bloom-176b")
    assert r"At 400~W per device (the GPUs' TDP, at which the paper counts their dynamic energy)" in tex
    assert "a PUE of 1.00 (the paper's 433 MWh is the GPUs' dynamic energy, without the data centre's overhead)" in tex


def test_a_preset_figure_the_user_replaces_loses_the_presets_words():
    tex = _latex("--preset", "llama2-70b", "--power-w", "350", "--pue", "1.2", "--carbon-intensity", "300")
    assert "the paper's peak power" not in tex and "already includes the PUE" not in tex and "derived from" not in tex
    assert "an average of 350~W per device" in tex


def test_a_presets_words_name_only_figures_it_gives():
    base = {"title": "t", "description": "d", "source": "s", "hardware": "a100-sxm-80gb", "flops": 1e21, "power_w": 400}
    assert preset_from_dict("x", {**base, "said": {"power_w": "a peak"}}, "p.toml").said == {"power_w": "a peak"}
    with pytest.raises(DataFileError, match="p.toml: preset 'x': 'said' names 'pue'"):
        preset_from_dict("x", {**base, "said": {"pue": "derived"}}, "p.toml")
    with pytest.raises(DataFileError, match="'said' names 'devices'"):
        preset_from_dict("x", {**base, "devices": 8, "said": {"devices": "assumed"}}, "p.toml")
    with pytest.raises(DataFileError, match="'said' must be a table of non-empty text"):
        preset_from_dict("x", {**base, "said": {"power_w": " "}}, "p.toml")


def test_the_mfu_and_the_utilisation_reconcile_in_the_statement():
    """49.4% MFU × 90% goodput is 0.445, not the 0.392 printed: the MFU counts attention's FLOPs, 1.135× C's a token."""
    argv = ["--params", "7e9", "--tokens", "2e12", "--hardware", "h100-sxm", "--devices", "256", "--tp", "2",
            "--zero", "1", "--micro-batch", "2", "--seq-len", "4096", "--activation-recompute", "selective"]
    tex = _latex(*argv)
    est = run_estimate(params=7e9, tokens=2e12, hardware="h100-sxm", devices=256, tp=2, zero=1, micro_batch=2,
                       seq_len=4096, activation_recompute="selective").estimate
    factor = est.step.step.mfu * est.step.goodput / est.utilization.value
    assert factor == pytest.approx(1.135, abs=0.001)
    assert (r"49.4\%, counting 1.135~$\times$ the FLOPs the utilisation counts (attention's among them), over a "
            r"goodput of 90\%") in tex
    assert "utilisation over the run of 0.392" in tex


def test_the_range_sentence_says_what_a_cost_follows():
    for stepped in (False, True):
        text = range_meaning(0.8, stepped=stepped)
        assert "price per device-hour" in text and "price per kWh" in text
        assert "CO₂e and cost, which combine the two" not in text and "CO₂e and cost combine the two" not in text


@pytest.mark.parametrize(("params", "model", "layers", "d_model"),
                         [(125e6, "gpt-3-125m", 12, 768), (350e6, "gpt-3-350m", 24, 1024),
                          (760e6, "gpt-3-760m", 24, 1536), (1.3e9, "gpt-3-1.3b", 24, 2048)])
def test_a_small_model_takes_gpt_3s_shape_of_its_size_not_one_twice_as_large(params, model, layers, d_model):
    """1.3B parameters took Gemma 2B's shape (2.5B, a 256,000-token vocabulary); GPT-3's family (Brown et al. 2020,
    Table 2.1) has a shape at each size below the catalog's current models."""
    from estimator.io.serving_data import load_catalog, nearest_model
    assert nearest_model(params).id == model
    m = load_catalog()[model]
    assert (m.arch.layers, m.arch.d_model, m.arch.vocab) == (layers, d_model, 50257)
    # the arithmetic its source states: 12·L·d² + (vocabulary + context)·d, within 2% of the paper's rounded count
    assert 12 * layers * d_model ** 2 + (50257 + 2048) * d_model == pytest.approx(params, rel=0.02)
    est = run_estimate(params=params, tokens=300e9, hardware="a100-sxm-80gb", devices=64, zero=1).estimate
    assert f"with the shape of {model} (layers {layers}, d_model {d_model}," in " ".join(est.notes)


def test_current_models_keep_their_sizes_shapes():
    from estimator.io.serving_data import nearest_model
    assert nearest_model(2.7e9).id == "gemma-2b" and nearest_model(6.7e9).id == "llama-2-7b"


def test_the_statement_says_what_its_figures_leave_out():
    tex = _latex("--params", "7e9", "--tokens", "2e12", "--hardware", "h100-sxm", "--devices", "256")
    assert ("The figures count this run alone: not the development, tuning or failed runs around it, nor the network "
            "and storage outside its servers.") in tex
    assert "nor the network" not in _latex("--preset", "alphago-vs-brain")  # a game, not a training run


def test_the_whole_runs_source_is_cited_not_named_inline():
    argv = ["estimate", "--params", "7e9", "--tokens", "2e12", "--hardware", "h100-sxm", "--devices", "256", "--tp", "2"]
    tex = _latex(*argv[1:])
    assert r"Phi-3's on 512 H100s~\cite{microsoft2024phi3cards} took" in tex and "model cards" not in tex
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main([*argv, "--format", "bibtex"]) == 0
    assert "@misc{microsoft2024phi3cards," in out.getvalue()


def test_a_range_that_reaches_the_whole_peak_says_so():
    """0.6 given on an H100: its spread put the range's short end at 100% of the peak (3.84 of 6.40 days), unsaid."""
    r = run_estimate(params=7e9, tokens=2e12, hardware="h100-sxm", devices=256, utilization=0.6)
    est = r.estimate
    low_s = est.range["wall_clock_s"][0]
    assert low_s == pytest.approx(est.flops / (989e12 * 256), rel=1e-3)  # the whole bf16 peak's time
    assert any(n.startswith("the time's range stops at the whole peak") for n in est.notes)
    inside = run_estimate(params=7e9, tokens=2e12, hardware="h100-sxm", devices=256, utilization=0.3).estimate
    assert inside.range["wall_clock_s"][0] > inside.flops / (989e12 * 256) * 1.01
    assert not any(n.startswith("the time's range stops at the whole peak") for n in inside.notes)


def test_a_presets_published_time_given_is_the_run_not_a_variant():
    """BLOOM's published 1,082,990 device-hours given: the run as published, which took them. Its "118 days" is
    rounded (384 × 2,832 h = 1,087,488 device-hours): given, it stays a variant, never the published run's figures."""
    tex = _latex("--preset", "bloom-176b", "--device-hours", "1082990")
    assert r"Training \emph{BLOOM 176B (Luccioni et al. 2022)}" in tex and " took " in tex
    assert "a variant of" not in tex and "differs from it in" not in tex and "would take" not in tex
    assert "1.08 million device-hours" in tex
    for hours in ("2832", "2000"):  # the rounded published days, another time: a variant that would take it
        other = _latex("--preset", "bloom-176b", "--hours", hours)
        assert r"a variant of \emph{BLOOM 176B" in other and "differs from it in: hours" in other
