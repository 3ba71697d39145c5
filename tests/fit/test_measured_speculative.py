"""Speculative decoding's steps this project measured on a real GPU (estimator/data/measured_speculative.csv, written
by benchmarks/gpu_speculative.py): read and checked at the edge, predicted by the latency engine as shipped
(estimator.fit.speculative_check), reported by ``validate --inference`` beside the naive baseline."""

from __future__ import annotations

import json
import statistics

import pytest
from data_file_edit import edited_copy

from estimator.core.base.errors import DataFileError
from estimator.io.measured_speculative import MEASURED_SPECULATIVE_PATH, load_measured_speculative
from estimator.services.serving.measured_speculative import measured_speculative_document


def test_the_shipped_rows_are_the_h100_and_h200_runs_and_their_parts_add_up():
    rows = load_measured_speculative()
    assert len(rows) == 16 and {r.hardware_id for r in rows} == {"h100-sxm", "h200-sxm"}
    assert {r.run for r in rows} == {"9", "10", "14"}
    h100 = [r for r in rows if r.hardware_id == "h100-sxm"]
    h200 = [r for r in rows if r.hardware_id == "h200-sxm"]
    assert sorted((r.batch, r.draft_tokens) for r in h100) == [(b, k) for b in (1, 8, 32, 64, 128) for k in (1, 3)]
    assert {r.batch for r in h100 if r.run == "10"} == {64, 128} and {r.run for r in h100} == {"9", "10"}
    # run 14 (an H200, 2026-11-30): run 9's batches again
    assert sorted((r.batch, r.draft_tokens) for r in h200) == [(b, k) for b in (1, 8, 32) for k in (1, 3)]
    assert {r.run for r in h200} == {"14"}
    one = next(r for r in h100 if (r.batch, r.draft_tokens) == (1, 3))
    # 3 × 0.670 ms + 9.555 ms, over the 8.532 ms decode step measured in the same process
    assert one.step_s == pytest.approx(0.011564, rel=1e-3) and one.ratio == pytest.approx(1.355, abs=0.002)
    # measured: a verification costs more than a decode step, more drafts more, and a draft pass under a tenth of a step
    for r in rows:
        assert r.verify_step_s > r.decode_step_s and 0.05 < r.draft_pass_s / r.decode_step_s < 0.1
    ratios = {}
    for hw, batches in (("h100-sxm", (1, 8, 32, 64, 128)), ("h200-sxm", (1, 8, 32))):
        for b in batches:
            k1, k3 = (next(r for r in rows if (r.hardware_id, r.batch, r.draft_tokens) == (hw, b, k)) for k in (1, 3))
            assert 1.15 < k1.ratio < k3.ratio
            ratios[hw, b] = k3.ratio
    # on the H100, up to batch 32 the step stays under 1.45x a plain one; at 128 sequences × 4 positions it is 2.23x
    # (compute-bound); on the H200, under 1.4x at batches 1 and 8 and 1.60x at 32 (its verification 1.39x a step)
    assert max(ratios["h100-sxm", b] for b in (1, 8, 32)) < 1.45 and round(ratios["h100-sxm", 128], 2) == 2.23
    assert max(ratios["h200-sxm", b] for b in (1, 8)) < 1.4 and round(ratios["h200-sxm", 32], 2) == 1.60
    b32 = next(r for r in h200 if (r.batch, r.draft_tokens) == (32, 3))
    assert round(b32.verify_step_s / b32.decode_step_s, 2) == 1.39
    # the verification's cost over a decode step at batches 1-32: 10-22% more on the H100, 12-39% on the H200
    for rs, (lo, hi) in ((h100, (1.10, 1.22)), (h200, (1.12, 1.39))):
        extra = [r.verify_step_s / r.decode_step_s for r in rs if r.batch <= 32]
        assert (round(min(extra), 2), round(max(extra), 2)) == (lo, hi)


def test_the_latency_engine_charges_the_step_closer_than_the_naive_baseline_but_too_little():
    d = measured_speculative_document()
    # predicted at acceptance 0: the engine's per-token cost once a step, as in the plain step (the benchmark has none)
    assert d["engine"] == "latency" and d["acceptance"] == 0.0 and d["range_factor"] == pytest.approx(2.165, abs=0.002)
    # the step's cost over a plain step: 1.14x off, predicted low (0.85), where the naive ratio 1 is 1.36x off
    assert d["ratio"]["median_factor"] == pytest.approx(1.140, abs=0.005)
    assert d["ratio"]["geometric_mean_ratio"] == pytest.approx(0.851, abs=0.005)
    assert d["naive_ratio"]["median_factor"] == pytest.approx(1.358, abs=0.005)
    # the step's time: 1.32x off (too short), every row inside the engine's 80% TPOT range; naive 1.50x
    assert d["step"]["median_factor"] == pytest.approx(1.316, abs=0.005) and d["step"]["interval_coverage"] == 1.0
    assert d["naive_step"]["median_factor"] == pytest.approx(1.496, abs=0.005)
    for r in d["rows"]:
        assert 1.0 < r["predicted_ratio"] < r["measured_ratio"]
        assert r["predicted_draft_pass_ms"] < r["measured_draft_pass_ms"] < 1.4 * r["predicted_draft_pass_ms"]
    # by machine (docs/explanation/serving-model.md): the ratio's median factor 1.16x on the H100's 10 rows (as before
    # the H200's were added), 1.14x on the H200's 6; the H200's measured 1.20-1.60x at batches 1-32, predicted 1.06-1.20x
    by_hw = {hw: [r for r in d["rows"] if r["hardware"] == hw] for hw in ("h100-sxm", "h200-sxm")}
    factors = {hw: statistics.median(r["measured_ratio"] / r["predicted_ratio"] for r in rs) for hw, rs in by_hw.items()}
    assert (round(factors["h100-sxm"], 2), round(factors["h200-sxm"], 2)) == (1.16, 1.14)
    h200 = by_hw["h200-sxm"]
    assert [round(f(r[k] for r in h200), 2) for k in ("measured_ratio", "predicted_ratio") for f in (min, max)] == [
        1.20, 1.60, 1.06, 1.20]
    assert [round(f(r[k] for r in h200), 2) for k in ("measured_draft_pass_ms", "predicted_draft_pass_ms")
            for f in (min, max)] == [0.51, 0.57, 0.44, 0.45]


def test_validate_inference_prints_them_with_the_baseline(capsys):
    from estimator.cli.accuracy_cmds import _measured_speculative
    _measured_speculative(measured_speculative_document(), "80%")
    out = capsys.readouterr().out
    assert "Speculative decoding's steps measured on a real GPU, never fitted (estimator/data/measured_speculative.csv)" \
        in out
    assert "16 configurations this project measured on h100-sxm, h200-sxm" in out
    assert "Step ÷ plain step: 1.14× off (pred ÷ meas 0.85), naive (ratio 1) 1.36×" in out
    assert "the latency engine's 80% TPOT range, ×/÷ 2.16, holding 100%" in out
    line = next(ln for ln in out.splitlines() if ln.startswith("h100-sxm  1      3"))
    assert line.split()[3:5] == ["1.36", "1.22"]
    line = next(ln for ln in out.splitlines() if ln.startswith("h200-sxm  32     3"))
    assert line.split()[3:5] == ["1.60", "1.19"]


def test_validate_inference_json_carries_them():
    from estimator.services.accuracy.utilization import inference_validation_document
    doc = json.loads(json.dumps(inference_validation_document()))
    m = doc["measured_speculative"]
    assert m["ratio"]["n"] == m["naive_ratio"]["n"] == len(m["rows"]) == 16
    assert round(m["ratio"]["median_factor"], 2) == 1.14 and round(m["naive_ratio"]["median_factor"], 2) == 1.36
    row = next(r for r in m["rows"] if (r["batch"], r["draft_tokens"]) == (128, 3))
    assert (round(row["measured_ratio"], 2), round(row["predicted_ratio"], 2)) == (2.23, 1.85)
    assert {r["hardware"] for r in m["rows"]} == {"h100-sxm", "h200-sxm"}


@pytest.mark.parametrize(("edit", "words"), [
    (lambda r: r.update(measured_step_s="0.02"), "is not draft_tokens × measured_draft_pass_s + measured_verify_step_s"),
    (lambda r: r.update(citation=" "), "has no citation"),
    (lambda r: r.update(bits="5"), "bits 5 is not one of"),
    (lambda r: r.update(draft_tokens="1.5"), "draft_tokens '1.5' is not a positive whole number"),
    (lambda r: r.update(measured_verify_step_s="nan"), "measured_verify_step_s 'nan' is not a positive number"),
    (lambda r: r.update(model="no-such-model"), "line 2"),
])
def test_a_mistyped_row_is_refused_naming_the_file_and_line(tmp_path, edit, words):
    path = edited_copy(MEASURED_SPECULATIVE_PATH, tmp_path, edit)
    with pytest.raises(DataFileError) as e:
        load_measured_speculative(path)
    assert str(path) in str(e.value) and words in str(e.value)


def test_the_benchmark_writes_rows_the_loader_reads(tmp_path):
    """benchmarks/gpu_speculative.py's JSON → data rows → the loader: the path the shipped file took."""
    import csv

    from benchmarks.gpu_decode import LLAMA3_8B
    from benchmarks.gpu_speculative import MEASURED_SPECULATIVE_COLUMNS, data_rows
    part = {"steps": 256, "mean_power_w": 400.0, "energy_j": 1.0}
    doc = {"config": dict(LLAMA3_8B), "prompt": 128, "new": 128, "repeats": 2, "torch": "2.x", "drafts": [2],
           "by_batch": [{"batch": 4, "decode": {**part, "step_s": 0.008}, "draft_pass": {**part, "step_s": 0.0005},
                         "verify": {"2": {**part, "step_s": 0.009}}}]}
    rows = data_rows(doc, "7", "h100-sxm", "a test's own figures")
    path = tmp_path / MEASURED_SPECULATIVE_PATH.name
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(MEASURED_SPECULATIVE_COLUMNS), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    [r] = load_measured_speculative(path)
    assert (r.batch, r.draft_tokens, r.run, r.citation) == (4, 2, "7", "a test's own figures")
    assert r.step_s == pytest.approx(0.010) and r.ratio == pytest.approx(1.25)
    with pytest.raises(SystemExit, match="is not the llama-3-8b shape"):
        data_rows({**doc, "config": {**LLAMA3_8B, "layers": 2}}, "7", "h100-sxm", "x")


def test_the_verification_step_gives_what_that_many_decode_steps_give():
    """gpu_decode.make_step over K + 1 positions writes the same KV cache and picks the same next tokens as K + 1
    one-position steps fed the same tokens (in fp32 on the CPU, where PyTorch is installed)."""
    torch = pytest.importorskip("torch")
    from benchmarks.gpu_decode import build_cache, build_weights, make_step
    cfg = {"layers": 2, "d_model": 64, "heads": 4, "kv_heads": 2, "ffn": 128, "vocab": 100}
    cpu, f32 = torch.device("cpu"), torch.float32
    w, rope = build_weights(torch, cfg, 64, cpu, f32)

    def cache():
        c = build_cache(torch, cfg, 2, 64, cpu, f32)
        g = torch.Generator().manual_seed(1)
        c["k"][:, :, :, :10].normal_(0, 1, generator=g)
        c["v"][:, :, :, :10].normal_(0, 1, generator=g)
        return c

    seq = torch.tensor([[5, 17, 42], [7, 8, 99]])
    together, tokens = cache(), seq.clone()
    make_step(torch, cfg, w, together, rope, tokens, torch.tensor(10))()
    one_by_one, picks = cache(), []
    for i in range(3):
        t = seq[:, i:i + 1].clone()
        make_step(torch, cfg, w, one_by_one, rope, t, torch.tensor(10 + i))()
        picks.append(t)
    assert torch.equal(tokens, torch.cat(picks, dim=1))
    assert torch.allclose(together["k"], one_by_one["k"], atol=1e-5)
    assert torch.allclose(together["v"], one_by_one["v"], atol=1e-5)


def test_the_verification_step_matches_an_independent_grouped_query_attention():
    """make_step over 4 positions against a plain causal decoder written apart (key/value heads expanded with
    repeat_interleave, as Hugging Face's Llama does, in fp64): the same KV cache and next tokens, so the mask's rows,
    the rotary positions and the head grouping are each right, not only equal to make_step's own one-position path."""
    torch = pytest.importorskip("torch")
    from benchmarks.gpu_decode import RMS_EPS, ROPE_THETA, build_cache, build_weights, make_step
    cfg = {"layers": 2, "d_model": 64, "heads": 8, "kv_heads": 2, "ffn": 96, "vocab": 50}
    cpu, f64 = torch.device("cpu"), torch.float64
    w, rope = build_weights(torch, cfg, 32, cpu, f64, seed=3)
    h, kvh, hd, prompt = cfg["heads"], cfg["kv_heads"], cfg["d_model"] // cfg["heads"], 6
    cache = build_cache(torch, cfg, 2, 32, cpu, f64)
    g = torch.Generator().manual_seed(4)
    cache["k"][:, :, :, :prompt].normal_(0, 1, generator=g)
    cache["v"][:, :, :, :prompt].normal_(0, 1, generator=g)
    keys0, values0 = cache["k"][:, :, :, :prompt].clone(), cache["v"][:, :, :, :prompt].clone()
    seq = torch.tensor([[3, 14, 15, 9], [2, 6, 5, 35]])
    tokens = seq.clone()
    make_step(torch, cfg, w, cache, rope, tokens, torch.tensor(prompt))()

    def rms(x, weight):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + RMS_EPS) * weight

    inv_freq = 1.0 / ROPE_THETA ** (torch.arange(0, hd, 2, dtype=f64) / hd)  # Llama's, not build_weights' tables

    def rotate(x, pos):  # x (B, heads, T, hd); HF's rotate_half
        angles = torch.outer(pos.to(f64), inv_freq).repeat(1, 2)
        cos, sin = angles.cos(), angles.sin()
        x1, x2 = x[..., : hd // 2], x[..., hd // 2:]
        return x * cos + torch.cat((-x2, x1), dim=-1) * sin

    positions = torch.arange(prompt, prompt + 4)
    x = w["emb"][seq]                                                        # (B, 4, d)
    for layer in range(cfg["layers"]):
        q, k, v = (rms(x, w["n1"][layer]) @ w["wqkv"][layer]).split((h * hd, kvh * hd, kvh * hd), dim=-1)
        q = rotate(q.view(2, 4, h, hd).transpose(1, 2), positions)
        k = rotate(k.view(2, 4, kvh, hd).transpose(1, 2), positions)
        v = v.view(2, 4, kvh, hd).transpose(1, 2)
        k_all = torch.cat((keys0[layer], k), dim=2).repeat_interleave(h // kvh, dim=1)
        v_all = torch.cat((values0[layer], v), dim=2).repeat_interleave(h // kvh, dim=1)
        assert torch.allclose(cache["k"][layer][:, :, prompt:prompt + 4], k, atol=1e-5)  # its norms and rotations in fp32
        assert torch.allclose(cache["v"][layer][:, :, prompt:prompt + 4], v, atol=1e-5)
        scores = q @ k_all.transpose(-1, -2) / hd ** 0.5
        allowed = torch.arange(prompt + 4).view(1, -1) <= positions.view(-1, 1)
        att = scores.masked_fill(~allowed, float("-inf")).softmax(-1) @ v_all
        x = x + att.transpose(1, 2).reshape(2, 4, h * hd) @ w["wo"][layer]
        gate, up = (rms(x, w["n2"][layer]) @ w["w13"][layer]).chunk(2, dim=-1)
        x = x + (torch.nn.functional.silu(gate) * up) @ w["w2"][layer]
    expected = (rms(x, w["nf"]) @ w["head"]).argmax(-1)
    assert torch.equal(tokens, expected)


def test_a_json_without_measurements_prints_no_rows_and_exits_2(tmp_path, capsys):
    from benchmarks.gpu_decode import LLAMA3_8B
    from benchmarks.gpu_speculative import main
    path = tmp_path / "empty.json"
    path.write_text(json.dumps({"config": dict(LLAMA3_8B), "by_batch": []}), encoding="utf-8")
    assert main(["--to-csv", str(path), "--run", "9", "--hardware-id", "h100-sxm", "--citation", "x"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == "error: the JSON holds no measured configuration\n"
