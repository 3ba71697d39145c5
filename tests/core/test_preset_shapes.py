"""A preset's training memory uses the model's published shape (presets.toml `shape`, its source
in why.shape), not the catalog's model nearest in parameter count; the user's own shape, model or
parameter count still wins. Activations recomputed by hand from Korthikanti et al. 2022, Table 2
(estimator/core/training/memory.py) with FlashAttention's rule (the default: no a·s×s scores stored, Dao et al.
2022; one fp32 log-sum-exp per row and head): no recomputation, t = 1: L · (34·s·b·h + 4·a·s·b) bytes."""

import json
import re

import pytest

from estimator.core.base.errors import DataFileError
from estimator.core.training.presets import SHAPE_FIELDS, preset_from_dict
from estimator.io.datafiles import load_presets
from estimator.services import api

GB = 1e9


def per_token_bytes(d_model, kv_width=None, ffn=None, gated=False):
    """A layer's 16-bit activations per token (Korthikanti et al.'s terms at the layer's own widths, queries as wide as
    d_model here): LayerNorm output 2h, Q and K 2h + 2kv, V 2kv, the output projection's input 2h, dropout h, the MLP's
    input 2h, the activation's inputs 2f (GeLU) or 4f (gate and up), the down projection's input 2f, dropout h,
    LayerNorms 4h. A GPT layer (kv = h, f = 4h, plain): 34h."""
    h = d_model
    kv = h if kv_width is None else kv_width
    f = 4 * h if ffn is None else ffn
    return 2 * h + 2 * h + 2 * kv + 2 * kv + 2 * h + h + 2 * h + (4 if gated else 2) * f + 2 * f + h + 4 * h


def act_bytes(layers, d_model, heads, seq_len, micro_batch=1, vocab=0, eager=False, **widths):
    """The layers' and, where the vocabulary is known, the final LayerNorm's and output layer's inputs and the fp32
    logits (Korthikanti et al. §4.3: 4sbh + 4sbv). ``eager``: the attention scores stored (5·a·s² per sequence, the
    kernels before FlashAttention) in place of FlashAttention's log-sum-exp (4·a·s)."""
    output = seq_len * micro_batch * (4 * d_model + 4 * vocab) if vocab else 0
    attention = 5 * heads * seq_len * seq_len * micro_batch if eager else 4 * heads * seq_len * micro_batch
    return layers * (per_token_bytes(d_model, **widths) * seq_len * micro_batch + attention) + output


def test_bert_base_memory_uses_bert_base_shape(cli):
    """Devlin et al. 2019, §3: BERT-base is 12 layers, H = 768, A = 12; App. A.2: 512-token
    sequences. Not Gemma 2B's 18 × 2048 at 2,048 tokens (the catalog's nearest in size). Its 2019 kernels stored the
    attention scores (a preset's run before 2023: ``memory.FLASH_ATTENTION_RUNS_FROM``)."""
    r = cli("estimate", "--preset", "bert-base", "--format", "json")
    assert r.code == 0, r.err
    m = json.loads(r.out)["memory"]
    assert (m["model"]["layers"], m["model"]["d_model"], m["model"]["heads"], m["seq_len"]) == (12, 768, 12, 512)
    # 12 · 512 · 768 · (34 + 5 · 12 · 512 / 768) = 12 · 393,216 · 74 = 349,175,808 bytes (FlashAttention's rule would
    # keep 160,727,040)
    assert act_bytes(12, 768, 12, 512, eager=True) == 349_175_808
    assert act_bytes(12, 768, 12, 512) == 160_727_040
    assert m["per_device_gb"]["activations"] == pytest.approx(349_175_808 / GB)
    assert m["strategy"]["attention_kernel"] == "eager"
    assert m["per_device_gb"]["weights"] == pytest.approx(2 * 110e6 / GB)
    assert m["per_device_gb"]["total"] == pytest.approx(16 * 110e6 / GB + 349_175_808 / GB)
    assert "shape of BERT-base (Devlin et al. 2019" in m["model"]["source"]
    assert "gemma" not in m["model"]["source"] and "nearest" not in m["model"]["source"]
    table = cli("estimate", "--preset", "bert-base")
    note = next(line for line in table.out.splitlines() if line.startswith("note: memory:"))
    assert "sequence 512" in note and "shape of BERT-base (Devlin et al. 2019, arXiv:1810.04805" in note
    assert "catalog's model nearest" not in note


@pytest.mark.parametrize("pid", ["gpt3-175b", "lambda-gpt3-v100", "megatron-gpt3-a100"])
def test_gpt3_presets_use_gpt3_shape(pid):
    """Brown et al. 2020, Table 2.1: 96 layers, d_model 12,288, 96 heads, context 2,048; not
    Llama 3.1 405B's 126 × 16,384."""
    tm = api.run(preset_id=pid).estimate.memory
    assert (tm.shape.layers, tm.shape.d_model, tm.shape.heads, tm.seq_len) == (96, 12288, 96, 2048)
    assert tm.shape.params == 175e9
    # the scores stored, as the 2020 run's kernels did (a preset's run before 2023): 96 · 2048 · 12288 · (34 + 5 · 96 ·
    # 2048 / 12288) = 96 · 2,868,903,936 bytes ≈ 275.4 GB (82.2 GB with FlashAttention: --attention-kernel flash), and
    # the output layer's 2048 · (4 · 12288 + 4 · 50257) = 512,368,640 bytes: 275.9 GB
    assert tm.per_device.activations_gb == pytest.approx((96 * 2_868_903_936 + 512_368_640) / GB)
    assert tm.per_device.activations_gb == pytest.approx(act_bytes(96, 12288, 96, 2048, vocab=50257, eager=True) / GB)
    flash = api.run(preset_id=pid, memory={"attention_kernel": "flash"}).estimate.memory
    assert flash.per_device.activations_gb == pytest.approx(act_bytes(96, 12288, 96, 2048, vocab=50257) / GB)
    assert "shape of GPT-3 175B (Brown et al. 2020, arXiv:2005.14165, Table 2.1" in tm.note()
    assert "405" not in tm.how and "nearest" not in tm.how


def test_gpt3_fewest_devices_follow_from_gpt3_shape():
    """ZeRO-3 with full recomputation keeps each layer's input, 2·s·b·h·L = 2 · 2048 · 12288 · 96 bytes ≈ 4.83 GB,
    split by 8-way tensor (and sequence) parallelism, with the output layer's inputs and logits 0.67 GB a device; ZeRO-3
    gathers one layer whole, (175e9 − 2 · 50,257 · 12,288) / 96 / 8 parameters at 2 + 2 bytes, 0.91 GB; so
    8 × ⌈16 · 175e9 / 8 / 1e9 ÷ (34.36 − 0.67 − 0.91)⌉ = 88 V100s 32 GB (34.36 GB as they report it; 104 at tensor
    parallel 4 before the layers' inputs were split by it, planner review 2026-11-30)."""
    tm = api.run(preset_id="gpt3-175b").estimate.memory
    assert (tm.best_strategy.zero, tm.best_strategy.recompute, tm.best_strategy.tp, tm.best_strategy.pp) == (
        3, "full", 8, 1)
    t = 8
    act = (2 * 2048 * 12288 * 96 + 4 * 2048 * 12288 + 4 * 2048 * 50257) / t / GB
    gathered = 4 * (175e9 - 2 * 50257 * 12288) / 96 / t / GB
    assert tm.best_devices == t * -(-16 * 175e9 / t / GB // (34.36 - act - gathered)) == 88


def test_other_presets_shapes():
    # LLaMA 65B and Llama 2 70B: SwiGLU MLPs of 22,016 and 28,672 (their HF configs), Llama 2 70B's 8 KV heads of 128
    expected = {"llama-65b": (80, 8192, 64, 2048, {"ffn": 22016, "gated": True}),
                "llama2-70b": (80, 8192, 64, 4096, {"kv_width": 1024, "ffn": 28672, "gated": True}),
                "bloom-176b": (70, 14336, 112, 2048, {"eager": True})}   # BLOOM's 2022 kernels stored the scores
    # (LLaMA's 2023 runs used xformers' memory-efficient attention: FlashAttention's rule)
    for pid, (layers, d_model, heads, seq, widths) in expected.items():
        tm = api.run(preset_id=pid).estimate.memory
        assert (tm.shape.layers, tm.shape.d_model, tm.shape.heads, tm.seq_len) == (layers, d_model, heads, seq), pid
        assert tm.per_device.activations_gb == pytest.approx(act_bytes(layers, d_model, heads, seq, **widths) / GB), pid
    # Llama 2 70B's layer: 2h + (2h + 0.25h) + 0.25h + 2h + h + 2h + 14h + 7h + h + 4h = 35.5h, above GPT's 34h (a
    # SwiGLU 3.5h wide stores more than GeLU's 4h; grouped-query attention a little less)
    assert per_token_bytes(8192, kv_width=1024, ffn=28672, gated=True) == 35.5 * 8192
    assert load_presets()["llama2-70b"].shape["kv_heads"] == 8
    assert "KV heads 8" in api.run(preset_id="llama2-70b").estimate.memory.how


def test_a_presets_run_before_flashattention_stores_the_scores_on_its_own_device_only():
    """A known run of 2022 or before stored the attention scores (``memory.FLASH_ATTENTION_RUNS_FROM``); the same
    model on another device is a new run, its year dropped (presets.DEVICE_FIELDS): FlashAttention's rule. A kernel
    given wins."""
    assert api.run(preset_id="t5-11b").estimate.memory.strategy.attention == "eager"
    assert api.run(preset_id="t5-11b", hardware="h100-sxm").estimate.memory.strategy.attention == "flash"
    assert api.run(preset_id="llama-65b").estimate.memory.strategy.attention == "flash"   # 2023
    given = api.run(preset_id="gpt3-175b", memory={"attention_kernel": "flash"}).estimate.memory
    assert given.strategy.attention == "flash"


def test_the_users_sequence_length_wins_over_the_presets():
    tm = api.run(preset_id="bert-base", memory={"seq_len": 128}).estimate.memory
    assert (tm.shape.layers, tm.shape.d_model, tm.seq_len) == (12, 768, 128)
    assert tm.per_device.activations_gb == pytest.approx(act_bytes(12, 768, 12, 128, eager=True) / GB)
    assert "sequence 512" not in tm.how


def test_the_users_architecture_wins():
    tm = api.run(preset_id="bert-base", memory={"layers": 24, "d_model": 1024, "heads": 16}).estimate.memory
    assert (tm.shape.layers, tm.shape.d_model, tm.shape.heads, tm.seq_len) == (24, 1024, 16, 2048)
    assert tm.how.startswith("given") and "BERT-base" not in tm.how


def test_the_users_catalog_model_wins(cli):
    # the preset's model by its nominal size (70B for 68.98B): the catalog's exact shape is used
    r = cli("estimate", "--preset", "llama2-70b", "--model", "llama-2-70b", "--format", "json")
    assert r.code == 0, r.err
    m = json.loads(r.out)["memory"]
    assert (m["model"]["layers"], m["model"]["d_model"]) == (80, 8192)
    assert "Llama 2 70B" in m["model"]["source"]
    # another model's memory beside the preset's compute is refused (tests/services/test_preset_overrides.py)
    r = cli("estimate", "--preset", "gpt3-175b", "--model", "llama-3.1-405b")
    assert r.code == 2 and "preset 'gpt3-175b' is a model of 1.75 × 10¹¹ parameters" in r.err


def test_another_parameter_count_drops_the_presets_shape(cli):
    # 340M parameters are not BERT-base: the preset's shape no longer describes the model
    r = cli("estimate", "--preset", "bert-base", "--params", "340e6", "--tokens", "1.28e11", "--format", "json")
    assert r.code == 0, r.err
    m = json.loads(r.out)["memory"]
    assert m["model"]["params"] == 340e6
    # the catalog's nearest shape (GPT-3 Medium's, 350M: Brown et al. 2020, Table 2.1)
    assert "BERT-base" not in m["model"]["source"] and "with the shape of gpt-3-350m" in m["model"]["source"]
    assert m["seq_len"] == 2048
    # the preset's own count, given again, keeps its shape
    same = api.run(preset_id="gpt3-175b", params=175e9, tokens=300e9).estimate.memory
    assert (same.shape.layers, same.shape.d_model) == (96, 12288)


def test_every_shape_has_its_source_and_is_whole():
    shaped = {pid: p for pid, p in load_presets().items() if p.shape}
    assert {"bert-base", "gpt3-175b", "lambda-gpt3-v100", "megatron-gpt3-a100", "llama-65b", "llama2-70b",
            "bloom-176b"} <= set(shaped)
    for pid, p in shaped.items():
        assert p.why.get("shape", "").strip(), pid
        assert re.search(r"arXiv:\d{4}\.\d{4,5}|HF config", p.why["shape"]), pid  # a primary source
        numbers = {k: x for k, x in p.shape.items() if k != "mlp"}
        assert set(numbers) <= set(SHAPE_FIELDS) and all(isinstance(x, int) and x > 0 for x in numbers.values()), pid
        assert p.shape.get("mlp", "plain") in ("plain", "gated"), pid
        assert p.shape["d_model"] % p.shape["heads"] == 0, pid


BASE = {"title": "T", "description": "D", "source": "S", "hardware": "h100-sxm", "params": 1e9, "tokens": 1e12,
        "why": {"shape": "a model (someone 2024, Table 1)"}}


@pytest.mark.parametrize("shape, field", [
    ({"layers": 0, "d_model": 768, "heads": 12}, "shape.layers"),
    ({"layers": 12.5, "d_model": 768, "heads": 12}, "shape.layers"),
    ({"layers": 12, "d_model": -768, "heads": 12}, "shape.d_model"),
    ({"layers": 12, "d_model": 768, "heads": True}, "shape.heads"),
    ({"layers": 12, "d_model": 768, "heads": 12, "seq_len": "512"}, "shape.seq_len"),
    ({"layers": 12, "d_model": 768, "heads": 12, "seq_len": float("inf")}, "shape.seq_len"),
    ({"layers": 12, "d_model": 768, "heads": 10}, "shape.heads"),
    ({"layers": 12, "d_model": 768, "heads": 12, "kv_heads": 5}, "shape.kv_heads"),
    ({"layers": 12, "d_model": 768}, "shape.heads"),
    ({"layers": 12, "d_model": 768, "heads": 12, "width": 3}, "shape.width"),
    ({"layers": 12, "d_model": 768, "heads": 12, "mlp": "swiglu"}, "shape.mlp"),
    ({"layers": 12, "d_model": 768, "heads": 12, "ffn": 0}, "shape.ffn"),
    ({"layers": 12, "d_model": 768, "heads": 12, "ffn": 3072}, "shape.mlp"),
    ({"layers": 12, "d_model": 768, "heads": 12, "mlp": "gated"}, "shape.ffn"),
    ({"layers": 12, "d_model": 768, "heads": 12, "ffn": 3072, "mlp": ["gated"]}, "shape.mlp"),
])
def test_a_bad_shape_is_refused_naming_the_preset_and_field(shape, field):
    with pytest.raises(DataFileError) as exc:
        preset_from_dict("my-run", {**BASE, "shape": shape}, "presets.toml")
    assert "preset 'my-run'" in str(exc.value) and field in str(exc.value)


def test_a_shape_needs_its_source():
    with pytest.raises(DataFileError, match=r"preset 'my-run'.*why\.shape"):
        preset_from_dict("my-run", {**BASE, "why": {}, "shape": {"layers": 12, "d_model": 768, "heads": 12}}, "x")
    with pytest.raises(DataFileError, match=r"preset 'my-run'.*'shape' must be a table"):
        preset_from_dict("my-run", {**BASE, "shape": [12, 768, 12]}, "x")
    ok = preset_from_dict("my-run", {**BASE, "shape": {"layers": 12, "d_model": 768, "heads": 12.0}}, "x")
    assert ok.shape == {"layers": 12, "d_model": 768, "heads": 12}


def test_estimate_page_memory_follows_the_presets_shape():
    from apptest_pages import run_page

    from app_pages.ui.common import md_escape
    from estimator.report.export import memory_line
    at = run_page("estimate", {"preset": "bert-base"})
    est = api.run(preset_id="bert-base").estimate
    line = next(m.value for m in at.markdown if m.value.startswith("**Training memory**"))
    assert line == f"**Training memory**: {md_escape(memory_line(est), limit=400)}"
    # 16 × 110e6 bytes of model states and 0.349 GB of activations (test_bert_base_memory_uses_bert_base_shape)
    assert memory_line(est).startswith("2.11 GB per device") and "activations 0.349" in memory_line(est)
    note = next(n for n in est.notes if n.startswith("memory:"))
    assert "shape of BERT-base (Devlin et al. 2019" in note and "sequence 512" in note
    assert md_escape(note, limit=600) in [i.value for i in at.info]  # "How this was computed" shows it
