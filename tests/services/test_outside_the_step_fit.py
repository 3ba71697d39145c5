"""Where a run is on a device no fitted layout ran on, or is a mixture of experts (the fit data hold one), the step
model's range is said to be unmeasured there, in `estimate`, `plan` and the statement (MoE review 2026-11-30: DeepSeek-V3
on GB200s and B200s read an "80% range" whose coverage rests on dense layouts on A100s and H100s)."""

from __future__ import annotations

from estimator import estimate, plan
from estimator.cli import main

START = "the step model's range is measured out of sample on published layouts, but "


def _outside(notes) -> list[str]:
    return [n for n in notes if n.startswith(START)]


def test_a_device_no_fitted_layout_ran_on_is_said():
    (note,) = _outside(estimate(model="llama-3.1-70b", tokens=15e12, devices=1024, hardware="b200").notes)
    assert note == (START + "no published layout in its fit data ran on the NVIDIA B200 (HGX, 1000 W): its coverage on "
                    "this run is not measured")
    assert not _outside(estimate(model="llama-3.1-70b", tokens=15e12, devices=1024, hardware="h100-sxm").notes)


def test_a_mixture_of_experts_says_the_fit_holds_one():
    report = plan(model="deepseek-v3", tokens=14.8e12, devices=2048, hardware="h800")
    (note,) = _outside(report.notes)
    assert note == (START + "its fit data hold one mixture of experts (DeepSeek-V3 on NVIDIA H800 SXM5 80GB): its "
                    "coverage on this run is not measured")
    (both,) = _outside(estimate(model="qwen3-30b-a3b", tokens=1e12, devices=64, hardware="b200").notes)
    assert "ran on the NVIDIA B200 (HGX, 1000 W) and its fit data hold one mixture of experts" in both


def test_the_statement_says_it_beside_the_cross_validated_figure(capsys):
    assert main(["estimate", "--model", "llama-3.1-70b", "--tokens", "15e12", "--devices", "1024", "--hardware", "b200",
                 "--format", "latex"]) == 0
    tex = " ".join(capsys.readouterr().out.split())
    assert ("(no published layout in its fit data ran on the NVIDIA B200 (HGX, 1000 W): its coverage on this run is not "
            "measured)") in tex
