"""The time to the first token under a Server load (serving review 2026-11-28, third): how it was measured.

    python -m research.ttft_under_load      (about 10 s)

The serving model's time to the first token is one prompt's prefill and one step on an idle scheduler
(``core.serving.throughput.ttft_s``): no queue. A serving review checked it against NVIDIA's NIM benchmark (NIM 1.8.0,
Llama 3.3 70B at FP8 on 2 H100s in TP 2, 5,000-token prompts, 500 out: a mean TTFT of 407 ms at concurrency 1, 689 at
25, 835 at 50; docs.nvidia.com/nim/benchmarking/llm/1.0.0/performance) and found it flat with the load (343, 352, 373
ms), so `--ttft-ms` takes batches whose TTFT under load misses the bound. This
measures the same on MLPerf Inference v4.0/v4.1's Server runs, whose measured mean and p99 TTFT
``estimator/data/mlperf_inference.csv`` holds (58 runs of Llama 2 70B and Mixtral 8x7B; their TTFT bound, 2 s, never
binds: the TPOT bound sets their load). Each run is predicted as the Server validation predicts it (the shipped
default engine at the run's TPOT bound, ``serving_mlperf.predict``; in sample for the engine's constants, which were
fitted on these runs' tokens/s, not their TTFT). Beside the idle TTFT, a queue with no fitted parameter: requests reach
a replica at the run's measured rate (its tokens/s ÷ the benchmark's output tokens ÷ replicas), each prompt's prefill
S is served one at a time, so its wait is M/D/1's mean, ρ/(2(1 − ρ))·S with ρ = rate·S (Pollaczek–Khinchine, Poisson
arrivals as MLPerf's loadgen sends them), and half a step for the step under way. The p99 ÷ mean the runs measured is
printed beside, as a p99 from the queued mean would take it.

What it showed (2026-11-28): against the measured mean TTFT of the 58 runs, the idle TTFT is off by a median 1.68×
(0.60× signed: too short), the queued mean 1.28× (0.87×); the runs' p99 is a median 2.17× their mean. Shipped the same
day for `--ttft-ms` (``throughput.loaded_ttft_s``, ``ServingFit.ttft_p99_over_mean``; `fit-serving` writes the check,
the p99's ratio held out by model, into serving_fit.json's ``validation.ttft_under_load``); this script keeps the
measured rate beside the model's own. Rerun 2026-11-30, a request's own prompt's all-reduces in its prefill: the
queued mean 1.28× (0.89×). Rerun 2026-12-01, the engine refitted with six devices' memory as each reports it: the idle
TTFT 1.66× (0.60×), the queued mean 1.29× (0.89×).
"""

from __future__ import annotations

import math
from statistics import median

from estimator.fit.serving_mlperf import SERVER, predict
from estimator.io.serving_data import load_mlperf, load_serving_fit


def rows() -> list[dict]:
    """Each Server run with a measured TTFT: its idle and queued predicted mean and its measured mean and p99 (s)."""
    fit = load_serving_fit()
    out = []
    for r in load_mlperf():
        if r.scenario != SERVER or r.ttft_mean_s is None or r.ttft_p99_s is None:
            continue
        th = predict(r, fit, fit.server_share, fit.max_batch)
        st = th.step
        idle = th.ttft_s
        prefill = max(0.0, idle - st.user_tpot_s * st.tokens_per_step)   # the prompt's own prefill, the step taken off
        rate = r.tokens_per_s / r.output_tokens / th.replicas         # requests a second reaching each replica
        rho = rate * prefill
        wait = rho / (2.0 * (1.0 - rho)) * prefill if rho < 1.0 else math.inf
        out.append({"row_id": r.row_id, "model": r.model, "hardware_id": r.hardware_id, "devices": r.devices,
                    "idle_s": idle, "queued_s": idle + wait + st.tpot_s / 2.0, "utilisation": rho,
                    "measured_mean_s": r.ttft_mean_s, "measured_p99_s": r.ttft_p99_s})
    return out


def median_factor(ratios: list[float]) -> float:
    return math.exp(median(abs(math.log(x)) for x in ratios))


def signed(ratios: list[float]) -> float:
    return math.exp(median(math.log(x) for x in ratios))


def summary() -> dict:
    rs = rows()
    idle = [r["idle_s"] / r["measured_mean_s"] for r in rs]
    queued = [r["queued_s"] / r["measured_mean_s"] for r in rs]
    return {"runs": len(rs), "idle": (median_factor(idle), signed(idle)), "queued": (median_factor(queued), signed(queued)),
            "p99_over_mean": median(r["measured_p99_s"] / r["measured_mean_s"] for r in rs),
            "most_utilised": max(r["utilisation"] for r in rs)}


def main() -> None:
    s = summary()
    print(f"{s['runs']} MLPerf Server runs with a measured TTFT (Llama 2 70B, Mixtral 8x7B; v4.0/v4.1)")
    print(f"idle TTFT (one prompt's prefill and one step) against the measured mean: median factor {s['idle'][0]:.2f}x "
          f"(signed {s['idle'][1]:.2f}x)")
    print(f"queued (M/D/1 wait for the prefill at the run's rate, and half a step): median factor {s['queued'][0]:.2f}x "
          f"(signed {s['queued'][1]:.2f}x); the busiest replica's prefill utilisation {s['most_utilised']:.2f}")
    print(f"measured p99 / mean TTFT: median {s['p99_over_mean']:.2f}")


if __name__ == "__main__":
    main()
