"""Where the fit does not vouch for a run, the estimate carries it as facts (core/training/fit_caveats.py), its
notes say them, and the paper statement words them from the facts, not by matching the notes' text."""

from __future__ import annotations

from dataclasses import replace

from statements import SOURCES

from estimator import __version__
from estimator.core.training.fit_caveats import BeyondData, MoreDevices, OtherPeak
from estimator.report.statement import statement
from estimator.services import api


def test_the_estimate_carries_each_caveat_beside_its_note():
    est = api.run(hardware="h100-sxm", flops=1e26, devices=20_000, precision="fp8").estimate
    kinds = [type(c) for c in est.fit_caveats]
    assert kinds == [BeyondData, OtherPeak, MoreDevices]  # the order of their notes
    beyond, other, more = est.fit_caveats
    assert beyond.where == "its 10²⁶ FLOPs lie outside the fitted runs' 1.4 × 10¹⁸–3.8 × 10²⁵"
    assert (other.fit_precision, other.used_precision, other.ratio) == ("bf16", "fp8", 1979e12 / 989e12)
    assert (more.devices, more.most) == (20_000, 16_384)
    for c in est.fit_caveats:  # each note is its caveat's, once
        assert est.notes.count(c.note()) == 1


def test_a_run_inside_the_fit_or_a_known_runs_time_has_none():
    assert api.run(hardware="h100-sxm", flops=1e22, devices=8).estimate.fit_caveats == ()
    # a given utilisation is not the fit's to be held at an edge; time still falls as 1/devices
    given = api.run(hardware="h100-sxm", flops=1e26, devices=20_000, utilization=0.3).estimate
    assert given.fit_caveats == (MoreDevices(20_000, 16_384),)
    assert api.run(hardware="h100-sxm", hours=10, devices=8).estimate.fit_caveats == ()  # a known run's time


def test_the_statement_reads_the_caveats_not_the_notes():
    est = api.run(hardware="a100-sxm-80gb", flops=1e26, devices=20_000, precision="fp32").estimate
    reworded = replace(est, notes=tuple(n.upper() for n in est.notes))  # a note reworded changes nothing
    texts = [statement(e, SOURCES, version=__version__).tex for e in (est, reworded)]
    assert texts[0] == texts[1]
    for words in ("The utilisation is a share of the bf16 peak", "The run lies beyond the fit's data",
                  "devices are more than any fitted run used (at most"):
        assert words in texts[0], words
    bare = statement(replace(est, fit_caveats=()), SOURCES, version=__version__).tex
    assert "The run lies beyond" not in bare and "share of the bf16 peak" not in bare


def test_a_presets_utilisation_on_another_precisions_peak_says_so():
    """Scaling audit: the lecture's 0.224 (28 TFLOPS ÷ the V100's 125 TFLOPS fp16 peak) went onto the 15.7 TFLOPS
    fp32 peak with no word: 2,830 years."""
    est = api.run(preset_id="lambda-gpt3-v100", precision="fp32").estimate
    (other,) = [c for c in est.fit_caveats if isinstance(c, OtherPeak)]
    assert (other.fit_precision, other.used_precision, other.preset) == ("fp16", "fp32", True)
    assert ("the utilisation (0.224, preset) is a share of the fp16 peak, as the published figure gives it; here it is "
            "applied to the fp32 peak (0.126× the fp16 peak), as if the run reached the same share of it") in est.notes
    tex = statement(est, SOURCES, version=__version__).tex
    assert "The utilisation is a share of the fp16 peak, as the published figure gives it; here it is applied" in tex
    assert api.run(preset_id="lambda-gpt3-v100").estimate.fit_caveats == ()  # its own precision
