"""Researcher review 2026-11-29: a 1,000,000-token sequence of Llama 3.1 8B that fit no layout on 8 H100s read 1.07 years
from the fitted utilisation of 6·N·D, with a word neither of the attention the step model counts (about 35× those FLOPs)
nor of the model's released context, both of which the step path says on 1,024 devices. The fallback now says both."""

from __future__ import annotations

import json

from estimator.cli import main


def _notes(capsys, *args: str) -> list[str]:
    assert main(["estimate", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)["notes"]


def test_a_sequence_no_layout_holds_says_the_attention_its_time_leaves_out(capsys):
    notes = _notes(capsys, "--model", "llama-3.1-8b", "--tokens", "1e12", "--devices", "8", "--seq-len", "1000000")
    assert any("no layout of the model on 8 devices fits" in n and "the time is from the fitted utilisation" in n
               for n in notes)
    (said,) = [n for n in notes if n.startswith("attention at sequence 1,000,000")]
    # the step model's convention, 6·N + 12·L·s·d per token, over 6·N: 1 + 2 · 32 · 10⁶ · 4,096 ÷ 8.03e9 ≈ 33.6
    assert "the model's FLOPs are 33.6× the 6·N·D the fitted utilisation times, so its time leaves 97% of the run's " \
           "work out" in said
    assert any("longer than the context Llama 3.1 8B" in n and "131,072 tokens" in n for n in notes)


def test_a_short_sequence_no_layout_holds_says_no_attention_word(capsys):
    notes = _notes(capsys, "--model", "llama-3.1-70b", "--tokens", "1e12", "--devices", "1")
    assert any("the time is from the fitted utilisation" in n for n in notes)
    assert not any(n.startswith("attention at sequence") for n in notes)
    assert not any("longer than the context" in n for n in notes)


def test_the_share_left_out_is_never_rounded_up_to_all():
    from estimator.services.training.step_notes import left_out_words
    assert left_out_words(0.997) == "over 99%" and left_out_words(0.97) == "97%" and left_out_words(0.37) == "37%"
