"""The default engine (optimized-2024) refitted with TensorRT-LLM's published throughput included (issue 54): tried, not
shipped.

    python -m research.optimized_engine_tries      (about 10 s)

The shipped engine is fitted to MLPerf Inference v4.0/v4.1 Offline results and the published small-batch decode
times; TensorRT-LLM v1.0's performance overview (estimator/data/trtllm_perf_overview.csv, 186 runs of five newer
models on five GPUs; since 2026-12-01 with 3 DeepSeek-R1 runs of TensorRT-LLM's DeepSeek-R1 guide, 189) is only checked (`validate --inference`: 1.30x, its range holding 77%, on 2026-11-29). This asks whether the
form would do better fitted to both: it refits the engine's three costs on MLPerf's Offline rows and the TensorRT-LLM
runs together (the small-batch times as shipped) and cross-validates by model (every row of a model, of either
source, held out together), beside the flat roofline from the same folds.

What it showed (2026-11-26, with the experts' GEMM rate): the fitted cost per sequence hardly moves (0.055 ms a step
shipped, 0.049 with both), so Llama 3.1 8B stays about 0.7x its measured tokens/s and Llama 3.1 405B about 1.4x; held
out by model, the TensorRT-LLM rows are 1.37x off (the shipped engine, never fitted to them: 1.35x) and MLPerf's
Offline rows 1.12x (shipped cross-validation 1.14x). Adding the rows to the fit buys nothing; what is missing is in
the form (a cost per sequence that is the same for an 8B and a 405B model). Tried in one-off runs before the experts'
GEMM rate, not kept: a roofline per kernel class (the linear layers' and attention's each the slower of bytes and
FLOPs, summed): MLPerf held out by model 1.43x against 1.21x; a fitted compute fraction for mixtures of experts:
Mixtral 8x7B held out 2.6x off; a cost per sequence and layer in place of the cost per sequence (a longer model's
sequence costing more, as the 405B's over-prediction suggests): MLPerf held out by model 1.29x against 1.21x, the
TensorRT-LLM runs 1.39x against 1.33x. The check's assumption of an 8-bit KV cache, taken at 16 bits instead: 1.40x,
58% in range.

The range: the shipped ×/÷1.49 (MLPerf's held-out residuals, by model and by hardware) holds 67% of the
TensorRT-LLM runs. Pooling their residuals in (each of their models one more group) would state ×/÷1.55, and with
each model's own runs left out of that pooling it would hold 73% of them: wider, still short of 80%, and every
serving range would move for it; not shipped.

Rerun 2026-11-27, with the prompts' tokens in the tensor-parallel all-reduces: 0.056 ms a sequence shipped, 0.047
with both; held out by model the TensorRT-LLM rows 1.31x (shipped, never fitted to them: 1.32x), MLPerf's Offline
rows 1.13x; Llama 3.1 8B still about 0.7x, Llama 3.1 405B 1.34x as `--devices N` chooses (1.14x at the table's
layout); the KV cache at 16 bits 1.37x, 60%; the pooled range x/1.55, holding 74%. Shipped since, with each run
counted by its GPU as well as by its model, as MLPerf's results are counted in both hold-outs (`fit-serving`,
`serving_mlperf.NewerRun`; a GPU of both sets one group): x/1.60, holding 77% of the runs with each model's left out of
the calibration (80% with each GPU's); the pooling by model alone below is kept as what was tried first.

Tried 2026-11-27, not shipped: the linear layers at 4 bits on a Blackwell FP4 peak at 0.37 of it in place of 0.6
(FlashInfer's mm_fp4 on a B200, M=1024, N=7168, K=4608: 3,370 TFLOPS of the 9,000 dense, flashinfer-ai/flashinfer
PR #1979, 2025), the engine refitted: the TensorRT-LLM runs 1.32x -> 1.22x (B200 1.39x -> 1.20x, GB200 1.38x ->
1.17x), but MLPerf v4.1's B200 results (Llama 2 70B, FP4, the benchmark harness that later rounds use) from 0.79 to
0.62 of what they measured, held out by hardware; one GEMM benchmark of one library against the only MLPerf
evidence at FP4: left at 0.6. The same pattern (short prompts slow, long prompts fast) fits a per-sequence cost near
0.01 ms and a lower compute fraction on TensorRT-LLM's runs, but MLPerf's results pin it at 0.05 ms (their harness
counts its own per-sample work), and the held-back test is MLPerf's.

Tried 2026-11-27 in a one-off run, not shipped (its code, a field of ServingFit scaling the step's per-sequence cost,
was removed with it, so this command does not rerun it): the cost per sequence in proportion to the model's layers × d_model
(its per-token work outside the matrix products), stated at Llama 2 70B's 80 × 8192 and refitted (0.147 ms a sequence
there, 0.029 ms for an 8B): MLPerf held out by model 1.14x -> 1.55x Offline (Llama 2 70B 0.62 of measured, GPT-J
1.39x), by hardware 1.16x -> 1.33x; the TensorRT-LLM runs 1.33x -> 1.47x (Llama 3.1 8B 0.73 -> 0.94 but 405B 1.31 ->
0.65). MLPerf's 6B-to-70B results want one cost per sequence whatever the model, as above.

Looked at 2026-11-27, not shipped, for the MI300X that MLPerf's results held out by hardware find 1.5x too fast: AMD's
own vLLM throughput table (amd.com/en/developer/resources/rocm-hub/dev-ai/performance-results.html, AI Inference,
container rocm/vllm:rocm6.4.1_vllm_0.9.0.1_20250605: Llama 3.1 70B and 405B, FP8 with an FP8 KV cache, TP8 on 8 MI300X,
prompts/outputs 128/2048, 128/4096, 500/2000, 2048/2048: 16,581.5, 13,667.3, 13,367.1, 8,352.6 and 4,275, 3,356.7,
3,201.4, 2,179.7 tokens/s). Read as output tokens/s, the engine as shipped at TP8 is 1.21x too fast in the geometric
mean (70B 0.73-1.15, 405B 1.40-1.79, the pattern of TensorRT-LLM's 405B runs), the same rows taken as H100s 1.02x and
as H200s 1.09x. The table's column says "Throughput (tokens/s)" without saying total or output (vLLM's throughput
benchmark prints both; at 2048/2048 they differ 2x), so it was not made a check. AMD's own best GEMM rates (ROCm blog
"Measuring Max-Achievable FLOPs, Part 2", 2025: MI300X 708 TFLOPS BF16 and 1,273 FP8 of 1,307 and 2,615 peak, MI325X
843 and 1,519) put the MI300X at 0.54 of its BF16 peak, where this project's H100 and H200 calibrations reached
0.66-0.67 (docs/how-to/calibrate.md): a device's attainable share of its peak is a field no profile has yet, and with no sourced H100 or
B200 figure of the same kind to hold it against, it was not added.

Tried 2026-11-27 in a one-off run, not shipped: the PCIe cards of a chip as that chip held to their power. The H100
NVL (400 W) and H100 PCIe (350 W) were served as the H100 SXM's GH100 at its peak and TDP (700 W) under a power limit of
their own TDP (the MaxQ slowdown of `validate --inference`, its exponent fitted to the H200's capped results), their
own memory, bandwidth and links kept. Held out by hardware, their MLPerf results went from 1.47x and 1.22x too fast to
1.10x and 0.83x (too slow); all Offline results 1.16x -> 1.14x but Server 1.10x -> 1.12x, and held out by model Offline
1.14x -> 1.16x, Server 1.13x -> 1.14x. The limit stretches the whole step, its memory-bound part too, which is where
the PCIe card (2 TB/s) overshoots; mixed, so not shipped.

Tried 2026-11-28 in a one-off run, not shipped (an environment switch in the step, removed): the per-sequence cost
overlapped with the GPU's work (the step the slower of the two, as an engine scheduling the next step on the host while
the GPU runs this one would have it; the per-layer cost still added), since an additive 0.053 ms a sequence caps a
replica near 19,000 tokens/s whatever the GPU (MLPerf's B200 at FP4 0.81x, TensorRT-LLM's Llama 3.1 8B 0.74x). Refitted,
the per-sequence cost rose to 0.116 ms and MLPerf held out by model went from 1.13x/1.14x to 1.32x/1.34x, by hardware
1.14x/1.10x to 1.19x/1.28x, the TensorRT-LLM runs 1.31x to 1.47x (Llama 3.1 8B 0.65x): MLPerf's results want the cost
added to the step.

Tried 2026-11-30 in a one-off run, not shipped (an environment switch in the step, removed): the cost per sequence
scaled by the H100 SXM's bandwidth over the device's (3,350 GB/s ÷ its own, as GPU-side per-sequence work would be;
the by-device misses, L40S and H100 NVL too fast, B200 too slow, lean that way). Refitted: MLPerf held out by model
Offline 1.14x -> 1.13x, Server 1.14x; by hardware Offline 1.15x -> 1.17x, Server 1.10x -> 1.17x (74% by group); the
TensorRT-LLM runs 1.30x -> 1.35x (B200 1.40x -> 1.50x, GB200 1.30x -> 1.46x too fast; Llama 3.1 8B 0.74 -> 0.79). With
the square root of the ratio: 1.13x/1.12x by model, 1.16x/1.12x by hardware, the TensorRT-LLM runs 1.33x. Neither beats
the shipped cost per sequence.

Tried 2026-12-01 in one-off runs, not shipped (each a field of ServingFit and a term of the step, removed; all MLPerf
rows, each fold refitted; the TensorRT-LLM runs as `validate --inference` answers them, from the fit on every MLPerf
Offline result). As shipped the same script read: by model Offline 1.13x, Server 1.14x; by hardware 1.14x, 1.10x;
the TensorRT-LLM runs 1.30x (geometric mean predicted / measured 1.10; Llama 3.1 8B 0.74).
- A cost per request (its host work once, amortised over its output: requests finishing a step x the cost) beside the
  cost per sequence and step: fitted 5.5 ms a request, the cost per sequence 0.030 ms. MLPerf by model Offline 1.09x,
  Server 1.10x (GPT-J 1.03, Llama 2 70B 1.06, Mixtral 1.04); by hardware 1.13x, 1.11x; but the TensorRT-LLM runs 1.31x,
  their geometric mean 1.10 -> 1.21 (too fast where outputs are long: DeepSeek-R1 1.41 -> 1.59, Llama 3.1 405B 1.28 ->
  1.34; Llama 3.1 8B 0.74 -> 0.84). Later MLPerf rounds' new benchmarks have long outputs (Llama 3.1 405B 685 tokens,
  DeepSeek-R1 3,886), where it would overshoot further; MLPerf's Llama 3.1 8B (781/69, prompt-heavy) would pay 16
  requests' cost a step. In place of the cost per sequence: 12 ms a request, by model 1.10x/1.17x, TensorRT-LLM 1.53x.
- A cost per beam and step apart from the cost per sequence (GPT-J's beam search, the only rows with beams, pinning
  the per-sequence cost for greedy engines too?): fitted at 0; the per-sequence cost is not GPT-J's (held out by model
  with no beam rows left to fit it, GPT-J 0.54x).
- The compute fraction fitted beside the three costs (the MoE GEMM rate since in place): 0.55 (the sourced 0.6 kept),
  by model Offline 1.15x (Llama 2 70B 0.83x), Server 1.13x; the TensorRT-LLM runs 1.28x, Llama 3.1 8B still 0.74x; with
  the cost per request too, by model 1.29x.
- An engine of TensorRT-LLM v1.0's own (a profile beside optimized-2024, for those who serve on it), its three costs
  fitted to the overview's runs and the small-batch times, each model's runs held out: 1.32x (DeepSeek-R1 1.49 too
  fast, Llama 3.1 8B 0.74); with its compute fraction fitted too (0.36 of the peak), 1.26x, and MLPerf's Offline results
  then 1.18x (0.90 of measured). No better than optimized-2024 never fitted to these runs (1.30x; 1.31x since six
  devices' memory is taken as each reports it): not shipped.

Tried 2026-12-02 in one-off runs, not shipped (an environment switch in the step, removed), for the prefill-heavy
TensorRT-LLM runs (prompt 4x the output or more: 1.43x too fast in the median, H100 1.18x, H200 1.23x, B200 1.51x,
GB200 1.42x, RTX PRO 6000 2.02x; decode-heavy ones 1.01x):
- The linear layers' GEMMs below 16 bits at the training step fit's fp8_gemm_factor (0.733, estimator/data/step_fit.json)
  per halving of the bits, FP8 once and FP4 twice, the engine refitted: the prefill-heavy runs 1.17x (H100 1.02x, B200
  1.16x), but MLPerf held out by model Offline 1.13x -> 1.29x, Server 1.14x -> 1.26x (GPT-J 1.34x too fast, Llama 2 70B
  0.86x): MLPerf's Hopper FP8 results want the engine's fraction at 8 bits as it is.
- The same factor for FP4 alone (one halving below the 8 bits MLPerf fits): MLPerf's held-out figures unchanged, the
  TensorRT-LLM runs' B200 1.38x -> 1.24x, GB200 1.35x -> 1.21x, but MLPerf v4.1's B200 results (Llama 2 70B, FP4) 0.81 ->
  0.69 of what they measured: the 2026-11-27 finding again, from a factor fitted elsewhere.
- Memory-bound elementwise traffic in the prefill (10 or 20 × d_model 16-bit elements a token and layer at the
  bandwidth, as the training step's memory-bound operations): the prefill-heavy runs 1.43x -> 1.39x / 1.37x, RTX PRO
  6000 unchanged (its misses are the table's TP2-8 over PCIe against the replicas `--devices N` chooses).
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np

from estimator.fit.grouped_conformal import pooled_cdf_quantile
from estimator.fit.serving_mlperf import OFFLINE, cross_validate, fit_engine, predict
from estimator.io.serving_data import engine_profile, load_mlperf, load_serving_fit, load_trtllm_overview
from estimator.io.tpot_checks import load_rows

ENGINE = "optimized-2024"


def main() -> None:
    mlperf = [r for r in load_mlperf() if r.scenario == OFFLINE]
    trt = list(load_trtllm_overview())
    latency = load_rows()
    cap = engine_profile(ENGINE).max_batch
    shipped = load_serving_fit(ENGINE)
    base = replace(load_serving_fit("vllm-2024"), engine=ENGINE, mixed_prefill=True,
                   memory_fraction=float(engine_profile(ENGINE).memory_fraction),
                   memory_source=engine_profile(ENGINE).memory_fraction_source,
                   prefill_steps_apart=engine_profile(ENGINE).prefill_steps_apart)
    both = replace(base, **fit_engine(mlperf + trt, latency, base, cap))
    for name, f in (("shipped (MLPerf Offline + small batch)", shipped), ("refitted with TensorRT-LLM's runs", both)):
        print(f"{name}: {f.engine_s_per_layer * 1e3:.4f} ms per layer, {f.engine_s_per_sequence * 1e3:.4f} ms per "
              f"sequence, {f.tp_s_per_allreduce * 1e3:.4f} ms per all-reduce")
    cv = cross_validate(mlperf + trt, latency, base, cap, "model", 0.8)
    for label, keep in (("TensorRT-LLM runs", lambda r: r.row_id.startswith("trtllm-")),
                        ("MLPerf Offline rows", lambda r: not r.row_id.startswith("trtllm-"))):
        held = [h for h in cv.held if keep(h.row)]
        factor = math.exp(float(np.median([abs(h.log_error) for h in held])))
        flat = math.exp(float(np.median([abs(h.baseline_log_error) for h in held])))
        print(f"held out by model, {label} ({len(held)}): {factor:.2f}x; flat roofline {flat:.2f}x")
    # the check's one assumption that moves it: the KV cache at 16 bits instead of 8 (the shipped engine as shipped)
    sixteen = [replace(r, kv_bits=16) for r in trt]
    errors = [math.log(predict(r, shipped, 1.0, cap).tokens_per_s / r.tokens_per_s) for r in sixteen]
    inside = np.mean([abs(e) <= shipped.tpot_log_half_width for e in errors])
    print(f"the check with the KV cache at 16 bits: {math.exp(float(np.median(np.abs(errors)))):.2f}x, "
          f"{inside:.0%} in range")
    # the range pooled with the TensorRT-LLM runs' residuals, each of their models' coverage from a pooling without it
    doc = json.loads((Path(__file__).resolve().parents[1] / "estimator" / "data" / "serving_fit.json").read_text())
    scores, groups = [], []
    for r in doc["optimized_engine"]["validation"]["rows"]:
        for by, key, name in (("model", "model_held_out", r["model"]), ("hardware_id", "hardware_id_held_out", r["hardware"])):
            scores.append(abs(math.log(r[key]["tokens_per_s"] / r["measured_tokens_per_s"])))
            groups.append(f"{by}:{name}")
    trt_scores = [abs(math.log(predict(r, shipped, 1.0, cap).tokens_per_s / r.tokens_per_s)) for r in trt]
    trt_groups = [f"trtllm:{r.model}" for r in trt]
    pooled = pooled_cdf_quantile(scores + trt_scores, groups + trt_groups, 0.8)
    held = []
    for m in sorted({r.model for r in trt}):
        keep = [i for i, r in enumerate(trt) if r.model != m]
        half = pooled_cdf_quantile(scores + [trt_scores[i] for i in keep], groups + [trt_groups[i] for i in keep], 0.8)
        held += [trt_scores[i] <= half for i, r in enumerate(trt) if r.model == m]
    print(f"range pooled with the TensorRT-LLM runs: x/{math.exp(pooled):.2f}; each model's runs held out of the "
          f"pooling, it holds {np.mean(held):.0%} of them")
    by_model: dict[str, list[float]] = {}
    for h in cv.held:
        by_model.setdefault(h.row.model, []).append(h.log_error)
    for m, es in sorted(by_model.items()):
        print(f"  {m}: geometric mean predicted / measured {math.exp(float(np.mean(es))):.2f}")


if __name__ == "__main__":
    main()
