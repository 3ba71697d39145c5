"""A decode step's power by its compute share (issue 54): the form shipped 2026-11-27 against the one before it.

    python -m research.power_load_tries      (about 5 s)

Before: a decode step drew between idle (0.2 × TDP) and Splitwise's decode draw (0.58 × TDP) by how busy its roofline
kept the GPU, whatever the batch; the latency engine's decode power stayed at 406 W on an H100 from batch 1 to 256,
where this project measured 340-351 W rising to 592 W (estimator/data/measured_decode.csv). Shipped: the decode's draw
lifted from 0.58 towards the prefill's 1.0 × TDP by the share of its roofline its matrix products take
(``estimator.core.serving.step.compute_share``), no new fitted number; the power factor (``busy_per_roofline_s``) refitted.

Prints, for both forms:
- ML.ENERGY's 32 configurations (the vllm-2024 engine's fit data), held out by model as fit-serving does (the time
  constants fitted to TPOT, then the power factor to J per output token, in each fold): J per output token's median
  factor, the nested 80% range's coverage and width. The measure the choice was made on.
- The graph-captured decode rows this project measured (never fitted; 28 on 2026-11-27, 40 since run 14), as the latency engine predicts them with
  that form's power factor: power and J per output token. Not blind: these rows showed the flat power first.

Figures at 2026-11-27: flat J/token 1.155x, 88%, x2.07 (factor 2.53); lifted 1.140x, 84%, x1.77 (factor 2.13).
Measured decode rows: power 1.09x (geo. mean 1.02; batch 256 0.69) -> 1.14x (1.13; batch 256 1.10); J per token
1.12x (0.85) -> 1.07x (0.94). The lift fixes the trend with batch; at batches 1-32 both forms run 5-30% high on the
H100 (Splitwise's H100 decode draw is 0.54 × TDP, the shipped 0.58 the mean of its A100's and H100's).

Exploration only: the shipped fit is `python -m estimator fit-serving`.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from estimator.core.base.interval import LEVEL
from estimator.core.serving.step import ServingFit, compute_share, load_power_fraction, step
from estimator.fit.grouped_conformal import pooled_cdf_quantile
from estimator.fit.serving_fit import metrics
from estimator.fit.tpot_check import measured_time, row_step
from estimator.io.serving_data import load_measurements, load_serving_fit
from estimator.io.tpot_checks import load_measured_decode
from research.vllm_tpot_tries import FORMS, _solve, fit_params

FORMS_TRIED = ("flat", "lifted")
# the step's form when the lift was chosen (2026-11-27): no prefill steps of their own (vllm-2024 has them since
# 2026-12-01; research/vllm_tpot_tries.py's "shipped" form); its own steps are timed so here (``_fit``)
BEFORE = next(f for f in FORMS if f.name.startswith("before"))


def _fit(q: dict) -> ServingFit:
    return ServingFit(engine_s_per_layer=q["engine_s_per_layer"], engine_s_per_sequence=q["engine_s_per_sequence"],
                      tp_s_per_allreduce=q["tp_s_per_allreduce"], busy_per_roofline_s=q["busy_per_roofline_s"],
                      tpot_log_half_width=0.0, energy_log_half_width=0.0, level=LEVEL, n_configs=0, n_models=0)


def _fraction(form: str, fit: ServingFit, s, step_s: float, prefill_s: float) -> float:
    share = compute_share(s.compute_s, s.gpu_s) if form == "lifted" else 0.0
    return load_power_fraction(fit, s.gpu_s, prefill_s, step_s, share)


def joules(form: str, m, q: dict) -> float:
    fit = _fit(q)
    s = step(params=m.params, arch=m.arch, device=m.device, fit=fit, batch=m.batch, prompt_tokens=m.prompt_tokens,
             output_tokens=m.output_tokens, tp=m.tp)
    return _fraction(form, fit, s, s.tpot_s, s.prefill_s) * m.device.tdp_w * m.tp * s.tpot_s / m.batch


def fit_form(form: str, ms) -> dict:
    q = fit_params(BEFORE, ms)
    energy = np.log([m.joules_per_output_token for m in ms])
    return _solve(("busy_per_roofline_s",), lambda qq: np.log([joules(form, m, qq) for m in ms]) - energy, q)


def lomo(form: str, ms) -> list[float]:
    out: dict[int, float] = {}
    for name in sorted({m.model for m in ms}):
        q = fit_form(form, [m for m in ms if m.model != name])
        for i, m in enumerate(ms):
            if m.model == name:
                out[i] = math.log(joules(form, m, q) / m.joules_per_output_token)
    return [out[i] for i in range(len(ms))]


def held_out(form: str, ms):
    errs = lomo(form, ms)
    halves = {}
    for name in sorted({m.model for m in ms}):
        rest = [m for m in ms if m.model != name]
        halves[name] = pooled_cdf_quantile([abs(e) for e in lomo(form, rest)], [m.model for m in rest], LEVEL)
    return metrics(errs, [halves[m.model] for m in ms], [m.model for m in ms])


def decode_rows(form: str, power_factor: float) -> tuple[list[float], list[float], list[tuple]]:
    """ln(predicted ÷ measured) power and J per token of the graph-captured rows, the latency engine's time."""
    fit = dataclasses.replace(load_serving_fit("latency"), busy_per_roofline_s=power_factor)
    power, energy, rows = [], [], []
    for m in load_measured_decode():
        r = m.row
        if r.source != "CUDA graphs":
            continue
        s = row_step(r, fit)
        t = measured_time(r, s, fit.mixed_prefill)
        watts = _fraction(form, fit, s, t, 0.0) * r.device.tdp_w
        power.append(math.log(watts / m.power_w))
        energy.append(math.log(watts * r.tp * t / r.batch / m.joules_per_output_token))
        rows.append((r.hardware_id, r.batch, r.bits, int(r.prompt_tokens), watts, m.power_w))
    return power, energy, rows


def main() -> dict:
    ms = list(load_measurements())
    out = {}
    print(f"vllm-2024's J per output token on ML.ENERGY's {len(ms)} configurations, held out by model "
          "(80% range nested, CDF pooling); the latency engine on the measured decode rows (not blind)\n")
    print(f"{'form':8s} {'factor':>7s} {'J/tok':>6s} {'cov':>5s} {'width':>6s}   decode rows: {'power':>6s} {'geo':>5s} "
          f"{'J/tok':>6s} {'geo':>5s}")
    for form in FORMS_TRIED:
        mt = held_out(form, ms)
        k = fit_form(form, ms)["busy_per_roofline_s"]
        p, e, rows = decode_rows(form, k)
        out[form] = {"held_out": mt, "power_factor": k, "rows": rows}
        print(f"{form:8s} {k:7.3f} {mt.median_factor:5.3f}x {mt.interval_coverage:5.0%} x{mt.interval_mean_width_factor:5.2f}"
              f"                {math.exp(np.median(np.abs(p))):5.3f}x {math.exp(np.mean(p)):5.2f} "
              f"{math.exp(np.median(np.abs(e))):5.3f}x {math.exp(np.mean(e)):5.2f}")
    print("\npower by batch on the measured decode rows (W predicted by each form ÷ measured):")
    for i, row in enumerate(out["flat"]["rows"]):
        gpu, batch, bits, prompt, flat, measured = row
        lifted = out["lifted"]["rows"][i][4]
        print(f"  {gpu:9s} batch {batch:4d} {bits:2d}-bit prompt {prompt:6d}: measured {measured:4.0f} W, "
              f"flat {flat:4.0f} ({flat / measured:.2f}), lifted {lifted:4.0f} ({lifted / measured:.2f})")
    return out


if __name__ == "__main__":
    main()
