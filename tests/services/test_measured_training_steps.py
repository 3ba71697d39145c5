"""Training steps this project measured on an NVIDIA H200 and an H100 (estimator/data/measured_training_steps.csv,
benchmarks/gpu_train_step.py), never fitted: the step model as shipped predicts each, beside the flat MFU;
`validate` and the Accuracy page show the same figures. The data file is read with refusals that name the
file, the line and the fix."""

from __future__ import annotations

import math

import pytest

from estimator.core.base.errors import DataFileError
from estimator.io.measured_steps import MEASURED_STEPS_PATH, load_measured_steps
from estimator.services.training.measured_steps import measured_steps_document
from tests.data_file_edit import edited_copy

DOC = measured_steps_document()


def test_every_measured_step_is_answered_with_a_finite_prediction_and_range():
    rows = DOC["rows"]
    assert len(rows) == len(load_measured_steps()) == 32
    assert {r["hardware"] for r in rows} == {"h100-sxm", "h200-sxm"}
    for r in rows:
        lo, hi = r["interval_tokens_per_s_per_device"]
        assert 0 < lo < r["predicted_tokens_per_s_per_device"] < hi and math.isfinite(hi)
        assert r["inside"] == (lo <= r["measured_tokens_per_s_per_device"] <= hi)
        assert 0 < r["measured_mfu"] < 1 and 0 < r["predicted_mfu"] < 1


def test_the_figures_as_the_docs_quote_them():
    """Measured 2026-11-26 on an H200 and 2026-11-27 on an H100 (the same chip and peak, 0.70× the bandwidth).
    Eager PyTorch: the step model predicts nearly every step a little faster than measured, nearer than the flat
    MFU; compiled (Inductor's fused kernels), slower than measured, still nearer than the flat MFU. If the step
    model is refitted these change: update docs/explanation/accuracy.md ("Time from the run's plan") with them."""
    m, b = DOC["step_model"], DOC["flat_mfu_baseline"]
    assert DOC["modes"] == ["eager", "torch.compile", "torch.compile, fp8"]
    # the GEMMs' half-efficiency dimension in the device's peak, not its roofline ridge (2026-11-27): eager 1.18x
    # (4 of 9 H200 steps inside) became 1.04x (16 of 18); with the H100's three long-sequence steps (run 8), 19 of 21
    assert (round(m["eager"]["median_factor"], 2), round(m["eager"]["coverage_80"] * 21)) == (1.04, 19)
    assert (round(b["eager"]["median_factor"], 2), round(b["eager"]["coverage_80"] * 21)) == (1.20, 11)
    # run 13 (another H100) repeated two compiled bf16 steps within 0.2% of run 4's: 10 steps, 7 inside
    assert (round(m["torch.compile"]["median_factor"], 2), m["torch.compile"]["coverage_80"]) == (1.14, 0.7)
    assert round(m["torch.compile"]["median_signed_factor"], 2) == 0.93
    assert round(b["torch.compile"]["median_factor"], 2) == 1.35
    eager = [r for r in DOC["rows"] if r["mode"] == "eager"]
    assert all(r["predicted_tokens_per_s_per_device"] > r["measured_tokens_per_s_per_device"] for r in eager)
    # the H200 ran each eager step 1.05-1.11x as fast as the H100 (the launch-bound one aside: 1.61x, the hosts
    # differ); the model, whose GEMMs no longer follow the bandwidth (only its memory-bound work does), predicts
    # each ratio within 3% (the roofline ridge had made them 1.14-1.23x)
    by = {(r["name"], r["hardware"]): r for r in eager}
    both = {r["name"] for r in eager if r["hardware"] == "h200-sxm"} & {r["name"] for r in eager if r["hardware"] == "h100-sxm"}
    for name in both - {"gpt3-medium-s512-mb1"}:
        h200, h100 = by[name, "h200-sxm"], by[name, "h100-sxm"]
        measured = h200["measured_tokens_per_s_per_device"] / h100["measured_tokens_per_s_per_device"]
        predicted = h200["predicted_tokens_per_s_per_device"] / h100["predicted_tokens_per_s_per_device"]
        assert 1.04 < measured < 1.12 and predicted == pytest.approx(measured, rel=0.03)


def test_compiled_fp8_steps_gain_less_than_the_step_model_says():
    """Run 13 (an H100, 2026-11-27): GPT-3 XL under torch.compile with the blocks' linear layers in FP8 ran 64,641
    tokens/s, 1.15x its bf16 twin's 56,315 in the same lease; the step model's FP8 step is right (64,588) but its bf16
    step 12% slow, so it says 1.30x; the flat MFU, which scales with the peak, 2.00x (accuracy.md)."""
    [fp8] = [r for r in DOC["rows"] if r["precision"] == "fp8"]
    assert (fp8["name"], fp8["group"], round(fp8["measured_tokens_per_s_per_device"])) == (
        "gpt3-xl-fp8-compiled", "torch.compile, fp8", 64641)
    assert fp8["predicted_tokens_per_s_per_device"] == pytest.approx(64641, rel=0.01) and fp8["inside"]
    [p] = DOC["precision_ratios"]
    assert (p["reference"], p["run"]) == ("gpt3-xl-compiled", "13")
    assert (round(p["measured_ratio"], 2), round(p["step_model_ratio"], 2), round(p["flat_mfu_ratio"], 2)) == (
        1.15, 1.30, 2.00)
    twins = [r for r in DOC["rows"] if r["name"] in ("gpt3-xl-compiled", "gpt3-2.7b-compiled")
             and r["hardware"] == "h100-sxm"]
    for name in ("gpt3-xl-compiled", "gpt3-2.7b-compiled"):  # two H100s, runs 4 and 13: the same step within 0.3%
        a, b = (r["measured_tokens_per_s_per_device"] for r in twins if r["name"] == name)
        assert a == pytest.approx(b, rel=0.003)


def test_the_launch_bound_step_is_the_worst_miss():
    """512 tokens a step on a 406M model: 28.6 ms on the H200, 46.0 ms on the H100, most of it kernel launches from
    Python (4.1% and 2.6% MFU); the step model has no launch term."""
    worst = max((r for r in DOC["rows"] if r["mode"] == "eager"), key=lambda r: abs(math.log(r["predicted_tokens_per_s_per_device"]
                                                         / r["measured_tokens_per_s_per_device"])))
    assert (worst["name"], worst["seq_len"], worst["micro_batch"]) == ("gpt3-medium-s512-mb1", 512, 1)
    assert worst["measured_mfu"] < 0.05


def test_validate_prints_the_measured_steps_beside_the_flat_mfu():
    from estimator.cli.accuracy_cmds import measured_steps_text
    out = measured_steps_text(DOC)
    assert "Training steps measured on a real GPU, never fitted (estimator/data/measured_training_steps.csv)" in out
    assert "eager (21 steps): step model median factor 1.04×" in out and "flat MFU 1.20×" in out
    assert "torch.compile (10 steps): step model median factor 1.14×" in out and "flat MFU 1.35×" in out
    assert "torch.compile, fp8 (1 step): step model median factor 1.00×" in out
    assert "every MFU here, measured or predicted, of the peak of the step's own precision" in out
    assert ("gpt3-xl-fp8-compiled ÷ gpt3-xl-compiled (run 13, h100-sxm): 1.15× the tokens/s measured, 1.30× in the "
            "step model, 2.00× by the flat MFU") in out
    line = next(x for x in out.splitlines() if x.startswith("gpt3-xl ") and "h200-sxm" in x)
    assert "52,216" in line and "52,348" in line


def _broken(tmp_path, edit):
    return edited_copy(MEASURED_STEPS_PATH, tmp_path, edit)


@pytest.mark.parametrize("edit, words", [
    (lambda r: r.update(measured_tokens_per_s_per_device="1000"), "line 2: measured_tokens_per_s_per_device is not"),
    (lambda r: r.update(measured_j_per_token="1"), "line 2: measured_j_per_token is not"),
    (lambda r: r.update(citation=" "), "line 2 has no citation"),
    (lambda r: r.update(mode="jit"), "line 2: mode 'jit' is not one of eager, torch.compile"),
    (lambda r: r.update(hardware_id="h200"), "line 2: hardware 'h200' has no profile"),
    (lambda r: r.update(layers="12.5"), "line 2: layers '12.5' is not a positive whole number"),
    (lambda r: r.update(measured_step_s="nan"), "line 2: measured_step_s 'nan' is not a positive number"),
])
def test_a_mistyped_row_is_refused_by_file_line_and_field(tmp_path, edit, words):
    path = _broken(tmp_path, edit)
    with pytest.raises(DataFileError) as err:
        load_measured_steps(path)
    assert str(path) in str(err.value) and words in str(err.value)


def test_the_long_sequence_steps_are_a_little_faster_in_the_model():
    """Run 8 (an H100): one sequence of 32,768 tokens (GPT-3 Small and Medium) or 16,384 (XL) a step, causal attention
    40-78% of the FLOPs: the step model 1.02-1.13x faster than measured, each inside its range (accuracy.md)."""
    long = {r["name"]: r for r in DOC["rows"] if r["seq_len"] >= 16384}
    assert set(long) == {"gpt3-small-s32768-mb1", "gpt3-medium-s32768-mb1", "gpt3-xl-s16384-mb1"}
    ratios = [r["predicted_tokens_per_s_per_device"] / r["measured_tokens_per_s_per_device"] for r in long.values()]
    assert (round(min(ratios), 2), round(max(ratios), 2)) == (1.02, 1.13)
    assert all(r["inside"] and r["hardware"] == "h100-sxm" for r in long.values())


def test_the_fp8_linear_of_the_training_benchmark_is_the_product_within_fp8s_error(monkeypatch):
    """benchmarks/gpu_train_step.py's FP8 linear (E4M3 forward, E5M2 gradients, one dynamic scale a tensor): its output
    and both gradients within 10% (relative norm) of the fp32 product's, in their inputs' dtypes (on the CPU, where
    PyTorch is installed; E4M3's 3 mantissa bits give about 4%, E5M2's 2 about 6%)."""
    torch = pytest.importorskip("torch")
    from benchmarks.gpu_train_step import fp8_linear_function
    real = torch._scaled_mm
    formats = []

    def as_cuda_takes_it(a, b, scale_a, scale_b, out_dtype):
        """What CUDA's _scaled_mm requires and the CPU's does not: a row-major first operand, a column-major second,
        sizes in multiples of 16, and never two E5M2 operands; the scales the fp32 scalars it multiplies by."""
        assert a.stride(1) == 1 and b.stride(0) == 1 and a.shape[1] == b.shape[0]
        assert all(n % 16 == 0 for n in (*a.shape, *b.shape))
        assert (a.dtype, b.dtype) != (torch.float8_e5m2, torch.float8_e5m2)
        assert scale_a.dtype == scale_b.dtype == torch.float32 and scale_a.dim() == scale_b.dim() == 0
        formats.append((a.dtype, b.dtype))
        return real(a, b, scale_a, scale_b, out_dtype=out_dtype)

    monkeypatch.setattr(torch, "_scaled_mm", as_cuda_takes_it)
    _fp8_products_within_error(torch, fp8_linear_function(torch).apply)
    e4, e5 = torch.float8_e4m3fn, torch.float8_e5m2
    assert formats[:3] == [(e4, e4), (e5, e4), (e5, e4)]  # forward, then the input's and the weight's gradients


def _fp8_products_within_error(torch, fp8):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(64, 128, generator=g, requires_grad=True)
    w = (torch.randn(96, 128, generator=g) * 0.02).requires_grad_()
    grad_out = torch.randn(64, 96, generator=g)
    fp8(x, w).float().backward(grad_out)
    x32, w32 = x.detach().clone().requires_grad_(), w.detach().clone().requires_grad_()
    (x32 @ w32.t()).backward(grad_out)

    def rel(a, b):
        return float((a.float() - b).norm() / b.norm())
    assert rel(fp8(x, w).detach(), (x32 @ w32.t()).detach()) < 0.1
    assert rel(x.grad, x32.grad) < 0.1 and rel(w.grad, w32.grad) < 0.1
    assert (x.grad.dtype, w.grad.dtype) == (torch.float32, torch.float32)


def test_an_fp8_run_becomes_an_fp8_row_the_step_model_predicts_at_fp8(tmp_path):
    import csv

    from benchmarks.gpu_train_step import CSV_FIELDS, data_rows
    from estimator.io.datafiles import default_profiles
    from estimator.io.measured_steps import load_measured_steps
    from estimator.services.training.fitted_step import step_model
    from estimator.services.training.measured_steps import _predict
    run = {"name": "gpt3-xl-fp8", "mode": "eager", "precision": "fp8", "layers": 24, "d_model": 2048, "heads": 16,
           "kv_heads": 16, "ffn": 8192, "ffn_matrices": 2, "vocab": 50304, "seq_len": 2048, "micro_batch": 8,
           "params": 1418000000, "steps": 10, "warmup": 3, "step_s": 0.523, "tokens_per_s": 16384 / 0.523,
           "mean_power_w": 626.0, "joules_per_token": 0.019989, "sm_clock_mhz": 1974.0, "peak_memory_gb": 51.9}
    [row] = data_rows({"torch": "2.x", "runs": [run]}, "12", "h100-sxm", "a test's own figures")
    assert row["precision"] == "fp8" and "linear layers in FP8 (E4M3 forward, E5M2 gradients" in row["how"]
    [bf16] = data_rows({"torch": "2.x", "runs": [{**run, "precision": "bf16", "name": "gpt3-xl"}]}, "12", "h100-sxm", "x")
    assert bf16["precision"] == "bf16" and "FP8" not in bf16["how"]
    path = tmp_path / "steps.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=CSV_FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows([row, bf16])
    fp8_step, bf16_step = load_measured_steps(path)
    params, profiles = step_model()[0], default_profiles()
    # the step model's FP8 GPT-3 XL step on an H100: 1.30x bf16's tokens/s (the eager run measured 0.63x: docs)
    ratio = _predict(fp8_step, params, profiles)[0] / _predict(bf16_step, params, profiles)[0]
    assert round(ratio, 2) == 1.30


def test_the_memory_model_is_checked_against_the_memory_measured_beside_its_baselines():
    """Issue 53 asks the memory checked against what fitted; the measured steps' peak memory (PyTorch's allocated peak)
    had been recorded and never compared. The memory model counts 16 bytes of states a parameter and FlashAttention's
    activations: a median 1.07× off over the 32 steps, against 2.24× for the states alone and 2.32× for activations
    with the attention scores stored (the old kernels' count, issue 53's 122 GB for Llama-2-7B)."""
    m = DOC["memory"]
    assert m["memory model"]["rows"] == 32
    assert round(m["memory model"]["median_factor"], 2) == 1.07
    assert round(m["states only"]["median_factor"], 2) == 2.24 and round(m["scores stored"]["median_factor"], 2) == 2.32
    # GPT-3 XL, batch 8 × 2,048 on an H100, eager: 53.5 GB counted, 57.2 GB allocated
    (xl,) = [r for r in DOC["rows"] if r["name"] == "gpt3-xl" and r["hardware"] == "h100-sxm" and r["mode"] == "eager"]
    assert (round(xl["memory_model_gb"], 1), round(xl["peak_memory_gb"], 1)) == (53.5, 57.2)


def test_the_measured_steps_say_they_are_not_blind():
    """Evidence audit 2026-11-29: the step model's GEMM term was redesigned after the first H200 steps were seen (commit
    256ee9ca, which improved them); `validate` called them only "never fitted", unlike the checks that say so."""
    from estimator.services.training.measured_steps import measured_steps_document
    method = measured_steps_document()["method"]
    assert "never fitted (but not blind" in method and "256ee9ca" in method
