"""A catalog model's training estimate and plan default to the global batch it was pretrained at, where published
(`train_batch_tokens` in estimator/data/open_models.toml), and say so, among the assumptions too; a batch given is the
user's, a run shorter than the batch is one step of its tokens, and a model without one keeps the tool's 4M."""

from __future__ import annotations

import json

import pytest

from estimator import estimate, plan
from estimator.cli import main

LLAMA_405B = dict(model="llama-3.1-405b", tokens=15.6e12, hardware="h100-sxm", devices=16384)


def _said(notes, *words) -> list[str]:
    return [n for n in notes if all(w in n for w in words)]


def test_llama_3_1_405b_runs_its_published_16m_batch_and_reaches_its_cards_device_hours():
    """Llama 3 405B's 16M tokens a step on 16,384 H100s (arXiv:2407.21783 §3.4.1, Table 4): at the tool's 4M its
    pipelines idled (43.7M device-hours); at its own 16M the estimate is within 3% of the card's 30.84M."""
    e = estimate(**LLAMA_405B)
    assert e.step.layout.global_batch * e.step.layout.seq_len == 16_777_216
    assert e.device_hours == pytest.approx(30.84e6, rel=0.03)
    (note,) = _said(e.notes, "global batch 16,777,216 tokens: Llama 3.1 405B's in pretraining (")
    assert note.endswith("; give the global batch to time another")
    (a,) = [a for a in e.assumptions if a.name == "global_batch_tokens"]
    assert (a.value, a.origin) == (16_777_216, "model:llama-3.1-405b") and "arXiv:2407.21783" in a.source
    # the tool's default batch, given, is slower and says nothing of the model's
    given = estimate(**LLAMA_405B, global_batch_tokens=4 * 2 ** 20)
    assert given.wall_clock_s > 1.3 * e.wall_clock_s
    assert not _said(given.notes, "global batch 16,777,216 tokens") and not [
        a for a in given.assumptions if a.name == "global_batch_tokens" and a.origin.startswith("model:")]


def test_deepseek_v3_is_planned_at_its_62_9m_batch_named_in_the_header(capsys):
    report = plan(model="deepseek-v3", tokens=14.8e12, hardware="h800", devices=2048)
    assert report.global_batch_tokens == 15_360 * 4096 and report.batch_whose == "DeepSeek-V3's in pretraining"
    assert len(_said(report.notes, "global batch 62,914,560 tokens: DeepSeek-V3's in pretraining", "§4.2")) == 1
    assert main(["plan", "--model", "deepseek-v3", "--tokens", "14.8e12", "--hardware", "h800", "--devices",
                 "2048"]) == 0
    head = capsys.readouterr().out.splitlines()[0]
    assert "global batch 6.29 × 10⁷ tokens (DeepSeek-V3's in pretraining)" in head


def test_a_run_shorter_than_the_models_batch_is_one_step_of_its_tokens(capsys):
    """A fine-tune of 10⁷ tokens on DeepSeek-V3's 62.9M batch: one step of the run's tokens, said as the model's batch
    lowered, and not listed as the model's batch (it is not the one run)."""
    assert main(["estimate", "--model", "deepseek-v3", "--tokens", "1e7", "--hardware", "h800", "--devices", "256",
                 "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    (note,) = [n for n in d["notes"] if n.startswith("global batch: DeepSeek-V3's in pretraining, 6.29 × 10⁷ tokens, "
                                                      "is more than the run's 10⁷")]
    assert not [n for n in d["notes"] if n.startswith("global batch 62,914,560 tokens")]
    assert "global_batch_tokens" not in d["assumptions"]


def test_a_model_without_a_published_batch_keeps_the_tools_default():
    e = estimate(model="llama-3.1-70b", tokens=15e12, hardware="h100-sxm", devices=1024)
    assert e.step.layout.global_batch * e.step.layout.seq_len == 4 * 2 ** 20
    assert not _said(e.notes, "global batch 4,194,304 tokens:")
    assert not [a for a in e.assumptions if a.name == "global_batch_tokens"]


def test_the_statement_names_the_models_batch(capsys):
    assert main(["estimate", *(x for k, v in LLAMA_405B.items() for x in (f"--{k}", str(v))), "--format",
                 "latex"]) == 0
    tex = " ".join(capsys.readouterr().out.split())
    # the paper cited at its place, as it is among the sources (researcher review 2026-12-02)
    assert "the global batch of 16,777,216 tokens is the model's in pretraining~\\cite[§3.4.1 and Table 4]{dubey2024llama3}" in tex


def test_the_catalog_refuses_a_batch_without_its_source_or_of_part_sequences(tmp_path, monkeypatch):
    """A pretraining batch in the catalog says where it is published and holds whole sequences of the model's own."""
    from estimator.core.base.errors import DataFileError
    from estimator.io import serving_data
    text = serving_data.CATALOG_PATH.read_text()
    for bad in (text.replace("train_batch_tokens_source = ", "# train_batch_tokens_source = ", 1),
                text.replace("train_batch_tokens = 4194304", "train_batch_tokens = 4194305", 1),
                text.replace("train_batch_tokens = 4194304", "train_batch_tokens = 4.2e6", 1)):
        path = tmp_path / "models.toml"
        path.write_text(bad)
        monkeypatch.setattr(serving_data, "CATALOG_PATH", path)
        serving_data.load_catalog.cache_clear()
        try:
            with pytest.raises(DataFileError, match="'llama-2-7b' train_batch_tokens must be a whole number of tokens "
                                                    ".*whole sequences of its train_seq_len") as e:
                serving_data.load_catalog()
            assert str(path) in str(e.value) and "leave both out" in str(e.value)
        finally:
            serving_data.load_catalog.cache_clear()


def test_a_sequence_past_the_context_is_still_said_by_plan_beside_the_models_batch():
    """Diff review 2026-11-30: the model's batch note had cut `plan`'s chain of sequence notes, so Llama 2 7B at 8,192
    (its context 4,096) went unsaid in `plan` while `estimate` said it."""
    report = plan(model="llama-2-7b", seq_len=8192, devices=64, tokens=1e10, hardware="h100-sxm")
    assert len(_said(report.notes, "sequence 8,192: longer than the context")) == 1
    assert len(_said(report.notes, "global batch 4,194,304 tokens: Llama 2 7B's in pretraining")) == 1
    assert report.to_dict()["global_batch_of"] == "Llama 2 7B's in pretraining"


def test_a_models_batch_shorter_than_the_sequence_given_is_refused_by_its_name(capsys):
    for command in ("estimate", "plan"):
        assert main([command, "--model", "gpt-3-125m", "--seq-len", "1048576", "--tokens", "3e11", "--devices", "8",
                     "--hardware", "h100-sxm"]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: GPT-3 Small's pretraining global batch, 524,288 tokens, holds less than one "
                              "sequence of 1,048,576")


def test_the_statement_says_the_models_batch_as_the_layout_rounds_it(capsys):
    """Diff review 2026-11-30: DeepSeek-V3's 62,914,560 tokens ran as 67,108,864 with no word in the paragraph."""
    assert main(["estimate", "--model", "deepseek-v3", "--tokens", "1.48e13", "--devices", "2048", "--hardware", "h800",
                 "--precision", "fp8", "--format", "latex"]) == 0
    tex = " ".join(capsys.readouterr().out.split())
    assert ("the global batch of 62,914,560 tokens is the model's in pretraining~\\cite[§4.2]{deepseek2024v3}, run as "
            "67,108,864 (+6.7%), a whole number of micro-batches on every data-parallel replica").replace("%", "\\%") in tex
