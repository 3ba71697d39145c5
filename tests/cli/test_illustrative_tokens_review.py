"""The illustrative training tokens' edges (diff review 2026-11-30): what the note says where no step times the run,
a bare parameter count still asked for its tokens (estimate and plan alike), an architecture missing a field refused
for that field alone, the FLOPs over the illustrative count not said to be the user's, and the paper statement."""

from __future__ import annotations

import json

import pytest

from estimator import InputError, estimate, plan
from estimator.cli.main import main


def _json(capsys, *argv):
    assert main([*argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_note_says_what_moves_with_the_tokens_in_one_text_whoever_times_the_run(capsys):
    """Where no step times the run the fitted utilisation moves with the tokens (diff review 2026-11-30); one text
    for both, so that `compare` says it once for all its rows (second diff review: 54 times)."""
    one = _json(capsys, "estimate", "--model", "mixtral-8x22b", "--hardware", "h100-sxm")
    timed = _json(capsys, "estimate", "--model", "mixtral-8x22b", "--hardware", "h100-sxm", "--devices", "64")
    said = [next(n for n in r["notes"] if n.startswith("tokens: 2 × 10¹², illustrative")) for r in (one, timed)]
    assert said[0] == said[1]
    assert ("the step model's rates, the memory and the per-token figures do not depend on them, a utilisation fitted "
            "to whole runs' FLOPs does") in said[0]
    more = _json(capsys, "estimate", "--model", "mixtral-8x22b", "--hardware", "h100-sxm", "--tokens", "2e13")
    assert more["utilization"] != one["utilization"]          # as the note says
    assert main(["compare", "--model", "mistral-7b", "--devices", "64"]) == 0
    assert capsys.readouterr().out.count("tokens: 2 × 10¹², illustrative") == 1


@pytest.mark.parametrize("argv, said", [
    (("estimate", "--params", "7e9"), "a parameter count needs the number of training tokens"),
    (("plan", "--params", "7e9", "--devices", "8"), "a plan of a parameter count needs the run's tokens"),
    (("plan", "--params", "7e9", "--layers", "32", "--d-model", "4096", "--vocab", "32000", "--devices", "8"),
     "a plan of a parameter count needs the run's tokens"),
    (("plan", "--devices", "8"), "a plan needs the model"),
    (("plan", "--model", "mistral-7b", "--params", "7e9", "--devices", "8"),
     "a plan of a parameter count needs the run's tokens"),
    (("estimate", "--model", "mistral-7b", "--params", "7e9"), "a parameter count needs the number of training tokens"),
    (("estimate", "--layers", "32", "--d-model", "4096"),
     "an architecture needs layers, d_model, context and vocab; missing: context, vocab (--context, --vocab)"),
    (("estimate", "--preset", "llama-65b", "--layers", "40", "--d-model", "5120", "--context", "2048", "--vocab",
      "32000"), "missing: tokens"),
])
def test_what_still_needs_its_tokens_is_asked_for_them(capsys, argv, said):
    assert main(list(argv)) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and said in err


def test_the_python_api_refuses_and_takes_as_the_cli_does():
    with pytest.raises(InputError, match="a plan of a parameter count needs the run's tokens"):
        plan(params=7e9, devices=8)
    arch = estimate(layers=32, d_model=4096, heads=32, vocab=32000, seq_len=4096, devices=8)
    assert arch.assumption("flops").origin == "illustrative"
    assert any(n.startswith("tokens: 2 × 10¹², illustrative") for n in arch.notes)


@pytest.mark.parametrize("workload", [("--model", "mixtral-8x22b", "--devices", "64"),
                                      ("--layers", "32", "--d-model", "4096", "--heads", "32", "--vocab", "32000",
                                       "--seq-len", "4096", "--devices", "8")])
def test_the_paper_statement_says_the_tokens_are_illustrative(capsys, workload):
    assert main(["estimate", *workload, "--format", "latex"]) == 0
    text = capsys.readouterr().out
    assert "for an illustrative 2 $\\times 10^{12}$ training tokens, none given)" in text
    assert main(["estimate", *workload, "--tokens", "2e12", "--format", "latex"]) == 0
    assert "illustrative" not in capsys.readouterr().out
    if "--model" in workload:   # with full recomputation the FLOPs' words are rebuilt: the clause stays
        assert main(["estimate", *workload, "--recompute", "--format", "latex"]) == 0
        # (the model named, and its 8ND, since the statement takes the tokens the run took: researcher review
        # 2026-11-30)
        out = capsys.readouterr().out
        assert "executed with full activation recomputation, $N$ the active parameters;" in out
        assert ("model FLOPs~\\cite{kaplan2020scaling}; for an illustrative 2 $\\times 10^{12}$ training tokens, "
                "none given)") in out


def test_nemotron_4_340b_is_its_published_run():
    """Its 9T tokens (model card; report §2: 8T + 1T continued) taken where none are given; its production layout
    (TP 8 × PP 12 interleaved on 6,144 H100s, the report's Table 2: 41–42% MFU, never fitted) reads about that."""
    r = estimate(model="nemotron-4-340b", hardware="h100-sxm", devices=6144, tp=8, pp=12, vp=8)
    assert r.flops == pytest.approx(6 * 341.03e9 * 9e12, rel=0.01)
    assert any(n.startswith("tokens: 9 × 10¹², Nemotron-4 340B's training tokens as published") for n in r.notes)
    assert 0.37 < r.step.step.mfu < 0.46
