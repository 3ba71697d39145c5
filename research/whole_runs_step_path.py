"""What `estimate --model … --tokens … --devices …` gives for published whole runs, against their published hours.

    python -m research.whole_runs_step_path

With a catalog model the time comes from the step model over the planner's best layout ÷ a sourced goodput (90%,
85–97%); its 80% range is the step range and the goodput's. That range is calibrated on published layouts' step
throughput, not on whole runs. These are the runs of catalog models whose developers published the device-hours
(estimator/data/published_runs.csv, estimator/data/epoch_training_runs.csv), each timed as a user would: the model,
the tokens, the hardware and the devices; the global batch, sequence and precision where the developer stated them,
the defaults where not. Not an accuracy claim: Llama 3 405B's and DeepSeek-V3's step throughputs are among the
step model's fit rows (sources L3 and DSV3) and the goodput is Llama 3's; the Phi-3 and Llama 2/3 rows are in
neither. Meta did not publish the device counts of its smaller runs: 2,048 is assumed, and their ratios move with
that guess (``sensitivity``: at the default 4M-token batch, more devices each get fewer tokens a step).

Figures as run on 2026-11-27 (step ÷ published device-hours; inside the 80% range):
- Llama 3.1 405B, 16,384 H100s, 16M tokens a step, sequence 8,192: 1.01, inside (at the default 4M: 1.42, outside);
- DeepSeek-V3, 2,048 H800s, 15,360 × 4,096 tokens a step, FP8: 1.03, inside;
- Phi-3-mini (3.3T and 4.9T tokens), Phi-3-medium, 512 H100s (published), batch not stated: 0.58, 0.61, 0.45,
  outside: Microsoft's runs took 1.6–2.2× the step model's time; beside it, in the same run, the flat 30%-of-peak
  rule (issue 9's naive baseline): 0.82, 0.86, 0.73, so 1.2–1.4× its time;
- Llama 2 7B/13B/70B (4M tokens, sequence 4,096, A100s) at 2,048 devices assumed: 0.84 (inside), 0.78, 0.81;
- Llama 3 and 3.1 8B/70B (sequence 8,192, H100s, batch not stated) at 2,048 assumed: 0.47, 0.69, 0.42, 0.63;
- the same Meta runs at 1,024 / 4,096 / 8,192 devices assumed: from 0.37–0.81 to 0.54–1.04 to 0.87–1.55.
The two large runs with a stated batch land inside; Phi-3's, whose devices are published, took 1.6–2.2× the
planned time (the flat rule closer, 1.2–1.4×): its published GPU-hours hold more than a tuned stack's steps at 90% goodput. Meta's smaller runs say
nothing firm, their device counts unknown. Read the step model's run time as a tuned stack's; the figure for a run
as such teams have run it is the fitted utilisation's (`estimate --flops`), whose range is calibrated on whole runs.
"""

from __future__ import annotations

from estimator import estimate
from estimator.core.base.units import S_PER_HOUR
from estimator.core.hardware.utilization_model import RULE_UTILIZATION
from estimator.io.datafiles import default_profiles

# (model, tokens, devices, hardware, published device-hours, what the developer stated, source)
RUNS = (
    ("llama-3.1-405b", 15.6e12, 16384, "h100-sxm", 30.84e6, {"seq_len": 8192, "global_batch_tokens": 16 * 2 ** 20},
     "model card (30.84M H100-hours); arXiv:2407.21783 §3.4.1 (16M tokens of 8,192), §3.3 (16,384 H100s)"),
    ("deepseek-v3", 14.8e12, 2048, "h800", 2.664e6,
     {"seq_len": 4096, "global_batch_tokens": 15360 * 4096, "precision": "fp8"},
     "arXiv:2412.19437 Table 1 (2.664M H800-hours, pre-training), §3.1 (2,048 H800s), §4.2 (batch 15,360, "
     "sequence 4K), §3.3 (FP8)"),
    ("phi-3-mini", 3.3e12, 512, "h100-sxm", 86016, {}, "published_runs.csv (Phi-3-mini, Apr 2024)"),
    ("phi-3-mini", 4.9e12, 512, "h100-sxm", 122880, {}, "published_runs.csv (Phi-3-mini, Jun 2024 update)"),
    ("phi-3-medium", 4.8e12, 512, "h100-sxm", 516096, {}, "published_runs.csv (Phi-3-medium)"),
    ("llama-2-7b", 2e12, 2048, "a100-sxm-80gb", 184320, {"seq_len": 4096}, "arXiv:2307.09288 Table 2, §2.2 (4M tokens)"),
    ("llama-2-13b", 2e12, 2048, "a100-sxm-80gb", 368640, {"seq_len": 4096}, "arXiv:2307.09288 Table 2"),
    ("llama-2-70b", 2e12, 2048, "a100-sxm-80gb", 1720320, {"seq_len": 4096}, "arXiv:2307.09288 Table 2"),
    ("llama-3-8b", 15e12, 2048, "h100-sxm", 1.3e6, {"seq_len": 8192}, "Llama 3 model card"),
    ("llama-3-70b", 15e12, 2048, "h100-sxm", 6.4e6, {"seq_len": 8192}, "Llama 3 model card"),
    ("llama-3.1-8b", 15e12, 2048, "h100-sxm", 1.46e6, {"seq_len": 8192}, "Llama 3.1 model card"),
    ("llama-3.1-70b", 15e12, 2048, "h100-sxm", 7.0e6, {"seq_len": 8192}, "Llama 3.1 model card"),
)


def rows() -> list[dict]:
    out = []
    for model, tokens, devices, hardware, published, stated, source in RUNS:
        e = estimate(model=model, tokens=tokens, devices=devices, hardware=hardware, **stated)
        low, high = e.range["device_hours"]
        # the naive baseline beside, in the same run: the same FLOPs at 30% of the precision's dense peak
        peak = default_profiles().get(hardware).peak_flops_per_s[stated.get("precision", "bf16")]
        rule_device_hours = e.flops / (RULE_UTILIZATION * peak) / S_PER_HOUR
        out.append({"model": model, "devices": devices, "hardware": hardware, "published": published,
                    "step": e.device_hours, "ratio": e.device_hours / published, "inside": low <= published <= high,
                    "rule_ratio": rule_device_hours / published,
                    "mfu": e.step.step.mfu, "stated": ", ".join(f"{k} {v:g}" if isinstance(v, float | int) else
                                                                  f"{k} {v}" for k, v in stated.items()),
                    "source": source})
    return out


def sensitivity(counts: tuple[int, ...] = (1024, 2048, 4096, 8192)) -> dict[str, list[float]]:
    """Meta's smaller runs (device counts not published): step ÷ published device-hours at each count assumed."""
    out = {}
    for model, tokens, _, hardware, published, stated, _ in RUNS:
        if model.startswith("llama-") and model != "llama-3.1-405b":
            out[model] = [estimate(model=model, tokens=tokens, devices=d, hardware=hardware, **stated).device_hours
                          / published for d in counts]
    return out


def main() -> None:
    print(f"{'model':16} {'devices':>7} {'hardware':14} {'published h':>13} {'step h':>13} {'ratio':>6} {'in':>4}"
          f" {'MFU':>5} {'30% rule':>8}  stated")
    for r in rows():
        print(f"{r['model']:16} {r['devices']:>7,} {r['hardware']:14} {r['published']:>13,.0f} {r['step']:>13,.0f} "
              f"{r['ratio']:>6.2f} {'yes' if r['inside'] else 'no':>4} {r['mfu']:>5.0%} {r['rule_ratio']:>8.2f}  "
              f"{r['stated'] or 'defaults'}")
    print("\nMeta's smaller runs at 1,024 / 2,048 / 4,096 / 8,192 devices assumed (step ÷ published):")
    for model, ratios in sensitivity().items():
        print(f"{model:16} " + " / ".join(f"{x:.2f}" for x in ratios))


if __name__ == "__main__":
    main()
