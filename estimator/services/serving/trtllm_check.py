"""The default engine on TensorRT-LLM's own published throughput table: newer models and hardware, never fitted.

``estimator/data/trtllm_perf_overview.csv`` holds TensorRT-LLM v1.0's maximum-throughput runs (2025: Llama 3.1 8B,
Llama 3.3 70B, Llama 3.1 405B, Qwen3 30B-A3B and 235B-A22B on H100, H200, B200, GB200 and RTX PRO 6000 Blackwell, at
FP8 and FP4), gathered after the optimised engine was fitted to MLPerf Inference v4.0/v4.1, and the three
maximum-throughput runs of TensorRT-LLM's DeepSeek-R1 guide (8 B200s at FP4, 8 H200s at FP8; added 2026-12-01: the
expert-parallel layout a latent-attention mixture of experts is weighed in, ``core.serving.layout.latent_moe``, was
adopted after its figures were seen, so for them the check is not blind). Each row is predicted by
the engine as shipped, as ``inference --devices N --batch-size max`` answers it (the layout chosen: a tensor parallelism, or, for a
latent-attention mixture of experts, expert parallelism where it serves more) and
at the layout the table ran (``--tp``; a mixture of experts on several GPUs ``--ep``, as the table's MoE options
ran it: expert parallelism with attention data parallelism); beside it the flat-roofline baseline of ``validate
--inference``, its fraction the median measured ÷ roofline of every shipped MLPerf Offline result (fitted there, not
here). No constant of the step is fitted to these rows; their errors are pooled into the engine's stated 80% range
(``fit-serving``: a result from a newer round is new in its model or device, as they are), so each run is checked
against the range calibrated without its own model's runs (``serving_mlperf.newer_held_out``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from estimator.core.base.errors import DataFileError
from estimator.core.serving.engines import OPTIMIZED_ENGINE
from estimator.core.serving.layout import device_at
from estimator.fit.serving_fit import metrics
from estimator.fit.serving_mlperf import OFFLINE, MLPerfRow, NewerRun, predict, roofline_tokens_per_s
from estimator.io.datafiles import default_profiles
from estimator.io.serving_data import (
    FIT_COMMAND,
    SERVING_FIT_PATH,
    TRTLLM_PATH,
    engine_profile,
    load_mlperf,
    load_newer_halves,
    load_serving_fit,
    load_trtllm_overview,
)

ENGINE = OPTIMIZED_ENGINE


def flat_fraction(mlperf: Sequence[MLPerfRow]) -> float:
    """The baseline's fraction of the compute roofline: the median measured ÷ roofline over MLPerf's Offline rows."""
    return float(np.median([r.tokens_per_s / roofline_tokens_per_s(r) for r in mlperf if r.scenario == OFFLINE]))


def moe_over_gpus(r: MLPerfRow) -> bool:
    """A mixture of experts the table ran on several GPUs: with its MoE options (--ep, attention data-parallel)."""
    return r.arch.experts is not None and (r.tensor_parallel or 1) > 1


def _device_at(r: MLPerfRow):
    """The run's device as a group of ``tp`` runs it, across scale-up domains where it spans them, as the CLI times it
    (``core.serving.layout.device_at``)."""
    profile = default_profiles().by_id(r.hardware_id)
    return lambda tp: device_at(profile, r.device, tp, r.devices)


def answered(r: MLPerfRow, fit, cap: int):
    """The run as ``inference --devices N --batch-size max`` answers it: the layout that serves the most (for a
    latent-attention mixture of experts, expert parallelism weighed too: ``serving_mlperf.predict``)."""
    return predict(r, fit, 1.0, cap, device_at=_device_at(r))


def published_layout(r: MLPerfRow, fit, cap: int):
    """The run at the layout the table ran: its tensor parallelism, or expert parallelism over its GPUs for a
    mixture of experts (``moe_over_gpus``)."""
    if moe_over_gpus(r):
        return predict(r, fit, 1.0, cap, ep=r.tensor_parallel, device_at=_device_at(r))
    return predict(r, fit, 1.0, cap, tp=r.tensor_parallel, device_at=_device_at(r))


def layout_words(r: MLPerfRow) -> str:
    """The layout the table ran, as TP8 or EP8."""
    return f"EP{r.tensor_parallel}" if moe_over_gpus(r) else f"TP{r.tensor_parallel}"


def _summary(errors: Sequence[float], halves: Sequence[float], groups: Sequence[str]) -> dict:
    return metrics(list(errors), list(halves), list(groups)).to_dict()


def newer_runs(fit, cap: int) -> list[NewerRun]:
    """The table's runs, each predicted by ``fit`` as ``inference --devices N --batch-size max`` would (the tensor
    parallelism chosen), as out-of-sample evidence for the engine's stated range (``serving_mlperf.NewerRun``): what
    ``fit-serving`` pools into the interval, each model's (and each GPU's) runs left out where its own coverage is
    measured (``serving_mlperf.newer_held_out``)."""
    return [NewerRun(abs(math.log(answered(r, fit, cap).tokens_per_s / r.tokens_per_s)), r.model, r.hardware_id)
            for r in load_trtllm_overview()]


@lru_cache(maxsize=1)
def trtllm_check_document() -> dict:
    """The default engine, as shipped, on TensorRT-LLM's published throughput table (the module docstring)."""
    rows = load_trtllm_overview()
    fit = load_serving_fit(ENGINE)
    cap = engine_profile(ENGINE).max_batch
    frac = flat_fraction(load_mlperf())
    # each run's range as calibrated without its model's runs (and, for the by-GPU table, without its GPU's):
    # fit-serving pools these runs into the stated range (serving_mlperf.newer_held_out)
    halves = load_newer_halves(ENGINE)
    out = []
    for r in rows:
        chosen = answered(r, fit, cap)
        ran = published_layout(r, fit, cap)
        if r.model not in halves["model"] or r.hardware_id not in halves["hardware_id"]:
            raise DataFileError(f"{SERVING_FIT_PATH}: no held-out range for {r.model} on {r.hardware_id}, a run of "
                                f"{TRTLLM_PATH.name}; re-create it with `{FIT_COMMAND}`")
        half = halves["model"][r.model]
        out.append({"row_id": r.row_id, "model": r.model, "hardware": r.hardware_id, "devices": r.devices,
                    "bits": r.bits, "kv_bits": r.kv_bits, "prompt_tokens": r.prompt_tokens,
                    "output_tokens": r.output_tokens,
                    "measured_tokens_per_s": r.tokens_per_s,
                    "predicted_tokens_per_s": chosen.tokens_per_s, "tp_chosen": chosen.tp, "ep_chosen": chosen.ep,
                    "layout_chosen": f"EP{chosen.ep}" if chosen.ep > 1 else f"TP{chosen.tp}", "batch": chosen.batch,
                    "interval_tokens_per_s": [chosen.tokens_per_s / math.exp(half), chosen.tokens_per_s * math.exp(half)],
                    "inside": abs(math.log(chosen.tokens_per_s / r.tokens_per_s)) <= half,
                    "half_model_held_out": half, "half_gpu_held_out": halves["hardware_id"][r.hardware_id],
                    "at_published_layout_tokens_per_s": ran.tokens_per_s, "published_tp": r.tensor_parallel,
                    "published_layout": layout_words(r),
                    "baseline_tokens_per_s": frac * roofline_tokens_per_s(r)})

    def err(key: str, rows: Sequence[dict] = out) -> list[float]:
        return [math.log(x[key] / x["measured_tokens_per_s"]) for x in rows]

    def hs(rows: Sequence[dict], key: str = "half_model_held_out") -> list[float]:
        return [x[key] for x in rows]

    def by(field: str) -> dict:
        groups = {g: [x for x in out if x[field] == g] for g in sorted({x[field] for x in out})}
        key = "half_model_held_out" if field == "model" else "half_gpu_held_out"
        return {g: {"model": _summary(err("predicted_tokens_per_s", rs), hs(rs, key), [g] * len(rs)),
                    "baseline": metrics(err("baseline_tokens_per_s", rs)).to_dict()}
                for g, rs in groups.items()}
    models = [x["model"] for x in out]
    return {
        "engine": ENGINE,
        "data": f"estimator/data/{TRTLLM_PATH.name}",
        "method": (f"{len(out)} maximum-throughput runs from TensorRT-LLM's published benchmarks (its v1.0 "
                   "performance overview's; DeepSeek-R1's from its DeepSeek-R1 guide, whose figures the "
                   "expert-parallel layout of a latent-attention mixture of experts was adopted after: not blind) "
                   f"({len(set(models))} models: {', '.join(sorted(set(models)))}; "
                   f"{len({x['hardware'] for x in out})} GPUs: {', '.join(sorted({x['hardware'] for x in out}))}; "
                   "FP8 and FP4, prompts of 128 to 20,000 tokens), gathered after the engine was fitted and never "
                   "fitted (the experts' GEMM rate and the prompts' tensor-parallel all-reduces in the step were "
                   "added after this check was first run: for those changes it is not blind): each predicted by it as "
                   "shipped, as an inference on the run's GPUs at the batch that serves the most is answered (the "
                   "layout chosen: a tensor parallelism, or, for a latent-attention mixture of experts, expert "
                   "parallelism where it serves more) and at the layout the table ran (its tensor parallelism; a mixture of "
                   "experts on several GPUs in expert parallelism, as its MoE options ran them). The stated range "
                   "pools these runs' errors with MLPerf's held-out ones (fit-serving); each run is checked against "
                   "the range calibrated without its model's runs (in the by-GPU table, without its GPU's runs and "
                   "MLPerf results)"),
        "baseline": ("a flat fraction of the compute roofline, as in the MLPerf cross-validation: devices × the peak "
                     "at the bits run ÷ the FLOPs per output token (prompt included), the fraction "
                     f"{frac:.3f}, the median measured ÷ roofline of the shipped MLPerf Offline results"),
        "flat_fraction": frac,
        "overall": {"model": _summary(err("predicted_tokens_per_s"), hs(out), models),
                    "gpu_held_out": _summary(err("predicted_tokens_per_s"), hs(out, "half_gpu_held_out"),
                                             [x["hardware"] for x in out]),
                    "at_published_layout": _summary(err("at_published_layout_tokens_per_s"), hs(out), models),
                    "baseline": metrics(err("baseline_tokens_per_s")).to_dict()},
        "by_model": by("model"),
        # at the layout the table ran, each model's geometric mean predicted ÷ measured and its layouts
        "by_model_at_published_layout": {
            g: {"geometric_mean_ratio": math.exp(sum(es) / len(es)),
                "layouts": sorted({x["published_layout"] for x in out if x["model"] == g})}
            for g in sorted(set(models))
            for es in [err("at_published_layout_tokens_per_s", [x for x in out if x["model"] == g])]},
        "by_hardware": by("hardware"),
        "rows": out,
    }


def summary_line(t: dict, level: str) -> str:
    """The check in one sentence, as `validate --inference` and the Accuracy page say it."""
    o = t["overall"]
    return (f"Tokens/s off by a median {o['model']['median_factor']:.2f}× (geometric mean predicted ÷ measured "
            f"{o['model']['geometric_mean_ratio']:.2f}), its {level} range, calibrated without the run's model, holding "
            f"{o['model']['interval_coverage']:.0%} (without its GPU {o['gpu_held_out']['interval_coverage']:.0%}); "
            f"at the layout the table ran {o['at_published_layout']['median_factor']:.2f}× "
            f"({o['at_published_layout']['interval_coverage']:.0%} in range); the flat roofline "
            f"{o['baseline']['median_factor']:.2f}×.")


def layout_line(t: dict) -> str:
    """Each model at the layout the table ran: its geometric mean predicted ÷ measured."""
    return "At the layout the table ran, geometric mean predicted ÷ measured: " + "; ".join(
        f"{m} ({', '.join(v['layouts'])}) {v['geometric_mean_ratio']:.2f}"
        for m, v in t["by_model_at_published_layout"].items()) + "."


GROUP_HEADER = ("by", "group", "runs", "factor", "pred ÷ meas", "in range", "flat roofline")


def group_rows(t: dict) -> list[list]:
    """One row per model and per GPU: runs, median factor, geometric mean predicted ÷ measured, share in range,
    the flat roofline's median factor."""
    return [[kind, g, v["model"]["n"], f"{v['model']['median_factor']:.2f}×", f"{v['model']['geometric_mean_ratio']:.2f}",
             f"{v['model']['interval_coverage']:.0%}", f"{v['baseline']['median_factor']:.2f}×"]
            for kind, key in (("model", "by_model"), ("GPU", "by_hardware")) for g, v in t[key].items()]


__all__ = ["ENGINE", "GROUP_HEADER", "flat_fraction", "group_rows", "layout_line", "newer_runs",
           "summary_line", "trtllm_check_document"]
