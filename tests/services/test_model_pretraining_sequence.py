"""A catalog model's training estimate and plan default to the sequence length it was pretrained at, where published
(`train_seq_len` in estimator/data/open_models.toml), and say so; a sequence given is the user's, and a model without
one keeps the tool's default, 2,048, said as the tool's."""

from __future__ import annotations

from estimator import estimate, plan
from estimator.cli import main

SEVENTY = dict(model="llama-3.1-70b", tokens=15e12, hardware="h100-sxm", devices=1024)


def _said(notes, *words) -> list[str]:
    return [n for n in notes if all(w in n for w in words)]


def test_llama_3_1_70b_is_timed_at_its_pretraining_sequence_and_says_so():
    e = estimate(**SEVENTY)
    assert e.step.layout.seq_len == 8192
    assert len(_said(e.notes, "sequence 8,192", "pretraining")) == 1
    assert not _said(e.notes, "the tool's default (GPT-3's context)")


def test_a_sequence_given_is_used_without_the_pretraining_note():
    e = estimate(**SEVENTY, seq_len=2048)
    assert e.step.layout.seq_len == 2048
    assert not _said(e.notes, "pretraining") and not _said(e.notes, "the tool's default (GPT-3's context)")


def test_deepseek_v3_is_planned_at_its_4096():
    report = plan(model="deepseek-v3", tokens=14.8e12, hardware="h800", devices=2048)
    assert {r.planned.layout.seq_len for r in report.rows} == {4096}
    assert len(_said(report.notes, "sequence 4,096", "pretraining")) == 1


def test_a_model_without_a_published_sequence_keeps_the_tools_default():
    e = estimate(model="mistral-7b", tokens=1e12, hardware="h100-sxm", devices=64)
    assert e.step.layout.seq_len == 2048
    assert len(_said(e.notes, "sequence 2,048: the tool's default (GPT-3's context)")) == 1
    assert not _said(e.notes, "'s in pretraining")


def test_the_plans_header_says_the_models_sequence(capsys):
    assert main(["plan", "--model", "llama-3.1-70b", "--tokens", "15e12", "--hardware", "h100-sxm",
                 "--devices", "1024"]) == 0
    out = capsys.readouterr().out
    assert "sequence 8,192" in out.splitlines()[0]
    assert "note: sequence 8,192: Llama 3.1 70B's in pretraining (" in out


def test_the_catalog_refuses_a_sequence_without_its_source_or_not_whole(tmp_path, monkeypatch):
    """A pretraining sequence in the catalog says where it is published, and is a whole number of tokens."""
    import pytest

    from estimator.core.base.errors import DataFileError
    from estimator.io import serving_data
    text = serving_data.CATALOG_PATH.read_text()
    for bad, match in ((text.replace("train_seq_len_source = ", "# train_seq_len_source = ", 1),
                        "'llama-2-7b' train_seq_len must be a whole number of tokens .* with a train_seq_len_source"),
                       (text.replace("train_seq_len = 4096", "train_seq_len = 4096.5", 1),
                        "'llama-2-7b' train_seq_len must be a whole number")):
        path = tmp_path / "models.toml"
        path.write_text(bad)
        monkeypatch.setattr(serving_data, "CATALOG_PATH", path)
        serving_data.load_catalog.cache_clear()
        try:
            with pytest.raises(DataFileError, match=match) as e:
                serving_data.load_catalog()
            assert str(path) in str(e.value) and "leave both out" in str(e.value)
        finally:
            serving_data.load_catalog.cache_clear()


def test_a_default_batch_too_small_for_the_models_sequence_names_the_sequence_among_the_ways_out(capsys):
    """Llama 3.1 8B's own 8,192 leaves the default 4M-token batch 512 sequences, fewer than 1,024 replicas: refused, the
    sequence among what to change (diff review 2026-11-30: it named only the batch and the devices)."""
    assert main(["estimate", "--model", "llama-3.1-8b", "--tokens", "1e12", "--devices", "1024", "--zero", "3"]) == 2
    err = capsys.readouterr().err
    assert "a shorter sequence" in err and "--seq-len" in err
    assert main(["estimate", "--model", "llama-3.1-8b", "--tokens", "1e12", "--devices", "1024", "--zero", "3",
                 "--seq-len", "2048"]) == 0


def test_where_no_step_is_timed_the_note_says_the_sequence_sizes_the_memory_only():
    """Diff review 2026-11-30: "give the sequence length to time another" beside a known run's hours or a device the
    step model does not time; and a reference point, which holds no sequence, said one at all."""
    hours = estimate(model="llama-3.1-8b", tokens=1e12, devices=64, hours=1000)
    assert _said(hours.notes, "sequence 8,192", "the memory is sized at it")
    assert not _said(hours.notes, "to time another")
    assert _said(estimate(model="llama-3.1-8b", tokens=1e12, devices=64, hardware="v100-sxm2").notes,
                 "sequence 8,192", "the memory is sized at it")
    assert not _said(estimate(model="llama-3.1-8b", tokens=1e12, hardware="brain").notes, "pretraining")
    assert _said(estimate(**SEVENTY).notes, "sequence 8,192", "to time another")


def test_the_models_sequence_is_an_assumption_with_its_source_and_the_statement_names_it(capsys):
    """The exports list the sequence the catalog gave, with its source, and the paper's paragraph says whose it is
    (the paragraph had read "(512 × 8,192)" with nothing to say it was the model's published sequence)."""
    e = estimate(**SEVENTY)
    seq = next(a for a in e.assumptions if a.name == "seq_len")
    assert (seq.value, seq.unit, seq.origin) == (8192, "tokens", "model:llama-3.1-70b")
    assert "arXiv:2407.21783" in seq.source
    assert not any(a.name == "seq_len" for a in estimate(**SEVENTY, seq_len=4096).assumptions if a.origin != "user")
    assert main(["estimate", *(x for k, v in SEVENTY.items() for x in (f"--{k}", str(v))), "--format", "latex"]) == 0
    tex = " ".join(capsys.readouterr().out.split())
    # the paper cited at its place, as it is among the sources (researcher review 2026-12-02)
    assert "the sequence of 8,192 tokens is the model's in pretraining~\\cite[§3.4.1]{dubey2024llama3}" in tex
