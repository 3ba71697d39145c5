"""The vllm-2024 engine's time per output token across models (issue 54): forms tried, one shipped (2026-12-01).

    python -m research.vllm_tpot_tries      (about 10 s)

Prints, on ML.ENERGY's 32 configurations of 6 models (estimator/data/mlenergy_inference.csv), for
each form, leave-one-model-out TPOT and J per output token median factors and the measured coverage
of the 80% interval (each model's interval from the other models' out-of-sample residuals, nested,
CDF pooling, as `validate --inference` states it), the held-out TPOT factor by model and GPU, and
the naive baselines of the same run (flat per GPU: TPOT 2.62x, J 7.92x; per parameter, per GPU:
TPOT 1.74x, J 1.33x). Each form is fitted as the shipped fit is: its time constants to TPOT, then
the power factor to J per output token (log least squares, scipy).

What the step assumed: the KV cache of B × (prompt + T/2) tokens (code: 155.5 + ~100/2 ≈ 205) read
at the weights' 0.9 of the bandwidth. CodeLlama-7B reads 0.5 MB a token (32 KV heads, all on one
GPU), about 105 MB a sequence and step, 6× the 70B's per GPU (8 KV heads over TP4): at 0.9 that is
0.035 ms a sequence on an H100, against a measured slope of TPOT on batch of 0.246 ms (7B TP1) and 0.249 ms
(70B TP4), least squares over batches 64-320 (``tpot_slopes``, printed; with the 70B's batch 512, whose TPOT is below
batch 320's, about 0.13); on the A100 40GB 0.485 ms (7B TP1, two batches), 0.328 (7B TP2) and 0.453 (70B TP8).

Forms and figures (TPOT / J per token median factor, 80% coverage; in-sample TPOT), each as printed when the form was
tried (2026-11-27 to 2026-12-01): the shipped step has moved since (prefill steps, the power's lift), so a rerun prints
the older forms a little differently (2026-12-01: kv fitted 1.27x 81% / 1.10x 88%; prefill steps 1.24x 81% / 1.11x
97%); the shipped form's figures are `validate --inference`'s:
- shipped since 2026-12-01 (``ServingFit.prefill_steps_apart``, engines.toml): the last "prefill steps" form below,
  min(1, B/T) prefill steps a decode step each paying the per-layer cost, a request's own step's cost before its first
  token, drawn as the steps are (the GPU waits on the engine): 1.17x 84% / 1.08x 94% (82% with each model counted
  once, as the interval weighs them; the two CodeLlama models are 28 of the 32 configurations); 7B H100 1.40x, 70B
  H100 1.21x. The rows below, "before" aside, are forms tried on the form shipped until then (no prefill steps).
- before (shipped until 2026-11-30: engine cost per layer, per sequence, per all-reduce): 1.26x 81% / 1.14x 84%; 1.12x (J per token 1.16x 88%
  before a decode step's draw rose with its compute share, 2026-11-27: the other forms' J figures below are from then).
  Held out, 7B H100 1.66x (rerun 2026-11-28; 1.78x when first written), 70B H100 1.08x.
- kv fitted (+ the KV cache read at a fitted fraction of the peak; in sample 0.27, per-sequence
  cost falling to 0.11 ms): 1.27x 78% / 1.14x 88%; in sample 1.09x. Held out it does not help: the
  fraction is pinned only by the 7B-vs-70B contrast, so a fold without either fits 1.0 (no slow
  KV read) and the held-out 7B H100 stays 1.81x.
- kv sourced 0.9/1.26 = 0.71 (PagedAttention, Kwon et al. SOSP 2023, Fig. 18a: kernel 20-26%
  slower than FasterTransformer's): 1.26x 81% / 1.13x 94%: too mild to matter.
- kv fitted in place of the per-sequence cost: 1.35x 59% / 1.40x 47%.
- per-sequence cost ÷ TP (GPU work split by the devices): 1.30x 75% / 1.18x 88%.
- prefill steps (vLLM 0.5 runs new prompts as a step of their own, without chunked prefill: a
  share 1 - (1 - 1/T)^B of decode steps is followed by one, paying the per-layer and all-reduce
  fixed costs again; no new parameter): 1.23x 81% / 1.12x 94%; 7B H100 1.46x but 70B H100 1.26x
  (was 1.08x). Letting that step's GPU time be the slower of the weights' bytes and its prompts'
  FLOPs changed nothing (the FLOPs are always slower here), so it is not printed.
- prefill steps + kv fitted: 1.24x 81% / 1.09x 88%.
- prefill steps, min(1, B/T) of them a decode step (a prefill step for each request that finishes, one for all of
  them where several finish in the same step: vLLM 0.5's scheduler prefills every waiting prompt, up to its 4,096-token
  budget, before the next decode step), each paying the per-layer cost alone; the other requests' stall a sequence's
  decoding, a request's own goes before its first token; the eager and latency engines (static batches where they
  serve) fitted without it (tried 2026-11-30 in the step, reverted): 1.17x 84% / 1.08x 94% (1.08x 94% with every
  prefill step in the decode step's time); 1 - e^(-B/T) of them, 1.21x 81% / 1.07x 91%. The closest yet to 1.15x, but
  J per token's coverage above 90%, and its refit moves the shared power factor (2.198 -> 2.168), so the default
  engine's energies (the compression slide's 4-bit saving 47% -> 48%) and some 20 quoted figures with it: left for a
  session with the time to ship it whole.
Of these, the last prefill-steps form was shipped on 2026-12-01 (above), its J per token's coverage over 90% by
configuration but 82% by model.

What a sourced KV read fraction would have to be (printed as a sweep, each value fixed and the rest
refitted per fold; the held-out models shape this, so it is not a choice): 0.2-0.25 gives TPOT
1.14-1.18x (88-91%); with the power's load from the KV bytes at 0.9 (a slow kernel draws by its
bytes, not its seconds) J per token stays 1.12x (97% coverage), with the slow read counted as
busy GPU time J per token goes to 1.27-1.35x (47-50%).

Measured since (2026-11-27, an H100; estimator/data/measured_attention_kernels.csv, benchmarks/attention_kernels/):
ML.ENERGY's v2 runs used vLLM 0.5.4 (mlenergy/vllm:v0.5.4-openai, github.com/ml-energy/benchmark), whose decode
attention is FlashAttention-2's flash_attn_with_kvcache over the paged cache; vLLM 0.4.2's own paged kernel and
PyTorch's FlashAttention-2 and cuDNN kernels were timed at these shapes. From batch 64 up the 7B's K and V are read
at 0.48-0.57 of the H100's bandwidth by FlashAttention-2, 0.69-0.77 by vLLM's kernel in bf16 (0.84 in fp16), 0.72-0.87
by cuDNN: no kernel
is near 0.2-0.25. Its attention costs 37-57 us a sequence and step (batch 256), the 70B's over 4 GPUs 9-37 us. Over
the same batches (64-320) the two models' measured TPOT slopes are alike on the H100, 0.246 and 0.249 ms a sequence:
a cost per sequence that does not follow the model, not attention. At the measured FlashAttention-2 fraction (0.5 in
the sweep) TPOT is 1.25x. On the A100 40GB the slopes are 1.3-2x the H100's (0.33-0.49 ms; their bandwidths' ratio is
2.15); the forms "per-seq x bandwidth" (the per-sequence cost scaled by the H100's bandwidth over the device's),
"per-layer x bandwidth" and "both x bandwidth" try it: 1.28x (88%) / J per token 1.17x (91%), 1.31x (78%) and
1.37x (62%), none beating the shipped 1.26x. Left: the engine's own work per sequence
(vLLM 0.5.4 processed each request's output, detokenisation and stop-string checks, on the CPU between steps; the
vLLM v0.6.0 release blog, 2024-09-05, overlaps it with the GPU from then on), which two batched models cannot separate
from the rest. Nothing shipped.

Exploration only: nothing here feeds the shipped fit (`python -m estimator fit-serving`); its "shipped" row recomputes
that fit's form to print beside the others.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np

from estimator.core.base.interval import LEVEL
from estimator.core.serving.step import BANDWIDTH_FRACTION, ServingFit, load_power_fraction, step
from estimator.fit.grouped_conformal import pooled_cdf_quantile
from estimator.fit.serving_fit import HIGH, LOW, START, flat_baseline, metrics, scaled_baseline
from estimator.io.serving_data import load_measurements

# the extra parameter's start and bounds: a kernel reading 1% to all of the peak bandwidth
KV_START, KV_LOW, KV_HIGH = 0.5, 0.01, 1.0
# PagedAttention's kernel 20-26% slower than FasterTransformer's (Kwon et al. 2023, Fig. 18a): the upper end
KV_SOURCED = BANDWIDTH_FRACTION / 1.26
SWEEP = (0.15, 0.2, 0.25, 0.3, 0.4, 0.5)


@dataclass(frozen=True)
class Form:
    name: str
    time_params: tuple[str, ...]
    fixed: dict
    per_seq_over_tp: bool = False
    prefill_steps: bool = False
    power_at_nominal_kv: bool = False   # the power's load from the KV bytes at 0.9 of the bandwidth, not the slow read
    by_bandwidth: tuple[str, ...] = ()  # fitted costs scaled by the H100's bandwidth over the device's
    apart: bool = False                 # the step's own prefill steps of their own (ServingFit.prefill_steps_apart)


FORMS = (
    Form("shipped", ("engine_s_per_layer", "engine_s_per_sequence", "tp_s_per_allreduce"), {}, apart=True),
    Form("before (no steps apart)", ("engine_s_per_layer", "engine_s_per_sequence", "tp_s_per_allreduce"), {}),
    Form("kv fitted", ("engine_s_per_layer", "engine_s_per_sequence", "tp_s_per_allreduce", "kv_fraction"), {}),
    Form("kv sourced 0.71", ("engine_s_per_layer", "engine_s_per_sequence", "tp_s_per_allreduce"),
         {"kv_fraction": KV_SOURCED}),
    Form("kv fitted, no per-seq", ("engine_s_per_layer", "tp_s_per_allreduce", "kv_fraction"),
         {"engine_s_per_sequence": 1e-12}),
    Form("per-seq / TP", ("engine_s_per_layer", "engine_s_per_sequence", "tp_s_per_allreduce"), {}, True),
    Form("prefill steps", ("engine_s_per_layer", "engine_s_per_sequence", "tp_s_per_allreduce"), {}, False, True),
    Form("prefill steps + kv fitted",
         ("engine_s_per_layer", "engine_s_per_sequence", "tp_s_per_allreduce", "kv_fraction"), {}, False, True),
    Form("per-seq x bandwidth", ("engine_s_per_layer", "engine_s_per_sequence", "tp_s_per_allreduce"), {},
         by_bandwidth=("engine_s_per_sequence",)),
    Form("per-layer x bandwidth", ("engine_s_per_layer", "engine_s_per_sequence", "tp_s_per_allreduce"), {},
         by_bandwidth=("engine_s_per_layer",)),
    Form("both x bandwidth", ("engine_s_per_layer", "engine_s_per_sequence", "tp_s_per_allreduce"), {},
         by_bandwidth=("engine_s_per_layer", "engine_s_per_sequence")),
)
# the device the bandwidth-scaled forms take as their reference (profiles/h100-sxm.toml's 3,350 GB/s)
REFERENCE_BANDWIDTH_GB_PER_S = 3350.0
SLOPE_BATCHES = (64, 320)   # the batches over which every batched model and GPU was measured


def tpot_slopes(ms, batches: tuple[int, int] = SLOPE_BATCHES) -> dict[tuple[str, str, int], float]:
    """Least-squares slope of measured TPOT on the mean batch (seconds per sequence), by model, GPU and tensor
    parallelism, over the configurations whose batch lies within ``batches`` (at least two)."""
    groups: dict[tuple[str, str, int], list] = {}
    for m in ms:
        if batches[0] <= m.batch <= batches[1]:
            groups.setdefault((m.model, m.device.id, m.tp), []).append(m)
    return {k: float(np.polyfit([m.batch for m in g], [m.tpot_s for m in g], 1)[0])
            for k, g in sorted(groups.items()) if len({m.batch for m in g}) >= 2}


def _bounds(name):
    if name == "kv_fraction":
        return KV_START, KV_LOW, KV_HIGH
    return START[name], LOW[name], HIGH[name]


def predict(form: Form, m, q: dict):
    q = {k: v * (REFERENCE_BANDWIDTH_GB_PER_S / m.device.bandwidth_gb_per_s if k in form.by_bandwidth else 1.0)
         for k, v in q.items()}
    fit = ServingFit(engine_s_per_layer=q["engine_s_per_layer"],
                     engine_s_per_sequence=q["engine_s_per_sequence"] / (m.tp if form.per_seq_over_tp else 1),
                     tp_s_per_allreduce=q["tp_s_per_allreduce"], busy_per_roofline_s=q["busy_per_roofline_s"],
                     tpot_log_half_width=0.0, energy_log_half_width=0.0, level=LEVEL, n_configs=0, n_models=0,
                     prefill_steps_apart=form.apart)
    # the KV cache read at kv_fraction of the peak: its bytes scaled by 0.9 ÷ kv_fraction (the step reads
    # everything at 0.9); kv_bits touches only the KV bytes (memory_s and the cache's size, not its FLOPs)
    kv_bits = 16 * BANDWIDTH_FRACTION / q.get("kv_fraction", BANDWIDTH_FRACTION)
    s = step(params=m.params, arch=m.arch, device=m.device, fit=fit, batch=m.batch, prompt_tokens=m.prompt_tokens,
             output_tokens=m.output_tokens, tp=m.tp, kv_bits=kv_bits)
    if form.power_at_nominal_kv:
        nominal = step(params=m.params, arch=m.arch, device=m.device, fit=fit, batch=m.batch,
                       prompt_tokens=m.prompt_tokens, output_tokens=m.output_tokens, tp=m.tp)
        frac = load_power_fraction(fit, nominal.gpu_s, nominal.prefill_s, s.tpot_s)
        s = SimpleNamespace(tpot_s=s.tpot_s, user_tpot_s=s.user_tpot_s, gpu_s=s.gpu_s, prefill_s=s.prefill_s,
                            joules_per_output_token=frac * m.device.tdp_w * m.tp * s.tpot_s / m.batch)
    if not form.prefill_steps:
        return s
    # vLLM 0.5 runs the prompts of new requests as a step of their own (no chunked prefill by default): a decode
    # step is followed by one whenever a sequence of the batch finished in it, 1 - (1 - 1/T)^B of the steps, and
    # that step pays the per-layer engine cost and the all-reduces' fixed cost again
    share = 1.0 - (1.0 - 1.0 / m.output_tokens) ** m.batch
    fixed = q["engine_s_per_layer"] * m.arch.layers + (2 * m.arch.layers * q["tp_s_per_allreduce"] if m.tp > 1 else 0.0)
    tpot = s.tpot_s + share * fixed
    frac = load_power_fraction(fit, s.gpu_s, s.prefill_s, tpot)
    return SimpleNamespace(tpot_s=tpot, user_tpot_s=s.user_tpot_s + share * fixed,
                           joules_per_output_token=frac * m.device.tdp_w * m.tp * tpot / m.batch)


def _solve(names, residuals: Callable[[dict], np.ndarray], base: dict) -> dict:
    from scipy.optimize import least_squares
    b = [_bounds(k) for k in names]
    x0, lo, hi = (np.log([x[i] for x in b]) for i in range(3))

    def fun(x):
        return residuals({**base, **dict(zip(names, np.exp(x)))})
    r = least_squares(fun, x0, bounds=(lo, hi), method="trf", x_scale=1.0)
    return {**base, **dict(zip(names, (float(x) for x in np.exp(r.x))))}


def fit_params(form: Form, ms) -> dict:
    tpot = np.log([m.tpot_s for m in ms])
    energy = np.log([m.joules_per_output_token for m in ms])
    base = {"busy_per_roofline_s": START["busy_per_roofline_s"], **form.fixed}
    # the TPOT a user waits (a request's own prompt's prefill out), as the shipped fit compares ML.ENERGY's TPOT
    p = _solve(form.time_params, lambda q: np.log([predict(form, m, q).user_tpot_s for m in ms]) - tpot, base)
    return _solve(("busy_per_roofline_s",),
                  lambda q: np.log([predict(form, m, q).joules_per_output_token for m in ms]) - energy, p)


def lomo(form: Form, ms) -> list[tuple[float, float]]:
    """(ln predicted ÷ measured TPOT, J per token) of each configuration, its model held out."""
    out: dict[int, tuple[float, float]] = {}
    for name in sorted({m.model for m in ms}):
        q = fit_params(form, [m for m in ms if m.model != name])
        for i, m in enumerate(ms):
            if m.model == name:
                s = predict(form, m, q)
                out[i] = (math.log(s.user_tpot_s / m.tpot_s),
                          math.log(s.joules_per_output_token / m.joules_per_output_token))
    return [out[i] for i in range(len(ms))]


def nested_halves(form: Form, ms) -> dict[str, tuple[float, float]]:
    halves = {}
    for name in sorted({m.model for m in ms}):
        rest = [m for m in ms if m.model != name]
        errs = lomo(form, rest)
        groups = [m.model for m in rest]
        halves[name] = (pooled_cdf_quantile([abs(e[0]) for e in errs], groups, LEVEL),
                        pooled_cdf_quantile([abs(e[1]) for e in errs], groups, LEVEL))
    return halves


def baselines(ms) -> dict[str, tuple[list[float], list[float]]]:
    flat_t, flat_e, sc_t, sc_e = [], [], [], []
    for m in ms:
        train = [x for x in ms if x.model != m.model]
        ft, fe = flat_baseline(train, m)
        st, se = scaled_baseline(train, m)
        flat_t.append(math.log(ft / m.tpot_s))
        flat_e.append(math.log(fe / m.joules_per_output_token))
        sc_t.append(math.log(st / m.tpot_s))
        sc_e.append(math.log(se / m.joules_per_output_token))
    return {"flat per GPU": (flat_t, flat_e), "per parameter, per GPU": (sc_t, sc_e)}


def evaluate(form: Form, ms) -> dict:
    errs = lomo(form, ms)
    halves = nested_halves(form, ms)
    models = [m.model for m in ms]
    t = metrics([e[0] for e in errs], [halves[m.model][0] for m in ms], models)
    e = metrics([e[1] for e in errs], [halves[m.model][1] for m in ms], models)
    full = fit_params(form, ms)
    insample = math.exp(float(np.median([abs(math.log(predict(form, m, full).user_tpot_s / m.tpot_s)) for m in ms])))
    return {"tpot": t, "energy": e, "fit": full, "insample_tpot": insample, "errs": errs}


def _subset_factor(ms, errs, keep) -> float:
    sel = [abs(e[0]) for m, e in zip(ms, errs) if keep(m)]
    return math.exp(float(np.median(sel))) if sel else float("nan")


def _group(m) -> str:
    if m.batch <= 1:
        return "FastChat b1"
    return f"{'70B' if '70b' in m.model else '7B'} {m.hardware_id.split('-')[0]} TP{m.tp}"


def main(ms: Sequence | None = None) -> dict[str, dict]:
    ms = list(load_measurements() if ms is None else ms)
    print(f"vllm-2024 on {len(ms)} ML.ENERGY configurations of {len({m.model for m in ms})} models, "
          "leave-one-model-out (80% coverage nested, CDF pooling)\n")
    print(f"TPOT's slope on the batch, least squares over batches {SLOPE_BATCHES[0]}-{SLOPE_BATCHES[1]}: " + "; ".join(
        f"{model.split('/')[-1]} {gpu} TP{tp} {slope * 1e3:.3f} ms" for (model, gpu, tp), slope in tpot_slopes(ms).items())
        + "\n")
    head = (f"{'form':26s} {'TPOT':>6s} {'cov':>5s} {'width':>6s} {'J/tok':>6s} {'cov':>5s} {'width':>6s} "
            f"{'in-sample TPOT':>15s} {'7B H100':>8s} {'70B H100':>9s}  fitted")
    print(head)
    results = {}
    for form in FORMS:
        r = evaluate(form, ms)
        results[form.name] = r
        t, e = r["tpot"], r["energy"]
        f7 = _subset_factor(ms, r["errs"], lambda m: "7b-hf" in m.model and m.hardware_id == "h100-sxm")
        f70 = _subset_factor(ms, r["errs"], lambda m: "70b" in m.model and m.hardware_id == "h100-sxm")
        fitted = ", ".join(f"{k}={v:.3g}" for k, v in r["fit"].items() if k in form.time_params or k == "busy_per_roofline_s")
        print(f"{form.name:26s} {t.median_factor:5.2f}x {t.interval_coverage:5.0%} x{t.interval_mean_width_factor:5.2f} "
              f"{e.median_factor:5.2f}x {e.interval_coverage:5.0%} x{e.interval_mean_width_factor:5.2f} "
              f"{r['insample_tpot']:14.2f}x {f7:7.2f}x {f70:8.2f}x  {fitted}")
    print("\nTPOT median factor held out, by model and GPU (the batched ones; FastChat rows together):")
    groups = sorted({_group(m) for m in ms})
    print(f"{'form':26s} " + " ".join(f"{g:>14s}" for g in groups))
    for name, r in results.items():
        print(f"{name:26s} " + " ".join(f"{_subset_factor(ms, r['errs'], lambda m, g=g: _group(m) == g):13.2f}x"
                                         for g in groups))
    print("\nNot a choice (the held-out models shape these): the KV read fraction fixed at each value, the rest refitted "
          "in each fold;\nwhat a sourced figure would have to be for the form to help (TPOT / J per token, coverage):")
    for power in (False, True):
        cells = []
        for kv in SWEEP:
            r = evaluate(Form("", FORMS[0].time_params, {"kv_fraction": kv}, power_at_nominal_kv=power), ms)
            cells.append(f"{kv:g}: {r['tpot'].median_factor:.2f}x {r['tpot'].interval_coverage:.0%} / "
                         f"{r['energy'].median_factor:.2f}x {r['energy'].interval_coverage:.0%}")
        print(f"  power {'at the bytes (0.9)' if power else 'by the slow read'}: " + "; ".join(cells))
    print("\nbaselines, same run (held out by model):")
    for name, (bt, be) in baselines(ms).items():
        print(f"{name:26s} TPOT {metrics(bt).median_factor:5.2f}x   J/tok {metrics(be).median_factor:5.2f}x")
    return results


if __name__ == "__main__":
    main()
