"""The serving estimate's words: what its ranges mean for each engine, what each engine's costs were
fitted to, what a mixture of experts' step reads, and what stays at 16 bits when the weights are
quantised. Pure: words from the shape, the parameter count and the fit."""

from __future__ import annotations

import re

from estimator.core.base.number_text import count_text, gfmt
from estimator.core.base.units import PARAMS_PER_BILLION
from estimator.core.serving.engines import EAGER_ENGINE, LATENCY_ENGINE, OPTIMIZED_ENGINE, VLLM_ENGINE
from estimator.core.serving.weights import EMBEDDING_BITS, embedding_params, read_params
from estimator.core.workload.architecture import Architecture

RANGE_MEANING = ("{level:.0%} intervals from the leave-one-model-out residuals of {n} measured configurations, each model counted once "
                 "({models} models, A100 and H100, vLLM 2024 and FastChat; `python -m estimator validate --inference` "
                 "reports their coverage, which counts models of one shape on one engine apart: held out together, "
                 "the two batched models are too few to calibrate a range for batches and tensor parallelism); "
                 "memory is exact arithmetic; outside those devices and engines the intervals are likely too narrow")
# the latency engine's: energy's range is the time's at the modelled power, its coverage measured on this project's
# decode steps (estimator/data/measured_decode.csv)
LATENCY_RANGE_MEANING = ("{level:.0%} intervals from the leave-one-benchmark-out residuals of {n} published small-batch "
                         "decode times, each benchmark counted once ({models} benchmarks, A10G, A100 and H100); with "
                         "each benchmark held out they held {held} of its times, so they are too narrow "
                         "(`python -m estimator validate --inference`); energy's range is the "
                         "time's at the modelled power, checked on this project's NVML decode steps (the same command); "
                         "memory is exact "
                         "arithmetic; outside those devices and batches they are likelier still to miss")
# said after either meaning where a power is given: the energy's range is then the time's at that power, not the
# fitted energy half-width (inference audit: 5.94–13.7 J was 300 W × the time's range, under a meaning that spoke
# only of the fitted residuals)
POWER_GIVEN_RANGE = "; with the power given, energy's range is the time's at that power"
# what each engine's fitted costs were fitted to, for the time's breakdown
ENGINE_FITTED_TO = {VLLM_ENGINE: ("fitted to vLLM (2024) and FastChat measurements; newer engines with CUDA graphs and "
                                  "asynchronous scheduling have less"),
                    LATENCY_ENGINE: "fitted to published latency benchmarks (gpt-fast, LMDeploy, TGI, vLLM)",
                    OPTIMIZED_ENGINE: ("fitted to MLPerf Inference v4.0/v4.1 results (TensorRT-LLM class) and published "
                                       "latency benchmarks, the prompts' prefill mixed into the decode steps"),
                    EAGER_ENGINE: "fitted to FastChat measurements at batch 1 (ML.ENERGY 2023)"}
# the optimised engine's: tokens/s of MLPerf results held out by model and by hardware, and its energy unmeasured
OPTIMIZED_RANGE_MEANING = ("{level:.0%} intervals from the out-of-sample residuals of MLPerf Inference results held out "
                           "by model and by hardware and of TensorRT-LLM's later published runs (never fitted), each "
                           "model and each device counted once (fitted on {n} results and published times of {models} "
                           "models); held out by model they held {held} of its Offline results, each model's or device's "
                           "averaged alike at least {least} over both scenarios and both ways of holding out "
                           "(`python -m estimator validate --inference`); energy's range is the wider of the time's and "
                           "vllm-2024's measured one, as no device energy of this engine was measured (marked stated); memory is exact "
                           "arithmetic; outside those devices and models the intervals are likely too narrow")
# where the engine's interval was checked on later runs of newer models and GPUs (fit-serving writes the share)
OPTIMIZED_NEWER = ("; on the {runs} later runs of newer models and GPUs, each model's runs left out of the range's "
                   "calibration, they held {newer}{short}")
# the eager engine's: four FastChat models at batch 1
EAGER_RANGE_MEANING = ("{level:.0%} intervals from the leave-one-model-out residuals of {n} FastChat configurations at "
                       "batch 1, each model counted once ({models} models, A100); held out by model, each with its "
                       "interval from the others' (nested), the intervals held {held} of those configurations' times "
                       "per output token (`python -m estimator validate --inference`; three of the models are one "
                       "shape); beyond batch 1 and one device, nothing measured them; memory is exact arithmetic")


# The numbers whose spoken name starts with a vowel ("eight", "eleven", "eighteen", "eighty", "eight
# hundred", "eleven thousand"): a leading digit group starting with 8, or the group 11 or 18 (English
# usage: the article follows the sound, not the digit).
_VOWEL_NUMBER = re.compile(r"(8|1[18](?!\d))")


def counted(n: float, singular: str, plural: str | None = None) -> str:
    """A count and its noun, singular only for exactly one: "1 attention head", "32 KV heads"."""
    text = count_text(n)
    return f"{text} {singular if text == '1' else (plural or singular + 's')}"


def article(text: str) -> str:
    """The indefinite article before ``text`` as it is spoken: "an 8-bit KV cache", "an 11 B-parameter
    student", "a 16-bit KV cache", "a 1,200-token prompt" (inference audit: "a 8-bit KV cache")."""
    if text[:1].isdigit():
        return "an" if _VOWEL_NUMBER.match(text) else "a"
    return "an" if text[:1].lower() in "aeiou" else "a"


def moe_note(arch: Architecture, params: float, batch: int) -> str:
    """What a mixture of experts reads per decode step, in words."""
    def billions(x: float) -> str:
        return f"{gfmt(x / PARAMS_PER_BILLION, 3)} B"
    flops = f"FLOPs use the {billions(arch.active_params)} active parameters"
    if arch.experts is None:
        return f"mixture of experts: all {billions(params)} parameters are read each step (routing not given); {flops}"
    read = read_params(arch, params, batch) / params
    touched = arch.experts * (1.0 - (1.0 - arch.experts_per_token / arch.experts) ** batch)
    return (f"mixture of experts: {arch.experts_per_token} of {arch.experts} experts per token; a step of {batch} "
            f"token{'s' if batch != 1 else ''} reads {gfmt(touched, 3)} experts per layer on average (if routing is even: "
            f"an upper bound), {billions(read * params)} of the {billions(params)} parameters; {flops}")


def embedding_note(arch: Architecture, params: float, bits: int) -> str:
    """What stays at 16 bits when the weights are quantised to ``bits``, in words."""
    stored, _ = embedding_params(arch, params)
    if not stored:
        return (f"{bits}-bit weights: the vocabulary is not given, so every weight counts at {bits} bits; quantised "
                f"checkpoints keep the embeddings and LM head at {EMBEDDING_BITS} bits, so memory and time are "
                "somewhat low (a vocabulary would keep them apart)")
    what = "the embedding table (tied to the LM head)" if arch.tied_embeddings else "the embedding table and the LM head"
    return (f"{bits}-bit weights: the transformer blocks' linear layers; {what}, {gfmt(stored / PARAMS_PER_BILLION, 3)} B "
            f"parameters, stay at {EMBEDDING_BITS} bits, as quantised checkpoints keep them (GPTQ, AWQ, FP8)")


__all__ = ["EAGER_RANGE_MEANING", "ENGINE_FITTED_TO", "LATENCY_RANGE_MEANING", "OPTIMIZED_NEWER", "OPTIMIZED_RANGE_MEANING", "POWER_GIVEN_RANGE", "RANGE_MEANING", "article", "counted",
           "embedding_note", "moe_note"]
