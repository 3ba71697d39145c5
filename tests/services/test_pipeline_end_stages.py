"""A pipeline's end stages and their vocabulary tables (researcher review 2026-11-30): the memory counts the average
stage, the tables spread as a split with fewer layers at its ends spreads them (Llama 3 405B's), and says what an end
stage of Megatron-LM's even split holds: its L/p layers and a table, the input table on the first, the output layer (or
a tied table's copy) on the last."""

from __future__ import annotations

import pytest

from estimator.core.base.units import BYTES_PER_GB
from estimator.core.training import memory as mem
from estimator.services import api


def _run(devices, model, global_batch_tokens=None, **memory):
    from estimator.io.serving_data import load_catalog
    return api.run(params=load_catalog()[model].params, params_model=model, tokens=1e12, hardware="h100-sxm",
                   devices=devices, global_batch_tokens=global_batch_tokens, memory={"model": model, **memory}).estimate


def _memory(**kw):
    return _run(**kw).memory


def test_llama_31_8b_over_8_stages_holds_its_table_on_the_first_stage_of_an_even_split():
    tm = _memory(model="llama-3.1-8b", devices=8, pp=8, seq_len=13824, global_batch_tokens=4423680)
    assert tm.per_device.total_gb == pytest.approx(81.3, abs=0.05) and tm.fits
    # 4 layers of 218M and a 128,256 × 4,096 table: 1.40B parameters at 16 bytes each (no ZeRO), not the 1.00B average
    a = 128256 * 4096
    blocks = tm.shape.params - 2 * a
    extra_gb = (blocks / 8 + a - tm.shape.params / 8) * 16 / BYTES_PER_GB
    assert tm.even_split_gb == pytest.approx(tm.per_device.total_gb + extra_gb, rel=1e-9)
    assert tm.even_split_gb == pytest.approx(87.7, abs=0.05)
    words = tm.even_split_words()
    assert words.endswith("with every stage holding 4 layers (Megatron-LM's even split), the first holds the input "
                          "table beside them and the last the output layer: 87.7 GB a device, does not fit")
    assert tm.to_dict()["even_split_end_stage_gb"] == tm.even_split_gb


def test_a_tied_table_is_copied_to_the_last_stage_and_without_a_pipeline_nothing_is_said():
    tm = _memory(model="gemma-2b", devices=8, pp=2, seq_len=4096, micro_batch=1)
    a = tm.shape.vocab * tm.shape.d_model
    assert tm.shape.tied_embeddings and tm.shape.embedding_params == a
    states = sum(mem.bytes_per_param(tm.precision))
    extra_gb = ((tm.shape.params - a) / 2 + a - tm.shape.params / 2) * states / BYTES_PER_GB
    assert tm.even_split_gb == pytest.approx(tm.per_device.total_gb + extra_gb, rel=1e-9)
    flat = _memory(model="llama-3.1-8b", devices=8, seq_len=8192, micro_batch=1, zero=3)
    assert flat.even_split_gb is None and flat.even_split_words() is None


def test_the_estimate_says_it_beside_the_verdict():
    notes = _run(model="llama-3.1-8b", devices=8, pp=8, seq_len=13824, global_batch_tokens=4423680).notes
    (said,) = [n for n in notes if "Megatron-LM's even split" in n]
    assert said.startswith("memory: the pipeline's stages are counted at the average stage's share")
