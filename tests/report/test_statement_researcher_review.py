"""The paper statement as a researcher's review of 2026-11-28 read it: what the table and the notes say of a run is
what the paragraph says too (each case failed before its mend)."""

from __future__ import annotations

import pytest
from latex_batch import to_compile

from estimator.cli.main import main


def latex(capsys, *args: str) -> str:
    assert main(["estimate", *args, "--format", "latex"]) == 0
    return " ".join(capsys.readouterr().out.split())


def test_full_recomputation_with_a_utilisation_given_is_8nd_not_c_6nd(capsys):
    tex = latex(capsys, "--params", "7e9", "--tokens", "1e12", "--recompute", "--utilization", "0.4", "--hardware",
                "h100-sxm", "--devices", "64")
    assert "($8ND$ = 5.6 $\\times 10^{22}$ FLOPs executed with full activation recomputation" in tex
    assert "$C = 6ND$ = 5.6" not in tex


def test_a_layout_given_in_part_says_the_rest_are_the_tools_defaults(capsys):
    # a model that publishes no pretraining sequence (Mistral 7B): the tool's default sequence, said after the layout
    tex = latex(capsys, "--model", "mistral-7b", "--tokens", "1e12", "--hardware", "h100-sxm", "--devices", "64",
                "--tp", "2")
    assert "; with the TP 2 given and the tool's defaults for the rest;" in tex and "; as given;" not in tex
    whole = latex(capsys, "--model", "mistral-7b", "--tokens", "1e12", "--hardware", "h100-sxm", "--devices", "64",
                  "--tp", "2", "--pp", "1", "--zero", "1", "--micro-batch", "2")
    assert "; as given;" in whole


def test_a_global_batch_given_that_the_step_holds_otherwise_is_said(capsys):
    tex = latex(capsys, "--model", "deepseek-v3", "--tokens", "14.8e12", "--hardware", "h800", "--devices", "2048",
                "--seq-len", "4096", "--global-batch-tokens", "62914560")
    assert "the global batch given, 62,914,560 tokens, runs as 67,108,864 (+6.7%)" in tex.replace("\\%", "%")


def test_no_layout_that_fits_is_not_called_as_set_and_names_the_fewest_devices(capsys):
    tex = latex(capsys, "--model", "llama-3.1-70b", "--tokens", "1e12", "--hardware", "a100-sxm-80gb", "--devices", "8",
                "--seq-len", "2048")
    assert "No layout the tool plans fits the devices' memory" in tex and "As set" not in tex
    assert "the fewest devices that hold it are 14 with ZeRO-3, full recomputation" in tex


def test_an_fp8_runs_whole_run_fit_takes_the_step_fits_share_of_the_fp8_peak(capsys):
    """Timed at the bf16 peak from 2026-11-28 (it had taken the bf16 share of the fp8 peak, 2× as fast); since
    2026-12-01 at the fp8 peak, × the step fit's whole-step share, said."""
    from estimator.io.datafiles import default_profiles
    args = ("--model", "llama-3.1-70b", "--tokens", "2e12", "--hardware", "h100-sxm", "--devices", "512", "--tp", "8",
            "--pp", "4", "--zero", "1", "--micro-batch", "1", "--seq-len", "8192", "--global-batch-tokens", "16777216")
    fp8, bf16 = latex(capsys, *args, "--precision", "fp8"), latex(capsys, *args)
    said = "the same FLOPs would take "
    h100 = default_profiles().get("h100-sxm")
    low = h100.utilization.low_precision

    def days(tex: str) -> float:
        text = tex.split(said)[1].split(" (")[0]
        assert text.endswith(" days")
        return float(text.removesuffix(" days"))
    assert days(bf16) / days(fp8) == pytest.approx(low.pace, rel=0.01)
    assert "of the fp8 peak, the fitted runs' bf16 share" in fp8


def test_a_presets_in_sample_fit_its_assumed_devices_and_a_projection_are_said(capsys):
    tex = latex(capsys, "--preset", "llama2-70b")
    assert "Its device count is not published: assumed 2,048 as for LLaMA-65B" in tex
    assert "so its agreement with the published figures is not a test; predicted by a fit without it" in tex
    assert "python -m estimator" not in tex
    assert "The scenario follows the published projection" in latex(capsys, "--preset", "megatron-gpt3-a100")


def test_a_utilisation_given_outside_the_fit_is_said_and_its_range_not_claimed_as_measured(capsys):
    tex = latex(capsys, "--model", "llama-3.1-8b", "--tokens", "1e12", "--hardware", "h100-sxm", "--devices", "64",
                "--utilization", "0.4")
    assert "The utilisation 0.4 given is outside the fitted 80\\% interval" in tex
    assert "its coverage measured around the fit's own centre, not a utilisation given" in tex


@pytest.mark.parametrize("hours, key", [(None, "hw-a100-sxm-80gb"), ("500", "hw-power-a100-sxm-80gb")])
def test_a_hardware_key_holds_one_content_whichever_command_wrote_it(capsys, hours, key):
    args = ["--model", "llama-2-7b", "--tokens", "2e12", "--hardware", "a100-sxm-80gb", "--devices", "256"]
    args += ["--hours", hours] if hours else []
    assert main(["estimate", *args, "--format", "bibtex"]) == 0
    bib = capsys.readouterr().out
    assert f"@misc{{{key}," in bib and ("average power, as the tool fits it" in bib) == (hours is not None)


def test_an_interleaving_given_with_a_pipeline_is_named_among_the_parts_given(capsys):
    # a model that publishes no pretraining sequence (Qwen2.5 72B): the tool's default sequence, said after the layout
    tex = latex(capsys, "--model", "qwen2.5-72b", "--tokens", "1e12", "--hardware", "h100-sxm", "--devices", "512",
                "--pp", "4", "--vp", "2")
    assert "; with the PP 4, interleaved $\\times$2 given and the tool's defaults for the rest;" in tex


def test_a_power_the_tool_fitted_is_not_cited_as_the_vendors(capsys):
    """Researcher review 2026-11-29: the BibTeX entry of the P100/V100 power fit had NVIDIA as its author; the fit is
    the tool's (the vendor's datasheet gives the TDP only), the datasheet entry of the peaks keeps its vendor."""
    args = ["--flops", "1e22", "--hardware", "a100-sxm-80gb", "--devices", "64"]
    assert main(["estimate", *args, "--hours", "400", "--format", "bibtex"]) == 0
    fitted = next(e for e in capsys.readouterr().out.split("\n\n") if e.startswith("@misc{hw-power-a100-sxm-80gb,"))
    assert "author=" not in fitted and "key={NVIDIA A100 SXM 80GB}" in fitted
    assert "average power, as the tool fits it to measured draws (its TDP the vendor's)" in fitted
    assert main(["estimate", *args, "--format", "bibtex"]) == 0
    sheet = next(e for e in capsys.readouterr().out.split("\n\n") if e.startswith("@misc{hw-a100-sxm-80gb,"))
    assert "author={{NVIDIA}}" in sheet


def test_a_known_runs_power_range_names_its_fit_and_claims_no_coverage_on_a_device_it_holds_no_run_of(capsys):
    """Researcher review 2026-11-29: a known run's statement promised "out-of-sample coverage the tool reports" and
    never gave it: the fit's runs are named, and on a device among them the validate command is pointed to."""
    def ranges(hardware):
        assert main(["estimate", "--flops", "1e21", "--hardware", hardware, "--devices", "64", "--hours", "400",
                     "--format", "latex"]) == 0
        tex = capsys.readouterr().out
        return tex[tex.index("The 80\\% ranges"):].split(")")[0] + ")"
    assert ranges("a100-sxm-80gb") == ("The 80\\% ranges are prediction intervals from the tool's fit to measured power "
                                       "draws (3 runs on the P100 SXM2 and V100 SXM2, none on this device: its "
                                       "coverage here is not measured)")
    assert ranges("v100-sxm2") == ("The 80\\% ranges are prediction intervals from the tool's fit to measured power "
                                   "draws (3 runs on the P100 SXM2 and V100 SXM2; the tool's validate command reports "
                                   "the fit's leave-one-out coverage)")


@pytest.mark.parametrize("model, words", [
    ("llama-3.1-8b", "training Llama 3.1 8B (meta-llama/Meta-Llama-3.1-8B), a model of 8.03 billion parameters on 15 "
                     "trillion tokens ($C = 6ND$ = 7.23 $\\times 10^{23}$ FLOPs~\\cite{kaplan2020scaling})"),
    ("deepseek-v3", "training DeepSeek-V3 (deepseek-ai/DeepSeek-V3), a mixture-of-experts model of 671 billion "
                    "parameters, 37 billion active per token, on 14.8 trillion tokens"),
])
def test_a_catalog_models_published_tokens_name_the_model_in_the_statement(capsys, model, words):
    """Researcher review 2026-11-30: without --tokens (a catalog model's published tokens taken) the statement had read
    "training the model (7.23 × 10²³ FLOPs)", naming neither the model nor its tokens nor the 6ND rule's source."""
    tex = latex(capsys, "--model", model, "--devices", "2048")
    assert words in tex and "training the model (" not in tex
    if model == "llama-3.1-8b":  # the same sentence as with the tokens given
        assert words in latex(capsys, "--model", model, "--devices", "2048", "--tokens", "15e12")


def test_a_gpu_before_turing_keeps_no_scores_with_memory_efficient_attention_not_flashattention(capsys):
    """Researcher review 2026-11-30: a V100 run's statement said "activations with FlashAttention", which does not run
    on Volta; the memory is alike (no scores stored), the kernel and its citation Rabe & Staats 2021's."""
    from estimator.cli import main
    run = ["estimate", "--model", "llama-2-7b", "--tokens", "1e11", "--devices", "64", "--zero", "3"]
    assert main([*run, "--hardware", "v100-sxm2", "--format", "latex"]) == 0
    v100 = capsys.readouterr().out
    assert ("activations~\\cite{korthikanti2022reducing} with memory-efficient attention~\\cite{rabe2021selfattention} "
            "(no attention scores stored; FlashAttention does not run on GPUs before Turing)") in v100
    assert "FlashAttention~\\cite" not in v100
    assert main([*run, "--hardware", "v100-sxm2", "--format", "bibtex"]) == 0
    bib = capsys.readouterr().out
    assert "@article{rabe2021selfattention" in bib and "dao2022flashattention" not in bib
    assert main([*run, "--hardware", "a100-sxm-80gb", "--format", "latex"]) == 0
    assert "with FlashAttention~\\cite{dao2022flashattention}" in capsys.readouterr().out
    # the table's memory note says the same (diff review 2026-11-30: it had said FlashAttention)
    assert main([*run, "--hardware", "v100-sxm2"]) == 0
    (note,) = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("note: memory: ")]
    assert "memory-efficient attention (no scores stored; FlashAttention does not run on this GPU)" in note
    assert main([*run, "--hardware", "a100-sxm-80gb"]) == 0
    (note,) = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("note: memory: ")]
    assert "with Adam, FlashAttention; shape" in note


def _v100_statement(folder):
    from statements import SOURCES

    from estimator import __version__, estimate
    from estimator.report.statement import statement
    est = estimate(model="llama-2-7b", tokens=1e11, hardware="v100-sxm2", devices=64, zero=3)
    return statement(est, SOURCES, version=__version__)


to_compile("a V100 run's statement: memory-efficient attention cited")(_v100_statement)


@pytest.mark.slow  # compiles LaTeX (pdflatex, BibTeX: subprocesses; pytest.ini: slow)
def test_the_v100_statement_compiles_without_warnings(compiled_statements):
    assert compiled_statements["a V100 run's statement: memory-efficient attention cited"] == []
