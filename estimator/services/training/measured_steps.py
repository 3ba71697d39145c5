"""Training steps this project measured on a real GPU, predicted by the step model as shipped (never
fitted on them), beside the flat-MFU baseline of the same fit: what ``validate`` prints and the Accuracy
page shows.

Use case over ``estimator.io.measured_steps`` (the data file), ``estimator.services.training.fitted_step.step_model`` (the
shipped parameters and 80% range) and the pure step model. Each row is one micro-batch on one device: the
layout's parallel terms are zero, so the rows test the single-device arithmetic (matrix multiplies by size,
attention, memory-bound operations, optimizer).
"""

from __future__ import annotations

import math
from functools import lru_cache

from estimator.core.base.interval import LEVEL, log_error_summary
from estimator.core.training import memory as mem
from estimator.core.training.step import Layout, ModelShape, flat_mfu_tokens_per_s, step_hardware, step_time
from estimator.io.datafiles import default_profiles
from estimator.io.measured_steps import MEASURED_STEPS_PATH, MODES, MeasuredStep, load_measured_steps
from estimator.services.training.fitted_step import step_model

ZERO_STAGE_ONE_DEVICE = 0  # one device: no optimizer state to shard


def _predict(m: MeasuredStep, params, profiles) -> tuple[float, float, float]:
    """(the step model's tokens/s per device, its MFU, the model FLOPs per token)."""
    shape = ModelShape(layers=m.layers, d_model=m.d_model, heads=m.heads, kv_heads=m.kv_heads, vocab=m.vocab,
                       ffn=m.ffn, ffn_matrices=m.ffn_matrices)
    layout = Layout(seq_len=m.seq_len, global_batch=m.micro_batch, micro_batch=m.micro_batch,
                    zero_stage=ZERO_STAGE_ONE_DEVICE, precision=m.precision,
                    flash_attention=m.attention == "flash")
    st = step_time(shape, layout, step_hardware(profiles.by_id(m.hardware_id)), params)
    return st.tokens_per_s_per_device, st.mfu, st.model_flops_per_token


# The training memory model against the peak PyTorch allocated (``torch.cuda.max_memory_allocated``: the tensors, not
# the CUDA context, NCCL's buffers or the allocator's cached reserve), one device, no ZeRO, no recomputation, the
# attention kernel measured; beside it two baselines of the same arithmetic: the model states alone (weights,
# gradients and Adam's, no activations: a parameter count's rule) and the activations of kernels that store the
# attention scores (Korthikanti et al.'s 5·a·s/h term, which issue 53 found counted though FlashAttention stores none).
MEMORY_PREDICTORS = ("memory model", "states only", "scores stored")


def _memory_gb(m: MeasuredStep) -> dict[str, float]:
    """The memory model's GB per device for the measured step, and its two baselines' (``MEMORY_PREDICTORS``)."""
    head_dim = m.d_model // m.heads
    shape = mem.Shape(params=m.params, layers=m.layers, d_model=m.d_model, heads=m.heads, vocab=m.vocab,
                      q_width=m.heads * head_dim, kv_width=m.kv_heads * head_dim, ffn=m.ffn, mlp_matrices=m.ffn_matrices)

    def of(attention: str) -> mem.Breakdown:
        return mem.per_device(shape, mem.Strategy(attention=attention), 1, m.seq_len, m.micro_batch, m.precision)
    model = of(m.attention)
    return {"memory model": model.total_gb,
            "states only": model.weights_gb + model.gradients_gb + model.optimizer_gb,
            "scores stored": of("eager").total_gb}


def _group(m: MeasuredStep) -> str:
    """The summary a step counts in: how PyTorch ran it, and its precision where it is not bf16 (an FP8 step beside
    bf16 ones would move their figures with a question of its own: FP8's gain)."""
    return m.mode if m.precision == "bf16" else f"{m.mode}, {m.precision}"


def _precision_ratios(rows: list[dict]) -> list[dict]:
    """Each step at another precision than bf16 over the bf16 step of the same shape, mode, GPU and run: the measured
    gain beside the step model's and the flat MFU's (which scales with the peak)."""
    bf16 = {(r["shape"], r["mode"], r["hardware"], r["run"]): r for r in rows if r["precision"] == "bf16"}
    out = []
    for r in rows:
        base = bf16.get((r["shape"], r["mode"], r["hardware"], r["run"]))
        if r["precision"] == "bf16" or base is None:
            continue
        gains = {f"{who}_ratio": r[key] / base[key] for who, key in (
            ("measured", "measured_tokens_per_s_per_device"), ("step_model", "predicted_tokens_per_s_per_device"),
            ("flat_mfu", "flat_mfu_tokens_per_s_per_device"))}
        out.append({"name": r["name"], "reference": base["name"], "precision": r["precision"], "run": r["run"],
                    "hardware": r["hardware"], **gains})
    return out


@lru_cache(maxsize=1)
def measured_steps_document() -> dict:
    """What ``validate`` reports on the measured training steps, as plain numbers."""
    ms = load_measured_steps()
    params, step_range, doc = step_model()
    flat_mfu = doc["cross_validation"]["flat_mfu_all_sources"]
    profiles = default_profiles()
    rows, step_logs, flat_logs = [], {}, {}
    memory_logs: dict[str, list[float]] = {k: [] for k in MEMORY_PREDICTORS}
    for m in ms:
        predicted, mfu, flops_per_token = _predict(m, params, profiles)
        peak = profiles.by_id(m.hardware_id).peak_flops_per_s[m.precision]
        flat = flat_mfu_tokens_per_s(ModelShape(layers=m.layers, d_model=m.d_model, heads=m.heads, kv_heads=m.kv_heads,
                                                vocab=m.vocab, ffn=m.ffn, ffn_matrices=m.ffn_matrices),
                                     m.seq_len, flat_mfu, peak)
        log_ratio = math.log(predicted / m.tokens_per_s_per_device)
        step_logs.setdefault(_group(m), []).append(log_ratio)
        flat_logs.setdefault(_group(m), []).append(math.log(flat / m.tokens_per_s_per_device))
        rows.append({"name": m.name, "mode": m.mode, "precision": m.precision, "group": _group(m),
                     "shape": (m.layers, m.d_model, m.heads, m.kv_heads, m.ffn, m.vocab, m.seq_len, m.micro_batch),
                     "hardware": m.hardware_id, "params": m.params, "seq_len": m.seq_len,
                     "micro_batch": m.micro_batch, "run": m.run,
                     "measured_tokens_per_s_per_device": m.tokens_per_s_per_device,
                     "predicted_tokens_per_s_per_device": predicted,
                     "interval_tokens_per_s_per_device": [predicted * math.exp(-step_range.half_log),
                                                          predicted * math.exp(step_range.half_log)],
                     "inside": abs(log_ratio) <= step_range.half_log,
                     "flat_mfu_tokens_per_s_per_device": flat,
                     "measured_mfu": m.tokens_per_s_per_device * flops_per_token / peak, "predicted_mfu": mfu,
                     "measured_power_w": m.power_w, "measured_j_per_token": m.j_per_token,
                     "mean_sm_clock_mhz": m.mean_sm_clock_mhz,
                     "peak_memory_gb": m.peak_memory_gb})
        if m.peak_memory_gb:
            memory = _memory_gb(m)
            rows[-1]["memory_model_gb"] = memory["memory model"]
            for k, gb in memory.items():
                memory_logs[k].append(math.log(gb / m.peak_memory_gb))
    devices = sorted({m.hardware_id for m in ms})
    modes = [mode for mode in MODES if mode in step_logs] + sorted(g for g in step_logs if g not in MODES)
    return {
        "data": f"estimator/data/{MEASURED_STEPS_PATH.name}",
        "method": (f"{len(ms)} training steps this project measured on {', '.join(devices)} "
                   f"({len({m.run for m in ms})} runs; benchmarks/gpu_train_step.py: GPT-3-shaped models in PyTorch, eager "
                   "and compiled, bf16 autocast (the blocks' linear layers in FP8 where the precision says so), "
                   "FlashAttention, fused AdamW, one micro-batch a step), never fitted (but not blind: the step "
                   "model's GEMM size term became a multiple of the device's roofline ridge after the first H200 steps "
                   "were seen, commit 256ee9ca, which improved them): each predicted "
                   "by the step model as shipped, its stated range checked; beside it the flat MFU of the same fit "
                   f"({flat_mfu:.1%} of the peak, model FLOPs); every MFU here, measured or predicted, of the peak of the "
                   "step's own precision (an FP8 step's of the FP8 peak, twice bf16's)"),
        "level": LEVEL, "half_log": step_range.half_log,
        "modes": modes, "flat_mfu": flat_mfu,
        "step_model": {mode: log_error_summary(step_logs[mode], step_range.half_log) for mode in modes},
        "flat_mfu_baseline": {mode: log_error_summary(flat_logs[mode], step_range.half_log) for mode in modes},
        "rows": [{k: v for k, v in r.items() if k != "shape"} for r in rows],
        "precision_ratios": _precision_ratios(rows),
        # no stated range for memory: the median factors only (the half-log of a range it does not state: none)
        "memory": {**{k: {x: y for x, y in log_error_summary(v, 0.0).items() if x != "coverage_80"}
                      for k, v in memory_logs.items()},
                   "method": ("the training memory model (one device, no ZeRO, no recomputation, the attention kernel the "
                          "step ran) against the peak memory PyTorch allocated in the step (torch.cuda."
                          "max_memory_allocated: its tensors, not the CUDA context, NCCL's buffers or the allocator's "
                          "cached reserve; fp32 weights with bf16 autocast, 16 bytes of states a parameter as the model "
                          "counts them); baselines of the same arithmetic: the model states without activations and "
                          "the activations of kernels that store the attention scores")},
    }


def precision_gain_words(p: dict) -> str:
    """One step at another precision over its bf16 twin: the measured gain, the step model's and the flat MFU's."""
    return (f"{p['name']} ÷ {p['reference']} (run {p['run']}, {p['hardware']}): {p['measured_ratio']:.2f}× the tokens/s "
            f"measured, {p['step_model_ratio']:.2f}× in the step model, {p['flat_mfu_ratio']:.2f}× by the flat MFU")


def memory_words(t: dict) -> str:
    """The training memory model on the measured steps' peak memory, beside its baselines (no stated range: median
    factors only)."""
    m = t["memory"]
    model, states, scores = (m[k] for k in ("memory model", "states only", "scores stored"))
    return (f"Memory per device, {m['method']}: over {model['rows']} steps the memory model is off by a median "
            f"{model['median_factor']:.2f}× (signed {model['median_signed_factor']:.2f}×: above 1 it counts more than "
            f"PyTorch allocated); the states without activations {states['median_factor']:.2f}×, the scores stored "
            f"{scores['median_factor']:.2f}×.")


__all__ = ["measured_steps_document", "memory_words", "precision_gain_words"]
